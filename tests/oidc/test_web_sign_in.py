"""Signing in from the browser at a provider whose userinfo endpoint refuses the access token (its
access tokens are for the API by default): the ID token's claims are enough."""

import logging

from tests.oidc.browser import Browser
from tests.oidc.fixtures import TANG_YI, free_port, identity_app, oidc_provider, oidc_settings  # noqa: F401

DEFAULT_RESOURCE_CLIENT = ("standardflow-web-api-default", "web-client-secret")


async def test_sign_in_falls_back_to_the_id_tokens_claims_when_userinfo_refuses(
    identity_app, oidc_provider, caplog
):
    settings = oidc_settings(
        oidc_provider, oidc_client_id=DEFAULT_RESOURCE_CLIENT[0], oidc_client_secret=DEFAULT_RESOURCE_CLIENT[1]
    )
    caplog.set_level(logging.WARNING)
    async with identity_app(**settings) as running, running.client() as http:
        async with Browser(http) as browser:
            start = await browser.go("GET", "/login/oidc")
            landing = await browser.through_provider(start, TANG_YI["login"], TANG_YI["password"])
        assert landing.status_code == 200, landing.text
        assert str(landing.url) == "http://testserver/inbox"
        me = await http.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["username"].startswith("tang.yi"), me.text
    assert any("userinfo" in record.getMessage() for record in caplog.records), "the refusal is logged"


async def test_an_unreachable_provider_is_told_plainly_and_its_address_only_logged(identity_app, oidc_provider, caplog):
    settings = {**oidc_settings(oidc_provider), "oidc_issuer": f"http://127.0.0.1:{free_port()}"}  # nothing there
    caplog.set_level(logging.WARNING)
    async with identity_app(**settings) as running, running.client() as http:
        page = await http.get("/login/oidc", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
        assert "暂时无法连接身份提供方" in page.text and "127.0.0.1" not in page.text
        running.server_errors.remove("GET http://testserver/login/oidc -> 503")  # the one 503 expected here
    assert any(settings["oidc_issuer"] in record.getMessage() for record in caplog.records), "the address is logged"
