"""A test-only workflow that runs the expert demonstration stage on its own, as the project's
workflow will once the stages before it lead there. Kept apart from the tests so the workflow
sandbox imports nothing but workflow code."""

from temporalio import workflow

from workflows.core.models import ProjectInput
from workflows.project.stages import demonstration
from workflows.project.steps import ProjectSteps


@workflow.defn
class DemonstrationHarness(ProjectSteps):
    """Runs `demonstration.run` for a submitted project and returns its answer."""

    @workflow.run
    async def run(self, inp: ProjectInput) -> str:
        self.start(inp)
        result = await demonstration.run(self)
        await self.finish()
        return result
