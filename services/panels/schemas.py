import uuid
from datetime import datetime

from pydantic import BaseModel

from services.panels.models import MemberState, Opinion


class PanelMemberPublic(BaseModel):
    """A seat on the panel. The opinion and comments stay empty until the panel concludes, so no
    expert reads another's opinion before giving their own."""

    user_id: uuid.UUID
    username: str
    display_name: str
    org_id: uuid.UUID
    state: MemberState
    conflict_details: str
    answered: bool
    answered_at: datetime | None
    opinion: Opinion | None = None
    comments: str | None = None
    replaced_by_id: uuid.UUID | None


class PanelPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    committee_id: uuid.UUID
    formed_at: datetime
    concluded_at: datetime | None
    result: str | None
    tally: dict | None
    members: list[PanelMemberPublic]
