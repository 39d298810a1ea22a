"""Evaluations of how published standards work, and who evaluates them."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import NotFound
from services.evaluations.models import CRITERIA, Evaluation
from services.evaluations.schemas import EvaluationCreate, EvaluationPublic, Scores
from services.identity.models import Membership, MembershipState
from services.identity.permissions import Role
from services.identity.principal import Principal
from services.organisations.models import Organisation, OrgKind
from services.projects import service as projects


async def evaluating_organisation(session: AsyncSession) -> Organisation:
    """The government organisation whose members hold the evaluator role (the first by code when
    several do)."""
    query = (
        select(Organisation)
        .join(Membership, col(Membership.org_id) == Organisation.id)
        .where(Organisation.kind == OrgKind.government, Membership.role == Role.evaluator.value, Membership.state == MembershipState.active)
        .order_by(col(Organisation.code))
    )
    org = (await session.exec(query)).first()
    if org is None:
        raise NotFound("error.evaluation.no_evaluators")
    return org


async def record_evaluation(session: AsyncSession, data: EvaluationCreate) -> Evaluation:
    """One evaluation per task: recording the same task again returns the first."""
    existing = (await session.exec(select(Evaluation).where(Evaluation.task_id == data.task_id))).first()
    if existing is not None:
        return existing
    evaluation = Evaluation(**data.model_dump(exclude={"scores"}), **data.scores.model_dump())
    session.add(evaluation)
    await session.flush()
    return evaluation


async def list_for_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID
) -> list[EvaluationPublic]:
    """The project's evaluations, oldest first, for whoever may read the project."""
    await projects.get_readable(session, principal, project_id)
    query = select(Evaluation).where(Evaluation.project_id == project_id).order_by(col(Evaluation.created_at))
    return [to_public(e) for e in (await session.exec(query)).all()]


def to_public(evaluation: Evaluation) -> EvaluationPublic:
    return EvaluationPublic(
        id=evaluation.id, project_id=evaluation.project_id, evaluator_id=evaluation.evaluator_id,
        org_id=evaluation.org_id, scores=Scores(**{name: getattr(evaluation, name) for name in CRITERIA}),
        decision=evaluation.decision, nominate_shanghai_standard=evaluation.nominate_shanghai_standard,
        summary=evaluation.summary, created_at=evaluation.created_at,
    )
