"""A ballot's rule and tally in words, under the national rule and ISO's, in both languages; and every
kind of task has material of its own to show."""

from pathlib import Path

from api.web.ballot_words import rule_words, share, tally_words
from api.web.material import BUILDERS
from api.web.page_text import Translator
from services.ballots.schemas import BallotTally
from services.projects.policy import ISO_BALLOT, BallotPolicy
from services.tasks.registry import FORMS

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates" / "material"


def _tally(approve: int, disapprove: int, abstain: int, eligible: int, passed: bool) -> BallotTally:
    return BallotTally(eligible=eligible, approve=approve, disapprove=disapprove, abstain=abstain, recused=0,
                       participation=0, approval=0, disapproval=0, passed=passed, reason="")


def test_the_rule_in_words_names_the_eligible_members_and_how_abstentions_count():
    en, zh = Translator("en"), Translator("zh")
    assert rule_words(BallotPolicy(), 5, en) == (
        "≥ 3/4 of the 5 voting members vote; ≥ 2/3 of votes approve; ≤ 1/4 disapprove; "
        "abstentions count as votes cast")
    assert rule_words(ISO_BALLOT, 7, en).endswith(
        "abstentions count for participation but are left out of the approval and disapproval ratios (ISO rule)")
    assert rule_words(BallotPolicy(), 5, zh).startswith("5 名有表决权的委员中 ≥ 3/4 参加投票；投票中 ≥ 2/3 赞成；≤ 1/4 反对；")
    assert [share(v) for v in (0.75, 2 / 3, 0.25, 0.6, 0.37)] == ["3/4", "2/3", "1/4", "3/5", "37%"]


def test_the_tally_shows_each_comparison_and_the_result():
    en, zh = Translator("en"), Translator("zh")
    passed = _tally(3, 1, 0, 5, True)
    assert tally_words(passed, BallotPolicy(), 5, en) == (
        "4 of 5 voted ≥ 3/4 ✓ · 3 of 4 approve ≥ 2/3 ✓ · 1 of 4 disapprove ≤ 1/4 ✓ → passed")
    assert tally_words(passed.model_dump(), BallotPolicy(), 5, zh) == (
        "5 人中 4 人投票 ≥ 3/4 ✓ · 4 票中 3 票赞成 ≥ 2/3 ✓ · 4 票中 1 票反对 ≤ 1/4 ✓ → 通过")
    abstaining = _tally(2, 1, 1, 5, False)
    assert tally_words(abstaining, BallotPolicy(), 5, en) == (
        "4 of 5 voted ≥ 3/4 ✓ · 2 of 4 approve ≥ 2/3 ✗ · 1 of 4 disapprove ≤ 1/4 ✓ → not passed")
    assert tally_words(abstaining, ISO_BALLOT, 5, en) == (
        "4 of 5 voted ≥ 3/4 ✓ · 2 of 3 approve ≥ 2/3 ✓ · 1 of 3 disapprove ≤ 1/4 ✗ · "
        "abstentions left out of the ratios: 1 → not passed")
    assert tally_words(_tally(1, 0, 0, 5, False), BallotPolicy(), 5, en).startswith("1 of 5 voted ≥ 3/4 ✗")


def test_every_kind_of_task_has_material_and_a_template_for_it():
    for kind in FORMS:
        assert kind in BUILDERS, f"{kind} has no material"
        assert (TEMPLATES / f"{kind}.html").is_file(), f"{kind} has no material template"
