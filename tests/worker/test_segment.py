import time
from pathlib import Path

import pytest

from config.settings import BreakClass, Segmenting
from worker.segment import paragraphs, segment_chapter, sentence_bounds


def sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentence_bounds(text)]


def spans(text: str, **budget: int) -> list[str]:
    return [s.text for seg in segment_chapter(text, Segmenting(**budget)) for s in seg.spans]


def test_dialogue_keeps_quotes_with_their_sentence() -> None:
    text = (
        '"Stop!" he cried. "Is it you?" She nodded. \u201cYes,\u201d she said. \u201cIt is.\u201d'
    )
    assert sentences(text) == [
        '"Stop!" he cried.',
        '"Is it you?"',
        "She nodded.",
        "\u201cYes,\u201d she said.",
        "\u201cIt is.\u201d",
    ]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "Mr. and Mrs. Hale met Dr. J. R. R. Tolkien of Smith Bros. Ltd. at St. Paul's, e.g."
        " at noon. Then tea."
    )
    assert sentences(text) == [
        "Mr. and Mrs. Hale met Dr. J. R. R. Tolkien of Smith Bros. Ltd. at St. Paul's, e.g."
        " at noon.",
        "Then tea.",
    ]


def test_an_abbreviation_that_is_a_word_in_lower_case_ends_its_sentence() -> None:
    text = "He sat. Then he said no. Out in the sun. A fig. We met on Sat. June 3 and Wed. The"
    assert sentences(text + " rest; see no. 5. I met Sun Yat-sen. He spoke.") == [
        "He sat.",
        "Then he said no.",
        "Out in the sun.",
        "A fig.",
        "We met on Sat. June 3 and Wed.",
        "The rest; see no. 5.",
        "I met Sun Yat-sen.",  # a hyphenated word's end is no abbreviation
        "He spoke.",
    ]
    # Abbreviations that close a place, a measure or a date end a sentence before a word
    # that begins one, and no other.
    text = "He lived on Baker St. The house, 5 ft. It snowed in Nov. He met St. Paul in Nov. 1900."
    assert sentences(text) == [
        "He lived on Baker St.",
        "The house, 5 ft.",
        "It snowed in Nov.",
        "He met St. Paul in Nov. 1900.",
    ]
    assert sentences('"Dear me," said I. "Have they any?"') == [
        '"Dear me," said I.',
        '"Have they any?"',
    ]
    text = (
        "Dick and I. The girls came. I. M. Pei drew it. No. Father was out at No. 4. That chap. I"
    )
    assert sentences(text + " fear him, see chap. 5.") == [
        "Dick and I.",
        "The girls came.",
        "I. M. Pei drew it.",
        "No.",
        "Father was out at No. 4.",
        "That chap.",
        "I fear him, see chap. 5.",
    ]
    # ... and what stays one: ranks joined, numbers after "No.", a part's numeral, "col. 3"
    text = (
        "He was promoted Lt.-Col. Smith said so. Symphony No. IX was played. Vol. I of it"
        " came. See col. 3 of the table. Part I. The Beginning"
    )
    assert sentences(text) == [
        "He was promoted Lt.-Col. Smith said so.",
        "Symphony No. IX was played.",
        "Vol. I of it came.",
        "See col. 3 of the table.",
        "Part I. The Beginning",
    ]
    text = "Then came the Lt. He saluted Lt. Smith and Gen. A. Jones."
    assert sentences(text) == ["Then came the Lt.", "He saluted Lt. Smith and Gen. A. Jones."]
    text = "In 55 B.C. Caesar came. It was 55 B.C. The Romans came."
    assert sentences(text) == ["In 55 B.C. Caesar came.", "It was 55 B.C.", "The Romans came."]


def test_a_word_that_cues_a_number_only_capitalized_or_never_with_a_period() -> None:
    assert sentences("Go to Apt. 4 now. Then Sect. 5 applies.") == [
        "Go to Apt. 4 now.",
        "Then Sect. 5 applies.",
    ]
    assert sentences("The nickname proved apt. 1968 showed why.") == [
        "The nickname proved apt.",
        "1968 showed why.",
    ]
    assert sentences("Levels hit 415 ppm. 2023 was the hottest year.") == [
        "Levels hit 415 ppm.",
        "2023 was the hottest year.",
    ]


def test_a_title_of_honour_ends_no_sentence() -> None:
    assert sentences("The Rt. Hon. William Pitt spoke. The Ven. Bede wrote.") == [
        "The Rt. Hon. William Pitt spoke.",
        "The Ven. Bede wrote.",
    ]
    assert sentences("The Revd. John Smith preached. He was brief.") == [
        "The Revd. John Smith preached.",
        "He was brief.",
    ]


def test_a_number_after_its_abbreviation_does_not_begin_a_sentence() -> None:
    text = "Born c. 1850 (d. 1900), he ate 5 lb. 3 oz. of it; see p. 5. 1851 was worse."
    assert sentences(text) == [
        "Born c. 1850 (d. 1900), he ate 5 lb. 3 oz. of it; see p. 5.",
        "1851 was worse.",
    ]
    assert sentences("It cost Rs. 500 in all. Then he paid Rs. 20.") == [
        "It cost Rs. 500 in all.",
        "Then he paid Rs. 20.",
    ]
    # Old money and a statute's sections: "£25 1s. 8½d." is one sum; "s. 172" one section.
    text = "The value of £25 1s. 8½d. was trifling. Under s. 172 of the Act, Art. 5 of it applies."
    assert sentences(text) == [
        "The value of £25 1s. 8½d. was trifling.",
        "Under s. 172 of the Act, Art. 5 of it applies.",
    ]
    # But a possessive, a decade, seconds, a degree or a shout before a number end theirs.
    text = (
        "It was Tom's. 20 came. In the 1990s. 2001 came. In 10 s. 3 fell. A Bachelor of"
        " Arts. 1968 came. He joined the SS. 1943 came."
    )
    assert len(sentences(text)) == 10
    text = (
        "The U.N. Security Council met H.M.S. Victory's crew, Wm. Shakespeare, Smith et al. (2019)."
    )
    assert len(sentences(text)) == 1
    # An abbreviation that often ends a sentence ends one before a word that begins them.
    text = "It was 2 a.m. The house slept. At 9 a.m. Monday the U.S. Army and Apple Inc. Shares"
    assert sentences(text) == [
        "It was 2 a.m.",
        "The house slept.",
        "At 9 a.m. Monday the U.S. Army and Apple Inc. Shares",
    ]
    text = (
        "He served in Co. A of it. It reached U.S. No. 1 then. Ken Griffey Jr. All-Star games"
        " came. We ate pears, etc. Mary paid. I fished with Al. He lost. Smith et al. The study"
        " failed. He studied H.M. His memory went. He joined the S.S. The drill hurt."
    )
    assert len(sentences(text)) == 13
    text = "From the 6th c. BC to the 3rd c. A.D. it stood. It fell in the 19th c. People left."
    assert sentences(text) == [
        "From the 6th c. BC to the 3rd c. A.D. it stood.",
        "It fell in the 19th c.",
        "People left.",
    ]


def test_a_chapters_numeral_and_its_title_are_one_sentence() -> None:
    text = "XII. IT IS THE END\n\nIt began. He said II. Then he went.\n\nMIX. Then go."
    spans = [span.text for segment in segment_chapter(text) for span in segment.spans]
    assert spans == [
        "XII. IT IS THE END",
        "It began.",
        "He said II.",
        "Then he went.",
        "MIX.",
        "Then go.",
    ]


def test_decimals_ellipses_and_numbers() -> None:
    text = "Pi is 3.14159 or so. It cost 2.50... Nobody paid. He waited... and waited. 42 came."
    assert sentences(text) == [
        "Pi is 3.14159 or so.",
        "It cost 2.50...",
        "Nobody paid.",
        "He waited... and waited.",
        "42 came.",
    ]


def test_an_elided_word_after_a_stop_begins_a_sentence() -> None:
    text = "He studied mathematics. ’Tis no use. Such luck. ’Pon my word, it is."
    assert sentences(text) == [
        "He studied mathematics.",
        "’Tis no use.",
        "Such luck.",
        "’Pon my word, it is.",
    ]


def test_a_versus_between_names_ends_no_sentence() -> None:
    text = "Contest: Conscience (Celestial B.C.) v. J. Garnet (unattached). Round One."
    assert sentences(text) == [
        "Contest: Conscience (Celestial B.C.) v. J. Garnet (unattached).",
        "Round One.",
    ]


def test_marks_alone_are_no_sentence_but_the_next_ones_opening() -> None:
    text = "He wrote: “… By the way, I met him. He was well.”"
    assert sentences("“… By the way, I met him. He was well.”") == [
        "“… By the way, I met him.",
        "He was well.”",
    ]
    assert spans(text) == ["He wrote: “… By the way, I met him.", "He was well.”"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer: “…?” He shrugged.", ["The answer: “…?”", "He shrugged."]),
        ("She asked: “‘…?’” He shrugged.", ["She asked: “‘…?’”", "He shrugged."]),
        ("“…!” He left.", ["“…!” He left."]),  # nothing said before: the marks open it
    ],
)
def test_marks_alone_in_a_quote_that_closes_end_what_was_said_before_it(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def test_brackets_hold_their_sentences_together() -> None:
    text = "He left (see Fig. 3. It shows the road.) and never came back. The end."
    assert sentences(text) == [
        "He left (see Fig. 3. It shows the road.) and never came back.",
        "The end.",
    ]


def test_cjk_punctuation_splits_without_spaces() -> None:
    assert sentences("这是第一句。这是第二句！好吗？") == ["这是第一句。", "这是第二句！", "好吗？"]


def test_long_sentence_is_cut_at_its_strongest_break_within_budget() -> None:
    text = (
        "The river ran past the mill and under the old bridge, where the children played; "
        "beyond it the fields stretched away to the hills, green and gold in the evening light."
    )
    pieces = spans(text, max_chars=100, min_chars=10)
    assert pieces[0].endswith(";")
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == text


def test_a_long_bracket_is_cut_at_its_own_sentences_first() -> None:
    """A bracket's sentences are one span; cut, it is cut where one of them ends."""
    text = (
        "(My other novel, which sold well. Slated by the Times; praised by the Mail, which"
        " said kind things.)"
    )
    pieces = spans(text, max_chars=80, min_chars=10)
    assert pieces[0] == "(My other novel, which sold well."  # not at the later ";"
    assert " ".join(pieces) == text
    brks = [s.brk for s in segment_chapter(text, Segmenting(max_chars=80, min_chars=10))]
    assert brks[0] == BreakClass.SENTENCE


def test_5000_characters_without_punctuation_are_cut_between_words_and_kept_whole() -> None:
    words = [f"word{i}" for i in range(700)]
    text = " ".join(words)
    assert len(text) > 5000
    segments = segment_chapter(text, Segmenting(max_chars=300, min_chars=60))
    pieces = [s.text for seg in segments for s in seg.spans]
    assert all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).split() == words  # no word cut, none lost
    assert [seg.brk for seg in segments][:-1] == [BreakClass.CLAUSE] * (len(segments) - 1)


def test_a_word_longer_than_the_budget_is_cut_not_dropped() -> None:
    text = "x" * 700
    pieces = spans(text, max_chars=300, min_chars=60)
    assert "".join(pieces) == text


def test_short_sentences_merge_within_a_paragraph_only() -> None:
    text = "Yes. No. Maybe so.\n\nAnother paragraph here."
    segments = segment_chapter(text, Segmenting(max_chars=300, min_chars=60))
    assert [seg.text for seg in segments] == ["Yes. No. Maybe so.", "Another paragraph here."]
    assert [seg.brk for seg in segments] == [BreakClass.PARAGRAPH, BreakClass.CHAPTER]


def test_verse_keeps_line_breaks_as_clause_breaks() -> None:
    text = "Intro line of prose that is long enough to stand alone.\n\n" + (
        "The light is low,\nThe sea is wide\nAnd home is on the other side."
    )
    segments = segment_chapter(text, Segmenting(max_chars=300, min_chars=60))
    verse = segments[1:]
    assert [seg.text for seg in verse] == [
        "The light is low,",
        "The sea is wide",
        "And home is on the other side.",
    ]
    assert [seg.brk for seg in verse] == [
        BreakClass.CLAUSE,
        BreakClass.CLAUSE,
        BreakClass.CHAPTER,
    ]


def test_offsets_point_at_the_span_text_and_cover_every_word(data: Path) -> None:
    text = (data / "hard.txt").read_text(encoding="utf-8")
    segments = segment_chapter(text)
    covered = []
    for seg in segments:
        for span in seg.spans:
            assert " ".join(text[span.start : span.end].split()) == span.text
            covered.append(span.text)
    assert "".join("".join(covered).split()) == "".join(text.split())  # nothing lost or added
    assert segments[-1].brk is BreakClass.CHAPTER


def test_a_scene_break_is_a_pause_and_its_marks_are_not_read() -> None:
    text = "* * *\n\nShe left.\n\n* * *\n\nHe stayed. It rained.\n\n⁂\n\nMorning came.\n\n***"
    segments = segment_chapter(text)
    assert [s.text for s in segments] == ["She left.", "He stayed. It rained.", "Morning came."]
    assert [s.brk for s in segments] == [BreakClass.SCENE, BreakClass.SCENE, BreakClass.CHAPTER]


def test_a_paragraph_of_one_symbol_word_is_still_read() -> None:
    segments = segment_chapter("He paid £5.\n\n§ 4\n\nThe end.")
    assert [s.text for s in segments] == ["He paid £5.", "§ 4", "The end."]
    assert segments[0].brk is BreakClass.PARAGRAPH


@pytest.mark.parametrize(
    "text",
    [
        "x c. AD " * 20_000,
        "1" * 50_000 + " x c. AD" * 2000,
        "Art. 5 " * 10_000,
        "s. 1 " * 10_000,
        "It was 2 a.m. The " * 5000,
        "Co. A " * 10_000,
        "et al. (" * 10_000,
        "(" + "It was. The " * 10_000,
        "He sat. Then he stood. " * 30_000,  # a book set as one paragraph
        "(" + "A. " * 20_000,
    ],
)
def test_long_runs_are_cut_in_linear_time(text: str) -> None:
    """A check that reads back to the line's start from every period takes minutes."""
    began = time.perf_counter()
    segment_chapter(text)
    assert time.perf_counter() - began < 10.0


def test_paragraphs_hold_little_memory_on_long_ones() -> None:
    """Paragraphs found between blank lines: a pattern matching each took ~120 bytes a
    character of a paragraph (a 5 MB book of single-spaced lines: 640 MB)."""
    import tracemalloc

    long = "  A line of prose.\n  Its next line.\n" * 30_000  # one paragraph, 1 MB
    text = f"{long} \t\nAnother paragraph.\n"
    tracemalloc.start()
    found = paragraphs(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * len(text), peak  # the paragraphs' own text, about once (it was ~100x)
    assert found == [(2, long.strip()), (len(long) + 3, "Another paragraph.")]
