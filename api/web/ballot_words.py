"""A committee ballot's rule and its tally in words, with the arithmetic shown: what a voter reads
before voting and what anyone reads once the ballot has closed, e.g.
"4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed"."""

from collections.abc import Mapping
from fractions import Fraction
from typing import Protocol

from api.web.page_text import Translator
from services.ballots.schemas import BallotTally


class Rules(Protocol):
    """The ballot part of a project's policy: services/projects/policy.py's BallotPolicy or the
    workflow's copy, workflows/models.py's BallotRules."""

    min_participation: float
    min_approval: float
    max_disapproval: float
    abstentions: str


def share(value: float) -> str:
    """A policy's threshold as people write it: 0.75 → "3/4", 2/3 → "2/3", 0.6 → "3/5"."""
    fraction = Fraction(value).limit_denominator(100)
    return str(fraction) if fraction.denominator <= 12 else f"{float(value):.0%}"


def _abstentions_excluded(rules: Rules) -> bool:
    return str(getattr(rules.abstentions, "value", rules.abstentions)) == "excluded"


def rule_words(rules: Rules, eligible: int, t: Translator) -> str:
    """The rule a ballot is decided by, for `eligible` voting members (recused ones left out), e.g.
    "≥ 3/4 of the 5 voting members vote; ≥ 2/3 of votes approve; ≤ 1/4 disapprove; abstentions
    count as votes cast". Pass the project's ballot policy (`policy_for(type).ballot`, or the
    workflow's `PolicySnapshot.ballot`), the number of voting members and the page's Translator."""
    abstentions = "excluded" if _abstentions_excluded(rules) else "counted"
    return t(
        "ballot.rule", eligible=eligible, participation=share(rules.min_participation),
        approval=share(rules.min_approval), disapproval=share(rules.max_disapproval),
        abstentions=t(f"ballot.rule.abstentions.{abstentions}"),
    )


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def tally_words(tally: BallotTally | Mapping, rules: Rules, eligible: int, t: Translator) -> str:
    """A closed ballot's tally against its rule, each comparison marked ✓ or ✗, then the result, e.g.
    "4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed". Pass the
    ballot's tally (`BallotPublic.tally`, or the dict kept on the ballot row or its audit event),
    the rules it ran under (as for `rule_words`), the eligible members (normally `tally.eligible`)
    and the page's Translator. Under the ISO rule the ratios leave abstentions out, and say so."""
    counts = BallotTally.model_validate(tally) if isinstance(tally, Mapping) else tally
    cast = counts.approve + counts.disapprove + counts.abstain
    counted = counts.approve + counts.disapprove if _abstentions_excluded(rules) else cast
    thresholds = [Fraction(v).limit_denominator(1000) for v in
                  (rules.min_participation, rules.min_approval, rules.max_disapproval)]
    voted_ok = bool(eligible) and Fraction(cast, eligible) >= thresholds[0]
    approve_ok = bool(counted) and Fraction(counts.approve, counted) >= thresholds[1]
    disapprove_ok = bool(counted) and Fraction(counts.disapprove, counted) <= thresholds[2]
    parts = [
        t("ballot.tally.voted", cast=cast, eligible=eligible, rule=share(rules.min_participation),
          mark=_mark(voted_ok)),
        t("ballot.tally.approve", approve=counts.approve, counted=counted, rule=share(rules.min_approval),
          mark=_mark(approve_ok)),
        t("ballot.tally.disapprove", disapprove=counts.disapprove, counted=counted,
          rule=share(rules.max_disapproval), mark=_mark(disapprove_ok)),
    ]
    if _abstentions_excluded(rules) and counts.abstain:
        parts.append(t("ballot.tally.abstentions_left_out", abstain=counts.abstain))
    result = t("ballot.tally.passed" if counts.passed else "ballot.tally.failed")
    return " · ".join(parts) + f" → {result}"
