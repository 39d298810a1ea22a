"""A project's workflow outlives its worker: stop the worker mid-slice, start another, finish."""

import uuid

from tests.conftest import app_stack, running_worker
from tests.helpers import create_proposal, inbox


async def test_slice_completes_after_the_worker_is_replaced(engine, sessions, temporal_client, tmp_path):
    queue = f"sf-durable-{uuid.uuid4().hex[:8]}"
    async with app_stack(engine, temporal_client, tmp_path, queue) as stack:
        http = stack.http
        proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
        pid = (await create_proposal(http, proposer))["id"]
        assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
        task_id = (await inbox(http, secretary, pid))[0]["id"]

        await stack.worker.shutdown()  # the worker goes away while the project waits for its secretary
        handle = temporal_client.get_workflow_handle(f"project-{pid}")
        assert (await handle.describe()).status.name == "RUNNING"

        async with running_worker(temporal_client, stack.settings, sessions):  # a new worker, same queue
            returned = await http.post(
                f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Add data sets."},
                headers=secretary,
            )
            assert returned.status_code == 200, returned.text
            assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
            second = (await inbox(http, secretary, pid))[0]["id"]
            accepted = await http.post(f"/api/v1/tasks/{second}/complete", json={"decision": "accept"},
                                       headers=secretary)
            assert accepted.status_code == 200, accepted.text

        project = (await http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()
        assert (project["stage"], project["step"], project["return_count"]) == ("committee_review", "ballot", 1)
