"""The decision an organisation's admin takes on being named co-drafter of a project."""

from contracts.choices import choice
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm


class CoDrafterConsent(DecisionForm):
    """Accept for your organisation to co-draft the project (its members then read the project, its
    proposers are told the outcomes, its experts may not sit on the project's panel), or decline."""

    decision: choice("co_drafter_consent")


CONSENT_FORMS = [
    TaskForm(kind="co_drafter_consent", form=CoDrafterConsent, permission=Permission.MEMBERS_MANAGE),
]
