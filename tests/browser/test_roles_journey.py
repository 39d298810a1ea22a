"""A local standard (DB31/T) from its proposal to its evaluation in a real browser, decided by every
role that decides one: the committee's secretary, its five voting members, five experts, the approver
at the municipal market-regulation bureau, three pilot leads, the evaluator, and a district that asks
the economy commission about the pilot. Each signs in through the form, finds the task in the inbox
filtered by the project, reads on the task page the material the decision is taken on, follows the
page's links to it (each answers 200 and shows it) and decides through the form.

Every page visited must fit 390 px without sideways scrolling; each task page and the project page
are kept as screenshots at 1280 px and 390 px (test-artifacts/screenshots). What a page fails to show
is noted and the journey goes on, so that one run names every shortfall; the test fails at the end
if there is any.

Under a compressed calendar (one policy day = one second): an 8-day consultation, a one-month pilot
reporting every 15 days, generous deadlines for the people."""

import asyncio
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser

from tests.browser.conftest import ServedApp
from tests.browser.roles import Journey, Person, option_values, send
from tests.helpers import shorten_calendar

pytestmark = pytest.mark.timeout(600)

TITLE_ZH = "城市数字孪生 地下管线数据交换规范"
TITLE_EN = "Digital twin city — underground utility data exchange"
SCOPE = "规定城市地下管线三维数据在区、市两级平台之间交换的格式、编码与接口要求。"
RATIONALE = "各区管线数据格式不一，道路开挖前难以查清地下管线。"
MEMBERS = {"zhou.hui": "zh-CN", "chen.jie": "zh-CN", "liu.yang": "en-GB", "zhao.lei": "zh-CN", "sun.li": "en-GB"}
EXPERTS = {"wu.qiang": "zh-CN", "zheng.hua": "en-GB", "feng.yu": "zh-CN", "he.jing": "zh-CN", "guo.tao": "en-GB"}
SITES = {"PUDONG": ("lin.tao", "zh-CN"), "XUHUI": ("xu.qing", "en-GB"), "DFCLOUD": ("hu.bin", "zh-CN")}
CONSULTATION_HEADING, APPROVAL_HEADING = "地下管线数据交换规范（征求意见稿）", "地下管线数据交换规范（报批稿）"
CONSULTATION_DRAFT = f"# {CONSULTATION_HEADING}\n\n5.1 数据交换应当使用 HTTPS。\n"
APPROVAL_DRAFT = f"# {APPROVAL_HEADING}\n\n5.1 数据交换应当使用 HTTPS，TLS 1.2 及以上版本。\n"
COMMENT = "建议写明 TLS 版本。"
CLAUSE, CHANGE = "5.1", "应写明 TLS 1.2 及以上版本。"
REVISION = f"{CLAUSE} {CHANGE}"
REPORT_DAYS = 15
CONSULTATION_DAYS = 8
RECUSAL = "本人所在单位正在起草同一主题的市级管理办法，申请回避。"
CLOSES = {"zh-CN": "投票截止时间", "en-GB": "Voting closes"}
RECUSED = {"zh-CN": "回避的委员", "en-GB": "Members who recused themselves"}


def rule(locale: str, eligible: int) -> str:
    return {
        "zh-CN": f"{eligible} 名有表决权的委员中 ≥ 3/4 参加投票；投票中 ≥ 2/3 赞成；≤ 1/4 反对；弃权计为已投票",
        "en-GB": f"≥ 3/4 of the {eligible} voting members vote; ≥ 2/3 of votes approve; ≤ 1/4 disapprove; "
                 "abstentions count as votes cast",
    }[locale]


TALLY = {
    "zh-CN": "4 人中 4 人投票 ≥ 3/4 ✓ · 4 票中 3 票赞成 ≥ 2/3 ✓ · 4 票中 1 票反对 ≤ 1/4 ✓ → 通过",
    "en-GB": "4 of 4 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed",
}


@pytest.fixture
def short_calendar(served_app: ServedApp, monkeypatch: pytest.MonkeyPatch) -> ServedApp:
    shorten_calendar(served_app.settings, monkeypatch, "local", consultation_days=CONSULTATION_DAYS,
                     report_interval_days=REPORT_DAYS)
    return served_app


async def test_every_deciding_role_reads_its_material_and_decides_in_a_real_browser(
    browser: Browser, short_calendar: ServedApp
):
    journey = Journey(short_calendar, browser)
    try:
        proposer = await journey.person("li.wei", "zh-CN")
        pid = await propose(proposer)
        secretary = await journey.person("wang.fang", "zh-CN")
        await screen(secretary, pid)
        await ballot(journey, pid)
        await drafting_and_consultation(journey, proposer, pid)
        await demonstration(journey, proposer, secretary, pid)
        await approval(journey, pid)
        await pilots_and_coordination(journey, secretary, pid)
        await evaluation(journey, pid)
        await the_record(journey, secretary, pid)
    finally:
        if journey.findings.problems:
            print("What the pages failed to show so far:", *journey.findings.problems, sep="\n  ")
    assert journey.findings.problems == [], "\n".join(journey.findings.problems)
    assert journey.policy_violations() == [], "\n".join(journey.policy_violations())


async def propose(proposer: Person) -> str:
    """li.wei proposes a local standard to the committee and submits it; answers the project's id."""
    page = await proposer.visit("/projects/new", "the proposal form")
    await page.fill("input[name=title_zh]", TITLE_ZH)
    await page.fill("input[name=title_en]", TITLE_EN)
    await page.fill("textarea[name=scope]", SCOPE)
    await page.fill("textarea[name=rationale]", RATIONALE)
    await page.select_option("select[name=standard_type]", "local")
    await page.select_option("select[name=domain]", "foundations.data_base")
    await send(page.locator("form.proposal-form button[type=submit]"), "the proposal")
    await send(page.locator("form[action$='/submit'] button[type=submit]"), "the submission")
    return page.url.split("?")[0].rsplit("/", 1)[-1]


async def read_task(person: Person, pid: str, kind: str, seconds: float = 60) -> tuple[str, dict[str, str]]:
    """Opens the task from the inbox; answers the page's material and what each of its links showed.
    Every task page links to the project's own page, which shows the project."""
    await person.open_task(pid, kind, seconds)
    where = f"{person.username}'s {kind} task page"
    material = await person.material()
    followed = await person.follow_links(where)
    project_page = followed.get(f"/projects/{pid}")
    if person.findings.expect(project_page is not None, f"{where}: no link to the project page /projects/{pid} "
                                                        f"(links: {sorted(followed)})"):
        person.findings.expect(TITLE_ZH in project_page or TITLE_EN in project_page,
                               f"{where}: the project page it links to does not show the project")
    return material, followed


def shows(person: Person, kind: str, words: str, text: str) -> None:
    person.findings.expect_in(words, text, f"{person.username}'s {kind} task page")


def a_link_shows(person: Person, kind: str, words: str, followed: dict[str, str]) -> None:
    """One of the task page's links leads to something that shows the words."""
    person.findings.expect(any(words in text for text in followed.values()),
                           f"{person.username}'s {kind} task page: no link leads to {words!r} "
                           f"(links: {sorted(followed)})")


async def screen(secretary: Person, pid: str) -> None:
    material, _ = await read_task(secretary, pid, "screen_proposal")
    shows(secretary, "screen_proposal", SCOPE, material)
    shows(secretary, "screen_proposal", RATIONALE, material)
    await secretary.decide(decision="accept", comment="符合立项范围，同意进入立项投票。")


async def ballot(journey: Journey, pid: str) -> None:
    """zhou.hui recuses herself, saying why; of the 4 left, three approve and one disapproves:
    4 of 4 voted, 3 of 4 approve, 1 of 4 disapproves → passed. The members after her read the rule for
    4 voting members and who recused and why."""
    for username, locale in MEMBERS.items():
        member = await journey.person(username, locale)
        if username == "chen.jie":
            await journey.readme_shot(await member.visit("/inbox", "chen.jie's inbox"), "inbox", height=560)
        material, _ = await read_task(member, pid, "ballot_vote")
        shows(member, "ballot_vote", SCOPE, material)
        shows(member, "ballot_vote", CLOSES[locale], material)
        if username == "zhou.hui":
            shows(member, "ballot_vote", rule(locale, 5), material)
            await member.decide(decision="recuse", comment=RECUSAL)
        else:
            shows(member, "ballot_vote", rule(locale, 4), material)
            shows(member, "ballot_vote", RECUSED[locale], material)
            shows(member, "ballot_vote", RECUSAL, material)
            opinion = "disapprove" if username == "sun.li" else "approve"
            await member.decide(decision=opinion, comment="Overlaps with the national GB/T draft on utility data."
                                if opinion == "disapprove" else "")
        await member.close()


async def upload(proposer: Person, pid: str, name: str, text: str, label: str) -> None:
    """The proposer puts a draft on the project page's upload form."""
    page = await proposer.visit(f"/projects/{pid}", "the project page of the working group")
    form = page.locator("form.upload-form")
    await form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/markdown", "buffer": text.encode()})
    await form.locator("select[name=label]").select_option(label)
    await send(form.locator("button[type=submit]"), f"the upload of {name}")
    assert name in await page.locator("#drafts").inner_text()


async def submit_draft(proposer: Person, pid: str, kind: str, version: str) -> None:
    await proposer.open_task(pid, kind)
    [draft] = await option_values(proposer.page.locator("select[name=draft_id]"), version)
    await proposer.decide(decision="submit", draft_id=draft)


async def drafting_and_consultation(journey: Journey, proposer: Person, pid: str) -> None:
    commenter = await journey.person("zhang.min", "zh-CN")  # ready before the consultation opens: it is short
    await proposer.open_task(pid, "submit_consultation_draft")
    await upload(proposer, pid, "征求意见稿.md", CONSULTATION_DRAFT, "consultation")
    await submit_draft(proposer, pid, "submit_consultation_draft", "v1")

    page = await commenter.visit_until(f"/projects/{pid}", "form.comment-form", "the project page in consultation")
    form = page.locator("form.comment-form")
    await form.locator("input[name=clause]").fill("5.1")
    await form.locator("textarea[name=comment]").fill(COMMENT)
    await send(form.locator("button[type=submit]"), "zhang.min's comment")
    await commenter.close()

    await proposer.open_task(pid, "dispose_comments", seconds=30)
    page = await proposer.visit(f"/projects/{pid}", "the project page with the comments to dispose")
    row = page.locator("tr[data-comment]", has_text=COMMENT)
    await row.locator("select[name=disposition]").select_option("accepted")
    await send(row.locator("button[type=submit]"), "the disposition")
    await proposer.open_task(pid, "dispose_comments")
    await proposer.decide(decision="done")


async def demonstration(journey: Journey, proposer: Person, secretary: Person, pid: str) -> None:
    """Four experts pass the draft, one with revisions to clause 5.1; the proposer revises it, the secretary
    checks the revised draft against the requested changes."""
    material, followed = await read_task(secretary, pid, "form_panel")
    a_link_shows(secretary, "form_panel", CONSULTATION_HEADING, followed)
    experts = await option_values(secretary.page.locator("select[name=expert_ids]"), *(f"({e})" for e in EXPERTS))
    await secretary.page.locator("select[name=expert_ids]").select_option(experts)
    await secretary.decide(decision="form")
    for username, locale in EXPERTS.items():
        await give_opinion(await journey.person(username, locale), pid)

    await read_task(proposer, pid, "submit_revised_draft")
    await shows_requested_change(proposer, "submit_revised_draft")
    await upload(proposer, pid, "报批稿.md", APPROVAL_DRAFT, "approval")
    await submit_draft(proposer, pid, "submit_revised_draft", "v2")

    _, followed = await read_task(secretary, pid, "check_revision")
    await shows_requested_change(secretary, "check_revision")
    a_link_shows(secretary, "check_revision", APPROVAL_HEADING, followed)
    await secretary.decide(decision="accept")


async def shows_requested_change(person: Person, kind: str) -> None:
    """The panel's requested changes, clause by clause: a row for clause 5.1 with its change."""
    rows = person.page.locator("main .wide tr", has_text=CHANGE)
    cells = await rows.first.locator("td").all_inner_texts() if await rows.count() else []
    person.findings.expect(CLAUSE in [c.strip() for c in cells] or any(c.startswith(CLAUSE) for c in cells),
                           f"{person.username}'s {kind} task page: no row of requested changes for clause {CLAUSE} "
                           f"with {CHANGE!r} (row: {cells})")


async def give_opinion(expert: Person, pid: str) -> None:
    """The draft under review is one link away; the conflict-of-interest declaration comes first, then
    the opinion."""
    material, followed = await read_task(expert, pid, "panel_opinion")
    a_link_shows(expert, "panel_opinion", CONSULTATION_HEADING, followed)
    form = expert.page.locator("form.decision-form")
    declaration = form.locator("input[type=radio][name=declaration][value=none]")
    opinion_shown = await form.locator("input[name=decision][value=pass]").count()
    if expert.findings.expect(await declaration.count() == 1 and not opinion_shown,
                              f"{expert.username}'s panel_opinion task page: the conflict-of-interest declaration "
                              "is not a step of its own before the opinion"):
        await declaration.check()
        await send(form.locator("button[type=submit]"), f"{expert.username}'s declaration")
        await expert.journey.fits(expert.page, f"{expert.username}'s opinion form after the declaration")
        await expert.journey.screenshots(expert.page, f"{expert.username}-panel_opinion-opinion")
    opinion = "pass_with_revisions" if expert.username == "he.jing" else "pass"
    comments = REVISION if opinion == "pass_with_revisions" else "技术内容合理，同意通过。"
    await expert.decide(decision=opinion, comments=comments)
    await expert.close()


async def approval(journey: Journey, pid: str) -> None:
    """huang.lan at the bureau reads the draft to publish, the consultation's outcome with its
    disposition table, and the ballot's and the panel's results, then approves: a DB31/T number."""
    approver = await journey.person("huang.lan", "zh-CN")
    material, followed = await read_task(approver, pid, "approve_publication")
    await journey.readme_shot(approver.page, "task", height=1150)
    a_link_shows(approver, "approve_publication", APPROVAL_HEADING, followed)
    a_link_shows(approver, "approve_publication", COMMENT, followed)
    shows(approver, "approve_publication", "采纳", material)
    shows(approver, "approve_publication", TALLY["zh-CN"], material)
    shows(approver, "approve_publication", "修改后通过", material)
    await approver.decide(decision="approve")
    await approver.close()


async def pilots_and_coordination(journey: Journey, secretary: Person, pid: str) -> None:
    """Three sites pilot the standard side by side; meanwhile Pudong asks the economy commission about it."""
    leads = {code: await journey.person(*lead) for code, lead in SITES.items()}
    await read_task(secretary, pid, "enrol_pilot_sites")
    sites = await option_values(secretary.page.locator("select[name=site_org_ids]"), *(f"({c})" for c in SITES))
    await secretary.page.locator("select[name=site_org_ids]").select_option(sites)
    await secretary.decide(decision="enrol")
    await asyncio.gather(*(plan(lead, pid) for lead in leads.values()))
    await coordination(journey, pid)
    await asyncio.gather(*(report_until_final(lead, pid) for lead in leads.values()))
    for lead in leads.values():
        await lead.close()


async def plan(lead: Person, pid: str) -> None:
    """What the site must report and when is on the plan's page."""
    material, _ = await read_task(lead, pid, "pilot_plan")
    for words in ({"进展报告", "总结报告"} if "zh" in await lead.page.evaluate("document.documentElement.lang")
                  else {"progress report", "final report"}):
        shows(lead, "pilot_plan", words, material)
    shows(lead, "pilot_plan", str(REPORT_DAYS), material)
    await lead.decide(decision="submit", plan="先在两个街道试点管线数据交换。", start_date=date.today().isoformat())


async def report_until_final(lead: Person, pid: str, seconds: float = 120) -> None:
    """The lead files each progress report as it comes due, then the final report with its metrics."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        page = await lead.visit(f"/inbox?project_id={pid}", f"{lead.username}'s inbox")
        kinds = await page.locator("tr[data-kind]").evaluate_all("rows => rows.map(r => r.dataset.kind)")
        if "pilot_progress_report" in kinds:
            await read_task(lead, pid, "pilot_progress_report")
            await lead.decide(decision="submit", progress="两个街道已接入。", metrics="已接入街道数 = 2")
        elif "pilot_final_report" in kinds:
            await read_task(lead, pid, "pilot_final_report")
            await lead.decide(decision="submit", summary="开挖前管线查询时间明显缩短。",
                              metrics="管线查询平均用时下降比例 = 30\n已交换管线公里数 = 120")
            return
        assert asyncio.get_running_loop().time() < deadline, f"{lead.username} was never asked for the final report"
        await asyncio.sleep(0.5)


async def coordination(journey: Journey, pid: str) -> None:
    """gao.yan (Pudong) asks SHEITC about the pilot, linking the project Pudong pilots; luo.ming reads the
    request and the project and answers; gao.yan reads the answer."""
    district = await journey.person("gao.yan", "zh-CN")
    page = await district.visit("/coordination", "the coordination page")
    form = page.locator("form.coordination-form")
    [sheitc] = await option_values(form.locator("select[name=to_org_id]"), "(SHEITC)")
    await form.locator("select[name=to_org_id]").select_option(sheitc)
    await form.locator("input[name=subject]").fill("地下管线数据交换试点的数据共享授权")
    await form.locator("textarea[name=body]").fill("浦东试点需要市级管线数据的读取授权，请明确申请渠道。")
    await form.locator("input[name=due_date]").fill((date.today() + timedelta(days=7)).isoformat())
    projects = form.locator("select[name=project_id]")
    offered = await projects.locator(f"option[value='{pid}']").count()
    if district.findings.expect(offered == 1, "gao.yan's coordination form does not offer the project Pudong pilots"):
        await projects.select_option(pid)
    await send(form.locator("button[type=submit]"), "gao.yan's coordination request")

    agency = await journey.person("luo.ming", "zh-CN")
    material, followed = await read_task(agency, pid, "answer_coordination") if offered else ("", {})
    shows(agency, "answer_coordination", "浦东试点需要市级管线数据的读取授权", material)
    if offered:
        await agency.decide(decision="answer", answer="请经市大数据中心共享平台提交授权申请。")
        await read_task(district, pid, "coordination_answered")
        shows(district, "coordination_answered", "请经市大数据中心共享平台提交授权申请。", await district.material())
        await district.decide(decision="acknowledge")
    await agency.close()
    await district.close()


async def evaluation(journey: Journey, pid: str) -> None:
    """liang.hong reads each site's reports and metrics as a table, then scores the standard."""
    evaluator = await journey.person("liang.hong", "en-GB")
    material, _ = await read_task(evaluator, pid, "evaluate_implementation", seconds=90)
    tables = await evaluator.page.locator("main .wide table").evaluate_all(
        "ts => ts.filter(t => !t.closest('form')).map(t => t.innerText).join('\\n')")
    for words in ("Pudong New Area", "Xuhui District", "Dongfang CloudNet", "120"):
        shows(evaluator, "evaluate_implementation (its reports table)", words, tables)
    await evaluator.decide(decision="effective", summary="三个试点单位均按期报告，效果良好。", **{
        "scores.applicability": "5", "scores.economic_benefit": "4", "scores.social_benefit": "4",
        "scores.coordination": "5"})
    await evaluator.close()


async def the_record(journey: Journey, secretary: Person, pid: str) -> None:
    """The project page tells the whole story: who did what, the ballot's arithmetic, the timeline."""
    for person, locale in ((secretary, "zh-CN"), (await journey.person("li.wei", "en-GB"), "en-GB")):
        page = await person.visit(f"/projects/{pid}", f"the project page for {person.username}")
        await journey.screenshots(page, f"project-{person.username}")
        if locale == "en-GB":
            await journey.readme_shot(page, "project", height=1750)
        record = await page.locator("main").inner_text()
        where = f"the project page for {person.username}"
        for words in ("DB31/T", TALLY[locale], "王芳", "黄岚", "v1", "v2", "120"):
            journey.findings.expect_in(words, record, where)
        journey.findings.expect(await page.locator("main svg").count() > 0, f"{where}: no SVG timeline")
