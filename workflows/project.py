"""The workflow of one standard project."""

from temporalio import workflow

from workflows.human import ProjectSteps
from workflows.models import ProjectInput, ProjectSnapshot, TaskDecision
from workflows.stages import proposal


def project_workflow_id(project_id: object) -> str:
    return f"project-{project_id}"


@workflow.defn
class ProjectWorkflow(ProjectSteps):
    """Carries one standard project through the pipeline, one stage module after another.

    Each human step is a task; a decision arrives as the `complete_task` update, whose
    validator refuses any decision that the project's state does not allow now.
    """

    @workflow.run
    async def run(self, inp: ProjectInput) -> ProjectSnapshot:
        self.start(inp)
        await proposal.screen(self)
        await self.finish()
        return self.snapshot()

    @workflow.update
    async def complete_task(self, decision: TaskDecision) -> dict:
        """A person's decision on one of this project's open tasks; answers with the outcome."""
        return await self.take_decision(decision)

    @complete_task.validator
    def _validate_complete_task(self, decision: TaskDecision) -> None:
        task = self.check_decision(decision)
        proposal.check_return_limit(self, task.spec.kind, decision)

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the workflow is waiting for people again."""
        return await self.wait_settled()

    @workflow.query
    def state(self) -> ProjectSnapshot:
        return self.snapshot()
