"""The arithmetic of committee ballots and expert panels, as plain functions of counts.

Deterministic and free of I/O, so workflows call them directly and tests can table them.
"""

from dataclasses import dataclass
from fractions import Fraction

from workflows.models import BallotRules, PanelRules


@dataclass(frozen=True)
class BallotTally:
    eligible: int  # voting members, recused ones already left out
    approve: int
    disapprove: int
    abstain: int
    participation: Fraction
    approval: Fraction
    disapproval: Fraction
    passed: bool
    reason: str


def _ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _at_least(value: Fraction, threshold: float) -> bool:
    # Thresholds like 2/3 arrive as floats; compare against the nearest small fraction so that
    # exactly two thirds passes.
    return value >= Fraction(threshold).limit_denominator(1000)


def ballot_outcome(rules: BallotRules, eligible: int, approve: int, disapprove: int, abstain: int) -> BallotTally:
    """Participation counts every vote cast, abstentions included. Under the national rule
    ("counted") an abstention also stands in both denominators; under ISO's ("excluded") the
    ratios are of approvals and disapprovals only."""
    cast = approve + disapprove + abstain
    if cast > eligible:
        raise ValueError(f"{cast} votes cast by {eligible} eligible members")
    participation = _ratio(cast, eligible)
    denominator = cast if rules.abstentions == "counted" else approve + disapprove
    approval, disapproval = _ratio(approve, denominator), _ratio(disapprove, denominator)
    if not _at_least(participation, rules.min_participation):
        passed, reason = False, "too few members voted"
    elif denominator == 0:
        passed, reason = False, "no member approved or disapproved"
    elif not _at_least(approval, rules.min_approval):
        passed, reason = False, "too few approvals"
    elif disapproval > Fraction(rules.max_disapproval).limit_denominator(1000):
        passed, reason = False, "too many disapprovals"
    else:
        passed, reason = True, "passed"
    return BallotTally(eligible, approve, disapprove, abstain, participation, approval, disapproval, passed, reason)


@dataclass(frozen=True)
class PanelOutcome:
    size: int
    in_favour: int  # "pass" and "pass with revisions"
    fail: int
    result: str  # "pass" | "pass_with_revisions" | "fail"


def panel_outcome(rules: PanelRules, size: int, passes: int, with_revisions: int, fails: int) -> PanelOutcome:
    """The panel passes the draft when at least `pass_ratio` of the whole panel is in favour; an
    expert who gave no opinion counts against. Any "pass with revisions" among a passing panel
    makes the result "pass_with_revisions"."""
    if passes + with_revisions + fails > size:
        raise ValueError(f"{passes + with_revisions + fails} opinions from a panel of {size}")
    in_favour = passes + with_revisions
    if size == 0 or not _at_least(_ratio(in_favour, size), rules.pass_ratio):
        result = "fail"
    else:
        result = "pass_with_revisions" if with_revisions else "pass"
    return PanelOutcome(size, in_favour, fails, result)
