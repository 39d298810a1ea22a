"""The reader's own settings: the language of the pages, and of the notices and mails written to them."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import PrincipalDep
from api.web.pages_common import PageRoute, PageSession, go
from api.web.session import LANG_KEY
from services.identity.service import choose_language

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.post("/account/language")
async def language_choice(request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Keep the chosen language on the account (notices and mails follow it) and show the pages in it."""
    chosen = str((await request.form()).get("language", ""))
    await choose_language(session, principal, chosen)
    request.session[LANG_KEY] = chosen
    return go("/account")
