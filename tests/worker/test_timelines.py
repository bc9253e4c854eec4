"""Marks on an MP3's timeline point at the same speech in the decoded MP3 as the chapter's
marks do in its WAV: its head trimmed or padded to the room tone, a part cut from a long
chapter."""

import json
from pathlib import Path

import numpy as np
import pytest

from config.manifest import Mark, WordMark
from config.settings import AcxSettings
from tests.worker.speechlike import speechlike, write_wav
from tests.worker.timeline_audio import RATE, decoded, lag_s
from worker.encode import Tags
from worker.mastering import plan, survey, timeline_shift, write_acx_mp3
from worker.storage import LocalStorage
from worker.subtitles import read_cues
from worker.timelines import moved, store_mp3_captions

_SOUND = 10 ** (-60 / 20)


def bursts(audio: np.ndarray) -> list[float]:
    """Where each burst of sound starts after digital zero, in seconds."""
    loud = np.abs(audio) > _SOUND
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    first = [int(np.argmax(loud))]
    gaps = [int(s) for s in starts if not loud[s - RATE // 20 : s].any()]  # after a pause
    return [s / RATE for s in sorted(set(first + gaps))]


def said(onsets: list[float]) -> tuple[str, list[Mark], list[WordMark]]:
    """A text of one word a burst, each word a sentence of its own, marked at its burst."""
    words = [f"w{k}" for k in range(len(onsets))]
    text = " ".join(words)
    sentences, marks, at = [], [], 0
    for word, start in zip(words, onsets, strict=True):
        span = {"start_s": start, "end_s": start + 0.3, "text": word}
        sentences.append(Mark(**span, char_start=at, char_end=at + len(word)))
        marks.append(WordMark(**span, char_start=at, char_end=at + len(word)))
        at += len(word) + 1
    return text, sentences, marks


@pytest.mark.parametrize("lead_in_s", [0.3, 2.0])  # padded to ACX's head, trimmed to it
def test_word_marks_on_the_mp3s_timeline_point_at_its_speech(
    tmp_path: Path, lead_in_s: float
) -> None:
    audio = speechlike(6.0, RATE, seed=3, lead_in_s=lead_in_s)
    wav = write_wav(tmp_path / "000.wav", audio, RATE)
    write_acx_mp3(wav, tmp_path / "000.mp3", Tags())
    text, sentences, words = said(bursts(audio))
    storage = LocalStorage(tmp_path / "out")
    (captions,) = store_mp3_captions(
        storage, (sentences, words), text, wav, [("chapters/000.mp3", None)]
    )
    mp3 = decoded(tmp_path / "000.mp3")
    events = [json.loads(line) for line in storage.get_bytes("marks/mp3/000.jsonl").splitlines()]
    heard = [e for e in events if e["type"] == "word"]
    assert len(heard) == len(words) >= 3
    for event, word in zip(heard, words, strict=True):
        assert abs(lag_s(audio, word.start_s, mp3, event["time"] / 1000)) <= 0.02, event
    assert captions.offset_s == pytest.approx(0.75 - bursts(audio)[0], abs=1 / RATE)
    cues = read_cues(storage.get_bytes("subtitles/mp3/000.srt").decode())
    assert [c.start_s for c in cues] == [
        e["time"] / 1000 for e in events if e["type"] == "sentence"
    ]


def test_the_shift_is_the_mastering_plans(tmp_path: Path) -> None:
    for lead_in_s in (0.0, 0.75, 3.0):
        wav = write_wav(tmp_path / "c.wav", speechlike(2.0, RATE, lead_in_s=lead_in_s), RATE)
        steps = plan(survey(wav), AcxSettings())
        assert timeline_shift(wav) == (steps.pad_head - steps.start) / RATE


def test_a_parts_marks_are_its_own_on_its_timeline(tmp_path: Path) -> None:
    audio = speechlike(8.0, RATE, seed=5)
    wav = write_wav(tmp_path / "000.wav", audio, RATE)
    onsets = bursts(audio)
    cut = onsets[len(onsets) // 2] - 0.1  # in the pause before a burst, as a paragraph's end
    span = (cut, len(audio) / RATE)
    write_acx_mp3(wav, tmp_path / "000-2.mp3", Tags(), span=span)
    text, sentences, words = said(onsets)
    storage = LocalStorage(tmp_path / "out")
    (captions,) = store_mp3_captions(
        storage, (sentences, words), text, wav, [("chapters/000-2.mp3", span)]
    )
    assert captions.speech_marks_key == "marks/mp3/000-2.jsonl"
    events = [json.loads(line) for line in storage.get_bytes("marks/mp3/000-2.jsonl").splitlines()]
    heard = [e for e in events if e["type"] == "word"]
    later = [w for w in words if w.start_s >= cut]
    assert [e["value"] for e in heard] == [w.text for w in later]
    mp3 = decoded(tmp_path / "000-2.mp3")
    for event, word in zip(heard, later, strict=True):
        assert abs(lag_s(audio, word.start_s, mp3, event["time"] / 1000)) <= 0.02, event


def test_a_mark_before_the_files_start_is_at_its_start() -> None:
    mark = Mark(start_s=0.1, end_s=0.4, text="a", char_start=0, char_end=1)
    (first,), _ = moved([mark], [], -0.2)
    assert first.start_s == 0.0 and first.end_s == pytest.approx(0.2)
