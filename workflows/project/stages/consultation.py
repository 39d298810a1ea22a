"""public_consultation: the consultation draft is open for comments for the policy's number of days
(a durable timer); then the working group gives every comment a disposition."""

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT
from workflows.core.local import execute_stage
from workflows.project.stages.drafting import Submission
from workflows.project.steps import ProjectSteps

with workflow.unsafe.imports_passed_through():
    from workflows.project.consultation_activities import ConsultationActivities, ConsultationMoment, ConsultationOpening



async def run(wf: ProjectSteps, submission: Submission) -> None:
    """Opens the consultation on the submitted draft, closes it when its time is up, and returns once
    every comment has its disposition (the task's form refuses "done" while one lacks it)."""
    opening = await _open(wf, submission)
    await wf.sleep_until(opening.closes_at)
    moment = ConsultationMoment(consultation_id=opening.consultation_id, at=workflow.now())
    comments = await _activity(ConsultationActivities.close_consultation, moment)
    task = wf.new_task(
        "dispose_comments", days=wf.input.policy.disposition_days, candidate_org_id=wf.input.lead_org_id,
        candidate_role="proposer", context={"consultation_id": str(opening.consultation_id)},
    )
    await wf.write(
        changes=ProjectChanges(step="disposition"), open_tasks=[task],
        events=[EventSpec(action="consultation.closed", data={"comments": comments})],
    )
    decided = await wf.decision_on(task.id)
    moment = ConsultationMoment(consultation_id=opening.consultation_id, at=workflow.now())
    await _activity(ConsultationActivities.conclude_consultation, moment)
    await wf.write(
        decided=decided, changes=ProjectChanges(step="dispositions_done"),
        events=[EventSpec(action="consultation.dispositions_done", actor_id=decided.actor_id,
                          data={"comments": comments})],
    )


async def _open(wf: ProjectSteps, submission: Submission) -> ConsultationOpening:
    """With the submission still to write, both are written together: its opening by a local activity,
    then the step that completes the submission and moves the project on."""
    now, draft_id = workflow.now(), submission.draft_id
    opening = ConsultationOpening(
        consultation_id=workflow.uuid4(), project_id=wf.input.project_id, draft_id=draft_id,
        opens_at=now, closes_at=now + wf.day * wf.input.policy.consultation_days,
    )
    if submission.decided is not None:
        version = await workflow.execute_local_activity_method(
            ConsultationActivities.open_consultation, opening, start_to_close_timeout=STEP_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
    else:
        version = await _activity(ConsultationActivities.open_consultation, opening)
    opened = EventSpec(action="consultation.opened", data={
        "consultation_id": str(opening.consultation_id), "draft_id": str(draft_id), "draft_version": version,
        "closes_at": opening.closes_at.isoformat(),
    })
    await wf.write(
        decided=submission.decided,
        changes=ProjectChanges(stage="public_consultation", step="open", status="active"),
        events=[submission.event, opened] if submission.event else [opened],
    )
    return opening


async def _activity(method, arg):
    return await execute_stage(method, arg, timeout=STEP_TIMEOUT, retry=STEP_RETRY)
