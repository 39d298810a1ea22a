"""A decision a workflow refuses, in words any reader's language has: the refusal names a message id
of the catalogues (services/words) and the values it takes, and the API says it in the reader's
language. The failure carries the id as its message and the values as its details."""

from temporalio.exceptions import ApplicationError


class Refused(ValueError):
    def __init__(self, key: str, /, **values: str | int) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def refusal(exc: ValueError) -> ApplicationError:
    """The failure a refused update answers with; a plain ValueError keeps its own words."""
    values = exc.values if isinstance(exc, Refused) else {}
    return ApplicationError(str(exc), values, type="DecisionRefused", non_retryable=True)
