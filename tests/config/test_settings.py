"""Settings: defaults that depend on the device, and what the environment overrides."""

import inspect
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

import config.settings as settings_module
from config.jobs import RedoRequest, job_id_for
from config.manuscript import Manuscript
from config.settings import (
    CUDA_INFERENCE_WORKERS,
    PAUSES_S,
    AcxSettings,
    BreakClass,
    Settings,
    SynthesisOptions,
)

ROOT = Path(__file__).resolve().parents[2]


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


def narrate(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it, with `env` over this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "producer.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
        cwd=ROOT,
    )


# A variable, a value the settings once took (or crashed, hung or clipped on), and what the
# one line of the refusal says after the variable's name.
BAD_SETTINGS = [
    ("NARRATE_CPU_THREADS", "10000", "less than or equal to 256"),  # hung: 10,000 threads
    ("NARRATE_CPU_THREADS", "-1", "greater than or equal to 0"),
    ("NARRATE_INFERENCE_WORKERS", "0", "greater than or equal to 1"),
    ("NARRATE_INFERENCE_WORKERS", "10000", "less than or equal to 256"),
    ("NARRATE_DELIVERY_WORKERS", "0", "greater than or equal to 1"),
    ("NARRATE_CHAPTERS_IN_FLIGHT", "-1", "greater than or equal to 0"),
    ("NARRATE_DEVICE_PROCESSES", "1000", "less than or equal to 64"),
    ("NARRATE_ASSEMBLY__THREADS", "10000", "less than or equal to 256"),
    ("NARRATE_ASSEMBLY__TARGET_RMS_DB", "nan", "finite number"),  # was all-silent audio
    ("NARRATE_ASSEMBLY__TARGET_RMS_DB", "100", "less than or equal to -6"),
    ("NARRATE_ASSEMBLY__TARGET_RMS_DB", "-inf", "finite number"),
    ("NARRATE_ASSEMBLY__PEAK_CEILING_DB", "10", "less than or equal to 0"),  # clipped
    ("NARRATE_ASSEMBLY__PEAK_CEILING_DB", "-40", "greater than or equal to -20"),
    ("NARRATE_ASSEMBLY__LEAD_IN_S", "-5", "greater than or equal to 0"),  # was a traceback
    ("NARRATE_ASSEMBLY__LEAD_IN_S", "inf", "finite number"),
    ("NARRATE_ASSEMBLY__LEAD_IN_S", "3600", "less than or equal to 60"),
    ("NARRATE_ASSEMBLY__PAUSE_S__SENTENCE", "-1", "greater than or equal to 0"),
    ("NARRATE_ASSEMBLY__PAUSE_S__CHAPTER", "nan", "finite number"),
    ("NARRATE_SEGMENTING__MAX_CHARS", "-5", "greater than or equal to 20"),  # IndexError
    ("NARRATE_SEGMENTING__MAX_CHARS", "0", "greater than or equal to 20"),  # endless loop
    ("NARRATE_SEGMENTING__MAX_CHARS", "1000000", "less than or equal to 1000"),
    ("NARRATE_SEGMENTING__MIN_CHARS", "-1", "greater than or equal to 0"),
    ("NARRATE_SEGMENTING__MIN_CHARS", "500", "500 is above max_chars (300)"),
    ("NARRATE_BATCH_BUDGET", "-1", "greater than or equal to 0"),
    ("NARRATE_BACK_FRAME_BUDGET", "-1", "greater than or equal to 0"),
    ("NARRATE_MAX_BACK_FRAMES", "-1", "greater than or equal to 0"),
    ("NARRATE_CONTEXT_PHONEMES", "-1", "greater than or equal to 0"),
    ("NARRATE_GPU_MEMORY_GB", "-5", "greater than or equal to 0"),
    ("NARRATE_GPU_MEMORY_GB", "nan", "finite number"),
    ("NARRATE_SAMPLE_RATE", "0", "greater than or equal to 8000"),
    ("NARRATE_ASSEMBLY", "{bad", "not valid JSON"),  # was SettingsError's traceback
    ("NARRATE_ASSEMBLY__PAUSE_S", "{bad", "not valid JSON"),
    ("NARRATE_API__CORS_ORIGINS", "[x", "not valid JSON"),
]


@pytest.mark.parametrize(("variable", "value", "said"), BAD_SETTINGS)
def test_a_setting_out_of_bounds_is_one_line_naming_its_variable(
    variable: str, value: str, said: str
) -> None:
    result = narrate("inspect", ROOT / "tests" / "data" / "two_chapters.txt", env={variable: value})
    _assert_refused(result, f"narrate: error: {variable}", said)


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("NARRATE_SAMPLE_RATE", "0", "greater than or equal to 8000"),  # not --sample-rate
        ("NARRATE_ASSEMBLY", "{bad", "not valid JSON"),
        ("NARRATE_SEGMENTING__MAX_CHARS", "-5", "greater than or equal to 20"),
    ],
)
def test_synth_refuses_a_bad_setting_before_it_writes_anything(
    tmp_path: Path, variable: str, value: str, said: str
) -> None:
    book = tmp_path / "book.txt"
    book.write_text("Hello there.")
    result = narrate("synth", book, "-o", tmp_path / "out", env={variable: value})
    _assert_refused(result, f"narrate: error: {variable}", said)
    assert "--sample-rate" not in result.stderr
    assert not (tmp_path / "out").exists()


def _assert_refused(result: subprocess.CompletedProcess[str], starts: str, said: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(starts + ":"), lines[0]
    assert said in lines[0], lines[0]


@pytest.mark.parametrize(
    "variables",
    [
        # the documented defaults' edges and ACX's own levels pass
        {"NARRATE_ASSEMBLY__TARGET_RMS_DB": "-23", "NARRATE_ASSEMBLY__PEAK_CEILING_DB": "-3.5"},
        {"NARRATE_ASSEMBLY__TARGET_RMS_DB": "-18", "NARRATE_ASSEMBLY__PEAK_CEILING_DB": "0"},
        {"NARRATE_CPU_THREADS": "0", "NARRATE_CHAPTERS_IN_FLIGHT": "0"},  # 0: automatic
        {"NARRATE_GPU_MEMORY_GB": "0", "NARRATE_BATCH_BUDGET": "0", "NARRATE_MAX_BACK_FRAMES": "0"},
        {"NARRATE_CONTEXT_PHONEMES": "0", "NARRATE_ASSEMBLY__LEAD_IN_S": "0"},
        {"NARRATE_SEGMENTING__MAX_CHARS": "20", "NARRATE_SEGMENTING__MIN_CHARS": "0"},
        {"NARRATE_SEGMENTING__MAX_CHARS": "60", "NARRATE_SEGMENTING__MIN_CHARS": "60"},
        {"NARRATE_SEGMENTING__MAX_CHARS": "40"},  # the default min_chars (60) follows it
        {"NARRATE_CPU_THREADS": "256", "NARRATE_INFERENCE_WORKERS": "256"},
        {"NARRATE_ASSEMBLY__PAUSE_S__SCENE": "60", "NARRATE_SAMPLE_RATE": "8000"},
    ],
)
def test_settings_within_their_bounds_are_taken(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    segmenting = Settings().segmenting
    assert segmenting.min_chars <= segmenting.max_chars


def test_every_bounded_default_is_within_its_bounds() -> None:
    """The defaults, and ACX's mastering levels, are what the bounds were chosen around."""
    Settings.model_validate(Settings().model_dump())
    AcxSettings.model_validate(AcxSettings().model_dump())
    with pytest.raises(ValidationError, match="finite number"):
        AcxSettings(tail_s=math.inf)


def test_the_variable_that_is_not_json_is_named_not_a_plain_one_beside_it() -> None:
    """NARRATE_API__INBOX's plain value is no JSON either: the variable named is the one
    whose text the parser failed on, not the shortest of the field's that does not parse."""
    env = {"NARRATE_API__INBOX": "file:///srv/in", "NARRATE_API__CORS_ORIGINS": "[x"}
    result = narrate("inspect", ROOT / "tests" / "data" / "two_chapters.txt", env=env)
    _assert_refused(result, "narrate: error: NARRATE_API__CORS_ORIGINS", "not valid JSON")
