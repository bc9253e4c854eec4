"""Cut a Piper (VITS) graph in two, where text ends and audio begins.

The *front* (text encoder and duration predictor) works per phoneme and is cheap; the
*back* (normalizing flow and HiFi-GAN decoder) works per output frame and is most of the
cost. Between them sit the phoneme-level prior (``m_p``, ``logs_p``) and the durations
(``w_ceil``, frames per phoneme id); the prior is expanded to frames by a gather in NumPy, or
on CUDA by the back graph itself (`models.expand`).
So context phonemes go through the front only, and the back runs on the frames a segment
keeps plus a margin for its receptive field. Chained, the two parts give the whole model's
output exactly (checked in tests at noise 0, on inputs no longer than the attention window). The
front's attention is first rewritten to work on its band only (`models.attention`), which
makes long context affordable, and limited to a sentence-sized span around each phoneme,
which keeps long passages as clear as single sentences.

The duration predictor samples noise inside the graph (RandomNormalLike), from a generator
onnxruntime seeds once per session: the same passage got other durations on each run in a
process, and batching changed them. The front takes that noise as an input instead
(`DURATION_NOISE`), drawn per passage from its own seed, so a seed gives the same audio
whatever ran before it and whatever it was batched with.
"""

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from config.errors import UnknownVoiceError

if TYPE_CHECKING:  # onnx is needed only to cut a graph, not to run a cached one
    import onnx

log = logging.getLogger(__name__)

FRONT_INPUTS = ["input", "input_lengths", "scales"]
DURATION_NOISE = "duration_noise"  # [batch, 2, ids]: the duration predictor's noise
DURATION_PREDICTOR = "/dp/"
FRONT_OUTPUTS = ["/enc_p/Split_output_0", "/enc_p/Split_output_1", "/Ceil_output_0"]
BACK_INPUTS = ["/Add_output_0", "/Cast_2_output_0"]  # z_p (prior + noise) and y_mask
BACK_OUTPUTS = ["output"]
DECODER_PREFIX = "/dec/"  # the HiFi-GAN decoder's nodes; its first layer is conv_pre
DECODER_Z = "z"  # the flow's output and the decoder's input, [batch, channels, frames]
FRONT_RECIPE = 7  # names the cached front: a changed rewrite is not read stale
# How far (in phoneme ids, two per phoneme) each id's attention reaches on either side in
# the front, its window sliding inward at the input's ends: a short sentence, what the voice
# was trained on; the span that read clearest through Whisper (docs/performance.md,
# "Attention span").
ATTENTION_SPAN = 64


@dataclass(frozen=True)
class CutGraph:
    """The two halves of a voice model, serialized for onnxruntime."""

    front: bytes
    back: bytes
    digest: str  # of the whole model: names its cut, variants and quality reports


@functools.cache  # the pool asks on every task; a voice file does not change under a process
def model_digest(model_path: Path) -> str:
    with open(model_path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


def cut_voice_graph(
    model_path: Path, cache_dir: Path | None = None, span: int = ATTENTION_SPAN
) -> CutGraph:
    """Front and back of a voice (the front's attention limited to `span` ids; 0: global),
    from the cache when it holds this model's cut."""
    digest = model_digest(model_path)
    if cache_dir is None:
        return _cut(model_path, digest, span)
    front = cache_dir / f"{front_name(digest, span)}.onnx"
    back = cache_dir / f"{digest}-back.onnx"
    if front.is_file() and back.is_file():
        return CutGraph(front.read_bytes(), back.read_bytes(), digest)
    graph = _cut(model_path, digest, span)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for path, data in ((front, graph.front), (back, graph.back)):
            tmp = path.with_name(path.name + f".{os.getpid()}.part")
            tmp.write_bytes(data)
            tmp.replace(path)
    except OSError as error:  # a read-only cache costs start-up time, nothing else
        log.warning("cannot cache the cut voice graph in %s: %s", cache_dir, error)
    return graph


def front_name(digest: str, span: int = ATTENTION_SPAN) -> str:
    """The cut front's name in the cache. The span is in it (the default's name kept):
    fronts of other spans never read each other. The back does not depend on it."""
    suffix = "" if span == ATTENTION_SPAN else f"-span{span}"
    return f"{digest}-front-{FRONT_RECIPE}{suffix}"


def _cut(
    model_path: Path, digest: str, span: int = ATTENTION_SPAN, windowed: bool = True
) -> CutGraph:
    """Front and back models of a Piper voice (attention limited to `span` ids; 0: global,
    as exported), computed on each id's window (`windowed`) or as masked [l, l] scores;
    raises UnknownVoiceError if it is not one."""
    import onnx
    import onnx.utils

    from models.attention import band_relative_attention, limit_attention_span, window_attention

    try:
        model = onnx.load(str(model_path))
    except Exception as error:  # onnx raises several unrelated types for a bad file
        raise UnknownVoiceError(f"{model_path}: not a readable ONNX model ({error})") from error
    names = {out for node in model.graph.node for out in node.output}
    names.update(inp.name for inp in model.graph.input)
    missing = [n for n in FRONT_OUTPUTS + BACK_INPUTS if n not in names]
    if missing:
        raise UnknownVoiceError(
            f"{model_path}: not a Piper VITS graph this version can cut (missing {missing})"
        )
    rewritten = band_relative_attention(model)
    log.debug("%s: %d attention layers computed on their band", model_path, rewritten)
    if span:
        limited = windowed and window_attention(model, span) > 0
        if not limited and not limit_attention_span(model, span):
            log.warning("%s: no shared attention mask found: attention left global", model_path)
    inputs = FRONT_INPUTS + ([DURATION_NOISE] if _noise_as_input(model) else [])
    extractor = onnx.utils.Extractor(model)
    front = extractor.extract_model(inputs, FRONT_OUTPUTS)
    back = extractor.extract_model(BACK_INPUTS, BACK_OUTPUTS)
    log.debug(
        "cut %s: front %d nodes, back %d nodes",
        model_path,
        len(front.graph.node),
        len(back.graph.node),
    )
    return CutGraph(front.SerializeToString(), back.SerializeToString(), digest)


def split_back(back: bytes) -> tuple[bytes, bytes]:
    """The back cut where its decoder begins: the flow (latents and mask in, the decoder's
    input out) and the decoder (that input in, audio out); raises UnknownVoiceError where
    the back has no one decoder input."""
    import onnx
    import onnx.utils

    model = onnx.load_from_string(back)
    first = [n for n in model.graph.node if n.name.startswith(DECODER_PREFIX + "conv_pre/")]
    inputs = {n.input[0] for n in first if n.op_type == "Conv"}
    if len(inputs) != 1:
        raise UnknownVoiceError(f"no single decoder input in this voice's back ({inputs})")
    (z,) = inputs
    extractor = onnx.utils.Extractor(model)
    flow = extractor.extract_model(BACK_INPUTS, [z])
    decoder = extractor.extract_model([z], BACK_OUTPUTS)
    for part in (flow, decoder):  # one name for the tensor between them, whatever the export
        for value in [*part.graph.input, *part.graph.output]:
            value.name = DECODER_Z if value.name == z else value.name
        for node in part.graph.node:
            node.input[:] = [DECODER_Z if name == z else name for name in node.input]
            node.output[:] = [DECODER_Z if name == z else name for name in node.output]
    return flow.SerializeToString(), decoder.SerializeToString()


def _noise_as_input(model: "onnx.ModelProto") -> bool:
    """Replace the duration predictor's RandomNormalLike by the input DURATION_NOISE."""
    import onnx

    graph = model.graph
    # The duration predictor's; the graph's other one (the prior's noise, upstream of the
    # back's input) is replaced by the noise we draw in numpy.
    random = [
        node
        for node in graph.node
        if node.op_type == "RandomNormalLike" and node.name.startswith(DURATION_PREDICTOR)
    ]
    if len(random) != 1:  # not the graph this was written for: leave it as it is
        log.warning("%d duration noise nodes in this voice: sampled in-graph", len(random))
        return False
    (node,) = random
    for other in graph.node:
        for k, name in enumerate(other.input):
            if name == node.output[0]:
                other.input[k] = DURATION_NOISE
    graph.node.remove(node)
    shape: list[str | int | None] = ["batch", 2, "ids"]
    graph.input.append(
        onnx.helper.make_tensor_value_info(DURATION_NOISE, onnx.TensorProto.FLOAT, shape)
    )
    return True
