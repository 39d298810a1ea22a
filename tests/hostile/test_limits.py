"""Hostile input over HTTP, on SQLite and PostgreSQL: bodies past the size limit, uploads past theirs or
of the wrong type, pages past their cap, made-up cursors, JSON nested ten thousand deep, 10 MB of
text, and awkward Unicode in every text field of a proposal, a comment and a coordination request.
Each is refused with a 4xx that names the problem (on a page, as a page in the reader's language), or
stored and returned exactly; never a 500."""

import base64
import json
import uuid
from datetime import date, timedelta

import pytest

from api.limits import MULTIPART_MARGIN
from tests.api.test_coordination import task_for
from tests.api.test_drafts import upload
from tests.api.test_pages import sign_in
from tests.helpers import PROPOSAL, committee_id, org_id
from tests.hostile.consultation import open_consultation
from tests.oidc.browser import hidden_field
from tests.services import draft_samples as samples

MiB = 1024 * 1024

# Stored and returned exactly, in every text field.
KEPT = {
    "right-to-left override": "مرحبا \u202etxt.exe\u202c 标准",
    "emoji with joiners and flags": "标准 👩\u200d💻 🏳️\u200d🌈 🇨🇳 😀",
    "combining characters": "e\u0301 a\u0308 Z\u0351\u0352\u0353 한\u1100\u1161",
    "zero-width characters": "数\u200b据\u200c开\u200d放\u2060接口\ufeff",
}
# Refused with 422 naming the field: PostgreSQL cannot store a NUL, and a lone surrogate is no character.
REFUSED = {"NUL": "数据\x00开放", "lone surrogate": "数据\ud800开放"}


def as_json(body: object, headers: dict) -> dict:
    """A JSON body in ASCII escapes, so that even a lone surrogate travels (httpx would refuse to encode it)."""
    return {"content": json.dumps(body).encode(), "headers": {**headers, "Content-Type": "application/json"}}


async def proposal_body(stack, headers) -> dict:
    return {**PROPOSAL, "committee_id": await committee_id(stack.http, headers)}


async def new_draft(stack, headers) -> dict:
    made = await stack.http.post("/api/v1/projects", json=await proposal_body(stack, headers), headers=headers)
    assert made.status_code == 201, made.text
    return made.json()


async def projects_of(stack, headers) -> list[str]:
    return [p["id"] for p in (await stack.http.get("/api/v1/projects", headers=headers)).json()]


async def test_a_proposal_with_10_mb_of_text_is_refused_before_it_is_read(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    before = await projects_of(stack, proposer)
    body = {**await proposal_body(stack, proposer), "scope": "x" * (10 * MiB)}
    declared = await http.post("/api/v1/projects", json=body, headers=proposer)
    assert declared.status_code == 413, declared.text
    assert declared.json()["detail"].startswith(f"a request body may have at most {MiB} bytes")

    async def chunks():  # no Content-Length: the body is counted as it arrives
        encoded = json.dumps(body).encode()
        for start in range(0, len(encoded), 64 * 1024):
            yield encoded[start:start + 64 * 1024]

    streamed = await http.post("/api/v1/projects", content=chunks(),
                               headers={**proposer, "Content-Type": "application/json"})
    assert streamed.status_code == 413 and f"at most {MiB} bytes" in streamed.json()["detail"]
    assert await projects_of(stack, proposer) == before


async def test_text_is_capped_at_20000_characters_and_titles_at_300(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    body = await proposal_body(stack, proposer)
    over = await http.post("/api/v1/projects", json={**body, "scope": "规" * 20_001}, headers=proposer)
    assert over.status_code == 422 and over.json()["detail"][0]["loc"] == ["body", "scope"]
    long_title = await http.post("/api/v1/projects", json={**body, "title_zh": "标" * 301}, headers=proposer)
    assert long_title.status_code == 422 and long_title.json()["detail"][0]["loc"] == ["body", "title_zh"]

    at_limits = {"title_zh": "标" * 300, "title_en": "😀" * 300, "scope": "规" * 20_000, "rationale": "e\u0301" * 10_000}
    made = await http.post("/api/v1/projects", json={**body, **at_limits}, headers=proposer)
    assert made.status_code == 201, made.text
    stored = (await http.get(f"/api/v1/projects/{made.json()['id']}", headers=proposer)).json()
    assert {name: stored[name] for name in at_limits} == at_limits


async def test_uploads_past_their_limit_or_of_a_renamed_executable_are_refused(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    pid = (await new_draft(stack, proposer))["id"]
    stack.settings.max_upload_bytes = 4096
    huge = await upload(http, proposer, pid, b"a" * (4096 + MULTIPART_MARGIN + 1), name="draft.md")
    refused_at = 4096 + MULTIPART_MARGIN
    assert huge.status_code == 413
    assert huge.json()["detail"].startswith(f"an upload with its form fields may have at most {refused_at} bytes")
    mach_o = await upload(http, proposer, pid, b"\xcf\xfa\xed\xfe" + bytes(64), name="征求意见稿.pdf")
    assert mach_o.status_code == 415 and "Mach-O executable" in mach_o.json()["detail"]
    script = await upload(http, proposer, pid, b"#!/bin/sh\nrm -rf /\n", name="draft.md",
                          content_type="text/markdown")
    assert script.status_code == 415 and "script" in script.json()["detail"]
    disguised = await upload(http, proposer, pid, samples.elf(), name="draft.docx",
                             content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert disguised.status_code == 415 and "ELF executable" in disguised.json()["detail"]
    assert (await http.get(f"/api/v1/projects/{pid}/drafts", headers=proposer)).json() == []


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/api/v1/tasks", {"limit": 201}, "limit"),
    ("/api/v1/notifications", {"limit": 201}, "limit"),
    ("/api/v1/catalog", {"limit": 101}, "limit"),
    ("/api/v1/catalog", {"offset": -1}, "offset"),
    ("/api/v1/tasks", {"limit": 10**30}, "limit"),
])
async def test_page_sizes_are_capped(stack, path, params, field):
    response = await stack.http.get(path, params=params, headers=await stack.login("wang.fang"))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", field]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("cursor", [
    "nonsense", _b64("not json"), _b64("5"), _b64('{"a": 1, "b": 2}'), _b64('["2026-01-01T00:00:00", "no-uuid"]'),
    _b64(f'[1e400, "{uuid.uuid4()}"]'), _b64(f'[{10**30}, "{uuid.uuid4()}"]'), _b64(f'[["x"], "{uuid.uuid4()}"]'),
    _b64(f'["10000-01-01T00:00:00Z", "{uuid.uuid4()}"]'), "数据",
])
@pytest.mark.parametrize(("path", "sort"), [("/api/v1/tasks", "priority"), ("/api/v1/tasks", "due"),
                                            ("/api/v1/notifications", None)])
async def test_made_up_cursors_are_refused(stack, path, sort, cursor):
    params = {"cursor": cursor, **({"sort": sort} if sort else {})}
    response = await stack.http.get(path, params=params, headers=await stack.login("wang.fang"))
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": "cursor is not one this server gave out", "field": "cursor"}


async def test_json_nested_ten_thousand_deep_is_refused(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    before = await projects_of(stack, proposer)
    nested = "[" * 10_000 + "]" * 10_000
    for body in (nested, '{"decision": ' + nested + "}", '{"title_zh": ' + "{\"a\": " * 10_000 + "1" + "}" * 10_001):
        for path in ("/api/v1/projects", f"/api/v1/tasks/{uuid.uuid4()}/complete"):
            response = await http.post(path, content=body, headers={**proposer, "Content-Type": "application/json"})
            assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    assert await projects_of(stack, proposer) == before


PROPOSAL_TEXT = ("title_zh", "title_en", "scope", "rationale", "relation_to_existing", "known_patents")


@pytest.mark.parametrize("sample", KEPT)
async def test_awkward_unicode_in_a_proposal_is_kept_exactly(stack, sample):
    http, proposer = stack.http, await stack.login("li.wei")
    text = {name: KEPT[sample] for name in PROPOSAL_TEXT}
    made = await http.post("/api/v1/projects", **as_json({**await proposal_body(stack, proposer), **text}, proposer))
    assert made.status_code == 201, made.text
    url = f"/api/v1/projects/{made.json()['id']}"
    assert {name: (await http.get(url, headers=proposer)).json()[name] for name in text} == text
    edited = {name: value + " 改" for name, value in text.items()}
    assert (await http.patch(url, **as_json(edited, proposer))).status_code == 200
    assert {name: (await http.get(url, headers=proposer)).json()[name] for name in text} == edited


@pytest.mark.parametrize("sample", REFUSED)
async def test_nul_and_lone_surrogates_in_a_proposal_are_refused(stack, sample):
    http, proposer = stack.http, await stack.login("li.wei")
    body = await proposal_body(stack, proposer)
    draft = (await http.post("/api/v1/projects", json=body, headers=proposer)).json()
    before = await projects_of(stack, proposer)
    for name in PROPOSAL_TEXT:
        made = await http.post("/api/v1/projects", **as_json({**body, name: REFUSED[sample]}, proposer))
        assert made.status_code == 422 and made.json()["detail"][0]["loc"] == ["body", name], made.text
        edit = await http.patch(f"/api/v1/projects/{draft['id']}", **as_json({name: REFUSED[sample]}, proposer))
        assert edit.status_code == 422 and edit.json()["detail"][0]["loc"] == ["body", name], edit.text
    assert await projects_of(stack, proposer) == before
    assert (await http.get(f"/api/v1/projects/{draft['id']}", headers=proposer)).json() == draft


async def test_a_proposal_edit_refuses_null_for_what_a_proposal_needs(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    draft = await new_draft(stack, proposer)
    for name in (*PROPOSAL_TEXT, "domain"):
        edit = await http.patch(f"/api/v1/projects/{draft['id']}", json={name: None}, headers=proposer)
        assert edit.status_code == 422 and edit.json()["detail"][0]["loc"] == ["body", name], edit.text
    assert (await http.get(f"/api/v1/projects/{draft['id']}", headers=proposer)).json() == draft


COMMENT_TEXT = {"clause": 64, "comment": 20_000, "proposed_change": 20_000}


async def test_awkward_unicode_in_consultation_comments(stack):
    pid = await open_consultation(stack)
    http, commenter = stack.http, await stack.login("chen.jie")
    url = f"/api/v1/projects/{pid}/comments"
    sent = []
    for sample in KEPT.values():
        body = {name: sample[:64] for name in COMMENT_TEXT}
        made = await http.post(url, **as_json(body, commenter))
        assert made.status_code == 201, made.text
        sent.append(body)
    for name in COMMENT_TEXT:
        for sample in REFUSED.values():
            refused = await http.post(url, **as_json({**sent[0], name: sample}, commenter))
            assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", name], refused.text
        too_long = await http.post(url, json={**sent[0], name: "意" * (COMMENT_TEXT[name] + 1)}, headers=commenter)
        assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", name]
    stored = (await http.get(url, headers=commenter)).json()
    assert [{name: c[name] for name in COMMENT_TEXT} for c in stored] == sent


async def test_awkward_unicode_in_coordination_requests_and_answers(stack):
    http, sender, receiver = stack.http, await stack.login("gao.yan"), await stack.login("luo.ming")
    to_org = await org_id(http, sender, "SHEITC")
    base = {"to_org_id": to_org, "due_date": (date.today() + timedelta(days=14)).isoformat()}
    for sample in KEPT.values():
        body = {**base, "subject": sample, "body": sample * 3}
        sent = await http.post("/api/v1/coordination-requests", **as_json(body, sender))
        assert sent.status_code == 201, sent.text
        shown = (await http.get(f"/api/v1/coordination-requests/{sent.json()['id']}", headers=receiver)).json()
        assert (shown["subject"], shown["body"]) == (body["subject"], body["body"])
    before = (await http.get("/api/v1/coordination-requests", headers=sender)).json()
    for name in ("subject", "body"):
        for sample in REFUSED.values():
            body = {**base, "subject": "数据", "body": "数据", name: sample}
            refused = await http.post("/api/v1/coordination-requests", **as_json(body, sender))
            assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", name], refused.text
    assert (await http.get("/api/v1/coordination-requests", headers=sender)).json() == before

    task = await task_for(stack, "luo.ming", "answer_coordination", shown["id"])
    for sample in REFUSED.values():
        answer = {"decision": "answer", "answer": sample}
        refused = await http.post(f"/api/v1/tasks/{task['id']}/complete", **as_json(answer, receiver))
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "answer"], refused.text
    kept = {"decision": "answer", "answer": KEPT["right-to-left override"]}
    answered = await http.post(f"/api/v1/tasks/{task['id']}/complete", **as_json(kept, receiver))
    assert answered.status_code == 200 and answered.json()["decision"]["answer"] == kept["answer"], answered.text


async def test_a_nul_anywhere_else_is_refused(stack):
    http, secretary, admin = stack.http, await stack.login("wang.fang"), await stack.login("ma.rui")
    kind = await http.get("/api/v1/tasks", params={"kind": "screen\x00"}, headers=secretary)
    assert kind.status_code == 422 and kind.json()["detail"][0]["loc"] == ["query", "kind"]
    query = await http.get("/api/v1/catalog", params={"q": "数据\x00"})
    assert query.status_code == 422 and query.json()["detail"][0]["loc"] == ["query", "q"]
    sdcia = await org_id(http, admin, "SDCIA")
    member = await http.post(f"/api/v1/admin/organisations/{sdcia}/members", json={"username": "li\x00wei",
                                                                                   "role": "expert"}, headers=admin)
    assert member.status_code == 422 and member.json()["detail"][0]["loc"] == ["body", "username"]
    organisation = {"code": "NULCO", "name_zh": "空\x00字符", "name_en": "Nul", "kind": "enterprise"}
    made = await http.post("/api/v1/admin/organisations", json=organisation, headers=await stack.login("admin"))
    assert made.status_code == 422 and made.json()["detail"][0]["loc"] == ["body", "name_zh"]
    sign_in = await http.post("/api/v1/auth/token", data={"username": "li.wei\x00", "password": "Shanghai-2026"})
    assert sign_in.status_code == 401 and sign_in.json()["detail"] == "wrong username or password"

    proposer = await stack.login("li.wei")
    pid = (await new_draft(stack, proposer))["id"]
    note = await upload(http, proposer, pid, samples.pdf(), note="第一\x00稿")
    assert note.status_code == 422 and note.json()["detail"][0]["loc"] == ["body", "note"]
    assert (await http.get(f"/api/v1/projects/{pid}/drafts", headers=proposer)).json() == []


async def test_an_upload_past_its_limit_from_the_project_page_is_a_page_in_the_readers_language(stack):
    http, proposer = stack.http, await stack.login("li.wei")
    pid = (await new_draft(stack, proposer))["id"]
    stack.settings.max_upload_bytes = 4096
    await sign_in(http, "li.wei", "zh")
    project_page = await http.get(f"/projects/{pid}")
    token = hidden_field(project_page, "csrf_token")
    too_big = {"file": ("草案.md", b"a" * (4096 + MULTIPART_MARGIN + 1), "text/markdown")}

    declared = await http.post(f"/projects/{pid}/drafts", data={"csrf_token": token, "label": "working"},
                               files=too_big)
    assert declared.status_code == 413 and declared.headers["content-type"].startswith("text/html")
    assert "提交的内容超过了本站允许的大小：最多 1.0 MiB。" in declared.text and 'class="site"' in declared.text
    assert 'action="/logout"' in declared.text, "the navigation is still the signed-in reader's"

    built = http.build_request("POST", f"/projects/{pid}/drafts", data={"csrf_token": token, "label": "working"},
                               files=too_big)
    body = built.read()

    async def chunks():  # no Content-Length: counted as it arrives, refused as a page all the same
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    streamed = await http.post(f"/projects/{pid}/drafts", content=chunks(),
                               headers={"Content-Type": built.headers["content-type"]})
    assert streamed.status_code == 413 and "最多 1.0 MiB" in streamed.text and '"detail"' not in streamed.text
    assert (await http.get(f"/api/v1/projects/{pid}/drafts", headers=proposer)).json() == []
