"""The workflow of one standard project."""

from datetime import datetime

from temporalio import workflow

from workflows.core.models import ProjectInput, ProjectSnapshot, TaskDecision
from workflows.project.steps import ProjectSteps
from workflows.project.stages import (
    committee, consultation, demonstration, drafting, evaluation, maintenance, pilot, proposal, publication,
)


def project_workflow_id(project_id: object) -> str:
    return f"project-{project_id}"


@workflow.defn
class ProjectWorkflow(ProjectSteps):
    """Carries one standard project through the pipeline, one stage module after another:
    proposal and screening, the new-work-item ballot, drafting, public consultation, expert
    demonstration, publication, pilots, evaluation, then periodic review for as long as the
    standard stands.

    Each human step is a task; a decision arrives as the `complete_task` update, whose validator
    refuses any decision that the project's state does not allow now. Each review cycle continues
    as a new run, so the history of a standard that stands for decades stays small.
    """

    @workflow.run
    async def run(self, inp: ProjectInput) -> ProjectSnapshot:
        self.start(inp)
        if inp.review_since is not None:
            await self._maintain(inp.review_since)
        elif await self._develop():
            published_at = workflow.now()
            if await self._implement() == "effective":
                await self._maintain(published_at)
        await self.finish()
        return self.snapshot()

    async def _develop(self) -> bool:
        """From proposal to publication; False when the project stops on the way."""
        if await proposal.screen(self) != "accepted":
            return False
        if not await committee.new_work_item_ballot(self):
            return False
        while True:
            await consultation.run(self, await drafting.run(self))
            if await demonstration.run(self) == "fail":
                continue
            if await publication.run(self) == "published":
                return True

    async def _implement(self) -> str:
        summary = await pilot.run(self)
        return await evaluation.run(self, context={"pilot_summary": summary})

    async def _maintain(self, since: datetime) -> None:
        if await maintenance.run(self, since) != "confirm":
            return
        await self.finish()
        workflow.continue_as_new(self.input.model_copy(update={
            "review_since": workflow.now(), "review_cycle": self.input.review_cycle + 1,
        }))

    def check_task(self, decision: TaskDecision) -> None:
        committee.check_vote(self, decision)
        task = self.check_decision(decision)
        proposal.check_return_limit(self, task.spec.kind, decision)
        demonstration.check_vacancy(self, decision)
        publication.check_decision(self, task.spec.kind, decision)

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the workflow is waiting for people again."""
        return await self.wait_settled()

    @workflow.query
    def state(self) -> ProjectSnapshot:
        return self.snapshot()
