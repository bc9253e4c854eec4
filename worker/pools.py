"""How `narrate worker` runs its tasks: Celery's pool, its size, and what it loads first.

Threads by default, on the CPU as on a GPU: several chunk tasks at once in the one process
that owns the voice's sessions, so the process's batcher (`worker.batcher`) sees several
chunks' passages at once, as `narrate synth` sees several chapters'. On a GPU that fills its
batches (with one task at a time the GPU idled between chunks); on the CPU two tasks are
enough: the next chunk's passages take the core that a chunk's last passage leaves idle
(docs/performance.md, "The queue path's chunks two at once on the CPU"). Each thread is one
Celery task slot and the prefetch multiplier stays 1, so the worker holds as many messages
as it runs: none waits behind a stuck task. The threads pool has no hard time limit;
`worker.jobs.held` lets a task's lease lapse past the limit instead.

prefork stays a choice (`NARRATE_WORKER_POOL=prefork`): a process per `--concurrency`, one
task each, each with its own sessions, loaded as the process starts; Celery kills a task past
its time limit, and a crash takes one process.
"""

import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from celery.signals import worker_process_init

from config.errors import PermanentError
from config.settings import Settings, get_settings
from models.pool import get_voice
from models.runtime import resolve_device
from worker.plans import PHONEMIZER, load_phonemizer
from worker.spawn import load_voice_ahead

log = logging.getLogger(__name__)

# Tasks at once of a CPU worker's threads pool, as `narrate synth` keeps two chapters in
# flight on the CPU (`worker.chapters.CPU_CHAPTERS_IN_FLIGHT`).
CPU_TASKS = 2


@dataclass(frozen=True)
class Pool:
    kind: str  # Celery's pool: threads or prefork
    concurrency: int  # tasks at once: threads of one process, or processes

    def argv(self) -> list[str]:
        return [f"--pool={self.kind}", f"--concurrency={self.concurrency}"]


def pool_for(device: str, concurrency: int | None, settings: Settings) -> Pool:
    """The pool for a worker on device; concurrency None: the pool's default (threads:
    `NARRATE_GPU_TASKS` on a GPU, CPU_TASKS on the CPU; prefork: one process)."""
    kind = "threads" if settings.worker_pool == "auto" else settings.worker_pool
    if concurrency is None and kind == "threads":
        concurrency = CPU_TASKS if resolve_device(device) == "cpu" else settings.gpu_tasks
    elif concurrency is None:
        concurrency = 1
    if concurrency < 1:
        raise PermanentError("--concurrency must be 1 or more")
    return Pool(kind, concurrency)


def prepare(pool: Pool, device: str, settings: Settings) -> None:
    """Before Celery starts, in the worker's main process.

    The pool is recorded in the environment, `auto` resolved, for the tasks: a plan task
    spawns a phonemizer process only under the threads pool (prefork's processes are
    daemons, which may have no children). prefork: the cores are shared out among the
    processes, whose voices load after the fork. threads: no fork follows, so the default
    voice loads now, before the worker says it is ready, as a service's model does: the
    first job does not wait for it, and a budget the GPU cannot hold stops the worker here
    with its reason rather than failing every task. On a GPU the phonemizer process for plan
    tasks starts beside it.
    """
    os.environ["NARRATE_WORKER_POOL"] = pool.kind
    if pool.kind == "prefork" and resolve_device(device) == "cpu":
        cores = os.cpu_count() or 1
        os.environ.setdefault("NARRATE_INFERENCE_WORKERS", str(max(1, cores // pool.concurrency)))
    get_settings.cache_clear()  # read again (after the fork, in prefork's processes)
    if pool.kind == "prefork":
        worker_process_init.connect(_load_in_process, weak=False)
        return
    began = time.perf_counter()
    if resolve_device(device) != "cpu":
        PHONEMIZER.submit(load_phonemizer, settings.voice)
    voice = get_voice(settings.voice)
    log.info(
        "voice %s loaded on %s (%s) in %.1f s; %d tasks at once",
        voice.name,
        device,
        voice.precision,
        time.perf_counter() - began,
        pool.concurrency,
    )


def _load_in_process(**_: Any) -> None:
    """A prefork process, as it starts: the default voice loads ahead, as a threads
    worker's loads before it is ready, so that the first job does not wait for it (on 2
    cores it was ~1-2 s of a chapter's job, docs/performance.md, "Queue path on 2 cores").
    In a thread of its own: Celery kills a process whose start takes over 4 s, and a first
    run's load (cutting the graph) may."""
    load_voice_ahead(get_settings().voice)
