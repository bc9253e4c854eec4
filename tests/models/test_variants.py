"""Precision variants: which one a device may use, and that each still says the same."""

import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from config import devices
from config.errors import DeviceError, PrecisionError
from models.backends import OpenVinoBack, OrtBack, SplitBack
from models.piper import PiperVoice
from models.runtime import check_present, check_runnable, resolve_device
from models.variants import QualityReport, choose_precision, report_path
from models.voice import SynthesisParams, VoiceInput

SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
DIGEST = "0123456789abcdef"
PASSED = QualityReport(
    voice="joe",
    precision="bf16",
    device="cpu",
    text="Well, I awoke",
    words=2000,
    wer=4.1,
    wer_fp32=4.0,
    duration_s=840.0,
    duration_fp32_s=841.0,
    x_real_time=30.0,
    x_real_time_fp32=20.0,
    passed=True,
    reason="within the gate",
)


def save(cache: Path, report: QualityReport) -> None:
    report.save(report_path(cache, DIGEST, report.precision, report.device))


def choose(requested: str, cache: Path, device: str = "cpu") -> str:
    return choose_precision(requested, device, DIGEST, cache, "joe")


def test_fp32_needs_no_report_and_auto_falls_back_to_it(tmp_path: Path) -> None:
    assert choose("fp32", tmp_path) == "fp32"
    assert choose("auto", tmp_path) == "fp32"
    assert choose("auto", tmp_path, "cuda:1") == "fp32"


def test_a_variant_without_a_report_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PrecisionError, match="narrate models optimize --voice joe"):
        choose("bf16", tmp_path)


def test_a_variant_that_failed_its_gate_is_refused(tmp_path: Path) -> None:
    failed = replace(PASSED, wer=9.0, passed=False, reason="WER 9.0% vs fp32 4.0%")
    save(tmp_path, failed)
    with pytest.raises(PrecisionError, match=r"failed its quality gate: WER 9\.0%"):
        choose("bf16", tmp_path)
    assert choose("auto", tmp_path) == "fp32"


def test_auto_takes_the_fastest_passing_variant_for_the_device(tmp_path: Path) -> None:
    save(tmp_path, PASSED)
    save(tmp_path, replace(PASSED, precision="int8", x_real_time=7.0))
    assert choose("bf16", tmp_path) == "bf16"
    assert choose("auto", tmp_path) == "bf16"
    assert choose("auto", tmp_path, "cuda") == "fp32"  # a CPU report says nothing of CUDA


def test_auto_keeps_fp32_when_the_variant_is_no_faster(tmp_path: Path) -> None:
    save(tmp_path, replace(PASSED, x_real_time=19.0))
    assert choose("auto", tmp_path) == "fp32"


def test_precisions_a_device_cannot_run_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PrecisionError, match="fp16 does not run on cpu"):
        choose("fp16", tmp_path)
    with pytest.raises(PrecisionError, match="unknown precision 'fp8'"):
        choose("fp8", tmp_path)


def test_device_auto_runs_on_the_cpu_quietly_where_no_gpu_shows(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devices, "gpu_present", lambda dev: False)
    monkeypatch.setattr(devices, "wsl_gpu", lambda dev: False)
    monkeypatch.setattr(devices, "cuda_build", lambda: True)  # onnxruntime-gpu, no GPU
    with caplog.at_level(logging.WARNING):
        assert resolve_device("auto") == "cpu"
    assert caplog.text == ""  # the default on every CPU host: nothing to hear


def test_device_auto_warns_where_the_gpu_is_there_and_onnxruntime_has_no_cuda(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devices, "gpu_present", lambda dev: True)
    monkeypatch.setattr(devices, "onnxruntime_builds", lambda: ["onnxruntime"])
    assert not devices.cuda_build()  # this machine's onnxruntime: the CPU build
    with caplog.at_level(logging.WARNING):
        assert resolve_device("auto") == "cpu"
    assert "has an NVIDIA GPU but onnxruntime has no CUDA provider" in caplog.text
    assert "narrate[gpu]" in caplog.text  # what to install


def test_device_auto_takes_cuda_only_where_a_gpu_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "cuda_build", lambda: True)
    monkeypatch.setattr(devices, "gpu_present", lambda dev: True)
    assert resolve_device("auto") == "cuda"
    monkeypatch.setattr(devices, "gpu_present", lambda dev: False)
    monkeypatch.setattr(devices, "wsl_gpu", lambda dev: False)
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cuda:1") == "cuda:1"  # a device named is taken as named


def test_wsl_takes_cuda_where_onnxruntime_has_it_and_else_the_cpu_quietly(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert not devices.wsl_gpu(tmp_path)
    (tmp_path / "dxg").touch()
    assert devices.wsl_gpu(tmp_path)
    monkeypatch.setattr(devices, "gpu_present", lambda dev: False)
    monkeypatch.setattr(devices, "wsl_gpu", lambda dev: True)
    monkeypatch.setattr(devices, "cuda_build", lambda: False)
    with caplog.at_level(logging.WARNING):
        assert resolve_device("auto") == "cpu"
    assert caplog.text == ""  # WSL's GPU may be another maker's: nothing to install
    monkeypatch.setattr(devices, "cuda_build", lambda: True)
    assert resolve_device("auto") == "cuda"


def test_a_gpu_shows_by_the_drivers_device_files_and_cuda_visible_devices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert not devices.gpu_present(tmp_path)
    for name in ("nvidiactl", "nvidia-uvm", "nvidia-modeset"):  # the driver's, no GPU's
        (tmp_path / name).touch()
    assert not devices.gpu_present(tmp_path)
    (tmp_path / "nvidia0").touch()
    assert devices.gpu_present(tmp_path)
    for none in ("", "-1", "NoDevFiles"):  # NoDevFiles: Slurm's, for a job given no GPU
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", none)
        assert not devices.gpu_present(tmp_path)
    for some in ("0", "1,0", "GPU-8f3e2a", "MIG-4b1c"):
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", some)
        assert devices.gpu_present(tmp_path)


def test_the_gpus_cuda_numbers_are_the_device_files_cuda_visible_devices_lets_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    (tmp_path / "nvidiactl").touch()
    assert devices.gpu_count(tmp_path) == 0
    for name in ("nvidia0", "nvidia1", "nvidia3"):  # a container's numbering may skip
        (tmp_path / name).touch()
    assert devices.gpu_count(tmp_path) == 3
    for visible, count in (("1", 1), ("0,1", 2), ("0,x,1", 1), ("GPU-8f3e2a", 1), ("-1", 0)):
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
        assert devices.gpu_count(tmp_path) == count, visible
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2,3,4")
    assert devices.gpu_count(tmp_path) == 3  # no more than are there
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "MIG-4b1c,MIG-7d2e")
    assert devices.gpu_count(tmp_path) is None  # MIG instances: several to a device file
    wsl = tmp_path / "wsl"
    wsl.mkdir()
    (wsl / "dxg").touch()
    assert devices.gpu_count(wsl) is None  # there, but not counted


def test_a_cuda_build_is_found_by_its_provider_library_without_importing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "onnxruntime"
    (fake / "capi").mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('imported')\n")
    monkeypatch.delitem(sys.modules, "onnxruntime", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not devices.cuda_build()  # a CPU build's files
    (fake / "capi" / "libonnxruntime_providers_cuda.so").touch()
    assert devices.cuda_build()  # and the package was never imported
    assert "onnxruntime" not in sys.modules


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_a_variant_says_the_same_as_fp32(voice: PiperVoice, precision: str, tmp_path: Path) -> None:
    """Same length to the sample (padding to shape buckets is cut away), audio close."""
    variant = PiperVoice.load("joe", threads=2, precision=precision, cache_dir=tmp_path)
    texts = ["The keeper climbed the stairs.", "A longer sentence, with a pause in the middle."]
    for text in texts:
        item = (VoiceInput((voice.phonemize(text),)),)
        (reference,) = voice.synthesize([item], SILENT)[0]
        (out,) = variant.synthesize([item], SILENT)[0]
        assert out.part_samples == reference.part_samples
        assert np.isfinite(out.audio).all()
        error = np.sqrt(np.mean((out.audio - reference.audio) ** 2))
        assert error < 0.1 * np.sqrt(np.mean(reference.audio**2))


def test_bf16_runs_the_decoder_in_bf16_and_the_flow_in_fp32(tmp_path: Path) -> None:
    """Only the decoder is lowered (the flow in bf16 cost 7 dB of SNR for nothing), also when
    the decoder's OpenVINO model comes from the cache; the flow runs on onnxruntime in fp32."""
    import openvino as ov

    if "BF16" not in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        pytest.skip("this CPU has no bf16: OpenVINO runs everything in fp32")
    PiperVoice.load("joe", precision="bf16", cache_dir=tmp_path)  # converts, caches the IR
    assert len(list(tmp_path.glob("*-openvino.xml"))) == 1
    variant = PiperVoice.load("joe", precision="bf16", cache_dir=tmp_path)  # reads it back
    assert isinstance(variant.back, SplitBack)
    assert isinstance(variant.back.flow, OrtBack) and isinstance(variant.back.decoder, OpenVinoBack)
    compiled = variant.back.decoder.compiled
    precisions: dict[str, set[str]] = {"flow": set(), "dec": set()}
    for op in compiled.get_runtime_model().get_ordered_ops():
        info = {key: op.get_rt_info()[key].astype(str) for key in op.get_rt_info()}
        if info.get("layerType") != "Convolution":
            continue
        part = "dec" if "/dec/" in info["originalLayersNames"] else "flow"
        precisions[part].add(info["runtimePrecision"])
    assert precisions == {"flow": set(), "dec": {"bf16"}}


def test_models_list_says_which_variant_runs_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from config.settings import get_settings
    from models.graph import model_digest
    from models.registry import find_voice
    from producer.cli import main

    digest = model_digest(find_voice("joe").model)

    def save(cache: Path, report: QualityReport) -> None:  # for the real voice's digest
        report.save(report_path(cache, digest, report.precision, report.device))

    # this machine's reports alone (narrate's own, where it holds: tests/models/test_verdicts)
    monkeypatch.setattr("models.verdicts.SHIPPED", tmp_path / "none")

    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert main(["models", "list", "--device", "cpu"]) == 0
        before = capsys.readouterr().out
        save(tmp_path, PASSED)
        failed = replace(PASSED, precision="int8", passed=False, reason="WER 9.0% over 5.0%")
        save(tmp_path, failed)
        assert main(["models", "list", "--device", "cpu"]) == 0
        after = capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert (
        before.splitlines()[0]
        == "joe on cpu: runs fp32 (NARRATE_PRECISION=auto: the fastest that passed)"
    )
    assert "bf16  no quality report: `narrate models optimize --precision bf16`" in before
    assert after.splitlines()[0].startswith("joe on cpu: runs bf16")
    assert "bf16  passed its gate: WER 4.10% (fp32 4.00%), 30.0x real time (fp32 20.0x)" in after
    assert "int8  failed its gate" in after and "WER 9.0% over 5.0%" in after


@pytest.mark.parametrize(
    ("gpus", "device", "message"),
    [
        (0, "cuda:0", "cuda:0: no such GPU: this host shows none"),
        (0, "cuda:9", "cuda:9: no such GPU: this host shows none"),
        (1, "cuda:1", "cuda:1: no such GPU: this host shows 1 (cuda:0)"),
        (2, "cuda:9", "cuda:9: no such GPU: this host shows 2 (cuda:0 to cuda:1)"),
    ],
)
def test_a_gpu_this_host_does_not_show_is_refused(
    monkeypatch: pytest.MonkeyPatch, gpus: int, device: str, message: str
) -> None:
    monkeypatch.setattr("models.runtime.gpu_count", lambda: gpus)
    with pytest.raises(DeviceError) as raised:
        check_present(device, f"--device {device}")
    assert str(raised.value) == f"--device {message}"


def test_synth_and_workers_refuse_a_gpu_this_host_does_not_show_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`check_runnable` (synth, worker, optimize) on a host of one GPU with onnxruntime's
    CUDA provider: cuda:3 was taken, and failed only as onnxruntime opened the device."""
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: ["CUDAExecutionProvider"])
    monkeypatch.setattr("models.runtime.gpu_count", lambda: 1)
    check_runnable("cuda:0")
    with pytest.raises(DeviceError, match=r"^--device cuda:3: no such GPU: this host shows 1"):
        check_runnable("cuda:3", "--device cuda:3")


def test_a_device_there_or_not_numbered_is_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("models.runtime.gpu_count", lambda: 2)
    for device in ("cpu", "cuda", "cuda:0", "cuda:1", "cuda:all"):
        check_present(device)
    monkeypatch.setattr("models.runtime.gpu_count", lambda: 0)
    check_present("cuda")  # the kind, listed from any host (`models list --device cuda`)
    monkeypatch.setattr("models.runtime.gpu_count", lambda: None)
    check_present("cuda:3")  # WSL's GPUs cannot be counted: onnxruntime says


@pytest.mark.parametrize("given", ["--device", "NARRATE_DEVICE"])
def test_models_list_refuses_a_gpu_this_host_does_not_show(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    """`--device cuda:9` on a host of one GPU (or none) is one error line and exit 2, as
    synth and worker refuse a device they cannot run; it listed cuda:9's variants, exit 0."""
    from config.settings import get_settings
    from producer.cli import main

    monkeypatch.setattr("models.runtime.gpu_count", lambda: 1)
    argv = ["models", "list"]
    if given == "--device":
        argv += ["--device", "cuda:9"]
    else:
        monkeypatch.setenv("NARRATE_DEVICE", "cuda:9")
    get_settings.cache_clear()
    try:
        assert main(argv) == 2
    finally:
        get_settings.cache_clear()
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.splitlines() == [
        f"narrate: error: {given}{' ' if given == '--device' else '='}cuda:9: no such GPU: "
        "this host shows 1 (cuda:0)"
    ]


def test_models_list_refuses_a_device_it_does_not_know(capsys: pytest.CaptureFixture[str]) -> None:
    from producer.cli import main

    assert main(["models", "list", "--device", "tpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["narrate: error: unknown device 'tpu': use cpu, cuda, cuda:N or auto"]
