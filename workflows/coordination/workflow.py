"""A coordination request: a task for the receiving organisation's coordinators, who answer it or
forward it; the answer lands in the sender's inbox. Past its due date the request is flagged overdue."""

import uuid

from temporalio import workflow

from contracts.steps import TaskSpec
from workflows.coordination.models import CoordinationInput
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.core.models import ProjectSnapshot, TaskDecision

with workflow.unsafe.imports_passed_through():
    from workflows.coordination.activities import CoordinationActivities, HistoryLine


def coordination_workflow_id(request_id: object) -> str:
    return f"coordination-{request_id}"


@workflow.defn
class CoordinationWorkflow(HumanSteps):
    """Carries one coordination request from the sender's organisation to the one that answers it
    (through any forwards) and the answer back to the sender."""

    def __init__(self) -> None:
        super().__init__()
        self._inp: CoordinationInput | None = None
        self._overdue = False
        self._holder: uuid.UUID | None = None

    @workflow.run
    async def run(self, inp: CoordinationInput) -> dict:
        self._inp, self._project_id = inp, inp.project_id
        self.deadlines.on_overdue["answer_coordination"] = self._flag_overdue
        answered = await self._until_answered()
        await self._record(CoordinationActivities.record_answer, actor_id=answered.actor_id,
                           text=answered.decision["answer"])
        acknowledgement = self._acknowledgement_task(answered)
        await self.write(decided=answered, open_tasks=[acknowledgement])
        acknowledged = await self.decision_on(acknowledgement.id)
        await self._record(CoordinationActivities.record_acknowledged, actor_id=acknowledged.actor_id,
                           text=acknowledged.decision.get("comment", ""))
        await self.write(decided=acknowledged)
        await self.finish()
        return {"request_id": str(inp.request_id), "answer": answered.decision["answer"],
                "answered_by_id": str(answered.actor_id), "overdue": self._overdue}

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the request's task is open and waits for people."""
        return await self.wait_settled()

    async def _until_answered(self) -> TaskDecision:
        self._holder = self._inp.to_org_id
        task = self._answer_task(self._holder)
        await self.write(open_tasks=[task])
        while True:
            decided = await self.decision_on(task.id)
            if decided.decision["decision"] == "answer":
                return decided
            task = await self._forward(decided)

    async def _flag_overdue(self, _task: TaskSpec) -> None:
        """The rule for a request past its due date: flagged once (a forward keeps the due date),
        and the task stays with the coordinators who hold it."""
        if not self._overdue:
            self._overdue = True
            await self._record(CoordinationActivities.mark_overdue)

    async def _forward(self, decided: TaskDecision) -> TaskSpec:
        to_org_id = uuid.UUID(decided.decision["to_org_id"])
        await self._record(CoordinationActivities.record_forward, actor_id=decided.actor_id,
                           text=decided.decision.get("note", ""), to_org_id=to_org_id)
        self._holder = to_org_id
        task = self._answer_task(to_org_id)
        await self.write(decided=decided, open_tasks=[task])
        return task

    async def _record(self, activity, **line: object) -> None:  # noqa: ANN001 - a CoordinationActivities method
        history = HistoryLine(request_id=self._inp.request_id, event_id=workflow.uuid4(), **line)
        await workflow.execute_activity_method(
            activity, history, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY
        )

    def _answer_task(self, org_id: uuid.UUID) -> TaskSpec:
        inp = self._inp
        return TaskSpec(
            id=workflow.uuid4(), kind="answer_coordination", project_id=inp.project_id, due_at=inp.due_at,
            candidate_org_id=org_id, candidate_role="coordinator",
            context={"request_id": str(inp.request_id), "subject": inp.subject, "from_org_id": str(inp.from_org_id)},
        )

    def _acknowledgement_task(self, answered: TaskDecision) -> TaskSpec:
        inp = self._inp
        return TaskSpec(
            id=workflow.uuid4(), kind="coordination_answered", project_id=inp.project_id, assignee_id=inp.sender_id,
            context={"request_id": str(inp.request_id), "subject": inp.subject,
                     "answer": answered.decision["answer"], "answered_by_id": str(answered.actor_id),
                     "answered_by_org_id": str(self._holder)},
        )
