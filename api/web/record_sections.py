"""The project page's record, section by section: the ballots with their rule, tally and votes, the
expert panels with each expert's declaration and opinion, the pilot sites with their reports, the
evaluations with their scores, the consultation's comments by disposition, and every event of the
audit trail with who acted. Read through the services, as the reader may see them."""

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.ballot_words import rule_words, tally_words
from api.web.page_text import Translator
from api.web.pages_common import When, local_day, local_time
from api.web.record import Entry, Lookup, panel_words, record_entries
from services.ballots import service as ballots
from services.ballots.schemas import BallotPublic
from services.consultations.schemas import CommentPublic
from services.dashboard.schemas import Actor, ProjectRecord
from services.drafts.models import DraftVersion
from services.evaluations import service as evaluations
from services.evaluations.models import CRITERIA
from services.evaluations.schemas import EvaluationPublic
from services.identity.principal import Principal
from services.organisations.models import Organisation
from services.panels import service as panels
from services.panels.schemas import PanelPublic
from services.pilots import service as pilots
from services.pilots.models import PilotSite
from services.projects.models import StandardProject
from services.projects.policy import policy_for


@dataclass(frozen=True)
class Row:
    cells: list[str]
    href: str | None = None  # a link on the row's first cell


@dataclass(frozen=True)
class Section:
    """One ballot, panel, pilot site or evaluation: a heading, lines of words, and a table."""

    heading: str
    lines: list[str]
    head: list[str]
    rows: list[Row]
    kind: str
    outcome: str = ""  # "passed" or "failed", for the reader's eye and the tests


@dataclass(frozen=True)
class Record:
    entries: list[Entry]
    ballots: list[Section]
    panels: list[Section]
    pilots: list[Section]
    evaluations: list[Section]
    dispositions: list[tuple[str, int]]


async def project_record_sections(
    session: AsyncSession, principal: Principal, project: StandardProject, record: ProjectRecord,
    drafts: list[DraftVersion], orgs: dict[uuid.UUID, Organisation], comments: list[CommentPublic],
    overrides: dict, t: Translator,
) -> Record:
    policy = policy_for(project.standard_type, overrides)
    people = {str(e.actor.user_id): e.actor.display_name for e in record.events if e.actor}
    acting = {str(e.actor.user_id): e.actor for e in record.events if e.actor and e.action.startswith("ballot.")}
    found_panels = await panels.list_for_project(session, principal, project.id)
    people |= {str(m.user_id): m.display_name for p in found_panels for m in p.members}
    lookup = Lookup(drafts={str(d.id): d for d in drafts}, orgs=orgs, people=people,
                    ballot_rules=policy.ballot, panel_ratio=policy.panel.pass_ratio)
    return Record(
        entries=record_entries(record.events, lookup, t),
        ballots=[await _ballot(session, b, lookup, acting, t) for b in
                 await ballots.list_for_project(session, principal, project.id)],
        panels=[_panel(p, lookup, t) for p in found_panels],
        pilots=[await _site(session, s, lookup, t)
                for s in await pilots.list_for_project(session, principal, project.id)],
        evaluations=[_evaluation(e, lookup, t)
                     for e in await evaluations.list_for_project(session, principal, project.id)],
        dispositions=_dispositions(comments, t),
    )


async def _ballot(session: AsyncSession, ballot: BallotPublic, lookup: Lookup, acting: dict, t: Translator) -> Section:
    eligible = ballot.tally.eligible if ballot.tally else ballot.voters
    lines = [t("record.ballot.rule", rule=rule_words(lookup.ballot_rules, eligible, t)),
             t("record.ballot.period", opened=local_time(ballot.opened_at), closes=local_time(ballot.closes_at))]
    draft = lookup.drafts.get(str(ballot.draft_id))
    if draft is not None:
        lines.append(t("record.draft", version=draft.version, label=t.maybe(f"label.{draft.label}", "")))
    if ballot.tally is not None:
        lines.append(tally_words(ballot.tally, lookup.ballot_rules, ballot.tally.eligible, t))
    else:
        lines.append(t("record.ballot.voted_so_far", voted=ballot.voted, eligible=ballot.voters))
    rows = [Row([v.display_name, _org_of(acting.get(str(v.member_id)), t),
                 _vote_words(v.decision, t), v.comment,
                 When(local_time(v.decided_at))])
            for v in await ballots.closed_votes(session, ballot.id)]
    outcome = "" if ballot.passed is None else ("passed" if ballot.passed else "failed")
    return Section(t("record.ballot.heading", purpose=t.maybe(f"purpose.{ballot.purpose}", "")), lines,
                   [t("record.col.member"), t("record.col.org"), t("record.col.vote"), t("record.col.comment"),
                    t("record.col.when")], rows, "ballot", outcome)


def _vote_words(decision: str | None, t: Translator) -> str:
    if decision is None:
        return t("record.vote.none")
    choice = t.maybe(f"choice.ballot_vote.{decision}", t.maybe(f"choice.{decision}", ""))
    return t.maybe(f"record.vote.{decision}", choice)  # a recorded recusal, not the voter's "recuse myself"


def _org_of(actor: Actor | None, t: Translator) -> str:
    return t.pick(actor.org_name_zh, actor.org_name_en) if actor and actor.org_id else ""


def _panel(panel: PanelPublic, lookup: Lookup, t: Translator) -> Section:
    lines = [t("record.panel.formed", when=local_time(panel.formed_at))]
    outcome = ""
    if panel.tally and panel.concluded_at:
        lines.append(panel_words(panel.result, int(panel.tally.get("size", 0)), int(panel.tally.get("in_favour", 0)),
                                 lookup.panel_ratio, t))
        outcome = "failed" if panel.result == "fail" else "passed"
    else:
        lines.append(t("record.panel.sealed"))
    rows = [Row([m.display_name, lookup.org_named(m.org_id, t) or "", t.maybe(f"record.seat.{m.state}", ""),
                 m.conflict_details or t("record.panel.no_conflict"),
                 t.maybe(f"choice.{m.opinion}", "") if m.opinion else "", m.comments or ""])
            for m in panel.members]
    return Section(t("record.panel.heading"), lines,
                   [t("record.col.expert"), t("record.col.org"), t("record.col.seat"), t("record.col.declaration"),
                    t("record.col.opinion"), t("record.col.comment")], rows, "panel", outcome)


async def _site(session: AsyncSession, site: PilotSite, lookup: Lookup, t: Translator) -> Section:
    detail = await pilots.to_detail(session, site)
    lines = [t("record.pilot.status", status=t.maybe(f"record.site.{detail.status}", "")),
             t("record.pilot.start", day=local_day(detail.start_date))]
    if detail.plan:
        lines.append(t("record.label.plan", text=detail.plan))
    rows = [Row([t("record.report.progress", period=r.period) if r.kind == "progress" else t("record.report.final"),
                 r.text, "；".join(f"{name} = {value:g}" for name, value in r.metrics.items()),
                 lookup.people.get(str(r.submitted_by_id), ""), When(local_time(r.submitted_at))])
            for r in detail.reports]
    return Section(t.pick(detail.org_name_zh, detail.org_name_en), lines,
                   [t("record.col.report"), t("record.col.content"), t("record.col.metrics"), t("record.col.by"),
                    t("record.col.when")], rows, "pilot")


def _evaluation(evaluation: EvaluationPublic, lookup: Lookup, t: Translator) -> Section:
    scores = evaluation.scores.model_dump()
    lines = [t("record.label.decision", text=t.maybe(f"choice.{evaluation.decision}", "")),
             t("record.evaluation.nominated" if evaluation.nominate_shanghai_standard
               else "record.evaluation.not_nominated"),
             t("record.label.summary", text=evaluation.summary),
             t("record.evaluation.by", who=lookup.people.get(str(evaluation.evaluator_id), ""),
               org=lookup.org_named(evaluation.org_id, t) or "", when=local_time(evaluation.created_at))]
    rows = [Row([t(f"field.{name}"), str(scores[name])]) for name in CRITERIA]
    return Section(t("record.evaluation.heading"), lines, [t("record.col.criterion"), t("record.col.score")], rows,
                   "evaluation")


def _dispositions(comments: list[CommentPublic], t: Translator) -> list[tuple[str, int]]:
    """How many comments got each disposition, and how many still wait for one."""
    counts = Counter(str(c.disposition) if c.disposition else "" for c in comments)
    ordered = sorted(counts.items(), key=lambda item: item[0] == "")  # the undisposed last
    return [(t(f"disposition.{d}") if d else t("record.undisposed"), n) for d, n in ordered]
