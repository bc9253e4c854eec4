"""The deployment files of infra/, loaded for the tests that check them."""

from pathlib import Path
from typing import Any

import yaml

from tests.services import ROOT

INFRA = ROOT / "infra"
K8S = INFRA / "k8s"
COMPOSE = INFRA / "compose.yaml"
# Custom resources the Kubernetes schemas cannot know (KEDA's CRDs): checked field by field.
KEDA = "keda.sh/v1alpha1"

Doc = dict[str, Any]


def documents(path: Path) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def manifests() -> list[tuple[str, Doc]]:
    """(file name, document) for every document under infra/k8s/."""
    return [(path.name, doc) for path in sorted(K8S.glob("*.yaml")) for doc in documents(path)]


def one(kind: str, name: str) -> Doc:
    (found,) = [d for _, d in manifests() if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def of_kind(kind: str) -> list[Doc]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


def container(workload: Doc) -> Doc:
    (only,) = workload["spec"]["template"]["spec"]["containers"]
    return dict(only)


def env(workload: Doc) -> dict[str, Any]:
    """The container's `env` entries by name (a value, or its valueFrom)."""
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container(workload)["env"]}


def compose() -> Doc:
    loaded: Doc = yaml.safe_load(COMPOSE.read_text())
    return loaded
