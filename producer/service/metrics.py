"""What Prometheus scrapes at /metrics: jobs by state and queue depths, read from Redis at
each scrape (the workers serve their own counts: `worker.metrics`).

With PROMETHEUS_MULTIPROC_DIR set (several API processes), what those processes count is
served too, summed.
"""

import os
from collections.abc import Iterable

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric

from config.jobs import QUEUE, JobState
from worker.exporter import DIRECTORY, Processes
from worker.ledger import Ledger

# Jobs counted by state at each scrape, the most recent: Redis spent 0.16 s on 100,000 (on
# a busy 2-core machine). Totals over all time: the workers' narrate_jobs_finished_total.
JOBS_COUNTED = 100_000
QUEUES = (QUEUE,)


def render(ledger: Ledger, accept: str = "") -> tuple[bytes, str]:
    """The body of a /metrics answer and its content type, in the format the request's
    Accept header asks for (none: Prometheus's text format 0.0.4, as prometheus_client's
    own server answers)."""
    registry = CollectorRegistry()
    registry.register(LedgerCollector(ledger))
    if DIRECTORY in os.environ:
        registry.register(Processes(os.environ[DIRECTORY]))
    encode, content_type = choose_encoder(accept)
    return encode(registry), content_type


class LedgerCollector:
    """Gauges read from the ledger and the broker when Prometheus scrapes."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def collect(self) -> Iterable[Metric]:
        jobs = GaugeMetricFamily(
            "narrate_jobs",
            f"Jobs in the ledger by state, of the {JOBS_COUNTED:,} most recent.",
            labels=["state"],
        )
        counts = self.ledger.count_states(JOBS_COUNTED)
        for state in JobState:
            jobs.add_metric([state.value], counts.get(state, 0))
        yield jobs
        depth = GaugeMetricFamily(
            "narrate_queue_depth",
            "Messages waiting in a queue, by priority step (sum them for the queue's depth); "
            "those delivered and not yet acknowledged are not counted.",
            labels=["queue", "priority"],
        )
        for (queue, step), waiting in self.ledger.queue_depths(QUEUES).items():
            depth.add_metric([queue, str(step)], waiting)
        yield depth
