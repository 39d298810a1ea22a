"""An error on a page is a page: in the reader's language, with the site's navigation. The API's
paths (and the documents machines read) keep answering errors as JSON."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web.decision_form import describer, problems_from_pydantic
from api.web.i18n import language
from api.web.page_text import Translator
from api.web.pages_common import page, reader

MACHINE_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json", "/static/", "/.well-known/", "/healthz", "/readyz")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(MACHINE_PATHS)


async def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None,
                     signed_out: bool = False, body_unread: bool = False) -> HTMLResponse:
    response = page(request, "error.html", await reader(request, body_unread), status_code=status, message=message,
                    status=status, signed_out=signed_out)
    response.headers.update(headers or {})
    return response


def page_problems(request: Request, errors: list[dict]) -> tuple[int, str]:
    """A request a page route cannot take: an address with a malformed id is a page not found; a
    form or a query that does not fit says what, field by field."""
    t = Translator(language(request))
    if any(error["loc"][:1] == ("path",) for error in errors):
        return 404, t("error.page.404")
    return 422, "; ".join(describer(t)(problem) for problem in problems_from_pydantic(errors, skip=1))


def status_words(request: Request, status: int) -> str:
    """What an HTTP refusal on a page means, in the reader's language."""
    t = Translator(language(request))
    return t.maybe(f"error.page.{status}", t("error.page.other"))


def too_large_words(request: Request, limit: int) -> str:
    """What was sent is past the limit of `limit` bytes, in the reader's language."""
    return Translator(language(request))("error.page.too_large", size=f"{limit / 1024 / 1024:.1f}")
