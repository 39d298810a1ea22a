"""A test-only workflow that runs the pilot stage on its own, as the project's workflow will once
publication leads there. Kept apart from the tests so the workflow sandbox imports only workflow code."""

from temporalio import workflow

from workflows.core.models import ProjectInput
from workflows.project.stages import pilot
from workflows.project.steps import ProjectSteps


@workflow.defn
class PilotHarness(ProjectSteps):
    """Runs `pilot.run` for a submitted project and returns the stage's summary."""

    @workflow.run
    async def run(self, inp: ProjectInput) -> dict:
        self.start(inp)
        summary = await pilot.run(self)
        await self.finish()
        return summary
