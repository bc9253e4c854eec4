"""What a page prints but a listener should not hear: running heads and footers, page
numbers, contents entries (dot leaders to a page number), footnotes, and "This page
intentionally left blank".

A stage of its own because it only drops lines, before any paragraph is built. Roman
numerals and chapter labels ("CHAPTER IV") are told here, the first stage that needs them
(a head "Chapter 7" is no page number); `pdfchapters` takes its labels from here.
"""

import logging
import re
from collections import Counter, defaultdict

from models.normalize import roman_to_int
from producer.readers.labels import NUMBER_WORDS, ROMAN
from producer.readers.pdflines import FOOTNOTE, HEADING, MARGIN, Line

log = logging.getLogger(__name__)

_REPEATS = 3  # pages a running head recurs on, or that show a page number's place
_UNMARKED = 0.9  # FOOTNOTE, on a page that marks no note (a letter set a point smaller)
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


def drop_furniture(lines: list[Line], body: float) -> list[Line]:
    """The lines without running heads, page numbers, contents entries, footnotes and
    "This page intentionally left blank". A line larger than the body text is a heading,
    never furniture."""
    margin = [line for line in lines if _side(line) and line.size <= body * HEADING]
    dropped = {id(line) for line in margin if _FOLIO.match(line.text)}
    dropped |= {id(line) for line in lines if _LEADERS.search(line.text)}
    dropped |= {id(line) for line in lines if _LEFT_BLANK.match(line.text)}
    dropped |= _paged(margin) | _running_heads(margin, len({line.page for line in lines}))
    dropped |= _heading_echoes(margin, lines, body)
    dropped |= _footnotes(lines, body)
    log.debug("dropped %d running heads, page numbers, contents and footnote lines", len(dropped))
    return [line for line in lines if id(line) not in dropped]


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
    return {id(line) for line in margin if echo(line.text) in headings}


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
