"""The reader's own settings: the language of the pages, and of the notices and mails written to them;
the roles organisations have invited them to, to accept or decline; and an expert's fields."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import PrincipalDep
from api.web.pages_common import PageRoute, PageSession, go
from api.web.session import LANG_KEY
from services.identity import expertise, invitations
from services.identity.expertise import ExpertiseSet
from services.identity.service import choose_language

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.post("/account/language")
async def language_choice(request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """Keep the chosen language on the account (notices and mails follow it) and show the pages in it."""
    chosen = str((await request.form()).get("language", ""))
    await choose_language(session, principal, chosen)
    request.session[LANG_KEY] = chosen
    return go("/account")


@router.post("/account/expertise")
async def expertise_choice(request: Request, session: PageSession, principal: PrincipalDep) -> Response:
    """An expert's fields of expertise, from the framework's domains ticked on the account page."""
    fields = [str(value) for value in (await request.form()).getlist("fields")]
    await expertise.record_expertise(session, principal, ExpertiseSet(fields=fields))
    return go("/account", "expertise_saved")


@router.post("/account/invitations/{invitation_id}/accept")
async def accept_invitation(
    invitation_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """Take the role the organisation offered: it counts from the next page on."""
    await invitations.accept(session, principal, invitation_id)
    return go("/account", "invitation_accepted")


@router.post("/account/invitations/{invitation_id}/decline")
async def decline_invitation(
    invitation_id: uuid.UUID, request: Request, session: PageSession, principal: PrincipalDep
) -> Response:
    """Decline the role: the invitation is removed."""
    await invitations.decline(session, principal, invitation_id)
    return go("/account", "invitation_declined")
