"""Expert panels: formed, seated, answered and concluded by the panel's workflow; read by anyone
who may read the project, and by the experts who sit on them."""

import uuid

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.audit import service as audit
from services.db import utcnow
from services.errors import NotFound
from services.identity.models import User
from services.identity.principal import Principal
from services.panels.eligibility import candidates
from services.panels.models import MemberState, Panel, PanelMember
from services.panels.schemas import PanelMemberPublic, PanelPublic
from services.projects import service as projects
from services.projects.models import StandardProject


def readable(principal: Principal) -> SelectOfScalar[Panel]:
    """Panels of the projects this principal may read, and the panels they sit on."""
    project_ids = projects.readable(principal).with_only_columns(col(StandardProject.id))
    sitting = select(PanelMember.panel_id).where(PanelMember.user_id == principal.user_id)
    return select(Panel).where(or_(col(Panel.project_id).in_(project_ids), col(Panel.id).in_(sitting)))


async def get_readable(session: AsyncSession, principal: Principal, panel_id: uuid.UUID) -> PanelPublic:
    panel = (await session.exec(readable(principal).where(Panel.id == panel_id))).first()
    if panel is None:
        raise NotFound("error.panel.not_found")
    return await to_public(session, panel)


async def list_for_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[PanelPublic]:
    await projects.get_readable(session, principal, project_id)
    query = readable(principal).where(Panel.project_id == project_id).order_by(col(Panel.formed_at))
    return [await to_public(session, panel) for panel in (await session.exec(query)).all()]


async def to_public(session: AsyncSession, panel: Panel) -> PanelPublic:
    query = (
        select(PanelMember, User).join(User, col(User.id) == PanelMember.user_id)
        .where(PanelMember.panel_id == panel.id).order_by(col(PanelMember.seated_at), col(User.username))
    )
    rows = (await session.exec(query)).all()
    members = [_member_public(member, user, concluded=panel.concluded_at is not None) for member, user in rows]
    return PanelPublic(**panel.model_dump(include=set(PanelPublic.model_fields) - {"members"}), members=members)


def _member_public(member: PanelMember, user: User, *, concluded: bool) -> PanelMemberPublic:
    return PanelMemberPublic(
        user_id=user.id, username=user.username, display_name=user.display_name, org_id=member.org_id,
        state=member.state, conflict_details=member.conflict_details, answered=member.answered_at is not None,
        answered_at=member.answered_at, replaced_by_id=member.replaced_by_id,
        opinion=member.opinion if concluded else None, comments=member.comments if concluded else None,
    )


async def sat_on(session: AsyncSession, panel_id: uuid.UUID) -> set[uuid.UUID]:
    """Everyone who has had a seat on the panel, whether they still hold it or not."""
    return set((await session.exec(select(PanelMember.user_id).where(PanelMember.panel_id == panel_id))).all())


async def form_panel(
    session: AsyncSession, *, panel_id: uuid.UUID, project_id: uuid.UUID, committee_id: uuid.UUID,
    workflow_id: str, expert_ids: list[uuid.UUID], formed_by: uuid.UUID | None,
) -> Panel:
    """Writes the panel and its seats once; a repeated call finds them written."""
    existing = await session.get(Panel, panel_id)
    if existing is not None:
        return existing
    panel = Panel(id=panel_id, project_id=project_id, committee_id=committee_id, workflow_id=workflow_id)
    session.add(panel)
    await session.flush()
    for user_id in expert_ids:
        await seat(session, panel_id, project_id, user_id)
    await audit.record(
        session, action="panel.formed", object_type="panel", object_id=panel_id, actor_id=formed_by,
        actor_label="user" if formed_by else "workflow", project_id=project_id,
        data={"expert_ids": [str(e) for e in expert_ids]},
    )
    return panel


async def seat(session: AsyncSession, panel_id: uuid.UUID, project_id: uuid.UUID, user_id: uuid.UUID) -> PanelMember:
    """The expert sits for the first organisation where they hold the expert role."""
    member = await _member(session, panel_id, user_id)
    if member is not None:
        return member
    candidate = (await candidates(session, project_id, [user_id]))[user_id]
    member = PanelMember(panel_id=panel_id, user_id=user_id, org_id=candidate.expert_org_ids[0])
    session.add(member)
    await session.flush()
    return member


async def replace(session: AsyncSession, panel_id: uuid.UUID, leaving_id: uuid.UUID, joining_id: uuid.UUID) -> None:
    panel = await _panel(session, panel_id)
    leaving = await _member(session, panel_id, leaving_id)
    await seat(session, panel_id, panel.project_id, joining_id)
    leaving.state, leaving.replaced_by_id = MemberState.replaced, joining_id
    session.add(leaving)
    await session.flush()


async def record_departure(
    session: AsyncSession, panel_id: uuid.UUID, user_id: uuid.UUID, state: MemberState, details: str = ""
) -> None:
    member = await _member(session, panel_id, user_id)
    if member.state == MemberState.seated:
        member.state, member.conflict_details = state, details
        session.add(member)
        await session.flush()


async def record_opinion(
    session: AsyncSession, panel_id: uuid.UUID, user_id: uuid.UUID, opinion: str, comments: str
) -> None:
    member = await _member(session, panel_id, user_id)
    if member.answered_at is None:
        member.opinion, member.comments, member.answered_at = opinion, comments, utcnow()
        session.add(member)
        await session.flush()


async def conclude(session: AsyncSession, panel_id: uuid.UUID, result: str, tally: dict) -> Panel:
    panel = await _panel(session, panel_id)
    if panel.concluded_at is not None:
        return panel
    panel.concluded_at, panel.result, panel.tally = utcnow(), result, tally
    session.add(panel)
    await audit.record(
        session, action="panel.concluded", object_type="panel", object_id=panel_id, actor_label="workflow",
        project_id=panel.project_id, data={"result": result, **tally},
    )
    await session.flush()
    return panel


async def _panel(session: AsyncSession, panel_id: uuid.UUID) -> Panel:
    panel = await session.get(Panel, panel_id)
    if panel is None:
        raise NotFound("error.panel.not_found")
    return panel


async def _member(session: AsyncSession, panel_id: uuid.UUID, user_id: uuid.UUID) -> PanelMember | None:
    query = select(PanelMember).where(PanelMember.panel_id == panel_id, PanelMember.user_id == user_id)
    return (await session.exec(query)).first()
