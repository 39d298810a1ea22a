import uuid

from fastapi import APIRouter, Request, status

from api import coordination_flow
from api.deps import PrincipalDep, SessionDep, TemporalDep
from api.errors import refusals
from services.coordination import service as coordination
from services.coordination.schemas import (
    CoordinationRequestCreate, CoordinationRequestDetail, CoordinationRequestPublic,
)

router = APIRouter(prefix="/api/v1/coordination-requests", tags=["coordination"], responses=refusals(401))


@router.post("", response_model=CoordinationRequestDetail, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 403, 413, 422, 503))
async def send_request(
    data: CoordinationRequestCreate, request: Request, principal: PrincipalDep, client: TemporalDep
) -> CoordinationRequestDetail:
    """Send a coordination request to another organisation, due by `due_date`.

    Needs the coordinator role; name the sending organisation in `from_org_id` if you coordinate for
    several. A request may be linked to a project you may see. It lands as an `answer_coordination`
    task for the receiving organisation's coordinators; their answer comes back to your inbox.
    """
    state = request.app.state
    return await coordination_flow.send_request(state.sessions, client, state.settings.task_queue, principal, data)


@router.get("", response_model=list[CoordinationRequestPublic])
async def list_requests(session: SessionDep, principal: PrincipalDep) -> list[CoordinationRequestPublic]:
    """Requests your organisations sent, and those sent or forwarded to them, newest first."""
    return [CoordinationRequestPublic.model_validate(r) for r in await coordination.list_mine(session, principal)]


@router.get("/{request_id}", response_model=CoordinationRequestDetail, responses=refusals(404, 422))
async def get_request(request_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> CoordinationRequestDetail:
    """One request with its history (sent, forwarded, overdue, answered, acknowledged), if it was
    sent by or to one of your organisations."""
    return await coordination.to_detail(session, await coordination.get_readable(session, principal, request_id))
