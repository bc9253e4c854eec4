"""Rewrite VITS relative-position attention in an exported graph as banded operations.

The text encoder's attention adds relative-position terms with a window of +-4 positions,
but the export computes them densely: the 9 relative embeddings are zero-padded to 2l-1
rows and multiplied against every query ([l, 2l-1] matmuls, then pad/reshape "skews"), so
their cost grows with l^2 * d although only 9 diagonals are non-zero. Long inputs (a segment
with its neighbours as context) spend most encoder time there.

Here each layer's two relative terms are computed on the band only:
- keys: ``band = q @ E_k^T`` is [l, 9]; out[i, j] = band[i, j - i + 4] is placed by one pad,
  flatten, slice and reshape (the classic skew, on width l+9 instead of 2l-1);
- values: the band of the attention weights, ``p[i, i + r - 4]``, is taken by the inverse
  skew, then ``band_p @ E_v``.
Results equal the original to float rounding (tests check the front's outputs).
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

_WINDOW = 4
_BAND = 2 * _WINDOW + 1


def band_relative_attention(model: onnx.ModelProto) -> int:
    """Rewrite every matching attention layer in place; returns how many were rewritten."""
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    layers = sorted({n.name.rsplit("/", 2)[0] for n in graph.node if "/attn_layers." in n.name})
    count = 0
    for prefix in layers:
        nodes = {
            n.name.removeprefix(prefix + "/"): n
            for n in graph.node
            if n.name.startswith(prefix + "/")
        }
        needed = ("Add_1", "Add_3", "MatMul_1", "Softmax", "Pad", "Pad_5")
        if not all(name in nodes for name in needed):
            continue
        emb_k = numpy_helper.to_array(inits[nodes["Pad"].input[0]])[0]  # [9, d]
        emb_v = numpy_helper.to_array(inits[nodes["Pad_5"].input[0]])[0]  # [9, d]
        if emb_k.shape[0] != _BAND or emb_v.shape[0] != _BAND:
            continue
        query = nodes["MatMul_1"].input[0]
        weights = nodes["Softmax"].output[0]
        tag = prefix.replace("/", "_").strip("_") + "_band"
        new_nodes, new_inits, rel_logits, rel_values = _layer(tag, query, weights, emb_k, emb_v)
        graph.node.extend(new_nodes)
        graph.initializer.extend(new_inits)
        _replace_input(nodes["Add_1"], 1, rel_logits)
        _replace_input(nodes["Add_3"], 1, rel_values)
        count += 1
    if count:
        _topological_sort(graph)
    return count


def _replace_input(node: onnx.NodeProto, position: int, name: str) -> None:
    node.input[position] = name


def _layer(
    tag: str, query: str, weights: str, emb_k: np.ndarray, emb_v: np.ndarray
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto], str, str]:
    def t(name: str) -> str:
        return f"{tag}/{name}"

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(value, t(name))

    inits = [
        const("ek_t", np.ascontiguousarray(emb_k.T.astype(np.float32))),  # [d, 9]
        const("ev", np.ascontiguousarray(emb_v.astype(np.float32))),  # [9, d]
        const("i0", np.array([0], np.int64)),
        const("i1", np.array([1], np.int64)),
        const("i2", np.array([2], np.int64)),
        const("i3", np.array([3], np.int64)),
        const("i4", np.array([4], np.int64)),
        const("i8", np.array([8], np.int64)),
        const("i9", np.array([9], np.int64)),
        const("band", np.array([_BAND], np.int64)),
        const("zero_f", np.array(0.0, np.float32)),
        const("pads4_const", np.array([0, 0, 0, 4, 0, 0, 0, 4], np.int64)),
    ]
    n = helper.make_node
    nodes = [
        # shapes: q is [b, h, l, d]
        n("Shape", [query], [t("qshape")]),
        n("Slice", [t("qshape"), t("i0"), t("i2")], [t("bh")]),  # [b, h]
        n("Slice", [t("qshape"), t("i2"), t("i3")], [t("l")]),  # [l]
        n("Add", [t("l"), t("i9")], [t("l9")]),  # l + 9
        n("Add", [t("l"), t("i8")], [t("l8")]),  # l + 8
        n("Mul", [t("l"), t("l9")], [t("l_l9")]),  # l * (l + 9)
        n("Mul", [t("l"), t("l8")], [t("l_l8")]),  # l * (l + 8)
        # --- keys: band = q @ E_k^T, [b, h, l, 9] -> skew to [b, h, l, l]
        n("MatMul", [query, t("ek_t")], [t("kband")]),
        # pad last dim from 9 to l + 9 (append l zeros)
        n(
            "Concat",
            [t("i0"), t("i0"), t("i0"), t("i0"), t("i0"), t("i0"), t("i0"), t("l")],
            [t("kpads")],
            axis=0,
        ),
        n("Pad", [t("kband"), t("kpads"), t("zero_f")], [t("kwide")]),  # [b, h, l, l+9]
        n("Concat", [t("bh"), t("l_l9")], [t("kflat_shape")], axis=0),
        n("Reshape", [t("kwide"), t("kflat_shape")], [t("kflat")]),  # [b, h, l*(l+9)]
        # one more row of zeros so the shifted slice below never runs off the end
        n("Concat", [t("i0"), t("i0"), t("i0"), t("i0"), t("i0"), t("l9")], [t("kpads2")], axis=0),
        n("Pad", [t("kflat"), t("kpads2"), t("zero_f")], [t("kflat2")]),
        n("Add", [t("i4"), t("l_l8")], [t("kend")]),
        n("Slice", [t("kflat2"), t("i4"), t("kend"), t("i2")], [t("kshift")]),  # l*(l+8)
        n("Concat", [t("bh"), t("l"), t("l8")], [t("krows_shape")], axis=0),
        n("Reshape", [t("kshift"), t("krows_shape")], [t("krows")]),  # [b, h, l, l+8]
        n("Slice", [t("krows"), t("i0"), t("l"), t("i3")], [t("rel_logits")]),  # [b,h,l,l]
        # --- values: band_p[i, r] = p[i, i + r - 4], then band_p @ E_v
        n("Pad", [weights, t("pads4_const"), t("zero_f")], [t("pwide")]),  # [b, h, l, l+8]
        n("Concat", [t("bh"), t("l_l8")], [t("pflat_shape")], axis=0),
        n("Reshape", [t("pwide"), t("pflat_shape")], [t("pflat")]),
        n("Concat", [t("i0"), t("i0"), t("i0"), t("i0"), t("i0"), t("l")], [t("ppads")], axis=0),
        n("Pad", [t("pflat"), t("ppads"), t("zero_f")], [t("pflat2")]),  # l*(l+9)
        n("Concat", [t("bh"), t("l"), t("l9")], [t("prows_shape")], axis=0),
        n("Reshape", [t("pflat2"), t("prows_shape")], [t("prows")]),  # [b, h, l, l+9]
        n("Slice", [t("prows"), t("i0"), t("band"), t("i3")], [t("pband")]),  # [b, h, l, 9]
        n("MatMul", [t("pband"), t("ev")], [t("rel_values")]),  # [b, h, l, d]
    ]
    for k, node in enumerate(nodes):
        node.name = t(f"n{k}")
    return nodes, inits, t("rel_logits"), t("rel_values")


def _topological_sort(graph: onnx.GraphProto) -> None:
    """Order nodes so that every input is produced before use (ONNX requires it)."""
    available = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    pending = list(graph.node)
    ordered: list[onnx.NodeProto] = []
    while pending:
        progress = []
        for node in pending:
            if all(name in available for name in node.input):
                ordered.append(node)
                available.update(node.output)
            else:
                progress.append(node)
        if len(progress) == len(pending):
            raise ValueError("graph has a cycle or a missing input after rewriting attention")
        pending = progress
    del graph.node[:]
    graph.node.extend(ordered)
