"""The files under deploy/, read as an operator's tools would read them."""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BIN = Path(sys.executable).parent
# The manifests kubectl applies: every YAML file directly in deploy/k8s but kustomize's own file.
MANIFESTS = sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
PLACEHOLDER = "REPLACE_ME"


def k8s_documents() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s_object(kind: str, name: str) -> dict:
    found = [doc for doc in k8s_documents() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name} in deploy/k8s, found {len(found)}"
    return found[0]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def workloads() -> list[dict]:
    return [doc for doc in k8s_documents() if doc["kind"] in {"Deployment", "Job"}]


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against the given variables; $$ is a literal $."""

    def replace(match: re.Match) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        assert operator != ":?", f"compose would refuse to start: {rest}"
        return rest or ""

    text = re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", replace, value.replace("$$", "\0"))
    return text.replace("\0", "$")


def env_file(path: Path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
