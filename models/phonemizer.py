"""Text to a Piper voice's phonemes with espeak-ng (inside piper-tts).

Apart from the voice's sessions so that another process can phonemize for a voice (on a GPU
host espeak-ng runs in a process of its own: it holds the GIL while it works).
"""

import json
import logging
import re
import threading
import unicodedata

from piper import espeakbridge
from piper.config import PiperConfig
from piper.phonemize_espeak import ESPEAK_DATA_DIR

from config.errors import UnknownVoiceError
from models.registry import VoiceFiles, find_voice
from models.scripts import own_scripts, runs, to_english
from models.voice import WORD_BREAK, Phonemes

log = logging.getLogger(__name__)

# Unicode categories espeak would read out as names ("grinning face", "symbol 2605"):
# other symbols, modifiers, private use, unassigned, surrogates, format and control chars.
_UNSPEAKABLE = {"So", "Sk", "Co", "Cn", "Cs", "Cf", "Cc"}
SPACE = WORD_BREAK  # between words
# Phonemes written out in the text (a lexicon's IPA), as piper-tts marks them.
_PHONEME_BLOCK = re.compile(r"(\[\[.*?\]\])")
_LEADING_PUNCTUATION = re.compile(r"(?P<marks>[.,;:!?]+)(?P<space>\s*)")
_ESPEAK_LOCK = threading.Lock()
_LANGUAGE_SWITCH = re.compile(r"\([^)]+\)")  # "(fr)...(en)" around a word of another language


class _Espeak:
    """espeak-ng as piper-tts's EspeakPhonemizer drives it, but with the voice set only when
    it changes: piper-tts sets it on every call, and espeak-ng reads it again each time
    (0.12 ms, a seventh of a chapter's phonemizing with its words said alone). espeak-ng
    keeps one state per process: callers hold _ESPEAK_LOCK."""

    _voice: str | None = None  # the voice espeak-ng has now, in this process

    def __init__(self, data_dir: str) -> None:
        espeakbridge.initialize(data_dir)
        _Espeak._voice = None  # initialized again: no voice set

    def phonemize(self, voice: str, text: str) -> list[list[str]]:
        """The text's phonemes, by sentence (each a list of characters, NFD)."""
        if _Espeak._voice != voice:
            espeakbridge.set_voice(voice)
            _Espeak._voice = voice
        sentences: list[list[str]] = []
        sentence: list[str] = []
        for phonemes, terminator, ends in espeakbridge.get_phonemes(text):
            phonemes = _LANGUAGE_SWITCH.sub("", phonemes) + terminator
            if terminator in (",", ":", ";"):  # not a sentence's end
                phonemes += " "
            sentence.extend(unicodedata.normalize("NFD", phonemes))
            if ends:
                sentences.append(sentence)
                sentence = []
        if sentence:  # no terminator at the end
            sentences.append(sentence)
        return sentences


class Phonemizer:
    """Text to the voice's phonemes with espeak-ng: what a voice needs of text, without its
    sessions, so that another process can phonemize for it."""

    def __init__(self, config: PiperConfig) -> None:
        self.config = config
        self._ids = config.phoneme_id_map
        # One str object per phoneme the voice knows: a chapter's phonemes hold the same
        # few dozen objects, not one each (and pickle each once on their way to another
        # process), where a character cut from espeak's text is a new object every time.
        self._canonical = {phoneme: phoneme for phoneme in self._ids}
        with _ESPEAK_LOCK:  # it initializes espeak-ng again: not while another thread uses it
            self._espeak = _Espeak(str(ESPEAK_DATA_DIR))
        self._warned: set[str] = set()
        self._own_scripts = own_scripts(config.espeak_voice)
        self._english = config.espeak_voice.lower().startswith("en")

    @classmethod
    def load(cls, name_or_path: str) -> "Phonemizer":
        return cls(load_config(find_voice(name_or_path)))

    def phonemize(self, text: str) -> Phonemes:
        """The voice's phonemes for a text; `[[ ipa ]]` in it (from a lexicon) goes to the
        voice as written, one phoneme per character, as piper-tts's own phonemize does."""
        phonemes: list[str] = []
        parts = _PHONEME_BLOCK.split(text)
        for i, part in enumerate(parts):
            if i % 2:
                self._add_raw(phonemes, part[2:-2], parts[i - 1], parts[i + 1])
            elif part.strip():
                self._add_espeak(phonemes, part, continues=i > 0)
        return tuple(self._canonical.get(phoneme, phoneme) for phoneme in phonemes)

    def _add_espeak(self, phonemes: list[str], text: str, continues: bool) -> None:
        """espeak's sentences, a space between; the first continues the phonemes before it
        when the text follows a [[ ]] block ("[[ˈnɪmjuː]]-like"). Words in a script the
        voice has no rules for go to espeak-ng's voice for their language (`models.scripts`)."""
        pieces = list(runs(self._speakable(text), self._own_scripts))
        for k, (piece, language) in enumerate(pieces):
            spaced = k and (pieces[k - 1][0][-1].isspace() or piece[0].isspace())
            if spaced and phonemes and phonemes[-1] != SPACE:
                phonemes.append(SPACE)
            self._add_run(phonemes, piece, language, continues or k > 0)

    def _add_run(self, phonemes: list[str], text: str, language: str, continues: bool) -> None:
        if continues:
            text = self._add_punctuation(phonemes, text)
        with _ESPEAK_LOCK:  # espeak-ng keeps one global state per process
            sentences = self._espeak.phonemize(language or self.config.espeak_voice, text)
        for n, sentence in enumerate(sentences):
            if phonemes and phonemes[-1] != SPACE and not (continues and n == 0):
                phonemes.append(SPACE)
            if language and self._english:
                sentence = to_english(sentence)
            phonemes.extend(p for p in sentence if self._known(p))

    def _add_punctuation(self, phonemes: list[str], text: str) -> str:
        """The text without the punctuation it opens with, which goes in as phonemes.

        espeak drops punctuation at the start of a text, and after a [[ ]] block that is
        the sentence's own ("[[ˈnɪmjuː]], then", "I met [[ˈnɪmjuː]]."): piper-tts loses it,
        and with it the pause and the falling tone.
        """
        match = _LEADING_PUNCTUATION.match(text)
        if match is None:
            return text
        phonemes.extend(p for p in match.group("marks") if self._known(p))
        if match.group("space"):
            phonemes.append(SPACE)
        return text[match.end() :]

    def _add_raw(self, phonemes: list[str], ipa: str, before: str, after: str) -> None:
        """A [[ ]] block: spaces around it only where the text has them."""
        if phonemes and phonemes[-1] != SPACE and before.endswith(SPACE):
            phonemes.append(SPACE)
        phonemes.extend(p for p in unicodedata.normalize("NFD", ipa.strip()) if self._known(p))
        if after.startswith(SPACE):
            phonemes.append(SPACE)

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
