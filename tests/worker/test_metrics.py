"""A worker's metrics end to end: `narrate worker` (real redis-server, S3 API server and
voice) serves what its pool process counted while it ran real jobs."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from config.jobs import JobState
from config.settings import Settings
from tests.services import BUCKET, ROOT, Services, free_port, narrate_worker, wait_for_port
from worker import metrics
from worker.jobs import run_chunk
from worker.ledger import Ledger

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

SHORT = (
    "The keeper climbed the winding stairs of the lighthouse before the storm came in.\n\n"
    "He trimmed the wick, wound the clockwork and lit the great lamp for the night.\n\n"
    "Far out at sea, the fishing boats turned for home by its steady light."
)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    running = Services(tmp_path_factory.mktemp("services")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def metrics_url(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `narrate worker` for the module, serving its metrics on a free port; a chunk
    per sentence. Its metrics directory holds an earlier run's counts, which it drops."""
    folder = tmp_path_factory.mktemp("worker")
    count_earlier_segments(folder / "metrics", 1000)
    port = free_port()
    settings = {
        "NARRATE_METRICS_PORT": str(port),
        "NARRATE_METRICS_DIR": str(folder / "metrics"),
        "NARRATE_PASSAGE_PHONEMES": "1",
        "NARRATE_CHUNK_SEGMENTS": "1",
    }
    worker = narrate_worker(services, "metrics", folder / "worker.log", **settings)
    wait_for_port(port, timeout=60)
    yield f"http://127.0.0.1:{port}/metrics"
    services.kill(worker)


def count_earlier_segments(directory: Path, segments: int) -> None:
    directory.mkdir()
    code = f"from worker.metrics import SEGMENTS; SEGMENTS.inc({segments})"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape_until(url: str, ready: Callable[[Samples], bool], timeout: float = 10) -> Samples:
    """The worker counts just after the ledger says a job is final: a scrape can come first."""
    deadline = time.monotonic() + timeout
    samples = scrape(url)
    while not ready(samples) and time.monotonic() < deadline:
        time.sleep(0.1)
        samples = scrape(url)
    return samples


def run_job(services: Services, tmp_path: Path, dest: str, *options: str) -> tuple[str, int]:
    """Enqueue SHORT and wait for it; (job id, `narrate wait`'s exit code)."""
    text = tmp_path / "short.txt"
    text.write_text(SHORT)
    enqueued = services.narrate("enqueue", str(text), "--dest", f"s3://{BUCKET}/{dest}", *options)
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    return job_id, services.narrate("wait", job_id, timeout=300).returncode


def test_a_finished_job_is_counted_by_the_worker_that_ran_it(
    services: Services, metrics_url: str, tmp_path: Path
) -> None:
    # Given a worker serving its metrics
    # When it runs a short job to the end
    job_id, code = run_job(services, tmp_path, "counted")
    assert code == 0

    # Then its segments, audio and chunks are counted as the ledger and manifest have them
    samples = scrape_until(
        metrics_url, lambda s: s[("narrate_jobs_finished_total", (("state", "done"),))] == 1
    )
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    record = ledger.job(job_id)
    body = services.client().get_object(Bucket=BUCKET, Key=f"counted/{job_id}/manifest.json")
    chapters = json.loads(body["Body"].read())["chapters"]
    spoken_s = sum(s["end_s"] - s["start_s"] for entry in chapters for s in entry["segments"])
    assert samples[("narrate_segments_total", ())] == int(record["segments_total"]) > 0
    assert samples[("narrate_audio_seconds_total", ())] == pytest.approx(spoken_s)
    chunks = ledger.redis.hlen(ledger.key(job_id, "chunks"))
    assert samples[("narrate_chunk_seconds_count", ())] == chunks > 1
    assert samples[("narrate_job_realtime_factor_count", ())] == 1
    assert samples[("narrate_redeliveries_total", ())] == 0
    assert samples[("narrate_gpu_memory_bytes", ())] == 0  # a CPU worker


def test_a_job_failing_for_good_is_counted_with_its_reason(
    services: Services, metrics_url: str, tmp_path: Path
) -> None:
    # Given a worker serving its metrics
    # When a job asks for a voice the worker does not have (a path: left to the worker)
    gone = str(tmp_path / "gone.onnx")
    _, code = run_job(services, tmp_path, "unknown-voice", "--voice", gone)
    assert code == 1

    # Then it is counted as failed, under its error's class and not its message
    samples = scrape_until(
        metrics_url, lambda s: s[("narrate_jobs_finished_total", (("state", "failed"),))] == 1
    )
    failures = {labels: n for (name, labels), n in samples.items() if "failures" in name}
    assert failures == {(("reason", "UnknownVoiceError"),): 1}


def test_a_chunk_delivered_too_often_fails_its_job_with_that_reason(services: Services) -> None:
    # Given a chunk delivered max_deliveries times already (these counters are this
    # process's own: the test calls run_chunk itself)
    ledger = Ledger(services.env["NARRATE_BROKER_URL"])
    ledger.create_job("job-poison", {"dest": "file:///nowhere", "options": "{}"})
    ledger.set_running("job-poison", 1, 1)
    (ref,) = ledger.plan_chunks("job-poison", {0: [(0, 1)]})
    settings = Settings(max_deliveries=3)
    ledger.redis.hset(ledger.key("job-poison", "deliveries"), ref.field, 3)
    before = counts()

    # When it is delivered once more
    assert not run_chunk(ledger, ref, settings, enqueue=lambda *_: None)

    # Then its job fails, counted under "redeliveries", and the delivery is counted too
    assert ledger.state("job-poison") is JobState.FAILED
    after = counts()
    assert after["failures"] - before["failures"] == 1
    assert after["failed"] - before["failed"] == 1
    assert after["redeliveries"] - before["redeliveries"] == 1


def counts() -> dict[str, float]:
    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    return {
        "failures": sample("narrate_job_failures_total", reason=metrics.REDELIVERED),
        "failed": sample("narrate_jobs_finished_total", state="failed"),
        "redeliveries": sample("narrate_redeliveries_total"),
    }
