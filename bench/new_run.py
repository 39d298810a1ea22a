"""What a new run of a project's workflow costs the worker: the sandbox imports the workflow's modules
anew for every run it starts, and for every run it brings back into its cache (a project whose
workflow left the cache between two events is a new run for the worker, replayed from its history).

    .venv/bin/python bench/new_run.py
    .venv/bin/python bench/new_run.py --runs 200 --history tests/workflows/histories/sealed-default-group-00-project.json

Replays the first workflow task of a recorded project history (its start: three events) --runs times
through one replayer, in the worker's own sandbox (workflows/worker.py's pass-through list and
workflows/core/sandbox.py's runner), and prints the CPU milliseconds per run. The workflow modules
are compiled to bytecode first, as an installed deployment has them: without it every run compiles
their sources again, and the figure says more about the compiler than about the workflow.
"""

import argparse
import asyncio
import compileall
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.worker import Replayer  # noqa: E402

from tests.payload_keys import CONVERTER  # noqa: E402
from workflows.core.sandbox import runner  # noqa: E402
from workflows.worker import SHARED, WORKFLOWS  # noqa: E402

HISTORY = ROOT / "tests" / "workflows" / "histories" / "sealed-default-group-00-project.json"


async def main(history_path: Path, runs: int) -> dict:
    for package in ("workflows", "contracts"):
        compileall.compile_dir(ROOT / package, quiet=1)
    recorded = json.loads(history_path.read_text())
    recorded["events"] = recorded["events"][:3]  # started, task scheduled, task started
    start = WorkflowHistory.from_json(history_path.stem, json.dumps(recorded))
    replayer = Replayer(workflows=WORKFLOWS, data_converter=CONVERTER, workflow_runner=runner(SHARED))
    await replayer.replay_workflow(start)  # the first run also imports what every run shares

    async def repeated():
        for _ in range(runs):
            yield start

    began = time.process_time()
    async with replayer.workflow_replay_iterator(repeated()) as results:
        async for result in results:
            if result.replay_failure is not None:
                raise result.replay_failure
    cpu_ms = (time.process_time() - began) / runs * 1000
    return {"history": history_path.name, "runs": runs, "cpu_ms_per_new_run": round(cpu_ms, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, default=HISTORY)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.history, args.runs))))
