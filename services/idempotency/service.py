"""Requests that create something may carry a key of the sender's choosing (the API's
`Idempotency-Key` header, a form's hidden `request_key`). The first request under a key creates;
one repeated under it, with the same content, gets what the first created; one with other content
is refused, so a key never silently stands for two different things."""

import hashlib
import json
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Conflict, Invalid
from services.idempotency.models import IdempotentRequest

# Visible ASCII, as an HTTP header value carries it without escaping; a UUID is the usual choice.
KEY_PATTERN = r"^[!-~]{1,200}$"


def fingerprint(content: object) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


async def created_before(
    session: AsyncSession, user_id: uuid.UUID, key: str, action: str, content: object
) -> uuid.UUID | None:
    """What an earlier request of this user under this key created; None for a new key."""
    earlier = (await session.exec(select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key))).first()
    if earlier is None:
        return None
    if earlier.action != action or earlier.fingerprint != fingerprint(content):
        raise Invalid("error.idempotency.reused", key=key)
    return earlier.resource_id


async def remember(
    session: AsyncSession, user_id: uuid.UUID, key: str, action: str, content: object, resource_id: uuid.UUID
) -> None:
    """Records what this request created, in the transaction that created it."""
    session.add(IdempotentRequest(user_id=user_id, key=key, action=action, fingerprint=fingerprint(content),
                                  resource_id=resource_id))
    try:
        await session.flush()
    except IntegrityError as exc:  # the same key, sent twice at once: the other one is being written
        raise Conflict("error.idempotency.busy") from exc
