"""Projects under way when the workflow code changes finish on the new code.

The earlier code is taken from the repository at EARLIER — the last commit whose projects ran their
ballots and panels as child workflows, opened the consultation after the submission's answer, and
answered each decision as soon as its own step was written — and its worker runs as a process of its
own on the same database and task queue. Two projects go as far as it takes them: one with its ballot
open and a vote cast, one in drafting. Then that worker stops, today's takes over, and both go on to
publication through the API; their histories replay on today's code."""

import asyncio
import io
import os
import signal
import subprocess
import sys
import tarfile
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from temporalio.client import Client

from services.db import session_factory
from tests.conftest import app_stack, running_worker
from tests.helpers import shorten_calendar
from tests.journey import MEMBERS, Journey, People
from tests.payload_keys import PAYLOAD_KEYS
from tests.workflows.histories import replayer

pytestmark = pytest.mark.timeout(420)

ROOT = Path(__file__).resolve().parents[2]
EARLIER = "f65b36b"
CODE = ["api", "migrations", "services", "standardflow", "workflows"]


def earlier_code(into: Path) -> Path:
    """The project's code at EARLIER, unpacked under `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", EARLIER, *CODE],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


@asynccontextmanager
async def earlier_worker(code: Path, settings, database_url: str, client: Client, log: Path):
    """`standardflow worker` of the earlier code, until the block ends (then stopped as on Ctrl-C)."""
    env = {
        **os.environ, "PYTHONPATH": str(code), "STANDARDFLOW_VAR_DIR": str(settings.var_dir),
        "STANDARDFLOW_DATABASE_URL": database_url, "STANDARDFLOW_TASK_QUEUE": settings.task_queue,
        "STANDARDFLOW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "STANDARDFLOW_TEMPORAL_NAMESPACE": client.namespace, "STANDARDFLOW_PAYLOAD_KEYS": PAYLOAD_KEYS,
    }
    with log.open("wb") as out:
        process = await asyncio.to_thread(
            subprocess.Popen, [sys.executable, "-m", "standardflow", "worker"], cwd=code, env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    assert process.returncode is not None


async def test_projects_started_on_the_earlier_code_finish_on_todays(
    engine, database_url, temporal_client, tmp_path, monkeypatch
):
    code = earlier_code(tmp_path / "earlier")
    async with app_stack(engine, temporal_client, tmp_path, f"sf-up-{uuid.uuid4().hex[:8]}", worker=False) as stack:
        shorten_calendar(stack.settings, monkeypatch)
        stack.settings.key_ring("decision")  # made once, here, and read by both workers
        people = People(stack.http)
        voting, drafting = Journey(people), Journey(people)

        async with earlier_worker(code, stack.settings, database_url, temporal_client, tmp_path / "earlier.log"):
            await drafting.propose("li.wei")
            await drafting.screen_and_vote()
            await drafting.task("li.wei", "submit_consultation_draft")
            await voting.propose("li.wei")
            await voting.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "In scope."})
            await voting.complete(MEMBERS[0], "ballot_vote", {"decision": "approve", "comment": ""})
            await voting.task(MEMBERS[1], "ballot_vote")
        # The earlier code ran the ballot as a workflow of its own; today's finishes it.
        ballot = await temporal_client.get_workflow_handle(f"ballot-{voting.project_id}-new-work-item").describe()
        assert ballot.status.name == "RUNNING"

        async with running_worker(temporal_client, stack.settings, session_factory(engine)):
            for member in MEMBERS[1:]:
                await voting.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})
            for journey in (voting, drafting):
                await journey.submit_consultation_draft("li.wei")
                assert (await journey.project())["stage"] == "public_consultation"  # at once, on today's code
                await journey.dispose_all("li.wei")
                await journey.demonstrate()
                await journey.approve("ma.rui")
                published = await journey.stage("pilot")
                assert published["number"], published

            for journey in (voting, drafting):
                handle = temporal_client.get_workflow_handle(f"project-{journey.project_id}")
                history = await handle.fetch_history()
                result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
                assert result.replay_failure is None
                await handle.terminate("the test is over")
