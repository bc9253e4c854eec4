"""Paragraphs: the body text's measures (type size, line spacing, each page's margins, the
first-line indent), and the lines joined into a line a paragraph. A paragraph ends at a
wider gap, at a page opening in larger type or on a chapter's number, at the first-line
indent, at a list bullet, or after a line that stops on a sentence's end with room left
for the next line's first word; verse keeps its line ends, but for a sentence running on
from one to the next; a word hyphenated at a line end is joined.

A stage of its own because it turns lines into text: the stages before it work on lines,
`pdfchapters` after it on paragraphs.
"""

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, replace

from producer.readers.labels import NUMBER
from producer.readers.pdflines import HEADING, Line

_GAP = 1.25  # a gap between paragraphs: this many times the usual line spacing (less than
# the third of a line some set between paragraphs, Word and reportlab half; more than a
# paragraph's lines stray from it)
_FLUSH = 0.5  # points: lines ending this close together are justified to one edge
_JUSTIFIED = 2 / 3  # where the upper fills at least this share of the measure (not verse)
_INDENT = 1.5  # a first-line indent: at least this many average character widths
_MIN_INDENTED = 3  # paragraphs that must share a first-line indent to show the book's
_TERMINAL = (".", "!", "?", ":", "…", '"', "”", "’", "»", ")")
_AFTER_WORD = re.compile(r"[^\w-].*")  # what follows a line's first word
_LARGER = 0.5  # points: type this much larger at a page's top starts anew
_BULLETS = ("•", "◦", "▪", "‣", "·", "–")
# A chapter's number alone: "1", "IV.", "Twelve".
NUMERAL = re.compile(rf"{NUMBER}[.:]?", re.I)
_TAIL = 1000  # characters of a paragraph being joined that a broken word is looked for in
_RUN_ON = re.compile(r"[^\W\d_]")  # a letter: a line ending on one and the next opening on
# one in lower case are a sentence's words, whatever room the first has left


@dataclass(frozen=True)
class Layout:
    """The body text's measures: type size, line spacing and each page's margins."""

    body: float
    leading: float
    left: dict[int, float]
    right: dict[int, float]
    indent: float | None  # of a paragraph's first line, where the book indents them


@dataclass(frozen=True, eq=False)  # compared by identity: two paragraphs may read the same
class Para:
    """A paragraph rebuilt from lines: its text on one line, where it starts, its type."""

    page: int
    top: float
    size: float
    text: str
    bold: bool = False  # every line of it
    apart: bool = False  # at a page's top or after a wider gap than its lines keep
    lines: tuple[str, ...] = ()  # its lines as set: a title page's credits are read by them


def body_size(lines: list[Line]) -> float:
    """The type size most of the text is set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0]


def measure(lines: list[Line], body: float) -> Layout:
    text = [line for line in lines if line.size == body] or lines
    left, right = _edges(text)
    return Layout(body, _leading(text, body), left, right, _first_indent(text, left))


def _leading(lines: list[Line], body: float) -> float:
    """The usual distance from one body line to the next of its paragraph: measured below
    lines that end mid-sentence, where a paragraph goes on. Where paragraphs of a line or
    two are set apart, half the steps or more are the gaps between them, and the median of
    all steps is a gap: no gap is wider than it, and none parts its paragraphs."""
    pairs = [(a, b) for a, b in itertools.pairwise(lines) if a.page == b.page]
    steps = [(a.y0 - b.y0, a.text.endswith(_TERMINAL)) for a, b in pairs]
    steps = [(step, ends) for step, ends in steps if 0 < step < body * 4]
    inside = [step for step, ends in steps if not ends] or [step for step, _ in steps]
    return statistics.median(inside) if inside else body * 1.2


def _first_indent(lines: list[Line], left: dict[int, float]) -> float | None:
    """The indent of paragraphs' first lines: the usual offset of an indented line that a
    flush line follows (a quotation's lines follow one another at its own indent)."""
    offsets: Counter[float] = Counter()
    for line, below in itertools.pairwise(lines):
        indent = round(line.x0 - _left_edge(line, left))
        if line.page == below.page and indent > 0 and below.x0 - _left_edge(below, left) < 1:
            offsets[indent] += 1
    found = offsets.most_common(1)
    return found[0][0] if found and found[0][1] >= _MIN_INDENTED else None


def _edges(lines: list[Line]) -> tuple[dict[int, float], dict[int, float]]:
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


def paragraphs(
    lines: list[Line], layout: Layout, imprint: set[int], fresh: Set[int] = frozenset()
) -> list[Para]:
    """The lines made paragraphs; a line in `fresh` (its id) starts one whatever the lines
    say (what stood before it, left out, parted it from the text above)."""
    compounds = _compounds(lines)
    short = [_has_room(above, line, layout) for above, line in itertools.pairwise(lines)]
    short.append(False)
    starts = _numbers_over_headings(lines, layout) | fresh
    groups: list[list[Line]] = []
    verse: set[int] = set()  # the lines whose line end is kept
    for n, line in enumerate(lines):
        if not groups or id(line) in starts or _breaks(groups[-1], line, layout, imprint):
            groups.append([line])
            continue
        paragraph = groups[-1]
        if short[n - 1] and _is_verse(paragraph, short[n], verse, layout):
            verse.add(id(paragraph[-1]))
        elif short[n - 1] and paragraph[-1].text.endswith(_TERMINAL):
            groups.append([line])  # a sentence's end with room left: the paragraph's end
            continue
        paragraph.append(line)
    paras = [_para(group, compounds, verse) for group in groups]
    return [
        replace(para, apart=not above or _apart(above[-1], group[0], layout))
        for para, above, group in zip(paras, [[], *groups], groups, strict=False)
    ]


def _apart(above: Line, line: Line, layout: Layout) -> bool:
    """Whether a paragraph's first line opens a page or stands below a gap."""
    return above.page != line.page or _spaced(above, line, layout)


def _numbers_over_headings(lines: list[Line], layout: Layout) -> set[int]:
    """The lines opening a page that are a chapter's number alone over its title's heading:
    in the text's type, each ran on from the page before, a contents page's last entry
    ("4 Spring Tide" and "1"), and went with it."""
    return {
        id(line)
        for above, line, below in zip(lines, lines[1:], lines[2:], strict=False)
        if above.page != line.page == below.page
        and below.size >= layout.body * HEADING
        and NUMERAL.fullmatch(line.text)
    }


def _breaks(paragraph: list[Line], line: Line, layout: Layout, imprint: set[int]) -> bool:
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


def _is_verse(paragraph: list[Line], next_short: bool, verse: set[int], layout: Layout) -> bool:
    """Whether the paragraph's last line, ending short of the next line's first word, is a
    verse line: in body type, and the first line of a verse paragraph (ending on a sentence,
    only if the next line ends short too: else it is a paragraph of one line) or after one.
    A prose paragraph's lines fill the measure, its last line only ends short."""
    above = paragraph[-1]
    if above.size >= layout.body * HEADING:
        return False  # a heading's lines, each short
    if len(paragraph) > 1:
        return id(paragraph[-2]) in verse
    return next_short or not above.text.endswith(_TERMINAL)


def _retyped(above: Line, line: Line, layout: Layout) -> bool:
    """A change of type size, or a heading's type or any larger type after a page break
    (headings do not run on from page to page, as a table of contents' title would into the
    first chapter's, nor a contents page's last entry into the next page's "1" over its
    chapter's title, a point larger: no paragraph grows a size over a page)."""
    if abs(above.size - line.size) > 0.1 * max(above.size, line.size):
        return True
    if line.page == above.page:
        return False
    return line.size >= layout.body * HEADING or line.size > above.size + _LARGER


def _spaced(above: Line, line: Line, layout: Layout) -> bool:
    """A wider gap than lines of this type keep."""
    if line.page != above.page:
        return False
    spacing = layout.leading * above.size / layout.body
    return above.y0 - line.y0 - _pushed(above, line) > spacing * _GAP


def _pushed(above: Line, line: Line) -> float:
    """How much lower than its type's spacing puts it a line taller than its type (a word
    in larger type, a raised mark) may stand: Word's line spacing grows with a line's
    tallest glyph. Only under a line ending mid-sentence, where its paragraph goes on: after
    a sentence's end, a paragraph's first line in larger type would hide the gap above it."""
    if above.text.endswith(_TERMINAL):
        return 0.0
    return max(line.y1 - line.y0 - line.size, 0.0)


def _indented(paragraph: list[Line], line: Line, layout: Layout) -> bool:
    """Indented past the line above, unless that line starts the paragraph: a list item's
    second line hangs under its first."""
    if len(paragraph) < 2:
        return False
    return _indent(line, layout) > _indent(paragraph[-1], layout) + _INDENT * line.char_width


def _is_first_line(line: Line, layout: Layout) -> bool:
    """Whether a line sits at the book's first-line indent (so even a paragraph of one
    line after another at the same indent starts anew)."""
    if layout.indent is None:
        return False
    return abs(_indent(line, layout) - layout.indent) < line.char_width


def _indent(line: Line, layout: Layout) -> float:
    return line.x0 - _left_edge(line, layout.left)


def _left_edge(line: Line, left: dict[int, float]) -> float:
    """Where a line's column starts: its page's body text, or its own column's."""
    return line.frame[0] if line.frame else left.get(line.page, line.x0)


def _has_room(above: Line, line: Line, layout: Layout) -> bool:
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


def _para(lines: list[Line], compounds: set[str], verse: set[int]) -> Para:
    """The lines joined, a verse line's end kept as a newline; only the paragraph's tail is
    worked on (joining a line to all of a long one each time would take the square of its
    length)."""
    settled: list[str] = []
    text = lines[0].text
    right = max(line.x1 for line in lines)  # the paragraph's own measure
    for above, line in itertools.pairwise(lines):
        kept = id(above) in verse and not _runs_on(above, line, right)
        text = f"{text}\n{line.text}" if kept else _join(text, line.text, compounds)
        if len(text) > 2 * _TAIL:
            settled.append(text[:-_TAIL])
            text = text[-_TAIL:]
    first = lines[0]
    bold = all(line.bold for line in lines)
    text = "".join(settled) + text
    return Para(first.page, first.y1, first.size, text, bold, lines=tuple(x.text for x in lines))


def _runs_on(above: Line, line: Line, right: float) -> bool:
    """Whether a sentence runs on from a verse line into the next: an epigraph set on a
    narrow measure, its lines short of the page's ("and the" over "harbour keeps"). The line
    ends on a word with no room left on its paragraph's measure for the next line's first
    word, and that opens in lower case; a verse line ends on a mark, or its next opens on a
    capital, and code's lines end on a digit."""
    if not (_RUN_ON.fullmatch(above.text[-1:]) and line.text[:1].islower()):
        return False
    return right - above.x1 <= line.lead + above.size / 4


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


def _compounds(lines: list[Line]) -> set[str]:
    """Hyphenated words the book prints whole within a line: "well-known" stays so. (A
    word is tried from its first letter only: from each, a long one took its square.)"""
    return {
        word.casefold()
        for line in lines
        for word in re.findall(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+", line.text)
    }
