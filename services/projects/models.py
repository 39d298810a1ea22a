import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from contracts.policy import StandardType
from services.db import utcnow


class Stage(StrEnum):
    proposal = "proposal"
    committee_review = "committee_review"
    drafting = "drafting"
    public_consultation = "public_consultation"
    expert_demonstration = "expert_demonstration"
    publication = "publication"
    pilot = "pilot"
    evaluation = "evaluation"
    maintenance = "maintenance"


class ProjectStatus(StrEnum):
    draft = "draft"  # being written, not yet submitted
    active = "active"  # in the pipeline, a workflow carries it
    returned = "returned"  # sent back to the proposer for revision
    rejected = "rejected"
    withdrawn = "withdrawn"


class StandardProject(SQLModel, table=True):
    __tablename__ = "project"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title_zh: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    scope: str
    rationale: str
    standard_type: StandardType = Field(sa_type=String(16))
    domain: str = Field(max_length=64, index=True)
    relation_to_existing: str = ""
    known_patents: str = ""
    target_completion: date | None = None
    stage: Stage = Field(default=Stage.proposal, sa_type=String(32), index=True)
    step: str = Field(default="", max_length=64)
    status: ProjectStatus = Field(default=ProjectStatus.draft, sa_type=String(16), index=True)
    lead_org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    proposer_id: uuid.UUID = Field(foreign_key="user_account.id")
    committee_id: uuid.UUID = Field(foreign_key="committee.id", index=True)
    workflow_id: str | None = Field(default=None, max_length=100)
    return_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    number: str | None = Field(default=None, max_length=64, unique=True)
    published_at: datetime | None = None
    effective_from: date | None = None
    shanghai_standard: bool = False
    revises_id: uuid.UUID | None = Field(default=None, foreign_key="project.id")


class CoDrafterState(StrEnum):
    """A co-drafter named by the proposer takes part only once its organisation's admin accepts."""

    invited = "invited"
    accepted = "accepted"
    declined = "declined"


class ProjectOrganisation(SQLModel, table=True):
    """An organisation taking part in drafting: the lead, or a co-drafter. Only an accepted one takes
    part (reads the project, drafts, is told the outcomes, keeps its experts off the panel)."""

    __tablename__ = "project_organisation"
    __table_args__ = (UniqueConstraint("project_id", "org_id", name="uq_project_organisation"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    part: str = Field(max_length=16)  # lead | co_drafter
    state: CoDrafterState = Field(default=CoDrafterState.accepted, sa_type=String(16),
                                  sa_column_kwargs={"server_default": CoDrafterState.accepted.value})
    invited_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    invited_at: datetime | None = None
    # The workflow that carries the invitation to the organisation's admins (workflows/consent/workflow.py).
    workflow_id: str | None = Field(default=None, max_length=100)
    decided_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = None
    decision_comment: str = Field(default="", max_length=20_000, sa_column_kwargs={"server_default": ""})
