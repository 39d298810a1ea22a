"""docs/policy.md tells an operator every policy field, each standard type's value of it and every
task kind's deadline; the tables are checked against the code, so the page stays true."""

import json
import re
from pathlib import Path

from contracts.choices import CHOICES
from contracts.policy import ProjectPolicy, StandardType
from services.projects.policy import POLICIES, check_overrides, policy_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def _flat(values: dict, prefix: str = "") -> dict[str, object]:
    found = {}
    for name, value in values.items():
        if isinstance(value, dict):
            found.update(_flat(value, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = value
    return found


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"`{value}`" if isinstance(value, str) and value else (str(value) if value != "" else "—")


def values_table() -> list[str]:
    """The policy fields with each type's value, as docs/policy.md's table rows (without the meaning)."""
    types = list(StandardType)
    by_type = {t: _flat(POLICIES[t].model_dump(mode="json")) for t in types}
    return [f"| `{name}` | " + " | ".join(_cell(by_type[t][name]) for t in types) + " |"
            for name in by_type[types[0]] if name != "standard_type"]


def _rows(section: str) -> list[list[str]]:
    text = DOC.read_text().split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ") and not line.startswith("| field") and
            not line.startswith("| task kind")]


def test_the_policy_table_holds_every_field_with_each_types_value():
    documented = ["| " + " | ".join(row[:-1]) + " |" for row in _rows("Policy fields")]
    assert documented == values_table()
    assert all(row[-1] for row in _rows("Policy fields")), "each field says what it means"


def test_every_task_kind_has_its_deadline_from_a_policy_field_that_exists():
    rows = _rows("Task kinds and their deadlines")
    kinds = [row[0].strip("`") for row in rows]
    assert sorted(kinds) == sorted(CHOICES) and len(kinds) == len(set(kinds))
    fields = set(_flat(ProjectPolicy(standard_type="group").model_dump(mode="json")))
    named = {name for row in rows for name in re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", row[2])}
    assert named and named <= fields, named - fields


def test_the_pages_example_of_overrides_is_one_that_starts():
    example = re.search(r"STANDARDFLOW_POLICY_OVERRIDES='(.+)'", DOC.read_text()).group(1)
    overrides = json.loads(example)
    check_overrides(overrides)
    assert policy_for(StandardType.local, overrides).ballot.open_days == 21
    assert policy_for(StandardType.group, overrides).reminder_offsets_days == (5, 1)
