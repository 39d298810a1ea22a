"""Decisions on coordination tasks: answer or forward a request; acknowledge an answer."""

import uuid
from typing import Annotated

from pydantic import Field, PlainSerializer, model_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.coordination.service import check_receiver
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task
from services.errors import rule

# Decisions travel as JSON and are compared with what was stored, so the id dumps as a string.
OrgId = Annotated[uuid.UUID, PlainSerializer(str, return_type=str)]


class AnswerCoordination(DecisionForm):
    """Answer the request, or forward it to the organisation that can (its coordinators get it)."""

    decision: choice("answer_coordination")
    answer: str = Field(default="", max_length=20_000)
    to_org_id: OrgId | None = None
    note: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _what_each_decision_needs(self) -> "AnswerCoordination":
        if self.decision == "answer" and not self.answer:
            raise rule("answer_text")
        if self.decision == "answer" and self.to_org_id is not None:
            raise rule("answer_no_forward")
        if self.decision == "forward" and self.to_org_id is None:
            raise rule("forward_needs_org")
        return self


class AcknowledgeAnswer(DecisionForm):
    """Mark the answer to your request as read."""

    decision: choice("coordination_answered")


async def _forward_target_can_answer(session: AsyncSession, task: Task, form: AnswerCoordination) -> None:
    if form.decision == "forward":
        await check_receiver(session, form.to_org_id, holder=task.candidate_org_id, field="to_org_id")


COORDINATION_FORMS = [
    TaskForm(
        kind="answer_coordination", form=AnswerCoordination, permission=Permission.COORDINATION_ANSWER,
        precondition=_forward_target_can_answer,
    ),
    TaskForm(
        kind="coordination_answered", form=AcknowledgeAnswer, permission=Permission.COORDINATION_SEND,
    ),
]
