"""The public catalogue: published standards only, read without signing in, searched and filtered."""

import uuid
from urllib.parse import quote
from datetime import UTC, date, datetime, time, timedelta

import httpx
import pytest

from contracts.steps import ProjectChanges, StepSpec
from services.catalogue import authorities, numbering
from services.catalogue.numbering import PublicationRequest
from services.catalogue.service import today
from services.committees.service import list_committees
from services.db import transaction
from services.demo import DEMO_PASSWORD
from services.identity.service import get_by_username, load_principal
from services.projects import service as projects, steps
from services.projects.models import StandardProject
from services.projects.policy import policy_for
from services.projects.schemas import ProjectCreate

PUBLIC_FIELDS = {
    "id", "number", "title_zh", "title_en", "standard_type", "domain", "scope", "published_at",
    "publication_date", "effective_from", "publisher", "shanghai_standard", "status",
}


async def make_project(sessions, token: str, standard_type: str, domain: str, zh: str, en: str) -> uuid.UUID:
    async with transaction(sessions) as session:
        principal = await load_principal(session, (await get_by_username(session, "li.wei")).id)
        committee = next(c for c in await list_committees(session) if c.code == "SDCIA-TC01")
        project = await projects.create_project(session, principal, ProjectCreate(
            title_zh=f"{zh}数据规范 {token}", title_en=f"{en} data specification {token}",
            scope="What the standard covers.", rationale="Why it is needed.",
            standard_type=standard_type, domain=domain, committee_id=committee.id,
        ))
        return project.id


async def publish(sessions, project_id: uuid.UUID, day: date, **changes) -> None:
    """As the publication stage does: record the number, then write the published step."""
    async with transaction(sessions) as session:
        project = await session.get(StandardProject, project_id)
        publisher = await authorities.resolve_publisher(session, project_id)
        await numbering.record_publication(session, PublicationRequest(
            project_id=project_id, publisher_org_id=publisher.id, publication_date=day,
            number_format=policy_for(project.standard_type).number_format,
        ))
        await steps.apply_step(session, StepSpec(
            id=uuid.uuid4().hex, workflow_id="catalogue-test", project_id=project_id,
            changes=ProjectChanges(published_at=datetime.combine(day, time(2), UTC),
                                   effective_from=day + timedelta(days=30), **{"status": "active", **changes}),
        ))


async def upload_as_lead(http: httpx.AsyncClient, project_id: uuid.UUID, label: str, name: str, data: bytes) -> None:
    """The lead drafter (li.wei) uploads a draft version over HTTP."""
    token = (await http.post("/api/v1/auth/token", data={"username": "li.wei", "password": DEMO_PASSWORD})).json()
    uploaded = await http.post(f"/api/v1/projects/{project_id}/drafts", data={"label": label},
                               headers={"Authorization": f"Bearer {token['access_token']}"},
                               files={"file": (name, data, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text


@pytest.fixture
async def shelf(sessions) -> dict:
    """Four published standards and one draft, all carrying one search token."""
    token = uuid.uuid4().hex[:10]
    ids = {
        "mobility": await make_project(sessions, token, "group", "life.mobility", "出行", "Mobility"),
        "safety": await make_project(sessions, token, "local", "governance.public_safety", "安全", "Safety"),
        "health": await make_project(sessions, token, "enterprise", "life.health", "健康", "Health"),
        "old": await make_project(sessions, token, "group", "foundations.data_base", "基座", "Data base"),
        "draft": await make_project(sessions, token, "group", "life.mobility", "草案", "Draft"),
    }
    await publish(sessions, ids["mobility"], date(2025, 6, 1), shanghai_standard=True)
    await publish(sessions, ids["safety"], date(2026, 1, 15))
    await publish(sessions, ids["health"], today())
    await publish(sessions, ids["old"], date(2024, 5, 1), status="withdrawn")
    return {"token": token, **ids}


async def search(http, **params) -> dict:
    response = await http.get("/api/v1/catalog", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def names(page: dict, shelf: dict) -> set[str]:
    by_id = {str(v): k for k, v in shelf.items() if k != "token"}
    return {by_id[item["id"]] for item in page["items"]}


async def test_anyone_searches_published_standards(stack, shelf):
    http, token = stack.http, shelf["token"]
    page = await search(http, q=token)
    assert page["total"] == 4 and names(page, shelf) == {"mobility", "safety", "health", "old"}
    published = [item["published_at"] for item in page["items"]]
    assert published == sorted(published, reverse=True)
    assert all(set(item) == PUBLIC_FIELDS for item in page["items"])

    assert names(await search(http, q=f"MOBILITY DATA SPECIFICATION {token}"), shelf) == {"mobility"}
    assert names(await search(http, q=f"安全数据规范 {token}"), shelf) == {"safety"}
    safety = await http.get(f"/api/v1/catalog/{shelf['safety']}")
    assert names(await search(http, q=safety.json()["number"]), shelf) == {"safety"}
    assert (await search(http, q=f"{token}%"))["total"] == 0  # wildcards are text, not patterns


@pytest.mark.parametrize(("params", "expected"), [
    ({"type": "local"}, {"safety"}),
    ({"type": "group"}, {"mobility", "old"}),
    ({"domain": "life"}, {"mobility", "health"}),
    ({"domain": "life.mobility"}, {"mobility"}),
    ({"year": 2025}, {"mobility"}),
    ({"year": 2024, "type": "group"}, {"old"}),
    ({"status": "withdrawn"}, {"old"}),
    ({"status": "current"}, {"mobility", "safety"}),
    ({"status": "upcoming"}, {"health"}),
    ({"domain": "governance", "type": "enterprise"}, set()),
])
async def test_filters(stack, shelf, params, expected):
    assert names(await search(stack.http, q=shelf["token"], **params), shelf) == expected


async def test_pages(stack, shelf):
    first = await search(stack.http, q=shelf["token"], limit=3)
    second = await search(stack.http, q=shelf["token"], limit=3, offset=3)
    assert (first["total"], len(first["items"]), len(second["items"])) == (4, 3, 1)
    assert names(first, shelf) | names(second, shelf) == {"mobility", "safety", "health", "old"}


@pytest.mark.parametrize(("params", "problem"), [
    ({"limit": 101}, "limit"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"domain": "moon"}, "unknown domain 'moon'"),
    ({"type": "regional"}, "type"),
    ({"status": "active"}, "status"),
    ({"colour": "red"}, "colour"),
])
async def test_bad_queries_name_the_problem(stack, params, problem):
    response = await stack.http.get("/api/v1/catalog", params=params)
    assert response.status_code == 422 and problem in response.text


async def test_an_entry_shows_public_fields_only(stack, shelf):
    response = await stack.http.get(f"/api/v1/catalog/{shelf['mobility']}")
    assert response.status_code == 200, response.text
    entry = response.json()
    assert set(entry) == PUBLIC_FIELDS
    assert entry["publisher"] == {"code": "SDCIA", "name_zh": "上海数字城市产业协会",
                                  "name_en": "Shanghai Digital City Industry Association"}
    assert entry["number"].startswith("T/SDCIA ") and entry["number"].endswith("—2025")
    assert (entry["publication_date"], entry["effective_from"]) == ("2025-06-01", "2025-07-01")
    assert (entry["shanghai_standard"], entry["status"]) == (True, "current")
    old = (await stack.http.get(f"/api/v1/catalog/{shelf['old']}")).json()
    assert old["status"] == "withdrawn"
    health = (await stack.http.get(f"/api/v1/catalog/{shelf['health']}")).json()
    assert health["publisher"]["code"] == "PJMOB" and health["status"] == "upcoming"


async def test_unpublished_projects_are_not_in_the_catalogue(stack, shelf):
    assert (await stack.http.get(f"/api/v1/catalog/{shelf['draft']}")).status_code == 404
    assert (await stack.http.get(f"/api/v1/catalog/{uuid.uuid4()}")).status_code == 404
    proposer = await stack.login("li.wei")  # the proposer sees the draft, the catalogue still does not
    assert (await stack.http.get(f"/api/v1/projects/{shelf['draft']}", headers=proposer)).status_code == 200
    assert (await stack.http.get(f"/api/v1/catalog/{shelf['draft']}", headers=proposer)).status_code == 404


async def test_evaluations_are_read_by_who_may_read_the_project(stack, shelf):
    http, url = stack.http, f"/api/v1/projects/{shelf['draft']}/evaluations"
    assert (await http.get(url)).status_code == 401
    assert (await http.get(url, headers=await stack.login("zhang.min"))).status_code == 404
    own = await http.get(url, headers=await stack.login("li.wei"))
    assert own.status_code == 200 and own.json() == []
    # a published standard is public through the catalogue; its evaluations stay with who made it
    published = await http.get(f"/api/v1/projects/{shelf['safety']}/evaluations",
                               headers=await stack.login("zhang.min"))
    assert published.status_code == 404
    assert (await http.get(f"/api/v1/catalog/{shelf['safety']}")).status_code == 200


async def test_publishing_authorities(stack):
    http = stack.http
    assert (await http.get("/api/v1/publishing-authorities")).status_code == 401
    listed = await http.get("/api/v1/publishing-authorities", headers=await stack.login("li.wei"))
    pairs = {(a["standard_type"], a["org_code"]) for a in listed.json()}
    assert {("group", "SDCIA"), ("local", "SHAMR"), ("national", "SHAMR"), ("enterprise", "PJMOB")} <= pairs

    hdu = next(o["id"] for o in (await http.get("/api/v1/organisations", headers=await stack.login("li.wei"))).json()
               if o["code"] == "HDU")
    body = {"standard_type": "group", "org_id": hdu}
    refused = await http.post("/api/v1/publishing-authorities", json=body, headers=await stack.login("ma.rui"))
    assert refused.status_code == 403 and "platform admin" in refused.text
    admin = await stack.login("admin")
    created = await http.post("/api/v1/publishing-authorities", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["org_code"] == "HDU"
    again = await http.post("/api/v1/publishing-authorities", json=body, headers=admin)
    assert again.status_code == 409 and "registered already" in again.text
    nowhere = await http.post("/api/v1/publishing-authorities",
                              json={"standard_type": "group", "org_id": str(uuid.uuid4())}, headers=admin)
    assert nowhere.status_code == 404


async def test_anyone_downloads_a_published_standards_approved_text(stack, sessions):
    token = uuid.uuid4().hex[:10]
    pid = await make_project(sessions, token, "group", "life.mobility", "文本", "Text")
    bare = await make_project(sessions, token, "group", "life.mobility", "无文本", "No text")
    lead = await stack.login("li.wei")
    texts = {"discussion": b"%PDF-1.4 discussion\n%%EOF\n", "approval": b"%PDF-1.4 approved text\n%%EOF\n",
             "review": b"%PDF-1.4 a later review draft\n%%EOF\n"}
    for label, data in texts.items():  # the 报批稿 is the text, though a later version followed it
        uploaded = await stack.http.post(f"/api/v1/projects/{pid}/drafts", headers=lead, data={"label": label},
                                         files={"file": (f"{label}.pdf", data, "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
    assert (await stack.http.get(f"/api/v1/catalog/{pid}/text")).status_code == 404, "not before publication"
    await publish(sessions, pid, date(2026, 3, 1))
    await publish(sessions, bare, date(2026, 3, 2))
    number = (await stack.http.get(f"/api/v1/catalog/{pid}")).json()["number"]

    text = await stack.http.get(f"/api/v1/catalog/{pid}/text")  # no sign-in

    assert text.status_code == 200 and text.content == texts["approval"]
    assert text.headers["content-type"] == "application/pdf"
    disposition = text.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"T-SDCIA-") and disposition.endswith(".pdf")
    assert quote(f"{number.replace('/', '_')} 文本数据规范 {token}.pdf", safe="") in disposition
    missing = await stack.http.get(f"/api/v1/catalog/{bare}/text")
    assert missing.status_code == 404 and "was not uploaded to StandardFlow" in missing.json()["detail"]
    assert (await stack.http.get(f"/api/v1/catalog/{uuid.uuid4()}/text")).status_code == 404

    page = await stack.http.get(f"/catalogue/{pid}", headers={"Accept-Language": "zh"})
    assert page.status_code == 200
    assert f'href="/api/v1/catalog/{pid}/text"' in page.text and "下载标准文本（PDF，" in page.text
    none = await stack.http.get(f"/catalogue/{bare}", headers={"Accept-Language": "zh"})
    assert "本平台未收录，请向发布机构索取" in none.text and "/text\"" not in none.text
