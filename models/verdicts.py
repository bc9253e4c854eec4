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

from models.variants import CPU_LAYOUT, RUNS_WITH, QualityReport, device_kind, report_path

SHIPPED = Path(__file__).resolve().parent / "reports"
# What the samples depend on; a report is used only where each is the same here.
# ("cpu" and "cores" are kept beside them only to say where it was measured.)
HOLD = ("isa", "onnxruntime", "openvino", "front", "fp32")
CPUINFO = Path("/proc/cpuinfo")


def machine(precision: str, device: str) -> dict[str, str]:
    """The conditions a report for this precision is measured under here."""
    import onnxruntime  # the build imported, where pip may list two

    from models.graph import FRONT_RECIPE

    found = {
        "onnxruntime": str(onnxruntime.__version__),
        "front": str(FRONT_RECIPE),
    }
    if device_kind(device) == "cpu":
        flags, name = _cpu()
        found |= {"isa": _isa(flags), "fp32": CPU_LAYOUT, "cpu": name}
        found["cores"] = str(os.cpu_count() or 0)
    if precision in RUNS_WITH:
        found[RUNS_WITH[precision]] = _version(RUNS_WITH[precision])
    return found


def cpu_flags() -> set[str] | None:
    """This CPU's instruction flags; None without /proc/cpuinfo."""
    return _cpu()[0]


def cpu_isa() -> str:
    """The bf16 instructions OpenVINO's kernels get here: amx_bf16 (amx_fp16 where AMX has
    fp16 too), avx512_bf16 or none; unknown without /proc/cpuinfo.

    AMX and AVX-512 bf16 give different samples (and AVX-512 bf16 alone ran slower than
    fp32), so they are different machines to a verdict. ONEDNN_MAX_CPU_ISA caps what the
    kernels use, as it does for OpenVINO."""
    return _isa(_cpu()[0])


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


def shipped(digest: str, precision: str, device: str) -> QualityReport | None:
    """The report narrate ships for this voice and variant, whether or not it holds here."""
    return QualityReport.load(report_path(SHIPPED, digest, precision, device))


def mismatch(report: QualityReport, device: str) -> str | None:
    """Why a report does not speak for this machine, or None when it does."""
    here = machine(report.precision, device)
    for key in HOLD:
        there = report.measured_on.get(key)
        if (there or key in here) and there != here.get(key):
            return f"it was measured with {key} {there or 'unknown'}, here {here.get(key, 'none')}"
    return None


def where(report: QualityReport) -> str:
    """Where narrate's own report was measured, for `narrate models list`."""
    measured = report.measured_on
    parts = [measured.get("cpu", "a CPU"), measured.get("isa", "")]
    parts += [
        f"{name} {measured[name]}" for name in ("openvino", "onnxruntime") if name in measured
    ]
    return ", ".join(part for part in parts if part)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def _cpu() -> tuple[set[str] | None, str]:
    """This CPU's flags (None where /proc/cpuinfo cannot be read) and its name."""
    try:
        lines = CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None, "unknown"
    fields = [line.split(":", 1) for line in lines if ":" in line]
    flags = set().union(*(value.split() for key, value in fields if key.strip() == "flags"))
    names = [value.strip() for key, value in fields if key.strip() == "model name"]
    return flags, names[0] if names else "unknown"
