"""Every kind of task StandardFlow knows. Each domain declares its kinds in its own forms module;
this registry is the one place that lists them all, and builds from them the one body a client sends
to complete a task: a union of every kind's decision, told apart by `kind`."""

from typing import Annotated, Literal, Union

from pydantic import Field, create_model

from services.ballots.forms import BALLOT_FORMS
from services.catalogue.forms import PUBLICATION_FORMS
from services.consultations.forms import CONSULTATION_FORMS
from services.coordination.forms import COORDINATION_FORMS
from services.drafts.forms import DRAFT_FORMS
from services.errors import Invalid
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


def _member_name(kind: str) -> str:
    return "".join(word.capitalize() for word in kind.split("_")) + "Decision"


def _member(kind: str, form: type[DecisionForm]) -> type[DecisionForm]:
    """The kind's form with `kind` saying which it is: the same fields and rules, one member per kind
    even where kinds share a form. `kind` is left out of the stored decision, which stays the form's."""
    return create_model(
        _member_name(kind), __base__=form, __doc__=form.__doc__, __module__=__name__,
        kind=(Literal[kind], Field(exclude=True, description="The kind of the task this decision is for.")),
    )


# Each kind's member of the union, in the order of FORMS.
DECISIONS: dict[str, type[DecisionForm]] = {kind: _member(kind, f.form) for kind, f in FORMS.items()}

# The body of POST /api/v1/tasks/{id}/complete as a client reads it in the OpenAPI schema: a `oneOf`
# of the members with a discriminator mapping each `kind` to its schema.
Decision = Annotated[Union[tuple(DECISIONS.values())], Field(discriminator="kind")]  # noqa: UP007


def form_for(kind: str) -> TaskForm:
    return FORMS[kind]


def parse_decision(kind: str, body: dict) -> DecisionForm:
    """The body as the decision on a task of this kind. A body without `kind` is taken as meant for
    the task (clients written before `kind` existed send none); one for another kind is refused (422).
    Otherwise raises pydantic's ValidationError, which the API answers with 422 naming the fields
    (a `kind` that is no kind at all among them)."""
    sent = body.get("kind", kind)
    if sent != kind and isinstance(sent, str) and sent in DECISIONS:
        raise Invalid("error.task.kind_mismatch", field="kind", kind=kind, sent=sent)
    return DECISIONS[kind].model_validate({**body, "kind": sent})


def form_schema(kind: str) -> dict:
    """The JSON schema of the decision a task of this kind expects: its member of the union."""
    return DECISIONS[kind].model_json_schema()
