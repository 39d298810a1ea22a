import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_issuer_subject"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str = Field(max_length=150, unique=True)
    display_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    password_hash: str | None = Field(default=None, max_length=255)
    issuer: str | None = Field(default=None, max_length=500, description="OIDC issuer for external accounts")
    subject: str | None = Field(default=None, max_length=255)
    is_platform_admin: bool = False
    is_active: bool = True
    # The language the person chose for the pages, notices and mails ("zh" or "en"); None until they
    # choose, and then notices and mails are in Chinese.
    language: str | None = Field(default=None, max_length=8)
    # An expert's fields: domain codes of the standards-system framework (services/identity/expertise.py).
    expertise: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    created_at: datetime = Field(default_factory=utcnow)


class MembershipState(StrEnum):
    """A role granted to a person who belongs to another organisation waits for their acceptance."""

    invited = "invited"
    active = "active"


class Membership(SQLModel, table=True):
    """One role a user holds in one organisation; only an active one grants anything."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "org_id", "role", name="uq_membership_role"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=32)
    # Granted because the identity provider's groups claim said so; the next sign-in may take it away.
    from_claim: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    state: MembershipState = Field(default=MembershipState.active, sa_type=String(16),
                                   sa_column_kwargs={"server_default": MembershipState.active.value})
    invited_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries a random key; only its hash is stored, and signing out
    ends the row, so a copied cookie stops working too."""

    __tablename__ = "web_session"

    key_hash: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    issuer: str | None = Field(default=None, max_length=500, description="set when signed in at a provider")
    id_token: str | None = Field(default=None, sa_type=Text, description="the provider's ID token, for sign-out")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """One password check, kept for the length of the rate-limit window."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=150, index=True)
    address: str = Field(max_length=64, index=True)
    succeeded: bool
    at: datetime = Field(default_factory=utcnow, index=True)
