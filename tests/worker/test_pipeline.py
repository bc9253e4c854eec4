"""narrate() over the real voice: chapters start longest first, phonemized one at a time."""

import threading
from pathlib import Path
from typing import Any

import pytest

import worker.pipeline
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.piper import PiperVoice
from worker.pipeline import narrate

TEXTS = [
    "A short one.",
    "The longest chapter of the three, which a book run should begin with. It goes on.",
    "One of middle length, here.",
]


def test_chapters_start_longest_first_and_are_phonemized_one_at_a_time(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned: list[int] = []
    busy, most = 0, 0
    lock = threading.Lock()
    plan = worker.pipeline.plan_chapter

    def recording(*args: Any, **kwargs: Any) -> Any:
        nonlocal busy, most
        with lock:
            planned.append(args[1].index)
            busy += 1
            most = max(most, busy)
        try:
            return plan(*args, **kwargs)
        finally:
            with lock:
                busy -= 1

    monkeypatch.setattr(worker.pipeline, "plan_chapter", recording)
    book = Manuscript(chapters=[Chapter(index=i, text=t) for i, t in enumerate(TEXTS)])
    settings = Settings(chapters_in_flight=3)
    manifest = narrate(book, SynthesisOptions(), tmp_path, settings, voice=voice)
    assert planned == [1, 2, 0]
    assert most == 1
    assert [ch.index for ch in manifest.chapters] == [0, 1, 2]  # the book's order
    assert all((tmp_path / ch.audio_key).is_file() for ch in manifest.chapters)
