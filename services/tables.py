"""Every table, imported once so that SQLModel.metadata knows them all (for Alembic)."""

from sqlmodel import SQLModel

from services.audit.models import AuditEvent
from services.ballots.models import Ballot
from services.catalogue.models import NumberSequence, Publication, PublishingAuthority
from services.committees.models import Committee, CommitteeMember
from services.coordination.models import CoordinationEvent, CoordinationRequest
from services.consultations.models import Consultation, ConsultationComment
from services.drafts.models import DraftVersion
from services.evaluations.models import Evaluation
from services.dashboard.models import PlanTarget
from services.identity.models import Membership, User
from services.notifications.models import Notification
from services.organisations.models import Organisation
from services.panels.models import Panel, PanelMember
from services.pilots.models import PilotReport, PilotSite
from services.projects.models import ProjectOrganisation, StandardProject
from services.tasks.models import AppliedStep, Task

metadata = SQLModel.metadata

__all__ = [
    "Notification", "PlanTarget",
    "Consultation", "ConsultationComment", "DraftVersion",
    "AppliedStep", "AuditEvent", "Ballot", "Committee", "CommitteeMember", "Membership", "Organisation",
    "Panel", "PanelMember", "ProjectOrganisation", "StandardProject", "Task", "User", "metadata",
    "Evaluation", "NumberSequence", "Publication", "PublishingAuthority",
    "CoordinationEvent", "CoordinationRequest", "PilotReport", "PilotSite",
]
