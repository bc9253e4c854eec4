"""What runs the back of the voice graph (flow + decoder): onnxruntime or OpenVINO.

The back is most of the cost, so it is the part with precision variants (`models.variants`):

- ``OrtBack``: onnxruntime, on the CPU (fp32, int8) or CUDA (fp32, fp16 graph).
- ``OpenVinoBack``: OpenVINO's CPU plugin, fp32 or bf16. On CPUs with AMX/AVX-512 bf16 the
  decoder runs in bf16 (its upsampling rewritten by `models.upsampling`) while the flow
  stays fp32: the flow in bf16 costs waveform fidelity and buys no speed
  (docs/performance.md, "bf16 decoder").
- ``SplitBack``: the CPU's, the back cut in two: the flow (onnxruntime, fp32) once over a
  segment, then the decoder (onnxruntime fp32, or OpenVINO bf16) over windows of it.
  OpenVINO builds kernels for each input shape it meets, so frame counts are
  rounded up to a few buckets: zero frames past a segment's own (masked in the flow, cut off
  after the decoder) cost a little padding and save a compile per length.
"""

import io
import logging
import os
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from models.extras import require
from models.graph import DECODER_PREFIX, DECODER_Z
from models.runtime import check_providers
from models.sessions import ArenaShrink, session

log = logging.getLogger(__name__)
Array = npt.NDArray[np.float32]
Item = TypeVar("Item")
Result = TypeVar("Result")
Z_INPUT, MASK_INPUT = "/Add_output_0", "/Cast_2_output_0"
# Frame counts are padded up to a multiple of this for OpenVINO (see above): with chunks of
# at most ~560 frames that is at most 9 shapes per batch size.
OPENVINO_FRAME_STEP = 64
DECODER_INPUT = DECODER_PREFIX + "conv_pre/"  # the decoder's first layer in the voice graph
KEEP_AS_IS = ("Const", "Parameter", "Result")


class Back(Protocol):
    """Audio [batch, 1, 1, frames * hop] from latents [batch, channels, frames] and a mask."""

    frame_step: int  # frame counts are padded to a multiple of this (1: no padding)

    def run(self, z_p: Array, mask: Array) -> Array: ...


class OrtBack:
    def __init__(
        self,
        graph: bytes,
        options: ort.SessionOptions,
        providers: Sequence[str | tuple[str, dict[str, str]]],
        frame_step: int = 1,
        expands: bool = False,
        cache_dir: Path | None = None,
    ) -> None:
        """`cache_dir`: where the graph's optimized form is kept (`models.sessions`)."""
        self.frame_step = frame_step
        self.expands = expands  # the graph of `models.expand`: run with `run_inputs`
        self.session = session(graph, options, providers, cache_dir)
        self.shrink = ArenaShrink(providers)
        # onnxruntime otherwise retries a failed CUDA run on the CPU, silently and slowly.
        self.session.disable_fallback()
        check_providers(self.session, providers)

    def run(self, z_p: Array, mask: Array) -> Array:
        return self.run_inputs({Z_INPUT: z_p, MASK_INPUT: mask})

    def run_inputs(self, feeds: dict[str, Any]) -> Array:
        (audio,) = self.session.run(None, feeds, self.shrink.options())
        return np.asarray(audio, dtype=np.float32)


class OpenVinoBack:
    """One compiled model, one stream per inference worker, one request per thread."""

    frame_step = OPENVINO_FRAME_STEP

    def __init__(
        self,
        graph: bytes,
        precision: str,
        streams: int,
        cached: Path | None = None,
        inputs: Sequence[tuple[str, int]] = ((Z_INPUT, -1), (MASK_INPUT, 1)),
    ) -> None:
        """`cached`: where the marked model is kept as OpenVINO IR (.xml and .bin), which
        saves converting the ONNX graph at every start. `inputs`: the graph's inputs
        [batch, channels, frames] and their channels (-1: any), the whole back's by
        default."""
        ov = _openvino()

        config: dict[str, Any] = {
            "INFERENCE_PRECISION_HINT": precision,
            # Several 1-thread streams beat one stream over all cores here, as with ORT.
            "NUM_STREAMS": streams,
            "INFERENCE_NUM_THREADS": streams,
        }
        core = ov.Core()
        if cached is not None and cached.is_file():
            self.compiled = core.compile_model(core.read_model(cached), "CPU", config)
        else:
            with tempfile.TemporaryDirectory(prefix="narrate-ov-") as tmp:
                xml = _marked_ir(graph, Path(tmp), precision, inputs)
                if cached is not None:
                    _keep_ir(xml, cached)
                self.compiled = core.compile_model(core.read_model(xml), "CPU", config)
        self._local = threading.local()
        # OpenVINO's CPU plugin specializes a request for an input shape on its first run of
        # it (memory, shape inference, kernels). Two requests doing so at once hung for good
        # once here (a warm-up from two inference workers on 2 cores, both waiting inside
        # OpenVINO), as others saw with 2026.3 on 4 cores (ultralytics/ultralytics#25923):
        # so a request's first run of a shape takes its turn; later runs go at once.
        self._first_runs = threading.Lock()

    def run(self, z_p: Array, mask: Array) -> Array:
        return self.run_inputs({Z_INPUT: z_p, MASK_INPUT: mask})

    def run_inputs(self, feeds: dict[str, Array]) -> Array:
        request = getattr(self._local, "request", None)
        if request is None:  # requests are not thread-safe: one per calling thread
            request = self._local.request = self.compiled.create_infer_request()
            self._local.shapes = set()
        shapes = tuple(value.shape for value in feeds.values())
        if shapes in self._local.shapes:
            return self._infer(request, feeds)
        with self._first_runs:
            audio = self._infer(request, feeds)
        self._local.shapes.add(shapes)
        return audio

    def _infer(self, request: Any, feeds: dict[str, Array]) -> Array:
        result = request.infer(feeds)
        return np.array(result[self.compiled.outputs[0]], dtype=np.float32)


class SplitBack:
    """The back as two runs: the flow over a whole segment's frames at once, then the decoder
    over windows of what it gives.

    Windows keep a margin on each side of a join so that it has no seam: run whole, that
    margin is the flow's receptive field and the decoder's (32 frames); run apart, only the
    decoder's (`DECODER_MARGIN`, 12), and the flow runs each frame once. On the CPU that is
    ~10% less of the back's work (docs/performance.md, "The flow run once a segment").
    """

    def __init__(self, flow: OrtBack, decoder: "OrtBack | OpenVinoBack") -> None:
        self.flow, self.decoder = flow, decoder
        self.frame_step = decoder.frame_step if isinstance(decoder, OpenVinoBack) else 1

    def run(self, z_p: Array, mask: Array) -> Array:
        return self.decode(self.flow.run(z_p, mask))

    def decode(self, z: Array) -> Array:
        """Audio [batch, 1, frames * hop] of z [batch, channels, frames]; frames past z's own
        (padding to frame_step) are zeros, as a masked flow gives past a segment's end."""
        frames = z.shape[2]
        padded = padded_frames(frames, self.frame_step)
        if padded != frames:
            z = np.pad(z, ((0, 0), (0, 0), (0, padded - frames)))
        return self.decoder.run_inputs({DECODER_Z: z})


def _openvino() -> ModuleType:
    return require("openvino", "openvino", "the bf16 variant (OpenVINO runs its decoder)")


def _marked_ir(
    graph: bytes, folder: Path, precision: str, inputs: Sequence[tuple[str, int]]
) -> Path:
    """The back as OpenVINO IR in folder; below fp32, every op before the decoder (the flow,
    the masks) is marked to stay fp32.

    OpenVINO honours its "precise" runtime attribute under a lower inference precision, but
    Python can only set string attributes; written into the IR, the reader makes it real.
    The decoder is what follows its first convolution.
    """
    ov = _openvino()

    model = ov.convert_model(
        io.BytesIO(graph),
        input=[
            (name, ov.PartialShape([-1, channels, -1]), ov.Type.f32) for name, channels in inputs
        ],
    )
    xml = folder / "back.xml"
    ov.save_model(model, xml, compress_to_fp16=False)
    if precision == "f32":
        return xml
    tree = ElementTree.parse(xml)
    root = tree.getroot()
    decoder = _decoder_layers(root)
    if not decoder:
        log.warning("no %s layer in this voice's graph: its back runs in fp32", DECODER_INPUT)
    for layer in root.iter("layer"):
        if layer.get("type") in KEEP_AS_IS or layer.get("id") in decoder:
            continue
        info = layer.find("rt_info")
        if info is None:
            info = ElementTree.Element("rt_info")
            layer.insert(0, info)
        ElementTree.SubElement(info, "attribute", name="precise", version="0")
    tree.write(xml)
    return xml


def _decoder_layers(root: ElementTree.Element) -> set[str]:
    """Ids of the IR layers from the decoder's first convolution on (all it feeds)."""
    after: dict[str, list[str]] = {}
    for edge in root.iter("edge"):
        after.setdefault(edge.get("from-layer", ""), []).append(edge.get("to-layer", ""))
    decoder = {
        layer.get("id", "")
        for layer in root.iter("layer")
        if layer.get("name", "").startswith(DECODER_INPUT)
    }
    frontier = list(decoder)
    while frontier:
        for following in after.get(frontier.pop(), []):
            if following not in decoder:
                decoder.add(following)
                frontier.append(following)
    return decoder


def _keep_ir(xml: Path, cached: Path) -> None:
    """Copy an IR into the cache: weights first, so a reader that finds the .xml finds both."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for source, target in (
            (xml.with_suffix(".bin"), cached.with_suffix(".bin")),
            (xml, cached),
        ):
            part = target.with_name(f"{target.name}.{os.getpid()}.part")
            shutil.copyfile(source, part)
            part.replace(target)
    except OSError as error:  # a read-only cache costs start-up time, nothing else
        log.warning("cannot cache the OpenVINO model in %s: %s", cached.parent, error)


def padded_frames(frames: int, step: int) -> int:
    return -(-frames // step) * step


def is_out_of_memory(error: BaseException) -> bool:
    """Whether an inference error is the device running out of memory (worth a smaller try)."""
    text = str(error).lower()
    return isinstance(error, MemoryError) or any(
        sign in text
        for sign in (
            "out of memory",
            "failed to allocate",
            "bad_alloc",
            "available memory of",  # onnxruntime's arena
            "failed to initialize cudnn",  # cuDNN cannot get its workspace
        )
    )


def halving(
    run: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], what: str
) -> list[Result]:
    """run(items); out of device memory, the items are halved and each half retried (logged).
    Any other error, or one item alone out of memory, reaches the caller."""
    try:
        return run(items)
    except Exception as error:
        if len(items) == 1 or not is_out_of_memory(error):
            raise
        log.warning("out of memory on a batch of %d %s; halving it", len(items), what)
        half = len(items) // 2
        return halving(run, items[:half], what) + halving(run, items[half:], what)
