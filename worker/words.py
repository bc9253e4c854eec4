"""Word marks: where each word the voice spoke is heard, and which characters of the chapter
text it says.

Three sequences meet here. The chapter's characters; the words the voice was given (the
span after its lexicon and normalization, traced back to those characters: see
`models.traced`); and the words the voice spoke (runs of phonemes between word breaks,
timed by the voice's own durations: `models.voice.spoken_words`). They differ in count:
espeak-ng joins short words ("of the" is one spoken word, "ʌvðə"), a number becomes several
words ("1887", "eighteen eighty-seven"), a hyphenated word one.

Given words and spoken words are aligned by their sounds: each given word is phonemized
alone (once per word and voice) and the sounds of the sentence, so labelled, are matched
against the spoken ones; where they share sounds they belong together. Lengths alone (a
monotonic alignment of phoneme counts) cannot tell on which side of a joined word a short
word like "of" falls; its sounds can.

A mark is the smallest run that is whole on every side: whole spoken words, whole given
words, and whole source words. So "1887" is one mark, heard from "eighteen" to "seven", as
Amazon Polly marks it, and "of the", spoken as one word, is one mark with both words'
characters: the voice's durations give no time between them.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from config.manifest import WordMark
from models.traced import Traced
from models.voice import Phonemes, spoken_words
from models.wording import Wording
from worker.audio import Timing
from worker.segment import Segment, Span

Phonemize = Callable[[str], Phonemes]
Times = Sequence[tuple[float, float]]  # (start_s, end_s) of each spoken word of a span
# A given word: a lexicon's phonemes, or what lies between spaces and dashes ("--" too; one
# hyphen joins: "well-known" is one word).
_WORD = re.compile(r"\[\[.*?\]\]|[^\s—–-]+(?:-[^\s—–-]+)*")
_STRESS = "ˈˌ"


@dataclass(frozen=True)
class Token:
    """A word the voice was given, and the characters of the chapter it says."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Group:
    """Given words [tokens) and spoken words [words) that belong together."""

    tokens: range
    words: range


@dataclass(frozen=True)
class Link:
    """A mark to be: the chapter's characters [start, end) said by spoken words
    first..last of the span."""

    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True)
class SpanLinks:
    """A span's marks to be, and how many spoken words the voice should report for it."""

    spoken: int
    links: tuple[Link, ...]


SegmentLinks = tuple[SpanLinks, ...]  # per span


def chapter_links(
    chapter_text: str,
    segments: Sequence[Segment],
    phonemes: Sequence[tuple[Phonemes, ...]],
    wording: Wording,
    phonemize: Phonemize,
    worded: Sequence[tuple[Traced, ...]] | None = None,
) -> list[SegmentLinks]:
    """Which characters each spoken word of each span says: known from text and phonemes
    alone, so worked out beside the phonemizing, ahead of inference, not after it.
    `worded`: each span's words, worded and traced already (`Wording.traced` of its
    `source`)."""
    given = worded if worded is not None else [(None,) * len(s.spans) for s in segments]
    return [
        tuple(
            span_links(chapter_text, span, said, wording, phonemize, traced)
            for span, said, traced in zip(segment.spans, spans, words, strict=True)
        )
        for segment, spans, words in zip(segments, phonemes, given, strict=True)
    ]


def chapter_words(
    chapter_text: str,
    links: Sequence[SegmentLinks],
    timings: Sequence[Timing],
) -> list[WordMark]:
    """The word marks of a chapter, in order: per segment, the links of each span and where
    the assembly put its words."""
    return [
        mark
        for timing in timings
        for found, times in zip(links[timing.index], timing.words, strict=True)
        for mark in timed_words(chapter_text, found, times)
    ]


def span_words(
    chapter_text: str,
    span: Span,
    phonemes: Phonemes,
    times: Times,
    wording: Wording,
    phonemize: Phonemize,
) -> list[WordMark]:
    """The word marks of one span; none where the voice reported no word times."""
    found = span_links(chapter_text, span, phonemes, wording, phonemize)
    return timed_words(chapter_text, found, times)


def span_links(
    chapter_text: str,
    span: Span,
    phonemes: Phonemes,
    wording: Wording,
    phonemize: Phonemize,
    worded: Traced | None = None,
) -> SpanLinks:
    spoken = spoken_words(phonemes)
    if not spoken:
        return SpanLinks(0, ())
    if worded is None:
        worded = wording.traced(source(chapter_text, span.start, span.end))
    given = tokens(worded)
    if not given:
        return SpanLinks(len(spoken), ())
    heard = [sounds(phonemes[a:b]) for a, b in spoken]
    pairs = links([sounds(phonemize(token.text)) for token in given], heard)
    found = whole_sources(groups(pairs, len(given), len(spoken)), given)
    return SpanLinks(len(spoken), tuple(_link(given, group) for group in found))


def timed_words(chapter_text: str, found: SpanLinks, times: Times) -> list[WordMark]:
    """A span's links as marks at the times of its spoken words; none where the voice
    reported no word times (or not as many as it spoke)."""
    if not found.spoken or len(times) != found.spoken:
        return []
    return [
        WordMark(
            start_s=times[link.first][0],
            end_s=times[link.last][1],
            text=" ".join(chapter_text[link.start : link.end].split()),
            char_start=link.start,
            char_end=link.end,
        )
        for link in found.links
    ]


def source(chapter_text: str, start: int, end: int) -> Traced:
    """A piece of the chapter as spans and marks hold it (runs of white space made one
    space), traced to the chapter's characters."""
    return Traced.spaced(chapter_text[start:end], start)


def tokens(said: Traced) -> list[Token]:
    """The words of a traced text, without the punctuation around them."""
    found = []
    for match in _WORD.finditer(said.text):
        start, end = _trimmed(match.group(), match.start())
        if start < end:
            found.append(Token(said.text[start:end], *said.origin(start, end)))
    return found


def _trimmed(word: str, offset: int) -> tuple[int, int]:
    """Where a word lies inside the punctuation around it, an abbreviation's last period
    kept ("U.S."); empty for punctuation alone."""
    if word.startswith("[["):
        return offset, offset + len(word)
    kept = [i for i, ch in enumerate(word) if ch.isalnum()]
    if not kept:
        return offset, offset
    end = kept[-1] + 1
    if word[end : end + 1] == "." and "." in word[kept[0] : end]:
        end += 1
    return offset + kept[0], offset + end


def sounds(phonemes: Phonemes) -> list[str]:
    """Phonemes that make a sound: no stress, punctuation or word breaks (which differ
    between a word said alone and in a sentence)."""
    return [
        p
        for p in phonemes
        if p not in _STRESS and not p.isspace() and not unicodedata.category(p).startswith("P")
    ]


def links(given: Sequence[list[str]], heard: Sequence[list[str]]) -> list[tuple[int, int]]:
    """(given word, spoken word) pairs that share matching sounds, in order."""
    ours, theirs = _labelled(given), _labelled(heard)
    matcher = SequenceMatcher(None, ours[0], theirs[0], autojunk=False)
    return [
        (ours[1][a + k], theirs[1][b + k])
        for a, b, size in matcher.get_matching_blocks()
        for k in range(size)
    ]


def _labelled(words: Sequence[list[str]]) -> tuple[list[str], list[int]]:
    """The sounds of all words in a row, and the word each one belongs to."""
    return [s for word in words for s in word], [i for i, word in enumerate(words) for _ in word]


def groups(pairs: Sequence[tuple[int, int]], given: int, spoken: int) -> list[Group]:
    """Given and spoken words cut into monotonic groups: a group starts at a link past
    everything linked before it. Words no link ties form a group where there are some on
    both sides ("a" said alone is "ˈeɪ", in a sentence "ɐ"); otherwise they stay with the
    group before them (the first group: after them)."""
    starts: list[tuple[int, int]] = []
    last = (-1, -1)
    for token, word in sorted(pairs):
        if token > last[0] and word > last[1]:
            starts += _between(last, (token, word))
        last = (max(last[0], token), max(last[1], word))
    starts += _between(last, (given, spoken))[:-1]  # the end is no start
    starts[:1] = [(0, 0)]
    ends = [*starts[1:], (given, spoken)]
    return [Group(range(a, c), range(b, d)) for (a, b), (c, d) in zip(starts, ends, strict=True)]


def _between(last: tuple[int, int], link: tuple[int, int]) -> list[tuple[int, int]]:
    """Where groups start from a link on, given the last words linked before it: a group of
    what lies unlinked between them first, when there is some on both sides."""
    gap = (last[0] + 1, last[1] + 1)
    return [gap, link] if gap[0] < link[0] and gap[1] < link[1] else [link]


def whole_sources(found: Sequence[Group], given: Sequence[Token]) -> list[Group]:
    """Groups joined where one source word is said across both ("1887": "eighteen" and
    "eighty-seven", two spoken words)."""
    joined: list[Group] = []
    for group in found:
        previous = joined[-1] if joined else None
        if previous and given[previous.tokens[-1]].end > given[group.tokens[0]].start:
            joined[-1] = Group(
                range(previous.tokens.start, group.tokens.stop),
                range(previous.words.start, group.words.stop),
            )
        else:
            joined.append(group)
    return joined


def _link(given: Sequence[Token], group: Group) -> Link:
    start = given[group.tokens[0]].start
    end = max(given[t].end for t in group.tokens)
    return Link(start, end, group.words[0], group.words[-1])
