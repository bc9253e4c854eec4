"""Words in other scripts: said as their language says them, not spelt out letter by letter."""

import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile

from config.manuscript import LexiconEntry
from models.gate import transcribe, words
from models.lexicon import apply_lexicon
from models.phonemizer import Phonemizer
from models.piper import PiperVoice
from models.scripts import (
    ENGLISH_SOUNDS,
    foreign_words,
    own_scripts,
    runs,
    script,
    to_english,
)
from models.voice import SynthesisParams, VoiceInput

SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
# What espeak-ng's English voice says for letters it has no rules for.
LETTER_NAMES = {"kappa", "alpha", "lambda", "gamma", "omega", "hebrew", "chinese", "letter"}


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer.load("joe")


def test_letters_have_scripts_and_what_scripts_share_has_none() -> None:
    assert [script(ch) for ch in "aé λ я ש 你 ー 1.,"] == [
        "LATIN", "LATIN", "", "GREEK", "", "CYRILLIC", "", "HEBREW", "", "CJK", "",
        "KATAKANA", "", "", "", "",
    ]  # fmt: skip
    assert own_scripts("en-us") == {"LATIN"} and own_scripts("el") == {"GREEK"}


def test_text_runs_by_the_language_that_reads_it() -> None:
    latin = {"LATIN"}
    assert list(runs("Say καλη μέρα, then привет!", latin)) == [
        ("Say ", ""),
        ("καλη μέρα", "el"),
        (", then ", ""),
        ("привет", "ru"),
        ("!", ""),
    ]
    assert list(runs("Plain text, 1887.", latin)) == [("Plain text, 1887.", "")]
    # Marks stay with their letters: a decomposed accent, Hebrew's vowel points.
    assert list(runs("a άλλα b", latin))[1] == ("άλλα", "el")
    assert list(runs("שָׁלוֹם.", latin)) == [
        ("שָׁלוֹם", "he"),
        (".", ""),
    ]
    # A Greek voice reads Greek itself; a script nobody reads here stays with the voice.
    assert list(runs("καλημέρα", {"GREEK"})) == [("καλημέρα", "")]
    assert list(runs("a \U00010330 b", latin)) == [("a \U00010330 b", "")]  # Gothic


def test_other_sounds_come_to_the_nearest_english_ones() -> None:
    assert to_english(["p", "r", "ʲ", "ˈ", "e", "t"]) == ["p", "ɹ", "ʲ", "ˈ", "e", "t"]
    assert to_english(["n", "i", "2", "χ", "ˈ", "ɑ", "u", "5", "̞"]) == list("nihˈɑu")
    assert to_english(["ɲ", "y"]) == ["n", "j", "u"]


@pytest.mark.parametrize(
    ("word", "language"),
    [("καλημέρα", "el"), ("привет", "ru"), ("שלום", "he"), ("你好", "cmn")],
)
def test_a_foreign_word_in_english_text_is_phonemized_by_its_language(
    phonemizer: Phonemizer, word: str, language: str
) -> None:
    said = phonemizer.phonemize(f"He said {word} to me.")
    alone = [p for s in phonemizer._espeak.phonemize(language, word) for p in s]
    expected = (
        *phonemizer.phonemize("He said"),
        " ",
        *to_english(alone),
        " ",
        *phonemizer.phonemize("to me."),
    )
    assert said == expected
    assert set(said) <= ENGLISH_SOUNDS | set(".")


def test_english_text_is_phonemized_in_one_piece_as_before(phonemizer: Phonemizer) -> None:
    text = "Café au lait, naïve Zoë; 1887!"
    sentences = phonemizer._espeak.phonemize("en-us", text)
    assert phonemizer.phonemize(text) == tuple(" ".join("".join(s) for s in sentences))


@pytest.mark.slow
def test_whisper_hears_the_word_and_no_letter_names(voice: PiperVoice, tmp_path: Path) -> None:
    sentences = [
        "The Greeks called it λόγος, he said.",
        "He said καλημέρα to me at the door.",
        "She wrote the word שלום on the wall.",
        "The sign read 你好 in red paint.",
    ]
    gap = np.zeros(int(0.5 * voice.sample_rate), dtype=np.float32)
    items = [(VoiceInput((voice.phonemize(text),)),) for text in sentences]
    audio = [gap]
    for (output,) in voice.synthesize(items, SILENT):
        audio += [output.audio, gap]
    wav = tmp_path / "scripts.wav"
    soundfile.write(wav, np.concatenate(audio), voice.sample_rate)
    heard = words(transcribe(wav))
    # logos, logus; locus where the CPU's rounding shifts the voice a little (one host's)
    assert any(re.match(r"lo[gck][aou]", word) for word in heard), heard
    assert not LETTER_NAMES & set(heard), heard


def test_a_lexicon_entry_still_says_a_foreign_word_its_way(phonemizer: Phonemizer) -> None:
    entry = LexiconEntry(grapheme="καλημέρα", phonemes="kælɪˈmɛɹə")
    said = phonemizer.phonemize(apply_lexicon("He said καλημέρα.", [entry]))
    assert "".join(said).startswith("".join(phonemizer.phonemize("He said")) + " kælɪˈmɛɹə")


def test_words_in_other_scripts_are_found_in_linear_time() -> None:
    # One long ASCII word (a hostile manuscript) once took quadratic time: 2.4 s at 20,000.
    began = time.perf_counter()
    found = foreign_words("a" * 1_000_000 + " λόγος", {"LATIN"})
    assert found == Counter({("λόγος", "GREEK"): 1})
    assert time.perf_counter() - began < 5.0


def test_a_phoneme_is_one_object_however_often_it_is_said(phonemizer: Phonemizer) -> None:
    """A book's phonemes hold a few dozen objects, not one for each character, in memory
    and in a pickle on its way from the phonemizer process."""
    first, second = phonemizer.phonemize("the cat sat"), phonemizer.phonemize("that hat")
    said = first + second
    assert len({id(phoneme) for phoneme in said}) == len(set(said)) < len(said)
