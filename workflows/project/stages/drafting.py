"""drafting: the working group uploads versioned drafts (through the API, not the workflow) and a
proposer of the lead organisation submits one labelled 征求意见稿 for public consultation."""

import uuid
from dataclasses import dataclass

from temporalio import workflow

from contracts.steps import EventSpec, ProjectChanges
from workflows.core import versions
from workflows.core.models import TaskDecision
from workflows.project.steps import ProjectSteps

# The submission is written with the consultation it opens (workflows/project/stages/consultation.py), so its
# answer finds the consultation open. Before, it was written alone and the consultation opened after.
OPENS_CONSULTATION = "submission-opens-consultation"


@dataclass
class Submission:
    """The consultation draft; with the decision and its event when the consultation's opening is to
    write them (None once written)."""

    draft_id: uuid.UUID
    decided: TaskDecision | None = None
    event: EventSpec | None = None


async def run(wf: ProjectSteps) -> Submission:
    """Opens the drafting stage and waits for the consultation draft. The task's form has already
    checked that the draft is the project's own and labelled consultation."""
    inp = wf.input
    task = wf.new_task(
        "submit_consultation_draft", days=inp.policy.drafting_days,
        candidate_org_id=inp.lead_org_id, candidate_role="proposer",
    )
    await wf.write(
        changes=ProjectChanges(stage="drafting", step="working_draft", status="active"),
        open_tasks=[task],
        events=[EventSpec(action="drafting.started")],
    )
    decided = await wf.decision_on(task.id)
    draft_id = uuid.UUID(str(decided.decision["draft_id"]))
    event = EventSpec(action="drafting.consultation_draft_submitted", actor_id=decided.actor_id,
                      data={"draft_id": str(draft_id)})
    if versions.has(OPENS_CONSULTATION):
        return Submission(draft_id, decided, event)
    await wf.write(decided=decided, changes=ProjectChanges(step="consultation_draft"), events=[event])
    return Submission(draft_id)
