"""Temporal holds nothing readable: a project's history, read with the Temporal CLI, holds none of its
proposal's words or its people's comments; the codec endpoint decrypts it for a platform admin (by
token, or by the session cookie of the Temporal UI's calls from its own origin) and for nobody else."""

import asyncio
import base64
import json
import uuid

import httpx
import pytest

from tests.api.test_pages import sign_in
from tests.api.test_security_headers import assert_protected
from tests.conftest import BIN
from tests.journey import MEMBERS, Journey, People

pytestmark = pytest.mark.timeout(240)

DECODE = "/api/v1/temporal-codec/decode"
ENCODE = "/api/v1/temporal-codec/encode"
UI_ORIGIN = "http://127.0.0.1:8233"  # the embedded UI's, the settings' default


@pytest.fixture
async def screened(stack):
    """A proposal with words of its own, screened and voted on with comments of their own: the history of
    its workflow as the Temporal CLI shows it, and those words."""
    mark = uuid.uuid4().hex[:10]
    words = {
        "title": f"机密标题 {mark}", "title_en": f"Confidential title {mark}", "scope": f"Scope known to few {mark}",
        "screening": f"Screening remark {mark}", "vote": f"投票意见 {mark}",
    }
    j = Journey(People(stack.http))
    await j.propose("li.wei", title_zh=words["title"], title_en=words["title_en"], scope=words["scope"])
    await j.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": words["screening"]})
    await j.complete(MEMBERS[0], "ballot_vote", {"decision": "approve", "comment": words["vote"]})
    await j.task(MEMBERS[1], "ballot_vote")  # the vote is in the history once the next voter's task is open
    # The ballot runs inside the project's workflow: the votes are in its history too.
    return {"project": await _history_from_the_cli(stack, f"project-{j.project_id}")}, words


async def _history_from_the_cli(stack, workflow_id: str) -> dict:
    client = stack.worker.client
    process = await asyncio.create_subprocess_exec(
        str(BIN / "temporal"), "workflow", "show", "--workflow-id", workflow_id, "--output", "json",
        "--address", client.service_client.config.target_host, "--namespace", client.namespace,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def _payloads(history: dict) -> list[dict]:
    return [payload for _, payload in _places(history)]


def _places(node, place: str = "") -> list[tuple[str, dict]]:  # noqa: ANN001
    """Each payload of the history with where it is (the names of the fields leading to it)."""
    if isinstance(node, list):
        return [found for item in node for found in _places(item, place)]
    if not isinstance(node, dict):
        return []
    if isinstance(node.get("metadata"), dict) and "encoding" in node["metadata"]:
        return [(place, node)]
    return [found for key, value in node.items() for found in _places(value, f"{place}.{key}")]


def _encoding(payload: dict) -> bytes:
    return base64.b64decode(payload["metadata"]["encoding"])


def _readable(payloads: list[dict]) -> str:
    return "\n".join(base64.b64decode(p.get("data", "")).decode("utf-8", errors="replace") for p in payloads)


async def test_a_history_read_from_temporal_holds_nothing_in_clear(stack, screened):
    history, words = screened
    payloads = _payloads(history)
    text = json.dumps(history, ensure_ascii=False) + _readable(payloads)
    for word in words.values():
        assert word not in text
    # In clear only what Temporal itself must read: search attributes it indexes (the stage, the patches
    # a run went through) and the SDK's own markers (a patch's name, a local activity's bookkeeping).
    clear = {place for place, payload in _places(history) if _encoding(payload) != b"binary/encrypted"}
    assert clear and all("searchAttributes" in place or "markerRecordedEventAttributes" in place for place in clear)
    assert any(_encoding(payload) == b"binary/encrypted" for payload in payloads)

    admin = await stack.login("admin")
    decoded = await stack.http.post(DECODE, json={"payloads": payloads}, headers={**admin, "X-Namespace": "default"})
    assert decoded.status_code == 200, decoded.text
    assert_protected(decoded)
    # The workflows carry the project by its id; the comments travel in the decisions, read again here.
    opened = _readable(decoded.json()["payloads"])
    assert words["screening"] in opened and words["vote"] in opened
    encodings = {_encoding(payload) for payload in decoded.json()["payloads"]}
    assert b"json/plain" in encodings and b"binary/encrypted" not in encodings


async def test_only_a_platform_admin_may_decode(stack, screened):
    history, words = screened
    body = {"payloads": _payloads(history)}
    secretary = await stack.login("wang.fang")
    refused = await stack.http.post(DECODE, json=body, headers=secretary)
    assert refused.status_code == 403
    assert refused.json()["detail"] == ("only a platform admin may read or write Temporal's payloads through "
                                        "the codec endpoint")
    anonymous = await stack.http.post(DECODE, json=body)
    assert anonymous.status_code == 401 and words["screening"] not in anonymous.text

    transport = stack.http._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        await sign_in(browser, "wang.fang", "en")
        as_secretary = await browser.post(DECODE, json=body, headers={"Origin": UI_ORIGIN})
        assert as_secretary.status_code == 403 and "only a platform admin" in as_secretary.json()["detail"]


async def test_the_temporal_ui_decodes_with_the_admins_session_from_its_own_origin_only(stack, screened):
    history, words = screened
    body = {"payloads": _payloads(history)}
    transport = stack.http._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        await sign_in(browser, "admin", "en")
        # The UI's call: its origin, the session cookie, no CSRF token (the UI has none to send).
        from_ui = await browser.post(DECODE, json=body, headers={"Origin": UI_ORIGIN, "X-Namespace": "default"})
        assert from_ui.status_code == 200, from_ui.text
        assert words["vote"] in _readable(from_ui.json()["payloads"])
        assert from_ui.headers["access-control-allow-origin"] == UI_ORIGIN
        assert from_ui.headers["access-control-allow-credentials"] == "true"
        assert_protected(from_ui)
        # Any other page, or no origin at all, must show the session's CSRF token, as everywhere else.
        for origin in ({"Origin": "http://evil.example"}, {}):
            forged = await browser.post(DECODE, json=body, headers=origin)
            assert forged.status_code == 403 and "CSRF token" in forged.json()["detail"]
            assert "access-control-allow-origin" not in forged.headers and words["vote"] not in forged.text


async def test_a_cors_preflight_is_answered_for_the_temporal_ui_only(stack):
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-namespace"}
    preflight = await stack.http.options(DECODE, headers={"Origin": UI_ORIGIN, **asked})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert {"content-type", "x-namespace"} <= {h.strip().lower() for h in
                                               preflight.headers["access-control-allow-headers"].split(",")}
    assert_protected(preflight)
    elsewhere = await stack.http.options(DECODE, headers={"Origin": "http://evil.example", **asked})
    assert elsewhere.status_code == 400 and "access-control-allow-origin" not in elsewhere.headers
    # No other path answers cross-origin calls, even from the UI.
    other = await stack.http.options("/api/v1/projects", headers={"Origin": UI_ORIGIN, **asked})
    assert "access-control-allow-origin" not in other.headers


async def test_encode_seals_with_the_current_key_and_decode_opens_it(stack):
    admin = await stack.login("admin")
    plain = {"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
             "data": base64.b64encode('{"comment": "typed in the UI"}'.encode()).decode()}
    encoded = await stack.http.post(ENCODE, json={"payloads": [plain]}, headers=admin)
    assert encoded.status_code == 200, encoded.text
    [sealed] = encoded.json()["payloads"]
    assert base64.b64decode(sealed["metadata"]["encryption-key-id"]) == b"test-1"
    assert b"typed in the UI" not in base64.b64decode(sealed["data"])
    decoded = await stack.http.post(DECODE, json={"payloads": [sealed]}, headers=admin)
    assert decoded.json() == {"payloads": [plain]}


async def test_bad_bodies_are_refused_with_a_message(stack):
    admin = await stack.login("admin")
    post = stack.http.post
    not_json = await post(DECODE, content=b"payloads", headers={**admin, "Content-Type": "application/json"})
    assert not_json.status_code == 422 and "JSON" in not_json.text
    wrong_shape = await post(DECODE, json={"payloads": "all of them"}, headers=admin)
    assert wrong_shape.status_code == 422 and wrong_shape.json()["detail"][0]["loc"] == ["body", "payloads"]
    not_base64 = await post(DECODE, json={"payloads": [{"metadata": {}, "data": "%%%"}]}, headers=admin)
    assert not_base64.status_code == 422
    assert not_base64.json()["detail"][0]["loc"] == ["body", "payloads", 0, "data"]
    assert "not base64" in not_base64.json()["detail"][0]["msg"]
    not_a_payload = await post(DECODE, json={"payloads": [{"data": "", "externalPayloads": "x"}]}, headers=admin)
    assert not_a_payload.status_code == 422
    assert not_a_payload.json()["detail"][0]["loc"] == ["body", "payloads", 0, "externalPayloads"]
    unknown_key = {"metadata": {"encoding": base64.b64encode(b"binary/encrypted").decode(),
                                "encryption-key-id": base64.b64encode(b"retired-2019").decode()},
                   "data": base64.b64encode(b"\0" * 40).decode()}
    refused = await post(DECODE, json={"payloads": [unknown_key]}, headers=admin)
    assert refused.status_code == 400
    assert "encrypted with key retired-2019, which is not in STANDARDFLOW_PAYLOAD_KEYS" in refused.json()["detail"]
    other_namespace = await post(DECODE, json={"payloads": []}, headers={**admin, "X-Namespace": "billing"})
    assert other_namespace.status_code == 404
    assert other_namespace.json()["detail"] == ("this codec endpoint serves the Temporal namespace default only, "
                                                "not billing")
