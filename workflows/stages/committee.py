"""committee_review, second half: the committee votes on the new work item in a child ballot."""

from temporalio import workflow

from workflows.ballot import BallotInput, BallotResult, BallotWorkflow
from workflows.human import ProjectSteps
from workflows.models import EventSpec, ProjectChanges


async def new_work_item_ballot(wf: ProjectSteps) -> bool:
    """True when the ballot passes and the project is approved; a failed ballot rejects it."""
    inp = wf.input
    await wf.write(changes=ProjectChanges(stage="committee_review", step="ballot"))
    result: BallotResult = await workflow.execute_child_workflow(
        BallotWorkflow.run,
        BallotInput(
            project_id=inp.project_id, committee_id=inp.committee_id, committee_org_id=inp.committee_org_id,
            purpose="new_work_item", rules=inp.policy.ballot, day_seconds=inp.policy.day_seconds,
            reminder_offsets_days=inp.policy.reminder_offsets_days,
        ),
        id=f"ballot-{inp.project_id}-new-work-item",
    )
    tally = result.model_dump(mode="json", exclude={"ballot_id"})
    if result.passed:
        await wf.write(changes=ProjectChanges(step="approved"),
                       events=[EventSpec(action="project.approved", data=tally)])
        return True
    await wf.write(changes=ProjectChanges(status="rejected", step=""),
                   events=[EventSpec(action="project.ballot_failed", data=tally)])
    return False
