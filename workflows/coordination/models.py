"""What a coordination request is started with: plain data, shared by every run."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class CoordinationInput(BaseModel):
    request_id: uuid.UUID
    project_id: uuid.UUID | None = None
    from_org_id: uuid.UUID
    sender_id: uuid.UUID
    to_org_id: uuid.UUID
    subject: str
    due_at: datetime
