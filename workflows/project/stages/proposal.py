"""committee_review, first half: the secretary screens the proposal; returns loop back to the proposer."""

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges, TaskSpec
from workflows.core.models import TaskDecision
from workflows.core.refusals import Refused
from workflows.project.steps import ProjectSteps



async def screen(wf: ProjectSteps) -> str:
    """'accepted', 'rejected' or 'withdrawn'."""
    screening = _screen_task(wf)
    await wf.write(
        changes=ProjectChanges(stage="committee_review", step="screening", status="active",
                               submitted_at=workflow.now(), workflow_id=workflow.info().workflow_id),
        open_tasks=[screening],
        events=[EventSpec(action="project.submitted", actor_id=wf.input.proposer_id)],
    )
    while True:
        decided = await wf.decision_on(screening.id)
        choice = decided.decision["decision"]
        if choice == "accept":
            await wf.write(decided=decided, changes=ProjectChanges(step="ballot"),
                           events=[EventSpec(action="proposal.accepted", actor_id=decided.actor_id,
                                             data={"comment": decided.decision.get("comment", "")})])
            return "accepted"
        if choice == "reject":
            await close(wf, decided, "rejected", "proposal.rejected")
            return "rejected"
        screening = await _return_and_wait(wf, decided)
        if screening is None:
            return "withdrawn"


def check_return_limit(wf: ProjectSteps, kind: str, decision: TaskDecision) -> None:
    if kind == "screen_proposal" and decision.decision.get("decision") == "return" \
            and wf.returns >= wf.input.policy.max_returns:
        raise Refused("error.project.return_limit", returns=wf.returns)


async def close(wf: ProjectSteps, decided: TaskDecision, status: str, action: str) -> None:
    await wf.write(
        decided=decided,
        changes=ProjectChanges(status=status, step=""),
        events=[EventSpec(action=action, actor_id=decided.actor_id,
                          data={"reasons": decided.decision.get("reasons", "")})],
    )


def _screen_task(wf: ProjectSteps) -> TaskSpec:
    inp = wf.input
    return wf.new_task(
        "screen_proposal", days=inp.policy.screening_days, committee_id=inp.committee_id,
        candidate_org_id=inp.committee_org_id, candidate_role="secretary",
    )


async def _return_and_wait(wf: ProjectSteps, decided: TaskDecision) -> TaskSpec | None:
    """Back to the proposer; the next screening task once they resubmit, None if they withdraw."""
    inp = wf.input
    wf.returns += 1
    reasons = decided.decision.get("reasons", "")
    revision = wf.new_task(
        "revise_proposal", days=inp.policy.revision_days, assignee_id=inp.proposer_id,
        candidate_org_id=inp.lead_org_id, candidate_role="proposer", context={"reasons": reasons},
    )
    await wf.write(
        decided=decided,
        changes=ProjectChanges(stage="proposal", step="revision", status="returned", return_count=wf.returns),
        open_tasks=[revision],
        events=[EventSpec(action="proposal.returned", actor_id=decided.actor_id,
                          data={"reasons": reasons, "returns": wf.returns})],
    )
    revised = await wf.decision_on(revision.id)
    if revised.decision["decision"] == "withdraw":
        await close(wf, revised, "withdrawn", "project.withdrawn")
        return None
    screening = _screen_task(wf)
    await wf.write(
        decided=revised,
        changes=ProjectChanges(stage="committee_review", step="screening", status="active",
                               submitted_at=workflow.now()),
        open_tasks=[screening],
        events=[EventSpec(action="project.resubmitted", actor_id=revised.actor_id)],
    )
    return screening
