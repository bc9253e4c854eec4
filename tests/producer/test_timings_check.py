"""Word marks against Whisper: words matched in order by what both say; on real speech the
starts agree to within the target."""

from pathlib import Path

import pytest

from config.manifest import WordMark
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.asr import HeardWord
from models.piper import PiperVoice
from producer.timings_check import agreement, check, start_pairs
from worker.pipeline import narrate

# About 30 s of plain prose (News from Nowhere, chapter II).
PROSE = (
    "Well, I awoke, and found that I had kicked my bedclothes off; and no wonder, for it was "
    "hot and the sun shining brightly. I jumped up and washed and hurried on my clothes, but "
    "in a hazy and half-awake condition, as if I had slept for a long, long while, and could "
    "not shake off the weight of slumber. In fact, I rather took it for granted that I was at "
    "home in my own room than saw that it was so."
)


def mark(text: str, start: float) -> WordMark:
    return WordMark(start_s=start, end_s=start + 0.2, text=text, char_start=0, char_end=1)


def test_words_are_matched_by_what_both_say_where_each_side_starts_one() -> None:
    marks = [mark("In", 0.0), mark("1887", 0.3), mark("out of", 1.0), mark("doors", 1.4)]
    heard = [
        HeardWord("in", 0.05, 0.2),
        HeardWord("1887,", 0.4, 0.9),
        HeardWord("out", 1.1, 1.2),
        HeardWord("of", 1.2, 1.3),
        HeardWord("doors.", 1.45, 1.8),
    ]
    # "of" has no start of its own in the marks: only "in", "eighteen", "out", "doors" count
    assert start_pairs(marks, heard) == [(0.0, 0.05), (0.3, 0.4), (1.0, 1.1), (1.4, 1.45)]
    found = agreement(marks, heard)
    assert (found.words, found.matched) == (4, 4)
    assert found.median_ms == pytest.approx(75.0)


@pytest.mark.slow
def test_word_marks_agree_with_where_whisper_hears_the_words(
    voice: PiperVoice, tmp_path: Path
) -> None:
    book = Manuscript(chapters=[Chapter(index=0, text=PROSE)])
    narrate(book, SynthesisOptions(), tmp_path, Settings(), voice=voice)
    ((_, found),) = check(tmp_path)
    assert found.matched >= 0.8 * found.words
    assert found.median_ms <= 80
