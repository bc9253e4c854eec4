"""Rewrite VITS relative-position attention in an exported graph as banded operations.

The text encoder's attention adds relative-position terms with a window of +-4 positions,
but the export computes them densely: the 9 relative embeddings are zero-padded to 2l-1
rows and multiplied against every query ([l, 2l-1] matmuls, then pad/reshape "skews"), so
their cost grows with l^2 * d although only 9 diagonals are non-zero. Long inputs (a segment
with its neighbours as context) spend most encoder time there.

Here each layer's two relative terms are computed on the band only, through one table of
indexes idx[i, r] = i + r - 4:
- keys: ``band = q @ E_k^T`` is [l, 9], scatter-added into the scores at idx (the add the
  export did densely, now 9l adds instead of a skewed [l, l] matrix and an l^2 add);
- values: the band of the attention weights, ``p[i, i + r - 4]``, is gathered at idx, then
  ``band_p @ E_v``.
The same products and sums as the export's, so the audio is the same to the bit (tests
compare with the whole model), at a cost that grows with l instead of l^2.
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

_WINDOW = 4
_BAND = 2 * _WINDOW + 1
SCATTER_ADD_OPSET = 16


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
        new_nodes, new_inits, (idx, logits), rel_values = _layer(tag, query, weights, emb_k, emb_v)
        graph.node.extend(new_nodes)
        graph.initializer.extend(new_inits)
        add = nodes["Add_1"]  # scores + the dense relative logits: now a scatter-add
        add.op_type = "ScatterElements"
        add.input[1:] = [idx, logits]
        add.attribute.extend([helper.make_attribute("axis", 3)])
        add.attribute.extend([helper.make_attribute("reduction", "add")])
        _replace_input(nodes["Add_3"], 1, rel_values)
        count += 1
    if count:
        _topological_sort(graph)
        _require_opset(model, SCATTER_ADD_OPSET)
    return count


def _require_opset(model: onnx.ModelProto, version: int) -> None:
    """ScatterElements adds (reduction="add") from opset 16; the ops of this graph mean the
    same in 15 and 16 (the changes there are new types and RoiAlign, not used here)."""
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx") and opset.version < version:
            opset.version = version


def _replace_input(node: onnx.NodeProto, position: int, name: str) -> None:
    node.input[position] = name


def _layer(
    tag: str, query: str, weights: str, emb_k: np.ndarray, emb_v: np.ndarray
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto], tuple[str, str], str]:
    """Nodes for one layer: (nodes, initializers, (indexes, logits) to scatter-add into the
    scores, the band of values to add after p @ v).

    Both terms use one index table, idx[i, r] = i + r - 4 (clipped into the row; the
    clipped entries are multiplied by zero), so their cost is 9l per head, not l^2.
    """

    def t(name: str) -> str:
        return f"{tag}/{name}"

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(value, t(name))

    inits = [
        const("ek_t", np.ascontiguousarray(emb_k.T.astype(np.float32))),  # [d, 9]
        const("ev", np.ascontiguousarray(emb_v.astype(np.float32))),  # [9, d]
        const("offsets", np.arange(-_WINDOW, _WINDOW + 1, dtype=np.int64)),  # [9]
        const("i0", np.array([0], np.int64)),
        const("i1", np.array([1], np.int64)),
        const("i2", np.array([2], np.int64)),
        const("i3", np.array([3], np.int64)),
        const("band", np.array([_BAND], np.int64)),
        const("zero", np.array(0, np.int64)),
        const("one", np.array(1, np.int64)),
    ]
    n = helper.make_node
    nodes = [
        # shapes: q is [b, h, l, d]
        n("Shape", [query], [t("qshape")]),
        n("Slice", [t("qshape"), t("i0"), t("i2")], [t("bh")]),  # [b, h]
        n("Slice", [t("qshape"), t("i2"), t("i3")], [t("l1")]),  # [l]
        n("Squeeze", [t("l1"), t("i0")], [t("l")]),  # l
        n("Sub", [t("l"), t("one")], [t("last")]),
        n("Range", [t("zero"), t("l"), t("one")], [t("rows")]),  # [l]
        n("Unsqueeze", [t("rows"), t("i1")], [t("rows_col")]),  # [l, 1]
        n("Add", [t("rows_col"), t("offsets")], [t("diag")]),  # [l, 9]: i + r - 4
        n("Max", [t("diag"), t("zero")], [t("diag_lo")]),
        n("Min", [t("diag_lo"), t("last")], [t("clipped")]),
        n("Equal", [t("diag"), t("clipped")], [t("inside")]),
        n("Cast", [t("inside")], [t("keep")], to=onnx.TensorProto.FLOAT),  # [l, 9]
        n("Concat", [t("bh"), t("l1"), t("band")], [t("idx_shape")], axis=0),
        n("Expand", [t("clipped"), t("idx_shape")], [t("idx")]),  # [b, h, l, 9]
        # --- keys: scores[i, i + r - 4] += q_i . E_k[r]
        n("MatMul", [query, t("ek_t")], [t("kband")]),  # [b, h, l, 9]
        n("Mul", [t("kband"), t("keep")], [t("kband_kept")]),
        # --- values: band_p[i, r] = p[i, i + r - 4], then band_p @ E_v
        n("GatherElements", [weights, t("idx")], [t("pband_all")], axis=3),
        n("Mul", [t("pband_all"), t("keep")], [t("pband")]),
        n("MatMul", [t("pband"), t("ev")], [t("rel_values")]),  # [b, h, l, d]
    ]
    for k, node in enumerate(nodes):
        node.name = t(f"n{k}")
    return nodes, inits, (t("idx"), t("kband_kept")), t("rel_values")


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


def limit_attention_span(model: onnx.ModelProto, span: int) -> bool:
    """Let each phoneme id attend only to a window of 2 * `span` + 1 ids around it.

    VITS attention is global: every id weighs every other in the input. The voice learned
    on single sentences, so a passage with its context (~1,800 ids) spreads each id's
    attention over far more than it ever saw, and speech slurs (docs/performance.md,
    "Attention span").
    Masking the scores outside the window keeps each id's view sentence-sized wherever it
    sits in a passage. Near either end of the input the window slides inward, keeping its
    width: an id centred there would see half a window, and at span 64 the voice then said
    "Docker" for a sentence's first "Doctor". An input no longer than the window is
    untouched. Returns False (and changes nothing) if the graph has no single shared
    attention mask to narrow.
    """
    graph = model.graph
    equal = [
        node
        for node in graph.node
        if node.op_type == "Equal" and "/encoder/attn_layers." in node.name
    ]
    if len(equal) != 1:  # every layer masks through one Equal in Piper's export
        return False
    (node,) = equal
    mask = node.input[0]  # [b, 1, l, l]: 1 where both ids are real

    def t(name: str) -> str:
        return f"/span/{name}"

    graph.initializer.extend(
        [
            numpy_helper.from_array(np.array([-1], np.int64), t("last_axis")),
            numpy_helper.from_array(np.array([0], np.int64), t("axis0")),
            numpy_helper.from_array(np.array([1], np.int64), t("axis1")),
            numpy_helper.from_array(np.array(0.0, np.float32), t("zero")),
            numpy_helper.from_array(np.array(1.0, np.float32), t("one")),
            numpy_helper.from_array(np.array([3], np.int64), t("last_axis_list")),
            numpy_helper.from_array(np.array(float(span), np.float32), t("first_centre")),
            numpy_helper.from_array(np.array(span + 1.0, np.float32), t("span_plus_one")),
            numpy_helper.from_array(np.array(span + 0.5, np.float32), t("limit")),
        ]
    )
    n = helper.make_node
    # Positions in float32 and a Where, not int64 and a Cast and a Mul: the [b, 1, l, l]
    # intermediates are this rewrite's biggest tensors, so fewer of them and half the size.
    nodes = [
        n("Shape", [mask], [t("shape")]),
        n("Gather", [t("shape"), t("last_axis")], [t("l1")], axis=0),
        n("Squeeze", [t("l1"), t("axis0")], [t("l_int")]),
        n("Cast", [t("l_int")], [t("l")], to=onnx.TensorProto.FLOAT),
        n("Range", [t("zero"), t("l"), t("one")], [t("pos")]),  # [l]
        n("Unsqueeze", [t("pos"), t("axis1")], [t("col")]),  # [l, 1]
        n("Unsqueeze", [t("pos"), t("axis0")], [t("row")]),  # [1, l]
        # Each id's window centre: its own position, kept `span` ids inside the input's
        # real length n (a row of the mask sums to n; padded rows stay masked anyway).
        n("ReduceSum", [mask, t("last_axis_list")], [t("n")], keepdims=1),  # [b, 1, l, 1]
        n("Sub", [t("n"), t("span_plus_one")], [t("last_centre")]),
        n("Max", [t("col"), t("first_centre")], [t("centre_from_start")]),  # [l, 1]
        n("Min", [t("centre_from_start"), t("last_centre")], [t("centre")]),  # [b, 1, l, 1]
        n("Sub", [t("centre"), t("row")], [t("offset")]),  # [b, 1, l, l]
        n("Abs", [t("offset")], [t("distance")]),
        n("Less", [t("distance"), t("limit")], [t("near")]),
        n("Where", [t("near"), mask, t("zero")], [t("mask")]),  # [b, 1, l, l]
    ]
    for k, new in enumerate(nodes):
        new.name = t(f"n{k}")
    graph.node.extend(nodes)
    _replace_input(node, 0, t("mask"))
    _topological_sort(graph)
    return True
