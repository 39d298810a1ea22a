"""Plain data crossing between the publication, evaluation and maintenance stages and their activities."""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class PublisherRef(BaseModel):
    org_id: uuid.UUID
    code: str
    name_zh: str
    name_en: str


class PublicationOrder(BaseModel):
    """An approved publication: the number is issued from `number_format`, or is `external_number`."""

    project_id: uuid.UUID
    publisher_org_id: uuid.UUID
    number_format: str
    publication_date: date
    approved_by_id: uuid.UUID
    external_number: str | None = None


class NumberOutcome(BaseModel):
    number: str | None = None
    refused: str = ""  # why an outside number could not be recorded


class EvaluationScores(BaseModel):
    applicability: int
    economic_benefit: int
    social_benefit: int
    coordination: int


class EvaluationRecord(BaseModel):
    project_id: uuid.UUID
    task_id: uuid.UUID
    evaluator_id: uuid.UUID
    org_id: uuid.UUID
    scores: EvaluationScores
    decision: str
    nominate_shanghai_standard: bool = False
    summary: str


class RevisionOrder(BaseModel):
    """Open a revision project with the id the workflow chose, so a retry opens the same one."""

    project_id: uuid.UUID
    revision_id: uuid.UUID
    actor_id: uuid.UUID | None = None
    reasons: str = ""
    source: str = Field(description="evaluation | periodic_review")
