import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.db import utcnow


class DraftLabel(StrEnum):
    discussion = "discussion"  # 工作组讨论稿
    consultation = "consultation"  # 征求意见稿
    review = "review"  # 送审稿
    approval = "approval"  # 报批稿


LABEL_ZH = {
    DraftLabel.discussion: "工作组讨论稿",
    DraftLabel.consultation: "征求意见稿",
    DraftLabel.review: "送审稿",
    DraftLabel.approval: "报批稿",
}


class DraftVersion(SQLModel, table=True):
    """One uploaded version of a project's draft. Never changed once written; a later version supersedes it."""

    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("project_id", "version", name="uq_draft_version_project_version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", index=True)
    version: int
    label: DraftLabel = Field(sa_type=String(16))
    sha256: str = Field(max_length=64, index=True)
    size: int
    content_type: str = Field(max_length=100)
    original_filename: str = Field(default="", max_length=255)  # shown to people, never used as a path
    note: str = Field(default="", sa_type=Text)
    uploaded_by: uuid.UUID = Field(foreign_key="user_account.id")
    uploaded_at: datetime = Field(default_factory=utcnow)
