"""What a co-drafter's consent is asked with: plain data, shared by every run."""

import uuid

from pydantic import BaseModel


class CoDrafterConsentInput(BaseModel):
    link_id: uuid.UUID  # the ProjectOrganisation row of the invitation
    project_id: uuid.UUID
    org_id: uuid.UUID
    invited_by_id: uuid.UUID | None = None
