"""Which changes to workflow code a run has.

Every change to workflow code since the first release is a patch (`workflow.patched`): a run recorded
before it replays the old way, a run that reaches it on the new code records a marker and takes the
new way. Asked the first time, a patch costs a run two history events (the marker, and the
TemporalChangeVersion search attribute the SDK upserts with it): a dozen patches, about two dozen
events per standard.

A baseline gathers the patches of a release under one patch of its own. `has(patch)` asks first for
the oldest baseline that holds `patch`; a run that takes it takes every patch it holds, with one
marker for all of them. A run recorded without the baseline's marker (on older code, or on an older
worker during a rolling upgrade, which asks each patch by itself) answers no to the baseline on
replay and asks each patch by itself, as it did. Baselines are asked oldest first, so code that knows
a newer baseline asks the same questions at the same points as code that did not, for every patch the
older baselines hold.

A new patch is asked by itself until a new baseline lists it; a new baseline lists only patches that
no older baseline holds."""

from temporalio import workflow

# The patch id that stands for each baseline, oldest first, with the patches it holds.
BASELINES: dict[str, frozenset[str]] = {
    "baseline-1": frozenset({
        "local-writes", "sealed-decisions", "answers-when-waiting", "deadlines-in-steps", "outcome-mail",
        "overdue-closes-itself", "ballot-in-project", "submission-opens-consultation", "panel-in-project",
        "pilot-site-open-signal", "stage-writes-local", "ballot-one-timer",
    }),
}


def has(patch_id: str) -> bool:
    """Whether this run takes the change `patch_id` (a run replayed from before it does not)."""
    for baseline, patches in BASELINES.items():
        if patch_id in patches and workflow.patched(baseline):
            return True
    return workflow.patched(patch_id)

