"""A commenter reads what became of their organisation's comments after the consultation is over and
the project is no longer open to them: through the project's comments, the list of their own, and the
projects page."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from contracts.steps import ProjectChanges, StepSpec
from services.consultations import service as consultations
from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.projects import steps
from tests.api.test_catalogue import make_project, upload_as_lead


async def _login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    token = (await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


async def _move(sessions, project_id: uuid.UUID, **changes) -> None:
    async with transaction(sessions) as session:
        await steps.apply_step(session, StepSpec(id=uuid.uuid4().hex, workflow_id="own-comments-test",
                                                 project_id=project_id, changes=ProjectChanges(**changes)))


async def a_consultation_that_is_over(http: httpx.AsyncClient, sessions) -> tuple[uuid.UUID, str, str]:
    """A project whose consultation took two comments (PUDONG's and SHEITC's, organisations with no other
    part in it), closed, had PUDONG's disposed and moved on to its expert demonstration; the project's
    id, and the ids of the two comments."""
    token = uuid.uuid4().hex[:8]
    pid = await make_project(sessions, token, "group", "life.mobility", "停车", "Parking")
    await upload_as_lead(http, pid, "consultation", "征求意见稿.pdf", b"%PDF-1.4 consultation\n%%EOF\n")
    lead = await _login(http, "li.wei")
    [draft] = (await http.get(f"/api/v1/projects/{pid}/drafts", headers=lead)).json()
    consultation_id, now = uuid.uuid4(), datetime.now(UTC)
    async with transaction(sessions) as session:
        await consultations.open_consultation(session, consultation_id=consultation_id, project_id=pid,
                                              draft_id=uuid.UUID(draft["id"]), opens_at=now,
                                              closes_at=now + timedelta(days=30))
    await _move(sessions, pid, stage="public_consultation", step="open", status="active")
    made = []
    for username, clause, text in (("lin.tao", "5.10", "数据集更新频率未规定。"), ("he.jing", "A.1", "附录A宜为资料性。")):
        made.append(await http.post(f"/api/v1/projects/{pid}/comments", headers=await _login(http, username),
                                    json={"clause": clause, "comment": text, "proposed_change": ""}))
    assert [m.status_code for m in made] == [201, 201], [m.text for m in made]
    async with transaction(sessions) as session:
        await consultations.close_consultation(session, consultation_id, datetime.now(UTC))
    disposed = await http.put(f"/api/v1/comments/{made[0].json()['id']}/disposition", headers=lead,
                              json={"disposition": "partially_accepted", "reason": "改为“至少每周更新”。"})
    assert disposed.status_code == 200, disposed.text
    await _move(sessions, pid, stage="expert_demonstration", step="panel_forming")
    return pid, made[0].json()["id"], made[1].json()["id"]


async def test_a_commenter_reads_the_dispositions_of_their_comments_once_the_project_has_moved_on(stack, sessions):
    http = stack.http
    pid, district_comment, sheitc_comment = await a_consultation_that_is_over(http, sessions)
    district = await _login(http, "lin.tao")

    assert (await http.get(f"/api/v1/projects/{pid}", headers=district)).status_code == 404, "the project is not theirs"
    listed = await http.get(f"/api/v1/projects/{pid}/comments", headers=district)
    assert listed.status_code == 200, listed.text
    [own] = listed.json()
    assert (own["id"], own["org_code"], own["disposition"], own["reason"]) == (
        district_comment, "PUDONG", "partially_accepted", "改为“至少每周更新”。")
    mine = (await http.get("/api/v1/comments", headers=district)).json()
    [this] = [c for c in mine if c["project_id"] == str(pid)]
    assert this["id"] == district_comment and this["consultation_closed"] is True
    assert this["project_title_zh"].startswith("停车数据规范") and this["project_number"] is None

    # SHEITC's member sees SHEITC's comment, still waiting for its disposition, and not PUDONG's.
    sheitc = await _login(http, "he.jing")
    assert [c["id"] for c in (await http.get(f"/api/v1/projects/{pid}/comments", headers=sheitc)).json()] == [
        sheitc_comment]
    # Whoever's organisation made no comment there finds nothing, as before.
    for outsider in ("feng.yu", "wu.qiang"):
        assert (await http.get(f"/api/v1/projects/{pid}/comments", headers=await _login(http, outsider))).status_code == 404

    page = await http.get("/projects", headers={**district, "Accept-Language": "zh"})
    assert page.status_code == 200
    row = page.text.split(f'data-comment="{district_comment}"')[1].split("</li>")[0]
    assert "5.10" in row and "部分采纳" in row and "改为“至少每周更新”。" in row
    assert f'href="/projects/{pid}' not in row, "no link to a project they cannot open"
    other = (await http.get("/projects", headers={**sheitc, "Accept-Language": "zh"})).text
    assert "征求意见已结束，待起草工作组处理" in other.split(f'data-comment="{sheitc_comment}"')[1].split("</li>")[0]
