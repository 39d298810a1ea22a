"""Roles are granted per organisation; code asks for permissions. This table is the only link."""

from enum import StrEnum


class Role(StrEnum):
    proposer = "proposer"
    secretary = "secretary"
    committee_member = "committee_member"
    expert = "expert"
    approver = "approver"
    pilot_lead = "pilot_lead"
    coordinator = "coordinator"
    evaluator = "evaluator"
    admin = "admin"


class Permission(StrEnum):
    PROJECT_PROPOSE = "project:propose"
    PROJECT_SCREEN = "project:screen"
    DRAFT_UPLOAD = "draft:upload"
    COMMENT_DISPOSITION = "comment:disposition"
    BALLOT_OPEN = "ballot:open"
    BALLOT_VOTE = "ballot:vote"
    PANEL_FORM = "panel:form"
    PANEL_OPINION = "panel:opinion"
    MEETING_RECORD = "meeting:record"
    NUMBER_ASSIGN = "number:assign"
    PUBLICATION_APPROVE = "publication:approve"
    PILOT_RUN = "pilot:run"
    PILOT_ENROL = "pilot:enrol"
    COORDINATION_SEND = "coordination:send"
    COORDINATION_ANSWER = "coordination:answer"
    EVALUATION_SCORE = "evaluation:score"
    REVIEW_DECIDE = "review:decide"
    MEMBERS_MANAGE = "members:manage"
    ESCALATION_ACKNOWLEDGE = "escalation:acknowledge"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.proposer: frozenset(
        {Permission.PROJECT_PROPOSE, Permission.DRAFT_UPLOAD, Permission.COMMENT_DISPOSITION}
    ),
    Role.secretary: frozenset(
        {
            Permission.PROJECT_SCREEN,
            Permission.BALLOT_OPEN,
            Permission.PANEL_FORM,
            Permission.MEETING_RECORD,
            Permission.NUMBER_ASSIGN,
            Permission.PILOT_ENROL,
            Permission.REVIEW_DECIDE,
            Permission.ESCALATION_ACKNOWLEDGE,
        }
    ),
    Role.committee_member: frozenset({Permission.BALLOT_VOTE}),
    Role.expert: frozenset({Permission.PANEL_OPINION}),
    Role.approver: frozenset({Permission.PUBLICATION_APPROVE}),
    Role.pilot_lead: frozenset({Permission.PILOT_RUN}),
    Role.coordinator: frozenset({Permission.COORDINATION_SEND, Permission.COORDINATION_ANSWER}),
    Role.evaluator: frozenset({Permission.EVALUATION_SCORE}),
    Role.admin: frozenset({Permission.MEMBERS_MANAGE, Permission.ESCALATION_ACKNOWLEDGE}),
}


def permissions_of(roles: set[str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)
