"""Columns: a page set in two (a gutter no line crosses, text on both sides) read column by
column, after what spans both above them; a pdfminer line across a narrow gutter is cut at
it.

A stage of its own because it works on the page's geometry alone (which lines go together,
not what they say), on pdfminer's lines before they are `Line`s.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator

from pdfminer.layout import LTChar, LTPage, LTTextLineHorizontal

from producer.readers.pdflines import MARGIN, glyphs_of, line_of

_Frame = tuple[float, float] | None
_CROSSED = 0.1  # a gutter: an x-range at most this share of the page's text rows cross
_MIN_ROWS = 5  # rows of text a column holds at least
_FILLED = 3.0  # a column's lines end, as a rule, within this many ems of its gutter
_ALIGNED = 2 / 3  # and this share of the right column's lines start at its left edge


def columns(
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
    return page.height * MARGIN <= item.y0 and item.y1 <= page.height * (1 - MARGIN)


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
    glyphs = [glyph for item in items for glyph in glyphs_of(item)]
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


def _row_spans(items: list[LTTextLineHorizontal]) -> dict[int, list[tuple[float, float]]]:
    """Each row's (baseline's) runs of glyphs, merged where they touch, left to right."""
    rows: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for item in items:
        rows[round(item.y0)].extend((glyph.x0, glyph.x1) for glyph in glyphs_of(item))
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
    return [line_of(side) for side in sides if side]
