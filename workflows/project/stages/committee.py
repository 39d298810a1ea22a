"""committee_review, second half: the committee votes on the new work item. The ballot runs inside
the project's workflow and opens right after the acceptance, which answers once the members' vote
tasks are in place (human.ANSWERS_WHEN_WAITING); ballots opened before that ran as a child workflow."""

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.ballot.ballot import Ballot
from workflows.ballot.models import BALLOT_WORKFLOW, BallotInput, BallotResult
from workflows.core import versions
from workflows.core.models import TaskDecision
from workflows.project.steps import ProjectSteps

BALLOT_IN_PROJECT = "ballot-in-project"


async def new_work_item_ballot(wf: ProjectSteps) -> bool:
    """True when the ballot passes and the project is approved; a failed ballot rejects it."""
    inp = wf.input
    ballot = BallotInput(
        project_id=inp.project_id, committee_id=inp.committee_id, committee_org_id=inp.committee_org_id,
        purpose="new_work_item", rules=inp.policy.ballot, day_seconds=inp.policy.day_seconds,
        reminder_offsets_days=inp.policy.reminder_offsets_days,
    )
    if versions.has(BALLOT_IN_PROJECT):
        wf.ballot = Ballot(wf, ballot, local=True)
        result = await wf.ballot.run()
    else:
        await wf.write(changes=ProjectChanges(stage="committee_review", step="ballot"))
        result = await wf.waiting(workflow.execute_child_workflow(
            BALLOT_WORKFLOW, ballot, id=f"ballot-{inp.project_id}-new-work-item", result_type=BallotResult))
    tally = result.model_dump(mode="json", exclude={"ballot_id"})
    if result.passed:
        await wf.write(changes=ProjectChanges(step="approved"),
                       events=[EventSpec(action="project.approved", data=tally)])
        return True
    await wf.write(changes=ProjectChanges(status="rejected", step=""),
                   events=[EventSpec(action="project.ballot_failed", data=tally)])
    return False


def check_vote(wf: ProjectSteps, decision: TaskDecision) -> None:
    """For the workflow's validator: a vote counts while its ballot is open."""
    if wf.ballot is not None and wf.ballot.holds(decision.task_id):
        wf.ballot.check(decision)
