"""Consent between organisations in the services: an invited co-drafter counts nowhere until accepted,
a decision is written once and not at all for a dropped invitation, and a role given to a person of
another organisation grants nothing until accepted."""

import uuid

import pytest

from services.committees.service import list_committees
from services.db import transaction
from services.identity import admin, invitations
from services.identity.permissions import Role
from services.identity.schemas import MemberAdd, UserCreate
from services.identity.service import create_user, get_by_username, grant_role, load_principal
from services.organisations.service import get_by_code
from services.projects import co_drafters
from services.projects import service as projects
from services.projects.models import CoDrafterState
from services.projects.schemas import ProjectCreate, ProjectUpdate

pytestmark = pytest.mark.timeout(60)


async def _principal(session, username: str):
    return await load_principal(session, (await get_by_username(session, username)).id)


async def _project_naming(sessions, *codes: str):
    async with transaction(sessions) as session:
        proposer = await _principal(session, "li.wei")
        committee = next(c for c in await list_committees(session) if c.code == "SDCIA-TC01")
        orgs = [(await get_by_code(session, code)).id for code in codes]
        project = await projects.create_project(session, proposer, ProjectCreate(
            title_zh="共同起草同意", title_en="Co-drafting by consent", scope="Scope.", rationale="Why.",
            standard_type="group", domain="life.mobility", committee_id=committee.id, co_drafting_org_ids=orgs))
        return project, proposer, orgs


async def test_an_invited_co_drafter_counts_nowhere_until_it_accepts(sessions):
    project, _, [hdu] = await _project_naming(sessions, "HDU")
    async with transaction(sessions) as session:
        assert await projects.drafting_org_ids(session, project.id) == [project.lead_org_id]
        expert = await _principal(session, "wu.qiang")
        assert await projects.readable_ids(session, expert, {project.id}) == set()
        [invitation] = await co_drafters.open_invitations(session, project.id)
        written = await co_drafters.record_decision(session, invitation.link_id, invitation.workflow_id, True,
                                                    expert.user_id, "")
        assert written.applied and written.org_code == "HDU"
        assert set(await projects.drafting_org_ids(session, project.id)) == {project.lead_org_id, hdu}
        assert await projects.readable_ids(session, expert, {project.id}) == {project.id}
        # the same decision again (a retried activity) changes nothing; one on another workflow is not taken
        again = await co_drafters.record_decision(session, invitation.link_id, invitation.workflow_id, False,
                                                  expert.user_id, "")
        assert again.applied
        [status] = await co_drafters.statuses(session, project.id)
        assert status.state == CoDrafterState.accepted
        stale = await co_drafters.record_decision(session, invitation.link_id, "co-drafter-old", False,
                                                  expert.user_id, "")
        assert not stale.applied


async def test_a_dropped_invitation_takes_no_decision_and_a_declined_one_is_invited_again(sessions):
    project, proposer, [dfcloud] = await _project_naming(sessions, "DFCLOUD")
    async with transaction(sessions) as session:
        [first] = await co_drafters.open_invitations(session, project.id)
        await projects.update_project(session, proposer, project.id, ProjectUpdate(co_drafting_org_ids=[]))
        dropped = await co_drafters.record_decision(session, first.link_id, first.workflow_id, True, proposer.user_id, "")
        assert not dropped.applied and await co_drafters.statuses(session, project.id) == []
        await projects.update_project(session, proposer, project.id, ProjectUpdate(co_drafting_org_ids=[dfcloud]))
        [second] = await co_drafters.open_invitations(session, project.id)
        await co_drafters.record_decision(session, second.link_id, second.workflow_id, False, proposer.user_id, "不参加")
        [declined] = await co_drafters.statuses(session, project.id)
        assert (declined.state, declined.comment) == (CoDrafterState.declined, "不参加")
        # saved with the same list again: a declined organisation named again is invited again, afresh
        await projects.update_project(session, proposer, project.id, ProjectUpdate(co_drafting_org_ids=[dfcloud]))
        [third] = await co_drafters.open_invitations(session, project.id)
        assert third.workflow_id not in (first.workflow_id, second.workflow_id)


async def test_a_role_for_a_person_of_another_organisation_waits_for_their_acceptance(sessions):
    async with transaction(sessions) as session:
        user = await create_user(session, UserCreate(username=f"s{uuid.uuid4().hex[:10]}", display_name="客座",
                                                     password="Shanghai-2026"))
        await grant_role(session, user.id, (await get_by_code(session, "HDU")).id, Role.expert)
        pudong = await get_by_code(session, "PUDONG")
        org_admin = await _principal(session, "gao.yan")
        member = await admin.add_member(session, org_admin, pudong.id, MemberAdd(username=user.username,
                                                                                 role=Role.evaluator))
        assert (member.state, member.roles, member.invited_roles) == ("invited", [], ["evaluator"])
        guest = await load_principal(session, user.id)
        assert pudong.id not in guest.org_ids
        [offer] = await invitations.list_invitations(session, guest)
        await invitations.accept(session, guest, offer.id)
        assert pudong.id in (await load_principal(session, user.id)).org_ids
