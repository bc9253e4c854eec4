"""Chapters of one book narrated in this process: several at once, their passages sharing
the process's batches, each stored (its audio, marks, other formats) as soon as it is
narrated.

`worker.pipeline` runs it for `narrate synth`, over the chapters left to narrate; on a GPU
`worker.narrators` runs it in each of several processes, over their parts of the book.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from config.errors import PermanentError
from config.jobs import job_id_for
from config.manifest import ChapterEntry, QAFinding
from config.manuscript import Manuscript
from config.settings import Settings, SynthesisOptions
from models.pool import get_voice, is_loaded
from models.runtime import resolve_device
from models.voice import Voice
from models.wording import Wording
from worker.audio import ChapterSpool, PiecesAhead
from worker.deliver import Delivery
from worker.joined import share_slots
from worker.memory import release_free_memory
from worker.ordered import Ahead
from worker.segment import Segment
from worker.spawn import encoding_slots, helper_pool, result_awake, wait_awake
from worker.stages import (
    ChapterPlan,
    Narrator,
    checked,
    plan_chapter,
    store_chapter,
    synthesize_passages,
)
from worker.storage import Storage
from worker.synthesize import (
    PHONEMIZED_AHEAD,
    Said,
    phonemize_apart,
    phonemize_here,
    phonemizer_for,
)
from worker.timing import add_busy

log = logging.getLogger(__name__)

# Segments from which a process warms its voice up for memory held flat over a long run
# (`_long_run`).
LONG_RUN_SEGMENTS = 800
# Chapters narrated at once on the CPU (`chapters_in_flight`).
CPU_CHAPTERS_IN_FLIGHT = 2


@dataclass(frozen=True)
class Book:
    """What every chapter of one narration shares: the manuscript, its options, where its
    files go, and its chapters' segments."""

    manuscript: Manuscript
    options: SynthesisOptions
    storage: Storage
    segmented: list[list[Segment]]


@dataclass(frozen=True)
class Narrated:
    """Chapters narrated and stored (by their index in the manuscript's list), and who
    narrated them."""

    entries: dict[int, ChapterEntry]
    narrator: Narrator


def narrate_chapters(
    book: Book,
    settings: Settings,
    todo: list[int],
    counted: Callable[..., None],
    voice: Voice | None = None,
    stop: Callable[[], bool] = lambda: False,
    slots: Any = None,
    phonemizer: Executor | None = None,
) -> Narrated:
    """Narrate and store the chapters `todo` names (indexes into book.segmented), in that
    order, several at once; a chapter not begun when `stop()` turns true is not begun.
    `slots`: the host's encoding slots, where several processes narrate the book;
    `phonemizer`: a phonemizer process for the book's voice started ahead
    (`phonemizer_ahead`), used where chapters are phonemized apart, shut down here."""
    manuscript, options, storage = book.manuscript, book.options, book.storage
    job_id = job_id_for(manuscript, options)
    wording = Wording.of(manuscript)
    texts = [chapter.text for chapter in manuscript.chapters]
    phonemizer, said, voice = _phonemize(
        todo, book.segmented, texts, options, settings, voice, wording, phonemizer
    )
    try:
        delivery = Delivery.of(manuscript, options)
        encoders = _encoders(settings, slots) if delivery.encodes() and todo else None
    except BaseException:  # no encoding processes: nothing is narrated, nor phonemized
        _stop_phonemizing(said, phonemizer)
        raise
    in_flight = chapters_in_flight(settings, voice)
    # A chapter's slot is free again once its narration ends: its assembly goes on in
    # threads of its own, so the next chapter's passages reach the GPU at once.
    assembler = ThreadPoolExecutor(in_flight, "store") if in_flight > 1 else None
    resampler = ThreadPoolExecutor(max(1, settings.assembly.threads), "resample")
    target = Target(storage, job_id, delivery, wording, encoders, assembler, resampler)

    def one(i: int) -> "Future[ChapterEntry]":
        chapter = manuscript.chapters[i]
        if stop():
            raise ChaptersStopped(f"{job_id}: chapter {chapter.index} not begun: a part failed")
        phonemes, links = _counted_result(said.take(i))
        log.debug("%s: chapter %d begun", job_id, chapter.index)
        counted(0, 0.0, begun=1)
        plan = plan_chapter(
            voice, chapter, options, settings, book.segmented[i], phonemes, wording, links
        )
        # The book's last chapter on the CPU: nothing is begun after it, so --qa asr's
        # last group may take every core (the chapter before it, if running, ends first).
        last = i == todo[-1] and voice.batch_budget <= 0
        stored = _narrate_chapter(voice, plan, options, settings, target, counted, last)
        stored.add_done_callback(partial(_chapter_done, counted))
        return stored

    # Chapters in flight together: their passages share batches, and one chapter's
    # assembly (resampling, limiting, writing) overlaps the others' inference; its other
    # formats are encoded in processes of their own while the next chapters are narrated.
    pool = ThreadPoolExecutor(max_workers=in_flight)
    futures: dict[int, Future[Future[ChapterEntry]]] = {}
    try:
        futures.update((i, pool.submit(one, i)) for i in todo)
        entries = {i: result_awake(result_awake(futures[i])) for i in todo}
    finally:  # after a failure, chapters not yet begun are not begun; running ones finish
        # and are stored, their encodings too, queued or not (a chapter begun as a stop
        # came was narrated and assembled, then lost where its MP3 waited in the queue:
        # seen in `make test`). The encoding processes' pool is waited for: one shut down
        # without waiting can lose the sentinel that ends its helper if this process exits
        # soon after (a narrating process does), and the exit then hangs joining it
        # (cpython#83386; seen once in `make test`).
        _stop_phonemizing(said, phonemizer)
        pool.shutdown(wait=False, cancel_futures=True)
        wait_awake(futures.values())  # the chapters begun: a second signal still heard
        pool.shutdown(wait=True)
        if assembler:  # a chapter narrated is stored, failure or not: a resume keeps it
            assembler.shutdown(wait=True)
        resampler.shutdown(wait=True)
        if encoders:
            encoders.shutdown(wait=True)
    return Narrated(entries, Narrator.of(voice))


class ChaptersStopped(PermanentError):
    """A chapter was not begun because another process's part of the book failed."""


def _phonemize(
    todo: list[int],
    segmented: list[list[Segment]],
    texts: list[str],
    options: SynthesisOptions,
    settings: Settings,
    voice: Voice | None,
    wording: Wording,
    ahead: Executor | None = None,
) -> tuple[Executor, "Ahead[int, tuple[Said, float]]", Voice]:
    """The voice, and each chapter's phonemes and word links to come, phonemized in the
    order given, PHONEMIZED_AHEAD chapters ahead of those begun.

    espeak-ng keeps one global state per process, so chapters are phonemized one after
    another: the first chapter reaches the inference threads after its own phonemes, not
    after those of every chapter in flight (seconds of an idle GPU). It also holds
    the GIL while it works, so on a GPU host it runs in a process of its own, started before
    the voice loads: the first chapters' phonemes are ready about when the voice is, and the
    inference threads never wait for the GIL behind it. On the CPU too while the voice is
    still to load: one core cuts its graph on a first run while the other phonemizes
    (docs/performance.md, "CPU (2 cores)"); a voice already loaded gets a thread, the cores
    being busy with inference anyway.
    A chapter's word links (espeak-ng again, each word said alone) are made there too, with
    its phonemes, rather than after its inference.
    """
    if _phonemize_apart(settings, voice, options.voice):
        pool: Executor = ahead or helper_pool(1)
        apart = Ahead(
            lambda i: pool.submit(phonemize_apart, options.voice, segmented[i], wording, texts[i]),
            todo,
            PHONEMIZED_AHEAD,
        )
        try:
            voice = voice or get_voice(options.voice, long_run=_long_run(todo, segmented))
        except BaseException:
            _stop_phonemizing(apart, pool)
            raise
        return pool, apart, voice
    if ahead:  # not needed: phonemized here
        ahead.shutdown(wait=False)
    here_voice = voice or get_voice(options.voice, long_run=_long_run(todo, segmented))
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phonemize")

    def here(i: int) -> tuple[Said, float]:  # its seconds are counted as it runs (`timed`)
        return phonemize_here(here_voice, options.voice, segmented[i], wording, texts[i]), 0.0

    return pool, Ahead(lambda i: pool.submit(here, i), todo, PHONEMIZED_AHEAD), here_voice


def phonemizer_ahead(voice: str) -> Executor:
    """A phonemizer process for `voice`, started now and loading its phonemizer, for
    `narrate_chapters` to be given. A GPU's narrating process starts one as it starts
    (`worker.narrators`): started with the chapters, its start and the first chapter's
    phonemes came after the voice, loaded ahead, was ready, and the GPU waited for them
    (docs/performance.md, "The narrating processes forked ready")."""
    return helper_pool(1, phonemizer_for, (voice,), start=True)


def _stop_phonemizing(said: "Ahead[int, tuple[Said, float]]", pool: Executor) -> None:
    """Nothing more phonemized: what is queued cancelled, and the pool shut down (waited
    for: see narrate_chapters)."""
    said.cancel()
    pool.shutdown(wait=True, cancel_futures=True)


def _long_run(todo: list[int], segmented: list[list[Segment]]) -> bool:
    """Whether this process narrates enough for its memory to be held flat from the start
    (`PiperVoice.warm_up`); the CPU soak's RSS stepped up at 900 segments at the earliest."""
    return sum(len(segmented[i]) for i in todo) >= LONG_RUN_SEGMENTS


def _chapter_done(counted: Callable[..., None], stored: "Future[ChapterEntry]") -> None:
    # The chapter's audio is freed now; what it leaves in the heap goes back to the system
    # here, or RSS keeps the book's high-water mark (docs/performance.md, "Memory").
    release_free_memory()
    if not stored.cancelled() and stored.exception() is None:
        counted(0, 0.0, chapters=1)


def _phonemize_apart(settings: Settings, voice: Voice | None, name: str) -> bool:
    if voice is not None:
        return voice.batch_budget > 0  # batches: a GPU
    return resolve_device(settings.device) != "cpu" or not is_loaded(name)


def _counted_result(future: "Future[tuple[Said, float]]") -> Said:
    said, seconds = future.result()
    add_busy("phonemize", seconds)
    return said


@dataclass(frozen=True)
class Target:
    """Where a book's chapters go, and how they are made: the same for every chapter."""

    storage: Storage
    job_id: str
    delivery: Delivery
    wording: Wording
    encoders: Executor | None = None  # processes for the other formats; None: in line
    assembler: Executor | None = None  # threads assembling chapters; None: in line
    resampler: Executor | None = None  # threads resampling chapters as they narrate


def _encoders(settings: Settings, slots: Any = None) -> Executor:
    """Processes that encode chapters beside the inference (`worker.spawn`), their
    encoders sharing one slot per process (`worker.joined.share_slots`), and two at least:
    on 2 cores one process encodes, and its chapter's last file may take both cores once
    the narration is done (docs/performance.md, "A chapter's MP3 and AAC in stretches").
    In a narrating process of several, `slots` are the host's (`worker.narrators`)."""
    if slots is None:
        slots = encoding_slots(settings.delivery_workers)
    return helper_pool(settings.delivery_workers, share_slots, (slots,))


def chapters_in_flight(settings: Settings, voice: Voice) -> int:
    if settings.chapters_in_flight:
        return settings.chapters_in_flight
    # On a GPU, enough chapters to keep batches full (docs/performance.md, "GPU"). On the
    # CPU two: the next chapter's passages take the core that one chapter's last passage
    # leaves idle, and a chapter is stored while the next narrates (docs/performance.md,
    # "Two chapters in flight on the CPU").
    return CPU_CHAPTERS_IN_FLIGHT if voice.batch_budget <= 0 else 16


def _narrate_chapter(
    voice: Voice,
    plan: ChapterPlan,
    options: SynthesisOptions,
    settings: Settings,
    target: "Target",
    counted: Callable[[int, float], None],
    last: bool,
) -> "Future[ChapterEntry]":
    """Synthesize and check a chapter, then store it (in the assembler's threads, if any);
    done when its other formats are stored too. `last`: no chapter is begun after it."""
    began = time.perf_counter()
    findings: list[QAFinding] = []
    spool = ChapterSpool(voice.sample_rate, directory=target.storage.scratch())
    ahead = None
    if target.resampler:
        breaks = [segment.brk for segment in plan.segments]
        ahead = PiecesAhead(spool, breaks, settings.assembly, options.sample_rate, target.resampler)
    try:
        outputs = synthesize_passages(voice, plan, 0, len(plan.passages), options, settings)
        alone = chapters_in_flight(settings, voice) == 1 or last
        good = checked(outputs, voice, plan, options, settings, target.wording, findings, alone)
        for index, output in good:
            brk = plan.segments[index].brk
            spool.add(index, output.audio, output.part_samples, brk, output.word_samples)
            if ahead:
                ahead.added(index)
            counted(1, len(output.audio) / voice.sample_rate)
    except BaseException:
        if ahead:
            ahead.cancel()
        spool.close()
        raise
    log.info(
        "%s: chapter %d: %d segments narrated in %.1f s",
        target.job_id,
        plan.chapter.index,
        len(plan.segments),
        time.perf_counter() - began,
    )

    def store() -> "Future[ChapterEntry]":
        with spool:
            if ahead:
                ahead.wait()
            stored = store_chapter(
                plan,
                spool,
                options,
                settings,
                target.storage,
                target.job_id,
                target.delivery,
                findings,
                target.encoders,
            )
        log.debug("%s: chapter %d assembled", target.job_id, plan.chapter.index)
        return stored

    if target.assembler is None:
        return store()
    return _flattened(target.assembler.submit(store))


def _flattened(outer: "Future[Future[ChapterEntry]]") -> "Future[ChapterEntry]":
    """The inner future's outcome, once the outer one has given it."""
    flat: Future[ChapterEntry] = Future()

    def inner_done(inner: "Future[ChapterEntry]") -> None:
        if inner.cancelled():
            flat.cancel()
        elif (error := inner.exception()) is not None:
            flat.set_exception(error)
        else:
            flat.set_result(inner.result())

    def outer_done(done: "Future[Future[ChapterEntry]]") -> None:
        if done.cancelled():
            flat.cancel()
        elif (error := done.exception()) is not None:
            flat.set_exception(error)
        else:
            done.result().add_done_callback(inner_done)

    outer.add_done_callback(outer_done)
    return flat
