"""`narrate redo`: render one segment of a finished book again and put it in place.

The chapter master is not assembled again: its gain depends on every segment's loudness and
its resampler and limiter on their neighbours, so a new assembly would move every sample.
Instead the new segment is rendered with its neighbours' context, given the chapter's
recorded gain, resampled alone and spliced into the master between the middles of the pauses
around it, where the old master holds silence. Every sample before the splice stays, every
sample after it moves by the change in length; marks, words and subtitles move with them.
Formats made from the master (MP3, Opus, FLAC, the M4B) are encoded again from it.

Nothing is replaced until everything is written: new files go to a staging prefix
(`.redo/`), then a commit record, then each file is moved into place, the manifest last. A
redo interrupted before its commit record leaves the old files and a staging area that the
next redo discards; one interrupted after it is finished by the next redo (or a redelivery).
"""

import json
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import soundfile
import soxr
from pydantic import ValidationError

from config.errors import OutputError, PermanentError
from config.jobs import RedoRequest
from config.layout import (
    BOOK_KEY,
    BOOK_PIECES,
    MANIFEST_KEY,
    SAMPLE_KEY,
    SOURCE_KEY,
    chapter_key,
    marks_key,
    speech_marks_key,
    subtitles_key,
)
from config.manifest import (
    ChapterEntry,
    ChapterMarks,
    Manifest,
    Mark,
    QAFinding,
    Redo,
    SegmentEntry,
    WordMark,
)
from config.manuscript import Chapter, Manuscript
from config.settings import BreakClass, Settings, SynthesisOptions
from models.voice import Voice, VoiceInput, VoiceOutput, chain
from models.wording import Wording
from worker.audio import ChapterAudio, SpooledSegment, Timing, limit, segment_timing, to_pcm16
from worker.deliver import Delivery, deliver_book, deliver_chapter, encodings, mp3_files
from worker.encode import FORMATS
from worker.qa import Checker
from worker.segment import Segment, Span
from worker.stages import RESEED, now, store_captions
from worker.storage import Storage, check_key, file_sha256
from worker.synthesize import params_for, phonemize_segments, phonemize_word, synthesize_items
from worker.timelines import store_mp3_captions
from worker.words import SegmentLinks, chapter_links, chapter_words

log = logging.getLogger(__name__)

STAGE = ".redo"
COMMIT_KEY = f"{STAGE}/commit.json"
M = TypeVar("M", Manifest, Manuscript, ChapterMarks)
T = TypeVar("T", Mark, WordMark)
_COPY_FRAMES = 1 << 20  # the master is copied a block at a time: a chapter may be an hour


@dataclass(frozen=True)
class Book:
    """A finished output as redo reads it, every part checked against the others."""

    manifest: Manifest
    manuscript: Manuscript
    entry: ChapterEntry
    marks: ChapterMarks
    chapter: Chapter
    segments: list[Segment]


def redo(
    storage: Storage,
    request: RedoRequest,
    settings: Settings,
    voice: Voice | None = None,
) -> ChapterEntry:
    """Render one segment again into a finished output; returns its chapter's new entry."""
    _model(storage, MANIFEST_KEY, Manifest)  # narrate's output, before touching its staging
    finish_staged(storage)
    book = read_book(storage, request, settings)
    redo_id = request.redo_id(book.manifest.job_id)
    if book.entry.redone and book.entry.redone[-1].id == redo_id:
        log.info("%s: already done", redo_id)
        return book.entry
    options = SynthesisOptions.model_validate(book.manifest.options)
    if voice is None:
        from models.pool import get_voice

        voice = get_voice(options.voice)
    wording = Wording(
        tuple(book.manuscript.lexicon) + request.lexicon,
        book.manuscript.locale or Wording().locale,
    )
    chapter, segments = edited(book, request)
    item = voice_input(voice, segments, request, wording, settings)
    output, findings = render(
        voice, item, segments, (request.chapter, request.segment), options, settings, wording
    )
    staged = Staged(storage)
    # The whole book's, so that the retail sample stays its first chapter's: it is made again
    # only when the chapter redone is that one.
    delivery = Delivery.of(book.manuscript, options)
    levels = Levels(
        voice.sample_rate, book.entry.sample_rate, book.entry.gain or 1.0,
        settings.assembly.peak_ceiling_db,
    )  # fmt: skip
    where = (chapter, segments, request.segment)
    rewritten = replace_segment(staged, book, where, (item, output), wording, delivery, levels)
    entry = rewritten.entry
    entry.qa = [f for f in book.entry.qa if f.segment != request.segment] + findings
    entry.redone.append(
        Redo(
            id=redo_id,
            segment=request.segment,
            text=segments[request.segment].text,
            seed=item.seed,
            lexicon=list(request.lexicon),
            at=now(),
        )
    )
    write_book(staged, book, chapter, rewritten, delivery)
    commit(staged)
    return entry


def read_book(storage: Storage, request: RedoRequest, settings: Settings) -> Book:
    """The manifest, manuscript and chapter marks of an output narrate made, or a
    PermanentError saying what is wrong with them."""
    manifest = _model(storage, MANIFEST_KEY, Manifest)
    manuscript = _model(storage, SOURCE_KEY, Manuscript)
    entry = request.entry_in(manifest)
    chapters = {chapter.index: chapter for chapter in manuscript.chapters}
    if request.chapter not in chapters:
        raise PermanentError(f"chapter {request.chapter} is not in the book's manuscript")
    _check_layout(entry, manifest)
    marks = _model(storage, marks_key(entry.index), ChapterMarks)
    if storage.sha256(chapter_key(entry.index)) != entry.sha256 or marks.entry != entry:
        raise PermanentError(
            f"{chapter_key(entry.index)} does not match manifest.json: "
            "the output was changed since narrate wrote it"
        )
    if entry.gain is None:
        raise PermanentError(
            f"chapter {entry.index} was made before narrate recorded a chapter's gain; "
            "narrate the book again to redo its sentences"
        )
    chapter = chapters[request.chapter]
    return Book(manifest, manuscript, entry, marks, chapter, stored_segments(marks, settings))


def stored_segments(marks: ChapterMarks, settings: Settings) -> list[Segment]:
    """The chapter's segments as the marks record them: cutting the text again could cut it
    otherwise (other settings, or a redone sentence short enough to be merged)."""
    entries, spans = marks.entry.segments, iter(marks.marks)
    pauses = settings.assembly.pause_s
    segments = []
    for k, entry in enumerate(entries):
        taken: list[Span] = []
        while " ".join(span.text for span in taken) != entry.text:
            mark = next(spans, None)
            if mark is None or len(" ".join(s.text for s in taken)) > len(entry.text):
                raise PermanentError(f"marks/{marks.chapter:03d}.json: does not match its entry")
            taken.append(Span(mark.text, mark.char_start, mark.char_end))
        # How it ends decides only where a long chapter's MP3 may be cut: the nearest pause.
        gap = entries[k + 1].start_s - entry.end_s if k + 1 < len(entries) else math.inf
        brk = min(pauses, key=lambda b: abs(pauses[b] - gap)) if k + 1 < len(entries) else None
        segments.append(Segment(tuple(taken), brk or BreakClass.CHAPTER))
    return segments


def _model(storage: Storage, key: str, kind: type[M]) -> M:
    try:
        return kind.model_validate_json(storage.get_bytes(key))
    except (OSError, ValueError, ValidationError, PermanentError) as error:
        raise PermanentError(
            f"{storage}: not an output of narrate ({key} is missing or unreadable)"
        ) from error


def _check_layout(entry: ChapterEntry, manifest: Manifest) -> None:
    """Refuse a manifest whose keys are not narrate's own: redo writes only the layout's
    keys, and a manifest that names others (`../../x`) was not written by narrate."""
    index = entry.index
    expected = {
        entry.audio_key: chapter_key(index),
        entry.marks_key: marks_key(index),
        entry.speech_marks_key: speech_marks_key(index),
        **{key: subtitles_key(index, key[-3:]) for key in entry.subtitle_keys},
    }
    own = re.compile(rf"chapters/{index:03d}(-[0-9]+)?\.(" + "|".join(FORMATS) + ")")
    files = [key for keys in entry.files.values() for key in keys]
    book = [manifest.book.key] if manifest.book else []
    sample = [manifest.sample_key] if manifest.sample_key else []
    if (
        any(key != layout for key, layout in expected.items())
        or not all(own.fullmatch(key) for key in files)
        or book not in ([], [BOOK_KEY])
        or sample not in ([], [SAMPLE_KEY])
    ):
        raise OutputError(
            f"manifest.json: chapter {index} names files outside narrate's layout; refused"
        )


def edited(book: Book, request: RedoRequest) -> tuple[Chapter, list[Segment]]:
    """The chapter and its segments with the segment's new text, if any: later segments'
    characters move by the change in length."""
    if request.text is None:
        return book.chapter, book.segments
    text = " ".join(request.text.split())  # one line, as the readers leave a sentence
    if not text:
        raise PermanentError("--text is empty")
    old = book.segments[request.segment]
    start, end = old.spans[0].start, old.spans[-1].end
    moved = len(text) - (end - start)
    segments = list(book.segments)
    segments[request.segment] = Segment((Span(text, start, start + len(text)),), old.brk)
    for i in range(request.segment + 1, len(segments)):
        spans = tuple(Span(s.text, s.start + moved, s.end + moved) for s in segments[i].spans)
        segments[i] = Segment(spans, segments[i].brk)
    chapter = book.chapter.model_copy(
        update={"text": book.chapter.text[:start] + text + book.chapter.text[end:]}
    )
    return chapter, segments


def voice_input(
    voice: Voice,
    segments: Sequence[Segment],
    request: RedoRequest,
    wording: Wording,
    settings: Settings,
) -> VoiceInput:
    """The segment's input as the book chained it: its neighbours' context, its own seed
    (or a seed QA never tried, unless one is asked for)."""
    first = max(0, request.segment - 1)
    window = segments[first : request.segment + 2]
    seed_base = request.chapter * 100_003  # as plan_chapter seeds a chapter
    items = chain(voice, phonemize_segments(voice, window, wording), seed=seed_base + first)
    item = items[request.segment - first]
    seed = item.seed + RESEED * (settings.qa_retries + 1) if request.seed is None else request.seed
    return replace(item, seed=seed)


def render(
    voice: Voice,
    item: VoiceInput,
    segments: Sequence[Segment],
    where: tuple[int, int],
    options: SynthesisOptions,
    settings: Settings,
    wording: Wording,
) -> tuple[VoiceOutput, list[QAFinding]]:
    """The segment's audio, checked by the cheap checks and rendered again with other
    seeds if it fails, as the book's were; a finding only if it still fails."""
    chapter, segment = where
    params = params_for(voice, options)

    def take(attempt: int) -> VoiceOutput:
        seeded = replace(item, seed=item.seed + RESEED * attempt)
        ((_, output),) = synthesize_items(voice, [(seeded,)], params, options.context, settings)
        return output

    parts = [item.parts if i == segment else () for i in range(len(segments))]
    checker = Checker(
        chapter,
        segments,
        parts,
        voice.sample_rate,
        wording,
        False,
        settings.qa_retries,
        speed=options.speed,
    )
    outputs = {segment: take(0)}
    findings = checker.run(outputs, lambda _, attempt: take(attempt))
    return outputs[segment], [f for f in findings if not f.fixed]


@dataclass(frozen=True)
class Rewritten:
    """The chapter after the splice: its entry, marks and words, the master in staging."""

    entry: ChapterEntry
    marks: list[Mark]
    words: list[WordMark]


def replace_segment(
    staged: "Staged",
    book: Book,
    where: tuple[Chapter, list[Segment], int],
    take: tuple[VoiceInput, VoiceOutput],
    wording: Wording,
    delivery: Delivery,
    levels: "Levels",
) -> Rewritten:
    """Splice the new audio into the master (staged, with every format made from it) and
    move the marks after it by the change in length."""
    chapter, segments, index = where
    item, output = take
    entry, rate = book.entry, levels.rate
    starts = [round(s.start_s * rate) for s in entry.segments]
    ends = [round(s.end_s * rate) for s in entry.segments]
    cut = Cut.around(starts, ends, index, len(output.audio), (rate, levels.out_rate))
    wav = staged.scratch() / f"{book.manifest.job_id}-redo-{chapter.index:03d}.wav"
    old = staged.local_file(chapter_key(chapter.index), staged.scratch())
    try:
        frames = splice(old, wav, cut, output.audio, levels)
    finally:
        if old.parent == staged.scratch():  # a download, not the stored file itself
            old.unlink(missing_ok=True)

    def later(t: float) -> float:
        return (round(t * rate) + cut.moved) / rate

    spooled = SpooledSegment(
        0, len(output.audio), output.part_samples, segments[index].brk, output.word_samples
    )
    timing = segment_timing(index, starts[index], spooled, rate)
    new_segments = [
        *entry.segments[:index],
        SegmentEntry(start_s=timing.start_s, end_s=timing.end_s, text=segments[index].text),
        *(
            SegmentEntry(start_s=later(s.start_s), end_s=later(s.end_s), text=s.text)
            for s in entry.segments[index + 1 :]
        ),
    ]
    sha256 = file_sha256(wav)
    timings = [Timing(k, s.start_s, s.end_s, []) for k, s in enumerate(new_segments)]
    audio = ChapterAudio(wav, entry.sample_rate, frames, sha256, timings, entry.gain or 1.0)
    breaks = [segment.brk for segment in segments]
    delivered = deliver_chapter(
        delivery, staged, wav, audio, breaks, (chapter.index, chapter.title)
    )
    chars = segments[index].spans[-1].end - book.segments[index].spans[-1].end
    first = sum(len(s.spans) for s in segments[:index])
    old_spans = len(book.segments[index].spans)
    marks = [
        *book.marks.marks[:first],
        *(
            Mark(start_s=a, end_s=b, text=span.text, char_start=span.start, char_end=span.end)
            for span, (a, b) in zip(segments[index].spans, timing.parts, strict=True)
        ),
        *(_moved(m, later, chars) for m in book.marks.marks[first + old_spans :]),
    ]
    voice = str(book.manifest.options["voice"])
    (said,) = chapter_links(
        chapter.text, [segments[index]], [item.parts], wording, partial(phonemize_word, voice)
    )
    links: list[SegmentLinks] = [() for _ in segments]
    links[index] = said  # chapter_words reads the links of the timed segment only
    old_start = book.segments[index].spans[0].start
    old_end = book.segments[index].spans[-1].end
    words = [
        *(w for w in book.marks.words if w.char_start < old_start),
        *chapter_words(chapter.text, links, [timing]),
        *(_moved(w, later, chars) for w in book.marks.words if w.char_start >= old_end),
    ]
    mp3s = mp3_files(encodings(delivery, audio, breaks, chapter.index))
    captions = store_mp3_captions(staged, (marks, words), chapter.text, wav, mp3s)
    staged.put_file(chapter_key(chapter.index), wav, sha256)  # moves the WAV away
    new_entry = entry.model_copy(
        deep=True,
        update={
            "duration_s": frames / entry.sample_rate,
            "sha256": sha256,
            "segments": new_segments,
            "files": delivered.files,
            "acx": delivered.acx,
            "checksums": delivered.checksums,
            "captions": captions,
        },
    )
    return Rewritten(new_entry, marks, words)


@dataclass(frozen=True)
class Cut:
    """Where the splice goes, in voice samples: from the middle of the pause before the
    segment (or of the lead-in) to the middle of the pause after it, or to the file's end
    after the last segment. The middle of a pause is silence in the master: the resampler's
    ringing dies out well within half of the shortest pause.

    Both ends fall where a voice sample and an output sample coincide (every sample at
    22050 to 44100 Hz, every 147th at 22050 to 24000 Hz), and the pause after the new audio
    is lengthened to keep that true of everything after it: the resampler's phase then
    matches the master's at both ends, and what follows moves by whole samples.
    """

    left: int
    start: int  # the segment's first sample
    end: int  # the sample after its last
    right: int
    last: bool
    moved: int  # how far everything after the cut moves

    @classmethod
    def around(
        cls, starts: list[int], ends: list[int], index: int, length: int, rates: tuple[int, int]
    ) -> "Cut":
        """The cut for segment `index`, whose new audio has `length` samples."""
        step = rates[0] // math.gcd(*rates)
        left = (ends[index - 1] + starts[index]) // 2 if index else starts[index] // 2
        left -= left % step
        moved = length - (ends[index] - starts[index])
        if index + 1 == len(starts):
            return cls(left, starts[index], ends[index], -1, True, moved)
        right = (ends[index] + starts[index + 1]) // 2
        right -= right % step
        return cls(left, starts[index], ends[index], right, False, moved + (-moved) % step)


@dataclass(frozen=True)
class Levels:
    """How the master was made: the rates, and the chapter's gain and ceiling."""

    rate: int  # the voice's
    out_rate: int
    gain: float
    ceiling_db: float


def splice(old: Path, new: Path, cut: Cut, audio: npt.NDArray[np.float32], levels: Levels) -> int:
    """Write the master with the cut replaced by the new audio at the chapter's gain;
    returns its frames. Samples outside the cut are copied, not computed again."""
    rate, out_rate = levels.rate, levels.out_rate
    with soundfile.SoundFile(old) as src:
        total = src.frames
    left = cut.left * out_rate // rate  # exact: the cut's ends are on both rates' grid
    if cut.last:  # to the file's end, keeping the silence after the segment as long
        tail = round(total * rate / out_rate) - cut.end
        end = total
    else:
        tail = cut.right + cut.moved - (cut.start + len(audio))
        end = cut.right * out_rate // rate
    region = np.concatenate(
        [
            np.zeros(cut.start - cut.left, np.float32),
            np.asarray(audio, np.float32) * np.float32(levels.gain),
            np.zeros(tail, np.float32),
        ]
    )
    resampled = soxr.resample(region, rate, out_rate, quality="HQ").astype(np.float32)
    length = round(len(region) * out_rate / rate)  # exact unless the cut ends the file
    fitted = np.zeros(length, np.float32)  # the region ends in silence: pad or trim there
    fitted[: min(length, len(resampled))] = resampled[:length]
    middle = to_pcm16(limit(fitted, 10 ** (levels.ceiling_db / 20), out_rate))
    with (
        soundfile.SoundFile(old) as src,
        soundfile.SoundFile(new, "w", out_rate, 1, "PCM_16", format="WAV") as dst,
    ):
        _copy(src, dst, left)
        dst.write(middle)
        src.seek(end)
        _copy(src, dst, total - end)
        return int(dst.frames)


def _copy(src: soundfile.SoundFile, dst: soundfile.SoundFile, frames: int) -> None:
    while frames > 0:
        block = src.read(min(frames, _COPY_FRAMES), dtype="int16")
        if not len(block):
            break
        dst.write(block)
        frames -= len(block)


def _moved(mark: T, later: Callable[[float], float], chars: int) -> T:
    return mark.model_copy(
        update={
            "start_s": later(mark.start_s),
            "end_s": later(mark.end_s),
            "char_start": mark.char_start + chars,
            "char_end": mark.char_end + chars,
        }
    )


def write_book(
    staged: "Staged",
    book: Book,
    chapter: Chapter,
    rewritten: Rewritten,
    delivery: Delivery,
) -> None:
    """Stage the chapter's captions and marks, the manuscript if its text changed, the M4B
    if the job made one, and the manifest."""
    entry = rewritten.entry
    marks = book.marks.model_copy(
        update={
            "audio_sha256": entry.sha256,
            "marks": rewritten.marks,
            "words": rewritten.words,
            "entry": entry,
        }
    )
    store_captions(staged, marks, chapter.text)
    staged.put_model(marks_key(chapter.index), marks)
    if chapter != book.chapter:
        chapters = [chapter if c.index == chapter.index else c for c in book.manuscript.chapters]
        staged.put_model(SOURCE_KEY, book.manuscript.model_copy(update={"chapters": chapters}))
    entries = [entry if e.index == entry.index else e for e in book.manifest.chapters]
    made = deliver_book(delivery, staged, entries, staged.scratch()) if book.manifest.book else None
    staged.put_model(
        MANIFEST_KEY,
        book.manifest.model_copy(update={"chapters": entries, "book": made or book.manifest.book}),
    )


class Staged(Storage):
    """Writes go under the staging prefix; reads find a staged object before the stored
    one (the M4B is made from the new master beside the other chapters' old ones)."""

    def __init__(self, base: Storage) -> None:
        self.base = base
        self.keys: list[str] = []

    def __repr__(self) -> str:
        return repr(self.base)

    def _staged(self, key: str) -> str:
        if key not in self.keys:
            self.keys.append(check_key(key))
        return f"{STAGE}/{key}"

    def _where(self, key: str) -> str:
        return f"{STAGE}/{key}" if key in self.keys else key

    def child(self, prefix: str) -> Storage:
        raise NotImplementedError("a redo's staging area has no children")

    def put_bytes(self, key: str, data: bytes) -> None:
        self.base.put_bytes(self._staged(key), data)

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> str:
        return self.base.put_file(self._staged(key), path, sha256)

    def get_bytes(self, key: str) -> bytes:
        return self.base.get_bytes(self._where(key))

    def local_file(self, key: str, scratch: Path) -> Path:
        return self.base.local_file(self._where(key), scratch)

    def exists(self, key: str) -> bool:
        return self.base.exists(self._where(key))

    def listed(self, prefix: str) -> set[str]:
        raise NotImplementedError("a redo reads the keys it staged, and lists none")

    def sha256(self, key: str) -> str | None:
        return self.base.sha256(self._where(key))

    def scratch(self) -> Path:
        return self.base.scratch()

    def tidy_scratch(self) -> None:
        self.base.tidy_scratch()

    def delete_prefix(self, prefix: str) -> None:
        raise NotImplementedError("a redo deletes nothing but its staging area")


def commit(staged: Staged) -> None:
    """The commit record (what to move, the manifest last), then the moves. The chapter's
    piece of the M4B stays behind, gone with the staging area: the book is muxed, and a
    finished output holds no pieces (`worker.pipeline`)."""
    kept = [k for k in staged.keys if k != MANIFEST_KEY and not k.startswith(BOOK_PIECES)]
    keys = [*kept, MANIFEST_KEY]
    staged.base.put_bytes(COMMIT_KEY, json.dumps(keys).encode())
    finish_staged(staged.base)


def finish_staged(storage: Storage) -> None:
    """Finish a redo that wrote its commit record; discard one that did not."""
    if storage.exists(COMMIT_KEY):
        for key in json.loads(storage.get_bytes(COMMIT_KEY)):
            move(storage, f"{STAGE}/{check_key(key)}", key)
    storage.delete_prefix(STAGE)


def move(storage: Storage, staged: str, key: str) -> None:
    """A staged object onto its key: a rename where storage is local (a move done before an
    interruption is not done again), a copy on S3 (done again, harmlessly)."""
    if storage.exists(staged):
        storage.put_file(key, storage.local_file(staged, storage.scratch()))
