import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.committees.models import Committee, CommitteeMember, CommitteeSeat
from services.committees.schemas import CommitteeCreate
from services.errors import Conflict, NotFound


async def create_committee(session: AsyncSession, data: CommitteeCreate) -> Committee:
    if (await session.exec(select(Committee).where(Committee.code == data.code))).first():
        raise Conflict("error.committee.exists", field="code", code=data.code)
    committee = Committee(**data.model_dump())
    session.add(committee)
    await session.flush()
    return committee


async def add_member(
    session: AsyncSession, committee_id: uuid.UUID, user_id: uuid.UUID, seat: CommitteeSeat, voting: bool = True
) -> CommitteeMember:
    member = CommitteeMember(committee_id=committee_id, user_id=user_id, seat=seat, voting=voting)
    session.add(member)
    await session.flush()
    return member


async def get_committee(session: AsyncSession, committee_id: uuid.UUID) -> Committee:
    committee = await session.get(Committee, committee_id)
    if committee is None:
        raise NotFound("error.committee.not_found", field="committee_id")
    return committee


async def list_committees(session: AsyncSession) -> list[Committee]:
    return list((await session.exec(select(Committee).order_by(Committee.code))).all())


async def members(session: AsyncSession, committee_id: uuid.UUID) -> list[CommitteeMember]:
    query = select(CommitteeMember).where(CommitteeMember.committee_id == committee_id)
    return list((await session.exec(query)).all())


async def committees_where_secretary(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(CommitteeMember.committee_id).where(
        CommitteeMember.user_id == user_id, CommitteeMember.seat == CommitteeSeat.secretary
    )
    return list((await session.exec(query)).all())
