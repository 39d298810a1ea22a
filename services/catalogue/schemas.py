import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.inputs import NUL_FREE, ClientInput
from services.projects.domains import DOMAINS, FRAMEWORK
from services.projects.models import StandardType
from services.errors import rule

DOMAIN_GROUPS = {g.code for g in FRAMEWORK}


class AuthorityCreate(BaseModel):
    """Register an organisation as a publisher of one type of standard."""

    model_config = ConfigDict(extra="forbid")

    standard_type: StandardType
    org_id: uuid.UUID


class AuthorityPublic(BaseModel):
    id: uuid.UUID
    standard_type: StandardType
    org_id: uuid.UUID
    org_code: str
    org_name_zh: str
    org_name_en: str


class CatalogueStatus(StrEnum):
    upcoming = "upcoming"  # published, its effective date still ahead (即将实施)
    current = "current"  # in force (现行)
    withdrawn = "withdrawn"  # 废止


class CatalogueQuery(ClientInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: str | None = Field(default=None, max_length=200, pattern=NUL_FREE,
                          description="text in the Chinese or English title or in the number")
    type: StandardType | None = None
    domain: str | None = Field(default=None, max_length=64, description="a domain code, or a domain group's code",
                               json_schema_extra={"enum": sorted(DOMAINS) + sorted(DOMAIN_GROUPS)})
    year: int | None = Field(default=None, ge=1900, le=2999, description="year of publication")
    status: CatalogueStatus | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)  # within any database's integers

    @field_validator("domain")
    @classmethod
    def _known_domain(cls, value: str | None) -> str | None:
        if value is not None and value not in DOMAINS and value not in DOMAIN_GROUPS:
            raise rule("unknown_domain_filter", value=value)
        return value


class PublisherPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str


class CatalogueEntry(BaseModel):
    """What anyone may read about a published standard."""

    id: uuid.UUID
    number: str
    title_zh: str
    title_en: str
    standard_type: StandardType
    domain: str
    scope: str
    published_at: datetime
    publication_date: date
    effective_from: date | None
    publisher: PublisherPublic
    shanghai_standard: bool
    status: CatalogueStatus


class CataloguePage(BaseModel):
    items: list[CatalogueEntry]
    total: int
    limit: int
    offset: int
