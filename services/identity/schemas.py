import uuid

from pydantic import BaseModel, ConfigDict, Field

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
    roles: list[str]
    roles_from_claim: list[str] = Field(description="roles held because the identity provider's groups claim says so")
