"""Every kind of task and the choices its decision takes — the one list that the API's decision
forms (the `decision` field of each form in services/*/forms.py) and the workflows (which refuse any
other choice on a task they opened) both read."""

from typing import Any, Literal

VOTE_KIND = "ballot_vote"  # a committee member's vote in a ballot
OPINION_KIND = "panel_opinion"  # an expert's opinion on a panel

CHOICES: dict[str, tuple[str, ...]] = {
    # proposal and committee review
    "co_drafter_consent": ("accept", "decline"),
    "screen_proposal": ("accept", "return", "reject"),
    "revise_proposal": ("resubmit", "withdraw"),
    "ballot_vote": ("approve", "disapprove", "abstain", "recuse"),
    # drafting and consultation
    "submit_consultation_draft": ("submit",),
    "dispose_comments": ("done",),
    # expert demonstration
    "form_panel": ("form",),
    "panel_opinion": ("declare_conflict", "pass", "pass_with_revisions", "fail"),
    "replace_expert": ("replace", "proceed_without"),
    "submit_revised_draft": ("submit",),
    "check_revision": ("accept", "revise"),
    # publication, pilots, evaluation, review
    "approve_publication": ("approve", "return"),
    "enrol_pilot_sites": ("enrol",),
    "pilot_plan": ("submit",),
    "pilot_progress_report": ("submit",),
    "pilot_final_report": ("submit",),
    "pilot_site_flagged": ("acknowledge",),
    "evaluate_implementation": ("effective", "needs_revision", "withdraw"),
    "periodic_review": ("confirm", "revise", "withdraw"),
    # coordination, deadlines, failures
    "answer_coordination": ("answer", "forward"),
    "coordination_answered": ("acknowledge",),
    "overdue_task": ("acknowledge",),
    "resolve_failure": ("retry", "abandon"),
}


def allowed(kind: str) -> frozenset[str]:
    """The choices a workflow takes on a task of this kind."""
    return frozenset(CHOICES[kind])


def choice(kind: str) -> Any:  # noqa: ANN401 - a Literal type made from the list
    """The type of a decision form's `decision` field for this kind: one of its choices."""
    return Literal[CHOICES[kind]]
