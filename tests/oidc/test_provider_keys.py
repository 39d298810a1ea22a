"""The provider's published keys are fetched again within the refresh interval: a key the provider
has dropped stops verifying even when no token with an unknown key id comes along to force a fetch."""

import asyncio

import pytest
from pydantic import ValidationError

from standardflow.config import Settings
from tests.oidc.browser import Browser, bearer
from tests.oidc.fixtures import AUDIENCE, QIAN_BO, identity_app, oidc_provider, oidc_settings  # noqa: F401


async def test_a_key_the_provider_dropped_stops_verifying_after_the_refresh_interval(identity_app, oidc_provider):
    settings = oidc_settings(oidc_provider, oidc_jwks_refresh_seconds=1, oidc_jwks_min_refresh_seconds=10)
    async with identity_app(**settings) as running, running.client() as http:
        async with Browser(http) as browser:
            token = await browser.api_token(oidc_provider.issuer, QIAN_BO["login"], QIAN_BO["password"])
        assert (await http.get("/api/v1/me", headers=bearer(token))).status_code == 200

        oidc_provider.restart()  # a new signing key; the one that signed `token` is no longer published
        await asyncio.sleep(1.2)
        refused = await http.get("/api/v1/me", headers=bearer(token))
        assert refused.status_code == 401, refused.text


def test_the_refresh_interval_is_an_hour_at_most():
    provider = {"oidc_issuer": "https://idp.example", "oidc_client_id": "web", "oidc_audience": AUDIENCE}
    assert Settings(**provider).oidc_jwks_refresh_seconds == 3600
    with pytest.raises(ValidationError, match="STANDARDFLOW_OIDC_JWKS_REFRESH_SECONDS must be between 1 and 3600"):
        Settings(**provider, oidc_jwks_refresh_seconds=86_400)
