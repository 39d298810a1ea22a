"""Roles from the provider's groups claim: a token without the claim leaves them, an empty claim takes
them back, and the provider grants only what the deployment allows it to."""

import uuid

import pytest
from pydantic import ValidationError

from standardflow.config import Settings
from tests.oidc.browser import Browser, bearer
from tests.oidc.fixtures import AUDIENCE, identity_app, oidc_provider, oidc_settings  # noqa: F401
from tests.oidc.fixtures import OidcProvider

PASSWORD = "Provider-Pass-9"


def new_person(provider: OidcProvider, **claims: object) -> tuple[str, str]:
    login = f"p{uuid.uuid4().hex[:10]}"
    sub = f"sub-{login}"
    provider.put_account(login, PASSWORD, sub=sub, name=f"Person {login}", **claims)
    return login, sub


async def roles_seen(http, provider: OidcProvider, login: str) -> list[tuple[str, list[str]]]:
    """The person's roles as /me answers to a fresh access token."""
    async with Browser(http) as browser:
        token = await browser.api_token(provider.issuer, login, PASSWORD)
    me = await http.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    return [(m["org_code"], m["roles"]) for m in me.json()["memberships"]]


async def test_a_token_without_the_claim_leaves_roles_and_an_empty_claim_takes_them_back(
    identity_app, oidc_provider
):
    async with identity_app(**oidc_settings(oidc_provider)) as running, running.client() as http:
        login, sub = new_person(oidc_provider, groups=["SDCIA:expert", "PJMOB:proposer"])
        granted = [("PJMOB", ["proposer"]), ("SDCIA", ["expert"])]
        assert sorted(await roles_seen(http, oidc_provider, login)) == granted

        oidc_provider.put_account(login, PASSWORD, sub=sub, name="Person")  # the claim left out
        assert sorted(await roles_seen(http, oidc_provider, login)) == granted, "no claim: roles unchanged"

        oidc_provider.put_account(login, PASSWORD, sub=sub, name="Person", groups=[])
        assert await roles_seen(http, oidc_provider, login) == [], "an empty claim: roles taken back"


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        ("SDCIA:*", [("SDCIA", ["expert"])]),
        ("*:*", [("PJMOB", ["committee_member"]), ("SDCIA", ["expert"])]),
        ("*:*,SDCIA:admin", [("PJMOB", ["committee_member"]), ("SDCIA", ["admin", "expert"])]),
        ("PJMOB:committee_member", [("PJMOB", ["committee_member"])]),
    ],
)
async def test_the_provider_grants_only_the_organisations_and_roles_allowed_and_admin_only_where_named(
    identity_app, oidc_provider, allowed, expected
):
    settings = oidc_settings(oidc_provider, oidc_groups_allowed=allowed)
    async with identity_app(**settings) as running, running.client() as http:
        login, _ = new_person(oidc_provider, groups=["SDCIA:admin", "SDCIA:expert", "PJMOB:committee_member"])
        assert sorted(await roles_seen(http, oidc_provider, login)) == expected


def test_a_groups_claim_without_an_allow_list_is_refused_at_start():
    with pytest.raises(ValidationError, match="STANDARDFLOW_OIDC_GROUPS_ALLOWED must name"):
        Settings(oidc_issuer="https://idp.example", oidc_client_id="web", oidc_audience=AUDIENCE,
                 oidc_groups_claim="groups")
