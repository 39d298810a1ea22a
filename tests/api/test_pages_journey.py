"""A group standard from proposal to its evaluation through the web pages only: every person signs in
through the sign-in form and acts by posting the forms the pages show them, so every kind of decision
widget (radio buttons, text areas, a draft chosen from a list, experts and pilot sites chosen from
multiple selects, tick boxes, dates, metrics, scores) is used as a browser would use it.

A dev server's clock cannot be moved, so this runs under a compressed calendar (one policy day = one
second), with short waiting periods and generous deadlines for the people."""

import asyncio
import re
from datetime import date

import httpx
import pytest

from tests.api.test_pages import options_of as options, post_form, propose, sign_in
from tests.helpers import shorten_calendar
from tests.oidc.browser import hidden_field
from tests.services.draft_samples import elf

pytestmark = pytest.mark.timeout(420)

MEMBERS = ["chen.jie", "liu.yang", "zhao.lei", "sun.li", "zhou.hui"]
EXPERTS = ["wu.qiang", "zheng.hua", "feng.yu", "he.jing", "guo.tao"]


@pytest.fixture
def short_calendar(stack, monkeypatch):
    """Consultation 3 days, a pilot of one month reporting every 10 days; generous deadlines."""
    shorten_calendar(stack.settings, monkeypatch, "group")
    return stack


async def task_on(http: httpx.AsyncClient, project_id: str, kind: str, seconds: float = 60) -> str:
    """The id of the signed-in user's open task of this kind on the project, once it is in their inbox."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        found = await tasks_on(http, project_id, kind)
        if found:
            return found[0][0]
        assert loop.time() < deadline, f"no {kind} task appeared"
        await asyncio.sleep(0.25)


async def tasks_on(http: httpx.AsyncClient, project_id: str, kind: str = "") -> list[tuple[str, str]]:
    """(id, kind) of the inbox's tasks whose row links to the project (its page or its catalogue entry)."""
    inbox = await http.get("/inbox" + (f"?kind={kind}" if kind else ""))
    rows = re.findall(r'<tr data-task="([0-9a-f-]+)" data-kind="(\w+)"[^>]*>(.*?)</tr>', inbox.text, re.S)
    return [(task_id, row_kind) for task_id, row_kind, row in rows if project_id in row]


async def decide(http: httpx.AsyncClient, task_id: str, expect: int = 303, **fields) -> httpx.Response:
    """Posts the task page's decision form with these values."""
    page = await http.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text
    done = await post_form(http, page, f"/tasks/{task_id}", **fields)
    assert done.status_code == expect, done.text
    return done


async def test_a_group_standard_from_proposal_to_evaluation_through_the_pages(short_calendar):
    http = short_calendar.http
    await sign_in(http, "li.wei", "zh")
    pid = await propose(http, "城市数字化转型 一网通办接口规范", "One-stop government service interface specification")
    await post_form(http, await http.get(f"/projects/{pid}"), f"/projects/{pid}/submit")
    await sign_in(http, "wang.fang", "zh")
    await decide(http, await task_on(http, pid, "screen_proposal"), decision="accept", comment="符合立项范围。")
    for member in MEMBERS:
        await sign_in(http, member, "en")
        await decide(http, await task_on(http, pid, "ballot_vote"), decision="approve")

    await drafting_and_consultation(http, pid)
    await demonstration_and_publication(http, pid)
    await pilot_and_evaluation(http, pid)

    await sign_in(http, "li.wei", "en")
    project = await http.get(f"/projects/{pid}")
    for event in ("Ballot closed", "Consultation opened", "Panel formed", "Published", "Pilot finished",
                  "Evaluation recorded"):
        assert event in project.text, event


async def drafting_and_consultation(http: httpx.AsyncClient, pid: str) -> None:
    await sign_in(http, "li.wei", "zh")
    submit_id = await task_on(http, pid, "submit_consultation_draft")
    project = await http.get(f"/projects/{pid}")
    refused = await http.post(
        f"/projects/{pid}/drafts", files={"file": ("草案.pdf", elf())},
        data={"csrf_token": hidden_field(project, "csrf_token"), "label": "consultation"},
    )
    assert refused.status_code == 415
    assert "文件是 ELF 可执行程序" in refused.text and 'class="upload-form"' in refused.text
    uploaded = await http.post(
        f"/projects/{pid}/drafts", files={"file": ("征求意见稿.md", "# 一网通办接口规范\n\n5.1 接口应当使用 HTTPS。\n".encode())},
        data={"csrf_token": hidden_field(project, "csrf_token"), "label": "consultation", "note": "征求意见稿第一版"},
    )
    assert uploaded.status_code == 303, uploaded.text
    task = await http.get(f"/tasks/{submit_id}")
    [(words, draft_id)] = [(w, v) for w, v in options(task, "draft_id").items() if v]
    assert words.startswith("v1 · 征求意见稿 · 征求意见稿.md")
    await decide(http, submit_id, decision="submit", draft_id=draft_id)

    await sign_in(http, "zhang.min", "zh")
    project = await http.get(f"/projects/{pid}")
    assert "征求意见截止于" in project.text and 'action="/projects/%s/comments"' % pid in project.text
    commented = await post_form(http, project, f"/projects/{pid}/comments", clause="5.1", comment="建议写明 TLS 版本。")
    assert commented.status_code == 303

    await sign_in(http, "li.wei", "zh")
    dispose_id = await task_on(http, pid, "dispose_comments")
    refused = await decide(http, dispose_id, expect=409, decision="done")
    assert "尚有 1 条意见未填写处理结果" in refused.text
    project = await http.get(f"/projects/{pid}")
    comment_id = re.search(r'data-comment="([0-9a-f-]+)"', project.text).group(1)
    no_reason = await post_form(http, project, f"/comments/{comment_id}/disposition", disposition="not_accepted")
    assert no_reason.status_code == 422 and "不采纳的意见须说明理由" in no_reason.text
    disposed = await post_form(http, project, f"/comments/{comment_id}/disposition", disposition="accepted")
    assert disposed.status_code == 303
    assert "采纳" in (await http.get(f"/projects/{pid}")).text
    await decide(http, dispose_id, decision="done")


async def demonstration_and_publication(http: httpx.AsyncClient, pid: str) -> None:
    await sign_in(http, "wang.fang", "zh")
    form_id = await task_on(http, pid, "form_panel")
    experts = options(await http.get(f"/tasks/{form_id}"), "expert_ids")
    chosen = [value for words, value in experts.items() if any(f"({name})" in words for name in EXPERTS)]
    assert len(chosen) == 5, experts
    too_few = await decide(http, form_id, expect=422, decision="form", expert_ids=chosen[:2])
    assert "专家组成员: 专家组至少需要 5 名专家，现只列入 2 名" in too_few.text
    await decide(http, form_id, decision="form", expert_ids=chosen)

    for expert in EXPERTS:
        await sign_in(http, expert, "zh")
        opinion_id = await task_on(http, pid, "panel_opinion")
        page = await http.get(f"/tasks/{opinion_id}")
        assert "本人与该项目无利益冲突" in page.text and "修改后通过" in page.text
        await decide(http, opinion_id, decision="pass", conflicts="none", comments="技术内容合理。")

    await sign_in(http, "ma.rui", "en")
    approval_id = await task_on(http, pid, "approve_publication")
    page = await http.get(f"/tasks/{approval_id}")
    assert 'type="date" name="publication_date"' in page.text and "Publisher" in page.text
    await decide(http, approval_id, decision="approve")


async def pilot_and_evaluation(http: httpx.AsyncClient, pid: str) -> None:
    await sign_in(http, "wang.fang", "en")
    enrol_id = await task_on(http, pid, "enrol_pilot_sites")
    found = await http.get("/catalogue?q=One-stop&type=group")
    number = re.search(r"T/SDCIA \d{4}—\d{4}", found.text).group(0)
    assert "One-stop government service interface specification" in found.text and "<td>upcoming</td>" in found.text
    sites = options(await http.get(f"/tasks/{enrol_id}"), "site_org_ids")
    assert "Hudong University (HDU)" not in sites, "only districts and enterprises host pilots"
    await decide(http, enrol_id, decision="enrol", site_org_ids=[sites["Pudong New Area (PUDONG)"]])
    entry = await http.get(f"/catalogue/{pid}?lang=zh")
    assert number in entry.text and "城市数字化转型 一网通办接口规范" in entry.text and "上海数字城市产业协会" in entry.text

    await sign_in(http, "lin.tao", "zh")
    plan_id = await task_on(http, pid, "pilot_plan")
    inbox = await http.get("/inbox?kind=pilot_plan")
    assert f'<a href="/projects/{pid}">城市数字化转型 一网通办接口规范</a>' in inbox.text, \
        "a pilot lead offered the pilot plan reads the project"
    assert (await http.get(f"/projects/{pid}")).status_code == 200
    await decide(http, plan_id, decision="submit", plan="陆家嘴街道先行试点。", start_date=date.today().isoformat())
    await report_until_final(http, pid)

    await sign_in(http, "liang.hong", "en")
    evaluation_id = await task_on(http, pid, "evaluate_implementation")
    page = await http.get(f"/tasks/{evaluation_id}")
    assert 'type="number" name="scores.applicability"' in page.text and "Economic benefit" in page.text
    low = await decide(http, evaluation_id, expect=422, decision="effective", summary="效果良好。",
                       **{"scores.applicability": "9", "scores.economic_benefit": "4", "scores.social_benefit": "4",
                          "scores.coordination": "5"})
    assert "Applicability: must be at most 5" in low.text
    await decide(http, evaluation_id, decision="effective", summary="效果良好。", nominate_shanghai_standard="1",
                 **{"scores.applicability": "5", "scores.economic_benefit": "4", "scores.social_benefit": "4",
                    "scores.coordination": "5"})


async def report_until_final(http: httpx.AsyncClient, pid: str, seconds: float = 120) -> None:
    """The pilot lead files each progress report as it comes due, then the final report."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        for task_id, kind in await tasks_on(http, pid):
            if kind == "pilot_progress_report":
                await decide(http, task_id, decision="submit", progress="按计划推进。", metrics="上线接口数 = 12")
            elif kind == "pilot_final_report":
                await decide(http, task_id, decision="submit", summary="接入成本下降。",
                             metrics="接入成本下降比例 = 35\n已开放数据集 = 18")
                return
        await asyncio.sleep(0.25)
    raise AssertionError("the final report was never asked for")
