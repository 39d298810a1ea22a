"""The decision on how a published standard works in practice."""

from pydantic import Field, model_validator

from contracts.choices import choice
from services.evaluations.schemas import Scores
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm
from services.errors import rule


class EvaluateImplementation(DecisionForm):
    """Score the standard's implementation from 1 to 5 on each criterion, decide whether it is effective,
    needs revision (a revision project opens) or should be withdrawn, and, for an effective standard,
    whether to nominate it for the "Shanghai Standard" (上海标准) label."""

    scores: Scores
    decision: choice("evaluate_implementation")
    nominate_shanghai_standard: bool = False
    summary: str = Field(min_length=1, max_length=20_000)

    @model_validator(mode="after")
    def _nominate_only_effective(self) -> "EvaluateImplementation":
        if self.nominate_shanghai_standard and self.decision != "effective":
            raise rule("label_effective_only")
        return self


EVALUATION_FORMS = [
    TaskForm(
        kind="evaluate_implementation", form=EvaluateImplementation, permission=Permission.EVALUATION_SCORE,
    ),
]
