"""How a worker's processes share their metrics (`worker.metrics`) and serve them.

Celery's prefork pool runs tasks in child processes, each counting for itself. With
PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes each process's values to files there,
and the worker's main process serves their sum over HTTP. prometheus_client reads that
variable once, when it is first imported, and the pool's children inherit the import: so
`exported` sets it before anything imports prometheus_client, and this module imports it only
inside functions (`worker.service` imports the tasks, which import the metrics, only later).
"""

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIServer

from celery.signals import worker_process_init, worker_process_shutdown

from config.settings import Settings, get_settings

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

log = logging.getLogger(__name__)

DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def exported(settings: Settings) -> Iterator[None]:
    """While the block runs a worker, its processes' metrics go to one directory, whose sum
    is served on settings.metrics_port (unless 0)."""
    inherited = os.environ.get(DIRECTORY)  # whoever set it owns it (`--device cuda:all`)
    if inherited is None and "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its directory was set")
    directory = inherited or _fresh(settings.metrics_dir)
    os.environ[DIRECTORY] = directory
    server = _serve(directory, settings.metrics_port)
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if inherited is None and settings.metrics_dir is None:
            shutil.rmtree(directory, ignore_errors=True)


def _fresh(directory: Path | None) -> str:
    """A directory for this worker's metrics alone: the one given, emptied (the files of an
    earlier run would add to this one's counts), else a new temporary one."""
    if directory is None:
        return tempfile.mkdtemp(prefix="narrate-metrics-")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return str(directory)


def _serve(directory: str, port: int) -> WSGIServer | None:
    """The HTTP server of the directory's metrics; None when port is 0 or taken (a worker
    without metrics still does its work)."""
    if not port:
        return None
    from prometheus_client import CollectorRegistry, start_http_server

    registry = CollectorRegistry()
    registry.register(Processes(directory))
    try:
        server, _ = start_http_server(port, registry=registry)
    except OSError as error:
        log.error("metrics: cannot serve on port %d (%s): set NARRATE_METRICS_PORT", port, error)
        return None
    log.info("metrics: served on port %d, /metrics", port)
    return server


class Processes:
    """A collector of every process's metrics in a directory. A process that died without
    saying so (SIGKILL, the OOM killer) leaves its gauges' files behind: they are dropped at
    each collection, so its GPU memory is no longer counted (its counts are kept)."""

    def __init__(self, directory: str) -> None:
        from prometheus_client.multiprocess import MultiProcessCollector

        self.directory = directory
        self.files = MultiProcessCollector(None, path=directory)

    def collect(self) -> Iterable["Metric"]:
        from prometheus_client import multiprocess

        for path in Path(self.directory).glob("gauge_live*_*.db"):
            pid = int(path.stem.rsplit("_", 1)[1])
            if not _alive(pid):
                multiprocess.mark_process_dead(pid, self.directory)
        metrics: Iterable[Metric] = self.files.collect()
        return metrics


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@worker_process_init.connect
def _watch_gpu_memory(**_: Any) -> None:
    # Each pool process samples its own (nvidia-smi lists memory by process), and only where
    # someone serves the figure: not under a plain `celery worker`, nor on the CPU.
    if DIRECTORY in os.environ and get_settings().device != "cpu":
        from worker import metrics

        metrics.watch_gpu_memory()


@worker_process_shutdown.connect
def _process_gone(**_: Any) -> None:
    if DIRECTORY in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
