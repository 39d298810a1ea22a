"""Finished histories replay against today's workflow code without a nondeterminism error."""

import pytest

from tests.workflows.histories import recorded, replayer

HISTORIES = recorded()


def test_histories_are_kept():
    kinds = {h.workflow_id.rsplit("-", 1)[-1] for h in HISTORIES}
    assert {"project", "ballot", "panel", "pilot", "coordination"} <= kinds


@pytest.mark.parametrize("history", HISTORIES, ids=[h.workflow_id for h in HISTORIES])
async def test_history_replays(history):
    result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
