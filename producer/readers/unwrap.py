"""Which of a plain text's line ends are the book's: verse keeps them, prose filled to a
measure does not.

A text file is hard-wrapped: Project Gutenberg fills its lines to about 70 columns, others
to 60, 55 or 40. A `Section`'s body holds a prose paragraph as one line and verse as its
lines (`worker.segment` pauses at each line end of a paragraph of short lines, up to 60
characters: read as verse, prose filled at 60 columns or fewer was a pause at every line
end). So a paragraph that is prose filled to the text's measure is made one line here:
its lines reach the measure (the next line's first word would not have fitted), and they
run on as a sentence does, the next line opening in lower case more often than not. Verse
stays as it is set: its lines fall short of the measure, and open with capitals.
"""

import itertools
import re
from collections.abc import Iterable

# A text filled narrower than this is no prose's measure (prose filled at 40 columns
# reaches 38): a column of short lines is verse, a list or an address.
_MIN_MEASURE = 36
# The share of a text's lines (those a line follows in the same paragraph) that may be
# longer than its measure: a long word, a line a tool left unfilled.
_OVER_MEASURE = 0.1
# How far short of the measure a filled line may end, as a share of the measure, beyond
# the width of the word that did not fit: fmt and editors balance lines, and break after a
# sentence's end where they can.
_SLACK = 0.2
# A blank line between paragraphs, kept as it stands (split keeps the separators).
_BLANK = re.compile(r"(\n[ \t]*\n)")
# What may come before a line's first letter: quotes, brackets, dashes, emphasis.
_OPENING_MARKS = "\"'“‘([{-—–_*"
_PRONOUN_I = re.compile(r"I\b")
_BROKEN_WORD = re.compile(r"[^\W\d_]-\Z")


def measure(bodies: Iterable[str]) -> int:
    """The width a text's lines are filled to: that of its longest lines followed by more
    of their paragraph (a paragraph's last line is short), a few outliers aside; 0 where
    it has none, or too few for prose."""
    lengths = sorted(
        len(line.rstrip())
        for body in bodies
        for paragraph in _BLANK.split(body)[::2]
        for line in paragraph.split("\n")[:-1]
        if line.strip()
    )
    if not lengths:
        return 0
    width = lengths[min(len(lengths) - 1, int(len(lengths) * (1 - _OVER_MEASURE)))]
    return width if width >= _MIN_MEASURE else 0


def unwrapped(body: str, width: int) -> str:
    """A section's body with each paragraph of prose filled to `width` made one line."""
    if not width:
        return body
    parts = _BLANK.split(body)
    parts[::2] = [_paragraph(part, width) for part in parts[::2]]
    return "".join(parts)


def _paragraph(paragraph: str, width: int) -> str:
    lines = paragraph.split("\n")
    if len(lines) < 2 or not is_filled_prose(lines, width):
        return paragraph
    parts = [lines[0].rstrip()]
    for line in lines[1:]:
        line = line.strip()
        # A word hyphenated at a filled line's end, before a lower-case letter, is one word
        # ("after-" / "lecture"), as `text` joins it where a line is longer.
        compound = line[:1].islower() and _BROKEN_WORD.search(parts[-1][-2:])
        parts.append(line if compound else f" {line}")
    return "".join(parts)


def is_filled_prose(lines: list[str], width: int) -> bool:
    """Whether a paragraph's lines are prose filled to `width`: each (but the last) full,
    one in four at most short of it (a break after a sentence's end); half the lines after
    the first at most open with a capital (verse opens each with one)."""
    breaks = list(itertools.pairwise(lines))
    full = sum(1 for line, after in breaks if _is_full(line, after, width))
    capitals = sum(1 for _, after in breaks if _opens_capital(after))
    return full >= len(breaks) - len(breaks) // 4 and 2 * capitals <= len(breaks)


def _is_full(line: str, after: str, width: int) -> bool:
    """Whether a line ends where a filled line does: the next line's first word, or most
    of it, would not have fitted after it."""
    words = after.split()
    if not words:
        return False
    room = width - len(line.rstrip())
    return room <= len(words[0]) + 1 + int(width * _SLACK)


def _opens_capital(line: str) -> bool:
    """Whether a line opens with a capital letter (past quotes and brackets); "I" says
    nothing, as prose's lines open with it too."""
    text = line.strip().lstrip(_OPENING_MARKS)
    return bool(text) and text[0].isupper() and not _PRONOUN_I.match(text)
