"""deploy/compose.yaml and deploy/k8s: valid for the tools that read them, and true to the code they run."""

import re
import subprocess

import pytest
import typer.main
from pydantic import ValidationError
import yaml

from api.routes.health import router as health_router
from services.crypto.keyring import KeyRing
from standardflow.cli import app as cli_app
from standardflow.config import Settings
from standardflow.runtime import STAGE_SEARCH_ATTRIBUTE
from tests.deploy.files import (
    BIN, DEPLOY, K8S, MANIFESTS, PLACEHOLDER, interpolate, k8s_documents, k8s_object, pod_spec, workloads,
)

# A version that every kubernetes-validate allowed by pyproject.toml (>=1.30) ships schemas for.
KUBERNETES_VERSION = "1.30.0"
SETTING_NAMES = {f"STANDARDFLOW_{name.upper()}" for name in Settings.model_fields}
CLI_COMMANDS = set(typer.main.get_command(cli_app).commands)
STANDARDFLOW_WORKLOADS = ("standardflow-api", "standardflow-worker", "standardflow-migrate")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=DEPLOY.parent)


def _configmap() -> dict[str, str]:
    return k8s_object("ConfigMap", "standardflow")["data"]


def _container(name: str) -> dict:
    return pod_spec(k8s_object("Deployment" if name != "standardflow-migrate" else "Job", name))["containers"][0]


def test_every_kubernetes_manifest_passes_strict_schema_validation():
    assert len(MANIFESTS) >= 10
    result = _run(str(BIN / "kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, *map(str, MANIFESTS))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # An unknown apiVersion or kind is only a warning to kubernetes-validate: a manifest kubectl would refuse.
    assert not re.search(r"^(WARN|ERROR)", output, re.MULTILINE), output
    assert output.count(" passed for resource ") == len(k8s_documents())


def test_the_kustomization_applies_every_manifest_but_the_secret_template():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert set(kustomization["resources"]) == {path.name for path in MANIFESTS} - {"secret.example.yaml"}
    image = _container("standardflow-api")["image"].rsplit(":", 1)[0]
    assert [entry["name"] for entry in kustomization["images"]] == [image]


def test_the_compose_file_follows_the_compose_specification():
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "deploy/compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_standardflow_variable_named_in_deploy_is_a_setting():
    files = [DEPLOY / "compose.yaml", DEPLOY / ".env.example", DEPLOY / "Dockerfile", *MANIFESTS]
    named = {name for path in files for name in re.findall(r"STANDARDFLOW_[A-Z0-9_]+", path.read_text())}
    assert {"STANDARDFLOW_DATABASE_URL", "STANDARDFLOW_TEMPORAL_ADDRESS", "STANDARDFLOW_SESSION_SECRET"} <= named
    assert named - SETTING_NAMES == set()


OPERATOR_SECRET = "an-operator-chosen-secret-of-48-characters-000000"


def _operator_sets_the_secrets(environment: pytest.MonkeyPatch) -> None:
    """The session secret, then the two key rings; the templates' placeholders are refused until each is set."""
    environment.setenv("STANDARDFLOW_SESSION_SECRET", OPERATOR_SECRET)
    for name in ("STANDARDFLOW_DECISION_KEYS", "STANDARDFLOW_PAYLOAD_KEYS"):
        with pytest.raises(ValidationError, match=name):
            Settings(_env_file=None)
        environment.setenv(name, KeyRing.generate().format())


def test_the_kubernetes_settings_load_as_production_settings(clean_environment):
    secret = k8s_object("Secret", "standardflow")["stringData"]
    for name, value in {**_configmap(), **secret}.items():
        clean_environment.setenv(name, value)
    with pytest.raises(ValidationError, match="STANDARDFLOW_SESSION_SECRET"):
        Settings(_env_file=None)  # the template as it stands is refused
    _operator_sets_the_secrets(clean_environment)
    settings = Settings(_env_file=None)
    assert settings.environment == "production"
    assert not settings.embedded_temporal
    assert settings.resolved_database_url.startswith("postgresql://")
    assert settings.mail is not None and settings.mail.starttls


def test_the_compose_settings_load_as_production_settings(clean_environment, compose, compose_variables):
    environment = compose["services"]["api"]["environment"]
    for name, value in environment.items():
        clean_environment.setenv(name, interpolate(str(value), compose_variables))
    with pytest.raises(ValidationError, match="STANDARDFLOW_SESSION_SECRET"):
        Settings(_env_file=None)  # .env.example as it stands is refused
    _operator_sets_the_secrets(clean_environment)
    settings = Settings(_env_file=None)
    assert settings.environment == "production"
    assert settings.resolved_database_url == "postgresql://standardflow:REPLACE_ME@postgresql:5432/standardflow"
    assert settings.resolved_temporal_address == "temporal:7233"
    assert settings.mail is not None and settings.mail.host == "mailpit"


def test_the_api_probes_are_the_apps_health_endpoints(compose):
    routes = {route.path for route in health_router.routes}
    container = _container("standardflow-api")
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz" and "/readyz" in routes
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz" and "/healthz" in routes
    port = container["ports"][0]
    assert port["containerPort"] == int(_configmap()["STANDARDFLOW_API_PORT"])
    assert container["readinessProbe"]["httpGet"]["port"] == port["name"]
    assert "http://127.0.0.1:8000/readyz" in " ".join(compose["services"]["api"]["healthcheck"]["test"])


def test_the_worker_probes_are_its_health_endpoints(compose):
    container = _container("standardflow-worker")
    env = {item["name"]: item["value"] for item in container["env"]}
    port = container["ports"][0]
    assert port["containerPort"] == int(env["STANDARDFLOW_WORKER_HEALTH_PORT"])
    assert env["STANDARDFLOW_WORKER_HEALTH_HOST"] == "0.0.0.0", "the kubelet probes the pod's address"
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    worker = compose["services"]["worker"]
    assert worker["environment"]["STANDARDFLOW_WORKER_HEALTH_PORT"] == "8081"
    assert "http://127.0.0.1:8081/readyz" in " ".join(worker["healthcheck"]["test"])


def _seconds(duration: str) -> int:
    return int(duration.removesuffix("s"))


def test_a_stopping_worker_has_time_to_let_its_activities_finish(compose):
    """The orchestrator waits longer than the worker's grace before it kills the worker."""
    pod = pod_spec(k8s_object("Deployment", "standardflow-worker"))
    env = {item["name"]: item["value"] for item in pod["containers"][0]["env"]}
    assert pod["terminationGracePeriodSeconds"] >= int(env["STANDARDFLOW_WORKER_GRACE_SECONDS"]) + 10
    worker = compose["services"]["worker"]
    grace = int(worker["environment"]["STANDARDFLOW_WORKER_GRACE_SECONDS"])
    assert _seconds(worker["stop_grace_period"]) >= grace + 10


def test_no_secret_holds_a_real_value():
    secrets = [doc for doc in k8s_documents() if doc["kind"] == "Secret"]
    assert {doc["metadata"]["name"] for doc in secrets} == {"standardflow", "standardflow-signing-keys"}
    for secret in secrets:
        assert "data" not in secret, "base64 data hides what a template holds: use stringData placeholders"
        for key, value in secret["stringData"].items():
            assert value == "" or PLACEHOLDER in value, f"{secret['metadata']['name']}.{key} looks real"
    url = k8s_object("Secret", "standardflow")["stringData"]["STANDARDFLOW_DATABASE_URL"]
    assert url.split("@")[0].endswith(f":{PLACEHOLDER}")
    assert not any(re.search("SECRET|PASSWORD|DATABASE_URL", key) for key in _configmap())


def test_compose_takes_every_secret_from_the_env_file(compose, compose_variables):
    assert all(value in ("", PLACEHOLDER) or value.startswith("http") for value in compose_variables.values())
    text = (DEPLOY / "compose.yaml").read_text()
    for name in ("STANDARDFLOW_SESSION_SECRET", "POSTGRES_PASSWORD", "TEMPORAL_POSTGRES_PASSWORD"):
        # Only as ${NAME:?...}: compose refuses to start until .env sets it.
        assert f"${{{name}:?" in text and name in compose_variables
    environment = compose["services"]["api"]["environment"]
    assert environment["STANDARDFLOW_SESSION_SECRET"].startswith("${STANDARDFLOW_SESSION_SECRET:?")


def test_worker_api_and_migration_run_one_image_with_a_command_the_cli_has(compose):
    images = {_container(name)["image"] for name in STANDARDFLOW_WORKLOADS}
    assert len(images) == 1
    assert {_container(name)["args"][0] for name in STANDARDFLOW_WORKLOADS} == {"api", "worker", "migrate"}
    services = compose["services"]
    ours = ("api", "worker", "migrate", "signing-keys")
    assert len({(services[name]["image"], str(services[name]["build"])) for name in ours}) == 1
    assert services["api"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert {services[name]["command"][0] for name in ours} <= CLI_COMMANDS
    assert {_container(name)["args"][0] for name in STANDARDFLOW_WORKLOADS} <= CLI_COMMANDS


def test_compose_starts_temporal_then_migrates_then_the_worker_then_two_api_replicas(compose):
    services = compose["services"]

    def waits_for(service: str) -> dict[str, str]:
        return {name: rule["condition"] for name, rule in services[service]["depends_on"].items()}

    done = "service_completed_successfully"
    assert waits_for("migrate") == {"postgresql": "service_healthy"}
    assert waits_for("worker")["migrate"] == done and waits_for("worker")["temporal-search-attribute"] == done
    assert {"migrate": done, "signing-keys": done, "temporal-search-attribute": done}.items() <= waits_for("api").items()
    assert waits_for("api")["worker"] == "service_started"
    assert waits_for("caddy") == {"api": "service_healthy"}
    assert services["api"]["deploy"]["replicas"] == 2
    assert "healthcheck" in services["postgresql"] and "healthcheck" in services["temporal-postgresql"]


def test_the_search_attribute_is_created_where_the_app_looks_for_it(compose):
    create = f"temporal operator search-attribute create --namespace {{}} --name {STAGE_SEARCH_ATTRIBUTE} --type Keyword"
    compose_script = compose["services"]["temporal-search-attribute"]["command"][0]
    assert create.format('"$$TEMPORAL_NAMESPACE"') in compose_script
    job = pod_spec(k8s_object("Job", "temporal-search-attribute"))["containers"][0]
    assert create.format('"$TEMPORAL_NAMESPACE"') in job["args"][0]
    sources = {item["name"]: item["valueFrom"]["configMapKeyRef"]["key"] for item in job["env"] if "valueFrom" in item}
    assert sources == {"TEMPORAL_ADDRESS": "STANDARDFLOW_TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE": "STANDARDFLOW_TEMPORAL_NAMESPACE"}
    values = yaml.safe_load((K8S / "helm" / "temporal-values.yaml").read_text())
    namespaces = [item["name"] for item in values["server"]["config"]["namespaces"]["namespace"]]
    assert _configmap()["STANDARDFLOW_TEMPORAL_NAMESPACE"] in namespaces
    assert _configmap()["STANDARDFLOW_TEMPORAL_ADDRESS"].startswith("temporal-frontend.temporal.svc")
    for store in ("default", "visibility"):
        sql = values["server"]["config"]["persistence"][store]["sql"]
        assert sql["driver"] == "postgres12" and "password" not in sql and sql["existingSecret"]


def test_every_pod_runs_unprivileged_on_a_read_only_root_with_resources():
    for workload in workloads():
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True, workload["metadata"]["name"]
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"requests", "limits"} <= container["resources"].keys()
            assert "memory" in container["resources"]["limits"]


def test_the_app_writes_only_to_its_volumes():
    settings = _configmap()
    for name in STANDARDFLOW_WORKLOADS:
        spec = pod_spec(k8s_object("Deployment" if name != "standardflow-migrate" else "Job", name))
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in spec["containers"][0]["volumeMounts"]}
        assert "emptyDir" in mounts[settings["STANDARDFLOW_VAR_DIR"]] and "emptyDir" in mounts["/tmp"]
    api = pod_spec(k8s_object("Deployment", "standardflow-api"))
    volumes = {volume["name"]: volume for volume in api["volumes"]}
    mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in api["containers"][0]["volumeMounts"]}
    claim = mounts[settings["STANDARDFLOW_BLOB_DIR"]]["persistentVolumeClaim"]["claimName"]
    assert k8s_object("PersistentVolumeClaim", claim)["spec"]["accessModes"] == ["ReadWriteMany"]
    keys_dir, keys_file = settings["STANDARDFLOW_SIGNING_KEY_PATH"].rsplit("/", 1)
    keys = mounts[keys_dir]["secret"]["secretName"]
    assert keys_file in k8s_object("Secret", keys)["stringData"]


def test_api_and_worker_scale_and_survive_drains():
    assert k8s_object("Deployment", "standardflow-api")["spec"]["replicas"] == 3
    assert k8s_object("Deployment", "standardflow-worker")["spec"]["replicas"] == 2
    for name in ("standardflow-api", "standardflow-worker"):
        target = k8s_object("HorizontalPodAutoscaler", name)["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)
        labels = k8s_object("Deployment", name)["spec"]["template"]["metadata"]["labels"]
        selector = k8s_object("PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items()
    service = k8s_object("Service", "standardflow-api")
    api_labels = k8s_object("Deployment", "standardflow-api")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= api_labels.items()
    rule = k8s_object("Ingress", "standardflow")["spec"]["rules"][0]
    assert _configmap()["STANDARDFLOW_PUBLIC_BASE_URL"] == f"https://{rule['host']}"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "standardflow-api"
    assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}


def _admits(policy: dict, namespace: str, labels: dict[str, str], port: int) -> bool:
    """Whether a NetworkPolicy's ingress rules let a pod of this namespace and labels in on this port
    (namespaces are told by their kubernetes.io/metadata.name label, as Kubernetes sets it)."""
    own = policy["metadata"]["namespace"]

    def matches(selector: dict, found: dict[str, str]) -> bool:
        return all(found.get(key) == value for key, value in selector.get("matchLabels", {}).items())

    for rule in policy["spec"]["ingress"]:
        if port not in {p["port"] for p in rule.get("ports", [])}:
            continue
        for peer in rule["from"]:
            names = peer.get("namespaceSelector")
            in_namespace = matches(names, {"kubernetes.io/metadata.name": namespace}) if names is not None \
                else namespace == own
            if in_namespace and matches(peer.get("podSelector", {}), labels):
                return True
    return False


def test_only_standardflows_pods_and_temporals_own_reach_the_temporal_frontend():
    policy = k8s_object("NetworkPolicy", "temporal-frontend-from-standardflow")
    host, port = _configmap()["STANDARDFLOW_TEMPORAL_ADDRESS"].rsplit(":", 1)
    assert host.split(".")[1] == policy["metadata"]["namespace"], "the policy guards the frontend the app dials"
    namespace = k8s_object("Namespace", "standardflow")["metadata"]["name"]
    talking_to_temporal = [w for w in workloads() if w["metadata"]["name"] != "standardflow-migrate"]
    assert {w["metadata"]["name"] for w in talking_to_temporal} >= {"standardflow-api", "standardflow-worker"}
    for workload in talking_to_temporal:
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert _admits(policy, namespace, labels, int(port)), workload["metadata"]["name"]
    assert _admits(policy, "temporal", {"app.kubernetes.io/component": "history"}, int(port))
    assert not _admits(policy, namespace, {"app.kubernetes.io/name": "something-else"}, int(port))
    assert not _admits(policy, "default", {"app.kubernetes.io/part-of": "standardflow"}, int(port))
    assert not _admits(policy, namespace, talking_to_temporal[0]["spec"]["template"]["metadata"]["labels"], 8080)


# ---------------------------------------------------------------- metrics, traces, logs


def _compose_scrape_jobs() -> dict[str, dict]:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_compose_prometheus_scrapes_every_api_replica_with_the_token_and_the_workers_health_port(compose):
    services = compose["services"]
    prometheus = services["prometheus"]
    assert prometheus["profiles"] == services["jaeger"]["profiles"] == ["observability"]
    assert "./prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus["volumes"]
    jobs = _compose_scrape_jobs()

    api = jobs["standardflow-api"]
    [found] = api["dns_sd_configs"]
    assert (found["names"], found["type"]) == (["api"], "A"), "one target per replica, not one behind a balancer"
    assert found["port"] == Settings.model_fields["api_port"].default
    assert "STANDARDFLOW_API_PORT" not in services["api"]["environment"]
    assert api["metrics_path"] == "/metrics" and api["authorization"]["type"] == "Bearer"
    [secret] = prometheus["secrets"]
    assert api["authorization"]["credentials_file"] == f"/run/secrets/{secret}"
    assert compose["secrets"][secret] == {"environment": "STANDARDFLOW_METRICS_TOKEN"}

    worker_env = services["worker"]["environment"]
    [found] = jobs["standardflow-worker"]["dns_sd_configs"]
    assert found["names"] == ["worker"] and found["port"] == int(worker_env["STANDARDFLOW_WORKER_HEALTH_PORT"])
    assert worker_env["STANDARDFLOW_WORKER_HEALTH_HOST"] == "0.0.0.0", "reachable from Prometheus's container"
    assert not any("8081" in str(port) for port in services["worker"].get("ports", []))


def test_kubernetes_scrape_jobs_find_the_pods_and_ports_the_deployments_run_and_the_policies_let_them_in():
    jobs = {job["job_name"]: job for job in yaml.safe_load((K8S / "prometheus" / "scrape-configs.yaml").read_text())}
    assert set(jobs) == {"standardflow-api", "standardflow-worker"}
    namespace = k8s_object("Namespace", "standardflow")["metadata"]["name"]
    policies = {"standardflow-api": "standardflow-api-from-ingress", "standardflow-worker": "standardflow-worker-from-prometheus"}
    prometheus = {"app.kubernetes.io/name": "prometheus"}
    for name, job in jobs.items():
        [discovery] = job["kubernetes_sd_configs"]
        assert discovery == {"role": "pod", "namespaces": {"names": [namespace]}}
        keep = _kept(job)
        template = k8s_object("Deployment", name)["spec"]["template"]
        assert keep["__meta_kubernetes_pod_label_app_kubernetes_io_name"] == template["metadata"]["labels"]["app.kubernetes.io/name"]
        ports = {p["containerPort"] for p in template["spec"]["containers"][0]["ports"]}
        port = int(keep["__meta_kubernetes_pod_container_port_number"])
        assert port in ports and template["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        assert job["metrics_path"] == template["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
        policy = k8s_object("NetworkPolicy", policies[name])
        assert _admits(policy, "monitoring", prometheus, port)
        assert not _admits(policy, "default", prometheus, port)
        assert not _admits(policy, "monitoring", {"app.kubernetes.io/name": "grafana"}, port)
    assert jobs["standardflow-api"]["authorization"]["credentials_file"].endswith("/STANDARDFLOW_METRICS_TOKEN")
    assert "STANDARDFLOW_METRICS_TOKEN" in k8s_object("Secret", "standardflow")["stringData"]
    assert "authorization" not in jobs["standardflow-worker"]
    worker_env = {item["name"]: item["value"] for item in _container("standardflow-worker")["env"]}
    assert worker_env["STANDARDFLOW_WORKER_HEALTH_HOST"] == "0.0.0.0"
    assert worker_env["STANDARDFLOW_WORKER_HEALTH_PORT"] == _kept(jobs["standardflow-worker"])[
        "__meta_kubernetes_pod_container_port_number"]


def _kept(job: dict) -> dict[str, str]:
    """What a scrape job's `keep` rules require of a target, by the label they read."""
    return {rule["source_labels"][0]: rule["regex"] for rule in job["relabel_configs"] if rule.get("action") == "keep"}


def test_traces_go_where_the_otlp_setting_says_and_logs_are_json_lines(compose, compose_variables):
    assert _configmap()["STANDARDFLOW_OTLP_ENDPOINT"] == "" and _configmap()["STANDARDFLOW_LOG_FORMAT"] == "json"
    environment = compose["services"]["api"]["environment"]
    assert environment["STANDARDFLOW_LOG_FORMAT"] == compose["services"]["worker"]["environment"]["STANDARDFLOW_LOG_FORMAT"] == "json"
    assert environment["STANDARDFLOW_OTLP_ENDPOINT"] == "${STANDARDFLOW_OTLP_ENDPOINT:-}"
    assert compose_variables["STANDARDFLOW_OTLP_ENDPOINT"] == ""
    # The endpoint the .env.example names for the observability profile is Jaeger's OTLP over HTTP.
    example = re.search(r"(http://jaeger:(\d+)/v1/traces)", (DEPLOY / ".env.example").read_text())
    assert example and example.group(2) == "4318" and "jaeger" in compose["services"]
    assert Settings(_env_file=None, otlp_endpoint=example.group(1)).otlp_endpoint == example.group(1)


def test_a_stopping_api_has_time_to_finish_the_requests_under_way(compose):
    from standardflow.runtime import GRACE_SECONDS

    assert pod_spec(k8s_object("Deployment", "standardflow-api"))["terminationGracePeriodSeconds"] > GRACE_SECONDS
    assert _seconds(compose["services"]["api"].get("stop_grace_period", "10s")) > GRACE_SECONDS  # compose's default: 10 s
