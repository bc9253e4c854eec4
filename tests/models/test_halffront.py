"""The front's text encoder in fp16 for CUDA (`models.halffront`): the encoder's arithmetic
fp16, the duration predictor's untouched, a cast at each crossing."""

from collections import Counter

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from models.graph import cut_voice_graph
from models.halffront import encoder_in_fp16
from models.norms import fuse_layer_norms
from models.registry import find_voice
from tests.models.test_norms import front_outputs


@pytest.fixture(scope="module")
def fronts() -> tuple[bytes, bytes]:
    fused = fuse_layer_norms(cut_voice_graph(find_voice("joe").model).front)[0]
    return fused, encoder_in_fp16(fused)


def element_types(model: onnx.ModelProto) -> dict[str, int]:
    inferred = onnx.shape_inference.infer_shapes(model).graph
    values = [*inferred.value_info, *inferred.input, *inferred.output]
    types = {value.name: value.type.tensor_type.elem_type for value in values}
    return types | {init.name: init.data_type for init in inferred.initializer}


def test_the_encoder_computes_in_fp16_and_the_predictor_in_fp32(
    fronts: tuple[bytes, bytes],
) -> None:
    before, after = (onnx.load_from_string(graph) for graph in fronts)
    types = element_types(after)
    encoder = [n for n in after.graph.node if (n.name or n.output[0]).startswith("/enc_p/")]
    predictor = [n for n in after.graph.node if n.name.startswith("/dp/")]
    matmuls = [n for n in encoder if n.op_type in ("MatMul", "Conv", "LayerNormalization")]
    assert len(matmuls) >= 24 + 12  # every attention layer's products and norms
    assert all(types[n.output[0]] == TensorProto.FLOAT16 for n in matmuls)
    read = [types[name] for n in predictor for name in n.input if name in types]
    assert TensorProto.FLOAT in read and TensorProto.FLOAT16 not in read
    # a cast only where a float crosses: a few, not one around every other node
    casts = Counter(n.op_type for n in after.graph.node)["Cast"]
    assert 0 < casts - Counter(n.op_type for n in before.graph.node)["Cast"] <= 12
    for ends in ("input", "output"):
        kinds = [
            [v.type.tensor_type.elem_type for v in getattr(m.graph, ends)] for m in (before, after)
        ]
        assert kinds[0] == kinds[1]


def test_its_priors_are_fp32s_within_fp16_rounding_and_its_durations_the_same(
    fronts: tuple[bytes, bytes],
) -> None:
    m_p, logs_p, durations = front_outputs(fronts[0])
    half_m_p, half_logs_p, half_durations = front_outputs(fronts[1])
    assert half_m_p.dtype == np.float32 and np.isfinite(half_m_p).all()
    np.testing.assert_allclose(half_m_p, m_p, atol=0.05)
    np.testing.assert_allclose(half_logs_p, logs_p, atol=0.05)
    assert np.abs(half_m_p - m_p).mean() < 1e-3
    assert not np.array_equal(half_m_p, m_p)  # it did compute in fp16
    assert (half_durations != durations).mean() < 0.01


def test_a_weight_read_outside_the_encoder_is_cast_not_replaced() -> None:
    shared = numpy_helper.from_array(np.array([2.0], np.float32), "w")
    nodes = [
        helper.make_node("Mul", ["x", "w"], ["h"], name="/enc_p/Mul"),
        helper.make_node("Mul", ["h", "w"], ["y"], name="/dp/Mul"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
        [shared],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    converted = onnx.load_from_string(encoder_in_fp16(model.SerializeToString()))
    ops = [(n.op_type, n.name) for n in converted.graph.node]
    assert ops == [
        ("Cast", "x/fp16/cast"),
        ("Cast", "w/fp16/cast"),
        ("Mul", "/enc_p/Mul"),
        ("Cast", "h/cast"),
        ("Mul", "/dp/Mul"),
    ]
    assert [i.data_type for i in converted.graph.initializer] == [TensorProto.FLOAT]


def graph_model(
    nodes: list[onnx.NodeProto], initializers: list[onnx.TensorProto] | None = None
) -> bytes:
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
        initializers or [],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return bytes(model.SerializeToString())


def outputs(graph: bytes) -> list[np.ndarray]:
    import onnxruntime

    session = onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])
    return [np.asarray(out) for out in session.run(None, {"x": np.arange(3, dtype=np.float32)})]


def test_a_constant_set_as_a_number_in_the_encoder_is_fp16_too() -> None:
    """A Constant's `value_float` is fp32 as its `value` tensor is: left so, the encoder's
    fp16 product with it does not load."""
    graph = graph_model(
        [
            helper.make_node("Constant", [], ["c"], name="/enc_p/Constant", value_float=2.0),
            helper.make_node("Mul", ["x", "c"], ["h"], name="/enc_p/Mul"),
            helper.make_node("Add", ["h", "x"], ["y"], name="/dp/Add"),
        ]
    )
    (half,) = outputs(encoder_in_fp16(graph))
    assert half.dtype == np.float32
    np.testing.assert_array_equal(half, [0.0, 3.0, 6.0])


def test_a_weight_a_subgraph_reads_outside_the_encoder_is_kept() -> None:
    """An If's branch reads a weight from the graph around it: it is kept fp32 (and the If
    ordered after what its branches read), not dropped as unread."""
    branches = {
        f"{name}_branch": helper.make_graph(
            [helper.make_node(op, ["h", "w"], [name])],
            name,
            [],
            [helper.make_tensor_value_info(name, TensorProto.FLOAT, [3])],
        )
        for name, op in (("then", "Add"), ("else", "Sub"))
    }
    graph = graph_model(
        [
            helper.make_node("Mul", ["x", "w"], ["h"], name="/enc_p/Mul"),
            helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.array(True))),
            helper.make_node("If", ["c"], ["y"], name="/dp/If", **branches),
        ],
        [numpy_helper.from_array(np.full(3, 2.0, np.float32), "w")],
    )
    (half,) = outputs(encoder_in_fp16(graph))
    np.testing.assert_array_equal(half, [2.0, 4.0, 6.0])
    kinds = {
        i.name: i.data_type for i in onnx.load_from_string(encoder_in_fp16(graph)).graph.initializer
    }
    assert kinds == {"w": TensorProto.FLOAT}
