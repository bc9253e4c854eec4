"""infra/compose.yaml and the Dockerfiles: the Compose specification's schema (as bundled
by check-jsonschema), the entrypoint commands, and the bucket job run against moto."""

import json
import re
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import boto3
import jsonschema
import pytest

from config.settings import Settings
from tests.infra.manifests import COMPOSE, INFRA, Doc, compose
from tests.services import ROOT, SECRET, Services

DOCKERFILES = [INFRA / "Dockerfile", INFRA / "Dockerfile.cuda"]
ENTRYPOINT_IN_IMAGE = "/usr/local/bin/narrate-entrypoint"


def test_compose_file_follows_the_compose_specification() -> None:
    spec = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(spec.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []


def service(name: str) -> Doc:
    found: Doc = compose()["services"][name]
    return found


def test_redis_keeps_an_append_only_file_on_a_volume() -> None:
    redis = service("redis")
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert [volume.split(":")[1] for volume in redis["volumes"]] == ["/data"]


@pytest.mark.parametrize(
    "name,command,dockerfile",
    [
        ("api", ["api"], "infra/Dockerfile"),
        ("worker", ["worker"], "infra/Dockerfile"),
        ("worker-gpu", ["worker"], "infra/Dockerfile.cuda"),
    ],
)
def test_narrate_services_run_the_entrypoint_commands(
    name: str, command: list[str], dockerfile: str
) -> None:
    narrate = service(name)
    assert narrate["command"] == command
    assert "entrypoint" not in narrate  # the image's: tini, then infra/entrypoint.sh
    build = narrate["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == ROOT
    assert build["dockerfile"] == dockerfile


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_images_start_through_the_entrypoint(dockerfile: Path) -> None:
    text = dockerfile.read_text()
    assert f"COPY infra/entrypoint.sh {ENTRYPOINT_IN_IMAGE}\n" in text
    (entrypoint,) = re.findall(r"^ENTRYPOINT (.+)$", text, re.MULTILINE)
    assert json.loads(entrypoint) == ["tini", "--", "narrate-entrypoint"]
    (user,) = re.findall(r"^USER (.+)$", text, re.MULTILINE)
    assert user.split(":")[0].isdigit()  # numeric: Kubernetes can check runAsNonRoot


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_images_copy_every_package_and_the_build_context_holds_them(dockerfile: Path) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = pyproject["tool"]["setuptools"]["packages"]["find"]
    packages = {pattern.rstrip("*") for pattern in found["include"]}
    text = dockerfile.read_text()
    copied = set(re.findall(r"^COPY (\w+) /src/\1$", text, re.MULTILINE))
    assert copied == packages
    # What the build reads beside the packages: the readme and the licence text.
    named = {
        "pyproject.toml",
        pyproject["project"]["readme"],
        *pyproject["project"]["license-files"],
    }
    files = re.search(r"^COPY ([^\n]+) /src/$", text, re.MULTILINE)
    assert files and named <= set(files.group(1).split())
    allowed = {
        line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"
    }
    assert packages | named | {"infra/entrypoint.sh"} <= allowed


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, duration
    return sum(int(n) * units[u] for n, u in zip(parts.groups(), "hms", strict=True) if n)


@pytest.mark.parametrize("name", ["worker", "worker-gpu"])
def test_a_stopping_worker_has_time_to_finish_its_chunk(name: str) -> None:
    limit = Settings.model_fields["chunk_time_limit_s"].default
    assert seconds(service(name)["stop_grace_period"]) > limit


def test_the_gpu_worker_reserves_a_gpu_and_runs_on_it() -> None:
    gpu = service("worker-gpu")
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert (device["driver"], device["count"], device["capabilities"]) == ("nvidia", 1, ["gpu"])
    assert gpu["environment"]["NARRATE_DEVICE"] == "cuda:0"
    assert gpu["profiles"] == ["gpu"]  # started only when asked for


def test_flower_watches_the_broker_the_workers_use() -> None:
    flower = service("flower")
    broker = service("worker")["environment"]["NARRATE_BROKER_URL"]
    assert f"--broker={broker}" in flower["command"]
    assert flower["profiles"] == ["flower"]


def test_the_bucket_job_creates_the_bucket_and_may_run_again(tmp_path: Path) -> None:
    job = service("bucket")
    assert job["entrypoint"] == ["python", "-c"]
    (script,) = job["command"]
    assert job["environment"].items() <= service("api")["environment"].items()  # same S3
    # Given moto's S3 server, as in the compose file
    services = Services(tmp_path)
    services.start()
    try:
        env = {**services.env, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": SECRET}
        # When the job runs, and runs again (a second `up`)
        for _ in range(2):
            done = subprocess.run(
                [sys.executable, "-c", script], env=env, capture_output=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
        # Then the bucket the API's NARRATE_DEFAULT_DEST names is there
        s3 = boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            aws_access_key_id="testing",
            aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )
        names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
        dest = service("api")["environment"]["NARRATE_DEFAULT_DEST"]
        assert dest.removeprefix("s3://").split("/")[0] in names
    finally:
        services.stop()
