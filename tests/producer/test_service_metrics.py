"""/metrics of the HTTP service: jobs by state and queue depths, read from a real Redis at
each scrape, and the metrics of several API processes when they share a directory."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config.jobs import PLAN_TASK, QUEUE, JobState
from producer.service.metrics import render
from tests.services import ROOT, Services
from worker.ledger import Ledger, priority_list

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module")
def redis_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(tmp_path_factory.mktemp("redis"))
    services.start_redis()
    yield services
    services.stop_redis()


@pytest.fixture
def ledger(redis_only: Services) -> Ledger:
    ledger = Ledger(redis_only.env["NARRATE_BROKER_URL"])
    ledger.redis.flushdb()
    return ledger


def scraped(ledger: Ledger) -> Samples:
    body, content_type = render(ledger)
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    return {dict(labels)[label]: n for (found, labels), n in samples.items() if found == name}


def test_jobs_are_counted_by_state(ledger: Ledger) -> None:
    # Given jobs in every state but cancelled
    for i, state in enumerate(["queued", "queued", "running", "done", "done", "done", "failed"]):
        ledger.create_job(f"job-{i}", {"dest": "file:///books"})
        if state == "running":
            ledger.set_running(f"job-{i}", 1, 1)
        elif state != "queued":
            ledger.finish(f"job-{i}", JobState(state))

    # When Prometheus scrapes
    jobs = by_label(scraped(ledger), "narrate_jobs", "state")

    # Then each state has its count, cancelled too (at 0)
    assert jobs == {"queued": 2, "running": 1, "done": 3, "failed": 1, "cancelled": 0}


def test_a_queue_is_as_deep_as_its_lists_of_every_priority(ledger: Ledger) -> None:
    # Given messages waiting at three of the four priority steps
    for step, waiting in {0: 2, 3: 1, 9: 3}.items():
        ledger.redis.lpush(priority_list(QUEUE, step), *[f"message {n}" for n in range(waiting)])

    # When Prometheus scrapes
    depths = by_label(scraped(ledger), "narrate_queue_depth", "priority")

    # Then each step has its depth
    assert depths == {"0": 2, "3": 1, "6": 0, "9": 3}


def test_the_depth_is_read_where_celery_queues_a_task(redis_only: Services, ledger: Ledger) -> None:
    # Given a task sent with priority 5 and no worker to take it
    code = f"from worker.app import app; app.send_task({PLAN_TASK!r}, args=['job-x'], priority=5)"
    sent = subprocess.run(
        [sys.executable, "-c", code], env=redis_only.env, cwd=ROOT, capture_output=True, timeout=60
    )
    assert sent.returncode == 0, sent.stderr

    # When Prometheus scrapes, then it waits at kombu's step for 5, which is 3
    depths = by_label(scraped(ledger), "narrate_queue_depth", "priority")
    assert depths == {"0": 0, "3": 1, "6": 0, "9": 0}


# An API process that counts a request and holds a gauge, then waits to be killed.
API_PROCESS = """
from prometheus_client import Counter, Gauge
Counter("narrate_test_requests_total", "").inc(2)
Gauge("narrate_test_bytes", "", multiprocess_mode="livesum").set(7)
print("counted", flush=True)
input()
"""


def test_processes_sharing_a_directory_are_summed_and_the_dead_lose_their_gauges(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two API processes that counted in a shared directory
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", API_PROCESS],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == b"counted\n"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    samples = scraped(ledger)
    assert samples[("narrate_test_requests_total", ())] == 4
    assert samples[("narrate_test_bytes", ())] == 14

    # When one is killed without a word (SIGKILL: no chance to clear its files)
    processes[0].send_signal(signal.SIGKILL)
    processes[0].wait(timeout=10)
    samples = scraped(ledger)

    # Then its counts stay and its gauge goes
    assert samples[("narrate_test_requests_total", ())] == 4
    assert samples[("narrate_test_bytes", ())] == 7
    processes[1].communicate(b"\n", timeout=10)


def test_a_scraper_asking_for_openmetrics_gets_it(ledger: Ledger) -> None:
    accept = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"
    body, content_type = render(ledger, accept)
    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert body.endswith(b"# EOF\n")
