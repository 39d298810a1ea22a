"""Activities of publication, evaluation and maintenance: thin adapters over the catalogue and
evaluation services."""

import uuid

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from services.catalogue import authorities, numbering, revisions
from services.db import transaction
from services.errors import Conflict
from services.evaluations import service as evaluations
from services.evaluations.schemas import EvaluationCreate
from workflows.project.publication_models import (
    EvaluationRecord, NumberOutcome, PublicationOrder, PublisherRef, RevisionOrder,
)


class PublicationActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="resolve_publisher")
    async def resolve_publisher(self, project_id: uuid.UUID) -> PublisherRef:
        """Fails (and is retried) until an organisation is registered to publish the project."""
        async with transaction(self._sessions) as session:
            org = await authorities.resolve_publisher(session, project_id)
            return PublisherRef(org_id=org.id, code=org.code, name_zh=org.name_zh, name_en=org.name_en)

    @activity.defn(name="record_publication")
    async def record_publication(self, order: PublicationOrder) -> NumberOutcome:
        request = numbering.PublicationRequest(**order.model_dump())
        try:
            async with transaction(self._sessions) as session:
                return NumberOutcome(number=await numbering.record_publication(session, request))
        except Conflict as exc:  # an outside number that another standard carries
            return NumberOutcome(refused=exc.message)

    @activity.defn(name="resolve_evaluating_org")
    async def resolve_evaluating_org(self) -> uuid.UUID:
        """Fails (and is retried) until some government organisation has evaluators."""
        async with transaction(self._sessions) as session:
            return (await evaluations.evaluating_organisation(session)).id

    @activity.defn(name="record_evaluation")
    async def record_evaluation(self, record: EvaluationRecord) -> uuid.UUID:
        async with transaction(self._sessions) as session:
            data = EvaluationCreate.model_validate(record.model_dump())
            return (await evaluations.record_evaluation(session, data)).id

    @activity.defn(name="open_revision")
    async def open_revision(self, order: RevisionOrder) -> uuid.UUID:
        async with transaction(self._sessions) as session:
            revision = await revisions.open_revision(
                session, order.project_id, order.revision_id, actor_id=order.actor_id,
                reasons=order.reasons, source=order.source,
            )
            return revision.id

    def all(self) -> list:
        return [self.resolve_publisher, self.record_publication, self.resolve_evaluating_org,
                self.record_evaluation, self.open_revision]
