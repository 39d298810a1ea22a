"""A project under public consultation on the dev server, reached through the API: the drafting and
consultation stages run on their own (as tests/api/test_consultation.py runs them), the working group
submits its consultation draft, and the consultation stays open for its thirty days of real time."""

from types import SimpleNamespace

from tests.api.test_consultation import consultation_in, stages_worker, start_stages, submit_consultation_draft
from tests.helpers import create_proposal, org_id
from tests.co_drafting import accept_co_drafters


async def open_consultation(stack) -> str:  # noqa: ANN001 - the `stack` fixture
    """The id of a project whose consultation is open. The stages' worker stops on return; the
    consultation's rows stay open, which is all comments need."""
    lead = await stack.login("li.wei")
    # SCDATA drafts too: its proposer uploads the consultation draft.
    scdata = await org_id(stack.http, lead, "SCDATA")
    project = await create_proposal(stack.http, lead, co_drafting_org_ids=[scdata])
    await accept_co_drafters(stack.http, project["id"], [scdata])
    async with stages_worker(stack) as queue:
        await start_stages(stack, SimpleNamespace(client=stack.worker.client), queue, project)
        await submit_consultation_draft(stack, project["id"])
        await consultation_in(stack, lead, project["id"], "open")
    return project["id"]
