import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse

from api.deps import PrincipalDep, SessionDep
from api.errors import refusals
from api.routes.drafts import attachment
from services.catalogue import authorities, service as catalogue
from services.drafts import service as drafts
from services.catalogue.schemas import AuthorityCreate, AuthorityPublic, CatalogueEntry, CataloguePage, CatalogueQuery

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/catalog", response_model=CataloguePage, responses=refusals(422))
async def search_catalogue(session: SessionDep, query: Annotated[CatalogueQuery, Query()]) -> CataloguePage:
    """The public catalogue of published standards; no sign-in needed. Newest first.

    `q` finds text in the Chinese or English title or in the number; filter by `type`, by `domain`
    (a domain code such as `life.mobility`, or a group such as `life`), by `year` of publication and by
    `status` (`upcoming`, `current`, `withdrawn`); page with `limit` (at most 100) and `offset`.
    """
    return await catalogue.search(session, query)


@router.get("/catalog/{project_id}", response_model=CatalogueEntry, responses=refusals(404, 422))
async def catalogue_entry(project_id: uuid.UUID, session: SessionDep) -> CatalogueEntry:
    """One published standard; 404 for anything not published."""
    return await catalogue.get_entry(session, project_id)


@router.get("/catalog/{project_id}/text", response_class=FileResponse, responses=refusals(404, 422))
async def published_text(project_id: uuid.UUID, request: Request, session: SessionDep) -> FileResponse:
    """A published standard's text, as a download, for anyone: the 报批稿 its approver approved (or,
    published without one, its newest draft version), named by its number and title. 404 for
    anything not published, or when the standard's text was never uploaded here."""
    project, text = await catalogue.published_text(session, project_id)
    found = drafts.stored_file(text, request.app.state.settings.resolved_blob_dir,
                               name=f"{project.number.replace('/', '_')} {project.title_zh}",
                               ascii_name=re.sub(r"[^A-Za-z0-9]+", "-", project.number).strip("-") or "standard")
    return FileResponse(found.path, media_type=text.content_type,
                        headers=attachment(found.download_name, found.ascii_name))


@router.get("/publishing-authorities", response_model=list[AuthorityPublic], responses=refusals(401))
async def list_publishing_authorities(session: SessionDep, _: PrincipalDep) -> list[AuthorityPublic]:
    """Which organisation publishes (or records the number of) each type of standard."""
    return await authorities.list_authorities(session)


@router.post("/publishing-authorities", response_model=AuthorityPublic, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 401, 403, 404, 409, 413, 422))
async def register_publishing_authority(
    data: AuthorityCreate, session: SessionDep, principal: PrincipalDep
) -> AuthorityPublic:
    """Register an organisation as a publisher of one type of standard (platform admins only).

    A group standard is published by the registered association hosting its committee, an enterprise
    standard by its registered lead enterprise, the other types by the one organisation registered for them.
    """
    return await authorities.register(session, principal, data)
