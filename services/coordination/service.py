"""Coordination requests: who may send them, who may read them, and what their workflow records."""

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.audit import service as audit
from services.coordination.models import (
    ROUTING_KINDS, CoordinationEvent, CoordinationEventKind, CoordinationRequest, CoordinationStatus,
)
from services.coordination.schemas import (
    CoordinationEventPublic, CoordinationRequestCreate, CoordinationRequestDetail, CoordinationRequestPublic,
)
from services.db import utcnow
from services.errors import Invalid, NotFound
from services.identity.models import Membership, MembershipState
from services.identity.permissions import Permission, Role
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.pilots.models import PilotSite
from services.projects import service as projects


def readable(principal: Principal) -> SelectOfScalar[CoordinationRequest]:
    """Requests sent by the principal's organisations, or sent or forwarded to one of them."""
    orgs = list(principal.org_ids)
    routed_here = select(CoordinationEvent.request_id).where(
        col(CoordinationEvent.kind).in_(ROUTING_KINDS), col(CoordinationEvent.org_id).in_(orgs)
    )
    return select(CoordinationRequest).where(
        or_(col(CoordinationRequest.from_org_id).in_(orgs), col(CoordinationRequest.id).in_(routed_here))
    )


async def get_readable(session: AsyncSession, principal: Principal, request_id: uuid.UUID) -> CoordinationRequest:
    found = (await session.exec(readable(principal).where(CoordinationRequest.id == request_id))).first()
    if found is None:
        raise NotFound("error.coordination.not_found")
    return found


async def list_mine(session: AsyncSession, principal: Principal, limit: int = 200) -> list[CoordinationRequest]:
    query = readable(principal).order_by(col(CoordinationRequest.created_at).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def to_detail(session: AsyncSession, request: CoordinationRequest) -> CoordinationRequestDetail:
    query = select(CoordinationEvent).where(CoordinationEvent.request_id == request.id).order_by(
        col(CoordinationEvent.at)
    )
    history = [CoordinationEventPublic.model_validate(e) for e in (await session.exec(query)).all()]
    return CoordinationRequestDetail(**CoordinationRequestPublic.model_validate(request).model_dump(), history=history)


def due_at(request: CoordinationRequestCreate) -> datetime:
    """A request is due by the end of its due date (UTC)."""
    return datetime.combine(request.due_date + timedelta(days=1), time.min, tzinfo=UTC)


async def create_request(
    session: AsyncSession, principal: Principal, data: CoordinationRequestCreate, *,
    request_id: uuid.UUID, workflow_id: str,
) -> CoordinationRequest:
    principal.require(Permission.COORDINATION_SEND)
    from_org_id = _sending_org(principal, data.from_org_id)
    await check_receiver(session, data.to_org_id, holder=from_org_id, field="to_org_id")
    if data.due_date < utcnow().date():
        raise Invalid("error.coordination.due_passed", field="due_date")
    if data.project_id is not None:
        await _check_project(session, principal, data.project_id)
    request = CoordinationRequest(
        id=request_id, **data.model_dump(exclude={"from_org_id"}), from_org_id=from_org_id,
        sender_id=principal.user_id, current_org_id=data.to_org_id, due_at=due_at(data), workflow_id=workflow_id,
    )
    session.add(request)
    await session.flush()
    await _event(session, request, CoordinationEventKind.sent, uuid.uuid4(), org_id=data.to_org_id,
                 actor_id=principal.user_id)
    return request


def _sending_org(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    allowed = principal.orgs_with(Permission.COORDINATION_SEND)
    if requested is not None:
        if requested not in allowed:
            raise Invalid("error.coordination.not_coordinator", field="from_org_id")
        return requested
    if len(allowed) > 1:
        raise Invalid("error.coordination.name_org", field="from_org_id")
    return next(iter(allowed))


async def check_receiver(session: AsyncSession, org_id: uuid.UUID, *, holder: uuid.UUID, field: str) -> None:
    """The organisation exists, is not the one holding the request, and has coordinators to answer it."""
    org = await session.get(Organisation, org_id)
    if org is None:
        raise Invalid("error.org.none", field=field, org=str(org_id))
    if org_id == holder:
        raise Invalid("error.coordination.same_org", field=field, org=org.code)
    query = select(Membership.id).where(Membership.org_id == org_id, Membership.role == Role.coordinator.value,
                                        Membership.state == MembershipState.active)
    if (await session.exec(query)).first() is None:
        raise Invalid("error.coordination.no_coordinator", field=field, org=org.code)


async def _check_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> None:
    """A request may belong to a project the sender's organisations may read (taking part in it or
    hosting its committee) or one of whose pilot sites they host."""
    hosting = select(PilotSite.id).where(PilotSite.project_id == project_id,
                                         col(PilotSite.org_id).in_(list(principal.org_ids)))
    if (await session.exec(hosting)).first() is not None:
        return
    try:
        await projects.get_readable(session, principal, project_id)
    except NotFound as exc:
        raise Invalid("error.coordination.no_project", field="project_id") from exc


async def _event(
    session: AsyncSession, request: CoordinationRequest, kind: CoordinationEventKind, event_id: uuid.UUID, *,
    org_id: uuid.UUID | None = None, actor_id: uuid.UUID | None = None, note: str = "",
) -> None:
    session.add(CoordinationEvent(id=event_id, request_id=request.id, kind=kind, org_id=org_id, actor_id=actor_id,
                                  note=note))
    await audit.record(
        session, action=f"coordination.{kind.value}", object_type="coordination_request", object_id=request.id,
        actor_id=actor_id, actor_label="user" if actor_id else "workflow", project_id=request.project_id,
        data={"org_id": str(org_id) if org_id else None, "note": note},
    )
    await session.flush()


async def _unrecorded(session: AsyncSession, request_id: uuid.UUID, event_id: uuid.UUID) -> CoordinationRequest | None:
    """The request, unless this event is in its history already (a retried activity)."""
    if await session.get(CoordinationEvent, event_id) is not None:
        return None
    request = await session.get(CoordinationRequest, request_id)
    if request is None:
        raise NotFound("error.coordination.not_found")
    return request


async def record_forward(
    session: AsyncSession, request_id: uuid.UUID, event_id: uuid.UUID, to_org_id: uuid.UUID,
    actor_id: uuid.UUID, note: str,
) -> None:
    request = await _unrecorded(session, request_id, event_id)
    if request is None:
        return
    request.current_org_id = to_org_id
    session.add(request)
    await _event(session, request, CoordinationEventKind.forwarded, event_id, org_id=to_org_id, actor_id=actor_id,
                 note=note)


async def record_answer(
    session: AsyncSession, request_id: uuid.UUID, event_id: uuid.UUID, answer: str, actor_id: uuid.UUID
) -> None:
    request = await _unrecorded(session, request_id, event_id)
    if request is None:
        return
    request.status, request.answer = CoordinationStatus.answered, answer
    request.answered_by_id, request.answered_at = actor_id, utcnow()
    session.add(request)
    await _event(session, request, CoordinationEventKind.answered, event_id, org_id=request.current_org_id,
                 actor_id=actor_id)


async def mark_overdue(session: AsyncSession, request_id: uuid.UUID, event_id: uuid.UUID) -> None:
    request = await _unrecorded(session, request_id, event_id)
    if request is None:
        return
    request.overdue = True
    session.add(request)
    await _event(session, request, CoordinationEventKind.overdue, event_id, org_id=request.current_org_id)


async def record_acknowledged(
    session: AsyncSession, request_id: uuid.UUID, event_id: uuid.UUID, actor_id: uuid.UUID, note: str
) -> None:
    request = await _unrecorded(session, request_id, event_id)
    if request is None:
        return
    request.status, request.acknowledged_at = CoordinationStatus.acknowledged, utcnow()
    session.add(request)
    await _event(session, request, CoordinationEventKind.acknowledged, event_id, actor_id=actor_id, note=note)
