"""The ballot's workflow of its own, for ballots opened before they ran inside the project
(workflows/ballot/ballot.py)."""

from temporalio import workflow

from workflows.ballot.ballot import Ballot
from workflows.ballot.models import BallotInput, BallotResult
from workflows.core.human import HumanSteps
from workflows.core.models import ProjectSnapshot, TaskDecision

__all__ = ["BallotInput", "BallotResult", "BallotWorkflow"]


@workflow.defn
class BallotWorkflow(HumanSteps):
    """A ballot as a workflow of its own, a child of the project's: how ballots opened before they ran
    inside the project did; it stays registered so that those finish."""

    def __init__(self) -> None:
        super().__init__()
        self._ballot: Ballot | None = None

    @workflow.run
    async def run(self, inp: BallotInput) -> BallotResult:
        self.keep_time(inp.project_id, inp.day_seconds, inp.reminder_offsets_days)
        self._ballot = Ballot(self, inp, local=False)
        result = await self._ballot.run()
        await self.finish()
        return result

    def check_task(self, decision: TaskDecision) -> None:
        if self._ballot is not None:
            self._ballot.check(decision)
        self.check_decision(decision)

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the ballot is waiting for votes (or has finished)."""
        return await self.wait_settled()
