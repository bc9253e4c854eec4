"""Word marks: spoken words aligned with the words the voice was given, and traced back to
the characters of the chapter (real espeak-ng phonemes; times are made up, one word a
second, so that a mark's times say which spoken words it covers)."""

import itertools
import random
import re
from pathlib import Path

import pytest

from config.manifest import WordMark
from config.manuscript import LexiconEntry
from models.phonemizer import Phonemizer
from models.traced import Traced
from models.voice import spoken_words
from models.wording import Wording
from worker.segment import Span, segment_chapter
from worker.words import groups, source, span_words

LEXICON = Wording(
    (
        LexiconEntry(grapheme="Henry VIII", alias="Henry the Eighth"),
        LexiconEntry(grapheme="Cholmondeley", alias="Chumley"),
        LexiconEntry(grapheme="Nimue", phonemes="ˈnɪmjuː"),
    )
)


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer.load("joe")


def marks_of(
    phonemizer: Phonemizer, text: str, wording: Wording = LEXICON
) -> list[tuple[str, list[int]]]:
    """Each mark of a one-span text: its source text and the spoken words it covers."""
    (span,) = [span for segment in segment_chapter(text) for span in segment.spans]
    marks = marks_for(phonemizer, text, span, wording)
    return [(m.text, list(range(int(m.start_s), int(m.end_s) + 1))) for m in marks]


def marks_for(phonemizer: Phonemizer, text: str, span: Span, wording: Wording) -> list[WordMark]:
    """A span's word marks, spoken word k heard from k to k + 0.5 s."""
    phonemes = phonemizer.phonemize(wording.words(span.text))
    times = [(float(k), k + 0.5) for k in range(len(spoken_words(phonemes)))]
    return span_words(text, span, phonemes, times, wording, phonemizer.phonemize)


def texts(marks: list[tuple[str, list[int]]]) -> list[str]:
    return [text for text, _ in marks]


def test_a_number_is_one_mark_over_all_its_spoken_words(phonemizer: Phonemizer) -> None:
    marks = marks_of(phonemizer, "In 1887 he paid $3.50 for 42% of it.")
    assert texts(marks) == ["In", "1887", "he", "paid", "$3.50", "for", "42%", "of", "it"]
    spoken = dict(marks)
    assert spoken["1887"] == [1, 2]  # eighteen | eighty-seven
    assert spoken["$3.50"] == [5, 6, 7, 8, 9]  # three dollars and fifty cents


def test_dates_times_and_abbreviations_mark_what_was_written(phonemizer: Phonemizer) -> None:
    marks = marks_of(phonemizer, "Dr. Smith came on 12/25/1999 at 3:30 p.m., e.g. late.")
    said = "Dr.|Smith|came|on|12/25/1999|at|3:30 p.m.|e.g.|late"
    assert texts(marks) == said.split("|")


def test_hyphenated_words_and_quotes(phonemizer: Phonemizer) -> None:
    marks = marks_of(phonemizer, '"Well," said the well-known man--the lean-to stood.')
    assert texts(marks) == ["Well", "said", "the", "well-known", "man", "the", "lean-to", "stood"]
    assert len(dict(marks)["lean-to"]) == 2  # espeak says it as two words


def test_words_spoken_as_one_are_one_mark(phonemizer: Phonemizer) -> None:
    marks = marks_of(phonemizer, "He went out of the house and sat on the wall.")
    assert texts(marks) == ["He", "went", "out of", "the", "house", "and", "sat", "on the", "wall"]


def test_lexicon_aliases_and_phonemes_mark_their_graphemes(phonemizer: Phonemizer) -> None:
    marks = marks_of(phonemizer, "Henry VIII met Nimue and Cholmondeley's cat.")
    assert texts(marks) == ["Henry", "VIII", "met", "Nimue", "and", "Cholmondeley's", "cat"]
    assert dict(marks)["VIII"] == [1, 2]  # the Eighth


def test_marks_point_into_the_chapter_text(phonemizer: Phonemizer) -> None:
    # a paragraph of prose (lines over 60 characters: not verse), a line end mid-sentence
    text = (
        'Intro.\n\n"The  keeper of the light, the one who had always been there, waited\n'
        'long," he said.'
    )
    _, sentence = [span for segment in segment_chapter(text) for span in segment.spans]
    marks = marks_for(phonemizer, text, sentence, Wording())
    assert [m.text for m in marks][-5:] == ["there", "waited", "long", "he", "said"]
    assert [" ".join(text[m.char_start : m.char_end].split()) for m in marks] == [
        m.text for m in marks
    ]
    assert marks[1].char_start == text.index("keeper")
    assert all(sentence.start <= m.char_start < m.char_end <= sentence.end for m in marks)


def test_words_joined_across_a_line_end_are_one_space_apart(phonemizer: Phonemizer) -> None:
    text = "They met the king who ruled England for many years, whose name was Henry\nVIII."
    (span,) = [span for segment in segment_chapter(text) for span in segment.spans]
    marks = marks_for(phonemizer, text, span, LEXICON)
    assert [m.text for m in marks][-2:] == ["Henry", "VIII"]


@pytest.mark.parametrize(
    "text",
    [
        "I had by no means shaken off the feeling of oppression, and wherever I might have "
        "been should scarce have been quite conscious of the place.",
        "Then she left... quickly, quietly; it's the 19th-century U.S. rule, isn't it?",
        "这是第一句。",
    ],
)
def test_marks_are_in_order_and_cover_every_spoken_word_once(
    phonemizer: Phonemizer, text: str
) -> None:
    marks = marks_of(phonemizer, text, Wording())
    covered = [word for _, words in marks for word in words]
    (span,) = [s for seg in segment_chapter(text) for s in seg.spans]
    count = len(spoken_words(phonemizer.phonemize(Wording().words(span.text))))
    assert covered == list(range(count))


def test_groups_pair_what_no_link_ties_when_both_sides_have_some() -> None:
    # given 0 1 2 3, spoken 0 1 2 3: linked 0-0 and 3-3; 1, 2 unlinked on both sides
    found = groups([(0, 0), (3, 3)], 4, 4)
    assert [(list(g.tokens), list(g.words)) for g in found] == [
        ([0], [0]),
        ([1, 2], [1, 2]),
        ([3], [3]),
    ]


def test_groups_give_unlinked_words_on_one_side_to_a_neighbour() -> None:
    # spoken word 0 and given word 3 are linked to nothing
    found = groups([(0, 1), (1, 2), (2, 3)], 4, 4)
    assert [(list(g.tokens), list(g.words)) for g in found] == [
        ([0], [0, 1]),
        ([1], [2]),
        ([2, 3], [3]),
    ]
    assert [(list(g.tokens), list(g.words)) for g in groups([], 2, 3)] == [([0, 1], [0, 1, 2])]


@pytest.mark.parametrize(
    "text",
    [
        "Numbers like 1,234,567 and 3.14159 were read aloud on Jan. 5th, 2021.",
        "Then she left... quickly, quietly; it's the 19th-century U.S. rule, isn't it?",
    ],
)
def test_marks_never_overlap_in_time_or_text(phonemizer: Phonemizer, text: str) -> None:
    (span,) = [s for seg in segment_chapter(text) for s in seg.spans]
    marks = marks_for(phonemizer, text, span, Wording())
    for a, b in itertools.pairwise(marks):
        assert a.end_s <= b.start_s and a.char_end <= b.char_start


@pytest.mark.parametrize("name", ["hard.txt", "hard_text.txt", "two_chapters.txt"])
def test_every_span_traced_is_what_the_voice_was_given(name: str) -> None:
    text = (Path(__file__).parents[1] / "data" / name).read_text()
    for span in (span for segment in segment_chapter(text) for span in segment.spans):
        said = source(text, span.start, span.end)
        assert said.text == span.text
        assert LEXICON.traced(said).text == LEXICON.words(span.text)


def test_a_piece_of_the_chapter_is_traced_as_the_general_rewrite_traces_it() -> None:
    """`source` makes its white space one space directly: the same text, the same origin
    for every character and the same end as `Traced.sub` gives, on texts of every kind of
    white space, cut anywhere."""
    pick = random.Random(1)
    for _ in range(500):
        text = "".join(pick.choice("ab c\n\t  .,'d\u00a0") for _ in range(pick.randint(0, 40)))
        start = pick.randint(0, len(text))
        end = pick.randint(start, len(text))
        assert source(text, start, end) == Traced.of(text[start:end], start).sub(
            re.compile(r"\s+"), lambda _: " "
        )
