"""The front's text encoder in fp16, for CUDA.

The front is two parts: the text encoder (`enc_p`: six attention layers over 192 channels,
most of the front's arithmetic) and the stochastic duration predictor (`dp`: small flows
whose splines choose each phoneme's frames). The durations stay fp32, as the whole front
does elsewhere (`models.variants`: converted whole, `w_ceil` overflows), so only the
encoder's nodes are converted here: their weights stored fp16, their float tensors fp16,
with one cast where a float tensor enters the encoder and one where it leaves (its priors,
its hidden state and its mask, which the predictor and the back read in fp32). The
converters at hand cast around every node they are told to leave alone: ~1,600 casts, and
each pair rounds the predictor's fp32 through fp16.
"""

import numpy as np
import onnx
from onnx import AttributeProto, NodeProto, TensorProto, helper, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
# The encoder's nodes as the export names them, and as `models.attention` names the
# windows it writes into each attention layer.
ENCODER = ("/enc_p/", "enc_p_")


def encoder_in_fp16(front: bytes) -> bytes:
    """The front with its text encoder computing in fp16; inputs and outputs as they were."""
    model = onnx.shape_inference.infer_shapes(onnx.load_from_string(front))
    graph = model.graph
    encoder = [node for node in graph.node if _in_encoder(node)]
    if any(_subgraphs(node) for node in encoder):  # its nodes would stay fp32
        raise ValueError("a subgraph in the text encoder: not converted to fp16")
    types = _float_types(graph)
    made = {name for node in encoder for name in node.output}
    entries = _cast_entries(graph, encoder, made, types)
    for node in encoder:
        _retype(node)
    exits = _cast_exits(graph, encoder, types)
    nodes = _in_order(entries + list(graph.node) + exits, graph)
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]  # fp32 types inferred before: stale for the encoder's tensors
    read = {name for node in graph.node for name in _reads(node)}
    kept = [init for init in graph.initializer if init.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def _in_encoder(node: NodeProto) -> bool:
    name = node.name or node.output[0]  # `models.norms`' fused norms have no name
    return name.startswith(ENCODER)


def _subgraphs(node: NodeProto) -> list[onnx.GraphProto]:
    return [
        graph
        for attribute in node.attribute
        for graph in ([attribute.g] if attribute.type == AttributeProto.GRAPH else attribute.graphs)
    ]


def _reads(node: NodeProto) -> list[str]:
    """What a node reads: its inputs, and what its subgraphs (an If's branches, a Loop's
    body) read from the graph around them."""
    names = list(node.input)
    for graph in _subgraphs(node):
        inner = {value.name for value in [*graph.input, *graph.initializer]}
        inner |= {name for each in graph.node for name in each.output}
        read = [name for each in graph.node for name in _reads(each)]
        names += [name for name in read + [v.name for v in graph.output] if name not in inner]
    return names


def _float_types(graph: onnx.GraphProto) -> dict[str, int]:
    """Each tensor's element type, as far as the graph says."""
    values = [*graph.value_info, *graph.input, *graph.output]
    types = {value.name: value.type.tensor_type.elem_type for value in values}
    types |= {init.name: init.data_type for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute[0].name == "value":
            types[node.output[0]] = node.attribute[0].t.data_type
        elif node.op_type == "Constant" and node.attribute[0].name in _FLOATS:
            types[node.output[0]] = F32
    return types


_FLOATS = ("value_float", "value_floats")  # a Constant's fp32 set as numbers, not a tensor


def _cast_entries(
    graph: onnx.GraphProto, encoder: list[NodeProto], made: set[str], types: dict[str, int]
) -> list[NodeProto]:
    """Each fp32 tensor the encoder reads from outside, as fp16: weights only the encoder
    reads are stored fp16, anything else is cast once. The casts to insert."""
    inits = {init.name: init for init in graph.initializer}
    readers: dict[str, list[NodeProto]] = {}
    for node in graph.node:
        for name in _reads(node):
            readers.setdefault(name, []).append(node)
    halves: dict[str, str] = {}
    casts = []
    for node in encoder:
        for k, name in enumerate(node.input):
            if not name or name in made or types.get(name) != F32:
                continue
            if name not in halves:
                halves[name] = f"{name}/fp16"
                if name in inits and all(_in_encoder(r) for r in readers[name]):
                    weights = numpy_helper.to_array(inits[name]).astype(np.float16)
                    graph.initializer.append(numpy_helper.from_array(weights, halves[name]))
                else:
                    casts.append(_cast(name, halves[name], F16))
            node.input[k] = halves[name]
    return casts


def _retype(node: NodeProto) -> None:
    """A node's own fp32 (a cast's target, a constant's value) made fp16."""
    if node.op_type == "Constant" and node.attribute[0].name in _FLOATS:
        value = np.array(helper.get_attribute_value(node.attribute[0]), np.float16)
        del node.attribute[:]
        node.attribute.append(helper.make_attribute("value", numpy_helper.from_array(value)))
    for attribute in node.attribute:
        if node.op_type == "Cast" and attribute.name == "to" and attribute.i == F32:
            attribute.i = F16
        elif attribute.type == AttributeProto.TENSOR and attribute.t.data_type == F32:
            value = numpy_helper.to_array(attribute.t).astype(np.float16)
            attribute.t.CopyFrom(numpy_helper.from_array(value, attribute.t.name))


def _cast_exits(
    graph: onnx.GraphProto, encoder: list[NodeProto], types: dict[str, int]
) -> list[NodeProto]:
    """Each float tensor the encoder makes and others read (or the graph returns), cast back
    to fp32 under its own name; the encoder's nodes read the fp16 one. The casts to insert."""
    inside = {id(node) for node in encoder}
    outside = {name for node in graph.node if id(node) not in inside for name in _reads(node)}
    outside |= {output.name for output in graph.output}
    halves: dict[str, str] = {}
    for node in encoder:
        for k, name in enumerate(node.output):
            if name in outside and types.get(name) == F32:
                halves[name] = node.output[k] = f"{name}/fp16"
    for node in encoder:
        node.input[:] = [halves.get(name, name) for name in node.input]
    return [_cast(half, name, F32) for name, half in halves.items()]


def _cast(source: str, target: str, to: int) -> NodeProto:
    return helper.make_node("Cast", [source], [target], to=to, name=f"{target}/cast")


def _in_order(nodes: list[NodeProto], graph: onnx.GraphProto) -> list[NodeProto]:
    """The nodes in an order where each comes after what it reads (the casts were added at
    the ends)."""
    ready = {value.name for value in graph.input} | {init.name for init in graph.initializer}
    ready.add("")
    ordered: list[NodeProto] = []
    waiting = nodes
    while waiting:
        later = []
        for node in waiting:
            if all(name in ready for name in _reads(node)):
                ordered.append(node)
                ready.update(node.output)
            else:
                later.append(node)
        if len(later) == len(waiting):
            raise ValueError(f"a cycle or an unread input at {later[0].name or later[0].op_type}")
        waiting = later
    return ordered
