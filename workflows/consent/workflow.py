"""A co-drafter's consent: naming an organisation as co-drafter opens a task for its admins, who
accept or decline; until one accepts, the organisation takes no part in the project."""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from contracts.steps import EventSpec, TaskSpec
from workflows.consent.models import CoDrafterConsentInput
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.core.models import ProjectSnapshot, TaskDecision

with workflow.unsafe.imports_passed_through():
    from workflows.consent.activities import ConsentActivities, ConsentDecision, ConsentRecorded, InvitationRef

CONSENT_KIND = "co_drafter_consent"


@workflow.defn
class CoDrafterConsentWorkflow(HumanSteps):
    """Carries one invitation to co-draft a project to the named organisation's admins, and their
    answer back: accepted, the organisation takes part; declined, the proposer is told. The proposer
    dropping the organisation first withdraws the invitation."""

    def __init__(self) -> None:
        super().__init__()
        self._inp: CoDrafterConsentInput | None = None
        self._withdrawn = False

    @workflow.run
    async def run(self, inp: CoDrafterConsentInput) -> dict:
        self._inp, self._project_id = inp, inp.project_id
        task = self._consent_task()
        await self.write(open_tasks=[task])
        self._idle = True
        await workflow.wait_condition(lambda: task.id in self._decisions or self._withdrawn)
        self._idle = False
        if task.id not in self._decisions:
            await self.finish()
            return {"decision": "withdrawn"}
        decided = self._decisions[task.id]
        recorded = await self._record(decided)
        await self.write(decided=decided, events=self._events(decided, recorded))
        await self.finish()
        return {"decision": decided.decision["decision"], "applied": recorded.applied}

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the invitation's task is open and waits for the admins."""
        return await self.wait_settled()

    @workflow.update
    async def withdraw(self) -> ProjectSnapshot:
        """The proposer no longer names the organisation: its task is cancelled (a decision taken
        already stands, and is then written as nothing). Refused while the project still names it, so
        only the proposer's change, through StandardFlow, withdraws an invitation."""
        await workflow.wait_condition(lambda: self._inp is not None)
        standing = await workflow.execute_local_activity_method(
            ConsentActivities.still_invited,
            InvitationRef(link_id=self._inp.link_id, workflow_id=workflow.info().workflow_id),
            start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY,
        )
        if standing:
            raise ApplicationError("the project still names this organisation as co-drafter",
                                   type="WithdrawalRefused", non_retryable=True)
        self._withdrawn = True
        await workflow.wait_condition(lambda: self._finished)
        return self.snapshot()

    async def _record(self, decided: TaskDecision) -> ConsentRecorded:
        decision = ConsentDecision(
            link_id=self._inp.link_id, workflow_id=workflow.info().workflow_id,
            accepted=decided.decision["decision"] == "accept", actor_id=decided.actor_id,
            comment=decided.decision.get("comment", ""),
        )
        return await workflow.execute_activity_method(
            ConsentActivities.record_decision, decision, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY
        )

    def _events(self, decided: TaskDecision, recorded: ConsentRecorded) -> list[EventSpec]:
        if not recorded.applied:
            return []
        action = "co_drafter.accepted" if decided.decision["decision"] == "accept" else "co_drafter.declined"
        data = {"org_id": str(recorded.org_id), "org_code": recorded.org_code, "name_zh": recorded.name_zh,
                "name_en": recorded.name_en, "comment": decided.decision.get("comment", "")}
        return [EventSpec(action=action, data=data, actor_id=decided.actor_id)]

    def _consent_task(self) -> TaskSpec:
        # No project on the task: being asked gives the organisation no read of the project (the
        # task's page shows what the admin decides on).
        inp = self._inp
        return TaskSpec(
            id=workflow.uuid4(), kind=CONSENT_KIND, candidate_org_id=inp.org_id, candidate_role="admin",
            context={"project_id": str(inp.project_id), "org_id": str(inp.org_id),
                     **({"invited_by_id": str(inp.invited_by_id)} if inp.invited_by_id else {})},
        )
