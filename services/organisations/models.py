import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from services.db import utcnow


class OrgKind(StrEnum):
    government = "government"
    district = "district"
    industry = "industry"
    academia = "academia"
    enterprise = "enterprise"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=32, unique=True, description="short code, used in standard numbers")
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    kind: OrgKind = Field(sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow)
