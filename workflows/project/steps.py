"""The state of a project's workflow, which every stage reads and changes."""

from temporalio import workflow
from temporalio.common import SearchAttributeKey

from contracts.steps import ProjectChanges
from workflows.core.human import HumanSteps
from workflows.core.models import ProjectInput


STAGE = SearchAttributeKey.for_keyword("StandardFlowStage")


class ProjectSteps(HumanSteps):
    """The state every stage of a project's pipeline reads and changes."""

    def __init__(self) -> None:
        super().__init__()
        self.input: ProjectInput | None = None
        self.returns = 0
        self.panels_formed = 0
        self.sites_open: set[str] = set()  # pilot sites whose plan task is open (workflows/pilot/workflow.py)
        self.ballot = None  # the ballot running inside the project (workflows/ballot/workflow.py), once one opens
        self.panel = None  # likewise its expert panel (workflows/panel/workflow.py)

    def start(self, inp: ProjectInput) -> None:
        self.input = inp
        self.keep_time(inp.project_id, inp.policy.day_seconds, inp.policy.reminder_offsets_days)

    @workflow.signal(name="pilot_site_open")
    def pilot_site_open(self, org_id: str) -> None:
        """A pilot site's plan task is open (workflows/pilot/workflow.py)."""
        self.sites_open.add(org_id)

    async def write(self, *, changes: ProjectChanges | None = None, **step: object) -> None:
        """As HumanSteps.write; a new stage is also published as the StandardFlowStage search
        attribute, so the Temporal UI lists projects by stage."""
        if changes is not None and changes.stage and changes.stage != self._stage:
            workflow.upsert_search_attributes([STAGE.value_set(changes.stage)])
        await super().write(changes=changes, **step)
