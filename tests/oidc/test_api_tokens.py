"""API bearer tokens from the provider: access tokens for StandardFlow's own audience, never ID tokens."""

import pytest
from pydantic import ValidationError

from standardflow.config import Settings
from tests.oidc.browser import Browser, bearer, claims_of, header_of
from tests.oidc.fixtures import TANG_YI, WEB_CLIENT, identity_app, oidc_provider, oidc_settings  # noqa: F401

CLI_CLIENT = "standardflow-cli"


def test_a_provider_without_an_api_audience_of_its_own_is_refused_at_start():
    provider = {"oidc_issuer": "https://idp.example", "oidc_client_id": WEB_CLIENT[0]}
    with pytest.raises(ValidationError, match="STANDARDFLOW_OIDC_AUDIENCE must be set"):
        Settings(**provider)
    with pytest.raises(ValidationError, match="STANDARDFLOW_OIDC_AUDIENCE must not be the client id"):
        Settings(**provider, oidc_audience=WEB_CLIENT[0])
    assert Settings(**provider, oidc_audience="urn:standardflow:api").oidc_audience == "urn:standardflow:api"


@pytest.mark.parametrize("typ", ["at+jwt", ""], ids=["typ-required", "provider-without-typ"])
async def test_an_id_token_is_refused_as_a_bearer_token_even_when_it_names_the_api_audience(
    identity_app, oidc_provider, typ
):
    # A deployment whose API audience is the name of another client of the same provider (here the
    # command-line client): that client's ID tokens carry the audience, and still are no access tokens.
    settings = oidc_settings(oidc_provider, oidc_audience=CLI_CLIENT, oidc_access_token_typ=typ)
    async with identity_app(**settings) as running, running.client() as http:
        async with Browser(http) as browser:
            tokens = await browser.tokens(oidc_provider.issuer, TANG_YI["login"], TANG_YI["password"])
        id_token = tokens["id_token"]
        assert claims_of(id_token)["aud"] == CLI_CLIENT and claims_of(id_token)["iss"] == oidc_provider.issuer
        refused = await http.get("/api/v1/me", headers=bearer(id_token))
        assert refused.status_code == 401, refused.text
        assert "not an access token" in refused.json()["detail"]


async def test_the_web_clients_id_token_is_refused_and_its_access_token_taken(identity_app, oidc_provider):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        async with Browser(http) as browser:
            tokens = await browser.tokens(oidc_provider.issuer, TANG_YI["login"], TANG_YI["password"])
        assert header_of(tokens["access_token"])["typ"] == "at+jwt"
        assert (await http.get("/api/v1/me", headers=bearer(tokens["access_token"]))).status_code == 200
        assert (await http.get("/api/v1/me", headers=bearer(tokens["id_token"]))).status_code == 401
