"""Traced rewriting: the same text as the plain rewrite, each word knowing its source."""

import re

import pytest

from config.manuscript import LexiconEntry
from models.normalize import normalize, normalize_traced
from models.traced import Traced
from models.wording import Wording
from tests.models.test_normalize import BRITISH_CASES, CASES

LEXICON = (
    LexiconEntry(grapheme="Henry VIII", alias="Henry the Eighth"),
    LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
)
HARD = (
    "In 1887 Dr. Smith's well-known house, on Jan. 5th, cost $3.50 (10% more).",
    "Henry VIII met Nimue at 10.45 p.m. on 3/4/2021; e.g. [[brackets]] stay text.",
)


def source_of(traced: Traced, word: str, text: str) -> str:
    """The source characters a word of the traced text stands for."""
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", traced.text)
    assert found is not None, f"{word!r} not in {traced.text!r}"
    start, end = traced.origin(*found.span())
    return text[start:end]


@pytest.mark.parametrize(("written", "spoken"), CASES)
def test_traced_normalization_says_what_normalize_says(written: str, spoken: str) -> None:
    assert normalize_traced(Traced.of(written)).text == normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), BRITISH_CASES)
def test_traced_normalization_follows_the_locale(written: str, spoken: str) -> None:
    assert normalize_traced(Traced.of(written), "en-GB").text == spoken


@pytest.mark.parametrize("text", HARD)
def test_a_wording_traced_says_what_it_says_untraced(text: str) -> None:
    wording = Wording(LEXICON)
    assert wording.traced(Traced.of(text)).text == wording.words(text)


def test_each_word_knows_the_characters_it_says() -> None:
    text = HARD[0]
    traced = Wording().traced(Traced.of(text))
    assert source_of(traced, "In", text) == "In"  # the year's cue, left as it was
    assert source_of(traced, "eighteen", text) == "1887"
    assert source_of(traced, "eighty-seven", text) == "1887"
    assert source_of(traced, "Doctor", text) == "Dr."
    assert source_of(traced, "Smith's", text) == "Smith's"
    assert source_of(traced, "January", text) == "Jan. 5th"
    assert source_of(traced, "dollars", text) == "$3.50"
    assert source_of(traced, "percent", text) == "10%"


def test_lexicon_entries_stand_for_their_graphemes() -> None:
    text = HARD[1]
    traced = Wording(LEXICON).traced(Traced.of(text))
    assert source_of(traced, "Eighth", text) == "VIII"  # "Henry" stays its own word
    assert source_of(traced, "Henry", text) == "Henry"
    assert source_of(traced, "[[ˈnɪmjuː]]", text) == "Nimue"
    assert source_of(traced, "met", text) == "met"


def test_origins_count_from_the_offset_given() -> None:
    traced = Wording().traced(Traced.of("It cost $5.", offset=100))
    assert traced.text == "It cost five dollars."
    assert traced.origin(0, 2) == (100, 102)
    assert traced.origin(8, 20) == (108, 110)
    assert traced.origin(len(traced.text), len(traced.text)) == (111, 111)


def test_words_a_rule_keeps_inside_its_match_keep_their_own_source() -> None:
    text = "It came on the 3rd of March, 1887."
    traced = Wording().traced(Traced.of(text))
    assert traced.text == Wording().words(text)
    assert source_of(traced, "third", text) == "3rd"
    assert source_of(traced, "March", text) == "March"
    assert source_of(traced, "eighty-seven", text) == "1887"
