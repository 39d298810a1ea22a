"""A test-only workflow that runs the drafting and public_consultation stages on their own, as the
project's workflow runs them after committee review. Kept apart from the tests so the workflow
sandbox imports nothing but workflow code."""

from temporalio import workflow

from workflows.core.models import ProjectInput, ProjectSnapshot
from workflows.project.stages import consultation, drafting
from workflows.project.steps import ProjectSteps


@workflow.defn
class DraftingAndConsultation(ProjectSteps):
    """Drafting until a consultation draft is submitted, then its public consultation to the end."""

    @workflow.run
    async def run(self, inp: ProjectInput) -> ProjectSnapshot:
        self.start(inp)
        await consultation.run(self, await drafting.run(self))
        await self.finish()
        return self.snapshot()
