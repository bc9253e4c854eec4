"""The back graph that expands the prior to latents itself, on the GPU.

On the host, each segment's latents (`Chunk.latents`: the prior's mean per frame plus the
noise table's values at the frame's scale, 192 values a frame) took most of a GPU run's
host time between the front and the decoder, and crossed to the device as the decoder's
input. Here the back graph takes what the host already has, per phoneme (the mean and the
noise scale of the phonemes a window reads, and which phoneme each frame reads), with where
the window's noise lies in the table; the table itself is a constant of the graph, so it
is on the device once. The graph computes what `Chunk.latents` computes, in the same order:
mean + noise x scale (tests/models/test_expand.py).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from models.noise import noise_table

if TYPE_CHECKING:
    from models.piper import Chunk

Z_INPUT, MASK = "/Add_output_0", "/Cast_2_output_0"  # the back's inputs; z now made inside
PRIOR_MEAN = "prior_mean"  # [rows, channels, phonemes]
NOISE_SCALE = "noise_scale"  # [rows, channels, phonemes]
FRAME_PHONEMES = "frame_phonemes"  # [rows, frames]: each frame's phoneme column
NOISE_AT = "noise_at"  # [rows]: the table index of channel 0's first frame
NOISE_STRIDE = "noise_stride"  # [rows]: from one channel's noise to the next
EXPAND_RECIPE = 2  # names the cached graph: a changed expansion is not read stale
MIN_PHONEMES = 32  # phoneme columns are padded to a power of two from here: few shapes


def with_expansion(back: bytes, channels: int) -> bytes:
    """The back graph (any precision: its input stays fp32) with the expansion before it."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load_from_string(back)
    graph = model.graph
    table = noise_table()
    constants: dict[str, npt.NDArray[np.int64] | npt.NDArray[np.float32]] = {
        "expand_axis1": np.array([1], np.int64),
        "expand_axes12": np.array([1, 2], np.int64),
        "expand_channels": np.array([1, channels, 1], np.int64),
        "expand_channel_index": np.arange(channels, dtype=np.int64).reshape(1, channels, 1),
        "expand_zero": np.array(0, np.int64),
        "expand_one": np.array(1, np.int64),
        "expand_table_size": np.array(len(table), np.int64),
        "expand_table": np.asarray(table),
    }
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in constants.items())
    node = helper.make_node
    nodes = [
        # each frame's phoneme column, for every channel: [rows, channels, frames]
        node("Unsqueeze", [FRAME_PHONEMES, "expand_axis1"], ["expand_p1"]),
        node("Expand", ["expand_p1", "expand_channels"], ["expand_index"]),
        node("GatherElements", [PRIOR_MEAN, "expand_index"], ["expand_mean"], axis=2),
        node("GatherElements", [NOISE_SCALE, "expand_index"], ["expand_scale"], axis=2),
        # table index of (row, channel, frame): at + channel x stride + frame, wrapping
        node("Shape", [FRAME_PHONEMES], ["expand_shape"], start=1, end=2),
        node("Squeeze", ["expand_shape"], ["expand_frames"]),
        node("Range", ["expand_zero", "expand_frames", "expand_one"], ["expand_t"]),
        node("Unsqueeze", [NOISE_AT, "expand_axes12"], ["expand_at"]),
        node("Unsqueeze", [NOISE_STRIDE, "expand_axes12"], ["expand_stride"]),
        node("Mul", ["expand_channel_index", "expand_stride"], ["expand_rows"]),
        node("Add", ["expand_at", "expand_rows"], ["expand_row_start"]),
        node("Add", ["expand_row_start", "expand_t"], ["expand_flat"]),
        node("Mod", ["expand_flat", "expand_table_size"], ["expand_wrapped"]),
        node("Gather", ["expand_table", "expand_wrapped"], ["expand_noise"], axis=0),
        node("Mul", ["expand_noise", "expand_scale"], ["expand_scaled"]),
        node("Add", ["expand_mean", "expand_scaled"], ["expand_latents"]),
        # frames past a window's end hold its first phoneme: zeros there, as the host pads
        node("Mul", ["expand_latents", MASK], [Z_INPUT]),
    ]
    kept = [i for i in graph.input if i.name != Z_INPUT]
    fp32, i64 = TensorProto.FLOAT, TensorProto.INT64
    added = [
        helper.make_tensor_value_info(PRIOR_MEAN, fp32, ["rows", channels, "phonemes"]),
        helper.make_tensor_value_info(NOISE_SCALE, fp32, ["rows", channels, "phonemes"]),
        helper.make_tensor_value_info(FRAME_PHONEMES, i64, ["rows", "frames"]),
        helper.make_tensor_value_info(NOISE_AT, i64, ["rows"]),
        helper.make_tensor_value_info(NOISE_STRIDE, i64, ["rows"]),
    ]
    del graph.input[:]
    graph.input.extend(added + kept)
    # The fp16 converter types the input's own tensor fp16 inside (it casts it); made here
    # in fp32, it must not say so.
    typed = [v for v in graph.value_info if v.name != Z_INPUT]
    del graph.value_info[:]
    graph.value_info.extend(typed)
    body = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + body)
    return bytes(model.SerializeToString())


def expansion_inputs(
    chunks: "Sequence[Chunk]", rows: int, frames: int
) -> dict[str, npt.NDArray[np.float32] | npt.NDArray[np.int64]]:
    """The expansion's inputs for a batch of chunks padded to `rows` x `frames` (a padding
    row reads a zero prior at zero scale; the mask zeroes frames past a window's end)."""
    channels = chunks[0].m_p.shape[0]
    width = max(MIN_PHONEMES, max(chunk.m_p.shape[1] for chunk in chunks))
    width = 1 << (width - 1).bit_length()
    mean = np.zeros((rows, channels, width), np.float32)
    scale = np.zeros((rows, channels, width), np.float32)
    phonemes = np.zeros((rows, frames), np.int64)
    at = np.zeros(rows, np.int64)
    stride = np.ones(rows, np.int64)
    for i, chunk in enumerate(chunks):
        count = chunk.m_p.shape[1]
        mean[i, :, :count] = chunk.m_p
        if chunk.scale is not None:
            scale[i, :, :count] = chunk.scale
        phonemes[i, : chunk.frames] = chunk.phonemes
        at[i], stride[i] = chunk.noise_at, chunk.noise_stride
    return {
        PRIOR_MEAN: mean,
        NOISE_SCALE: scale,
        FRAME_PHONEMES: phonemes,
        NOISE_AT: at,
        NOISE_STRIDE: stride,
    }
