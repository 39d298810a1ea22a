"""The reader's language: asked for with ?lang=zh|en and kept in the session; else the one chosen on
their account (put in the session when they sign in without having just asked for one, and when they
choose it); before either, the browser's Accept-Language; Chinese when it names neither. The words
are in the gettext catalogues (services/words)."""

from fastapi import Request

from api.web.session import LANG_ASKED_KEY, LANG_KEY

LANGUAGES = ("zh", "en")


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        request.session[LANG_KEY] = asked
        request.session[LANG_ASKED_KEY] = True
        return asked
    kept = request.session.get(LANG_KEY)
    if kept in LANGUAGES:
        return kept
    return _from_accept_language(request.headers.get("accept-language", ""))


def _from_accept_language(header: str) -> str:
    """The browser's most wanted language that we have; Chinese, the platform's own, otherwise."""
    ranked = []
    for part in header.split(","):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((float(weight or 1), tag.strip().lower()))
        except ValueError:
            continue
    for weight, tag in sorted(ranked, key=lambda item: -item[0]):  # stable: equal weights keep their order
        if weight > 0 and tag.split("-")[0] in LANGUAGES:  # q=0 says "not this one"
            return tag.split("-")[0]
    return "zh"
