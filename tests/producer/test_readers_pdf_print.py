"""The PDF reader on what print PDFs do (a publisher's interior, a Word export) that a
listener would otherwise hear: each case typeset here with reportlab, most common first."""

import io
import os
from dataclasses import dataclass

import pypdf
import pytest
import reportlab
from PIL import Image
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A5, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from producer.readers.book import Book, Section
from producer.readers.pdf import read
from tests.producer.test_readers_pdf import (
    BOTTOM,
    FONT,
    HEIGHT,
    INDENT,
    LEADING,
    LEFT,
    RIGHT,
    SIZE,
    WIDTH,
    Setter,
    every_word,
    prose,
    wrap,
)
from tests.producer.test_readers_pdf import CHAPTERS as TEST_BOOK


def paragraphs(book: Book) -> list[str]:
    return [p for s in book.sections for p in s.body.split("\n\n")]


# The test book's chapters, without its paragraph of words hyphenated at line ends ("|").
CHAPTERS = [(name, [p for p in paras if "|" not in p]) for name, paras in TEST_BOOK]


def written(chapters: list[tuple[str, list[str]]]) -> list[str]:
    return [p for _, paras in chapters for p in paras]


def chapters_on(setter: Setter, chapters: list[tuple[str, list[str]]]) -> None:
    for name, paras in chapters:
        setter.heading(name)
        for para in paras:
            setter.paragraph(para)


# Front matter


COPYRIGHT = [
    "Copyright © 2024 by A. Writer",
    "All rights reserved. No part of this book may be reproduced in any form or by any"
    " electronic or mechanical means without permission in writing from the publisher.",
    "ISBN 978-0-00-000000-0",
    "Printed in the United States of America",
]


def _chapters(setter: Setter, outline: bool) -> None:
    """CHAPTERS set one after another, each in the outline with `outline`; the file saved."""
    for n, (name, paras) in enumerate(CHAPTERS):
        setter.heading(name)
        if outline:
            setter.canvas.bookmarkPage(f"c{n}")
            setter.canvas.addOutlineEntry(name, f"c{n}", level=0)
        for para in paras:
            setter.paragraph(para)
    setter.finish_page()
    setter.canvas.save()


@pytest.mark.parametrize("outline", [False, True], ids=["headings", "outline"])
def test_a_copyright_page_and_title_pages_are_not_narrated(outline: bool) -> None:
    """A half-title, a title page and a copyright page before the first chapter: the
    half-title took the rest for a chapter of its own (by headings), and so did the
    text before the outline's first entry; the copyright page was read, ISBN and all."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    setter.heading("The Long Road", size=24)  # the half-title, then the title page
    setter.heading("The Long Road", size=30)
    setter.paragraph("A. Writer")
    setter.finish_page()
    for line in COPYRIGHT:
        setter.paragraph(line)
    setter.finish_page()
    setter.paragraph("For M., who walked it with me.")
    _chapters(setter, outline)
    sections = read(out.getvalue(), "b.pdf").sections
    assert [(s.kind, bool(s.skip_reason)) for s in sections] == [
        ("titlepage", True),
        ("copyright-page", True),
        ("chapter", False),  # the dedication: narrated, as in every format
        ("chapter", False),
        ("chapter", False),
        ("chapter", False),
    ]
    assert sections[1].body.split("\n\n") == COPYRIGHT
    assert [s.title for s in sections[3:]] == ["Chapter One", "Chapter Two", "Chapter Three"]


def test_a_chapter_saying_what_a_copyright_page_says_is_read() -> None:
    """Only the front matter's copyright page is set apart: a story may say where it was
    first published, and with its copyright on its first page."""
    said = "Copyright, she said, meant all rights reserved since the road was first published."
    chapters = [("Chapter One", [prose("first", 3), said]), *CHAPTERS[1:]]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    chapters_on(setter, chapters)
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == written(chapters)


def test_a_story_without_headings_saying_what_a_copyright_page_says_is_read() -> None:
    """A story under no heading is front matter throughout: a page of it that says "first
    edition", "printed in", "copyright" and "all rights reserved" in its sentences was
    skipped as a copyright page, and a paragraph running on to it broke mid-sentence."""
    said = (
        "The book was a first edition, printed in London in 1851; its copyright had long"
        " since lapsed, and the old notice, all rights reserved, made her smile."
    )
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    texts = []
    while setter.y > 200:
        texts.append(prose(f"first{len(texts)}", 5))
        setter.paragraph(texts[-1])
    texts += [f"{prose('run', 14)} {said} {prose('on', 30)}", prose("last", 9)]
    for text in texts[-2:]:
        setter.paragraph(text)
    setter.finish_page()
    setter.canvas.save()
    assert setter.spans[-2] == {1, 2}
    book = read(out.getvalue(), "b.pdf")
    assert [s.kind for s in book.sections] == ["chapter"]
    assert paragraphs(book) == texts


def test_a_first_chapter_titled_as_the_book_keeps_its_title() -> None:
    """A collection named for its first poem: the poem's heading, saying the title again,
    was taken for a half-title, and the poem (short lines) for the rest of the title page:
    skipped. A longer first chapter lost its title."""
    stanza = ["The stars came out over the hill", "and I stood still to count them"]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    setter.heading("Stars", size=30)
    setter.paragraph("Poems by A. Writer")
    setter.finish_page()
    for name in ("Stars", "Rain", "Snow"):
        setter.heading(name)
        for line in stanza:
            setter.paragraph(line)
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [(s.title, s.kind) for s in book.sections] == [
        ("", "titlepage"),
        ("Stars", "chapter"),
        ("Rain", "chapter"),
        ("Snow", "chapter"),
    ]
    assert book.sections[1].body.split() == " ".join(stanza).split()


@pytest.mark.parametrize(
    ("under", "kind"),
    [(["A. N. Other", "March 2021"], "titlepage"), (["It began in the rain."], "chapter")],
    ids=["name-and-date", "a-sentence"],
)
def test_a_title_page_in_the_chapters_type_is_a_title_page(under: list[str], kind: str) -> None:
    """LaTeX's title page: the book's title in the chapters' headings' type, over an
    author's name and a date alone on the first page. It was narrated as a chapter, and
    the book had no title. A first page saying a sentence under its heading is a chapter."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    setter.heading("Tides and Harbours")
    for line in under:
        setter.paragraph(line)
    setter.finish_page()
    chapters_on(setter, CHAPTERS)
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.kind for s in book.sections] == [kind, "chapter", "chapter", "chapter"]
    if kind == "titlepage":
        assert (book.metadata.title, book.metadata.authors) == ("Tides and Harbours", under[:1])
        assert book.sections[0].skip_reason


def credited_book(under: list[str], outline: bool = False, author: str = "") -> bytes:
    """A PDF: an "Also by" page, the title page (the title in display type over `under`,
    a heading's type for a line starting "#"), then the chapters."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    if author:
        setter.canvas.setAuthor(author)
    setter.paragraph("Also by Ann Example")
    setter.paragraph("Winter Tides")
    setter.finish_page()
    setter.heading("THE QUIET HARBOUR", size=30)
    for line in under:
        if line.startswith("#"):
            setter.heading(line.removeprefix("#"), size=24, new_page=False)
        else:
            setter.paragraph(line)
    _chapters(setter, outline)
    return out.getvalue()


@pytest.mark.parametrize("outline", [False, True], ids=["headings", "outline"])
@pytest.mark.parametrize(
    ("under", "authors"),
    [
        (["A Novel", "Ann Example", "Harbour Light Press"], ["Ann Example"]),
        (["#ANN EXAMPLE"], ["Ann Example"]),
        (["by Ann Example and Bo Sample"], ["Ann Example", "Bo Sample"]),
        (["Harbour Light Press", "New York"], ["anonymous"]),
        (["Collected Stories", "Penguin Books Ltd", "London 2023"], ["anonymous"]),
        (["New York"], ["anonymous"]),
    ],
    ids=[
        "under-a-subtitle",
        "in-display-capitals",
        "by-two",
        "publisher-only",
        "no-name",
        "city-only",
    ],
)
def test_the_title_pages_author_is_the_books_where_the_pdf_names_none(
    under: list[str], authors: list[str], outline: bool
) -> None:
    """A title page's name under its title is the book's author where the PDF's metadata
    gives none (reportlab's "anonymous"): the audiobook's tags and credits named no one.
    Not an "Also by" page's titles before it, a subtitle, a publisher or its city."""
    book = read(credited_book(under, outline), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == authors


@pytest.mark.parametrize("outline", [False, True], ids=["headings", "outline"])
@pytest.mark.parametrize(
    ("under", "authors"),
    [
        (["Colette", "Harbour Light Press", "New York"], ["Colette"]),
        (["MOLIÈRE", "Translated by Bo Sample", "Harbour Light Press"], ["Molière"]),
        (["by Colette"], ["Colette"]),
        (["Colette"], ["anonymous"]),
        (["Penguin", "London"], ["anonymous"]),
        (["Colette", "New York"], ["anonymous"]),
        (["Penguin", "Penguin Books Ltd", "London"], ["anonymous"]),
        (["Stories", "Harbour Light Press"], ["anonymous"]),
    ],
    ids=[
        "over-the-publisher",
        "over-a-translator",
        "by",
        "alone",
        "a-publisher-over-its-city",
        "over-a-city-of-two-words",
        "a-publisher-over-its-name",
        "a-subtitle",
    ],
)
def test_a_one_word_name_under_the_title_is_the_author_where_what_follows_says_so(
    under: list[str], authors: list[str], outline: bool
) -> None:
    """A one-word author's name under the title ("Colette") was taken only after "by". A
    word alone there is as often a publisher's ("Penguin", over its city) or a subtitle's:
    it is the author's where the publisher's line follows it, not naming it, or another
    contributor's credit ("Translated by ..."), or after "by"; else the book has none. Over
    "New York", the city was the author: a city's line ends the credits as the imprint's."""
    book = read(credited_book(under, outline), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == authors


def test_the_pdfs_author_wins_over_the_title_pages() -> None:
    book = read(credited_book(["Ann Example"], author="A. Writer"), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["A. Writer"]


def test_a_heading_before_the_outlines_first_entry_is_no_title_page() -> None:
    """A prologue of short lines that the outline has no entry for, under a heading no
    larger than the chapters': it was skipped as a title page."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    setter.heading("Prologue")
    prologue = ["It began in the rain.", "It ended in the snow."]
    for line in prologue:
        setter.paragraph(line)
    _chapters(setter, outline=True)
    sections = read(out.getvalue(), "b.pdf").sections
    assert (sections[0].kind, sections[0].skip_reason) == ("chapter", "")
    assert sections[0].body.split() == " ".join(["Prologue", *prologue]).split()


# Drop caps


def drop_cap(first: str, cap_after: bool = False, after: str = prose("second", 4)) -> bytes:
    """A chapter opening on a drop cap three lines deep, the first three lines set beside
    it; `first`'s letter is the cap (a space after it: a word of one letter), and `after`
    the next paragraph."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    cap, rest = first[0], f"{first[1:]} {prose('first', 12)}"
    beside = LEFT + stringWidth(cap, FONT, 52) + 4
    lines = wrap(rest, RIGHT - beside, RIGHT - beside)
    lines[3:] = wrap(" ".join(lines[3:]), RIGHT - LEFT, RIGHT - LEFT)  # under the cap
    canvas = setter.canvas
    for n, line in enumerate(lines):
        if n == 0 and not cap_after:
            canvas.setFont(FONT, 52)
            canvas.drawString(LEFT, setter.y - 2 * LEADING, cap)
        canvas.setFont(FONT, SIZE)
        space = 3 if n == 0 and rest.startswith(" ") else 0
        canvas.drawString((beside if n < 3 else LEFT) + space, setter.y, line)
        if n == 0 and cap_after:
            canvas.setFont(FONT, 52)
            canvas.drawString(LEFT, setter.y - 2 * LEADING, cap)
        setter.y -= LEADING
    setter.paragraph(after)
    setter.finish_page()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("first", "cap_after"),
    [("Once upon a time", False), ("Once upon a time", True), ("A long time ago", False)],
    ids=["drawn first", "drawn after its line", "a word of its own"],
)
def test_a_drop_cap_is_its_words_first_letter(first: str, cap_after: bool) -> None:
    """The cap, taken into its line by pdfminer, put that line at the cap's foot: read
    after the lines beside the cap, as "O nce"; or, a line of its own, a heading."""
    (section,) = read(drop_cap(first, cap_after), "b.pdf").sections
    assert section.title == "Chapter One"
    assert section.body.split("\n\n") == [f"{first} {prose('first', 12)}", prose("second", 4)]


@pytest.mark.parametrize(
    ("first", "read_as"),
    [
        ("Iwas born by the road", "I was born by the road"),
        ("Aman went on past", "A man went on past"),
        ("Another road went on", "Another road went on"),
        ("Around the town went on", "Around the town went on"),
        ("It went on past", "It went on past"),
        ("There went the road", "There went the road"),
    ],
)
def test_a_drop_cap_that_is_a_word_set_tight_is_one(first: str, read_as: str) -> None:
    """A cap "I" or "A" set tight to its line, as "O" to "nce": a word of its own where
    the book says the rest ("was", "man") and never the two as one ("Iwas"), and they are
    no common word ("Around", with "round" in the book)."""
    after = "It was a man of the town, and a round grey field. There was nothing."
    (section,) = read(drop_cap(first, after=after), "b.pdf").sections
    assert section.body.split("\n\n") == [f"{read_as} {prose('first', 12)}", after]


def test_a_raised_initial_that_is_a_word_stays_one() -> None:
    """A raised initial (larger, on the first line's baseline) that is a word of its own,
    over a paragraph of one line: the next paragraph's indented first line, within the
    initial's reach, was taken for a line beside a drop cap, and "I was" read "Iwas"."""
    word = "I"
    first = f"{word} was born in a grey field by the road into town."
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    text = setter.canvas.beginText(LEFT, setter.y)
    text.setFont(FONT, 28)
    text.textOut(word)
    text.setFont(FONT, SIZE)
    text.textOut(first[1:])
    setter.canvas.drawText(text)
    setter.y -= LEADING
    setter.paragraph(prose("second", 4))
    setter.finish_page()
    setter.canvas.save()
    (section,) = read(out.getvalue(), "b.pdf").sections
    assert section.body.split("\n\n") == [first, prose("second", 4)]


# Footnotes


NOTES = [
    "Morris wrote this for the Commonweal, in 1890.",
    "See the Hammersmith letters, which say more of it.",
]


def test_footnotes_a_point_smaller_than_the_text_are_dropped() -> None:
    """Word's and Google Docs' defaults: text in 11 point, notes in 10 (0.91 of it), each
    note's number set small and raised in the text and before the note; the notes were
    read mid-sentence where a paragraph ran over the page."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    canvas = setter.canvas
    texts = [prose("first", 60), prose("second", 60)]
    for text in texts:
        for n, line in enumerate(setter.wrap(text)):
            if setter.y < 180:
                for k, note in enumerate(NOTES):
                    canvas.setFont(FONT, 6.5)
                    canvas.drawString(LEFT, 144 - 12 * k, str(k + 1))
                    canvas.setFont(FONT, 10)
                    canvas.drawString(LEFT + 4, 140 - 12 * k, note)
                setter.finish_page()
            canvas.setFont(FONT, SIZE)
            x = LEFT + (INDENT if n == 0 else 0)
            canvas.drawString(x, setter.y, line)
            if setter.y > 680:  # the page's first line: the notes' numbers at its end
                canvas.setFont(FONT, 6.5)
                canvas.drawString(x + stringWidth(line, FONT, SIZE), setter.y + 4, "1 2")
            setter.y -= LEADING
    setter.finish_page()
    canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == texts


@pytest.mark.parametrize("ends", [False, True], ids=["running over", "ending the chapter"])
def test_smaller_type_at_a_pages_foot_with_no_note_mark_is_read(ends: bool) -> None:
    """A letter set a point smaller (10 on 11), at the foot of a page whose text marks no
    note: it was taken for the page's footnotes, and lost."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    texts = []
    while setter.y > 260:
        texts.append(prose(f"first{len(texts)}", 5))
        setter.paragraph(texts[-1])
    texts.append(prose("dear", 30 if ends else 60))
    for line in wrap(texts[-1], (RIGHT - LEFT) * SIZE / 10, (RIGHT - LEFT) * SIZE / 10):
        if setter.y < BOTTOM:
            setter.finish_page()
        setter.canvas.setFont(FONT, 10)
        setter.canvas.drawString(LEFT, setter.y, line)
        setter.y -= 12
    assert setter.page == (1 if ends else 2)
    if ends:
        setter.heading("Chapter Two")
    setter.paragraph(prose("second", 5))
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [*texts, prose("second", 5)]


# Running heads


def test_running_heads_with_roman_page_numbers_are_dropped() -> None:
    """A preface's pages headed "x THE LONG ROAD" and "PREFACE xi": a head with a
    number that was not arabic recurred on no two pages, and was read on each."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), folio="")
    roman = ["ix", "x", "xi", "xii", "xiii", "xiv"]
    pages = iter(f"{roman[n]} THE LONG ROAD" if n % 2 else f"PREFACE {roman[n]}" for n in range(6))
    setter.head = next(pages)
    setter.heading("Preface")
    text = prose("preface", 400)
    for n, line in enumerate(setter.wrap(text)):
        if setter.y < 100:
            setter.finish_page()
            setter.head = next(pages, "")
        setter.canvas.setFont(FONT, SIZE)
        setter.canvas.drawString(LEFT + (INDENT if n == 0 else 0), setter.y, line)
        setter.y -= LEADING
    assert setter.page >= 4
    setter.finish_page()
    setter.head = "{page} THE LONG ROAD"
    chapters_on(setter, CHAPTERS)
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == ["Preface", *(name for name, _ in CHAPTERS)]
    assert paragraphs(book) == [text, *written(CHAPTERS)]


def test_a_line_at_a_pages_foot_starting_with_the_word_i_is_read() -> None:
    """Front matter numbered i, ii, iii at the foot: a line of text low on the first page,
    starting with "I" (one, the page's number in Roman), was dropped as a running head."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="{roman}")
    setter.heading("Preface")
    texts = [prose("first", 40)]
    setter.paragraph(texts[0])
    texts.append("I walked on past a grey field and into town.")
    setter.canvas.setFont(FONT, SIZE)
    setter.canvas.drawString(LEFT + INDENT, 82, texts[-1])
    assert setter.page == 1
    setter.finish_page()
    for n in range(3):
        texts.append(prose(f"more{n}", 40))
        setter.paragraph(texts[-1])
        setter.finish_page()
    setter.folio = "{page}"
    chapters_on(setter, CHAPTERS)
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [*texts, *written(CHAPTERS)]


# Quotations


QUOTE = (
    "We have no need of the old laws now, said the old man, for we have no property to"
    " quarrel over and no masters to defend; the courts are gone and the prisons with them,"
    " and what a neighbour owes a neighbour he pays without a judge to tell him so."
)


def test_a_justified_quotation_set_in_from_both_margins_is_not_verse() -> None:
    """Its lines end short of the page's measure with room for the next one's first word:
    some were taken for verse, a pause at their ends, mid-sentence."""
    body = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=13, firstLineIndent=14)
    quote = ParagraphStyle(
        "q", parent=body, fontSize=9.5, leading=12, alignment=TA_JUSTIFY, firstLineIndent=0,
        leftIndent=24, rightIndent=24, spaceBefore=6, spaceAfter=6,
    )  # fmt: skip
    texts = [prose("first", 9), QUOTE, prose("second", 9)]
    story = [Paragraph("Chapter One", ParagraphStyle("h", fontName=FONT, fontSize=18))]
    story += [Paragraph(text, quote if text is QUOTE else body) for text in texts]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5).build(story)
    assert paragraphs(read(out.getvalue(), "b.pdf")) == texts


def test_verse_lines_ending_together_keep_their_ends() -> None:
    """A refrain's line said twice, or code in a fixed-width font, ends where the line
    above does: taken for a justified quotation's, the lines ran on as prose."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    setter.paragraph(prose("first", 8))
    verse = ["Row, row, row your boat", "Nevermore, nevermore", "Nevermore, nevermore", "And so"]
    code = ["x = 1", "y = 2", "z = 3"]
    for lines, font in ((verse, FONT), (code, "Courier")):
        setter.y -= 6
        for line in lines:
            setter.canvas.setFont(font, SIZE)
            setter.canvas.drawString(LEFT + 36, setter.y, line)
            setter.y -= LEADING
        setter.y -= 6
    setter.paragraph(prose("second", 8))
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [
        prose("first", 8),
        "\n".join(verse),
        "\n".join(code),
        prose("second", 8),
    ]


def test_a_quotation_in_smaller_type_running_over_a_page_is_read() -> None:
    """Smaller type below the page's last line of body text, it was taken for footnotes:
    the quotation's lines on that page were lost. Its lines are set in from the edge, as
    no note's are."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    texts = []
    while setter.y > 200:
        texts.append(prose(f"first{len(texts)}", 5))
        setter.paragraph(texts[-1])
    quoted = prose("quoted", 40)
    lines = wrap(quoted, RIGHT - LEFT - 72, RIGHT - LEFT - 72)
    for n, line in enumerate(lines):
        if setter.y < 100:
            setter.finish_page()
        text = setter.canvas.beginText(LEFT + 36, setter.y)
        text.setFont(FONT, 9)
        room = RIGHT - LEFT - 72 - stringWidth(line, FONT, 9)  # justified, but the last line
        text.setWordSpace(room / line.count(" ") if n < len(lines) - 1 else 0)
        text.textOut(line)
        setter.canvas.drawText(text)
        setter.y -= 11
    assert setter.page == 2
    setter.paragraph(prose("second", 5))
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [*texts, quoted, prose("second", 5)]


# Sideways text


@dataclass
class Watermarked(Setter):
    """Prints "ADVANCE READING COPY" across each page, diagonally, as a review copy has it."""

    def finish_page(self) -> None:
        self.canvas.saveState()
        self.canvas.translate(WIDTH / 2, HEIGHT / 2)
        self.canvas.rotate(45)
        self.canvas.setFont("Helvetica-Bold", 40)
        self.canvas.drawCentredString(0, 0, "ADVANCE READING COPY")
        self.canvas.restoreState()
        super().finish_page()


def test_sideways_text_is_left_out_with_a_warning() -> None:
    """A table turned on its page, a diagonal watermark on each: their letters came one to
    a line, read one by one; the watermark, larger than the headings, made every chapter's
    title "ADVANCE READING COPY"."""
    out = io.BytesIO()
    setter = Watermarked(Canvas(out, pagesize=letter))
    canvas = setter.canvas
    chapters_on(setter, CHAPTERS[:1])
    setter.finish_page()
    canvas.saveState()
    canvas.translate(WIDTH, 0)
    canvas.rotate(90)
    canvas.setFont(FONT, SIZE)
    for row, cells in enumerate([("Town", "Miles"), ("Hammersmith", "3"), ("Kensington", "5")]):
        for column, cell in enumerate(cells):
            canvas.drawString(72 + 200 * column, 400 - 16 * row, cell)
    canvas.restoreState()
    setter.finish_page()
    chapters_on(setter, CHAPTERS[1:])
    setter.finish_page()
    canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == [name for name, _ in CHAPTERS]
    assert paragraphs(book) == written(CHAPTERS)
    pages = ", ".join(str(page) for page in range(1, setter.page))
    assert book.warnings == [
        f"b.pdf: sideways text on page(s) {pages} (a turned table or a watermark); not read"
    ]


def test_text_turned_twice_to_stand_upright_is_read() -> None:
    """A text matrix turned half a turn and a negative type size each turn the glyphs
    over: together they stand upright, as on the page. The matrix alone was read as text
    set upside down, and the book as having no text."""
    chapters = [(name, [paras[0]]) for name, paras in CHAPTERS]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="", folio="")
    for name, paras in chapters:
        setter.heading(name)
        for n, line in enumerate(setter.wrap(paras[0])):
            text = setter.canvas.beginText()
            text.setFont(FONT, -SIZE)
            x = LEFT + (INDENT if n == 0 else 0)
            text.setTextTransform(-1, 0, 0, -1, x, setter.y)
            text.textOut(line)
            setter.canvas.drawText(text)
            setter.y -= LEADING
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == [name for name, _ in chapters]
    assert paragraphs(book) == written(chapters)
    assert book.warnings == []


# Letter spacing


def test_letter_spaced_words_are_read_as_words() -> None:
    """Headings set with wide tracking, or with spaces typed between their letters: pdfminer
    gave "C H A P T E R O N E", spelled out letter by letter. A table's row of one-figure
    cells stays figures."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    canvas = setter.canvas
    for name, tracking in (("CHAPTER ONE", 4.0), ("CHAPTER TWO", 0.0)):
        setter.finish_page() if setter.y < 700 else None
        heading = canvas.beginText(LEFT, setter.y)
        heading.setFont("Helvetica-Bold", 18)
        heading.setCharSpace(tracking)
        heading.textOut(name if tracking else "  ".join(" ".join(word) for word in name.split()))
        heading.setCharSpace(0)
        canvas.drawText(heading)
        setter.y -= 40
        setter.paragraph(prose(name.split()[1].lower(), 9))
    canvas.setFont(FONT, SIZE)
    for column, figure in enumerate("1234"):
        canvas.drawString(LEFT + 40 * column, setter.y - 20, figure)
    setter.finish_page()
    canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == ["CHAPTER ONE", "CHAPTER TWO"]
    assert paragraphs(book) == [prose("one", 9), prose("two", 9), "1 2 3 4"]


def test_lines_of_one_letter_words_stay_words() -> None:
    """A line of letters or figures each a word, as typed ("A B C D", "x y z w", "5 4 3 2
    1"): spaced alike, with no wider space among them, its words were run together into
    one ("ABCDEFG", "54321")."""
    lines = ["A B C D E F G", "x y z w", "5 4 3 2 1", "a b c d and e"]
    chapters = [("Chapter One", [prose("first", 4), *lines, prose("second", 4)])]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    chapters_on(setter, chapters)
    setter.finish_page()
    setter.canvas.save()
    (section,) = read(out.getvalue(), "b.pdf").sections
    assert section.body.split() == " ".join(written(chapters)).split()


# Small capitals


def test_a_first_line_in_small_caps_stays_in_its_paragraph() -> None:
    """Word's small caps: the text's lower-case letters drawn as capitals at 80%. Most of
    the line in smaller type, its paragraph broke after it, mid-sentence; and it was read
    in capitals ("IT WAS A DARK"), which the voice spells out."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    words = f"It was a dark and stormy night when {prose('first', 9)}".split()
    fits = next(n for n in range(len(words), 0, -1) if small_caps_width(words[:n]) < RIGHT - LEFT)
    lines = [" ".join(words[:fits]), *setter.wrap(" ".join(words[fits:]))]
    first = setter.canvas.beginText(LEFT, setter.y)
    for char in lines[0]:
        first.setFont(FONT, SIZE * 0.8 if char.islower() else SIZE)
        first.textOut(char.upper())
    setter.canvas.drawText(first)
    rest_of_page(setter, lines[1:])
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [
        " ".join(lines),  # its small capitals said as the letters they stand for
        prose("second", 4),
    ]


def rest_of_page(setter: Setter, lines: list[str]) -> None:
    """`lines` of the text set under the line at `setter.y`, a paragraph after them, and
    the page and the file finished."""
    for line in lines:
        setter.y -= LEADING
        setter.canvas.setFont(FONT, SIZE)
        setter.canvas.drawString(LEFT, setter.y, line)
    setter.y -= LEADING
    setter.paragraph(prose("second", 4))
    setter.finish_page()
    setter.canvas.save()


def small_caps_width(words: list[str]) -> float:
    return sum(
        stringWidth(char.upper(), FONT, SIZE * 0.8 if char.islower() else SIZE)
        for char in " ".join(words)
    )


Run = tuple[str, str, float]  # text, font, size


def runs_at(canvas: Canvas, x: float, y: float, runs: list[Run]) -> None:
    """A line drawn run by run, each in its own font and size."""
    text = canvas.beginText(x, y)
    for words, font, size in runs:
        text.setFont(font, size)
        text.textOut(words)
    canvas.drawText(text)


def small_caps(word: str, size: float = SIZE) -> list[Run]:
    """A word as Word sets it in small caps: its capitals at full size, its lower-case
    letters as capitals at 80%."""
    return [(char.upper(), FONT, size * 0.8 if char.islower() else size) for char in word]


def test_names_in_small_caps_are_read_in_lower_case_and_acronyms_kept() -> None:
    """Names set in small caps mid-sentence were read in capitals ("As SMITH and JONES"),
    which the voice spells out. An acronym at full height, or alone in small capitals,
    is kept as the book sets it."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    runs: list[Run] = [("As ", FONT, SIZE), *small_caps("Smith"), (" and ", FONT, SIZE)]
    runs += [*small_caps("Jones"), (" have shown, NASA and the ", FONT, SIZE)]
    runs += [("BBC", FONT, SIZE * 0.8), (" went on past the town.", FONT, SIZE)]
    runs_at(setter.canvas, LEFT + INDENT, setter.y, runs)
    setter.y -= LEADING
    setter.paragraph(prose("second", 4))
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [
        "As Smith and Jones have shown, NASA and the BBC went on past the town.",
        prose("second", 4),
    ]


@pytest.mark.parametrize("faked", [True, False], ids=["capitals", "lower case"])
def test_a_small_caps_fonts_words_are_read_in_lower_case(faked: bool) -> None:
    """A font of small capitals ("...SC") whose text gives them as capitals: its words
    were read in capitals. Where the font gives them in lower case, its capitals are
    capitals ("NASA")."""
    registerFont(
        TTFont("VeraSC", os.path.join(os.path.dirname(reportlab.__file__), "fonts/Vera.ttf"))
    )
    setattr(getFont("VeraSC").face, "name", b"BitstreamVeraSans-RomanSC")  # noqa: B010
    names = "SMITH AND JONES" if faked else "Smith and NASA"
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    runs: list[Run] = [("As ", FONT, SIZE), (names, "VeraSC", SIZE)]
    runs_at(setter.canvas, LEFT + INDENT, setter.y, [*runs, (" have shown it.", FONT, SIZE)])
    setter.y -= LEADING
    setter.paragraph(prose("second", 4))
    setter.finish_page()
    setter.canvas.save()
    said = "Smith And Jones" if faked else "Smith and NASA"
    assert paragraphs(read(out.getvalue(), "b.pdf"))[0] == f"As {said} have shown it."


@pytest.mark.parametrize("cap_after", [False, True], ids=["drawn first", "drawn after its line"])
def test_small_caps_after_a_drop_cap_are_read_in_lower_case(cap_after: bool) -> None:
    """A chapter opening on a drop cap and its first words in small caps ("T" "HE
    MORNING CAME grey"): read in capitals, "THE MORNING CAME grey"."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    canvas = setter.canvas
    beside = LEFT + stringWidth("T", FONT, 52) + 4
    lead = "HE MORNING CAME"
    room = RIGHT - beside - stringWidth(f"{lead} ", FONT, SIZE * 0.8)
    rest = wrap(f"grey over the town. {prose('first', 12)}", room, RIGHT - beside)
    rest[3:] = wrap(" ".join(rest[3:]), RIGHT - LEFT, RIGHT - LEFT)  # under the cap
    if not cap_after:
        canvas.setFont(FONT, 52)
        canvas.drawString(LEFT, setter.y - 2 * LEADING, "T")
    runs_at(canvas, beside, setter.y, [(lead, FONT, SIZE * 0.8), (f" {rest[0]}", FONT, SIZE)])
    if cap_after:
        canvas.setFont(FONT, 52)
        canvas.drawString(LEFT, setter.y - 2 * LEADING, "T")
    section = _beside_a_cap(setter, out, beside, rest[1:])
    assert section.body == " ".join(["The morning came", *rest])


FILLER = "went on past a grey field and into the town and the road went on past the field"


@pytest.mark.parametrize(
    "opening",
    ["It was a dark night on the road", "The end of it came", "It was NASA on a road"],
    ids=["it-was", "the-end", "an-acronym-at-full-height"],
)
def test_a_line_in_small_caps_but_its_first_capital_is_read_in_lower_case(opening: str) -> None:
    """A paragraph's first line all in Word's small caps, its first letter the only one at
    full height ("I" "T WAS A DARK NIGHT"): with no lower-case letter in the line to tell
    the text's height by, its small capitals were taken for it, and the line read in
    capitals. An acronym at full height in it is kept ("NASA")."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    words = f"{opening} {FILLER}".split()
    room = RIGHT - LEFT - INDENT
    fits = next(n for n in range(len(words), 0, -1) if small_caps_width(words[:n]) < room)
    first = " ".join(words[:fits])
    runs_at(setter.canvas, LEFT + INDENT, setter.y, small_caps(first))
    rest = wrap(" ".join(words[fits:] + prose("first", 4).split()), RIGHT - LEFT, RIGHT - LEFT)
    rest_of_page(setter, rest)
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [
        " ".join([first, *rest]),
        prose("second", 4),
    ]


QUOTED = "The man who does not read has no advantage over the man who cannot."


def test_a_line_of_small_caps_in_smaller_type_is_read_in_lower_case() -> None:
    """An epigraph's attribution in small caps in smaller type than the text's ("Mark
    Twain" in 9 point, its small capitals 7.2, over 11 point text): no lower-case letter
    in the line, its capitals were measured against the text's size, all taken for small
    capitals, and the line read in capitals ("MARK TWAIN"), spelt out."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    setter.canvas.setFont(FONT, 10)
    setter.canvas.drawString(LEFT + 120, setter.y, QUOTED)
    setter.y -= LEADING
    runs_at(setter.canvas, LEFT + 240, setter.y, small_caps("Mark Twain", 9))
    setter.y -= LEADING * 2
    setter.paragraph(prose("first", 6))
    setter.finish_page()
    setter.canvas.save()
    assert paragraphs(read(out.getvalue(), "b.pdf")) == [QUOTED, "Mark Twain", prose("first", 6)]


def test_a_line_all_in_small_caps_after_a_drop_cap_is_read_in_lower_case() -> None:
    """A drop cap and the whole line beside it in small caps ("T" "HE END OF IT CAME OVER
    THE TOWN"): no letter of the line at the text's height, it was read in capitals, a
    paragraph of its own."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    setter.heading("Chapter One")
    canvas = setter.canvas
    beside = LEFT + stringWidth("T", FONT, 52) + 4
    words = f"he end of it came {FILLER}".split()
    fits = next(n for n in range(len(words), 0, -1) if small_caps_width(words[:n]) < RIGHT - beside)
    rest = wrap(" ".join(words[fits:] + prose("first", 12).split()), RIGHT - beside, RIGHT - beside)
    rest[2:] = wrap(" ".join(rest[2:]), RIGHT - LEFT, RIGHT - LEFT)  # under the cap
    canvas.setFont(FONT, 52)
    canvas.drawString(LEFT, setter.y - 2 * LEADING, "T")
    runs_at(canvas, beside, setter.y, small_caps(" ".join(words[:fits])))
    section = _beside_a_cap(setter, out, beside, rest)
    assert section.body == " ".join(["T" + " ".join(words[:fits]), *rest])


def _beside_a_cap(setter: Setter, out: io.BytesIO, beside: float, lines: list[str]) -> Section:
    """The page's one section, `lines` set under its drop cap's first line: two beside
    the cap, the rest under it."""
    for n, line in enumerate(lines):
        setter.y -= LEADING
        setter.canvas.setFont(FONT, SIZE)
        setter.canvas.drawString(beside if n < 2 else LEFT, setter.y, line)
    setter.finish_page()
    setter.canvas.save()
    (section,) = read(out.getvalue(), "b.pdf").sections
    return section


@pytest.mark.parametrize("outline", [False, True], ids=["headings", "outline"])
def test_a_first_line_in_capitals_after_a_larger_initial_is_text(outline: bool) -> None:
    """A chapter's first words in capitals after an initial a little larger (15 point on
    11, no drop cap): the capitals, at 0.73 of the initial, were taken for small capitals,
    the line for type as large as the initial: a heading, dropped under the outline's
    entry or read as the chapter's title."""
    first = "WHEN THE ROAD WENT ON PAST THE GREY FIELD AND INTO THE TOWN SHE"
    rest = "saw the grey field go by, and the road went on into town."
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter), head="")
    for n, (name, paras) in enumerate(CHAPTERS):
        setter.heading(name)
        if outline:
            setter.canvas.bookmarkPage(f"c{n}")
            setter.canvas.addOutlineEntry(name, f"c{n}", level=0)
        text = setter.canvas.beginText(LEFT, setter.y)
        text.setFont(FONT, 15)
        text.textOut(first[0])
        text.setFont(FONT, SIZE)
        text.textOut(first[1:])
        setter.canvas.drawText(text)
        setter.y -= LEADING
        setter.canvas.drawString(LEFT, setter.y, rest)
        setter.y -= LEADING
        for para in paras:
            setter.paragraph(para)
    setter.finish_page()
    setter.canvas.save()
    book = read(out.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == [name for name, _ in CHAPTERS]
    for section, (_, paras) in zip(book.sections, CHAPTERS, strict=True):
        assert section.body.split() == " ".join([first, rest, *paras]).split()


# A page's border

# Short lines in the text's type scattered down a page: no edge, centre or baseline shared.
SCATTERED = [(430, 580, "Low tide"), (110, 520, "Mousehole harbour"), (300, 430, "The quay")]
HALF_PAGE = (80.0, 320.0, 530.0, 640.0)  # a map's box, under the scattered lines


def _chapter_going_on(out: io.BytesIO) -> Setter:
    """A chapter's first page, "Chapter One" over a paragraph ("alpha"), set into `out`:
    the setter stands at the top of the page it goes on over."""
    setter = Setter(Canvas(out, pagesize=letter))
    setter.heading("Chapter One")
    setter.paragraph(prose("alpha", 4))
    setter.finish_page()
    return setter


def bordered_page(picture: bool = False) -> bytes:
    """A chapter going on over a page framed by a border drawn at 92% of the page's width
    and height: a paragraph, the `SCATTERED` lines (over a map's box `HALF_PAGE`, with
    `picture`), and a paragraph under them."""
    out = io.BytesIO()
    setter = _chapter_going_on(out)
    canvas = setter.canvas
    canvas.rect(WIDTH * 0.04, HEIGHT * 0.04, WIDTH * 0.92, HEIGHT * 0.92)
    if picture:
        x0, y0, x1, y1 = HALF_PAGE
        canvas.rect(x0, y0, x1 - x0, y1 - y0)
    setter.paragraph(prose("beta", 3))
    canvas.setFont(FONT, SIZE)
    for x, y, words in SCATTERED:
        canvas.drawString(x, y, words)
    setter.y = 270
    setter.paragraph(prose("gamma", 4))
    setter.finish_page()
    canvas.save()
    return out.getvalue()


def test_short_lines_inside_a_pages_border_are_read() -> None:
    """A border drawn around the page, at 92% of its width and height, was a picture
    under the page's lines: three short lines scattered down it were left out as a map's
    labels. A border frames the page's text; it is no picture."""
    book = read(bordered_page(), "b")
    scattered = [words for _, _, words in SCATTERED]
    written = [prose("alpha", 4), prose("beta", 3), *scattered, prose("gamma", 4)]
    assert book.sections[0].body.split() == " ".join(written).split()
    assert not book.warnings


def test_labels_on_a_picture_inside_a_pages_border_are_skipped() -> None:
    book = read(bordered_page(picture=True), "b")
    paras = [prose("alpha", 4), prose("beta", 3), prose("gamma", 4)]
    assert book.sections[0].body.split("\n\n") == paras
    assert book.warnings == [
        "b: labels on a picture in chapter 'Chapter One' not read "
        "(Low tide, Mousehole harbour, The quay)"
    ]


# A map's names, in the text's type, over a plate filling the page within its margins.
PLATE_LABELS = [
    (430, 580, "Low tide"),
    (110, 520, "Mousehole"),
    (300, 430, "The quay"),
    (200, 300, "St Ives"),
    (420, 200, "Penzance"),
]


def plate_page(share: float, kind: str) -> bytes:
    """A chapter going on over a map's plate centred on its page at `share` of the page's
    width and height, an "image" or a "filled" rectangle (a map's sea), under the
    `PLATE_LABELS`, between a page of a paragraph and one of another."""
    out = io.BytesIO()
    setter = _chapter_going_on(out)
    canvas = setter.canvas
    width, height = WIDTH * share, HEIGHT * share
    x, y = (WIDTH - width) / 2, (HEIGHT - height) / 2
    if kind == "image":
        canvas.drawImage(ImageReader(Image.new("L", (43, 28), 200)), x, y, width, height)
    else:
        canvas.setFillGray(0.9)
        canvas.rect(x, y, width, height, stroke=0, fill=1)
        canvas.setFillGray(0)
    canvas.setFont(FONT, SIZE)
    for label_x, label_y, words in PLATE_LABELS:
        canvas.drawString(label_x, label_y, words)
    setter.finish_page()
    setter.paragraph(prose("gamma", 4))
    setter.finish_page()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("kind", ["image", "filled"])
@pytest.mark.parametrize("share", [0.86, 0.90, 0.94])
def test_labels_on_a_plate_as_large_as_a_pages_border_are_skipped(share: float, kind: str) -> None:
    """A map's plate, an image or a filled rectangle, at 86-94% of the page: taken for a
    border as a box that large, it was no picture, and its labels were read aloud. A
    border is a stroke alone; a plate painted over that much of the page is a picture."""
    book = read(plate_page(share, kind), "b")
    assert book.sections[0].body.split("\n\n") == [prose("alpha", 4), prose("gamma", 4)]
    assert book.warnings == [
        "b: labels on a picture in chapter 'Chapter One' not read "
        "(Low tide, Mousehole, The quay, St Ives, Penzance)"
    ]


# Pages left blank


def test_this_page_intentionally_left_blank_is_not_read() -> None:
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    for chapter in CHAPTERS:
        chapters_on(setter, [chapter])
        setter.finish_page()
        setter.canvas.setFont(FONT, SIZE)
        setter.canvas.drawCentredString(WIDTH / 2, 400, "This page intentionally left blank.")
    setter.finish_page()
    setter.canvas.save()
    assert "blank" not in every_word(read(out.getvalue(), "b.pdf"))


# Characters


def test_a_soft_hyphen_inside_a_line_is_dropped() -> None:
    """It would split its word in two for the voice; one ending a line still joins the
    word broken there. Ligatures are letters, a no-break space a space."""
    registerFont(
        TTFont("Vera", os.path.join(os.path.dirname(reportlab.__file__), "fonts/Vera.ttf"))
    )
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    canvas.setFont("Vera", SIZE)
    lines = [
        "“The ﬁrst ﬂoor,” she said, “is o\xadver there, Mr.\xa0Smith,” and the con\xad",
        "versation ended.",
    ]
    for n, line in enumerate(lines):
        canvas.drawString(LEFT, 700 - LEADING * n, line)
    canvas.save()
    assert read(out.getvalue(), "b.pdf").sections[0].body == (
        "“The first floor,” she said, “is over there, Mr. Smith,” and the conversation ended."
    )


# The outline


@pytest.mark.parametrize("shift", [-1, 1], ids=["a page early", "a page late"])
def test_outline_entries_a_page_off_their_headings_are_moved_to_them(shift: int) -> None:
    """A page put in or taken out after the outline was made: each chapter took the title
    of the one before or after it, and its heading was read in another's text."""
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    starts = []
    for name, paras in CHAPTERS:
        setter.finish_page() if setter.y < 700 else None
        starts.append(setter.page - 1)
        chapters_on(setter, [(name, paras)])
    setter.finish_page()
    setter.canvas.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(out.getvalue())))
    last = len(writer.pages) - 1
    for (name, _), page in zip(CHAPTERS, starts, strict=True):
        writer.add_outline_item(title=name, page_number=min(max(page + shift, 0), last))
    moved = io.BytesIO()
    writer.write(moved)
    book = read(moved.getvalue(), "b.pdf")
    assert [s.title for s in book.sections] == [name for name, _ in CHAPTERS]
    assert paragraphs(book) == written(CHAPTERS)


def test_an_outline_entry_at_its_labelled_heading_stays_there() -> None:
    """The entry says "Conclusion", its page "Chapter 3" over "Conclusion" (one heading,
    "Chapter 3. Conclusion"): the chapter before it, ending in a section headed
    "Conclusion" on the page before, took the entry, and the chapter its last section."""
    chapters = [
        ("Methods", [prose("methods", 30)], prose("methods end", 8)),
        ("Conclusion", [prose("conclusion", 40), prose("conclusion more", 140)], prose("end", 8)),
    ]
    out = io.BytesIO()
    setter = Setter(Canvas(out, pagesize=letter))
    starts = []
    for n, (name, paras, closing) in enumerate(chapters, start=2):
        setter.finish_page() if setter.y < 700 else None
        starts.append(setter.page - 1)
        setter.heading(f"Chapter {n}", size=16)
        setter.heading(name, new_page=False)
        for para in paras:
            setter.paragraph(para)
        setter.heading("Conclusion", size=14, new_page=False)
        setter.paragraph(closing)
    setter.finish_page()
    setter.canvas.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(out.getvalue())))
    for (name, _, _), page in zip(chapters, starts, strict=True):
        writer.add_outline_item(title=name, page_number=page)
    marked = io.BytesIO()
    writer.write(marked)
    assert starts == [0, 1]
    sections = read(marked.getvalue(), "b.pdf").sections
    assert [s.title for s in sections] == ["Methods", "Conclusion"]
    assert sections[0].body.split("\n\n") == [*chapters[0][1], "Conclusion", chapters[0][2]]
    assert sections[1].body.split("\n\n")[:2] == chapters[1][1]
