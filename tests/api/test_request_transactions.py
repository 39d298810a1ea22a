"""A request reads who is asking in its own transaction: the inbox, its counts and a task are one
transaction each, principal included; completing a task is one transaction before the decision goes to
Temporal (who is asking and the check) and one after (the answer), and none of the request's is open
while the workflow writes the step."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import event

from tests.helpers import create_proposal, inbox

# Set around the requests under watch; the worker's activities run in contexts made before it was set.
WATCHED: ContextVar[bool] = ContextVar("watched", default=False)


@dataclass
class Transactions:
    begun: int = 0  # by the watched requests
    open: int = 0
    open_when_the_workflow_wrote: list[int] = field(default_factory=list)


@contextmanager
def watching(engine) -> Iterator[Transactions]:  # noqa: ANN001
    seen = Transactions()

    def begun(connection) -> None:  # noqa: ANN001
        if WATCHED.get():
            seen.begun += 1
            seen.open += 1
        else:
            seen.open_when_the_workflow_wrote.append(seen.open)

    def ended(connection) -> None:  # noqa: ANN001
        if WATCHED.get():
            seen.open -= 1

    listeners = [("begin", begun), ("commit", ended), ("rollback", ended)]
    for name, listener in listeners:
        event.listen(engine.sync_engine, name, listener)
    token = WATCHED.set(True)
    try:
        yield seen
    finally:
        WATCHED.reset(token)
        for name, listener in listeners:
            event.remove(engine.sync_engine, name, listener)


async def test_reading_the_inbox_is_one_transaction_with_the_principal(stack, engine):
    http = stack.http
    secretary = await stack.login("wang.fang")
    for path in ("/api/v1/tasks", "/api/v1/tasks/summary", "/api/v1/tasks?assigned=candidate&sort=priority"):
        with watching(engine) as seen:
            response = await http.get(path, headers=secretary)
        assert response.status_code == 200, response.text
        assert (seen.begun, seen.open) == (1, 0), path


async def test_completing_a_task_holds_no_transaction_while_the_workflow_writes(stack, engine):
    http = stack.http
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).status_code == 200
    task_id = (await inbox(http, secretary, pid))[0]["id"]

    with watching(engine) as seen:
        done = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Wider."},
                               headers=secretary)
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["outcome"]["step"]) == ("completed", "revision")
    assert seen.begun == 2 and seen.open == 0
    assert seen.open_when_the_workflow_wrote and set(seen.open_when_the_workflow_wrote) == {0}

    with watching(engine) as seen:
        again = await http.post(f"/api/v1/tasks/{task_id}/complete", json={"decision": "return", "reasons": "Wider."},
                                headers=secretary)
    assert again.json() == done.json()
    assert (seen.begun, seen.open) == (1, 0)
