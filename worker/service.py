"""Running workers: `narrate worker`, and the reconciler each worker process group runs.

The reconciler is a thread in the worker's main process (started when the worker is ready,
after the pool has forked). Every few seconds, one reconciler in the whole fleet (a Redis
lock decides which) re-enqueues work whose message was lost; see `worker.jobs.reconcile`.

`narrate worker` serves its processes' metrics (`worker.exporter`). This module imports the
tasks only inside functions: they import prometheus_client, which must be imported after the
metrics directory is chosen.
"""

import logging
import os
import threading
from typing import Any

from celery.signals import worker_ready

from config.jobs import QUEUE
from config.settings import get_settings
from models.runtime import providers_for
from worker.app import app
from worker.exporter import exported
from worker.pools import pool_for, prepare

log = logging.getLogger(__name__)


def run_worker(device: str, concurrency: int | None, name: str | None = None) -> int:
    providers_for(device)  # no CUDA where asked for: a clear error now, not in every task
    os.environ["NARRATE_DEVICE"] = device
    get_settings.cache_clear()
    settings = get_settings()
    pool = pool_for(device, concurrency, settings)  # threads on a GPU (worker.pools)
    argv = [
        "worker",
        *pool.argv(),
        "--loglevel=INFO",
        "-Q",
        QUEUE,
        "--without-gossip",
        "--without-mingle",
        *(["--hostname", name] if name else []),
    ]
    # At the level Celery will log at, from now: the voice's load, before Celery starts, says
    # what it loaded and how long it took.
    root = logging.getLogger()
    root.setLevel(min(root.level, logging.INFO))
    # The metrics directory is set before prepare() loads the voice, which imports
    # prometheus_client: it reads the directory once, at import.
    with exported(settings):
        prepare(pool, device, settings)
        app.worker_main(argv)
    return 0


def reconcile_once() -> int:
    from worker import tasks

    ledger, settings = tasks.ledger(), get_settings()
    every = max(1, int(settings.reconcile_every_s))
    if not ledger.redis.set("narrate:reconciler", os.getpid(), nx=True, ex=every):
        return 0  # another worker reconciles this round
    count: int = tasks.reconcile()
    if count:
        log.warning("reconciler: re-enqueued %d lost tasks", count)
    return count


def _loop(stop: threading.Event) -> None:
    while not stop.wait(get_settings().reconcile_every_s):
        try:
            reconcile_once()
        except Exception as error:  # a broker outage must not kill the thread
            log.warning("reconciler: %s", error)


@worker_ready.connect
def _start_reconciler(**_: Any) -> None:
    if get_settings().broker_url:
        threading.Thread(
            target=_loop, args=(threading.Event(),), daemon=True, name="narrate-reconciler"
        ).start()
