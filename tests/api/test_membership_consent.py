"""Consent between organisations, for members: a role an admin gives a person of another organisation
is an invitation that grants nothing until that person accepts it (through the API or on their account
page); declining removes it. A person of no organisation, or of this one, gets the role at once."""

import uuid

import httpx
import pytest

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.service import get_by_code
from tests.api.test_pages import post_form, sign_in

pytestmark = pytest.mark.timeout(120)


async def _person(sessions, org_code: str | None, role: Role = Role.expert) -> str:
    """A new person, of `org_code` with `role` (of no organisation when None); their username."""
    username = f"p{uuid.uuid4().hex[:10]}"
    async with transaction(sessions) as session:
        user = await create_user(session, UserCreate(username=username, display_name=f"访问学者 {username}",
                                                     password=DEMO_PASSWORD))
        if org_code:
            await grant_role(session, user.id, (await get_by_code(session, org_code)).id, role)
    return username


async def _pudong(http, headers) -> str:
    return next(o["id"] for o in (await http.get("/api/v1/organisations", headers=headers)).json()
                if o["code"] == "PUDONG")


async def _me(http, headers) -> dict:
    return {m["org_code"]: m["roles"] for m in (await http.get("/api/v1/me", headers=headers)).json()["memberships"]}


async def test_a_person_of_another_organisation_is_invited_and_holds_nothing_until_they_accept(stack, sessions):
    http = stack.http
    admin = await stack.login("gao.yan")  # PUDONG's admin
    pudong = await _pudong(http, admin)
    guest = await _person(sessions, "HDU")
    added = await http.post(f"/api/v1/admin/organisations/{pudong}/members", headers=admin,
                            json={"username": guest, "role": "admin"})
    assert added.status_code == 200, added.text
    assert (added.json()["state"], added.json()["roles"], added.json()["invited_roles"]) == ("invited", [], ["admin"])
    members = (await http.get(f"/api/v1/admin/organisations/{pudong}/members", headers=admin)).json()
    assert next(m for m in members if m["username"] == guest)["state"] == "invited"

    headers = await stack.login(guest)
    assert await _me(http, headers) == {"HDU": ["expert"]}
    assert (await http.get(f"/api/v1/admin/organisations/{pudong}/members", headers=headers)).status_code == 403
    [invitation] = (await http.get("/api/v1/me/invitations", headers=headers)).json()
    assert (invitation["org_code"], invitation["role"], invitation["invited_by"]) == ("PUDONG", "admin", "高燕")

    stranger = await stack.login("lin.tao")
    assert (await http.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=stranger)).status_code == 404
    accepted = await http.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert await _me(http, headers) == {"HDU": ["expert"], "PUDONG": ["admin"]}
    assert (await http.get(f"/api/v1/admin/organisations/{pudong}/members", headers=headers)).status_code == 200
    again = await http.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=headers)
    assert again.status_code == 404 and "invitation" in again.json()["detail"]


async def test_declining_removes_the_invitation(stack, sessions):
    http = stack.http
    admin = await stack.login("gao.yan")
    pudong = await _pudong(http, admin)
    guest = await _person(sessions, "SCDATA", Role.proposer)
    await http.post(f"/api/v1/admin/organisations/{pudong}/members", headers=admin,
                    json={"username": guest, "role": "coordinator"})
    headers = await stack.login(guest)
    [invitation] = (await http.get("/api/v1/me/invitations", headers=headers)).json()
    declined = await http.post(f"/api/v1/me/invitations/{invitation['id']}/decline", headers=headers)
    assert declined.status_code == 200, declined.text
    assert (await http.get("/api/v1/me/invitations", headers=headers)).json() == []
    members = (await http.get(f"/api/v1/admin/organisations/{pudong}/members", headers=admin)).json()
    assert guest not in [m["username"] for m in members]
    assert await _me(http, headers) == {"SCDATA": ["proposer"]}


async def test_a_person_of_no_organisation_or_of_this_one_gets_the_role_at_once(stack, sessions):
    http = stack.http
    admin = await stack.login("gao.yan")
    pudong = await _pudong(http, admin)
    newcomer = await _person(sessions, None)
    added = await http.post(f"/api/v1/admin/organisations/{pudong}/members", headers=admin,
                            json={"username": newcomer, "role": "pilot_lead"})
    assert (added.json()["state"], added.json()["roles"]) == ("active", ["pilot_lead"])
    second = await http.post(f"/api/v1/admin/organisations/{pudong}/members", headers=admin,
                             json={"username": newcomer, "role": "coordinator"})
    assert second.json()["roles"] == ["coordinator", "pilot_lead"] and second.json()["invited_roles"] == []


async def test_bad_invitation_input_gets_a_clear_refusal(stack):
    headers = await stack.login("li.wei")
    assert (await stack.http.post(f"/api/v1/me/invitations/{uuid.uuid4()}/accept", headers=headers)).status_code == 404
    bad = await stack.http.post("/api/v1/me/invitations/not-an-id/decline", headers=headers)
    assert bad.status_code == 422
    assert (await stack.http.get("/api/v1/me/invitations")).status_code == 401


async def test_the_account_page_shows_the_invitation_and_accepts_it(stack, sessions):
    admin = await stack.login("gao.yan")
    pudong = await _pudong(stack.http, admin)
    guest = await _person(sessions, "DFCLOUD")
    await stack.http.post(f"/api/v1/admin/organisations/{pudong}/members", headers=admin,
                          json={"username": guest, "role": "coordinator"})
    transport = stack.http._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        await sign_in(browser, guest, "en")
        page = await browser.get("/account")
        assert "高燕 invites you to Pudong New Area (PUDONG) as" in page.text
        [action] = [a for a in _actions(page) if a.endswith("/accept")]
        done = await post_form(browser, page, action)
        assert done.status_code == 303
        after = await browser.get(done.headers["location"])
        assert "Invitation accepted" in after.text and 'data-org="PUDONG"' in after.text


def _actions(page: httpx.Response) -> list[str]:
    import re

    return re.findall(r'action="(/account/invitations/[^"]+)"', page.text)
