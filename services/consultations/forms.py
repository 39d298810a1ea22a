"""The consultation stage's task: the working group confirms every comment has its disposition."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.consultations.service import count_comments
from services.errors import Conflict
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task


class DisposeComments(DecisionForm):
    """Finish the consultation once every comment has its disposition (PUT /api/v1/comments/{id}/disposition)."""

    decision: choice("dispose_comments")


async def _every_comment_has_a_disposition(session: AsyncSession, task: Task, form: DisposeComments) -> None:
    left = await count_comments(session, uuid.UUID(task.context["consultation_id"]), undisposed=True)
    if left:
        raise Conflict("error.comments.undisposed", count=left)


CONSULTATION_FORMS = [
    TaskForm(
        kind="dispose_comments", form=DisposeComments, permission=Permission.COMMENT_DISPOSITION,
        precondition=_every_comment_has_a_disposition,
    ),
]
