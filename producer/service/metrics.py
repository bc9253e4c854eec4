"""What Prometheus scrapes at /metrics (being written; see the metrics branch)."""

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from worker.ledger import Ledger


def render(ledger: Ledger) -> tuple[bytes, str]:
    return generate_latest(CollectorRegistry()), CONTENT_TYPE_LATEST
