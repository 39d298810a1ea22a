"""The audit trail: append, read, and verify the hash chain."""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.audit.models import AuditEvent
from services.db import utcnow

GENESIS = "0" * 64
# Any constant works; it names the lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 0x5F10A0D1


def _digest(event: AuditEvent) -> str:
    body = {
        "at": event.at.isoformat(),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "project_id": str(event.project_id) if event.project_id else None,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def record(
    session: AsyncSession,
    *,
    action: str,
    object_type: str,
    object_id: object,
    actor_id: uuid.UUID | None = None,
    actor_label: str = "user",
    project_id: uuid.UUID | None = None,
    data: dict | None = None,
    flush: bool = True,
) -> AuditEvent:
    """Appends the record to the chain. With `flush` false it is written by the session's next flush,
    at the latest before the next record reads the chain's head."""
    if session.bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_CHAIN_LOCK))
    last = (await session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1))).first()
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        project_id=project_id,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=last or GENESIS,
    )
    event.hash = _digest(event)
    session.add(event)
    if flush:
        await session.flush()
    return event


async def events_for_project(session: AsyncSession, project_id: uuid.UUID) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.project_id == project_id).order_by(col(AuditEvent.id))
    return list((await session.exec(query)).all())


@dataclass
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None
    head: "Anchor | None" = None  # the last record checked

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


@dataclass(frozen=True)
class Anchor:
    """A record's id and hash, kept outside the database (printed by `standardflow audit verify`).
    A chain can be cut at its end, or rewritten and hashed anew from some record on, without a break
    showing inside it; checked against an anchor kept elsewhere, neither goes unseen up to the anchor."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        record, _, digest = text.strip().partition(":")
        if not record.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"an anchor is a record's id and its 64-character hash, as ID:HASH; not {text!r}")
        return cls(int(record), digest)


async def verify_chain(session: AsyncSession, batch: int = 1000, anchor: Anchor | None = None) -> ChainReport:
    """Walks the chain from its start; the first record that breaks it, or the head it reaches. With
    an anchor, the chain must also hold that record with that hash."""
    previous, checked, after = GENESIS, 0, 0
    while True:
        query = select(AuditEvent).where(col(AuditEvent.id) > after).order_by(col(AuditEvent.id)).limit(batch)
        rows = list((await session.exec(query)).all())
        if not rows:
            head = Anchor(after, previous) if checked else None
            if anchor is not None and after < anchor.id:
                return ChainReport(checked, anchor.id, f"is anchored, but the chain ends at record {after}: "
                                                       "records were cut from its end", head)
            return ChainReport(checked, None, None, head)
        for event in rows:
            if anchor is not None and after < anchor.id < event.id:
                return ChainReport(checked, anchor.id, "is anchored, but the chain no longer holds it")
            if anchor is not None and event.id == anchor.id and event.hash != anchor.hash:
                return ChainReport(checked, event.id, "does not carry the anchored hash: the chain was "
                                                      "rewritten up to here")
            if event.prev_hash != previous:
                # Naming the record before too: when one was deleted or slipped in, the gap is between the two.
                before = f"record {after}" if after else "the start of the chain"
                return ChainReport(checked, event.id, f"does not follow {before}, the record before it")
            if _digest(event) != event.hash:
                return ChainReport(checked, event.id, "content does not match its hash")
            previous, checked, after = event.hash, checked + 1, event.id
