"""Steps the expert-demonstration tests share: a submitted project, the people on it, a worker for
the stage's harness, and waiting for what a workflow writes after it answers."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from temporalio.client import WorkflowHandle
from temporalio.worker import Worker

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.service import get_by_code
from services.projects.models import StandardType
from services.projects.policy import policy_for
from tests.helpers import create_proposal, inbox, org_id
from tests.co_drafting import accept_co_drafters
from tests.workflows.demonstration_harness import DemonstrationHarness
from workflows.core.models import ProjectInput

DEMO_EXPERTS = ["wu.qiang", "zheng.hua", "feng.yu", "he.jing", "guo.tao"]

_TOKENS: dict[tuple[str, str], dict[str, str]] = {}


async def login(stack, username: str) -> dict[str, str]:
    """The user's bearer header, signed in once per test (each test's app has its own keys and folder)."""
    key = (str(stack.settings.var_dir), username)
    if key not in _TOKENS:
        _TOKENS[key] = await stack.login(username)
    return _TOKENS[key]


async def eventually(probe: Callable[[], Awaitable], timeout: float = 30.0):
    """The probe's first truthy answer: a workflow writes its next step just after it answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await probe()):
        assert loop.time() < deadline, "the workflow did not get there in time"
        await asyncio.sleep(0.1)
    return value


async def submitted_project(stack, co_drafters: tuple[str, ...] = ()) -> dict:
    """A proposal li.wei (PJMOB) creates and submits through the API."""
    proposer = await login(stack, "li.wei")
    org_ids = [await org_id(stack.http, proposer, code) for code in co_drafters]
    project = await create_proposal(stack.http, proposer, co_drafting_org_ids=org_ids)
    await accept_co_drafters(stack.http, project["id"], org_ids)
    submitted = await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


async def user_id(stack, username: str) -> str:
    me = await stack.http.get("/api/v1/me", headers=await login(stack, username))
    return me.json()["id"]


async def new_expert(sessions, org_code: str = "SHEITC") -> str:
    """Another expert, for a seat someone leaves (the demo data has only five)."""
    username = f"expert.{uuid.uuid4().hex[:8]}"
    async with transaction(sessions) as session:
        user = await create_user(session, UserCreate(username=username, display_name=f"专家 {username}",
                                                     password=DEMO_PASSWORD))
        await grant_role(session, user.id, (await get_by_code(session, org_code)).id, Role.expert)
    return username


async def project_input(stack, project: dict) -> ProjectInput:
    """What the API hands a project's workflow when it starts (see api/pipeline.py)."""
    committees = (await stack.http.get("/api/v1/committees", headers=await login(stack, "li.wei"))).json()
    committee = next(c for c in committees if c["id"] == project["committee_id"])
    policy = policy_for(StandardType(project["standard_type"]))
    return ProjectInput(
        project_id=project["id"], proposer_id=project["proposer_id"], lead_org_id=project["lead_org_id"],
        committee_id=committee["id"], committee_org_id=committee["org_id"],
        policy=policy,
    )


@asynccontextmanager
async def demonstration(stack, inp: ProjectInput) -> AsyncIterator[WorkflowHandle]:
    """The demonstration stage of the project, run by the harness on a worker of its own: the
    stack's worker with the harness added, so it runs every activity the stage's workflows call."""
    config = stack.worker.config()
    queue = f"sf-demo-{uuid.uuid4().hex[:8]}"
    async with Worker(**{**config, "task_queue": queue, "workflows": [*config["workflows"], DemonstrationHarness]}):
        yield await stack.worker.client.start_workflow(
            DemonstrationHarness.run, inp, id=f"demonstration-{inp.project_id}", task_queue=queue)


async def task_of(stack, username: str, project_id: str, kind: str) -> dict:
    """The open task of that kind in the user's inbox, once the workflow has opened it."""
    headers = await login(stack, username)

    async def probe():
        return await inbox(stack.http, headers, project_id, kind=kind)

    found = await eventually(probe)
    assert len(found) == 1, found
    return found[0]


async def complete(stack, username: str, task_id: str, decision: dict):
    return await stack.http.post(f"/api/v1/tasks/{task_id}/complete", json=decision,
                                 headers=await login(stack, username))


def opinion(choice: str) -> dict:
    return {"decision": choice, "comments": f"{choice}: the clauses on data interfaces read well.",
            "conflicts": "none"}


async def give_opinions(stack, project_id: str, opinions: dict[str, str]) -> None:
    for username, choice in opinions.items():
        task = await task_of(stack, username, project_id, "panel_opinion")
        answered = await complete(stack, username, task["id"], opinion(choice))
        assert answered.status_code == 200, answered.text
