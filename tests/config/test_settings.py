"""Settings: defaults that depend on the device, and what the environment overrides."""

import inspect
import os
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import config.settings as settings_module
from config.jobs import RedoRequest, job_id_for
from config.manuscript import Manuscript
from config.settings import (
    CUDA_INFERENCE_WORKERS,
    PAUSES_S,
    BreakClass,
    Settings,
    SynthesisOptions,
)


def test_inference_workers_default_to_one_per_core_on_the_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NARRATE_INFERENCE_WORKERS", raising=False)
    monkeypatch.setenv("NARRATE_DEVICE", "cpu")
    assert Settings().inference_workers == (os.cpu_count() or 1)


def test_inference_workers_on_cuda_are_few_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARRATE_INFERENCE_WORKERS", raising=False)
    monkeypatch.setenv("NARRATE_DEVICE", "cuda:1")
    assert Settings().inference_workers == min(CUDA_INFERENCE_WORKERS, os.cpu_count() or 1)
    monkeypatch.setenv("NARRATE_INFERENCE_WORKERS", "9")
    assert Settings().inference_workers == 9


def test_one_pause_set_alone_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment names one break; the dict it makes must not drop the rest."""
    monkeypatch.setenv("NARRATE_ASSEMBLY__PAUSE_S__SENTENCE", "0.3")
    pauses = Settings().assembly.pause_s
    assert pauses == {**PAUSES_S, BreakClass.SENTENCE: 0.3}


@pytest.mark.parametrize("seed", [-1, 2**63])
def test_a_seed_numpy_or_onnxruntime_cannot_take_is_refused(seed: int) -> None:
    """The one check the CLI, the queue and the API share: options of a job, or a redo."""
    with pytest.raises(ValidationError, match="seed"):
        SynthesisOptions(seed=seed)
    with pytest.raises(ValidationError, match="seed"):
        RedoRequest(chapter=0, segment=0, seed=seed)
    assert SynthesisOptions(seed=2**63 - 1).seed == 2**63 - 1  # the bounds themselves pass
    assert RedoRequest(chapter=0, segment=0, seed=0).seed == 0


def test_choices_are_taken_in_any_case_and_order_as_the_same_job() -> None:
    shouted = SynthesisOptions(formats=["MP3", "Wav"], qa="ASR")
    assert (shouted.formats, shouted.qa) == (["wav", "mp3"], "asr")
    assert shouted == SynthesisOptions(formats=["wav", "mp3"], qa="asr")  # so the same job id
    assert job_id_for(Manuscript(chapters=[]), shouted) == job_id_for(
        Manuscript(chapters=[]), SynthesisOptions(formats=["mp3", "mp3", "wav"], qa="asr")
    )
    with pytest.raises(ValidationError, match="unknown audio format 'mp4'"):
        SynthesisOptions(formats=["MP4"])
    with pytest.raises(ValidationError, match="unknown QA 'whisper'; known: basic, asr"):
        SynthesisOptions(qa="Whisper")


@pytest.mark.parametrize(
    ("name", "value"),
    [("CUDA_ARENA_EXTEND_STRATEGY", "kNextPowerofTwo"), ("CUDNN_CONV_ALGO_SEARCH", "fast")],
)
def test_a_misspelt_cuda_choice_is_refused_at_once(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """onnxruntime would refuse it only when a GPU session is built, mid-start."""
    monkeypatch.setenv(f"NARRATE_{name}", value)
    with pytest.raises(ValidationError, match=name.lower()):
        Settings()


def test_every_variable_the_guides_name_is_documented_in_the_settings() -> None:
    """README.md and docs/ (not performance.md, a record of experiments) name only variables
    that config/settings.py documents: a field, a nested field, or the entrypoint's own."""
    root = Path(__file__).resolve().parents[2]
    guides = [root / "README.md", *(root / "docs").glob("*.md")]
    named = {
        match
        for guide in guides
        if guide.name != "performance.md"
        for match in re.findall(r"NARRATE_([A-Z0-9_]*[A-Z0-9])", guide.read_text())
    }
    documented = inspect.getdoc(settings_module) or ""
    undocumented = [name for name in sorted(named) if not _a_setting(name, documented)]
    assert undocumented == []


def _a_setting(name: str, documented: str) -> bool:
    outer, _, inner = name.lower().partition("__")
    if outer not in Settings.model_fields:
        return f"NARRATE_{name}" in documented
    nested = Settings.model_fields[outer].annotation
    fields = getattr(nested, "model_fields", {})
    return not inner or inner.split("__")[0] in fields
