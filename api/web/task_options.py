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
from services.identity.service import display_names, users_with_role
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
# What the task's material shows better (the pilots' summary, the failed step) is left out of the context too.
HIDDEN_CONTEXT = frozenset({"ballot_id", "panel_id", "consultation_id", "request_id", "site_id", "site_org_code",
                            "workflow_id", "error_type", "step", "pilot_summary"})
# Keys whose values name people; whose values are codes with words under a prefix; whose values are times.
PEOPLE = frozenset({"expert_id", "expert_ids", "answered_by_id", "actor_id", "assignee_id", "proposer_id"})
CODED = {"purpose": "purpose", "reason": "mat.leaving", "label": "label", "disposition": "disposition"}
DATED = frozenset({"due_at", "due", "publication_date", "start_date", "closes_at", "since"})


@dataclass(frozen=True)
class ContextRow:
    """One entry in words: text (a link when href is set), or a small table of label/value pairs."""

    label: str
    text: str
    href: str | None = None
    table: list[tuple[str, str]] | None = None


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
    """The task's context, each entry in words: organisations and people by name, drafts as download
    links, dicts as small tables, times in the deployment's zone; ids without a page are left out."""
    shown = {k: v for k, v in task.context.items() if v not in (None, "", [], {}) and k not in HIDDEN_CONTEXT}
    return await rows_in_words(session, principal, shown, "ctx.", t)


async def rows_in_words(
    session: AsyncSession, principal: Principal, entries: dict, prefix: str, t: Translator
) -> list[ContextRow]:
    """Named values (a task's context, a recorded decision) as rows a person reads; labels come from
    the catalogue under `prefix` (or `field.`), never the raw key."""
    known = Known(orgs={org.id: org for org in await list_organisations(session)},
                  names=await display_names(session, {u for k, v in entries.items() if k in PEOPLE
                                                      for u in map(_uuid, v if isinstance(v, list) else [v]) if u}))
    rows = []
    for key, value in entries.items():
        label = t.maybe(prefix + key, t.maybe(f"field.{key}", t("ctx.other")))
        row = await _row(session, principal, key, value, label, known, t)
        if row is not None:
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Known:
    orgs: dict[uuid.UUID, Organisation]
    names: dict[uuid.UUID, str]

    def org(self, value: object, t: Translator) -> str | None:
        org = self.orgs.get(_uuid(value))
        return org_label(org, t) if org else None


async def _row(session: AsyncSession, principal: Principal, key: str, value: object, label: str,
               known: Known, t: Translator) -> ContextRow | None:
    if key.endswith("org_id"):
        return _maybe(label, known.org(value, t))
    if key.endswith("org_ids") and isinstance(value, list):
        return _maybe(label, t.pick("、", ", ").join(filter(None, (known.org(v, t) for v in value))))
    if key in PEOPLE:
        people = [known.names.get(_uuid(v)) for v in (value if isinstance(value, list) else [value])]
        return _maybe(label, t.pick("、", ", ").join(filter(None, people)))
    if key == "draft_id":
        return await _draft_row(session, principal, label, value, t)
    if key == "task_id":
        return ContextRow(label, t("open_task"), f"/tasks/{value}")
    if key == "kind" and value in FORMS:
        return ContextRow(label, t.pick(FORMS[value].title_zh, FORMS[value].title_en))
    if isinstance(value, dict) and not ("name_zh" in value and "name_en" in value):
        return ContextRow(label, "", table=_table(value, t))
    if _uuid(value) is not None:
        return None  # an id with no words and no page of its own means nothing to a reader
    return ContextRow(label, _words(key, value, t))


def _maybe(label: str, text: str | None) -> ContextRow | None:
    return ContextRow(label, text) if text else None


def _table(value: dict, t: Translator) -> list[tuple[str, str]]:
    """A dict (scores, metrics) as rows of a small two-column table."""
    return [(t.maybe(f"field.{k}", t.maybe(f"ctx.{k}", str(k))), _words(str(k), v, t)) for k, v in value.items()]


async def _draft_row(
    session: AsyncSession, principal: Principal, label: str, value: object, t: Translator
) -> ContextRow | None:
    try:
        draft = await drafts.get_draft(session, principal, _uuid(value))
    except NotFound:
        return None
    return ContextRow(label, f"v{draft.version} · {t('label.' + draft.label)}", f"/api/v1/drafts/{draft.id}/file")


def _words(key: str, value: object, t: Translator) -> str:
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, dict):
        if "name_zh" in value and "name_en" in value:
            return t.pick(str(value["name_zh"]), str(value["name_en"]))
        return "; ".join(f"{label}: {words}" for label, words in _table(value, t))
    if isinstance(value, list):
        return t.pick("、", ", ").join(_words(key, v, t) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if key in CODED and isinstance(value, str):
        return t.maybe(f"{CODED[key]}.{value}", value)
    if key in DATED and isinstance(value, str):
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
