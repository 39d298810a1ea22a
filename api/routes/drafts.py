import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import FileResponse

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from services.drafts import service as drafts
from services.drafts.models import DraftLabel
from services.drafts.schemas import DraftPublic, DraftUpload

router = APIRouter(prefix="/api/v1", tags=["drafts"], responses=refusals(401, 404, 422))


def attachment(name: str, fallback: str) -> dict[str, str]:
    """Download headers: a plain ASCII name we made, the person's own name encoded per RFC 6266, and
    no content sniffing by the browser."""
    return {
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff",
    }


@router.post("/projects/{project_id}/drafts", response_model=DraftPublic, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 403, 409, 413, 415))
async def upload_draft(
    project_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="PDF, DOCX, ODT, Markdown or plain UTF-8 text",
                                     json_schema_extra={"format": "binary", "minLength": 1})],
    label: Annotated[DraftLabel, Form(description="discussion 工作组讨论稿, consultation 征求意见稿, "
                                                  "review 送审稿 or approval 报批稿")],
    # No NUL character: PostgreSQL cannot store one in text.
    note: Annotated[str, Form(max_length=2_000, pattern=r"^[^\x00]*$")] = "",
) -> DraftPublic:
    """Upload the project's next draft version (1, 2, 3…), for its lead or co-drafting organisations'
    proposers.

    The file's type is decided by its content, not its name: PDF, DOCX, ODT, Markdown or plain UTF-8
    text (415 for anything else, 413 past the size limit). It is stored by its SHA-256; a version is
    never changed afterwards.
    """
    settings = request.app.state.settings
    upload = DraftUpload(label=label, note=note, filename=file.filename)
    draft = await drafts.upload_draft(
        session, principal, project_id, upload, file.file, settings.resolved_blob_dir, settings.max_upload_bytes
    )
    return DraftPublic.model_validate(draft)


@router.get("/projects/{project_id}/drafts", response_model=list[DraftPublic])
async def list_drafts(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[DraftPublic]:
    """The project's draft versions you may see, oldest first. Discussion drafts (工作组讨论稿) are
    shown to the drafting organisations only."""
    return [DraftPublic.model_validate(d) for d in await drafts.list_drafts(session, principal, project_id)]


@router.get("/drafts/{draft_id}", response_model=DraftPublic)
async def get_draft(draft_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> DraftPublic:
    """One draft version: its label, size, SHA-256, type, uploader and note."""
    return DraftPublic.model_validate(await drafts.get_draft(session, principal, draft_id))


@router.get("/drafts/{draft_id}/file", response_class=FileResponse)
async def download_draft(
    draft_id: uuid.UUID, request: Request, session: SessionDep, principal: PrincipalDep
) -> FileResponse:
    """The draft's bytes, as a download."""
    found = await drafts.draft_file(session, principal, draft_id, request.app.state.settings.resolved_blob_dir)
    return FileResponse(found.path, media_type=found.draft.content_type,
                        headers=attachment(found.download_name, found.ascii_name))
