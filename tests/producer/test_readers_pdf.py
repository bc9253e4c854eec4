"""The PDF reader: books typeset here with reportlab, as a publisher's PDF would be."""

import io
import itertools
import logging
import re
import time
import tracemalloc
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pdfminer.layout import LTPage
from PIL import Image
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A5, letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from config.errors import ManuscriptError
from producer.readers import pdf, pdffurniture, read_book, sniff
from producer.readers.book import Book
from producer.readers.pdf import read
from producer.readers.pdflines import Line
from producer.readers.pdfpages import Box, _inflated, laid_out, pictures
from tests.conftest import Setting

WIDTH, HEIGHT = letter
LEFT, RIGHT, TOP, BOTTOM = 72.0, 540.0, 700.0, 100.0
FONT, SIZE, LEADING, INDENT = "Times-Roman", 11.0, 14.0, 18.0
HEAD = "THE LONG ROAD"
Spaced = tuple[bytes, list[str]]  # a PDF, and the paragraphs it sets
ROMAN = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def prose(seed: str, sentences: int) -> str:
    words = ["the", "road", "went", "on", "past", "a", "grey", "field", "and", "into", "town"]
    return " ".join(
        f"{seed.capitalize()} {' '.join(words[(n + k) % 11] for k in range(6 + n % 5))}."
        for n in range(sentences)
    )


@dataclass
class Setter:
    """Lays out headings and paragraphs on letter pages with a running head and a folio.

    A "|" in a paragraph ends the line there: how a hyphenated break is written. The head
    may show the page's number: "{page}".
    """

    canvas: Canvas
    head: str = HEAD
    folio: str = "{page}"
    page: int = 1
    y: float = TOP
    spans: list[set[int]] = field(default_factory=list)  # the pages each paragraph is on
    end: tuple[float, float] = (0.0, 0.0)  # where the last line set ends

    def finish_page(self) -> None:
        self.canvas.setFont("Helvetica", 9)
        self.canvas.drawString(LEFT, 740, self.head.format(page=self.page))
        folio = self.folio.format(page=self.page, roman=ROMAN[self.page])
        self.canvas.drawCentredString(WIDTH / 2, 50, folio)
        self.canvas.showPage()
        self.page += 1
        self.y = TOP

    def heading(self, text: str, size: float = 20.0, new_page: bool = True) -> float:
        if new_page and self.y < TOP:
            self.finish_page()
        self.y -= 10.0 if self.y < TOP else 0.0
        top = self.y + size
        self.canvas.setFont("Helvetica-Bold", size)
        self.canvas.drawString(LEFT, self.y, text)
        self.y -= size * 2
        return top

    def paragraph(self, text: str) -> None:
        pages = set()
        for n, line in enumerate(self.wrap(text)):
            if self.y < BOTTOM:
                self.finish_page()
            self.canvas.setFont(FONT, SIZE)
            x = LEFT + (INDENT if n == 0 else 0.0)
            self.canvas.drawString(x, self.y, line)
            self.end = (x + stringWidth(line, FONT, SIZE), self.y)
            pages.add(self.page)
            self.y -= LEADING
        self.spans.append(pages)

    def wrap(self, text: str) -> list[str]:
        lines: list[str] = []
        for n, chunk in enumerate(text.split("|")):
            line = ""
            for word in chunk.split():
                room = RIGHT - LEFT - (INDENT if n == 0 and not lines else 0.0)
                if line and stringWidth(f"{line} {word}", FONT, SIZE) > room:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}".strip()
            lines.append(line)
        return lines


def typeset(chapters: list[tuple[str, list[str]]], title: str = "", info: bool = True) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    if info:
        canvas.setTitle("The Long Road")
        canvas.setAuthor("A. Writer; B. Writer")
    setter = Setter(canvas)
    if title:
        setter.heading(title, size=28)
        setter.y = BOTTOM - 1  # the title page holds the title alone
    for name, paragraphs in chapters:
        setter.heading(name)
        for paragraph in paragraphs:
            setter.paragraph(paragraph)
    setter.finish_page()
    canvas.save()
    return out.getvalue()


HYPHENATED = "She felt extra-|ordinary and well-known, a well-|known Anglo-|Saxon face."
CHAPTERS = [
    ("Chapter One", [prose("first", 14), HYPHENATED, prose("second", 30), prose("third", 9)]),
    ("Chapter Two", [prose("fourth", 12), prose("fifth", 40), prose("sixth", 3)]),
    ("Chapter Three", [prose("seventh", 6)]),
]


def justified(indent: bool) -> tuple[bytes, list[str]]:
    """A book set by reportlab's own typesetter, justified, its paragraphs indented or
    spaced apart; and those paragraphs."""
    words = ["unquestionably", "extraordinary", "circumstances", "a", "river", "slowly"]
    paragraphs = [
        " ".join(words[(n * k + k // 3) % 6] for k in range(5 + n * 7 % 60)).capitalize() + "."
        for n in range(24)
    ]
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=SIZE, leading=LEADING, alignment=TA_JUSTIFY,
        firstLineIndent=INDENT if indent else 0, spaceBefore=0 if indent else 8,
    )  # fmt: skip
    heading = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=18, leading=22)
    story: list[Flowable] = []
    for n in range(3):
        story += [Paragraph(f"Chapter {n + 1}", heading), Spacer(1, 12)]
        story += [Paragraph(text, body) for text in paragraphs[n * 8 : n * 8 + 8]]
        story.append(PageBreak())
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5).build(story, onLaterPages=folio, onFirstPage=folio)
    return out.getvalue(), paragraphs


def folio(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawCentredString(A5[0] / 2, 20, f"- {document.page} -")


def every_word(book: Book) -> str:
    return " ".join(f"{s.title} {s.body}" for s in book.sections)


@pytest.fixture(scope="module")
def book() -> Book:
    return read(typeset(CHAPTERS, title="The Long Road"), "b.pdf")


def test_chapters_from_headings_in_larger_type(book: Book) -> None:
    assert [s.title for s in book.sections] == ["Chapter One", "Chapter Two", "Chapter Three"]


def test_paragraphs_are_rebuilt_one_line_each(book: Book) -> None:
    first = book.sections[0].body.split("\n\n")
    assert [first[0], *first[2:]] == [prose("first", 14), prose("second", 30), prose("third", 9)]
    assert book.sections[1].body.split("\n\n") == CHAPTERS[1][1]


def test_a_paragraph_across_a_page_break_stays_one() -> None:
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Chapter One")
    for paragraph in CHAPTERS[0][1] + CHAPTERS[1][1]:
        setter.paragraph(paragraph)
    assert any(len(pages) > 1 for pages in setter.spans)  # the layout does cross pages
    setter.finish_page()
    setter.canvas.save()
    body = read(out.getvalue(), "b.pdf").sections[0].body
    assert prose("fifth", 40) in body.split("\n\n")


CUCKOO = [
    "Sumer is icumen in,",
    "Lhude sing cuccu!",
    "Groweth sed and bloweth med",
    "And springth the wude nu.",
]


def test_verse_keeps_its_line_ends() -> None:
    """Lines ending well short of the measure, each next line's first word fitting there,
    are verse lines, between paragraphs of prose whose last lines end short too."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    setter.paragraph(prose("first", 6))
    setter.y -= LEADING
    for stanza in (CUCKOO, CUCKOO[::-1]):
        _stanza(setter, stanza, 36)
    setter.paragraph(prose("second", 6))
    setter.finish_page()
    setter.canvas.save()
    body = read(out.getvalue(), "b.pdf").sections[0].body
    stanzas = ["\n".join(CUCKOO), "\n".join(CUCKOO[::-1])]
    assert body.split("\n\n") == [prose("first", 6), *stanzas, prose("second", 6)]


def _stanza(setter: Setter, lines: list[str], indent: float) -> None:
    """Lines set one under another, `indent` points in, as verse; a blank line after."""
    for line in lines:
        setter.canvas.drawString(LEFT + indent, setter.y, line)
        setter.y -= LEADING
    setter.y -= LEADING


EPIGRAPH = ["The sea has neither meaning nor pity, and the", "harbour keeps its own counsel."]


def test_an_epigraphs_sentence_on_a_narrow_measure_runs_on() -> None:
    """An epigraph's lines end short of the page's measure, as verse lines do: its sentence
    was read with a pause mid-way. A line ending on a word with the next opening in lower
    case runs on; a stanza's lines, opening on capitals, keep their ends."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    setter.canvas.setFont(FONT, SIZE)
    for stanza in (EPIGRAPH, CUCKOO):
        _stanza(setter, stanza, 72)
    setter.paragraph(prose("first", 6))
    setter.finish_page()
    setter.canvas.save()
    body = read(out.getvalue(), "b.pdf").sections[0].body
    assert body.split("\n\n") == [" ".join(EPIGRAPH), "\n".join(CUCKOO), prose("first", 6)]


def test_larger_type_at_a_pages_top_starts_a_paragraph() -> None:
    """A stanza ends a page, and the next opens on a line a point larger than the text (a
    contents page's "CONTENTS" heading, a chapter's number): it ran on as the stanza's next
    line. No paragraph grows a size over a page."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    setter.paragraph(prose("first", 6))  # the measure, which the stanza's lines fall short of
    for size, stanza in ((SIZE, CUCKOO), (SIZE + 1, ["THE SECOND SONG"]), (SIZE, CUCKOO)):
        if size > SIZE:
            setter.finish_page()
            setter.y -= 90  # below the top margin, where running heads are
        setter.canvas.setFont(FONT, size)
        _stanza(setter, stanza, 36)
    setter.paragraph(prose("second", 6))
    setter.finish_page()
    setter.canvas.save()
    body = read(out.getvalue(), "b.pdf").sections[0].body
    stanza = "\n".join(CUCKOO)
    paras = [prose("first", 6), stanza, "THE SECOND SONG", stanza, prose("second", 6)]
    assert body.split("\n\n") == paras


def test_ragged_prose_without_indents_or_gaps_is_not_verse() -> None:
    """Flush paragraphs set ragged-right, long words leaving lines short by varied amounts
    that the next word would not fit: lines wrap, and a paragraph ends only at a sentence's
    end with room left."""
    words = ["incomprehensibly", "a", "notwithstanding", "of", "superintendents", "the"]
    paragraphs = [
        " ".join(words[(n * 5 + k * k) % 6] for k in range(12 + n * 9 % 30)).capitalize() + "."
        for n in range(8)
    ]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    for paragraph in paragraphs:
        for line in setter.wrap(paragraph):
            setter.canvas.setFont(FONT, SIZE)
            setter.canvas.drawString(LEFT, setter.y, line)
            setter.y -= LEADING
    setter.finish_page()
    setter.canvas.save()
    assert read(out.getvalue(), "b.pdf").sections[0].body.split("\n\n") == paragraphs


def test_two_columns_are_read_one_after_the_other() -> None:
    """Columns on shared baselines across a narrow gutter, under a heading spanning both,
    a paragraph running on from the left column into the right: read column by column."""
    paragraphs = [prose("first", 9), prose("second", 14), prose("third", 11)]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.canvas.setFont("Helvetica-Bold", 20)
    setter.canvas.drawCentredString(WIDTH / 2, TOP, "Chapter One: Of Two Columns")
    lines = [
        (n == 0, line)
        for paragraph in paragraphs
        for n, line in enumerate(wrap(paragraph, 230 - INDENT, 230))
    ]
    half = (len(lines) + 1) // 2
    setter.canvas.setFont(FONT, SIZE)
    for column, x in ((lines[:half], LEFT), (lines[half:], 320.0)):
        for row, (first, line) in enumerate(column):
            setter.canvas.drawString(x + (INDENT if first else 0), TOP - 40 - row * LEADING, line)
    setter.finish_page()
    setter.canvas.save()
    (section,) = read(out.getvalue(), "b.pdf").sections
    assert (section.title, section.body.split("\n\n")) == (
        "Chapter One: Of Two Columns",
        paragraphs,
    )


def wrap(text: str, first: float, width: float) -> list[str]:
    """`text` in lines of `width` points, the first `first` points wide."""
    lines = [""]
    for word in text.split():
        room = first if len(lines) == 1 else width
        if lines[-1] and stringWidth(f"{lines[-1]} {word}", FONT, SIZE) > room:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


@pytest.mark.parametrize("indent", [True, False], ids=["indented", "spaced"])
def test_justified_paragraphs_are_rebuilt_exactly(indent: bool) -> None:
    """Wide spaces in justified lines, one-line paragraphs, paragraphs across pages."""
    data, paragraphs = justified(indent)
    book = read(data, "b.pdf")
    assert [s.title for s in book.sections] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert [p for s in book.sections for p in s.body.split("\n\n")] == paragraphs


FILLER = ["the", "road", "went", "on", "past", "a", "grey", "field", "and", "into", "town"]
OPENERS = ["Afterwards", "Meanwhile", "Eventually"]  # wider than a filler word and a space
BODY_TEXT = getSampleStyleSheet()["BodyText"]  # Helvetica 10 on 12 points, 6 points before
WORD_LIKE = ParagraphStyle("word", fontName=FONT, fontSize=11, leading=13, spaceAfter=8)
A_THIRD = ParagraphStyle("third", fontName=FONT, fontSize=10, leading=12, spaceAfter=4)
TALLER = ParagraphStyle("taller", BODY_TEXT, autoLeading="max")  # a taller line set lower


def spaced_apart(style: ParagraphStyle, shape: list[int], marked: bool = False) -> Spaced:
    """Flush paragraphs of `shape`'s numbers of lines set by reportlab, every line full,
    the last too: the next filler word did not fit on it, nor would the next paragraph's
    first word; and their text."""
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=letter)
    width = document.width - 12  # the frame's padding, 6 points a side
    paragraphs = [filled(n, lines, style, width, marked) for n, lines in enumerate(shape)]
    document.build([Paragraph(markup(words, style, marked), style) for words in paragraphs])
    return out.getvalue(), [" ".join(words) + "." for words in paragraphs]


def filled(n: int, lines: int, style: ParagraphStyle, width: float, marked: bool) -> list[str]:
    """The words of a paragraph of `lines` lines, the last of them full."""
    words = [OPENERS[n]]
    while True:
        more = [*words, FILLER[(n + len(words)) % len(FILLER)]]
        paragraph = Paragraph(markup(more, style, marked), style)
        paragraph.wrap(width, HEIGHT)
        if len(paragraph.blPara.lines) > lines:
            return words
        words = more


def markup(words: list[str], style: ParagraphStyle, marked: bool) -> str:
    """The words as a paragraph; marked, with a note's mark after its 31st word and its
    56th in type 1.8 times as large (on its second line and its third)."""
    shown = list(words)
    if marked and len(shown) > 55:
        shown[30] += "<super>7</super>"
        shown[55] = f'<font size="{style.fontSize * 1.8}">{shown[55]}</font>'
    return " ".join(shown) + "."


@pytest.mark.parametrize(
    ("style", "shape"),
    [(BODY_TEXT, [2, 2, 1]), (WORD_LIKE, [2, 2, 1]), (A_THIRD, [4, 4, 4])],
    ids=["reportlab-body-text", "word-space-after", "a-third-of-a-line"],
)
def test_paragraphs_spaced_apart_stay_apart_however_full_their_last_lines(
    style: ParagraphStyle, shape: list[int]
) -> None:
    """No first-line indent, and no room left on a paragraph's last line: only the space
    between paragraphs tells where one ends. Paragraphs of a line or two half a line apart
    (reportlab's and Word's spacing), as many steps from line to line gaps as not; or
    longer ones a third of a line apart."""
    data, paragraphs = spaced_apart(style, shape)
    assert [p for s in read(data, "b.pdf").sections for p in s.body.split("\n\n")] == paragraphs


def test_a_taller_line_in_a_spaced_paragraph_is_no_gap() -> None:
    """A note's mark and a word in larger type push their lines down (as Word's line
    spacing does), by less than the space between paragraphs but by more than lines of
    one paragraph vary: each paragraph stays one."""
    data, paragraphs = spaced_apart(TALLER, [4, 4, 4], marked=True)
    assert [p for s in read(data, "b.pdf").sections for p in s.body.split("\n\n")] == paragraphs


def test_unevenly_spaced_lines_of_spaced_paragraphs_are_no_gap() -> None:
    """Lines of a paragraph a point or two further apart or closer here and there, flush
    paragraphs half a line apart: each paragraph stays one."""
    paragraphs = [prose("first", 9), prose("second", 12), prose("third", 7)]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    uneven = itertools.cycle([0.0, 1.5, -1.0, 2.0, 0.5, -1.5])
    for paragraph in paragraphs:
        for line in wrap(paragraph, RIGHT - LEFT, RIGHT - LEFT):
            setter.canvas.setFont(FONT, SIZE)
            setter.canvas.drawString(LEFT, setter.y, line)
            setter.y -= LEADING + next(uneven)
        setter.y -= LEADING / 2
    setter.finish_page()
    setter.canvas.save()
    assert read(out.getvalue(), "b.pdf").sections[0].body.split("\n\n") == paragraphs


def test_hyphenated_words_are_joined_unless_written_with_a_hyphen(book: Book) -> None:
    assert "She felt extraordinary and well-known, a well-known Anglo-Saxon face." in (
        book.sections[0].body.split("\n\n")
    )


def test_running_heads_and_page_numbers_are_dropped(book: Book) -> None:
    words = every_word(book)
    assert HEAD not in words
    assert not any(part.isdigit() for part in words.split())


@pytest.mark.parametrize("folio", ["Page {page}", "- {page} -", "{roman}", "{page} of 12"])
def test_page_numbers_in_any_style_are_dropped(folio: str) -> None:
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), folio=folio)
    for name, paragraphs in CHAPTERS:
        setter.heading(name)
        for paragraph in paragraphs:
            setter.paragraph(paragraph)
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [p for s in book.sections for p in s.body.split("\n\n")][-1] == prose("seventh", 6)
    words = every_word(book).split()
    assert not {"Page", "-", "i", "ii", "iii", "iv", "of"} & set(words)


def test_a_running_head_with_the_page_number_is_dropped_however_short_its_chapter() -> None:
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    for name, paragraphs in CHAPTERS:
        setter.head = f"{name.upper()}: ON THE ROAD {{page}}"  # each on a page or two only
        setter.heading(name)
        for paragraph in paragraphs:
            setter.paragraph(paragraph)
    setter.finish_page()
    setter.canvas.save()
    words = every_word(read(out.getvalue(), "b.pdf"))
    assert "ON THE ROAD" not in words


@dataclass
class Recto(Setter):
    """Heads the book's title over even pages and the chapter's over odd ones, as a novel
    sets them."""

    chapter: str = ""

    def heading(self, text: str, size: float = 20.0, new_page: bool = True) -> float:
        if new_page and self.y < TOP:
            self.finish_page()
        self.chapter = text.upper()
        return super().heading(text, size, new_page)

    def finish_page(self) -> None:
        self.head = self.chapter if self.page % 2 else HEAD
        super().finish_page()


def test_a_running_head_repeating_a_short_chapters_title_is_dropped() -> None:
    """Given chapters of two pages, each heading its odd page with its title: too few
    pages to recur on, the head was read, and the first made a chapter of its own."""
    out = io.BytesIO()
    setter = Recto(Canvas(out, pagesize=letter))
    for name, seed in (("Chapter One", "alpha"), ("Chapter Two", "beta"), ("Chapter Three", "c")):
        setter.heading(name)
        setter.paragraph(prose(seed, 90))
        setter.paragraph(prose(f"{seed}x", 60))
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == ["Chapter One", "Chapter Two", "Chapter Three"]
    assert "CHAPTER" not in every_word(book)


@dataclass
class Titled(Recto):
    """Heads odd pages with the chapter's title alone, without its label."""

    def heading(self, text: str, size: float = 20.0, new_page: bool = True) -> float:
        top = super().heading(text, size, new_page)
        self.chapter = text.split(": ")[-1].upper()
        return top


def test_small_running_heads_of_a_short_book_are_dropped() -> None:
    """Two chapters of two pages: the book's title heads two pages, each chapter's title
    (its heading's without "Chapter 1:") one; in smaller type over the text, each was
    read in the middle of a sentence."""
    out = io.BytesIO()
    setter = Titled(Canvas(out, pagesize=letter))
    for name, seed in (("Chapter 1: The Letter", "alpha"), ("Chapter 2: Low Water", "beta")):
        setter.heading(name)
        setter.paragraph(prose(seed, 90))
        setter.paragraph(prose(f"{seed}x", 60))
    setter.finish_page()
    setter.canvas.save()
    assert setter.page == 5
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == ["Chapter 1: The Letter", "Chapter 2: Low Water"]
    assert not {"THE", "LONG", "LETTER", "LOW", "WATER"} & set(every_word(book).split())


@dataclass
class Story(Setter):
    """Heads every page but the first with the book's title."""

    def finish_page(self) -> None:
        self.head = HEAD if self.page > 1 else ""
        super().finish_page()


@pytest.mark.parametrize("named", [True, False], ids=["titled", "untitled"])
def test_a_head_saying_the_books_title_once_is_dropped(named: bool) -> None:
    """A story of two pages, its second headed with the title its metadata gives: dropped
    however few pages it heads; without that title, a line on one page is read."""
    out = io.BytesIO()
    setter = Story(Canvas(out, pagesize=letter))
    if named:
        setter.canvas.setTitle(HEAD.title())
    setter.heading("Chapter One")
    setter.paragraph(prose("alpha", 90))
    setter.paragraph(prose("beta", 60))
    setter.finish_page()
    setter.canvas.save()
    assert setter.page == 3
    assert (HEAD in every_word(read(out.getvalue(), "b.pdf"))) is not named


def test_a_contents_heading_goes_with_its_entries() -> None:
    """A dedication, then "Contents" in smaller type than the chapters' headings over dot
    leaders: the heading, left alone on its page, was read after the dedication."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.paragraph("For my mother, who taught me the road")
    setter.finish_page()
    setter.heading("Contents", size=14)
    for name in ("Chapter One", "Chapter Two"):
        setter.paragraph(f"{name} . . . . . . . . . . . . . . . . . . . . . . . . 3")
    for name, seed in (("Chapter One", "alpha"), ("Chapter Two", "beta")):
        setter.heading(name)
        setter.paragraph(prose(seed, 20))
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert "Contents" not in every_word(book)
    assert book.sections[0].body == "For my mother, who taught me the road"


TABLE = [["Village", "Boats", "Crew"], ["Mousehole", "42", "160"], ["Newlyn", "88", "310"]]


def test_a_table_is_skipped_with_a_warning_naming_its_chapter() -> None:
    """Cells in columns (left-aligned words, right-aligned numbers) over three rows: read,
    they were a run of words. Justified prose, its words apart by less than an em, is no
    table."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Chapter One")
    setter.paragraph(prose("alpha", 4))
    setter.heading("Chapter Two", new_page=False)
    setter.paragraph(prose("beta", 4))
    for row in TABLE:
        setter.canvas.drawString(LEFT + 36, setter.y, row[0])
        for right, cell in zip((260, 340), row[1:], strict=True):
            setter.canvas.drawRightString(right, setter.y, cell)
        setter.y -= LEADING
    setter.paragraph(prose("gamma", 3))
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    bodies = {s.title: s.body for s in book.sections}
    assert bodies["Chapter Two"] == f"{prose('beta', 4)}\n\n{prose('gamma', 3)}"
    assert book.warnings == [
        "b.pdf: a table in chapter 'Chapter Two' not read (tables are not narrated)"
    ]
    assert not read(justified(indent=True)[0], "b.pdf").warnings


def plate(labels: list[tuple[float, float, str]]) -> bytes:
    """A chapter whose first page ends on a paragraph's end, a plate's page with `labels`
    (x, y, words) in 8 point and a caption under the picture, and the chapter going on."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Chapter One")
    setter.paragraph(prose("alpha", 4))
    setter.finish_page()
    setter.canvas.setFont("Helvetica", 8)
    for x, y, words in labels:
        setter.canvas.drawString(x, y, words)
    setter.canvas.setFont("Times-Italic", 10)
    setter.canvas.drawCentredString(WIDTH / 2, 300, "Plate 1. The harbour at night")
    setter.finish_page()
    setter.paragraph(prose("beta", 4))
    setter.finish_page()
    setter.canvas.save()
    return out.getvalue()


def test_labels_scattered_on_a_picture_are_skipped_with_a_warning() -> None:
    """A map's names drawn over its picture, apart from each other and from any text:
    read, they were a paragraph of names run together ("N MOUSEHOLE PENZANCE")."""
    book = read(plate([(430, 640, "N"), (110, 560, "MOUSEHOLE"), (300, 420, "Penzance")]), "b")
    (section,) = book.sections
    caption = "Plate 1. The harbour at night"
    assert section.body.split("\n\n") == [prose("alpha", 4), caption, prose("beta", 4)]
    assert book.warnings == [
        "b: labels on a picture in chapter 'Chapter One' not read (N, MOUSEHOLE, Penzance)"
    ]


@pytest.mark.parametrize(
    "labels",
    [
        [(110, 560, "Mousehole")],
        [(110, 560, "Mousehole"), (110, 420, "Penzance")],
        [(110, 560, "Mousehole"), (300, 300 + 12, "Penzance")],
        [(110, 560, "Mousehole"), (300, 420, "Penzance lies west.")],
    ],
    ids=["alone", "lined up", "by the caption", "a sentence"],
)
def test_short_lines_not_scattered_on_a_picture_are_read(
    labels: list[tuple[float, float, str]],
) -> None:
    """A lone short line, short lines sharing an edge (a list, a letter's close), one
    standing by other text, or ending as a sentence: text, not a picture's labels."""
    book = read(plate(labels), "b")
    assert all(words in book.sections[0].body for _, _, words in labels)
    assert not book.warnings


Label = tuple[float, float, str]  # x, y, words
MAP = (90.0, 330.0, 520.0, 610.0)  # the picture's box on its page, under a paragraph
MAP_LABELS = [
    (430, 580, "N"),
    (110, 520, "MOUSEHOLE"),
    (300, 430, "Penzance"),
    (180, 360, "St Michael's Mount"),
]


def picture(canvas: Canvas, kind: str) -> None:
    """A map's picture over `MAP`: "drawn" in lines and a curve on the page, an "image",
    a "form" (a placed drawing), a "ground" behind the whole page (a scan, a page's
    colour), or none."""
    x0, y0, x1, y1 = MAP
    if kind == "drawn":
        canvas.rect(x0, y0, x1 - x0, y1 - y0)
        coast = canvas.beginPath()
        coast.moveTo(x0 + 20, y0 + 40)
        coast.curveTo(x0 + 150, y1 - 20, x1 - 150, y0 + 20, x1 - 20, y1 - 60)
        canvas.drawPath(coast)
    elif kind == "image":
        grey = ImageReader(Image.new("L", (43, 28), 200))
        canvas.drawImage(grey, x0, y0, x1 - x0, y1 - y0)
    elif kind == "form":
        canvas.beginForm("map", x0, y0, x1, y1)
        canvas.line(x0 + 10, y0 + 10, x1 - 10, y1 - 10)
        canvas.endForm()
        canvas.doForm("map")
    elif kind == "ground":
        canvas.setFillGray(0.9)
        canvas.rect(0, 0, WIDTH, HEIGHT, stroke=0, fill=1)
        canvas.setFillGray(0)


def map_page(labels: list[Label], kind: str = "drawn", size: float = SIZE) -> bytes:
    """A chapter going on over a map's page: a paragraph, the map's `picture` with
    `labels` over it in `size` point, its caption, and a paragraph under it."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Chapter One")
    setter.paragraph(prose("alpha", 4))
    setter.finish_page()
    setter.paragraph(prose("beta", 3))
    picture(setter.canvas, kind)
    setter.canvas.setFont(FONT, size)
    for x, y, words in labels:
        setter.canvas.drawString(x, y, words)
    setter.canvas.setFont("Times-Italic", 10)
    setter.canvas.drawCentredString(WIDTH / 2, 300, "Map 1. The bay")
    setter.y = 270
    setter.paragraph(prose("gamma", 4))
    setter.finish_page()
    setter.canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("kind", ["drawn", "image", "form"])
def test_labels_at_the_texts_size_on_a_picture_are_skipped(kind: str) -> None:
    """A map's names set in the text's own type over its picture (drawn on the page, an
    image, a placed drawing), among the chapter's paragraphs: read, they were a
    paragraph of names ("N MOUSEHOLE Penzance St Michael's Mount")."""
    book = read(map_page(MAP_LABELS, kind), "b")
    (section,) = book.sections
    paras = [prose("alpha", 4), prose("beta", 3), "Map 1. The bay", prose("gamma", 4)]
    assert section.body.split("\n\n") == paras
    assert book.warnings == [
        "b: labels on a picture in chapter 'Chapter One' not read "
        "(N, MOUSEHOLE, Penzance, St Michael's Mount)"
    ]


def drawn_on(data: bytes, pages: int) -> list[list[Box]]:
    return [pictures(page) for page, _ in laid_out(data, "b", pages)]


def test_a_page_keeps_500_paths_at_most() -> None:
    """A page of line art draws thousands of paths: each page keeps its first 500."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    for count in (600, 3):
        for n in range(count):
            canvas.rect(20 + n % 20 * 25, 20 + n // 20 * 20, 15, 15)
        canvas.showPage()
    canvas.save()
    assert [len(boxes) for boxes in drawn_on(out.getvalue(), 2)] == [500, 3]


@pytest.mark.parametrize("where", ["page", "form"])
def test_a_path_left_unpainted_stretches_no_other(where: str) -> None:
    """A path built and never painted (nor clipped) at a page's or a placed drawing's
    end: the next path's box took in its points, a picture over half the page."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    if where == "form":
        canvas.beginForm("stray")
        canvas.addLiteral("100 100 m 500 700 l")
        canvas.endForm()
        canvas.doForm("stray")
    else:
        canvas.addLiteral("100 100 m 500 700 l")
        canvas.showPage()
    canvas.addLiteral("200 200 40 40 re f")  # reportlab's rect ends a stray path ("n")
    canvas.showPage()
    canvas.save()
    assert drawn_on(out.getvalue(), 2)[-1] == [(200.0, 200.0, 240.0, 240.0)]


def test_labels_over_a_page_of_many_lines_are_told_in_steps_a_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each label was looked up against every edge of the page's text, and each edge
    against every other (10 labels on a page of 4,000 lines: 21 seconds; a page may hold
    more): the page's margins, centres and baselines are found once, in order, and each
    label's looked up in them, a few edges compared for each line of the page."""
    text = [
        Line(0, 1000 + 5 * n, 1090 + 5 * n, 10 + 0.01 * n, 21, SIZE, "word word word.", 800, 6)
        for n in range(4000)
    ]
    labels = [
        Line(0, 50 + 60 * n, 100 + 60 * n, 100 + 7 * n, 111, SIZE, f"Place{n}", 800, 6)
        for n in range(10)
    ]
    aligned, steps = pdffurniture._aligned, Counter[str]()

    def counted(one: float, other: float) -> bool:
        steps["compared"] += 1
        return aligned(one, other)

    monkeypatch.setattr(pdffurniture, "_aligned", counted)
    assert pdffurniture.figure_labels(text + labels, SIZE, {0: [(0, 0, 700, 700)]}) == [labels]
    assert steps["compared"] < 3 * len(text)


POEM = ["The tide comes in", "over the stones", "and the gulls cry", "all night long"]
BREAKS = ["The Crossing", "* * *", "Low Water", "* * *", "Spring Tide"]


def centred(words: str, y: float) -> Label:
    return (WIDTH / 2 - stringWidth(words, FONT, SIZE) / 2, y, words)


@pytest.mark.parametrize(
    ("labels", "kind"),
    [
        (MAP_LABELS, ""),
        (MAP_LABELS, "ground"),
        (MAP_LABELS[:2], "drawn"),
        ([(150, 560 - 14 * n, line) for n, line in enumerate(POEM)], "drawn"),
        ([(150 + 40 * (n % 2), 580 - 36 * n, line) for n, line in enumerate(POEM)], "drawn"),
        ([(150, 580 - 36 * n, line) for n, line in enumerate(POEM)], "drawn"),
        ([(110, 560, "Yes."), (330, 480, "No, never."), (200, 400, "Why?")], "drawn"),
        ([*MAP_LABELS[:3], (LEFT, 380, "Low Water")], "drawn"),
        ([*MAP_LABELS[:3], (200, 430, "Tide")], "drawn"),
        ([centred(words, 580 - 50 * n) for n, words in enumerate(BREAKS)], "drawn"),
    ],
    ids=[
        "no picture",
        "a ground behind the page",
        "two",
        "a poem",
        "a poem spaced out",
        "lined up",
        "dialogue",
        "at the text's edge",
        "on one baseline",
        "centred",
    ],
)
def test_short_lines_at_the_texts_size_not_a_maps_labels_are_read(
    labels: list[Label], kind: str
) -> None:
    """Short lines in the text's type, told from a map's labels only by a picture under
    them, three or more, scattered (no edge, centre or baseline shared with each other
    or the text) and naming no sentence: a poem, a list, dialogue, centred lines between
    section breaks, lines with no picture under them or only the page's ground are
    text."""
    book = read(map_page(labels, kind), "b")
    paras = book.sections[0].body.split("\n\n")
    said = " ".join(paras[paras.index(prose("beta", 3)) + 1 : paras.index("Map 1. The bay")])
    # Each label whole ("N" no letter of a word), and nothing else between.
    assert all(re.search(rf"(?<!\S){re.escape(words)}(?!\S)", said) for _, _, words in labels)
    assert len(said.split()) == sum(len(words.split()) for _, _, words in labels)
    assert not book.warnings


def test_an_also_by_page_at_the_end_is_skipped() -> None:
    """The author's other books on the last page, headed like a chapter: read as one, a
    run of titles."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    for name, seed in (("Chapter One", "alpha"), ("Chapter Two", "beta")):
        setter.heading(name)
        setter.paragraph(prose(seed, 20))
    setter.heading("Also by A. Writer")
    for title in ("The Salt Road", "A House by the Water", "Winter Tides"):
        setter.paragraph(title)
        setter.y -= LEADING
    setter.finish_page()
    setter.canvas.save()
    sections = read(out.getvalue(), "b.pdf").sections
    assert [(s.title, s.kind) for s in sections][-1] == ("Also by A. Writer", "also-by")
    assert sections[-1].skip_reason == "front matter (also-by)"


def test_contents_entries_and_list_items() -> None:
    """Contents lines (dot leaders to a page number) are dropped; a list item is one
    paragraph, its second line hanging under the first."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Contents")
    for name in ("Chapter One", "Chapter Two"):
        setter.paragraph(f"{name} . . . . . . . . . . . . . . . . . . . . . . . . 3")
    setter.heading("Chapter One")
    setter.paragraph(prose("first", 3))
    for item in (prose("one", 5), prose("two", 1)):  # reportlab cannot map "•" to text
        for k, line in enumerate(setter.wrap(f"– {item}")[:2]):
            setter.canvas.drawString(LEFT + (12 if k else 0), setter.y, line)
            setter.y -= LEADING
    setter.paragraph(prose("last", 2))
    setter.finish_page()
    setter.canvas.save()
    sections = read(out.getvalue(), "b.pdf").sections
    assert [s.title for s in sections] == ["Chapter One"]  # the contents have no text left
    assert sections[0].body.split("\n\n") == [
        prose("first", 3),
        " ".join(setter.wrap(f"– {prose('one', 5)}")[:2]),
        f"– {prose('two', 1)}",
        prose("last", 2),
    ]


def test_the_lone_title_page_heading_is_not_a_chapter(book: Book) -> None:
    assert "The Long Road" not in every_word(book)


def test_metadata_from_the_document_information(book: Book) -> None:
    assert book.metadata.title == "The Long Road"
    assert book.metadata.authors == ["A. Writer", "B. Writer"]
    assert book.metadata.date == ""  # its CreationDate is the file's (`published`)


def test_without_information_the_title_page_gives_the_title() -> None:
    data = typeset(CHAPTERS[2:] + CHAPTERS[1:2], title="Short Road", info=False)
    assert read(data, "b.pdf").metadata.title == "Short Road"


def test_a_heading_naming_a_kind_of_section_gives_it_that_kind() -> None:
    chapters = [("Contents", [prose("one", 2)]), ("Preface", [prose("two", 2)]), *CHAPTERS[:2]]
    sections = read(typeset(chapters), "b.pdf").sections
    assert [(s.kind, s.skip_reason) for s in sections] == [
        ("toc", "front matter (toc)"),
        ("preface", ""),
        ("chapter", ""),
        ("chapter", ""),
    ]


def test_chapter_lines_in_body_type_are_headings() -> None:
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    for label, seed in (("CHAPTER IV", "one"), ("CHAPTER V", "two")):
        setter.heading(label, size=SIZE, new_page=False)
        setter.paragraph(prose(seed, 8))
    setter.finish_page()
    setter.canvas.save()
    sections = read(out.getvalue(), "b.pdf").sections
    assert [(s.title, s.body) for s in sections] == [
        ("CHAPTER IV", prose("one", 8)),
        ("CHAPTER V", prose("two", 8)),
    ]


def test_footnotes_and_their_marks_are_dropped() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    setter = Setter(canvas, head="")  # one page: nothing recurs to tell a running head by
    setter.heading("Chapter One")
    setter.paragraph(prose("first", 6))
    canvas.setFont(FONT, 7)
    canvas.drawString(setter.end[0], setter.end[1] + 4, "1")
    setter.paragraph(prose("second", 6))
    canvas.setFont(FONT, 8)
    canvas.drawString(LEFT, 80, "1 A FOOTNOTE in small type.")
    setter.finish_page()
    canvas.save()
    body = read(out.getvalue(), "b.pdf").sections[0].body
    assert body == f"{prose('first', 6)}\n\n{prose('second', 6)}"


# The outline


def typeset_with_outline(fit_page: bool) -> bytes:
    """Two chapters on one page and one on the next, each with an outline entry."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    setter = Setter(canvas)
    for n, (name, paragraphs) in enumerate(CHAPTERS):
        top = setter.heading(name, new_page=n == 2)
        if fit_page:
            canvas.bookmarkPage(f"c{n}")
        else:
            canvas.bookmarkHorizontal(f"c{n}", 0, top)
        canvas.addOutlineEntry(f"Part {n + 1}", f"c{n}", level=0)
        for paragraph in paragraphs[:2]:
            setter.paragraph(paragraph)
    setter.finish_page()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("fit_page", [False, True], ids=["at a position", "whole page"])
def test_chapters_follow_the_outline(fit_page: bool) -> None:
    """Entries to whole pages, two on one page, are placed at that page's two headings."""
    sections = read(typeset_with_outline(fit_page), "b.pdf").sections
    assert [s.title for s in sections] == ["Part 1", "Part 2", "Part 3"]
    assert [s.body.split("\n\n")[0] for s in sections] == [
        prose("first", 14),
        prose("fourth", 12),
        prose("seventh", 6),
    ]
    assert "Chapter" not in every_word(Book(sections))


# Hostile and broken files


def test_an_encrypted_pdf_is_refused() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    canvas.drawString(72, 700, "Secret text.")
    canvas.save()
    with pytest.raises(ManuscriptError, match=r"b\.pdf: the PDF is encrypted"):
        read(out.getvalue(), "b.pdf")


def test_a_pdf_locked_only_against_editing_is_read() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    canvas.drawString(72, 700, "Open text.")
    canvas.save()
    assert read(out.getvalue(), "b.pdf").sections[0].body == "Open text."


def test_a_pdf_without_a_text_layer_is_refused() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    canvas.rect(72, 72, 400, 600, fill=1)  # a scan is a picture of a page, without text
    canvas.showPage()
    canvas.save()
    with pytest.raises(ManuscriptError, match=r"b\.pdf: no text layer"):
        read(out.getvalue(), "b.pdf")


def test_pages_without_text_among_others_are_a_warning() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    canvas.rect(72, 72, 400, 600, fill=1)
    canvas.showPage()
    canvas.drawString(72, 700, "Some text.")
    canvas.save()
    assert read(out.getvalue(), "b.pdf").warnings == [
        "b.pdf: no text on page(s) 1 (blank, pictures or scans); not read"
    ]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\nnot really a pdf at all", typeset(CHAPTERS)[:600], b"%PDF-"],
    ids=["garbage", "truncated", "header only"],
)
def test_a_corrupt_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(ManuscriptError, match=r"^b\.pdf: "):
        read(data, "b.pdf")


def test_read_book_sniffs_a_pdf_and_refuses_a_text_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(typeset(CHAPTERS))
    assert sniff(path.read_bytes(), path) == "pdf"
    assert len(read_book(path).sections) == 3
    path.write_text("Just words.")
    with pytest.raises(ManuscriptError, match=r"book\.pdf: not a PDF \(no %PDF- header\)"):
        read_book(path)


@pytest.mark.parametrize("name", ["book.pdf", "book.docx"])
def test_a_web_page_named_pdf_or_docx_is_refused_as_a_failed_download(
    tmp_path: Path, name: str
) -> None:
    """Given the login page a failed download saved as book.pdf: it was read as HTML, by its
    content, and narrated ("Please log in to continue"), exit 0."""
    path = tmp_path / name
    path.write_bytes(b"<!DOCTYPE html><html><body><h1>Sign in</h1><p>Please log in.</p>")
    kind = name.rsplit(".", 1)[1].upper()
    with pytest.raises(ManuscriptError, match=rf"{name}: a web page \(HTML\), not a {kind}"):
        read_book(path)


# Hostile files, written object by object: what no typesetter writes


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def handmade(
    pages: list[bytes],
    extra: list[bytes] | None = None,
    *,
    resources: bytes = b"",
    info: bytes = b"<< /Title (Handmade) >>",
    catalog: bytes = b"",
    size: tuple[int, int] = (612, 792),
    end: bytes = b"%%EOF\n",
) -> bytes:
    """A PDF of `pages`, each a content stream or (starting "[") a /Contents array.
    Objects: 1 the catalog, 2 the page tree, 3 the font /F1, 4 the information, from 5 on
    `extra`, then each page and its content stream."""
    extra = extra or []
    first = 5 + len(extra)
    kids, objects = [], [b""] * 4 + extra
    for content in pages:
        number = first + len(objects) - len(extra) - 4
        contents = content if content.startswith(b"[") else b"%d 0 R" % (number + 1)
        kids.append(b"%d 0 R" % number)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %s "
            b"/Resources << /Font << /F1 3 0 R >> %s >> >>" % (*size, contents, resources)
        )
        objects.append(b"null" if content.startswith(b"[") else stream(content))
    objects[:4] = [
        b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%s" % (xref, end))
    return out.getvalue()


def text(*lines: str, size: float = 12, top: float = 700, leading: float = 14) -> bytes:
    """Content setting `lines` one under another."""
    shown = b" T* ".join(b"(%s) Tj" % line.encode() for line in lines)
    return b"BT /F1 %g Tf %g TL 72 %g Td %s ET" % (size, leading, top, shown)


WORDS = "The road went on past a grey field and into the town."


def test_a_handmade_pdf_is_read() -> None:
    assert read(handmade([text(WORDS)]), "b.pdf").sections[0].body == WORDS


def refused(data: bytes, says: str) -> None:
    with pytest.raises(
        ManuscriptError, match=rf"^b\.pdf: the PDF {says}.*: not a book narrate reads$"
    ):
        read(data, "b.pdf")


def test_a_stream_listed_again_and_again_in_a_page_is_refused() -> None:
    """20,000 references to one stream: each is run, and counted, again."""
    drawn = text(*[WORDS] * 20)
    refused(handmade([b"[%s]" % (b" 5 0 R" * 20_000)], [stream(drawn)]), "has a page of more")
    lean = b"%" + b" " * 4_000 + b"\n"  # content without glyphs runs, too
    refused(handmade([b"[%s]" % (b" 5 0 R" * 20_000)], [stream(lean)]), "has a page that draws")


def form(content: bytes, inner: int = 0) -> bytes:
    """A form XObject drawing `content`, and (as /X) object `inner` if given."""
    drawn = b"/XObject << /X %d 0 R >>" % inner if inner else b""
    return stream(
        content,
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> %s >>" % drawn,
    )


def test_forms_drawing_forms_are_refused() -> None:
    """Forms nested 7 deep, each drawing the next 10 times, draw the last a million times;
    a chain of 40 forms, each drawing the next, nests them deeper than any book."""
    drawn = b"/XObject << /X 5 0 R >>"
    fan = [form(b"/X Do " * 10, 6 + depth) for depth in range(6)] + [form(text(WORDS))]
    refused(handmade([b"/X Do"], fan, resources=drawn), "has a page of more than 50,000")
    chain = [form(b"/X Do", 6 + depth) for depth in range(40)] + [form(text(WORDS))]
    refused(handmade([b"/X Do"], chain, resources=drawn), "nests forms more than 16 deep")
    chain[3] = form(text(WORDS))  # 4 deep
    assert read(handmade([b"/X Do"], chain[:4], resources=drawn), "b.pdf").sections


def test_pages_drawing_one_form_past_the_book_cap_are_refused_after_a_few_pages(
    monkeypatch: pytest.MonkeyPatch, setting: Setting
) -> None:
    """200 pages each drawing one form: its glyphs on 20 pages, as many a page over 200,
    pass the cap (2.5 glyphs a character of NARRATE_MAX_BOOK_CHARS), and the file is
    refused then, not after the 100 pages that reach it: a 1 MB file of 3,000 such pages
    was laid out for minutes. Under half as many pages fit, and are read."""
    setting("NARRATE_MAX_BOOK_CHARS", "400")  # 1,000 glyphs
    laid = 0

    def counted(*args: object) -> Iterator[tuple[LTPage, int]]:
        nonlocal laid
        for page in laid_out(*args):  # type: ignore[arg-type]
            laid += 1
            yield page

    monkeypatch.setattr(pdf, "laid_out", counted)
    drawn = b"/XObject << /X 5 0 R >>"
    pages = [b"/X Do"] * 200
    refused(handmade(pages, [form(text("Tide line"))], resources=drawn), "expands to more")
    assert laid < 40
    read(handmade(pages[:90], [form(text("Tide line"))], resources=drawn), "b.pdf")
    assert laid == 19 + 90  # (the line on every page is a running head, and dropped)


def damaged(compressed: bytes) -> bytes:
    """`compressed` with its Adler-32 checksum (its last 4 bytes) wrong."""
    return compressed[:-4] + bytes(byte ^ 0xFF for byte in compressed[-4:])


def test_a_stream_inflating_to_more_than_16_mb_is_refused() -> None:
    bomb = zlib.compress(b" " * (17 * 2**20), 9)  # 17 KB
    data = handmade(
        [b"[5 0 R 6 0 R]"], [stream(bomb, b"/Filter /FlateDecode"), stream(text(WORDS))]
    )
    refused(data, "has a stream that decompresses to more than 16 MB")
    fits = zlib.compress(b" " * 2**20 + text(WORDS))
    assert read(handmade([b"[5 0 R]"], [stream(fits, b"/Filter /FlateDecode")]), "b.pdf")


def test_a_damaged_stream_inflating_to_more_than_16_mb_is_refused_as_it_inflates() -> None:
    """A bomb with a bad checksum is refused by the cap as it inflates, never inflated whole
    to salvage it: 64 MB held at once."""
    compressor = zlib.compressobj(9)
    bomb = b"".join(compressor.compress(b" " * 2**20) for _ in range(64)) + compressor.flush()
    data = handmade([b"[5 0 R]"], [stream(damaged(bomb), b"/Filter /FlateDecode")])
    tracemalloc.start()
    try:
        refused(data, "has a stream that decompresses to more than 16 MB")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20


def test_a_page_whose_stream_has_a_bad_checksum_is_read() -> None:
    """A wrong checksum at a stream's end, common in damaged files: its text is all read."""
    first = "A cold wind came down off the hills that night."
    content = stream(damaged(zlib.compress(text(first))), b"/Filter /FlateDecode")
    book = read(handmade([b"[5 0 R]", text(WORDS)], [content]), "b.pdf")
    assert book.sections[0].body == f"{first} {WORDS}"


def test_a_long_stream_with_a_bad_checksum_inflates_whole() -> None:
    """Inflated in pieces, the piece the damage comes in is kept too: all the data, as
    pdfminer's salvage (feeding a byte at a time) gives."""
    raw = b"".join(b"line %d of the page\n" % number for number in range(20_000))  # 400 KB
    assert b"".join(_inflated(damaged(zlib.compress(raw)))) == raw


@pytest.mark.parametrize("garbage", [b"", b"\xff" * 64], ids=["cut", "cut, then garbage"])
def test_a_stream_cut_short_gives_the_text_before_the_cut(garbage: bytes) -> None:
    """Compressed data cut in the middle, maybe with garbage after (0xFF: an invalid block,
    which zlib refuses): the lines inflated before the cut are read."""
    lines = [f"Line {number} of a page cut short." for number in range(1, 41)]
    content = text(*lines)
    half = len(content) // 2
    compressor = zlib.compressobj()
    cut = compressor.compress(content[:half]) + compressor.flush(zlib.Z_SYNC_FLUSH)
    if garbage:
        with pytest.raises(zlib.error):
            zlib.decompressobj().decompress(cut + garbage)
    data = handmade([b"[5 0 R]"], [stream(cut + garbage, b"/Filter /FlateDecode")])
    shown = [line for line in lines if b"(%s) Tj" % line.encode() in content[:half]]
    assert len(shown) > 10
    assert read(data, "b.pdf").sections[0].body == " ".join(shown)


@pytest.mark.parametrize(
    "invisible",
    [b"BT /F1 0 Tf 72 700 Td (Unseen.) Tj ET", b"BT /F1 12 Tf 0 0 0 0 72 700 Tm (Unseen.) Tj ET"],
    ids=["size 0", "flat matrix"],
)
def test_text_set_invisibly_is_not_read(invisible: bytes) -> None:
    assert read(handmade([invisible + b"\n" + text(WORDS)]), "b.pdf").sections[0].body == WORDS
    with pytest.raises(ManuscriptError, match="no text layer"):
        read(handmade([invisible]), "b.pdf")


def test_a_huge_number_in_the_margin_is_no_page_number() -> None:
    pages = [text("9" * 5000, top=780) + b"\n" + text(WORDS, top=500) for _ in range(3)]
    assert read(handmade(pages, size=(40_000, 792)), "b.pdf").sections[0].body == " ".join(
        [WORDS] * 3
    )


def test_a_paragraph_of_many_lines_is_joined_in_linear_time() -> None:
    """A 20,000-letter word, 20,000 dots, then 200 lines: each joined to the whole
    paragraph, looking for a word broken at its end, took minutes; and so did looking for
    compound words and contents' dot leaders from each letter or dot of a long run."""
    lines = ["a" * 20_000, "." * 20_000 + " z", *["more words on the line"] * 200]
    data = handmade([text(*lines, size=1, top=9000, leading=1.2)], size=(12_000, 9100))
    start = time.monotonic()
    body = read(data, "b.pdf").sections[0].body
    assert time.monotonic() - start < 10
    assert body == " ".join(lines)


def test_a_broken_word_at_a_long_paragraphs_end_is_joined() -> None:
    lines = [*[WORDS] * 40, "an extra-", "ordinary day."]
    body = read(handmade([text(*lines, size=6, leading=7)]), "b.pdf").sections[0].body
    assert body == " ".join([*[WORDS] * 40, "an extraordinary day."])


def test_the_pdf_libraries_log_nothing_but_narrate_warns(caplog: pytest.LogCaptureFixture) -> None:
    """A cut end-of-file marker, an outline looping on itself: pypdf logs both (with the
    entry's dump). A broken outline entry: narrate's own warning stays."""
    entries = [
        b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
        b"<< /Title (Loop) /Parent 5 0 R /Next 6 0 R /Dest [%s /Fit] >>",
    ]
    caplog.set_level(logging.DEBUG)
    for dest in (b"8 0 R", b"(not a page)"):
        outline = [entries[0], entries[1] % dest]
        read(handmade([text(WORDS)], outline, catalog=b"/Outlines 5 0 R", end=b"%%EO"), "b.pdf")
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING] == [
        "producer.readers.pdf"
    ]


def test_metadata_that_is_not_a_string_is_no_value() -> None:
    data = handmade(
        [text("CHAPTER ONE", size=20), text(WORDS)],
        [b"<< /Not (a title) >>"],
        info=b"<< /Title 5 0 R /Author [(A. Writer)] /CreationDate 7 >>",
        catalog=b"/Lang 1 0 R",
    )
    metadata = read(data, "b.pdf").metadata
    assert (metadata.title, metadata.authors, metadata.language, metadata.date) == ("", [], "", "")


def test_a_raised_note_mark_a_little_smaller_than_the_text_is_dropped() -> None:
    # reportlab's <super> sets a mark 2 points smaller (8.5 on 10.5), raised.
    style = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=13)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5).build(
        [
            Paragraph("Chapter One", ParagraphStyle("h", fontName=FONT, fontSize=18)),
            Paragraph(
                "On the Morrow of the Revolution<super>1</super>, says a friend, they did"
                " not speak all together.<super>2</super> Nor at once.",
                style,
            ),
        ]
    )
    body = read(out.getvalue(), "b.pdf").sections[0].body
    assert body == (
        "On the Morrow of the Revolution, says a friend, they did not speak all together."
        " Nor at once."
    )


def titled_book(*under_title: str) -> bytes:
    """A PDF: the book's title, paragraphs under it, then two chapters."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    setter.heading("News from Nowhere", size=28)
    for text in under_title:
        setter.paragraph(text)
    for name in ("Chapter One", "Chapter Two"):
        setter.heading(name)
        setter.paragraph(prose(name.split()[1], 4))
    setter.finish_page()
    setter.canvas.save()
    return out.getvalue()


def test_a_prologue_under_the_title_is_narrated() -> None:
    book = read(titled_book(prose("Prologue", 3)), "b.pdf")
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("", "chapter", ""),
        ("Chapter One", "chapter", ""),
        ("Chapter Two", "chapter", ""),
    ]


def test_the_title_page_with_its_author_and_copyright_lines_is_not_narrated() -> None:
    copyright_line = "Copyright © 2024 Nowhere Press. All rights reserved."
    book = read(titled_book("William Morris", copyright_line), "b.pdf")
    assert [(s.title, s.kind, bool(s.skip_reason)) for s in book.sections] == [
        ("", "titlepage", True),
        ("Chapter One", "chapter", False),
        ("Chapter Two", "chapter", False),
    ]
