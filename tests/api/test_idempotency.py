"""A request that creates something, sent twice — a double click, a retry after an answer lost on the
way — creates it once, when it carries a key: the API's Idempotency-Key header, the web form's hidden
request key."""

import asyncio
import re

from tests.api.test_pages import post_form, sign_in
from tests.helpers import PROPOSAL, committee_id


async def _drafts_titled(http, headers: dict, title: str) -> list[dict]:
    response = await http.get("/api/v1/projects", headers=headers)
    assert response.status_code == 200, response.text
    return [p for p in response.json() if p["title_en"] == title]


async def test_a_proposal_sent_twice_under_one_key_is_saved_once(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    body = {**PROPOSAL, "title_en": "Sent twice under one key", "committee_id": await committee_id(http, proposer)}
    keyed = {**proposer, "Idempotency-Key": "7d0c5a52-double"}
    first = await http.post("/api/v1/projects", json=body, headers=keyed)
    again = await http.post("/api/v1/projects", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert len(await _drafts_titled(http, proposer, "Sent twice under one key")) == 1

    changed = await http.post("/api/v1/projects", json={**body, "scope": "Another scope."}, headers=keyed)
    assert changed.status_code == 422
    assert changed.json()["detail"] == ("the key '7d0c5a52-double' was sent before with a different request; "
                                        "a new request needs a new key")
    other_user = {**await stack.login("zhang.min"), "Idempotency-Key": "7d0c5a52-double"}
    theirs = await http.post("/api/v1/projects", json={**body, "title_en": "Theirs, same key"}, headers=other_user)
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"], "a key is each user's own"

    unkeyed = [await http.post("/api/v1/projects", json={**body, "title_en": "Without a key"}, headers=proposer)
               for _ in range(2)]
    assert [r.status_code for r in unkeyed] == [201, 201]
    assert len(await _drafts_titled(http, proposer, "Without a key")) == 2


async def test_a_malformed_key_is_refused_and_nothing_is_saved(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    body = {**PROPOSAL, "title_en": "Malformed key", "committee_id": await committee_id(http, proposer)}
    for key in ("has space", "x" * 201, "键".encode()):
        refused = await http.post("/api/v1/projects", json=body, headers={**proposer, "Idempotency-Key": key})
        assert refused.status_code == 422, key
        assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _drafts_titled(http, proposer, "Malformed key") == []


async def test_the_same_key_sent_at_once_saves_one_proposal(stack):
    http = stack.http
    proposer = await stack.login("li.wei")
    body = {**PROPOSAL, "title_en": "Two at once", "committee_id": await committee_id(http, proposer)}
    keyed = {**proposer, "Idempotency-Key": "at-once-1"}
    answers = await asyncio.gather(*(http.post("/api/v1/projects", json=body, headers=keyed) for _ in range(4)))
    created = {r.json()["id"] for r in answers if r.status_code == 201}
    assert len(created) == 1, [r.text for r in answers]
    for refused in (r for r in answers if r.status_code != 201):  # one still being written when another came
        assert refused.status_code == 409 and "being processed" in refused.json()["detail"]
    assert len(await _drafts_titled(http, proposer, "Two at once")) == 1


async def test_the_proposal_form_clicked_twice_saves_one_draft(stack):
    http = stack.http
    await sign_in(http, "li.wei", "en")
    form = await http.get("/projects/new")
    key = re.search(r'name="request_key" value="([0-9a-f-]+)"', form.text).group(1)
    assert key not in (await http.get("/projects/new")).text, "each form gets a key of its own"
    fields = {**PROPOSAL, "title_zh": "双击保存", "title_en": "Clicked twice", "committee_id": await committee_id(http, {})}
    first = await post_form(http, form, "/projects/new", **fields)
    second = await post_form(http, form, "/projects/new", **fields)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert (await http.get("/projects")).text.count("Clicked twice") == 1

    forged = await http.post("/projects/new", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', form.text).group(1), "request_key": "not a key", **fields})
    assert forged.status_code == 422 and "request key is malformed" in forged.text
