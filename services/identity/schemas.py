import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.identity.models import MembershipState
from services.identity.permissions import Role
from services.inputs import ClientInput


class UserCreate(ClientInput):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class MembershipPublic(BaseModel):
    org_id: uuid.UUID
    org_code: str
    org_kind: str
    roles: list[str]
    permissions: list[str]


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    email: str | None


class Me(UserPublic):
    is_platform_admin: bool
    memberships: list[MembershipPublic]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MemberAdd(ClientInput):
    """Give a person (by username) a role in the organisation; they become a member if they were not."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=150)
    role: Role


class MemberPublic(BaseModel):
    user_id: uuid.UUID
    username: str
    display_name: str
    state: MembershipState = Field(
        description="invited while the person, who belongs to another organisation, has accepted no role here")
    roles: list[str] = Field(description="the roles the person holds here")
    roles_from_claim: list[str] = Field(description="roles held because the identity provider's groups claim says so")
    invited_roles: list[str] = Field(
        default_factory=list, description="roles offered to the person, which grant nothing until they accept")


class InvitationPublic(BaseModel):
    """A role an organisation's admin offered you; it grants nothing until you accept."""

    id: uuid.UUID
    org_id: uuid.UUID
    org_code: str
    org_name_zh: str
    org_name_en: str
    role: Role
    invited_by_id: uuid.UUID | None
    invited_by: str = Field(description="the display name of the admin who invited you")
    invited_at: datetime
