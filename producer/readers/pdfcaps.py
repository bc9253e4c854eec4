"""Drop caps: an initial set large beside a paragraph's first lines, which pdfminer draws as
a line of its own or takes into a line drawn after it, made its word's first letter
("Once", not an "O" in large type read as a heading).

A stage of its own because it is one repair, made to a column's lines as they become
`Line`s, that no other stage needs to know of.
"""

import itertools
import re
import statistics
from collections import Counter
from dataclasses import replace

from pdfminer.layout import LTChar, LTTextLineHorizontal

from producer.readers.pdflines import Line, line_of

_CAP = 1.8  # a drop cap's type is at least this much larger than the lines beside it
_CAP_CHARS = 2  # a capital, maybe after an opening quote


def cap_apart(item: LTTextLineHorizontal) -> list[LTTextLineHorizontal]:
    """A drop cap that pdfminer took into the line drawn after it ("O" "nce upon a time")
    set apart from that line: as tall as the cap, the line sat at the cap's foot, a few
    lines down, and was read after them."""
    chars = [obj for obj in item if isinstance(obj, LTChar)]
    if len(chars) < 2:
        return [item]
    size = statistics.median(char.size for char in chars)
    cap = list(itertools.takewhile(lambda char: char.size >= size * _CAP, chars))
    rest = list(itertools.dropwhile(lambda char: char.get_text().isspace(), chars[len(cap) :]))
    if not 0 < len(cap) <= _CAP_CHARS or not cap[-1].get_text().isalpha() or not rest:
        return [item]
    return [line_of(cap), line_of(rest)]


def with_caps(lines: list[Line]) -> list[Line]:
    """Each drop cap joined to the top line beside it as its first letter: "Once", not a
    letter alone (in large type, a heading) read before or after the lines beside it. The
    lines under that one start at the cap's edge too: the cap, not a paragraph, indents
    them."""
    caps = [line for line in lines if len(line.text) <= _CAP_CHARS and line.text[-1].isalpha()]
    for cap in caps:
        beside = [line for line in lines if _beside(cap, line)]
        if not beside:
            continue
        first = max(beside, key=lambda line: line.y0)
        moved = {id(line): replace(line, x0=cap.x0) for line in beside}
        moved[id(first)] = _capped(cap, first, beside)
        lines = [moved.get(id(line), line) for line in lines if line is not cap]
    return lines


def _beside(cap: Line, line: Line) -> bool:
    """Whether `line`, in type a fraction of the cap's, starts just right of it, between
    its top and its foot (a raised cap's foot is its line's: the next paragraph's first
    line, set in under it, is not beside it)."""
    return (
        line.size * _CAP <= cap.size
        and cap.x1 - 1 <= line.x0 <= cap.x1 + cap.size
        and cap.y0 - line.size / 2 <= line.y0
        and line.y1 <= cap.y1 + line.size
    )


def _capped(cap: Line, first: Line, beside: list[Line]) -> Line:
    """The cap and the line as one; a space between only where the line starts further
    from the cap than the lines under it do ("A" "long time ago", not "O" "nce upon"), or
    than a word space from a cap beside one line only (a raised cap)."""
    under = [line.x0 for line in beside if line is not first]
    spaced = first.x0 - min(under, default=cap.x1) > first.size / 5
    # Small capitals after the cap are its word's and sentence's lower-case letters.
    said = first.text[: first.small_lead].lower() + first.text[first.small_lead :]
    text = f"{cap.text} {said}" if spaced else cap.text + said
    lead = cap.x1 - cap.x0 if spaced else first.x0 + first.lead - cap.x0
    tight = 0.0 if spaced else cap.x1 - cap.x0
    joined = replace(first, x0=cap.x0, text=text, lead=lead, cap=tight, small_lead=0)
    return _in_text_type(joined, first, beside)


def _in_text_type(joined: Line, first: Line, beside: list[Line]) -> Line:
    """A line beside a cap all in small capitals in the type of the lines under it: its
    letters are theirs in lower case, not smaller type, which would end its paragraph
    after it, mid-sentence."""
    rest = first.text[first.small_lead :]
    if not first.small_lead or any(char.isalpha() for char in rest):
        return joined
    size = max(line.size for line in beside)
    return replace(joined, size=size, capitals=size)


_WORD_CAPS = ("I", "A")  # capitals that are words of their own
# Words these open whose rest is a word too, common enough that a short book may say them
# only at a drop cap: "Around" is never "A round".
_ONE_WORD = frozenset(
    {
        *("abroad", "across", "afar", "afield", "afoot", "again", "ago", "ahead", "aloft"),
        *("alone", "along", "aloud", "amid", "amiss", "apart", "around", "aside", "askew"),
        *("astride", "away", "awhile", "ideal"),
    }
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def word_caps(lines: list[Line]) -> list[Line]:
    """A drop cap "I" or "A" set tight to its line, made a word of its own where the book
    says the rest as a word and never the two as one (nor are they a common word as
    "Around"): "I was", "A man", not "Iwas", "Aman"; but "It", "And", "Another". The layout
    cannot tell: a cap is set tight to "was" as to "nother"; the book's own words can."""
    said = Counter(
        word.casefold()
        for line in lines
        for word in _WORD.findall(line.text)[1 if line.cap else 0 :]  # but the glued ones
    )
    return [_word_cap(line, said) if line.cap else line for line in lines]


def _word_cap(line: Line, said: Counter[str]) -> Line:
    first = next(iter(_WORD.findall(line.text)), "")
    rest = first[1:]
    if line.text[0] not in _WORD_CAPS or not first.startswith(line.text[0]) or not rest.islower():
        return line
    if said[first.casefold()] or first.casefold() in _ONE_WORD or not said[rest]:
        return line
    return replace(line, text=f"{line.text[0]} {line.text[1:]}", lead=line.cap)
