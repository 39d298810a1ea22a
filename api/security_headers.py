"""Security headers on every answer the app gives: pages, API JSON, static files, error pages, redirects,
and refusals answered by a middleware (the body limit's 413) or by Starlette's last-resort 500.

Every answer carries:

- `Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;
  object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'` — no inline script or
  style anywhere (api/static/app.js and style.css hold them). When an OpenID Connect provider is
  configured, form-action also names the provider's origin: signing out posts a form to /logout, which
  redirects the browser to the provider's end-session endpoint, and browsers hold a form's redirects to
  form-action too. Signing in there is a link, then redirects (GET), which form-action does not govern.
- `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`.
- `Strict-Transport-Security: max-age=31536000; includeSubDomains` when the environment is production.
- `Cache-Control: no-store` on every answer but the static files (/static/), which keep their ETag and
  Last-Modified. One rule rather than a list: pages vary with the session cookie and the language, a
  signed-out page is cheap to make again, and an answer kept by a proxy or the back button is never one
  a reader signed in to see.

The API documentation pages (/docs, its OAuth2 redirect page, /redoc) are FastAPI's own: they load
Swagger UI or ReDoc from cdn.jsdelivr.net and start it with an inline script. Their policy:
`default-src 'self'; script-src 'self' https://cdn.jsdelivr.net 'sha256-…'; style-src 'self'
https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; font-src 'self' data:
https://fonts.gstatic.com; img-src 'self' data: https:; worker-src 'self' blob:; connect-src 'self';
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'` — scripts only from the
CDN or by the hash of the page's own inline script (computed from the page as it is answered), styles
inline too because ReDoc and Swagger UI insert their style elements at run time. These pages show the
OpenAPI schema and nothing of any reader's data.
"""

import base64
import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from standardflow.config import Settings

STATIC_PREFIX = "/static/"
CDN = "https://cdn.jsdelivr.net"
# A year, the least that browsers' preload lists take.
HSTS = "max-age=31536000; includeSubDomains"
# No other site, the provider included, needs to know which page of ours a reader came from (its
# address names a project or a task); links within the site keep the full referrer.
REFERRER_POLICY = "same-origin"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def page_policy(settings: Settings) -> str:
    form_action = " ".join(["'self'", *_provider_origin(settings)])
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "object-src 'none'", "base-uri 'self'", f"form-action {form_action}", "frame-ancestors 'none'",
    ])


def docs_policy(inline_scripts: list[bytes]) -> str:
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in inline_scripts]
    return "; ".join([
        "default-src 'self'", " ".join(["script-src 'self'", CDN, *hashes]),
        f"style-src 'self' {CDN} https://fonts.googleapis.com 'unsafe-inline'",
        "font-src 'self' data: https://fonts.gstatic.com", "img-src 'self' data: https:",
        "worker-src 'self' blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
        "form-action 'self'", "frame-ancestors 'none'",
    ])


def _provider_origin(settings: Settings) -> list[str]:
    if not settings.oidc_issuer:
        return []
    parts = urlsplit(settings.oidc_issuer)
    return [f"{parts.scheme}://{parts.netloc}"]


class SecurityHeaders:
    """Adds the headers to the start of every HTTP answer; a documentation page is held until its body
    is complete, to hash its inline script."""

    def __init__(self, app: ASGIApp, settings: Settings, docs_paths: frozenset[str]) -> None:
        self.app = app
        self.docs_paths = docs_paths
        self.policy = page_policy(settings)
        self.production = settings.environment == "production"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in self.docs_paths:
            await self.app(scope, receive, self._docs_sender(send))
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(MutableHeaders(scope=message), self.policy, cached=path.startswith(STATIC_PREFIX))
            await send(message)

        await self.app(scope, receive, sending)

    def _add(self, headers: MutableHeaders, policy: str, cached: bool) -> None:
        headers["Content-Security-Policy"] = policy
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = REFERRER_POLICY
        if self.production:
            headers["Strict-Transport-Security"] = HSTS
        if not cached:
            headers["Cache-Control"] = "no-store"

    def _docs_sender(self, send: Send) -> Send:
        start: Message = {}
        body: list[bytes] = []

        async def holding(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            content = b"".join(body)
            headers = MutableHeaders(scope=start)
            self._add(headers, docs_policy(INLINE_SCRIPT.findall(content)), cached=False)
            await send(start)
            await send({"type": "http.response.body", "body": content})

        return holding


def install(app: FastAPI, settings: Settings) -> None:
    """Wraps the whole middleware stack, Starlette's error middleware included (add_middleware would put
    it inside that one, and a 500 would go out without the headers)."""
    docs_paths = frozenset(p for p in (app.docs_url, app.swagger_ui_oauth2_redirect_url, app.redoc_url) if p)
    build: Callable[[], ASGIApp] = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build(), settings, docs_paths)  # type: ignore[method-assign]
