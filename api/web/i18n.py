"""The reader's language: asked for with ?lang=zh|en, then kept in the session; before that the
browser's Accept-Language decides. The words themselves are in the gettext catalogues (api/locale)."""

from fastapi import Request

from api.web.session import LANG_KEY

LANGUAGES = ("zh", "en")


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        request.session[LANG_KEY] = asked
        return asked
    kept = request.session.get(LANG_KEY)
    if kept in LANGUAGES:
        return kept
    return _from_accept_language(request.headers.get("accept-language", ""))


def _from_accept_language(header: str) -> str:
    """The browser's most wanted language that we have; English otherwise."""
    ranked = []
    for part in header.split(","):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((float(weight or 1), tag.strip().lower()))
        except ValueError:
            continue
    for _, tag in sorted(ranked, key=lambda item: -item[0]):  # stable: equal weights keep their order
        if tag.split("-")[0] in LANGUAGES:
            return tag.split("-")[0]
    return "en"
