"""Batch budgets on CUDA come from the GPU memory budget, shared by the inference workers."""

import os
from pathlib import Path

import pytest

from config.errors import DeviceError
from config.settings import CUDA_INFERENCE_WORKERS, Settings
from models.runtime import (
    AUTO_MAX_GB,
    CPU_MAX_BACK_FRAMES,
    FALLBACK_GB,
    FREE_SHARE,
    GB_PER_FRAME,
    GB_PER_ID,
    MAX_PASSAGE_ROWS,
    PASSAGE_IDS,
    PEAK_OVER_SUM,
    WINDOW_FRAMES,
    Runtime,
    auto_gpu_memory_gb,
    back_budget,
    check_providers,
    free_gpu_memory_gb,
    front_budget,
    max_back_frames,
    process_budget_gb,
    process_gpu_memory_bytes,
)


def _predicted_peak_gb(precision: str, settings: Settings) -> float:
    """What the measured per-row figures say all workers' largest batches take at once."""
    ids, frames = (
        front_budget("cuda", precision, settings),
        back_budget("cuda", precision, settings),
    )
    per_worker = ids * GB_PER_ID + frames * GB_PER_FRAME[precision]
    return PEAK_OVER_SUM * settings.inference_workers * per_worker


def test_cuda_budgets_follow_the_memory_budget_and_the_workers() -> None:
    small = Settings(gpu_memory_gb=8, inference_workers=2)
    big = Settings(gpu_memory_gb=16, inference_workers=2)
    crowded = Settings(gpu_memory_gb=16, inference_workers=4)
    assert front_budget("cuda", "fp16", big) == 2 * front_budget("cuda", "fp16", small) > 0
    assert back_budget("cuda", "fp32", big) == 2 * back_budget("cuda", "fp32", small) > 0
    assert front_budget("cuda", "fp16", crowded) == front_budget("cuda", "fp16", small)
    # a passage feeds two decoder windows; fp16 holds about twice the rows of fp32
    assert back_budget("cuda", "fp16", small) == 2 * WINDOW_FRAMES * (
        front_budget("cuda", "fp16", small) // PASSAGE_IDS
    )
    assert back_budget("cuda", "fp16", small) == 2 * back_budget("cuda", "fp32", small)


def test_every_budget_keeps_all_workers_within_the_memory_budget() -> None:
    for gb in (2, 4, 8, 12, 16, 24, 32, 48, 72):
        for workers in (1, 2, 4, 6):
            for precision in ("fp16", "fp32"):
                settings = Settings(gpu_memory_gb=gb, inference_workers=workers)
                if front_budget("cuda", precision, settings) > PASSAGE_IDS:  # one row: alone
                    assert _predicted_peak_gb(precision, settings) <= gb


def test_the_default_budget_runs_eight_passages_and_batches_stop_growing_at_sixteen() -> None:
    # the defaults on a GPU host of 4 cores or more
    default = Settings(device="cuda", inference_workers=CUDA_INFERENCE_WORKERS, gpu_memory_gb=16)
    assert front_budget("cuda", "fp16", default) == 8 * PASSAGE_IDS
    assert back_budget("cuda", "fp16", default) == 16 * WINDOW_FRAMES
    huge = Settings(gpu_memory_gb=500, inference_workers=4)
    assert front_budget("cuda", "fp16", huge) == MAX_PASSAGE_ROWS * PASSAGE_IDS
    tiny = Settings(gpu_memory_gb=0.5, inference_workers=4)
    assert front_budget("cuda", "fp16", tiny) == PASSAGE_IDS  # never less than one passage


def test_the_cpu_runs_one_at_a_time_and_set_budgets_win() -> None:
    settings = Settings(gpu_memory_gb=16, inference_workers=2)
    assert front_budget("cpu", "fp32", settings) == 0
    assert back_budget("cpu", "fp32", settings) == 0
    fixed = Settings(batch_budget=1234, back_frame_budget=567)
    assert front_budget("cuda", "fp16", fixed) == 1234
    assert back_budget("cuda", "fp16", fixed) == 567


def fake_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free_mib: str) -> Path:
    """An nvidia-smi on PATH that prints free_mib and records its arguments."""
    calls = tmp_path / "calls"
    script = tmp_path / "bin" / "nvidia-smi"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$@" >> {calls}\necho "{free_mib}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}:{os.environ['PATH']}")
    return calls


def test_the_automatic_budget_is_most_of_the_free_memory_up_to_the_largest_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fake_nvidia_smi(tmp_path, monkeypatch, "20480")  # 20 GiB free
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert auto_gpu_memory_gb("cuda:1") == pytest.approx(FREE_SHARE * 20)
    assert calls.read_text().split()[-2:] == ["-i", "1"]
    # CUDA numbers the visible devices: cuda:1 of "3,5" is the machine's GPU 5
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,5")
    auto_gpu_memory_gb("cuda:1")
    assert calls.read_text().split()[-2:] == ["-i", "5"]


def test_a_big_gpu_gets_the_largest_batches_and_no_nvidia_smi_a_safe_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_nvidia_smi(tmp_path, monkeypatch, "143771")  # an idle H200
    assert auto_gpu_memory_gb("cuda") == AUTO_MAX_GB
    # two processes on it: each its share, still enough for the largest batches
    half = process_budget_gb(143771 / 1024, 2)
    assert half == pytest.approx(FREE_SHARE * 143771 / 1024 / 2)
    shared = Settings(gpu_memory_gb=half, inference_workers=4)
    assert front_budget("cuda", "fp32", shared) == MAX_PASSAGE_ROWS * PASSAGE_IDS
    big = Settings(gpu_memory_gb=AUTO_MAX_GB, inference_workers=CUDA_INFERENCE_WORKERS)
    assert front_budget("cuda", "fp32", big) == MAX_PASSAGE_ROWS * PASSAGE_IDS
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert auto_gpu_memory_gb("cuda") == FALLBACK_GB
    assert process_budget_gb(None, 2) == FALLBACK_GB / 2
    assert free_gpu_memory_gb("cuda") is None


def test_a_process_holds_the_gpu_memory_nvidia_smi_lists_for_its_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = os.getpid()
    fake_nvidia_smi(tmp_path, monkeypatch, f"{me}, 1536\n{me + 1}, 4096\n{me}, 512")
    assert process_gpu_memory_bytes(me) == 2048 * 2**20  # on two GPUs
    assert process_gpu_memory_bytes(me + 2) == 0  # nothing on the GPU yet
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert process_gpu_memory_bytes(me) is None


def test_a_session_without_the_gpu_it_asked_for_is_refused() -> None:
    """onnxruntime without CUDA (this machine) makes the session on the CPU with a warning:
    narrate stops there rather than narrate a book at CPU speed on a GPU host."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    asked: list[str | tuple[str, dict[str, str]]] = [
        ("CUDAExecutionProvider", {"device_id": "0"}),
        "CPUExecutionProvider",
    ]
    with pytest.warns(UserWarning, match="'CUDAExecutionProvider' is not in available"):
        session = ort.InferenceSession(model.SerializeToString(), providers=asked)
    with pytest.raises(DeviceError, match=r"could not start CUDAExecutionProvider.*narrate -v"):
        check_providers(session, asked)
    check_providers(session, ["CPUExecutionProvider"])


def test_decoder_runs_are_longest_on_the_cpu_in_fp32_and_bounded_everywhere() -> None:
    """onnxruntime on the CPU takes long runs (fewer 64-frame joins), OpenVINO short ones
    (its memory grows with the longest), CUDA one window; a setting overrides them all."""
    settings = Settings()
    longest = {
        (device, precision): Runtime.from_settings(settings, device, precision).max_back_frames
        for device, precision in [("cpu", "fp32"), ("cpu", "bf16"), ("cpu", "int8")]
    }
    assert longest == {
        ("cpu", "fp32"): CPU_MAX_BACK_FRAMES,
        ("cpu", "bf16"): 320,
        ("cpu", "int8"): CPU_MAX_BACK_FRAMES,
    }
    assert max_back_frames("cuda", "fp16") == max_back_frames("cuda:1", "fp32") == 448
    fixed = Settings(max_back_frames=200)
    assert Runtime.from_settings(fixed, "cpu", "fp32").max_back_frames == 200
