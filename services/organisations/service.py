import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Conflict, NotFound
from services.organisations.models import Organisation
from services.organisations.schemas import OrganisationCreate


async def create_organisation(session: AsyncSession, data: OrganisationCreate) -> Organisation:
    if await get_by_code(session, data.code):
        raise Conflict("error.org.exists", field="code", code=data.code)
    org = Organisation(**data.model_dump())
    session.add(org)
    await session.flush()
    return org


async def get_by_code(session: AsyncSession, code: str) -> Organisation | None:
    return (await session.exec(select(Organisation).where(Organisation.code == code))).first()


async def get_organisation(session: AsyncSession, org_id: uuid.UUID) -> Organisation:
    org = await session.get(Organisation, org_id)
    if org is None:
        raise NotFound("error.org.not_found")
    return org


async def list_organisations(session: AsyncSession) -> list[Organisation]:
    return list((await session.exec(select(Organisation).order_by(Organisation.code))).all())
