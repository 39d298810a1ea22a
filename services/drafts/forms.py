"""The drafting stage's task: a proposer of the lead organisation submits the consultation draft."""

import uuid

from pydantic import field_serializer
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.drafts.service import check_consultation_draft
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task


class SubmitConsultationDraft(DecisionForm):
    """Put one of the project's drafts labelled 征求意见稿 (consultation) out for public consultation."""

    decision: choice("submit_consultation_draft")
    draft_id: uuid.UUID

    @field_serializer("draft_id")
    def _as_text(self, value: uuid.UUID) -> str:
        # A decision is stored as JSON and compared with what was sent; text compares equal to text.
        return str(value)


async def _draft_is_the_projects_consultation_draft(
    session: AsyncSession, task: Task, form: SubmitConsultationDraft
) -> None:
    await check_consultation_draft(session, task.project_id, form.draft_id)


DRAFT_FORMS = [
    TaskForm(
        kind="submit_consultation_draft", form=SubmitConsultationDraft, permission=Permission.DRAFT_UPLOAD,
        precondition=_draft_is_the_projects_consultation_draft,
    ),
]
