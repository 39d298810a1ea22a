"""The panel's workflow of its own, for panels formed before they ran inside the project
(workflows/panel/panel.py)."""

import uuid

from temporalio import workflow

from workflows.core.human import HumanSteps
from workflows.core.models import TaskDecision
from workflows.panel.models import PanelInput, PanelResult
from workflows.panel.panel import Panel, panel_workflow_id

__all__ = ["PanelInput", "PanelResult", "PanelWorkflow", "panel_workflow_id"]


@workflow.defn
class PanelWorkflow(HumanSteps):
    """A panel as a workflow of its own, a child of the project's: how panels formed before they ran
    inside the project did; it stays registered so that those finish."""

    def __init__(self) -> None:
        super().__init__()
        self._panel: Panel | None = None

    @workflow.run
    async def run(self, inp: PanelInput) -> PanelResult:
        self.keep_time(inp.project_id, inp.day_seconds, inp.reminder_offsets_days)
        self._panel = Panel(self, inp, local=False)
        result = await self._panel.run()
        await self.finish()
        return result

    def check_task(self, decision: TaskDecision) -> None:
        task = self.check_decision(decision)
        if task.spec.kind == "replace_expert" and self._panel is not None:
            self._panel.check(decision)

    @workflow.query
    def panel_id(self) -> uuid.UUID | None:
        return self._panel.panel_id if self._panel else None
