"""Requests that cross into Temporal. Each reads and checks in a short transaction (the one the
request's principal was read in, which api/deps.py hands on), lets the workflow decide, then reads the
result: no database transaction stays open while a workflow works. The workflow's activities do the
writing, so these transactions only read (and wait for no writer)."""

import uuid
from datetime import datetime, timezone

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from contracts.policy import ProjectPolicy
from services.committees.service import get_committee
from services.crypto import seals
from services.crypto.keyring import KeyRing
from services.db import transaction
from services.errors import Conflict
from services.identity.principal import Principal
from services.projects import service as projects
from services.projects.models import ProjectStatus, StandardProject, StandardType
from services.projects.policy import policy_for
from services.projects.schemas import ProjectPublic
from services.tasks import queries as task_queries
from services.tasks import service as tasks
from services.tasks.registry import form_for, parse_decision
from services.tasks.schemas import TaskPublic
from standardflow.config import Settings
from workflows import client as temporal
from workflows.core.models import DecisionSeal, ProjectInput, TaskDecision


async def submit_project(
    sessions: async_sessionmaker[AsyncSession], client: Client, settings: Settings,
    principal: Principal, project_id: uuid.UUID,
) -> ProjectPublic:
    async with transaction(sessions, read_only=True) as session:
        project = await projects.check_submittable(session, principal, project_id)
        revision = await tasks.find_open(session, project_id, "revise_proposal")
        start = None if revision else await _project_input(session, project, settings)
    if revision:
        decision = sealed(settings.key_ring("decision"), revision.id, {"decision": "resubmit", "comment": ""},
                          principal.user_id)
        await _deliver(client, revision.workflow_id, decision)
    else:
        await temporal.start_project(client, settings.task_queue, start)
    async with transaction(sessions, read_only=True) as session:
        return await projects.to_public(session, await projects.get_readable(session, principal, project_id))


async def _project_input(session: AsyncSession, project: StandardProject, settings: Settings) -> ProjectInput:
    if project.status != ProjectStatus.draft:
        raise Conflict("error.project.waiting")
    committee = await get_committee(session, project.committee_id)
    return ProjectInput(
        project_id=project.id, proposer_id=project.proposer_id, lead_org_id=project.lead_org_id,
        committee_id=committee.id, committee_org_id=committee.org_id,
        policy=policy_snapshot(project.standard_type, settings),
    )


def policy_snapshot(standard_type: StandardType, settings: Settings) -> ProjectPolicy:
    """The type's policy as this deployment runs it: its overrides and the length of a policy day."""
    policy = policy_for(standard_type, settings.policy_overrides)
    return policy.model_copy(update={"day_seconds": settings.policy_day_seconds})


async def complete_task(
    sessions: async_sessionmaker[AsyncSession], client: Client, keys: KeyRing, principal: Principal,
    task_id: uuid.UUID, body: dict,
) -> TaskPublic:
    """Checks the principal's decision on the task against its form and delivers it to the task's
    workflow sealed with `keys` (the worker applies no decision without a seal it verifies); answers
    once the step the decision leads to is written. Reads the task twice, as rows: once to check it
    (in the transaction the principal was read in, when the route handed it on), and once after the
    workflow has written the step, so the answer shows what the step wrote."""
    async with transaction(sessions, read_only=True) as session:
        task = await task_queries.readable_task(session, principal, task_id)
        try:
            form = parse_decision(task.kind, body)
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        done = tasks.check_completion(principal, task, form)
        if done is not None:
            return tasks.to_public(done)
        precondition = form_for(task.kind).precondition
        if precondition is not None:
            await precondition(session, task, form)
    decision = sealed(keys, task_id, form.model_dump(mode="json"), principal.user_id)
    await _deliver(client, task.workflow_id, decision)
    async with transaction(sessions, read_only=True) as session:
        task = await task_queries.task_row(session, task_id)
    if task.decision != decision.decision or task.completed_by_id != principal.user_id:
        raise Conflict("error.task.decided_otherwise")
    return tasks.to_public(task)


def sealed(keys: KeyRing, task_id: uuid.UUID, decision: dict, actor_id: uuid.UUID) -> TaskDecision:
    """The decision with the API's seal: the task, the decision, the person and now, signed."""
    signed_at = datetime.now(timezone.utc)
    key_id, signature = seals.sign(keys, task_id, decision, actor_id, signed_at)
    return TaskDecision(task_id=task_id, decision=decision, actor_id=actor_id,
                        seal=DecisionSeal(key_id=key_id, signed_at=signed_at, signature=signature))


async def _deliver(client: Client, workflow_id: str, decision: TaskDecision) -> dict:
    try:
        return await temporal.complete_task(client, workflow_id, decision)
    except temporal.DecisionRefused as exc:
        raise Conflict(exc.key, **exc.values) from exc
