"""Celery tasks: thin wrappers over `worker.jobs`, which holds the logic.

Retryable errors (storage, broker) retry with backoff; permanent ones fail the job with
their message. A crash of the worker process is not caught here at all: the message goes
back to the queue (`task_reject_on_worker_lost`) and the ledger counts its deliveries.
"""

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import redis

from config.errors import PermanentError, RetryableError
from config.jobs import (
    CHAPTER_TASK,
    CHUNK_TASK,
    FINALIZE_TASK,
    PLAN_TASK,
    PURGE_TASK,
    RECONCILE_TASK,
    REDO_TASK,
    WEBHOOK_TASK,
    RedoRequest,
)
from config.settings import get_settings
from worker import jobs, webhooks
from worker.app import app
from worker.ledger import ChunkRef, Ledger

log = logging.getLogger(__name__)
T = TypeVar("T")


@lru_cache(maxsize=1)
def ledger() -> Ledger:
    return Ledger(get_settings().broker_url)


def enqueue_plan(job_id: str) -> None:
    plan.delay(job_id)


# Chunks queue behind assemblies and finalizers, which go at priority 0 (kombu's Redis
# transport serves 0 first, then 3, 6, 9): a chapter whose chunks are done is assembled
# beside the next chunks' inference instead of after every chunk queued before it. Plans
# go at their job's priority (5 by default: beside the chunks, in the order sent).
CHUNK_PRIORITY = 3


def enqueue_chunk(ref: ChunkRef) -> None:
    chunk.apply_async((ref.job_id, ref.chapter, ref.chunk), priority=CHUNK_PRIORITY)


def enqueue_chapter(job_id: str, chapter_index: int) -> None:
    chapter.delay(job_id, chapter_index)


def enqueue_final(job_id: str) -> None:
    finalize.delay(job_id)


def enqueue_webhook(job_id: str) -> None:
    webhooks.notify(job_id)


def enqueue_purge(job_id: str) -> None:
    purge.delay(job_id)


def _guarded(task: Any, job_id: str, work: Callable[[], T]) -> T | None:
    try:
        return work()
    except PermanentError as error:
        jobs.fail_job(ledger(), job_id, error)
    except (RetryableError, redis.RedisError) as error:
        log.warning("%s: retrying %s: %s", job_id, task.name, error)
        raise task.retry(exc=error, countdown=min(60, 2**task.request.retries)) from error
    return None


@app.task(name=PLAN_TASK, bind=True, max_retries=8)
def plan(self: Any, job_id: str) -> None:
    _guarded(self, job_id, lambda: jobs.plan_job(ledger(), job_id, get_settings(), enqueue_chunk))


@app.task(name=CHUNK_TASK, bind=True, max_retries=8)
def chunk(self: Any, job_id: str, chapter_index: int, chunk_index: int) -> None:
    ref = ChunkRef(job_id, chapter_index, chunk_index)
    _guarded(self, job_id, lambda: jobs.run_chunk(ledger(), ref, get_settings(), enqueue_chapter))


@app.task(name=CHAPTER_TASK, bind=True, max_retries=8)
def chapter(self: Any, job_id: str, chapter_index: int) -> None:
    _guarded(
        self,
        job_id,
        lambda: jobs.assemble_chapter(
            ledger(), job_id, chapter_index, get_settings(), enqueue_final
        ),
    )


@app.task(name=FINALIZE_TASK, bind=True, max_retries=8)
def finalize(self: Any, job_id: str) -> None:
    _guarded(self, job_id, lambda: jobs.finalize_job(ledger(), job_id, get_settings().lease_s))


@app.task(name=PURGE_TASK, bind=True, max_retries=8)
def purge(self: Any, job_id: str) -> None:
    # A worker still on the job is waited for with the retries' backoff (the reconciler
    # sends the purge again past them).
    _guarded(self, job_id, lambda: jobs.purge_job(ledger(), job_id, get_settings().lease_s))


@app.task(name=REDO_TASK, bind=True, max_retries=8)
def redo(self: Any, redo_id: str, job_id: str, request: dict[str, Any]) -> None:
    asked = RedoRequest.model_validate(request)
    _guarded(self, redo_id, lambda: jobs.redo_job(ledger(), redo_id, job_id, asked, get_settings()))


@app.task(name=WEBHOOK_TASK, bind=True, max_retries=None)
def webhook(self: Any, job_id: str) -> None:
    # Retries are bounded by the ledger (webhook_retry_for_s after the job ended), not by
    # a count; a lost retry message is sent again by the reconciler.
    wait = webhooks.attempt(ledger(), job_id, get_settings())
    if wait is not None:
        raise self.retry(countdown=wait)


@app.task(name=RECONCILE_TASK, ignore_result=True)
def reconcile() -> int:
    stale_s = 2 * get_settings().lease_s
    enqueue = (
        enqueue_plan, enqueue_chunk, enqueue_chapter, enqueue_final, enqueue_webhook, enqueue_purge
    )  # fmt: skip
    return jobs.reconcile(ledger(), *enqueue, stale_s)
