"""One family of domain errors. Each carries the HTTP status the API answers with, and its words as a
message id of the catalogues (services/words) with the values they take: `Conflict("error.task_state",
state=Term.of("state", task.state))`. `message` is the English text, which the API answers with;
`text(lang)` is the same in the reader's language, for the pages."""

from pydantic_core import PydanticCustomError

from services.words import known, say, translations


class DomainError(Exception):
    status_code = 400

    def __init__(self, key: str, /, *, field: str | None = None, **values: object) -> None:
        self.key = key
        self.values = values
        self.field = field
        self.message = self.text("en")
        super().__init__(self.message)

    def text(self, lang: str) -> str:
        """The words in `lang`; a message that is no key of the catalogues (an older workflow's
        refusal in its own words) is shown as it came."""
        return say(lang, self.key, **self.values) if known(self.key) else self.key


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    status_code = 422


class Unauthorized(DomainError):
    status_code = 401


def rule(kind: str, **values: str | int) -> PydanticCustomError:
    """An input model's own rule broken, for its validator to raise: the API reports it with the type
    `kind` and its English words; a page says it in its reader's language by the message id
    `err.<kind>` (api/web/decision_form.py), as it does pydantic's own complaints."""
    return PydanticCustomError(kind, translations("en").gettext(f"err.{kind}"), values)
