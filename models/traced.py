"""Text rewritten by patterns that remembers, for each of its characters, where it came from.

The lexicon and the normalizer rewrite a sentence before the voice reads it ("1887" becomes
"eighteen eighty-seven", "Dr." becomes "Doctor"); word marks must point back into the
original text. A `Traced` text is rewritten by the same patterns and replacement functions
as the plain one, so the two give the same text, and each character of the result knows the
characters of the source it stands for.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

Replace = Callable[[re.Match[str]], str]
_WORD = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Traced:
    """A text and, per character, the [start, end) of the source characters it stands for."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    stop: int  # where the source ends: the origin of an insertion at the very end

    @classmethod
    def of(cls, text: str, offset: int = 0) -> "Traced":
        """A source text as it is, its characters at offset, offset + 1, ..."""
        positions = tuple(range(offset, offset + len(text)))
        return cls(text, positions, tuple(p + 1 for p in positions), offset + len(text))

    @classmethod
    def spaced(cls, text: str, offset: int = 0) -> "Traced":
        """A source text with each run of white space made one space that stands for the
        run: what `of(text, offset).sub(<white space>, " ")` gives, made in one pass (every
        sentence's marks and subtitles are traced so; a rewrite per gap cost twice as much)."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        for match in _SPACES.finditer(text):
            first, last = match.span()
            pieces += [text[at:first], " "]
            starts += [*range(offset + at, offset + first), offset + first]
            ends += [*range(offset + at + 1, offset + first + 1), offset + last]
            at = last
        pieces.append(text[at:])
        starts += range(offset + at, offset + len(text))
        ends += range(offset + at + 1, offset + len(text) + 1)
        return cls("".join(pieces), tuple(starts), tuple(ends), offset + len(text))

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The source characters that text[start:end] stands for."""
        if start >= end:
            at = self.starts[start] if start < len(self.text) else self.stop
            return at, at
        return min(self.starts[start:end]), max(self.ends[start:end])

    def sub(self, pattern: re.Pattern[str], replace: Replace) -> "Traced":
        """`pattern.sub(replace, text)`, traced (see `_say`)."""
        pieces: list[Traced] = []
        kept = 0
        for match in pattern.finditer(self.text):
            pieces += [self[kept : match.start()], *self._say(match, replace(match))]
            kept = match.end()
        if not pieces:
            return self
        pieces.append(self[kept:])
        return join(pieces, self.stop)

    def _say(self, match: re.Match[str], said: str) -> list["Traced"]:
        """What is said in place of a match: the words it leaves as they were keep their own
        source ("of March" in "3rd of March, 1887"); what is said between them stands for
        what was written between them ("the third" for "3rd")."""
        base, written = match.start(), match.group()
        pieces: list[Traced] = []
        at_written = at_said = 0
        for (wa, wb), (sa, sb) in [
            *_same_words(written, said),
            ((len(written),) * 2, (len(said),) * 2),
        ]:
            pieces.append(self._stand_in(said[at_said:sa], base + at_written, base + wa, match))
            pieces.append(self[base + wa : base + wb])
            at_written, at_said = wb, sb
        return pieces

    def _stand_in(self, said: str, start: int, end: int, match: re.Match[str]) -> "Traced":
        """Said words standing for the words of text[start:end], or for all of the match where
        that holds none (a word said in addition)."""
        written = self.text[start:end]
        if said.strip() and not written.strip():
            start, end = match.span()
        elif written.strip():
            start += len(written) - len(written.lstrip())
            end -= len(written) - len(written.rstrip())
        first, last = self.origin(start, end)
        return Traced(said, (first,) * len(said), (last,) * len(said), last)

    def split(self, pattern: re.Pattern[str]) -> list["Traced"]:
        """`pattern.split(text)` for a pattern of one group: the text between matches and
        the matches, alternately."""
        pieces: list[Traced] = []
        kept = 0
        for match in pattern.finditer(self.text):
            pieces += [self[kept : match.start()], self[match.start() : match.end()]]
            kept = match.end()
        return [*pieces, self[kept:]]

    def __getitem__(self, cut: slice) -> "Traced":
        start, end, _ = cut.indices(len(self.text))
        stop = self.starts[end] if end < len(self.text) else self.stop
        return Traced(self.text[start:end], self.starts[start:end], self.ends[start:end], stop)


def join(pieces: Iterable[Traced], stop: int) -> Traced:
    """Traced texts one after another, as one."""
    parts = list(pieces)
    return Traced(
        "".join(p.text for p in parts),
        tuple(s for p in parts for s in p.starts),
        tuple(e for p in parts for e in p.ends),
        stop,
    )


def _same_words(written: str, said: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the words both say alike lie in each, in order."""
    ours = [m.span() for m in _WORD.finditer(written)]
    theirs = [m.span() for m in _WORD.finditer(said)]
    if not ours or not theirs:  # white space made one (every gap of every mark's text)
        return []
    matcher = SequenceMatcher(
        None, [written[a:b] for a, b in ours], [said[a:b] for a, b in theirs], autojunk=False
    )
    return [
        (ours[i + k], theirs[j + k])
        for i, j, size in matcher.get_matching_blocks()
        for k in range(size)
    ]
