"""Outcome notices along real pipelines on a Temporal dev server: the proposer and the proposer of a
co-drafting organisation are told of screening, the ballot (with its tally against the rule), the
expert panel, publication (with the number), evaluation and review; each in the language they chose
(Chinese until they choose), with times in the deployment's zone and links to the project's page;
mailed when SMTP is configured."""

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.service import get_by_code
from tests.api.test_notifications import Mailbox, mailing, smtp_server  # noqa: F401 - fixture
from tests.api.test_pages import post_form, sign_in
from tests.helpers import eventually, org_id
from tests.journey import EXPERTS, MEMBERS, Journey, People
from tests.oidc.browser import hidden_field
from tests.workflows.histories import replayer

pytestmark = pytest.mark.timeout(420)

ZONE = "Europe/Berlin"  # not the default, so that the notices are seen to follow the setting
# One policy day is one second; people get generous deadlines so that a busy machine misses none.
SHORT = {"*": {
    "consultation_days": 3, "pilot_months": 1, "report_interval_days": 600, "review_interval_years": 0,
    "screening_days": 600, "drafting_days": 600, "disposition_days": 600, "approval_days": 600,
    "evaluation_days": 600, "ballot": {"open_days": 600}, "panel": {"opinion_days": 600},
}}


@pytest.fixture
async def zoned_stack(engine, temporal_client, tmp_path, smtp_server):  # noqa: F811 - the fixture imported above
    """The app and a worker of a deployment in another time zone, mailing through a loopback server."""
    async with mailing(engine, temporal_client, tmp_path, smtp_server[1], time_zone=ZONE, policy_day_seconds=1,
                       policy_overrides=SHORT) as stack:
        yield stack


async def outcomes(http: httpx.AsyncClient, headers: dict, project_id: str, count: int) -> list[dict]:
    """The project's outcome notices to this reader, oldest first, once `count` have come."""
    async def read() -> list[dict]:
        response = await http.get("/api/v1/notifications", params={"project_id": project_id, "limit": 200},
                                  headers=headers)
        return [n for n in reversed(response.json()["items"]) if n["kind"] == "outcome"]
    return await eventually(read, lambda found: len(found) >= count)


async def choose_english(http: httpx.AsyncClient, username: str) -> None:
    """The reader picks English on the account page; their notices and mails follow."""
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as browser:
        await sign_in(browser, username, "zh")
        account = await browser.get("/account")
        chosen = await post_form(browser, account, "/account/language", language="en")
        assert chosen.status_code == 303
        assert 'value="en" selected' in (await browser.get("/account")).text
        wrong = await post_form(browser, account, "/account/language", language="fr")
        assert wrong.status_code == 422 and "choose Chinese (zh) or English (en)" in wrong.text


async def a_new_proposer(sessions) -> str:
    """A proposer of the lead organisation of their own, whose language choice no other test sees."""
    username = f"proposer.{uuid.uuid4().hex[:6]}"
    async with transaction(sessions) as session:
        user = await create_user(session, UserCreate(username=username, display_name="Alex Chen",
                                                     email=f"{username}@example.com", password=DEMO_PASSWORD))
        await grant_role(session, user.id, (await get_by_code(session, "PJMOB")).id, Role.proposer)
    return username


async def test_a_failed_ballot_is_told_with_its_numbers_in_each_readers_language_zone_and_mail(
    zoned_stack, smtp_server, sessions  # noqa: F811 - the fixture imported above
):
    stack, (mailbox, _) = zoned_stack, smtp_server
    people, http = People(stack.http), stack.http
    proposer = await a_new_proposer(sessions)
    await choose_english(http, proposer)
    j = Journey(people)
    co_drafter = await org_id(http, await people("zhang.min"), "SCDATA")
    await j.propose(proposer, co_drafting_org_ids=[co_drafter])
    await j.complete("wang.fang", "screen_proposal", {"decision": "return", "reasons": "请补充适用范围。"})
    await j.complete(proposer, "revise_proposal", {"decision": "resubmit"})
    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "符合立项条件。"})
    for member, vote in zip(MEMBERS, ["approve", "approve", "disapprove", "disapprove", "abstain"], strict=True):
        await j.complete(member, "ballot_vote", {"decision": vote, "comment": ""})
    await eventually(j.project, lambda p: p["status"] == "rejected")

    returned, accepted, failed = await outcomes(http, await people(proposer), j.project_id, 3)
    assert returned["subject_en"].startswith("Proposal returned for revision")
    assert "Reasons: 请补充适用范围。" in returned["body"]  # English words around the secretary's own
    assert accepted["subject_zh"].startswith("立项申请已通过初审")
    title = (await j.project())["title_en"]
    assert failed["subject_en"] == f"Ballot failed (2 approve, 2 disapprove, 1 abstain) — {title}"
    assert ("5 of 5 eligible members voted (0 recused): participation 100% (rule: at least 3/4); 2 approve, "
            "2 disapprove, 1 abstain; approval 40% (rule: at least 2/3), disapproval 40% (rule: at most 1/4). "
            "Why: too few approvals") in failed["body"]
    assert failed["body"].endswith(f"Open: http://testserver/projects/{j.project_id}")
    when = datetime.fromisoformat(failed["created_at"]).astimezone(ZoneInfo(ZONE))
    assert re.search(rf"When: {when:%Y-%m-%d} \d\d:\d\d \({ZONE}\)", failed["body"])

    for reader in ("zhang.min", "li.wei"):  # the co-drafter's proposer, and another proposer of the lead
        assert await _told_in_chinese(http, await people(reader), j.project_id)
    assert await outcomes(http, await people("wang.fang"), j.project_id, 0) == []

    readers = {f"{proposer}@example.com", "zhang.min@demo.standardflow.example", "li.wei@demo.standardflow.example"}
    mails = await eventually(lambda: _ballot_mails(mailbox), lambda found: readers <= set(found))
    assert mails[f"{proposer}@example.com"].startswith("Ballot failed (2 approve")
    assert mails["zhang.min@demo.standardflow.example"].startswith("立项投票未通过（赞成 2")

    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as browser:
        browser.headers["Accept-Language"] = "zh-CN"  # the browser asks for Chinese; the account's choice wins
        form = await browser.get("/login")
        signed_in = await browser.post("/login", data={"username": proposer, "password": DEMO_PASSWORD,
                                                       "csrf_token": hidden_field(form, "csrf_token")})
        assert signed_in.status_code == 303
        page = await browser.get("/notifications", params={"project_id": j.project_id})
        assert '<html lang="en"' in page.text
        assert "Ballot failed (2 approve, 2 disapprove, 1 abstain)" in page.text
        assert f"{datetime.fromisoformat(failed['created_at']).astimezone(ZoneInfo(ZONE)):%Y-%m-%d %H:%M}" in page.text
        assert f'href="/projects/{j.project_id}"' in page.text and "/api/v1" not in page.text

    # The run that mailed its outcomes (under the `outcome-mail` patch) replays against today's code.
    history = await stack.worker.client.get_workflow_handle(f"project-{j.project_id}").fetch_history()
    assert (await replayer().replay_workflow(history, raise_on_replay_failure=False)).replay_failure is None


async def _told_in_chinese(http: httpx.AsyncClient, headers: dict, project_id: str) -> bool:
    *_, told = await outcomes(http, headers, project_id, 3)
    assert told["subject_zh"].startswith("立项投票未通过（赞成 2，反对 2，弃权 1）")
    assert "实际投票 5 人，投票率 100%（要求不低于 3/4）；赞成 2 票、反对 2 票、弃权 1 票；赞成率 40%" in told["body"]
    assert "原因：赞成率未达到要求" in told["body"] and f"({ZONE})" in told["body"]
    return True


async def _ballot_mails(mailbox: Mailbox) -> dict[str, str]:
    return {to[0]: str(message["Subject"]) for to, message in mailbox.received
            if "Ballot failed" in str(message["Subject"]) or "立项投票未通过" in str(message["Subject"])}


@pytest.fixture
def short_calendar(stack, monkeypatch):
    monkeypatch.setattr(stack.settings, "policy_day_seconds", 1)
    monkeypatch.setattr(stack.settings, "policy_overrides", SHORT)
    return stack


async def test_the_proposers_hear_of_ballot_panel_publication_evaluation_and_review(short_calendar):
    stack = short_calendar
    people, http = People(stack.http), stack.http
    j = Journey(people, patience=90)
    await j.propose("li.wei", co_drafting_org_ids=[await org_id(http, await people("zhang.min"), "SCDATA")])
    await j.screen_and_vote()
    await j.submit_consultation_draft("li.wei")
    await j.dispose_all("li.wei")
    await j.demonstrate("wang.fang", EXPERTS)
    await j.approve("ma.rui")
    project = await j.stage("pilot")
    await j.enrol("wang.fang", ["PUDONG"])
    await j.plan("lin.tao")
    await j.report_until_final(["lin.tao"], seconds=270)
    await j.evaluate("liang.hong")
    await j.complete("wang.fang", "periodic_review", {"decision": "confirm", "reasons": "仍然适用。"})

    for reader in ("li.wei", "zhang.min"):
        told = await outcomes(http, await people(reader), j.project_id, 6)
        subjects = [n["subject_zh"].split(" — ")[0] for n in told]
        assert subjects == [
            "立项申请已通过初审，进入立项投票", "立项投票通过（赞成 5，反对 0，弃权 0）", "专家论证通过（5/5 位专家赞成）",
            f"标准已批准发布：{project['number']}", "实施效果评价结论：实施有效", "复审结论：继续有效",
        ], reader
        published = told[3]
        assert f"标准编号 {project['number']}，发布日期 " in published["body"]
        assert f"实施日期 {project['effective_from']}。" in published["body"]
        assert published["body"].endswith(f"查看：/projects/{j.project_id}") and "(Asia/Shanghai)" in published["body"]
        assert "专家组 5 人：同意通过 5 人，修改后通过 0 人，不同意通过 0 人，未提交意见 0 人" in told[2]["body"]
        assert "理由：仍然适用。" in told[5]["body"]
