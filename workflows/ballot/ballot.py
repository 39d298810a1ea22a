"""A committee ballot: one vote task per voting member, closed by every member having decided or by
its durable deadline, whichever comes first. Runs inside the project's workflow; ballots opened
before that ran as a child workflow of their own (workflows/ballot/workflow.py), which stays to
finish them. Kept apart from that workflow class so that a project's run does not define it again."""

import asyncio
import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel
from temporalio import workflow

from contracts.ballots import BallotClosing, BallotOpening
from contracts.choices import VOTE_KIND
from contracts.steps import EventSpec, TaskSpec
from contracts.tallies import tally_ballot
from workflows.ballot.models import BallotInput, BallotResult
from workflows.core import versions
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.core.models import TaskDecision
from workflows.core.refusals import Refused

with workflow.unsafe.imports_passed_through():
    from workflows.ballot.activities import BallotActivities, OpenedBallot

# The count starts a moment after the vote tasks fall due: by then each unanswered task's deadline
# watcher (workflows/core/deadlines.py) has fired and finished, so closing the tasks cancels no timer that
# is firing at the same instant. Votes are refused from the deadline itself.
COUNT_AFTER_DEADLINE = timedelta(seconds=1)
ONE_TIMER = "ballot-one-timer"


class Ballot:
    """One ballot run by the workflow `wf` that holds its vote tasks.

    Opens the ballot, gives each voting member a `ballot_vote` task due at the close, records each
    vote as it comes (the `complete_task` update), and closes when all have decided or when
    `rules.open_days` have passed. A vote not cast by then is not cast: its task expires. The tally
    follows `rules` (contracts/tallies.py); a recusal leaves the member out of the eligible count.

    `local`: its writes run as local activities in the workflow's own task (inside a project);
    a ballot workflow of its own ran them as activities.
    """

    def __init__(self, wf: HumanSteps, inp: BallotInput, *, local: bool) -> None:
        self._wf, self._inp, self._local = wf, inp, local
        self._voters = 0
        self._task_ids: list[uuid.UUID] = []
        self._votes: dict[uuid.UUID, str] = {}
        self._closes_at: datetime | None = None
        self._closed = False

    def check(self, decision: TaskDecision) -> None:
        """A member's vote counts while the ballot is open."""
        if self._closed or (self._closes_at is not None and workflow.now() >= self._closes_at):
            raise Refused("error.ballot.closed")

    def holds(self, task_id: uuid.UUID) -> bool:
        return task_id in self._task_ids

    async def run(self) -> BallotResult:
        wf, inp = self._wf, self._inp
        # A missed vote is not escalated: the ballot's own timer closes it and the vote is not cast.
        wf.deadlines.on_overdue[VOTE_KIND] = _vote_not_cast
        self._closes_at = closes_at = workflow.now() + wf.day * inp.rules.open_days
        opened = await self._open_ballot(closes_at)
        self._voters = len(opened.voter_ids)
        tasks = [self._vote_task(opened.ballot_id, voter, closes_at) for voter in opened.voter_ids]
        self._task_ids = [task.id for task in tasks]
        if tasks:
            await wf.write(open_tasks=tasks)
        await self._collect_votes(closes_at + COUNT_AFTER_DEADLINE)
        await self._stop_voting()
        return await self._close_ballot(opened.ballot_id)

    async def _open_ballot(self, closes_at: datetime) -> OpenedBallot:
        inp = self._inp
        request = BallotOpening(
            ballot_id=workflow.uuid4(), workflow_id=workflow.info().workflow_id, project_id=inp.project_id,
            committee_id=inp.committee_id, purpose=inp.purpose, draft_id=inp.draft_id,
            opened_at=workflow.now(), closes_at=closes_at,
        )
        return await self._do(BallotActivities.open_ballot, request)

    async def _do(self, method, argument: BaseModel):  # noqa: ANN001, ANN202 - a BallotActivities method
        if self._local:
            return await workflow.execute_local_activity_method(
                method, argument, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY)
        return await workflow.execute_activity_method(
            method, argument, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY)

    def _vote_task(self, ballot_id: uuid.UUID, voter: uuid.UUID, closes_at: datetime) -> TaskSpec:
        inp = self._inp
        context = {"ballot_id": str(ballot_id), "purpose": inp.purpose,
                   "draft_id": str(inp.draft_id) if inp.draft_id else None}
        return TaskSpec(id=workflow.uuid4(), kind=VOTE_KIND, project_id=inp.project_id,
                        committee_id=inp.committee_id, assignee_id=voter, due_at=closes_at, context=context)

    def _unfinished(self) -> list[uuid.UUID]:
        return [task_id for task_id in self._task_ids if self._wf.holds(task_id)]

    async def _collect_votes(self, count_at: datetime) -> None:
        """Until every voter has decided, or the deadline's durable timer fires. One timer runs for
        the whole ballot (patch ONE_TIMER); runs from before started and cancelled one per vote."""
        if versions.has(ONE_TIMER):
            await self._collect_on_one_timer(count_at)
            return
        while self._unfinished():
            remaining = count_at - workflow.now()
            if remaining <= timedelta(0):
                return
            try:
                await self._wf.waiting(workflow.wait_condition(lambda: bool(self._votes_in()), timeout=remaining))
            except asyncio.TimeoutError:
                return
            await self._record_votes()

    async def _collect_on_one_timer(self, count_at: datetime) -> None:
        remaining = count_at - workflow.now()
        if remaining <= timedelta(0):
            return
        closing = asyncio.ensure_future(workflow.sleep(remaining))
        while self._unfinished() and not closing.done():
            await self._wf.waiting(workflow.wait_condition(lambda: bool(self._votes_in()) or closing.done()))
            if closing.done():
                return  # the deadline: votes taken in meanwhile are recorded as voting stops
            await self._record_votes()
        if not closing.done():
            closing.cancel()

    def _votes_in(self) -> list[TaskDecision]:
        """Votes taken in and not recorded yet, in the order they came."""
        return self._wf.decisions_on(self._unfinished())

    async def _record_votes(self) -> None:
        for decided in self._votes_in():
            choice = decided.decision["decision"]
            self._votes[decided.task_id] = choice
            action = "ballot.recused" if choice == "recuse" else "ballot.voted"
            # The audit trail says who took part; how each member voted stays on their task.
            await self._wf.write(decided=decided, events=[EventSpec(action=action, actor_id=decided.actor_id)])

    async def _stop_voting(self) -> None:
        """Votes accepted before the close still count; the tasks of members who never voted expire."""
        self._closed = True
        await self._record_votes()
        unfinished = self._unfinished()
        if unfinished:
            await self._wf.write(expire=unfinished)

    async def _close_ballot(self, ballot_id: uuid.UUID) -> BallotResult:
        tally = tally_ballot(self._inp.rules, self._voters, self._votes.values())
        await self._do(BallotActivities.close_ballot,
                       BallotClosing(**tally.model_dump(), ballot_id=ballot_id, closed_at=workflow.now()))
        return BallotResult(ballot_id=ballot_id, **tally.model_dump(include=set(BallotResult.model_fields)))


async def _vote_not_cast(_: TaskSpec) -> None:
    """The overdue rule of a vote task: nothing to do, the close expires it."""
