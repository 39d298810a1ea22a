"""What a task page offers and shows beside the decision form: the choices for fields that name
people, organisations or drafts, and the task's context in words rather than ids. All of it read
through the services, so the page offers what the form's own checks will accept."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.page_text import Translator
from api.web.pages_common import local_day, local_time
from services.drafts import service as drafts
from services.errors import NotFound
from services.identity.permissions import Role
from services.identity.principal import Principal
from services.identity.service import users_with_role
from services.organisations.models import Organisation
from services.organisations.service import list_organisations
from services.panels import eligibility
from services.pilots.service import HOST_KINDS
from services.tasks.models import Task
from services.tasks.registry import FORMS

Option = tuple[str, str]  # the value sent, the words shown

# Fields whose choices the page can list; any other id field is typed in.
EXPERT_FIELDS = ("expert_ids", "expert_id")
OFFERED = frozenset({*EXPERT_FIELDS, "site_org_ids", "to_org_id", "draft_id"})
# Ids in a context that mean nothing to a reader and have no page of their own here.
HIDDEN_CONTEXT = frozenset({"ballot_id", "panel_id", "consultation_id", "request_id", "site_id", "answered_by_id"})


@dataclass(frozen=True)
class ContextRow:
    label: str
    text: str
    href: str | None = None


def org_label(org: Organisation, t: Translator) -> str:
    return f"{t.pick(org.name_zh, org.name_en)} ({org.code})"


async def options_for(
    session: AsyncSession, principal: Principal, task: Task, names: set[str], t: Translator
) -> dict[str, list[Option]]:
    """Choices for each of the form's fields in OFFERED, read now."""
    wanted = names & OFFERED
    orgs = await list_organisations(session) if wanted else []
    options: dict[str, list[Option]] = {}
    if wanted & set(EXPERT_FIELDS):
        experts = await eligible_experts(session, task.project_id, orgs)
        options.update({name: experts for name in wanted & set(EXPERT_FIELDS)})
    if "site_org_ids" in wanted:
        options["site_org_ids"] = [(str(o.id), org_label(o, t)) for o in orgs if o.kind in HOST_KINDS]
    if "to_org_id" in wanted:
        options["to_org_id"] = [(str(o.id), org_label(o, t)) for o in orgs if o.id != task.candidate_org_id]
    if "draft_id" in wanted and task.project_id is not None:
        options["draft_id"] = [
            (str(d.id), f"v{d.version} · {t('label.' + d.label)} · {d.original_filename or d.sha256[:12]}")
            for d in reversed(await drafts.list_drafts(session, principal, task.project_id))
        ]
    return options


async def eligible_experts(
    session: AsyncSession, project_id: uuid.UUID | None, orgs: list[Organisation]
) -> list[Option]:
    """Holders of the expert role who belong to none of the project's drafting organisations."""
    ids = list(dict.fromkeys([uid for org in orgs for uid in await users_with_role(session, org.id, Role.expert)]))
    found = await eligibility.candidates(session, project_id, ids)
    codes = {org.id: org.code for org in orgs}
    eligible = [c for uid, c in found.items() if not eligibility.problems_with(c, uid)]
    return [
        (str(c.user.id), f"{c.label} · {', '.join(codes[o] for o in c.expert_org_ids)}")
        for c in sorted(eligible, key=lambda c: c.user.username)
    ]


async def context_rows(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> list[ContextRow]:
    """The task's context, each entry in words: organisations by name, drafts as download links,
    times in China Standard Time."""
    orgs = {org.id: org for org in await list_organisations(session)}
    rows = []
    for key, value in task.context.items():
        if value in (None, "", [], {}) or key in HIDDEN_CONTEXT:
            continue
        rows.append(await _row(session, principal, key, value, orgs, t))
    return rows


async def _row(session: AsyncSession, principal: Principal, key: str, value: object,
               orgs: dict[uuid.UUID, Organisation], t: Translator) -> ContextRow:
    label = t.maybe(f"ctx.{key}", key)
    if key.endswith("org_id"):
        org = orgs.get(_uuid(value))
        return ContextRow(label, org_label(org, t) if org else str(value))
    if key == "draft_id":
        return await _draft_row(session, principal, label, value, t)
    if key == "task_id":
        return ContextRow(label, t("open_task"), f"/tasks/{value}")
    if key == "kind" and value in FORMS:
        return ContextRow(label, t.pick(FORMS[value].title_zh, FORMS[value].title_en))
    return ContextRow(label, _words(key, value, t))


async def _draft_row(
    session: AsyncSession, principal: Principal, label: str, value: object, t: Translator
) -> ContextRow:
    try:
        draft = await drafts.get_draft(session, principal, _uuid(value))
    except NotFound:
        return ContextRow(label, str(value))
    return ContextRow(label, f"v{draft.version} · {t('label.' + draft.label)}", f"/api/v1/drafts/{draft.id}/file")


def _words(key: str, value: object, t: Translator) -> str:
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, dict):
        if "name_zh" in value and "name_en" in value:
            return t.pick(str(value["name_zh"]), str(value["name_en"]))
        return "; ".join(f"{t.maybe('ctx.' + k, k)}: {_words(k, v, t)}" for k, v in value.items())
    if key == "purpose":
        return t.maybe(f"purpose.{value}", str(value))
    if key in ("due_at", "due") and isinstance(value, str):
        return _when(value)
    return str(value)


def _when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return local_time(moment) if "T" in text else local_day(moment.date())


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
