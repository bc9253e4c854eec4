"""How a voice runs in this process: device, providers, batch budgets, thread counts.

`Runtime.from_settings` is the one place where `config.settings` becomes a voice's knobs, so
a default lives in `Settings` alone. On CUDA the batch budgets come from the GPU memory
budget shared by the inference workers, from per-row memory measured on an H100
(docs/performance.md, "GPU memory budget").
"""

import logging
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from config.devices import cuda_advice, cuda_build, detect_device, gpu_count
from config.errors import DeviceError
from config.settings import ArenaExtend, Settings
from models.graph import ATTENTION_SPAN

log = logging.getLogger(__name__)

Providers = list[str | tuple[str, dict[str, str]]]
CPU_PROVIDERS: Providers = ["CPUExecutionProvider"]

# GPU memory per batch row with the joe voice: a front row is one passage with its context
# padded to PASSAGE_IDS ids; a decoder row one WINDOW_FRAMES window. Whole-book peaks stay
# under PEAK_OVER_SUM x the sum over the workers (arena rounding, cuDNN workspaces).
GB_PER_ID = 0.14 / 2048
GB_PER_FRAME = {"fp32": 0.225 / 512, "fp16": 0.094 / 512}
PEAK_OVER_SUM = 1.5
PASSAGE_IDS = 2048
WINDOWS_PER_PASSAGE = 2  # a front row yields about two decoder windows
WINDOW_FRAMES = 512
PASSAGE_FRAMES = WINDOWS_PER_PASSAGE * WINDOW_FRAMES  # a passage's share of a decoder batch
MAX_PASSAGE_ROWS = 16  # larger batches ran no faster
# Longest decoder run by precision when Settings.max_back_frames is 0: OpenVINO's memory
# grows with the longest run. onnxruntime on the CPU takes longer runs: each join costs 64
# frames of overlap (12.8% more frames than kept at 448 for a chapter, 6.2% at 960: 4.5%
# faster, 150 MB more at peak; docs/performance.md, "Decoder chunks").
MAX_BACK_FRAMES = {"bf16": 320}
DEFAULT_MAX_BACK_FRAMES = 448
CPU_MAX_BACK_FRAMES = 960
# The automatic GPU budget: a share of the free memory (other processes, cuDNN's own
# workspace), at most what the largest batches use; without nvidia-smi, a budget any
# current data-centre GPU has.
FREE_SHARE = 0.9
AUTO_MAX_GB = 72.0
FALLBACK_GB = 16.0
# Processes narrating on one GPU when none is set: one Python process leaves the GPU idle
# half the time, its threads waiting for the GIL; three ran 9-18% faster than one on an
# H200 (batches of 8 passages at 42 GB each), four no faster than three. Each keeps at
# least PROCESS_MIN_GB: under it a process's batches fall below 8 passages (and one
# process at 16 GB ran a third slower than at 72; docs/performance.md, "Several processes
# per GPU").
CUDA_DEVICE_PROCESSES = 3
PROCESS_MIN_GB = 32.0


@dataclass(frozen=True)
class Runtime:
    """What a loaded voice needs to know about where and how it runs."""

    providers: Providers
    threads: int  # intra-op threads per run; 0: one per core
    inference_workers: int
    context_phonemes: int
    margin_frames: int
    max_back_frames: int
    batch_budget: int  # front batch in ids; 0: one passage at a time
    back_frame_budget: int  # decoder batch in frames; 0: one chunk at a time
    shape_step: int  # ids padded to a multiple of this; 1: shapes as they come (CPU)
    expand_in_graph: bool  # the decoder graph expands the prior (models.expand; CUDA)
    precision: str
    cache_dir: Path | None
    attention_span: int = ATTENTION_SPAN  # the front's reach, in phoneme ids

    @classmethod
    def from_settings(
        cls, settings: Settings, device: str = "cpu", precision: str = "fp32", **overrides: Any
    ) -> "Runtime":
        check_runnable(device)  # before the GPU's memory is read: no warning before the error
        if device != "cpu" and settings.gpu_memory_gb <= 0:
            budget = auto_gpu_memory_gb(device)
            settings = settings.model_copy(update={"gpu_memory_gb": budget})
        runtime = cls(
            providers=providers_for(
                device,
                settings.cudnn_conv_algo_search,
                settings.cuda_arena_extend_strategy,
                settings.gpu_memory_gb,
            ),
            threads=settings.cpu_threads,
            inference_workers=settings.inference_workers,
            context_phonemes=settings.context_phonemes,
            margin_frames=settings.context_margin_frames,
            max_back_frames=settings.max_back_frames or max_back_frames(device, precision),
            batch_budget=front_budget(device, precision, settings),
            back_frame_budget=back_budget(device, precision, settings),
            shape_step=1 if device == "cpu" else settings.cuda_shape_step,
            expand_in_graph=device != "cpu" and settings.cuda_expand,
            precision=precision,
            cache_dir=settings.cache_dir,
            attention_span=settings.attention_span,
        )
        return replace(runtime, **overrides)


def max_back_frames(device: str, precision: str) -> int:
    """The longest decoder run when none is set."""
    if precision in MAX_BACK_FRAMES:
        return MAX_BACK_FRAMES[precision]
    return CPU_MAX_BACK_FRAMES if device == "cpu" else DEFAULT_MAX_BACK_FRAMES


def back_budget(device: str, precision: str, settings: Settings) -> int:
    """Decoder batch in frames: as set, or on CUDA what the GPU memory budget holds."""
    if settings.back_frame_budget or device == "cpu":
        return settings.back_frame_budget
    return _passage_rows(precision, settings) * PASSAGE_FRAMES


def front_budget(device: str, precision: str, settings: Settings) -> int:
    """Front batch in phoneme ids: as set, or on CUDA what the GPU memory budget holds."""
    if settings.batch_budget or device == "cpu":
        return settings.batch_budget
    return _passage_rows(precision, settings) * PASSAGE_IDS


def _passage_rows(precision: str, settings: Settings) -> int:
    """Passages per front batch (and twice that many decoder windows) so that every worker
    running its largest batches at once stays within gpu_memory_gb; a power of two, as the
    batches' rows are (a row over would cost a batch twice the size)."""
    per_worker_gb = settings.gpu_memory_gb / (PEAK_OVER_SUM * max(1, settings.inference_workers))
    frame_gb = GB_PER_FRAME.get(precision, GB_PER_FRAME["fp32"])
    row_gb = PASSAGE_IDS * GB_PER_ID + PASSAGE_FRAMES * frame_gb
    rows = max(1, min(MAX_PASSAGE_ROWS, int(per_worker_gb / row_gb)))
    return 1 << (rows.bit_length() - 1)


def auto_gpu_memory_gb(device: str) -> float:
    """The GPU memory budget of a process alone on the device when none is set
    (process_budget_gb of its free memory now)."""
    return process_budget_gb(free_gpu_memory_gb(device), 1, device)


def process_budget_gb(
    free_gb: float | None, processes: int = 1, device: str = "cuda", set_gb: float = 0.0
) -> float:
    """Each process's share of the budget: of `set_gb` when one is set, else of FREE_SHARE
    of the free memory, at most AUTO_MAX_GB. Read once for all of them, before any holds
    memory: each reading it as it starts would count the others' arenas as they grow."""
    if set_gb > 0:
        return set_gb / processes
    if free_gb is None:
        budget = FALLBACK_GB / processes
        log.warning("cannot read the GPU's free memory (nvidia-smi): budget %g GB", budget)
        return budget
    budget = min(AUTO_MAX_GB, FREE_SHARE * free_gb / processes)
    log.info(
        "GPU memory budget %.1f GB a process, %d on %s (%.1f GB free)",
        budget,
        processes,
        device,
        free_gb,
    )
    return budget


def device_processes(settings: Settings, device: str) -> tuple[int, float | None]:
    """Processes to narrate on `device` (resolved), and the free memory (GB) read to count
    them, which their budgets are then shared from (None: not read, or not known)."""
    check_device(device)  # a bad name is said before the GPU's memory is asked about
    if device == "cpu":
        return max(1, settings.device_processes), None
    if settings.device_processes == 1:
        return 1, None  # alone, it reads its own budget as its voice loads
    if not cuda_build():
        return 1, None  # its session's error says why, not a warning on memory first
    free_gb = free_gpu_memory_gb(device)
    return gpu_processes(free_gb, settings.device_processes, settings.gpu_memory_gb), free_gb


def gpu_processes(free_gb: float | None, asked: int = 0, budget_gb: float = 0.0) -> int:
    """Processes to narrate on a GPU: as asked, else as many as get PROCESS_MIN_GB each of
    the budget set, or of the automatic one (FREE_SHARE of free_gb), at most
    CUDA_DEVICE_PROCESSES; 1 where neither is known."""
    if asked > 0:
        return asked
    total = budget_gb if budget_gb > 0 else None if free_gb is None else FREE_SHARE * free_gb
    if total is None:
        return 1
    return max(1, min(CUDA_DEVICE_PROCESSES, int(total // PROCESS_MIN_GB)))


def free_gpu_memory_gb(device: str) -> float | None:
    """Free memory of cuda:N as nvidia-smi reports it; None if it cannot tell. N counts
    the devices CUDA_VISIBLE_DEVICES lists, as CUDA does; nvidia-smi takes the entry."""
    index = device.partition(":")[2] or "0"
    visible = [v.strip() for v in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",")]
    if visible != [""] and index.isdigit() and int(index) < len(visible):
        index = visible[int(index)]
    return free_memory_of(index)


def free_memory_of(entry: str) -> float | None:
    """Free memory of the GPU nvidia-smi knows as `entry` (an index or a whole UUID)."""
    query = ["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits"]
    try:
        done = subprocess.run([*query, "-i", entry], capture_output=True, text=True, timeout=10)
        return float(done.stdout.split()[0]) / 1024 if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return None


def process_gpu_memory_bytes(pid: int) -> int | None:
    """GPU memory process pid holds on every GPU, as nvidia-smi reports it (0 where it
    lists no such process); None if nvidia-smi cannot tell. In a container with a PID
    namespace of its own, nvidia-smi may list the host's PIDs, which match none of ours."""
    query = ["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]
    try:
        done = subprocess.run(query, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    rows = [[field.strip() for field in line.split(",")] for line in done.stdout.splitlines()]
    mib = sum(
        int(row[1]) for row in rows if len(row) == 2 and row[0] == str(pid) and row[1].isdigit()
    )
    return mib * 2**20


def check_providers(session: Any, providers: Sequence[str | tuple[str, dict[str, str]]]) -> None:
    """Refuse a session that left out the provider asked for first: onnxruntime drops a CUDA
    provider it cannot load (CUDA or cuDNN of another version) with only a warning, and the
    book would then run on the CPU at a few times real time."""
    first = providers[0]
    wanted = first[0] if isinstance(first, tuple) else first
    if wanted not in session.get_providers():
        raise DeviceError(
            f"onnxruntime could not start {wanted} here (most often a CUDA or cuDNN library "
            "of another version than its build asks for, or no GPU; `narrate -v` shows its "
            "own warning); narrate does not fall back to the CPU on its own: set "
            "NARRATE_DEVICE=cpu (a worker's --device cpu) to run there"
        )


def resolve_device(device: str) -> str:
    """cpu, cuda or cuda:N as given; auto: as `config.devices.detect_device` finds it."""
    return detect_device() if device == "auto" else device


def providers_for(
    device: str,
    conv_algo_search: str = "HEURISTIC",
    arena_extend: ArenaExtend = "kSameAsRequested",
    memory_gb: float = 0.0,
) -> Providers:
    """onnxruntime providers for cpu, cuda or cuda:N; a clear error if CUDA is missing."""
    check_runnable(device)
    if device == "cpu":
        return list(CPU_PROVIDERS)
    index = device.partition(":")[2] or "0"
    # Shapes change with batches: a heuristic algorithm choice, not a search per shape.
    options = {
        "device_id": index,
        "cudnn_conv_algo_search": conv_algo_search,
        "arena_extend_strategy": arena_extend,
    }
    if memory_gb > 0:  # the arena never grows past the budget; batches fit inside it
        options["gpu_mem_limit"] = str(int(memory_gb * 2**30))
    return [("CUDAExecutionProvider", options), "CPUExecutionProvider"]


# How the back's convolutions are laid out on CUDA: channels last (cuDNN's own layout for
# fp16 tensor cores), where the graph's NCHW had cuDNN transpose every convolution's input
# and output (a fifth of the back's GPU time). The front stays NCHW: it ran slower in NHWC
# (docs/performance.md, "The back in NHWC"). A gate report names it (`models.verdicts`).
CUDA_BACK_LAYOUT = "nhwc"


def back_providers(providers: Providers) -> Providers:
    """The back's providers: the CUDA provider's options with its layout; the CPU's as given."""
    return [
        (item[0], item[1] | {"prefer_nhwc": "1"})
        if isinstance(item, tuple) and item[0] == "CUDAExecutionProvider"
        else item
        for item in providers
    ]


def check_runnable(device: str, given: str = "") -> None:
    """DeviceError unless the device is one narrate names and, for a GPU, this onnxruntime
    has the CUDA provider to run on it. `given`: how the user named the device, for the
    error (`--device cuda:0`); by default the setting's variable, as `narrate synth` and a
    worker's tasks take it (`auto` never resolves to a GPU it cannot run)."""
    check_device(device)
    if device == "cpu":
        return
    import onnxruntime

    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        given = given or f"NARRATE_DEVICE={device}"
        raise DeviceError(f"{given}: onnxruntime has no CUDA provider here: {cuda_advice()}")
    if gpu_count():  # cuda:9 on a host of one GPU: said now, not as onnxruntime opens it
        check_present(device, given)  # (where no device file shows a GPU, onnxruntime says)


def check_present(device: str, given: str = "") -> None:
    """DeviceError where cuda:N names a GPU past those this host shows (CUDA numbers them
    from 0). `cuda` alone names the kind, and passes: `narrate models list --device cuda`
    says what would run on a GPU host from any host. `given` as for `check_runnable`."""
    index = device.partition(":")[2]
    if not index.isdigit():
        return  # cpu, cuda
    count = gpu_count()
    if count is None or int(index) < count:
        return  # a GPU that is there, or WSL's, which cannot be counted
    given = given or f"NARRATE_DEVICE={device}"
    raise DeviceError(f"{given}: no such GPU: this host shows {_gpus_shown(count)}")


def _gpus_shown(count: int) -> str:
    if count == 0:
        return "none"
    return "1 (cuda:0)" if count == 1 else f"{count} (cuda:0 to cuda:{count - 1})"


def check_device(device: str) -> None:
    """DeviceError unless the device is one narrate names (auto resolved first)."""
    if device != "cpu" and device != "cuda" and not device.startswith("cuda:"):
        raise DeviceError(f"unknown device {device!r}: use cpu, cuda, cuda:N or auto")
