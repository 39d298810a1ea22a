"""The worker: every workflow and activity StandardFlow runs, on one task queue."""


from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.worker import Worker

from services.notifications.mail import MailConfig
from workflows.activities import StepActivities
from workflows.ballot import BallotWorkflow
from workflows.ballot_activities import BallotActivities
from workflows.consultation_activities import ConsultationActivities
from workflows.panel import PanelWorkflow
from workflows.panel_activities import PanelActivities
from workflows.coordination import CoordinationWorkflow
from workflows.coordination_activities import CoordinationActivities
from workflows.notify_activities import NotifyActivities
from workflows.pilot import PilotSiteWorkflow
from workflows.pilot_activities import PilotActivities
from workflows.project import ProjectWorkflow
from workflows.publication_activities import PublicationActivities

WORKFLOWS = [ProjectWorkflow, BallotWorkflow, PanelWorkflow, PilotSiteWorkflow, CoordinationWorkflow]


def build_worker(
    client: Client, task_queue: str, sessions: async_sessionmaker[AsyncSession], mail: MailConfig | None = None
) -> Worker:
    """`mail`: the SMTP server notifications are mailed through; None keeps them in the outbox only."""
    steps = StepActivities(sessions)
    notices = NotifyActivities(sessions, mail)
    ballots = BallotActivities(sessions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[steps.apply_step, notices.notify, notices.escalation_target, notices.send_notification_mail,
                    *ConsultationActivities(sessions).all(), *PublicationActivities(sessions).all(),
                    *PanelActivities(sessions).all(), ballots.open_ballot, ballots.close_ballot,
                    *PilotActivities(sessions).all(), *CoordinationActivities(sessions).all()],
    )
