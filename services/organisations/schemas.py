import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.inputs import ClientInput
from services.organisations.models import OrgKind


class OrganisationBase(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    kind: OrgKind


class OrganisationCreate(OrganisationBase, ClientInput):
    model_config = ConfigDict(extra="forbid")


class OrganisationPublic(OrganisationBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
