"""The expert panel of a project's demonstration (专家论证/技术审查). Runs inside the project's
workflow; panels formed before that ran as a child workflow of their own (workflows/panel/workflow.py),
which stays to finish them. Kept apart from that workflow class so that a project's run does not
define it again."""

import uuid

from pydantic import BaseModel
from temporalio import workflow

from contracts.choices import OPINION_KIND
from contracts.steps import EventSpec, TaskSpec
from contracts.tallies import tally_panel
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.core.models import Opening, TaskDecision
from workflows.core.refusals import Refused
from workflows.panel.models import PanelInput, PanelResult

with workflow.unsafe.imports_passed_through():
    from workflows.panel.activities import (
        Conclusion, Departure, OpinionRecord, PanelActivities, PanelFormation, Replacement,
    )


def panel_workflow_id(project_id: object, number: int) -> str:
    return f"panel-{project_id}-{number}"


class Panel:
    """One expert panel, run by the workflow `wf` that holds its tasks. Seats the experts, asks each
    for a conflict-of-interest declaration and an opinion, and concludes by the panel rule once every
    seat has answered.

    An expert who declares a conflict, or lets the opinion deadline pass, leaves the panel; the
    committee's secretaries then seat a replacement or, while the panel keeps its minimum size,
    carry on without one.

    `local`: its writes run as local activities in the workflow's own task (inside a project); a
    panel workflow of its own ran them as activities.
    """

    def __init__(self, wf: HumanSteps, inp: PanelInput, *, local: bool) -> None:
        self._wf, self._inp, self._local = wf, inp, local
        self._panel_id: uuid.UUID | None = None
        self._waiting: dict[uuid.UUID, uuid.UUID] = {}  # opinion task -> the expert who owes it
        self._overdue: list[uuid.UUID] = []  # opinion tasks whose deadline has passed
        self._vacancies: dict[uuid.UUID, uuid.UUID] = {}  # replace_expert task -> the expert who left
        self._opinions: dict[uuid.UUID, str] = {}  # expert -> opinion
        self._sat: set[uuid.UUID] = set()  # everyone who has had a seat

    async def run(self, opening: Opening | None = None) -> PanelResult:
        wf, inp = self._wf, self._inp
        # A missed opinion is not escalated as such: the expert leaves and the secretaries fill the seat.
        wf.deadlines.on_overdue[OPINION_KIND] = self._seat_overdue
        self._panel_id = workflow.uuid4()
        await self._do(PanelActivities.form, PanelFormation(
            panel_id=self._panel_id, project_id=inp.project_id, committee_id=inp.committee_id,
            workflow_id=workflow.info().workflow_id, expert_ids=inp.expert_ids, formed_by=inp.formed_by,
        ))
        seats = [self._opinion_task(e) for e in inp.expert_ids]
        if opening is not None:
            await wf.write(decided=opening.decided, changes=opening.changes, events=opening.events, open_tasks=seats)
        else:
            await wf.write(open_tasks=seats)
        while self._waiting or self._vacancies:
            await self._next()
        return await self._conclude()

    def check(self, decision: TaskDecision) -> None:
        """For the workflow's validator: a seat is filled or given up only as the panel allows."""
        if decision.task_id in self._vacancies:
            self._check_vacancy(decision)

    @property
    def panel_id(self) -> uuid.UUID | None:
        return self._panel_id

    def _check_vacancy(self, decision: TaskDecision) -> None:
        if decision.decision["decision"] == "replace":
            joining = uuid.UUID(str(decision.decision["expert_id"]))
            if joining in self._sat or joining in self._joining_soon():
                raise Refused("error.panel.seat_taken")
            return
        kept = self._seats_kept() - 1
        if kept < self._inp.rules.min_size:
            raise Refused("error.panel.needs_replacement", kept=kept, min=self._inp.rules.min_size)

    def _pending(self) -> dict[uuid.UUID, TaskDecision]:
        """Decisions taken in but not yet acted on."""
        return {d.task_id: d for d in self._wf.decisions_on([*self._waiting, *self._vacancies])}

    def _joining_soon(self) -> set[uuid.UUID]:
        return {uuid.UUID(str(d.decision["expert_id"])) for t, d in self._pending().items()
                if t in self._vacancies and d.decision["decision"] == "replace"}

    def _seats_kept(self) -> int:
        """Seats still counted: answered, awaited, or vacant but not (yet) given up."""
        giving_up = sum(1 for t, d in self._pending().items()
                        if t in self._vacancies and d.decision["decision"] == "proceed_without")
        return len(self._opinions) + len(self._waiting) + len(self._vacancies) - giving_up

    async def _seat_overdue(self, spec: TaskSpec) -> None:
        """The deadline watcher's rule for an opinion nobody gave; the main line acts on it."""
        self._overdue.append(spec.id)

    async def _next(self) -> None:
        """Acts on the next decision or, when none has come in, on the deadlines that have passed."""
        await self._wf.waiting(workflow.wait_condition(lambda: bool(self._pending() or self._overdue)))
        pending = self._pending()
        if not pending:
            await self._expire_overdue()
        elif (task_id := next(iter(pending))) in self._waiting:
            await self._on_opinion(pending[task_id])
        else:
            await self._on_vacancy(pending[task_id])

    async def _on_opinion(self, decided: TaskDecision) -> None:
        # The seat is counted anew before anything is awaited, so a validator running meanwhile
        # sees the panel as it will be.
        expert = self._waiting.pop(decided.task_id)
        choice = decided.decision["decision"]
        if choice == "declare_conflict":
            details = decided.decision["details"]
            vacancy = self._vacancy_task(expert, "conflict", details)
            await self._do(PanelActivities.record_departure, Departure(
                panel_id=self._panel_id, expert_id=expert, state="conflicted", details=details))
            await self._wf.write(decided=decided, open_tasks=[vacancy], events=[
                self._event("panel.conflict_declared", decided.actor_id, expert_id=expert, details=details)])
            return
        self._opinions[expert] = choice
        await self._do(PanelActivities.record_opinion, OpinionRecord(
            panel_id=self._panel_id, expert_id=expert, opinion=choice, comments=decided.decision["comments"]))
        # The opinion itself stays out of the trail until the panel concludes.
        await self._wf.write(decided=decided, events=[self._event("panel.opinion_given", decided.actor_id,
                                                              expert_id=expert)])

    async def _on_vacancy(self, decided: TaskDecision) -> None:
        leaving = self._vacancies.pop(decided.task_id)
        if decided.decision["decision"] == "proceed_without":
            await self._wf.write(decided=decided, events=[
                self._event("panel.proceeding_without", decided.actor_id, expert_id=leaving)])
            return
        joining = uuid.UUID(str(decided.decision["expert_id"]))
        seat = self._opinion_task(joining)
        await self._do(PanelActivities.replace, Replacement(panel_id=self._panel_id, leaving_id=leaving,
                                                       joining_id=joining))
        await self._wf.write(decided=decided, open_tasks=[seat], events=[
            self._event("panel.expert_replaced", decided.actor_id, expert_id=leaving, replaced_by=joining)])

    async def _expire_overdue(self) -> None:
        """Every expert whose deadline has passed leaves the panel; the secretaries hear of each."""
        overdue = [(task_id, self._waiting.pop(task_id)) for task_id in self._overdue if task_id in self._waiting]
        self._overdue.clear()
        if not overdue:  # each answered just in time
            return
        # The expired tasks close first, so that no late opinion is taken in while the seats are vacated.
        await self._wf.write(
            expire=[task_id for task_id, _ in overdue],
            open_tasks=[self._vacancy_task(expert, "overdue") for _, expert in overdue],
            events=[self._event("panel.expert_overdue", None, expert_id=expert) for _, expert in overdue],
        )
        for _, expert in overdue:
            await self._do(PanelActivities.record_departure, Departure(
                panel_id=self._panel_id, expert_id=expert, state="overdue"))

    async def _conclude(self) -> PanelResult:
        outcome = tally_panel(self._inp.rules, self._opinions.values())
        await self._do(PanelActivities.conclude, Conclusion(panel_id=self._panel_id, result=outcome.result,
                                                            tally=outcome.tally()))
        return PanelResult(**outcome.model_dump(), panel_id=self._panel_id)

    def _opinion_task(self, expert: uuid.UUID) -> TaskSpec:
        spec = self._wf.new_task(
            OPINION_KIND, days=self._inp.rules.opinion_days, assignee_id=expert,
            committee_id=self._inp.committee_id, context={"panel_id": str(self._panel_id)},
        )
        self._waiting[spec.id] = expert
        self._sat.add(expert)
        return spec

    def _vacancy_task(self, leaving: uuid.UUID, reason: str, details: str = "") -> TaskSpec:
        spec = self._wf.new_task(
            "replace_expert", days=self._inp.replacement_days, committee_id=self._inp.committee_id,
            candidate_org_id=self._inp.committee_org_id, candidate_role="secretary",
            context={"panel_id": str(self._panel_id), "expert_id": str(leaving), "reason": reason,
                     "details": details, "min_size": self._inp.rules.min_size},
        )
        self._vacancies[spec.id] = leaving
        return spec

    def _event(self, action: str, actor: uuid.UUID | None, **data: object) -> EventSpec:
        return EventSpec(action=action, actor_id=actor,
                         data={"panel_id": str(self._panel_id), **{k: str(v) for k, v in data.items()}})


    async def _do(self, method, argument: BaseModel) -> None:  # noqa: ANN001 - a PanelActivities method
        if self._local:
            await workflow.execute_local_activity_method(
                method, argument, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY)
        else:
            await workflow.execute_activity_method(
                method, argument, start_to_close_timeout=STEP_TIMEOUT, retry_policy=STEP_RETRY)
