"""What every request model shares: unknown fields are refused, and so is text holding a NUL
character, which no person types and PostgreSQL cannot store (it would fail as a server error)."""

from pydantic import BaseModel, ConfigDict, field_validator


def _nul_free(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list | tuple | set | frozenset):
        return all(_nul_free(item) for item in value)
    if isinstance(value, dict):
        return all(_nul_free(key) and _nul_free(item) for key, item in value.items())
    return True


class ClientInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul_character(cls, value: object) -> object:
        if not _nul_free(value):
            raise ValueError("text may not contain the NUL character (U+0000)")
        return value
