"""Experts' fields of expertise, kept as domains of the standards-system framework
(services/projects/domains.py), and the list of experts a committee's secretary forms a panel from."""

import uuid

from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import Forbidden, Invalid
from services.identity.models import Membership, MembershipState, User
from services.identity.permissions import Permission, Role
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.projects.domains import DOMAINS

MAX_FIELDS = 8


class ExpertiseSet(BaseModel):
    """The domain codes of your fields, e.g. ["life.mobility", "foundations.data_base"]."""

    fields: list[str] = Field(json_schema_extra={"items": {"type": "string", "enum": sorted(DOMAINS)},
                                                 "maxItems": MAX_FIELDS})


class ExpertPublic(BaseModel):
    """A holder of the expert role, with the organisations they are an expert for and their fields."""

    id: uuid.UUID
    display_name: str
    org_codes: list[str]
    org_names_zh: list[str]
    fields: list[str]
    matches: bool  # a field of theirs is the domain asked about


async def record_expertise(session: AsyncSession, principal: Principal, data: ExpertiseSet) -> list[str]:
    """An expert records their fields (at most MAX_FIELDS); each must be a domain of the framework."""
    principal.require(Permission.PANEL_OPINION)
    fields = list(dict.fromkeys(field.strip() for field in data.fields))
    unknown = [field for field in fields if field not in DOMAINS]
    if unknown:
        raise Invalid("error.expertise.unknown_field", field="fields", code=unknown[0])
    if len(fields) > MAX_FIELDS:
        raise Invalid("error.expertise.too_many", field="fields", max=MAX_FIELDS)
    user = await session.get(User, principal.user_id)
    user.expertise = fields
    session.add(user)
    await session.flush()
    return fields


async def expertise_of(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    user = await session.get(User, user_id)
    return list(user.expertise or []) if user else []


async def list_experts(session: AsyncSession, principal: Principal, domain: str | None = None) -> list[ExpertPublic]:
    """Every active holder of the expert role, for those who form panels (a committee's secretaries)
    and the platform admin; with a domain, those whose fields hold it come first."""
    if not principal.is_platform_admin and not principal.orgs_with(Permission.PANEL_FORM):
        raise Forbidden("error.experts.formers_only")
    if domain is not None and domain not in DOMAINS:
        raise Invalid("error.expertise.unknown_field", field="domain", code=domain)
    query = (select(User, Organisation)
             .join(Membership, col(Membership.user_id) == col(User.id))
             .join(Organisation, col(Organisation.id) == col(Membership.org_id))
             .where(Membership.role == Role.expert, Membership.state == MembershipState.active,
                    col(User.is_active).is_(True))
             .order_by(col(User.display_name), col(Organisation.code)))
    experts: dict[uuid.UUID, ExpertPublic] = {}
    for user, org in (await session.exec(query)).all():
        expert = experts.setdefault(user.id, ExpertPublic(
            id=user.id, display_name=user.display_name, org_codes=[], org_names_zh=[],
            fields=list(user.expertise or []), matches=domain in (user.expertise or [])))
        expert.org_codes.append(org.code)
        expert.org_names_zh.append(org.name_zh)
    return sorted(experts.values(), key=lambda e: (not e.matches, e.display_name))
