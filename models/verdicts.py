"""Gate verdicts that travel: a report measured on one machine, used on another like it.

A variant's audio is a function of the voice, the graphs' recipes, the libraries that run
them and the instructions the CPU gives OpenVINO's bf16 kernels. Two machines that agree on
all of those render the gate text to the same samples (docs/performance.md, "bf16 on the
first run": one core against two, another host), so the first machine's verdict is the
second's, and a first run there need not spend a whole book in fp32 before anyone runs
`narrate models optimize`. What a report was measured with is kept in it
(`QualityReport.measured_on`), and a report is used only where every one of those
conditions holds (`HOLD`): narrate's own (`models/reports/`), and one in the cache that
was rendered elsewhere. The cache's comes first (`models.variants`).
"""

import os
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from models.variants import (
    CPU_LAYOUT,
    RUNS_WITH,
    QualityReport,
    cuda_front_recipe,
    device_kind,
    report_path,
)

SHIPPED = Path(__file__).resolve().parent / "reports"
# What the samples depend on; a report is used only where each is the same here.
# ("cpu" and "cores" are kept beside them only to say where it was measured.)
HOLD = ("isa", "onnxruntime", "openvino", "front", "fp32", "cuda_front", "cuda_back")
# The CPU's maker and family (its microarchitecture): held where a report names them. With
# AVX-512 bf16 alone, bf16 ran slower than fp32 on an Intel CPU and faster on an AMD Zen 5
# (docs/performance.md, "bf16 on an AMD Zen 5"), so such a report speaks for its family
# only; the AMX report, measured before they were kept, speaks for its instructions.
HOLD_WHERE_NAMED = ("vendor", "family")
CPUINFO = Path("/proc/cpuinfo")


def machine(precision: str, device: str) -> dict[str, str]:
    """The conditions a report for this precision is measured under here."""
    import onnxruntime  # the build imported, where pip may list two

    from models.graph import FRONT_RECIPE
    from models.runtime import CUDA_BACK_LAYOUT

    found = {
        "onnxruntime": str(onnxruntime.__version__),
        "front": str(FRONT_RECIPE),
    }
    if device_kind(device) == "cuda":  # the graphs and cuDNN's algorithms as CUDA runs them
        found |= {"cuda_front": cuda_front_recipe(precision), "cuda_back": CUDA_BACK_LAYOUT}
    if device_kind(device) == "cpu":
        cpu = _cpu()
        found |= {"isa": _isa(cpu.flags), "fp32": CPU_LAYOUT, "cpu": cpu.name}
        found |= {"vendor": cpu.vendor, "family": cpu.family, "cores": str(os.cpu_count() or 0)}
    if precision in RUNS_WITH:
        found[RUNS_WITH[precision]] = _version(RUNS_WITH[precision])
    return found


def cpu_flags() -> set[str] | None:
    """This CPU's instruction flags; None without /proc/cpuinfo."""
    return _cpu().flags


def cpu_isa() -> str:
    """The bf16 instructions OpenVINO's kernels get here: amx_bf16 (amx_fp16 where AMX has
    fp16 too), avx512_bf16 or none; unknown without /proc/cpuinfo.

    AMX and AVX-512 bf16 give different samples (and AVX-512 bf16 alone ran slower than
    fp32), so they are different machines to a verdict. ONEDNN_MAX_CPU_ISA caps what the
    kernels use, as it does for OpenVINO."""
    return _isa(_cpu().flags)


def _isa(flags: set[str] | None) -> str:
    if flags is None:
        return "unknown"
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA", "ALL").upper()
    uncapped = cap in ("ALL", "DEFAULT") or "AMX" in cap
    if {"amx_bf16", "amx_tile"} <= flags and uncapped:
        # A later AMX (with fp16) may get other kernels from oneDNN: unmeasured, so apart.
        return "amx_fp16" if "amx_fp16" in flags else "amx_bf16"
    if "avx512_bf16" in flags and (uncapped or "BF16" in cap):
        return "avx512_bf16"
    return "none"


def shipped(digest: str, precision: str, device: str) -> list[QualityReport]:
    """The reports narrate ships for this voice and variant, one per kind of machine it was
    measured on, whether or not they hold here: `NAME.quality.json` and
    `NAME.*.quality.json`, NAME as `report_path` names a cache's."""
    stem = report_path(SHIPPED, digest, precision, device).name.removesuffix(".quality.json")
    paths = sorted(SHIPPED.glob(f"{stem}.quality.json")) + sorted(
        SHIPPED.glob(f"{stem}.*.quality.json")
    )
    return [report for path in paths if (report := QualityReport.load(path)) is not None]


def mismatch(report: QualityReport, device: str) -> str | None:
    """Why a report does not speak for this machine, or None when it does."""
    here = machine(report.precision, device)
    named = [key for key in HOLD_WHERE_NAMED if key in report.measured_on]
    for key in (*HOLD, *named):
        there = report.measured_on.get(key)
        if (there or key in here) and there != here.get(key):
            return f"it was measured with {key} {there or 'unknown'}, here {here.get(key, 'none')}"
    return None


def where(report: QualityReport) -> str:
    """Where narrate's own report was measured, for `narrate models list`."""
    measured = report.measured_on
    family = f"family {measured['family']}" if "family" in measured else ""
    parts = [measured.get("cpu", "a CPU"), measured.get("isa", ""), family]
    parts += [
        f"{name} {measured[name]}" for name in ("openvino", "onnxruntime") if name in measured
    ]
    return ", ".join(part for part in parts if part)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


class Cpu(NamedTuple):
    """What /proc/cpuinfo says of this CPU (flags None where it cannot be read)."""

    flags: set[str] | None
    name: str
    vendor: str
    family: str


def _cpu() -> Cpu:
    try:
        lines = CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return Cpu(None, "unknown", "unknown", "unknown")
    fields = [line.split(":", 1) for line in lines if ":" in line]
    flags = set().union(*(value.split() for key, value in fields if key.strip() == "flags"))

    def first(name: str) -> str:
        values = [value.strip() for key, value in fields if key.strip() == name]
        return values[0] if values else "unknown"

    return Cpu(flags, first("model name"), first("vendor_id"), first("cpu family"))
