"""A committee ballot: one vote task per voting member, closed by every member having decided or by
its durable deadline, whichever comes first. Runs as a child of the project's workflow."""

import asyncio
import uuid
from collections import Counter
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

from workflows.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.models import BallotRules, EventSpec, ProjectSnapshot, TaskDecision, TaskSpec
from workflows.refusals import Refused
from workflows.rules import BallotTally, ballot_outcome

with workflow.unsafe.imports_passed_through():
    from workflows.ballot_activities import BallotActivities, CloseBallot, OpenBallot, OpenedBallot

VOTE_KIND = "ballot_vote"
CHOICES = frozenset({"approve", "disapprove", "abstain", "recuse"})
# The count starts a moment after the vote tasks fall due: by then each unanswered task's deadline
# watcher (workflows/deadlines.py) has fired and finished, so closing the tasks cancels no timer that
# is firing at the same instant. Votes are refused from the deadline itself.
COUNT_AFTER_DEADLINE = timedelta(seconds=1)


class BallotInput(BaseModel):
    project_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    purpose: str  # e.g. "new_work_item"
    draft_id: uuid.UUID | None = None  # the draft version the ballot is on, if any
    rules: BallotRules = Field(default_factory=BallotRules)
    # From the project's policy: the length of a policy day, and when members are reminded.
    day_seconds: int = 86_400
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [3, 1])


class BallotResult(BaseModel):
    ballot_id: uuid.UUID
    passed: bool
    eligible: int  # voting members less those who recused
    approve: int
    disapprove: int
    abstain: int
    recused: int
    reason: str


@workflow.defn
class BallotWorkflow(HumanSteps):
    """Runs one committee ballot and returns its result.

    Opens the ballot, gives each voting member a `ballot_vote` task due at the close, records each
    vote as it comes (the `complete_task` update), and closes when all have decided or when
    `rules.open_days` have passed. A vote not cast by then is not cast: its task expires. The tally
    follows `rules` (workflows/rules.py); a recusal leaves the member out of the eligible count.
    """

    def __init__(self) -> None:
        super().__init__()
        self._voters = 0
        self._votes: dict[uuid.UUID, str] = {}
        self._closes_at: datetime | None = None
        self._closed = False

    @workflow.run
    async def run(self, inp: BallotInput) -> BallotResult:
        self._project_id = inp.project_id
        self.day = timedelta(seconds=inp.day_seconds)
        self.deadlines.offsets_days = list(inp.reminder_offsets_days)
        # A missed vote is not escalated: the ballot's own timer closes it and the vote is not cast.
        self.deadlines.on_overdue[VOTE_KIND] = _vote_not_cast
        self._closes_at = closes_at = workflow.now() + self.day * inp.rules.open_days
        opened = await self._open_ballot(inp, closes_at)
        self._voters = len(opened.voter_ids)
        tasks = [self._vote_task(inp, opened.ballot_id, voter, closes_at) for voter in opened.voter_ids]
        if tasks:
            await self.write(open_tasks=[(task, CHOICES) for task in tasks])
        await self._collect_votes(closes_at + COUNT_AFTER_DEADLINE)
        await self._stop_voting()
        result = await self._close_ballot(inp.rules, opened.ballot_id)
        await self.finish()
        return result

    def check_task(self, decision: TaskDecision) -> None:
        """A member's vote counts while the ballot is open."""
        if self._closed or (self._closes_at is not None and workflow.now() >= self._closes_at):
            raise Refused("error.ballot.closed")
        self.check_decision(decision)

    @workflow.update
    async def settled(self) -> ProjectSnapshot:
        """Answers once the ballot is waiting for votes (or has finished)."""
        return await self.wait_settled()

    async def _open_ballot(self, inp: BallotInput, closes_at: datetime) -> OpenedBallot:
        request = OpenBallot(
            ballot_id=workflow.uuid4(), workflow_id=workflow.info().workflow_id, project_id=inp.project_id,
            committee_id=inp.committee_id, purpose=inp.purpose, draft_id=inp.draft_id,
            opened_at=workflow.now(), closes_at=closes_at,
        )
        return await workflow.execute_activity_method(
            BallotActivities.open_ballot, request, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY
        )

    def _vote_task(self, inp: BallotInput, ballot_id: uuid.UUID, voter: uuid.UUID, closes_at: datetime) -> TaskSpec:
        context = {"ballot_id": str(ballot_id), "purpose": inp.purpose,
                   "draft_id": str(inp.draft_id) if inp.draft_id else None}
        return TaskSpec(id=workflow.uuid4(), kind=VOTE_KIND, project_id=inp.project_id,
                        committee_id=inp.committee_id, assignee_id=voter, due_at=closes_at, context=context)

    async def _collect_votes(self, count_at: datetime) -> None:
        """Until every voter has decided, or the deadline's durable timer fires."""
        while self._open:
            remaining = count_at - workflow.now()
            if remaining <= timedelta(0):
                return
            self._idle = True
            try:
                await workflow.wait_condition(self._vote_waiting, timeout=remaining)
            except asyncio.TimeoutError:
                return
            finally:
                self._idle = False
            await self._record_votes()

    def _vote_waiting(self) -> bool:
        return any(task_id in self._open for task_id in self._decisions)

    async def _record_votes(self) -> None:
        for task_id in [t for t in self._decisions if t in self._open]:
            decided = self._decisions[task_id]
            choice = decided.decision["decision"]
            self._votes[task_id] = choice
            action = "ballot.recused" if choice == "recuse" else "ballot.voted"
            # The audit trail says who took part; how each member voted stays on their task.
            await self.write(decided=decided, events=[EventSpec(action=action, actor_id=decided.actor_id)])

    async def _stop_voting(self) -> None:
        """Votes accepted before the close still count; the tasks of members who never voted expire."""
        self._closed = True
        await self._record_votes()
        unfinished = list(self._open)
        if unfinished:
            await self.write(expire=unfinished)

    def _tally(self, rules: BallotRules) -> tuple[BallotTally, int]:
        counts = Counter(self._votes.values())
        recused = counts["recuse"]
        tally = ballot_outcome(rules, self._voters - recused, counts["approve"], counts["disapprove"],
                               counts["abstain"])
        return tally, recused

    async def _close_ballot(self, rules: BallotRules, ballot_id: uuid.UUID) -> BallotResult:
        tally, recused = self._tally(rules)
        request = CloseBallot(
            ballot_id=ballot_id, closed_at=workflow.now(), eligible=tally.eligible, approve=tally.approve,
            disapprove=tally.disapprove, abstain=tally.abstain, recused=recused,
            participation=float(tally.participation), approval=float(tally.approval),
            disapproval=float(tally.disapproval), passed=tally.passed, reason=tally.reason,
        )
        await workflow.execute_activity_method(
            BallotActivities.close_ballot, request, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY
        )
        return BallotResult(ballot_id=ballot_id, passed=tally.passed, eligible=tally.eligible,
                            approve=tally.approve, disapprove=tally.disapprove, abstain=tally.abstain,
                            recused=recused, reason=tally.reason)


async def _vote_not_cast(_: TaskSpec) -> None:
    """The overdue rule of a vote task: nothing to do, the close expires it."""
