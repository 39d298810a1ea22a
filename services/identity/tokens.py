"""Access tokens of the built-in issuer, and the checks every bearer token must pass."""

import time
import uuid

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact
from joserfc.jwt import JWTClaimsRegistry

from services.errors import Unauthorized
from services.identity.keys import ALGORITHM, SigningKeys


def issue_access_token(
    keys: SigningKeys, *, subject: str, issuer: str, audience: str, ttl_seconds: int, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode({"alg": ALGORITHM, "kid": keys.active.kid}, claims, keys.key_set)


def verify_token(
    token: str, key_set: KeySet, *, issuer: str, audience: str, algorithms: list[str] | None = None,
    leeway: int = 30,
) -> dict:
    """Signature, issuer, audience, expiry and not-before; any failure is 401."""
    try:
        decoded = jwt.decode(token, key_set, algorithms=algorithms or [ALGORITHM, "RS256", "PS256"])
    except (JoseError, ValueError) as exc:
        raise Unauthorized("error.token.invalid", reason=str(exc)) from exc
    registry = JWTClaimsRegistry(
        leeway=leeway,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        exp={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise Unauthorized("error.token.invalid", reason=str(exc)) from exc
    if not _audience_matches(decoded.claims.get("aud"), audience):
        raise Unauthorized("error.token.audience")
    return decoded.claims


def token_header(token: str) -> dict:
    """The protected header, unverified: only to choose a key or to read a verified token's type."""
    try:
        return dict(extract_compact(token.encode()).protected)
    except (JoseError, ValueError):
        return {}


def token_key_id(token: str) -> str | None:
    return token_header(token).get("kid")


def _audience_matches(claim: object, audience: str) -> bool:
    if isinstance(claim, str):
        return claim == audience
    if isinstance(claim, list):
        return audience in claim
    return False
