"""Outcome notices: what was decided on a project — screening, ballot, expert panel, publication,
evaluation and periodic review — told to the people whose project it is, in the step that records
it (services/projects/steps.py), once per recipient.

The people concerned are the project's proposer and the proposers of its lead and co-drafting
organisations (ProjectOrganisation rows): they draft the standard and answer for it."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from functools import partial
from typing import Protocol

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.tallies import count_votes
from services.identity.models import Membership, MembershipState, User
from services.identity.permissions import Role
from services.notifications import service as outbox
from services.notifications.messages import LANGUAGES, Message, NoticeSite, reader_language, subject, title
from services.notifications.models import NotificationKind
from services.projects.co_drafters import TAKING_PART
from services.projects.models import ProjectOrganisation, StandardProject
from services.projects.policy import policy_for
from services.words import say

Say = Callable[..., str]


class Event(Protocol):
    action: str
    data: dict


@dataclass(frozen=True)
class Outcome:
    """How one kind of event is told: the catalogue keys `outcome.<name>.subject` and
    `outcome.<name>.body`, and the values the body takes from the event's data."""

    name: str
    values: Callable[[Say, dict, StandardProject], dict] = lambda say_, data, project: {}


def _reasons(say_: Say, data: dict, project: StandardProject) -> dict:
    return {"reasons": data.get("reasons") or say_("outcome.no_reasons")}


def _returned(say_: Say, data: dict, project: StandardProject) -> dict:
    return {**_reasons(say_, data, project), "returns": data.get("returns", 1)}


def _comment(say_: Say, data: dict, project: StandardProject) -> dict:
    return {"comment": data.get("comment") or say_("outcome.no_reasons")}


def _share(value: Fraction) -> str:
    return f"{float(value):.0%}"


def _rule(value: float) -> str:
    return str(Fraction(value).limit_denominator(100))


def _ballot(say_: Say, data: dict, project: StandardProject) -> dict:
    """The tally against the rule, with the ratios the rule compares."""
    rule = policy_for(project.standard_type).ballot
    approve, disapprove, abstain, eligible = data["approve"], data["disapprove"], data["abstain"], data["eligible"]
    count = count_votes(rule, eligible, approve, disapprove, abstain)
    reason = data.get("reason", "")
    return {
        "eligible": eligible, "recused": data.get("recused", 0), "cast": count.cast, "approve": approve,
        "disapprove": disapprove, "abstain": abstain, "participation": _share(count.participation),
        "approval": _share(count.approval), "disapproval": _share(count.disapproval),
        "min_participation": _rule(rule.min_participation), "min_approval": _rule(rule.min_approval),
        "max_disapproval": _rule(rule.max_disapproval),
        "reason": say_(f"outcome.ballot.reason.{BALLOT_REASONS.get(reason, 'other')}"),
    }


BALLOT_REASONS = {
    "passed": "passed", "too few members voted": "participation", "no member approved or disapproved": "no_votes",
    "too few approvals": "approval", "too many disapprovals": "disapproval",
}


def _panel(say_: Say, data: dict, project: StandardProject) -> dict:
    size, given = data["size"], data["passes"] + data["with_revisions"] + data["fails"]
    return {
        "size": size, "passes": data["passes"], "with_revisions": data["with_revisions"], "fails": data["fails"],
        "silent": size - given, "in_favour": data["in_favour"],
        "pass_ratio": _rule(policy_for(project.standard_type).panel.pass_ratio),
    }


def _published(say_: Say, data: dict, project: StandardProject) -> dict:
    return {"number": data["number"], "published": data.get("publication_date", "—"),
            "effective": data.get("effective_from", "—")}


def _decision(name: str) -> Callable[[Say, dict, StandardProject], dict]:
    def values(say_: Say, data: dict, project: StandardProject) -> dict:
        reasons = data.get("reasons") or say_("outcome.no_reasons")
        return {"decision": say_(f"outcome.{name}.decision.{data.get('decision', '')}"), "reasons": reasons}

    return values


def _co_drafter(say_: Say, data: dict, project: StandardProject) -> dict:
    return {"org": data.get(say_("outcome.org_name_field")) or data.get("org_code", ""),
            "code": data.get("org_code", ""), "comment": data.get("comment") or say_("outcome.no_reasons")}


OUTCOMES: dict[str, Outcome] = {
    "proposal.accepted": Outcome("screening_accepted", _comment),
    "proposal.returned": Outcome("screening_returned", _returned),
    "proposal.rejected": Outcome("screening_rejected", _reasons),
    "project.approved": Outcome("ballot_passed", _ballot),
    "project.ballot_failed": Outcome("ballot_failed", _ballot),
    "demonstration.passed": Outcome("panel_passed", _panel),
    "demonstration.failed": Outcome("panel_failed", _panel),
    "demonstration.revisions_requested": Outcome("panel_revisions"),
    "publication.returned": Outcome("publication_returned", _reasons),
    "standard.published": Outcome("published", _published),
    "evaluation.recorded": Outcome("evaluation", _decision("evaluation")),
    "review.decided": Outcome("review", _decision("review")),
    "co_drafter.declined": Outcome("co_drafter_declined", _co_drafter),
}


async def notify_outcomes(
    session: AsyncSession, step_id: str, project_id: uuid.UUID | None, events: list[Event], site: NoticeSite
) -> list[uuid.UUID]:
    """Writes a notice of each outcome among the step's events to each person concerned; the ids of
    the notices written (for mailing). The notices are named after the step, which is written at most
    once, so they are new: added to the session, written with the step."""
    told = [event for event in events if event.action in OUTCOMES]
    if not told or project_id is None:
        return []
    project = await session.get(StandardProject, project_id)
    readers = await concerned(session, project)
    written = []
    for event in told:
        for reader in readers:
            message = compose(OUTCOMES[event.action], event.data, project, reader_language(reader), site)
            written.append(outbox.add_notice(
                session, reader.id, f"{step_id}:{event.action}", NotificationKind.outcome, message,
                project_id=project.id,
            ))
    return written


async def concerned(session: AsyncSession, project: StandardProject) -> list[User]:
    """The project's proposer and the active proposers of its lead and co-drafting organisations."""
    orgs = select(ProjectOrganisation.org_id).where(ProjectOrganisation.project_id == project.id, TAKING_PART)
    proposers = select(Membership.user_id).where(
        col(Membership.org_id).in_(orgs) | (Membership.org_id == project.lead_org_id),
        Membership.role == Role.proposer.value, Membership.state == MembershipState.active,
    )
    query = select(User).where(
        col(User.id).in_(proposers) | (User.id == project.proposer_id), col(User.is_active).is_(True)
    ).order_by(col(User.id))
    return list((await session.exec(query)).all())


def compose(outcome: Outcome, data: dict, project: StandardProject, lang: str, site: NoticeSite) -> Message:
    words = partial(say, lang)
    zh, en = (subject(code, f"outcome.{outcome.name}.subject", project,
                      **outcome.values(partial(say, code), data, project)) for code in LANGUAGES)
    body = [
        words(f"outcome.{outcome.name}.body", **outcome.values(words, data, project)), "",
        words("notify.fact.project", project=title(lang, project)),
        words("notify.fact.decided", when=site.when(datetime.now(UTC))),
        words("notify.fact.open", link=site.link(f"/projects/{project.id}")),
    ]
    return Message(zh, en, "\n".join(body))
