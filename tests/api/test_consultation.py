"""Drafting and public consultation end to end over HTTP, on Temporal's time-skipping test server: the
consultation draft is submitted, stakeholders of several organisations comment for the policy's 30
(group) or 60 (local) days, and the stage ends only once every comment has its disposition."""

import asyncio
import csv
import io
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import openpyxl
from temporalio.worker import Worker

from services.projects.models import StandardType
from services.projects.policy import policy_for
from tests.api.test_drafts import upload
from tests.helpers import audit_actions, create_proposal, inbox, org_id
from tests.co_drafting import accept_co_drafters
from tests.services import draft_samples as samples
from tests.workflows.stage_harness_consultation import DraftingAndConsultation
from workflows.core.models import ProjectInput

HEADERS = ["序号", "章条编号", "意见内容", "建议修改", "提出单位", "处理意见", "理由"]


@asynccontextmanager
async def stages_worker(stack):
    """A worker for the harness workflow, with every activity the stack's worker has, on its own queue."""
    queue = f"{stack.settings.task_queue}-stages"
    config = stack.worker.config()
    config.update(task_queue=queue, workflows=[DraftingAndConsultation])
    async with Worker(**config):
        yield queue


async def start_stages(stack, env, queue: str, project: dict):
    committees = (await stack.http.get("/api/v1/committees", headers=await stack.login("li.wei"))).json()
    committee = next(c for c in committees if c["id"] == project["committee_id"])
    policy = policy_for(StandardType(project["standard_type"]))
    inp = ProjectInput(
        project_id=project["id"], proposer_id=project["proposer_id"], lead_org_id=project["lead_org_id"],
        committee_id=committee["id"], committee_org_id=committee["org_id"],
        policy=policy,
    )
    return await env.client.start_workflow(DraftingAndConsultation.run, inp, id=f"stages-{project['id']}",
                                           task_queue=queue)


async def eventually(read, until, seconds: float = 30):
    """What `read` answers once `until` holds for it: the workflow works a moment after a request returns."""
    for _ in range(int(seconds * 10)):
        value = await read()
        if until(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"still {value!r} after {seconds} s")


async def only_task(stack, headers, pid: str, kind: str) -> dict:
    tasks = await eventually(lambda: inbox(stack.http, headers, pid, kind=kind), lambda ts: len(ts) == 1)
    return tasks[0]


async def consultation_in(stack, headers, pid: str, status: str) -> dict:
    async def read():
        return await stack.http.get(f"/api/v1/projects/{pid}/consultation", headers=headers)
    answer = await eventually(read, lambda r: r.status_code == 200 and r.json()["status"] == status)
    return answer.json()


async def submit_consultation_draft(stack, pid: str) -> dict:
    """Drafting: a discussion draft, then the consultation draft, submitted by the lead's proposer."""
    http, lead = stack.http, await stack.login("li.wei")
    submit = await only_task(stack, lead, pid, "submit_consultation_draft")
    too_early = await comment(stack, "zhang.min", pid, "1", "范围过宽。")
    assert too_early.status_code == 409 and "not under public consultation" in too_early.json()["detail"]
    discussion = (await upload(http, lead, pid, samples.markdown(), name="讨论稿.md")).json()
    draft = (await upload(http, await stack.login("zhang.min"), pid, samples.pdf(), label="consultation")).json()
    wrong = await http.post(f"/api/v1/tasks/{submit['id']}/complete", headers=lead,
                            json={"decision": "submit", "draft_id": discussion["id"]})
    assert wrong.status_code == 422 and "工作组讨论稿 (discussion)" in wrong.json()["detail"], wrong.text
    stranger = await http.post(f"/api/v1/tasks/{submit['id']}/complete", headers=lead,
                               json={"decision": "submit", "draft_id": str(uuid.uuid4())})
    assert stranger.status_code == 422 and "is not a draft of this project" in stranger.json()["detail"]
    done = await http.post(f"/api/v1/tasks/{submit['id']}/complete", headers=lead,
                           json={"decision": "submit", "draft_id": draft["id"]})
    assert done.status_code == 200, done.text
    again = await http.post(f"/api/v1/tasks/{submit['id']}/complete", headers=lead,
                            json={"decision": "submit", "draft_id": draft["id"]})
    assert again.status_code == 200 and again.json() == done.json()
    # The workflow opens the consultation, then moves the project to its stage, a moment after the answer.
    project = await eventually(lambda: http.get(f"/api/v1/projects/{pid}", headers=lead),
                               lambda r: r.json()["stage"] == "public_consultation")
    assert project.json()["step"] == "open"
    return draft


async def comment(stack, username: str, pid: str, clause: str, text: str, proposed: str = ""):
    return await stack.http.post(f"/api/v1/projects/{pid}/comments", headers=await stack.login(username),
                                 json={"clause": clause, "comment": text, "proposed_change": proposed})


async def dispose(stack, username: str, comment_id: str, disposition: str, reason: str = ""):
    return await stack.http.put(f"/api/v1/comments/{comment_id}/disposition", headers=await stack.login(username),
                                json={"disposition": disposition, "reason": reason})


def _days(consultation: dict) -> timedelta:
    return datetime.fromisoformat(consultation["closes_at"]) - datetime.fromisoformat(consultation["opens_at"])


async def test_a_group_consultation_takes_comments_for_thirty_days_and_ends_with_every_disposition(
    skipping_stack, time_skipping_env
):
    stack, env, http = skipping_stack, time_skipping_env, skipping_stack.http
    lead = await stack.login("li.wei")
    scdata = await org_id(http, lead, "SCDATA")
    project = await create_proposal(http, lead, co_drafting_org_ids=[scdata])
    pid = project["id"]
    await accept_co_drafters(http, pid, [scdata])
    async with stages_worker(stack) as queue:
        handle = await start_stages(stack, env, queue, project)
        draft = await submit_consultation_draft(stack, pid)
        opened = await consultation_in(stack, lead, pid, "open")
        assert opened["draft_id"] == draft["id"] and _days(opened) == timedelta(days=30)

        comments = await _comments_while_open(stack, pid)
        await env.sleep(timedelta(days=29))
        late_but_in_time = await comment(stack, "lin.tao", pid, "5.2", "应明确区级平台的接入方式。")
        assert late_but_in_time.status_code == 201 and late_but_in_time.json()["number"] == 4
        comments.append(late_but_in_time.json())
        await env.sleep(timedelta(days=2))
        closed = await consultation_in(stack, lead, pid, "closed")
        assert (closed["comments"], closed["undisposed"]) == (4, 4)
        after = await comment(stack, "chen.jie", pid, "6", "太晚了")
        assert after.status_code == 409 and "takes no more comments" in after.json()["detail"]

        await _dispose_every_comment(stack, pid, comments)
        snapshot = await handle.result()
    assert snapshot.finished and snapshot.step == "dispositions_done"
    assert (await consultation_in(stack, lead, pid, "concluded"))["undisposed"] == 0
    await _check_exports(stack, pid)
    actions = await audit_actions(http, lead, pid)
    stage_actions = [a for a in actions if a.startswith(("drafting.", "consultation.")) and "comment_" not in a]
    assert stage_actions == ["drafting.started", "drafting.consultation_draft_submitted", "consultation.opened",
                             "consultation.closed", "consultation.dispositions_done"]
    assert actions.count("consultation.comment_added") == 4 and actions.count("consultation.comment_disposed") == 4
    assert stack.server_errors == []


async def _comments_while_open(stack, pid: str) -> list[dict]:
    """Three organisations comment; what each may see, and what nobody may do yet."""
    # liu.yang's comment goes twice, as a double click sends it: under one key, one comment
    keyed = {**await stack.login("liu.yang"), "Idempotency-Key": "3f1c-double-click"}
    url, second = f"/api/v1/projects/{pid}/comments", {"clause": "5.10", "comment": "数据集更新频率未规定。",
                                                        "proposed_change": "增加“至少每日更新”。"}
    made = [
        await comment(stack, "chen.jie", pid, "5.2.1", "“应当使用 HTTPS”宜改为强制性要求。", "接口必须使用 HTTPS。"),
        await stack.http.post(url, headers=keyed, json=second),
        await stack.http.post(url, headers=keyed, json=second),
        await comment(stack, "sun.li", pid, "A.1", "=HYPERLINK(\"http://example.invalid\",\"示例\")"),
    ]
    assert [c.status_code for c in made] == [201, 201, 201, 201], [c.text for c in made]
    assert made[1].json() == made.pop(2).json()
    made = [c.json() for c in made]
    assert [(c["number"], c["org_code"]) for c in made] == [(1, "SDCIA"), (2, "HDU"), (3, "DFCLOUD")]
    reused = await stack.http.post(url, headers=keyed, json={**second, "clause": "5.11"})
    assert reused.status_code == 422 and "sent before with a different request" in reused.json()["detail"]
    not_theirs = await stack.http.post(f"/api/v1/projects/{pid}/comments", headers=await stack.login("sun.li"),
                                       json={"clause": "1", "comment": "x", "org_id": made[0]["org_id"]})
    assert not_theirs.status_code == 403 and not_theirs.json()["field"] == "org_id"
    early = await dispose(stack, "li.wei", made[0]["id"], "accepted")
    assert early.status_code == 409 and "once the consultation has closed" in early.json()["detail"]

    outsider = await stack.login("lin.tao")  # reads the project only because it is under consultation
    assert (await stack.http.get(f"/api/v1/projects/{pid}/comments", headers=outsider)).json() == []
    drafts = (await stack.http.get(f"/api/v1/projects/{pid}/drafts", headers=outsider)).json()
    assert [d["label"] for d in drafts] == ["consultation"]
    table = await stack.http.get(f"/api/v1/projects/{pid}/dispositions.csv", headers=outsider)
    assert table.status_code == 403
    seen_by_lead = (await stack.http.get(f"/api/v1/projects/{pid}/comments", headers=await stack.login("li.wei")))
    assert [c["number"] for c in seen_by_lead.json()] == [1, 2, 3]
    return made


async def _dispose_every_comment(stack, pid: str, comments: list[dict]) -> None:
    lead = await stack.login("li.wei")
    task = await only_task(stack, lead, pid, "dispose_comments")
    finish = lambda: stack.http.post(f"/api/v1/tasks/{task['id']}/complete", headers=lead, json={"decision": "done"})
    refused = await finish()
    assert refused.status_code == 409 and refused.json()["detail"] == "4 comments have no disposition"

    no_reason = await dispose(stack, "li.wei", comments[1]["id"], "not_accepted", "  ")
    assert no_reason.status_code == 422 and "a reason is required" in no_reason.text
    assert (await dispose(stack, "chen.jie", comments[0]["id"], "accepted")).status_code == 403
    assert (await dispose(stack, "lin.tao", comments[0]["id"], "accepted")).status_code == 404
    answers = [
        await dispose(stack, "li.wei", comments[0]["id"], "accepted"),
        await dispose(stack, "zhang.min", comments[1]["id"], "partially_accepted", "改为“至少每周更新”。"),
        await dispose(stack, "zhang.min", comments[2]["id"], "not_accepted", "与附录A的内容无关。"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    assert answers[1].json()["disposition"] == "partially_accepted"
    refused = await finish()
    assert refused.status_code == 409 and refused.json()["detail"] == "1 comment has no disposition"
    assert (await dispose(stack, "li.wei", comments[3]["id"], "accepted")).status_code == 200
    done = await finish()
    assert done.status_code == 200, done.text
    final = await dispose(stack, "li.wei", comments[3]["id"], "not_accepted", "改变主意")
    assert final.status_code == 409 and "final" in final.json()["detail"]


async def _check_exports(stack, pid: str) -> None:
    secretary = await stack.login("wang.fang")  # the committee reads the table too
    expected = [
        ["1", "5.2", "应明确区级平台的接入方式。", "", "浦东新区人民政府", "采纳", ""],
        ["2", "5.2.1", "“应当使用 HTTPS”宜改为强制性要求。", "接口必须使用 HTTPS。", "上海数字城市产业协会", "采纳", ""],
        ["3", "5.10", "数据集更新频率未规定。", "增加“至少每日更新”。", "沪东大学", "部分采纳", "改为“至少每周更新”。"],
        ["4", "A.1", "=HYPERLINK(\"http://example.invalid\",\"示例\")", "", "东方云网信息技术有限公司", "不采纳",
         "与附录A的内容无关。"],
    ]
    as_csv = await stack.http.get(f"/api/v1/projects/{pid}/dispositions.csv", headers=secretary)
    assert as_csv.status_code == 200 and as_csv.content.startswith(b"\xef\xbb\xbf")
    assert "filename*=UTF-8''" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1:] == [row if not row[2].startswith("=") else [*row[:2], "'" + row[2], *row[3:]] for row in expected]

    as_xlsx = await stack.http.get(f"/api/v1/projects/{pid}/dispositions.xlsx", headers=secretary)
    assert as_xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.title == "意见汇总处理表"
    values = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values == [HEADERS, *expected]
    assert sheet["C5"].data_type == "s"  # the commenter's "=HYPERLINK(…)" stays text


async def test_a_local_standard_stays_open_for_sixty_days(skipping_stack, time_skipping_env):
    stack, env, http = skipping_stack, time_skipping_env, skipping_stack.http
    lead = await stack.login("li.wei")
    scdata = await org_id(http, lead, "SCDATA")
    project = await create_proposal(http, lead, standard_type="local", co_drafting_org_ids=[scdata])
    pid = project["id"]
    await accept_co_drafters(http, pid, [scdata])
    async with stages_worker(stack) as queue:
        handle = await start_stages(stack, env, queue, project)
        await submit_consultation_draft(stack, pid)
        assert _days(await consultation_in(stack, lead, pid, "open")) == timedelta(days=60)
        await env.sleep(timedelta(days=31))
        still_open = await comment(stack, "xu.qing", pid, "4", "术语“开放接口”与 GB/T 的定义不一致。")
        assert still_open.status_code == 201, still_open.text
        await env.sleep(timedelta(days=30))
        await consultation_in(stack, lead, pid, "closed")
        assert (await dispose(stack, "zhang.min", still_open.json()["id"], "accepted")).status_code == 200
        task = await only_task(stack, lead, pid, "dispose_comments")
        done = await http.post(f"/api/v1/tasks/{task['id']}/complete", headers=lead, json={"decision": "done"})
        assert done.status_code == 200, done.text
        assert (await handle.result()).finished
    assert stack.server_errors == []
