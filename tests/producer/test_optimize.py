"""The gate's renders: each precision timed more than once, in turn, the fastest counting."""

import copy
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import onnxruntime
import pytest
import soundfile

import producer.optimize
from config.manuscript import Manuscript
from config.settings import Settings
from models.piper import PiperVoice
from models.pool import longest_ids
from models.runtime import AUTO_MAX_GB, FREE_SHARE
from producer.optimize import (
    GATE_TEXT,
    PACE_ROUNDS,
    TIMING_ROUNDS,
    Rendition,
    shared_budget,
    timed_renditions,
)
from producer.readers import read_manuscript
from tests.producer.test_cli import assert_clean_error, narrate


def test_renders_alternate_and_the_fastest_of_each_counts(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same voice under a second label: what is tested is the order and the timing,
    # not what a variant does to the audio.
    variant = copy.copy(voice)
    variant.precision = "fp16"
    text = tmp_path / "gate.txt"
    text.write_text("The gate reads this. Then it reads this, twice over.\n", encoding="utf-8")
    manuscript = read_manuscript(text)
    # Walls in call order: fp32's first render slow (a session's first use), fp16's second:
    # the fastest must count, not the first or the last.
    walls = {"fp32": [5.0, 2.0], "fp16": [1.5, 3.0]}
    calls: list[tuple[str, Path, str]] = []
    real = producer.optimize.render

    def timed(v: PiperVoice, m: object, out: Path) -> Rendition:
        made = real(v, manuscript, out)
        digest = hashlib.sha256(b"".join(w.read_bytes() for w in made.wavs)).hexdigest()
        calls.append((v.precision, out, digest))
        return Rendition(made.precision, made.wavs, made.duration_s, walls[v.precision].pop(0))

    monkeypatch.setattr(producer.optimize, "render", timed)
    scratch = tmp_path / "scratch"
    fp32, fp16 = timed_renditions([voice, variant], manuscript, scratch)

    assert TIMING_ROUNDS == 2
    assert [c[0] for c in calls] == ["fp32", "fp16", "fp32", "fp16"]
    assert (fp32.wall_s, fp16.wall_s) == (2.0, 1.5)
    # The first renders are what the judge hears; the timing renders are gone, and they
    # said the same samples (seeded alike), so the judged audio is the timed audio.
    assert all(w.is_relative_to(scratch / "fp32") and w.is_file() for w in fp32.wavs)
    assert all(w.is_relative_to(scratch / "fp16") and w.is_file() for w in fp16.wavs)
    assert not any(out.exists() for _, out, _ in calls[2:])
    assert calls[0][2] == calls[2][2] and calls[1][2] == calls[3][2]  # the renders repeat
    assert fp32.duration_s == pytest.approx(sum(soundfile.info(str(w)).duration for w in fp32.wavs))


def test_the_two_voices_on_a_gpu_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Held at once, fp32 and the variant get equal halves of one automatic budget (each
    reading the free memory as it loaded, the variant got what fp32 left)."""
    monkeypatch.setattr(producer.optimize, "free_gpu_memory_gb", lambda device: 100.0)
    auto = Settings(gpu_memory_gb=0)
    assert shared_budget(auto, "cuda:0").gpu_memory_gb == min(AUTO_MAX_GB, FREE_SHARE * 50)
    assert shared_budget(Settings(gpu_memory_gb=40), "cuda").gpu_memory_gb == 20
    assert shared_budget(auto, "cpu") is auto


def test_on_a_gpu_the_pace_is_the_largest_batches_not_the_gate_chapter(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One chapter fills few of a GPU's batches, so its render is not what a book runs at:
    each precision's largest batches are run in turn, and the fastest of each counts."""
    gpu = copy.copy(voice)  # the voice's sessions stand in for a GPU's: nothing runs them
    variant = copy.copy(gpu)
    variant.precision = "fp16"
    audio = 6.0  # seconds of audio in one warm-up
    sleeps = {"fp32": [0.3] * 5, "fp16": [0.6, 0.01, 0.6, 0.6, 0.6]}
    calls: list[str] = []

    def warm_up(precision: str) -> Callable[[int, bool], float]:
        def run(longest: int, long_run: bool = True) -> float:
            assert longest == longest_ids(Settings())
            calls.append(precision)
            time.sleep(sleeps[precision].pop(0))
            return audio

        return run

    gpu.warm_up, variant.warm_up = warm_up("fp32"), warm_up("fp16")  # type: ignore[method-assign]
    spoken = 10.0  # seconds of audio in the gate text
    renders: list[str] = []

    def rendered(v: PiperVoice, m: Manuscript, out: Path) -> Rendition:
        renders.append(v.precision)
        return Rendition(v.precision, [out / "a.wav"], spoken, 99.0)

    monkeypatch.setattr(producer.optimize, "render", rendered)
    fp32, fp16 = timed_renditions([gpu, variant], read_manuscript(GATE_TEXT), tmp_path, "cuda")

    assert renders == ["fp32", "fp16"]  # the judged renders, once each
    assert calls == ["fp32", "fp16"] * PACE_ROUNDS
    assert (fp32.duration_s, fp16.duration_s) == (spoken, spoken)
    # The gate text's time at each one's fastest pace: fp16's one fast run counts.
    assert 0.3 <= fp32.wall_s * audio / spoken < 0.6
    assert 0.01 <= fp16.wall_s * audio / spoken < 0.3
    assert fp16.x_real_time > fp32.x_real_time


@pytest.mark.skipif(
    "CUDAExecutionProvider" in onnxruntime.get_available_providers(),
    reason="this onnxruntime runs on CUDA: the gate would run",
)
def test_a_gpu_gate_without_cuda_is_one_error_line() -> None:
    """Said before the GPU's memory is asked about, which would warn first."""
    result = narrate("models", "optimize", "--precision", "fp16", "--device", "cuda")
    assert_clean_error(result, "onnxruntime has no CUDA provider here")
