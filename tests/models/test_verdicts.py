"""Gate reports that travel: narrate's own report is used only on a machine like its own."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile

from config.errors import PrecisionError
from config.settings import get_settings
from models import verdicts
from models.graph import FRONT_RECIPE, model_digest
from models.piper import PiperVoice
from models.registry import find_voice
from models.variants import (
    CPU_LAYOUT,
    CUDA_FRONT,
    FP16_FRONT,
    RECIPES,
    QualityReport,
    choose_precision,
    describe,
    report_path,
)
from models.voice import SynthesisParams, VoiceInput
from tests.models.test_variants import PASSED

DIGEST = "0123456789abcdef"
AMX = "fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"
REPORT = PASSED  # a bf16 report that passed its gate


def cpu_with(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flags: str,
    vendor: str = "GenuineIntel",
    family: int = 6,
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    lines = [
        f"processor\t: {n}\nvendor_id\t: {vendor}\ncpu family\t: {family}\n"
        f"model name\t: Test CPU\nflags\t\t: {flags}\n"
        for n in (0, 1)
    ]
    cpuinfo.write_text("\n".join(lines))
    monkeypatch.setattr(verdicts, "CPUINFO", cpuinfo)


def ship(monkeypatch: pytest.MonkeyPatch, folder: Path, report: QualityReport) -> None:
    """`report` as narrate's own, for DIGEST."""
    monkeypatch.setattr(verdicts, "SHIPPED", folder)
    report.save(report_path(folder, DIGEST, report.precision, report.device))


def ship_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A passing report as narrate's own, measured on a machine like this one."""
    ship(
        monkeypatch,
        tmp_path / "shipped",
        replace(REPORT, measured_on=verdicts.machine("bf16", "cpu")),
    )


@pytest.mark.parametrize(
    ("flags", "cap", "isa"),
    [
        (AMX, None, "amx_bf16"),
        (AMX, "AVX512_CORE_AMX", "amx_bf16"),
        (AMX, "AVX512_CORE_BF16", "avx512_bf16"),  # what OpenVINO's kernels are held to
        (AMX, "AVX2", "none"),
        ("fpu avx2 avx512f avx512_bf16", None, "avx512_bf16"),
        ("fpu avx2 avx512f", None, "none"),
        ("fpu avx2 amx_bf16", None, "none"),  # AMX's bf16 needs its tiles too
        (f"{AMX} amx_fp16", None, "amx_fp16"),  # a later AMX: not yet measured
    ],
)
def test_the_cpu_is_told_apart_by_its_bf16_instructions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flags: str, cap: str | None, isa: str
) -> None:
    cpu_with(monkeypatch, tmp_path, flags)
    if cap is None:
        monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    else:
        monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", cap)
    assert verdicts.cpu_isa() == isa
    assert verdicts.machine("bf16", "cpu")["isa"] == isa


def test_without_cpuinfo_the_cpu_is_unknown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(verdicts, "CPUINFO", tmp_path / "missing")
    assert verdicts.cpu_isa() == "unknown"


def test_narrates_own_report_runs_the_variant_only_where_everything_holds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    cpu_with(monkeypatch, tmp_path, AMX)
    ours = replace(REPORT, measured_on=verdicts.machine("bf16", "cpu"))
    ship(monkeypatch, tmp_path / "shipped", ours)
    cache = tmp_path / "cache"  # empty: a first run

    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"
    assert choose_precision("bf16", "cpu", DIGEST, cache, "joe") == "bf16"
    assert choose_precision("auto", "cpu", DIGEST, None, "joe") == "bf16"  # no cache at all
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.startswith("bf16  passed its gate: WER 4.10% (fp32 4.00%)")
    assert "narrate's own report, measured on a machine like this (Test CPU, amx_bf16" in line

    cpu_with(monkeypatch, tmp_path, "fpu avx2 avx512f avx512_bf16")  # no AMX: other samples
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"
    with pytest.raises(PrecisionError, match="no quality report on cpu"):
        choose_precision("bf16", "cpu", DIGEST, cache, "joe")
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line == (
        "bf16  no quality report: `narrate models optimize --precision bf16` (narrate's own "
        "does not hold here: it was measured with isa amx_bf16, here avx512_bf16)"
    )


def test_a_gpu_listing_names_its_device_in_the_command_it_suggests(tmp_path: Path) -> None:
    """Pasted as listed, the command gates the GPU listed, not `optimize`'s default."""
    for device in ("cuda", "cuda:1"):
        (line,) = [line for line in describe(device, DIGEST, tmp_path) if line.startswith("fp16")]
        assert line == (
            f"fp16  no quality report: `narrate models optimize --precision fp16 --device {device}`"
        )


@pytest.mark.parametrize(
    ("key", "there"),
    [("openvino", "2025.3.0"), ("onnxruntime", "1.18.0"), ("front", "6"), ("fp32", "fp32")],
)
def test_another_library_or_recipe_is_another_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str, there: str
) -> None:
    cpu_with(monkeypatch, tmp_path, AMX)
    measured = verdicts.machine("bf16", "cpu") | {key: there}
    ship(monkeypatch, tmp_path / "shipped", replace(REPORT, measured_on=measured))
    assert choose_precision("auto", "cpu", DIGEST, tmp_path / "cache", "joe") == "fp32"
    here = verdicts.machine("bf16", "cpu")[key]
    assert verdicts.mismatch(replace(REPORT, measured_on=measured), "cpu") == (
        f"it was measured with {key} {there}, here {here}"
    )


def test_this_machines_report_comes_before_narrates_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cpu_with(monkeypatch, tmp_path, AMX)
    ship_here(monkeypatch, tmp_path)
    cache = tmp_path / "cache"
    failed = replace(REPORT, wer=9.0, passed=False, reason="WER 9.0% vs fp32 4.0%")
    failed.save(report_path(cache, DIGEST, "bf16", "cpu"))
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"
    with pytest.raises(PrecisionError, match="failed its quality gate"):
        choose_precision("bf16", "cpu", DIGEST, cache, "joe")
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.startswith("bf16  failed its gate") and "narrate's own" not in line


def test_a_report_rendered_elsewhere_holds_only_where_its_conditions_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Renders from another CPU judged here (`models judge`) land in this cache: they
    speak for that CPU, not this one."""
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    cpu_with(monkeypatch, tmp_path, AMX)
    monkeypatch.setattr(verdicts, "SHIPPED", tmp_path / "none")
    cache = tmp_path / "cache"
    other = verdicts.machine("bf16", "cpu") | {"isa": "avx512_bf16"}
    replace(REPORT, measured_on=other).save(report_path(cache, DIGEST, "bf16", "cpu"))
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.endswith(
        "(this cache's does not hold here: it was measured with isa avx512_bf16, here amx_bf16)"
    )
    # narrate's own stands in where it holds
    ship_here(monkeypatch, tmp_path)
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"
    # and one measured here is used as before
    here = verdicts.machine("bf16", "cpu")
    failed = replace(REPORT, passed=False, reason="WER", measured_on=here)
    failed.save(report_path(cache, DIGEST, "bf16", "cpu"))
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"


def test_the_shipped_reports_speak_for_todays_voice_and_recipes() -> None:
    """A changed recipe (the cut front, the CPU's fp32 back, the bf16 conversion) changes
    the samples: the reports narrate ships must then be measured again (`make optimize`,
    copied into models/reports/), or this fails."""
    digest = model_digest(find_voice("joe").model)
    ours = verdicts.shipped(digest, "bf16", "cpu")
    assert ours, f"no {digest}-{RECIPES['bf16']}-cpu report in {verdicts.SHIPPED}"
    for report in ours:
        assert report.passed and report.voice == "joe" and report.precision == "bf16"
        assert report.x_real_time > report.x_real_time_fp32  # auto would not pick it otherwise
        measured = report.measured_on
        assert measured["front"] == str(FRONT_RECIPE) and measured["fp32"] == CPU_LAYOUT
        assert set(verdicts.HOLD) - {"cuda_front", "cuda_back"} <= set(measured)  # a GPU's
    by_isa = {report.measured_on["isa"]: report.measured_on for report in ours}
    assert set(by_isa) == {"amx_bf16", "avx512_bf16"}
    # AVX-512 bf16 alone ran slower than fp32 on Intel: that report names its CPU's family
    assert by_isa["avx512_bf16"]["vendor"] == "AuthenticAMD"
    assert by_isa["avx512_bf16"]["family"] == "26"


def test_a_report_that_names_its_cpu_family_holds_on_that_family_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Measured on an AMD Zen 5 (family 26) with AVX-512 bf16: not on a Zen 4, nor on an
    Intel CPU held to the same instructions; one that names neither (as narrate's AMX report)
    holds on any maker's CPU with its instructions."""
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    zen5 = ("fpu avx2 avx512f avx512_bf16", "AuthenticAMD", 26)
    cpu_with(monkeypatch, tmp_path, *zen5)
    ship(
        monkeypatch,
        tmp_path / "shipped",
        replace(REPORT, measured_on=verdicts.machine("bf16", "cpu")),
    )
    cache = tmp_path / "cache"
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert "(Test CPU, avx512_bf16, family 26, openvino" in line

    cpu_with(monkeypatch, tmp_path, "fpu avx2 avx512f avx512_bf16", "AuthenticAMD", 25)
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.endswith(
        "(narrate's own does not hold here: it was measured with family 26, here 25)"
    )
    cpu_with(monkeypatch, tmp_path, "fpu avx2 avx512f avx512_bf16", "GenuineIntel", 26)
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"

    cpu_with(monkeypatch, tmp_path, AMX, "GenuineIntel", 6)
    unnamed = {
        key: value
        for key, value in verdicts.machine("bf16", "cpu").items()
        if key not in verdicts.HOLD_WHERE_NAMED
    }
    ship(monkeypatch, tmp_path / "shipped2", replace(REPORT, measured_on=unnamed))
    cpu_with(monkeypatch, tmp_path, AMX, "AuthenticAMD", 27)
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"


def test_of_several_reports_shipped_the_one_that_holds_here_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """narrate ships a report per kind of CPU (`NAME.quality.json`, `NAME.*.quality.json`):
    each machine finds its own, and one like neither is told why of each."""
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    folder = tmp_path / "shipped"
    cpu_with(monkeypatch, tmp_path, AMX)
    amx = replace(REPORT, measured_on=verdicts.machine("bf16", "cpu"))
    ship(monkeypatch, folder, amx)
    cpu_with(monkeypatch, tmp_path, "fpu avx2 avx512f avx512_bf16", "AuthenticAMD", 26)
    zen5 = replace(REPORT, wer=4.2, measured_on=verdicts.machine("bf16", "cpu"))
    name = report_path(folder, DIGEST, "bf16", "cpu").name.removesuffix(".quality.json")
    zen5.save(folder / f"{name}.zen5.quality.json")
    cache = tmp_path / "cache"

    assert verdicts.shipped(DIGEST, "bf16", "cpu") == [amx, zen5]
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.startswith("bf16  passed its gate: WER 4.20%")
    cpu_with(monkeypatch, tmp_path, AMX)
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.startswith("bf16  passed its gate: WER 4.10%")
    cpu_with(monkeypatch, tmp_path, "fpu avx2 avx512f avx512_bf16", "AuthenticAMD", 25)
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "fp32"
    (line,) = [line for line in describe("cpu", DIGEST, cache) if line.startswith("bf16")]
    assert line.endswith(
        "(narrate's own (2 reports) do not hold here: one was measured with isa amx_bf16, "
        "here avx512_bf16; one was measured with family 26, here 25)"
    )


def test_a_first_run_on_a_machine_like_the_measured_one_narrates_in_bf16(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`narrate models list` with an empty cache, the real shipped report, on a machine that
    agrees with it (its conditions stood in for this one's: CPUs and versions vary)."""
    from producer.cli import main

    digest = model_digest(find_voice("joe").model)
    ours = verdicts.shipped(digest, "bf16", "cpu")
    assert ours
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        likes = []
        for report in ours:
            measured = dict(report.measured_on)
            monkeypatch.setattr(verdicts, "machine", lambda _p, _d, m=measured: m)
            assert main(["models", "list", "--device", "cpu"]) == 0
            likes.append(capsys.readouterr().out)
        other = {**ours[0].measured_on, "isa": "none"}
        monkeypatch.setattr(verdicts, "machine", lambda precision, device: other)
        assert main(["models", "list", "--device", "cpu"]) == 0
        unlike = capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    for like in likes:
        assert like.splitlines()[0] == (
            "joe on cpu: runs bf16 (NARRATE_PRECISION=auto: the fastest that passed)"
        )
        assert "narrate's own report, measured on a machine like this" in like
    assert unlike.splitlines()[0].startswith("joe on cpu: runs fp32")
    assert "here none" in unlike


def test_a_report_keeps_where_its_renders_were_made(
    voice: PiperVoice, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Rendered on one host (`--render-only`), judged on another: the report names the
    rendering host, whose samples it speaks for."""
    from producer.optimize import judge_folder

    params = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
    text = "The keeper climbed the stairs and lit the great lamp."
    (out,) = voice.synthesize([(VoiceInput((voice.phonemize(text),)),)], params)[0]
    folder = tmp_path / "renders"
    folder.mkdir()
    renditions = []
    for precision in ("fp32", "bf16"):
        soundfile.write(folder / f"{precision}.flac", out.audio, voice.sample_rate)
        seconds = len(out.audio) / voice.sample_rate
        renditions.append(
            {
                "precision": precision,
                "wavs": [f"{precision}.flac"],
                "duration_s": seconds,
                "wall_s": 1.0,
            }
        )
    where = {"isa": "amx_bf16", "openvino": "2026.4.1", "cpu": "the rendering host"}
    record = {
        "voice": "joe",
        "device": "cpu",
        "text": text,
        "renditions": renditions,
        "measured_on": where,
    }
    (folder / "renditions.json").write_text(json.dumps(record))
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    try:
        report = judge_folder(folder)
    finally:
        get_settings.cache_clear()
    assert report.measured_on == where
    digest = model_digest(find_voice("joe").model)
    saved = QualityReport.load(report_path(tmp_path / "cache", digest, "bf16", "cpu"))
    assert saved is not None and saved.measured_on == where and saved.passed
    assert np.isclose(saved.duration_s, seconds, atol=0.01)


@pytest.mark.parametrize("measured_on", [["amx_bf16"], {"isa": 1}, "amx_bf16"])
def test_conditions_that_are_not_names_to_text_are_bad_input(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    measured_on: object,
) -> None:
    """A report in the cache is passed over (as any unreadable one is), and renditions to
    judge are refused with one line, before Whisper or the cache are touched."""
    from producer.cli import main

    cpu_with(monkeypatch, tmp_path, AMX)
    ship_here(monkeypatch, tmp_path)
    cache = tmp_path / "cache"
    path = report_path(cache, DIGEST, "bf16", "cpu")
    replace(REPORT, passed=False, reason="WER").save(path)
    record = json.loads(path.read_text())
    path.write_text(json.dumps(record | {"measured_on": measured_on}))
    assert QualityReport.load(path) is None
    assert choose_precision("auto", "cpu", DIGEST, cache, "joe") == "bf16"  # narrate's own

    folder = tmp_path / "renders"
    folder.mkdir()
    rendition = {"precision": "fp32", "wavs": [], "duration_s": 1.0, "wall_s": 1.0}
    renditions = [rendition, {**rendition, "precision": "bf16"}]
    (folder / "renditions.json").write_text(
        json.dumps(
            {
                "voice": "joe",
                "device": "cpu",
                "text": "x",
                "renditions": renditions,
                "measured_on": measured_on,
            }
        )
    )
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(cache))
    get_settings.cache_clear()
    try:
        assert main(["models", "judge", str(folder)]) == 2
    finally:
        get_settings.cache_clear()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("narrate: error:"), lines
    assert "measured_on must map names to text" in lines[0]
    assert QualityReport.load(path) is None and json.loads(path.read_text())["wer"] == 4.1


def test_a_gpu_report_holds_for_the_cuda_graphs_it_was_measured_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A report measured before the back ran channels last on CUDA (or before its front's
    norms were fused, or its encoder ran fp16) does not hold: the samples follow the graphs
    and cuDNN's algorithms."""
    monkeypatch.setattr(verdicts, "SHIPPED", tmp_path / "none")
    here = verdicts.machine("fp16", "cuda")
    assert here["cuda_back"] == "nhwc" and here["cuda_front"] == FP16_FRONT
    assert verdicts.machine("fp32", "cuda")["cuda_front"] == CUDA_FRONT
    assert not {"cuda_back", "cuda_front"} & set(verdicts.machine("bf16", "cpu"))
    fp16 = replace(REPORT, precision="fp16", device="cuda", x_real_time=250.0)
    fp16 = replace(fp16, x_real_time_fp32=240.0, measured_on=here)
    cache = tmp_path / "cache"
    fp16.save(report_path(cache, DIGEST, "fp16", "cuda"))
    assert choose_precision("auto", "cuda", DIGEST, cache, "joe") == "fp16"
    before = {key: value for key, value in here.items() if key != "cuda_back"}
    replace(fp16, measured_on=before).save(report_path(cache, DIGEST, "fp16", "cuda"))
    assert choose_precision("auto", "cuda", DIGEST, cache, "joe") == "fp32"
    assert verdicts.mismatch(replace(fp16, measured_on=before), "cuda") == (
        "it was measured with cuda_back unknown, here nhwc"
    )


def test_a_report_of_this_cache_that_no_longer_holds_is_said_at_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An upgraded onnxruntime makes this machine's fp16 report speak for another: the GPU
    runs fp32, ~20% slower, and the log says why and what measures it again."""
    monkeypatch.setattr(verdicts, "SHIPPED", tmp_path / "none")
    cache = tmp_path / "cache"
    fp16 = replace(REPORT, precision="fp16", device="cuda", x_real_time=250.0)
    here = verdicts.machine("fp16", "cuda")
    fp16 = replace(fp16, x_real_time_fp32=240.0, measured_on=here)
    fp16.save(report_path(cache, DIGEST, "fp16", "cuda"))
    with caplog.at_level("WARNING", logger="models.variants"):
        assert choose_precision("auto", "cuda", DIGEST, cache, "joe") == "fp16"
    assert not caplog.records
    older = here | {"onnxruntime": "1.0.0"}
    replace(fp16, measured_on=older).save(report_path(cache, DIGEST, "fp16", "cuda"))
    with caplog.at_level("WARNING", logger="models.variants"):
        assert choose_precision("auto", "cuda", DIGEST, cache, "joe") == "fp32"
    (record,) = caplog.records
    assert "joe fp16 is not used: this cache's does not hold here" in record.getMessage()
    assert "onnxruntime 1.0.0" in record.getMessage()
    assert "`narrate models optimize --voice joe --precision fp16`" in record.getMessage()
