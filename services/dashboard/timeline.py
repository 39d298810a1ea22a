"""A project's way through the pipeline, read from its audit trail."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.audit.models import AuditEvent
from services.dashboard.actors import actors_of
from services.dashboard.labels import STAGE_LABELS
from services.dashboard.schemas import (
    Actor, ProjectRecord, RecordEvent, StagePeriod, StageReturn, Timeline, TimelineEnd, TimelineEvent,
)
from services.identity.principal import Principal
from services.projects.models import ProjectStatus, Stage, StandardProject
from services.projects.service import get_readable

# The events that move a project into a stage: each stage module records one when it begins. A step
# that records `project.stage_changed` with {"to": stage} names the stage directly.
STAGE_ENTERED_BY: dict[str, Stage] = {
    "project.created": Stage.proposal,
    "proposal.returned": Stage.proposal,
    "project.submitted": Stage.committee_review,
    "project.resubmitted": Stage.committee_review,
    "drafting.started": Stage.drafting,
    "consultation.opened": Stage.public_consultation,
    "demonstration.started": Stage.expert_demonstration,
    "publication.requested": Stage.publication,
    "pilot.started": Stage.pilot,
    "evaluation.requested": Stage.evaluation,
    "review.scheduled": Stage.maintenance,
}

# What happened to the project as a whole; edits, comments, uploads and single votes stay in the
# audit trail but not on the timeline.
KEY_EVENTS = frozenset({
    *STAGE_ENTERED_BY, "proposal.accepted", "proposal.rejected", "project.withdrawn", "ballot.opened",
    "ballot.closed", "project.approved", "project.ballot_failed", "drafting.consultation_draft_submitted",
    "consultation.closed", "consultation.dispositions_done", "panel.formed", "panel.concluded",
    "demonstration.passed", "demonstration.failed", "demonstration.revisions_requested", "publication.returned",
    "standard.published", "pilot.sites_enrolled", "pilot.finished", "evaluation.recorded",
    "standard.shanghai_standard_nominated", "standard.withdrawn", "project.revision_opened", "review.opened",
    "review.decided", "task.overdue", "project.stage_changed",
})


# The events that end a project before the pipeline's end.
ENDED_BY = frozenset({"proposal.rejected", "project.ballot_failed", "project.withdrawn", "standard.withdrawn"})
PIPELINE = list(Stage)


async def project_timeline(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Timeline:
    return (await project_record(session, principal, project_id)).timeline


async def project_record(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> ProjectRecord:
    """Every event of the project's audit trail with who acted, and its timeline; 404 if the
    principal may not read the project."""
    project = await get_readable(session, principal, project_id)
    events = await audit.events_for_project(session, project_id)
    actors = await actors_of(session, project, events)
    periods = stage_periods(events, Stage(project.stage))
    timeline = Timeline(
        project_id=project.id, stage=project.stage, status=project.status, stages=periods,
        events=[_public(e, actors.get(e.id)) for e in events if e.action in KEY_EVENTS],
        returns=stage_returns(periods), ended=_ended(project, events),
    )
    return ProjectRecord(timeline=timeline, events=[_record(e, actors.get(e.id)) for e in events])


def stage_returns(periods: list[StagePeriod]) -> list[StageReturn]:
    """Each way back to an earlier stage the project took, with how many times it took it."""
    counts: dict[tuple[Stage, Stage], int] = {}
    for before, after in zip(periods, periods[1:]):
        if PIPELINE.index(after.stage) < PIPELINE.index(before.stage):
            counts[(before.stage, after.stage)] = counts.get((before.stage, after.stage), 0) + 1
    return [StageReturn(from_stage=f, to_stage=t, count=n) for (f, t), n in counts.items()]


def _ended(project: StandardProject, events: list[AuditEvent]) -> TimelineEnd | None:
    if project.status not in (ProjectStatus.rejected, ProjectStatus.withdrawn):
        return None
    at = next((e.at for e in reversed(events) if e.action in ENDED_BY), None)
    return TimelineEnd(status=project.status, stage=project.stage, at=at)


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


def _public(event: AuditEvent, actor: Actor | None) -> TimelineEvent:
    return TimelineEvent(at=event.at, action=event.action, actor_id=event.actor_id, data=event.data, actor=actor)


def _record(event: AuditEvent, actor: Actor | None) -> RecordEvent:
    return RecordEvent(id=event.id, at=event.at, action=event.action, actor_id=event.actor_id, data=event.data,
                       actor=actor, object_type=event.object_type, object_id=event.object_id)
