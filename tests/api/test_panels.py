"""The expert demonstration stage over HTTP: the secretary forms the panel (ineligible experts are
refused by name), the experts answer, and a "pass with revisions" brings the 报批稿 back to the
secretary until it is accepted."""

from tests.helpers import audit_actions, inbox
from tests.workflows.panel_support import (
    DEMO_EXPERTS, complete, demonstration, give_opinions, login, new_expert, project_input, submitted_project, task_of,
    user_id,
)


async def panels_of(stack, project_id: str) -> list[dict]:
    listed = await stack.http.get(f"/api/v1/projects/{project_id}/panels", headers=await login(stack, "wang.fang"))
    assert listed.status_code == 200, listed.text
    return listed.json()


async def upload_approval_draft(stack, project_id: str, label: str = "approval") -> str:
    uploaded = await stack.http.post(
        f"/api/v1/projects/{project_id}/drafts", headers=await login(stack, "li.wei"),
        files={"file": ("报批稿.md", "# 公共数据开放接口规范\n\n按专家组意见修改。\n".encode(), "text/markdown")},
        data={"label": label},
    )
    assert uploaded.status_code == 201, uploaded.text
    return uploaded.json()["id"]


async def test_forming_a_panel_refuses_ineligible_experts_and_a_failed_panel_returns_to_drafting(stack, sessions):
    project = await submitted_project(stack, co_drafters=("DFCLOUD",))
    pid = project["id"]
    async with demonstration(stack, await project_input(stack, project)) as handle:
        forming = await task_of(stack, "wang.fang", pid, "form_panel")
        assert forming["context"]["min_size"] == 5
        current = (await stack.http.get(f"/api/v1/projects/{pid}", headers=await login(stack, "li.wei"))).json()
        assert (current["stage"], current["step"]) == ("expert_demonstration", "panel_formation")

        named = ["li.wei", "feng.yu", "wu.qiang", "wu.qiang", "he.jing"]
        refused = await complete(stack, "wang.fang", forming["id"],
                                 {"decision": "form", "expert_ids": [await user_id(stack, u) for u in named]})
        assert refused.status_code == 422 and refused.json()["field"] == "expert_ids"
        detail = refused.json()["detail"]
        assert "李伟 (li.wei) holds the expert role in no organisation" in detail
        assert "李伟 (li.wei) belongs to PJMOB, a drafting organisation of this project" in detail
        assert "冯宇 (feng.yu) belongs to DFCLOUD, a drafting organisation of this project" in detail
        assert "吴强 (wu.qiang) is named 2 times" in detail
        assert "a panel needs at least 5 experts; 4 named" in detail
        for eligible in ("zheng.hua", "he.jing"):
            assert eligible not in detail
        # Nothing changed: the task waits, no panel, nothing in the trail.
        assert [t["id"] for t in await inbox(stack.http, await login(stack, "wang.fang"), pid, kind="form_panel")] \
            == [forming["id"]]
        assert await panels_of(stack, pid) == []
        assert "panel.formed" not in await audit_actions(stack.http, await login(stack, "li.wei"), pid)

        experts = [e for e in DEMO_EXPERTS if e != "feng.yu"] + [await new_expert(sessions)]
        formed = await complete(stack, "wang.fang", forming["id"],
                                {"decision": "form", "expert_ids": [await user_id(stack, e) for e in experts]})
        assert formed.status_code == 200, formed.text
        await give_opinions(stack, pid, dict(zip(experts, ["pass", "fail", "pass", "fail", "pass"])))
        assert await handle.result() == "fail"

    [panel] = await panels_of(stack, pid)
    assert (panel["result"], panel["tally"]["in_favour"], panel["tally"]["size"]) == ("fail", 3, 5)
    assert sorted(m["username"] for m in panel["members"]) == sorted(experts)
    actions = await audit_actions(stack.http, await login(stack, "li.wei"), pid)
    assert actions[-3:] == ["panel.opinion_given", "panel.concluded", "demonstration.failed"]


async def test_pass_with_revisions_brings_the_approval_draft_back_until_the_secretary_accepts(stack):
    project = await submitted_project(stack)
    pid = project["id"]
    async with demonstration(stack, await project_input(stack, project)) as handle:
        forming = await task_of(stack, "wang.fang", pid, "form_panel")
        formed = await complete(stack, "wang.fang", forming["id"],
                                {"decision": "form", "expert_ids": [await user_id(stack, e) for e in DEMO_EXPERTS]})
        assert formed.status_code == 200, formed.text
        await give_opinions(stack, pid, dict(zip(DEMO_EXPERTS, ["pass"] * 3 + ["pass_with_revisions"] * 2)))

        submitting = await task_of(stack, "li.wei", pid, "submit_revised_draft")
        assert submitting["context"]["reasons"] == ""
        consultation_draft = await upload_approval_draft(stack, pid, label="consultation")
        wrong = await complete(stack, "li.wei", submitting["id"],
                               {"decision": "submit", "draft_id": consultation_draft})
        assert wrong.status_code == 422 and "征求意见稿 (consultation)" in wrong.json()["detail"]
        first = await upload_approval_draft(stack, pid)
        submitted = await complete(stack, "li.wei", submitting["id"], {"decision": "submit", "draft_id": first})
        assert submitted.status_code == 200, submitted.text

        checking = await task_of(stack, "wang.fang", pid, "check_revision")
        assert checking["context"]["draft_id"] == first
        no_reasons = await complete(stack, "wang.fang", checking["id"], {"decision": "revise"})
        assert no_reasons.status_code == 422
        revise = await complete(stack, "wang.fang", checking["id"],
                                {"decision": "revise", "reasons": "Clause 5.2 still lacks the error codes."})
        assert revise.status_code == 200, revise.text

        again = await task_of(stack, "li.wei", pid, "submit_revised_draft")
        assert again["id"] != submitting["id"]
        assert again["context"]["reasons"] == "Clause 5.2 still lacks the error codes."
        second = await upload_approval_draft(stack, pid)
        assert (await complete(stack, "li.wei", again["id"], {"decision": "submit", "draft_id": second})).status_code \
            == 200
        final_check = await task_of(stack, "wang.fang", pid, "check_revision")
        accepted = await complete(stack, "wang.fang", final_check["id"], {"decision": "accept"})
        assert accepted.status_code == 200, accepted.text
        assert await handle.result() == "pass"

    [panel] = await panels_of(stack, pid)
    assert panel["result"] == "pass_with_revisions"
    actions = await audit_actions(stack.http, await login(stack, "li.wei"), pid)
    tail = [a for a in actions if a.startswith("demonstration.") or a == "panel.concluded"]
    assert tail == [
        "demonstration.started", "panel.concluded", "demonstration.revisions_requested",
        "demonstration.revised_draft_submitted", "demonstration.revision_returned",
        "demonstration.revised_draft_submitted", "demonstration.passed",
    ]
