"""pilot: the committee's secretary enrols the sites; each runs its own child workflow; the stage
ends when every site has filed its final report or lapsed, with a summary the evaluation reads."""

import asyncio
import uuid

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.core import versions
from workflows.core.models import TaskDecision
from workflows.pilot.models import (
    SITE_OPEN_SIGNAL, SITE_WORKFLOW, PilotSiteInput, PilotSiteResult, pilot_workflow_id,
)
from workflows.project.steps import ProjectSteps



async def run(wf: ProjectSteps) -> dict:
    """Enrol the sites, run them side by side, and return what they reported."""
    enrolled = await _enrol(wf)
    org_ids = [uuid.UUID(str(o)) for o in enrolled.decision["site_org_ids"]]
    if versions.has(SITE_OPEN_SIGNAL):
        # The enrolment answers once every site's plan task is open (each site says so), and the
        # project waits for the sites' reports as for people.
        sites = await asyncio.gather(*(workflow.start_child_workflow(
            SITE_WORKFLOW, _site_input(wf, org_id, enrolled.actor_id),
            id=pilot_workflow_id(wf.input.project_id, org_id), result_type=PilotSiteResult) for org_id in org_ids))
        await workflow.wait_condition(lambda: all(
            str(org_id) in wf.sites_open or site.done() for org_id, site in zip(org_ids, sites)))
        results = await wf.waiting(asyncio.gather(*sites))
    else:
        results = await wf.waiting(asyncio.gather(*(_run_site(wf, org_id, enrolled.actor_id) for org_id in org_ids)))
    summary = _summary(list(results))
    await wf.write(changes=ProjectChanges(step="pilots_reported"),
                   events=[EventSpec(action="pilot.finished", data=summary)])
    return summary


async def _enrol(wf: ProjectSteps) -> TaskDecision:
    inp = wf.input
    task = wf.new_task(
        "enrol_pilot_sites", days=inp.policy.report_interval_days, committee_id=inp.committee_id,
        candidate_org_id=inp.committee_org_id, candidate_role="secretary",
    )
    await wf.write(changes=ProjectChanges(stage="pilot", step="enrolment"), open_tasks=[task],
                   events=[EventSpec(action="pilot.started")])
    decided = await wf.decision_on(task.id)
    await wf.write(decided=decided, changes=ProjectChanges(step="pilots_running"), events=[EventSpec(
        action="pilot.sites_enrolled", actor_id=decided.actor_id,
        data={"site_org_ids": [str(o) for o in decided.decision["site_org_ids"]]},
    )])
    return decided


def _site_input(wf: ProjectSteps, org_id: uuid.UUID, enrolled_by: uuid.UUID) -> PilotSiteInput:
    inp = wf.input
    return PilotSiteInput(
        project_id=inp.project_id, site_org_id=org_id, committee_id=inp.committee_id,
        committee_org_id=inp.committee_org_id, enrolled_by_id=enrolled_by, policy=inp.policy,
    )


async def _run_site(wf: ProjectSteps, org_id: uuid.UUID, enrolled_by: uuid.UUID) -> PilotSiteResult:
    """As sites ran before they told the project their plan task was open."""
    return await workflow.execute_child_workflow(
        SITE_WORKFLOW, _site_input(wf, org_id, enrolled_by), id=pilot_workflow_id(wf.input.project_id, org_id),
        result_type=PilotSiteResult,
    )


def _summary(results: list[PilotSiteResult]) -> dict:
    return {
        "sites": [r.model_dump(mode="json") for r in results],
        "final_metrics": {r.org_code: r.final_metrics for r in results if r.status == "completed"},
        "flagged_sites": [r.org_code for r in results if r.flagged],
    }
