"""Only StandardFlow decides: a decision sent straight to Temporal (the CLI or a client, under any
person's name) is refused and recorded; the same decision through the API is taken, under the name of
the person who signed in."""

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from api.pipeline import sealed
from services.crypto import seals
from services.crypto.keyring import KeyRing
from tests.api.test_pages import sign_in
from tests.helpers import create_proposal, inbox
from workflows.core.models import DecisionSeal, TaskDecision

pytestmark = pytest.mark.timeout(180)

TEMPORAL = Path(sys.executable).parent / "temporal"


async def _screening(stack) -> tuple[str, str, dict, dict, str]:
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(stack.http, proposer))["id"]
    assert (await stack.http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    task_id = (await inbox(stack.http, secretary, pid))[0]["id"]
    me = (await stack.http.get("/api/v1/me", headers=secretary)).json()
    return pid, task_id, proposer, secretary, me["id"]


async def _refused(stack, pid: str, decision: TaskDecision) -> str:
    handle = stack.worker.client.get_workflow_handle(f"project-{pid}")
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("complete_task", decision, id=f"forged-{uuid.uuid4().hex[:8]}", result_type=dict)
    return refused.value.cause.message


async def _refusals(stack, pid: str, headers: dict) -> list[dict]:
    trail = (await stack.http.get(f"/api/v1/projects/{pid}/audit", headers=headers)).json()
    return [event for event in trail if event["action"] == "decision.refused"]


async def test_a_decision_sent_straight_to_temporal_is_refused_and_recorded_and_the_api_takes_it(stack):
    pid, task_id, proposer, secretary, secretary_id = await _screening(stack)
    address = stack.worker.client.service_client.config.target_host
    forged = {"task_id": task_id, "decision": {"decision": "accept", "comment": "x"}, "actor_id": secretary_id}

    # What the review did, word for word: the CLI, the secretary's id, no StandardFlow in between.
    cli = await asyncio.to_thread(  # the worker runs on this event loop
        subprocess.run, [str(TEMPORAL), "workflow", "update", "execute", "--address", address, "--workflow-id", f"project-{pid}",
         "--name", "complete_task", "--input", json.dumps(forged)],
        capture_output=True, text=True, timeout=60,
    )
    assert cli.returncode != 0 and seals.UNSIGNED in cli.stdout + cli.stderr, cli.stdout + cli.stderr

    keys = stack.settings.key_ring("decision")
    another = KeyRing.generate("test-key")  # a key of the attacker's own, with an id the worker does not know
    unknown = sealed(another, uuid.UUID(task_id), forged["decision"], uuid.UUID(secretary_id))
    assert await _refused(stack, pid, unknown) == seals.UNKNOWN_KEY
    guessed = sealed(KeyRing(((keys.current[0], b"\x00" * 32),)), uuid.UUID(task_id), forged["decision"],
                     uuid.UUID(secretary_id))
    assert await _refused(stack, pid, guessed) == seals.FORGED
    # A genuine seal on a decision to return, with the decision changed to accept.
    genuine = sealed(keys, uuid.UUID(task_id), {"decision": "return", "reasons": "r", "comment": ""},
                     uuid.UUID(secretary_id))
    assert await _refused(stack, pid, genuine.model_copy(update={"decision": forged["decision"]})) == seals.FORGED
    signed_at = datetime.now(timezone.utc) - timedelta(hours=1)
    kid, signature = seals.sign(keys, uuid.UUID(task_id), forged["decision"], uuid.UUID(secretary_id), signed_at)
    old = TaskDecision(task_id=task_id, decision=forged["decision"], actor_id=secretary_id,
                       seal=DecisionSeal(key_id=kid, signed_at=signed_at, signature=signature))
    assert await _refused(stack, pid, old) == seals.STALE

    # Nothing happened: the task is open, the project where it was, and every attempt is on the record.
    assert [t["id"] for t in await inbox(stack.http, secretary, pid)] == [task_id]
    project = (await stack.http.get(f"/api/v1/projects/{pid}", headers=proposer)).json()
    assert (project["stage"], project["step"]) == ("committee_review", "screening")
    refusals = await _refusals(stack, pid, secretary)
    assert [r["data"]["refusal"] for r in refusals] == [seals.UNSIGNED, seals.UNKNOWN_KEY, seals.FORGED,
                                                        seals.FORGED, seals.STALE]
    assert {r["data"]["claimed_by"] for r in refusals} == {"王芳"}
    assert all(r["actor_id"] is None and r["data"]["task_kind"] == "screen_proposal" for r in refusals)

    # The secretary's page shows the attempts in words.
    await sign_in(stack.http, "wang.fang", "en")
    page = await stack.http.get(f"/projects/{pid}")
    assert page.text.count("A decision StandardFlow had not authorised was refused") == 5
    assert "Claimed to come from: 王芳" in page.text and "it carries no seal of StandardFlow" in page.text

    # The same decision through the API is taken, under the signed-in person's name.
    taken = await stack.http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "accept", "comment": "x"},
                                  headers=secretary)
    assert taken.status_code == 200, taken.text
    assert taken.json()["state"] == "completed" and taken.json()["completed_by_id"] == secretary_id
    trail = (await stack.http.get(f"/api/v1/projects/{pid}/audit", headers=secretary)).json()
    last_refusal = max(i for i, e in enumerate(trail) if e["action"] == "decision.refused")
    decided = [e for e in trail[last_refusal + 1:] if e["actor_id"] is not None]
    assert decided and {e["actor_id"] for e in decided} == {secretary_id}, trail[last_refusal + 1:]
    assert len(await _refusals(stack, pid, secretary)) == 5
