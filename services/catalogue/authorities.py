"""Who publishes which standards, and which organisation publishes a given project."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalogue.models import PublishingAuthority
from services.catalogue.schemas import AuthorityCreate, AuthorityPublic
from services.committees.service import get_committee
from services.errors import Conflict, Forbidden, NotFound
from services.words import Term
from services.identity.principal import Principal
from services.organisations.models import Organisation, OrgKind
from services.organisations.service import get_organisation
from services.projects.models import StandardProject, StandardType


async def register(session: AsyncSession, principal: Principal, data: AuthorityCreate) -> AuthorityPublic:
    """Only a platform admin decides who publishes standards."""
    if not principal.is_platform_admin:
        raise Forbidden("error.publisher.admin_only")
    org = await get_organisation(session, data.org_id)
    return _public(await add_authority(session, data.standard_type, org), org)


async def add_authority(session: AsyncSession, standard_type: StandardType, org: Organisation) -> PublishingAuthority:
    query = select(PublishingAuthority).where(
        PublishingAuthority.standard_type == standard_type, PublishingAuthority.org_id == org.id
    )
    if (await session.exec(query)).first() is not None:
        raise Conflict("error.publisher.exists", org=org.code, type=Term.of("stype", standard_type))
    authority = PublishingAuthority(standard_type=standard_type, org_id=org.id)
    session.add(authority)
    await session.flush()
    return authority


async def list_authorities(session: AsyncSession) -> list[AuthorityPublic]:
    query = (
        select(PublishingAuthority, Organisation)
        .join(Organisation, col(Organisation.id) == PublishingAuthority.org_id)
        .order_by(col(PublishingAuthority.standard_type), col(Organisation.code))
    )
    return [_public(a, o) for a, o in (await session.exec(query)).all()]


async def resolve_publisher(session: AsyncSession, project_id: uuid.UUID) -> Organisation:
    """A group standard is published by the association hosting its committee, an enterprise standard
    by its lead enterprise, each only if registered for that type; the other types by the one
    organisation registered for them (the market-regulation bureau)."""
    project = await session.get(StandardProject, project_id)
    if project is None:
        raise NotFound("error.project.not_found")
    kind = StandardType(project.standard_type)
    query = select(Organisation).join(PublishingAuthority, col(PublishingAuthority.org_id) == Organisation.id)
    candidates = list((await session.exec(query.where(PublishingAuthority.standard_type == kind))).all())
    preferred = await _preferred_publisher(session, project, kind)
    if preferred is not None:
        chosen = [o for o in candidates if o.id == preferred]
    else:
        chosen = candidates
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        raise NotFound("error.publisher.none", type=Term.of("stype", kind))
    codes = ", ".join(sorted(o.code for o in chosen))
    raise Conflict("error.publisher.several", type=Term.of("stype", kind), orgs=codes)


async def _preferred_publisher(session: AsyncSession, project: StandardProject, kind: StandardType) -> uuid.UUID | None:
    if kind == StandardType.group:
        return (await get_committee(session, project.committee_id)).org_id
    if kind == StandardType.enterprise:
        return project.lead_org_id
    return None


async def register_demo_publishers(session: AsyncSession, orgs: dict[str, Organisation]) -> None:
    """The demo's association publishes group standards, the bureau local ones and records national and
    international numbers, each enterprise publishes its own."""
    await add_authority(session, StandardType.group, orgs["SDCIA"])
    for kind in (StandardType.local, StandardType.national, StandardType.international):
        await add_authority(session, kind, orgs["SHAMR"])
    for org in orgs.values():
        if org.kind == OrgKind.enterprise:
            await add_authority(session, StandardType.enterprise, org)


def _public(authority: PublishingAuthority, org: Organisation) -> AuthorityPublic:
    return AuthorityPublic(
        id=authority.id, standard_type=authority.standard_type, org_id=org.id, org_code=org.code,
        org_name_zh=org.name_zh, org_name_en=org.name_en,
    )
