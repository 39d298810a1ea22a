"""Runs started on today's code take every change with one marker: a baseline holds every patch the
workflow code asks about, and a run recorded with it carries that baseline's marker and no other."""

import ast
import base64
import json
from pathlib import Path

from workflows.core import versions

ROOT = Path(__file__).resolve().parents[2]
HISTORIES = Path(__file__).parent / "histories"


def _patch_ids_asked() -> dict[str, str]:
    """{patch id: file} for every `versions.has(NAME)` in workflows/, NAME a module constant there."""
    constants: dict[str, str] = {}
    asked: dict[str, str] = {}
    trees = {path: ast.parse(path.read_text()) for path in (ROOT / "workflows").rglob("*.py")}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        constants[target.id] = node.value.value
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "versions":
                (arg,) = node.args
                name = arg.id if isinstance(arg, ast.Name) else arg.attr
                asked[constants[name]] = str(path.relative_to(ROOT))
    return asked


def test_the_baselines_hold_every_patch_the_code_asks_about():
    asked = _patch_ids_asked()
    assert len(asked) >= 12
    held = [patch for patches in versions.BASELINES.values() for patch in patches]
    missing = {patch: where for patch, where in asked.items() if patch not in held}
    assert not missing, f"patches asked about that no baseline holds: {missing}"
    assert len(held) == len(set(held)), "a patch is held by two baselines"
    assert set(held) <= set(asked), "a baseline holds a patch no code asks about"


def _patch_id(event: dict) -> str:
    payload = event["markerRecordedEventAttributes"]["details"]["patch-data"]["payloads"][0]
    return json.loads(base64.b64decode(payload["data"]))["id"]


def test_only_versions_asks_temporal_about_patches():
    callers = [str(path.relative_to(ROOT)) for path in (ROOT / "workflows").rglob("*.py")
               if "workflow.patched(" in path.read_text() and path.name != "versions.py"]
    assert callers == []


def test_a_run_on_todays_code_records_one_patch_marker():
    baseline = sorted(HISTORIES.glob("baseline-*.json"))
    assert {path.stem.rsplit("-", 1)[-1] for path in baseline} >= {"project", "pilot", "coordination"}
    for path in baseline:
        events = json.loads(path.read_text())["events"]
        markers = [_patch_id(e) for e in events if e["eventType"] == "EVENT_TYPE_MARKER_RECORDED"
                   and e["markerRecordedEventAttributes"]["markerName"] == "core_patch"]
        assert markers == [list(versions.BASELINES)[-1]], f"{path.name} recorded patch markers {markers}"
        earlier = HISTORIES / path.name.replace("baseline-", "in-project-", 1)
        if earlier.exists():
            assert len(events) < len(json.loads(earlier.read_text())["events"])
