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

Then each id's attention is limited to a window of ids around it: `window_attention`
scores only those windows; `limit_attention_span` masks the [l, l] scores down to them
instead (the form the tests compare it with, and the fallback for a graph the first does
not recognise).
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

_WINDOW = 4
_BAND = 2 * _WINDOW + 1
SCATTER_ADD_OPSET = 16
WINDOW_BLOCK = 64  # queries per block of the windowed attention (`window_attention`)


def band_relative_attention(model: onnx.ModelProto) -> int:
    """Rewrite every matching attention layer in place; returns how many were rewritten."""
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    count = 0
    for prefix, nodes in _layers(graph):
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


def _layers(graph: onnx.GraphProto) -> list[tuple[str, dict[str, onnx.NodeProto]]]:
    """Each encoder attention layer: its name prefix, and its nodes by their names in it."""
    prefixes = sorted({n.name.rsplit("/", 2)[0] for n in graph.node if "/attn_layers." in n.name})
    return [
        (
            prefix,
            {
                n.name.removeprefix(prefix + "/"): n
                for n in graph.node
                if n.name.startswith(prefix + "/")
            },
        )
        for prefix in prefixes
    ]


def _shared_mask_test(graph: onnx.GraphProto) -> onnx.NodeProto | None:
    """The one Equal every layer masks its scores through in Piper's export (mask == 0),
    or None where the graph has no single one."""
    equal = [n for n in graph.node if n.op_type == "Equal" and "/encoder/attn_layers." in n.name]
    return equal[0] if len(equal) == 1 else None


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
    node = _shared_mask_test(graph)
    if node is None:
        return False
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


def window_attention(model: onnx.ModelProto, span: int) -> int:
    """Compute each layer's attention on its window only: what `limit_attention_span`
    gives (every id sees 2 x `span` + 1 ids, the window sliding inward at the input's ends;
    all of them on an input no longer than that), without the [l, l] scores it masks.

    Queries go in blocks of WINDOW_BLOCK; a block's windows all lie within the
    WINDOW_BLOCK + 2 x `span` keys from its first query's window start, so each block
    gathers those keys and values and scores them alone: a cost that grows with l, not l^2.
    The scores kept, their relative terms (`band_relative_attention`, applied first) and
    the masking constant are the export's, so only the order of the softmax's sums differs
    (tests compare with the masked form). Returns how many layers were rewritten; none if
    the graph has no single shared attention mask built from the input's mask.
    """
    graph = model.graph
    producers = {out: node for node in graph.node for out in node.output}
    equal = _shared_mask_test(graph)
    if equal is None or equal.input[0] not in producers:
        return 0
    pair = producers[equal.input[0]]  # x_mask[:, :, None] * x_mask[:, :, :, None]
    if pair.op_type != "Mul":
        return 0
    inits = {init.name: init for init in graph.initializer}
    shared: dict[str, str] | None = None  # built with the first layer rewritten
    count = 0
    for layer, nodes in _layers(graph):
        if not all(k in nodes for k in ("MatMul", "MatMul_2", "Add_3", "Where")):
            continue
        scatter = nodes.get("Add_1")
        if scatter is None or scatter.op_type != "ScatterElements":
            continue  # the band rewrite first
        tag = layer.replace("/", "_").strip("_") + "_window"
        band = scatter.input[1].rsplit("/", 1)[0]
        ek_t, ev = (numpy_helper.to_array(inits[f"{band}/{name}"]) for name in ("ek_t", "ev"))
        query, keys_t = nodes["MatMul"].input
        values = nodes["MatMul_2"].input[1]
        masked = _constant(nodes["Where"].input[1], inits, producers)
        shared = shared or _window_shared(graph, pair.input[0], span)
        new_nodes, new_inits, out = _window_layer(
            tag, shared, query, keys_t, values, ek_t, ev, masked
        )
        old = nodes["Add_3"].output[0]  # the masked form's output: its readers read ours
        for node in graph.node:
            for k, name in enumerate(node.input):
                if name == old:
                    node.input[k] = out
        graph.node.extend(new_nodes)
        graph.initializer.extend(new_inits)
        count += 1
    if count:
        _topological_sort(graph)
    return count


def _window_shared(graph: onnx.GraphProto, x_mask: str, span: int) -> dict[str, str]:
    """Tensors every layer's windows share: block sizes, each block's first key, which
    keys each query sees, where its relative terms fall. `x_mask` is the input's mask with
    two unit axes ([b, 1, 1, l] or [b, 1, l, 1])."""
    block, width = WINDOW_BLOCK, WINDOW_BLOCK + 2 * span

    def t(name: str) -> str:
        return f"/window/{name}"

    def i64(value: object) -> np.ndarray:
        return np.array(value, np.int64)

    graph.initializer.extend(
        numpy_helper.from_array(value, t(name))
        for name, value in {
            "zero": i64(0),
            "one": i64(1),
            "block": i64(block),
            "block_1": i64([block]),
            "block_less_1": i64(block - 1),
            "span": i64(span),
            "reach": i64(2 * span + 1),
            "two_span": i64(2 * span),
            "width": i64(width),
            "width_1": i64([width]),
            "last_col": i64(width - 1),
            "offsets": np.arange(-_WINDOW, _WINDOW + 1).astype(np.int64),
            "axes_123": i64([1, 2, 3]),
            "axes_12": i64([1, 2]),
            "a0": i64([0]),
            "a1": i64([1]),
            "a2": i64([2]),
            "a3": i64([3]),
            "a4": i64([4]),
            "zeros6": i64([0] * 6),
            "shape_k": i64([0, 1, 1, -1]),
            "shape_v": i64([0, 1, -1, 1]),
            "minus_1": i64([-1]),
            "zeros2": i64([0, 0]),
        }.items()
    )
    n = helper.make_node
    nodes = [
        n("Shape", [x_mask], [t("mshape")]),
        n("Slice", [t("mshape"), t("a2"), t("a4")], [t("ldims")]),
        n("ReduceMax", [t("ldims")], [t("l")], keepdims=0),  # l
        n("Unsqueeze", [t("l"), t("a0")], [t("l1")]),
        n("Sub", [t("l"), t("one")], [t("last")]),
        n("Add", [t("l"), t("block_less_1")], [t("l_up")]),
        n("Div", [t("l_up"), t("block")], [t("nb")]),  # blocks
        n("Unsqueeze", [t("nb"), t("a0")], [t("nb1")]),
        n("Mul", [t("nb"), t("block")], [t("lp")]),  # l padded to whole blocks
        n("Unsqueeze", [t("lp"), t("a0")], [t("lp1")]),
        n("Sub", [t("lp1"), t("l1")], [t("pad1")]),
        n("Concat", [t("zeros6"), t("pad1"), t("a0")], [t("q_pads")], axis=0),
        n("Mul", [t("nb1"), t("width_1")], [t("keys1")]),  # nb x width
        # n: each item's real length, [b, 1, 1]
        n("ReduceSum", [x_mask, t("axes_123")], [t("n_f")], keepdims=0),
        n("Cast", [t("n_f")], [t("n0")], to=onnx.TensorProto.INT64),
        n("Unsqueeze", [t("n0"), t("axes_12")], [t("n")]),
        n("Sub", [t("n"), t("reach")], [t("hi0")]),
        n("Max", [t("hi0"), t("zero")], [t("hi")]),  # the last window start
        # Each query's window start, [b, nb, block]: i - span, kept inside [0, hi].
        n("Range", [t("zero"), t("lp"), t("one")], [t("i")]),
        n("Concat", [t("a1"), t("nb1"), t("block_1")], [t("iblk_shape")], axis=0),
        n("Reshape", [t("i"), t("iblk_shape")], [t("iblk")]),  # [1, nb, block]
        n("Sub", [t("iblk"), t("span")], [t("s0")]),
        n("Max", [t("s0"), t("zero")], [t("s1")]),
        n("Min", [t("s1"), t("hi")], [t("s")]),  # [b, nb, block]
        n("Slice", [t("s"), t("a0"), t("a1"), t("a2")], [t("k0")]),  # [b, nb, 1]
        n("Range", [t("zero"), t("width"), t("one")], [t("w")]),
        n("Add", [t("k0"), t("w")], [t("j")]),  # [b, nb, width]: the keys' positions
        n("Min", [t("j"), t("last")], [t("jc")]),
        n("Reshape", [t("jc"), t("shape_k")], [t("j_k")]),  # [b, 1, 1, nb x width]
        n("Reshape", [t("jc"), t("shape_v")], [t("j_v")]),  # [b, 1, nb x width, 1]
        # Which keys each query sees: inside its window and the item, [b, 1, nb, block, width]
        n("Unsqueeze", [t("j"), t("a2")], [t("j4")]),
        n("Unsqueeze", [t("s"), t("a3")], [t("s4")]),
        n("Add", [t("s4"), t("two_span")], [t("e4")]),
        n("Unsqueeze", [t("n"), t("a3")], [t("n4")]),
        n("GreaterOrEqual", [t("j4"), t("s4")], [t("after_start")]),
        n("LessOrEqual", [t("j4"), t("e4")], [t("before_end")]),
        n("Less", [t("j4"), t("n4")], [t("real")]),
        n("And", [t("after_start"), t("before_end")], [t("in_window")]),
        n("And", [t("in_window"), t("real")], [t("seen4")]),
        n("Unsqueeze", [t("seen4"), t("a1")], [t("seen")]),
        # Relative terms: query i's column for key i + r - 4, [b, 1, nb, block, 9]
        n("Sub", [t("iblk"), t("k0")], [t("q_col")]),
        n("Unsqueeze", [t("q_col"), t("a3")], [t("q_col4")]),
        n("Add", [t("q_col4"), t("offsets")], [t("rel_col")]),
        n("Max", [t("rel_col"), t("zero")], [t("rel_lo")]),
        n("Min", [t("rel_lo"), t("last_col")], [t("rel_clip")]),
        n("Equal", [t("rel_col"), t("rel_clip")], [t("rel_in")]),
        n("Cast", [t("rel_in")], [t("rel_keep4")], to=onnx.TensorProto.FLOAT),
        n("Unsqueeze", [t("rel_keep4"), t("a1")], [t("rel_keep")]),
        n("Unsqueeze", [t("rel_clip"), t("a1")], [t("rel_idx")]),
    ]
    for k, node in enumerate(nodes):
        node.name = t(f"n{k}")
    graph.node.extend(nodes)
    shared = ("l1", "nb1", "lp1", "q_pads", "keys1", "j_k", "j_v", "seen", "rel_keep", "rel_idx")
    constants = ("block_1", "width_1", "minus_1", "zeros2", "a0", "a1", "a2", "a3")
    return {name: t(name) for name in shared + constants}


def _window_layer(
    tag: str,
    shared: dict[str, str],
    query: str,
    keys_t: str,
    values: str,
    ek_t: np.ndarray,
    ev: np.ndarray,
    masked: float,
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto], str]:
    """One layer's windowed attention from its query [b, h, l, d], keys [b, h, d, l] and
    values [b, h, l, d]: (nodes, initializers, the output [b, h, l, d])."""

    def t(name: str) -> str:
        return f"{tag}/{name}"

    s = shared
    inits = [
        numpy_helper.from_array(np.ascontiguousarray(ek_t.astype(np.float32)), t("ek_t")),
        numpy_helper.from_array(np.ascontiguousarray(ev.astype(np.float32)), t("ev")),
        numpy_helper.from_array(np.array(masked, np.float32), t("masked")),
        numpy_helper.from_array(np.array([3], np.int64), t("three")),
        numpy_helper.from_array(np.array([4], np.int64), t("four")),
    ]
    n = helper.make_node
    nodes = [
        # queries in blocks: [b, h, nb, block, d]
        n("Pad", [query, s["q_pads"]], [t("q_pad")]),
        n("Concat", [s["zeros2"], s["nb1"], s["block_1"], s["minus_1"]], [t("q_shape")], axis=0),
        n("Reshape", [t("q_pad"), t("q_shape")], [t("q")]),
        # each block's keys: [b, h, nb, d, width]
        n("Shape", [keys_t], [t("k_shape")]),
        n("Slice", [t("k_shape"), s["a0"], s["a3"]], [t("k_lead")]),
        n("Concat", [t("k_lead"), s["keys1"]], [t("k_idx_shape")], axis=0),
        n("Expand", [s["j_k"], t("k_idx_shape")], [t("k_idx")]),
        n("GatherElements", [keys_t, t("k_idx")], [t("k_flat")], axis=3),
        n("Concat", [s["zeros2"], s["a0"], s["nb1"], s["width_1"]], [t("k5_shape")], axis=0),
        n("Reshape", [t("k_flat"), t("k5_shape")], [t("k5")]),
        n("Transpose", [t("k5")], [t("k")], perm=[0, 1, 3, 2, 4]),
        # each block's values: [b, h, nb, width, d]
        n("Shape", [values], [t("v_shape")]),
        n("Slice", [t("v_shape"), s["a0"], s["a2"]], [t("v_lead")]),
        n("Slice", [t("v_shape"), t("three"), t("four")], [t("v_last")]),
        n("Concat", [t("v_lead"), s["keys1"], t("v_last")], [t("v_idx_shape")], axis=0),
        n("Expand", [s["j_v"], t("v_idx_shape")], [t("v_idx")]),
        n("GatherElements", [values, t("v_idx")], [t("v_flat")], axis=2),
        n("Concat", [s["zeros2"], s["nb1"], s["width_1"], s["minus_1"]], [t("v5_shape")], axis=0),
        n("Reshape", [t("v_flat"), t("v5_shape")], [t("v")]),
        # scores, their relative terms, the window's mask, as the export orders them
        n("MatMul", [t("q"), t("k")], [t("scores")]),  # [b, h, nb, block, width]
        n("MatMul", [t("q"), t("ek_t")], [t("kband")]),  # [b, h, nb, block, 9]
        n("Mul", [t("kband"), s["rel_keep"]], [t("kband_kept")]),
        n("Shape", [t("kband")], [t("band_shape")]),
        n("Expand", [s["rel_idx"], t("band_shape")], [t("rel_idx")]),
        n(
            "ScatterElements",
            [t("scores"), t("rel_idx"), t("kband_kept")],
            [t("scores_rel")],
            axis=4,
            reduction="add",
        ),
        n("Where", [s["seen"], t("scores_rel"), t("masked")], [t("scores_seen")]),
        n("Softmax", [t("scores_seen")], [t("p")], axis=-1),
        n("MatMul", [t("p"), t("v")], [t("pv")]),  # [b, h, nb, block, d]
        n("GatherElements", [t("p"), t("rel_idx")], [t("pband_all")], axis=4),
        n("Mul", [t("pband_all"), s["rel_keep"]], [t("pband")]),
        n("MatMul", [t("pband"), t("ev")], [t("rel_values")]),
        n("Add", [t("pv"), t("rel_values")], [t("out5")]),
        n("Concat", [s["zeros2"], s["lp1"], s["minus_1"]], [t("out_shape")], axis=0),
        n("Reshape", [t("out5"), t("out_shape")], [t("out_pad")]),  # [b, h, lp, d]
        n("Slice", [t("out_pad"), s["a0"], s["l1"], s["a2"]], [t("out")]),
    ]
    for k, node in enumerate(nodes):
        node.name = t(f"n{k}")
    return nodes, inits, t("out")


def _constant(
    name: str, inits: dict[str, onnx.TensorProto], producers: dict[str, onnx.NodeProto]
) -> float:
    """The scalar a graph's initializer or Constant node named `name` holds."""
    if name in inits:
        return float(numpy_helper.to_array(inits[name]))
    node = producers[name]
    return float(numpy_helper.to_array(helper.get_attribute_value(node.attribute[0])))
