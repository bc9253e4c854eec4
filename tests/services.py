"""Real services for tests: Debian's redis-server and moto's S3 server on loopback ports,
and real `celery worker` processes. Nothing is mocked."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "narrate-test"
SECRET = "test-secret-key-do-not-log-3f9a"
REDIS_PASSWORD = "redis-pass-do-not-log-71c2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@dataclass
class Services:
    root: Path
    redis_port: int = field(default_factory=free_port)
    s3_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "NARRATE_BROKER_URL": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{self.redis_port}/0",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": "us-east-1",
            "NARRATE_INFERENCE_WORKERS": "1",
            "NARRATE_CHUNK_SEGMENTS": "3",
            "NARRATE_LEASE_S": "3",
            "NARRATE_RECONCILE_EVERY_S": "1",
        }

    def start_redis(self) -> None:
        data = self.root / "redis"
        data.mkdir(exist_ok=True)
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(data),
                "--appendonly",
                "yes",
                "--maxmemory-policy",
                "noeviction",
                "--save",
                "",
                "--requirepass",
                REDIS_PASSWORD,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.redis_port)

    def stop_redis(self) -> None:
        self.redis.terminate()
        self.redis.wait(timeout=10)

    def start(self) -> "Services":
        self.start_redis()
        self.s3_log = open(self.root / "moto.log", "wb")  # noqa: SIM115 - lives with the server
        self.s3 = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
            stdout=self.s3_log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.s3_port)
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def client(self):  # type: ignore[no-untyped-def]
        env = self.env
        return boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            aws_access_key_id="testing",
            aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )

    def keys(self, prefix: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def puts(self, key_part: str) -> int:
        """Writes of objects whose key contains key_part that the S3 server took: single
        PUTs, and multipart uploads counted once each (at their start), not per part. A
        request it refused (one a killed worker cut off mid-body) wrote nothing."""
        self.s3_log.flush()
        text = (self.root / "moto.log").read_text(errors="replace")
        count = 0
        for line in text.splitlines():
            if key_part not in line or not re.search(r'HTTP/1\.[01]" 2\d\d ', line):
                continue
            single = '"PUT ' in line and "partNumber=" not in line
            multipart = '"POST ' in line and "?uploads" in line
            count += single or multipart
        return count

    def worker(
        self,
        name: str,
        log: Path,
        app: str = "worker.app",
        pool: str = "prefork",
        concurrency: int = 1,
        **extra: str,
    ) -> subprocess.Popen[bytes]:
        env = {**self.env, **extra}
        output = open(log, "ab")  # noqa: SIM115 - the worker writes to it until killed
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                f"--concurrency={concurrency}",
                f"--pool={pool}",
                "-Q",
                "narrate",
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def narrate_worker(
        self, name: str, log: Path, *args: str, **extra: str
    ) -> subprocess.Popen[bytes]:
        """`narrate worker ARGS` as an operator starts it (its pool chosen by its settings),
        in a session of its own so that `kill` takes the whole worker."""
        output = open(log, "ab")  # noqa: SIM115 - the worker writes to it until killed
        process = subprocess.Popen(
            [sys.executable, "-m", "producer.cli", "worker", "--name", f"{name}@%h", *args],
            env={**self.env, **extra},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def narrate(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "producer.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL a worker and its pool children, as a crash or an OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            self.kill(process)
        self.s3.terminate()
        self.s3.wait(timeout=10)
        self.s3_log.close()
        self.stop_redis()


@contextlib.contextmanager
def none_left_running(services: Services) -> Iterator[None]:
    """The processes started inside the block are killed after it, even when it failed: a
    worker left running takes the next tests' tasks (and fails those too)."""
    started = len(services.processes)
    try:
        yield
    finally:
        for process in services.processes[started:]:
            services.kill(process)


def api(services: Services, port: int, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    """`narrate serve` on a loopback port, as its own process, with the services' settings."""
    process = _narrate_process(services, log, extra, "-v", "serve", "--port", str(port))
    wait_for_port(port)
    return process


def new_key(services: Services, tenant: str, *limits: str) -> str:
    """A key made by `narrate keys create`: the last line it prints."""
    made = services.narrate("keys", "create", "--tenant", tenant, *limits)
    assert made.returncode == 0, made.stderr
    return made.stdout.splitlines()[-1]


def narrate_worker(
    services: Services, name: str, log: Path, **extra: str
) -> subprocess.Popen[bytes]:
    """`narrate worker` (one pool process) with the services' settings, as its own process
    group; `services.kill` ends it with its pool."""
    return _narrate_process(services, log, extra, "worker", "--concurrency", "1", "-n", name)


def _narrate_process(
    services: Services, log: Path, extra: dict[str, str], *args: str
) -> subprocess.Popen[bytes]:
    output = open(log, "ab")  # noqa: SIM115 - the process writes to it until stopped
    process = subprocess.Popen(
        [sys.executable, "-m", "producer.cli", *args],
        env={**services.env, **extra},
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    services.processes.append(process)
    return process
