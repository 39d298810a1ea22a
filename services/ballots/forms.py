"""The decision a committee member gives on a ballot task."""

from contracts.choices import choice
from services.identity.permissions import Permission
from services.tasks.forms import DecisionForm, TaskForm


class CastVote(DecisionForm):
    """Vote on the ballot: approve, disapprove or abstain (each a vote cast), or recuse yourself,
    which leaves you out of the eligible members."""

    decision: choice("ballot_vote")


BALLOT_FORMS = [
    TaskForm(
        kind="ballot_vote", form=CastVote, permission=Permission.BALLOT_VOTE,
    ),
]
