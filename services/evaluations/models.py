import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from services.db import utcnow

CRITERIA = ("applicability", "economic_benefit", "social_benefit", "coordination")


class EvaluationDecision(StrEnum):
    effective = "effective"
    needs_revision = "needs_revision"
    withdraw = "withdraw"


class Evaluation(SQLModel, table=True):
    """An evaluator's scores (1–5 on each criterion) of how a published standard works in practice."""

    __tablename__ = "evaluation"
    __table_args__ = tuple(
        CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"ck_evaluation_{name}") for name in CRITERIA
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    task_id: uuid.UUID = Field(foreign_key="task.id", unique=True)
    evaluator_id: uuid.UUID = Field(foreign_key="user_account.id")
    org_id: uuid.UUID = Field(foreign_key="organisation.id")
    applicability: int
    economic_benefit: int
    social_benefit: int
    coordination: int
    decision: EvaluationDecision = Field(sa_type=String(16))
    nominate_shanghai_standard: bool = False
    summary: str
    created_at: datetime = Field(default_factory=utcnow)
