"""The decisions on publishing a standard and on its periodic review."""

from datetime import date

from pydantic import Field, field_validator, model_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.catalogue.numbering import check_external_number
from services.catalogue.service import today
from services.errors import Invalid, rule
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task

class ApprovePublication(DecisionForm):
    """Approve the standard for publication, or return it to drafting with reasons. A national or
    international standard is published with the number issued outside (`external_number`); the
    others get their number on approval. The effective date follows the publication date (today
    when not given)."""

    decision: choice("approve_publication")
    publication_date: date | None = None
    external_number: str | None = Field(default=None, min_length=1, max_length=64)
    reasons: str = Field(default="", max_length=20_000)

    @field_validator("publication_date")
    @classmethod
    def _not_in_the_past(cls, value: date | None) -> date | None:
        if value is not None and value < today():
            raise rule("date_in_past")
        return value

    @model_validator(mode="after")
    def _fits_the_decision(self) -> "ApprovePublication":
        if self.decision == "return" and not self.reasons:
            raise rule("reasons_return_standard")
        if self.decision == "return" and (self.publication_date or self.external_number):
            raise rule("returned_no_number")
        return self


async def check_number(session: AsyncSession, task: Task, form: ApprovePublication) -> None:
    """The workflow says in the task whether the number comes from outside; an outside number must be
    given and be new."""
    if form.decision != "approve":
        return
    if task.context.get("number_issued_outside"):
        await check_external_number(session, task.project_id, form.external_number)
    elif form.external_number is not None:
        raise Invalid("error.number.not_external", field="external_number")


class PeriodicReview(DecisionForm):
    """Review the published standard: confirm it as it is, revise it (a revision project opens for its
    proposer), or withdraw it. Revising and withdrawing need reasons."""

    decision: choice("periodic_review")
    reasons: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _reasons_to_change(self) -> "PeriodicReview":
        if self.decision in ("revise", "withdraw") and not self.reasons:
            raise rule("reasons_to_revise_standard" if self.decision == "revise" else "reasons_to_withdraw_standard")
        return self


PUBLICATION_FORMS = [
    TaskForm(
        kind="approve_publication", form=ApprovePublication, permission=Permission.PUBLICATION_APPROVE,
        precondition=check_number,
    ),
    TaskForm(
        kind="periodic_review", form=PeriodicReview, permission=Permission.REVIEW_DECIDE,
    ),
]
