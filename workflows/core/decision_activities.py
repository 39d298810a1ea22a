"""The worker's check of a decision's seal (services/crypto/seals.py), run as a local activity before
a workflow takes the decision: the ring is the worker's, and the wall clock is read here, not in
workflow code. A refused decision is recorded in the audit trail with the person it claimed to come
from, so whoever reviews the trail sees the attempt."""

from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.audit import service as audit
from services.crypto import seals
from services.crypto.keyring import KeyRing
from services.db import transaction
from services.identity.models import User
from services.tasks.models import Task
from workflows.core.models import DecisionCheck

REFUSED = "decision.refused"


class DecisionActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], keys: KeyRing) -> None:
        self._sessions = sessions
        self._keys = keys

    @activity.defn(name="verify_decision")
    async def verify_decision(self, check: DecisionCheck) -> str:
        """"" when the decision's seal is good; otherwise the refusal's message key, once recorded."""
        decision = check.decision
        seal = (decision.seal.key_id, decision.seal.signed_at, decision.seal.signature) if decision.seal else None
        why = seals.refusal(self._keys, decision.task_id, decision.decision, decision.actor_id, seal,
                            datetime.now(timezone.utc))
        if why is None:
            return ""
        async with transaction(self._sessions) as session:
            task = await session.get(Task, decision.task_id)
            claimed = await session.get(User, decision.actor_id)
            await audit.record(
                session, action=REFUSED, object_type="task", object_id=decision.task_id,
                actor_label="workflow", project_id=task.project_id if task else None,
                data={"refusal": why, "claimed_by": claimed.display_name if claimed else str(decision.actor_id),
                      "claimed_actor_id": str(decision.actor_id), "task_kind": task.kind if task else "",
                      "decision": decision.decision.get("decision"), "workflow_id": check.workflow_id,
                      "key_id": decision.seal.key_id if decision.seal else ""},
            )
        activity.logger.warning("refused a decision on task %s claiming to come from %s: %s",
                                decision.task_id, decision.actor_id, why)
        return why
