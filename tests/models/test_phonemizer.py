"""espeak-ng driven as piper-tts drives it, the voice set only when it changes."""

import pytest
from piper import espeakbridge
from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

import models.phonemizer
from models.phonemizer import Phonemizer

TEXTS = [
    ("en-us", "The keeper climbed the stairs at seven; then, at last, he lit the lamp."),
    ("fr", "Il a dit « bonjour » et il est parti."),
    ("en-us", "No terminator here"),
    ("en-us", "Wait... what?! Yes: no, maybe; perhaps,"),
    ("el", "Ελληνικά: α, β; γ."),
    ("en-us", "He said bonjour (in French) and left."),
]


def set_voices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The voices espeak-ng is set to from now on, in order."""
    sets: list[str] = []
    real_set = espeakbridge.set_voice

    def counted(voice: str) -> None:
        sets.append(voice)
        real_set(voice)

    monkeypatch.setattr(espeakbridge, "set_voice", counted)
    return sets


def test_the_same_sentences_as_piper_tts_with_the_voice_set_once_a_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    piper = EspeakPhonemizer(ESPEAK_DATA_DIR)
    expected = [piper.phonemize(voice, text) for voice, text in TEXTS]
    sets = set_voices(monkeypatch)
    ours = models.phonemizer._Espeak(str(ESPEAK_DATA_DIR))  # after piper's: initialized again
    assert [ours.phonemize(voice, text) for voice, text in TEXTS] == expected
    # Set when it changed only: en-us, fr, en-us, el, en-us (not again for the 3rd and 4th).
    assert sets == ["en-us", "fr", "en-us", "el", "en-us"]
    assert [ours.phonemize("en-us", TEXTS[0][1]) for _ in range(3)] == [expected[0]] * 3
    assert len(sets) == 5


def test_a_phonemizer_made_again_sets_its_voice_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """espeak-ng initialized again (a second voice's Phonemizer) has no voice set: the next
    call sets it, or espeak-ng would speak with none."""
    first = Phonemizer.load("joe")
    before = first.phonemize("A lamp.")
    Phonemizer.load("joe")  # initializes espeak-ng again
    sets = set_voices(monkeypatch)
    assert first.phonemize("A lamp.") == before
    assert sets == ["en-us"]
