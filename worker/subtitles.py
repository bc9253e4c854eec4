"""Subtitles of a chapter, SRT and WebVTT: one cue per sentence mark, a long one cut in
several at word boundaries.

A cue holds at most two lines of at most 42 characters (the usual broadcast limits). A
sentence that needs more lines is wrapped as a whole and cut every two lines; each cut lies
between two words, and the cue after it starts when its first word does (the word marks
say when). Cues of one sentence follow each other without a gap, so the text stays on
screen through the pauses inside it.
"""

import bisect
import html
import itertools
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from config.manifest import Mark, WordMark
from models.normalize.marks import unmarked
from worker.words import source

MAX_LINE = 42
MAX_LINES = 2
_CLOCK = r"(\d{2,}):([0-5]\d):([0-5]\d)[,.](\d{3})"
_TIMES = re.compile(rf"{_CLOCK} --> {_CLOCK}")


@dataclass(frozen=True)
class Cue:
    """Lines shown together, from start_s to end_s of the chapter file."""

    start_s: float
    end_s: float
    lines: list[str]


def cues(chapter_text: str, sentences: Sequence[Mark], words: Sequence[WordMark]) -> list[Cue]:
    """The cues of a chapter's sentence marks, each long one cut at its words."""
    starts = [w.char_start for w in words]  # words are in order
    found: list[Cue] = []
    for sentence in sentences:
        first = bisect.bisect_left(starts, sentence.char_start)
        last = bisect.bisect_left(starts, sentence.char_end)
        found += sentence_cues(chapter_text, sentence, words[first:last])
    return found


def sentence_cues(chapter_text: str, sentence: Mark, words: Sequence[WordMark]) -> list[Cue]:
    """A sentence in cues of at most MAX_LINES lines; where a cut falls inside a word mark
    (or there are no word marks) its time is interpolated by characters."""
    said = unmarked(source(chapter_text, sentence.char_start, sentence.char_end))
    lines = wrap(said.text)
    groups = [lines[i : i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
    offsets = _line_offsets(said.text, [group[0] for group in groups])
    anchors: Sequence[Mark | WordMark] = words or [sentence]
    starts = [sentence.start_s]
    starts += [_time_at(anchors, said.starts[at], sentence.end_s) for at in offsets[1:]]
    ends = [*starts[1:], sentence.end_s]
    return [
        Cue(start, max(start, end), group)
        for start, end, group in zip(starts, ends, groups, strict=True)
    ]


def wrap(text: str) -> list[str]:
    """Lines of at most MAX_LINE characters, broken between words (inside a word only when
    it is longer than a line), as even as the cues allow: the narrowest wrap that fills
    the same number of cues, so that a long sentence does not end in a cue of one short
    line."""
    lines = _wrap(text, MAX_LINE)
    cues = -(-len(lines) // MAX_LINES)
    room = len(lines) if cues == 1 else cues * MAX_LINES
    # From the narrowest width that could hold the text in `room` lines: when the lines at
    # MAX_LINE are nearly full, that width is MAX_LINE itself, and no narrower wrap fits.
    # Nor narrower than a word: evenness cuts none.
    narrowest = max(-(-len(text) // room), _longest_whole(text))
    for width in range(max(1, narrowest), MAX_LINE):
        if len(narrower := _wrap(text, width)) <= room:
            return narrower
    return lines


def _longest_whole(text: str) -> int:
    """The longest word a wrap keeps whole; a hyphenated one longer than a line is cut at
    its hyphens (`_wrap`), so its longest part."""
    return max(
        (
            max(map(len, _AFTER_HYPHENS.split(word)))
            if len(word) > MAX_LINE and "-" in word
            else len(word)
            for word in text.split()
        ),
        default=0,
    )


_AFTER_HYPHENS = re.compile(r"(?<=-)")


def _wrap(text: str, width: int) -> list[str]:
    # A hyphenated word stays whole ("well-known" is not cut across lines) unless it is
    # longer than a line, which is then cut at its hyphens rather than inside a part.
    hyphens = any(len(word) > width and "-" in word for word in text.split())
    return textwrap.wrap(text, width, break_on_hyphens=hyphens) or [""]


def _line_offsets(text: str, lines: Sequence[str]) -> list[int]:
    """Where each of these lines (in order) begins in the text they were wrapped from."""
    offsets, at = [], 0
    for line in lines:
        at = text.index(line, at)
        offsets.append(at)
    return offsets


def _time_at(anchors: Sequence[Mark | WordMark], char: int, end_s: float) -> float:
    """When a chapter character is said: its word's start, or a share of the mark it lies
    inside; end_s after every mark."""
    for mark in anchors:
        if mark.char_end > char:
            share = max(0, char - mark.char_start) / max(1, mark.char_end - mark.char_start)
            return mark.start_s + share * (mark.end_s - mark.start_s)
    return end_s


def srt(found: Sequence[Cue]) -> str:
    """SubRip: numbered cues, times as HH:MM:SS,mmm."""
    return "".join(
        f"{n}\n{_clock(c.start_s, ',')} --> {_clock(c.end_s, ',')}\n" + "\n".join(c.lines) + "\n\n"
        for n, c in enumerate(found, start=1)
    )


def vtt(found: Sequence[Cue]) -> str:
    """WebVTT: a header, then cues with times as HH:MM:SS.mmm and their text escaped."""
    return "WEBVTT\n\n" + "".join(
        f"{_clock(c.start_s, '.')} --> {_clock(c.end_s, '.')}\n"
        + "\n".join(html.escape(line, quote=False) for line in c.lines)
        + "\n\n"
        for c in found
    )


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def timed_in_order(found: Sequence[Cue], end_s: float) -> bool:
    """Cues that do not overlap, each ending after it starts and by end_s (a file's end)."""
    return not any(a.end_s > b.start_s for a, b in itertools.pairwise(found)) and all(
        c.start_s <= c.end_s <= end_s for c in found
    )


def read_cues(text: str) -> list[Cue]:
    """The cues of an SRT or WebVTT file as these functions write them; ValueError for
    anything else."""
    body = text.removeprefix("WEBVTT\n\n") if text.startswith("WEBVTT") else text
    blocks = body.split("\n\n")
    if blocks[-1] != "" or any(not block for block in blocks[:-1]):
        raise ValueError("cues must be separated by one blank line and end with one")
    return [_read_cue(block, webvtt=body is not text) for block in blocks[:-1]]


def _read_cue(block: str, webvtt: bool) -> Cue:
    lines = block.split("\n")
    if not webvtt and not lines.pop(0).isdigit():
        raise ValueError(f"an SRT cue starts with its number: {block!r}")
    times = _TIMES.fullmatch(lines[0]) if lines else None
    if times is None or len(lines) < 2:
        raise ValueError(f"not a cue: {block!r}")
    values = [int(v) for v in times.groups()]
    text = [html.unescape(line) if webvtt else line for line in lines[1:]]
    return Cue(_seconds(values[:4]), _seconds(values[4:]), text)


def _seconds(parts: list[int]) -> float:
    hours, minutes, seconds, millis = parts
    return hours * 3600 + minutes * 60 + seconds + millis / 1000
