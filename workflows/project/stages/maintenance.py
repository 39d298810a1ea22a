"""maintenance: a durable timer waits out the review interval, then the committee's secretaries review
the standard: confirm it, revise it (a revision project opens) or withdraw it. One cycle; the
project's workflow repeats it."""

from datetime import datetime

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.core.models import TaskDecision
from workflows.project.stages.evaluation import open_revision
from workflows.project.steps import ProjectSteps



async def run(wf: ProjectSteps, since: datetime | None = None) -> str:
    """'confirm', 'revise' or 'withdraw'. The review falls `review_interval_years` years of 365 policy
    days after `since` (the publication or the last review; now when not given), so never later than
    the anniversary."""
    due = (since or workflow.now()) + wf.day * 365 * wf.input.policy.review_interval_years
    await wf.write(changes=ProjectChanges(stage="maintenance", step="awaiting_review"),
                   events=[EventSpec(action="review.scheduled", data={"due": due.isoformat()})])
    await wf.sleep_until(due)
    decided = await _review(wf, due)
    choice, reasons = decided.decision["decision"], decided.decision.get("reasons", "")
    if choice == "revise":
        await open_revision(wf, decided, reasons, "periodic_review")
    events = [EventSpec(action="review.decided", actor_id=decided.actor_id,
                        data={"decision": choice, "reasons": reasons})]
    if choice == "withdraw":
        events.append(EventSpec(action="standard.withdrawn", actor_id=decided.actor_id, data={"reasons": reasons}))
    await wf.write(decided=decided, events=events,
                   changes=ProjectChanges(step="reviewed", status="withdrawn" if choice == "withdraw" else None))
    return choice


async def _review(wf: ProjectSteps, due: datetime) -> TaskDecision:
    inp = wf.input
    task = wf.new_task("periodic_review", days=inp.policy.evaluation_days, committee_id=inp.committee_id,
                       candidate_org_id=inp.committee_org_id, candidate_role="secretary",
                       context={"due": due.isoformat()})
    await wf.write(changes=ProjectChanges(step="review"), open_tasks=[task],
                   events=[EventSpec(action="review.opened")])
    return await wf.decision_on(task.id)
