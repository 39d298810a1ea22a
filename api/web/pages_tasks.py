"""A task's page: what it is about, and the form its kind's decision model asks for. A decision goes
through api/pipeline.py's complete_task, exactly as `POST /api/v1/tasks/{id}/complete` does."""

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from api import metrics, pipeline
from api.deps import PrincipalDep, TemporalDep
from api.web import conflict_step
from api.web.decision_form import (
    FormField, Problem, body_from_form, describer, form_fields, problems_from_pydantic, submitted_values,
)
from api.web.i18n import language
from api.web.material import material_for
from api.web.material.common import POLICY_OVERRIDES
from api.web.page_text import Translator
from api.web.pages_common import PageRoute, PageSession, go, is_overdue, page
from api.web.pages_inbox import may_claim, may_unclaim, project_links
from api.web.task_options import OFFERED, ContextRow, context_rows, options_for, rows_in_words
from services.db import transaction
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.principal import Principal
from services.tasks import service as tasks
from services.tasks.models import ACTIVE_STATES, Task, TaskState
from services.tasks.registry import form_for
from services.tasks.schemas import TaskPublic

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SHOWN_REFUSALS = (Conflict, Invalid)  # a decision the workflow or a form check refused: say why on the form


@router.get("/tasks/{task_id}")
async def task_page(
    task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> HTMLResponse:
    """One task: its project, its context, and the decision form when the reader may decide it."""
    task = await tasks.get_readable(session, principal, task_id)
    return await _task_view(request, session, principal, task)


@router.post("/tasks/{task_id}")
async def decide(
    task_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep, client: TemporalDep
) -> Response:
    """Complete the task with the form's decision; a refusal shows the form again with the reasons. An
    expert's declaration of no conflict leads on to the opinion form instead (api/web/conflict_step.py)."""
    data = await request.form()
    kind = await _kind(request, principal, task_id)
    step = conflict_step.step_of(kind, data)
    if step == conflict_step.OPINION and data.get("step") == conflict_step.DECLARATION:
        task = await tasks.get_readable(session, principal, task_id)
        return await _task_view(request, session, principal, task, step=step)
    if step == conflict_step.DECLARATION:
        body, problems = conflict_step.declared_conflict(data)
    else:
        body, problems = body_from_form(form_fields(form_for(kind).form, OFFERED), data)
    status = 422
    if not problems:
        try:
            done = await pipeline.complete_task(request.app.state.sessions, client, request.app.state.decision_keys,
                                                principal, task_id, body)
            metrics.of(request).completed(done)
            return go("/inbox", "task_done")
        except RequestValidationError as exc:
            problems = problems_from_pydantic(list(exc.errors()), skip=1)
        except SHOWN_REFUSALS as exc:
            problems, status = [Problem((exc.field,) if exc.field else (), exc.message, exc.key, exc.values)], exc.status_code
    request.state.refused = True
    task = await tasks.get_readable(session, principal, task_id)
    return await _task_view(request, session, principal, task, status, problems, data, step)


async def _kind(request: Request, principal: Principal, task_id: uuid.UUID) -> str:
    # A transaction of its own, closed before the decision goes to Temporal: the workflow's activity
    # writes the outcome, and on SQLite an open transaction here would keep it waiting.
    async with transaction(request.app.state.sessions) as session:
        return (await tasks.get_readable(session, principal, task_id)).kind


async def _task_view(
    request: Request, session: AsyncSession, principal: Principal, task: Task, status: int = 200,
    problems: list[Problem] | None = None, data: FormData | None = None, step: str | None = None,
) -> HTMLResponse:
    t = Translator(language(request))
    decision = form_for(task.kind)
    why_not = _why_not(principal, task)
    options = {} if why_not else await options_for(session, principal, task, set(decision.form.model_fields), t)
    fields, hidden = _form(task, step or conflict_step.step_of(task.kind, data), set(options))
    public = tasks.to_public(task)
    link = (await project_links(session, principal, {task.project_id} if task.project_id else set())).get(
        task.project_id)
    return page(
        request, "task.html", principal, status_code=status, task=public, link=link,
        project=link.project if link else None,
        context=await context_rows(session, principal, task, t), why_not=why_not,
        fields=fields if not why_not else [], hidden=hidden, options=options,
        values=submitted_values(data), problems=problems or [], describe=describer(t),
        choice=_choice_label(t, task.kind), overdue=is_overdue(task.due_at, task.state in ACTIVE_STATES),
        may_claim=may_claim(principal, public), may_unclaim=may_unclaim(principal, public),
        decided=await _decided_rows(session, principal, public, t) if task.decision else [],
        material=await _material(request, session, principal, task, t),
    )


def _form(task: Task, step: str | None, offered: set[str]) -> tuple[list[FormField], dict[str, str]]:
    """The fields the page's form shows, and the hidden values it carries."""
    if step is not None:
        return conflict_step.step_fields(step, offered)
    fields = form_fields(form_for(task.kind).form, offered)
    if task.kind == "approve_publication" and not task.context.get("number_issued_outside"):
        # The number is typed only where it is issued outside; the others get theirs on approval.
        fields = [f for f in fields if f.name != "external_number"]
    return fields, {}


async def _material(
    request: Request, session: AsyncSession, principal: Principal, task: Task, t: Translator
) -> dict[str, Any] | None:
    """The material of the task's kind, told under the deployment's policy; {"hidden": True} when it
    concerns what the reader may not see."""
    POLICY_OVERRIDES.set(request.app.state.settings.policy_overrides)
    try:
        return await material_for(session, principal, task, t)
    except NotFound:
        return {"hidden": True}


def _why_not(principal: Principal, task: Task) -> str | None:
    """None when the reader may decide the task now; otherwise what the page says instead of a form."""
    if task.state not in ACTIVE_STATES:
        return "closed"
    if task.state == TaskState.claimed and task.assignee_id != principal.user_id:
        return "held_by_other"
    try:
        tasks.check_may_act(principal, task)
    except Forbidden:
        return "not_offered"
    return None


def _choice_label(t: Translator, kind: str) -> Callable[[str], str]:
    return lambda value: t.maybe(f"choice.{kind}.{value}", t.maybe(f"choice.{value}", value))


async def _decided_rows(
    session: AsyncSession, principal: Principal, task: TaskPublic, t: Translator
) -> list[ContextRow]:
    """The recorded decision, field by field, in words: choices by their labels, people, organisations
    and drafts by name, scores and metrics as small tables."""
    choice = _choice_label(t, task.kind)
    coded = {name: choice(value) for name, value in (task.decision or {}).items()
             if name in ("decision", "conflicts") and isinstance(value, str)}
    given = {name: coded.get(name, value) for name, value in (task.decision or {}).items()
             if value not in (None, "", [], {})}
    return await rows_in_words(session, principal, given, "field.", t)
