"""evaluation: evaluators score how the standard works in practice and decide whether it is effective,
needs revision (a revision project opens) or is withdrawn; they may nominate it a "Shanghai Standard"."""

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT
from workflows.core.local import execute_stage
from workflows.core.models import TaskDecision
from workflows.project.publication_models import EvaluationRecord, RevisionOrder
from workflows.project.steps import ProjectSteps

with workflow.unsafe.imports_passed_through():
    from workflows.project.publication_activities import PublicationActivities



async def run(wf: ProjectSteps, context: dict | None = None) -> str:
    """'effective', 'needs_revision' or 'withdraw'. `context` is shown with the task, e.g. the pilots'
    {"pilot_summary": ...}."""
    org_id = await execute_stage(PublicationActivities.resolve_evaluating_org, timeout=STEP_TIMEOUT,
                                 retry=STEP_RETRY)
    task = wf.new_task("evaluate_implementation", days=wf.input.policy.evaluation_days,
                       candidate_org_id=org_id, candidate_role="evaluator", context=dict(context or {}))
    await wf.write(changes=ProjectChanges(stage="evaluation", step="evaluating"),
                   open_tasks=[task], events=[EventSpec(action="evaluation.requested")])
    decided = await wf.decision_on(task.id)
    form = decided.decision
    await execute_stage(
        PublicationActivities.record_evaluation, EvaluationRecord(
            project_id=wf.input.project_id, task_id=task.id, evaluator_id=decided.actor_id, org_id=org_id,
            scores=form["scores"], decision=form["decision"],
            nominate_shanghai_standard=form.get("nominate_shanghai_standard", False), summary=form["summary"],
        ),
        timeout=STEP_TIMEOUT, retry=STEP_RETRY,
    )
    if form["decision"] == "needs_revision":
        await open_revision(wf, decided, form["summary"], "evaluation")
    await wf.write(decided=decided, changes=_changes(form), events=_events(decided))
    return form["decision"]


async def open_revision(wf: ProjectSteps, decided: TaskDecision, reasons: str, source: str) -> None:
    """A new draft linked to this standard, for its proposer; audited on both projects."""
    order = RevisionOrder(project_id=wf.input.project_id, revision_id=workflow.uuid4(),
                          actor_id=decided.actor_id, reasons=reasons, source=source)
    await execute_stage(PublicationActivities.open_revision, order, timeout=STEP_TIMEOUT, retry=STEP_RETRY)


def _changes(form: dict) -> ProjectChanges:
    return ProjectChanges(
        step="evaluated",
        status="withdrawn" if form["decision"] == "withdraw" else None,
        shanghai_standard=True if form.get("nominate_shanghai_standard") else None,
    )


def _events(decided: TaskDecision) -> list[EventSpec]:
    form, actor = decided.decision, decided.actor_id
    events = [EventSpec(action="evaluation.recorded", actor_id=actor,
                        data={"decision": form["decision"], "scores": form["scores"]})]
    if form.get("nominate_shanghai_standard"):
        events.append(EventSpec(action="standard.shanghai_standard_nominated", actor_id=actor))
    if form["decision"] == "withdraw":
        events.append(EventSpec(action="standard.withdrawn", actor_id=actor, data={"reasons": form["summary"]}))
    return events
