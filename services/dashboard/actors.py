"""Who acted in each event of a project's audit trail: the person, and the role and organisation they
acted in. A decision is taken on a task: the task names the role and organisation it was offered to
(a vote or an opinion is the member's or the expert's own). What is done outside a task (a proposal
written, a draft uploaded, a comment made) is done under the membership that allows it."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit.models import AuditEvent
from services.committees.models import Committee
from services.consultations.models import ConsultationComment
from services.dashboard.schemas import Actor
from services.identity.models import Membership, MembershipState, User
from services.organisations.models import Organisation
from services.projects.co_drafters import TAKING_PART
from services.projects.models import ProjectOrganisation, StandardProject
from services.tasks.models import Task

# Tasks offered to one person rather than to a role: the role they hold it in.
TASK_ROLE = {"ballot_vote": "committee_member", "panel_opinion": "expert"}

# Done outside a task: the role that allows it (a comment may come from anyone, under any role).
ACTION_ROLE = {
    "project.created": "proposer", "project.updated": "proposer", "project.submitted": "proposer",
    "draft.uploaded": "proposer", "consultation.comment_disposed": "proposer", "panel.formed": "secretary",
    "consultation.comment_added": None,
}

# A step writes its task's completion and its event in one transaction, a moment apart.
_SAME_STEP = timedelta(seconds=10)


async def actors_of(session: AsyncSession, project: StandardProject, events: list[AuditEvent]) -> dict[int, Actor]:
    """The actor of each event that has one, by the event's id."""
    user_ids = {e.actor_id for e in events if e.actor_id}
    if not user_ids:
        return {}
    users = {u.id: u for u in (await session.exec(select(User).where(col(User.id).in_(user_ids)))).all()}
    held = select(Membership).where(col(Membership.user_id).in_(user_ids), Membership.state == MembershipState.active)
    memberships = list((await session.exec(held)).all())
    tasks = await _completed_tasks(session, project.id)
    commenting = await _comment_orgs(session, [e.object_id for e in events if e.object_type == "comment"])
    near = await _project_orgs(session, project)
    found: dict[int, tuple[uuid.UUID, str | None, uuid.UUID | None]] = {}
    for event in events:
        if event.actor_id in users:
            role, org_id = _acting(event, tasks, memberships, commenting, near)
            found[event.id] = (event.actor_id, role, org_id)
    orgs = await _organisations(session, {org for _, _, org in found.values() if org})
    return {event_id: _actor(users[user_id], role, orgs.get(org_id))
            for event_id, (user_id, role, org_id) in found.items()}


def _acting(
    event: AuditEvent, tasks: list[Task], memberships: list[Membership], commenting: dict[str, uuid.UUID],
    near: list[uuid.UUID],
) -> tuple[str | None, uuid.UUID | None]:
    if event.action not in ACTION_ROLE:
        task = _task_of(event, tasks)
        if task is not None:
            role = task.candidate_role or TASK_ROLE.get(task.kind)
            return role, task.candidate_org_id or _org_for(event.actor_id, role, memberships, near)
    if event.object_type == "comment" and event.object_id in commenting:
        org_id = commenting[event.object_id]
        if event.action == "consultation.comment_added":
            roles = [m.role for m in memberships if m.user_id == event.actor_id and m.org_id == org_id]
            return (roles[0] if roles else None), org_id
    role = ACTION_ROLE.get(event.action)
    own = [m for m in memberships if m.user_id == event.actor_id]
    if role is None or not any(m.role == role for m in own):
        # No membership for the expected role: the actor's membership nearest to the project says who they are.
        best = sorted(own, key=lambda m: (m.org_id not in near, str(m.org_id), m.role))
        return (best[0].role, best[0].org_id) if best else (None, None)
    return role, _org_for(event.actor_id, role, memberships, near)


def _task_of(event: AuditEvent, tasks: list[Task]) -> Task | None:
    """The task the actor completed in the step that wrote the event: their latest one before it."""
    at = _utc(event.at)
    done = [t for t in tasks
            if t.completed_by_id == event.actor_id and at - _SAME_STEP <= t.completed_at <= at + _SAME_STEP]
    before = [t for t in done if t.completed_at <= at] or done
    return max(before, key=lambda t: t.completed_at) if before else None


def _org_for(
    user_id: uuid.UUID, role: str | None, memberships: list[Membership], near: list[uuid.UUID]
) -> uuid.UUID | None:
    """The organisation in which the user holds the role, one of the project's own first."""
    orgs = sorted((m.org_id for m in memberships if m.user_id == user_id and m.role == role),
                  key=lambda org: (org not in near, str(org)))
    return orgs[0] if orgs else None


async def _completed_tasks(session: AsyncSession, project_id: uuid.UUID) -> list[Task]:
    query = select(Task).where(Task.project_id == project_id, col(Task.completed_by_id).is_not(None),
                               col(Task.completed_at).is_not(None))
    tasks = list((await session.exec(query)).all())
    for task in tasks:  # SQLite gives naive times back; the audit trail's are compared as UTC
        task.completed_at = _utc(task.completed_at)
    return tasks


async def _comment_orgs(session: AsyncSession, comment_ids: list[str]) -> dict[str, uuid.UUID]:
    ids = [uuid.UUID(c) for c in comment_ids]
    if not ids:
        return {}
    query = select(ConsultationComment.id, ConsultationComment.org_id).where(col(ConsultationComment.id).in_(ids))
    return {str(comment_id): org_id for comment_id, org_id in (await session.exec(query)).all()}


async def _project_orgs(session: AsyncSession, project: StandardProject) -> list[uuid.UUID]:
    """The lead organisation, the co-drafters and the committee's host."""
    co = select(ProjectOrganisation.org_id).where(ProjectOrganisation.project_id == project.id, TAKING_PART)
    host = select(Committee.org_id).where(Committee.id == project.committee_id)
    return [project.lead_org_id, *(await session.exec(co)).all(), *(await session.exec(host)).all()]


async def _organisations(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in (await session.exec(select(Organisation).where(col(Organisation.id).in_(ids)))).all()}


def _actor(user: User, role: str | None, org: Organisation | None) -> Actor:
    return Actor(user_id=user.id, display_name=user.display_name, role=role, org_id=org.id if org else None,
                 org_code=org.code if org else "", org_name_zh=org.name_zh if org else "",
                 org_name_en=org.name_en if org else "")


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
