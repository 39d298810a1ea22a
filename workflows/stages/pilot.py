"""pilot: the committee's secretary enrols the sites; each runs its own child workflow; the stage
ends when every site has filed its final report or lapsed, with a summary the evaluation reads."""

import asyncio
import uuid

from temporalio import workflow

from workflows.human import ProjectSteps
from workflows.models import EventSpec, ProjectChanges, TaskDecision
from workflows.pilot import PilotSiteInput, PilotSiteResult, PilotSiteWorkflow, pilot_workflow_id

ENROL = frozenset({"enrol"})


async def run(wf: ProjectSteps) -> dict:
    """Enrol the sites, run them side by side, and return what they reported."""
    enrolled = await _enrol(wf)
    org_ids = [uuid.UUID(str(o)) for o in enrolled.decision["site_org_ids"]]
    results = await asyncio.gather(*(_run_site(wf, org_id, enrolled.actor_id) for org_id in org_ids))
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
    await wf.write(changes=ProjectChanges(stage="pilot", step="enrolment"), open_tasks=[(task, ENROL)],
                   events=[EventSpec(action="pilot.started")])
    decided = await wf.decision_on(task.id)
    await wf.write(decided=decided, changes=ProjectChanges(step="pilots_running"), events=[EventSpec(
        action="pilot.sites_enrolled", actor_id=decided.actor_id,
        data={"site_org_ids": [str(o) for o in decided.decision["site_org_ids"]]},
    )])
    return decided


async def _run_site(wf: ProjectSteps, org_id: uuid.UUID, enrolled_by: uuid.UUID) -> PilotSiteResult:
    inp = wf.input
    site = PilotSiteInput(
        project_id=inp.project_id, site_org_id=org_id, committee_id=inp.committee_id,
        committee_org_id=inp.committee_org_id, enrolled_by_id=enrolled_by, policy=inp.policy,
    )
    return await workflow.execute_child_workflow(
        PilotSiteWorkflow.run, site, id=pilot_workflow_id(inp.project_id, org_id)
    )


def _summary(results: list[PilotSiteResult]) -> dict:
    return {
        "sites": [r.model_dump(mode="json") for r in results],
        "final_metrics": {r.org_code: r.final_metrics for r in results if r.status == "completed"},
        "flagged_sites": [r.org_code for r in results if r.flagged],
    }
