"""The workflow of one standard project."""

from temporalio import workflow

from workflows.human import HumanSteps
from workflows.models import EventSpec, ProjectChanges, ProjectInput, ProjectSnapshot, TaskDecision, TaskSpec

SCREEN = frozenset({"accept", "return", "reject"})
REVISE = frozenset({"resubmit", "withdraw"})


def project_workflow_id(project_id: object) -> str:
    return f"project-{project_id}"


@workflow.defn
class ProjectWorkflow(HumanSteps):
    """Carries one standard project from its submission through the committee's review.

    Each human step is a task; a decision arrives as the `complete_task` update, whose
    validator refuses any decision that the project's state does not allow now.
    """

    def __init__(self) -> None:
        super().__init__()
        self._returns = 0
        self._input: ProjectInput | None = None

    @workflow.run
    async def run(self, inp: ProjectInput) -> ProjectSnapshot:
        self._input, self._project_id = inp, inp.project_id
        screening = self._screen_task()
        await self.write(
            changes=ProjectChanges(stage="committee_review", step="screening", status="active",
                                   submitted_at=workflow.now(), workflow_id=workflow.info().workflow_id),
            open_tasks=[(screening, SCREEN)],
            events=[EventSpec(action="project.submitted", actor_id=inp.proposer_id)],
        )
        while True:
            decided = await self.decision_on(screening.id)
            choice = decided.decision["decision"]
            if choice == "accept":
                await self._accept(decided)
                break
            if choice == "reject":
                await self._close(decided, "rejected", "proposal.rejected")
                break
            screening = await self._return_and_wait(decided)
            if screening is None:
                break
        await self.finish()
        return self.snapshot()

    def _screen_task(self) -> TaskSpec:
        inp = self._input
        return self.new_task(
            "screen_proposal", days=inp.policy.screening_days, committee_id=inp.committee_id,
            candidate_org_id=inp.committee_org_id, candidate_role="secretary",
        )

    async def _accept(self, decided: TaskDecision) -> None:
        await self.write(
            decided=decided,
            changes=ProjectChanges(step="ballot"),
            events=[EventSpec(action="proposal.accepted", actor_id=decided.actor_id,
                              data={"comment": decided.decision.get("comment", "")})],
        )

    async def _close(self, decided: TaskDecision, status: str, action: str) -> None:
        await self.write(
            decided=decided,
            changes=ProjectChanges(status=status, step=""),
            events=[EventSpec(action=action, actor_id=decided.actor_id,
                              data={"reasons": decided.decision.get("reasons", "")})],
        )

    async def _return_and_wait(self, decided: TaskDecision) -> TaskSpec | None:
        """Back to the proposer; the next screening task once they resubmit, None if they withdraw."""
        inp = self._input
        self._returns += 1
        reasons = decided.decision.get("reasons", "")
        revision = self.new_task(
            "revise_proposal", days=inp.policy.revision_days, assignee_id=inp.proposer_id,
            candidate_org_id=inp.lead_org_id, candidate_role="proposer", context={"reasons": reasons},
        )
        await self.write(
            decided=decided,
            changes=ProjectChanges(stage="proposal", step="revision", status="returned", return_count=self._returns),
            open_tasks=[(revision, REVISE)],
            events=[EventSpec(action="proposal.returned", actor_id=decided.actor_id,
                              data={"reasons": reasons, "returns": self._returns})],
        )
        revised = await self.decision_on(revision.id)
        if revised.decision["decision"] == "withdraw":
            await self._close(revised, "withdrawn", "project.withdrawn")
            return None
        screening = self._screen_task()
        await self.write(
            decided=revised,
            changes=ProjectChanges(stage="committee_review", step="screening", status="active",
                                   submitted_at=workflow.now()),
            open_tasks=[(screening, SCREEN)],
            events=[EventSpec(action="project.resubmitted", actor_id=revised.actor_id)],
        )
        return screening

    @workflow.update
    async def complete_task(self, decision: TaskDecision) -> dict:
        """A person's decision on one of this project's open tasks; answers with the outcome."""
        return await self.take_decision(decision)

    @complete_task.validator
    def _validate_complete_task(self, decision: TaskDecision) -> None:
        task = self.check_decision(decision)
        if (task.spec.kind == "screen_proposal" and decision.decision.get("decision") == "return"
                and self._returns >= self._input.policy.max_returns):
            raise ValueError(
                f"this proposal has been returned {self._returns} times, the most its policy allows; "
                "accept or reject it"
            )

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the workflow is waiting for people again."""
        return await self.wait_settled()

    @workflow.query
    def state(self) -> ProjectSnapshot:
        return self.snapshot()
