"""Speech marks in Amazon Polly's format: JSON lines sorted by time, a sentence before its
first word."""

import json

from config.manifest import Mark, WordMark
from worker.speechmarks import speech_marks

SENTENCES = [
    Mark(start_s=0.5, end_s=1.5, text='"It was late."', char_start=0, char_end=14),
    Mark(start_s=2.0, end_s=3.0, text="Café at 5.", char_start=16, char_end=26),
]
WORDS = [
    WordMark(start_s=0.5004, end_s=0.7, text="It", char_start=1, char_end=3),
    WordMark(start_s=0.8, end_s=1.0, text="was", char_start=4, char_end=7),
    WordMark(start_s=1.1, end_s=1.4, text="late", char_start=8, char_end=12),
    WordMark(start_s=2.0, end_s=2.4, text="Café", char_start=16, char_end=20),
    WordMark(start_s=2.5, end_s=2.6, text="at", char_start=21, char_end=23),
    WordMark(start_s=2.7, end_s=3.0, text="5", char_start=24, char_end=25),
]


def test_one_polly_object_a_line_sorted_sentences_first() -> None:
    text = speech_marks(SENTENCES, WORDS)
    assert text.endswith("\n")
    events = [json.loads(line) for line in text.splitlines()]
    assert all(list(e) == ["time", "type", "start", "end", "value"] for e in events)
    assert [(e["type"], e["value"]) for e in events] == [
        ("sentence", '"It was late."'),
        ("word", "It"),
        ("word", "was"),
        ("word", "late"),
        ("sentence", "Café at 5."),
        ("word", "Café"),
        ("word", "at"),
        ("word", "5"),
    ]
    assert [e["time"] for e in events] == [500, 500, 800, 1100, 2000, 2000, 2500, 2700]
    assert (events[3]["start"], events[3]["end"]) == (8, 12)


def test_text_stays_readable_utf8() -> None:
    assert '"value": "Café"' in speech_marks([], WORDS)
