"""The sign-in page and where signing in leads: shared by the sign-in routes and by a working page
whose form was sent from a session that has expired, so that signing in returns to the form."""

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web.render import render

LANDING = "/inbox"
LOGIN = "/login"


def local_path(path: str | None) -> str:
    """Only paths on this site: an open redirect would make the sign-in page a phishing tool. Browsers
    drop tabs and line breaks from an address and read a backslash as a slash, so "/\\t/evil.example"
    would become "//evil.example": any of them refuses the path."""
    if not path or not path.startswith("/") or path.startswith("//"):
        return LANDING
    if any(c == "\\" or c.isspace() or not c.isprintable() for c in path):
        return LANDING
    if urlsplit(path).path in (LOGIN, "/logout"):
        return LANDING
    return path


def form_page(request: Request) -> str:
    """The page a form was sent from: the browser names it in Referer, which is trusted only when it
    is this site's own address; otherwise the inbox."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.scheme not in ("http", "https"):
        return LANDING
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def sign_in_page(
    request: Request, status_code: int = 200, error: tuple[str, dict] | None = None, next_path: str = LANDING
) -> HTMLResponse:
    """`error` is a message key and its values, shown in the page's language."""
    settings = request.app.state.settings
    provider_name = settings.oidc_display_name if request.app.state.oidc_client else None
    return render(
        request, "login.html", status_code=status_code, error=error, next=next_path, provider_name=provider_name,
        signing_in=True,
    )
