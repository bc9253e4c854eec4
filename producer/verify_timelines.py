"""`narrate verify`'s checks of the speech marks and subtitles on the delivered files'
timelines (`worker.timelines`): each MP3's, the M4B's.

Each file the manifest names must be there and parse, and say every mark of its chapter
once, at the chapter's time plus the file's offset (for the M4B, plus the chapter's start in
the book), to the millisecond the files are written in; its cues in order, inside the file.
"""

import json

from config.manifest import Captions, ChapterEntry, ChapterMarks, Manifest
from worker.storage import Storage
from worker.subtitles import read_cues, timed_in_order

_Said = tuple[str, int, int]  # a mark's type and characters: (type, start, end)
_SLACK_MS = 1  # both times are rounded to the millisecond


def mp3_caption_problems(storage: Storage, entry: ChapterEntry, marks: ChapterMarks) -> list[str]:
    """A chapter's MP3 captions against its marks: between them, each mark once."""
    lengths = [report.duration_s for report in entry.acx]
    problems, said = [], 0
    for n, captions in enumerate(entry.captions):
        length = lengths[n] if n < len(lengths) else None
        found, count = _file_problems(storage, captions, {entry.index: (marks, 0.0)}, length)
        problems += found
        said += count
    if entry.captions and said != len(marks.marks) + len(marks.words):
        problems.append("the MP3s' speech marks do not hold every mark of the chapter once")
    return problems


def book_caption_problems(storage: Storage, manifest: Manifest) -> list[str]:
    """The M4B's captions against every chapter's marks, each moved by its start."""
    book = manifest.book
    if book is None or book.captions is None:
        return []
    chapters = {}
    for entry, time in zip(manifest.chapters, book.chapters, strict=False):
        if not storage.exists(entry.marks_key):
            return []  # said with the chapter
        body = storage.get_bytes(entry.marks_key)
        chapters[entry.index] = (ChapterMarks.model_validate_json(body), time.start_s)
    end = book.chapters[-1].end_s if book.chapters else 0.0
    problems, said = _file_problems(storage, book.captions, chapters, end)
    total = sum(len(m.marks) + len(m.words) for m, _ in chapters.values())
    if not problems and said != total:
        problems.append(f"{book.captions.speech_marks_key} does not hold every mark once")
    return problems


def _file_problems(
    storage: Storage,
    captions: Captions,
    chapters: dict[int, tuple[ChapterMarks, float]],
    length: float | None,
) -> tuple[list[str], int]:
    """One file's speech marks and subtitles; and how many marks they say."""
    problems, said = [], 0
    for key in captions.named_keys():
        if not storage.exists(key):
            problems.append(f"{key} is missing")
            continue
        body = storage.get_bytes(key).decode("utf-8")
        try:
            if key.endswith(".jsonl"):
                found, said = _marks_problems(body, captions.offset_s, chapters)
            else:
                found = _cue_problems(body, length)
        except (ValueError, KeyError, TypeError) as error:
            found = [f"does not parse ({error})"]
        problems += [f"{key}: {problem}" for problem in found]
    return problems, said


def _marks_problems(
    body: str, offset_s: float, chapters: dict[int, tuple[ChapterMarks, float]]
) -> tuple[list[str], int]:
    """Speech marks at their chapter's times moved by the offset (and the chapter's start)."""
    expected = {k: (_times(marks), start + offset_s) for k, (marks, start) in chapters.items()}
    events = [json.loads(line) for line in body.splitlines()]
    late = []
    for event in events:
        chapter = event.get("chapter", next(iter(chapters)))
        times, moved_by = expected.get(chapter, ({}, 0.0))
        at = times.get((event["type"], event["start"], event["end"]))
        if at is None or abs(event["time"] - max(0, round(at + moved_by * 1000))) > _SLACK_MS:
            late.append(event["value"])
    problems = [f"{len(late)} marks off the file's timeline ({late[0]!r})"] if late else []
    order = [event["time"] for event in events]
    if order != sorted(order):
        problems.append("speech marks out of time order")
    return problems, len(events)


def _times(marks: ChapterMarks) -> dict[_Said, float]:
    """Each mark's time in the chapter WAV, in milliseconds, by its type and characters."""
    found = {("sentence", m.char_start, m.char_end): m.start_s * 1000 for m in marks.marks}
    found.update({("word", w.char_start, w.char_end): w.start_s * 1000 for w in marks.words})
    return found


def _cue_problems(body: str, length: float | None) -> list[str]:
    ends = length + 1e-3 if length is not None else float("inf")
    if not timed_in_order(read_cues(body), ends):
        return ["cue times out of order or outside the file"]
    return []
