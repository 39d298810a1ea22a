"""Every kind of task StandardFlow knows. Each domain declares its kinds in its own forms module;
this registry is the one place that lists them all."""

from services.ballots.forms import BALLOT_FORMS
from services.catalogue.forms import PUBLICATION_FORMS
from services.consultations.forms import CONSULTATION_FORMS
from services.coordination.forms import COORDINATION_FORMS
from services.drafts.forms import DRAFT_FORMS
from services.evaluations.forms import EVALUATION_FORMS
from services.notifications.forms import NOTIFICATION_FORMS
from services.panels.forms import PANEL_FORMS
from services.pilots.forms import PILOT_FORMS
from services.projects.forms import CONSENT_FORMS
from services.tasks.forms import FAILURE_FORMS, PROPOSAL_FORMS, DecisionForm, TaskForm

FORMS: dict[str, TaskForm] = {
    form.kind: form
    for form in (
        *PROPOSAL_FORMS, *BALLOT_FORMS, *DRAFT_FORMS, *CONSULTATION_FORMS, *PANEL_FORMS, *PUBLICATION_FORMS,
        *PILOT_FORMS, *COORDINATION_FORMS, *EVALUATION_FORMS, *NOTIFICATION_FORMS, *FAILURE_FORMS,
        *CONSENT_FORMS,
    )
}


def form_for(kind: str) -> TaskForm:
    return FORMS[kind]


def parse_decision(kind: str, body: dict) -> DecisionForm:
    """Raises pydantic's ValidationError, which the API answers with 422 naming the fields."""
    return form_for(kind).form.model_validate(body)


def form_schema(kind: str) -> dict:
    return form_for(kind).form.model_json_schema()
