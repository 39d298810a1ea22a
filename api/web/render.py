"""Server-rendered pages (Jinja2), each with its language, the translator and the CSRF token."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.web.i18n import LANGUAGES, language
from api.web.page_text import Translator
from api.web.session import CSRF_FIELD, csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
# Jinja2's i18n extension: `_("key")`, `gettext` and `ngettext` in a template resolve to the reader's
# Translator, passed with each page (its words in the page's language, `{name}` values filled in).
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.newstyle_gettext = True


def render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    lang = language(request)
    t = context.pop("t", None) or Translator(lang)
    return TEMPLATES.TemplateResponse(
        request, template,
        {"lang": lang, "languages": LANGUAGES, "t": t, "gettext": t, "ngettext": t.plural,
         "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request), **context},
        status_code=status_code,
    )
