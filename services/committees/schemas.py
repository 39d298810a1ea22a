import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.committees.models import CommitteeSeat


class CommitteeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: uuid.UUID
    code: str = Field(min_length=2, max_length=32)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class CommitteePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_id: uuid.UUID
    code: str
    name_zh: str
    name_en: str


class CommitteeMemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    seat: CommitteeSeat
    voting: bool
