"""The project page is the record: what a reader of a real project's page sees, in Chinese and in
English: every event with who acted (person, role, organisation), the ballot's tally with its
arithmetic, the panel's opinions, the drafts with their versions, and the pipeline drawn with the
return as a loop and the current stage ringed; a project whose ballot failed shows the numbers and
ends in an end marker. The pilot site's reports and the evaluation's scores are in it too. Under a
compressed calendar (one policy day = one second)."""

import html
import re

import httpx
import pytest

from tests.helpers import eventually, shorten_calendar
from tests.journey import MEMBERS, Journey, People

pytestmark = pytest.mark.timeout(420)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def short_calendar(stack, monkeypatch):
    shorten_calendar(stack.settings, monkeypatch, report_interval_days=20)
    return stack


async def page_of(http: httpx.AsyncClient, people: People, username: str, project_id: str, lang: str) -> str:
    response = await http.get(f"/projects/{project_id}", params={"lang": lang}, headers=await people(username))
    assert response.status_code == 200, response.text
    return response.text


def entries(page: str, action: str) -> list[tuple[str, str]]:
    """(title, who · role · organisation) of each record entry of this action."""
    found = re.findall(rf'data-action="{re.escape(action)}">\s*<p class="record-head"><time>[^<]+</time> · '
                       r'<strong>([^<]*)</strong></p>\s*<p class="record-who">([^<]*)</p>', page)
    return [(html.unescape(title), html.unescape(who)) for title, who in found]


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags, attributes, style and script."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def assert_no_raw_words(page: str) -> None:
    text = visible_text(page)
    assert not UUID.search(text), UUID.search(text)
    for raw in ("{'", "'}", "None", "event.", "record.", "timeline.", "_id", "True", "False"):
        assert raw not in text, raw


async def test_the_project_page_tells_the_whole_record(short_calendar):
    stack = short_calendar
    people = People(stack.http)
    j = Journey(people)
    await j.propose("li.wei")
    await j.complete("wang.fang", "screen_proposal", {"decision": "return", "reasons": "请补充数据集清单。"})
    await j.complete("li.wei", "revise_proposal", {"decision": "resubmit"})
    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "符合立项范围。"})
    for member in MEMBERS:
        comment = "同意立项。" if member == "chen.jie" else ""
        await j.complete(member, "ballot_vote", {"decision": "approve", "comment": comment})
    draft_id = await j.submit_consultation_draft("li.wei")
    await j.comment("zhang.min", "5.2.1", "建议明确接口的鉴权方式。")
    await j.dispose_all("li.wei")
    await j.demonstrate()
    await j.approve("ma.rui")
    await j.enrol("wang.fang", ["PUDONG"])
    await j.plan("lin.tao")
    await j.report_until_final(["lin.tao"])
    await j.evaluate("liang.hong")
    await j.stage("maintenance")

    zh = await page_of(stack.http, people, "li.wei", j.project_id, "zh")
    assert entries(zh, "proposal.returned") == [("退回修改", "王芳 · 秘书处 · 上海数字城市产业协会")]
    assert "理由：请补充数据集清单。" in zh and "第 1 次退回" in zh
    assert entries(zh, "project.resubmitted") == [("重新提交", "李伟 · 提案人 · 浦江智能出行科技有限公司")]
    assert entries(zh, "consultation.comment_added") == [("提出意见", "张敏 · 提案人 · 申城数据服务有限公司")]
    assert ("投票", "陈杰 · 委员 · 上海数字城市产业协会") in entries(zh, "ballot.voted")
    assert "5 人中 5 人投票 ≥ 3/4 ✓ · 5 票中 5 票赞成 ≥ 2/3 ✓ · 5 票中 0 票反对 ≤ 1/4 ✓ → 通过" in zh
    assert re.search(r"<td class=\"text\">陈杰</td><td class=\"text\">上海数字城市产业协会</td>"
                     r"<td class=\"text\">赞成</td><td class=\"text\">同意立项。</td>", zh)
    assert [who for _, who in entries(zh, "panel.opinion_given")][0].endswith("· 专家 · 沪东大学")
    assert "5 位专家中 5 位赞成 ≥ 3/4 ✓" in zh
    assert entries(zh, "standard.published")[0][1] == "马睿 · 批准人 · 上海数字城市产业协会"
    assert re.search(r"标准编号：T/SDCIA \d{4}—\d{4}", zh)
    assert f'<a href="/api/v1/drafts/{draft_id}/file">草案 v1 征求意见稿</a>' in zh
    assert "共 1 条意见 · 采纳 1" in zh
    assert entries(zh, "pilot.final_report_submitted")[0][1] == "林涛 · 试点负责人 · 浦东新区人民政府"
    assert "总结报告" in zh and "adapter_cost_saving_pct = 35；datasets_published = 18" in zh
    assert entries(zh, "evaluation.recorded")[0][1] == "梁红 · 评价人 · 上海市经济和信息化委员会"
    assert re.search(r"<td class=\"text\">适用性</td><td class=\"text\">5</td>", zh)
    assert "推荐申报“上海标准”" in zh and "决定：实施有效" in zh
    assert '<g class="tl-stage current" data-stage="maintenance">' in zh
    assert '<g class="tl-stage past" data-stage="drafting">' in zh
    assert '<g class="tl-stage past" data-stage="evaluation">' in zh
    assert 'data-loop="×1"' in zh and "立项退回提案 ×1" in zh
    assert 'role="img"' in zh and "<title id=\"timeline-title\">" in zh
    assert zh.count('data-stage="proposal"') == 1, "a return is a loop, not the stage drawn again"
    assert_no_raw_words(zh)

    en = await page_of(stack.http, people, "li.wei", j.project_id, "en")
    assert entries(en, "proposal.returned") == [
        ("Returned for revision", "王芳 · Secretary · Shanghai Digital City Industry Association")
    ]
    assert "Reasons: 请补充数据集清单。" in en
    assert "5 of 5 voted ≥ 3/4 ✓ · 5 of 5 approve ≥ 2/3 ✓ · 0 of 5 disapprove ≤ 1/4 ✓ → passed" in en
    assert "5 of 5 experts in favour ≥ 3/4 ✓" in en
    assert "Committee review back to Proposal ×1" in en
    assert_no_raw_words(en)
    timeline = (await stack.http.get(f"/api/v1/projects/{j.project_id}/timeline",
                                     headers=await people("li.wei"))).json()
    assert timeline["returns"] == [{"from_stage": "committee_review", "to_stage": "proposal", "count": 1}]
    assert timeline["ended"] is None


async def test_a_failed_ballot_shows_its_numbers_and_ends_the_timeline(short_calendar):
    stack = short_calendar
    people = People(stack.http)
    j = Journey(people)
    await j.propose("li.wei")
    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": ""})
    votes = ["approve", "disapprove", "disapprove", "abstain", "recuse"]
    for member, vote in zip(MEMBERS, votes):
        await j.complete(member, "ballot_vote", {"decision": vote, "comment": "利益相关。" if vote == "recuse" else ""})
    await eventually(j.project, lambda p: p["status"] == "rejected")

    zh = await page_of(stack.http, people, "li.wei", j.project_id, "zh")
    assert entries(zh, "project.ballot_failed")[0][0] == "立项投票未通过"
    assert "4 人中 4 人投票 ≥ 3/4 ✓ · 4 票中 1 票赞成 ≥ 2/3 ✗ · 4 票中 2 票反对 ≤ 1/4 ✗ → 未通过" in zh
    assert 'data-end="rejected"' in zh and "未通过，项目终止" in zh
    assert '<g class="tl-stage ended" data-stage="committee_review">' in zh
    assert 'data-stage="drafting"' not in zh, "nothing is drawn after the end"
    assert "回避" in zh and "利益相关。" in zh
    assert_no_raw_words(zh)

    en = await page_of(stack.http, people, "li.wei", j.project_id, "en")
    assert "4 of 4 voted ≥ 3/4 ✓ · 1 of 4 approve ≥ 2/3 ✗ · 2 of 4 disapprove ≤ 1/4 ✗ → not passed" in en
    assert "Rejected: the project ends" in en
    assert_no_raw_words(en)
    timeline = (await stack.http.get(f"/api/v1/projects/{j.project_id}/timeline",
                                     headers=await people("li.wei"))).json()
    assert timeline["ended"]["status"] == "rejected" and timeline["ended"]["stage"] == "committee_review"
    accepted = next(e for e in timeline["events"] if e["action"] == "proposal.accepted")
    assert accepted["actor"]["display_name"] == "王芳" and accepted["actor"]["role"] == "secretary"
