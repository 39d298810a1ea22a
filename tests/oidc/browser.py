"""A person's browser for the identity tests: it follows redirects between the app (in process) and
the provider (real HTTP on loopback), keeps each site's cookies, and fills in the forms it is shown."""

import base64
import hashlib
import json
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import httpx

from tests.oidc.fixtures import APP_BASE, AUDIENCE

NATIVE_CALLBACK = "http://127.0.0.1/callback"  # where the provider sends a command-line client's code
REDIRECTS = {301, 302, 303, 307, 308}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attributes.get("id"), "action": attributes.get("action") or "", "fields": {}})
        elif tag in ("input", "button") and attributes.get("name") and self.forms:
            owner = next((f for f in self.forms if f["id"] and f["id"] == attributes.get("form")), self.forms[-1])
            owner["fields"][attributes["name"]] = attributes.get("value") or ""


def forms_of(page: httpx.Response) -> list[dict]:
    parser = _Forms()
    parser.feed(page.text)
    return parser.forms


def hidden_field(page: httpx.Response, name: str) -> str:
    return next(form["fields"][name] for form in forms_of(page) if name in form["fields"])


class Browser:
    def __init__(self, app: httpx.AsyncClient) -> None:
        self.app = app
        self.provider = httpx.AsyncClient(timeout=15)

    async def close(self) -> None:
        await self.provider.aclose()

    async def __aenter__(self) -> "Browser":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def go(self, method: str, url: str, **kwargs) -> httpx.Response:
        """The last answer after following redirects; a redirect to a native client's callback stops there."""
        for _ in range(20):
            client = self.app if url.startswith(APP_BASE) or url.startswith("/") else self.provider
            response = await client.request(method, url, **kwargs)
            if response.status_code not in REDIRECTS:
                return response
            url = urljoin(str(response.request.url), response.headers["location"])
            if url.startswith(NATIVE_CALLBACK):
                return response
            if response.status_code in (301, 302, 303):
                method, kwargs = "GET", {}
        raise AssertionError("too many redirects")

    async def submit(self, page: httpx.Response, index: int = 0, **fields: str) -> httpx.Response:
        form = forms_of(page)[index]
        action = urljoin(str(page.request.url), form["action"])
        return await self.go("POST", action, data={**form["fields"], **fields})

    async def through_provider(self, page: httpx.Response, login: str, password: str) -> httpx.Response:
        """Sign in and consent at the provider, whichever of its forms it shows."""
        for _ in range(4):
            if not str(page.request.url).startswith("http://127.0.0.1:") or page.status_code in REDIRECTS:
                return page
            assert page.status_code == 200, page.text
            asks_password = "password" in forms_of(page)[0]["fields"]
            page = await (self.submit(page, login=login, password=password) if asks_password else self.submit(page))
        return page

    async def api_token(
        self, issuer: str, login: str, password: str, *, client_id: str = "standardflow-cli", resource: str = AUDIENCE
    ) -> str:
        """An access token for `resource`, as a command-line client gets one: code flow with PKCE."""
        return (await self.tokens(issuer, login, password, client_id=client_id, resource=resource))["access_token"]

    async def tokens(
        self, issuer: str, login: str, password: str, *, client_id: str = "standardflow-cli", resource: str = AUDIENCE
    ) -> dict:
        """The token endpoint's whole answer (access token, ID token) to a command-line client."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(12)
        query = {
            "client_id": client_id, "response_type": "code", "redirect_uri": NATIVE_CALLBACK, "scope": "openid api",
            "resource": resource, "code_challenge": challenge, "code_challenge_method": "S256", "state": state,
        }
        page = await self.go("GET", f"{issuer}/auth?{urlencode(query)}")
        answer = await self.through_provider(page, login, password)
        params = parse_qs(urlparse(answer.headers["location"]).query)
        assert params["state"] == [state], params
        response = await self.provider.post(f"{issuer}/token", data={
            "grant_type": "authorization_code", "code": params["code"][0], "redirect_uri": NATIVE_CALLBACK,
            "client_id": client_id, "code_verifier": verifier, "resource": resource,
        })
        assert response.status_code == 200, response.text
        return response.json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _segment(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def header_of(token: str) -> dict:
    return _segment(token, 0)


def claims_of(token: str) -> dict:
    return _segment(token, 1)
