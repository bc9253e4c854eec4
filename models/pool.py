"""One loaded voice per (voice, device, precision) per process, shared by all its tasks.

Sessions are created on first use, so a forking worker creates them in each child after
the fork, never before.
"""

import logging
import threading
import time

from config.settings import Settings, get_settings
from models.graph import model_digest
from models.piper import PiperVoice
from models.registry import find_voice
from models.runtime import Runtime, resolve_device
from models.variants import choose_precision
from models.voice import Voice

log = logging.getLogger(__name__)

_lock = threading.Lock()
_voices: dict[tuple[str, str, str], Voice] = {}  # (voice, device, precision) as asked


def _key(name_or_path: str, device: str | None) -> tuple[str, str, str]:
    settings = get_settings()
    return (name_or_path, device or settings.device, settings.precision)


def is_loaded(name_or_path: str, device: str | None = None) -> bool:
    """Whether get_voice would return at once (the voice is loaded in this process)."""
    with _lock:
        return _key(name_or_path, device) in _voices


def get_voice(name_or_path: str, device: str | None = None, long_run: bool = True) -> Voice:
    """The shared voice, loaded once; raises UnknownVoiceError for a bad name or path,
    DeviceError or PrecisionError for a device or variant it cannot run.

    The configured precision (`auto` by default) is checked against the variant's quality
    report once, when the voice is first loaded in this process. `long_run` false: the
    process will narrate little (a short book), so the warm-up that holds a long run's
    memory flat is left out (`PiperVoice.warm_up`).
    """
    settings = get_settings()
    key = _key(name_or_path, device)
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
            _voices[key] = load_voice(name_or_path, resolved, precision, settings, long_run)
        return _voices[key]


def load_voice(
    name_or_path: str, device: str, precision: str, settings: Settings, long_run: bool = True
) -> PiperVoice:
    log.info("loading voice %s on %s in %s", name_or_path, device, precision)
    began = time.perf_counter()
    voice = PiperVoice.load(name_or_path, Runtime.from_settings(settings, device, precision))
    loaded = time.perf_counter()
    voice.warm_up(longest_ids(settings), long_run)
    log.info(
        "voice %s loaded: sessions %.2f s, warm-up %.2f s",
        name_or_path,
        loaded - began,
        time.perf_counter() - loaded,
    )
    return voice


def longest_ids(settings: Settings) -> int:
    """A passage's most ids: its phonemes with a pad after each, and context on both sides."""
    return 2 * (settings.passage_phonemes + 2 * settings.context_phonemes)
