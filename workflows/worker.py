"""The worker: every workflow and activity StandardFlow runs, on one task queue."""

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.worker import Interceptor, Worker
from temporalio.worker.workflow_sandbox import SandboxRestrictions

from services.crypto.keyring import KeyRing
from services.notifications.mail import MailConfig
from services.notifications.messages import NoticeSite
from workflows.ballot.activities import BallotActivities
from workflows.ballot.workflow import BallotWorkflow
from workflows.consent.activities import ConsentActivities
from workflows.consent.workflow import CoDrafterConsentWorkflow
from workflows.coordination.activities import CoordinationActivities
from workflows.coordination.workflow import CoordinationWorkflow
from workflows.core.decision_activities import DecisionActivities
from workflows.core.failure_activities import FailureActivities
from workflows.core.notify_activities import NotifyActivities
from workflows.core.sandbox import runner
from workflows.core.step_activities import StepActivities
from workflows.panel.activities import PanelActivities
from workflows.panel.workflow import PanelWorkflow
from workflows.pilot.activities import PilotActivities
from workflows.pilot.workflow import PilotSiteWorkflow
from workflows.project.consultation_activities import ConsultationActivities
from workflows.project.publication_activities import PublicationActivities
from workflows.project.workflow import ProjectWorkflow

WORKFLOWS = [ProjectWorkflow, BallotWorkflow, PanelWorkflow, PilotSiteWorkflow, CoordinationWorkflow,
             CoDrafterConsentWorkflow]


def activities(sessions: async_sessionmaker[AsyncSession], decision_keys: KeyRing, mail: MailConfig | None = None,
               site: NoticeSite | None = None) -> list:
    """Every activity, each class built with the database it works on; `decision_keys`: the ring that
    verifies the API's seals on decisions; `site`: the zone and address the notices speak of
    (Settings.notice_site)."""
    steps = StepActivities(sessions, site, mail)
    notices = NotifyActivities(sessions, mail, site)
    ballots = BallotActivities(sessions)
    return [
        steps.apply_step, FailureActivities(sessions).failure_target,
        DecisionActivities(sessions, decision_keys).verify_decision,
        notices.notify, notices.escalation_target, notices.send_notification_mail,
        ballots.open_ballot, ballots.close_ballot,
        *ConsultationActivities(sessions).all(),
        *PanelActivities(sessions).all(),
        *PublicationActivities(sessions).all(),
        *PilotActivities(sessions).all(),
        *CoordinationActivities(sessions).all(),
        *ConsentActivities(sessions).all(),
    ]


# The sandbox imports a workflow's modules anew for every run it starts (or brings back into the
# cache). These hold only plain data and arithmetic, with no state and nothing non-deterministic, so
# every run shares one copy: it saves pydantic rebuilding their models' schemas, about 70 ms of CPU
# a run. Workflow code itself stays sandboxed, and so stays checked for non-deterministic calls.
SHARED = SandboxRestrictions.default.with_passthrough_modules(
    "contracts", "workflows.core.models", "workflows.project.publication_models", "workflows.ballot.models",
    "workflows.panel.models", "workflows.pilot.models", "workflows.coordination.models", "workflows.consent.models",
    "opentelemetry",  # for the tracing interceptor's part in workflows (standardflow/tracing.py)
)


def build_worker(
    client: Client, task_queue: str, sessions: async_sessionmaker[AsyncSession], *, decision_keys: KeyRing,
    mail: MailConfig | None = None, max_cached_workflows: int | None = None, site: NoticeSite | None = None,
    grace: timedelta = timedelta(0), interceptors: Sequence[Interceptor] = (),
) -> Worker:
    """`decision_keys`: the ring the API seals decisions with (Settings.key_ring("decision")).
    `mail`: the SMTP server notifications are mailed through; None keeps them in the outbox only.
    `max_cached_workflows`: how many workflows stay in memory between their events (the SDK's default
    when None); standardflow worker takes it from Settings.worker_max_cached_workflows. `grace`: on
    shutdown, how long the activities under way may go on before they are cancelled (Settings.worker_grace_seconds).
    `interceptors`: the worker's own (standardflow/metrics.py counts activities by outcome)."""
    cache = {} if max_cached_workflows is None else {"max_cached_workflows": max_cached_workflows}
    return Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=activities(sessions, decision_keys, mail, site),
                  workflow_runner=runner(SHARED), graceful_shutdown_timeout=grace,
                  interceptors=list(interceptors), **cache)

