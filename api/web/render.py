"""Server-rendered pages (Jinja2), each with its language, the translator and the CSRF token."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.web.i18n import LANGUAGES, language, translator
from api.web.session import CSRF_FIELD, csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


def render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    lang = language(request)
    return TEMPLATES.TemplateResponse(
        request, template,
        {"lang": lang, "languages": LANGUAGES, "t": translator(lang), "csrf_field": CSRF_FIELD,
         "csrf_token": csrf_token(request), **context},
        status_code=status_code,
    )
