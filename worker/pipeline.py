"""The pipeline's stages as plain functions, and `narrate` chaining them in one process.

`narrate synth` runs `narrate` directly; the queue's tasks call the same stage functions on
parts of a job (`plan_chapter`, `synthesize_passages`, `store_chapter`), so a chapter sounds
the same whichever way it was made. A chapter already finished by an earlier run of the same
job (same manuscript and options) is kept, so an interrupted book resumes.
"""

import hashlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from config.manifest import ChapterEntry, ChapterMarks, Manifest, Mark, SegmentEntry
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.pool import get_voice, resolve_device
from models.voice import Passage, Voice, VoiceOutput, chain, passages
from worker.audio import ChapterAudio, ChapterSpool, assemble
from worker.segment import Segment, segment_chapter
from worker.storage import (
    MANIFEST_KEY,
    SOURCE_KEY,
    LocalStorage,
    Storage,
    chapter_key,
    marks_key,
)
from worker.synthesize import (
    ChapterPhonemes,
    params_for,
    phonemize_apart,
    phonemize_segments,
    synthesize_items,
)
from worker.timing import add_busy, timed

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Counters a progress bar shows."""

    segments_total: int
    segments_done: int = 0
    audio_s: float = 0.0
    chapters_total: int = 0
    chapters_done: int = 0


Reporter = Callable[[Progress], None]


@dataclass(frozen=True)
class ChapterPlan:
    """A chapter cut into segments and passages: the same in every process that plans it."""

    chapter: Chapter
    segments: list[Segment]
    passages: list[Passage]

    def chunks(self, max_segments: int) -> list[tuple[int, int]]:
        """(first, last) passage ranges of at most max_segments segments (one passage at least)."""
        ranges: list[tuple[int, int]] = []
        start, count = 0, 0
        for i, passage in enumerate(self.passages):
            if count and count + len(passage) > max_segments:
                ranges.append((start, i))
                start, count = i, 0
            count += len(passage)
        ranges.append((start, len(self.passages)))
        return ranges

    def first_segment(self, passage: int) -> int:
        return sum(len(p) for p in self.passages[:passage])


def job_id_for(manuscript: Manuscript, options: SynthesisOptions, dest: str = "") -> str:
    """The same manuscript with the same options (and destination) is the same job."""
    digest = hashlib.sha256(manuscript.model_dump_json().encode())
    digest.update(options.model_dump_json().encode())
    digest.update(dest.encode())
    return "job-" + digest.hexdigest()[:16]


def plan_chapter(
    voice: Voice,
    chapter: Chapter,
    options: SynthesisOptions,
    settings: Settings,
    segments: list[Segment] | None = None,
    phonemes: ChapterPhonemes | None = None,
) -> ChapterPlan:
    """Segments (unless given), their phonemes (unless given), chained into passages."""
    if segments is None:
        segments = segment_chapter(chapter.text, settings.segmenting)
    if phonemes is None:
        phonemes = phonemize_segments(voice, segments)
    items = chain(voice, phonemes, seed=chapter.index * 100_003)
    grouped = passages(items, settings.passage_phonemes if options.context else 0)
    return ChapterPlan(chapter, segments, grouped)


def synthesize_passages(
    voice: Voice,
    plan: ChapterPlan,
    first: int,
    last: int,
    options: SynthesisOptions,
    settings: Settings,
) -> Iterator[tuple[int, VoiceOutput]]:
    """(segment index in the chapter, output) for the passages first..last-1."""
    offset = plan.first_segment(first)
    params = params_for(voice, options)
    for index, output in synthesize_items(
        voice, plan.passages[first:last], params, options.context, settings
    ):
        yield offset + index, output


def store_chapter(
    plan: ChapterPlan,
    spool: ChapterSpool,
    options: SynthesisOptions,
    settings: Settings,
    storage: Storage,
    job_id: str,
) -> ChapterEntry:
    """Assemble a chapter from its spooled segments; store its WAV, then its marks."""
    index = plan.chapter.index
    scratch = storage.scratch() / f"{job_id}-{index:03d}.wav"
    with timed("assemble"):
        audio = assemble(
            spool, list(range(len(plan.segments))), settings.assembly, options.sample_rate, scratch
        )
    if storage.sha256(chapter_key(index)) == audio.sha256:
        scratch.unlink()  # a redelivered assembly made the same file: keep the stored one
    else:
        storage.put_file(chapter_key(index), scratch, audio.sha256)
    entry = _entry(plan.chapter, plan.segments, audio)
    marks = ChapterMarks(
        job_id=job_id,
        chapter=index,
        audio_sha256=audio.sha256,
        marks=_marks(plan.segments, audio),
        entry=entry,
    )
    storage.put_model(marks_key(index), marks)
    return entry


def write_manifest(
    storage: Storage,
    job_id: str,
    voice: Voice,
    options: SynthesisOptions,
    entries: Sequence[ChapterEntry],
    started: str,
) -> Manifest:
    manifest = Manifest(
        job_id=job_id,
        voice=voice.name,
        model_variant=voice.precision,
        sample_rate=options.sample_rate,
        created_at=started,
        finished_at=now(),
        options=options.model_dump(),
        chapters=list(entries),
    )
    storage.put_model(MANIFEST_KEY, manifest)
    return manifest


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def narrate(
    manuscript: Manuscript,
    options: SynthesisOptions,
    out_dir: Path,
    settings: Settings,
    report: Reporter | None = None,
    voice: Voice | None = None,
) -> Manifest:
    """Narrate a whole manuscript into out_dir; returns the manifest it wrote last.

    `voice` overrides the pooled one (the quality gate renders each variant this way). On a
    GPU host the phonemizer is a spawned process, which imports the caller's main module: a
    script calling this needs the usual `if __name__ == "__main__":` guard.
    """
    started = now()
    storage = LocalStorage(out_dir)
    job_id = job_id_for(manuscript, options)
    storage.put_model(SOURCE_KEY, manuscript)
    # Segmenting the whole book up front is quick and gives the progress total.
    segmented = [segment_chapter(ch.text, settings.segmenting) for ch in manuscript.chapters]
    progress = Progress(sum(map(len, segmented)), chapters_total=len(segmented))
    lock = threading.Lock()

    def counted(segments: int, audio_s: float, chapters: int = 0) -> None:
        with lock:
            progress.segments_done += segments
            progress.audio_s += audio_s
            progress.chapters_done += chapters
            if report:
                report(progress)

    kept = [finished_chapter(storage, job_id, ch.index) for ch in manuscript.chapters]
    # Longest first: a long chapter begun last would run, then assemble, alone at the end.
    order = sorted(range(len(segmented)), key=lambda i: -_text_size(segmented[i]))
    todo = [i for i in order if kept[i] is None]
    phonemizer, phonemes, voice = _phonemize(todo, segmented, options, settings, voice)

    def one(i: int) -> ChapterEntry:
        entry = kept[i]
        if entry is None:
            chapter = manuscript.chapters[i]
            plan = plan_chapter(voice, chapter, options, settings, segmented[i], phonemes[i]())
            entry = _narrate_chapter(voice, plan, options, settings, storage, job_id, counted)
        else:
            log.info("%s: chapter %d already done, kept", job_id, entry.index)
            counted(len(segmented[i]), entry.duration_s)
        counted(0, 0.0, chapters=1)
        return entry

    # Chapters in flight together: their passages share batches, and one chapter's
    # assembly (resampling, limiting, writing) overlaps the others' inference.
    pool = ThreadPoolExecutor(max_workers=chapters_in_flight(settings, voice))
    try:
        futures = {i: pool.submit(one, i) for i in order}
        entries = [futures[i].result() for i in range(len(segmented))]
    finally:  # after a failure, chapters not yet begun are not begun; running ones finish
        phonemizer.shutdown(wait=False, cancel_futures=True)
        pool.shutdown(wait=True, cancel_futures=True)
    return write_manifest(storage, job_id, voice, options, entries, started)


def _phonemize(
    todo: list[int],
    segmented: list[list[Segment]],
    options: SynthesisOptions,
    settings: Settings,
    voice: Voice | None,
) -> tuple[Executor, dict[int, Callable[[], ChapterPhonemes]], Voice]:
    """The voice, and each chapter's phonemes to come, phonemized in the order given.

    espeak-ng keeps one global state per process, so chapters are phonemized one after
    another: the first chapter reaches the inference threads after its own phonemes, not
    after those of every chapter in flight (4 s of an idle H100, measured). It also holds
    the GIL while it works, so on a GPU host it runs in a process of its own, started before
    the voice loads: the book's phonemes are ready about when the voice is, and the
    inference threads never wait for the GIL behind it. On the CPU, a thread does: the cores
    are busy with inference anyway, and a second process would add to a 2-core start-up.
    """
    if _phonemize_apart(settings, voice):
        pool: Executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        apart = {i: pool.submit(phonemize_apart, options.voice, segmented[i]) for i in todo}
        try:
            voice = voice or get_voice(options.voice)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool, {i: partial(_counted_result, future) for i, future in apart.items()}, voice
    voice = voice or get_voice(options.voice)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phonemize")
    here = {i: pool.submit(phonemize_segments, voice, segmented[i]) for i in todo}
    return pool, {i: future.result for i, future in here.items()}, voice


def _phonemize_apart(settings: Settings, voice: Voice | None) -> bool:
    if voice is not None:
        return voice.batch_budget > 0  # batches: a GPU
    return resolve_device(settings.device) != "cpu"


def _counted_result(future: "Future[tuple[ChapterPhonemes, float]]") -> ChapterPhonemes:
    phonemes, seconds = future.result()
    add_busy("phonemize", seconds)
    return phonemes


def _text_size(segments: list[Segment]) -> int:
    return sum(len(segment.text) for segment in segments)


def chapters_in_flight(settings: Settings, voice: Voice) -> int:
    if settings.chapters_in_flight:
        return settings.chapters_in_flight
    # On a GPU, 16 with a 72 GB budget: 1132x for the book against 857x with 4 (H100).
    return 1 if voice.batch_budget <= 0 else 16


def _narrate_chapter(
    voice: Voice,
    plan: ChapterPlan,
    options: SynthesisOptions,
    settings: Settings,
    storage: Storage,
    job_id: str,
    counted: Callable[[int, float], None],
) -> ChapterEntry:
    began = time.perf_counter()
    with ChapterSpool(voice.sample_rate, directory=storage.scratch()) as spool:
        outputs = synthesize_passages(voice, plan, 0, len(plan.passages), options, settings)
        for index, output in outputs:
            spool.add(index, output.audio, output.part_samples, plan.segments[index].brk)
            counted(1, len(output.audio) / voice.sample_rate)
        entry = store_chapter(plan, spool, options, settings, storage, job_id)
    log.info(
        "%s: chapter %d: %d segments, %.1f s of audio in %.1f s",
        job_id,
        plan.chapter.index,
        len(plan.segments),
        entry.duration_s,
        time.perf_counter() - began,
    )
    return entry


def _entry(chapter: Chapter, segments: list[Segment], audio: ChapterAudio) -> ChapterEntry:
    return ChapterEntry(
        index=chapter.index,
        title=chapter.title,
        audio_key=chapter_key(chapter.index),
        marks_key=marks_key(chapter.index),
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        sha256=audio.sha256,
        segments=[
            SegmentEntry(start_s=t.start_s, end_s=t.end_s, text=segments[t.index].text)
            for t in audio.timings
        ],
    )


def _marks(segments: list[Segment], audio: ChapterAudio) -> list[Mark]:
    marks = []
    for timing in audio.timings:
        for span, (start, end) in zip(segments[timing.index].spans, timing.parts, strict=True):
            marks.append(
                Mark(
                    start_s=start,
                    end_s=end,
                    text=span.text,
                    char_start=span.start,
                    char_end=span.end,
                )
            )
    return marks


def finished_chapter(storage: Storage, job_id: str, index: int) -> ChapterEntry | None:
    """The entry of a chapter this job already stored, if its audio is intact."""
    if not storage.exists(marks_key(index)):
        return None
    try:
        marks = ChapterMarks.model_validate(storage.get_json(marks_key(index)))
    except (ValueError, ValidationError):
        return None
    if marks.job_id != job_id or storage.sha256(chapter_key(index)) != marks.audio_sha256:
        return None
    return marks.entry
