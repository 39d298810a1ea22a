import uuid

from fastapi import APIRouter, Response, status

from api.deps import IdempotencyKey, PrincipalDep, SessionDep
from api.errors import refusals
from api.routes.drafts import attachment
from services.consultations import dispositions
from services.consultations import service as consultations
from services.consultations.export import TITLE
from services.consultations.schemas import CommentCreate, CommentPublic, ConsultationPublic, DispositionSet, OwnComment

router = APIRouter(prefix="/api/v1", tags=["consultations"], responses=refusals(401, 404, 422))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/projects/{project_id}/consultation", response_model=ConsultationPublic)
async def get_consultation(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> ConsultationPublic:
    """The project's current public consultation: the draft under consultation, when it opened and
    closes, its status (open → closed → concluded), and how many comments still lack a disposition."""
    return await consultations.get_current(session, principal, project_id)


@router.post("/projects/{project_id}/comments", response_model=CommentPublic, status_code=status.HTTP_201_CREATED,
             responses=refusals(400, 403, 409, 413))
async def add_comment(
    project_id: uuid.UUID, data: CommentCreate, session: SessionDep, principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommentPublic:
    """Comment on a clause of the draft under public consultation, on behalf of one of your
    organisations. Any signed-in user may comment while the consultation is open (409 otherwise)."""
    return await consultations.add_comment(session, principal, project_id, data, idempotency_key)


@router.get("/projects/{project_id}/comments", response_model=list[CommentPublic])
async def list_comments(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> list[CommentPublic]:
    """The project's consultation comments with their dispositions, in the order they arrived. The
    drafting organisations and the committee see all of them; others see their own organisations',
    also once the consultation is over and the project no longer open to them."""
    return await consultations.list_comments(session, principal, project_id)


@router.get("/comments", response_model=list[OwnComment])
async def own_comments(session: SessionDep, principal: PrincipalDep) -> list[OwnComment]:
    """The consultation comments your organisations made, on any project, newest first, each with the
    project it was on and its disposition once given; also after the consultation has closed and the
    project is no longer open to you."""
    return await consultations.own_comments(session, principal)


@router.put("/comments/{comment_id}/disposition", response_model=CommentPublic,
            responses=refusals(400, 403, 409, 413))
async def dispose_comment(
    comment_id: uuid.UUID, data: DispositionSet, session: SessionDep, principal: PrincipalDep
) -> CommentPublic:
    """Give a comment its disposition (accepted, partially_accepted or not_accepted; a reason unless
    accepted). For the drafting organisations' holders of `comment:disposition`, after the consultation
    has closed and until the working group has finished the dispositions."""
    return await dispositions.dispose_comment(session, principal, comment_id, data)


@router.get("/projects/{project_id}/dispositions.csv", response_class=Response, responses=refusals(403))
async def dispositions_csv(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """The disposition table (意见汇总处理表) of the current consultation as CSV in UTF-8 with a
    byte-order mark, in clause order: 序号, 章条编号, 意见内容, 建议修改, 提出单位, 处理意见, 理由."""
    content = await dispositions.export_dispositions(session, principal, project_id, "csv")
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers=attachment(f"{TITLE}.csv", "dispositions.csv"))


@router.get("/projects/{project_id}/dispositions.xlsx", response_class=Response, responses=refusals(403))
async def dispositions_xlsx(project_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """The disposition table (意见汇总处理表) of the current consultation as an Excel workbook, with
    the same columns as the CSV."""
    content = await dispositions.export_dispositions(session, principal, project_id, "xlsx")
    return Response(content, media_type=XLSX, headers=attachment(f"{TITLE}.xlsx", "dispositions.xlsx"))
