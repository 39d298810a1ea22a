import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.inputs import ClientInput
from services.projects.domains import DOMAINS
from services.projects.models import CoDrafterState, ProjectStatus, Stage, StandardType
from services.errors import rule

_TITLE = Field(min_length=1, max_length=300)
_TEXT = Field(min_length=1, max_length=20_000)
_OPTIONAL_TEXT = Field(default="", max_length=20_000)
_DOMAIN_CODES = {"enum": sorted(DOMAINS)}


def _unchanged_when_omitted(schema: dict) -> None:
    """An edit's field left out keeps its value; null is refused, as the proposal needs every one."""
    schema.pop("default", None)


def _domain_edit(schema: dict) -> None:
    _unchanged_when_omitted(schema)
    schema.update(_DOMAIN_CODES)


def _known_domain(value: str | None) -> str | None:
    if value is not None and value not in DOMAINS:
        raise rule("unknown_domain", value=value)
    return value


class ProjectCreate(ClientInput):
    """What a proposer fills in. The lead organisation is one where the proposer holds the proposer role."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title_zh: str = _TITLE
    title_en: str = _TITLE
    scope: str = _TEXT
    rationale: str = _TEXT
    standard_type: StandardType
    domain: str = Field(max_length=64, json_schema_extra=_DOMAIN_CODES)
    committee_id: uuid.UUID
    lead_org_id: uuid.UUID | None = None
    co_drafting_org_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50,
        description="organisations invited to co-draft: each takes part once one of its admins accepts")
    relation_to_existing: str = _OPTIONAL_TEXT
    known_patents: str = _OPTIONAL_TEXT
    target_completion: date | None = None

    _domain = field_validator("domain")(_known_domain)


class ProjectUpdate(ClientInput):
    """Any subset of the proposal's fields, while it is a draft or returned."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title_zh: str = Field(default=None, min_length=1, max_length=300, json_schema_extra=_unchanged_when_omitted)
    title_en: str = Field(default=None, min_length=1, max_length=300, json_schema_extra=_unchanged_when_omitted)
    scope: str = Field(default=None, min_length=1, max_length=20_000, json_schema_extra=_unchanged_when_omitted)
    rationale: str = Field(default=None, min_length=1, max_length=20_000, json_schema_extra=_unchanged_when_omitted)
    domain: str = Field(default=None, max_length=64, json_schema_extra=_domain_edit)
    co_drafting_org_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=50,
        description="the co-drafters wanted: those accepted or invited stay, new or declined ones are invited, "
                    "those left out are dropped")
    relation_to_existing: str = Field(default=None, max_length=20_000, json_schema_extra=_unchanged_when_omitted)
    known_patents: str = Field(default=None, max_length=20_000, json_schema_extra=_unchanged_when_omitted)
    target_completion: date | None = None

    _domain = field_validator("domain")(_known_domain)


class CoDrafterPublic(BaseModel):
    """An organisation the proposer named as co-drafter: invited until one of its admins accepts or
    declines; only an accepted one takes part."""

    model_config = ConfigDict(from_attributes=True)

    org_id: uuid.UUID
    state: CoDrafterState
    invited_by_id: uuid.UUID | None
    invited_at: datetime | None
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    decision_comment: str


class ProjectPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title_zh: str
    title_en: str
    scope: str
    rationale: str
    standard_type: StandardType
    domain: str
    relation_to_existing: str
    known_patents: str
    target_completion: date | None
    stage: Stage
    step: str
    status: ProjectStatus
    lead_org_id: uuid.UUID
    proposer_id: uuid.UUID
    committee_id: uuid.UUID
    co_drafting_org_ids: list[uuid.UUID] = Field(
        default_factory=list, description="the co-drafters that accepted; see co_drafter_invitations for all")
    co_drafter_invitations: list[CoDrafterPublic] = Field(default_factory=list)
    workflow_id: str | None
    return_count: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    number: str | None
    published_at: datetime | None
    effective_from: date | None
    shanghai_standard: bool
    revises_id: uuid.UUID | None
