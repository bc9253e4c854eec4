"""One loaded voice per (voice, device) per process, shared by everything in it.

Sessions are created on first use, so a forking worker creates them in each child after
the fork, never before.
"""

import threading

from config.errors import UnknownVoiceError
from config.settings import get_settings
from models.piper import PiperVoice
from models.voice import Voice

_lock = threading.Lock()
_voices: dict[tuple[str, str], Voice] = {}


def get_voice(name_or_path: str, device: str | None = None) -> Voice:
    """The shared voice, loaded once; raises UnknownVoiceError for a bad name or path."""
    settings = get_settings()
    device = device or settings.device
    key = (name_or_path, device)
    with _lock:
        if key not in _voices:
            _voices[key] = PiperVoice.load(
                name_or_path,
                providers=providers_for(device),
                cache_dir=settings.cache_dir,
                back_frame_budget=settings.back_frame_budget,
                threads=settings.cpu_threads,
                context_phonemes=settings.context_phonemes,
                margin_frames=settings.context_margin_frames,
                max_back_frames=settings.max_back_frames,
            )
        return _voices[key]


def providers_for(device: str) -> list[str | tuple[str, dict[str, str]]]:
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
        # Shapes change with every batch: a heuristic algorithm choice, not a search per shape.
        options = {"device_id": index, "cudnn_conv_algo_search": "HEURISTIC"}
        return [("CUDAExecutionProvider", options), "CPUExecutionProvider"]
    raise UnknownVoiceError(f"unknown device {device!r}: use cpu, cuda or cuda:N")
