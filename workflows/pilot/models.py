"""What a pilot site is enrolled with and what it ends with: plain data, shared by every run."""

import uuid

from pydantic import BaseModel, Field

from contracts.policy import ProjectPolicy


class PilotSiteInput(BaseModel):
    project_id: uuid.UUID
    site_org_id: uuid.UUID
    committee_id: uuid.UUID
    committee_org_id: uuid.UUID
    enrolled_by_id: uuid.UUID
    policy: ProjectPolicy


class PilotSiteResult(BaseModel):
    site_id: uuid.UUID
    org_id: uuid.UUID
    org_code: str
    status: str  # "completed" | "lapsed"
    flagged: bool
    reports_submitted: int
    reports_missed: int
    final_summary: str = ""
    final_metrics: dict[str, float] = Field(default_factory=dict)
