"""A group standard from proposal to periodic review, and a Shanghai local standard to publication,
through the HTTP API only, on a real Temporal dev server with a real worker.

A dev server's clock cannot be moved, so these run under a policy whose calendar is compressed
(one policy day = one second) and whose waiting periods are short; the time-skipping tests check
the real lengths of every period."""

import re

import pytest

from tests.helpers import inbox, shorten_calendar
from tests.journey import EXPERTS, MEMBERS, Journey, People
from tests.workflows.histories import finished_histories, record, replayer

pytestmark = pytest.mark.timeout(420)


@pytest.fixture
def short_calendar(stack, monkeypatch):
    """Consultation 3 days, pilot one month with a report every 10 days, review due at once; people
    get generous deadlines so that a busy machine cannot make them miss one."""
    shorten_calendar(stack.settings, monkeypatch, review_interval_years=0)
    return stack


async def test_a_group_standard_through_every_stage_to_periodic_review(short_calendar):
    stack = short_calendar
    people = People(stack.http)
    j = Journey(people)

    submitted = await j.propose("li.wei")
    assert (submitted["stage"], submitted["step"]) == ("committee_review", "screening")
    assert [t["kind"] for t in await j.tasks("wang.fang", "screen_proposal")] == ["screen_proposal"]
    assert await j.tasks("li.wei") == []

    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "In scope."})
    await j.stage("committee_review", "ballot")
    for member in MEMBERS:
        assert [t["kind"] for t in await j.tasks(member, "ballot_vote")] == ["ballot_vote"] or \
            [t["kind"] for t in await j.tasks(member)] == ["ballot_vote"]
    assert await j.tasks("li.wei", "ballot_vote") == []
    for member in MEMBERS:
        await j.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})
    await j.stage("drafting")
    ballots = (await stack.http.get(f"/api/v1/projects/{j.project_id}/ballots",
                                    headers=await people("wang.fang"))).json()
    assert ballots[0]["passed"] is True

    await j.submit_consultation_draft("li.wei")
    await j.stage("public_consultation")
    await j.comment("zhang.min", "5.2.1", "建议明确接口的鉴权方式。")
    await j.comment("liu.yang", "6.1", "Add a rate limit for bulk downloads.")
    await j.comment("gao.yan", "附录A", "补充浦东新区已开放的数据目录。")
    await j.dispose_all("li.wei")
    table = await stack.http.get(f"/api/v1/projects/{j.project_id}/dispositions.csv",
                                 headers=await people("li.wei"))
    assert table.status_code == 200 and "建议明确接口的鉴权方式" in table.content.decode("utf-8-sig")

    await j.stage("expert_demonstration")
    await j.demonstrate("wang.fang", EXPERTS)
    await j.stage("publication")
    assert [t["kind"] for t in await j.tasks("ma.rui")] == ["approve_publication"]
    await j.approve("ma.rui")

    project = await j.stage("pilot")
    assert re.fullmatch(r"T/SDCIA \d{4}—\d{4}", project["number"])
    public = await stack.http.get("/api/v1/catalog", params={"q": project["number"]})
    assert [e["number"] for e in public.json()["items"]] == [project["number"]]

    await j.enrol("wang.fang", ["PUDONG", "DFCLOUD"])
    await j.plan("lin.tao")
    await j.plan("hu.bin")
    await coordinate_during_the_pilot(j)
    await j.report_until_final(["lin.tao", "hu.bin"])

    await j.stage("evaluation")
    await j.evaluate("liang.hong")
    project = await j.stage("maintenance")
    assert project["shanghai_standard"] is True
    review = await j.task("wang.fang", "periodic_review")
    confirmed = await stack.http.post(f"/api/v1/tasks/{review['id']}/complete",
                                      json={"decision": "confirm", "reasons": ""}, headers=await people("wang.fang"))
    assert confirmed.status_code == 200, confirmed.text
    next_review = await j.task("wang.fang", "periodic_review")  # the next cycle, in a new run
    assert next_review["id"] != review["id"]

    actions = await j.audit()
    for expected in ["project.submitted", "proposal.accepted", "ballot.opened", "ballot.closed", "project.approved",
                     "consultation.opened", "consultation.closed", "panel.formed", "panel.concluded",
                     "standard.published", "pilot.sites_enrolled", "pilot.finished", "review.decided"]:
        assert expected in actions, expected
    assert actions.index("ballot.closed") < actions.index("consultation.opened") < actions.index("panel.formed") \
        < actions.index("standard.published") < actions.index("pilot.finished")
    timeline = (await stack.http.get(f"/api/v1/projects/{j.project_id}/timeline",
                                     headers=await people("li.wei"))).json()
    assert [s["stage"] for s in timeline["stages"]][:3] == ["proposal", "committee_review", "drafting"]
    await replay_what_finished(stack, j.project_id)


async def replay_what_finished(stack, project_id: str) -> None:
    """Today's code replays the histories it just made (and records them when asked to)."""
    client = stack.worker.client
    histories = []
    for kind in ("project", "ballot", "panel", "pilot", "coordination"):
        query = f'WorkflowId STARTS_WITH "{kind}-{project_id}"' if kind != "coordination" else \
            f'WorkflowId STARTS_WITH "coordination-" AND TaskQueue = "{stack.settings.task_queue}"'
        histories += await finished_histories(client, query)
    # The ballot and the panel run inside the project's workflow; pilot sites and coordination requests
    # are workflows of their own.
    assert {h.workflow_id.split("-")[0] for h in histories} == {"project", "pilot", "coordination"}
    failures = {}
    for history in histories:
        replayed = await replayer().replay_workflow(history, raise_on_replay_failure=False)
        if replayed.replay_failure is not None:
            failures[history.workflow_id] = str(replayed.replay_failure)
    assert failures == {}
    record(histories, stack.worker.client.namespace + "-group")


async def coordinate_during_the_pilot(j: Journey) -> None:
    """The district asks the agency for data; the answer lands back in the district officer's inbox."""
    http, people = j.http, j.people
    sheitc = next(o["id"] for o in (await http.get("/api/v1/organisations", headers=await people("gao.yan"))).json()
                  if o["code"] == "SHEITC")
    sent = await http.post("/api/v1/coordination-requests", headers=await people("gao.yan"), json={
        "to_org_id": sheitc, "subject": "提供试点区域交通数据", "body": "请提供陆家嘴片区近三个月的交通流量数据。",
        "due_date": "2099-12-31", "project_id": j.project_id,
    })
    assert sent.status_code == 201, sent.text
    asked = await j.task("luo.ming", "answer_coordination")
    answered = await http.post(f"/api/v1/tasks/{asked['id']}/complete", headers=await people("luo.ming"),
                               json={"decision": "answer", "answer": "数据已通过数据共享平台下发。"})
    assert answered.status_code == 200, answered.text
    back = await j.task("gao.yan", "coordination_answered")
    assert back["context"]["answer"] == "数据已通过数据共享平台下发。"
    await j.complete("gao.yan", "coordination_answered", {"decision": "acknowledge"})


async def test_a_shanghai_local_standard_to_publication(short_calendar):
    stack = short_calendar
    people = People(stack.http)
    j = Journey(people)
    await j.propose("zhang.min", standard_type="local", title_zh="城市数字化转型 为老服务数据规范",
                    title_en="Elderly-care service data specification", domain="life.elderly_care")
    await j.screen_and_vote()
    await j.stage("drafting")
    await j.submit_consultation_draft("zhang.min")
    await j.comment("liu.yang", "4.3", "明确老年人数据的授权范围。")
    await j.dispose_all("zhang.min")
    await j.demonstrate()
    await j.stage("publication")
    assert await j.tasks("ma.rui") == []  # the association does not publish local standards
    assert [t["kind"] for t in await j.tasks("huang.lan")] == ["approve_publication"]
    await j.approve("huang.lan")
    project = await j.stage("pilot")
    assert re.fullmatch(r"DB31/T \d+—\d{4}", project["number"])
    entry = await stack.http.get(f"/api/v1/catalog/{j.project_id}")
    assert entry.status_code == 200 and entry.json()["number"] == project["number"]
    assert await inbox(stack.http, await people("wang.fang"), j.project_id, kind="enrol_pilot_sites")
