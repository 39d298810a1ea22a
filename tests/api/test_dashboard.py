"""The dashboard's counts and plan targets, and a project's timeline, over HTTP."""

import uuid

from services.db import transaction
from services.pilots.service import enrol_site
from tests.helpers import create_proposal, inbox, org_id


async def dashboard(stack, headers: dict) -> dict:
    response = await stack.http.get("/api/v1/dashboard", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def count(rows: list[dict], code: str) -> int:
    return next(r["count"] for r in rows if r["code"] == code)


def domain_count(body: dict, group: str, domain: str) -> int:
    return count(next(g for g in body["by_domain"] if g["code"] == group)["domains"], domain)


async def test_counts_projects_past_the_draft_by_stage_type_and_domain(stack):
    proposer, engineer = await stack.login("li.wei"), await stack.login("liang.hong")
    before = await dashboard(stack, engineer)
    await create_proposal(stack.http, proposer, domain="life.mobility")
    submitted = await create_proposal(stack.http, proposer, domain="life.mobility", standard_type="local")
    response = await stack.http.post(f"/api/v1/projects/{submitted['id']}/submit", headers=proposer)
    assert response.status_code == 200, response.text

    after = await dashboard(stack, engineer)
    assert after["total"] == before["total"] + 1
    assert count(after["by_stage"], "committee_review") == count(before["by_stage"], "committee_review") + 1
    assert count(after["by_stage"], "proposal") == count(before["by_stage"], "proposal")
    assert count(after["by_type"], "local") == count(before["by_type"], "local") + 1
    assert count(after["by_domain"], "life") == count(before["by_domain"], "life") + 1
    assert domain_count(after, "life", "life.mobility") == domain_count(before, "life", "life.mobility") + 1
    assert [g["code"] for g in after["by_domain"]] == ["foundations", "economy", "life", "governance"]
    assert next(r for r in after["by_stage"] if r["code"] == "public_consultation")["label_zh"] == "征求意见"


async def test_plan_targets_of_2023_with_progress(stack):
    body = await dashboard(stack, await stack.login("huang.lan"))
    targets = {t["measure"]: t for t in body["targets"]}
    assert {m: (t["target"], t["deadline"]) for m, t in targets.items()} == {
        "local_and_group_published": (100, "2023-12-31"),
        "national_international_led_or_joined": (50, "2023-12-31"),
        "shanghai_standards": (15, "2023-12-31"),
        "pilots": (50, "2023-12-31"),
    }
    assert targets["shanghai_standards"]["label_zh"] == "形成“上海标准”"
    for target in targets.values():
        assert target["percent"] == round(100 * target["current"] / target["target"], 1)
        assert target["met"] == (target["current"] >= target["target"])
        assert sum(g["count"] for g in target["by_domain"]) == target["current"]


async def test_pilots_are_counted_by_site_and_by_the_domain_of_their_standard(stack, sessions):
    proposer, officer = await stack.login("li.wei"), await stack.login("lin.tao")
    project = await create_proposal(stack.http, proposer, domain="governance.public_safety")
    assert (await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)).status_code == 200
    before = next(t for t in (await dashboard(stack, officer))["targets"] if t["measure"] == "pilots")
    districts = [uuid.UUID(await org_id(stack.http, officer, code)) for code in ("PUDONG", "XUHUI")]
    # Two districts host pilots of the standard (enrolled as the pilot stage does it).
    async with transaction(sessions) as session:
        for district in districts:
            await enrol_site(session, uuid.UUID(project["id"]), district, f"pilot-{project['id']}-{district}",
                             uuid.UUID(project["proposer_id"]))

    after = next(t for t in (await dashboard(stack, officer))["targets"] if t["measure"] == "pilots")
    assert after["current"] == before["current"] + 2
    assert count(after["by_domain"], "governance") == count(before["by_domain"], "governance") + 2
    assert after["percent"] == round(100 * after["current"] / 50, 1)


async def test_the_dashboard_needs_a_signed_in_user(stack):
    response = await stack.http.get("/api/v1/dashboard")
    assert response.status_code == 401


async def test_timeline_shows_stages_with_dates_and_key_events(stack):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    await http.patch(f"/api/v1/projects/{pid}", json={"scope": "Open data sets A and B."}, headers=proposer)
    draft = (await http.get(f"/api/v1/projects/{pid}/timeline", headers=proposer)).json()
    assert [(s["stage"], s["current"], s["left_at"]) for s in draft["stages"]] == [("proposal", True, None)]
    assert [e["action"] for e in draft["events"]] == ["project.created"]

    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    [screening] = await inbox(http, secretary, pid)
    returned = await http.post(f"/api/v1/tasks/{screening['id']}/complete",
                               json={"decision": "return", "reasons": "Name the data sets."}, headers=secretary)
    assert returned.status_code == 200, returned.text

    response = await http.get(f"/api/v1/projects/{pid}/timeline", headers=secretary)
    assert response.status_code == 200, response.text
    timeline = response.json()
    assert (timeline["stage"], timeline["status"]) == ("proposal", "returned")
    stages = timeline["stages"]
    assert [(s["stage"], s["current"]) for s in stages] == [
        ("proposal", False), ("committee_review", False), ("proposal", True)]
    assert stages[0]["left_at"] == stages[1]["entered_at"] and stages[1]["left_at"] == stages[2]["entered_at"]
    assert stages[0]["entered_at"] < stages[1]["entered_at"] < stages[2]["entered_at"]
    assert stages[2]["left_at"] is None and stages[1]["label_zh"] == "立项"
    assert [e["action"] for e in timeline["events"]] == ["project.created", "project.submitted", "proposal.returned"]
    assert timeline["events"][2]["data"]["reasons"] == "Name the data sets."


async def test_timeline_is_not_found_for_who_may_not_read_the_project(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    pid = (await create_proposal(http, proposer))["id"]
    # A draft stays with its organisation, even from the committee it names.
    response = await http.get(f"/api/v1/projects/{pid}/timeline", headers=await stack.login("wang.fang"))
    assert response.status_code == 404
    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    outsider = await stack.login("zhang.min")
    response = await http.get(f"/api/v1/projects/{pid}/timeline", headers=outsider)
    assert response.status_code == 404 and response.json()["detail"] == "project not found"
    response = await http.get(f"/api/v1/projects/{pid}/timeline", headers=await stack.login("wang.fang"))
    assert response.status_code == 200
