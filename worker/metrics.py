"""What workers count for Prometheus: segments and audio produced, chunks and their time,
redeliveries, jobs finished and why they failed, GPU memory held.

`worker.jobs` calls these where the ledger says something happened for the first time, so
a chunk delivered twice counts its segments once. Under `narrate worker` each pool process
writes its values to a file of its own and the main process serves their sum
(`worker.exporter`, which must choose the directory before this module is imported).
"""

import os
import threading
import time

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.context_managers import Timer

from config.jobs import JobState
from models.runtime import process_gpu_memory_bytes

# From a few segments on a GPU (a fraction of a second) to the chunk time limit on a CPU.
CHUNK_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 900)
# From a CPU process sharing its cores (a few times real time) to a GPU (over 1,000x).
REALTIME_BUCKETS = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
GPU_SAMPLE_EVERY_S = 10.0
# The failure reason of a job whose chunk was delivered settings.max_deliveries times.
REDELIVERED = "redeliveries"

SEGMENTS = Counter(
    "narrate_segments_total",
    "Segments synthesized and stored, each counted once however often its chunk was delivered.",
)
AUDIO = Counter(
    "narrate_audio_seconds_total",
    "Seconds of segment audio produced (without the pauses between segments, which assembly adds).",
)
CHUNK_SECONDS = Histogram(
    "narrate_chunk_seconds",
    "Wall time of the chunk tasks that ran (not those found done).",
    buckets=CHUNK_BUCKETS,
)
REDELIVERIES = Counter(
    "narrate_redeliveries_total",
    "Chunks delivered again: their worker died, they outlived the visibility timeout, a "
    "storage error retried them, or their message was sent twice.",
)
JOBS_FINISHED = Counter(
    "narrate_jobs_finished_total",
    "Jobs (and redos) a worker finished, by final state.",
    ["state"],
)
FAILURES = Counter(
    "narrate_job_failures_total",
    f"Jobs failed, by reason: the error's class (UnknownVoiceError, ...) or {REDELIVERED!r}.",
    ["reason"],
)
REALTIME_FACTOR = Histogram(
    "narrate_job_realtime_factor",
    "A job's book length over its wall time from enqueue to done (queueing included).",
    buckets=REALTIME_BUCKETS,
)
GPU_MEMORY = Gauge(
    "narrate_gpu_memory_bytes",
    "GPU memory the worker processes hold (nvidia-smi), "
    f"sampled every {GPU_SAMPLE_EVERY_S:g} s; 0 on the CPU.",
    multiprocess_mode="livesum",
)

for _state in (JobState.DONE, JobState.FAILED):
    JOBS_FINISHED.labels(_state.value)  # a series at 0 before the first one, for rate()


def segment_stored(audio_s: float) -> None:
    SEGMENTS.inc()
    AUDIO.inc(audio_s)


def redelivered() -> None:
    REDELIVERIES.inc()


def chunk_timer() -> Timer:
    """Observes the time its `with` block takes (an error's included)."""
    return CHUNK_SECONDS.time()


def job_done(audio_s: float, wall_s: float) -> None:
    JOBS_FINISHED.labels(JobState.DONE.value).inc()
    if wall_s > 0:
        REALTIME_FACTOR.observe(audio_s / wall_s)


def redo_done() -> None:
    JOBS_FINISHED.labels(JobState.DONE.value).inc()


def job_failed(reason: str) -> None:
    """reason: one of a few words (REDELIVERED, an error's class), never a message: each
    value is a time series of its own."""
    JOBS_FINISHED.labels(JobState.FAILED.value).inc()
    FAILURES.labels(reason).inc()


def watch_gpu_memory(every_s: float = GPU_SAMPLE_EVERY_S) -> threading.Thread:
    """Sample this process's GPU memory every every_s seconds, in a daemon thread."""

    def sample() -> None:
        while True:  # until the process ends
            held = process_gpu_memory_bytes(os.getpid())
            if held is not None:
                GPU_MEMORY.set(held)
            time.sleep(every_s)

    thread = threading.Thread(target=sample, daemon=True, name="narrate-gpu-memory")
    thread.start()
    return thread
