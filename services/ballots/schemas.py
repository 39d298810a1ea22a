import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from contracts.tallies import BallotTally
from services.tasks.models import TaskState


class BallotState(StrEnum):
    open = "open"
    closed = "closed"


class VotePublic(BaseModel):
    """One voting member's ballot task: its decision once given, `expired` if never given."""

    member_id: uuid.UUID
    display_name: str
    task_id: uuid.UUID
    state: TaskState
    decision: str | None
    comment: str
    decided_at: datetime | None


class BallotPublic(BaseModel):
    """A ballot as its readers see it. While open: how many of the voters have voted; once closed:
    the tally. `votes` lists each member's vote and is given only to the committee's secretaries."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    committee_id: uuid.UUID
    purpose: str
    draft_id: uuid.UUID | None
    state: BallotState
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    voters: int
    voted: int
    passed: bool | None
    tally: BallotTally | None
    votes: list[VotePublic] | None = None
