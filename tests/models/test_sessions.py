"""Sessions from optimized graphs kept in the cache: read back, they say the same samples."""

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

import models.sessions
from models.piper import PiperVoice
from models.sessions import SUFFIX, optimized_path
from models.voice import VoiceInput

TEXT = "The keeper climbed the stairs at 7 P.M., and lit the great lamp."


def said(voice: PiperVoice) -> np.ndarray:
    params = voice.default_params()  # with noise: the seeded draws must match too
    (out,) = voice.synthesize([(VoiceInput((voice.phonemize(TEXT),), seed=3),)], params)[0]
    return out.audio


def sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each session is built from: "graph" (bytes, optimized now) or "saved"."""
    built: list[str] = []
    real = ort.InferenceSession

    def recorded(model: Any, *args: Any, **kwargs: Any) -> ort.InferenceSession:
        saved = isinstance(model, str) and model.endswith(SUFFIX)
        built.append("saved" if saved else "graph")
        return real(model, *args, **kwargs)

    monkeypatch.setattr(models.sessions.ort, "InferenceSession", recorded)
    return built


def test_a_later_session_reads_the_optimized_graph_and_says_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=None))
    built = sources(monkeypatch)
    first = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    kept = sorted(tmp_path.glob(f"*{SUFFIX}"))
    assert built == ["graph", "graph"] and len(kept) == 2  # the front's and the back's
    again = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    assert built == ["graph", "graph", "saved", "saved"]
    assert sorted(tmp_path.glob(f"*{SUFFIX}")) == kept
    assert np.array_equal(first, plain) and np.array_equal(again, plain)
    assert not list(tmp_path.glob("*.part"))


def test_a_damaged_optimized_graph_is_made_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    for path in tmp_path.glob(f"*{SUFFIX}"):
        path.write_bytes(b"not a model")
    built = sources(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="models.sessions"):
        again = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    assert built == ["saved", "graph", "saved", "graph"]
    assert caplog.text.count("unreadable") == 2
    assert all(path.stat().st_size > 1000 for path in tmp_path.glob(f"*{SUFFIX}"))
    assert np.array_equal(again, plain)


def test_a_cache_it_cannot_write_to_costs_only_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=None))
    cut = PiperVoice.load("joe", threads=2, cache_dir=tmp_path)  # the cut graphs cached
    for path in tmp_path.glob(f"*{SUFFIX}"):  # where the saved graphs go: now not files
        path.unlink()
        path.with_name(f"{path.name}.{os.getpid()}.part").mkdir()
    del cut
    with caplog.at_level(logging.WARNING, logger="models.sessions"):
        voice = PiperVoice.load("joe", threads=2, cache_dir=tmp_path)
    assert caplog.text.count("cannot keep the optimized graph") == 2
    assert not list(tmp_path.glob(f"*{SUFFIX}"))
    assert np.array_equal(said(voice), plain)


def test_a_saved_graph_is_named_for_where_it_holds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cpu = ["CPUExecutionProvider"]
    here = optimized_path(b"graph", cpu, tmp_path)
    assert here.parent == tmp_path and here.name.endswith(SUFFIX)
    assert optimized_path(b"graph", cpu, tmp_path) == here
    assert optimized_path(b"other graph", cpu, tmp_path) != here
    assert optimized_path(b"graph", [("CUDAExecutionProvider", {}), *cpu], tmp_path) != here
    monkeypatch.setattr(models.sessions, "_machine", lambda: "avx2 fma sse4_2")
    assert optimized_path(b"graph", cpu, tmp_path) != here  # another CPU's vector width
    monkeypatch.undo()
    monkeypatch.setattr(models.sessions.ort, "__version__", "0.0.1")
    assert optimized_path(b"graph", cpu, tmp_path) != here
