"""1-D convolutions run as 2-D ones: the same fp32 audio, in onnxruntime's blocked layout."""

import platform
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from models.backends import MASK_INPUT, Z_INPUT
from models.conv2d import convolutions_as_2d
from models.graph import BACK_INPUTS, cut_voice_graph
from models.piper import PiperVoice
from models.registry import find_voice
from models.variants import CPU_LAYOUT, cpu_fp32_graph


def run(graph: bytes, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    return [np.asarray(out) for out in session.run(None, feeds)]


def latents(rows: int, frames: int) -> dict[str, np.ndarray]:
    z_p = np.random.default_rng(5).standard_normal((rows, 192, frames)).astype(np.float32)
    return {Z_INPUT: z_p, MASK_INPUT: np.ones((rows, 1, frames), np.float32)}


def snr_db(signal: np.ndarray, reference: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(reference**2) / np.sum((signal - reference) ** 2)))


def test_the_voices_back_as_2d_gives_the_same_audio() -> None:
    back = cut_voice_graph(find_voice("joe").model).back
    model = onnx.load_from_string(back)
    assert convolutions_as_2d(model, BACK_INPUTS) == 63  # flow 40, decoder 20, upsampling 3
    assert all(
        len(init.dims) != 3 for init in model.graph.initializer if init.name.endswith("weight")
    )
    feeds = latents(2, 90)
    (reference,) = run(back, feeds)
    (rewritten,) = run(model.SerializeToString(), feeds)
    assert rewritten.shape == reference.shape  # [batch, 1, 1, samples], as before
    assert np.max(np.abs(rewritten - reference)) < 2e-4
    assert snr_db(rewritten, reference) > 80


@pytest.mark.skipif(platform.machine() != "x86_64", reason="onnxruntime blocks for x86 only")
def test_onnxruntime_runs_the_rewritten_convolutions_blocked(tmp_path: Path) -> None:
    back = cut_voice_graph(find_voice("joe").model).back
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.optimized_model_filepath = str(tmp_path / "optimized.onnx")
    graph = cpu_fp32_graph(back, tmp_path, "digest")
    ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    optimized = onnx.load(options.optimized_model_filepath).graph.node
    blocked = [node for node in optimized if node.domain == "com.microsoft.nchwc"]
    assert sum(node.op_type == "Conv" for node in blocked) == 60  # all but the transposed
    assert (tmp_path / f"digest-back-{CPU_LAYOUT}.onnx").read_bytes() == graph  # cached


def test_ops_it_cannot_lift_get_their_inputs_back_in_3d() -> None:
    """A chain conv -> Transpose (any op not on its list) -> conv -> Softmax still computes
    what the 1-D graph did."""
    rng = np.random.default_rng(0)
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3], pads=[1, 1]),
        n("LeakyRelu", ["c1"], ["a1"], alpha=0.1),
        n("Transpose", ["a1"], ["t"], perm=[0, 2, 1]),
        n("Transpose", ["t"], ["back"], perm=[0, 2, 1]),
        n("Mul", ["back", "scale"], ["scaled"]),
        n("ConvTranspose", ["scaled", "w2", "b2"], ["up"], kernel_shape=[4], strides=[2]),
        n("Softmax", ["up"], ["y"], axis=1),
    ]
    inits = {
        "w1": rng.standard_normal((8, 4, 3)),
        "b1": rng.standard_normal(8),
        "scale": np.array(0.5),
        "w2": rng.standard_normal((8, 16, 4)),
        "b2": rng.standard_normal(16),
    }
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", 4, "t"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", 16, "u"])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    original = model.SerializeToString()
    assert convolutions_as_2d(model, ["x"]) == 2
    onnx.checker.check_model(model, full_check=True)
    x = {"x": rng.standard_normal((2, 4, 11)).astype(np.float32)}
    (reference,), (rewritten,) = run(original, x), run(model.SerializeToString(), x)
    assert rewritten.shape == reference.shape == (2, 16, 24)
    assert np.allclose(rewritten, reference, atol=1e-5)


def test_the_cpu_voice_runs_the_2d_back_and_sounds_the_same(voice: PiperVoice) -> None:
    """fp32 on the CPU takes the 2-D back (no gate: the same arithmetic); the audio is the 1-D
    back's to well under a 16-bit step."""
    plain = cut_voice_graph(find_voice("joe").model).back
    feeds = latents(1, 64)
    (one_d,) = run(plain, feeds)
    (two_d,) = run(cpu_fp32_graph(plain, None, "digest"), feeds)
    audio = voice.back.run(feeds[Z_INPUT], feeds[MASK_INPUT])
    assert np.array_equal(audio, two_d)
    assert 0 < np.max(np.abs(audio - one_d)) < 2e-4
