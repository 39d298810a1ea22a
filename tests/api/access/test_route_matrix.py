"""The route × role matrix: every route of the app has a row saying which roles may call it, and
each role gets exactly that — past authentication and authorisation, or 401/403/404."""

import re

import pytest
from starlette.routing import Mount

import httpx
from sqlmodel import select

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.models import User
from tests.api.access.matrix import API, PAGES, Row, upload_files
from tests.api.access.world import ROLES
from tests.helpers import PROPOSAL

pytestmark = pytest.mark.timeout(600)
ROWS = API + PAGES
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _routes(routes, prefix: str = ""):
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            yield from _routes(route.effective_route_contexts(), prefix)
        elif isinstance(route, Mount):
            continue  # static files
        else:
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                yield method, route.path


def test_every_route_has_a_row():
    from api.app import create_app
    from standardflow.config import Settings

    app = create_app(Settings(session_secret="matrix"))
    declared = {(row.method, _shape(row.path)) for row in ROWS}
    missing = sorted((m, p) for m, p in set(_routes(app.routes)) if (m, _shape(p)) not in declared)
    assert missing == [], f"routes without a row in tests/api/access/matrix.py: {missing}"


def _shape(path: str) -> str:
    """A path with its parameters blanked: a row's {project} stands where the route has {project_id}."""
    return re.sub(r"{[^}]+}", "{}", path)


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"{([a-z_.]+)}", lambda m: str(ids[m.group(1)]), path)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (302, 303, 307) and "/login" in response.headers.get("location", "")


async def _call(stack, row: Row, ids: dict, headers: dict, people):
    if row.regrant:
        granted = await stack.http.post(_fill("/api/v1/admin/organisations/{pudong}/members", ids),
                                        json={"username": "lin.tao", "role": "evaluator"}, headers=await people("admin"))
        assert granted.status_code == 200, granted.text
    url = _fill(row.path, ids)
    kwargs: dict = {"headers": headers, "params": row.params, "follow_redirects": False}
    if row.json is not None:
        kwargs["json"] = row.json(ids)
    if row.form is not None:
        kwargs["data"] = row.form
    if row.files:
        kwargs["files"], kwargs["data"] = upload_files(), {"label": "discussion"}
    return await stack.http.request(row.method, url, **kwargs)


async def test_each_role_gets_what_its_row_says(world_stack):
    stack, world = world_stack
    ids = {**world.ids, "evaluator_role": "evaluator",
           "proposal": {**PROPOSAL, "committee_id": await _committee(stack, world)}}
    wrong = []
    for row in API:
        for role, username in ROLES.items():
            headers = await world.people(username) if username else {}
            response = await _call(stack, row, ids, headers, world.people)
            if _refused(response) == (role in row.allowed):
                verdict = "refused" if role in row.allowed else "let through"
                wrong.append(f"{row.method} {row.path}: {role} {verdict} ({response.status_code})")
    assert wrong == [], "\n".join(wrong)


async def _committee(stack, world) -> str:
    response = await stack.http.get("/api/v1/committees", headers=await world.people("li.wei"))
    return response.json()[0]["id"]


async def _browser(stack, username: str | None) -> tuple[httpx.AsyncClient, dict]:
    """A browser of its own: signed in through the login form when it has a user; its CSRF header."""
    browser = httpx.AsyncClient(transport=stack.http._transport, base_url="http://testserver")
    login = await browser.get("/login")
    token = CSRF.search(login.text).group(1)
    if username:
        signed = await browser.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                                    "csrf_token": token})
        assert signed.status_code == 303, signed.text
        token = CSRF.search((await browser.get("/account")).text).group(1)
    return browser, {"X-CSRF-Token": token}


async def test_each_role_sees_the_pages_its_row_says(world_stack, sessions):
    stack, world = world_stack
    ids = {**world.ids}
    wrong = []
    try:
        wrong += await _each_role_on_the_pages(stack, ids)
    finally:
        await _forget_language_choices(sessions)  # the row for /account/language chose for each role
    assert wrong == [], "\n".join(wrong)


async def _forget_language_choices(sessions) -> None:
    usernames = {username for username in ROLES.values() if username}
    async with transaction(sessions) as session:
        for user in (await session.exec(select(User).where(User.username.in_(usernames)))).all():
            user.language = None
            session.add(user)


async def _each_role_on_the_pages(stack, ids: dict) -> list[str]:
    wrong = []
    for role, username in ROLES.items():
        browser, csrf = await _browser(stack, username)
        try:
            for row in PAGES:
                if row.path in ("/logout", "/login") and row.method == "POST":
                    continue  # below: each changes the session the other rows use
                response = await _call_page(browser, row, ids, csrf)
                if _refused(response) == (role in row.allowed):
                    verdict = "refused" if role in row.allowed else "let through"
                    wrong.append(f"{row.method} {row.path}: {role} {verdict} ({response.status_code})")
            out = await browser.post("/logout", headers=csrf, follow_redirects=False)
            after = await browser.get("/account", follow_redirects=False)
            if out.status_code != 303 or not _refused(after):
                wrong.append(f"POST /logout: {role} still signed in ({out.status_code}, {after.status_code})")
        finally:
            await browser.aclose()
        wrong += await _sign_in_anew(stack, username, role)
    return wrong


async def _sign_in_anew(stack, username: str | None, role: str) -> list[str]:
    """Whoever holds the browser, the login form takes valid credentials."""
    browser, csrf = await _browser(stack, username)
    try:
        signed = await browser.post("/login", follow_redirects=False, data={
            "username": "li.wei", "password": DEMO_PASSWORD, "csrf_token": csrf["X-CSRF-Token"]})
        return [f"POST /login: {role} refused ({signed.status_code})"] if _refused(signed) else []
    finally:
        await browser.aclose()


async def _call_page(browser: httpx.AsyncClient, row: Row, ids: dict, csrf: dict):
    kwargs: dict = {"headers": csrf if row.method == "POST" else {}, "follow_redirects": False}
    if row.form is not None:
        kwargs["data"] = row.form
    if row.files:
        kwargs["files"], kwargs["data"] = upload_files(), {"label": "discussion"}
    return await browser.request(row.method, _fill(row.path, ids), **kwargs)
