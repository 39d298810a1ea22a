"""What a pilot site is enrolled with and what it ends with, its workflow's id and the signal it
sends its project: plain data, shared by every run."""

import uuid

from pydantic import BaseModel, Field

from contracts.policy import ProjectPolicy

# A site started on today's code tells the project's workflow once its plan task is open, so that the
# enrolment answers only when every site's first task is in its pilot leads' inboxes.
SITE_OPEN_SIGNAL = "pilot-site-open-signal"
SITE_OPEN = "pilot_site_open"  # the signal, received by ProjectSteps.pilot_site_open
SITE_WORKFLOW = "PilotSiteWorkflow"  # the site's workflow type (workflows/pilot/workflow.py)


def pilot_workflow_id(project_id: object, org_id: object) -> str:
    return f"pilot-{project_id}-{org_id}"


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
