"""The reconciler re-sends what was lost, and not what is only waiting its turn."""

from collections.abc import Iterator

import pytest

from config.jobs import QUEUE
from tests.services import Services
from worker.jobs import chunk_lock, reconcile
from worker.ledger import ChunkRef, Ledger, priority_list


@pytest.fixture(scope="module")
def redis_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(tmp_path_factory.mktemp("redis"))
    services.start_redis()
    yield services
    services.stop_redis()


@pytest.fixture
def ledger(redis_only: Services) -> Ledger:
    made = Ledger(redis_only.env["NARRATE_BROKER_URL"])
    made.redis.flushall()
    return made


def running_job(ledger: Ledger, job_id: str, chunks: int) -> list[ChunkRef]:
    ledger.create_job(job_id, {"chapters_total": "1"})
    ledger.set_running(job_id, 1, chunks)
    refs = ledger.plan_chunks(job_id, {0: [(k, k + 1) for k in range(chunks)]})
    for ref in refs:
        ledger.mark_enqueued(job_id, ref.field)
    return refs


def resent(ledger: Ledger) -> list[ChunkRef]:
    chunks: list[ChunkRef] = []
    nothing = lambda *_: None  # noqa: E731 - no other work to find
    reconcile(ledger, nothing, chunks.append, nothing, nothing, nothing, nothing, stale_s=0)
    return chunks


def test_chunks_waiting_behind_a_backlog_are_not_sent_again(ledger: Ledger) -> None:
    refs = running_job(ledger, "job-backlog", 3)
    ledger.redis.lpush(priority_list(QUEUE, 0), "someone else's chunk")
    assert resent(ledger) == []  # still queued, most likely: one message each is enough
    # Delivered once and no lease: its worker died mid-chunk, whatever the queue holds.
    ledger.delivered(refs[1])
    assert resent(ledger) == [refs[1]]
    ledger.redis.set(f"narrate:lock:{chunk_lock(refs[1])}", "1")
    assert resent(ledger) == []  # a live lease: its worker is on it


def test_chunks_are_sent_again_once_the_queue_has_run_dry(ledger: Ledger) -> None:
    refs = running_job(ledger, "job-dry", 3)
    assert sorted(resent(ledger), key=lambda r: r.chunk) == refs  # their messages were lost
    ledger.redis.lpush(priority_list(QUEUE, 3), "a message at priority 3")
    assert resent(ledger) == []  # every priority list counts


def test_an_assembly_just_enqueued_is_not_taken_for_lost(ledger: Ledger) -> None:
    running_job(ledger, "job-assembly", 1)
    ledger.chunk_done(ChunkRef("job-assembly", 0, 0))
    chapters: list[tuple[str, int]] = []

    def sweep(stale_s: float) -> None:
        nothing = lambda *_: None  # noqa: E731 - no other work to find
        reconcile(ledger, nothing, nothing, lambda j, c: chapters.append((j, c)), nothing,
                  nothing, nothing, stale_s=stale_s)  # fmt: skip

    ledger.mark_enqueued("job-assembly", "a0")  # as run_chunk does before it enqueues
    sweep(stale_s=60)
    assert chapters == []
    sweep(stale_s=0)  # overdue: its message was lost
    assert chapters == [("job-assembly", 0)]
