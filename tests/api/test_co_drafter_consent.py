"""Consent between organisations, for co-drafters: an organisation the proposer names is only invited;
it reads nothing of the project, and its experts stay eligible for the panel, until one of its admins
accepts. A decline leaves it out, tells the proposer, and shows on the project's record."""

import pytest

from services.db import transaction
from services.panels.eligibility import candidates, problems_with
from services.identity.service import get_by_username
from tests.co_drafting import accept_co_drafters, admin_of, consent_task, decide
from tests.helpers import create_proposal, eventually, org_id

pytestmark = pytest.mark.timeout(180)


async def _expert_eligible(sessions, project_id: str, username: str) -> bool:
    import uuid

    async with transaction(sessions, read_only=True) as session:
        user = await get_by_username(session, username)
        found = await candidates(session, uuid.UUID(project_id), [user.id])
    return problems_with(found.get(user.id), user.id) == []


async def test_an_invited_co_drafter_gains_nothing_until_its_admin_accepts(stack, sessions):
    http = stack.http
    proposer, hdu_expert = await stack.login("li.wei"), await stack.login("wu.qiang")
    hdu = await org_id(http, proposer, "HDU")
    project = await create_proposal(http, proposer, co_drafting_org_ids=[hdu])
    pid = project["id"]
    assert project["co_drafting_org_ids"] == []
    assert [(i["org_id"], i["state"]) for i in project["co_drafter_invitations"]] == [(hdu, "invited")]

    assert (await http.get(f"/api/v1/projects/{pid}", headers=hdu_expert)).status_code == 404
    assert await _expert_eligible(sessions, pid, "wu.qiang")
    admin = await admin_of(http, hdu)
    task = await consent_task(http, admin, pid)
    assert task["project_id"] is None and task["candidate_role"] == "admin"
    # the admin decides on what the task's page shows, not on a read of the project
    assert (await http.get(f"/api/v1/projects/{pid}", headers=admin)).status_code == 404
    page = await http.get(f"/tasks/{task['id']}", headers=admin)
    assert page.status_code == 200
    assert project["title_zh"] in page.text and project["scope"] in page.text and "李伟" in page.text

    await decide(http, admin, pid, "accept", "乐意参与")
    read = await http.get(f"/api/v1/projects/{pid}", headers=hdu_expert)
    assert read.status_code == 200, read.text
    assert read.json()["co_drafting_org_ids"] == [hdu]
    assert read.json()["co_drafter_invitations"][0]["state"] == "accepted"
    assert not await _expert_eligible(sessions, pid, "wu.qiang")


async def test_a_decline_leaves_the_project_without_it_and_tells_the_proposer(stack, sessions):
    http = stack.http
    proposer = await stack.login("li.wei")
    dfcloud = await org_id(http, proposer, "DFCLOUD")
    pid = (await create_proposal(http, proposer, co_drafting_org_ids=[dfcloud]))["id"]
    admin = await admin_of(http, dfcloud)
    await decide(http, admin, pid, "decline", "本年度人手不足")

    project = (await http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()
    assert project["co_drafting_org_ids"] == []
    [declined] = project["co_drafter_invitations"]
    assert declined["state"] == "declined" and declined["decision_comment"] == "本年度人手不足"
    assert (await http.get(f"/api/v1/projects/{pid}", headers=await stack.login("feng.yu"))).status_code == 404
    assert await _expert_eligible(sessions, pid, "feng.yu")

    async def notices():
        response = await http.get("/api/v1/notifications", headers=proposer)
        return [n for n in response.json()["items"] if n.get("project_id") == pid]

    [notice] = await eventually(notices, bool)
    assert "东方云网" in notice["subject_zh"] and "DFCLOUD" in notice["body"] and "本年度人手不足" in notice["body"]
    page = await http.get(f"/projects/{pid}", headers=proposer)
    assert 'data-state="declined"' in page.text and "本年度人手不足" in page.text


async def test_only_the_named_organisations_admins_decide(stack, sessions):
    http = stack.http
    proposer = await stack.login("li.wei")
    pudong = await org_id(http, proposer, "PUDONG")
    pid = (await create_proposal(http, proposer, co_drafting_org_ids=[pudong]))["id"]
    task = await consent_task(http, await stack.login("gao.yan"), pid)  # PUDONG's admin
    url = f"/api/v1/tasks/{task['id']}/complete"
    for someone in ("lin.tao", "ma.rui", "li.wei"):  # PUDONG's pilot lead, another org's admin, the proposer
        refused = await http.post(url, json={"decision": "accept"}, headers=await stack.login(someone))
        assert refused.status_code in (403, 404), refused.text
    admin = await stack.login("gao.yan")
    bad = await http.post(url, json={"decision": "maybe"}, headers=admin)
    assert bad.status_code == 422 and "decision" in bad.text
    assert (await http.get(f"/api/v1/projects/{pid}", headers=await stack.login("lin.tao"))).status_code == 404


async def test_dropping_an_invited_co_drafter_withdraws_its_task_and_naming_it_again_invites_it(stack, sessions):
    http = stack.http
    proposer = await stack.login("li.wei")
    xuhui = await org_id(http, proposer, "XUHUI")
    pid = (await create_proposal(http, proposer, co_drafting_org_ids=[xuhui]))["id"]
    admin = await admin_of(http, xuhui)
    first = await consent_task(http, admin, pid)
    edited = await http.patch(f"/api/v1/projects/{pid}", json={"co_drafting_org_ids": []}, headers=proposer)
    assert edited.status_code == 200 and edited.json()["co_drafter_invitations"] == []
    gone = await http.get(f"/api/v1/tasks/{first['id']}", headers=admin)
    assert gone.json()["state"] == "cancelled"
    again = await http.patch(f"/api/v1/projects/{pid}", json={"co_drafting_org_ids": [xuhui]}, headers=proposer)
    assert [i["state"] for i in again.json()["co_drafter_invitations"]] == ["invited"]
    await accept_co_drafters(http, pid, [xuhui])
    assert (await http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()["co_drafting_org_ids"] == [xuhui]


async def test_naming_an_unknown_organisation_is_refused(stack):
    proposer = await stack.login("li.wei")
    refused = await stack.http.post("/api/v1/projects", headers=proposer, json={
        "title_zh": "x", "title_en": "x", "scope": "x", "rationale": "x", "standard_type": "group",
        "domain": "foundations.data_base", "committee_id": (await stack.http.get(
            "/api/v1/committees", headers=proposer)).json()[0]["id"],
        "co_drafting_org_ids": ["00000000-0000-0000-0000-000000000000"]})
    assert refused.status_code == 422 and "co_drafting_org_ids" in refused.text


async def test_a_withdrawal_sent_straight_to_temporal_is_refused_while_the_project_names_the_organisation(
    stack, sessions
):
    import uuid

    from sqlmodel import select
    from temporalio.client import WorkflowUpdateFailedError

    from services.projects.models import ProjectOrganisation

    http = stack.http
    proposer = await stack.login("li.wei")
    hdu = await org_id(http, proposer, "HDU")
    pid = (await create_proposal(http, proposer, co_drafting_org_ids=[hdu]))["id"]
    admin = await admin_of(http, hdu)
    task = await consent_task(http, admin, pid)
    async with transaction(sessions, read_only=True) as session:
        links = (await session.exec(select(ProjectOrganisation).where(
            ProjectOrganisation.project_id == uuid.UUID(pid), ProjectOrganisation.workflow_id.is_not(None)))).all()
    [workflow_id] = [link.workflow_id for link in links]
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await stack.worker.client.get_workflow_handle(workflow_id).execute_update("withdraw")
    assert "still names this organisation" in refused.value.cause.message
    assert (await http.get(f"/api/v1/tasks/{task['id']}", headers=admin)).json()["state"] == "open"
    await decide(http, admin, pid, "accept")
    assert (await http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()["co_drafting_org_ids"] == [hdu]
