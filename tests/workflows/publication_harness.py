"""A test-only workflow that runs publication, evaluation and one maintenance cycle on their own, as
the project's workflow will once the stages before them lead there. Kept apart from the tests so the
workflow sandbox imports nothing but workflow code."""

from pydantic import BaseModel, Field
from temporalio import workflow

from workflows.core.models import ProjectInput, TaskDecision
from workflows.project.stages import evaluation, maintenance, publication
from workflows.project.steps import ProjectSteps


class HarnessInput(BaseModel):
    project: ProjectInput
    evaluation_context: dict = Field(default_factory=dict)


@workflow.defn
class PublicationHarness(ProjectSteps):
    """Publishes the project; once published, evaluates it and reviews it once. Returns each stage's answer."""

    @workflow.run
    async def run(self, inp: HarnessInput) -> list[str]:
        self.start(inp.project)
        outcomes = [await publication.run(self)]
        if outcomes[0] == "published":
            outcomes.append(await evaluation.run(self, inp.evaluation_context))
            outcomes.append(await maintenance.run(self))
        await self.finish()
        return outcomes

    def check_task(self, decision: TaskDecision) -> None:
        task = self.check_decision(decision)
        publication.check_decision(self, task.spec.kind, decision)
