"""The arithmetic of committee ballots and expert panels, the one place their rules live: what the
workflows decide by, what the services keep and what the pages and notices show with the
arithmetic spelled out. Plain functions of counts, deterministic and free of I/O, so workflows call
them directly and tests can table them."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from pydantic import BaseModel

from contracts.policy import AbstentionRule, BallotPolicy, PanelPolicy


class BallotTally(BaseModel):
    """The counts at close and the ratios the rule compared; recused members are not eligible."""

    eligible: int
    approve: int
    disapprove: int
    abstain: int
    recused: int
    participation: float
    approval: float
    disapproval: float
    passed: bool
    reason: str


@dataclass(frozen=True)
class BallotCount:
    """Votes against a ballot rule: the votes cast, those the ratios count, the ratios, and whether
    each meets its threshold."""

    cast: int
    counted: int
    participation: Fraction
    approval: Fraction
    disapproval: Fraction
    enough_voted: bool
    enough_approve: bool
    few_enough_disapprove: bool


def _ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _threshold(value: float) -> Fraction:
    # Thresholds like 2/3 arrive as floats; compare against the nearest small fraction so that
    # exactly two thirds passes.
    return Fraction(value).limit_denominator(1000)


def count_votes(rules: BallotPolicy, eligible: int, approve: int, disapprove: int, abstain: int) -> BallotCount:
    """Participation counts every vote cast, abstentions included. Under the national rule
    ("counted") an abstention also stands in both denominators; under ISO's ("excluded") the
    ratios are of approvals and disapprovals only."""
    cast = approve + disapprove + abstain
    counted = cast if rules.abstentions == AbstentionRule.counted else approve + disapprove
    participation, approval, disapproval = _ratio(cast, eligible), _ratio(approve, counted), _ratio(disapprove, counted)
    return BallotCount(
        cast=cast, counted=counted, participation=participation, approval=approval, disapproval=disapproval,
        enough_voted=participation >= _threshold(rules.min_participation),
        enough_approve=bool(counted) and approval >= _threshold(rules.min_approval),
        few_enough_disapprove=bool(counted) and disapproval <= _threshold(rules.max_disapproval),
    )


def ballot_outcome(
    rules: BallotPolicy, eligible: int, approve: int, disapprove: int, abstain: int, recused: int = 0
) -> BallotTally:
    """The ballot's result for `eligible` voting members, recused ones already left out."""
    count = count_votes(rules, eligible, approve, disapprove, abstain)
    if count.cast > eligible:
        raise ValueError(f"{count.cast} votes cast by {eligible} eligible members")
    if not count.enough_voted:
        passed, reason = False, "too few members voted"
    elif count.counted == 0:
        passed, reason = False, "no member approved or disapproved"
    elif not count.enough_approve:
        passed, reason = False, "too few approvals"
    elif not count.few_enough_disapprove:
        passed, reason = False, "too many disapprovals"
    else:
        passed, reason = True, "passed"
    return BallotTally(
        eligible=eligible, approve=approve, disapprove=disapprove, abstain=abstain, recused=recused,
        participation=float(count.participation), approval=float(count.approval),
        disapproval=float(count.disapproval), passed=passed, reason=reason,
    )


def tally_ballot(rules: BallotPolicy, voters: int, votes: Iterable[str]) -> BallotTally:
    """The result of `voters` voting members' choices (contracts/choices.py, "ballot_vote"): a member
    who recused leaves the eligible count; one who never voted stays in it."""
    counts = Counter(votes)
    recused = counts["recuse"]
    return ballot_outcome(rules, voters - recused, counts["approve"], counts["disapprove"], counts["abstain"],
                          recused)


class PanelOutcome(BaseModel):
    result: str  # "pass" | "pass_with_revisions" | "fail"
    size: int
    passes: int
    with_revisions: int
    fails: int
    in_favour: int  # "pass" and "pass with revisions"

    def tally(self) -> dict[str, int]:
        """The counts as the panel keeps them, under the opinions' own names."""
        return {"size": self.size, "in_favour": self.in_favour, "pass": self.passes,
                "pass_with_revisions": self.with_revisions, "fail": self.fails}


def panel_in_favour(pass_ratio: float, size: int, in_favour: int) -> bool:
    """Whether enough of the whole panel is in favour; an expert who gave no opinion counts against."""
    return bool(size) and _ratio(in_favour, size) >= _threshold(pass_ratio)


def panel_outcome(rules: PanelPolicy, size: int, passes: int, with_revisions: int, fails: int) -> PanelOutcome:
    """The panel passes the draft when at least `pass_ratio` of the whole panel is in favour. Any
    "pass with revisions" among a passing panel makes the result "pass_with_revisions"."""
    if passes + with_revisions + fails > size:
        raise ValueError(f"{passes + with_revisions + fails} opinions from a panel of {size}")
    in_favour = passes + with_revisions
    if not panel_in_favour(rules.pass_ratio, size, in_favour):
        result = "fail"
    else:
        result = "pass_with_revisions" if with_revisions else "pass"
    return PanelOutcome(result=result, size=size, passes=passes, with_revisions=with_revisions, fails=fails,
                        in_favour=in_favour)


def tally_panel(rules: PanelPolicy, opinions: Iterable[str]) -> PanelOutcome:
    """The result of the opinions given (contracts/choices.py, "panel_opinion"), one per seat that
    answered."""
    counts = Counter(opinions)
    return panel_outcome(rules, counts.total(), counts["pass"], counts["pass_with_revisions"], counts["fail"])
