"""drafting: the working group uploads versioned drafts (through the API, not the workflow) and a
proposer of the lead organisation submits one labelled 征求意见稿 for public consultation."""

import uuid

from workflows.human import ProjectSteps
from workflows.models import EventSpec, ProjectChanges

SUBMIT = frozenset({"submit"})


async def run(wf: ProjectSteps) -> uuid.UUID:
    """Opens the drafting stage and waits for the consultation draft; answers its id. The task's form
    has already checked that the draft is the project's own and labelled consultation."""
    inp = wf.input
    task = wf.new_task(
        "submit_consultation_draft", days=inp.policy.drafting_days,
        candidate_org_id=inp.lead_org_id, candidate_role="proposer",
    )
    await wf.write(
        changes=ProjectChanges(stage="drafting", step="working_draft", status="active"),
        open_tasks=[(task, SUBMIT)],
        events=[EventSpec(action="drafting.started")],
    )
    decided = await wf.decision_on(task.id)
    draft_id = uuid.UUID(str(decided.decision["draft_id"]))
    await wf.write(
        decided=decided,
        changes=ProjectChanges(step="consultation_draft"),
        events=[EventSpec(action="drafting.consultation_draft_submitted", actor_id=decided.actor_id,
                          data={"draft_id": str(draft_id)})],
    )
    return draft_id
