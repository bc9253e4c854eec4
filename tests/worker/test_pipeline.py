"""narrate() over the real voice: chapters start longest first, phonemized one at a time,
in this process or in a phonemizer process of its own (as on a GPU host)."""

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import worker.pipeline
from config.manifest import Manifest
from config.manuscript import Chapter, LexiconEntry, Manuscript
from config.settings import Settings, SynthesisOptions
from models.piper import PiperVoice
from models.wording import Wording
from worker.pipeline import narrate
from worker.segment import Segment

TEXTS = [
    "A short one.",
    "The longest chapter of the three, which a book run should begin with. It goes on.",
    "One of middle length, here.",
]
BOOK = Manuscript(chapters=[Chapter(index=i, text=t) for i, t in enumerate(TEXTS)])
# A lexicon that changes the audio: a phonemizer that ignored it would give another book.
LEXICON = [LexiconEntry(grapheme="short", alias="brief")]
SETTINGS = Settings(chapters_in_flight=3)


def test_chapters_start_longest_first_and_are_phonemized_one_at_a_time(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phonemized: list[int] = []
    lexicons: list[list[Any]] = []
    busy, most = 0, 0
    lock = threading.Lock()
    phonemize = worker.pipeline.phonemize_segments

    def recording(voice: Any, segments: Sequence[Segment], wording: Wording) -> Any:
        nonlocal busy, most
        with lock:
            phonemized.append(
                next(i for i, t in enumerate(TEXTS) if t.startswith(segments[0].text))
            )
            lexicons.append(list(wording.lexicon))
            busy += 1
            most = max(most, busy)
        try:
            return phonemize(voice, segments, wording)
        finally:
            with lock:
                busy -= 1

    monkeypatch.setattr(worker.pipeline, "phonemize_segments", recording)
    book = BOOK.model_copy(update={"lexicon": LEXICON})
    manifest = narrate(book, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    assert phonemized == [1, 2, 0]
    assert lexicons == [LEXICON] * 3
    assert most == 1
    assert [ch.index for ch in manifest.chapters] == [0, 1, 2]  # the book's order
    assert all((tmp_path / ch.audio_key).is_file() for ch in manifest.chapters)


def test_a_phonemizer_process_gives_the_same_book(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def book(apart: bool) -> Manifest:
        monkeypatch.setattr(worker.pipeline, "_phonemize_apart", lambda *_: apart)
        out = tmp_path / ("apart" if apart else "here")
        book = BOOK.model_copy(update={"lexicon": LEXICON})
        return narrate(book, SynthesisOptions(), out, SETTINGS, voice=voice)

    here, apart = book(False), book(True)
    assert [ch.sha256 for ch in apart.chapters] == [ch.sha256 for ch in here.chapters]
