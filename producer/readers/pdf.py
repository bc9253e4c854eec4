"""PDF manuscripts with a text layer: page lines rebuilt into paragraphs, chapters from the
outline (bookmarks) or from headings.

pypdf (BSD) opens the document and gives what it says about itself: encryption, the
information dictionary, the outline. pdfminer.six (MIT) lays out each page's text: lines
with their positions and type sizes, which paragraphs, headings, running heads and page
numbers are told by and which pypdf's text extraction does not give. A page is read top
to bottom; a page set in two columns (a gutter no line crosses between text on both sides)
column by column, after what spans both above them.

What a page prints but a listener should not hear is dropped: running heads and footers
(lines recurring at one height on several pages, or carrying the page's number), page
numbers, contents entries (dot leaders to a page number), footnotes (smaller type below
the body text) and their marks, "This page intentionally left blank", and text set sideways
(a turned table, a watermark). A copyright page is a part of its own, skipped. A drop cap
is its word's first letter; letter-spaced words are words. Lines are joined into one line
per paragraph; a paragraph ends at a wider gap, at the book's first-line indent, at a list
bullet, or after a line that stops on a sentence's end with room left for the next line's
first word; it runs on across a page break. Verse keeps its line ends (a newline): lines
in a row that each end with room left for the next one's first word, where prose fills the
measure. A word hyphenated at a line end is joined, unless the book prints it with its
hyphen elsewhere or the next line starts with a capital.
"""

import contextlib
import io
import itertools
import logging
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pypdf
from pdfminer.layout import LTChar, LTContainer, LTPage, LTTextLineHorizontal
from pypdf.generic import Destination, IndirectObject

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers import matter
from producer.readers.book import Book, Section, rest_of_title_page
from producer.readers.pdfpages import SPECK, WORD_MARGIN, laid_out

log = logging.getLogger(__name__)

_MARGIN = 0.12  # the top and bottom share of a page where running heads and folios sit
_REPEATS = 3  # pages a running head recurs on, or that show a page number's place
_HEADING = 1.15  # a heading's type is at least this much larger than the body's
_FOOTNOTE = 0.92  # a footnote's type is at most this much of the body's (Word: 10 on 11)
_UNMARKED = 0.9  # or this much, on a page that marks no note (a letter set a point smaller)
_SUPERSCRIPT = 0.75  # a note mark's type is at most this much of its line's
_RISE = 0.25  # or smaller than the line's (_FOOTNOTE) and raised this share of its size
_GAP = 1.4  # a gap between paragraphs: this many times the usual line spacing
_QUOTED = 1.5  # ems of the body's: a quotation's lines are set in at least this far
_FLUSH = 0.5  # points: lines ending this close together are justified to one edge
_JUSTIFIED = 2 / 3  # where the upper fills at least this share of the measure (not verse)
_INDENT = 1.5  # a first-line indent: at least this many average character widths
_MIN_INDENTED = 3  # paragraphs that must share a first-line indent to show the book's
_MAX_HEADING = 120  # characters: longer is a paragraph, whatever its type
_TERMINAL = (".", "!", "?", ":", "…", '"', "”", "’", "»", ")")
_ROMAN = r"(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_FOLIO = re.compile(
    rf"^[-–—(\[]?\s*(?:page\s+)?(?:\d+|{_ROMAN})(?:\s+of\s+\d+)?\s*[-–—)\]]?$", re.I
)
_ROMAN_ENDS = re.compile(rf"^({_ROMAN})\b|\b({_ROMAN})$", re.I)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
)
_NUMBER = rf"(?:\d+|{_ROMAN}|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
# "Chapter 4", "PART TWO", "IV." on their own; with a title after, not ending as a sentence.
_LABEL = re.compile(rf"^(?:(?:chapter|part|book)\s+{_NUMBER}|(?-i:{_ROMAN.upper()}))[.:]?$", re.I)
_LABELLED = re.compile(rf"^(?:chapter|part|book)\s+{_NUMBER}\b[.:]?\s+\S.{{0,70}}(?<![.,;])$", re.I)
_SMALL_CAPS = (0.6, 0.9)  # a small capital's size, to its line's letters'
_SPREAD = 0.8  # a line this share of whose words are one letter is letter-spaced
_SPREAD_WORDS = 4  # a line of fewer words is not told so
_LETTER_GAP = 0.5  # ems: letters further apart are no word's
_WORD_JUMP = 0.1  # ems: a letter-spaced line's word spaces are this much wider than the rest
_AFTER_WORD = re.compile(r"[^\w-].*")  # what follows a line's first word
_BULLETS = ("•", "◦", "▪", "‣", "·", "–")
_MARKS = set("0123456789*†‡§¶")
# A contents or index entry: dot leaders to a page number.
# (Each run of leaders is tried from its start only: from each of its dots, a long run took
# its square.)
_LEADERS = re.compile(
    rf"(?:(?<!\. )(?:\. ){{3,}}\.?|(?<!\.)\.{{6,}})\s*(?:\d+|{_ROMAN})?$",
    re.I,
)
# A printer's note on a page left empty, said at each chapter's end where it was read.
_LEFT_BLANK = re.compile(
    r"^[\[(]?(?:this page (?:is |has been )?)?(?:(?:intentionally|deliberately) (?:left )?blank"
    r"|left blank (?:intentionally|on purpose))\.?[\])]?$",
    re.I,
)
_CID = re.compile(r"\(cid:\d+\)")  # a glyph the font does not map to text
# No sound, but each would split a word in two for the voice; a soft hyphen ending a line
# is kept, to join the word broken there (`_join`).
_INVISIBLE = re.compile("\xad(?!$)|[\u200b\u2060\ufeff]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})
_FILE_NAME = re.compile(
    r"^(?:microsoft word - .*|.*\.(?:docx?|odt|rtf|pdf|indd|tex)|untitled)$", re.I
)
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
_MISPLACED = 2  # pages an outline entry may point off its heading, to be moved to it
_FOLIO_DIGITS = 6  # a longer number is no page's
_WHY = 200  # characters of a parser's error shown
_TAIL = 1000  # characters of a paragraph being joined that a broken word is looked for in
_LIBRARIES = ("pypdf", "pdfminer")  # their log lines are about the file's repairs, not for users


@dataclass(frozen=True)
class _Line:
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

    @property
    def char_width(self) -> float:
        return (self.x1 - self.x0) / max(len(self.text), 1)


@dataclass(frozen=True)
class _Layout:
    """The body text's measures: type size, line spacing and each page's margins."""

    body: float
    leading: float
    left: dict[int, float]
    right: dict[int, float]
    indent: float | None  # of a paragraph's first line, where the book indents them


@dataclass(frozen=True, eq=False)  # compared by identity: two paragraphs may read the same
class _Para:
    """A paragraph rebuilt from lines: its text on one line, where it starts, its type."""

    page: int
    top: float
    size: float
    text: str


@dataclass(frozen=True)
class _Mark:
    """An outline entry: a title and where it points (top None: the top of the page)."""

    title: str
    page: int
    top: float | None


@dataclass
class _Draft:
    title: str = ""
    paras: list[_Para] = field(default_factory=list)
    titled: bool = False  # held the book's title: the title page
    kind: str = ""  # the kind its pages show it to be (a copyright page), whatever its title


def read(data: bytes, source: str) -> Book:
    """A PDF's sections and metadata; raises ManuscriptError with the reason."""
    with _quiet(_LIBRARIES):
        return _read(data, source)


@contextlib.contextmanager
def _quiet(names: Iterable[str]) -> Iterator[None]:
    """The named loggers silenced meanwhile: pypdf's "EOF marker not found" or an
    object's dump would print before narrate's own error or warnings."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _read(data: bytes, source: str) -> Book:
    reader = _open(data, source)
    lines, turned = _lines(data, source)
    if not lines:
        raise ManuscriptError(f"{source}: no text layer (a scanned PDF? it needs OCR first)")
    body = _body_size(lines)
    lines = _small_caps(lines, body)
    kept = _drop_furniture(lines, body)
    layout = _measure(kept, body)
    imprint = _imprint_pages(kept)
    paras = _merge_headings(_paragraphs(kept, layout, imprint), layout)
    marks, warnings = _outline(reader, source)
    if marks:
        sections, title = _by_outline(paras, marks, layout, imprint), ""
    else:
        sections, title = _by_headings(paras, layout, imprint)
    warnings += _textless_pages(lines, len(reader.pages), turned, source)
    warnings += _pages_warning(turned, source, "sideways text", "a turned table or a watermark")
    return Book(sections, _metadata(reader, title), warnings=warnings)


def _why(error: Exception) -> str:
    """A parser's error on one line, cut short: some quote whole objects of the file."""
    why = " ".join(str(error).split())
    return why if len(why) <= _WHY else f"{why[:_WHY]}..."


def _open(data: bytes, source: str) -> pypdf.PdfReader:
    """The document, decrypted when its user password is empty (any viewer opens those)."""
    if b"%PDF-" not in data[:1024]:  # viewers allow a little junk before the header
        raise ManuscriptError(f"{source}: not a PDF (no %PDF- header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
        pages = 0 if locked else len(reader.pages)
    except Exception as error:  # a damaged file can fail anywhere inside the parser
        raise ManuscriptError(f"{source}: not a readable PDF ({_why(error)})") from error
    if locked:
        raise ManuscriptError(f"{source}: the PDF is encrypted; it needs a password to open")
    if not pages:
        raise ManuscriptError(f"{source}: the PDF has no pages")
    return reader


# Lines


def _lines(data: bytes, source: str) -> tuple[list[_Line], list[int]]:
    """The book's lines in reading order, and the pages that set text sideways."""
    lines: list[_Line] = []
    turned: list[int] = []
    for number, (page, sideways) in enumerate(_pages(data, source)):
        if sideways:
            turned.append(number)
        for items, frame in _columns(list(_text_lines(page)), page):
            parts = [part for item in items for part in _cap_apart(item)]
            found = [line for part in parts if (line := _line(part, number, page, frame))]
            found = _with_caps(found)
            lines.extend(_rows(sorted(found, key=lambda line: (-round(line.y0), line.x0))))
    return lines, turned


def _rows(lines: list[_Line]) -> Iterator[_Line]:
    """Lines on one baseline made one: pdfminer splits a justified line at wide spaces."""
    row: _Line | None = None
    for line in lines:
        if row is not None and _same_row(row, line):
            longer = max(row, line, key=lambda part: len(part.text))
            row = replace(
                row, x1=line.x1, y0=min(row.y0, line.y0), y1=max(row.y1, line.y1),
                size=longer.size, capitals=longer.capitals, text=f"{row.text} {line.text}",
                marked=row.marked or line.marked,
            )  # fmt: skip
            continue
        if row is not None:
            yield row
        row = line
    if row is not None:
        yield row


def _same_row(row: _Line, line: _Line) -> bool:
    return line.x0 >= row.x1 - 1 and abs(row.y0 - line.y0) < min(row.size, line.size) / 2


def _pages(data: bytes, source: str) -> Iterator[tuple[LTPage, int]]:
    """The laid-out pages, one at a time (a whole book's characters at once is a lot)."""
    pages = laid_out(data, source)
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except ManuscriptError:  # a limit reached
            raise
        except Exception as error:  # a damaged file can fail anywhere inside the parser
            raise ManuscriptError(f"{source}: not a readable PDF ({_why(error)})") from error
        yield page


def _text_lines(item: Any) -> Iterator[LTTextLineHorizontal]:
    """Every horizontal text line on a page, inside text boxes and figures alike."""
    if isinstance(item, LTTextLineHorizontal):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)


# Columns

_Frame = tuple[float, float] | None
_CROSSED = 0.1  # a gutter: an x-range at most this share of the page's text rows cross
_MIN_ROWS = 5  # rows of text a column holds at least
_FILLED = 3.0  # a column's lines end, as a rule, within this many ems of its gutter
_ALIGNED = 2 / 3  # and this share of the right column's lines start at its left edge


def _columns(
    items: list[LTTextLineHorizontal], page: LTPage
) -> list[tuple[list[LTTextLineHorizontal], _Frame]]:
    """A page's lines in reading order, by columns: what spans both columns above them,
    the left column, the right, then what spans them below (a footnote, a folio). A page
    without a gutter is one column. pdfminer joins two columns' lines on a baseline across
    a narrow gutter, so lines are cut at it."""
    body = [item for item in items if _in_body(item, page)]
    gutter = _gutter(body)
    if gutter is None:
        return [(items, None)]
    start, end = gutter
    cut = [part for item in items for part in _cut(item, start, end, item in body)]
    left = [item for item in cut if item.x1 <= end]
    right = [item for item in cut if item.x0 >= start and item.x1 > end]
    across = [item for item in cut if item.x0 < start and item.x1 > end]
    bottom = min(item.y0 for item in left + right if _in_body(item, page))
    width = max(_width(left, page), _width(right, page))
    return [
        ([item for item in across if item.y0 > bottom], None),
        (left, _frame(left, page, width)),
        (right, _frame(right, page, width)),
        ([item for item in across if item.y0 <= bottom], None),
    ]


def _in_body(item: LTTextLineHorizontal, page: LTPage) -> bool:
    """Not in the top or bottom margin, where running heads and folios sit."""
    return page.height * _MARGIN <= item.y0 and item.y1 <= page.height * (1 - _MARGIN)


def _width(items: list[LTTextLineHorizontal], page: LTPage) -> float:
    body = [item for item in items if _in_body(item, page)]
    return max(item.x1 for item in body) - min(item.x0 for item in body)


def _frame(items: list[LTTextLineHorizontal], page: LTPage, width: float) -> _Frame:
    """A column's edges: columns share a width, which a short column's lines do not show."""
    left = min(item.x0 for item in items if _in_body(item, page))
    return left, left + width


def _gutter(items: list[LTTextLineHorizontal]) -> tuple[float, float] | None:
    """The widest x-range, an em or more, that (almost) no row of glyphs crosses, with
    columns on both sides: rows enough, over half the text's height, the left one's lines
    reaching close to it (not a play's speakers' names beside their speeches)."""
    glyphs = [glyph for item in items for glyph in _glyphs(item)]
    if not glyphs:
        return None
    em = statistics.median(glyph.size for glyph in glyphs)
    spans = _row_spans(items)
    found = [
        (start, end)
        for start, end in _uncrossed(spans, len(spans) * _CROSSED)
        if end - start >= em and _has_columns(spans, start, end, em)
    ]
    return max(found, key=lambda gap: gap[1] - gap[0], default=None)


def _glyphs(item: LTTextLineHorizontal) -> list[LTChar]:
    return [obj for obj in item if isinstance(obj, LTChar) and not obj.get_text().isspace()]


def _row_spans(items: list[LTTextLineHorizontal]) -> dict[int, list[tuple[float, float]]]:
    """Each row's (baseline's) runs of glyphs, merged where they touch, left to right."""
    rows: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for item in items:
        rows[round(item.y0)].extend((glyph.x0, glyph.x1) for glyph in _glyphs(item))
    merged: dict[int, list[tuple[float, float]]] = {}
    for row, spans in rows.items():
        merged[row] = []
        for x0, x1 in sorted(spans):
            if merged[row] and x0 <= merged[row][-1][1]:
                merged[row][-1] = (merged[row][-1][0], max(merged[row][-1][1], x1))
            else:
                merged[row].append((x0, x1))
    return {row: spans for row, spans in merged.items() if spans}


def _uncrossed(
    spans: dict[int, list[tuple[float, float]]], allowed: float
) -> Iterator[tuple[float, float]]:
    """The x-ranges, between the text's outer edges, that at most `allowed` rows cross (a
    sweep over where runs start and end: a page's width in points may be anything)."""
    events = sorted(
        (x, step) for runs in spans.values() for a, b in runs for x, step in ((a, 1), (b, -1))
    )
    crossing, start = 0, None
    for x, step in events:
        crossing += step
        if crossing <= allowed and start is None:
            start = x
        elif crossing > allowed and start is not None:
            if x > start and start > events[0][0]:
                yield start, x
            start = None


def _has_columns(
    spans: dict[int, list[tuple[float, float]]], start: float, end: float, em: float
) -> bool:
    """Text on both sides of a gap: rows enough, over half the text's height, the left
    side's lines reaching close to the gap and the right side's mostly starting at one
    edge (not a play's speakers' names beside their speeches, nor a river of spaces
    through justified lines)."""
    left = {
        row: max(b for a, b in runs if b <= start)
        for row, runs in spans.items()
        if runs[0][1] <= start
    }
    right = {
        row: min(a for a, b in runs if a >= end)
        for row, runs in spans.items()
        if runs[-1][0] >= end
    }
    if min(len(left), len(right)) < _MIN_ROWS:
        return False
    height = max(spans) - min(spans)
    edge = Counter(round(x) for x in right.values()).most_common(1)[0][1]
    return (
        max(left) - min(left) > height / 2
        and max(right) - min(right) > height / 2
        and statistics.median(start - x for x in left.values()) < em * _FILLED
        and edge >= len(right) * _ALIGNED
    )


def _cut(
    item: LTTextLineHorizontal, start: float, end: float, body: bool
) -> list[LTTextLineHorizontal]:
    """A body line crossing the gutter with no glyph in it cut in two there."""
    glyphs = [obj for obj in item if isinstance(obj, LTChar)]
    if not body or not (item.x0 < start and item.x1 > end):
        return [item]
    if any(
        glyph.x1 > start and glyph.x0 < end and not glyph.get_text().isspace() for glyph in glyphs
    ):
        return [item]  # a heading across both columns
    sides = ([g for g in glyphs if g.x1 <= start], [g for g in glyphs if g.x0 >= end])
    return [_line_of(side) for side in sides if side]


def _line_of(glyphs: list[LTChar]) -> LTTextLineHorizontal:
    line = LTTextLineHorizontal(WORD_MARGIN)
    for glyph in glyphs:
        line.add(glyph)
    return line


# Drop caps

_CAP = 1.8  # a drop cap's type is at least this much larger than the lines beside it
_CAP_CHARS = 2  # a capital, maybe after an opening quote


def _cap_apart(item: LTTextLineHorizontal) -> list[LTTextLineHorizontal]:
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
    return [_line_of(cap), _line_of(rest)]


def _with_caps(lines: list[_Line]) -> list[_Line]:
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


def _beside(cap: _Line, line: _Line) -> bool:
    """Whether `line`, in type a fraction of the cap's, starts just right of it, between
    its top and its foot (a raised cap's foot is its line's: the next paragraph's first
    line, set in under it, is not beside it)."""
    return (
        line.size * _CAP <= cap.size
        and cap.x1 - 1 <= line.x0 <= cap.x1 + cap.size
        and cap.y0 - line.size / 2 <= line.y0
        and line.y1 <= cap.y1 + line.size
    )


def _capped(cap: _Line, first: _Line, beside: list[_Line]) -> _Line:
    """The cap and the line as one; a space between only where the line starts further
    from the cap than the lines under it do ("A" "long time ago", not "O" "nce upon"), or
    than a word space from a cap beside one line only (a raised cap)."""
    under = [line.x0 for line in beside if line is not first]
    spaced = first.x0 - min(under, default=cap.x1) > first.size / 5
    text = f"{cap.text} {first.text}" if spaced else cap.text + first.text
    lead = cap.x1 - cap.x0 if spaced else first.x0 + first.lead - cap.x0
    return replace(first, x0=cap.x0, text=text, lead=lead)


def _line(
    item: LTTextLineHorizontal, number: int, page: LTPage, frame: tuple[float, float] | None
) -> _Line | None:
    chars = [obj for obj in item if isinstance(obj, LTChar)]
    if not chars:
        return None
    size = _usual_size(char.size for char in chars)
    text, marked = _line_text(item, size)
    if not text or size < SPECK:
        return None
    lead = _first_word_end(item) - item.x0
    if _letter_spaced(text):
        text, lead = _respaced(item, size) or (text, lead)
    capitals = _usual_size(_sizes(chars))
    return _Line(
        number, item.x0, item.x1, item.y0, item.y1, size, text, page.height, lead, frame, marked,
        capitals,
    )  # fmt: skip


def _usual_size(sizes: Iterable[float]) -> float:
    return Counter(round(size, 1) for size in sizes).most_common(1)[0][0]


def _sizes(chars: list[LTChar]) -> list[float]:
    """Each glyph's type size, a small capital's counted as its line's letters' (Word and
    InDesign make small caps of capitals set smaller)."""
    full = max((char.size for char in chars if char.get_text().isalpha()), default=0.0)
    return [full if _is_small_capital(char, full) else char.size for char in chars]


def _small_caps(lines: list[_Line], body: float) -> list[_Line]:
    """Lines of small capitals in the body's type: a first line in small caps is no smaller
    type, which ended its paragraph after it, mid-sentence. Only where the capitals are
    the body's size: capitals after a larger initial ("W" in 15 point, "HEN THE" in 11)
    are the line's letters, and the line no heading in the initial's type."""
    return [replace(line, size=body) if line.capitals == body else line for line in lines]


def _is_small_capital(char: LTChar, full: float) -> bool:
    low, high = _SMALL_CAPS
    return char.get_text().isupper() and low * full <= char.size <= high * full


def _letter_spaced(text: str) -> bool:
    """Whether pdfminer gave a line letter by letter ("C H A P T E R O N E"): its letters
    set further apart than its word spaces tell, and each read alone."""
    words = text.split()
    return len(words) >= _SPREAD_WORDS and sum(len(w) == 1 for w in words) >= len(words) * _SPREAD


def _respaced(item: LTTextLineHorizontal, size: float) -> tuple[str, float] | None:
    """A letter-spaced line's words (tracked type, or spaces typed between letters) and
    its first word's width; None where its glyphs stand further apart than a word's
    letters do (a table's cells of a figure each)."""
    glyphs = _glyphs(item)
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
    text = " ".join("".join(glyph.get_text() for glyph in word) for word in words)
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


def _line_text(item: LTTextLineHorizontal, size: float) -> tuple[str, bool]:
    """A line's words, without note marks (small digits and daggers) or unmapped glyphs;
    and whether it had a note mark."""
    chars = [obj for obj in item if isinstance(obj, LTChar) and round(obj.size, 1) == size]
    base = Counter(round(char.y0) for char in chars).most_common(1)[0][0] if chars else item.y0
    marks = [_is_note_mark(obj, size, base) for obj in item]
    pieces = (obj.get_text() for obj, mark in zip(item, marks, strict=True) if not mark)
    text = _CID.sub("", "".join(pieces)).translate(_LIGATURES)
    return _INVISIBLE.sub("", " ".join(text.split())), any(marks)


def _is_note_mark(obj: Any, size: float, base: float) -> bool:
    """A digit or dagger in much smaller type, or in smaller type raised above the line's."""
    if not isinstance(obj, LTChar) or obj.get_text() not in _MARKS:
        return False
    raised = obj.size < size * _FOOTNOTE and obj.y0 > base + size * _RISE
    return raised or obj.size < size * _SUPERSCRIPT


# The body text's measures


def _body_size(lines: list[_Line]) -> float:
    """The type size most of the text is set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0]


def _measure(lines: list[_Line], body: float) -> _Layout:
    text = [line for line in lines if line.size == body] or lines
    left, right = _edges(text)
    return _Layout(body, _leading(text, body), left, right, _first_indent(text, left))


def _leading(lines: list[_Line], body: float) -> float:
    """The usual distance from one body line to the next on a page."""
    steps = [a.y0 - b.y0 for a, b in itertools.pairwise(lines) if a.page == b.page]
    steps = [step for step in steps if 0 < step < body * 4]
    return statistics.median(steps) if steps else body * 1.2


def _first_indent(lines: list[_Line], left: dict[int, float]) -> float | None:
    """The indent of paragraphs' first lines: the usual offset of an indented line that a
    flush line follows (a quotation's lines follow one another at its own indent)."""
    offsets: Counter[float] = Counter()
    for line, below in itertools.pairwise(lines):
        indent = round(line.x0 - _left_edge(line, left))
        if line.page == below.page and indent > 0 and below.x0 - _left_edge(below, left) < 1:
            offsets[indent] += 1
    found = offsets.most_common(1)
    return found[0][0] if found and found[0][1] >= _MIN_INDENTED else None


def _edges(lines: list[_Line]) -> tuple[dict[int, float], dict[int, float]]:
    """Each page's left and right edge of body text. Facing pages' margins mirror each
    other, so a page is measured with the others of its parity: a page of a few short
    lines (a chapter's last) does not show where its lines could reach."""
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for line in lines:
        left[line.page] = min(line.x0, left.get(line.page, line.x0))
        right[line.page] = max(line.x1, right.get(line.page, line.x1))
    usual_left, usual_right = _by_parity(left), _by_parity(right)
    return (
        {page: min(x, usual_left[page % 2]) for page, x in left.items()},
        {page: max(x, usual_right[page % 2]) for page, x in right.items()},
    )


def _by_parity(edges: dict[int, float]) -> dict[int, float]:
    """The median edge of even pages and of odd ones."""
    return {
        parity: statistics.median(x for page, x in edges.items() if page % 2 == parity)
        for parity in {page % 2 for page in edges}
    }


# Running heads, page numbers and footnotes


def _drop_furniture(lines: list[_Line], body: float) -> list[_Line]:
    """The lines without running heads, page numbers, contents entries, footnotes and
    "This page intentionally left blank". A line larger than the body text is a heading,
    never furniture."""
    margin = [line for line in lines if _side(line) and line.size <= body * _HEADING]
    dropped = {id(line) for line in margin if _FOLIO.match(line.text)}
    dropped |= {id(line) for line in lines if _LEADERS.search(line.text)}
    dropped |= {id(line) for line in lines if _LEFT_BLANK.match(line.text)}
    dropped |= _paged(margin) | _running_heads(margin, len({line.page for line in lines}))
    dropped |= _heading_echoes(margin, lines, body)
    dropped |= _footnotes(lines, body)
    log.debug("dropped %d running heads, page numbers, contents and footnote lines", len(dropped))
    return [line for line in lines if id(line) not in dropped]


def _side(line: _Line) -> str:
    """Which margin of its page a line is in: "top", "bottom" or none ("")."""
    if line.y0 > line.height * (1 - _MARGIN):
        return "top"
    return "bottom" if line.y1 < line.height * _MARGIN else ""


def _paged(margin: list[_Line]) -> set[int]:
    """Margin lines that start or end with their page's number: a running head with its
    folio ("Chapter 2: Rain 37", "xii PREFACE"), however few pages it recurs on. The page's
    number is the page's place in the file plus the distance most such numbers keep from
    it; front matter numbered in Roman numerals keeps a distance of its own."""
    ends = [(line, number) for line in margin for number in _end_numbers(line.text)]
    offsets = Counter((roman, value - line.page) for line, (roman, value) in ends)
    usual: dict[bool, int] = {}
    for (roman, offset), count in offsets.most_common():
        if count >= _REPEATS:
            usual.setdefault(roman, offset)
    return {
        id(line)
        for line, (roman, value) in ends
        if usual.get(roman) == value - line.page and not _LABEL.match(line.text)  # "Chapter 7"
    }


def _end_numbers(text: str) -> list[tuple[bool, int]]:
    """The numbers a line starts or ends with, of a page number's length, each with
    whether it is a Roman numeral."""
    digits = rf"\d{{1,{_FOLIO_DIGITS}}}"
    arabic = re.findall(rf"^{digits}\b|\b{digits}$", text)
    # A folio's numeral is lower-case, or a head in capitals: "I walked", "Henry VIII" are
    # words.
    roman = [
        found
        for pair in _ROMAN_ENDS.findall(text)
        for found in pair
        if found and (found.islower() or text.isupper())
    ]
    return [(False, int(found)) for found in arabic] + [(True, _roman(found)) for found in roman]


def _roman(numeral: str) -> int:
    """A Roman numeral's value: each letter's, less where a larger one follows ("ix")."""
    values = [_ROMAN_VALUES[letter] for letter in numeral.casefold()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _running_heads(margin: list[_Line], pages: int) -> set[int]:
    """Lines recurring word for word at one height on several pages."""
    groups: dict[tuple[str, int, str], list[_Line]] = defaultdict(list)
    for line in margin:
        groups[_side(line), round(line.y0 / 2), line.text.casefold()].append(line)
    needed = min(_REPEATS, max(pages, 2))
    recurring = [group for group in groups.values() if len({ln.page for ln in group}) >= needed]
    return {id(line) for group in recurring for line in group}


def _heading_echoes(margin: list[_Line], lines: list[_Line], body: float) -> set[int]:
    """Margin lines that repeat a heading of the book word for word ("CHAPTER TWO" over
    the pages of "Chapter Two"): a running head, however few pages a short chapter or
    story has to recur on. Read, each was a sentence in the chapter, and the one over the
    first chapter's first page an untitled chapter before it."""
    headings = {_echo(line.text) for line in lines if line.size >= body * _HEADING}
    return {id(line) for line in margin if _echo(line.text) in headings}


def _echo(text: str) -> str:
    return " ".join(text.casefold().split())


def _footnotes(lines: list[_Line], body: float) -> set[int]:
    """Small type below the last line of body text on a page, in the page's lower half;
    unless all of it is set in from the text's edge: a quotation in smaller type running
    over the page (notes start at the edge, or a mark's width in), whose lines were lost.
    Type a point smaller than the body's (Word's notes, 10 on 11) is a page's notes where
    the page marks one: else it is a letter or an extract set a point smaller."""
    last_body: dict[int, float] = {}
    left: dict[int, float] = {}
    for line in lines:
        if line.size == body:
            last_body[line.page] = min(line.y0, last_body.get(line.page, line.y0))
            left[line.page] = min(line.x0, left.get(line.page, line.x0))
    noted = {line.page for line in lines if line.marked}
    below: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        smaller = body * (_FOOTNOTE if line.page in noted else _UNMARKED)
        if (
            line.size <= smaller
            and line.y1 <= last_body.get(line.page, -1.0)
            and line.y1 < line.height / 2
        ):
            below[line.page].append(line)
    return {
        id(line)
        for page, run in below.items()
        if not _set_in(run, left[page], body)
        for line in run
    }


def _set_in(run: list[_Line], left: float, body: float) -> bool:
    """Whether every line of a run (but a page number) starts well in from the text's
    left edge, its column's where it is in one."""
    lines = [line for line in run if not _FOLIO.match(line.text)]
    return bool(lines) and all(
        line.x0 - (line.frame[0] if line.frame else left) >= body * _QUOTED for line in lines
    )


# Paragraphs


def _paragraphs(lines: list[_Line], layout: _Layout, imprint: set[int]) -> list[_Para]:
    compounds = _compounds(lines)
    short = [_has_room(above, line, layout) for above, line in itertools.pairwise(lines)]
    short.append(False)
    groups: list[list[_Line]] = []
    verse: set[int] = set()  # the lines whose line end is kept
    for n, line in enumerate(lines):
        if not groups or _breaks(groups[-1], line, layout, imprint):
            groups.append([line])
            continue
        paragraph = groups[-1]
        if short[n - 1] and _is_verse(paragraph, short[n], verse, layout):
            verse.add(id(paragraph[-1]))
        elif short[n - 1] and paragraph[-1].text.endswith(_TERMINAL):
            groups.append([line])  # a sentence's end with room left: the paragraph's end
            continue
        paragraph.append(line)
    return [_para(group, compounds, verse) for group in groups]


def _breaks(paragraph: list[_Line], line: _Line, layout: _Layout, imprint: set[int]) -> bool:
    """Whether `line` starts a new paragraph after the lines of `paragraph`, whatever
    their line ends say."""
    above = paragraph[-1]
    return (
        _retyped(above, line, layout)
        or _spaced(above, line, layout)
        or _indented(paragraph, line, layout)
        or line.text.startswith(_BULLETS)
        or _is_first_line(line, layout)
        or (line.page != above.page and bool({line.page, above.page} & imprint))
    )  # no paragraph runs on to or from a copyright page: its "Printed in the United States
    # of America" took the dedication over the page


def _is_verse(paragraph: list[_Line], next_short: bool, verse: set[int], layout: _Layout) -> bool:
    """Whether the paragraph's last line, ending short of the next line's first word, is a
    verse line: in body type, and the first line of a verse paragraph (ending on a sentence,
    only if the next line ends short too: else it is a paragraph of one line) or after one.
    A prose paragraph's lines fill the measure, its last line only ends short."""
    above = paragraph[-1]
    if above.size >= layout.body * _HEADING:
        return False  # a heading's lines, each short
    if len(paragraph) > 1:
        return id(paragraph[-2]) in verse
    return next_short or not above.text.endswith(_TERMINAL)


def _retyped(above: _Line, line: _Line, layout: _Layout) -> bool:
    """A change of type size, or a heading's type after a page break (headings do not run
    on from page to page, as a table of contents' title would into the first chapter's)."""
    if abs(above.size - line.size) > 0.1 * max(above.size, line.size):
        return True
    return line.page != above.page and line.size >= layout.body * _HEADING


def _spaced(above: _Line, line: _Line, layout: _Layout) -> bool:
    """A wider gap than lines of this type keep."""
    spacing = layout.leading * above.size / layout.body
    return line.page == above.page and above.y0 - line.y0 > spacing * _GAP


def _indented(paragraph: list[_Line], line: _Line, layout: _Layout) -> bool:
    """Indented past the line above, unless that line starts the paragraph: a list item's
    second line hangs under its first."""
    if len(paragraph) < 2:
        return False
    return _indent(line, layout) > _indent(paragraph[-1], layout) + _INDENT * line.char_width


def _is_first_line(line: _Line, layout: _Layout) -> bool:
    """Whether a line sits at the book's first-line indent (so even a paragraph of one
    line after another at the same indent starts anew)."""
    if layout.indent is None:
        return False
    return abs(_indent(line, layout) - layout.indent) < line.char_width


def _indent(line: _Line, layout: _Layout) -> float:
    return line.x0 - _left_edge(line, layout.left)


def _left_edge(line: _Line, left: dict[int, float]) -> float:
    """Where a line's column starts: its page's body text, or its own column's."""
    return line.frame[0] if line.frame else left.get(line.page, line.x0)


def _has_room(above: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether `above` ends with room left for the next line's first word (and a space, a
    quarter em): the typesetter would have put it there had the line gone on. A word broken
    by a hyphen did not fit whole, whatever its rest does."""
    if above.text.endswith(("-", "\xad")):
        return False
    right = above.frame[1] if above.frame else layout.right.get(above.page, above.x1)
    measure = right - _left_edge(above, layout.left)
    if abs(above.x1 - line.x1) < _FLUSH and above.x1 - above.x0 >= measure * _JUSTIFIED:
        return False  # both justified to one edge: a quotation's, set in from the page's
    # (a refrain's line said twice, or code, is short of the measure, and ends as verse)
    room = right - above.x1
    return room > line.lead + above.size / 4


def _para(lines: list[_Line], compounds: set[str], verse: set[int]) -> _Para:
    """The lines joined, a verse line's end kept as a newline; only the paragraph's tail is
    worked on (joining a line to all of a long one each time would take the square of its
    length)."""
    settled: list[str] = []
    text = lines[0].text
    for above, line in itertools.pairwise(lines):
        kept = id(above) in verse  # a verse line's end
        text = f"{text}\n{line.text}" if kept else _join(text, line.text, compounds)
        if len(text) > 2 * _TAIL:
            settled.append(text[:-_TAIL])
            text = text[-_TAIL:]
    first = lines[0]
    return _Para(first.page, first.y1, first.size, "".join(settled) + text)


def _join(text: str, line: str, compounds: set[str]) -> str:
    """Two lines of a paragraph as one: a word broken by a hyphen made whole again."""
    if text.endswith("\xad"):
        return text[:-1] + line
    # The word from its start (the look-behind spares a retry at each of its letters).
    broken = re.search(r"(?<!\w)(\w+)-$", text) if text.endswith("-") else None
    if broken and line[:1].islower():
        word = f"{broken.group(1)}-{_AFTER_WORD.sub('', line)}".casefold()
        return text + line if word in compounds else text[:-1] + line
    if broken or text.endswith(("—", "–", "/")):
        return text + line  # "Anglo-" "Saxon", "word—" "word"
    return f"{text} {line}"


def _compounds(lines: list[_Line]) -> set[str]:
    """Hyphenated words the book prints whole within a line: "well-known" stays so. (A
    word is tried from its first letter only: from each, a long one took its square.)"""
    return {
        word.casefold()
        for line in lines
        for word in re.findall(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+", line.text)
    }


# Chapters


def _outline(reader: pypdf.PdfReader, source: str) -> tuple[list[_Mark], list[str]]:
    """The outline's chapter entries, in page order; a broken outline is a warning."""
    try:
        entries = _top_entries(reader.outline)
        marks = [_mark(reader, entry) for entry in entries]
    except Exception as error:  # a damaged outline can fail anywhere inside the parser
        log.warning("%s: outline unreadable: %s", source, error)
        return [], [f"{source}: the outline (bookmarks) is unreadable; chapters from headings"]
    found = [mark for mark in marks if mark is not None]
    return sorted(found, key=_order), []


def _order(mark: _Mark) -> tuple[int, float]:
    """Page by page, top to bottom; an entry to a whole page first on its page."""
    return mark.page, -(math.inf if mark.top is None else mark.top)


def _top_entries(outline: list[Any]) -> list[Any]:
    """The chapter level of an outline: its top entries, or the children of a lone top
    entry (the book's own title over its chapters)."""
    entries = [item for item in outline if not isinstance(item, list)]
    children = [item for item in outline if isinstance(item, list)]
    if len(entries) == 1 and children:
        return _top_entries(children[0])
    return entries


def _mark(reader: pypdf.PdfReader, entry: Destination) -> _Mark | None:
    page = reader.get_destination_page_number(entry)
    title = " ".join(str(entry.title or "").split())
    if page is None or page < 0 or not title:
        return None
    top = entry.top  # a number, or None or null where the entry is to a whole page
    return _Mark(title, page, float(top) if isinstance(top, int | float) else None)


def _by_outline(
    paras: list[_Para], marks: list[_Mark], layout: _Layout, imprint: set[int]
) -> list[Section]:
    """Sections starting where the outline's entries point; each entry's heading, printed
    at the top of its section, is not repeated in the body. What comes before the first
    entry, a title in display type over short lines, is the title page (a half-title,
    the author, the publisher)."""
    drafts = [_Draft()]
    pending = _place(marks, paras, layout)
    for para in paras:
        while pending and _reached(para, pending[0]):
            drafts.append(_Draft(pending.pop(0).title))
        drafts[-1].paras.append(para)
    for draft in drafts[1:]:
        while draft.paras and _is_heading(draft.paras[0], layout):
            draft.paras.pop(0)
    drafts[0].titled = _display_title(drafts[0].paras, paras, layout)
    return _finish(drafts, imprint)


def _display_title(front: list[_Para], paras: list[_Para], layout: _Layout) -> bool:
    """Whether the paragraphs before the outline's first entry show a title in display
    type: larger than the body's and than any heading after them (a prologue's heading in
    a chapter heading's type, its entry left out of the outline, is read)."""
    largest = max((_rank(para) for para in front), default=0.0)
    after = max((_rank(para) for para in paras[len(front) :]), default=0.0)
    return largest >= layout.body * _HEADING and largest > after


def _place(marks: list[_Mark], paras: list[_Para], layout: _Layout) -> list[_Mark]:
    """Entries that point at a whole page, several at one page with as many headings, each
    placed at its heading (at the page's top, all but the last would be empty)."""
    heads = [para for para in paras if _is_heading(para, layout)]
    marks = sorted((_to_heading(mark, heads) for mark in marks), key=_order)
    placed: list[_Mark] = []
    for page, group in itertools.groupby(marks, key=lambda mark: mark.page):
        entries = list(group)
        tops = [p.top for p in paras if p.page == page and _is_heading(p, layout)]
        if len(entries) > 1 and len(tops) == len(entries) and all(m.top is None for m in entries):
            entries = [replace(mark, top=top) for mark, top in zip(entries, tops, strict=True)]
        placed.extend(entries)
    return placed


def _to_heading(mark: _Mark, heads: list[_Para]) -> _Mark:
    """An entry pointing a page or two off the heading that says its title (a page put in
    or taken out after the outline was made) moved to that heading: else a chapter took
    the title of the one before or after it."""
    named = [head for head in heads if _words(head.text) == _words(mark.title)]
    if not named or any(head.page == mark.page and _says(head, mark.title) for head in heads):
        return mark  # its page has its heading ("Chapter 3. Conclusion" for "Conclusion")
    nearest = min(named, key=lambda head: abs(head.page - mark.page))
    if abs(nearest.page - mark.page) > _MISPLACED:
        return mark
    return replace(mark, page=nearest.page, top=nearest.top)


def _says(head: _Para, title: str) -> bool:
    """Whether a heading says a title, maybe after a label: the title's words in a row."""
    return f" {_words(title)} " in f" {_words(head.text)} "


def _words(text: str) -> str:
    """A title's words, without its case or punctuation ("Chapter 1: Rain", "CHAPTER 1.
    RAIN")."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _reached(para: _Para, mark: _Mark) -> bool:
    if para.page != mark.page:
        return para.page > mark.page
    # A destination's top is near its heading's, above or a little below it.
    return mark.top is None or para.top <= mark.top + para.size


def _is_heading(para: _Para, layout: _Layout) -> bool:
    if len(para.text) > _MAX_HEADING:
        return False
    return para.size >= layout.body * _HEADING or _is_label(para.text)


def _is_label(text: str) -> bool:
    """A chapter label on its own ("Chapter 4", "CHAPTER IV", "IV") or with a title."""
    return bool(_LABEL.match(text) or _LABELLED.match(text))


def _by_headings(
    paras: list[_Para], layout: _Layout, imprint: set[int]
) -> tuple[list[Section], str]:
    """Sections at heading-like paragraphs; a lone largest heading over repeated smaller
    ones is the book's title, as in Markdown."""
    heads = [p for p in paras if _is_heading(p, layout)]
    title, level = _plan(heads)
    drafts = [_Draft()]
    for para in paras:
        if para is title or (len(drafts) == 1 and _half_title(para, title, heads, level)):
            drafts[-1].titled = True
            continue
        if para in heads and _rank(para) >= level:
            drafts.append(_Draft(para.text))
        else:
            drafts[-1].paras.append(para)
    return _finish(drafts, imprint), title.text if title else ""


def _half_title(para: _Para, title: _Para | None, heads: list[_Para], level: float) -> bool:
    """A heading before the first chapter that says the book's title again, smaller: the
    half-title page's, part of the title page (as a chapter, it took the title page's
    author and imprint for its text). One after the title in a chapter heading's type is
    the first chapter's, named for the book (a collection's title poem or story)."""
    if title is None or para not in heads or _echo(para.text) != _echo(title.text):
        return False
    return heads.index(para) < heads.index(title) or _rank(para) != level


def _plan(heads: list[_Para]) -> tuple[_Para | None, float]:
    """The book's title among the headings, if one stands alone above the rest, and the
    type size of chapter headings: the largest that recurs, else the largest."""
    counts = Counter(_rank(head) for head in heads)
    if not counts:
        return None, float("inf")
    repeated = [size for size, n in counts.items() if n > 1]
    level = max(repeated) if repeated else max(counts)
    if level == max(counts):
        return None, level
    return next(head for head in heads if _rank(head) == max(counts)), level


def _rank(para: _Para) -> float:
    """A heading's type size to the half point: sizes that differ less are one level."""
    return round(para.size * 2) / 2


def _merge_headings(paras: list[_Para], layout: _Layout) -> list[_Para]:
    """A heading over two paragraphs made one: a bare label and its title ("CHAPTER IV",
    "The Storm"), or a centred heading broken over lines of one size."""
    merged: list[_Para] = []
    for para in paras:
        prev = merged[-1] if merged else None
        if prev and _continues_heading(prev, para, layout):
            size = max(prev.size, para.size)
            merged[-1] = _Para(prev.page, prev.top, size, _heading_text(prev.text, para.text))
        else:
            merged.append(para)
    return merged


def _heading_text(first: str, second: str) -> str:
    """One heading of two paragraphs: a label and its title ("CHAPTER IV. The Storm"), or
    two lines of a title."""
    if _LABEL.match(first):
        return f"{first.rstrip('.:')}. {second}"
    return f"{first} {second}"


def _continues_heading(prev: _Para, para: _Para, layout: _Layout) -> bool:
    if prev.page != para.page or _is_label(para.text):
        return False
    if not (_is_heading(prev, layout) and _is_heading(para, layout)):
        return False
    return bool(_LABEL.match(prev.text)) or abs(prev.size - para.size) < 0.5


def _finish(drafts: list[_Draft], imprint: set[int]) -> list[Section]:
    """The sections: copyright pages set apart, and a title page told by its short lines."""
    drafts = _set_apart(drafts, imprint)
    for draft in drafts:
        draft.titled = draft.titled and _title_page(draft, drafts)
    return _sections(drafts)


def _title_page(draft: _Draft, drafts: list[_Draft]) -> bool:
    return rest_of_title_page([para.text for para in draft.paras], draft is not drafts[-1])


# A copyright page's marks, and what each counts: three make a page one (a chapter may say
# "copyright" and "all rights reserved", not give an ISBN or catalogue data too). Its words
# start a line or a sentence, as a copyright page sets each notice: a story's sentences
# say them along the way ("a first edition, printed in London; its copyright ...").
_STARTS = r"(?:^|(?<=[.!?;:] ))"
_IMPRINT = [
    (re.compile(pattern, re.I | re.M), weight)
    for pattern, weight in (
        (rf"©|{_STARTS}copyright\b", 1),
        (rf"{_STARTS}all rights reserved\b", 1),
        (r"\bISBN(?:-1[03])?:?\s*[\dX][\dX -]{8,}", 2),
        (r"\bcatalogu?ing[- ]in[- ]publication\b|\blibrary of congress control number\b", 2),
        (rf"{_STARTS}(?:printed (?:and bound )?in|first (?:published|edition|printing))\b", 1),
    )
]
_IMPRINT_MARKS = 3


def _imprint_pages(lines: list[_Line]) -> set[int]:
    """The pages that are a copyright page: its notice, reserved rights, ISBN, catalogue
    data. Read, they were the first chapter's opening (or, under no title, a chapter)."""
    text: dict[int, list[str]] = defaultdict(list)
    for line in lines:
        text[line.page].append(line.text)
    return {
        page for page, parts in text.items() if _imprint_marks("\n".join(parts)) >= _IMPRINT_MARKS
    }


def _imprint_marks(text: str) -> int:
    return sum(weight for mark, weight in _IMPRINT if mark.search(text))


def _set_apart(drafts: list[_Draft], imprint: set[int]) -> list[_Draft]:
    """The front matter's paragraphs on a copyright page (before the first titled part that
    is narrated) made a copyright-page part; what follows one on other pages (a dedication)
    an untitled part. A title page that carries its copyright line stays one, and a story
    whose first page credits where it was first published stays whole."""
    parts: list[_Draft] = []
    for n, draft in enumerate(drafts):
        if draft.title and not matter.skip_reason(matter.kind_of(draft.title)):
            return parts + drafts[n:]
        if draft.titled and _title_page(draft, drafts):
            parts.append(draft)
            continue
        current = replace(draft, paras=[])
        parts.append(current)
        for para in draft.paras:
            kind = "copyright-page" if para.page in imprint else ""
            if kind != current.kind and current.paras:
                current = _Draft()
                parts.append(current)
            current.kind = kind
            current.paras.append(para)
    return parts


def _sections(drafts: list[_Draft]) -> list[Section]:
    sections = []
    for draft in drafts:
        body = "\n\n".join(para.text for para in draft.paras)
        if body and draft.kind:
            sections.append(Section(draft.title, body, draft.kind, matter.skip_reason(draft.kind)))
        elif body and not draft.title and draft.titled:
            kind = "titlepage"  # with what follows the title before the first chapter
            sections.append(Section("", body, kind, matter.skip_reason(kind)))
        elif body:
            kind = matter.kind_of(draft.title) or "chapter"  # "Preface", "Index", ...
            sections.append(Section(draft.title, body, kind, matter.skip_reason(kind)))
        elif draft.title:
            log.info("skipping heading with no text under it: %r", draft.title)
    return sections


# Metadata and warnings


def _metadata(reader: pypdf.PdfReader, title: str) -> Metadata:
    """The information dictionary; a title that is a file name ("Microsoft Word - x.docx")
    gives way to the title page's."""
    given = _info(reader, "/Title")
    authors = _info(reader, "/Author").split(";")
    date = _PDF_DATE.match(_info(reader, "/CreationDate"))
    return Metadata(
        title=given if given and not _FILE_NAME.match(given) else title,
        authors=[name.strip() for name in authors if name.strip()],
        language=_text(reader.root_object.get("/Lang")),
        date="-".join(part for part in date.groups() if part) if date else "",
    )


def _info(reader: pypdf.PdfReader, key: str) -> str:
    info = reader.metadata
    return "" if info is None else _text(info.get(key))


def _text(value: object) -> str:
    """A metadata value that is a string, on one line; a dictionary, a list or a number
    where a string belongs is a damaged or hostile file's, and no value."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return " ".join(value.split()) if isinstance(value, str) else ""


def _textless_pages(lines: list[_Line], pages: int, turned: list[int], source: str) -> list[str]:
    with_text = {line.page for line in lines} | set(turned)
    missing = [page for page in range(pages) if page not in with_text]
    return _pages_warning(missing, source, "no text", "blank, pictures or scans")


def _pages_warning(pages: list[int], source: str, what: str, why: str) -> list[str]:
    """A warning naming the pages (from 1) where `what` was found and not read."""
    if not pages:
        return []
    shown = ", ".join(str(page + 1) for page in pages[:10]) + (", ..." if len(pages) > 10 else "")
    return [f"{source}: {what} on page(s) {shown} ({why}); not read"]
