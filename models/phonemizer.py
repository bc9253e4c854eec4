"""Text to a Piper voice's phonemes with espeak-ng (inside piper-tts).

Apart from the voice's sessions so that another process can phonemize for a voice (on a GPU
host espeak-ng runs in a process of its own: it holds the GIL while it works).
"""

import json
import logging
import threading
import unicodedata

from piper.config import PiperConfig
from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

from config.errors import UnknownVoiceError
from models.registry import VoiceFiles, find_voice
from models.voice import Phonemes

log = logging.getLogger(__name__)

# Unicode categories espeak would read out as names ("grinning face", "symbol 2605"):
# other symbols, modifiers, private use, unassigned, surrogates, format and control chars.
_UNSPEAKABLE = {"So", "Sk", "Co", "Cn", "Cs", "Cf", "Cc"}
SPACE = " "
_ESPEAK_LOCK = threading.Lock()


class Phonemizer:
    """Text to the voice's phonemes with espeak-ng: what a voice needs of text, without its
    sessions, so that another process can phonemize for it."""

    def __init__(self, config: PiperConfig) -> None:
        self.config = config
        self._ids = config.phoneme_id_map
        self._espeak = EspeakPhonemizer(ESPEAK_DATA_DIR)
        self._warned: set[str] = set()

    @classmethod
    def load(cls, name_or_path: str) -> "Phonemizer":
        return cls(load_config(find_voice(name_or_path)))

    def phonemize(self, text: str) -> Phonemes:
        speakable = self._speakable(text)
        with _ESPEAK_LOCK:  # espeak-ng keeps one global state per process
            sentences = self._espeak.phonemize(self.config.espeak_voice, speakable)
        phonemes: list[str] = []
        for sentence in sentences:
            if phonemes and phonemes[-1] != SPACE:
                phonemes.append(SPACE)
            phonemes.extend(p for p in sentence if self._known(p))
        return tuple(phonemes)

    def _speakable(self, text: str) -> str:
        kept = []
        for ch in text:
            if unicodedata.category(ch) in _UNSPEAKABLE and ch not in "\n\t":
                self._warn_once(ch, "skipping a character the voice cannot speak: %r (U+%04X)")
                kept.append(" ")
            else:
                kept.append(ch)
        return "".join(kept)

    def _known(self, phoneme: str) -> bool:
        if phoneme in self._ids:
            return True
        self._warn_once(phoneme, "skipping a phoneme the voice does not know: %r (U+%04X)")
        return False

    def _warn_once(self, ch: str, message: str) -> None:
        if ch not in self._warned:
            self._warned.add(ch)
            log.warning(message, ch, ord(ch[0]))


def load_config(files: VoiceFiles) -> PiperConfig:
    try:
        with open(files.config, encoding="utf-8") as handle:
            return PiperConfig.from_dict(json.load(handle))
    except (OSError, ValueError, KeyError) as error:
        raise UnknownVoiceError(
            f"{files.config}: not a usable Piper voice config ({error})"
        ) from error
