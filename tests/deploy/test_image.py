"""deploy/Dockerfile, without a Docker engine: what it copies is what .dockerignore admits, and
`pip install .` from exactly that build context gives a `standardflow` command that migrates a database."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.deploy.files import DEPLOY, ROOT
from tests.helpers import production_key_rings

DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def _instructions(keyword: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(f"{keyword} ")]


def _copied_sources() -> set[str]:
    """What the Dockerfile copies from the build context (not from an earlier stage)."""
    copies = [line.split() for line in _instructions("COPY") if not line.startswith("--from")]
    return {source.rstrip("/") for parts in copies for source in parts[:-1]}


def _admitted() -> list[str]:
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    rules = [rule for rule in rules if rule and not rule.startswith("#")]
    assert rules[0] == "*", ".dockerignore must start by excluding everything"
    return [rule[1:].rstrip("/") for rule in rules if rule.startswith("!")]


def test_the_entrypoint_is_the_console_script_pyproject_declares():
    [command] = json.loads(_instructions("ENTRYPOINT")[-1])
    assert command in SCRIPTS, f"{command} is not a console script of pyproject.toml"
    assert SCRIPTS[command] == "standardflow.cli:app"
    assert json.loads(_instructions("CMD")[-1]) == ["api"]
    assert "pip install ." in DOCKERFILE
    assert _instructions("FROM")[-1].startswith("python:3.11-slim")


def test_the_image_runs_as_a_numeric_non_root_user_and_bakes_in_no_secret():
    user = _instructions("USER")[-1]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), user
    environment = " ".join(_instructions("ENV"))
    assert not re.search("SECRET|PASSWORD|DATABASE_URL", environment)
    assert "STANDARDFLOW_ENVIRONMENT=production" in environment


def test_the_build_context_holds_exactly_what_the_dockerfile_copies():
    assert _copied_sources() == set(_admitted())
    assert {".env", "var", ".venv", ".git"}.isdisjoint(_admitted())
    ignored = (ROOT / ".dockerignore").read_text()
    assert "**/__pycache__" in ignored


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as the image's `pip install .` installs it, built from the admitted build context only."""
    context = tmp_path_factory.mktemp("context")
    for source in _admitted():
        path = ROOT / source
        if path.is_dir():
            shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, context / source)
    wheels, target = tmp_path_factory.mktemp("wheels"), tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(context)], check=True, timeout=300)
    wheel = next(wheels.glob("standardflow-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=120)
    return target


def test_the_installed_package_carries_migrations_templates_and_static_files(installed):
    for folder in ("migrations/versions", "api/templates", "api/static"):
        in_repo = {path.relative_to(ROOT) for path in (ROOT / folder).rglob("*") if path.is_file()}
        in_repo = {path for path in in_repo if "__pycache__" not in path.parts}
        in_image = {path.relative_to(installed) for path in (installed / folder).rglob("*") if path.is_file()}
        assert in_repo and in_repo <= in_image, in_repo - in_image
    entry_points = next(installed.glob("standardflow-*.dist-info")) / "entry_points.txt"
    assert "standardflow = standardflow.cli:app" in entry_points.read_text()


def test_the_installed_command_migrates_and_makes_the_signing_keys(installed, tmp_path):
    """What the compose file's `migrate` and `signing-keys` services run, on SQLite for want of PostgreSQL."""
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("STANDARDFLOW_")},
        "PYTHONPATH": str(installed),
        "STANDARDFLOW_ENVIRONMENT": "production",
        "STANDARDFLOW_SESSION_SECRET": "a-secret-of-this-test-only-0123456789abcdef",
        **{f"STANDARDFLOW_{name.upper()}": ring for name, ring in production_key_rings().items()},
        "STANDARDFLOW_VAR_DIR": str(tmp_path / "var"),
    }
    command = installed / "bin" / "standardflow"
    for args, expected in ((["migrate"], "database is up to date"), (["keys", "list"], "signing")):
        result = subprocess.run([str(command), *args], env=environment, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and expected in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "var" / "standardflow.db").stat().st_size > 0
    assert (tmp_path / "var" / "signing-keys.json").exists()

