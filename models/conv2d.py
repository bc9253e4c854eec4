"""Run a graph of 1-D convolutions as 2-D ones of height 1, for onnxruntime's CPU kernels.

onnxruntime's CPU provider runs 2-D convolutions in a layout blocked by channels (NCHWc, 8
wide with AVX2) with kernels of its own; 1-D convolutions go through im2col and a GEMM. The
back of a Piper voice (flow + HiFi-GAN) is all 1-D convolutions, most of them on 32 or 64
channels at audio rate, where the blocked kernels run 1.2-1.3x faster on an AVX2 core
(docs/performance.md, "CPU (2 cores)").

So each rank-3 tensor [batch, channels, time] gets a height axis of 1 at axis 2:
convolutions get [1, k] kernels, element-wise ops and the ops on the channel axis (Slice,
Split, Concat) work unchanged on 4-D, and any other op gets its input squeezed back to 3-D
first. The same products and sums in fp32, only summed in another order: the voice's audio
stays within ~1e-4 of the 1-D graph's (over 90 dB SNR).
"""

from collections.abc import Callable, Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper

HEIGHT_AXIS = 2
CONVOLUTIONS = ("Conv", "ConvTranspose")
ELEMENTWISE = frozenset(
    ("Add", "Sub", "Mul", "Div", "Neg", "Exp", "Tanh", "Sigmoid", "LeakyRelu", "Relu", "Cast")
)
CHANNEL_AXIS_OPS = ("Split", "Concat")
SPATIAL_ATTRIBUTES = ("kernel_shape", "strides", "dilations", "output_padding")


def convolutions_as_2d(model: onnx.ModelProto, inputs: Sequence[str]) -> int:
    """Rewrite model in place; returns how many convolutions became 2-D. inputs: the graph
    inputs that are [batch, channels, time] (a cut graph may not say)."""
    for graph_input in model.graph.input:
        if graph_input.name in inputs:
            _declare_rank_3(graph_input)
    inferred = onnx.shape_inference.infer_shapes(model)
    ranks = _ranks(inferred.graph)
    graph = model.graph
    rewriter = _Rewriter(graph, ranks)
    nodes = list(graph.node)
    del graph.node[:]
    count = 0
    for node in nodes:
        if rewriter.liftable(node):
            count += rewriter.lift(node)
        else:
            rewriter.lower(node)
    rewriter.lower_outputs()
    del graph.value_info[:]  # 3-D shapes recorded by the export no longer hold
    _drop_unused(graph)
    return count


def _declare_rank_3(info: onnx.ValueInfoProto) -> None:
    tensor = info.type.tensor_type
    if not tensor.HasField("shape") or len(tensor.shape.dim) != 3:
        shape = [f"{info.name}_{axis}" for axis in ("batch", "channels", "time")]
        info.type.CopyFrom(helper.make_tensor_type_proto(tensor.elem_type, shape))


def _ranks(graph: onnx.GraphProto) -> dict[str, int]:
    infos = [*graph.input, *graph.value_info, *graph.output]
    ranks = {
        info.name: len(info.type.tensor_type.shape.dim)
        for info in infos
        if info.type.tensor_type.HasField("shape")
    }
    ranks.update({init.name: len(init.dims) for init in graph.initializer})
    return ranks


class _Rewriter:
    """Adds nodes in order, tracking which tensors carry the height axis."""

    def __init__(self, graph: onnx.GraphProto, ranks: dict[str, int]) -> None:
        self.graph = graph
        self.ranks = ranks
        self.lifted: set[str] = set()  # tensors with the height axis
        self.inits = {init.name: init for init in graph.initializer}
        self.consumers: dict[str, list[onnx.NodeProto]] = {}
        for node in graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.shapes: set[str] = set()  # shapes of lifted tensors
        self.twins: dict[str, str] = {}  # a 4-D or 3-D copy, once added -> its original
        self.axes = self._constant("height_axes", np.array([HEIGHT_AXIS], np.int64))

    def liftable(self, node: onnx.NodeProto) -> bool:
        checks: dict[str, Callable[[onnx.NodeProto], bool]] = {
            "Conv": self._plain_convolution,
            "ConvTranspose": self._plain_convolution,
            "Slice": self._slices_channels,
            "Shape": self._shape_for_fill,
            "ConstantOfShape": lambda fill: fill.input[0] in self.shapes,
        }
        if node.op_type in checks:
            return checks[node.op_type](node)
        if node.op_type in CHANNEL_AXIS_OPS:
            axis_ok = _attribute(node, "axis", 0) in (0, 1, -1)
            return axis_ok and self._carries_time(node.input[0])
        return node.op_type in ELEMENTWISE and self._broadcast_with_time(node.input)

    def lift(self, node: onnx.NodeProto) -> int:
        """Add node working on 4-D tensors; returns 1 for a convolution, else 0."""
        data = [] if node.op_type == "ConstantOfShape" else node.input
        for k, name in enumerate(data[:1] if node.op_type in CONVOLUTIONS else data):
            if name and name not in self.inits:
                node.input[k] = self._as_4d(name)
        if node.op_type in CONVOLUTIONS:
            self._convolution_2d(node)
        # a copy goes in: node must be complete by now
        self.graph.node.append(node)
        # a Shape's output is a 4-long shape, for a ConstantOfShape
        (self.shapes if node.op_type == "Shape" else self.lifted).update(node.output)
        return int(node.op_type in CONVOLUTIONS)

    def lower(self, node: onnx.NodeProto) -> None:
        for k, name in enumerate(node.input):
            if name in self.lifted:
                node.input[k] = self._as_3d(name)
        self.graph.node.append(node)

    def lower_outputs(self) -> None:
        """Graph outputs keep their rank: a lifted one is squeezed into its own name."""
        for output in self.graph.output:
            if output.name not in self.lifted:
                continue
            inner = output.name + "/4d"
            for node in self.graph.node:
                for k, name in enumerate(node.output):
                    if name == output.name:
                        node.output[k] = inner
                for k, name in enumerate(node.input):
                    if name == output.name:
                        node.input[k] = inner
            self.graph.node.append(
                helper.make_node("Squeeze", [inner, self.axes], [output.name], name=inner)
            )

    # -- checks -------------------------------------------------------------------------

    def _plain_convolution(self, node: onnx.NodeProto) -> bool:
        weights_known = all(name in self.inits for name in node.input[1:])
        one_d = weights_known and len(self.inits[node.input[1]].dims) == 3
        explicit = _attribute(node, "auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
        return self._carries_time(node.input[0]) and one_d and explicit

    def _slices_channels(self, node: onnx.NodeProto) -> bool:
        if len(node.input) < 4 or node.input[3] not in self.inits:
            return False  # no axes: it slices the leading ones, maybe time
        if not self._carries_time(node.input[0]):
            return False
        axes = numpy_helper.to_array(self.inits[node.input[3]])
        return bool(np.all((axes == 0) | (axes == 1) | (axes == -1)))

    def _shape_for_fill(self, node: onnx.NodeProto) -> bool:
        users = self.consumers.get(node.output[0], [])
        fills = bool(users) and all(user.op_type == "ConstantOfShape" for user in users)
        return fills and self._carries_time(node.input[0])

    def _carries_time(self, name: str) -> bool:
        return name in self.lifted or self.ranks.get(name) == 3

    def _broadcast_with_time(self, names: Sequence[str]) -> bool:
        """Some input is [batch, channels, time] and the others are too or have rank 1 or
        less (which broadcast along time alone, in 3-D and in 4-D)."""
        small = [name for name in names if not self._carries_time(name)]
        ranks = [self.ranks.get(name) for name in small]
        return len(small) < len(names) and all(r is not None and r <= 1 for r in ranks)

    # -- rewriting ----------------------------------------------------------------------

    def _convolution_2d(self, node: onnx.NodeProto) -> None:
        weight = numpy_helper.to_array(self.inits[node.input[1]])
        node.input[1] = self._constant(node.input[1] + "/2d", weight[:, :, np.newaxis, :])
        for attribute in node.attribute:
            if attribute.name in SPATIAL_ATTRIBUTES:
                values = [0 if attribute.name == "output_padding" else 1, *attribute.ints]
                attribute.CopyFrom(helper.make_attribute(attribute.name, values))
            elif attribute.name == "pads":  # [begin, end] -> [top, begin, bottom, end]
                begin, end = attribute.ints
                attribute.CopyFrom(helper.make_attribute("pads", [0, begin, 0, end]))

    def _as_4d(self, name: str) -> str:
        if name in self.lifted or self.ranks.get(name) != 3:
            return name
        return self._reshaped(name, "Unsqueeze", "/4d", lift=True)

    def _as_3d(self, name: str) -> str:
        if name in self.twins:  # a lifted copy: the 3-D original is still there
            return self.twins[name]
        return self._reshaped(name, "Squeeze", "/3d", lift=False)

    def _reshaped(self, name: str, op: str, suffix: str, lift: bool) -> str:
        twin = name + suffix
        if twin not in self.twins:
            self.graph.node.append(helper.make_node(op, [name, self.axes], [twin], name=twin))
            self.twins[twin] = name
            if lift:
                self.lifted.add(twin)
        return twin

    def _constant(self, name: str, value: np.ndarray) -> str:
        if name not in self.inits:
            tensor = numpy_helper.from_array(value, name)
            self.graph.initializer.append(tensor)
            self.inits[name] = tensor
        return name


def _drop_unused(graph: onnx.GraphProto) -> None:
    """Remove the initializers no node reads any more (the 1-D weights)."""
    used = {name for node in graph.node for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _attribute(node: onnx.NodeProto, name: str, default: object) -> object:
    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    return default
