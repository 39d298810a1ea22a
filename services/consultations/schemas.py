import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.consultations.models import ConsultationStatus, Disposition
from services.inputs import NOT_BLANK, ClientInput
from services.errors import rule


class CommentCreate(ClientInput):
    """A comment on one clause of the consultation draft, made on behalf of one of your organisations
    (your first one unless you name another in `org_id`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    clause: str = Field(min_length=1, max_length=64, examples=["5.2.1"])
    comment: str = Field(min_length=1, max_length=20_000)
    proposed_change: str = Field(default="", max_length=20_000)
    org_id: uuid.UUID | None = None


class DispositionSet(ClientInput):
    """The working group's disposition of a comment; a reason is required unless it is accepted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"anyOf": [
        {"properties": {"disposition": {"const": "accepted"}}},
        {"properties": {"reason": {"pattern": NOT_BLANK}}, "required": ["reason"]},
    ]})

    disposition: Disposition
    reason: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _reason_unless_accepted(self) -> "DispositionSet":
        if self.disposition != Disposition.accepted and not self.reason:
            raise rule("reason_partially_accepted" if self.disposition == Disposition.partially_accepted
                       else "reason_not_accepted")
        return self


class CommentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    consultation_id: uuid.UUID
    project_id: uuid.UUID
    number: int
    clause: str
    comment: str
    proposed_change: str
    org_id: uuid.UUID
    org_code: str = ""
    org_name_zh: str = ""
    author_id: uuid.UUID
    created_at: datetime
    disposition: Disposition | None
    reason: str
    disposed_by: uuid.UUID | None
    disposed_at: datetime | None


class OwnComment(CommentPublic):
    """A comment one's organisation made, with the project it was on: read by its organisation's
    members at any time, also once the consultation has closed and the project has moved on."""

    project_title_zh: str
    project_title_en: str
    project_number: str | None
    consultation_closes_at: datetime
    consultation_closed: bool


class ConsultationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    draft_id: uuid.UUID
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    concluded_at: datetime | None
    status: ConsultationStatus
    comments: int = 0
    undisposed: int = 0
