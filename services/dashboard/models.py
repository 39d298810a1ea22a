import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel


class Measure(StrEnum):
    """What a plan target counts; each has one query in services/dashboard/service.py."""

    local_and_group_published = "local_and_group_published"
    national_international_led_or_joined = "national_international_led_or_joined"
    shanghai_standards = "shanghai_standards"
    pilots = "pilots"


class PlanTarget(SQLModel, table=True):
    """One target of a plan: count what `measure` counts, reach `target` by `deadline`."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("plan_code", "key", name="uq_plan_target_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_code: str = Field(max_length=64)
    key: str = Field(max_length=64)
    label_zh: str = Field(max_length=300)
    label_en: str = Field(max_length=300)
    measure: Measure = Field(sa_type=String(64))
    target: int
    deadline: date
