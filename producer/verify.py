"""`narrate verify OUT`: check a finished output against its own manuscript, in a local
folder or where a job delivered it (`file:///dir/JOB`, `s3://bucket/prefix/JOB`).

For every chapter: the WAV exists, its checksum, rate and duration match the manifest, and
its marks hold every sentence of the chapter text, in order, at increasing times; its word
marks run in order inside their sentences and say the characters they point at; its speech
marks and subtitles parse and agree with the marks; its files in other formats exist, each
is the file made (its checksum the manifest's), each decodes to its end, an MP3 to the length
its ACX report recorded, Opus and FLAC to the chapter's; the speech marks and subtitles on
each MP3's and the M4B's timeline hold the marks, moved as the file is
(`producer.verify_timelines`). The retail sample and the M4B exist, are the files made and
decode, and the M4B's title, chapter markers and length are the manifest's. A manifest from
before the checksums were recorded is checked without them, and verify says so. No file
lies in the book's own places (chapters/, marks/, subtitles/, book.m4b, sample.mp3) that
the manifest does not name. This is what a publisher runs before shipping a book; the tests
run it too.
"""

import bisect
import itertools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import soundfile
from pydantic import BaseModel

from config.errors import FormatError, OutputError
from config.layout import MANIFEST_KEY, SOURCE_KEY
from config.manifest import BookFile, ChapterEntry, ChapterMarks, Manifest, Mark, WordMark
from config.manuscript import NOT_ASKED_FOR, Chapter, Manuscript, Metadata
from producer.readers.book import CREDITS
from producer.verify_timelines import book_caption_problems, mp3_caption_problems
from worker.acx import decoded_seconds
from worker.folder import stray_keys
from worker.m4b import M4B_RATE, BookFacts, read_book
from worker.segment import sentence_bounds
from worker.storage import LocalStorage, Storage, file_sha256, open_storage
from worker.subtitles import MAX_LINE, MAX_LINES, read_cues, timed_in_order

_SPEECH_MARK_KEYS = ["time", "type", "start", "end", "value"]
_MP3_SLACK_S = 0.01  # under one MP3 frame (26 ms): the report's duration is in milliseconds
# Opus's 48 kHz rounds the chapter's length to its own samples; a packet lost is 20 ms.
_DECODED_SLACK_S = 0.001
_AAC_SLACK_S = 2 * 1024 / M4B_RATE  # two AAC packets: a chapter's audio is packet-aligned
_URLS = ("s3://", "file://")


_Record = TypeVar("_Record", bound=BaseModel)
_Read = TypeVar("_Read")


def read_output(storage: Storage, out: Path | str, key: str, model: type[_Record]) -> _Record:
    """One of an output's records; an OutputError saying plainly what is wrong with it."""
    try:
        data = storage.get_bytes(key)
    except (OutputError, FileNotFoundError, NotADirectoryError) as error:
        # S3's own words pass through (AccessDenied, NoSuchBucket): only a missing key is "no"
        if isinstance(error, OutputError) and not str(error).endswith("NoSuchKey"):
            raise
        if isinstance(storage, LocalStorage) and not storage.root.is_dir():
            if storage.root.exists():  # a book's file given for its folder, say
                raise OutputError(f"{out}: a file, not a narrate output folder") from error
            raise OutputError(f"{out}: no such folder") from error
        raise OutputError(f"{out}: not a finished narrate output (no {key})") from error
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"{out}: not a finished narrate output ({key}: {reason})") from error
    try:
        return model.model_validate_json(data)
    except ValueError as error:
        reason = f"{key} cannot be read: damaged, or another program's or version's"
        raise OutputError(f"{out}: not a finished narrate output ({reason})") from error


def verify(out: Path | str, say: Callable[[str], None] = lambda note: None) -> list[str]:
    """Problems found in an output (a folder, file:///dir or s3://bucket/prefix); empty when
    it is complete and consistent. An output of the chapters `--chapter` asked for is
    complete when they are, and `say` is told that the book has more (`not_asked_for`)."""
    storage = output_storage(out)
    manifest = read_output(storage, out, MANIFEST_KEY, Manifest)
    source = read_output(storage, out, SOURCE_KEY, Manuscript)
    for note in (not_asked_for(source), unrecorded(manifest)):
        if note:
            say(f"{out}: {note}")
    problems = []
    if len(manifest.chapters) != len(source.chapters):
        problems.append(
            f"{len(manifest.chapters)} chapters in the manifest, "
            f"{len(source.chapters)} in the manuscript"
        )
    for chapter, entry in zip(source.chapters, manifest.chapters, strict=False):
        found = chapter_problems(storage, chapter, entry, manifest.sample_rate)
        found += format_problems(storage, entry)
        problems += [f"chapter {entry.index}: {p}" for p in found]
        problems += [finding.line() for finding in entry.qa if not finding.fixed]
    problems += book_problems(storage, manifest)
    problems += book_caption_problems(storage, manifest)
    problems += [
        f"{key}: a file the manifest does not name" for key in stray_keys(storage, manifest)
    ]
    return problems


def not_asked_for(source: Manuscript) -> str:
    """One line where the output holds only some of the book's chapters, as `--chapter`
    asked: not a fault of the output, but no audiobook yet. Empty where it holds them all."""
    left = sum(skipped.reason == NOT_ASKED_FOR for skipped in source.skipped)
    if not left:
        return ""
    narrated = sum(chapter.kind != CREDITS for chapter in source.chapters)
    return (
        f"{narrated} of the book's {narrated + left} chapters narrated; {left} not asked for "
        "(--chapter): rerun without --chapter to narrate them"
    )


def unrecorded(manifest: Manifest) -> str:
    """One line where the manifest records no checksum of some delivered files (an earlier
    narrate's did not): those are decoded and measured, not compared. Empty where it records
    them all."""
    left = sum(not sha256 for _, sha256 in delivered_files(manifest))
    if not left:
        return ""
    files = "file" if left == 1 else "files"
    return (
        f"the manifest records no checksum of {left} delivered {files} (an older narrate's "
        "output): each is decoded and measured, not compared"
    )


def delivered_files(manifest: Manifest) -> list[tuple[str, str]]:
    """Each file the manifest names beside the chapters' WAVs, marks and captions (their
    other formats, the retail sample, the M4B) and its recorded sha256 ("": none)."""
    recorded = {key: sha for entry in manifest.chapters for key, sha in entry.checksums.items()}
    keys = [key for entry in manifest.chapters for key in _other_formats(entry)]
    found = [(key, recorded.get(key, "")) for key in keys]
    if manifest.sample_key:
        found.append((manifest.sample_key, recorded.get(manifest.sample_key, "")))
    if manifest.book:
        found.append((manifest.book.key, manifest.book.sha256))
    return found


def output_storage(out: Path | str) -> Storage:
    """Where the output is, only read: a URL through the storage layer (a Path would fold
    s3:// into s3:/), anything else a local folder, which is not created if missing."""
    text = str(out)
    if text.startswith(_URLS):
        return open_storage(text, create=False)
    return LocalStorage(Path(text), create=False)


def chapter_problems(
    storage: Storage, chapter: Chapter, entry: ChapterEntry, sample_rate: int
) -> list[str]:
    """One chapter's audio, marks and captions against its text and the manifest."""
    if not storage.exists(entry.audio_key):
        return [f"{entry.audio_key} is missing"]
    problems = audio_problems(storage, entry, sample_rate)
    body = _bytes(storage, entry.marks_key)
    if body is None:
        return [*problems, f"{entry.marks_key} is missing"]
    marks = ChapterMarks.model_validate_json(body)
    problems += sentence_problems(chapter.text, entry, marks)
    problems += word_problems(chapter.text, marks)
    problems += caption_problems(storage, entry, marks)
    return problems + mp3_caption_problems(storage, entry, marks)


def audio_problems(storage: Storage, entry: ChapterEntry, sample_rate: int) -> list[str]:
    """The WAV's rate, length and checksum against the manifest (on S3 it is downloaded:
    the checksum of what is stored, not the one recorded beside it)."""
    with tempfile.TemporaryDirectory(prefix="narrate-verify-") as scratch:
        wav = storage.local_file(entry.audio_key, Path(scratch))
        info = soundfile.info(str(wav))
        digest = file_sha256(wav)
    problems = []
    if info.samplerate != sample_rate:
        problems.append(f"{info.samplerate} Hz, manifest says {sample_rate}")
    if abs(info.frames / info.samplerate - entry.duration_s) > 1e-6:
        problems.append(f"lasts {info.duration:.3f} s, manifest says {entry.duration_s:.3f} s")
    if digest != entry.sha256:
        problems.append("checksum differs from the manifest")
    return problems


def format_problems(storage: Storage, entry: ChapterEntry) -> list[str]:
    """The chapter's files in the formats beside its WAV: each there, the file made (its
    checksum the entry's), and decoded to its end as long as it was made: an MP3 as its ACX
    report measured it, Opus and FLAC as the chapter (not damaged, not cut short, not
    another chapter's)."""
    keys = _other_formats(entry)
    problems = [f"{key} is missing" for key in keys if not storage.exists(key)]
    lengths = _made_lengths(entry)
    for key in keys:
        if storage.exists(key):
            found, seconds = _stored_problems(storage, key, entry.checksums, decoded_seconds)
            made = lengths.get(key)  # None: an MP3 without its report
            if seconds is not None and made and abs(seconds - made[0]) > made[1]:
                found.append(f"{key} lasts {seconds:.3f} s, made {made[0]:.3f} s long")
            problems += found
    return problems


def _other_formats(entry: ChapterEntry) -> list[str]:
    """The keys of a chapter's files beside its WAV."""
    return [key for keys in entry.files.values() for key in keys if key != entry.audio_key]


def _made_lengths(entry: ChapterEntry) -> dict[str, tuple[float, float]]:
    """How long each of the chapter's files was made, and the slack of its measure, by key:
    an MP3 (or part) as its ACX report says, a file of another format as the chapter."""
    lengths = {
        key: (entry.duration_s, _DECODED_SLACK_S)
        for fmt, keys in entry.files.items()
        if fmt != "mp3"
        for key in keys
    }
    for key, report in zip(entry.files.get("mp3", []), entry.acx, strict=False):
        lengths[key] = (report.duration_s, _MP3_SLACK_S)
    return lengths


def book_problems(storage: Storage, manifest: Manifest) -> list[str]:
    """The retail sample and the M4B the manifest names: each there, the file made (its
    checksum the manifest's) and decoded to its end, and the M4B's title, chapter markers
    and length the manifest's (not damaged, not cut short, not another book's)."""
    keys = [key for key in (manifest.sample_key, manifest.book and manifest.book.key) if key]
    problems = [f"{key} is missing" for key in keys if not storage.exists(key)]
    recorded = dict(delivered_files(manifest))
    if manifest.sample_key and storage.exists(manifest.sample_key):
        problems += _stored_problems(storage, manifest.sample_key, recorded, decoded_seconds)[0]
    book = manifest.book
    if book is None or not storage.exists(book.key):
        return problems
    found, read = _stored_problems(storage, book.key, recorded, _read_book_decoded)
    if read is None:
        return problems + found
    facts, damage = read
    problems += found + ([f"{book.key} cannot be read ({damage})"] if damage else [])
    return problems + [f"{book.key}: {p}" for p in m4b_problems(facts, manifest.metadata, book)]


def _read_book_decoded(path: Path) -> tuple[BookFacts, str]:
    """An M4B's tags, markers and length, and why its audio cannot be decoded to its end
    ("": it can). Its facts are read from its packets undecoded, which shows no damage
    inside them; one cut short says how long it lasts besides."""
    facts = read_book(path)
    try:
        decoded_seconds(path)
    except FormatError as error:
        return facts, str(error)
    return facts, ""


def m4b_problems(facts: BookFacts, metadata: Metadata, book: BookFile) -> list[str]:
    """An M4B read back against the manifest's record of it."""
    problems = []
    if metadata.title and facts.title != metadata.title:
        problems.append(f"titled {facts.title!r}, the manifest's book is {metadata.title!r}")
    marked = [title for _, title in facts.markers]
    if marked != [c.title for c in book.chapters]:
        problems.append(f"{len(marked)} chapter markers, not the manifest's chapters in order")
    elif any(
        abs(at - c.start_s) > _AAC_SLACK_S
        for (at, _), c in zip(facts.markers, book.chapters, strict=True)
    ):
        problems.append("chapter markers at other times than the manifest's")
    end = book.chapters[-1].end_s if book.chapters else 0.0
    if abs(facts.end_s - end) > _AAC_SLACK_S:
        problems.append(f"lasts {facts.end_s:.3f} s, its chapters {end:.3f} s")
    return problems


def _stored_problems(
    storage: Storage, key: str, checksums: dict[str, str], read: Callable[[Path], _Read]
) -> tuple[list[str], _Read | None]:
    """A stored file (on S3 downloaded once, and removed): its checksum against the one
    recorded (`checksums`, by key; none in an older manifest), and what `read` makes of it
    (None, and why, where it cannot)."""
    with tempfile.TemporaryDirectory(prefix="narrate-verify-") as scratch:
        path = storage.local_file(key, Path(scratch))
        recorded = checksums.get(key, "")
        problems = []
        if recorded and file_sha256(path) != recorded:
            problems.append(f"{key}: checksum differs from the manifest")
        try:
            return problems, read(path)
        except FormatError as error:
            return [*problems, f"{key} cannot be read ({error})"], None


def sentence_problems(text: str, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    """Every sentence of the text marked, in order, at increasing times inside the file.

    The marks must say the characters they point at and leave no word of the text unmarked.
    Cutting the text again would depend on the segmenting settings of this process and
    could cut a text that `narrate redo --text` changed otherwise than its marks record."""
    problems = []
    missing = _unmarked_sentences(text, marks.marks)
    if missing:
        problems.append(f"marks differ from the text ({missing} sentences missing)")
    times = [(m.start_s, m.end_s) for m in marks.marks]
    if any(a[1] > b[0] for a, b in itertools.pairwise(times)) or any(
        s >= e or e > entry.duration_s + 1e-6 for s, e in times
    ):
        problems.append("sentence timings out of order or outside the file")
    return problems


def _unmarked_sentences(text: str, marks: list[Mark]) -> int:
    """Sentences of the text that no mark covers, and marks that run backwards or do not
    say their characters (a scene break, a paragraph of marks only, is never read)."""
    missing, at = 0, 0
    for mark in marks:
        if mark.char_start < at:
            missing += 1
            continue
        missing += _said(text[at : mark.char_start])
        missing += " ".join(text[mark.char_start : mark.char_end].split()) != mark.text
        at = mark.char_end
    return missing + _said(text[at:])


def _said(stretch: str) -> int:
    """Sentences with a letter or a digit in a stretch of text."""
    prose = " ".join(stretch.split())
    return sum(any(ch.isalnum() for ch in prose[a:b]) for a, b in sentence_bounds(prose))


def _bytes(storage: Storage, key: str) -> bytes | None:
    """An object's bytes; None when it is missing."""
    return storage.get_bytes(key) if storage.exists(key) else None


def word_problems(text: str, marks: ChapterMarks) -> list[str]:
    """Word marks out of order, outside their sentences, or not saying their characters."""
    problems = []
    times = [(w.start_s, w.end_s) for w in marks.words]
    chars = [(w.char_start, w.char_end) for w in marks.words]
    if any(a[1] > b[0] for pair in (times, chars) for a, b in itertools.pairwise(pair)):
        problems.append("word marks out of order or overlapping")
    starts = [m.char_start for m in marks.marks]
    outside = [w.text for w in marks.words if not _inside_its_sentence(w, marks.marks, starts)]
    if outside:
        problems.append(f"{len(outside)} word marks outside their sentences ({outside[0]!r})")
    said = [" ".join(text[w.char_start : w.char_end].split()) for w in marks.words]
    wrong = [w.text for w, chars in zip(marks.words, said, strict=True) if chars != w.text]
    if wrong:
        problems.append(f"{len(wrong)} word marks differ from their characters ({wrong[0]!r})")
    return problems


def _inside_its_sentence(word: WordMark, sentences: list[Mark], starts: list[int]) -> bool:
    """Whether a word lies, in characters and in time, inside the sentence it starts in
    (`starts`: where each sentence starts)."""
    at = bisect.bisect_right(starts, word.char_start) - 1
    if at < 0:
        return False
    sentence = sentences[at]
    return (
        word.char_end <= sentence.char_end
        and sentence.start_s <= word.start_s < word.end_s <= sentence.end_s
    )


def caption_problems(storage: Storage, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    """Speech marks and subtitles the manifest lists that are missing, do not parse, or
    disagree with the marks (a manifest from before them lists none)."""
    keys = [entry.speech_marks_key, *entry.subtitle_keys] if entry.speech_marks_key else []
    problems = []
    for key in keys:
        check = _speech_mark_problems if key.endswith(".jsonl") else _cue_problems
        body = _bytes(storage, key)
        if body is None:
            problems.append(f"{key} is missing")
            continue
        try:
            problems += check(body.decode("utf-8"), entry, marks)
        except ValueError as error:
            problems.append(f"{key} does not parse ({error})")
    return problems


def _speech_mark_problems(body: str, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    events = [json.loads(line) for line in body.splitlines()]
    if any(not isinstance(e, dict) or list(e) != _SPEECH_MARK_KEYS for e in events):
        raise ValueError(f"each line must be an object of {', '.join(_SPEECH_MARK_KEYS)}")
    kinds = [e["type"] for e in events]
    if (kinds.count("sentence"), kinds.count("word")) != (len(marks.marks), len(marks.words)):
        return ["speech marks differ from the marks"]
    times = [e["time"] for e in events]
    return [] if times == sorted(times) else ["speech marks out of time order"]


def _cue_problems(body: str, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    cues = read_cues(body)
    problems = []
    if any(len(c.lines) > MAX_LINES or any(len(line) > MAX_LINE for line in c.lines) for c in cues):
        problems.append(f"cues over {MAX_LINES} lines of {MAX_LINE} characters")
    if not timed_in_order(cues, entry.duration_s + 1e-3):
        problems.append("cue times out of order or outside the file")
    return problems
