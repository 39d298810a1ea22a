"""The task a missed deadline opens for the people the step escalates to."""

from pydantic import Field

from contracts.choices import choice
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm


class AcknowledgeOverdue(DecisionForm):
    """Acknowledge that a step passed its deadline, with a note on what is being done about it."""

    decision: choice("overdue_task")
    note: str = Field(default="", max_length=20_000)


NOTIFICATION_FORMS = [
    TaskForm(
        kind="overdue_task", form=AcknowledgeOverdue, permission=Permission.ESCALATION_ACKNOWLEDGE,
    ),
]
