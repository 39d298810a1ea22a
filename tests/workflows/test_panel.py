"""The expert panel as a child workflow: opinions and the 3/4 rule, a declared conflict and a
missed deadline each answered by the secretary with a replacement. Every task is driven over HTTP."""

from datetime import timedelta

import pytest
from temporalio.worker import Replayer

from contracts.policy import PanelPolicy
from tests.helpers import audit_actions
from tests.payload_keys import CONVERTER
from tests.workflows.panel_support import (
    DEMO_EXPERTS, complete, demonstration, give_opinions, login, new_expert, opinion, project_input,
    submitted_project, task_of, user_id,
)
from workflows.panel.workflow import PanelInput, PanelWorkflow, panel_workflow_id


async def start_panel(stack, project: dict, experts: list[str]):
    inp = await project_input(stack, project)
    panel = PanelInput(
        project_id=inp.project_id, committee_id=inp.committee_id, committee_org_id=inp.committee_org_id,
        expert_ids=[await user_id(stack, e) for e in experts], rules=PanelPolicy(),
    )
    return await stack.worker.client.start_workflow(
        PanelWorkflow.run, panel, id=panel_workflow_id(project["id"], 1), task_queue=stack.settings.task_queue,
    )


async def the_panel(stack, project_id: str, username: str = "wang.fang") -> dict:
    listed = await stack.http.get(f"/api/v1/projects/{project_id}/panels", headers=await login(stack, username))
    assert listed.status_code == 200, listed.text
    [panel] = listed.json()
    return panel


@pytest.mark.parametrize(("opinions", "result", "in_favour"), [
    (["pass"] * 5, "pass", 5),
    (["pass"] * 4 + ["fail"], "pass", 4),  # 4/5 >= 3/4
    (["pass"] * 3 + ["fail"] * 2, "fail", 3),  # 3/5 < 3/4
    (["pass"] * 4 + ["pass_with_revisions"], "pass_with_revisions", 5),
])
async def test_the_panel_concludes_by_three_quarters_of_its_experts(stack, opinions, result, in_favour):
    project = await submitted_project(stack)
    handle = await start_panel(stack, project, DEMO_EXPERTS)
    await give_opinions(stack, project["id"], dict(zip(DEMO_EXPERTS, opinions)))

    outcome = await handle.result()
    assert (outcome.result, outcome.size, outcome.in_favour, outcome.fails) == (
        result, 5, in_favour, opinions.count("fail"))
    panel = await the_panel(stack, project["id"])
    assert panel["result"] == result and panel["concluded_at"] is not None
    assert panel["tally"] == {"size": 5, "in_favour": in_favour, "pass": opinions.count("pass"),
                              "pass_with_revisions": opinions.count("pass_with_revisions"),
                              "fail": opinions.count("fail")}
    assert sorted(m["opinion"] for m in panel["members"]) == sorted(opinions)
    assert all(m["state"] == "seated" and m["comments"] for m in panel["members"])
    actions = await audit_actions(stack.http, await login(stack, "li.wei"), project["id"])
    assert actions[-7:] == ["panel.formed", *["panel.opinion_given"] * 5, "panel.concluded"]


async def test_opinions_stay_hidden_until_the_panel_concludes(stack):
    project = await submitted_project(stack)
    handle = await start_panel(stack, project, DEMO_EXPERTS)
    await give_opinions(stack, project["id"], {"wu.qiang": "fail"})

    # wu.qiang (HDU) cannot read the project, but sits on its panel.
    panel = await the_panel(stack, project["id"])
    seen = await stack.http.get(f"/api/v1/panels/{panel['id']}", headers=await login(stack, "wu.qiang"))
    assert seen.status_code == 200 and seen.json()["result"] is None
    answered = {m["username"]: m["answered"] for m in seen.json()["members"]}
    assert answered == {e: e == "wu.qiang" for e in DEMO_EXPERTS}
    assert {m["opinion"] for m in seen.json()["members"]} == {None}
    outsider = await login(stack, "zhang.min")
    assert (await stack.http.get(f"/api/v1/panels/{panel['id']}", headers=outsider)).status_code == 404
    assert (await stack.http.get(f"/api/v1/projects/{project['id']}/panels", headers=outsider)).status_code == 404

    await give_opinions(stack, project["id"], {e: "pass" for e in DEMO_EXPERTS[1:]})
    assert (await handle.result()).result == "pass"
    concluded = (await stack.http.get(f"/api/v1/panels/{panel['id']}", headers=await login(stack, "wu.qiang"))).json()
    assert {m["username"]: m["opinion"] for m in concluded["members"]}["wu.qiang"] == "fail"


async def test_a_declared_conflict_is_replaced_by_the_secretary(stack, sessions):
    project = await submitted_project(stack)
    pid = project["id"]
    handle = await start_panel(stack, project, DEMO_EXPERTS)
    seat = await task_of(stack, "he.jing", pid, "panel_opinion")
    declared = await complete(stack, "he.jing", seat["id"], {
        "decision": "declare_conflict", "details": "I advised PJMOB on this interface last year."})
    assert declared.status_code == 200, declared.text

    vacancy = await task_of(stack, "wang.fang", pid, "replace_expert")
    he_jing = await user_id(stack, "he.jing")
    assert vacancy["context"]["expert_id"] == he_jing and vacancy["context"]["reason"] == "conflict"
    assert vacancy["context"]["details"] == "I advised PJMOB on this interface last year."
    members = {m["username"]: m for m in (await the_panel(stack, pid))["members"]}
    assert members["he.jing"]["state"] == "conflicted"

    # Five seats is the minimum: the secretary cannot carry on with four.
    short = await complete(stack, "wang.fang", vacancy["id"], {"decision": "proceed_without"})
    assert short.status_code == 409 and "fewer than the 5" in short.json()["detail"]
    again = await complete(stack, "wang.fang", vacancy["id"], {"decision": "replace", "expert_id": he_jing})
    assert again.status_code == 422 and "何静 (he.jing) has sat on this panel already" in again.json()["detail"]
    not_expert = await complete(stack, "wang.fang", vacancy["id"],
                                {"decision": "replace", "expert_id": await user_id(stack, "li.wei")})
    assert not_expert.status_code == 422
    assert "李伟 (li.wei) holds the expert role in no organisation" in not_expert.json()["detail"]
    assert "李伟 (li.wei) belongs to PJMOB, a drafting organisation" in not_expert.json()["detail"]

    newcomer = await new_expert(sessions)
    replaced = await complete(stack, "wang.fang", vacancy["id"],
                              {"decision": "replace", "expert_id": await user_id(stack, newcomer)})
    assert replaced.status_code == 200, replaced.text
    others = [e for e in DEMO_EXPERTS if e != "he.jing"]
    await give_opinions(stack, pid, {e: "pass" for e in [*others, newcomer]})

    outcome = await handle.result()
    assert (outcome.result, outcome.size) == ("pass", 5)
    members = {m["username"]: m for m in (await the_panel(stack, pid))["members"]}
    assert members["he.jing"]["state"] == "replaced" and members["he.jing"]["opinion"] is None
    assert members["he.jing"]["replaced_by_id"] == await user_id(stack, newcomer)
    assert members[newcomer]["state"] == "seated" and members[newcomer]["opinion"] == "pass"
    actions = await audit_actions(stack.http, await login(stack, "li.wei"), pid)
    assert "panel.conflict_declared" in actions and "panel.expert_replaced" in actions


async def test_the_secretary_may_carry_on_without_a_replacement_while_five_remain(stack, sessions):
    project = await submitted_project(stack)
    pid = project["id"]
    newcomer = await new_expert(sessions)
    handle = await start_panel(stack, project, [*DEMO_EXPERTS, newcomer])
    seat = await task_of(stack, newcomer, pid, "panel_opinion")
    declared = await complete(stack, newcomer, seat["id"], {"decision": "declare_conflict",
                                                            "details": "My employer licenses a competing API."})
    assert declared.status_code == 200, declared.text
    vacancy = await task_of(stack, "wang.fang", pid, "replace_expert")
    carried_on = await complete(stack, "wang.fang", vacancy["id"], {"decision": "proceed_without"})
    assert carried_on.status_code == 200, carried_on.text

    # Counted over the five who remain, 4 in favour passes; over the six first named it would not.
    await give_opinions(stack, pid, dict(zip(DEMO_EXPERTS, ["pass"] * 4 + ["fail"])))
    outcome = await handle.result()
    assert (outcome.result, outcome.size, outcome.in_favour) == ("pass", 5, 4)
    members = {m["username"]: m for m in (await the_panel(stack, pid))["members"]}
    assert len(members) == 6 and members[newcomer]["state"] == "conflicted"
    assert members[newcomer]["conflict_details"] == "My employer licenses a competing API."
    assert "panel.proceeding_without" in await audit_actions(stack.http, await login(stack, "li.wei"), pid)
    # Today's code replays the history it wrote.
    await Replayer(workflows=[PanelWorkflow], data_converter=CONVERTER).replay_workflow(
        await handle.fetch_history())


async def test_an_expert_who_misses_the_deadline_is_replaced(skipping_stack, time_skipping_env, sessions):
    stack = skipping_stack
    project = await submitted_project(stack)
    pid = project["id"]
    inp = await project_input(stack, project)
    async with demonstration(stack, inp) as handle:
        forming = await task_of(stack, "wang.fang", pid, "form_panel")
        formed = await complete(stack, "wang.fang", forming["id"], {
            "decision": "form", "expert_ids": [await user_id(stack, e) for e in DEMO_EXPERTS]})
        assert formed.status_code == 200, formed.text
        await give_opinions(stack, pid, {e: "pass" for e in DEMO_EXPERTS if e != "guo.tao"})
        late = await task_of(stack, "guo.tao", pid, "panel_opinion")

        await time_skipping_env.sleep(timedelta(days=22))
        vacancy = await task_of(stack, "wang.fang", pid, "replace_expert")
        assert vacancy["context"]["reason"] == "overdue"
        assert vacancy["context"]["expert_id"] == await user_id(stack, "guo.tao")
        too_late = await complete(stack, "guo.tao", late["id"], opinion("fail"))
        assert too_late.status_code == 409 and "expired" in too_late.json()["detail"]
        members = {m["username"]: m["state"] for m in (await the_panel(stack, pid))["members"]}
        assert members["guo.tao"] == "overdue"

        newcomer = await new_expert(sessions, "SDCIA")
        replaced = await complete(stack, "wang.fang", vacancy["id"],
                                  {"decision": "replace", "expert_id": await user_id(stack, newcomer)})
        assert replaced.status_code == 200, replaced.text
        await give_opinions(stack, pid, {newcomer: "pass"})
        assert await handle.result() == "pass"

    actions = await audit_actions(stack.http, await login(stack, "li.wei"), pid)
    assert actions.index("panel.expert_overdue") < actions.index("panel.expert_replaced") \
        < actions.index("panel.concluded") < actions.index("demonstration.passed")
    project = (await stack.http.get(f"/api/v1/projects/{pid}", headers=await login(stack, "li.wei"))).json()
    assert project["stage"] == "expert_demonstration"
