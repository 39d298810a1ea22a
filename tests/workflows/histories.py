"""Histories of finished workflows, kept under tests/workflows/histories/ and replayed against the
current workflow code, so a change that would break running projects fails the suite.

Set STANDARDFLOW_RECORD_HISTORIES while running tests/api/test_full_pipeline.py to record anew
(after a deliberate, versioned change of workflow code): 1 replaces the first recording, a word such
as "sealed" adds a set beside the others."""

import json
import os
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from tests.payload_keys import CONVERTER
from workflows.worker import WORKFLOWS

FOLDER = Path(__file__).parent / "histories"


def replayer() -> Replayer:
    return Replayer(workflows=WORKFLOWS, data_converter=CONVERTER)


async def finished_histories(client: Client, query: str) -> list[WorkflowHistory]:
    """Every closed run that the visibility query finds, oldest first."""
    histories = []
    async for execution in client.list_workflows(query):
        if execution.status is None or execution.status.name == "RUNNING":
            continue
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        histories.append(await handle.fetch_history())
    return histories


def record(histories: list[WorkflowHistory], name: str) -> None:
    """Keeps the histories when STANDARDFLOW_RECORD_HISTORIES is set: "1" under `name`, any other value
    as a prefix of it, so a new recording joins the older ones instead of replacing them."""
    label = os.environ.get("STANDARDFLOW_RECORD_HISTORIES")
    if not label:
        return
    name = name if label == "1" else f"{label}-{name}"
    FOLDER.mkdir(exist_ok=True)
    for number, history in enumerate(histories):
        kind = history.workflow_id.split("-")[0]
        (FOLDER / f"{name}-{number:02d}-{kind}.json").write_text(json.dumps(json.loads(history.to_json()), indent=1))


def recorded() -> list[WorkflowHistory]:
    return [WorkflowHistory.from_json(path.stem, path.read_text()) for path in sorted(FOLDER.glob("*.json"))]
