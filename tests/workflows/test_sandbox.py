"""The worker's sandbox compiles the statements the SDK enters it with once, and runs workflows as the
SDK's own runner does."""

import pytest

from tests.helpers import create_proposal, inbox
from workflows.core import sandbox

pytestmark = pytest.mark.timeout(120)


async def test_a_workflow_runs_in_the_sandbox_with_its_statements_compiled_once(stack):
    sandbox._compiled.cache_clear()
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)

    submitted = await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)

    assert submitted.status_code == 200, submitted.text
    [screening] = await inbox(stack.http, secretary, project["id"])
    assert screening["kind"] == "screen_proposal"
    compiled = sandbox._compiled.cache_info()
    # The run's start, its activations and every payload pass each entered the sandbox by `exec`; the
    # SDK's few distinct statements were compiled once each and reused from then on.
    assert 0 < compiled.misses <= 8, compiled
    assert compiled.hits >= compiled.misses, compiled


def test_compiled_exec_runs_a_statement_in_the_globals_given():
    scope = {"x": 2}
    sandbox.compiled_exec("y = x * 21\n", scope, scope)
    sandbox.compiled_exec("y = y + x\n", scope, scope)
    sandbox.compiled_exec("y = x * 21\n", scope, scope)
    assert scope["y"] == 42
