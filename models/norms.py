"""The front's layer norms as one LayerNormalization each, for CUDA.

VITS normalizes over the channels: it transposes [batch, channels, ids] to put them last,
and the export writes each norm out as nine operators (ReduceMean, Sub, Pow, ReduceMean,
Add, Sqrt, Div, Mul, Add) before transposing back. onnxruntime's transpose optimizer runs
first and moves the transposes through the norm, which then reduces over axis 1, and its
layer norm fusion (the last axis only) no longer matches: on CUDA each of the front's 36
norms ran as nine kernels, about a third of the front's GPU time (docs/performance.md,
"The back in NHWC"). Here each becomes one LayerNormalization over the last axis, the same
arithmetic, before onnxruntime sees the graph.
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

LAYER_NORM_OPSET = 17  # LayerNormalization's first ONNX opset


def fuse_layer_norms(graph_bytes: bytes) -> tuple[bytes, int]:
    """The graph with every channel norm fused, and how many were."""
    model = onnx.load_from_string(graph_bytes)
    graph = model.graph
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    constants = _constants(graph)
    fused = 0
    for first in [n for n in graph.node if n.op_type == "ReduceMean"]:
        chain = _norm_chain(first, consumers, constants)
        if chain is None:
            continue
        _replace(graph, first.input[0], chain, constants, fused)
        fused += 1
    if fused:
        _drop_unread(graph)
        for opset in model.opset_import:
            if opset.domain in ("", "ai.onnx"):
                opset.version = max(opset.version, LAYER_NORM_OPSET)
    return model.SerializeToString(), fused


def _constants(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    found = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and [a.name for a in node.attribute] == ["value"]:
            found[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return found


def _over_last_axis(node: onnx.NodeProto) -> bool:
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return list(attrs.get("axes", [])) == [-1] and attrs.get("keepdims", 1) == 1


def _only(name: str, op: str, consumers: dict[str, list[onnx.NodeProto]]) -> onnx.NodeProto | None:
    """The one node that reads `name`, if it is an `op`."""
    readers = consumers.get(name, [])
    return readers[0] if len(readers) == 1 and readers[0].op_type == op else None


def _norm_chain(
    mean: onnx.NodeProto,
    consumers: dict[str, list[onnx.NodeProto]],
    constants: dict[str, np.ndarray],
) -> list[onnx.NodeProto] | None:
    """The nine nodes of a norm over the last axis from its first ReduceMean, or None."""
    if not _over_last_axis(mean):
        return None
    x = mean.input[0]
    sub = _only(mean.output[0], "Sub", consumers)
    if sub is None or list(sub.input) != [x, mean.output[0]]:
        return None
    readers = consumers.get(sub.output[0], [])
    pow_ = next((n for n in readers if n.op_type == "Pow"), None)
    div = next((n for n in readers if n.op_type == "Div"), None)
    if len(readers) != 2 or pow_ is None or div is None:
        return None
    if not np.allclose(constants.get(pow_.input[1], np.nan), 2.0):
        return None
    var = _only(pow_.output[0], "ReduceMean", consumers)
    if var is None or not _over_last_axis(var):
        return None
    add_eps = _only(var.output[0], "Add", consumers)
    if add_eps is None or add_eps.input[1] not in constants:
        return None
    sqrt = _only(add_eps.output[0], "Sqrt", consumers)
    if sqrt is None or list(div.input) != [sub.output[0], sqrt.output[0]]:
        return None
    mul = _only(div.output[0], "Mul", consumers)
    if mul is None or mul.input[1] not in constants:
        return None
    add = _only(mul.output[0], "Add", consumers)
    if add is None or add.input[1] not in constants:
        return None
    gamma, beta = constants[mul.input[1]], constants[add.input[1]]
    if gamma.ndim != 1 or gamma.shape != beta.shape or gamma.size < 2:
        return None  # one weight a channel, along the last axis: LayerNormalization's own
    return [mean, sub, pow_, var, add_eps, sqrt, div, mul, add]


def _replace(
    graph: onnx.GraphProto,
    x: str,
    chain: list[onnx.NodeProto],
    constants: dict[str, np.ndarray],
    k: int,
) -> None:
    add_eps, mul, add = chain[4], chain[7], chain[8]
    epsilon = float(constants[add_eps.input[1]].reshape(-1)[0])
    gamma = constants[mul.input[1]].astype(np.float32).reshape(-1)
    beta = constants[add.input[1]].astype(np.float32).reshape(-1)
    prefix = f"/narrate/layer_norm_{k}"
    graph.initializer.extend(
        [
            numpy_helper.from_array(gamma, f"{prefix}/gamma"),
            numpy_helper.from_array(beta, f"{prefix}/beta"),
        ]
    )
    at = list(graph.node).index(chain[0])
    norm = helper.make_node(
        "LayerNormalization",
        [x, f"{prefix}/gamma", f"{prefix}/beta"],
        [add.output[0]],
        axis=-1,
        epsilon=epsilon,
    )
    for node in chain:
        graph.node.remove(node)
    graph.node.insert(at, norm)


def _drop_unread(graph: onnx.GraphProto) -> None:
    """The norms' old weights and constants, which nothing reads now."""
    read = {name for node in graph.node for name in node.input}
    read.update(output.name for output in graph.output)
    for node in [n for n in graph.node if n.op_type == "Constant" and n.output[0] not in read]:
        graph.node.remove(node)
    for init in [i for i in graph.initializer if i.name not in read]:
        graph.initializer.remove(init)
