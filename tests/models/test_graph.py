from pathlib import Path

import pytest

from config.errors import UnknownVoiceError
from models.graph import cut_voice_graph
from models.pool import providers_for
from models.registry import find_voice


def test_the_cut_is_cached_and_read_back(tmp_path: Path) -> None:
    model = find_voice("joe").model
    first = cut_voice_graph(model, tmp_path)
    cached = sorted(p.name for p in tmp_path.iterdir())
    assert len(cached) == 2 and cached[0].endswith("-back.onnx")
    again = cut_voice_graph(model, tmp_path)
    assert again == first
    assert cut_voice_graph(model, None) == first  # the cut is deterministic


def test_devices() -> None:
    assert providers_for("cpu") == ["CPUExecutionProvider"]
    with pytest.raises(UnknownVoiceError, match="unknown device 'tpu'"):
        providers_for("tpu")


def test_cuda_without_a_cuda_provider_is_a_clear_error() -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has CUDA")
    with pytest.raises(UnknownVoiceError, match="no CUDA provider"):
        providers_for("cuda:0")
