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
# Decoder frames per GB of GPU memory, per inference worker, measured on an H100 with the
# joe voice (fp32: 28 GB peak for 2 workers x 16000 frames; fp16 holds half the bytes).
FRAMES_PER_GB = {"fp32": 1100, "fp16": 2000}
# Of the GPU memory budget, the share the decoder's batches are sized for; the front's
# batches (NARRATE_BATCH_BUDGET) take the rest.
ARENA_SHARE = 0.5


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
    return PiperVoice.load(
        name_or_path,
        providers=providers_for(device, settings.cudnn_conv_algo_search),
        cache_dir=settings.cache_dir,
        back_frame_budget=back_budget(device, precision, settings),
        threads=settings.cpu_threads,
        context_phonemes=settings.context_phonemes,
        margin_frames=settings.context_margin_frames,
        max_back_frames=settings.max_back_frames,
        precision=precision,
        inference_workers=settings.inference_workers,
        shape_step=1 if device == "cpu" else settings.cuda_shape_step,
    )


def back_budget(device: str, precision: str, settings: Settings) -> int:
    """Decoder batch in frames: as set, or on CUDA what the GPU memory budget holds."""
    if settings.back_frame_budget or device == "cpu":
        return settings.back_frame_budget
    frames_per_gb = FRAMES_PER_GB.get(precision, FRAMES_PER_GB["fp32"])
    per_worker = ARENA_SHARE * settings.gpu_memory_gb * frames_per_gb
    return int(per_worker / max(1, settings.inference_workers))


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
    device: str, conv_algo_search: str = "HEURISTIC"
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
            # Arena left as it is: growing it by exactly what is asked (kSameAsRequested) made
            # the book 2x slower (281x vs 612x on an H100), and a hard gpu_mem_limit made
            # concurrent runs on one capped arena thrash on out-of-memory retries.
        }
        return [("CUDAExecutionProvider", options), "CPUExecutionProvider"]
    raise UnknownVoiceError(f"unknown device {device!r}: use cpu, cuda, cuda:N or auto")
