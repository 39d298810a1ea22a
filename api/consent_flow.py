"""Naming co-drafters crosses into Temporal: the proposal is written in a short transaction, then each
new invitation's workflow starts (workflows/consent/workflow.py) and opens a task for the named organisation's
admins, and each invitation the proposer dropped is withdrawn."""

import uuid

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from services.db import transaction
from services.identity.principal import Principal
from services.projects import co_drafters
from services.projects import service as projects
from services.projects.co_drafters import Invitation
from services.projects.schemas import ProjectCreate, ProjectPublic, ProjectUpdate
from workflows.client import start_consent, withdraw_consent
from workflows.consent.workflow import CoDrafterConsentInput


async def create_project(
    sessions: async_sessionmaker[AsyncSession], client: Client, task_queue: str, principal: Principal,
    data: ProjectCreate, request_key: str | None = None,
) -> ProjectPublic:
    async with transaction(sessions) as session:
        project_id = (await projects.create_project(session, principal, data, request_key)).id
    return await _after(sessions, client, task_queue, principal, project_id, before=set())


async def update_project(
    sessions: async_sessionmaker[AsyncSession], client: Client, task_queue: str, principal: Principal,
    project_id: uuid.UUID, data: ProjectUpdate,
) -> ProjectPublic:
    async with transaction(sessions) as session:
        before = {i.workflow_id for i in await co_drafters.open_invitations(session, project_id)}
        await projects.update_project(session, principal, project_id, data)
    return await _after(sessions, client, task_queue, principal, project_id, before)


async def _after(
    sessions: async_sessionmaker[AsyncSession], client: Client, task_queue: str, principal: Principal,
    project_id: uuid.UUID, before: set[str],
) -> ProjectPublic:
    """Every open invitation has its workflow (started again harmlessly, so a save after Temporal was
    away sends the ones that did not go); every dropped one is withdrawn."""
    async with transaction(sessions, read_only=True) as session:
        invitations = await co_drafters.open_invitations(session, project_id)
    for invitation in invitations:
        await start_consent(client, task_queue, invitation.workflow_id, _workflow_input(invitation))
    for workflow_id in before - {i.workflow_id for i in invitations}:
        await withdraw_consent(client, workflow_id)
    async with transaction(sessions, read_only=True) as session:
        return await projects.to_public(session, await projects.get_readable(session, principal, project_id))


def _workflow_input(invitation: Invitation) -> CoDrafterConsentInput:
    return CoDrafterConsentInput(link_id=invitation.link_id, project_id=invitation.project_id,
                                 org_id=invitation.org_id, invited_by_id=invitation.invited_by_id)
