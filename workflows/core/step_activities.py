"""Activities: thin adapters from workflow steps to the same service functions the API calls."""

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.steps import StepSpec, StepWritten
from services.db import transaction
from services.errors import DomainError
from services.notifications.mail import MailConfig
from services.notifications.messages import NoticeSite
from services.projects import steps
from services.tasks.models import AppliedStep


class StepActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], site: NoticeSite | None = None,
                 mail: MailConfig | None = None) -> None:
        self._sessions = sessions
        self._site = site or NoticeSite()
        self._mail = mail

    # Histories recorded before steps wrote outcome notices hold a bare bool as this result.
    @activity.defn(name="apply_step")
    async def apply_step(self, spec: StepSpec) -> StepWritten | bool:
        """`written` is false when written before. The database being away is retried; a step the
        data refuses (a constraint it violates, a domain rule) fails at once, for people to resolve
        (workflows/core/failures.py)."""
        try:
            async with transaction(self._sessions) as session:
                written = await steps.apply_step(session, spec, self._site)
        except IntegrityError as exc:
            if await self._applied(spec.id):  # an earlier attempt, still running when this one began
                return StepWritten(written=False)
            raise permanent(exc, str(exc.orig)) from exc
        except (DataError, DomainError) as exc:
            raise permanent(exc, str(getattr(exc, "orig", exc))) from exc
        return written.model_copy(update={"mail": written.written and self._mail is not None})

    async def _applied(self, step_id: str) -> bool:
        async with transaction(self._sessions) as session:
            return await session.get(AppliedStep, step_id) is not None


def permanent(exc: Exception, message: str) -> ApplicationError:
    """An error no retry can fix: the workflow stops retrying and hands it to people."""
    return ApplicationError(message, type=type(exc).__name__, non_retryable=True)
