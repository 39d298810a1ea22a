"""publication: the publisher's approvers approve the standard, which gets its number (issued here
from the publisher's sequence, or the one issued outside) and its effective date; or they return it
to drafting."""

from datetime import date, timedelta, timezone

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges, TaskSpec
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT
from workflows.core.local import execute_stage
from workflows.core.models import TaskDecision
from workflows.core.refusals import Refused
from workflows.project.publication_models import NumberOutcome, PublicationOrder, PublisherRef
from workflows.project.steps import ProjectSteps

with workflow.unsafe.imports_passed_through():
    from workflows.project.publication_activities import PublicationActivities

# Publication dates are Shanghai calendar dates.
CHINA = timezone(timedelta(hours=8))


async def run(wf: ProjectSteps) -> str:
    """'published', or 'returned' (to drafting)."""
    publisher = await execute_stage(PublicationActivities.resolve_publisher, wf.input.project_id,
                                    timeout=STEP_TIMEOUT, retry=STEP_RETRY)
    approval = _approval_task(wf, publisher)
    await wf.write(
        changes=ProjectChanges(stage="publication", step="approval"),
        open_tasks=[approval],
        events=[EventSpec(action="publication.requested", data={"publisher": publisher.code})],
    )
    while True:
        decided = await wf.decision_on(approval.id)
        if decided.decision["decision"] == "return":
            await wf.write(decided=decided, changes=ProjectChanges(step="returned"),
                           events=[EventSpec(action="publication.returned", actor_id=decided.actor_id,
                                             data={"reasons": decided.decision.get("reasons", "")})])
            return "returned"
        publication_date = _publication_date(decided)
        outcome = await _record(wf, publisher, decided, publication_date)
        if outcome.number:
            await _publish(wf, decided, outcome.number, publication_date, publisher)
            return "published"
        approval = await _refuse_number(wf, decided, publisher, outcome.refused)


def check_decision(wf: ProjectSteps, kind: str, decision: TaskDecision) -> None:
    """For the workflow's validator: the number comes from outside exactly when the policy says so."""
    if kind != "approve_publication" or decision.decision.get("decision") != "approve":
        return
    given = decision.decision.get("external_number")
    if wf.input.policy.number_issued_outside and not given:
        raise Refused("error.number.external_missing")
    if given and not wf.input.policy.number_issued_outside:
        raise Refused("error.number.not_external")


def _approval_task(wf: ProjectSteps, publisher: PublisherRef, refused: str = "") -> TaskSpec:
    context = {"publisher": publisher.model_dump(mode="json"),
               "number_issued_outside": wf.input.policy.number_issued_outside}
    if refused:
        context["refused"] = refused
    return wf.new_task("approve_publication", days=wf.input.policy.approval_days,
                       candidate_org_id=publisher.org_id, candidate_role="approver", context=context)


def _publication_date(decided: TaskDecision) -> date:
    given = decided.decision.get("publication_date")
    return date.fromisoformat(given) if given else workflow.now().astimezone(CHINA).date()


async def _record(wf: ProjectSteps, publisher: PublisherRef, decided: TaskDecision, day: date) -> NumberOutcome:
    order = PublicationOrder(
        project_id=wf.input.project_id, publisher_org_id=publisher.org_id,
        number_format=wf.input.policy.number_format, publication_date=day, approved_by_id=decided.actor_id,
        external_number=decided.decision.get("external_number") if wf.input.policy.number_issued_outside else None,
    )
    return await execute_stage(PublicationActivities.record_publication, order, timeout=STEP_TIMEOUT,
                               retry=STEP_RETRY)


async def _publish(wf: ProjectSteps, decided: TaskDecision, number: str, day: date, publisher: PublisherRef) -> None:
    effective = day + timedelta(days=wf.input.policy.effective_after_days)
    await wf.write(
        decided=decided,
        changes=ProjectChanges(step="published", number=number, published_at=workflow.now(), effective_from=effective),
        events=[EventSpec(action="standard.published", actor_id=decided.actor_id, data={
            "number": number, "publisher": publisher.code, "publication_date": day.isoformat(),
            "effective_from": effective.isoformat(),
        })],
    )


async def _refuse_number(wf: ProjectSteps, decided: TaskDecision, publisher: PublisherRef, why: str) -> TaskSpec:
    """The outside number was taken meanwhile: the approval is asked for again, saying why."""
    approval = _approval_task(wf, publisher, refused=why)
    await wf.write(decided=decided, open_tasks=[approval],
                   events=[EventSpec(action="publication.number_refused", actor_id=decided.actor_id,
                                     data={"reason": why})])
    return approval
