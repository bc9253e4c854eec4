"""Text rewritten by patterns that remembers, for each of its characters, where it came from.

The lexicon and the normalizer rewrite a sentence before the voice reads it ("1887" becomes
"eighteen eighty-seven", "Dr." becomes "Doctor"); word marks must point back into the
original text. A `Traced` text is rewritten by the same patterns and replacement functions
as the plain one, so the two give the same text, and each character of the result knows the
characters of the source it replaced (all of a match, for every character said in its
place).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Replace = Callable[[re.Match[str]], str]


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

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The source characters that text[start:end] stands for."""
        if start >= end:
            at = self.starts[start] if start < len(self.text) else self.stop
            return at, at
        return min(self.starts[start:end]), max(self.ends[start:end])

    def sub(self, pattern: re.Pattern[str], replace: Replace) -> "Traced":
        """`pattern.sub(replace, text)`, traced: what a match says stands for all of it."""
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
        """What is said in place of a match: words it leaves as they were ("In" of "In 1887")
        keep their own source; the rest stands for the rest of the match."""
        written = match.group()
        head = _shared_head(written, said)
        tail = _shared_tail(written[head:], said[head:])
        start, end = match.start() + head, match.end() - tail
        first, last = self.origin(start, end)
        middle = said[head : len(said) - tail]
        return [
            self[match.start() : start],
            Traced(middle, (first,) * len(middle), (last,) * len(middle), last),
            self[end : match.end()],
        ]

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


def _shared_head(written: str, said: str) -> int:
    """Length of the whole words (through a space) that both begin with."""
    same = _common_length(written, said)
    return written.rfind(" ", 0, same) + 1


def _shared_tail(written: str, said: str) -> int:
    """Length of the whole words (from a space) that both end with."""
    same = _common_length(written[::-1], said[::-1])
    space = written.find(" ", len(written) - same)
    return len(written) - space if same and space >= 0 else 0


def _common_length(one: str, other: str) -> int:
    """How many characters both begin with."""
    pairs = zip(one, other, strict=False)
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(one), len(other)))
