from typing import Annotated

from fastapi import APIRouter, Form, Request

from api.auth import login_limits
from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.identity import service as identity
from services.identity.schemas import Me, TokenResponse
from services.identity.throttle import sign_in

router = APIRouter(tags=["identity"])


@router.post("/api/v1/auth/token", response_model=TokenResponse, responses=refusals(400, 401, 413, 422, 429))
async def issue_token(
    request: Request,
    # An empty form field counts as missing, so the schema says each needs a character.
    username: Annotated[str, Form(min_length=1)],
    password: Annotated[str, Form(min_length=1, json_schema_extra={"format": "password"})],
) -> TokenResponse:
    """Exchange a built-in account's username and password for a signed access token (JWT), as the
    OAuth2 password grant does (its other fields, such as grant_type=password, may be sent too).

    After repeated failures from one client address at an account, or at all accounts together, the
    next try from that address must wait a delay that doubles with each further failure: until then
    the answer is 429 with Retry-After (seconds). Failures elsewhere never hold up another address."""
    address = request.client.host if request.client else "unknown"
    limits = login_limits(request.app.state.settings)
    user = await sign_in(request.app.state.sessions, username, password, address, limits)
    issuer = request.app.state.builtin_issuer
    return TokenResponse(access_token=issuer.issue(user.id), expires_in=issuer.ttl_seconds)


@router.get("/.well-known/jwks.json")
async def jwks(request: Request) -> dict:
    """The public keys that verify the built-in issuer's tokens: the active key and those kept after a rotation."""
    return request.app.state.builtin_issuer.public_jwks()


@router.get("/api/v1/me", response_model=Me, responses=refusals(401))
async def me(session: SessionDep, principal: PrincipalDep) -> Me:
    """The signed-in user, with each organisation they belong to, their roles there and what those permit."""
    return await identity.describe(session, principal)
