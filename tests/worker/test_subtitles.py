"""Subtitles: one cue per sentence, at most two lines of 42 characters, long sentences cut
between words at the times the word marks give."""

import itertools
import re
import textwrap

from config.manifest import Mark, WordMark
from worker.subtitles import Cue, cues, read_cues, srt, vtt

WORD_S = 0.3  # each made-up word lasts this long
SRT_CUE = re.compile(
    r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n((?:[^\n]+\n){1,2})\n"
)
VTT_CUE = re.compile(
    r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n((?:[^\n]+\n){1,2})\n"
)


def sentence(text: str, at: int = 0, start_s: float = 1.0) -> tuple[Mark, list[WordMark]]:
    """A sentence mark at chapter offset `at` and a word mark per word, one after another."""
    words = []
    for n, found in enumerate(re.finditer(r"[\w$.'-]+", text)):
        begin = start_s + n * WORD_S
        chars = (at + found.start(), at + found.start() + len(found.group().rstrip(".")))
        words.append(
            WordMark(
                start_s=begin,
                end_s=begin + 0.25,
                text=found.group(),
                char_start=chars[0],
                char_end=chars[1],
            )
        )
    end = start_s + len(words) * WORD_S
    return Mark(
        start_s=start_s, end_s=end, text=text, char_start=at, char_end=at + len(text)
    ), words


def parsed(pattern: re.Pattern[str], text: str) -> list[tuple[float, float, list[str]]]:
    """Cues by a strict pattern that must account for every character."""
    found, at = [], 0
    for match in pattern.finditer(text):
        assert match.start() == at, f"unparsed text at {at}: {text[at : match.start()]!r}"
        clock = [int(v) for v in match.groups() if v.isdigit() and len(v) <= 3]
        first, last = clock[-8:-4], clock[-4:]
        seconds = [h * 3600 + m * 60 + s + ms / 1000 for h, m, s, ms in (first, last)]
        found.append((seconds[0], seconds[1], match.group(match.lastindex or 0).splitlines()))
        at = match.end()
    assert at == len(text)
    return found


LONG = (
    "When I was dressed, I felt the place so hot that I made haste to get out of the room "
    "and out of the house; and my first feeling was a delicious relief caused by the fresh air."
)


def test_a_short_sentence_is_one_cue_with_its_marks_times() -> None:
    mark, words = sentence("It was late.")
    assert cues(mark.text, [mark], words) == [Cue(mark.start_s, mark.end_s, ["It was late."])]


def test_a_long_sentence_is_cut_between_words_at_their_times() -> None:
    mark, words = sentence(LONG)
    found = cues(LONG, [mark], words)
    assert len(found) == 3
    assert all(len(c.lines) <= 2 and all(len(line) <= 42 for line in c.lines) for c in found)
    assert " ".join(line for c in found for line in c.lines) == LONG
    assert found[0].start_s == mark.start_s and found[-1].end_s == mark.end_s
    starts = {w.text: w.start_s for w in words}
    for cue in found[1:]:
        assert cue.start_s == starts[cue.lines[0].split()[0]]  # when its first word starts
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(found))


def test_without_word_marks_cuts_are_timed_by_characters() -> None:
    mark, _ = sentence(LONG)
    found = cues(LONG, [mark], [])
    assert len(found) == 3
    cut = LONG.index(found[1].lines[0])
    share = cut / len(LONG)
    assert abs(found[1].start_s - (mark.start_s + share * (mark.end_s - mark.start_s))) < 1e-9


def test_a_word_longer_than_a_line_is_broken() -> None:
    text = "See https://example.org/a/very/long/address/that/goes/on/and/on/for/ever today."
    mark, words = sentence(text)
    found = cues(text, [mark], words)
    assert all(len(line) <= 42 for c in found for line in c.lines)
    said = "".join(line for c in found for line in c.lines)
    assert said.replace(" ", "") == text.replace(" ", "")


def test_a_hyphenated_word_longer_than_a_line_is_broken_at_its_hyphens() -> None:
    """Not inside one of its parts ("...mentarianism-su" / "percalifragilistic..."); a
    short hyphenated word still stays whole on its line."""
    long = "antidisestablishmentarianism-supercalifragilisticexpialidocious-pneumonia"
    text = f"A well-known word, {long}, was said."
    mark, words = sentence(text)
    lines = [line for cue in cues(text, [mark], words) for line in cue.lines]
    assert "antidisestablishmentarianism-" in lines
    assert any(line.startswith("supercalifragilisticexpialidocious-") for line in lines)
    assert any("well-known" in line for line in lines)
    assert max(map(len, lines)) <= 42


def test_sentences_are_found_in_the_chapter_text_by_offset() -> None:
    first, first_words = sentence("It was late.", at=0, start_s=0.5)
    text = "It was late.\n\nThe ships  saw\nthe light."
    second, second_words = sentence("The ships saw the light.", at=14, start_s=2.0)
    second = second.model_copy(update={"char_end": len(text)})
    found = cues(text, [first, second], first_words + second_words)
    assert [c.lines for c in found] == [["It was late."], ["The ships saw the light."]]


def test_srt_and_vtt_parse_strictly_and_read_back() -> None:
    mark, words = sentence('"Tom & Jerry" <b>' + LONG, start_s=3725.5)
    found = cues(mark.text, [mark], words)
    written = srt(found)
    srt_cues = parsed(SRT_CUE, written)
    assert len(found) == 3
    assert [int(n) for n in re.findall(r"^(\d+)$", written, re.M)] == [1, 2, 3]
    assert srt_cues[0][0] == 3725.5 and srt_cues[0][2][0].startswith('"Tom & Jerry"')
    web = vtt(found)
    assert web.startswith("WEBVTT\n\n")
    vtt_cues = parsed(VTT_CUE, web.removeprefix("WEBVTT\n\n"))
    assert "&amp; Jerry" in vtt_cues[0][2][0] and "&lt;b&gt;" in web
    assert [(s, e) for s, e, _ in vtt_cues] == [(s, e) for s, e, _ in srt_cues]
    for text in (written, web):
        back = read_cues(text)
        assert [c.lines for c in back] == [c.lines for c in found]
        assert all(abs(a.start_s - b.start_s) < 5e-4 for a, b in zip(back, found, strict=True))


def test_a_sentence_of_three_full_lines_is_two_cues_of_two_even_lines() -> None:
    text = "Well, I awoke, and found that I had kicked my bedclothes off; and no wonder, for it "
    text += "was hot and the sun shining brightly."
    assert len(wrap_at(text, 42)) == 3  # a third line alone would be a cue of its own
    mark, words = sentence(text)
    found = cues(text, [mark], words)
    assert [len(c.lines) for c in found] == [2, 2]
    widths = [len(line) for c in found for line in c.lines]
    assert max(widths) - min(widths) <= 12 and max(widths) <= 42


def wrap_at(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False)


def test_no_line_is_ever_wider_than_42_characters() -> None:
    """When the lines at 42 are nearly full, the even wrap cannot be narrower than 42: a
    sentence of *News from Nowhere* came out with a line of 43."""
    text = (
        'It makes a lot of pleasant work," said he, smiling, "for however much care you take '
        'of such goods, break they will, one day or another, so there is always plenty to do."'
    )
    mark, words = sentence(text)
    assert max(len(line) for c in cues(text, [mark], words) for line in c.lines) <= 42
    # and over many sentences of every length, from words of many lengths
    vocabulary = ["a", "of", "the", "house", "river", "wonderful", "gay-clad", "said", "he,"]
    for n in range(1, 400):
        made = " ".join(vocabulary[(n * k * 7 + k) % len(vocabulary)] for k in range(n % 60 + 1))
        mark, words = sentence(made)
        found = cues(made, [mark], words)
        assert all(len(c.lines) <= 2 and max(map(len, c.lines)) <= 42 for c in found), made


def test_note_marks_and_emphasis_asterisks_are_not_shown_and_powers_are() -> None:
    """The text on screen is the text said: "made.¹" showed its note's mark, which the
    narrator does not read, as "claim†", "claim[12]" and "*very*" showed theirs."""
    text = "The claim was made.¹ A claim† and a claim[12] were *very* odd. Let x² be (a+b)²."
    mark, words = sentence(text)
    (cue,) = cues(text, [mark], words)
    assert (
        " ".join(cue.lines)
        == "The claim was made. A claim and a claim were very odd. Let x² be (a+b)²."
    )
