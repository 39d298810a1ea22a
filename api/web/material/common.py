"""What several kinds' material shares: facts as label/text/link rows, the project's proposal in
words, a draft as a link to its file, and the policy the project runs under."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.page_text import Translator
from api.web.pages_common import local_day
from contracts.policy import ProjectPolicy
from services.committees.service import get_committee
from services.drafts import service as drafts
from services.drafts.models import DraftVersion
from services.errors import NotFound
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.organisations.service import list_organisations
from services.projects import service as projects
from services.projects.models import StandardProject
from services.projects.policy import policy_for

# The deployment's policy overrides, set by the task page from its settings, so a project's rule is
# told as this deployment runs it.
POLICY_OVERRIDES: ContextVar[dict] = ContextVar("policy_overrides", default={})


@dataclass(frozen=True)
class Fact:
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Table:
    """Rows of cells under a head; a cell is text, a When or a Link. Shown inside a scrolling frame on
    small screens."""

    head: list[str]
    rows: list[list[str | Link]]


def project_policy(project: StandardProject) -> ProjectPolicy:
    return policy_for(project.standard_type, POLICY_OVERRIDES.get())


def org_name(org: Organisation | None, t: Translator) -> str:
    return t.pick(org.name_zh, org.name_en) if org else t("none")


async def organisations(session: AsyncSession) -> dict[uuid.UUID, Organisation]:
    return {org.id: org for org in await list_organisations(session)}


def draft_words(draft: DraftVersion, t: Translator) -> str:
    """e.g. "v2 · 征求意见稿 · 草案.pdf"."""
    name = draft.original_filename or f"{draft.sha256[:12]}"
    return f"v{draft.version} · {t('label.' + draft.label)} · {name}"


def draft_href(draft: DraftVersion) -> str:
    return f"/api/v1/drafts/{draft.id}/file"


async def draft_fact(
    session: AsyncSession, principal: Principal, label: str, draft_id: object, t: Translator
) -> Fact | None:
    """The draft as a link to its file; None when there is no such draft the reader may see."""
    try:
        draft = await drafts.get_draft(session, principal, uuid.UUID(str(draft_id)))
    except (NotFound, ValueError):
        return None
    return Fact(label, draft_words(draft, t), draft_href(draft))


async def latest_draft(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, label: str | None = None
) -> DraftVersion | None:
    """The project's newest draft the reader may see, of this label when given."""
    found = [d for d in await drafts.list_drafts(session, principal, project_id) if label in (None, d.label)]
    return found[-1] if found else None


async def proposal_facts(
    session: AsyncSession, project: StandardProject, t: Translator
) -> list[Fact]:
    """The proposal as its proposer wrote it, with organisations and committee by name; empty
    entries left out."""
    orgs = await organisations(session)
    co_drafters = [orgs[o] for o in await projects.drafting_org_ids(session, project.id) if o != project.lead_org_id]
    committee = await get_committee(session, project.committee_id)
    rows = [
        (t("project.title_zh"), project.title_zh), (t("project.title_en"), project.title_en),
        (t("project.standard_type"), t.standard_type(project.standard_type)),
        (t("project.domain"), t.domain(project.domain)),
        (t("project.lead_org_id"), org_name(orgs.get(project.lead_org_id), t)),
        (t("project.co_drafting_org_ids"), t.pick("、", ", ").join(org_name(o, t) for o in co_drafters)),
        (t("project.committee_id"), t.title(committee)),
        (t("project.scope"), project.scope), (t("project.rationale"), project.rationale),
        (t("project.relation_to_existing"), project.relation_to_existing),
        (t("project.known_patents"), project.known_patents),
        (t("project.target_completion"), local_day(project.target_completion) if project.target_completion else ""),
    ]
    return [Fact(label, text) for label, text in rows if text]


async def readable_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID | None
) -> StandardProject:
    """The task's project; NotFound (the page then says the material is not open to the reader)."""
    if project_id is None:
        raise NotFound("error.task.no_project")
    return await projects.get_readable(session, principal, project_id)
