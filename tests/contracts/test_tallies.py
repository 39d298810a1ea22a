"""The ballot and panel arithmetic, edge cases first."""

import pytest

from contracts.policy import BallotPolicy, PanelPolicy
from contracts.tallies import ballot_outcome, panel_outcome, tally_ballot, tally_panel

NATIONAL = BallotPolicy()
ISO = BallotPolicy(abstentions="excluded")

# eligible (recused left out), approve, disapprove, abstain, passed, reason
NATIONAL_CASES = [
    (20, 15, 0, 0, True, "passed"),  # participation exactly 3/4
    (20, 14, 0, 0, False, "too few members voted"),  # just under 3/4
    (9, 6, 3, 0, False, "too many disapprovals"),  # approval exactly 2/3, disapproval 1/3
    (12, 8, 2, 2, True, "passed"),  # approval exactly 2/3 with abstentions counted, disapproval 1/6
    (12, 7, 2, 3, False, "too few approvals"),  # 7/12 < 2/3
    (8, 6, 2, 0, True, "passed"),  # disapproval exactly 1/4
    (5, 0, 0, 5, False, "too few approvals"),  # all abstain: abstentions stand in the denominator
    (5, 0, 0, 0, False, "too few members voted"),  # nobody voted
    (4, 2, 2, 0, False, "too few approvals"),  # a tie
    (0, 0, 0, 0, False, "too few members voted"),  # everyone recused
]

ISO_CASES = [
    (12, 7, 2, 3, True, "passed"),  # abstentions leave the ratios: 7/9 approve, 2/9 disapprove
    (12, 6, 3, 3, False, "too many disapprovals"),  # 6/9 approve exactly 2/3, 3/9 disapprove
    (5, 0, 0, 5, False, "no member approved or disapproved"),
    (4, 3, 0, 0, True, "passed"),  # participation exactly 3/4
]


@pytest.mark.parametrize(("eligible", "approve", "disapprove", "abstain", "passed", "reason"), NATIONAL_CASES)
def test_national_ballot_rule(eligible, approve, disapprove, abstain, passed, reason):
    tally = ballot_outcome(NATIONAL, eligible, approve, disapprove, abstain)
    assert (tally.passed, tally.reason) == (passed, reason)


@pytest.mark.parametrize(("eligible", "approve", "disapprove", "abstain", "passed", "reason"), ISO_CASES)
def test_iso_ballot_rule(eligible, approve, disapprove, abstain, passed, reason):
    tally = ballot_outcome(ISO, eligible, approve, disapprove, abstain)
    assert (tally.passed, tally.reason) == (passed, reason)


def test_the_worked_example_passes_on_each_count():
    """4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed"""
    tally = tally_ballot(NATIONAL, 5, ["approve", "approve", "approve", "disapprove"])
    assert tally.model_dump() == {
        "eligible": 5, "approve": 3, "disapprove": 1, "abstain": 0, "recused": 0, "participation": 0.8,
        "approval": 0.75, "disapproval": 0.25, "passed": True, "reason": "passed",
    }


def test_a_recused_member_leaves_the_eligible_count_and_a_silent_one_stays():
    # 6 voting members, one recused: 5 eligible, of whom 4 voted.
    tally = tally_ballot(NATIONAL, 6, ["recuse", "approve", "approve", "approve", "abstain"])
    assert (tally.eligible, tally.recused, tally.participation, tally.approval) == (5, 1, 0.8, 0.75)
    assert (tally.passed, tally.reason) == (True, "passed")
    everyone_recused = tally_ballot(NATIONAL, 2, ["recuse", "recuse"])
    assert (everyone_recused.eligible, everyone_recused.passed) == (0, False)


def test_more_votes_than_members_is_an_error():
    with pytest.raises(ValueError, match="6 votes cast by 5 eligible members"):
        ballot_outcome(NATIONAL, 5, 6, 0, 0)


# size, pass, pass with revisions, fail, result
PANEL_CASES = [
    (5, 5, 0, 0, "pass"),
    (5, 4, 0, 1, "pass"),  # 4/5 ≥ 3/4
    (4, 3, 0, 1, "pass"),  # exactly 3/4
    (8, 5, 0, 3, "fail"),  # 5/8 < 3/4
    (5, 3, 1, 1, "pass_with_revisions"),
    (5, 3, 0, 0, "fail"),  # two experts silent count against
    (15, 11, 0, 4, "fail"),  # 11/15 < 3/4, the no-committee panel
    (15, 10, 2, 3, "pass_with_revisions"),  # 12/15
    (0, 0, 0, 0, "fail"),
]


@pytest.mark.parametrize(("size", "passes", "with_revisions", "fails", "result"), PANEL_CASES)
def test_panel_outcome(size, passes, with_revisions, fails, result):
    assert panel_outcome(PanelPolicy(), size, passes, with_revisions, fails).result == result


def test_a_panel_is_tallied_from_its_opinions_under_their_own_names():
    outcome = tally_panel(PanelPolicy(), ["pass", "pass_with_revisions", "pass", "pass", "fail"])
    assert outcome.result == "pass_with_revisions"
    assert outcome.tally() == {"size": 5, "in_favour": 4, "pass": 3, "pass_with_revisions": 1, "fail": 1}
