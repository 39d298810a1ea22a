"""Who may sit on a project's expert panel: a holder of the expert role who belongs to none of the
project's drafting organisations (the lead and its co-drafters)."""

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Invalid
from services.words import Phrase
from services.identity.models import Membership, MembershipState, User
from services.identity.permissions import Role
from services.organisations.models import Organisation
from services.projects.service import drafting_org_ids


@dataclass(frozen=True)
class Candidate:
    user: User
    expert_org_ids: list[uuid.UUID]
    drafting_org_codes: list[str]

    @property
    def label(self) -> str:
        return f"{self.user.display_name} ({self.user.username})"


async def candidates(
    session: AsyncSession, project_id: uuid.UUID, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Candidate]:
    """The named users that exist, each with the organisations where they are experts and the
    drafting organisations they belong to."""
    users = (await session.exec(select(User).where(col(User.id).in_(user_ids)))).all()
    drafting = set(await drafting_org_ids(session, project_id))
    query = (
        select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(col(Membership.user_id).in_(user_ids), Membership.state == MembershipState.active)
        .order_by(Organisation.code)
    )
    memberships = (await session.exec(query)).all()
    found = {}
    for user in users:
        mine = [(m, o) for m, o in memberships if m.user_id == user.id]
        found[user.id] = Candidate(
            user=user,
            expert_org_ids=[o.id for m, o in mine if m.role == Role.expert],
            drafting_org_codes=sorted({o.code for _, o in mine if o.id in drafting}),
        )
    return found


def problems_with(candidate: Candidate | None, user_id: uuid.UUID) -> list[Phrase]:
    if candidate is None:
        return [Phrase("error.expert.no_user", {"user": str(user_id)})]
    if not candidate.user.is_active:
        return [Phrase("error.expert.inactive", {"expert": candidate.label})]
    found = []
    if not candidate.expert_org_ids:
        found.append(Phrase("error.expert.not_expert", {"expert": candidate.label}))
    for code in candidate.drafting_org_codes:
        found.append(Phrase("error.expert.drafting", {"expert": candidate.label, "org": code}))
    return found


async def check_panel(session: AsyncSession, project_id: uuid.UUID, expert_ids: list[uuid.UUID], min_size: int) -> None:
    """Raises Invalid naming every expert who may not sit, every one named twice, and a panel too small."""
    found = await candidates(session, project_id, expert_ids)
    problems = [p for user_id in dict.fromkeys(expert_ids) for p in problems_with(found.get(user_id), user_id)]
    for user_id, times in Counter(expert_ids).items():
        if times > 1:
            who = found[user_id].label if user_id in found else str(user_id)
            problems.append(Phrase("error.expert.twice", {"expert": who, "times": times}))
    distinct = len(set(expert_ids))
    if distinct < min_size:
        problems.append(Phrase("error.panel.too_small", {"min": min_size, "count": distinct}))
    if problems:
        raise Invalid("error.problems", field="expert_ids", problems=problems)


async def check_replacement(session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID,
                            sat_before: set[uuid.UUID]) -> None:
    """Raises Invalid unless the user may take a seat that someone has left."""
    found = await candidates(session, project_id, [user_id])
    problems = problems_with(found.get(user_id), user_id)
    if user_id in sat_before:
        problems.append(Phrase("error.expert.sat_before", {"expert": found[user_id].label}))
    if problems:
        raise Invalid("error.problems", field="expert_id", problems=problems)
