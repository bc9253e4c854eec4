"""What a page prints but a listener should not hear: running heads and footers, page
numbers, contents entries (dot leaders to a page number), footnotes, and "This page
intentionally left blank".

A stage of its own because it only drops lines, before any paragraph is built. Roman
numerals and chapter labels ("CHAPTER IV") are told here, the first stage that needs them
(a head "Chapter 7" is no page number); `pdfchapters` takes its labels from here.
"""

import bisect
import itertools
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from models.normalize import roman_to_int
from producer.readers.book import Section
from producer.readers.labels import NUMBER_WORDS, ROMAN, title_after_label
from producer.readers.matter import kind_of, reads_as_also_by, skip_reason
from producer.readers.pdflines import FOOTNOTE, HEADING, MARGIN, Line
from producer.readers.pdfpages import Box

log = logging.getLogger(__name__)

_REPEATS = 3  # pages a running head recurs on, or that show a page number's place
_UNMARKED = 0.9  # FOOTNOTE, on a page that marks no note (a letter set a point smaller)
_SMALLER = 0.95  # a running head's type, to the body's, where it is told by its size
_QUOTED = 1.5  # ems of the body's: a quotation's lines are set in at least this far
_FOLIO = re.compile(rf"^[-–—(\[]?\s*(?:page\s+)?(?:\d+|{ROMAN})(?:\s+of\s+\d+)?\s*[-–—)\]]?$", re.I)
ROMAN_ENDS = re.compile(rf"^({ROMAN})\b|\b({ROMAN})$", re.I)
_NUMBER = rf"(?:\d+|{ROMAN}|(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))?)"  # any folio's
# "Chapter 4", "PART TWO", "IV." on their own; with a title after, not ending as a sentence.
LABEL = re.compile(rf"^(?:(?:chapter|part|book)\s+{_NUMBER}|(?-i:{ROMAN.upper()}))[.:]?$", re.I)
LABELLED = re.compile(rf"^(?:chapter|part|book)\s+{_NUMBER}\b[.:]?\s+\S.{{0,70}}(?<![.,;])$", re.I)
# A contents or index entry: dot leaders to a page number.
# (Each run of leaders is tried from its start only: from each of its dots, a long run took
# its square.)
_LEADERS = re.compile(
    rf"(?:(?<!\. )(?:\. ){{3,}}\.?|(?<!\.)\.{{6,}})\s*(?:\d+|{ROMAN})?$",
    re.I,
)
# A printer's note on a page left empty, said at each chapter's end where it was read.
_LEFT_BLANK = re.compile(
    r"^[\[(]?(?:this page (?:is |has been )?)?(?:(?:intentionally|deliberately) (?:left )?blank"
    r"|left blank (?:intentionally|on purpose))\.?[\])]?$",
    re.I,
)
_FOLIO_DIGITS = 6  # a longer number is no page's


def drop_furniture(lines: list[Line], body: float, names: Iterable[str] = ()) -> list[Line]:
    """The lines without running heads, page numbers, contents entries, footnotes and
    "This page intentionally left blank". A line larger than the body text is a heading,
    never furniture. `names` are the book's title and authors, as its metadata gives them."""
    margin = [line for line in lines if _side(line) and line.size <= body * HEADING]
    dropped = {id(line) for line in margin if _FOLIO.match(line.text)}
    dropped |= {id(line) for line in lines if _LEFT_BLANK.match(line.text)}
    dropped |= _paged(margin) | _running_heads(margin, len({line.page for line in lines}))
    dropped |= _heading_echoes(margin, lines, body)
    dropped |= _small_heads(margin, lines, body, names)
    dropped |= _footnotes(lines, body)
    dropped |= _contents([line for line in lines if id(line) not in dropped])
    log.debug("dropped %d running heads, page numbers, contents and footnote lines", len(dropped))
    return [line for line in lines if id(line) not in dropped]


def _contents(lines: list[Line]) -> set[int]:
    """Contents entries (dot leaders to a page number), and the heading ("Contents") of a
    page of nothing else: left alone, it was read, in the section of what came before it.
    Where some entries have no leaders (a chapter's line over its sections' with them), the
    heading stays, and makes the page's section a contents'."""
    entries = [line for line in lines if _LEADERS.search(line.text)]
    headings = [line for line in lines if kind_of(line.text) == "toc"]
    listed = {id(line) for line in entries + headings}
    pages = {line.page for line in entries}
    pages -= {line.page for line in lines if id(line) not in listed}
    return {id(line) for line in entries} | {id(line) for line in headings if line.page in pages}


def _side(line: Line) -> str:
    """Which margin of its page a line is in: "top", "bottom" or none ("")."""
    if line.y0 > line.height * (1 - MARGIN):
        return "top"
    return "bottom" if line.y1 < line.height * MARGIN else ""


def _paged(margin: list[Line]) -> set[int]:
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
        if usual.get(roman) == value - line.page and not LABEL.match(line.text)  # "Chapter 7"
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
        for pair in ROMAN_ENDS.findall(text)
        for found in pair
        if found and (found.islower() or text.isupper())
    ]
    numbers = [(False, int(found)) for found in arabic]
    return numbers + [(True, roman_to_int(found) or 0) for found in roman]


def _running_heads(margin: list[Line], pages: int) -> set[int]:
    """Lines recurring word for word at one height on several pages."""
    groups: dict[tuple[str, int, str], list[Line]] = defaultdict(list)
    for line in margin:
        groups[_side(line), round(line.y0 / 2), line.text.casefold()].append(line)
    needed = min(_REPEATS, max(pages, 2))
    recurring = [group for group in groups.values() if len({ln.page for ln in group}) >= needed]
    return {id(line) for group in recurring for line in group}


def _heading_echoes(margin: list[Line], lines: list[Line], body: float) -> set[int]:
    """Margin lines that repeat a heading of the book word for word ("CHAPTER TWO" over
    the pages of "Chapter Two"): a running head, however few pages a short chapter or
    story has to recur on. Read, each was a sentence in the chapter, and the one over the
    first chapter's first page an untitled chapter before it."""
    headings = {echo(line.text) for line in lines if line.size >= body * HEADING}
    headings |= {echo(title_after_label(text)) for text in headings if LABELLED.match(text)}
    return {id(line) for line in margin if echo(line.text) in headings}


def _small_heads(
    margin: list[Line], lines: list[Line], body: float, names: Iterable[str]
) -> set[int]:
    """A page's first line, in its top margin and in smaller type than the text's, where it
    recurs word for word at one height on another page, or says the book's title or an
    author's name: a running head in a book or a story of a few pages, too short for a
    head to recur on three. Body lines at a page's top are the text's size, and a line of
    notes or an extract in smaller type at the top of two pages at one height, word for
    word, is not a book's."""
    first: dict[int, Line] = {}
    for line in lines:
        if line.page not in first or line.y0 > first[line.page].y0:
            first[line.page] = line
    tops = [
        line
        for line in margin
        if first[line.page] is line and _side(line) == "top" and line.size < body * _SMALLER
    ]
    said = {echo(name) for name in names if name.strip()}
    return _running_heads(tops, 2) | {id(line) for line in tops if echo(line.text) in said}


def echo(text: str) -> str:
    return " ".join(text.casefold().split())


def _footnotes(lines: list[Line], body: float) -> set[int]:
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
    below: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        smaller = body * (FOOTNOTE if line.page in noted else _UNMARKED)
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


def _set_in(run: list[Line], left: float, body: float) -> bool:
    """Whether every line of a run (but a page number) starts well in from the text's
    left edge, its column's where it is in one."""
    lines = [line for line in run if not _FOLIO.match(line.text)]
    return bool(lines) and all(
        line.x0 - (line.frame[0] if line.frame else left) >= body * _QUOTED for line in lines
    )


# Tables


_TABLE_ROWS = 3  # a table has this many rows at least (a heading row and two)
_ALIGNED = 2.0  # points: cells' edges this close are one column's


def tables(lines: list[Line], body: float) -> list[list[Line]]:
    """The rows of each table: three lines or more in a row on a page, each made of runs
    an em of the body's type apart or more, whose runs keep an edge in a column down them
    all ("Mousehole   42   160" under "Village   Boats   Crew"). A justified line's words
    are apart by less than an em, and no two lines of prose in three keep a column. Rows
    that all start or end with a number are a contents page's, read as one (a table of
    numbers without a heading row is read, as before)."""
    found: list[list[Line]] = []
    run: list[Line] = []
    shared: set[float] = set()
    for line in lines:
        edges = _cell_edges(line, body)
        common = _common(shared, edges) if run and line.page == run[-1].page else set()
        if common:
            run, shared = [*run, line], common
            continue
        if len(run) >= _TABLE_ROWS:
            found.append(run)
        run, shared = ([line], edges) if edges else ([], set())
    if len(run) >= _TABLE_ROWS:
        found.append(run)
    return [grid for grid in found if not _listed(grid)]


def _listed(grid: list[Line]) -> bool:
    """Whether each row starts or ends with a number: a contents page without leaders
    ("Low Water   13", "3   Low Water"), told as one by its heading, not a table."""
    return all(
        _FOLIO.match(line.text.split()[0]) or _FOLIO.match(line.text.split()[-1]) for line in grid
    )


def _cell_edges(line: Line, body: float) -> set[float]:
    """The edges of a row's runs beside a gap of an em or more: where its cells start and
    end (left-aligned text, right-aligned numbers)."""
    edges: set[float] = set()
    for (_, end), (start, _) in itertools.pairwise(line.cells):
        if start - end >= body:
            edges |= {end, start}
    return edges


def _common(edges: set[float], others: set[float]) -> set[float]:
    return {x for x in edges if any(_aligned(x, other) for other in others)}


def _aligned(one: float, other: float) -> bool:
    """Whether two edges (or centres, or baselines) are one column's, or one row's."""
    return abs(one - other) <= _ALIGNED


# Labels on a picture


_LABEL_WORDS = 3  # a map's or a diagram's label is a name or two ("MOUSEHOLE", "St Ives")
_LABEL_CHARS = 24
_NAMED = 5  # labels a warning names
_LABEL_APART = 2.0  # ems of the body's: no line of text comes this near a label's baseline
# Labels in the text's own type are told by the picture under them, and are several: one
# or two short lines over a drawing may be a caption's or a poem's.
_SCATTERED = 3
_PICTURE = 3.0  # ems of the body's: a picture is this wide and high at least (no rule)


def figure_labels(
    lines: list[Line], body: float, drawn: Mapping[int, list[Box]]
) -> list[list[Line]]:
    """The labels drawn on each page's picture (a map's "N" and "MOUSEHOLE"): short lines
    naming no sentence, each standing clear of every other line of the page and none
    lined up with another as a block's lines are (sharing an edge or a centre):
    scattered over the picture, not set as text. Two or more in type smaller than the
    text's; in the text's own type, three or more over the pictures the page draws
    (`drawn`, each page's boxes), sharing no baseline either, nor an edge, a centre or a
    baseline with the page's text. Read, they were a paragraph of names run together."""
    pages: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        pages[line.page].append(line)
    found = [
        _drawn_labels(page, body, drawn.get(number, [])) or _small_labels(page, body)
        for number, page in pages.items()
    ]
    return [labels for labels in found if labels]


def _small_labels(page: list[Line], body: float) -> list[Line]:
    """Short lines clear of the text in smaller type: a picture's, with or without one
    drawn under them (an image in a format pdfminer does not see)."""
    short = [line for line in page if _label_like(line, body) and line.size <= body * FOOTNOTE]
    clear = _clear(short, page, body)
    return clear if len(clear) >= 2 and not _lined_up(clear) else []


def _drawn_labels(page: list[Line], body: float, drawn: list[Box]) -> list[Line]:
    """Short lines clear of the text in any type below a heading's, each over a picture:
    only where nothing ties them to each other or to the text, as a poem's, a list's or
    a letter's lines are tied by their edges or baselines."""
    boxes = [box for box in drawn if min(box[2] - box[0], box[3] - box[1]) >= body * _PICTURE]
    # A line of runs apart (`cells`) is lines that shared a baseline: a row's, not labels.
    short = [line for line in page if _label_like(line, body) and not line.cells]
    clear = [line for line in _clear(short, page, body) if any(_on(line, b) for b in boxes)]
    if len(clear) < _SCATTERED or _lined_up(clear) or _abreast(clear):
        return []
    held = {id(line) for line in clear}
    setting = _setting([line for line in page if id(line) not in held])
    return [] if any(_set_with(line, setting) for line in clear) else clear


def after_labels(lines: list[Line], figures: list[list[Line]]) -> set[int]:
    """The line after each picture's labels (its id), which starts a paragraph as it did
    after the labels read as one: a caption under a plate is no run-on of the text before
    the plate's page."""
    labels = {id(line) for group in figures for line in group}
    return {
        id(line)
        for above, line in itertools.pairwise(lines)
        if id(above) in labels and id(line) not in labels
    }


def _label_like(line: Line, body: float) -> bool:
    words = line.text.split()
    return (
        0 < len(words) <= _LABEL_WORDS
        and len(line.text) <= _LABEL_CHARS
        and line.size < body * HEADING
        and any(char.isalpha() for char in line.text)
        and line.text[-1] not in ".,;:!?"
    )


def _clear(short: list[Line], page: list[Line], body: float) -> list[Line]:
    """The short lines no other line comes near. Each is looked for among the lines
    within reach of its baseline (`_near`), not the whole page's: a page may hold
    thousands of lines."""
    ordered = sorted(page, key=lambda line: line.y0)
    baselines = [line.y0 for line in ordered]
    reach = body * _LABEL_APART

    def clear(line: Line) -> bool:
        low = bisect.bisect_right(baselines, line.y0 - reach)
        high = bisect.bisect_left(baselines, line.y0 + reach)
        return not any(_near(line, other, body) for other in ordered[low:high])

    return [line for line in short if clear(line)]


def _on(line: Line, box: Box) -> bool:
    """Whether a line's middle lies on a picture."""
    x, y = _middle(line), (line.y0 + line.y1) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@dataclass(frozen=True)
class _Setting:
    """Where a page's text is set, each sorted to look a label's place up in: the margins
    its lines share, the centres of lines set on their own, its baselines. Made once a
    page: a page may hold thousands of lines."""

    lefts: list[float]
    rights: list[float]
    centres: list[float]
    baselines: list[float]


def _setting(text: list[Line]) -> _Setting:
    """A ragged line's end marks no margin; a line on no shared margin is centred, as a
    line set on its own (a caption, a heading) is."""
    lefts, rights = _shared([one.x0 for one in text]), _shared([one.x1 for one in text])
    alone = [one for one in text if one.x0 not in lefts and one.x1 not in rights]
    return _Setting(
        sorted(lefts), sorted(rights), sorted(map(_middle, alone)), sorted(one.y0 for one in text)
    )


def _set_with(line: Line, setting: _Setting) -> bool:
    """Whether a line is set with the page's text: on a baseline of it, on a margin its
    lines share, or centred as a line set on its own is."""
    return (
        _close(line.x0, setting.lefts)
        or _close(line.x1, setting.rights)
        or _close(_middle(line), setting.centres)
        or _close(line.y0, setting.baselines)
    )


def _shared(edges: list[float]) -> set[float]:
    """The edges two lines or more share: in order, an edge's nearest is beside it."""
    pairs = itertools.pairwise(sorted(edges))
    return {edge for pair in pairs if _aligned(*pair) for edge in pair}


def _close(x: float, edges: list[float]) -> bool:
    """Whether `x` is aligned with one of `edges` (sorted)."""
    at = bisect.bisect_left(edges, x - _ALIGNED)
    return at < len(edges) and _aligned(x, edges[at])


def _middle(line: Line) -> float:
    return (line.x0 + line.x1) / 2


def _abreast(lines: list[Line]) -> bool:
    """Whether two lines share a baseline: a row's, of a table or of text beside."""
    return _paired([line.y0 for line in lines])


def _lined_up(lines: list[Line]) -> bool:
    """Whether two lines share an edge or a centre, as a block's lines do."""
    marks = ([line.x0 for line in lines], [line.x1 for line in lines], list(map(_middle, lines)))
    return any(_paired(values) for values in marks)


def _paired(values: list[float]) -> bool:
    """Whether two of the values are aligned."""
    return bool(_shared(values))


def _near(line: Line, other: Line, body: float) -> bool:
    """Whether another line sits within two ems above or below a line, across it."""
    across = other.x0 < line.x1 and line.x0 < other.x1
    return other is not line and across and abs(other.y0 - line.y0) < body * _LABEL_APART


# Warnings


def table_warnings(
    grids: list[list[Line]], lines: list[Line], sections: list[Section], source: str
) -> list[str]:
    """A warning for each section tables were left out of, naming it as the DOCX reader
    does. A table's section is the one that reads the words of the line before it."""
    found = Counter(_section_of(grid[0], lines, sections) for grid in grids)
    return [
        f"{source}: {'a table' if count == 1 else f'{count} tables'} in {where} not read "
        "(tables are not narrated)"
        for where, count in found.items()
    ]


def label_warnings(
    figures: list[list[Line]], lines: list[Line], sections: list[Section], source: str
) -> list[str]:
    """A warning for each section pictures' labels were left out of, naming them."""
    named: dict[str, list[str]] = defaultdict(list)
    for labels in figures:
        named[_section_of(labels[0], lines, sections)] += [line.text for line in labels]
    return [
        f"{source}: labels on a picture in {where} not read ("
        f"{', '.join(names[:_NAMED])}{', ...' if len(names) > _NAMED else ''})"
        for where, names in named.items()
    ]


def _section_of(first: Line, lines: list[Line], sections: list[Section]) -> str:
    at = next(n for n, line in enumerate(lines) if line is first)
    before = next((line for line in reversed(lines[:at]) if len(line.text.split()) > 3), None)
    if before is not None:  # its first and last words may be a word broken over lines
        said = " ".join(before.text.split()[1:-1])
        for section in sections:
            if said in " ".join(f"{section.title} {section.body}".split()):
                return f"chapter {section.title!r}" if section.title else "the untitled text"
    return f"page {first.page + 1}"


def also_by(section: Section) -> Section:
    """A section that lists the author's other books ("Also by Ann Author" over titles)
    is one, and skipped, wherever it stands, as in an EPUB (`matter.reads_as_also_by`):
    at a book's end it was read as a chapter of titles run together."""
    lines = [section.title, *section.body.split("\n")]
    if section.kind != "chapter" or not reads_as_also_by(lines):
        return section
    return replace(section, kind="also-by", skip_reason=skip_reason("also-by"))
