"""What each person reads on a task page before deciding: one group standard driven from its proposal
to its periodic review (decisions over the API where the page is not the point), and at each task
the page its holder opens, in Chinese and English: the proposal, the ballot's rule in words and its
tally, who recused and why, the drafts as links that answer, the expert's conflict-of-interest
declaration as a step of its own, the panel's requested changes clause by clause, the consultation
summary, the pilot's reporting schedule and every site's reports, the coordination request. No page
shows an internal key, a dict dump or an id.

Under a compressed calendar (one policy day = one second), as in test_pages_journey."""

import re
from datetime import date

import httpx
import pytest

from tests.api.test_pages import options_of, sign_in
from tests.helpers import org_id, shorten_calendar
from tests.journey import EXPERTS, Journey, People
from tests.oidc.browser import forms_of
from tests.services.draft_samples import pdf

pytestmark = pytest.mark.timeout(600)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RAW = ("site_org_id", "{'", "UUID(", "None", "mat.", "ctx.", "field.", "[]")


@pytest.fixture
def short_calendar(stack, monkeypatch):
    """Consultation 3 days, a pilot of one month reporting every 10 days, the review due at once."""
    shorten_calendar(stack.settings, monkeypatch, "group", review_interval_years=0)
    return stack


def text_of(page: httpx.Response) -> str:
    """What a reader sees: the page without its markup."""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page.text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


async def task_page(http: httpx.AsyncClient, user: str, lang: str, task_id: str, status: int = 200) -> str:
    """The task page as `user` reads it in `lang`; fails on anything internal showing through."""
    await sign_in(http, user, lang)
    page = await http.get(f"/tasks/{task_id}")
    assert page.status_code == status, page.text
    seen = text_of(page)
    for raw in RAW:
        assert raw not in seen, f"{raw!r} on {user}'s page: {seen}"
    assert not UUID.search(seen), f"an id on {user}'s page: {UUID.search(seen).group(0)}"
    return page.text


async def follows(http: httpx.AsyncClient, html: str, pattern: str) -> httpx.Response:
    """Opens the first link on the page whose address matches, as its reader would."""
    href = re.search(rf'href="({pattern})"', html).group(1)
    opened = await http.get(href)
    assert opened.status_code == 200, f"{href}: {opened.status_code}"
    return opened


async def post_task_form(http: httpx.AsyncClient, html: str, task_id: str, **fields) -> httpx.Response:
    """Posts the task page's decision form with its hidden fields, as a browser does."""
    page = httpx.Response(200, text=html)
    form = next(f for f in forms_of(page) if f["action"] == f"/tasks/{task_id}")
    hidden = {k: v for k, v in form["fields"].items() if k in ("csrf_token", "step", "conflicts")}
    return await http.post(f"/tasks/{task_id}", data={**hidden, **fields})


async def test_every_task_page_carries_the_material_its_decision_is_taken_on(short_calendar):
    http = short_calendar.http
    journey = Journey(People(http), patience=90)
    scdata = await org_id(http, await journey.people("li.wei"), "SCDATA")
    await journey.propose("li.wei", relation_to_existing="补充 GB/T 38664 在区级接口上的要求。",
                          known_patents="未发现相关专利。", target_completion="2027-06-30",
                          co_drafting_org_ids=[scdata])
    await screening_and_ballot(journey)
    await consultation(journey)
    await demonstration(journey)
    await approval(journey)
    await pilots(journey)
    await evaluation_and_review(journey)


async def screening_and_ballot(journey: Journey) -> None:
    http = journey.http
    screen = await journey.task("wang.fang", "screen_proposal")
    zh = await task_page(http, "wang.fang", "zh", screen["id"])
    for words in ("提案内容", "城市数字化转型 公共数据开放接口规范", "与现行标准的关系", "补充 GB/T 38664",
                  "未发现相关专利", "申城数据服务有限公司", "浦江智能出行科技有限公司", "0 次（至多 3 次）"):
        assert words in zh, words
    await journey.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "符合立项范围。"})

    vote = await journey.task("chen.jie", "ballot_vote")
    en = await task_page(http, "chen.jie", "en", vote["id"])
    assert ("≥ 3/4 of the 5 voting members vote; ≥ 2/3 of votes approve; ≤ 1/4 disapprove; "
            "abstentions count as votes cast") in en
    assert "Voting closes" in en and "0 of 5 voting members have voted so far" in en
    assert "The new work item ballot is on the proposal below" in en
    zh = await task_page(http, "chen.jie", "zh", vote["id"])
    assert "5 名有表决权的委员中 ≥ 3/4 参加投票；投票中 ≥ 2/3 赞成；≤ 1/4 反对" in zh and "投票截止时间" in zh

    await journey.complete("zhao.lei", "ballot_vote", {"decision": "recuse", "comment": "本单位为参与起草单位。"})
    for member, decision in (("chen.jie", "approve"), ("liu.yang", "approve"), ("sun.li", "disapprove")):
        await journey.complete(member, "ballot_vote", {"decision": decision, "comment": ""})
    last = await journey.task("zhou.hui", "ballot_vote")
    zh = await task_page(http, "zhou.hui", "zh", last["id"])
    assert "4 名有表决权的委员中 ≥ 3/4 参加投票" in zh and "4 名有表决权的委员中已有 3 人投票" in zh
    assert "回避的委员" in zh and "赵磊" in zh and "本单位为参与起草单位。" in zh
    await journey.complete("zhou.hui", "ballot_vote", {"decision": "approve", "comment": ""})
    await journey.stage("drafting")

    en = await task_page(http, "zhou.hui", "en", last["id"])
    assert "4 of 4 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed" in en
    assert "Decision" in en and "Approve" in en


async def consultation(journey: Journey) -> None:
    http = journey.http
    submit = await journey.task("li.wei", "submit_consultation_draft")
    zh = await task_page(http, "li.wei", "zh", submit["id"])
    assert "尚未上传任何稿件" in zh and f'href="/projects/{journey.project_id}#drafts"' in zh
    draft_id = await journey.submit_consultation_draft("li.wei")
    zh = await task_page(http, "li.wei", "zh", submit["id"])
    assert "v1 · 征求意见稿 · 征求意见稿.pdf" in zh
    assert (await follows(http, zh, f"/api/v1/drafts/{draft_id}/file")).content.startswith(b"%PDF")

    for clause, text in (("5.1", "建议写明 TLS 版本。"), ("6.2", "错误码应统一。"), ("7", "补充示例。")):
        await journey.comment("zhang.min", clause, text)
    dispose = await journey.task("li.wei", "dispose_comments", seconds=60)
    headers = await journey.people("li.wei")
    comments = (await http.get(f"/api/v1/projects/{journey.project_id}/comments", headers=headers)).json()
    zh = await task_page(http, "li.wei", "zh", dispose["id"])
    assert "意见总数" in zh and "建议写明 TLS 版本。" in zh and zh.count("待处理") >= 3
    for comment, (disposition, reason) in zip(comments, (("accepted", ""), ("partially_accepted", "仅统一 4xx 错误码。"),
                                                         ("not_accepted", "示例见附录 A。"))):
        done = await http.put(f"/api/v1/comments/{comment['id']}/disposition", headers=headers,
                              json={"disposition": disposition, "reason": reason})
        assert done.status_code == 200, done.text
    en = await task_page(http, "li.wei", "en", dispose["id"])
    for outcome in ("accepted", "partially accepted", "not accepted"):
        assert re.search(rf"<dt>{outcome}</dt>\s*<dd[^>]*>1</dd>", en), outcome
    assert "仅统一 4xx 错误码。" in en and "Awaiting disposition" not in en
    table = await follows(http, en, rf"/api/v1/projects/{journey.project_id}/dispositions.csv")
    assert "部分采纳" in table.content.decode("utf-8-sig")
    await journey.complete("li.wei", "dispose_comments", {"decision": "done"})


async def demonstration(journey: Journey) -> None:
    http = journey.http
    form = await journey.task("wang.fang", "form_panel", seconds=60)
    recorded = await http.put("/api/v1/me/expertise", headers=await journey.people("wu.qiang"),
                              json={"fields": ["life.mobility", "foundations.data_base"]})
    assert recorded.status_code == 200, recorded.text
    en = await task_page(http, "wang.fang", "en", form["id"])
    assert "A panel of at least 5 experts, none from the drafting organisations" in en and "≥ 3/4" in en
    assert "Eligible experts" in en and "吴强" in en and "郭涛" in en and "Fields of expertise" in en
    # The expert whose fields hold the project's domain comes first, the field marked.
    assert en.index("吴强") < en.index("郭涛")
    assert "Data base (in this project&#39;s domain)" in en or "Data base (in this project's domain)" in en
    await follows(http, en, r"/api/v1/drafts/[0-9a-f-]+/file")
    expert_ids = [await journey.people.id(e) for e in EXPERTS]
    await journey.complete("wang.fang", "form_panel", {"decision": "form", "expert_ids": expert_ids})

    opinion = await journey.task("wu.qiang", "panel_opinion")
    zh = await task_page(http, "wu.qiang", "zh", opinion["id"])
    assert "请先声明与本项目有无利益冲突" in zh and 'value="declare_conflict"' in zh and 'value="none"' in zh
    assert 'value="pass_with_revisions"' not in zh, "the opinion comes after the declaration"
    assert "论证稿件" in zh and "征求意见稿.pdf" in zh
    undeclared = await post_task_form(http, zh, opinion["id"])
    assert undeclared.status_code == 422 and "利益冲突声明: 此项必填" in undeclared.text
    step = await post_task_form(http, zh, opinion["id"], declaration="none")
    assert step.status_code == 200 and 'name="conflicts" value="none"' in step.text
    assert 'value="pass_with_revisions"' in step.text and 'value="declare_conflict"' not in step.text
    done = await post_task_form(http, step.text, opinion["id"], decision="pass_with_revisions",
                                comments="5.1 应写明 TLS 1.2 及以上版本。\n第6.2条 补充错误码表。\n整体结构清晰。")
    assert done.status_code == 303, done.text
    for expert in EXPERTS[1:]:
        await journey.complete(expert, "panel_opinion", {"decision": "pass", "comments": "符合要求。", "conflicts": "none"})

    submit = await journey.task("li.wei", "submit_revised_draft")
    zh = await task_page(http, "li.wei", "zh", submit["id"])
    changes = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", zh[zh.index("逐条修改要求"):]))
    assert "吴强 修改后通过 5.1 应写明 TLS 1.2 及以上版本。" in changes
    assert "吴强 修改后通过 6.2 补充错误码表。" in changes and "吴强 修改后通过 — 整体结构清晰。" in changes
    approval = await http.post(
        f"/api/v1/projects/{journey.project_id}/drafts", headers=await journey.people("li.wei"),
        files={"file": ("报批稿.pdf", pdf(), "application/pdf")}, data={"label": "approval"},
    )
    assert approval.status_code == 201, approval.text
    await journey.complete("li.wei", "submit_revised_draft", {"decision": "submit", "draft_id": approval.json()["id"]})
    check = await journey.task("wang.fang", "check_revision")
    en = await task_page(http, "wang.fang", "en", check["id"])
    assert "Revised draft" in en and "v2 · draft for approval · 报批稿.pdf" in en
    assert "Requested changes, clause by clause" in en
    await follows(http, en, f"/api/v1/drafts/{approval.json()['id']}/file")
    await journey.complete("wang.fang", "check_revision", {"decision": "accept", "reasons": ""})


async def approval(journey: Journey) -> None:
    http = journey.http
    approve = await journey.task("ma.rui", "approve_publication")
    zh = await task_page(http, "ma.rui", "zh", approve["id"])
    assert "报批稿" in zh and "批准后自动编号" in zh and "T/… 0001—YYYY" in zh
    assert 'name="external_number"' not in zh, "a group standard's number is not typed in"
    assert "4 人中 4 人投票 ≥ 3/4 ✓ · 4 票中 3 票赞成 ≥ 2/3 ✓ · 4 票中 1 票反对 ≤ 1/4 ✓ → 通过" in zh
    assert "修改后通过：专家组 5 人，同意通过 4 人，修改后通过 1 人，不同意通过 0 人" in zh
    for outcome in ("采纳", "部分采纳", "不采纳"):
        assert re.search(rf"<dt>{outcome}</dt>\s*<dd[^>]*>1</dd>", zh), outcome
    await follows(http, zh, r"/api/v1/drafts/[0-9a-f-]+/file")
    await follows(http, zh, rf"/api/v1/projects/{journey.project_id}/dispositions.xlsx")
    await journey.approve("ma.rui")


async def pilots(journey: Journey) -> None:
    http = journey.http
    enrol = await journey.task("wang.fang", "enrol_pilot_sites")
    en = await task_page(http, "wang.fang", "en", enrol["id"])
    assert "Pilot period in months: 1; a progress report every 10 days" in en
    await journey.enrol("wang.fang", ["PUDONG"])

    plan = await journey.task("lin.tao", "pilot_plan")
    zh = await task_page(http, "lin.tao", "zh", plan["id"])
    assert "试点方案和开始日期" in zh and "浦东新区" in zh and "试点方案</a>" in zh
    await journey.plan("lin.tao")
    progress = await journey.task("lin.tao", "pilot_progress_report")
    en = await task_page(http, "lin.tao", "en", progress["id"])
    assert "Pilot plan</a>" in en and "Filed " in en and "Progress report 1</a>" in en and "三个街道先行试点。" in en

    await sign_in(http, "gao.yan", "zh")
    requests = await http.get("/coordination")
    assert requests.status_code == 200
    title = "城市数字化转型 公共数据开放接口规范"
    # Other tests of the session may pilot projects of the same title at this district too, so the
    # option is found by its value, and its words checked.
    offered = re.search(rf'<option value="{journey.project_id}"[^>]*>([^<]*)<', requests.text)
    assert offered and title in offered.group(1), "the district links the project it pilots"
    project_value = journey.project_id
    sheitc = next(v for words, v in options_of(requests, "to_org_id").items() if "(SHEITC)" in words)
    form = next(f for f in forms_of(requests) if f["action"] == "/coordination")
    sent = await http.post("/coordination", data={
        "csrf_token": form["fields"]["csrf_token"], "to_org_id": sheitc, "subject": "请提供试点区交通数据",
        "body": "陆家嘴街道试点需要近三个月的交通流量数据。", "due_date": date.today().isoformat(),
        "project_id": project_value,
    })
    assert sent.status_code == 303, sent.text
    answer = await journey.task("luo.ming", "answer_coordination")
    zh = await task_page(http, "luo.ming", "zh", answer["id"])
    for words in ("请提供试点区交通数据", "陆家嘴街道试点需要近三个月的交通流量数据。", "浦东新区人民政府 · 高燕", title):
        assert words in zh, words
    await follows(http, zh, f"/projects/{journey.project_id}")
    await journey.complete("luo.ming", "answer_coordination", {"decision": "answer", "answer": "数据已通过共享平台提供。"})
    answered = await journey.task("gao.yan", "coordination_answered")
    en = await task_page(http, "gao.yan", "en", answered["id"])
    assert "数据已通过共享平台提供。" in en and "罗明" in en and "请提供试点区交通数据" in en
    await follows(http, en, r"/coordination/[0-9a-f-]+")

    await journey.report_until_final(["lin.tao"], seconds=120)


async def evaluation_and_review(journey: Journey) -> None:
    http = journey.http
    evaluate = await journey.task("liang.hong", "evaluate_implementation")
    zh = await task_page(http, "liang.hong", "zh", evaluate["id"])
    reports = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", zh[zh.index("各试点单位的报告和指标"):]))
    assert "浦东新区人民政府 总结报告" in reports and "adapter_cost_saving_pct = 35; datasets_published = 18" in reports
    assert "浦东新区人民政府 第 1 期进展报告" in reports and "sites_live = 2" in reports
    await journey.evaluate("liang.hong")
    done = await task_page(http, "liang.hong", "en", evaluate["id"])
    assert "Applicability" in done and "Effective" in done

    review = await journey.task("wang.fang", "periodic_review")
    en = await task_page(http, "wang.fang", "en", review["id"])
    number = (await journey.project())["number"]
    assert number in en and "Implementation evaluation" in en and "Applicability 5/5" in en
