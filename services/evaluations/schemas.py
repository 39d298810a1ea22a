import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.evaluations.models import EvaluationDecision

_SCORE = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")


class Scores(BaseModel):
    model_config = ConfigDict(extra="forbid")

    applicability: int = _SCORE
    economic_benefit: int = _SCORE
    social_benefit: int = _SCORE
    coordination: int = _SCORE


class EvaluationCreate(BaseModel):
    """What the evaluation task records; the workflow hands it over once the evaluator decided."""

    project_id: uuid.UUID
    task_id: uuid.UUID
    evaluator_id: uuid.UUID
    org_id: uuid.UUID
    scores: Scores
    decision: EvaluationDecision
    nominate_shanghai_standard: bool = False
    summary: str


class EvaluationPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    evaluator_id: uuid.UUID
    org_id: uuid.UUID
    scores: Scores
    decision: EvaluationDecision
    nominate_shanghai_standard: bool
    summary: str
    created_at: datetime
