"""A committee ballot's rule and its tally in words, with the arithmetic shown: what a voter reads
before voting and what anyone reads once the ballot has closed, e.g.
"4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed"."""

from collections.abc import Mapping
from fractions import Fraction

from api.web.page_text import Translator
from contracts.policy import AbstentionRule, BallotPolicy
from contracts.tallies import BallotTally, count_votes


def share(value: float) -> str:
    """A policy's threshold as people write it: 0.75 → "3/4", 2/3 → "2/3", 0.6 → "3/5"."""
    fraction = Fraction(value).limit_denominator(100)
    return str(fraction) if fraction.denominator <= 12 else f"{float(value):.0%}"


def rule_words(rules: BallotPolicy, eligible: int, t: Translator) -> str:
    """The rule a ballot is decided by, for `eligible` voting members (recused ones left out), e.g.
    "≥ 3/4 of the 5 voting members vote; ≥ 2/3 of votes approve; ≤ 1/4 disapprove; abstentions
    count as votes cast". Pass the project's ballot policy (`policy_for(type).ballot`, or the
    workflow's copy, `ProjectPolicy.ballot`), the number of voting members and the page's Translator."""
    return t(
        "ballot.rule", eligible=eligible, participation=share(rules.min_participation),
        approval=share(rules.min_approval), disapproval=share(rules.max_disapproval),
        abstentions=t(f"ballot.rule.abstentions.{rules.abstentions.value}"),
    )


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def tally_words(tally: BallotTally | Mapping, rules: BallotPolicy, eligible: int, t: Translator) -> str:
    """A closed ballot's tally against its rule, each comparison marked ✓ or ✗, then the result, e.g.
    "4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed". Pass the
    ballot's tally (`BallotPublic.tally`, or the dict kept on the ballot row or its audit event),
    the rules it ran under (as for `rule_words`), the eligible members (normally `tally.eligible`)
    and the page's Translator. Under the ISO rule the ratios leave abstentions out, and say so."""
    counts = BallotTally.model_validate(tally) if isinstance(tally, Mapping) else tally
    count = count_votes(rules, eligible, counts.approve, counts.disapprove, counts.abstain)
    counted, excluded = count.counted, rules.abstentions == AbstentionRule.excluded
    parts = [
        t("ballot.tally.voted", cast=count.cast, eligible=eligible, rule=share(rules.min_participation),
          mark=_mark(count.enough_voted)),
        t("ballot.tally.approve", approve=counts.approve, counted=counted, rule=share(rules.min_approval),
          mark=_mark(count.enough_approve)),
        t("ballot.tally.disapprove", disapprove=counts.disapprove, counted=counted,
          rule=share(rules.max_disapproval), mark=_mark(count.few_enough_disapprove)),
    ]
    if excluded and counts.abstain:
        parts.append(t("ballot.tally.abstentions_left_out", abstain=counts.abstain))
    result = t("ballot.tally.passed" if counts.passed else "ballot.tally.failed")
    return " · ".join(parts) + f" → {result}"
