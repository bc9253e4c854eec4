"""The Celery application, configured for at-least-once delivery over Redis.

json only (a pickled message is refused), late acknowledgement, a task whose worker died is
requeued, one message prefetched per task slot (a prefork process, or a thread of a GPU
worker: `worker.pools`), a time limit per chunk well under the visibility timeout (prefork
kills a task past it; the threads pool cannot, and lets its lease lapse instead:
`worker.jobs.held`) (docs/architecture.md, "Reliability"). The producer imports this same
app to send tasks by name (`config.jobs`), so both sides agree; importing it loads Celery
and the settings, not the tasks or the voice (`include` is read when a worker starts).
"""

import logging
import ssl

from celery import Celery

from config.jobs import QUEUE
from config.settings import get_settings

log = logging.getLogger(__name__)


def make_app() -> Celery:
    settings = get_settings()
    app = Celery("narrate", broker=settings.broker_url, include=["worker.tasks", "worker.service"])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.chunk_time_limit_s,
        task_soft_time_limit=max(1, settings.chunk_time_limit_s - 30),
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            "queue_order_strategy": "priority",
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_default_queue=QUEUE,
        # Task events for Flower (or `celery events`) beside the workers: on Redis they are
        # published to subscribers, and none stay queued when nobody listens.
        worker_send_task_events=True,
        task_send_sent_event=True,
    )
    if settings.chunk_time_limit_s >= settings.visibility_timeout_s:
        # Allowed (a test does it on purpose) but worth saying: Redis will hand a chunk that
        # is still running to a second worker. The ledger keeps that harmless, not free.
        log.warning(
            "chunk time limit %ss is not below the visibility timeout %ss",
            settings.chunk_time_limit_s,
            settings.visibility_timeout_s,
        )
    if settings.broker_url.startswith("rediss://"):
        # TLS to Redis: verify the server's certificate (kombu insists on a choice).
        app.conf.broker_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    return app


app = make_app()
