"""One loaded voice per (voice, device, precision) per process, shared by all its tasks.

Sessions are created on first use, so a forking worker creates them in each child after
the fork, never before.
"""

import logging
import threading

from config.errors import UnknownVoiceError
from config.settings import Settings, get_settings
from models.graph import model_digest
from models.piper import PiperVoice
from models.registry import find_voice
from models.variants import choose_precision
from models.voice import Voice

log = logging.getLogger(__name__)

_lock = threading.Lock()
_voices: dict[tuple[str, str, str], Voice] = {}  # (voice, device, precision) as asked
# GPU memory per batch row, measured on an H100 with the joe voice (one run in a fresh
# arena): a front row, one passage with its context padded to 2,048 ids, 0.14 GB; a
# decoder row, one 512-frame window, 0.094 GB in fp16 and 0.225 GB in fp32. Whole-book
# runs peaked at 1.37x the sum over the workers (arena rounding, cuDNN workspaces, the CUDA
# context): 4 workers x (8 front + 16 decoder rows) 14.1 GB, x (16 + 32) 28.5 GB.
GB_PER_ID = 0.14 / 2048
GB_PER_FRAME = {"fp32": 0.225 / 512, "fp16": 0.094 / 512}
PEAK_OVER_SUM = 1.5
PASSAGE_IDS = 2048
# A front row yields about two decoder windows. Batches past 16 front and 32 decoder rows
# ran no faster on the H100 (1159x against 1258x for the book, at 42.8 GB against 28.5).
WINDOWS_PER_PASSAGE = 2
WINDOW_FRAMES = 512
MAX_PASSAGE_ROWS = 16
MAX_BACK_FRAMES = {"bf16": 320}  # by precision, else 448: see Settings.max_back_frames


def get_voice(name_or_path: str, device: str | None = None) -> Voice:
    """The shared voice, loaded once; raises UnknownVoiceError for a bad name, path or variant.

    The configured precision (`auto` by default) is checked against the variant's quality
    report once, when the voice is first loaded in this process.
    """
    settings = get_settings()
    key = (name_or_path, device or settings.device, settings.precision)
    with _lock:
        if key not in _voices:
            resolved = resolve_device(key[1])
            files = find_voice(name_or_path)
            precision = choose_precision(
                settings.precision,
                resolved,
                model_digest(files.model),
                settings.cache_dir,
                files.name,
            )
            _voices[key] = load_voice(name_or_path, resolved, precision, settings)
        return _voices[key]


def load_voice(name_or_path: str, device: str, precision: str, settings: Settings) -> PiperVoice:
    log.info("loading voice %s on %s in %s", name_or_path, device, precision)
    voice = PiperVoice.load(
        name_or_path,
        providers=providers_for(
            device,
            settings.cudnn_conv_algo_search,
            settings.cuda_arena_extend_strategy,
            settings.gpu_memory_gb,
        ),
        cache_dir=settings.cache_dir,
        back_frame_budget=back_budget(device, precision, settings),
        batch_budget=front_budget(device, precision, settings),
        threads=settings.cpu_threads,
        context_phonemes=settings.context_phonemes,
        margin_frames=settings.context_margin_frames,
        max_back_frames=settings.max_back_frames or MAX_BACK_FRAMES.get(precision, 448),
        precision=precision,
        inference_workers=settings.inference_workers,
        shape_step=1 if device == "cpu" else settings.cuda_shape_step,
    )
    # A passage's ids: its phonemes with a pad after each, and context on both sides.
    voice.warm_up(2 * (settings.passage_phonemes + 2 * settings.context_phonemes))
    return voice


def back_budget(device: str, precision: str, settings: Settings) -> int:
    """Decoder batch in frames: as set, or on CUDA what the GPU memory budget holds."""
    if settings.back_frame_budget or device == "cpu":
        return settings.back_frame_budget
    return _passage_rows(precision, settings) * WINDOWS_PER_PASSAGE * WINDOW_FRAMES


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
    row_gb = PASSAGE_IDS * GB_PER_ID + WINDOWS_PER_PASSAGE * WINDOW_FRAMES * frame_gb
    rows = max(1, min(MAX_PASSAGE_ROWS, int(per_worker_gb / row_gb)))
    return 1 << (rows.bit_length() - 1)


def resolve_device(device: str) -> str:
    """cpu, cuda or cuda:N as given; auto: CUDA when onnxruntime has it, else the CPU."""
    if device != "auto":
        return device
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return "cuda"
    log.warning("--device auto: no CUDA provider in onnxruntime here, running on the CPU")
    return "cpu"


def providers_for(
    device: str,
    conv_algo_search: str = "HEURISTIC",
    arena_extend: str = "kNextPowerOfTwo",
    memory_gb: float = 0.0,
) -> list[str | tuple[str, dict[str, str]]]:
    """onnxruntime providers for cpu, cuda or cuda:N; a clear error if CUDA is missing."""
    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device == "cuda" or device.startswith("cuda:"):
        import onnxruntime

        if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
            raise UnknownVoiceError(
                f"--device {device}: onnxruntime has no CUDA provider here "
                "(install onnxruntime-gpu on a machine with an NVIDIA GPU)"
            )
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
    raise UnknownVoiceError(f"unknown device {device!r}: use cpu, cuda, cuda:N or auto")
