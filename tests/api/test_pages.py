"""The working pages over HTTP, as a browser uses them: signed in through the sign-in form, every
change made by posting the page's own forms with its CSRF token, in Chinese and in English."""

import asyncio
import re
import uuid

import httpx
from sqlmodel import select
from starlette.datastructures import FormData

from api.web.decision_form import body_from_form, describer, form_fields
from api.web.page_text import Translator
from api.web.task_options import OFFERED
from services.db import session_factory, transaction
from services.demo import DEMO_PASSWORD
from services.identity.models import User
from services.notifications.models import Notification, NotificationKind
from services.tasks.registry import FORMS, parse_decision
from tests.helpers import PROPOSAL, committee_id
from tests.oidc.browser import forms_of, hidden_field


async def sign_in(http: httpx.AsyncClient, username: str, lang: str) -> None:
    page = await http.get(f"/login?lang={lang}")
    signed_in = await http.post(
        "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": hidden_field(page, "csrf_token")}
    )
    assert signed_in.status_code == 303, signed_in.text


async def post_form(http: httpx.AsyncClient, page: httpx.Response, action: str, **fields) -> httpx.Response:
    """Posts the page's form for `action` with its hidden fields (the CSRF token) and these values."""
    form = next(f for f in forms_of(page) if f["action"] == action)
    hidden = {k: v for k, v in form["fields"].items() if k in ("csrf_token", "back", "request_key")}
    return await http.post(action, data={**hidden, **fields})


def task_ids(page: httpx.Response, kind: str) -> list[str]:
    return re.findall(rf'data-task="([0-9a-f-]+)" data-kind="{kind}"', page.text)


async def propose(http: httpx.AsyncClient, title_zh: str, title_en: str) -> str:
    """li.wei's proposal through /projects/new; the new project's id."""
    form = await http.get("/projects/new")
    assert form.status_code == 200, form.text
    created = await post_form(
        http, form, "/projects/new", **{**PROPOSAL, "title_zh": title_zh, "title_en": title_en},
        committee_id=await committee_id(http, {}),
    )
    assert created.status_code == 303, created.text
    return re.fullmatch(r"/projects/([0-9a-f-]+)\?notice=created", created.headers["location"]).group(1)


async def test_signed_out_readers_go_to_the_sign_in_page_and_the_catalogue_is_public(stack):
    http = stack.http
    home = await http.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/login?next=/inbox"
    inbox = await http.get("/inbox?assigned=me")
    assert inbox.status_code == 303 and inbox.headers["location"] == "/login?next=/inbox%3Fassigned%3Dme"
    login = await http.get(inbox.headers["location"])
    assert hidden_field(login, "next") == "/inbox?assigned=me"
    for lang, words in (("zh", ["标准目录", "全部类型", "搜索"]), ("en", ["Catalogue of standards", "Every type", "Search"])):
        catalogue = await http.get(f"/catalogue?lang={lang}")
        assert catalogue.status_code == 200 and all(w in catalogue.text for w in words), catalogue.text
    missing = await http.get("/catalogue/00000000-0000-4000-8000-000000000000?lang=en")
    assert missing.status_code == 404 and "Not found" in missing.text

    await sign_in(http, "li.wei", "en")
    home = await http.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/inbox"


async def test_a_proposal_goes_through_the_forms_from_proposer_to_secretary_and_back(stack):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    form = await http.get("/projects/new")
    assert "Title in Chinese" in form.text and "Foundations" in form.text and "Data base" in form.text
    assert "Technical Committee on City Digital Transformation" in form.text and "Group standard" in form.text
    incomplete = await post_form(http, form, "/projects/new", title_zh="只有标题", title_en="Only a title")
    assert incomplete.status_code == 422
    assert "Scope: is required" in incomplete.text and "Type of standard: is required" in incomplete.text
    assert 'value="只有标题"' in incomplete.text, "what was typed is shown again"

    pid = await propose(http, "智能网联汽车 路侧感知数据接口", "Connected vehicles — roadside perception data interface")
    project = await http.get(f"/projects/{pid}?notice=created")
    assert "Connected vehicles — roadside perception data interface" in project.text
    assert "The proposal is saved as a draft" in project.text and "draft" in project.text
    assert "Submit the proposal" in project.text and "Edit the proposal" in project.text
    submitted = await post_form(http, project, f"/projects/{pid}/submit")
    assert submitted.status_code == 303 and submitted.headers["location"] == f"/projects/{pid}?notice=submitted"
    project = await http.get(submitted.headers["location"])
    assert "Committee review" in project.text and "Submit the proposal" not in project.text
    assert 'data-action="project.submitted"' in project.text and "Proposal submitted" in project.text

    await sign_in(http, "wang.fang", "zh")
    inbox = await http.get(f"/inbox?project_id={pid}")
    [task_id] = task_ids(inbox, "screen_proposal")
    assert "立项初审" in inbox.text and "智能网联汽车 路侧感知数据接口" in inbox.text and "待办理" in inbox.text
    task = await http.get(f"/tasks/{task_id}")
    assert task.status_code == 200
    for choice in ("受理，提交委员会投票", "退回修改", "不予立项"):
        assert choice in task.text
    assert 'type="radio" name="decision" value="return"' in task.text and 'name="reasons"' in task.text

    refused = await post_form(http, task, f"/tasks/{task_id}", decision="return")
    assert refused.status_code == 422 and "退回修改须说明理由" in refused.text
    assert 'value="return" checked' in refused.text
    returned = await post_form(http, task, f"/tasks/{task_id}", decision="return", reasons="请列出路侧数据集。")
    assert returned.status_code == 303 and returned.headers["location"] == "/inbox?notice=task_done"
    after = await http.get(returned.headers["location"])
    assert "任务已办理" in after.text
    assert task_ids(await http.get(f"/inbox?project_id={pid}"), "screen_proposal") == []
    done = await http.get(f"/tasks/{task_id}")
    assert "已完成" in done.text and "退回修改" in done.text and "请列出路侧数据集。" in done.text

    await sign_in(http, "li.wei", "en")
    inbox = await http.get(f"/inbox?project_id={pid}")
    [revise_id] = task_ids(inbox, "revise_proposal")
    assert "Revise the proposal" in inbox.text
    revise = await http.get(f"/tasks/{revise_id}")
    assert "Reasons given" in revise.text and "请列出路侧数据集。" in revise.text
    assert "Resubmit" in revise.text and "Withdraw" in revise.text
    project = await http.get(f"/projects/{pid}")
    assert "returned for revision" in project.text and "Resubmit the proposal" in project.text
    assert "Returned for revision" in project.text, "the timeline names the return"

    edit = await http.get(f"/projects/{pid}/edit")
    assert "路侧感知数据接口" in edit.text and "Save" in edit.text
    emptied = await post_form(http, edit, f"/projects/{pid}/edit", **{**_typed(edit), "title_en": ""})
    assert emptied.status_code == 422 and "Title in English: needs at least 1 characters" in emptied.text
    saved = await post_form(http, edit, f"/projects/{pid}/edit", **{**_typed(edit), "scope": "路侧数据集 A、B、C。"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/projects/{pid}?notice=saved"
    project = await http.get(saved.headers["location"])
    assert "路侧数据集 A、B、C。" in project.text and "Saved." in project.text
    resubmitted = await post_form(http, project, f"/projects/{pid}/submit")
    assert resubmitted.status_code == 303
    assert task_ids(await http.get(f"/inbox?project_id={pid}"), "revise_proposal") == []
    await sign_in(http, "wang.fang", "en")
    assert task_ids(await http.get(f"/inbox?project_id={pid}"), "screen_proposal"), "the secretary screens it again"


def _typed(page: httpx.Response) -> dict[str, str]:
    """The proposal form's fields as the page fills them in."""
    fields = {name: value for name, value in re.findall(r'<input name="(\w+)" value="([^"]*)"', page.text)}
    fields |= {name: value for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', page.text)}
    fields["domain"] = re.search(r'<option value="([\w.]+)" selected>', page.text).group(1)
    return fields


async def test_an_accepted_proposal_puts_the_ballot_form_in_each_members_inbox(stack):
    http = stack.http
    await sign_in(http, "li.wei", "zh")
    pid = await propose(http, "城市公共充电设施 数据共享规范", "Public charging facilities — data sharing specification")
    await post_form(http, await http.get(f"/projects/{pid}"), f"/projects/{pid}/submit")

    await sign_in(http, "wang.fang", "en")
    inbox = await http.get("/inbox?kind=screen_proposal")
    assert "Screen the proposal" in inbox.text
    assert "Public charging facilities — data sharing specification" in inbox.text
    [task_id] = set(task_ids(inbox, "screen_proposal")) & await _task_ids_of(http, pid)
    task = await http.get(f"/tasks/{task_id}")
    assert "Accept for the committee&#39;s ballot" in task.text and "Return for revision" in task.text
    accepted = await post_form(http, task, f"/tasks/{task_id}", decision="accept")
    assert accepted.status_code == 303, accepted.text

    await sign_in(http, "chen.jie", "zh")
    vote_id = await _wait_for_task(http, "ballot_vote", "城市公共充电设施 数据共享规范", pid)
    inbox = await http.get(f"/inbox?project_id={pid}")
    assert "委员投票" in inbox.text and "城市公共充电设施 数据共享规范" in inbox.text
    vote = await http.get(f"/tasks/{vote_id}")
    for choice in ("赞成", "反对", "弃权", "回避"):
        assert choice in vote.text
    assert "投票事项" in vote.text and "新工作项目立项" in vote.text
    cast = await post_form(http, vote, f"/tasks/{vote_id}", decision="approve")
    assert cast.status_code == 303
    assert "赞成" in (await http.get(f"/tasks/{vote_id}")).text


async def _task_ids_of(http: httpx.AsyncClient, project_id: str) -> set[str]:
    """The ids of the reader's tasks on one project (the inbox holds other tests' tasks too)."""
    project = await http.get(f"/projects/{project_id}")
    return set(re.findall(r'href="/tasks/([0-9a-f-]+)"', project.text))


async def test_forms_need_their_csrf_token_and_other_organisations_cannot_open_a_draft(stack):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    pid = await propose(http, "无 CSRF 测试", "Without a CSRF token")
    forged = await http.post(f"/projects/{pid}/submit")
    assert forged.status_code == 403 and "CSRF" in forged.text and "Not allowed" in forged.text
    forged_new = await http.post("/projects/new", data={**PROPOSAL, "title_zh": "伪造", "title_en": "Forged"})
    assert forged_new.status_code == 403
    assert "Forged" not in (await http.get("/projects")).text
    project = await http.get(f"/projects/{pid}")
    assert "draft" in project.text and "Submit the proposal" in project.text, "nothing was submitted"

    await sign_in(http, "zhang.min", "zh")
    hidden = await http.get(f"/projects/{pid}")
    assert hidden.status_code == 404 and "未找到" in hidden.text and "Without a CSRF token" not in hidden.text
    assert (await http.get(f"/projects/{pid}/edit")).status_code == 404
    assert "无 CSRF 测试" not in (await http.get("/projects")).text


async def test_the_inbox_filters_pages_and_lets_a_secretary_claim_and_give_back(stack, monkeypatch):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    for n in (1, 2):
        pid = await propose(http, f"分页测试 {n}", f"Paging test {n}")
        await post_form(http, await http.get(f"/projects/{pid}"), f"/projects/{pid}/submit")

    await sign_in(http, "wang.fang", "en")
    inbox = await http.get("/inbox?assigned=candidate&kind=screen_proposal")
    assert "Offered to my roles" in inbox.text and "SDCIA · Secretary" in inbox.text
    task_id = task_ids(inbox, "screen_proposal")[0]
    claimed = await post_form(http, inbox, f"/tasks/{task_id}/claim")
    assert claimed.status_code == 303
    assert claimed.headers["location"] == "/inbox?assigned=candidate&kind=screen_proposal&notice=claimed"
    mine = await http.get("/inbox?assigned=me&notice=claimed")
    assert "Claimed: the task is yours now." in mine.text and task_ids(mine, "screen_proposal") == [task_id]
    assert "Give back" in mine.text and ">me<" in mine.text
    given_back = await post_form(http, mine, f"/tasks/{task_id}/unclaim")
    assert given_back.headers["location"] == "/inbox?assigned=me&notice=unclaimed"
    assert task_ids(await http.get("/inbox?assigned=me"), "screen_proposal") == []
    again = await http.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": hidden_field(inbox, "csrf_token")})
    assert again.status_code == 409 and "only the person holding a claimed task can give it back" in again.text

    monkeypatch.setattr("api.web.pages_inbox.PAGE_SIZE", 1)
    first = await http.get("/inbox?kind=screen_proposal&lang=zh")
    [on_first] = task_ids(first, "screen_proposal")
    next_url = re.search(r'<a rel="next" href="([^"]+)">下一页</a>', first.text).group(1).replace("&amp;", "&")
    second = await http.get(next_url)
    assert task_ids(second, "screen_proposal") != [on_first] and "第一页" in second.text
    overdue = await http.get("/inbox?overdue=1")
    assert overdue.status_code == 200 and 'data-scope="overdue" aria-current="page"' in overdue.text


async def test_projects_notifications_and_dashboard_in_both_languages(stack):
    http = stack.http
    await sign_in(http, "li.wei", "zh")
    pid = await propose(http, "双语页面测试 项目", "Pages in two languages")
    await post_form(http, await http.get(f"/projects/{pid}"), f"/projects/{pid}/submit")
    projects = await http.get("/projects")
    assert "双语页面测试 项目" in projects.text and "立项" in projects.text and "团体标准" in projects.text
    projects = await http.get("/projects?lang=en")
    assert "Pages in two languages" in projects.text and "Committee review" in projects.text

    await sign_in(http, "wang.fang", "zh")
    notices = await _notifications_about(http, "双语页面测试 项目")
    assert "新任务" in notices.text and "条未读" in notices.text
    notification_id = re.search(r'data-notification="([0-9a-f-]+)"', notices.text).group(1)
    assert f'href="/projects/{pid}"' in _item(notices, notification_id), "the secretary may open the project"
    read = await post_form(http, notices, f"/notifications/{notification_id}/read")
    assert read.status_code == 303 and "标为已读" not in _item(await http.get("/notifications"), notification_id)
    english = await http.get("/notifications?lang=en&unread=1")
    assert "Notifications" in english.text and "Unread only" not in english.text and notification_id not in english.text

    for lang, words in (("zh", ["统计看板", "规划目标完成情况", "按阶段", "立项", "基础"]),
                        ("en", ["Dashboard", "Progress against the plan", "By stage", "Committee review",
                                "Foundations"])):
        board = await http.get(f"/dashboard?lang={lang}")
        assert board.status_code == 200 and all(w in board.text for w in words), board.text
        assert "<progress" in board.text


async def test_a_notice_links_to_its_project_only_for_readers_who_may_open_it(stack, engine):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    pid = await propose(http, "只有起草单位可见", "Seen by its drafters only")
    async with transaction(session_factory(engine)) as session:
        reader = (await session.exec(select(User).where(User.username == "zhang.min"))).one()
        notice = Notification(recipient_id=reader.id, kind=NotificationKind.assigned, subject_zh="关于一个草案",
                              subject_en="About a draft", body="", project_id=uuid.UUID(pid),
                              dedup_key=f"test:{pid}")
        session.add(notice)
    await sign_in(http, "zhang.min", "en")
    assert (await http.get(f"/projects/{pid}")).status_code == 404
    item = _item(await http.get("/notifications"), str(notice.id))
    assert "About a draft" in item and f"/projects/{pid}" not in item and "Open the project" not in item


async def _notifications_about(http: httpx.AsyncClient, title: str) -> httpx.Response:
    """The notification list once the task's notice has been written (an activity writes it)."""
    for _ in range(50):
        page = await http.get("/notifications?unread=1")
        if title in page.text:
            return page
        await asyncio.sleep(0.2)
    raise AssertionError(f"no notification about {title}")


def _item(page: httpx.Response, notification_id: str) -> str:
    start = page.text.index(f'data-notification="{notification_id}"')
    return page.text[start:page.text.index("</li>", start)]


def test_every_kind_of_task_gets_a_form_whose_answers_its_model_accepts():
    widgets = {kind: {f.name: f.widget for f in form_fields(f.form, OFFERED)} for kind, f in FORMS.items()}
    for kind, fields in widgets.items():
        assert next(iter(fields)) == "decision" and fields["decision"] == "radio", kind
    assert widgets["screen_proposal"] == {"decision": "radio", "reasons": "textarea", "comment": "textarea"}
    assert widgets["form_panel"]["expert_ids"] == "multi"
    assert {f.name: f.widget for f in form_fields(FORMS["form_panel"].form, set())}["expert_ids"] == "idlist"
    assert widgets["panel_opinion"]["conflicts"] == "tick"
    assert widgets["enrol_pilot_sites"]["site_org_ids"] == "multi"
    assert widgets["answer_coordination"]["to_org_id"] == "select"
    assert widgets["approve_publication"]["publication_date"] == "date"
    assert widgets["approve_publication"]["external_number"] == "text"
    assert widgets["pilot_final_report"]["metrics"] == "metrics"
    evaluation = form_fields(FORMS["evaluate_implementation"].form, OFFERED)
    scores = next(f for f in evaluation if f.name == "scores")
    assert scores.widget == "group" and [c.name for c in scores.children] == [
        "applicability", "economic_benefit", "social_benefit", "coordination"]
    assert {f.name: f.widget for f in evaluation}["nominate_shanghai_standard"] == "checkbox"

    sent = FormData([("decision", "effective"), ("scores.applicability", "5"), ("scores.economic_benefit", "4"),
                     ("scores.social_benefit", "4"), ("scores.coordination", "3"), ("nominate_shanghai_standard", "1"),
                     ("summary", "试点效果良好。")])
    body, problems = body_from_form(evaluation, sent)
    assert problems == []
    decided = parse_decision("evaluate_implementation", body)
    assert decided.scores.applicability == 5 and decided.nominate_shanghai_standard is True

    report = form_fields(FORMS["pilot_final_report"].form, OFFERED)
    body, problems = body_from_form(report, FormData([("decision", "submit"), ("summary", "完成"),
                                                      ("metrics", "响应时间 = 1.5\ncoverage: 0.92\n")]))
    assert problems == [] and parse_decision("pilot_final_report", body).metrics == {"响应时间": 1.5, "coverage": 0.92}
    _, problems = body_from_form(report, FormData([("metrics", "just words")]))
    assert [(p.path, p.key) for p in problems] == [(("metrics",), "err.metric_line")]
    english, chinese = describer(Translator("en")), describer(Translator("zh"))
    assert english(problems[0]) == "Metrics (one a line: name = value): cannot read “just words”: write name = value"
    assert chinese(problems[0]).startswith("指标（每行一项：名称 = 数值）: 无法识别“just words”")


async def test_a_district_asks_an_agency_through_the_coordination_pages(stack):
    http = stack.http
    await sign_in(http, "gao.yan", "zh")
    page = await http.get("/coordination")
    assert "发送协调请求" in page.text and "上海市经济和信息化委员会 (SHEITC)" in page.text
    sheitc = options_of(page, "to_org_id")["上海市经济和信息化委员会 (SHEITC)"]
    incomplete = await post_form(http, page, "/coordination", to_org_id=sheitc, body="请提供交通流量数据。")
    assert incomplete.status_code == 422 and "事由: 此项必填" in incomplete.text and "答复期限: 此项必填" in incomplete.text
    sent = await post_form(http, page, "/coordination", to_org_id=sheitc, subject="提供陆家嘴交通数据",
                           body="请提供近三个月的交通流量数据。", due_date="2099-12-31")
    assert sent.status_code == 303 and sent.headers["location"].endswith("?notice=sent")
    request_page = await http.get(sent.headers["location"])
    assert "协调请求已发送" in request_page.text and "办理中" in request_page.text

    await sign_in(http, "luo.ming", "en")
    answer_id = await _wait_for_task(http, "answer_coordination", "提供陆家嘴交通数据")
    task = await http.get(f"/tasks/{answer_id}")
    assert "Pudong New Area (PUDONG)" in task.text and "Forward to another organisation" in task.text
    assert "Xuhui District (XUHUI)" in options_of(task, "to_org_id")
    answered = await post_form(http, task, f"/tasks/{answer_id}", decision="answer", answer="数据已通过共享平台下发。")
    assert answered.status_code == 303

    await sign_in(http, "gao.yan", "zh")
    back_id = await _wait_for_task(http, "coordination_answered", "提供陆家嘴交通数据")
    task = await http.get(f"/tasks/{back_id}")
    assert "数据已通过共享平台下发。" in task.text and "已知悉" in task.text
    assert (await post_form(http, task, f"/tasks/{back_id}", decision="acknowledge")).status_code == 303
    request_page = await http.get(sent.headers["location"].split("?")[0])
    assert "数据已通过共享平台下发。" in request_page.text


def options_of(page: httpx.Response, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    return {words.strip(): value for value, words in found}


async def _wait_for_task(http: httpx.AsyncClient, kind: str, about: str, project_id: str = "") -> str:
    """The task of this kind whose page mentions `about`, once its workflow has opened it; only among
    the project's tasks when given (the inbox holds other tests' tasks too)."""
    where = f"&project_id={project_id}" if project_id else ""
    for _ in range(100):
        for task_id in task_ids(await http.get(f"/inbox?kind={kind}{where}"), kind):
            if about in (await http.get(f"/tasks/{task_id}")).text:
                return task_id
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {kind} task about {about}")
