"""Two people at once: one claim wins, the other is told; a double click completes once."""

import asyncio
import uuid

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.service import get_by_code
from tests.helpers import audit_actions, create_proposal, inbox


async def a_second_secretary(sessions) -> str:
    username = f"secretary.{uuid.uuid4().hex[:6]}"
    async with transaction(sessions) as session:
        user = await create_user(session, UserCreate(username=username, display_name="副秘书长",
                                                     password=DEMO_PASSWORD))
        await grant_role(session, user.id, (await get_by_code(session, "SDCIA")).id, Role.secretary)
    return username


async def test_two_secretaries_claim_one_task_and_one_wins(stack, sessions):
    http = stack.http
    proposer, first = await stack.login("li.wei"), await stack.login("wang.fang")
    second = await stack.login(await a_second_secretary(sessions))
    pid = (await create_proposal(http, proposer))["id"]
    await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)
    task_id = (await inbox(http, first, pid))[0]["id"]
    assert (await inbox(http, second, pid))[0]["id"] == task_id  # offered to both

    claims = await asyncio.gather(http.post(f"/api/v1/tasks/{task_id}/claim", headers=first),
                                  http.post(f"/api/v1/tasks/{task_id}/claim", headers=second))
    assert sorted(c.status_code for c in claims) == [200, 409]
    winner, loser = (first, second) if claims[0].status_code == 200 else (second, first)
    assert "someone else has claimed this task" in next(c for c in claims if c.status_code == 409).text

    taken = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "accept"}, headers=loser)
    assert taken.status_code == 409
    clicks = await asyncio.gather(*(http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "accept"},
                                              headers=winner) for _ in range(3)))
    assert [c.status_code for c in clicks] == [200, 200, 200]
    assert len({c.text for c in clicks}) == 1
    assert (await audit_actions(http, proposer, pid)).count("proposal.accepted") == 1
