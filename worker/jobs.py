"""A queued job's life, as plain functions the Celery tasks call (tests call them directly).

plan_job ─► run_chunk (many, any order, any number of times) ─► assemble_chapter (once per
chapter, in effect) ─► finalize_job (once, manifest last); a cancelled job ─► purge_job once
its workers have stopped on it. Each function takes what to enqueue next as a callable, so
nothing here imports Celery; the end of a job goes through `worker.webhooks.finish`, which
loads Celery only to send a job's webhook.

Exactly-once *results* come from deterministic keys and the ledger's atomic transitions:
a chunk stores each segment's audio before it marks itself done, skips segments already
stored when delivered again, and only the call that completes a chapter's last chunk
enqueues its assembly. A chapter object is uploaded only if the stored one differs.
"""

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import UTC, datetime

from pydantic import ValidationError

from config.errors import JobBusyError, PermanentError
from config.jobs import FINAL, QUEUE, JobState, RedoRequest
from config.layout import SOURCE_KEY, marks_key
from config.manifest import ChapterMarks, QAFinding
from config.manuscript import Manuscript
from config.settings import Settings, SynthesisOptions
from models.extras import check_options
from models.pool import get_voice
from models.runtime import resolve_device
from models.voice import VoiceOutput
from models.wording import Wording
from worker import metrics, takes, webhooks
from worker.audio import ChapterSpool, PiecesAhead
from worker.deliver import Delivery, deliver_book
from worker.ledger import ChunkRef, Ledger, purge_lock
from worker.ordered import in_order
from worker.plans import PLANS, StoredPlan, chapter_plans, stored_plan
from worker.redo import redo
from worker.segment import segment_chapter
from worker.stages import (
    ChapterPlan,
    Narrator,
    checked,
    store_chapter,
    synthesize_passages,
    write_manifest,
)
from worker.storage import Storage, open_storage

log = logging.getLogger(__name__)

EnqueueChunk = Callable[[ChunkRef], None]
EnqueueChapter = Callable[[str, int], None]
EnqueueFinal = Callable[[str], None]
EnqueuePurge = Callable[[str], None]


# Segments a chapter's assembly fetches at once.
FETCHED_AHEAD = 16


def segment_key(chapter: int, segment: int) -> str:
    """Where a chunk stores one segment's audio until its chapter is assembled."""
    return f"{segments_folder(chapter)}/{segment:05d}.npz"


def segments_folder(chapter: int) -> str:
    return f"work/{chapter:03d}"


class Job:
    """What a task needs of a job: its options, storage and manuscript."""

    def __init__(self, ledger: Ledger, job_id: str) -> None:
        self.id = job_id
        self.record = ledger.job(job_id)
        self.options = _stored_options(job_id, self.record["options"])
        self.storage: Storage = open_storage(self.record["dest"]).child(job_id)
        self._manuscript: Manuscript | None = None

    @property
    def manuscript(self) -> Manuscript:
        if self._manuscript is None:
            self._manuscript = Manuscript.model_validate(self.storage.get_json(SOURCE_KEY))
        return self._manuscript

    def stored_plan(self, chapter: int, settings: Settings) -> StoredPlan:
        """The chapter's plan as the plan task stored it."""
        manuscript = self.manuscript
        wording = Wording.of(manuscript)
        return stored_plan(
            self.storage, self.options.voice, manuscript.chapters[chapter], wording, settings
        )

    def plan(self, chapter: int, settings: Settings) -> ChapterPlan:
        """The chapter's plan for the voice, read from storage rather than phonemized,
        once per process (`worker.plans.ChapterPlans`)."""
        voice = get_voice(self.options.voice)

        def make() -> ChapterPlan:
            stored = self.stored_plan(chapter, settings)
            wording = Wording.of(self.manuscript)
            manuscript_chapter = self.manuscript.chapters[chapter]
            return stored.plan(voice, manuscript_chapter, self.options, settings, wording)

        return PLANS.get((self.id, chapter, id(voice)), make)


def _stored_options(job_id: str, stored: str) -> SynthesisOptions:
    """The job's options as they were queued; options that are refused now (a seed below 0,
    queued before seeds were checked) fail the job with the reason, as a retry cannot help."""
    try:
        return SynthesisOptions.model_validate_json(stored)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PermanentError(
            f"{job_id}: its options are refused: {where} {first['input']!r}: {first['msg']}"
        ) from error


def plan_job(ledger: Ledger, job_id: str, settings: Settings, enqueue: EnqueueChunk) -> int:
    """Cut a job into chunk tasks and enqueue those not done, a chapter at a time as each is
    planned; returns how many. One delivery plans a job at a time; if it dies, its lease
    lapses and the reconciler enqueues the plan again."""
    job = Job(ledger, job_id)
    if JobState(job.record["state"]) in FINAL:
        return 0
    check_options(job.options)  # this worker lacks an extra the job needs: it fails now
    lock, limit = plan_lock(job_id), settings.chunk_time_limit_s
    with held(ledger, lock, settings.lease_s, exclusive=True, limit_s=limit) as mine:
        return _plan_chapters(ledger, job, settings, enqueue) if mine else 0


def _plan_chapters(ledger: Ledger, job: Job, settings: Settings, enqueue: EnqueueChunk) -> int:
    # Segmenting is quick and gives the totals; phonemizing is the work, done once per
    # chapter by the phonemizer alone (no voice sessions), and each chapter's chunks start
    # while the next chapters are phonemized.
    manuscript = job.manuscript
    segmented = [segment_chapter(ch.text, settings.segmenting) for ch in manuscript.chapters]
    if not ledger.set_running(job.id, len(segmented), sum(map(len, segmented))):
        return 0  # cancelled since plan_job read it
    # On a GPU espeak-ng goes to a process of its own, off the GIL of the inference
    # threads; only the threads pool has them (and may start processes: prefork's are
    # daemons, which may not).
    apart = settings.worker_pool == "threads" and resolve_device(settings.device) != "cpu"
    # Asked between a chapter's segments too: a cancel is not kept waiting for the end of
    # a long chapter's phonemizing (nor is the purge, which waits for the plan's lock).
    ended = EndWatch(ledger, job.id)
    voice = job.options.voice
    plans = chapter_plans(job.storage, voice, manuscript, segmented, settings, apart, ended)
    queued = 0
    for chapter, plan in plans:
        if ledger.state(job.id) in FINAL:  # cancelled: the chapters left are not planned
            break
        pending = ledger.plan_chunks(job.id, {chapter: plan.chunks(job.options, settings)})
        for ref in (ref for ref in pending if ref.chapter == chapter):
            ledger.mark_enqueued(job.id, ref.field)
            enqueue(ref)
            queued += 1
    log.info("%s: planned %d chapters, %d chunks queued", job.id, len(segmented), queued)
    return queued


def run_chunk(ledger: Ledger, ref: ChunkRef, settings: Settings, enqueue: EnqueueChapter) -> bool:
    """Synthesize a chunk's segments not stored yet; True if this call completed it."""
    if ledger.state(ref.job_id) in FINAL or not ledger.is_chunk_queued(ref):
        return False
    deliveries = ledger.delivered(ref)
    if deliveries > 1:
        metrics.redelivered()
    if deliveries > settings.max_deliveries:
        reason = (
            f"chunk {ref.field} was delivered {deliveries - 1} times without finishing "
            "(it crashes or outlives its worker): giving up on the job"
        )
        if webhooks.finish(ledger, ref.job_id, JobState.FAILED, reason):
            metrics.job_failed(metrics.REDELIVERED)
            log.error("%s: %s", ref.job_id, reason)
        return False
    with metrics.chunk_timer():
        job = Job(ledger, ref.job_id)
        chapter, first, last = ledger.chunk_args(ref)
        plan = job.plan(chapter, settings)
        lease = settings.lease_s
        with held(ledger, chunk_lock(ref), lease, limit_s=settings.chunk_time_limit_s):
            if not _synthesize_missing(job, plan, first, last, settings, ledger):
                return False  # its job has ended
        finished, chapter_complete = ledger.chunk_done(ref)
    if chapter_complete:
        ledger.mark_enqueued(ref.job_id, f"a{chapter}")  # the reconciler's clock
        enqueue(ref.job_id, chapter)
    return finished


def _synthesize_missing(
    job: Job, plan: ChapterPlan, first: int, last: int, settings: Settings, ledger: Ledger
) -> bool:
    """Synthesize the passages first..last-1 that an earlier delivery did not finish; False
    if the job ended (a cancel) before they were: no segment is stored after that."""
    voice = get_voice(job.options.voice)
    index = plan.chapter.index
    stored = job.storage.listed(segments_folder(index))  # one request, not one per passage
    missing = [
        p
        for p in range(first, last)
        if not all(
            segment_key(index, plan.first_segment(p) + j) in stored
            for j in range(len(plan.passages[p]))
        )
    ]
    _count_stored(job, plan, [p for p in range(first, last) if p not in missing], ledger)
    options, wording = job.options, plan.wording  # the job's: no manuscript to read
    ended = EndWatch(ledger, job.id)
    for run_first, run_last in _runs(missing):
        findings: list[QAFinding] = []
        narrated = synthesize_passages(voice, plan, run_first, run_last, options, settings)
        outputs = _while_running(ended, narrated)
        for i, output in checked(outputs, voice, plan, options, settings, wording, findings):
            # Read under the chunk's lock: a purge waits for it, so a write that follows
            # a cancel by up to the watch's interval still comes before the files go.
            if ended():
                return False
            found = [f for f in findings if f.segment == i]
            job.storage.put_bytes(segment_key(index, i), takes.encode(output, found))
            audio_s = len(output.audio) / voice.sample_rate
            if ledger.segment_stored(job.id, index, i, audio_s):
                metrics.segment_stored(audio_s)
        ledger.add_findings(job.id, [f for f in findings if not f.fixed])
    # A cancel may come as the outputs run out (`_while_running` then yields nothing more):
    # the chunk is not done, whatever it stored. Read now, not at the watch's pace.
    return not ledger.ended(job.id)


# How often a chunk asks the ledger whether its job has ended: a read per segment, twice,
# was most of a chunk's round trips to Redis; a passage takes longer than this to narrate.
# A plan asks as often between the segments it phonemizes (a few ms each).
ENDED_EVERY_S = 0.25
_clock = time.monotonic  # the watch's; a test stops it


class EndWatch:
    """Whether a job has ended, asked of the ledger at most every ENDED_EVERY_S; once
    ended, always."""

    def __init__(self, ledger: Ledger, job_id: str, every_s: float = ENDED_EVERY_S) -> None:
        self._ledger, self._job_id, self._every_s = ledger, job_id, every_s
        self._ended = False
        self._next_s = float("-inf")

    def __call__(self) -> bool:
        now = _clock()
        if not self._ended and now >= self._next_s:
            self._ended = self._ledger.ended(self._job_id)
            self._next_s = now + self._every_s
        return self._ended


def _while_running(
    ended: Callable[[], bool], outputs: Iterator[tuple[int, VoiceOutput]]
) -> Iterator[tuple[int, VoiceOutput]]:
    """The outputs until the job ends: a chunk stops within a passage of a cancel rather
    than narrating the rest of it (the checks group minutes of audio before they yield)."""
    try:
        for item in outputs:
            if ended():
                return
            yield item
    finally:
        if isinstance(outputs, Generator):
            outputs.close()  # the narration lets its batches go now, not when collected


def _count_stored(job: Job, plan: ChapterPlan, passages: list[int], ledger: Ledger) -> None:
    """Count the segments an earlier delivery stored but did not live to count (killed
    between the two): they are not synthesized again, so they are counted here."""
    index, rate = plan.chapter.index, get_voice(job.options.voice).sample_rate
    for p in passages:
        for i in range(plan.first_segment(p), plan.first_segment(p) + len(plan.passages[p])):
            if not ledger.segment_counted(job.id, index, i):
                take = takes.decode(job.storage.get_bytes(segment_key(index, i)))
                ledger.segment_stored(job.id, index, i, len(take.audio) / rate)


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs [(first, last+1)] of sorted indexes."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def chunk_lock(ref: ChunkRef) -> str:
    return _chunk_lock(ref.job_id, ref.field)


def _chunk_lock(job_id: str, field: str) -> str:
    return f"{job_id}:chunk:{field}"


def chapter_lock(job_id: str, chapter: int) -> str:
    return f"{job_id}:chapter:{chapter}"


def plan_lock(job_id: str) -> str:
    return f"{job_id}:plan"


def final_lock(job_id: str) -> str:
    return f"{job_id}:final"


def job_locks(ledger: Ledger, job_id: str) -> list[str]:
    """Every lock a worker running some of the job's work holds."""
    chapters = range(int(ledger.job(job_id).get("chapters_total", 0)))
    chunks = [_chunk_lock(job_id, field) for field in ledger.chunk_fields(job_id)]
    return [
        plan_lock(job_id),
        final_lock(job_id),
        *chunks,
        *(chapter_lock(job_id, c) for c in chapters),
    ]


@contextmanager
def held(
    ledger: Ledger,
    name: str,
    ttl_s: int,
    exclusive: bool = False,
    limit_s: float | None = None,
) -> Iterator[bool]:
    """Hold a lock renewed by a heartbeat while the block runs; yields whether it was taken.

    If the process dies, the lock expires ttl_s later: that is how the reconciler tells work
    that is running from work that was lost with its worker. Past limit_s the heartbeat
    stops, as if the worker had died: Celery's threads pool cannot kill a stuck task as
    prefork's time limit does, so its lease expires and the reconciler hands the work to
    another worker (the ledger keeps a late finish of the first harmless).
    """
    taken = ledger.try_lock(name, ttl_s)
    if exclusive and not taken:
        yield False
        return
    if not taken:
        ledger.renew(name, ttl_s)
    stop = threading.Event()
    began = time.monotonic()

    def beat() -> None:
        while not stop.wait(ttl_s / 3):
            if limit_s is not None and time.monotonic() - began > limit_s:
                log.warning("%s: still running past %s s: its lease lapses", name, limit_s)
                return
            ledger.renew(name, ttl_s)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join()
        ledger.unlock(name)


def assemble_chapter(
    ledger: Ledger, job_id: str, chapter: int, settings: Settings, enqueue: EnqueueFinal
) -> bool:
    """Assemble one chapter from its stored segments; True if this call recorded it."""
    if ledger.state(job_id) in FINAL or chapter in ledger.chapters_assembled(job_id):
        return False
    if not ledger.chapter_complete(job_id, chapter):
        return False  # sent before its job was cancelled and enqueued again: not yet due
    # One assembly of a chapter at a time, so its object is uploaded once; if the holder
    # dies, the lock expires and the reconciler enqueues the chapter again.
    lock, limit = chapter_lock(job_id, chapter), settings.chunk_time_limit_s
    with held(ledger, lock, settings.lease_s, exclusive=True, limit_s=limit) as mine:
        if not mine or ledger.state(job_id) in FINAL:  # cancelled before the lock was taken
            return False
        _assemble(Job(ledger, job_id), chapter, settings)
    assembled = ledger.chapter_done(job_id, chapter)
    if assembled and assembled == int(ledger.job(job_id).get("chapters_total", -1)):
        ledger.mark_enqueued(job_id, "final")  # the reconciler's clock
        enqueue(job_id)
    return assembled > 0


def _assemble(job: Job, chapter: int, settings: Settings) -> None:
    """The chapter's segments fetched FETCHED_AHEAD at a time (on S3 each is a round trip)
    and its pieces resampled as their segments arrive, as `narrate synth` resamples them
    while it narrates; then stored as `narrate synth` stores a chapter."""
    plan = job.plan(chapter, settings)
    voice = get_voice(job.options.voice)
    findings: list[QAFinding] = []
    keys = [segment_key(chapter, i) for i in range(len(plan.segments))]
    breaks = [segment.brk for segment in plan.segments]
    with (
        ChapterSpool(voice.sample_rate, directory=job.storage.scratch()) as spool,
        ThreadPoolExecutor(FETCHED_AHEAD, "fetch") as fetcher,
        ThreadPoolExecutor(max(1, settings.assembly.threads), "resample") as resampler,
    ):
        ahead = PiecesAhead(spool, breaks, settings.assembly, job.options.sample_rate, resampler)
        fetched = in_order(fetcher, job.storage.get_bytes, keys, FETCHED_AHEAD)
        try:
            with closing(fetched):
                for i, data in enumerate(fetched):
                    take = takes.decode(data)
                    spool.add(i, take.audio, take.part_samples, breaks[i], take.word_samples)
                    ahead.added(i)
                    findings += take.findings
            ahead.wait()
        except BaseException:
            ahead.cancel()  # before the spool goes: nothing writes to it afterwards
            raise
        delivery = Delivery.of(job.manuscript, job.options)
        done = store_chapter(
            plan, spool, job.options, settings, job.storage, job.id, delivery, findings
        )
        done.result()  # in line: its formats encoded and stored, or their error raised


def finalize_job(ledger: Ledger, job_id: str, lease_s: int) -> bool:
    """Write the manifest (last) and mark the job done; True for the call that did. Under a
    lock, as the other steps run, so that a cancelled job's files are removed after it."""
    job = Job(ledger, job_id)
    total = int(job.record.get("chapters_total", -1))
    if JobState(job.record["state"]) in FINAL or len(ledger.chapters_assembled(job_id)) != total:
        return False  # ended, or sent before its job was cancelled and enqueued again
    with held(ledger, final_lock(job_id), lease_s, exclusive=True) as mine:
        return mine and ledger.state(job_id) not in FINAL and _finalize(ledger, job)


def _finalize(ledger: Ledger, job: Job) -> bool:
    job_id = job.id
    entries = [
        ChapterMarks.model_validate(job.storage.get_json(marks_key(ch.index))).entry
        for ch in job.manuscript.chapters
    ]
    started = datetime.fromtimestamp(float(job.record["created_at"]), UTC).isoformat(
        timespec="seconds"
    )
    voice = get_voice(job.options.voice)
    delivery = Delivery.of(job.manuscript, job.options)
    book = deliver_book(delivery, job.storage, entries, job.storage.scratch())
    metadata = job.manuscript.metadata
    narrator = Narrator.of(voice)
    write_manifest(job.storage, job_id, narrator, job.options, entries, started, metadata, book)
    book_s = sum(entry.duration_s for entry in entries)
    ledger.set_audio(job_id, book_s)
    finished = webhooks.finish(ledger, job_id, JobState.DONE)
    if finished:
        metrics.job_done(book_s, time.time() - float(job.record["created_at"]))
    job.storage.delete_prefix("work/")  # segment audio, no longer needed
    return finished


def purge_job(ledger: Ledger, job_id: str, lease_s: int = 30) -> bool:
    """Remove a cancelled job's files from its destination (the finished chapters too: with
    no manifest they are debris to a publisher, and the job starts over if enqueued again)
    once no worker runs any of its work; True for the call that removed them. A redo's
    files are its job's, and stay."""
    # Under the purge's lock, which a restart waits for, and with the state read once it is
    # held: a job enqueued again meanwhile keeps its new run's files.
    with held(ledger, purge_lock(job_id), lease_s, exclusive=True) as mine:
        return mine and _purge(ledger, job_id)


def _purge(ledger: Ledger, job_id: str) -> bool:
    record = ledger.job(job_id)
    if record["state"] != JobState.CANCELLED or "redo_of" in record or "purged_at" in record:
        return False
    if ledger.any_locked(job_locks(ledger, job_id)):
        raise JobBusyError(f"{job_id}: cancelled, and a worker is still on it")
    try:  # create=False: a destination gone already is not made again to be emptied
        open_storage(record["dest"], create=False).delete_prefix(job_id)
    except PermanentError as error:
        # Retrying cannot help (a bucket gone, access denied): said once, and kept on the
        # job, where the reconciler sees it and sends no more purges.
        ledger.purge_failed(job_id, str(error))
        log.error("%s: cancelled, but its files cannot be removed: %s", job_id, error)
        return False
    ledger.mark_purged(job_id)
    log.info("%s: cancelled: its files are removed", job_id)
    return True


def redo_job(
    ledger: Ledger, redo_id: str, job_id: str, request: RedoRequest, settings: Settings
) -> bool:
    """`narrate redo` of a finished job, against its storage; True for the call that
    finished it. A redelivery finishes or repeats nothing (`worker.redo`)."""
    if ledger.state(redo_id) in FINAL or not ledger.set_running(redo_id, 1, 1):
        return False  # ended, perhaps cancelled since it was read: nothing is redone
    entry = redo(Job(ledger, job_id).storage, request, settings)
    # Its one chapter and segment counted, so that `narrate wait` shows a done redo whole.
    segment = entry.segments[request.segment]
    ledger.segment_stored(redo_id, entry.index, request.segment, segment.end_s - segment.start_s)
    ledger.chapter_done(redo_id, entry.index)
    finished = ledger.finish(redo_id, JobState.DONE)
    if finished:
        metrics.redo_done()
    return finished


def fail_job(ledger: Ledger, job_id: str, error: Exception) -> None:
    """A permanent error ends the job with its message; other jobs go on."""
    message = (
        str(error) if isinstance(error, PermanentError) else f"{type(error).__name__}: {error}"
    )
    if webhooks.finish(ledger, job_id, JobState.FAILED, message):
        metrics.job_failed(type(error).__name__)
        log.error("%s: failed: %s", job_id, message)


def _unplanned(ledger: Ledger, job_id: str, record: Mapping[str, str]) -> bool:
    """Queued, or running with chapters left to plan (its plan task died part way); a
    redo is a task of its own, never planned."""
    state = JobState(record["state"])
    if "redo_of" in record or state not in {JobState.QUEUED, JobState.RUNNING}:
        return False
    total = int(record.get("chapters_total", -1))
    return state is JobState.QUEUED or ledger.planned_chapters(job_id) < total


def _unpurged(record: Mapping[str, str]) -> bool:
    """Cancelled, its files not yet removed (`purge_job`) nor found impossible to remove."""
    cancelled = record["state"] == JobState.CANCELLED and "redo_of" not in record
    return cancelled and "purged_at" not in record and "purge_error" not in record


def reconcile(
    ledger: Ledger,
    enqueue_plan: EnqueueFinal,
    enqueue_chunk: EnqueueChunk,
    enqueue_chapter: EnqueueChapter,
    enqueue_final: EnqueueFinal,
    enqueue_webhook: EnqueueFinal,
    enqueue_purge: EnqueuePurge,
    stale_s: float,
) -> int:
    """Re-enqueue the work of running jobs that nobody runs and nobody will, because its
    message was lost (a worker killed before acknowledging, a broker restarted): plans
    never run or cut short, chunks without a live lease, complete chapters not assembled,
    finished jobs not finalized, webhooks overdue, cancelled jobs' files not removed.
    Duplicates are harmless (every step is idempotent); returns how much was re-enqueued."""
    # Webhooks from their own index, not by reading every final job: a pending one is due
    # at its next attempt, so one waiting out its backoff is not taken for lost.
    count = 0
    for job_id in ledger.webhooks_due(before=time.time() - stale_s):
        if ledger.claim_overdue(job_id, "webhook", stale_s):
            enqueue_webhook(job_id)
            count += 1
    idle = not any(ledger.queue_depths([QUEUE]).values())
    for job_id in ledger.jobs(limit=1000):
        record = ledger.job(job_id)
        state = JobState(record["state"])
        if _unpurged(record) and ledger.claim_overdue(job_id, "purge", stale_s):
            enqueue_purge(job_id)
            count += 1
        if (
            _unplanned(ledger, job_id, record)
            and not ledger.locked(plan_lock(job_id))
            and ledger.claim_overdue(job_id, "plan", stale_s)
        ):
            enqueue_plan(job_id)  # its plan task may have died with a worker
            count += 1
        if state is not JobState.RUNNING:
            continue
        for ref in ledger.pending_chunks(job_id):
            # A chunk never delivered is most likely waiting behind others: sent again
            # each round, a night's backlog would grow by a message per chunk a minute.
            # Its message can only have been lost if the queue has run dry.
            if ledger.locked(chunk_lock(ref)) or not (idle or ledger.deliveries(ref)):
                continue
            if ledger.claim_overdue(job_id, ref.field, stale_s):
                enqueue_chunk(ref)
                count += 1
        assembled = ledger.chapters_assembled(job_id)
        total = int(record.get("chapters_total", -1))
        for chapter in range(max(total, 0)):
            if (
                chapter not in assembled
                and ledger.chapter_complete(job_id, chapter)
                and ledger.claim_overdue(job_id, f"a{chapter}", stale_s)
            ):
                enqueue_chapter(job_id, chapter)
                count += 1
        if len(assembled) == total and ledger.claim_overdue(job_id, "final", stale_s):
            enqueue_final(job_id)
            count += 1
    return count
