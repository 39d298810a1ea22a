"""One pilot site (试点): plan, a progress report every interval, a final report with metrics.
A report not in by the next interval expires; missing several in a row flags the site to the
committee's secretaries."""

import asyncio
import calendar
import uuid
from datetime import UTC, date, datetime, time, timedelta

from temporalio import workflow

from contracts.steps import EventSpec, TaskSpec
from workflows.core import versions
from workflows.core.human import STEP_RETRY, STEP_TIMEOUT, HumanSteps
from workflows.core.local import execute_stage
from workflows.core.models import TaskDecision
from workflows.pilot.models import SITE_OPEN, SITE_OPEN_SIGNAL, PilotSiteInput, PilotSiteResult, pilot_workflow_id

with workflow.unsafe.imports_passed_through():
    from workflows.pilot.activities import (
        EnrolledSite, MissedRecord, PilotActivities, PlanRecord, ReportRecord, SiteEnrolment,
    )

__all__ = ["PilotSiteWorkflow", "pilot_workflow_id"]

REPORT_KINDS = ("pilot_plan", "pilot_progress_report", "pilot_final_report")

def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@workflow.defn
class PilotSiteWorkflow(HumanSteps):
    """Runs one pilot site for the policy's pilot period.

    The site's pilot leads submit a plan, then a progress report every `report_interval_days`
    (reminded before each deadline), then a final report with metrics at the end of `pilot_months`.
    A report still missing when the next one is due expires; `missed_reports_flag` misses in a row
    flag the site and put a task in the committee secretaries' inbox.
    """

    def __init__(self) -> None:
        super().__init__()
        self._inp: PilotSiteInput | None = None
        self._site: EnrolledSite | None = None
        self._in_a_row = 0
        self._submitted = 0
        self._missed = 0
        self._flagged = False
        self._missed_ids: set[uuid.UUID] = set()
        self._flag_tasks: list[uuid.UUID] = []
        self._watchers: list[asyncio.Task] = []
        self._told_project = False

    @workflow.run
    async def run(self, inp: PilotSiteInput) -> PilotSiteResult:
        self._inp, self._project_id = inp, inp.project_id
        self.day = timedelta(seconds=inp.policy.day_seconds)
        self.deadlines.offsets_days = list(inp.policy.reminder_offsets_days)
        for kind in REPORT_KINDS:
            self.deadlines.on_overdue[kind] = self._close_missed
        enrolment = SiteEnrolment(project_id=inp.project_id, org_id=inp.site_org_id, enrolled_by_id=inp.enrolled_by_id)
        self._site = await self._do(PilotActivities.enrol_pilot_site, enrolment)
        final: dict | None = None
        period = await self._plan()
        if period is not None:
            await self._progress_reports(*period)
            final = await self._final_report(period[1])
        if final is None:
            await self._do(PilotActivities.lapse_pilot_site, self._site.site_id)
        await self._close_flags()
        await self.finish()
        return self._result(final)

    @property
    def _interval(self) -> timedelta:
        return self.day * self._inp.policy.report_interval_days

    def _pilot_period_from(self, start: datetime) -> datetime:
        """`pilot_months` calendar months, counted in policy days so a compressed calendar shrinks it too."""
        return start + self.day * (add_months(start, self._inp.policy.pilot_months) - start).days

    async def _tell_project(self) -> None:
        parent = workflow.info().parent
        if parent is not None and versions.has(SITE_OPEN_SIGNAL):
            await workflow.get_external_workflow_handle(parent.workflow_id, run_id=parent.run_id).signal(
                SITE_OPEN, str(self._inp.site_org_id))

    async def _close_missed(self, task: TaskSpec) -> None:
        """The rule for a report still missing at its deadline (in place of an escalation): it takes
        no decision from now on, and `_collect` expires it and counts the miss."""
        self.drop(task.id)
        self._missed_ids.add(task.id)

    async def _do(self, activity, arg):  # noqa: ANN001 - any of PilotActivities' methods
        return await execute_stage(activity, arg, timeout=STEP_TIMEOUT, retry=STEP_RETRY)

    def _about(self) -> dict:
        return {"site_id": str(self._site.site_id), "site_org_id": str(self._site.org_id),
                "site_org_code": self._site.org_code}

    async def _plan(self) -> tuple[datetime, datetime] | None:
        """The pilot's start and end once the plan is in; None if the pilot period passes without one."""
        give_up = self._pilot_period_from(workflow.now())
        await self.write(events=[EventSpec(action="pilot.site_enrolled", data=self._about())])
        while True:
            decided = await self._collect("pilot_plan", workflow.now() + self._interval, {})
            if decided is not None:
                break
            if workflow.now() >= give_up:
                return None
        start_date = date.fromisoformat(decided.decision["start_date"])
        start = max(workflow.now(), datetime.combine(start_date, time.min, tzinfo=UTC))
        end = self._pilot_period_from(start)
        record = PlanRecord(site_id=self._site.site_id, plan=decided.decision["plan"], start_date=start_date,
                            ends_at=end)
        await self._do(PilotActivities.record_pilot_plan, record)
        await self._settle(decided, "pilot.plan_submitted", {"start": start.isoformat(), "end": end.isoformat()})
        return start, end

    async def _progress_reports(self, start: datetime, end: datetime) -> None:
        """Report k opens k intervals after the start and is due when report k+1 opens; the last
        interval that fits in the pilot period is the last progress report."""
        period = 1
        while start + (period + 1) * self._interval <= end:
            await self._sleep_until(start + period * self._interval)
            due = start + (period + 1) * self._interval
            decided = await self._collect("pilot_progress_report", due, {"period": period})
            if decided is not None:
                await self._store(decided, "progress", period, decided.decision["progress"])
            period += 1

    async def _final_report(self, end: datetime) -> dict | None:
        await self._sleep_until(end)
        decided = await self._collect("pilot_final_report", end + self._interval, {"period": 0})
        if decided is None:
            return None
        await self._store(decided, "final", 0, decided.decision["summary"])
        return decided.decision

    async def _store(self, decided: TaskDecision, kind: str, period: int, text: str) -> None:
        record = ReportRecord(site_id=self._site.site_id, task_id=decided.task_id, kind=kind, period=period,
                              text=text, metrics=decided.decision.get("metrics", {}),
                              submitted_by_id=decided.actor_id)
        await self._do(PilotActivities.record_pilot_report, record)
        self._in_a_row = 0
        self._submitted += 1
        await self._settle(decided, f"pilot.{kind}_report_submitted", {"period": period})

    async def _settle(self, decided: TaskDecision, action: str, data: dict) -> None:
        await self.write(decided=decided,
                         events=[EventSpec(action=action, actor_id=decided.actor_id, data={**self._about(), **data})])

    async def _collect(self, kind: str, due: datetime, context: dict) -> TaskDecision | None:
        """Open the task and wait for a decision until the deadline watcher (which also sends the
        reminders) closes it at `due`; None when it was missed."""
        task = TaskSpec(id=workflow.uuid4(), kind=kind, project_id=self._project_id, due_at=due,
                        candidate_org_id=self._site.org_id, candidate_role="pilot_lead",
                        context={**self._about(), **context})
        await self.write(open_tasks=[task])
        if not self._told_project:
            self._told_project = True
            await self._tell_project()
        self._idle = True
        await workflow.wait_condition(lambda: task.id in self._decisions or task.id in self._missed_ids)
        self._idle = False
        decided = self._decisions.get(task.id)
        if decided is None:
            await self._miss(task, context)
        return decided

    async def _miss(self, task: TaskSpec, context: dict) -> None:
        self._in_a_row += 1
        self._missed += 1
        flag = self._in_a_row == self._inp.policy.missed_reports_flag
        await self._do(PilotActivities.record_pilot_missed,
                       MissedRecord(site_id=self._site.site_id, missed_in_a_row=self._in_a_row, flag=flag))
        data = {**self._about(), **context, "kind": task.kind, "missed_in_a_row": self._in_a_row}
        events = [EventSpec(action="pilot.report_missed", data=data)]
        opening = []
        if flag:
            self._flagged = True
            events.append(EventSpec(action="pilot.site_flagged", data=data))
            opening.append(self._flag_task(data))
        await self.write(expire=[task.id], open_tasks=opening, events=events)
        for flag_task in opening:
            self._flag_tasks.append(flag_task.id)
            self._watchers.append(asyncio.create_task(self._acknowledgement(flag_task.id)))

    def _flag_task(self, data: dict) -> TaskSpec:
        inp = self._inp
        return self.new_task("pilot_site_flagged", days=inp.policy.report_interval_days,
                             committee_id=inp.committee_id, candidate_org_id=inp.committee_org_id,
                             candidate_role="secretary", context=data)

    async def _acknowledgement(self, task_id: uuid.UUID) -> None:
        """Runs beside the reports: the secretary may acknowledge a flag whenever they get to it."""
        await workflow.wait_condition(lambda: task_id in self._decisions or task_id not in self._open)
        decided = self._decisions.get(task_id)
        if decided is not None:
            note = decided.decision.get("note", "")
            await self.write(decided=decided, events=[EventSpec(
                action="pilot.flag_acknowledged", actor_id=decided.actor_id, data={**self._about(), "note": note})])

    async def _close_flags(self) -> None:
        """The pilot is over: a flag nobody acknowledged is no longer anyone's task."""
        unanswered = [t for t in self._flag_tasks if t in self._open and t not in self._decisions]
        if unanswered:
            await self.write(cancel=unanswered)
        await asyncio.gather(*self._watchers)

    async def _sleep_until(self, moment: datetime) -> None:
        await self.sleep_until(moment)

    def _result(self, final: dict | None) -> PilotSiteResult:
        return PilotSiteResult(
            site_id=self._site.site_id, org_id=self._site.org_id, org_code=self._site.org_code,
            status="completed" if final else "lapsed", flagged=self._flagged,
            reports_submitted=self._submitted, reports_missed=self._missed,
            final_summary=(final or {}).get("summary", ""), final_metrics=(final or {}).get("metrics", {}),
        )
