"""Co-drafters take part once their organisation's admin accepts: the steps tests take for it. Some
demo organisations have no admin; one is made for them (a person of that organisation alone), through
the services, on the database of the app the client talks to."""

import uuid

import httpx
from sqlmodel import select

from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.models import Membership, User
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, get_by_username, grant_role
from tests.helpers import eventually


def _sessions(http: httpx.AsyncClient):
    return http._transport.app.state.sessions  # the app behind the test client (httpx.ASGITransport)


async def admin_of(http: httpx.AsyncClient, org_id: str | uuid.UUID) -> dict[str, str]:
    """Sign-in headers of an admin of the organisation (one is made the first time it has none)."""
    org_id = uuid.UUID(str(org_id))
    async with transaction(_sessions(http)) as session:
        admins = (select(User.username).join(Membership, Membership.user_id == User.id)
                  .where(Membership.org_id == org_id, Membership.role == Role.admin.value).order_by(User.username))
        username = (await session.exec(admins)).first()
        if username is None:
            username = f"admin-{str(org_id)[:8]}"
            user = await get_by_username(session, username) or await create_user(
                session, UserCreate(username=username, display_name=f"管理员 {username}", password=DEMO_PASSWORD))
            await grant_role(session, user.id, org_id, Role.admin)
    response = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def consent_task(http: httpx.AsyncClient, admin: dict, project_id: str) -> dict:
    """The open invitation to co-draft the project, in the admin's inbox."""
    async def read():
        response = await http.get("/api/v1/tasks", params={"kind": "co_drafter_consent"}, headers=admin)
        assert response.status_code == 200, response.text
        return [t for t in response.json()["items"]
                if t["context"].get("project_id") == project_id and t["state"] in ("open", "claimed")]

    return (await eventually(read, bool))[0]


async def decide(http: httpx.AsyncClient, admin: dict, project_id: str, decision: str, comment: str = "") -> dict:
    task = await consent_task(http, admin, project_id)
    response = await http.post(f"/api/v1/tasks/{task['id']}/complete",
                               json={"decision": decision, "comment": comment}, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def accept_co_drafters(http: httpx.AsyncClient, project_id: str, org_ids: list[str]) -> None:
    """Each named organisation's admin accepts the invitation to co-draft the project."""
    for org_id in org_ids:
        await decide(http, await admin_of(http, org_id), project_id, "accept")
