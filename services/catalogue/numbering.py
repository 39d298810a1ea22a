"""Standard numbers: issued here from a sequence that never repeats, or recorded as issued outside."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalogue.models import NumberSequence, Publication
from services.errors import Conflict, Invalid, NotFound
from services.organisations.service import get_organisation
from services.projects.models import StandardProject


@dataclass(frozen=True)
class PublicationRequest:
    project_id: uuid.UUID
    publisher_org_id: uuid.UUID
    number_format: str  # from the project's policy; empty when the number is issued outside
    publication_date: date
    approved_by_id: uuid.UUID | None = None
    external_number: str | None = None


def render_number(number_format: str, *, org_code: str, seq: int, year: int) -> str:
    """`T/{org_code} {seq:04d}—{year}` with SDCIA, 1, 2026 gives `T/SDCIA 0001—2026`."""
    return number_format.format(org_code=org_code, seq=seq, year=year)


async def next_sequence(session: AsyncSession, number_format: str, org_id: uuid.UUID) -> int:
    """The next number in the organisation's sequence for this format. The increment is one UPDATE
    that holds the row's lock until the publishing transaction ends (PostgreSQL); on SQLite every
    writing transaction is BEGIN IMMEDIATE, so publishers queue. Either way two publications never
    read the same value, and a rolled-back publication gives its number back."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.exec(
        insert(NumberSequence)
        .values(id=uuid.uuid4(), number_format=number_format, org_id=org_id, last_seq=0)
        .on_conflict_do_nothing(index_elements=["number_format", "org_id"])
    )
    result = await session.exec(
        update(NumberSequence)
        .where(col(NumberSequence.number_format) == number_format, col(NumberSequence.org_id) == org_id)
        .values(last_seq=col(NumberSequence.last_seq) + 1)
        .returning(col(NumberSequence.last_seq))
    )
    return result.scalar_one()


async def check_external_number(session: AsyncSession, project_id: uuid.UUID, number: str | None) -> str:
    """A number issued outside must be given, and no other standard may carry it already."""
    number = (number or "").strip()
    if not number:
        raise Invalid("error.number.external_format", field="external_number")
    query = select(StandardProject.id).where(StandardProject.number == number, StandardProject.id != project_id)
    if (await session.exec(query)).first() is not None:
        raise Conflict("error.number.taken", field="external_number", number=number)
    return number


async def record_publication(session: AsyncSession, req: PublicationRequest) -> str:
    """Gives the project its number and records who published it; the number it got before when
    asked again (a retried activity)."""
    project = await session.get(StandardProject, req.project_id)
    if project is None:
        raise NotFound("error.project.not_found")
    if await session.get(Publication, req.project_id) is not None:
        return project.number
    if req.external_number is not None:
        number, seq = await check_external_number(session, project.id, req.external_number), None
    else:
        number, seq = await _issue(session, req)
    project.number = number
    session.add(project)
    session.add(Publication(
        project_id=project.id, publisher_org_id=req.publisher_org_id, publication_date=req.publication_date,
        sequence=seq, issued_outside=req.external_number is not None, approved_by_id=req.approved_by_id,
    ))
    try:
        await session.flush()
    except IntegrityError as exc:  # another standard took the same outside number meanwhile
        raise Conflict("error.number.taken", field="external_number", number=number) from exc
    return number


async def _issue(session: AsyncSession, req: PublicationRequest) -> tuple[str, int]:
    if not req.number_format:
        raise Invalid("error.number.external_needed", field="external_number")
    publisher = await get_organisation(session, req.publisher_org_id)
    seq = await next_sequence(session, req.number_format, publisher.id)
    number = render_number(req.number_format, org_code=publisher.code, seq=seq, year=req.publication_date.year)
    return number, seq
