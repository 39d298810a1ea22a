import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
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
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    """One role a user holds in one organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "org_id", "role", name="uq_membership_role"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    org_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
