"""Versioned drafts of a project: uploaded by its working group, stored by content hash, never changed."""

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from services.audit import service as audit
from services.drafts.filetypes import SUFFIXES, detect
from services.drafts.models import LABEL_ZH, DraftLabel, DraftVersion
from services.drafts.schemas import DraftUpload
from services.drafts.storage import BlobStore
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.words import Term
from services.identity.permissions import Permission
from services.identity.principal import Principal
from services.projects import service as projects
from services.projects.co_drafters import TAKING_PART
from services.projects.models import ProjectOrganisation, ProjectStatus, StandardProject

CLOSED = (ProjectStatus.rejected, ProjectStatus.withdrawn)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class DraftFile:
    draft: DraftVersion
    path: Path
    download_name: str  # the uploader's name, ending with the suffix of what the file really is
    ascii_name: str  # for clients that cannot take the uploader's name


def readable(principal: Principal) -> SelectOfScalar[DraftVersion]:
    """Drafts of the projects the principal may read. A working group's discussion drafts (工作组讨论稿)
    stay with the drafting organisations; the other labels go wherever the project goes."""
    if principal.is_platform_admin:
        return select(DraftVersion)
    readable_projects = projects.readable(principal).with_only_columns(col(StandardProject.id))
    drafting = select(ProjectOrganisation.project_id).where(
        col(ProjectOrganisation.org_id).in_(principal.org_ids), TAKING_PART
    )
    return select(DraftVersion).where(
        col(DraftVersion.project_id).in_(readable_projects),
        or_(DraftVersion.label != DraftLabel.discussion, col(DraftVersion.project_id).in_(drafting)),
    )


async def require_drafter(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, permission: Permission
) -> None:
    """The principal holds `permission` in the lead or a co-drafting organisation of the project."""
    orgs = await projects.drafting_org_ids(session, project_id)
    if not any(principal.can(permission, org_id) for org_id in orgs):
        raise Forbidden("error.draft.permission", code=permission.value, permission=Term.of("perm", permission))


async def upload_draft(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, upload: DraftUpload,
    source: BinaryIO, blob_dir: Path, max_bytes: int,
) -> DraftVersion:
    """Stores the file by its SHA-256 and records it as the project's next version."""
    project = await projects.get_readable(session, principal, project_id)
    await require_drafter(session, principal, project.id, Permission.DRAFT_UPLOAD)
    if project.status in CLOSED:
        raise Conflict("error.draft.closed", status=Term.of("status", project.status))
    stored = await asyncio.to_thread(store_upload, BlobStore(blob_dir), source, upload.filename, max_bytes)
    draft = DraftVersion(
        project_id=project.id, version=await _next_version(session, project.id), label=upload.label,
        note=upload.note, original_filename=upload.filename, uploaded_by=principal.user_id,
        sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
    )
    session.add(draft)
    await session.flush()
    await audit.record(
        session, action="draft.uploaded", object_type="draft", object_id=draft.id, actor_id=principal.user_id,
        project_id=project.id, data={"version": draft.version, "label": draft.label, "sha256": draft.sha256},
    )
    return draft


def store_upload(store: BlobStore, source: BinaryIO, display_name: str, max_bytes: int) -> StoredFile:
    """Blocking file work, run in a thread: copy and hash, check the type by content, then keep."""
    with store.staging(source, max_bytes) as staged:
        if staged.size == 0:
            raise Invalid("error.file.empty", field="file")
        content_type = detect(staged.path, display_name)
        store.keep(staged)
    return StoredFile(sha256=staged.sha256, size=staged.size, content_type=content_type)


async def _next_version(session: AsyncSession, project_id: uuid.UUID) -> int:
    # The project's row lock gives two uploads at once consecutive versions on PostgreSQL (SQLite
    # serialises writers already); the unique (project_id, version) constraint stays the backstop.
    await session.exec(select(StandardProject.id).where(StandardProject.id == project_id).with_for_update())
    query = select(func.max(DraftVersion.version)).where(DraftVersion.project_id == project_id)
    return ((await session.exec(query)).one() or 0) + 1


async def get_draft(session: AsyncSession, principal: Principal, draft_id: uuid.UUID) -> DraftVersion:
    draft = (await session.exec(readable(principal).where(DraftVersion.id == draft_id))).first()
    if draft is None:
        raise NotFound("error.draft.not_found")
    return draft


async def list_drafts(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[DraftVersion]:
    await projects.get_readable(session, principal, project_id)
    query = readable(principal).where(DraftVersion.project_id == project_id).order_by(col(DraftVersion.version))
    return list((await session.exec(query)).all())


async def draft_file(
    session: AsyncSession, principal: Principal, draft_id: uuid.UUID, blob_dir: Path
) -> DraftFile:
    return stored_file(await get_draft(session, principal, draft_id), blob_dir)


def stored_file(draft: DraftVersion, blob_dir: Path, name: str = "", ascii_name: str = "") -> DraftFile:
    """Where a draft's bytes are, and the names to download them by (without a suffix: the one of what
    the file really is is added): by default the uploader's, else draft-v<version>."""
    path = BlobStore(blob_dir).path_for(draft.sha256)
    if not path.is_file():
        raise NotFound("error.draft.file_missing", version=draft.version)
    suffix = SUFFIXES.get(draft.content_type, "")
    ascii_name = (ascii_name or f"draft-v{draft.version}") + suffix
    name = name or draft.original_filename or ascii_name
    if not name.lower().endswith(suffix):
        name += suffix
    return DraftFile(draft=draft, path=path, download_name=name, ascii_name=ascii_name)


async def check_consultation_draft(session: AsyncSession, project_id: uuid.UUID, draft_id: uuid.UUID) -> DraftVersion:
    """The draft a project puts out for public consultation: one of its own, labelled 征求意见稿."""
    draft = await session.get(DraftVersion, draft_id)
    if draft is None or draft.project_id != project_id:
        raise Invalid("error.draft.not_of_project", field="draft_id")
    if draft.label != DraftLabel.consultation:
        raise Invalid("error.draft.not_consultation", field="draft_id", version=draft.version,
                      label=f"{LABEL_ZH[draft.label]} ({draft.label})",
                      wanted=f"{LABEL_ZH[DraftLabel.consultation]} ({DraftLabel.consultation})")
    return draft
