"""What a task's page shows beside its decision form: the material the decision is taken on, per
kind of task (the proposal and the ballot's rule, the draft under review, the panel's requested
changes, the pilot reports, the late task of an escalation...), read through the services and put
into words for the template `material/<kind>.html`.

Each module of this package registers a builder for the kinds it knows with `@builds(kind, ...)`; a
builder takes the page's session, the reader, the task and the translator, and returns the names
its template uses."""

from collections.abc import Awaitable, Callable
from importlib import import_module
from pkgutil import iter_modules
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.page_text import Translator
from services.identity.principal import Principal
from services.tasks.models import Task

Builder = Callable[[AsyncSession, Principal, Task, Translator], Awaitable[dict[str, Any]]]
BUILDERS: dict[str, Builder] = {}


def builds(*kinds: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        for kind in kinds:
            BUILDERS[kind] = builder
        return builder

    return register


async def material_for(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any] | None:
    """The names `material/<kind>.html` renders, or None for a kind that has no material of its own."""
    builder = BUILDERS.get(task.kind)
    return None if builder is None else await builder(session, principal, task, t)


for _module in iter_modules(__path__):
    import_module(f"{__name__}.{_module.name}")
