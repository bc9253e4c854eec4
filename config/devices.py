"""Which device `auto` means here (NARRATE_DEVICE's default), found without importing
onnxruntime: submitting a job on a GPU host loads no inference stack.

`auto` is the GPU where this process sees an NVIDIA GPU (the driver's `/dev/nvidiaN`, or
WSL 2's `/dev/dxg`) and the importable onnxruntime is a CUDA build; else the CPU, with a
warning that names what to install where an NVIDIA GPU is there and onnxruntime cannot use
it. The settings resolve it when they load, so that what follows from the device (CUDA's
four inference threads, the GPU's batches) holds on every path.
"""

import importlib.metadata
import importlib.util
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

SWAP_ONNXRUNTIME = (
    "pip uninstall -y onnxruntime onnxruntime-gpu && pip install onnxruntime-gpu "
    "(`make install-gpu` does it)"
)


def detect_device(dev: Path = Path("/dev")) -> str:
    """cuda or cpu, as `auto` takes it on this host."""
    nvidia = gpu_present(dev)
    if not nvidia and not wsl_gpu(dev):
        return "cpu"
    if cuda_build():
        return "cuda"
    if nvidia:  # WSL's GPU may be any maker's: nothing to advise there
        log.warning(
            "this host has an NVIDIA GPU but onnxruntime has no CUDA provider: running on the "
            "CPU (%s)",
            cuda_advice(),
        )
    return "cpu"


def gpu_present(dev: Path = Path("/dev")) -> bool:
    """Whether this process can see an NVIDIA GPU: the driver's device files (what a
    container is given with its GPUs), unless CUDA_VISIBLE_DEVICES names none."""
    return not _none_visible() and _device_files(dev) > 0


def gpu_count(dev: Path = Path("/dev")) -> int | None:
    """How many GPUs CUDA numbers here (cuda:0 up): the driver's device files, no more than
    CUDA_VISIBLE_DEVICES names (CUDA reads it up to its first invalid entry). None where
    the files do not say: WSL 2 (/dev/dxg) and MIG instances (several to a GPU's file)."""
    if not gpu_present(dev):
        return None if wsl_gpu(dev) else 0
    files = _device_files(dev)
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return files
    listed = 0
    for entry in (entry.strip() for entry in visible.split(",")):
        if entry.startswith("MIG-"):
            return None
        if not (entry.isdigit() or entry.startswith("GPU-")):
            break
        listed += 1
    return min(files, listed)


def _device_files(dev: Path) -> int:
    """The driver's GPU device files, /dev/nvidia0 up (not nvidiactl, nvidia-uvm)."""
    return sum(path.name[len("nvidia") :].isdigit() for path in dev.glob("nvidia[0-9]*"))


def wsl_gpu(dev: Path = Path("/dev")) -> bool:
    """Whether this is WSL 2 with its GPU passed through (`/dev/dxg`, not `/dev/nvidiaN`):
    CUDA runs there through onnxruntime-gpu as on Linux."""
    return not _none_visible() and (dev / "dxg").exists()


def _none_visible() -> bool:
    """CUDA_VISIBLE_DEVICES set to no GPU: "", "-1", or no index or UUID at all (Slurm's
    "NoDevFiles" for a job given none)."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return False
    entries = [entry.strip() for entry in visible.split(",")]
    return not any(entry.isdigit() or entry.startswith(("GPU-", "MIG-")) for entry in entries)


def cuda_build() -> bool:
    """Whether the onnxruntime that `import onnxruntime` would load carries the CUDA provider
    (its library beside the package's own; the package is found, not imported)."""
    try:
        spec = importlib.util.find_spec("onnxruntime")
    except (ImportError, ValueError):
        return False
    folders = spec.submodule_search_locations if spec else None
    return any(
        next((Path(folder) / "capi").glob("*onnxruntime_providers_cuda.*"), None) is not None
        for folder in folders or []
    )


def onnxruntime_builds() -> list[str]:
    """The onnxruntime distributions installed: they share one `onnxruntime` package, so
    with both the files of whichever was installed last are imported."""
    found = []
    for name in ("onnxruntime", "onnxruntime-gpu"):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def cuda_advice() -> str:
    """What to do when onnxruntime has no CUDA provider here."""
    builds = onnxruntime_builds()
    if builds == ["onnxruntime", "onnxruntime-gpu"]:
        return (
            "onnxruntime and onnxruntime-gpu are both installed and the CPU build's files won; "
            f"keep onnxruntime-gpu alone: {SWAP_ONNXRUNTIME}"
        )
    if builds == ["onnxruntime-gpu"]:
        # its files were overwritten or removed with a CPU build's (they share a package)
        return "reinstall onnxruntime-gpu: pip install --force-reinstall --no-deps onnxruntime-gpu"
    return (
        "install narrate's gpu extra, onnxruntime-gpu in place of onnxruntime: "
        f"pip install 'narrate[gpu]' && {SWAP_ONNXRUNTIME}"
    )
