"""Rewrite HiFi-GAN's upsampling (transposed convolutions) as plain convolutions.

A transposed convolution with stride s, kernel 2s and padding s/2 (every upsampling layer of
a Piper voice) gives output sample m*s + p from input samples m-1 and m (phases p < s/2) or
m and m+1 (the others). So it equals one convolution of kernel 3 with s*C_out channels,
phase p's weights in channels p*C_out.., followed by interleaving the phases into time.

Why: OpenVINO's CPU plugin runs transposed convolutions through a slow GEMM path (most of the
decoder's time here, and slower still in bf16), while plain convolutions get its AMX bf16
kernels (docs/performance.md, "bf16 decoder"). In fp32 the rewrite gives the same audio to
1e-7.
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper


def polyphase_upsampling(model: onnx.ModelProto) -> int:
    """Rewrite every matching ConvTranspose in place; returns how many were rewritten."""
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    count = 0
    for node in list(graph.node):
        stride = _rewritable(node, inits)
        if not stride:
            continue
        weight = numpy_helper.to_array(inits[node.input[1]])  # [C_in, C_out, 2s]
        bias = numpy_helper.to_array(inits[node.input[2]])
        tag = node.name + "/polyphase"
        channels = weight.shape[1]
        graph.initializer.extend(
            [
                numpy_helper.from_array(_phase_weights(weight, stride), tag + "/w"),
                numpy_helper.from_array(np.tile(bias, stride), tag + "/b"),
                numpy_helper.from_array(np.array([0, stride, channels, -1], np.int64), tag + "/p"),
                numpy_helper.from_array(np.array([0, channels, -1], np.int64), tag + "/t"),
            ]
        )
        n = helper.make_node
        replacement = [
            n(
                "Conv",
                [node.input[0], tag + "/w", tag + "/b"],
                [tag + "/phases"],
                kernel_shape=[3],
                pads=[1, 1],
            ),
            n("Reshape", [tag + "/phases", tag + "/p"], [tag + "/split"]),  # [b, s, C_out, T]
            n("Transpose", [tag + "/split"], [tag + "/interleaved"], perm=[0, 2, 3, 1]),
            n("Reshape", [tag + "/interleaved", tag + "/t"], [node.output[0]]),  # [b, C_out, sT]
        ]
        for k, new in enumerate(replacement):
            new.name = f"{tag}/n{k}"
        at = list(graph.node).index(node)
        graph.node.remove(node)
        for k, new in enumerate(replacement):
            graph.node.insert(at + k, new)
        count += 1
    used = {name for node in graph.node for name in node.input}
    for name, init in inits.items():
        if name not in used:
            graph.initializer.remove(init)
    return count


def _rewritable(node: onnx.NodeProto, inits: dict[str, onnx.TensorProto]) -> int:
    """The stride of a ConvTranspose this rewrite covers, else 0."""
    if node.op_type != "ConvTranspose" or len(node.input) != 3:
        return 0
    if not all(name in inits for name in node.input[1:]):
        return 0
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    (kernel,), (stride,) = attrs.get("kernel_shape", [0]), attrs.get("strides", [1])
    plain = attrs.get("group", 1) == 1 and list(attrs.get("dilations", [1])) == [1]
    padded = list(attrs.get("pads", [])) == [stride // 2, stride // 2]
    extra = "output_padding" in attrs or "output_shape" in attrs
    if kernel != 2 * stride or stride % 2 or not plain or not padded or extra:
        return 0
    return int(stride)


def _phase_weights(weight: np.ndarray, stride: int) -> np.ndarray:
    """[s*C_out, C_in, 3]: taps on input samples m-1, m, m+1 for each output phase."""
    c_in, c_out, _ = weight.shape
    taps = np.zeros((stride, c_out, c_in, 3), weight.dtype)
    for phase in range(stride):
        k = phase + stride // 2  # the kernel tap that input sample m feeds into this phase
        if k < stride:
            taps[phase, :, :, 0] = weight[:, :, k + stride].T
            taps[phase, :, :, 1] = weight[:, :, k].T
        else:
            taps[phase, :, :, 1] = weight[:, :, k].T
            taps[phase, :, :, 2] = weight[:, :, k - stride].T
    return taps.reshape(stride * c_out, c_in, 3)
