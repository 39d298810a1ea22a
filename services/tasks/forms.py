"""The decision each kind of task expects. A request body is checked against its kind's form."""

from collections.abc import Awaitable, Callable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.identity.permissions import Permission
from services.inputs import ClientInput
from services.tasks.models import Task
from services.words import say
from services.errors import rule


class DecisionForm(ClientInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: str
    comment: str = Field(default="", max_length=20_000)


class ScreenProposal(DecisionForm):
    """Screen a submitted proposal: accept it for the committee's ballot, return it for revision, or reject it."""

    decision: choice("screen_proposal")
    reasons: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _reasons_for_return_or_reject(self) -> "ScreenProposal":
        if self.decision in ("return", "reject") and not self.reasons:
            raise rule("reasons_to_return_proposal" if self.decision == "return" else "reasons_to_reject_proposal")
        return self


class ReviseProposal(DecisionForm):
    """Revise the returned proposal and resubmit it, or withdraw it."""

    decision: choice("revise_proposal")


class ResolveFailure(DecisionForm):
    """A step of the workflow failed in a way no retry fixes (the error is in the task's context):
    try it again once the data is put right, or abandon it and withdraw the project."""

    decision: choice("resolve_failure")
    reasons: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _reasons_to_abandon(self) -> "ResolveFailure":
        if self.decision == "abandon" and not self.reasons:
            raise rule("reasons_to_abandon")
        return self


class TaskForm(BaseModel):
    """A kind of task: the decision form it takes, the permission needed to decide it, its title (in
    the catalogues, services/words, as `kind.<kind>`)."""

    kind: str
    form: type[DecisionForm]
    permission: Permission
    # Checked against the database before the decision goes to the workflow, e.g. "every comment
    # has a disposition"; raises a DomainError (409/422) to refuse it.
    precondition: Callable[[AsyncSession, Task, DecisionForm], Awaitable[None]] | None = None

    def title(self, lang: str) -> str:
        return say(lang, f"kind.{self.kind}")

    @property
    def title_zh(self) -> str:
        return self.title("zh")

    @property
    def title_en(self) -> str:
        return self.title("en")


PROPOSAL_FORMS = [
    TaskForm(
        kind="screen_proposal", form=ScreenProposal, permission=Permission.PROJECT_SCREEN,
    ),
    TaskForm(
        kind="revise_proposal", form=ReviseProposal, permission=Permission.PROJECT_PROPOSE,
    ),
]

# Offered to the people a missed deadline escalates to: the committee's secretaries, or an
# organisation's admins (workflows/core/failures.py).
FAILURE_FORMS = [
    TaskForm(
        kind="resolve_failure", form=ResolveFailure, permission=Permission.ESCALATION_ACKNOWLEDGE,
    ),
]
