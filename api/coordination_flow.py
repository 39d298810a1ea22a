"""Sending a coordination request crosses into Temporal: the request is written in a short
transaction, then its workflow starts and opens the receiving organisation's task."""

import uuid

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from services.coordination import service as coordination
from services.coordination.models import CoordinationRequest
from services.coordination.schemas import CoordinationRequestCreate, CoordinationRequestDetail
from services.db import transaction
from services.identity.principal import Principal
from workflows.client import start_coordination
from workflows.coordination.workflow import CoordinationInput, coordination_workflow_id


async def send_request(
    sessions: async_sessionmaker[AsyncSession], client: Client, task_queue: str,
    principal: Principal, data: CoordinationRequestCreate,
) -> CoordinationRequestDetail:
    request_id = uuid.uuid4()
    async with transaction(sessions) as session:
        request = await coordination.create_request(
            session, principal, data, request_id=request_id, workflow_id=coordination_workflow_id(request_id)
        )
    await start_coordination(client, task_queue, _workflow_input(request))
    async with transaction(sessions) as session:
        return await coordination.to_detail(session, await coordination.get_readable(session, principal, request_id))


def _workflow_input(request: CoordinationRequest) -> CoordinationInput:
    return CoordinationInput(
        request_id=request.id, project_id=request.project_id, from_org_id=request.from_org_id,
        sender_id=request.sender_id, to_org_id=request.to_org_id, subject=request.subject, due_at=request.due_at,
    )
