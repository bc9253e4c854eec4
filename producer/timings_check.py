"""`python -m producer.timings_check OUT`: how well a finished output's word marks agree with
where Whisper hears the words.

Each chapter WAV is transcribed by Whisper tiny.en with word timestamps (see
`models.asr`). Both sides are reduced to the gate's spoken words (numbers in words, lower
case) and matched in order; a word counts where it begins both a word mark and a word
Whisper heard, so that both sides have a start of their own for it. Whisper's own times are
off by some tens of milliseconds, so this is a check on the marks, not a measure of them.
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from config.layout import MANIFEST_KEY
from config.manifest import ChapterMarks, Manifest, WordMark
from models.asr import HeardWord, transcribe_words, words


@dataclass(frozen=True)
class Agreement:
    """How many word marks Whisper confirmed, and how far apart the two starts were."""

    words: int  # word marks
    matched: int
    median_ms: float
    p90_ms: float

    def __str__(self) -> str:
        return (
            f"{self.matched} of {self.words} words matched; start difference median "
            f"{self.median_ms:.0f} ms, 90th percentile {self.p90_ms:.0f} ms"
        )


def start_pairs(marks: Sequence[WordMark], heard: Sequence[HeardWord]) -> list[tuple[float, float]]:
    """(mark start, heard start) of each word that begins a mark and a heard word, matched
    by the words both say, in order."""
    ours, our_starts = _spoken(marks)
    theirs, their_starts = _spoken(heard)
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    pairs = [
        (our_starts[i + k], their_starts[j + k])
        for i, j, size in matcher.get_matching_blocks()
        for k in range(size)
    ]
    return [(a, b) for a, b in pairs if a is not None and b is not None]


def _spoken(items: Sequence[WordMark | HeardWord]) -> tuple[list[str], list[float | None]]:
    """The gate's words of each item, and the item's start beside its first word."""
    said: list[str] = []
    starts: list[float | None] = []
    for item in items:
        for k, word in enumerate(words(item.text)):
            said.append(word)
            starts.append(item.start_s if k == 0 else None)
    return said, starts


def agreement(marks: Sequence[WordMark], heard: Sequence[HeardWord]) -> Agreement:
    pairs = start_pairs(marks, heard)
    gaps = np.abs([1000 * (a - b) for a, b in pairs]) if pairs else np.array([np.nan])
    return Agreement(len(marks), len(pairs), float(np.median(gaps)), float(np.percentile(gaps, 90)))


def check(out: Path, chapters: Sequence[int] = ()) -> list[tuple[int, Agreement]]:
    """The agreement of each chapter of an output (all, or those listed)."""
    manifest = Manifest.model_validate_json((out / MANIFEST_KEY).read_text())
    results = []
    for entry in manifest.chapters:
        if chapters and entry.index not in chapters:
            continue
        marks = ChapterMarks.model_validate_json((out / entry.marks_key).read_text())
        results.append(
            (entry.index, agreement(marks.words, transcribe_words(out / entry.audio_key)))
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m producer.timings_check", description=__doc__)
    parser.add_argument("output", type=Path, help="a finished output directory")
    parser.add_argument("--chapter", type=int, action="append", default=[], help="only these")
    args = parser.parse_args(argv)
    for index, found in check(args.output, args.chapter):
        print(f"chapter {index}: {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
