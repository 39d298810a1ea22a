"""Organisation administration: an organisation's admin manages roles there and nowhere else; the
platform admin creates organisations; every change is in the organisation's audit trail."""

import uuid

from tests.helpers import org_id


async def _me(stack, headers: dict) -> dict:
    return (await stack.http.get("/api/v1/me", headers=headers)).json()


def _roles_in(me: dict, org_code: str) -> list[str]:
    return next((m["roles"] for m in me["memberships"] if m["org_code"] == org_code), [])


async def test_an_organisation_admin_grants_and_revokes_roles_in_its_own_organisation(stack):
    http = stack.http
    admin, member = await stack.login("ma.rui"), await stack.login("chen.jie")
    sdcia = await org_id(http, admin, "SDCIA")
    members = f"/api/v1/admin/organisations/{sdcia}/members"

    listed = await http.get(members, headers=admin)
    assert listed.status_code == 200
    assert {m["username"]: m["roles"] for m in listed.json()}["chen.jie"] == ["committee_member"]

    granted = await http.post(members, json={"username": "chen.jie", "role": "expert"}, headers=admin)
    assert granted.status_code == 200, granted.text
    assert granted.json()["roles"] == ["committee_member", "expert"]
    assert _roles_in(await _me(stack, member), "SDCIA") == ["committee_member", "expert"]
    again = await http.post(members, json={"username": "chen.jie", "role": "expert"}, headers=admin)
    assert again.json()["roles"] == ["committee_member", "expert"]

    user_id = granted.json()["user_id"]
    revoked = await http.delete(f"{members}/{user_id}/roles/expert", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["roles"] == ["committee_member"]
    assert _roles_in(await _me(stack, member), "SDCIA") == ["committee_member"]
    missing = await http.delete(f"{members}/{user_id}/roles/expert", headers=admin)
    assert missing.status_code == 404

    trail = await http.get(f"/api/v1/admin/organisations/{sdcia}/audit", headers=admin)
    mine = [e for e in trail.json() if e["data"].get("user_id") == user_id][-2:]
    assert [(e["action"], e["data"]["role"]) for e in mine] == [
        ("member.role_granted", "expert"), ("member.role_revoked", "expert"),
    ]
    ma_rui = (await _me(stack, admin))["id"]
    assert {e["actor_id"] for e in mine} == {ma_rui}


async def test_an_organisation_admin_cannot_touch_another_organisation(stack):
    http = stack.http
    admin = await stack.login("ma.rui")
    pjmob = await org_id(http, admin, "PJMOB")
    li_wei = (await _me(stack, await stack.login("li.wei")))["id"]
    members = f"/api/v1/admin/organisations/{pjmob}/members"

    assert (await http.get(members, headers=admin)).status_code == 403
    grant = await http.post(members, json={"username": "li.wei", "role": "admin"}, headers=admin)
    assert grant.status_code == 403 and "members:manage" in grant.json()["detail"]
    assert (await http.delete(f"{members}/{li_wei}/roles/proposer", headers=admin)).status_code == 403
    assert (await http.get(f"/api/v1/admin/organisations/{pjmob}/audit", headers=admin)).status_code == 403
    unknown = await http.get(f"/api/v1/admin/organisations/{uuid.uuid4()}/members", headers=admin)
    assert unknown.status_code == 404
    assert _roles_in(await _me(stack, await stack.login("li.wei")), "PJMOB") == ["proposer"]


async def test_members_without_the_admin_role_manage_nothing(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    pjmob = await org_id(http, proposer, "PJMOB")
    listed = await http.get(f"/api/v1/admin/organisations/{pjmob}/members", headers=proposer)
    assert listed.status_code == 403
    grant = await http.post(f"/api/v1/admin/organisations/{pjmob}/members",
                            json={"username": "li.wei", "role": "admin"}, headers=proposer)
    assert grant.status_code == 403
    created = await http.post("/api/v1/admin/organisations", headers=proposer,
                              json={"code": "NOPE", "name_zh": "不行", "name_en": "Nope", "kind": "enterprise"})
    assert created.status_code == 403 and "platform admin" in created.json()["detail"]


async def test_bad_requests_name_the_problem_and_change_nothing(stack):
    http = stack.http
    admin = await stack.login("ma.rui")
    members = f"/api/v1/admin/organisations/{await org_id(http, admin, 'SDCIA')}/members"
    unknown_user = await http.post(members, json={"username": "no.such.person", "role": "expert"}, headers=admin)
    assert unknown_user.status_code == 404 and unknown_user.json()["field"] == "username"
    extra = await http.post(members, json={"username": "chen.jie", "role": "expert", "org_id": str(uuid.uuid4())},
                            headers=admin)
    assert extra.status_code == 422 and "org_id" in extra.text
    bad_role = await http.post(members, json={"username": "chen.jie", "role": "emperor"}, headers=admin)
    assert bad_role.status_code == 422
    listed = {m["username"]: m["roles"] for m in (await http.get(members, headers=admin)).json()}
    assert listed["chen.jie"] == ["committee_member"]


async def test_the_platform_admin_creates_an_organisation_and_its_first_admin(stack):
    http = stack.http
    platform = await stack.login("admin")
    code = f"T{uuid.uuid4().hex[:6].upper()}"
    body = {"code": code, "name_zh": "测试协会", "name_en": "Test Association", "kind": "industry"}
    created = await http.post("/api/v1/admin/organisations", json=body, headers=platform)
    assert created.status_code == 201, created.text
    new_org = created.json()["id"]
    duplicate = await http.post("/api/v1/admin/organisations", json=body, headers=platform)
    assert duplicate.status_code == 409
    extra = await http.post("/api/v1/admin/organisations", json={**body, "code": f"{code}X", "id": new_org},
                            headers=platform)
    assert extra.status_code == 422

    members = f"/api/v1/admin/organisations/{new_org}/members"
    first = await http.post(members, json={"username": "zhang.min", "role": "admin"}, headers=platform)
    assert first.status_code == 200 and first.json()["roles"] == ["admin"]
    zhang = await stack.login("zhang.min")
    assert _roles_in(await _me(stack, zhang), code) == ["admin"]
    last = await http.delete(f"{members}/{first.json()['user_id']}/roles/admin", headers=zhang)
    assert last.status_code == 409 and "last admin" in last.json()["detail"]

    trail = (await http.get(f"/api/v1/admin/organisations/{new_org}/audit", headers=zhang)).json()
    assert [e["action"] for e in trail] == ["organisation.created", "member.role_granted"]
    assert trail[0]["data"]["code"] == code and trail[1]["data"]["username"] == "zhang.min"
