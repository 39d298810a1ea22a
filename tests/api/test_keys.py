"""Rotating the built-in issuer's signing key with `standardflow keys ...` while the API runs: tokens
signed with the previous key keep working until they expire, and stop once their key is removed."""

import asyncio
import base64
import json
import os
import sys
import time
import uuid
from pathlib import Path

from api.auth import API_AUDIENCE
from services.identity.keys import SigningKeys
from services.identity.tokens import issue_access_token

CLI = Path(sys.executable).parent / "standardflow"


async def keys_command(stack, *args: str) -> str:
    env = {**os.environ, "STANDARDFLOW_SIGNING_KEY_PATH": str(stack.settings.resolved_signing_key_path)}
    process = await asyncio.create_subprocess_exec(
        str(CLI), "keys", *args, env=env, cwd=stack.settings.var_dir,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def key_id(headers: dict) -> str:
    header = headers["Authorization"].removeprefix("Bearer ").split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


async def published_kids(stack) -> list[str]:
    return [key["kid"] for key in (await stack.http.get("/.well-known/jwks.json")).json()["keys"]]


async def test_a_token_signed_with_the_previous_key_works_until_that_key_is_removed(stack):
    http = stack.http
    before = await stack.login("li.wei")
    old_kid = key_id(before)
    assert (await keys_command(stack, "list")).split() == [old_kid, "signing"]

    new_kid = (await keys_command(stack, "rotate")).split()[-1]
    assert (await http.get("/api/v1/me", headers=before)).status_code == 200
    after = await stack.login("li.wei")
    assert key_id(after) == new_kid != old_kid
    assert await published_kids(stack) == [new_kid, old_kid]
    listed = (await keys_command(stack, "list")).splitlines()
    assert listed == [f"{new_kid}  signing", f"{old_kid}  verifying only"]

    await keys_command(stack, "remove", old_kid)
    refused = await http.get("/api/v1/me", headers=before)
    assert refused.status_code == 401 and "invalid token" in refused.json()["detail"]
    assert (await http.get("/api/v1/me", headers=after)).status_code == 200
    assert await published_kids(stack) == [new_kid]


async def test_a_token_signed_with_the_previous_key_stops_at_its_expiry(stack):
    http = stack.http
    headers = await stack.login("li.wei")
    user_id = (await http.get("/api/v1/me", headers=headers)).json()["id"]
    previous = SigningKeys(stack.settings.resolved_signing_key_path)
    an_hour_ago = issue_access_token(
        previous, subject=user_id, issuer=stack.settings.public_base_url, audience=API_AUDIENCE,
        ttl_seconds=600, now=time.time() - 3600,
    )
    await keys_command(stack, "rotate")

    assert (await http.get("/api/v1/me", headers=headers)).status_code == 200
    expired = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {an_hour_ago}"})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


async def test_removing_an_unknown_or_the_last_key_is_refused(stack):
    env = {**os.environ, "STANDARDFLOW_SIGNING_KEY_PATH": str(stack.settings.resolved_signing_key_path)}
    only = SigningKeys(stack.settings.resolved_signing_key_path).key_ids
    for kid, message in ((uuid.uuid4().hex[:16], "no signing key has the id"), (only[0], "the last signing key")):
        process = await asyncio.create_subprocess_exec(
            str(CLI), "keys", "remove", kid, env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        _, err = await process.communicate()
        assert process.returncode == 1 and message in err.decode()
    assert (await stack.http.get("/api/v1/me", headers=await stack.login("li.wei"))).status_code == 200
