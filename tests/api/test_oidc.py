"""Signing in at a real OpenID Connect provider (oidc-provider on loopback): the browser by
authorisation code + PKCE, API clients by bearer JWTs checked against the provider's keys."""

import asyncio
import base64
import json
import time
import uuid

from joserfc import jwt
from joserfc.jwk import RSAKey

from services.demo import DEMO_PASSWORD
from tests.oidc.browser import Browser, hidden_field
from tests.oidc.fixtures import (  # noqa: F401 - fixtures
    AUDIENCE, OTHER_AUDIENCE, QIAN_BO, TANG_YI, identity_app, oidc_provider, oidc_settings,
)


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def web_sign_in(browser: Browser, account: dict):
    start = await browser.go("GET", "/login/oidc")
    return await browser.through_provider(start, account["login"], account["password"])


async def test_browser_signs_in_at_the_provider_and_an_api_client_uses_its_token(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        browser = Browser(http)
        try:
            login_page = await http.get("/login", headers={"Accept-Language": "en"})
            assert "Sign in with Test IdP" in login_page.text

            landing = await web_sign_in(browser, TANG_YI)
            assert str(landing.url) == "http://testserver/inbox", "signing in lands on the inbox"
            assert landing.status_code == 200 and "唐怡" in landing.text
            account = await http.get("/account")
            assert "唐怡" in account.text and "tang.yi" in account.text
            assert 'data-org="SDCIA"' in account.text and 'data-role="expert"' in account.text

            web_me = await http.get("/api/v1/me")
            assert web_me.status_code == 200, web_me.text

            token = await browser.api_token(oidc_provider.issuer, TANG_YI["login"], TANG_YI["password"])
            assert claims_of(token)["aud"] == AUDIENCE
            async with running.client() as api:  # no cookies: the token alone
                me = await api.get("/api/v1/me", headers=bearer(token))
            assert me.status_code == 200, me.text
            assert me.json()["id"] == web_me.json()["id"]
            assert me.json()["username"] == "tang.yi" and me.json()["display_name"] == "唐怡"
            assert [(m["org_code"], m["roles"]) for m in me.json()["memberships"]] == [("SDCIA", ["expert"])]
        finally:
            await browser.close()


async def test_each_provider_account_is_its_own_user_in_its_own_organisation(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        browser = Browser(http)
        try:
            token = await browser.api_token(oidc_provider.issuer, QIAN_BO["login"], QIAN_BO["password"])
            me = (await http.get("/api/v1/me", headers=bearer(token))).json()
            assert me["username"] == "qian.bo"
            assert [(m["org_code"], m["roles"]) for m in me["memberships"]] == [("PJMOB", ["proposer"])]
            again = (await http.get("/api/v1/me", headers=bearer(token))).json()
            assert again["id"] == me["id"]
        finally:
            await browser.close()


async def test_tokens_with_the_wrong_audience_expired_or_signed_by_an_unknown_key_are_refused(
    identity_app, oidc_provider
):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        browser = Browser(http)
        try:
            issuer, login, password = oidc_provider.issuer, TANG_YI["login"], TANG_YI["password"]
            other = await browser.api_token(issuer, login, password, resource=OTHER_AUDIENCE)
            assert claims_of(other)["aud"] == OTHER_AUDIENCE
            refused = await http.get("/api/v1/me", headers=bearer(other))
            assert refused.status_code == 401 and "audience" in refused.json()["detail"]

            short = await browser.api_token(issuer, login, password, client_id="standardflow-cli-short")
            assert (await http.get("/api/v1/me", headers=bearer(short))).status_code == 200
            await asyncio.sleep(max(0.0, claims_of(short)["exp"] - time.time()) + 1.1)
            expired = await http.get("/api/v1/me", headers=bearer(short))
            assert expired.status_code == 401 and "expired" in expired.json()["detail"]

            genuine = await browser.api_token(issuer, login, password)
            for kid in (uuid.uuid4().hex, _kid(genuine)):  # a key nobody published, and one posing as the provider's
                forged = _forge(claims_of(genuine), kid)
                answer = await http.get("/api/v1/me", headers=bearer(forged))
                assert answer.status_code == 401, answer.text
            assert (await http.get("/api/v1/me", headers=bearer(genuine))).status_code == 200
        finally:
            await browser.close()


def _kid(token: str) -> str:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def _forge(claims: dict, kid: str) -> str:
    key = RSAKey.generate_key(2048, parameters={"kid": kid})
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "at+jwt"}, claims, key)


async def test_signing_out_ends_the_session_here_and_at_the_provider(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        browser = Browser(http)
        try:
            landing = await web_sign_in(browser, TANG_YI)
            assert landing.status_code == 200 and str(landing.url) == "http://testserver/inbox"
            cookie = http.cookies.get("standardflow_session")

            confirm = await browser.go("POST", "/logout", data={"csrf_token": hidden_field(landing, "csrf_token")})
            assert str(confirm.url).startswith(oidc_provider.issuer), confirm.url
            after = await browser.submit(confirm)
            assert str(after.url).startswith("http://testserver/login"), after.url

            async with running.client() as copied:
                copied.cookies.set("standardflow_session", cookie)
                assert (await copied.get("/api/v1/me")).status_code == 401
            again = await browser.go("GET", "/login/oidc")
            assert 'name="password"' in again.text, "the provider should ask for the password again"
        finally:
            await browser.close()


async def test_an_organisation_admin_grants_a_provider_user_a_role(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        browser = Browser(http)
        try:
            token = await browser.api_token(oidc_provider.issuer, TANG_YI["login"], TANG_YI["password"])
            me = (await http.get("/api/v1/me", headers=bearer(token))).json()
            sdcia = me["memberships"][0]["org_id"]
            admin = await http.post("/api/v1/auth/token", data={"username": "ma.rui", "password": DEMO_PASSWORD})
            admin_headers = bearer(admin.json()["access_token"])

            members = f"/api/v1/admin/organisations/{sdcia}/members"
            granted = await http.post(
                members, json={"username": "tang.yi", "role": "committee_member"}, headers=admin_headers
            )
            assert granted.status_code == 200, granted.text
            assert granted.json()["roles"] == ["committee_member", "expert"]
            assert granted.json()["roles_from_claim"] == ["expert"]
            roles = (await http.get("/api/v1/me", headers=bearer(token))).json()["memberships"][0]["roles"]
            assert roles == ["committee_member", "expert"], "the admin's grant survives the next token"

            revoked = await http.delete(f"{members}/{me['id']}/roles/committee_member", headers=admin_headers)
            assert revoked.status_code == 200 and revoked.json()["roles"] == ["expert"]
        finally:
            await browser.close()


async def test_a_provider_key_rotation_is_picked_up_from_its_published_keys(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        first = Browser(http)
        try:
            before = await first.api_token(oidc_provider.issuer, QIAN_BO["login"], QIAN_BO["password"])
            assert (await http.get("/api/v1/me", headers=bearer(before))).status_code == 200
        finally:
            await first.close()
        oidc_provider.restart()
        second = Browser(http)
        try:
            after = await second.api_token(oidc_provider.issuer, QIAN_BO["login"], QIAN_BO["password"])
            assert _kid(after) != _kid(before)
            assert (await http.get("/api/v1/me", headers=bearer(after))).status_code == 200
            assert (await http.get("/api/v1/me", headers=bearer(before))).status_code == 401
        finally:
            await second.close()
