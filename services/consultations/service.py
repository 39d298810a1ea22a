"""Public consultation: the workflow opens and closes it; stakeholders comment while it is open."""

import uuid
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from services.audit import service as audit
from services.committees.models import Committee, CommitteeMember
from services.consultations.models import Consultation, ConsultationComment, ConsultationStatus
from services.consultations.schemas import CommentCreate, CommentPublic, ConsultationPublic, OwnComment
from services.drafts.models import DraftVersion
from services.errors import Conflict, Forbidden, NotFound
from services.idempotency import service as idempotency
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.projects import service as projects
from services.projects.models import StandardProject
from services.tasks.holders import holds_task_of


async def open_consultation(
    session: AsyncSession, *, consultation_id: uuid.UUID, project_id: uuid.UUID, draft_id: uuid.UUID,
    opens_at: datetime, closes_at: datetime,
) -> int:
    """Opens it once (a retry finds it open already); answers the version of the draft under consultation."""
    if await session.get(Consultation, consultation_id) is None:
        session.add(Consultation(id=consultation_id, project_id=project_id, draft_id=draft_id,
                                 opens_at=opens_at, closes_at=closes_at))
        await session.flush()
    draft = await session.get(DraftVersion, draft_id)
    return draft.version


async def close_consultation(session: AsyncSession, consultation_id: uuid.UUID, closed_at: datetime) -> int:
    """No comment is taken after this; answers how many were made."""
    consultation = await _locked(session, select(Consultation).where(Consultation.id == consultation_id))
    if consultation.closed_at is None:
        consultation.closed_at = closed_at
        session.add(consultation)
        await session.flush()
    return await count_comments(session, consultation_id)


async def conclude_consultation(session: AsyncSession, consultation_id: uuid.UUID, concluded_at: datetime) -> None:
    """Every comment has its disposition: the disposition table is final."""
    consultation = await _locked(session, select(Consultation).where(Consultation.id == consultation_id))
    if consultation.concluded_at is None:
        consultation.concluded_at = concluded_at
        session.add(consultation)
        await session.flush()


async def _locked(session: AsyncSession, query) -> Consultation | None:
    # The row lock orders a comment and the closing that race each other (PostgreSQL; SQLite
    # serialises writers already), and populate_existing reads the row as it is now.
    query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).first()


def _latest(project_id: uuid.UUID):
    return (select(Consultation).where(Consultation.project_id == project_id)
            .order_by(col(Consultation.opens_at).desc()).limit(1))


async def latest(session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False) -> Consultation:
    """The project's current (most recent) consultation."""
    query = _latest(project_id)
    consultation = await _locked(session, query) if lock else (await session.exec(query)).first()
    if consultation is None:
        raise NotFound("error.consultation.none")
    return consultation


async def count_comments(session: AsyncSession, consultation_id: uuid.UUID, *, undisposed: bool = False) -> int:
    query = select(func.count()).select_from(ConsultationComment).where(
        ConsultationComment.consultation_id == consultation_id
    )
    if undisposed:
        query = query.where(col(ConsultationComment.disposition).is_(None))
    return (await session.exec(query)).one()


async def get_current(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> ConsultationPublic:
    await projects.get_readable(session, principal, project_id)
    consultation = await latest(session, project_id)
    return ConsultationPublic(
        **consultation.model_dump(), status=consultation.status,
        comments=await count_comments(session, consultation.id),
        undisposed=await count_comments(session, consultation.id, undisposed=True),
    )


async def add_comment(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: CommentCreate,
    request_key: str | None = None,
) -> CommentPublic:
    """Any signed-in user who can read the project comments while its consultation is open. Sent
    again under the same `request_key` (services/idempotency), the same comment."""
    content = {"project_id": str(project_id), **data.model_dump(mode="json")}
    if request_key is not None:
        earlier = await idempotency.created_before(session, principal.user_id, request_key, "comment.add", content)
        if earlier is not None:
            return await get_comment(session, principal, earlier)
    project = await projects.get_readable(session, principal, project_id)
    org_id = _commenting_org(principal, data.org_id)
    consultation = await _open_for_comments(session, project.id)
    comment = ConsultationComment(
        **data.model_dump(exclude={"org_id"}), consultation_id=consultation.id, project_id=project.id,
        number=await _next_number(session, consultation.id), org_id=org_id, author_id=principal.user_id,
    )
    session.add(comment)
    await session.flush()
    await audit.record(
        session, action="consultation.comment_added", object_type="comment", object_id=comment.id,
        actor_id=principal.user_id, project_id=project.id,
        data={"number": comment.number, "clause": comment.clause, "org_id": str(org_id)},
    )
    if request_key is not None:
        await idempotency.remember(session, principal.user_id, request_key, "comment.add", content, comment.id)
    return await get_comment(session, principal, comment.id)


async def _open_for_comments(session: AsyncSession, project_id: uuid.UUID) -> Consultation:
    consultation = await _locked(session, _latest(project_id))
    if consultation is None:
        raise Conflict("error.consultation.not_open")
    if consultation.status != ConsultationStatus.open:
        raise Conflict("error.consultation.closed", closed_at=consultation.closed_at.isoformat())
    return consultation


def _commenting_org(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    if requested is not None:
        if requested not in principal.org_ids:
            raise Forbidden("error.comment.org_not_yours", field="org_id")
        return requested
    if not principal.memberships:
        raise Forbidden("error.comment.no_org", field="org_id")
    return principal.memberships[0].org_id


async def _next_number(session: AsyncSession, consultation_id: uuid.UUID) -> int:
    query = select(func.max(ConsultationComment.number)).where(ConsultationComment.consultation_id == consultation_id)
    return ((await session.exec(query)).one() or 0) + 1


async def sees_all_comments(session: AsyncSession, principal: Principal, project: StandardProject) -> bool:
    """The drafting organisations, the project's committee and the holders of its tasks (an approver
    reads the disposition table) see every comment; others see their own organisations' comments."""
    if principal.is_platform_admin or principal.org_ids & set(await projects.drafting_org_ids(session, project.id)):
        return True
    if await holds_task_of(session, principal, project.id):
        return True
    committee = await session.get(Committee, project.committee_id)
    if committee is not None and committee.org_id in principal.org_ids:
        return True
    seat = select(CommitteeMember.id).where(
        CommitteeMember.committee_id == project.committee_id, CommitteeMember.user_id == principal.user_id
    )
    return (await session.exec(seat)).first() is not None


async def visible_comments(session: AsyncSession, principal: Principal, project: StandardProject) -> Select:
    """Comments on the project the principal may see, each with the organisation that made it."""
    query = (select(ConsultationComment, Organisation)
             .join(Organisation, col(Organisation.id) == col(ConsultationComment.org_id))
             .where(ConsultationComment.project_id == project.id))
    if not await sees_all_comments(session, principal, project):
        query = query.where(col(ConsultationComment.org_id).in_(principal.org_ids))
    return query


def to_public(comment: ConsultationComment, org: Organisation) -> CommentPublic:
    return CommentPublic.model_validate(comment).model_copy(update={"org_code": org.code, "org_name_zh": org.name_zh})


async def list_comments(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[CommentPublic]:
    """The project's comments the principal may see. Once the consultation is over, a commenting
    organisation may no longer read the project, but still reads its own comments and their dispositions."""
    try:
        project = await projects.get_readable(session, principal, project_id)
    except NotFound:
        own = [c for c in await own_comments(session, principal) if c.project_id == project_id]
        if not own:
            raise
        return sorted(own, key=lambda c: (c.consultation_closes_at, c.number))
    query = (await visible_comments(session, principal, project)).join(
        Consultation, col(Consultation.id) == col(ConsultationComment.consultation_id)
    ).order_by(col(Consultation.opens_at), col(ConsultationComment.number))
    return [to_public(comment, org) for comment, org in (await session.exec(query)).all()]


async def get_comment(session: AsyncSession, principal: Principal, comment_id: uuid.UUID) -> CommentPublic:
    comment, org = await find_comment(session, principal, comment_id)
    return to_public(comment, org)


async def find_comment(
    session: AsyncSession, principal: Principal, comment_id: uuid.UUID
) -> tuple[ConsultationComment, Organisation]:
    comment = await session.get(ConsultationComment, comment_id)
    project = comment and (await session.exec(
        projects.readable(principal).where(StandardProject.id == comment.project_id)
    )).first()
    if project is not None:
        query = (await visible_comments(session, principal, project)).where(ConsultationComment.id == comment_id)
        found = (await session.exec(query)).first()
        if found is not None:
            return found
    raise NotFound("error.comment.not_found")


async def own_comments(session: AsyncSession, principal: Principal, limit: int = 500) -> list[OwnComment]:
    """The comments the principal's organisations made on any project, newest first, each with its
    disposition once given."""
    if not principal.org_ids:
        return []
    query = (select(ConsultationComment, Organisation, StandardProject, Consultation)
             .join(Organisation, col(Organisation.id) == col(ConsultationComment.org_id))
             .join(StandardProject, col(StandardProject.id) == col(ConsultationComment.project_id))
             .join(Consultation, col(Consultation.id) == col(ConsultationComment.consultation_id))
             .where(col(ConsultationComment.org_id).in_(principal.org_ids))
             .order_by(col(ConsultationComment.created_at).desc(), col(ConsultationComment.id)).limit(limit))
    return [OwnComment(**to_public(comment, org).model_dump(), project_title_zh=project.title_zh,
                       project_title_en=project.title_en, project_number=project.number,
                       consultation_closes_at=consultation.closes_at,
                       consultation_closed=consultation.closed_at is not None)
            for comment, org, project, consultation in (await session.exec(query)).all()]
