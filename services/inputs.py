"""What every request model shares: unknown fields are refused, and so is text holding a NUL
character, which no person types and PostgreSQL cannot store (it would fail as a server error). The
JSON schema says so, and says too that a required text of a model that strips whitespace needs more
than whitespace."""

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from services.errors import rule

# What `str_strip_whitespace` strips: Unicode's White_Space characters (not all that Python's
# str.isspace() calls space, so \s would not do).
_WHITE_SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NUL_FREE = "^[^\\x00]*$"
NOT_BLANK = f"^[^\\x00]*[^\\x00{_WHITE_SPACE}][^\\x00]*$"


def _nul_free(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list | tuple | set | frozenset):
        return all(_nul_free(item) for item in value)
    if isinstance(value, dict):
        return all(_nul_free(key) and _nul_free(item) for key, item in value.items())
    return True


def _describe_text(schema: dict, strips: bool) -> None:
    """Adds the pattern to each free text in a property's schema (alone, one of several, or listed)."""
    for option in schema.get("anyOf", []):
        _describe_text(option, strips)
    if isinstance(schema.get("items"), dict):
        _describe_text(schema["items"], strips)
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & schema.keys():
        schema["pattern"] = NOT_BLANK if strips and schema.get("minLength", 0) >= 1 else NUL_FREE


class ClientInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul_character(cls, value: object) -> object:
        if not _nul_free(value):
            raise rule("nul_character")
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        described = handler.resolve_ref_schema(schema)
        strips = bool(cls.model_config.get("str_strip_whitespace"))
        for prop in described.get("properties", {}).values():
            _describe_text(prop, strips)
        return schema
