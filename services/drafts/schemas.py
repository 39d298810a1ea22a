import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from services.drafts.models import LABEL_ZH, DraftLabel

# Control characters and path separators never reach a stored or displayed name.
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


class DraftUpload(BaseModel):
    """The form fields sent with a draft's file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: DraftLabel
    note: str = Field(default="", max_length=2_000)
    filename: str = Field(default="", description="the name the file had on the uploader's machine")

    @field_validator("filename", mode="before")
    @classmethod
    def _display_name(cls, value: str | None) -> str:
        """Keeps the last path segment of the client's name, without control characters, for display."""
        value = (value or "").replace("\\", "/").rsplit("/", 1)[-1]
        return _UNSAFE_NAME.sub("", value).strip()[:255]


class DraftPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    version: int
    label: DraftLabel
    sha256: str
    size: int
    content_type: str
    original_filename: str
    note: str
    uploaded_by: uuid.UUID
    uploaded_at: datetime

    @computed_field
    @property
    def label_zh(self) -> str:
        return LABEL_ZH[self.label]
