"""A step the workflow could not write: what it was to do (the stage it was moving to, the tasks it
was opening) and the error, so the person deciding knows what retrying will try again."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.material import builds
from api.web.material.common import Fact
from api.web.page_text import Translator
from services.identity.principal import Principal
from services.tasks.models import Task
from services.tasks.registry import FORMS


def _kind_title(kind: str, t: Translator) -> str:
    form = FORMS.get(kind)
    return t.pick(form.title_zh, form.title_en) if form else t("mat.failure.other_task")


@builds("resolve_failure")
async def failure(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    step = task.context.get("step") or {}
    changes = step.get("changes") or {}
    facts = [Fact(t("mat.failure.error"), task.context.get("error") or t("none"))]
    if changes.get("stage"):
        facts.append(Fact(t("mat.failure.stage"), t.stage(changes["stage"])))
    if changes.get("status"):
        facts.append(Fact(t("mat.failure.status"), t.maybe(f"status.{changes['status']}", changes["status"])))
    if step.get("opens"):
        facts.append(Fact(t("mat.failure.opens"), t.pick("、", ", ").join(_kind_title(k, t) for k in step["opens"])))
    if step.get("completes"):
        facts.append(Fact(t("mat.failure.completes"), t("open_task"), f"/tasks/{step['completes']}"))
    return {"facts": facts}
