"""Twenty standards in flight while the worker, then the API, then Temporal's dev server are killed
with SIGKILL and started again: every project reaches the end of its pipeline, every task is
completed once, no task waits for a workflow that is gone, and the audit trail has every event once.

"The end" is each project's first periodic review: the task the committee's secretary gets once the
evaluation has found the standard effective, which stays open (a review cycle only repeats the
pipeline's last stage). The calendar is compressed as in tests/api/test_full_pipeline.py (a policy
day lasts a second; the pilot one month, with no progress report; consultation comments and
coordination requests are left out), so the twenty journeys take a few minutes."""

import asyncio
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import text
from temporalio.client import Client, WorkflowExecutionStatus

from services.db import create_engine
from tests.faults.conftest import Processes, RetryingTransport
from tests.journey import EXPERTS, MEMBERS, Journey, People
from tests.payload_keys import CONVERTER
from workflows.client import connect

pytestmark = pytest.mark.timeout(900)

PROJECTS = 20

# When each part is killed: after this many human decisions in all (a journey takes 20).
KILLS = [("worker", 70), ("api", 170), ("temporal", 270)]

# The tasks a journey completes, by kind, and the audit events it leaves, each project alike.
COMPLETED = {
    "screen_proposal": 1, "ballot_vote": 5, "submit_consultation_draft": 1, "dispose_comments": 1,
    "form_panel": 1, "panel_opinion": 5, "approve_publication": 1, "enrol_pilot_sites": 1, "pilot_plan": 1,
    "pilot_final_report": 1, "evaluate_implementation": 1,
}
EVENTS = Counter({
    "project.created": 1, "project.submitted": 1, "proposal.accepted": 1, "ballot.opened": 1, "ballot.voted": 5,
    "ballot.closed": 1, "project.approved": 1, "drafting.started": 1, "drafting.consultation_draft_submitted": 1,
    "consultation.opened": 1, "consultation.closed": 1, "consultation.dispositions_done": 1,
    "demonstration.started": 1, "panel.formed": 1, "panel.opinion_given": 5, "panel.concluded": 1,
    "demonstration.passed": 1, "publication.requested": 1, "standard.published": 1, "pilot.started": 1,
    "pilot.sites_enrolled": 1, "pilot.site_enrolled": 1, "pilot.plan_submitted": 1,
    "pilot.final_report_submitted": 1, "pilot.finished": 1, "evaluation.requested": 1, "evaluation.recorded": 1,
    "standard.shanghai_standard_nominated": 1, "review.scheduled": 1, "review.opened": 1,
})


async def test_twenty_projects_survive_kills_of_the_worker_the_api_and_temporal(
    processes: Processes, http: httpx.AsyncClient, retrying: RetryingTransport
):
    people = People(http)
    for username in ["li.wei", "wang.fang", *MEMBERS, *EXPERTS, "ma.rui", "lin.tao", "liang.hong"]:
        await people(username)  # once each, before the journeys: parallel sign-ins count as guesses
    journeys = [Journey(people, patience=180) for _ in range(PROJECTS)]
    reviews = await asyncio.gather(
        *(j.to_periodic_review() for j in journeys), _kill_along_the_way(processes, journeys),
    )
    assert processes.kills == [part for part, _ in KILLS]
    assert retrying.server_errors == []
    assert retrying.retries > 0  # requests were cut off or refused while the API was down, and sent again
    project_ids = [j.project_id for j in journeys]
    for j, review in zip(journeys, reviews, strict=False):
        project = await j.project()
        assert (project["stage"], project["step"], project["status"]) == ("maintenance", "review", "active")
        assert review["kind"] == "periodic_review"

    rows = await _read_database(processes.database_url, project_ids)
    _every_task_completed_once(rows["tasks"], project_ids)
    _every_event_once(rows["events"], project_ids)
    client = await connect(processes.temporal_address, "default", data_converter=CONVERTER)
    await _open_tasks_have_their_workflows(client, rows["tasks"])
    await _nothing_else_runs(client, {f"project-{pid}" for pid in project_ids})
    verified = processes.command("audit", "verify")
    assert verified.returncode == 0 and "audit chain intact" in verified.stdout, verified.stdout + verified.stderr


async def _kill_along_the_way(processes: Processes, journeys: list[Journey]) -> None:
    """Each kill once the journeys have taken so many decisions between them; the API only once every
    project has been submitted (creating a project is the one request a retry would repeat)."""
    def taken() -> int:
        return sum(j.decisions for j in journeys)

    for part, after in KILLS:
        await _until(lambda after=after: taken() >= after and all(j.decisions >= 2 for j in journeys))
        processes.kill(part)
        await asyncio.sleep(1)
        await asyncio.to_thread(processes.start, part)


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.2)


async def _read_database(url: str, project_ids: list[str]) -> dict[str, list]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tasks = (await connection.execute(text(
                "SELECT id, kind, project_id, workflow_id, state, assignee_id, completed_by_id, completed_at, "
                "decision FROM task"
            ))).mappings().all()
            events = (await connection.execute(text("SELECT action, project_id FROM audit_event"))).mappings().all()
    finally:
        await engine.dispose()
    return {"tasks": [dict(row) for row in tasks], "events": [dict(row) for row in events]}


def _same(value: object) -> str:
    return str(value).replace("-", "")


def _every_task_completed_once(tasks: list[dict], project_ids: list[str]) -> None:
    """Per project: each step's task completed by one person with one decision, one vote and one
    opinion per member; nothing cancelled, expired or escalated; only the periodic review open."""
    for pid in project_ids:
        mine = [t for t in tasks if _same(t["project_id"]) == _same(pid)]
        completed = [t for t in mine if t["state"] == "completed"]
        assert Counter(t["kind"] for t in completed) == COMPLETED, pid
        assert all(t["completed_at"] and t["completed_by_id"] and t["decision"] for t in completed), pid
        for kind in ("ballot_vote", "panel_opinion"):
            voters = [t["completed_by_id"] for t in completed if t["kind"] == kind]
            assert len(set(voters)) == len(voters) == 5, (pid, kind)
        rest = [(t["kind"], t["state"]) for t in mine if t["state"] != "completed"]
        assert rest == [("periodic_review", "open")], (pid, rest)
    assert all(t["project_id"] is not None for t in tasks)


def _every_event_once(events: list[dict], project_ids: list[str]) -> None:
    """Per project, each event of the journey as often as it happened. An upload cut off by the API's
    kill and sent again is a second draft version (an upload is not idempotent), so only
    `draft.uploaded` may appear more than once."""
    for pid in project_ids:
        actions = Counter(e["action"] for e in events if _same(e["project_id"]) == _same(pid))
        assert actions.pop("draft.uploaded") >= 1, pid
        assert actions == EVENTS, (pid, actions - EVENTS, EVENTS - actions)


async def _open_tasks_have_their_workflows(client: Client, tasks: list[dict]) -> None:
    """Each open task's workflow is running and counts the task among those it waits on."""
    for task in (t for t in tasks if t["state"] in ("open", "claimed")):
        handle = client.get_workflow_handle(task["workflow_id"])
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING, task["workflow_id"]
        state = await handle.query("state")
        assert _same(task["id"]) in {_same(t["id"]) for t in state["open_tasks"]}, task


async def _nothing_else_runs(client: Client, project_workflows: set[str]) -> None:
    """The ballots, panels and pilot sites have all finished; only the projects wait, on their review."""
    running = [w.id async for w in client.list_workflows('ExecutionStatus="Running"')]
    assert set(running) == project_workflows
