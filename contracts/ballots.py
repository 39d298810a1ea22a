"""What a ballot's workflow asks of services/ballots: to open the ballot, and to close it with its
tally (contracts/tallies.py)."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from contracts.tallies import BallotTally


class BallotOpening(BaseModel):
    """The ballot's id comes from the workflow, so opening it twice opens it once."""

    ballot_id: uuid.UUID
    workflow_id: str
    project_id: uuid.UUID
    committee_id: uuid.UUID
    purpose: str
    draft_id: uuid.UUID | None = None
    opened_at: datetime
    closes_at: datetime


class BallotClosing(BallotTally):
    """The ballot's tally, written when it closes."""

    ballot_id: uuid.UUID
    closed_at: datetime

    def tally(self) -> dict:
        """The tally as the ballot and its audit event keep it."""
        return self.model_dump(exclude={"ballot_id", "closed_at"})
