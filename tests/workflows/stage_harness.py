"""What the test-only workflows that run one or a few stages on their own share: people's decisions
arrive through the same `complete_task` update as in the project's workflow. Kept apart from the
tests so the workflow sandbox imports nothing but workflow code."""

from temporalio import workflow

from workflows.human import ProjectSteps
from workflows.models import TaskDecision


class StageHarness(ProjectSteps):
    @workflow.update
    async def complete_task(self, decision: TaskDecision) -> dict:
        return await self.take_decision(decision, self._validate_complete_task)

    @complete_task.validator
    def _validate_complete_task(self, decision: TaskDecision) -> None:
        if self.registering(decision):
            return  # checked by take_decision once the run has caught up
        self.check_task(decision)

    def check_task(self, decision: TaskDecision) -> None:
        """The stage's own rules for a decision on one of its open tasks."""
        self.check_decision(decision)
