"""A workflow for tests/workflows/test_late_registration.py: it opens one task, with the id it is
given, only when signalled, so a test can deliver a decision on that task before the workflow has
registered it — what happens when a worker replays a run whose step was already written."""

import uuid

from pydantic import BaseModel
from temporalio import workflow

from contracts.steps import TaskSpec
from workflows.core.human import HumanSteps


class OpensOnSignalInput(BaseModel):
    project_id: uuid.UUID
    task_id: uuid.UUID
    assignee_id: uuid.UUID
    opens: bool = True  # False: the signal ends the run without opening the task


@workflow.defn
class OpensOnSignal(HumanSteps):
    def __init__(self) -> None:
        super().__init__()
        self._go = False

    @workflow.run
    async def run(self, inp: OpensOnSignalInput) -> str:
        self._project_id = inp.project_id
        await workflow.wait_condition(lambda: self._go)
        if not inp.opens:
            await self.finish()
            return ""
        task = TaskSpec(id=inp.task_id, kind="overdue_task", project_id=inp.project_id, assignee_id=inp.assignee_id)
        await self.write(open_tasks=[task])
        decided = await self.decision_on(task.id)
        await self.write(decided=decided)
        await self.finish()
        return decided.decision["decision"]

    @workflow.signal
    def go(self) -> None:
        self._go = True
