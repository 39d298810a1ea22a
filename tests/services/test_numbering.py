"""Standard numbers: each type's publisher and format, a sequence that never repeats when approvals
race, and numbers issued outside that cannot be recorded twice."""

import asyncio
import re
import uuid
from datetime import date

import pytest

from services.catalogue import authorities, numbering
from services.catalogue.models import Publication
from services.catalogue.numbering import PublicationRequest, render_number
from services.committees.service import list_committees
from services.db import transaction
from services.errors import Conflict, Invalid
from services.identity.service import get_by_username, load_principal
from services.projects import service as projects
from services.projects.models import StandardProject, StandardType
from services.projects.policy import policy_for
from services.projects.schemas import ProjectCreate

DAY = date(2026, 3, 2)


async def make_project(sessions, standard_type: StandardType = StandardType.group) -> StandardProject:
    async with transaction(sessions) as session:
        principal = await load_principal(session, (await get_by_username(session, "li.wei")).id)
        committee = next(c for c in await list_committees(session) if c.code == "SDCIA-TC01")
        data = ProjectCreate(
            title_zh="智能网联公交 车路协同数据接口", title_en="Connected buses: vehicle-road data interface",
            scope="Data exchanged between buses and roadside units.", rationale="Each district differs.",
            standard_type=standard_type, domain="life.mobility", committee_id=committee.id,
        )
        return await projects.create_project(session, principal, data)


async def publish(sessions, project: StandardProject, external: str | None = None) -> str:
    async with transaction(sessions) as session:
        publisher = await authorities.resolve_publisher(session, project.id)
        return await numbering.record_publication(session, PublicationRequest(
            project_id=project.id, publisher_org_id=publisher.id, publication_date=DAY, external_number=external,
            number_format=policy_for(project.standard_type).number_format,
        ))


def seq_of(number: str) -> int:
    return int(re.search(r" (\d+)—", number).group(1))


def test_formats_of_each_type():
    def render(kind: StandardType, code: str, seq: int) -> str:
        return render_number(policy_for(kind).number_format, org_code=code, seq=seq, year=2026)

    assert render(StandardType.group, "SDCIA", 1) == "T/SDCIA 0001—2026"
    assert render(StandardType.group, "SDCIA", 12345) == "T/SDCIA 12345—2026"
    assert render(StandardType.local, "SHAMR", 7) == "DB31/T 7—2026"
    assert render(StandardType.enterprise, "PJMOB", 12) == "Q/PJMOB 12—2026"


@pytest.mark.parametrize(("kind", "publisher", "pattern"), [
    (StandardType.group, "SDCIA", r"T/SDCIA \d{4}—2026"),
    (StandardType.local, "SHAMR", r"DB31/T [1-9]\d*—2026"),
    (StandardType.enterprise, "PJMOB", r"Q/PJMOB [1-9]\d*—2026"),
])
async def test_each_type_is_numbered_by_its_publisher(sessions, kind, publisher, pattern):
    project = await make_project(sessions, kind)
    async with transaction(sessions) as session:
        assert (await authorities.resolve_publisher(session, project.id)).code == publisher
    number = await publish(sessions, project)
    assert re.fullmatch(pattern, number)
    async with transaction(sessions) as session:
        assert (await session.get(StandardProject, project.id)).number == number
        record = await session.get(Publication, project.id)
        assert (record.sequence, record.publication_date, record.issued_outside) == (seq_of(number), DAY, False)


async def test_racing_approvals_get_distinct_consecutive_numbers(sessions):
    batch = [await make_project(sessions) for _ in range(10)]
    numbers = await asyncio.gather(*(publish(sessions, p) for p in batch))
    assert len(set(numbers)) == 10
    seqs = sorted(seq_of(n) for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + 10))
    assert all(re.fullmatch(r"T/SDCIA \d{4}—2026", n) for n in numbers)


async def test_a_publication_is_recorded_once(sessions):
    first, second = await make_project(sessions), await make_project(sessions)
    number = await publish(sessions, first)
    assert await publish(sessions, first) == number  # a retried activity gets the same number
    assert seq_of(await publish(sessions, second)) == seq_of(number) + 1  # and consumed none


async def test_a_number_issued_outside_is_recorded_once(sessions):
    national = await make_project(sessions, StandardType.national)
    async with transaction(sessions) as session:
        assert (await authorities.resolve_publisher(session, national.id)).code == "SHAMR"
    outside = f"GB/T {uuid.uuid4().int % 90000 + 10000}—2026"
    assert await publish(sessions, national, external=outside) == outside

    other = await make_project(sessions, StandardType.national)
    with pytest.raises(Conflict, match="belongs to another standard"):
        await publish(sessions, other, external=outside)
    with pytest.raises(Invalid, match="give the number issued outside"):
        await publish(sessions, other, external="  ")
    with pytest.raises(Invalid, match="external_number"):
        await publish(sessions, other)
    async with transaction(sessions) as session:
        assert (await session.get(StandardProject, other.id)).number is None
        assert await session.get(Publication, other.id) is None


async def test_racing_records_of_one_outside_number_let_one_through(sessions):
    pair = [await make_project(sessions, StandardType.international) for _ in range(2)]
    outside = f"ISO {uuid.uuid4().int % 90000 + 10000}:2026"
    results = await asyncio.gather(*(publish(sessions, p, external=outside) for p in pair), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    assert outside in results
