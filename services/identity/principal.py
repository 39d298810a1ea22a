"""Who is asking: a user, the organisations they belong to, and what each membership permits."""

import uuid
from dataclasses import dataclass, field

from services.errors import Forbidden
from services.words import Term
from services.identity.permissions import Permission, permissions_of


@dataclass(frozen=True)
class OrgMembership:
    org_id: uuid.UUID
    org_code: str
    org_kind: str
    roles: frozenset[str]

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(set(self.roles))


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    username: str
    display_name: str
    is_platform_admin: bool = False
    memberships: tuple[OrgMembership, ...] = field(default_factory=tuple)

    @property
    def org_ids(self) -> set[uuid.UUID]:
        return {m.org_id for m in self.memberships}

    @property
    def candidate_slots(self) -> set[tuple[uuid.UUID, str]]:
        """Every (organisation, role) whose unassigned tasks this principal may see."""
        return {(m.org_id, role) for m in self.memberships for role in m.roles}

    def can(self, permission: Permission, org_id: uuid.UUID | None = None) -> bool:
        return any(
            permission in m.permissions and (org_id is None or m.org_id == org_id)
            for m in self.memberships
        )

    def orgs_with(self, permission: Permission) -> set[uuid.UUID]:
        return {m.org_id for m in self.memberships if permission in m.permissions}

    def require(self, permission: Permission, org_id: uuid.UUID | None = None) -> None:
        if not self.can(permission, org_id):
            key = "error.permission.in_org" if org_id else "error.permission"
            raise Forbidden(key, code=permission.value, permission=Term.of("perm", permission))
