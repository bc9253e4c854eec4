"""One loaded voice per (voice, device) per process, shared by everything in it.

Sessions are created on first use, so a forking worker creates them in each child after
the fork, never before.
"""

import threading

from config.settings import get_settings
from models.piper import PiperVoice
from models.voice import Voice

_lock = threading.Lock()
_voices: dict[tuple[str, str], Voice] = {}


def get_voice(name_or_path: str, device: str = "cpu") -> Voice:
    """The shared voice, loaded once; raises UnknownVoiceError for a bad name or path."""
    key = (name_or_path, device)
    with _lock:
        if key not in _voices:
            settings = get_settings()
            _voices[key] = PiperVoice.load(
                name_or_path,
                threads=settings.cpu_threads,
                context_phonemes=settings.context_phonemes,
                margin_frames=settings.context_margin_frames,
                max_back_frames=settings.max_back_frames,
            )
        return _voices[key]
