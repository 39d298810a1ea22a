"""Steps a person takes through the API, shared by the tests."""

import asyncio

import httpx

PROPOSAL = {
    "title_zh": "城市数字化转型 公共数据开放接口规范",
    "title_en": "City digital transformation — open public data interface specification",
    "scope": "Interfaces through which districts publish open public data to enterprises.",
    "rationale": "Districts publish the same data in different shapes; enterprises pay for every adapter.",
    "standard_type": "group",
    "domain": "foundations.data_base",
}


async def committee_id(http: httpx.AsyncClient, headers: dict, code: str = "SDCIA-TC01") -> str:
    response = await http.get("/api/v1/committees", headers=headers)
    assert response.status_code == 200, response.text
    return next(c["id"] for c in response.json() if c["code"] == code)


async def org_id(http: httpx.AsyncClient, headers: dict, code: str) -> str:
    response = await http.get("/api/v1/organisations", headers=headers)
    return next(o["id"] for o in response.json() if o["code"] == code)


async def create_proposal(http: httpx.AsyncClient, headers: dict, **overrides) -> dict:
    body = {**PROPOSAL, "committee_id": await committee_id(http, headers), **overrides}
    response = await http.post("/api/v1/projects", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def inbox(http: httpx.AsyncClient, headers: dict, project_id: str, **params) -> list[dict]:
    response = await http.get("/api/v1/tasks", params={"project_id": project_id, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def audit_actions(http: httpx.AsyncClient, headers: dict, project_id: str) -> list[str]:
    response = await http.get(f"/api/v1/projects/{project_id}/audit", headers=headers)
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()]


async def eventually(read, until, seconds: float = 60):
    """What `read` answers once `until` holds for it: a workflow works on a moment after a request returns."""
    value = None
    for _ in range(int(seconds * 10)):
        value = await read()
        if until(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"still {value!r} after {seconds} s")


# Every deadline a person has, long enough that a busy machine cannot make them miss one.
GENEROUS_DEADLINES = {
    "screening_days": 600, "drafting_days": 600, "disposition_days": 600, "approval_days": 600,
    "revision_days": 600, "evaluation_days": 600, "ballot": {"open_days": 600}, "panel": {"opinion_days": 600},
}


def shorten_calendar(settings, monkeypatch, standard_type: str = "*", **days) -> None:  # noqa: ANN001
    """A policy day lasts a second: consultation 3 days, a pilot of one month reporting every 10 days,
    generous deadlines for people; `days` changes any of these for `standard_type` ("*" for all)."""
    monkeypatch.setattr(settings, "policy_day_seconds", 1)
    monkeypatch.setattr(settings, "policy_overrides", {standard_type: {
        "consultation_days": 3, "pilot_months": 1, "report_interval_days": 10, **GENEROUS_DEADLINES, **days}})


def production_key_rings() -> dict[str, str]:
    """The decision and payload key rings a production Settings must be given (fresh ones)."""
    from services.crypto.keyring import KeyRing

    return {"decision_keys": KeyRing.generate().format(), "payload_keys": KeyRing.generate().format()}
