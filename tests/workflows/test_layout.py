"""workflows/ is laid out by domain over one human-step core, and imports point one way: each domain
to the core, never the core to a domain; contracts/ to none of the code's layers; every workflow is
started from workflows/client.py."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {"project", "ballot", "panel", "pilot", "coordination", "consent"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_the_workflows_are_laid_out_by_domain():
    packages = {path.name for path in (ROOT / "workflows").iterdir() if (path / "__init__.py").exists()}
    assert packages == DOMAINS | {"core"}
    for domain in DOMAINS - {"project"}:
        assert (ROOT / "workflows" / domain / "workflow.py").exists()
    loose = sorted(path.name for path in (ROOT / "workflows").glob("*.py"))
    assert loose == ["__init__.py", "client.py", "worker.py"]


def test_the_core_imports_no_domain():
    offending = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                            if name.split(".")[:2] in [["workflows", d] for d in DOMAINS])
        for path in _files("workflows/core")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_a_domain_uses_another_only_through_its_workflow_module():
    """The project runs a ballot, a panel and pilot sites; it reaches them by their workflow-side
    modules — the workflow class, the part that runs inside the project's workflow (named after its
    domain: workflows/ballot/ballot.py) and their plain models — never by their activities."""
    offending = {}
    for domain in DOMAINS:
        for path in _files(f"workflows/{domain}"):
            names = sorted(name for name in _imports(path) if len(name.split(".")) > 2
                           and name.split(".")[0] == "workflows" and name.split(".")[1] in DOMAINS - {domain}
                           and name.split(".")[2] not in {"workflow", "models", name.split(".")[1]})
            if names:
                offending[str(path.relative_to(ROOT))] = names
    assert offending == {}


def test_contracts_import_none_of_the_layers():
    offending = {str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                                     if name.split(".")[0] in {"api", "services", "workflows", "standardflow"})
                 for path in _files("contracts")}
    assert {path: names for path, names in offending.items() if names} == {}


def test_every_workflow_is_started_from_the_client_module():
    starters = sorted(
        str(path.relative_to(ROOT)) for folder in ("api", "services", "standardflow", "workflows")
        for path in _files(folder)
        if path.name != "client.py" and ("start_workflow(" in path.read_text() or "execute_workflow(" in path.read_text())
    )
    assert starters == []


def test_a_projects_run_defines_no_other_workflow_class():
    """The sandbox imports a run's modules anew for every run, and defining a workflow class is the
    dearest part of it: the project's workflow names its ballot's, panel's and pilot sites' child
    workflows by type, and their classes stay out of its imports."""
    probe = ("import sys, workflows.project.workflow; "
             "print(sorted(m for m in sys.modules if m.startswith('workflows.') and m.endswith('.workflow')))")
    shown = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "['workflows.project.workflow']"
