"""Each kind of task takes the choices its decision form offers, and no others: the form's field, the
OpenAPI schema a client reads and the workflow's check all come from contracts/choices.py."""

import uuid
from typing import get_args

import pytest
from pydantic import ValidationError

from contracts.choices import CHOICES, allowed
from contracts.steps import TaskSpec
from services.tasks.registry import FORMS, form_schema
from workflows.core.human import HumanSteps
from workflows.core.models import TaskDecision
from workflows.core.refusals import Refused


def test_every_task_kind_has_a_decision_form_and_every_form_a_kind():
    assert set(FORMS) == set(CHOICES)


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_the_form_offers_the_kinds_choices(kind):
    assert get_args(FORMS[kind].form.model_fields["decision"].annotation) == CHOICES[kind]
    offered = form_schema(kind)["properties"]["decision"]  # what a client reads
    assert offered.get("enum", [offered.get("const")]) == list(CHOICES[kind])
    with pytest.raises(ValidationError, match="decision"):
        FORMS[kind].form.model_validate({"decision": "something-else"})


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_a_workflow_takes_on_a_task_the_kinds_choices_and_refuses_others(kind):
    steps = HumanSteps()
    spec = TaskSpec(id=uuid.uuid4(), kind=kind)
    steps._open[spec.id] = steps.registered(spec)  # as HumanSteps.write registers an opened task
    actor = uuid.uuid4()
    for choice in CHOICES[kind]:
        steps.check_decision(TaskDecision(task_id=spec.id, decision={"decision": choice}, actor_id=actor))
    with pytest.raises(Refused) as refused:
        steps.check_decision(TaskDecision(task_id=spec.id, decision={"decision": "something-else"}, actor_id=actor))
    assert refused.value.key == "error.task.choice_not_allowed"
    assert steps._open[spec.id].allowed == allowed(kind)
