"""After the consultation closes, the working group gives every comment a disposition; the result is
the disposition table (意见汇总处理表), exported as CSV and XLSX."""

import re
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit import service as audit
from services.consultations import export
from services.consultations import service as consultations
from services.consultations.models import DISPOSITION_ZH, ConsultationComment, ConsultationStatus
from services.consultations.schemas import CommentPublic, DispositionSet
from services.db import utcnow
from services.drafts.service import require_drafter
from services.errors import Conflict, Forbidden
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.projects import service as projects


async def dispose_comment(
    session: AsyncSession, principal: Principal, comment_id: uuid.UUID, data: DispositionSet
) -> CommentPublic:
    """Holders of COMMENT_DISPOSITION in the drafting organisations, between closing and conclusion."""
    comment, org = await consultations.find_comment(session, principal, comment_id)
    await require_drafter(session, principal, comment.project_id, Permission.COMMENT_DISPOSITION)
    consultation = await consultations.latest(session, comment.project_id, lock=True)
    if consultation.id != comment.consultation_id or consultation.status == ConsultationStatus.concluded:
        raise Conflict("error.dispositions.final")
    if consultation.status == ConsultationStatus.open:
        raise Conflict("error.dispositions.too_early", closes_at=consultation.closes_at.isoformat())
    comment.disposition, comment.reason = data.disposition, data.reason
    comment.disposed_by, comment.disposed_at = principal.user_id, utcnow()
    session.add(comment)
    await session.flush()
    await audit.record(
        session, action="consultation.comment_disposed", object_type="comment", object_id=comment.id,
        actor_id=principal.user_id, project_id=comment.project_id,
        data={"number": comment.number, "disposition": data.disposition},
    )
    return consultations.to_public(comment, org)


@dataclass(frozen=True)
class DispositionRow:
    clause: str
    comment: str
    proposed_change: str
    org_name: str
    disposition: str
    reason: str


async def export_dispositions(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, fmt: Literal["csv", "xlsx"]
) -> bytes:
    """The current consultation's disposition table, for the drafting organisations and the committee."""
    project = await projects.get_readable(session, principal, project_id)
    if not await consultations.sees_all_comments(session, principal, project):
        raise Forbidden("error.dispositions.forbidden")
    consultation = await consultations.latest(session, project.id)
    query = (await consultations.visible_comments(session, principal, project)).where(
        ConsultationComment.consultation_id == consultation.id
    ).order_by(col(ConsultationComment.number))
    rows = [_row(comment, org.name_zh) for comment, org in (await session.exec(query)).all()]
    rows.sort(key=lambda row: _clause_order(row.clause))  # stable: same clause keeps the order of arrival
    return export.to_csv(rows) if fmt == "csv" else export.to_xlsx(rows)


def _row(comment: ConsultationComment, org_name: str) -> DispositionRow:
    disposition = DISPOSITION_ZH[comment.disposition] if comment.disposition else "待处理"
    return DispositionRow(comment.clause, comment.comment, comment.proposed_change, org_name,
                          disposition, comment.reason)


def _clause_order(clause: str) -> tuple:
    """Clauses in document order: 5.2 before 5.10, numbered clauses before annexes such as A.1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\s]+", clause))
