"""A project's way through the pipeline, read from its audit trail."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.audit.models import AuditEvent
from services.dashboard.labels import STAGE_LABELS
from services.dashboard.schemas import StagePeriod, Timeline, TimelineEvent
from services.identity.principal import Principal
from services.projects.models import Stage
from services.projects.service import get_readable

# Events that move a project into a stage. A step that records `project.stage_changed` with
# {"to": stage} names it directly, whatever the step was.
STAGE_ENTERED_BY: dict[str, Stage] = {
    "project.created": Stage.proposal,
    "project.submitted": Stage.committee_review,
    "project.resubmitted": Stage.committee_review,
    "proposal.returned": Stage.proposal,
}

# The last word of an action that tells what happened to the project as a whole; edits, comments
# and single votes stay in the audit trail but not on the timeline.
KEY_OUTCOMES = frozenset({
    "created", "submitted", "resubmitted", "accepted", "returned", "rejected", "withdrawn", "opened", "closed",
    "passed", "failed", "approved", "published", "enrolled", "evaluated", "reviewed", "overdue", "revised",
})


async def project_timeline(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Timeline:
    project = await get_readable(session, principal, project_id)
    events = await audit.events_for_project(session, project_id)
    return Timeline(
        project_id=project.id, stage=project.stage, status=project.status,
        stages=stage_periods(events, Stage(project.stage)),
        events=[_public(e) for e in events if e.action.rsplit(".", 1)[-1] in KEY_OUTCOMES],
    )


def stage_periods(events: list[AuditEvent], current: Stage) -> list[StagePeriod]:
    """Each stay in a stage, in order; the last one is the stage the project is in now."""
    periods: list[StagePeriod] = []
    for event in events:
        stage = _stage_entered(event)
        if stage is None or (periods and periods[-1].stage == stage):
            continue
        if periods:
            periods[-1].left_at = event.at
        periods.append(_period(stage, event))
    if not periods or periods[-1].stage != current:
        # The trail does not say when the project entered the stage it is in (nor left the one before).
        periods.append(_period(current, None))
    periods[-1].current = True
    return periods


def _stage_entered(event: AuditEvent) -> Stage | None:
    if event.action == "project.stage_changed":
        to = event.data.get("to")
        return Stage(to) if to in Stage.__members__ else None
    return STAGE_ENTERED_BY.get(event.action)


def _period(stage: Stage, event: AuditEvent | None) -> StagePeriod:
    zh, en = STAGE_LABELS[stage]
    return StagePeriod(stage=stage, label_zh=zh, label_en=en, entered_at=event.at if event else None,
                       left_at=None, current=False)


def _public(event: AuditEvent) -> TimelineEvent:
    return TimelineEvent(at=event.at, action=event.action, actor_id=event.actor_id, data=event.data)
