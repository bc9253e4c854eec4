"""infra/k8s/: every manifest against the Kubernetes API's own schemas (kubernetes-validate,
strict: an unknown or misspelt field fails), and the facts the deployment depends on."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_client
from kombu.transport.redis import PRIORITY_STEPS, Channel
from kubernetes_validate.utils import latest_version, validate

from config.jobs import QUEUE
from config.settings import Settings
from tests.infra.manifests import KEDA, Doc, container, env, manifests, of_kind, one
from tests.services import ROOT, Services
from worker.app import app

# The oldest Kubernetes these files are meant for (policy/v1, autoscaling/v2), and the newest
# the validator knows.
VERSIONS = ["1.28", latest_version()]
NAMESPACE = "narrate"
GRACE_S = "terminationGracePeriodSeconds"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "name,doc",
    [(name, doc) for name, doc in manifests() if doc["apiVersion"] != KEDA],
    ids=lambda value: value if isinstance(value, str) else value["kind"],
)
def test_every_manifest_follows_the_kubernetes_schema(name: str, doc: Doc, version: str) -> None:
    validate(doc, version, strict=True)  # raises ValidationError naming the field


def test_only_kedas_resources_go_without_a_schema() -> None:
    unchecked = sorted(doc["kind"] for _, doc in manifests() if doc["apiVersion"] == KEDA)
    assert unchecked == ["ScaledObject", "TriggerAuthentication"]


def test_everything_is_in_the_namespace_the_files_create() -> None:
    (namespace,) = of_kind("Namespace")
    assert namespace["metadata"]["name"] == NAMESPACE
    others = [doc for _, doc in manifests() if doc["kind"] != "Namespace"]
    assert {doc["metadata"].get("namespace") for doc in others} == {NAMESPACE}


# --- the workers ---


def chunk_time_limits() -> list[int]:
    """The default of the setting, and the value the ConfigMap gives it."""
    default = Settings.model_fields["chunk_time_limit_s"].default
    configured = one("ConfigMap", "narrate")["data"].get("NARRATE_CHUNK_TIME_LIMIT_S")
    return [int(default), *([int(configured)] if configured else [])]


def test_a_stopping_worker_has_time_to_finish_its_chunk() -> None:
    worker = one("Deployment", "narrate-worker")
    assert min(worker["spec"]["template"]["spec"][GRACE_S] - s for s in chunk_time_limits()) > 0


def test_a_worker_holds_one_gpu_and_runs_on_it() -> None:
    worker = one("Deployment", "narrate-worker")
    resources = container(worker)["resources"]
    assert resources["limits"]["nvidia.com/gpu"] == 1
    assert resources["requests"].get("nvidia.com/gpu", 1) == 1  # must equal the limit
    assert container(worker)["args"] == ["worker"]
    assert env(worker)["NARRATE_DEVICE"] == "cuda:0"


def pods(selector: dict[str, str]) -> list[str]:
    """Names of the workloads whose pods carry every label of the selector."""
    return [
        doc["metadata"]["name"]
        for _, doc in manifests()
        if doc["kind"] in ("Deployment", "StatefulSet")
        and selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()
    ]


def test_disruption_budgets_cover_the_workers_and_the_api_only() -> None:
    budgets = {
        doc["metadata"]["name"]: pods(doc["spec"]["selector"]["matchLabels"])
        for doc in of_kind("PodDisruptionBudget")
    }
    assert budgets == {"narrate-worker": ["narrate-worker"], "narrate-api": ["narrate-api"]}


def test_each_workload_selects_its_own_pods() -> None:
    for doc in of_kind("Deployment") + of_kind("StatefulSet"):
        assert pods(doc["spec"]["selector"]["matchLabels"]) == [doc["metadata"]["name"]]


# --- the API ---


def test_the_api_is_ready_and_alive_by_healthz_behind_its_service() -> None:
    api = one("Deployment", "narrate-api")
    main = container(api)
    assert main["args"] == ["api"]
    ports = {port["name"]: port["containerPort"] for port in main["ports"]}
    assert ports == {"http": 8080}  # the entrypoint's default NARRATE_API_PORT
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    service = one("Service", "narrate-api")
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]
    assert pods(service["spec"]["selector"]) == ["narrate-api"]


# --- Redis, settings and secrets ---


def test_redis_keeps_an_append_only_file_on_a_volume() -> None:
    redis = one("StatefulSet", "narrate-redis")
    args = container(redis)["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"
    (claim,) = redis["spec"]["volumeClaimTemplates"]
    mounts = {m["name"]: m["mountPath"] for m in container(redis)["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == "/data"  # the redis image's working dir


def references(workload: Doc) -> Iterator[tuple[str, str, str | None]]:
    """(kind, name, key) of every ConfigMap and Secret a workload's container reads."""
    main = container(workload)
    for source in main.get("envFrom", []):
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if field in source:
                yield kind, source[field]["name"], None
    for entry in main.get("env", []):
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = entry.get("valueFrom", {}).get(field)
            if ref:
                yield kind, ref["name"], ref["key"]


def variables(workload: Doc) -> set[str]:
    """Names a container's $(VAR) references may use: its envFrom sources' keys and env."""
    names = {entry["name"] for entry in container(workload).get("env", [])}
    for kind, name, key in references(workload):
        if key is None:
            doc = one(kind, name)
            names |= set(doc.get("data", {})) | set(doc.get("stringData", {}))
    return names


@pytest.mark.parametrize("kind,name", [("Deployment", "narrate-api"), ("Deployment",
    "narrate-worker"), ("StatefulSet", "narrate-redis")])  # fmt: skip
def test_settings_and_secrets_referenced_exist(kind: str, name: str) -> None:
    workload = one(kind, name)
    for ref_kind, ref_name, key in references(workload):
        doc = one(ref_kind, ref_name)
        if key is not None:
            assert key in {**doc.get("data", {}), **doc.get("stringData", {})}, (ref_name, key)
    for entry in container(workload).get("env", []):
        for used in re.findall(r"\$\((\w+)\)", entry.get("value", "")):
            assert used in variables(workload), (name, used)


def test_api_and_workers_reach_redis_through_its_service() -> None:
    service = one("Service", "narrate-redis")
    (port,) = service["spec"]["ports"]
    url = f"redis://:$(REDIS_PASSWORD)@{service['metadata']['name']}:{port['port']}/0"
    for name in ("narrate-api", "narrate-worker"):
        assert env(one("Deployment", name))["NARRATE_BROKER_URL"] == url
    assert pods(service["spec"]["selector"]) == ["narrate-redis"]


# --- KEDA ---


def priority_lists() -> list[str]:
    """The Redis lists kombu keeps the queue in, under the app's transport options."""
    options = app.conf.broker_transport_options
    channel = Channel.__new__(Channel)  # _q_for_pri needs only the steps and separator
    channel.priority_steps = options.get("priority_steps", PRIORITY_STEPS)
    channel.sep = options.get("sep", Channel.sep)
    assert options["queue_order_strategy"] == "priority"
    names: list[str] = [
        channel._q_for_pri(QUEUE, step)  # type: ignore[no-untyped-call]
        for step in channel.priority_steps
    ]
    return names


def test_the_scaled_object_scales_the_worker_deployment_from_zero() -> None:
    spec = one("ScaledObject", "narrate-worker")["spec"]
    target = spec["scaleTargetRef"]
    assert target["name"] == one("Deployment", "narrate-worker")["metadata"]["name"]
    assert target.get("kind", "Deployment") == "Deployment"
    assert target.get("apiVersion", "apps/v1") == "apps/v1"
    assert spec["minReplicaCount"] == 0
    assert spec["maxReplicaCount"] >= 1
    assert "replicas" not in one("Deployment", "narrate-worker")["spec"]  # KEDA's to set


def test_the_scaled_object_counts_every_list_of_the_queue() -> None:
    triggers = one("ScaledObject", "narrate-worker")["spec"]["triggers"]
    names = [trigger["metadata"]["listName"] for trigger in triggers]
    assert names == priority_lists()
    assert names[1] == "narrate\x06\x163"  # what `narrate enqueue --priority 5` uses


def test_every_trigger_reads_our_redis_with_our_password() -> None:
    service = one("Service", "narrate-redis")
    (port,) = service["spec"]["ports"]
    address = f"narrate-redis.{NAMESPACE}.svc.cluster.local:{port['port']}"
    auth = one("TriggerAuthentication", "narrate-redis")
    (secret_ref,) = auth["spec"]["secretTargetRef"]
    assert secret_ref["parameter"] == "password"
    assert secret_ref["key"] in one("Secret", secret_ref["name"])["stringData"]
    for trigger in one("ScaledObject", "narrate-worker")["spec"]["triggers"]:
        meta: dict[str, Any] = trigger["metadata"]
        assert trigger["type"] == "redis"
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        assert (meta["address"], meta["databaseIndex"]) == (address, "0")
        assert all(isinstance(value, str) for value in meta.values())  # KEDA's schema
        assert int(meta["listLength"]) > 0
        assert int(meta["activationListLength"]) == 0  # one waiting message wakes a worker


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Services]:
    services = Services(tmp_path)
    services.start_redis()
    yield services
    services.stop_redis()


def send(services: Services, *priorities: int) -> None:
    """Send tasks as the producer does (the same app, send_task with a priority)."""
    script = (
        "import sys\nfrom worker.app import app\n"
        "for p in sys.argv[1:]:\n    app.send_task('narrate.plan', args=['none'], priority=int(p))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, priorities)],
        env=services.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def waiting(services: Services) -> dict[str, int]:
    client = redis_client.Redis.from_url(services.env["NARRATE_BROKER_URL"])
    try:
        lists = [k for k in client.scan_iter() if client.type(k) == b"list"]
        return {key.decode(): int(client.llen(key)) for key in lists}
    finally:
        client.close()


def test_the_triggers_see_every_message_celery_queues(broker: Services) -> None:
    triggers = one("ScaledObject", "narrate-worker")["spec"]["triggers"]
    names = {trigger["metadata"]["listName"] for trigger in triggers}
    # Given a real Redis: a plan sent at the CLI's default priority lands in a list a
    # trigger counts
    send(broker, 5)
    assert waiting(broker) == {"narrate\x06\x163": 1}
    # and so does a message at every other priority, and nothing goes elsewhere
    send(broker, *range(10))
    found = waiting(broker)
    assert set(found) == names
    assert sum(found.values()) == 11
