"""No Docker engine or cluster runs here: the files under deploy/ are checked against their schemas and
against the code they start."""

import os

import pytest
import yaml

from tests.deploy.files import DEPLOY, env_file


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="session")
def compose_variables() -> dict[str, str]:
    """What an operator puts in deploy/.env: the example's variables."""
    return env_file(DEPLOY / ".env.example")


@pytest.fixture()
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No STANDARDFLOW_* variable of the machine running the tests leaks into the settings under test."""
    for name in [name for name in os.environ if name.startswith("STANDARDFLOW_")]:
        monkeypatch.delenv(name)
    return monkeypatch
