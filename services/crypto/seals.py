"""Seals on decisions: the API, once it has authorised a person's decision on a task, signs the task,
the decision, the person and the moment with the current decision key (HMAC-SHA256, the key id
beside it); the worker applies only a decision whose seal one of the ring's keys verifies and that
is fresh. A decision sent to Temporal by anyone else (the CLI, another client) carries no valid seal,
so it cannot act under any person's name.

Both sides hold the ring: the worker could seal too, but a process that runs the workflows could
write their outcome to the database anyway. The seal closes the door for whoever can reach only
Temporal's frontend."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta, timezone

from services.crypto.keyring import KeyRing

# How old a seal may be when the worker checks it (a decision reaches the worker within seconds, but
# a worker catching up after an outage may take minutes), and how far ahead a clock may run.
MAX_AGE = timedelta(minutes=15)
MAX_AHEAD = timedelta(minutes=2)

UNSIGNED = "error.decision.unsigned"
UNKNOWN_KEY = "error.decision.unknown_key"
FORGED = "error.decision.bad_signature"
STALE = "error.decision.stale"


def _message(task_id: uuid.UUID, decision: dict, actor_id: uuid.UUID, signed_at: datetime) -> bytes:
    body = {"task_id": str(task_id), "decision": decision, "actor_id": str(actor_id),
            "signed_at": signed_at.astimezone(timezone.utc).isoformat(timespec="microseconds")}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(key: bytes, message: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode().rstrip("=")


def sign(ring: KeyRing, task_id: uuid.UUID, decision: dict, actor_id: uuid.UUID,
         signed_at: datetime) -> tuple[str, str]:
    """(key id, signature) of the decision, with the ring's current key."""
    kid, key = ring.current
    return kid, _mac(key, _message(task_id, decision, actor_id, signed_at))


def refusal(ring: KeyRing, task_id: uuid.UUID, decision: dict, actor_id: uuid.UUID,
            seal: tuple[str, datetime, str] | None, now: datetime) -> str | None:
    """None when the seal (key id, signed at, signature) is good and fresh; otherwise why not, as a
    message key."""
    if seal is None:
        return UNSIGNED
    kid, signed_at, signature = seal
    key = ring.get(kid)
    if key is None:
        return UNKNOWN_KEY
    if not hmac.compare_digest(_mac(key, _message(task_id, decision, actor_id, signed_at)), signature):
        return FORGED
    if not now - MAX_AGE <= signed_at <= now + MAX_AHEAD:
        return STALE
    return None
