"""The decisions of the expert demonstration stage: forming the panel, each expert's opinion,
replacing an expert who left, and the revised draft a "pass with revisions" asks for."""

import uuid
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, model_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.drafts.models import LABEL_ZH, DraftLabel, DraftVersion
from services.errors import Invalid, rule
from services.identity.permissions import Permission
from services.panels import eligibility
from services.panels.service import sat_on
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task

_TEXT = Field(default="", max_length=20_000)
# A decision is stored, delivered and compared as JSON, so ids dump as strings.
Id = Annotated[uuid.UUID, PlainSerializer(str, return_type=str)]


class FormPanel(DecisionForm):
    """Name the experts of the panel: holders of the expert role from none of the drafting organisations."""

    decision: choice("form_panel")
    expert_ids: list[Id] = Field(min_length=1, max_length=100)


class PanelOpinion(DecisionForm):
    """Declare a conflict of interest (you leave the panel), or give your opinion with comments and
    declare that you have no conflict of interest."""

    decision: choice("panel_opinion")
    comments: str = _TEXT
    conflicts: Literal["none"] | None = None
    details: str = _TEXT

    @model_validator(mode="after")
    def _declaration_goes_with_the_opinion(self) -> "PanelOpinion":
        if self.decision == "declare_conflict":
            if not self.details:
                raise rule("conflict_details")
            if self.conflicts or self.comments:
                raise rule("conflict_no_opinion")
            return self
        if self.conflicts != "none":
            raise rule("opinion_declaration")
        if not self.comments:
            raise rule("opinion_comments")
        if self.details:
            raise rule("details_without_conflict")
        return self


class ReplaceExpert(DecisionForm):
    """An expert left the panel: seat another expert in their place, or carry on without one."""

    decision: choice("replace_expert")
    expert_id: Id | None = None

    @model_validator(mode="after")
    def _expert_to_replace_with(self) -> "ReplaceExpert":
        if self.decision == "replace" and self.expert_id is None:
            raise rule("replacement_needed")
        if self.decision == "proceed_without" and self.expert_id is not None:
            raise rule("replacement_unwanted")
        return self


class SubmitRevisedDraft(DecisionForm):
    """Submit the draft for approval (报批稿), revised as the panel asked: upload it first, labelled approval."""

    decision: choice("submit_revised_draft")
    draft_id: Id


class CheckRevision(DecisionForm):
    """Check the revised draft against the panel's opinions: accept it, or ask for another revision."""

    decision: choice("check_revision")
    reasons: str = _TEXT

    @model_validator(mode="after")
    def _reasons_to_revise(self) -> "CheckRevision":
        if self.decision == "revise" and not self.reasons:
            raise rule("reasons_another_revision")
        return self


async def _check_panel(session: AsyncSession, task: Task, form: FormPanel) -> None:
    await eligibility.check_panel(session, task.project_id, form.expert_ids, int(task.context["min_size"]))


async def _check_replacement(session: AsyncSession, task: Task, form: ReplaceExpert) -> None:
    if form.decision == "replace":
        panel_id = uuid.UUID(task.context["panel_id"])
        await eligibility.check_replacement(session, task.project_id, form.expert_id, await sat_on(session, panel_id))


async def _check_draft(session: AsyncSession, task: Task, form: SubmitRevisedDraft) -> None:
    """The draft must be one of the project's own, uploaded as its 报批稿 (approval draft)."""
    draft = await session.get(DraftVersion, form.draft_id)
    if draft is None or draft.project_id != task.project_id:
        raise Invalid("error.draft.not_of_project", field="draft_id")
    if draft.label != DraftLabel.approval:
        raise Invalid("error.draft.not_approval", field="draft_id", version=draft.version,
                      label=f"{LABEL_ZH[draft.label]} ({draft.label})",
                      wanted=f"{LABEL_ZH[DraftLabel.approval]} ({DraftLabel.approval})")


PANEL_FORMS = [
    TaskForm(kind="form_panel", form=FormPanel, permission=Permission.PANEL_FORM, precondition=_check_panel),
    TaskForm(kind="panel_opinion", form=PanelOpinion, permission=Permission.PANEL_OPINION),
    TaskForm(kind="replace_expert", form=ReplaceExpert, permission=Permission.PANEL_FORM,
             precondition=_check_replacement),
    TaskForm(kind="submit_revised_draft", form=SubmitRevisedDraft, permission=Permission.DRAFT_UPLOAD,
             precondition=_check_draft),
    TaskForm(kind="check_revision", form=CheckRevision, permission=Permission.PANEL_FORM),
]
