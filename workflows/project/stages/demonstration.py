"""expert_demonstration: the secretary forms an expert panel, the panel gives its opinions, and a "pass with revisions" brings the revised draft (报批稿) back for the secretary's check.

The panel runs inside the project's workflow, formed in the step that takes the secretary's choice
of experts; panels formed before that ran as a child workflow.

Every project has a committee, so the panel's minimum is `min_size`; `min_size_without_committee`
applies to local standards without one, which this model cannot hold yet."""

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges, TaskSpec
from workflows.core import versions
from workflows.core.models import Opening, TaskDecision
from workflows.panel.models import PANEL_WORKFLOW, PanelInput, PanelResult
from workflows.panel.panel import Panel, panel_workflow_id
from workflows.project.steps import ProjectSteps

PANEL_IN_PROJECT = "panel-in-project"


async def run(wf: ProjectSteps) -> str:
    """'pass', or 'fail' when the panel fails the draft and it goes back to drafting."""
    formed = await _form_panel(wf)
    number = _next_panel(wf)
    if versions.has(PANEL_IN_PROJECT):
        # The panel runs here, and the step that names its experts gives them their tasks.
        wf.panel = Panel(wf, _panel_input(wf, formed), local=True)
        result = await wf.panel.run(Opening(decided=formed, changes=ProjectChanges(step="panel_review")))
    else:
        await wf.write(decided=formed, changes=ProjectChanges(step="panel_review"))
        result = await wf.waiting(workflow.execute_child_workflow(
            PANEL_WORKFLOW, _panel_input(wf, formed), id=panel_workflow_id(wf.input.project_id, number),
            result_type=PanelResult))
    tally = result.model_dump(mode="json")
    if result.result == "fail":
        await wf.write(changes=ProjectChanges(step=""), events=[EventSpec(action="demonstration.failed", data=tally)])
        return "fail"
    accepted = await _revise(wf, result) if result.result == "pass_with_revisions" else None
    await wf.write(decided=accepted, changes=ProjectChanges(step=""),
                   events=[EventSpec(action="demonstration.passed", data=tally,
                                     actor_id=accepted.actor_id if accepted else None)])
    return "pass"


def _next_panel(wf: ProjectSteps) -> int:
    """A project that fails its demonstration comes back with a new panel; each has its own number."""
    wf.panels_formed += 1
    return wf.panels_formed


async def _form_panel(wf: ProjectSteps) -> TaskDecision:
    inp = wf.input
    # The secretary's own steps take as long as screening a proposal: the policy names no other period.
    forming = wf.new_task(
        "form_panel", days=inp.policy.screening_days, committee_id=inp.committee_id,
        candidate_org_id=inp.committee_org_id, candidate_role="secretary",
        context={"min_size": inp.policy.panel.min_size},
    )
    await wf.write(
        changes=ProjectChanges(stage="expert_demonstration", step="panel_formation", status="active"),
        open_tasks=[forming], events=[EventSpec(action="demonstration.started")],
    )
    return await wf.decision_on(forming.id)


def _panel_input(wf: ProjectSteps, formed: TaskDecision) -> PanelInput:
    inp = wf.input
    return PanelInput(
        project_id=inp.project_id, committee_id=inp.committee_id, committee_org_id=inp.committee_org_id,
        expert_ids=formed.decision["expert_ids"], rules=inp.policy.panel, formed_by=formed.actor_id,
        replacement_days=inp.policy.screening_days, day_seconds=inp.policy.day_seconds,
        reminder_offsets_days=inp.policy.reminder_offsets_days,
    )


async def _revise(wf: ProjectSteps, panel: PanelResult) -> TaskDecision:
    """Revised drafts go to the secretary until one is accepted; answers with the acceptance."""
    returned: TaskDecision | None = None
    event = EventSpec(action="demonstration.revisions_requested", data={"panel_id": str(panel.panel_id)})
    while True:
        reasons = returned.decision["reasons"] if returned else ""
        submitting = _submit_task(wf, panel, reasons)
        await wf.write(decided=returned, changes=ProjectChanges(step="revised_draft"),
                       open_tasks=[submitting], events=[event])
        submitted = await wf.decision_on(submitting.id)
        checking = _check_task(wf, panel, submitted)
        await wf.write(
            decided=submitted, changes=ProjectChanges(step="revision_check"), open_tasks=[checking],
            events=[EventSpec(action="demonstration.revised_draft_submitted", actor_id=submitted.actor_id,
                              data={"draft_id": str(submitted.decision["draft_id"])})],
        )
        returned = await wf.decision_on(checking.id)
        if returned.decision["decision"] == "accept":
            return returned
        event = EventSpec(action="demonstration.revision_returned", actor_id=returned.actor_id,
                          data={"reasons": returned.decision["reasons"]})


def _submit_task(wf: ProjectSteps, panel: PanelResult, reasons: str) -> TaskSpec:
    inp = wf.input
    return wf.new_task(
        "submit_revised_draft", days=inp.policy.revision_days, candidate_org_id=inp.lead_org_id,
        candidate_role="proposer", context={"panel_id": str(panel.panel_id), "reasons": reasons},
    )


def _check_task(wf: ProjectSteps, panel: PanelResult, submitted: TaskDecision) -> TaskSpec:
    inp = wf.input
    return wf.new_task(
        "check_revision", days=inp.policy.screening_days, committee_id=inp.committee_id,
        candidate_org_id=inp.committee_org_id, candidate_role="secretary",
        context={"panel_id": str(panel.panel_id), "draft_id": str(submitted.decision["draft_id"])},
    )


def check_vacancy(wf: ProjectSteps, decision: TaskDecision) -> None:
    """For the workflow's validator: a seat of the panel is filled or given up only as the panel allows."""
    if wf.panel is not None:
        wf.panel.check(decision)
