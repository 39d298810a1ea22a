"""A project's audit trail told as a record for people: each event with who acted (person, role,
organisation), when, and what was decided in words: a decision, a reason, a number, a tally with its
arithmetic, a link to the draft. Single votes, opinions and comments are grouped under their ballot,
panel and consultation. Nothing of an event's data is shown that is not put into words here."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError

from api.web.ballot_words import share, tally_words
from api.web.page_text import Translator
from api.web.pages_common import local_day, local_time
from contracts.policy import BallotPolicy
from contracts.tallies import BallotTally, panel_in_favour
from services.dashboard.schemas import Actor, RecordEvent
from services.drafts.models import DraftVersion
from services.organisations.models import Organisation

# An event grouped under the latest event of the action it names, when there is one.
GROUPED_UNDER = {
    "ballot.voted": "ballot.opened", "ballot.recused": "ballot.opened",
    "panel.opinion_given": "panel.formed", "panel.conflict_declared": "panel.formed",
    "panel.expert_replaced": "panel.formed", "panel.proceeding_without": "panel.formed",
    "panel.expert_overdue": "panel.formed", "consultation.comment_added": "consultation.opened",
    "consultation.comment_disposed": "consultation.closed",
}
BALLOT_TALLIES = frozenset({"ballot.closed", "project.approved", "project.ballot_failed"})
PANEL_TALLIES = frozenset({"panel.concluded", "demonstration.passed", "demonstration.failed"})
# Free text a person wrote, shown as they wrote it under a label of its own.
TEXTS = ("reasons", "comment", "summary", "note", "details", "clause")


@dataclass(frozen=True)
class Detail:
    text: str
    href: str | None = None
    quoted: bool = False


@dataclass
class Entry:
    at: str
    action: str
    title: str
    who: str
    role: str
    org: str
    details: list[Detail]
    children: list["Entry"] = field(default_factory=list)


@dataclass(frozen=True)
class Lookup:
    """What the words of an event's data need: drafts, organisations and people by id, the rules."""

    drafts: dict[str, DraftVersion]
    orgs: dict[uuid.UUID, Organisation]
    people: dict[str, str]
    ballot_rules: BallotPolicy
    panel_ratio: float

    def org_named(self, value: object, t: Translator) -> str | None:
        org = self.orgs.get(_uuid(value)) if _uuid(value) else next(
            (o for o in self.orgs.values() if o.code == value), None)
        return t.pick(org.name_zh, org.name_en) if org else None


def record_entries(events: list[RecordEvent], lookup: Lookup, t: Translator) -> list[Entry]:
    """The record, oldest first, with grouped events nested under the event that opened their group."""
    entries: list[Entry] = []
    latest: dict[str, Entry] = {}
    for event in events:
        entry = _entry(event, lookup, t)
        parent = latest.get(GROUPED_UNDER.get(event.action, ""))
        (parent.children if parent else entries).append(entry)
        latest[event.action] = entry
    return entries


def actor_words(actor: Actor | None, t: Translator) -> tuple[str, str, str]:
    """Name, role and organisation; a step the workflow took by itself is the platform's."""
    if actor is None:
        return t("record.by_workflow"), "", ""
    role = t.maybe(f"role.{actor.role}", "") if actor.role else ""
    org = t.pick(actor.org_name_zh, actor.org_name_en) if actor.org_id else ""
    return actor.display_name, role, org


def _entry(event: RecordEvent, lookup: Lookup, t: Translator) -> Entry:
    who, role, org = actor_words(event.actor, t)
    data = {**event.data, "draft_id": event.object_id} if event.object_type == "draft" else dict(event.data)
    if data.get("expert_id") == str(event.actor_id):  # an expert's own act: the entry names them already
        del data["expert_id"]
    return Entry(at=local_time(event.at), action=event.action,
                 title=t.maybe(f"event.{event.action}", t("event.other")), who=who, role=role, org=org,
                 details=details(event.action, data, lookup, t))


def details(action: str, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    """What an event decided, in words; data the record has no words for is left out."""
    found: list[Detail] = []
    if action in BALLOT_TALLIES:
        found += _ballot_tally(data, lookup, t)
    if action in PANEL_TALLIES:
        found += _panel_tally(data, lookup, t)
    for key, value in data.items():
        words = WORDS.get(key)
        if words is not None and value not in (None, "", [], {}):
            found += words(value, data, lookup, t)
    return found


def _ballot_tally(data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    counts = {name: data.get(name, 0) for name in ("approve", "disapprove", "abstain", "recused")}
    try:
        tally = BallotTally(eligible=data["eligible"], **counts, participation=0, approval=0, disapproval=0,
                            passed=data["passed"], reason=str(data.get("reason", "")))
    except (KeyError, ValidationError):
        return []
    return [Detail(tally_words(tally, lookup.ballot_rules, tally.eligible, t))]


def panel_words(result: str | None, size: int, in_favour: int, ratio: float, t: Translator) -> str:
    """E.g. "4 of 5 experts in favour ≥ 3/4 ✓ → passed"."""
    met = panel_in_favour(ratio, size, in_favour)
    outcome = t.maybe(f"record.panel_result.{result}", t("ballot.tally.passed" if met else "ballot.tally.failed"))
    return t("record.panel_tally", in_favour=in_favour, size=size, rule=share(ratio),
             mark="✓" if met else "✗", result=outcome)


def _panel_tally(data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    if "size" not in data or "in_favour" not in data:
        return []
    return [Detail(panel_words(data.get("result"), int(data["size"]), int(data["in_favour"]), lookup.panel_ratio, t))]


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _text(key: str) -> Callable[..., list[Detail]]:
    return lambda value, data, lookup, t: [Detail(t(f"record.label.{key}", text=str(value)), quoted=True)]


def _draft(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    draft = lookup.drafts.get(str(value))
    if draft is None:
        version = data.get("draft_version")
        return [Detail(t("record.draft_version", version=version))] if version else []
    label = t.maybe(f"label.{draft.label}", "")
    return [Detail(t("record.draft", version=draft.version, label=label), href=f"/api/v1/drafts/{draft.id}/file")]


def _day(value: object) -> str:
    try:
        return local_time(datetime.fromisoformat(str(value))) if "T" in str(value) else \
            local_day(date.fromisoformat(str(value)))
    except ValueError:
        return ""


def _dated(key: str) -> Callable[..., list[Detail]]:
    return lambda value, data, lookup, t: [Detail(t(f"record.label.{key}", when=_day(value)))] if _day(value) else []


def _counted(key: str) -> Callable[..., list[Detail]]:
    return lambda value, data, lookup, t: [Detail(t(f"record.label.{key}", count=value))] \
        if isinstance(value, int) and not isinstance(value, bool) else []


def _choice(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    return [Detail(t("record.label.decision", text=t.maybe(f"choice.{value}", t("event.other"))))]


def _org(key: str) -> Callable[..., list[Detail]]:
    def words(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
        name = lookup.org_named(value, t)
        return [Detail(t(f"record.label.{key}", text=name))] if name else []
    return words


def _orgs(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    names = [n for n in (lookup.org_named(v, t) for v in value or []) if n] if isinstance(value, list) else []
    return [Detail(t("record.label.sites", text="、".join(names)))] if names else []


def _person(key: str) -> Callable[..., list[Detail]]:
    def words(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
        name = lookup.people.get(str(value))
        return [Detail(t(f"record.label.{key}", text=name))] if name else []
    return words


def _refusal(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    return [Detail(t("record.label.refusal", text=t.maybe(str(value), str(value))))]


def _scores(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    if not isinstance(value, dict):
        return []
    parts = [f"{t.maybe(f'field.{name}', '')} {score}" for name, score in value.items() if t.maybe(f"field.{name}", "")]
    return [Detail(t("record.label.scores", text=" · ".join(parts)))] if parts else []


def _period(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    if not isinstance(value, int):
        return []
    return [Detail(t("record.report.progress", period=value) if value else t("record.report.final"))]


def _number(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    """A comment's number in its consultation, or a standard's number."""
    if isinstance(value, int):
        return [Detail(t("record.label.comment_number", number=value))]
    return [Detail(t("record.label.number", text=str(value)))]


def _people(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    names = [lookup.people[str(v)] for v in value if str(v) in lookup.people] if isinstance(value, list) else []
    return [Detail(t("record.label.experts", text="、".join(names)))] if names else []


def _disposition(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    words = t.maybe(f"disposition.{value}", "")
    return [Detail(t("record.label.disposition", text=words))] if words else []


def _fields(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    names = [t.maybe(f"project.{f}", "") for f in value] if isinstance(value, list) else []
    return [Detail(t("record.label.fields", text="、".join(n for n in names if n)))] if any(names) else []


def _returns(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    return [Detail(t("record.label.returns", count=value))] if isinstance(value, int) else []


def _purpose(value: object, data: dict, lookup: Lookup, t: Translator) -> list[Detail]:
    return [Detail(t("record.label.purpose", text=t.maybe(f"purpose.{value}", "")))] \
        if t.maybe(f"purpose.{value}", "") else []


WORDS: dict[str, Callable[[object, dict, Lookup, Translator], list[Detail]]] = {
    **{key: _text(key) for key in TEXTS},
    "draft_id": _draft, "closes_at": _dated("closes_at"), "due": _dated("due"), "due_at": _dated("due"),
    "publication_date": _dated("publication_date"), "effective_from": _dated("effective_from"),
    "voters": _counted("voters"), "comments": _counted("comments"), "missed_in_a_row": _counted("missed"),
    "decision": _choice, "site_org_id": _org("site"), "org_id": _org("org"), "expert_ids": _people,
    "disposition": _disposition, "fields": _fields, "site_org_ids": _orgs, "publisher": _org("publisher"),
    "expert_id": _person("expert"), "replaced_by": _person("replaced_by"), "scores": _scores,
    "start": _dated("start"), "end": _dated("end"), "period": _period, "number": _number, "returns": _returns,
    "purpose": _purpose, "claimed_by": _text("claimed_by"), "refusal": _refusal,
}
