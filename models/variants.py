"""Precision variants of a voice's back graph, and which one a device may use.

fp32 is the reference and always allowed. The others change only the back (flow + decoder):
the front, and with it the duration path, stays fp32 by construction (the cut in
`models.graph`), which is what keeps `w_ceil` finite where a whole-model fp16 conversion
overflows it to inf.

- fp16: the back converted to float16 for CUDA (inputs and outputs stay fp32), and the
  front's text encoder with it (`models.halffront`; its duration predictor stays fp32).
- bf16: the decoder run by OpenVINO on the CPU in bf16 (AMX / AVX-512 bf16), its upsampling
  rewritten as plain convolutions (`models.upsampling`); the flow stays fp32.
- int8: the back's weights quantized dynamically, for onnxruntime on the CPU.

A variant is used only with a passing quality report beside it in the cache, written by
`narrate models optimize` (see `models.gate`): round-trip WER within 1 point of fp32 and
total duration within 2%; or, with none in the cache, the report narrate ships for the
variant where it holds on this machine (`models.verdicts`). `auto` picks the fastest
passing variant for the device.
"""

import functools
import json
import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from config.errors import PrecisionError
from models.extras import installed, need, require
from models.graph import split_back

log = logging.getLogger(__name__)

PRECISIONS = ("fp32", "fp16", "bf16", "int8")
FOR_DEVICE = {"cpu": ("fp32", "bf16", "int8"), "cuda": ("fp32", "fp16")}
# What `auto` may pick, fastest first (each still needs its passing report).
AUTO: dict[str, tuple[str, ...]] = {"cpu": ("bf16", "int8"), "cuda": ("fp16",)}
# What runs a variant beyond the base install (models.extras): the fp16 graph, once built by
# `narrate models optimize`, runs on onnxruntime-gpu and needs no converter.
RUNS_WITH = {"bf16": "openvino"}
THIS_CACHE = "this cache's"  # how _find names the report in this machine's cache


# cuDNN 9 on an H100 has no fp16 engine for this convolution (64 channels, kernel 7,
# dilation 12) at some batch shapes ("No valid engine configs"): it stays fp32.
FP16_KEEPS_FP32 = ("/dec/resblocks.5/convs.1/Conv",)
# Cached variant graphs are named by recipe, so a changed conversion is not read stale.
RECIPES = {"fp16": "fp16-2", "bf16": "bf16-4", "int8": "int8"}
# The fp32 back as onnxruntime's CPU provider runs it (models.conv2d): not a variant, the
# same fp32 arithmetic in another layout, so it needs no gate.
CPU_LAYOUT = "fp32-cpu2d-1"
# The front as CUDA runs it (`cuda_front_graph`): a GPU's gate report names it.
CUDA_FRONT = "norms-1"
# The fp16 variant's front on CUDA: the above, its text encoder in fp16.
FP16_FRONT = f"{CUDA_FRONT}-encoder16-1"


@dataclass(frozen=True)
class QualityReport:
    """What the gate measured for one variant against fp32, on one text."""

    voice: str
    precision: str
    device: str
    text: str
    words: int
    wer: float  # percentage points
    wer_fp32: float
    duration_s: float
    duration_fp32_s: float
    x_real_time: float
    x_real_time_fp32: float
    passed: bool
    reason: str
    # Where it was measured (`models.verdicts.machine`): empty in reports from before.
    measured_on: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        conditions(self.measured_on)  # a report read from a file: its conditions are text

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "QualityReport | None":
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


def conditions(value: object) -> dict[str, str]:
    """`value` as a report's `measured_on`; TypeError unless it is names to text."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"measured_on must map names to text, not {value!r:.80}")
    return dict(value)


def device_kind(device: str) -> str:
    return "cuda" if device.startswith("cuda") else "cpu"


def report_path(cache_dir: Path, digest: str, precision: str, device: str) -> Path:
    recipe = RECIPES.get(precision, precision)  # a report speaks for one recipe's graph
    return cache_dir / f"{digest}-{recipe}-{device_kind(device)}.quality.json"


def choose_precision(
    requested: str, device: str, digest: str, cache_dir: Path | None, voice: str
) -> str:
    """The precision to run: fp32, a variant whose report passed, or a clear refusal."""
    kind = device_kind(device)
    if requested == "fp32":
        return "fp32"
    if requested == "auto":
        passed = []
        for precision in AUTO[kind]:
            report, _, why = _find(cache_dir, digest, precision, device)
            if report is None and why is not None and why.startswith(THIS_CACHE):
                _warn_stale(voice, precision, why)
            elif report is not None and report.passed and _runs_here(precision, voice):
                passed.append(report)
        best = max(passed, key=lambda r: r.x_real_time, default=None)
        if best is None or best.x_real_time <= best.x_real_time_fp32:
            return "fp32"
        return best.precision
    check_runs_on(requested, device)
    if requested in RUNS_WITH:
        need(RUNS_WITH[requested], f"the {requested} variant")
    report = _report(cache_dir, digest, requested, device)
    if report is None:
        raise PrecisionError(
            f"{voice} {requested} has no quality report on {kind}: run "
            f"`narrate models optimize --voice {voice} --precision {requested}` first"
        )
    if not report.passed:
        raise PrecisionError(f"{voice} {requested} failed its quality gate: {report.reason}")
    return requested


def describe(device: str, digest: str, cache_dir: Path | None) -> list[str]:
    """One line per precision this kind of device runs: what its gate said, and what else
    it needs (for `narrate models list`)."""
    from models.verdicts import where

    lines = []
    for precision in FOR_DEVICE[device_kind(device)]:
        if precision == "fp32":
            lines.append("fp32  the voice as exported: always available, needs no gate")
            continue
        report, ours, elsewhere = _find(cache_dir, digest, precision, device)
        if report is None:
            status = f"no quality report: `{optimize_command(precision, device)}`"
            if elsewhere is not None:
                status += f" ({elsewhere})"
        else:
            measured = (
                f"WER {report.wer:.2f}% (fp32 {report.wer_fp32:.2f}%), "
                f"{report.x_real_time:.1f}x real time (fp32 {report.x_real_time_fp32:.1f}x)"
            )
            status = f"{'passed' if report.passed else 'failed'} its gate: {measured}"
            if ours:
                status += (
                    f"; narrate's own report, measured on a machine like this ({where(report)})"
                )
            if not report.passed:
                status += f"; {report.reason}"
            elif precision in RUNS_WITH and not installed(RUNS_WITH[precision]):
                status += f"; needs pip install 'narrate[{RUNS_WITH[precision]}]'"
        lines.append(f"{precision:<5} {status}")
    return lines


def optimize_command(precision: str, device: str) -> str:
    """The command that gates `precision` on `device`: a GPU named, so that the line
    pasted gates on the device listed (`optimize` has its own default)."""
    command = f"narrate models optimize --precision {precision}"
    return command if device == "cpu" else f"{command} --device {device}"


def check_runs_on(precision: str, device: str) -> None:
    """PrecisionError unless the precision is one this kind of device runs."""
    if precision not in PRECISIONS:
        raise PrecisionError(f"unknown precision {precision!r}: use {', '.join(PRECISIONS)}")
    if precision not in FOR_DEVICE[device_kind(device)]:
        raise PrecisionError(f"precision {precision} does not run on {device_kind(device)}")


def _runs_here(precision: str, voice: str) -> bool:
    extra = RUNS_WITH.get(precision)
    if extra is None or installed(extra):
        return True
    log.warning(
        "%s %s passed its gate but needs narrate's %s extra: running fp32 "
        "(pip install 'narrate[%s]')",
        voice,
        precision,
        extra,
        extra,
    )
    return False


def _warn_stale(voice: str, precision: str, why: str) -> None:
    """This machine's own gate once passed or failed the variant, and an upgrade (of
    onnxruntime, OpenVINO, narrate's recipes) has since made it speak for another machine:
    a book would run slower than last night's with nothing said."""
    log.warning(
        "%s %s is not used: %s; `narrate models optimize --voice %s --precision %s` "
        "measures it again",
        voice,
        precision,
        why,
        voice,
        precision,
    )


def _report(
    cache_dir: Path | None, digest: str, precision: str, device: str
) -> QualityReport | None:
    return _find(cache_dir, digest, precision, device)[0]


def _find(
    cache_dir: Path | None, digest: str, precision: str, device: str
) -> tuple[QualityReport | None, bool, str | None]:
    """The report that speaks for this machine: the cache's, else one of narrate's own;
    whether it is narrate's; and, where none does, why the ones found do not.

    A report says where its renders were made (`measured_on`, `models.verdicts`): one made
    elsewhere (renders judged here, a copied report) holds only where those conditions
    do. Reports from before it was kept were made where they lie."""
    from models.verdicts import mismatch, shipped  # it reads this module's recipes

    found = [(_local_report(cache_dir, digest, precision, device), THIS_CACHE)]
    found += [(report, "narrate's own") for report in shipped(digest, precision, device)]
    why: dict[str, list[str]] = {}
    for report, whose in found:
        if report is None:
            continue
        off = mismatch(report, device) if report.measured_on else None
        if off is None:
            return report, whose == "narrate's own", None
        why.setdefault(whose, []).append(off)
    return None, False, "; ".join(_not_held(whose, offs) for whose, offs in why.items()) or None


def _not_held(whose: str, offs: list[str]) -> str:
    """Why one owner's reports do not hold here, said once for several of them."""
    if len(offs) == 1:
        return f"{whose} does not hold here: {offs[0]}"
    each = "; ".join(off.replace("it was measured", "one was measured", 1) for off in offs)
    return f"{whose} ({len(offs)} reports) do not hold here: {each}"


def _local_report(
    cache_dir: Path | None, digest: str, precision: str, device: str
) -> QualityReport | None:
    if cache_dir is None:
        return None
    return QualityReport.load(report_path(cache_dir, digest, precision, device))


def variant_graph(back: bytes, precision: str, cache_dir: Path | None, digest: str) -> bytes:
    """The back graph for a precision (fp32 uses the graph as it is)."""
    if precision == "fp32":
        return back
    convert = {"fp16": _to_fp16, "bf16": _to_bf16_ready, "int8": _to_int8}[precision]
    return _cached(back, convert, cache_dir, _variant_name(digest, precision))


def expanded_graph(
    back: bytes, precision: str, cache_dir: Path | None, digest: str, channels: int
) -> bytes:
    """The back graph of a precision with the latents' expansion before it (models.expand)."""
    from models.expand import EXPAND_RECIPE, with_expansion

    recipe = RECIPES.get(precision, precision)
    name = f"{digest}-back-{recipe}-expand-{EXPAND_RECIPE}.onnx"
    return _cached(back, lambda graph: with_expansion(graph, channels), cache_dir, name)


def variant_built(cache_dir: Path | None, digest: str, precision: str) -> bool:
    """Whether the variant's graph is in the cache (building it needs no converter then)."""
    return cache_dir is not None and (cache_dir / _variant_name(digest, precision)).is_file()


def _variant_name(digest: str, precision: str) -> str:
    return f"{digest}-back-{RECIPES[precision]}.onnx"


def cpu_fp32_graph(back: bytes, cache_dir: Path | None, digest: str) -> bytes:
    """The fp32 back with its convolutions 2-D, which onnxruntime's CPU provider runs in its
    blocked layout: the same audio to ~1e-5, the back ~1.15x faster on an AVX2 core."""
    return _cached(back, _to_2d, cache_dir, f"{digest}-back-{CPU_LAYOUT}.onnx")


def cuda_front_graph(
    front: bytes, cache_dir: Path | None, name: str, precision: str = "fp32"
) -> bytes:
    """The front as CUDA runs it: its layer norms fused (`models.norms`), the same arithmetic
    in a ninth of the kernels; for fp16, its text encoder in fp16 too (`models.halffront`).
    `name`: the cut front's own, which the variant's extends."""
    fused = _cached(front, _fused_norms, cache_dir, f"{name}-{CUDA_FRONT}.onnx")
    if precision != "fp16":
        return fused
    return _cached(fused, _encoder_in_fp16, cache_dir, f"{name}-{FP16_FRONT}.onnx")


def cuda_front_recipe(precision: str) -> str:
    """What a GPU's gate report names the front by, for a precision."""
    return FP16_FRONT if precision == "fp16" else CUDA_FRONT


def _fused_norms(front: bytes) -> bytes:
    from models.norms import fuse_layer_norms

    return fuse_layer_norms(front)[0]


def _encoder_in_fp16(front: bytes) -> bytes:
    from models.halffront import encoder_in_fp16

    return encoder_in_fp16(front)


def cpu_split_graphs(
    back: bytes, precision: str, cache_dir: Path | None, digest: str
) -> tuple[bytes, bytes]:
    """The back's flow and its decoder apart, as the CPU runs them (`models.piper`): the flow
    fp32 with 2-D convolutions for onnxruntime, whatever the decoder's precision (the flow
    in bf16 cost fidelity and bought no speed); the decoder the same for fp32, or
    bf16-ready for OpenVINO (the same recipe as the whole back's). The back is cut once,
    and only where the cache lacks one of them."""
    split = functools.cache(lambda: split_back(back))
    flow = _cached(
        back, lambda _: _to_2d(split()[0]), cache_dir, f"{digest}-flow-{CPU_LAYOUT}.onnx"
    )
    convert: Callable[[bytes], bytes] = _to_2d if precision == "fp32" else _to_bf16_ready
    recipe = CPU_LAYOUT if precision == "fp32" else RECIPES[precision]
    name = f"{digest}-decoder-{recipe}.onnx"
    return flow, _cached(back, lambda _: convert(split()[1]), cache_dir, name)


def _cached(
    back: bytes, convert: Callable[[bytes], bytes], cache_dir: Path | None, name: str
) -> bytes:
    path = cache_dir / name if cache_dir else None
    if path is not None and path.is_file():
        return path.read_bytes()
    data = convert(back)
    if path is not None:
        try:
            tmp = path.with_name(f"{name}.{os.getpid()}.part")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as error:  # a read-only cache costs start-up time, nothing else
            log.warning("cannot cache %s in %s: %s", name, cache_dir, error)
    return data


def _to_2d(graph: bytes) -> bytes:
    """A back (or its flow, or its decoder) with 2-D convolutions; every input of these is
    [batch, channels, frames]."""
    import onnx

    from models.conv2d import convolutions_as_2d

    model = onnx.load_from_string(graph)
    convolutions_as_2d(model, [graph_input.name for graph_input in model.graph.input])
    return bytes(model.SerializeToString())


def _to_fp16(back: bytes) -> bytes:
    import onnx

    what = "the fp16 variant (onnxconverter-common converts its decoder)"
    float16 = require("onnxconverter_common.float16", "gpu", what)
    model = onnx.load_from_string(back)
    with warnings.catch_warnings():  # it warns for every tiny weight it rounds to 1e-7
        warnings.simplefilter("ignore")
        converted = float16.convert_float_to_float16(
            model, keep_io_types=True, node_block_list=list(FP16_KEEPS_FP32)
        )
    return bytes(converted.SerializeToString())


def _to_bf16_ready(back: bytes) -> bytes:
    """Still fp32: OpenVINO lowers it when compiling (`models.backends.OpenVinoBack`)."""
    import onnx

    from models.upsampling import polyphase_upsampling

    model = onnx.load_from_string(back)
    polyphase_upsampling(model)
    return bytes(model.SerializeToString())


def _to_int8(back: bytes) -> bytes:
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "back.onnx", Path(tmp) / "back-int8.onnx"
        source.write_bytes(back)
        quantize_dynamic(source, target, weight_type=QuantType.QInt8)
        return target.read_bytes()
