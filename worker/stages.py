"""The stages of narrating a chapter, shared by `narrate synth` and the queue's tasks.

`worker.chapters` chains them over a book's chapters in one process; `worker.jobs` runs
them on parts of a job (a chapter's plan, a chunk of its passages, its assembly), so a
chapter sounds the same whichever way it was made.
"""

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path

from pydantic import ValidationError

from config.layout import (
    MANIFEST_KEY,
    SAMPLE_KEY,
    chapter_key,
    marks_key,
    speech_marks_key,
    subtitles_key,
)
from config.manifest import (
    BookFile,
    ChapterEntry,
    ChapterMarks,
    Manifest,
    Mark,
    QAFinding,
    SegmentEntry,
    WordMark,
)
from config.manuscript import Chapter, Metadata
from config.settings import Settings, SynthesisOptions
from models.voice import Passage, Voice, VoiceInput, VoiceOutput, chain, passages
from models.wording import Wording
from worker.audio import ChapterAudio, ChapterSpool, assemble
from worker.deliver import (
    Delivered,
    Delivery,
    Encoded,
    Encoding,
    deliver_chapter,
    delivered,
    encode,
    encodings,
    mp3_files,
)
from worker.qa import ASR_BATCH, Checker, asr_windows
from worker.segment import Segment, segment_chapter
from worker.speechmarks import speech_marks
from worker.storage import Storage
from worker.subtitles import cues, srt, vtt
from worker.synthesize import (
    PLAIN,
    ChapterPhonemes,
    params_for,
    phonemize_segments,
    phonemize_word,
    synthesize_items,
)
from worker.timelines import store_mp3_captions
from worker.timing import add_busy, timed
from worker.words import SegmentLinks, chapter_links, chapter_words

log = logging.getLogger(__name__)

# The settings that change a chapter's samples, beyond the job's options (in its id): its
# levels, pauses and lead-in; how its text is cut into segments; how much of its neighbours
# each segment is voiced with (context, decoder margins, attention, passages). Not the QA
# retries (a chapter no segment of which was retaken sounds the same at any count), nor
# those of speed, memory, threads or where it runs
# (device, precision, batches, decoder runs: the same narration, numerically), nor the
# sample rate and voice (options), nor the narrator (the M4B's tag, the book's credits).
AUDIO_SETTINGS: dict[str, set[str] | bool] = {
    "assembly": {"pause_s", "lead_in_s", "target_rms_db", "peak_ceiling_db"},
    "segmenting": True,
    "context_phonemes": True,
    "context_margin_frames": True,
    "attention_span": True,
    "passage_phonemes": True,
}


def audio_settings_digest(settings: Settings) -> str:
    """A short digest of the settings that change a chapter's samples (AUDIO_SETTINGS),
    recorded in its marks."""
    chosen = settings.model_dump(mode="json", include=AUDIO_SETTINGS)
    text = json.dumps(chosen, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _audio_setting_names() -> str:
    """AUDIO_SETTINGS as their variables: NARRATE_ASSEMBLY__TARGET_RMS_DB, ..."""
    names = []
    for field, inner in AUDIO_SETTINGS.items():
        if isinstance(inner, set):
            names += [f"{field}__{name}" for name in sorted(map(str, inner))]
        else:
            names.append(f"{field}__*" if field == "segmenting" else field)
    return ", ".join(f"NARRATE_{name.upper()}" for name in names)


@dataclass(frozen=True)
class ChapterPlan:
    """A chapter cut into segments and passages: the same in every process that plans it."""

    chapter: Chapter
    segments: list[Segment]
    passages: list[Passage]
    wording: Wording = PLAIN  # how its phonemes were worded
    links: list[SegmentLinks] | None = None  # its words' links, when made with its phonemes

    def chunks(self, max_segments: int) -> list[tuple[int, int]]:
        return chunk_ranges(self.passages, max_segments)

    @cached_property
    def items(self) -> list[VoiceInput]:
        """The voice's input for each segment of the chapter, in order."""
        return [item for passage in self.passages for item in passage]

    def item(self, segment: int) -> VoiceInput:
        return self.items[segment]

    def first_segment(self, passage: int) -> int:
        return sum(len(p) for p in self.passages[:passage])


def chunk_ranges(grouped: Sequence[Passage], max_segments: int) -> list[tuple[int, int]]:
    """(first, last) passage ranges of at most max_segments segments (one passage at least)."""
    ranges: list[tuple[int, int]] = []
    start, count = 0, 0
    for i, passage in enumerate(grouped):
        if count and count + len(passage) > max_segments:
            ranges.append((start, i))
            start, count = i, 0
        count += len(passage)
    ranges.append((start, len(grouped)))
    return ranges


def group_passages(
    items: Sequence[VoiceInput], options: SynthesisOptions, settings: Settings
) -> list[Passage]:
    """A chapter's inputs grouped into passages: by their sizes alone, so inputs without
    their context (`chain`) group as the chained ones do."""
    return passages(items, settings.passage_phonemes if options.context else 0)


def plan_chapter(
    voice: Voice,
    chapter: Chapter,
    options: SynthesisOptions,
    settings: Settings,
    segments: list[Segment] | None = None,
    phonemes: ChapterPhonemes | None = None,
    wording: Wording = PLAIN,
    links: list[SegmentLinks] | None = None,
) -> ChapterPlan:
    """Segments (unless given), their phonemes as the job words them (unless given),
    chained into passages; links of their words, if made beside the phonemes."""
    if segments is None:
        segments = segment_chapter(chapter.text, settings.segmenting)
    if phonemes is None:
        phonemes = phonemize_segments(voice, segments, wording)
    items = chain(voice, phonemes, seed=chapter.index * 100_003)
    return ChapterPlan(chapter, segments, group_passages(items, options, settings), wording, links)


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


RESEED = 1_000_003  # a re-rendered segment's seed moves by this per attempt
# Checked and re-rendered two minutes at a time at most: memory stays bounded; with --qa asr
# a group is cut at ASR_BATCH full windows, heard in one batch.
QA_GROUP_S = 120.0


def rerender(
    voice: Voice,
    plan: ChapterPlan,
    segment: int,
    options: SynthesisOptions,
    settings: Settings,
    attempt: int,
) -> VoiceOutput:
    """A segment rendered again alone, with its neighbours' context and another seed."""
    item = plan.item(segment)
    again = replace(item, seed=item.seed + RESEED * attempt)
    params = params_for(voice, options)
    # Urgent: the QA thread waits for it, and the chapter's next group waits for the QA
    # thread, while the narration's own passages are queued well ahead of need.
    ((_, output),) = synthesize_items(
        voice, [(again,)], params, options.context, settings, urgent=True
    )
    return output


def checked(
    outputs: Iterable[tuple[int, VoiceOutput]],
    voice: Voice,
    plan: ChapterPlan,
    options: SynthesisOptions,
    settings: Settings,
    wording: Wording,
    findings: list[QAFinding],
    alone: bool = False,
) -> Iterator[tuple[int, VoiceOutput]]:
    """The outputs, checked a group at a time (`worker.qa`), failures rendered again;
    what the checks found is appended to findings. Alone: nothing else is narrated in the
    process once these outputs are (one chapter in flight), so Whisper may have every core
    for the last group."""
    checker = Checker(
        plan.chapter.index,
        plan.segments,
        [item.parts for item in plan.items],
        voice.sample_rate,
        wording,
        options.qa == "asr",
        settings.qa_retries,
        speed=options.speed,
    )

    def again(segment: int, attempt: int) -> VoiceOutput:
        return rerender(voice, plan, segment, options, settings, attempt)

    if not checker.asr:
        group: dict[int, VoiceOutput] = {}
        for index, output in outputs:
            group[index] = output
            if sum(len(o.audio) for o in group.values()) >= QA_GROUP_S * voice.sample_rate:
                yield from _checked_list(checker, group, again, findings)
                group = {}
        yield from _checked_list(checker, group, again, findings)
        return
    # Whisper hears a group on a thread of its own while the next group is narrated: were
    # the chapter's thread to wait for it, the inference threads would run out of passages.
    # One group at a time is heard, one more is gathered: memory stays bounded.
    with ThreadPoolExecutor(1, thread_name_prefix="qa") as listener:
        heard: Future[list[tuple[int, VoiceOutput]]] | None = None
        group = {}
        for index, output in outputs:
            if group and _group_whole(group, output, voice.sample_rate):
                if heard is not None:
                    yield from heard.result()
                heard = listener.submit(_checked_list, checker, group, again, findings)
                group = {}
            group[index] = output
        if heard is not None:
            yield from heard.result()
        # On one thread, the last group would be heard with the other cores idle.
        last = replace(checker, threads=os.cpu_count() or 1) if alone else checker
        yield from _checked_list(last, group, again, findings)


def _group_whole(group: dict[int, VoiceOutput], output: VoiceOutput, rate: int) -> bool:
    """Whether a group is whole before this output: it holds QA_GROUP_S, or the output would
    open a window past one batch's (a window cut short at a group's end costs Whisper's
    encoder a whole one)."""
    lengths = [len(o.audio) for o in (*group.values(), output)]
    return sum(lengths[:-1]) >= QA_GROUP_S * rate or len(asr_windows(lengths, rate)) > ASR_BATCH


def _checked_list(
    checker: Checker,
    group: dict[int, VoiceOutput],
    again: Callable[[int, int], VoiceOutput],
    findings: list[QAFinding],
) -> list[tuple[int, VoiceOutput]]:
    with timed("qa"):
        findings += checker.run(group, again)
    return sorted(group.items())


def store_chapter(
    plan: ChapterPlan,
    spool: ChapterSpool,
    options: SynthesisOptions,
    settings: Settings,
    storage: Storage,
    job_id: str,
    delivery: Delivery,
    findings: Sequence[QAFinding] = (),
    encoders: Executor | None = None,
) -> "Future[ChapterEntry]":
    """Assemble a chapter from its spooled segments; store its WAV and the other formats
    the job asks for, then its marks (which record that the chapter is done).

    With encoders (a process pool), the other formats are made there from the WAV file and
    the future is done when they are stored: the caller goes on with the next chapter.
    """
    index = plan.chapter.index
    scratch = storage.scratch() / f"{job_id}-{index:03d}.wav"
    with timed("assemble"):
        audio = assemble(
            spool,
            list(range(len(plan.segments))),
            settings.assembly,
            options.sample_rate,
            scratch,
            settings.assembly.threads,
        )
    entry = _entry(plan.chapter, plan.segments, audio)
    entry.qa = list(findings)
    marks = ChapterMarks(
        job_id=job_id,
        chapter=index,
        audio_sha256=audio.sha256,
        audio_settings=audio_settings_digest(settings),
        marks=_marks(plan.segments, audio),
        entry=entry,
        words=_words(plan, audio, options.voice),
    )
    store_captions(storage, marks, plan.chapter.text)
    breaks = [segment.brk for segment in plan.segments]
    chapter = (index, plan.chapter.title)
    stored: Future[ChapterEntry] = Future()
    todo = encodings(delivery, audio, breaks, index)
    said = (marks.marks, marks.words)
    marks.entry.captions = store_mp3_captions(
        storage, said, plan.chapter.text, scratch, mp3_files(todo)
    )
    # Nothing to encode (no other format, and the retail sample taken from another
    # chapter): no task would ever call `done` below, and the chapter would wait forever.
    if encoders is None or not todo:
        try:
            with timed("deliver"):
                files = deliver_chapter(delivery, storage, scratch, audio, breaks, chapter)
            stored.set_result(_stored(storage, scratch, marks, files))
        except BaseException as error:
            stored.set_exception(error)
        return stored
    tasks = [encoders.submit(_encoded, delivery, storage, scratch, e, chapter) for e in todo]
    left = [len(tasks)]
    lock = threading.Lock()

    def done(_: "Future[tuple[Encoded, float]]") -> None:
        with lock:
            left[0] -= 1
            if left[0]:
                return
        try:
            results = [task.result() for task in tasks]
            add_busy("deliver", sum(seconds for _, seconds in results))
            files = delivered(index, todo, [encoded for encoded, _ in results])
            stored.set_result(_stored(storage, scratch, marks, files))
        except BaseException as error:
            stored.set_exception(error)

    for task in tasks:
        task.add_done_callback(done)
    return stored


def _encoded(
    delivery: Delivery,
    storage: Storage,
    wav: Path,
    encoding: Encoding,
    chapter: tuple[int, str],
) -> tuple[Encoded, float]:
    """One file of a chapter's delivery, made in an encoder process, and the seconds it
    took."""
    began = time.perf_counter()
    encoded = encode(delivery, storage, wav, encoding, chapter)
    return encoded, time.perf_counter() - began


def _stored(
    storage: Storage, scratch: Path, marks: ChapterMarks, delivered: Delivered
) -> ChapterEntry:
    """The chapter's WAV and marks stored once its other formats are: marks last."""
    index = marks.chapter
    if storage.sha256(chapter_key(index)) == marks.audio_sha256:
        scratch.unlink()  # a redelivered assembly made the same file: keep the stored one
    else:
        storage.put_file(chapter_key(index), scratch, marks.audio_sha256)
    entry = marks.entry
    entry.files, entry.acx = delivered.files, delivered.acx
    entry.checksums = delivered.checksums
    storage.put_model(marks_key(index), marks)
    return entry


@dataclass(frozen=True)
class Narrator:
    """Who narrated a book, as its manifest names it: the voice and its variant (what a
    narrating process reports back)."""

    name: str
    precision: str

    @classmethod
    def of(cls, voice: Voice) -> "Narrator":
        return cls(voice.name, voice.precision)


def write_manifest(
    storage: Storage,
    job_id: str,
    voice: Narrator,
    options: SynthesisOptions,
    entries: Sequence[ChapterEntry],
    started: str,
    metadata: Metadata,
    book: BookFile | None = None,
    sample: bool = True,
) -> Manifest:
    """`sample`: whether the retail sample's chapter is among `entries` (`--chapter` may
    leave it out: then no sample was made)."""
    manifest = Manifest(
        metadata=metadata,
        book=book,
        sample_key=SAMPLE_KEY if options.sample_minutes and sample else "",
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


def _entry(chapter: Chapter, segments: list[Segment], audio: ChapterAudio) -> ChapterEntry:
    return ChapterEntry(
        index=chapter.index,
        title=chapter.title,
        audio_key=chapter_key(chapter.index),
        marks_key=marks_key(chapter.index),
        speech_marks_key=speech_marks_key(chapter.index),
        subtitle_keys=[subtitles_key(chapter.index, kind) for kind in ("srt", "vtt")],
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        sha256=audio.sha256,
        gain=audio.gain,
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


def _words(plan: ChapterPlan, audio: ChapterAudio, voice: str) -> list[WordMark]:
    found = plan.links
    if found is None:
        parts = [item.parts for item in plan.items]
        phonemize = partial(phonemize_word, voice)
        found = chapter_links(plan.chapter.text, plan.segments, parts, plan.wording, phonemize)
    return chapter_words(plan.chapter.text, found, audio.timings)


def store_captions(storage: Storage, marks: ChapterMarks, chapter_text: str) -> None:
    """Speech marks and subtitles, before the marks that record a finished chapter."""
    index = marks.chapter
    storage.put_bytes(speech_marks_key(index), speech_marks(marks.marks, marks.words).encode())
    found = cues(chapter_text, marks.marks, marks.words)
    storage.put_bytes(subtitles_key(index, "srt"), srt(found).encode())
    storage.put_bytes(subtitles_key(index, "vtt"), vtt(found).encode())


def finished_chapters(
    storage: Storage, job_id: str, indexes: Sequence[int], settings: Settings
) -> list[ChapterEntry | None]:
    """The entries of the chapters this job already stored (None for each not), where
    their audio is intact and was narrated under these settings (`audio_settings_digest`;
    marks from before the digest are kept): one warning for those narrated under other
    settings, which are narrated again (kept, the book would sound two ways)."""
    digest = audio_settings_digest(settings)
    found = [_finished_marks(storage, job_id, index) for index in indexes]
    same = [m is not None and m.audio_settings in ("", digest) for m in found]
    other = [index for index, m, ok in zip(indexes, found, same, strict=True) if m and not ok]
    if other:
        some = len(other) > 1
        log.warning(
            "%s %s %s narrated with other audio settings (%s): not kept, for a book "
            "narrated under one set of them",
            "chapters" if some else "chapter",
            ", ".join(map(str, other)),
            "were" if some else "was",
            _audio_setting_names(),
        )
    return [m.entry if m and ok else None for m, ok in zip(found, same, strict=True)]


def _finished_marks(storage: Storage, job_id: str, index: int) -> ChapterMarks | None:
    """The marks of a chapter this job already stored, if its audio is intact."""
    if not storage.exists(marks_key(index)):
        return None
    try:
        marks = ChapterMarks.model_validate(storage.get_json(marks_key(index)))
    except (ValueError, ValidationError):
        return None
    if marks.job_id != job_id or storage.sha256(chapter_key(index)) != marks.audio_sha256:
        return None
    return marks
