"""infra/entrypoint.sh as the images run it, with plain processes in place of containers:
`worker` against a real redis-server, `api` over HTTP on loopback, and pass-through."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from tests.services import BUCKET, ROOT, Services, free_port
from worker.pools import CPU_TASKS

ENTRYPOINT = ROOT / "infra" / "entrypoint.sh"
# What the image's `narrate` script does, with the checkout's code.
NARRATE_BIN = f"{sys.executable} -m producer.cli"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Services]:
    services = Services(tmp_path)
    services.start_redis()
    yield services
    services.stop_redis()


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as output:
        return subprocess.Popen(
            [str(ENTRYPOINT), *args],
            env={**env, "NARRATE_BIN": NARRATE_BIN},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: the test can tell when all of it is gone
        )


def stop(process: subprocess.Popen[bytes], timeout: float) -> int:
    """SIGTERM, as `docker stop` or the kubelet sends it; the exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def ping(broker: str, timeout: float) -> list[dict[str, Any]]:
    """Celery's remote-control ping through the broker: the workers that answer."""
    app = Celery(broker=broker)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            replies: list[dict[str, Any]] = app.control.ping(timeout=1.0)
            if replies:
                return replies
        return []
    finally:
        app.close()


def worker_stats(broker: str, timeout: float = 30) -> dict[str, Any]:
    app = Celery(broker=broker)
    deadline = time.monotonic() + timeout
    try:
        while True:
            stats: dict[str, Any] = app.control.inspect(timeout=2.0).stats() or {}
            if stats or time.monotonic() > deadline:
                return stats
    finally:
        app.close()


@pytest.mark.parametrize(("concurrency", "slots"), [("3", 3), (None, CPU_TASKS)])
def test_worker_comes_up_on_the_broker_and_stops_cleanly_on_sigterm(
    redis: Services, tmp_path: Path, concurrency: str | None, slots: int
) -> None:
    # Given a redis-server, and the settings a worker container gets from its environment
    # (without NARRATE_CONCURRENCY: the pool's own default)
    env = {**redis.env, "NARRATE_DEVICE": "cpu"}
    if concurrency is not None:
        env["NARRATE_CONCURRENCY"] = concurrency
    log = tmp_path / "worker.log"
    broker = env["NARRATE_BROKER_URL"]

    # When the entrypoint runs `worker`, with a node name passed on to narrate
    process = start(["worker", "--name", "entry@%h"], env, log)
    try:
        replies = ping(broker, timeout=90)

        # Then the Celery worker answers on the broker, under that name, with the pool size
        # the environment asked for (or the CPU's default: threads, CPU_TASKS at once)
        assert [name.split("@")[0] for reply in replies for name in reply] == ["entry"], (
            log.read_text()
        )
        (stats,) = worker_stats(broker).values()
        assert stats["pool"]["max-concurrency"] == slots
        assert stats["pool"]["implementation"] == "celery.concurrency.thread:TaskPool"
        # and narrate itself holds the entrypoint's pid (exec), so a stop signal reaches it
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"producer.cli" in cmdline and b"worker" in cmdline
    finally:
        # When it gets SIGTERM
        code = stop(process, timeout=60)

    # Then it shuts down warm, exits 0 and leaves no pool process behind
    text = log.read_text()
    assert code == 0, text
    assert "warm shutdown" in text.lower(), text
    assert not group_alive(process.pid)
    assert ping(broker, timeout=2) == []


def test_api_serves_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    # Given the services the API talks to, and a loopback port
    services = Services(tmp_path).start()
    port = free_port()
    env = {
        **services.env,
        "NARRATE_API_HOST": "127.0.0.1",
        "NARRATE_API_PORT": str(port),
        "NARRATE_DEFAULT_DEST": f"s3://{BUCKET}/books",
    }
    log = tmp_path / "api.log"
    try:
        # When the entrypoint runs `api`
        process = start(["api"], env, log)
        try:
            # Then GET /healthz answers 200 with JSON
            status, body = get_when_up(process, f"http://127.0.0.1:{port}/healthz", timeout=60)
            assert status == 200, log.read_text()
            assert isinstance(json.loads(body), dict)
        finally:
            code = stop(process, timeout=30)
        # and SIGTERM ends it after a graceful shutdown (uvicorn raises the signal again
        # once it is done, so the status says SIGTERM, as a container's 143 would)
        text = log.read_text()
        assert code == -signal.SIGTERM, text
        assert "Application shutdown complete" in text and "Finished server process" in text
    finally:
        services.stop()


def get_when_up(process: subprocess.Popen[bytes], url: str, timeout: float) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status), bytes(response.read())
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_other_commands_run_as_given(tmp_path: Path) -> None:
    # When the entrypoint gets a command that is neither api nor worker
    done = subprocess.run(
        [str(ENTRYPOINT), sys.executable, "-c", "import sys; print('ran'); sys.exit(3)"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    # Then it runs that command: its output and its exit code
    assert (done.stdout, done.returncode) == ("ran\n", 3)


def test_no_command_is_a_usage_error() -> None:
    done = subprocess.run([str(ENTRYPOINT)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "usage: entrypoint.sh api|worker" in done.stderr
