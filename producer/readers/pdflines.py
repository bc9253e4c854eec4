"""The PDF reader's lines: each line pdfminer lays out made a `Line` (where it sits, its
type size, its words), without note marks, unmapped glyphs or invisible characters;
letter-spaced words made words, small capitals counted as capitals (and said as the
lower-case letters they stand for), and the pieces pdfminer cut one baseline into joined
again.

A stage of its own because every later one works on these `Line`s, and tells them by the
measures kept here (a heading's type, a footnote's, the page's margins); it builds on no
stage but `pdfpages`.
"""

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from pdfminer.layout import LTChar, LTContainer, LTPage, LTTextLineHorizontal

from producer.readers.pdfpages import SPECK, WORD_MARGIN

MARGIN = 0.12  # the top and bottom share of a page where running heads and folios sit
HEADING = 1.15  # a heading's type is at least this much larger than the body's
FOOTNOTE = 0.92  # a footnote's type is at most this much of the body's (Word: 10 on 11)
_SUPERSCRIPT = 0.75  # a note mark's type is at most this much of its line's
_RISE = 0.25  # or smaller than the line's (FOOTNOTE) and raised this share of its size
_SMALL_CAPS = (0.6, 0.9)  # a small capital's size, to its line's letters'
_SAME_SIZE = 0.05  # a letter this share of the text's size from it is at the text's size
_SPREAD = 0.8  # a line this share of whose words are one letter is letter-spaced
_SPREAD_WORDS = 4  # a line of fewer words is not told so
_LETTER_GAP = 0.5  # ems: letters further apart are no word's
_WORD_JUMP = 0.1  # ems: a letter-spaced line's word spaces are this much wider than the rest
_MARKS = set("0123456789*†‡§¶")
_CID = re.compile(r"\(cid:\d+\)")  # a glyph the font does not map to text
# No sound, but each would split a word in two for the voice; a soft hyphen ending a line
# is kept, to join the word broken there (`pdfparagraphs._join`).
_INVISIBLE = re.compile("\xad(?!$)|[\u200b\u2060\ufeff]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})


@dataclass(frozen=True)
class Line:
    """A line of text on a page, where it sits (PDF units, y up) and its type size."""

    page: int
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    text: str
    height: float  # of its page
    lead: float  # the width of its first word
    frame: tuple[float, float] | None = None  # its column's left and right edge, if columned
    marked: bool = False  # a note's mark (a small raised digit or dagger) was taken out of it
    capitals: float = 0.0  # its type size, its small capitals counted as capitals
    cells: tuple[tuple[float, float], ...] = ()  # the runs a row was made of, where several
    cap: float = 0.0  # the width of a drop cap set tight to its first word, where it has one
    bold: bool = False  # every letter in a bold face
    # The length of the small capitals it opens on, that a drop cap before them makes
    # lower-case letters ("T" "HE MORNING CAME grey": "The morning came grey").
    small_lead: int = 0

    @property
    def char_width(self) -> float:
        return (self.x1 - self.x0) / max(len(self.text), 1)


def rows(lines: list[Line]) -> Iterator[Line]:
    """Lines on one baseline made one: pdfminer splits a justified line at wide spaces."""
    row: Line | None = None
    for line in lines:
        if row is not None and _same_row(row, line):
            longer = max(row, line, key=lambda part: len(part.text))
            row = replace(
                row, x1=line.x1, y0=min(row.y0, line.y0), y1=max(row.y1, line.y1),
                size=longer.size, capitals=longer.capitals, text=f"{row.text} {line.text}",
                marked=row.marked or line.marked, bold=row.bold and line.bold,
                cells=(row.cells or ((row.x0, row.x1),)) + ((line.x0, line.x1),),
            )  # fmt: skip
            continue
        if row is not None:
            yield row
        row = line
    if row is not None:
        yield row


def _same_row(row: Line, line: Line) -> bool:
    return line.x0 >= row.x1 - 1 and abs(row.y0 - line.y0) < min(row.size, line.size) / 2


def text_lines(item: Any) -> Iterator[LTTextLineHorizontal]:
    """Every horizontal text line on a page, inside text boxes and figures alike."""
    if isinstance(item, LTTextLineHorizontal):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from text_lines(child)


def glyphs_of(item: LTTextLineHorizontal) -> list[LTChar]:
    return [obj for obj in item if isinstance(obj, LTChar) and not obj.get_text().isspace()]


def line_of(glyphs: list[LTChar]) -> LTTextLineHorizontal:
    line = LTTextLineHorizontal(WORD_MARGIN)
    for glyph in glyphs:
        line.add(glyph)
    return line


def line_from(
    item: LTTextLineHorizontal,
    number: int,
    page: LTPage,
    frame: tuple[float, float] | None,
    page_size: float = 0.0,
) -> Line | None:
    """`item` made a `Line`; `page_size`, its page's text's (`text_size`), tells the
    height of a line that has only capitals, some small."""
    chars = [obj for obj in item if isinstance(obj, LTChar)]
    if not chars:
        return None
    size = _usual_size(char.size for char in chars)
    lowered, opening = _lowered(item, page_size)
    text, marked, lead = _said_line(item, size, lowered)
    if not text or size < SPECK:
        return None
    capitals = _usual_size(_sizes(chars))
    opened = _said_line(item, size, lowered | opening)[0] if opening else text
    return Line(
        number, item.x0, item.x1, item.y0, item.y1, size, text, page.height, lead, frame, marked,
        capitals, bold=_bold(chars), small_lead=_opening_length(text, opened),
    )  # fmt: skip


def _said_line(
    item: LTTextLineHorizontal, size: float, lowered: set[int]
) -> tuple[str, bool, float]:
    """A line's words, whether it had a note mark, and its first word's width."""
    text, marked = _line_text(item, size, lowered)
    lead = _first_word_end(item) - item.x0
    if _letter_spaced(text):
        text, lead = _respaced(item, size, lowered) or (text, lead)
    return text, marked, lead


def _opening_length(text: str, opened: str) -> int:
    """How far a line's two readings, as it stands and after a drop cap, differ: the
    length of the small capitals it opens on (0 where none)."""
    if len(text) != len(opened):  # a letter whose lower case is longer ("İ"): none, then
        return 0
    differ = [n + 1 for n, (a, b) in enumerate(zip(text, opened, strict=True)) if a != b]
    return max(differ, default=0)


def _bold(chars: list[LTChar]) -> bool:
    """Whether every letter is set in a bold face, as its font's name says ("Times-Bold",
    "ABCDEF+Minion-BoldIt"): a story's title set bold, a point above the text."""
    letters = [char for char in chars if char.get_text().isalpha()]
    return bool(letters) and all("bold" in char.fontname.lower() for char in letters)


def _usual_size(sizes: Iterable[float]) -> float:
    return Counter(round(size, 1) for size in sizes).most_common(1)[0][0]


def text_size(items: Iterable[LTTextLineHorizontal]) -> float:
    """The usual type size of a page's lower-case letters (0 where it has none): its
    text's height, which a line all in small capitals has no letter to tell."""
    lower = [
        obj.size
        for item in items
        for obj in item
        if isinstance(obj, LTChar) and obj.get_text().islower()
    ]
    return _usual_size(lower) if lower else 0.0


def _sizes(chars: list[LTChar]) -> list[float]:
    """Each glyph's type size, a small capital's counted as its line's letters' (Word and
    InDesign make small caps of capitals set smaller)."""
    full = max((char.size for char in chars if char.get_text().isalpha()), default=0.0)
    return [full if _is_small_capital(char, full) else char.size for char in chars]


def small_caps(lines: list[Line], body: float) -> list[Line]:
    """Lines of small capitals in the body's type: a first line in small caps is no smaller
    type, which ended its paragraph after it, mid-sentence. Only where the capitals are
    the body's size: capitals after a larger initial ("W" in 15 point, "HEN THE" in 11)
    are the line's letters, and the line no heading in the initial's type."""
    return [replace(line, size=body) if line.capitals == body else line for line in lines]


def _is_small_capital(char: LTChar, full: float) -> bool:
    low, high = _SMALL_CAPS
    return char.get_text().isupper() and low * full <= char.size <= high * full


def _lowered(item: LTTextLineHorizontal, page_size: float) -> tuple[set[int], set[int]]:
    """The small capitals (ids of their glyphs) that stand for lower-case letters, to be
    said so ("As SMITH and JONES" in small caps is "Smith" and "Jones" to a listener, not
    letters spelt out); and those of the words all in small capitals opening the line,
    which do after a drop cap ("T" "HE MORNING CAME"). A word's small capitals are its
    lower-case letters where it opens on a full capital, or follows such a word in a run
    of them ("IT WAS a dark night"); a word all in small capitals alone is kept (an
    acronym set small, "the BBC"), and so is one at full height ("NASA"), which does not
    end the run ("IT WAS NASA ON THE ROAD")."""
    chars = [obj for obj in item if isinstance(obj, LTChar)]
    full = _full_size(chars, page_size)
    words = _small_words(item, full)
    lowered: set[int] = set()
    run = False
    for letters, small in words:
        if not small and all(letter.get_text().isupper() for letter in letters):
            continue  # an acronym at full height: kept, and its run goes on past it
        opens = letters[0].get_text().isupper() and letters[0] not in small
        run = bool(small) and (opens or (run and len(small) == len(letters)))
        lowered |= {id(char) for char in small} if run else set()
    # Beside a drop cap, a line of capitals is measured against the text's size: the cap
    # is its first letter at full height ("T" "HE END OF IT CAME").
    capped = _full_size(chars, page_size, capped=True)
    words = words if capped == full else _small_words(item, capped)
    opening = itertools.takewhile(lambda word: len(word[1]) == len(word[0]), words)
    return lowered, {id(char) for _, small in opening for char in small}


def _small_words(
    item: LTTextLineHorizontal, full: float
) -> list[tuple[list[LTChar], list[LTChar]]]:
    """Each word of a line that has letters: its letters, and which are small capitals
    (to `full`, the line's letters' size at full height)."""
    objs = list(item)
    chars = [obj for obj in objs if isinstance(obj, LTChar)]
    # A small-caps font that maps its small capitals to capitals lost the case: only a
    # word's first letter is a capital then.
    faked = not any(char.get_text().islower() and _small_caps_font(char) for char in chars)
    found = []
    for word in _words(objs):
        letters = [char for char in word if char.get_text().isalpha()]
        small = [
            char
            for n, char in enumerate(letters)
            if _is_small_capital(char, full) or (faked and n and _faked_capital(char))
        ]
        found += [(letters, small)] if letters else []
    return found


def _full_size(chars: list[LTChar], page_size: float, capped: bool = False) -> float:
    """The type size of a line's letters at full height: its lower-case letters'; in a
    line of capitals, the largest two of them share (not a larger initial's: "W" in 15
    point, "HEN THE" in 11 are capitals at the text's size). But the text's where those
    are a small capital's size to it and a letter of the line is at the text's size: a
    line all in small capitals but its first letter ("I" "T WAS A DARK"); or beside a
    drop cap (`capped`), its only capital at full height. Else a line in smaller type
    all in capitals keeps its own ("MARK TWAIN" in 9 and 7.2 point under an epigraph,
    over 11 point text)."""
    lower = [char.size for char in chars if char.get_text().islower()]
    if lower:
        return _usual_size(lower)
    sizes = Counter(round(char.size, 1) for char in chars if char.get_text().isalpha())
    shared = max((size for size, n in sizes.items() if n > 1), default=max(sizes, default=0.0))
    low, high = _SMALL_CAPS
    small = low * page_size <= shared <= high * page_size
    tall = any(abs(size - page_size) <= page_size * _SAME_SIZE for size in sizes)
    return page_size if small and (tall or capped) else shared


def _words(objs: list[Any]) -> list[list[LTChar]]:
    """A line's glyphs word by word, as its spaces part them."""
    words: list[list[LTChar]] = [[]]
    for obj in objs:
        if obj.get_text().isspace():
            words.append([])
        elif isinstance(obj, LTChar):
            words[-1].append(obj)
    return words


# A small-caps font's name: "Minion-RegularSC", "Garamond-SCOSF", "Foo-SmallCaps", "a.sc".
_SMALL_CAPS_FONT = re.compile(r"(?<![A-Z])SC(?:OSF|It|Ital)?(?![A-Za-z])|Small-?[Cc]aps|\.sc\b")
_SUBSET = re.compile(r"^[A-Z]{6}\+")  # a subset font's tag ("ABCDEF+"), no part of its name


def _small_caps_font(char: LTChar) -> bool:
    return _small_caps_name(char.fontname)


@functools.lru_cache(maxsize=256)  # asked of each letter; a book has a few fonts
def _small_caps_name(fontname: str) -> bool:
    return bool(_SMALL_CAPS_FONT.search(_SUBSET.sub("", fontname)))


def _faked_capital(char: LTChar) -> bool:
    return char.get_text().isupper() and _small_caps_font(char)


def _said(obj: Any, lowered: set[int]) -> str:
    text: str = obj.get_text()
    return text.lower() if id(obj) in lowered else text


def _letter_spaced(text: str) -> bool:
    """Whether pdfminer gave a line letter by letter ("C H A P T E R O N E"): its letters
    set further apart than its word spaces tell, and each read alone."""
    words = text.split()
    return len(words) >= _SPREAD_WORDS and sum(len(w) == 1 for w in words) >= len(words) * _SPREAD


def _respaced(
    item: LTTextLineHorizontal, size: float, lowered: set[int]
) -> tuple[str, float] | None:
    """A letter-spaced line's words (tracked type, or spaces typed between letters) and
    its first word's width; None where its glyphs stand further apart than a word's
    letters do (a table's cells of a figure each)."""
    glyphs = glyphs_of(item)
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(glyphs)]
    if not gaps or min(gaps) > size * _LETTER_GAP:
        return None
    space = _word_space(gaps, size)
    if space == math.inf and not _tracked(item, glyphs):
        return None  # one-letter words as typed, spaced alike ("A B C D", "x y z", "5 4 3")
    words = [glyphs[:1]]
    for gap, glyph in zip(gaps, glyphs[1:], strict=True):
        if gap > space:
            words.append([])
        words[-1].append(glyph)
    text = " ".join("".join(_said(glyph, lowered) for glyph in word) for word in words)
    return _CID.sub("", text).translate(_LIGATURES), words[0][-1].x1 - item.x0


def _word_space(gaps: list[float], size: float) -> float:
    """The gap between glyphs from which a space is read: midway across the widest step
    between the gaps in order, where it is a tenth of an em or more (a word's letters are
    spaced alike); else none is ("C H A P T E R": one word)."""
    steps = [(b - a, (a + b) / 2) for a, b in itertools.pairwise(sorted(gaps))]
    step, middle = max(steps, default=(0.0, 0.0))
    return middle if step >= size * _WORD_JUMP else math.inf


def _tracked(item: LTTextLineHorizontal, glyphs: list[LTChar]) -> bool:
    """Whether a line spaced alike throughout is one word's letters set apart: letters,
    with no space drawn between them (a space the font draws, one between each letter,
    is a word's: "A B C D", "x y z"; and "5 4 3 2 1" is no word)."""
    typed = any(isinstance(obj, LTChar) and obj.get_text().isspace() for obj in item)
    return not typed and all(glyph.get_text().isalpha() for glyph in glyphs)


def _first_word_end(item: LTTextLineHorizontal) -> float:
    """Where a line's first word ends: the edge of its last glyph before a space."""
    end = item.x0
    for obj in item:
        if obj.get_text().isspace() and end > item.x0:
            break
        if isinstance(obj, LTChar):
            end = obj.x1
    return end


def _line_text(item: LTTextLineHorizontal, size: float, lowered: set[int]) -> tuple[str, bool]:
    """A line's words, without note marks (small digits and daggers) or unmapped glyphs,
    small capitals standing for lower-case letters in lower case; and whether it had a note
    mark."""
    chars = [obj for obj in item if isinstance(obj, LTChar) and round(obj.size, 1) == size]
    base = Counter(round(char.y0) for char in chars).most_common(1)[0][0] if chars else item.y0
    marks = [_is_note_mark(obj, size, base) for obj in item]
    pieces = (_said(obj, lowered) for obj, mark in zip(item, marks, strict=True) if not mark)
    text = _CID.sub("", "".join(pieces)).translate(_LIGATURES)
    return _INVISIBLE.sub("", " ".join(text.split())), any(marks)


def _is_note_mark(obj: Any, size: float, base: float) -> bool:
    """A digit or dagger in much smaller type, or in smaller type raised above the line's."""
    if not isinstance(obj, LTChar) or obj.get_text() not in _MARKS:
        return False
    raised = obj.size < size * FOOTNOTE and obj.y0 > base + size * _RISE
    return raised or obj.size < size * _SUPERSCRIPT
