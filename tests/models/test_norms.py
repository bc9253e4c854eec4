"""The front's layer norms fused for CUDA (`models.norms`): the same outputs, one node each."""

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

from models.graph import cut_voice_graph, front_name
from models.norms import fuse_layer_norms
from models.registry import find_voice
from models.variants import CUDA_FRONT, FP16_FRONT, cuda_front_graph


def front_outputs(graph: bytes, ids: int = 300) -> list[np.ndarray]:
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(7)
    feeds = {
        "input": rng.integers(1, 100, (2, ids)).astype(np.int64),
        "input_lengths": np.array([ids, ids - 40], np.int64),
        "scales": np.array([0.667, 1.0, 0.8], np.float32),
    }
    for extra in session.get_inputs()[3:]:  # the duration noise, where it is an input
        feeds[extra.name] = rng.standard_normal((2, 2, ids)).astype(np.float32)
    return [np.asarray(out) for out in session.run(None, feeds)]


def test_every_norm_of_the_front_becomes_one_node_with_the_same_outputs() -> None:
    front = cut_voice_graph(find_voice("joe").model).front
    fused, count = fuse_layer_norms(front)
    ops = Counter(node.op_type for node in onnx.load_from_string(fused).graph.node)
    before = Counter(node.op_type for node in onnx.load_from_string(front).graph.node)
    assert count == 36 and ops["LayerNormalization"] == 36
    assert before["ReduceMean"] == 72 and ops["ReduceMean"] == 0 and ops["Pow"] == 3
    m_p, logs_p, durations = front_outputs(front)
    fused_m_p, fused_logs_p, fused_durations = front_outputs(fused)
    np.testing.assert_array_equal(fused_durations, durations)
    np.testing.assert_allclose(fused_m_p, m_p, atol=1e-4)
    np.testing.assert_allclose(fused_logs_p, logs_p, atol=1e-4)


def norm_graph(
    axes: list[int], exponent: float = 2.0, gamma: tuple[list[int], list[float]] | None = None
) -> onnx.ModelProto:
    """x [1, 4, 3] normalized over `axes` as the export writes a norm."""
    shape, weights = gamma or ([3], [1.0, 2.0, 3.0])
    consts = {
        "two": helper.make_tensor("two", TensorProto.FLOAT, [], [exponent]),
        "eps": helper.make_tensor("eps", TensorProto.FLOAT, [], [1e-5]),
        "gamma": helper.make_tensor("gamma", TensorProto.FLOAT, shape, weights),
        "beta": helper.make_tensor("beta", TensorProto.FLOAT, [3], [0.5, 0.0, -0.5]),
    }
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["mean"], axes=axes),
        helper.make_node("Sub", ["x", "mean"], ["centred"]),
        helper.make_node("Pow", ["centred", "two"], ["squares"]),
        helper.make_node("ReduceMean", ["squares"], ["var"], axes=axes),
        helper.make_node("Add", ["var", "eps"], ["var_eps"]),
        helper.make_node("Sqrt", ["var_eps"], ["std"]),
        helper.make_node("Div", ["centred", "std"], ["normed"]),
        helper.make_node("Mul", ["normed", "gamma"], ["scaled"]),
        helper.make_node("Add", ["scaled", "beta"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "norm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3])],
        list(consts.values()),
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])


def run(graph: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_a_norm_is_fused_only_over_the_last_axis_with_squares() -> None:
    x = np.arange(12, dtype=np.float32).reshape(1, 4, 3) ** 1.5
    last = norm_graph([-1]).SerializeToString()
    fused, count = fuse_layer_norms(last)
    assert count == 1
    model = onnx.load_from_string(fused)
    assert [node.op_type for node in model.graph.node] == ["LayerNormalization"]
    assert {init.name for init in model.graph.initializer} == {
        "/narrate/layer_norm_0/gamma",
        "/narrate/layer_norm_0/beta",
    }  # the old weights and constants are gone
    np.testing.assert_allclose(run(fused, x), run(last, x), atol=1e-5)
    scalar: tuple[list[int], list[float]] = ([], [2.0])  # not one weight a channel
    column: tuple[list[int], list[float]] = ([3, 1], [1.0, 2.0, 3.0])
    others = [norm_graph([1]), norm_graph([-1], exponent=3.0)]
    others += [norm_graph([-1], gamma=scalar), norm_graph([-1], gamma=column)]
    for other in others:
        graph = other.SerializeToString()
        assert fuse_layer_norms(graph) == (other.SerializeToString(), 0)


def test_the_cuda_front_is_cached_beside_the_cut(tmp_path: Path) -> None:
    cut = cut_voice_graph(find_voice("joe").model, tmp_path)
    name = front_name(cut.digest)
    first = cuda_front_graph(cut.front, tmp_path, name)
    kept = tmp_path / f"{name}-{CUDA_FRONT}.onnx"
    assert kept.read_bytes() == first
    kept.write_bytes(b"read back")  # the cache's copy is what a second call returns
    assert cuda_front_graph(cut.front, tmp_path, name) == b"read back"


def test_the_fp16_front_is_cached_beside_the_fused_one(tmp_path: Path) -> None:
    """fp16's front is the fused one with its encoder in fp16 (`models.halffront`), kept
    under its own name; fp32's is the fused one."""
    cut = cut_voice_graph(find_voice("joe").model, tmp_path)
    name = front_name(cut.digest)
    half = cuda_front_graph(cut.front, tmp_path, name, "fp16")
    assert (tmp_path / f"{name}-{FP16_FRONT}.onnx").read_bytes() == half
    fused = cuda_front_graph(cut.front, tmp_path, name, "fp32")
    assert fused == (tmp_path / f"{name}-{CUDA_FRONT}.onnx").read_bytes() != half
    types = {init.data_type for init in onnx.load_from_string(half).graph.initializer}
    assert TensorProto.FLOAT16 in types
