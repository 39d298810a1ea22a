"""Schemathesis over the whole OpenAPI schema, in-process: every operation, for a proposer, a
committee's secretary, a committee member and the platform admin, and once more without a token. No
request may get a server error, every response must match the schema, and an operation that needs a
token must refuse a call without one or with a forged one (the `ignored_auth` check, and 401 for
every valid request sent without a token)."""

import copy

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.python import asgi

from tests.hostile.conftest import FUZZ_APP, FUZZING_USERS, KNOWN
from tests.services import draft_samples

# Half the generated ids name rows that exist, so requests get past "not found" into the checks behind.
schemathesis.openapi.format(
    "uuid", st.one_of(st.uuids().map(str), st.integers(min_value=0).map(lambda i: KNOWN.values[i % len(KNOWN.values)]))
)
# An upload is valid when its bytes are one of the documented types, which no JSON schema can say.
schemathesis.openapi.format("binary", st.sampled_from(
    [draft_samples.pdf(), draft_samples.docx(), draft_samples.odt(), draft_samples.markdown()]
))
FUZZING = settings(max_examples=10, derandomize=True, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _as_bearer(openapi: dict) -> dict:
    """The app's schema, its OAuth2 password flow described as what a client sends: an HTTP bearer
    token. The `ignored_auth` check probes only apiKey and http schemes, and would pass without a look."""
    described = copy.deepcopy(openapi)
    described["components"]["securitySchemes"]["OAuth2PasswordBearer"] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    return described


OPENAPI = FUZZ_APP.openapi()
SECURED = {(method.upper(), path) for path, item in OPENAPI["paths"].items()
           for method, operation in item.items() if operation.get("security")}
schema = schemathesis.openapi.from_dict(_as_bearer(OPENAPI))
schema.app = FUZZ_APP


@schema.hook
def map_case(context, case):  # noqa: ANN001 - Schemathesis' hook signature
    """A paging cursor is opaque: only one the server gave out is valid, and none can be made up, so a
    request meant to be valid goes without one (tests/hostile/test_limits.py sends made-up cursors).
    A valid request for the inbox's feed asks for a stream of a tenth of a second. Co-drafting
    organisations must exist (an unknown one is refused with 422, tests/api/test_co_drafter_consent.py),
    which no schema can say: a valid request names none."""
    query = case.query or {}
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if "cursor" in query and positive:
        case.query = {name: value for name, value in query.items() if name != "cursor"}
    if positive and isinstance(case.body, dict) and case.body.get("co_drafting_org_ids"):
        case.body = {**case.body, "co_drafting_org_ids": []}
    if case.path == "/api/v1/tasks/events" and _valid_seconds(query.get("seconds")):
        case.query = {**query, "seconds": 0.1}  # the inbox's feed stays open as long as asked: not minutes here
    return case


def _valid_seconds(value: object) -> bool:
    try:
        return value is None or 0 < float(value) <= 300
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize("username", FUZZING_USERS)
@schema.parametrize()
@FUZZING
def test_every_operation_for_every_role(case, username, fuzz_app, fuzz_client: asgi.ASGIClient, tokens, known_ids):
    case.call_and_validate(session=fuzz_client, headers={"Authorization": f"Bearer {tokens[username]}"},
                           excluded_checks=_not_knowable(case))


def _not_knowable(case) -> list:  # noqa: ANN001 - a Schemathesis case
    """A decision of another kind than its task's is refused with 422 (tests/api/test_tasks_decision_body.py),
    which no schema can say: the one task known here is a screening (known_ids), so a valid body of
    another kind is not held to be accepted."""
    body = case.body if isinstance(case.body, dict) else {}
    if case.path == "/api/v1/tasks/{task_id}/complete" and body.get("kind") not in (None, "screen_proposal"):
        return [positive_data_acceptance]
    return []


@schema.parametrize()
@FUZZING
def test_every_operation_without_a_token(case, fuzz_app, fuzz_client: asgi.ASGIClient, known_ids):
    response = case.call_and_validate(session=fuzz_client)
    if (case.method.upper(), case.path) in SECURED and case.meta.generation.mode.is_positive:
        assert response.status_code == 401, response.text
