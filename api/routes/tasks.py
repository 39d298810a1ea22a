import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import PlainValidator

from api import metrics, pipeline
from api.deps import PrincipalDep, SessionDep, TemporalDep
from api.errors import refusals
from services.tasks import feed, service as tasks
from services.tasks.registry import Decision
from services.tasks.schemas import TaskDetail, TaskFilter, TaskPage, TaskPublic, TaskScope, TaskSummary

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"], responses=refusals(401, 422))


def _json_object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


# Documented as the union of every kind's decision; read as a JSON object, which the pipeline checks
# against the task's own kind once it has read the task (a body without `kind` is meant for the task).
DecisionBody = Annotated[dict[str, Any], PlainValidator(_json_object, json_schema_input_type=Decision)]


@router.get("", response_model=TaskPage)
async def list_tasks(
    request: Request, session: SessionDep, principal: PrincipalDep, flt: Annotated[TaskFilter, Query()]
) -> TaskPage:
    """Your inbox: tasks assigned to you and tasks offered to your organisations' roles.

    Filter with `assigned=me|candidate`, `state`, `kind`, `project_id`, `overdue`, `due_before`;
    sort by `due` (soonest first, tasks without a due date last; the default), `priority` (highest
    first, then by due date) or `age` (oldest first); page with `limit` and the `next_cursor` you were
    given, keeping the same sort.
    """
    with metrics.of(request).inbox.time():
        return await tasks.list_tasks(session, principal, flt)


@router.get("/summary", response_model=TaskSummary)
async def summarise_tasks(
    session: SessionDep, principal: PrincipalDep, scope: Annotated[TaskScope, Query()]
) -> TaskSummary:
    """How many tasks your inbox holds per scope (all, assigned to you, offered to your roles,
    overdue) under the chosen `kind`, and per kind under the chosen scope (`assigned`, `overdue`).
    The kinds listed are those you can receive (your roles permit them) and any you hold."""
    return await tasks.summarise(session, principal, scope)


@router.get("/{task_id}", response_model=TaskDetail, responses=refusals(404))
async def get_task(task_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> TaskDetail:
    """One task, with the JSON schema of the decision it expects."""
    return tasks.to_detail(await tasks.get_readable(session, principal, task_id))


@router.post("/{task_id}/claim", response_model=TaskPublic, responses=refusals(403, 404, 409))
async def claim_task(task_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> TaskPublic:
    """Take a task offered to your role, so that nobody else works on it. 409 if someone holds it."""
    task = await tasks.claim(session, principal, task_id)
    await feed.announce_claim(session, task, claimed=True)
    return tasks.to_public(task)


@router.post("/{task_id}/unclaim", response_model=TaskPublic, responses=refusals(404, 409))
async def unclaim_task(task_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> TaskPublic:
    """Give a task you claimed back to everyone it is offered to."""
    task = await tasks.unclaim(session, principal, task_id)
    await feed.announce_claim(session, task, claimed=False)
    return tasks.to_public(task)


@router.post("/{task_id}/complete", response_model=TaskPublic, responses=refusals(400, 403, 404, 409, 413, 503))
async def complete_task(
    task_id: uuid.UUID,
    request: Request,
    principal: PrincipalDep,
    client: TemporalDep,
    body: Annotated[DecisionBody, Body(examples=[{"kind": "screen_proposal", "decision": "return",
                                                  "reasons": "scope unclear"}])],
) -> TaskPublic:
    """Complete a task with a decision of the form its kind expects (see `GET /api/v1/tasks/{id}`).

    The body is one of the decisions below, told apart by `kind`, the task's kind. A body without
    `kind` is taken as meant for the task; one whose `kind` is another kind's is refused (422).
    The project's workflow checks the decision is allowed now (409 with the reason if not).
    Sending the same decision again returns the same result; a different one after completion is 409.
    """
    done = await pipeline.complete_task(request.app.state.sessions, client, request.app.state.decision_keys,
                                        principal, task_id, body)
    metrics.of(request).completed(done)
    return done
