"""Decisions on pilot tasks: enrol the sites, submit the plan, the progress and final reports,
acknowledge a flagged site."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field, PlainSerializer, field_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.choices import choice
from services.identity.permissions import Permission
from services.pilots.service import check_hosts
from services.tasks.forms import DecisionForm, TaskForm
from services.tasks.models import Task
from services.errors import rule

# Decisions travel as JSON and are compared with what was stored, so ids and dates dump as strings.
OrgId = Annotated[uuid.UUID, PlainSerializer(str, return_type=str)]
IsoDate = Annotated[date, PlainSerializer(date.isoformat, return_type=str)]
MetricName = Annotated[str, Field(min_length=1, max_length=100)]
MetricValue = Annotated[float, Field(strict=True, allow_inf_nan=False)]
_TEXT = Field(min_length=1, max_length=20_000)


class EnrolPilotSites(DecisionForm):
    """Enrol the districts and enterprises that will pilot the standard."""

    decision: choice("enrol_pilot_sites")
    site_org_ids: list[OrgId] = Field(min_length=1, max_length=50)

    @field_validator("site_org_ids")
    @classmethod
    def _each_once(cls, value: list[uuid.UUID]) -> list[uuid.UUID]:
        if len(set(value)) != len(value):
            raise rule("each_org_once")
        return value


class SubmitPilotPlan(DecisionForm):
    """The site's pilot plan and the day it starts."""

    decision: choice("pilot_plan")
    plan: str = _TEXT
    start_date: IsoDate


class SubmitProgressReport(DecisionForm):
    """How the pilot went this period, with any metrics measured."""

    decision: choice("pilot_progress_report")
    progress: str = _TEXT
    metrics: dict[MetricName, MetricValue] = Field(default_factory=dict, max_length=50)


class SubmitFinalReport(DecisionForm):
    """The pilot's outcome and the metrics the evaluation will read (at least one)."""

    decision: choice("pilot_final_report")
    summary: str = _TEXT
    metrics: dict[MetricName, MetricValue] = Field(min_length=1, max_length=50)


class AcknowledgePilotFlag(DecisionForm):
    """Note that a pilot site has missed its reports, and what will be done about it."""

    decision: choice("pilot_site_flagged")
    note: str = Field(default="", max_length=20_000)


async def _hosts_can_pilot(session: AsyncSession, _task: Task, form: EnrolPilotSites) -> None:
    await check_hosts(session, list(form.site_org_ids))


PILOT_FORMS = [
    TaskForm(
        kind="enrol_pilot_sites", form=EnrolPilotSites, permission=Permission.PILOT_ENROL,
        precondition=_hosts_can_pilot,
    ),
    TaskForm(
        kind="pilot_plan", form=SubmitPilotPlan, permission=Permission.PILOT_RUN,
    ),
    TaskForm(
        kind="pilot_progress_report", form=SubmitProgressReport, permission=Permission.PILOT_RUN,
    ),
    TaskForm(
        kind="pilot_final_report", form=SubmitFinalReport, permission=Permission.PILOT_RUN,
    ),
    TaskForm(
        kind="pilot_site_flagged", form=AcknowledgePilotFlag, permission=Permission.PILOT_ENROL,
    ),
]
