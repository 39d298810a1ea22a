"""Every table, imported once so that SQLModel.metadata knows them all (for Alembic)."""

from sqlmodel import SQLModel

from services.audit.models import AuditEvent
from services.ballots.models import Ballot
from services.catalogue.models import NumberSequence, Publication, PublishingAuthority
from services.committees.models import Committee, CommitteeMember
from services.consultations.models import Consultation, ConsultationComment
from services.coordination.models import CoordinationEvent, CoordinationRequest
from services.dashboard.models import PlanTarget
from services.drafts.models import DraftVersion
from services.evaluations.models import Evaluation
from services.idempotency.models import IdempotentRequest
from services.identity.models import LoginAttempt, Membership, User, WebSession
from services.notifications.models import Notification
from services.organisations.models import Organisation
from services.panels.models import Panel, PanelMember
from services.pilots.models import PilotReport, PilotSite
from services.projects.models import ProjectOrganisation, StandardProject
from services.tasks.changes import TaskChange
from services.tasks.models import AppliedStep, Task

metadata = SQLModel.metadata

__all__ = [
    "AppliedStep", "AuditEvent", "Ballot", "Committee", "CommitteeMember", "Consultation", "ConsultationComment",
    "CoordinationEvent", "CoordinationRequest", "DraftVersion", "Evaluation", "IdempotentRequest", "LoginAttempt",
    "Membership", "Notification", "NumberSequence", "Organisation", "Panel", "PanelMember", "PilotReport",
    "PilotSite", "PlanTarget", "ProjectOrganisation", "Publication", "PublishingAuthority", "StandardProject",
    "Task", "TaskChange", "User", "WebSession", "metadata",
]
