"""The public catalogue of published standards: read by anyone, no sign-in."""

import uuid
from datetime import date, timedelta, timezone

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.catalogue.models import Publication
from services.catalogue.schemas import (
    CatalogueEntry, CataloguePage, CatalogueQuery, CatalogueStatus, DOMAIN_GROUPS, PublisherPublic,
)
from services.db import utcnow
from services.drafts.models import DraftLabel, DraftVersion
from services.errors import NotFound
from services.organisations.models import Organisation
from services.projects.models import ProjectStatus, StandardProject

# Effective dates are Shanghai calendar dates; China keeps one offset all year.
CHINA = timezone(timedelta(hours=8), "CST")


def today() -> date:
    return utcnow().astimezone(CHINA).date()


def published() -> SelectOfScalar:
    """Every published standard with its publication record and publisher."""
    return (
        select(StandardProject, Publication, Organisation)
        .join(Publication, col(Publication.project_id) == StandardProject.id)
        .join(Organisation, col(Organisation.id) == Publication.publisher_org_id)
        .where(col(StandardProject.published_at).is_not(None), col(StandardProject.number).is_not(None))
    )


async def search(session: AsyncSession, query: CatalogueQuery) -> CataloguePage:
    filtered = _filter(published(), query)
    total = (await session.exec(select(func.count()).select_from(filtered.subquery()))).one()
    page = filtered.order_by(col(StandardProject.published_at).desc(), col(StandardProject.id))
    rows = (await session.exec(page.limit(query.limit).offset(query.offset))).all()
    return CataloguePage(items=[_entry(*row) for row in rows], total=total, limit=query.limit, offset=query.offset)


async def get_entry(session: AsyncSession, project_id: uuid.UUID) -> CatalogueEntry:
    row = (await session.exec(published().where(StandardProject.id == project_id))).first()
    if row is None:
        raise NotFound("error.catalogue.not_found")
    return _entry(*row)


async def published_text(session: AsyncSession, project_id: uuid.UUID) -> tuple[StandardProject, DraftVersion]:
    """A published standard and its text: the newest 报批稿 (the version its approver approved), or for
    a standard published without one, its newest version. NotFound for anything not published, and
    for a standard whose text was never uploaded here."""
    row = (await session.exec(published().where(StandardProject.id == project_id))).first()
    if row is None:
        raise NotFound("error.catalogue.not_found")
    project = row[0]
    versions = list((await session.exec(select(DraftVersion).where(DraftVersion.project_id == project_id)
                                         .order_by(col(DraftVersion.version).desc()))).all())
    text = next((v for v in versions if v.label == DraftLabel.approval), versions[0] if versions else None)
    if text is None:
        raise NotFound("error.catalogue.no_text", number=project.number)
    return project, text


def _filter(statement: SelectOfScalar, query: CatalogueQuery) -> SelectOfScalar:
    if query.q:
        statement = statement.where(or_(*(
            col(field).icontains(query.q, autoescape=True)
            for field in (StandardProject.title_zh, StandardProject.title_en, StandardProject.number)
        )))
    if query.type:
        statement = statement.where(StandardProject.standard_type == query.type)
    if query.domain in DOMAIN_GROUPS:
        statement = statement.where(col(StandardProject.domain).startswith(f"{query.domain}.", autoescape=True))
    elif query.domain:
        statement = statement.where(StandardProject.domain == query.domain)
    if query.year:
        # the year of the publication date, which is also the year in the number
        statement = statement.where(col(Publication.publication_date) >= date(query.year, 1, 1),
                                    col(Publication.publication_date) < date(query.year + 1, 1, 1))
    if query.status:
        statement = statement.where(_status_clause(query.status))
    return statement


def _status_clause(status: CatalogueStatus):
    withdrawn = StandardProject.status == ProjectStatus.withdrawn
    if status == CatalogueStatus.withdrawn:
        return withdrawn
    effective = col(StandardProject.effective_from)
    in_force = effective.is_(None) | (effective <= today())
    return ~withdrawn & (in_force if status == CatalogueStatus.current else ~in_force)


def status_of(project: StandardProject) -> CatalogueStatus:
    if project.status == ProjectStatus.withdrawn:
        return CatalogueStatus.withdrawn
    if project.effective_from is not None and project.effective_from > today():
        return CatalogueStatus.upcoming
    return CatalogueStatus.current


def _entry(project: StandardProject, publication: Publication, publisher: Organisation) -> CatalogueEntry:
    return CatalogueEntry(
        id=project.id, number=project.number, title_zh=project.title_zh, title_en=project.title_en,
        standard_type=project.standard_type, domain=project.domain, scope=project.scope,
        published_at=project.published_at, publication_date=publication.publication_date,
        effective_from=project.effective_from, shanghai_standard=project.shanghai_standard,
        publisher=PublisherPublic(code=publisher.code, name_zh=publisher.name_zh, name_en=publisher.name_en),
        status=status_of(project),
    )
