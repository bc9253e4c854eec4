"""The EPUB reader on what production tools really write: InDesign, Vellum, Calibre,
Google Docs, and Word's or LibreOffice's HTML converted to EPUB. Each book here
is built in memory, its markup set as the tool sets it."""

import io
import zipfile

import pytest

from config.errors import ManuscriptError
from producer.readers.book import Book
from tests.producer.test_readers_epub import Toc, build, page, read, titles, zipped


def heard(book: Book) -> list[tuple[str, str]]:
    """Each narrated section's title and body."""
    return [(s.title, s.body) for s in book.sections if not s.skip_reason]


# Chapter headings


def test_a_chapter_number_set_over_its_title_heading_is_one_title() -> None:
    """Given Vellum's heading, the chapter's number in an element of its own over the
    title's heading, and a number's heading over the title's: the number was read as the
    chapter's first paragraph and the title said twice ("Arrival. 1. Arrival.")."""
    vellum = (
        '<section epub:type="chapter"><div class="heading"><div class="element-number-block">'
        '<div class="element-number">1</div></div><div class="title-block">'
        '<h1 class="element-title">Arrival</h1></div></div><p>The hen sat.</p></section>'
    )
    numbered = (
        '<section epub:type="chapter"><h2 class="chapter-number">Chapter 2</h2>'
        '<h1 class="chapter-title">Departure</h1><p>Foxes came.</p></section>'
    )
    files = {"c1.xhtml": page(vellum), "c2.xhtml": page(numbered)}
    book = read(build(files, [("c1.xhtml", "Arrival"), ("c2.xhtml", "Departure")]))
    assert heard(book) == [
        ("Chapter 1: Arrival", "The hen sat."),
        ("Chapter 2: Departure", "Foxes came."),
    ]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("<h2>CHAPTER I<br/>A MORNING BATH</h2>", "CHAPTER I: A MORNING BATH"),
        ('<h1 class="chapter">Chapter 1<br />The Arrival</h1>', "Chapter 1: The Arrival"),
        ("<h1>Chapter One <br/> <em>The Storm</em></h1>", "Chapter One: The Storm"),
        ("<h1>The Long<br/>Goodbye</h1>", "The Long Goodbye"),
        ("<h1>Chapter<br/>One</h1>", "Chapter One"),
    ],
    ids=["gutenberg", "calibre", "spaced", "broken-for-looks", "label-over-number"],
)
def test_a_chapter_number_on_a_line_over_its_title_is_joined_to_it(
    heading: str, title: str
) -> None:
    """Given a heading with the chapter's number on a line of its own over its title, as
    Gutenberg's and Calibre's EPUBs set it: the line's end is the title's join, a pause
    (read "CHAPTER I A MORNING BATH", the <br> a space); a title broken only for looks is
    one line, as the HTML reader reads them."""
    files = {"c.xhtml": page(f"{heading}<p>The hen sat.</p>")}
    assert titles(read(build(files, [("c.xhtml", "Label")]))) == [title]


def test_a_chapter_heading_over_a_subsection_heading_stays_the_title() -> None:
    """A regression guard: a chapter's number heading over a subsection's (a lower rank)
    is not one title."""
    files = {"c.xhtml": page("<h1>Chapter 3</h1><h2>Morning</h2><p>It rained.</p>")}
    book = read(build(files, [("c.xhtml", "Chapter 3")]))
    assert heard(book) == [("Chapter 3", "Morning\n\nIt rained.")]


def test_a_heading_styled_as_a_paragraph_is_the_title_the_toc_gives() -> None:
    """Given InDesign's export without heading tags (a `<p class="Chapter-Title">`, the
    TOC pointing at an anchor in it) and one heading over two paragraphs: the title was
    said, then said again as the chapter's first paragraph."""
    one = (
        '<p class="Chapter-Title ParaOverride-1"><a id="_idTextAnchor000"></a>'
        '<span class="CharOverride-1">CHAPTER ONE</span></p><p class="Body-First">The hen sat.</p>'
    )
    two = (
        '<p class="Chapter-Number"><a id="_idTextAnchor001"></a>Chapter Two</p>'
        '<p class="Chapter-Title">The Storm</p><p class="Body-First">Foxes came.</p>'
    )
    files = {"Book-1.xhtml": page(one), "Book-2.xhtml": page(two)}
    toc = [
        ("Book-1.xhtml#_idTextAnchor000", "Chapter One"),
        ("Book-2.xhtml#_idTextAnchor001", "The Storm"),
    ]
    assert heard(read(build(files, toc))) == [
        ("CHAPTER ONE", "The hen sat."),
        ("Chapter Two: The Storm", "Foxes came."),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        '<span class="chapter-number">1</span><span class="chapter-title">Arrival</span>',
        '<span class="chapter-label">Chapter</span><span class="chapter-number">1</span><br/>'
        '<span class="chapter-title">Arrival</span>',
    ],
    ids=["number-title", "label-number-title"],
)
def test_a_headings_number_and_title_spans_are_not_run_together(heading: str) -> None:
    """Given a heading made of spans for the number and the title, set apart by the style
    sheet alone: it was read "1Arrival", or "Chapter1 Arrival"."""
    files = {"c.xhtml": page(f"<h1>{heading}</h1><p>The hen sat.</p>")}
    assert titles(read(build(files, [("c.xhtml", "Arrival")]))) == ["Chapter 1: Arrival"]


def test_a_heading_whose_initial_is_a_span_of_its_own_is_one_word() -> None:
    """A regression guard: a title's initial set apart in a span is not a part of it."""
    heading = '<h1><span class="title-initial">T</span><span class="title">he Storm</span></h1>'
    files = {"c.xhtml": page(f"{heading}<p>It rained.</p>")}
    assert titles(read(build(files, [("c.xhtml", "The Storm")]))) == ["The Storm"]


# Calibre's conversions


CALIBRE = {
    "index_split_000.html": page(
        '<p class="calibre1">CONTENTS</p><p class="calibre2">Chapter One</p>'
        '<p class="calibre2">Chapter Two</p>'
    ),
    "index_split_001.html": page(
        '<p class="calibre1"><span class="bold">CHAPTER ONE</span></p>'
        '<p class="calibre2">The hen sat.</p><div class="mbp_pagebreak" id="calibre_pb_1"></div>'
    ),
    "index_split_002.html": page(
        '<p class="calibre1"><span class="bold">CHAPTER TWO</span></p>'
        '<p class="calibre2">Foxes.</p>'
    ),
}


def test_calibres_start_entry_is_no_table_of_contents() -> None:
    """Given Calibre's EPUB of a book it found no contents in: an NCX of one entry,
    "Start", at the first file. The whole book was one chapter called "Start", its
    contents page read aloud."""
    book = read(build(CALIBRE, [("index_split_000.html", "Start")], version=2))
    assert heard(book) == [("CHAPTER ONE", "The hen sat."), ("CHAPTER TWO", "Foxes.")]
    assert (book.sections[0].title, book.sections[0].kind) == ("CONTENTS", "toc")


def test_a_one_entry_toc_over_files_without_headings_still_holds_them() -> None:
    """A regression guard: a story in several files under one entry is one chapter."""
    files = {
        "a.xhtml": page("<h1>The Story</h1><p>It began.</p>"),
        "b.xhtml": page("<p>It went on.</p>"),
        "c.xhtml": page("<p>It ended.</p>"),
    }
    book = read(build(files, [("a.xhtml", "The Story")]))
    assert heard(book) == [("The Story", "It began.\n\nIt went on.\n\nIt ended.")]


def test_without_a_toc_a_chapter_label_paragraph_titles_its_file() -> None:
    """Given Calibre's files with their headings as styled paragraphs, and no table of
    contents: every chapter was untitled, and the contents page was read as one."""
    book = read(build(CALIBRE, None, version=2))
    assert heard(book) == [("CHAPTER ONE", "The hen sat."), ("CHAPTER TWO", "Foxes.")]
    assert (book.sections[0].kind, book.sections[0].skip_reason) == ("toc", "front matter (toc)")


def test_a_toc_entry_at_an_anchor_closing_a_file_starts_the_next_file() -> None:
    """Given a TOC entry at an empty anchor left at the end of a file when a converter
    split the book there (its `filepos` anchor): the anchor was not found, and the
    chapter ran on in the one before, its title lost."""
    files = {
        "index_split_000.html": page('<h2>One</h2><p>The hen sat.</p><a id="filepos100"></a>'),
        "index_split_001.html": page("<h2>Two</h2><p>Foxes came.</p>"),
    }
    toc = [("index_split_000.html", "One"), ("index_split_000.html#filepos100", "Two")]
    book = read(build(files, toc, version=2))
    assert heard(book) == [("One", "The hen sat."), ("Two", "Foxes came.")]
    assert book.warnings == []


def test_a_part_page_without_text_keeps_its_toc_title() -> None:
    """A regression guard: an entry at an anchor in a file with no text (a part's title
    drawn as an image) is a section of its own, not the next file's."""
    files = {
        "part1.xhtml": page('<div id="p1"><img src="part1.png" alt=""/></div>'),
        "c1.xhtml": page("<h1>Chapter 1</h1><p>The hen sat.</p>"),
    }
    toc = [("part1.xhtml#p1", "Part One", [("c1.xhtml", "Chapter 1")])]
    assert titles(read(build(files, toc))) == ["Part One", "Chapter 1"]


# Notes


def test_indesigns_footnotes_without_a_type_are_not_read() -> None:
    """Given InDesign's footnotes as it writes them in an EPUB 2 (`<div class="_idFootnote">`,
    no epub:type): each was read at the end of its chapter."""
    body = (
        '<p class="Chapter-Title">One</p><p class="Body">The hen sat<a class="_idFootnoteLink '
        '_idGenColorInherit" href="Book-1.xhtml#footnote-000" id="footnote-000-backlink">1</a>.'
        '</p><div class="_idFootnotes"><div class="_idFootnote" id="footnote-000">'
        '<p class="Basic-Paragraph"><a class="_idFootnoteAnchor _idGenColorInherit" '
        'href="Book-1.xhtml#footnote-000-backlink">1</a>\tOn hens.</p></div></div>'
        '<div class="_idEndnotes"><div class="_idEndnote" id="endnote-000"><p class="Endnote">'
        '<a class="_idEndnoteAnchor" href="#endnote-000-backlink">1</a> On foxes.</p></div></div>'
    )
    book = read(build({"Book-1.xhtml": page(body)}, [("Book-1.xhtml", "One")]))
    assert heard(book) == [("One", "The hen sat.")]


GOOGLE_DOCS = (
    '<h1 class="c5" id="h.a"><span class="c3">One</span></h1><p class="c2"><span>The hen sat'
    '</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup><span>.</span></p>'
    '<hr class="c8"/><div><p class="c6"><a href="#ftnt_ref1" id="ftnt1">[1]</a>'
    '<span class="c7">&#160;A note on hens.</span></p></div>'
)
WORD = (
    '<h1>One</h1><p class="MsoNormal">The hen sat<a href="#_ftn1" name="_ftnref1" title="">'
    '<span class="MsoFootnoteReference"><span>[1]</span></span></a>.</p><div><hr/>'
    '<div id="ftn1"><p class="MsoFootnoteText"><a href="#_ftnref1" name="_ftn1" title="">'
    '<span class="MsoFootnoteReference"><span>[1]</span></span></a> A note on hens.</p></div></div>'
)
LIBREOFFICE = (
    '<h1>One</h1><p>The hen sat<a class="sdfootnoteanc" name="sdfootnote1anc" '
    'href="#sdfootnote1sym"><sup>1</sup></a>.</p><div id="sdfootnote1"><p class="sdfootnote">'
    '<a class="sdfootnotesym" name="sdfootnote1sym" href="#sdfootnote1anc">1</a>A note on hens.'
    "</p></div>"
)

# Calibre's MOBI conversions: the link back lands on an empty anchor beside the mark.
CALIBRE_NOTE = (
    '<h1>One</h1><p class="calibre4">The hen sat.<a id="filepos100"></a><a href="#filepos900">'
    '<sup class="calibre5">3</sup></a> She sat on.</p><p class="calibre6"><a id="filepos900">'
    '</a><a href="#filepos100">3</a> A note on hens.</p>'
)
CALIBRE_RAISED = CALIBRE_NOTE.replace(
    '<a id="filepos100"></a><a href="#filepos900"><sup class="calibre5">3</sup></a>',
    '<a id="filepos100"></a><sup><a href="#filepos900">[3]</a></sup>',
)


@pytest.mark.parametrize(
    "body",
    [GOOGLE_DOCS, WORD, LIBREOFFICE, CALIBRE_NOTE, CALIBRE_RAISED],
    ids=["gdocs", "word", "lo", "calibre", "calibre-sup"],
)
def test_notes_told_only_by_their_links_are_not_read(body: str) -> None:
    """Given Google Docs' EPUB and Word's and LibreOffice's HTML made EPUB: the notes,
    with no type or class of a note, were read at the end of the last chapter."""
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml", "One")]))
    said = [text.removesuffix("\n\n⁂") for _, text in heard(book)]
    assert said == ["The hen sat. She sat on." if "She sat on." in body else "The hen sat."]


def test_a_paragraph_opening_with_a_link_to_a_contents_entry_is_read() -> None:
    """A regression guard: a chapter's line opening with a number that links back to its
    contents entry (which links to it) is no note."""
    body = (
        '<p><a id="t1" href="#c1">1</a> Arrival</p>'
        '<h2 id="c0">Arrival</h2><p id="c1"><a href="#t1">1</a> The hen sat.</p>'
    )
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml#c0", "Arrival")]))
    assert "The hen sat." in book.sections[-1].body


@pytest.mark.parametrize(
    "files",
    [
        {
            "c.xhtml": page(
                '<h2 id="c1">One</h2><p>As in <a id="x" href="#c2">II</a>, foxes came.</p>'
                '<h2 id="c2"><a href="#x">II</a></h2><p>Foxes came.</p>'
            )
        },
        {
            "c1.xhtml": page('<h2>One</h2><p>See <a id="x" href="c2.xhtml#c2">II</a>, foxes.</p>'),
            "c2.xhtml": page('<p id="c2"><a href="c1.xhtml#x">II</a></p><p>Foxes came.</p>'),
        },
    ],
    ids=["same-file", "next-file"],
)
def test_a_link_to_a_chapter_whose_heading_links_back_is_no_note(files: dict[str, str]) -> None:
    """A regression guard: a chapter's cross-reference to another whose title links back to
    it is a pair as a note's is; the other chapter is read (a note is paired only in its
    mark's own file, and never holds a heading)."""
    paths = list(files)
    toc = [(f"{paths[0]}#c1" if len(paths) == 1 else paths[0], "One"), (f"{paths[-1]}#c2", "II")]
    assert "Foxes came." in read(build(files, toc)).sections[-1].body


# Scene breaks


def test_an_ornament_or_blank_space_scene_break_is_a_pause() -> None:
    """Given scene breaks drawn as an ornament (Vellum's "ornamental-break", InDesign's
    placed "ornament.png", an image whose alt is "* * *") or left as a blank line with
    a break's class: nothing marked them, and the scenes ran together."""
    body = (
        '<h1>One</h1><p>A.</p><div class="ornamental-break"><img alt="" src="../images/o.png"/>'
        '</div><p>B.</p><div class="_idGenObjectLayout-1"><img class="_idGenObjectAttribute-1" '
        'src="image/ornament.png" alt=""/></div><p>C.</p><p class="centered"><img alt="* * *" '
        'src="x.png"/></p><p>D.</p><p class="space-break">&#160;</p><p>E.</p>'
        '<p><img alt="A hen at dawn" src="hen.png"/></p><p>F.</p>'
    )
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml", "One")]))
    assert book.sections[0].body == "A.\n\n⁂\n\nB.\n\n⁂\n\nC.\n\n⁂\n\nD.\n\n⁂\n\nE.\n\nF."


def test_an_ornament_over_a_chapters_heading_leaves_it_the_title() -> None:
    """A regression guard: an ornament opening a chapter, over its heading, is no pause
    and leaves the heading its title."""
    body = '<div class="ornament"><img src="orn.png" alt=""/></div><h1>One</h1><p>A.</p>'
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml", "The First")]))
    assert heard(book) == [("One", "A.")]


# Regression guards: what books read right before these rules were added


def test_an_ornament_holding_a_toc_anchor_leaves_the_chapters_apart() -> None:
    """A regression guard: a TOC entry's anchor inside the ornament over a chapter's
    heading still starts the chapter; taken for a scene break, the ornament lost the
    anchor, and the chapter ran on in the one before it, its title lost."""
    body = (
        '<h2 id="c1">One</h2><p>A.</p>'
        '<div class="chapter-ornament"><a id="c2"></a><img src="orn.png" alt=""/></div>'
        "<h2>Two</h2><p>B.</p>"
    )
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml#c1", "One"), ("c.xhtml#c2", "Two")]))
    assert heard(book) == [("One", "A."), ("Two", "B.")]
    assert book.warnings == []


def test_a_heading_drawn_as_an_image_in_an_ornament_box_keeps_its_title() -> None:
    """A regression guard: a box named for an ornament that holds a heading drawn as an
    image is the heading, not a scene break; its alt text is the chapter's title."""
    body = (
        '<div class="title-ornament"><h2><img src="ornament-chapter1.png" alt="Chapter One"/>'
        "</h2></div><p>The hen sat.</p>"
    )
    files = {"c1.xhtml": page(body), "c2.xhtml": page("<h2>Two</h2><p>B.</p>")}
    book = read(build(files, [("c1.xhtml", "One"), ("c2.xhtml", "Two")]))
    assert heard(book) == [("Chapter One", "The hen sat."), ("Two", "B.")]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        (
            '<span class="Heading1Char">The Long </span><span class="Heading1Char">Goodbye</span>',
            "The Long Goodbye",
        ),
        (
            '<span class="chapter-title">The </span><span class="chapter-title"><em>Odyssey</em>'
            "</span>",
            "The Odyssey",
        ),
        (
            '<span class="title-initial">T</span><span class="title-rest">HE STORM</span>',
            "THE STORM",
        ),
        ('<span class="title-first">I</span><span class="title">N THE END</span>', "IN THE END"),
        ('<span class="title">Hen</span><span class="title">’s Day</span>', "Hen’s Day"),
        ('<span class="title">19</span><span class="title">43</span>', "1943"),
        (
            '<span class="chapter-label">Chapter</span><span class="chapter-number">1</span>: '
            "The Storm",
            "Chapter 1: The Storm",
        ),
        (
            '<span class="chapter-label">Chapter</span><span class="chapter-number">1</span>'
            "<br/>The Storm",
            "Chapter 1: The Storm",
        ),
    ],
    ids=["spaced", "spaced-em", "initial", "initial-roman", "apostrophe", "digits", "tail", "br"],
)
def test_heading_spans_that_run_on_as_one_title_are_read_as_written(
    heading: str, title: str
) -> None:
    """A regression guard: spans of a heading are its number and title run together only
    where a number meets a word; a space inside a span, an initial against the rest of its
    word, one number in two spans, and text after the spans are read as written (they were
    read "The Long: Goodbye", "T: HE STORM", "Chapter 19: 43", "Chapter 1")."""
    files = {"c.xhtml": page(f"<h1>{heading}</h1><p>x.</p>")}
    assert titles(read(build(files, [("c.xhtml", "Label")]))) == [title]


def test_a_label_word_over_a_title_in_a_heading_group_is_still_set_apart() -> None:
    """A regression guard: "Chapter" over "One" is "Chapter One", but "Book" over a title
    is "Book: The Return", as before."""
    files = {
        "a.xhtml": page("<hgroup><h1>Chapter</h1><h2>One</h2></hgroup><p>x.</p>"),
        "b.xhtml": page("<hgroup><h1>Book</h1><h2>The Return</h2></hgroup><p>y.</p>"),
    }
    book = read(build(files, [("a.xhtml", "A"), ("b.xhtml", "B")]))
    assert titles(book) == ["Chapter One", "Book: The Return"]


@pytest.mark.parametrize("toc", [True, False], ids=["toc", "no-toc"])
def test_a_chapter_number_heading_over_subsections_of_its_rank_stays_the_title(toc: bool) -> None:
    """A regression guard: a chapter's heading ("Chapter 1") over its first subsection's
    heading of the same rank, with more of them after it (or the TOC calling the chapter
    "Chapter 1"), is the title alone; "Morning" was taken into it."""
    files = {
        "c1.xhtml": page(
            "<h2>Chapter 1</h2><h2>Morning</h2><p>It rained.</p><h2>Evening</h2><p>Dry.</p>"
        ),
        "c2.xhtml": page("<h2>Part Two</h2><h2>The Storm</h2><p>Wind.</p>"),
    }
    entries = [("c1.xhtml", "Chapter 1"), ("c2.xhtml", "Part Two")]
    book = read(build(files, entries if toc else None))
    assert heard(book) == [
        ("Chapter 1", "Morning\n\nIt rained.\n\nEvening\n\nDry."),
        ("Part Two" if toc else "Part Two: The Storm", "The Storm\n\nWind." if toc else "Wind."),
    ]


def test_a_toc_anchor_closing_the_last_file_makes_no_empty_chapter() -> None:
    """A regression guard: an entry at an empty anchor closing the book's last file has no
    next file to start; it made a chapter of its label alone ("The End"), read aloud."""
    files = {"c.xhtml": page('<h2>One</h2><p>A.</p><a id="end"></a>')}
    book = read(build(files, [("c.xhtml", "One"), ("c.xhtml#end", "The End")]))
    assert heard(book) == [("One", "A.")]


def test_a_one_entry_toc_taken_for_calibres_keeps_its_label_for_an_untitled_first_file() -> None:
    """A regression guard: a story's one TOC entry over files with headings (an "About the
    Author" after it) is read as no TOC, but the story, with no heading of its own, keeps
    the entry's title; it lost it."""
    files = {
        "story.xhtml": page("<p>It began.</p><p>It ended.</p>"),
        "about.xhtml": page("<h1>About the Author</h1><p>She lives.</p>"),
        "also.xhtml": page("<h1>Also by Her</h1><p>Books.</p>"),
    }
    book = read(build(files, [("story.xhtml", "The Story")]))
    assert heard(book)[0] == ("The Story", "It began.\n\nIt ended.")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            '<p>For <a id="d1" href="#ack">Jane</a>.</p><p>Story.</p>'
            '<p id="ack">Thanks to <a href="#d1">Jane</a>, who knows.</p>',
            "For Jane.\n\nStory.\n\nThanks to Jane, who knows.",
        ),
        (
            '<p>The <a id="rg" href="#g1">cob</a> ran.</p><p>More.</p>'
            '<div><p id="g1"><a href="#rg">Cob</a>: a male swan.</p></div>',
            "The cob ran.\n\nMore.\n\nCob: a male swan.",
        ),
        (
            '<p>See <a id="r5" href="#f5">Fig. 5</a> for hens.</p><div class="fig"><figure '
            'id="f5"><img src="f.png" alt=""/><figcaption><a href="#r5">Figure 5</a>. A hen.'
            "</figcaption></figure></div>",
            "See Fig. 5 for hens.\n\nFigure 5. A hen.",
        ),
        (
            '<p>Chapter <a id="t2" href="#c2">II</a> comes next.</p><div id="c2"><p class="chap">'
            '<a href="#t2">CHAPTER II</a></p><p>Lots of text.</p></div>',
            "Chapter II comes next.\n\nCHAPTER II\n\nLots of text.",
        ),
    ],
    ids=["dedication", "glossary", "figure", "chapter"],
)
def test_a_word_linked_both_ways_is_no_notes_mark(body: str, text: str) -> None:
    """A regression guard: a link of words in a sentence to a place that links back (a
    name in a dedication and its thanks, a glossary's term, a figure's caption, a
    chapter's label) is no note's mark. Taken for one, the words were cut from their
    sentence and the place they link to (a whole chapter) was not read."""
    book = read(build({"c.xhtml": page(f"<h1>One</h1>{body}")}, [("c.xhtml", "One")]))
    assert heard(book) == [("One", text)]


# Calibre's split by size: a file of two chapters, the next running on from the second.
SPLIT_BY_SIZE = {
    "index_split_000.html": page("<h1>The Hens</h1><p>Ann Author</p>"),
    "index_split_001.html": page(
        "<h2>Chapter I</h2><p>The hen sat.</p><h2>Chapter II</h2><p>Foxes came.</p>"
    ),
    "index_split_002.html": page("<p>They ran.</p><h2>Chapter III</h2><p>Eggs.</p>"),
}


@pytest.mark.parametrize("toc", [None, [("index_split_000.html", "Start")]], ids=["none", "start"])
def test_chapters_split_by_size_across_files_are_told_by_their_headings(toc: Toc | None) -> None:
    """Given a converted book whose files are not its chapters, with no contents or
    Calibre's "Start" alone: the whole book was one chapter, or each file one (Chapter II
    inside Chapter I, Chapter III opening with Chapter II's end)."""
    book = read(build(SPLIT_BY_SIZE, toc, version=2))
    assert heard(book) == [
        ("Chapter I", "The hen sat."),
        ("Chapter II", "Foxes came.\n\nThey ran."),
        ("Chapter III", "Eggs."),
    ]
    assert [s.kind for s in book.sections if s.skip_reason] == ["titlepage"]


def test_parts_with_an_epigraph_in_a_book_split_by_size_are_parts_over_their_chapters() -> None:
    """Given the same, its parts' headings over an epigraph each: the epigraph stopped the
    parts being told, and each part was a chapter holding its chapters as text."""
    files = {
        "index_split_000.html": page(
            "<h1>Part One</h1><p>The sea is wide.</p><h2>Chapter I</h2><p>The hen sat.</p>"
            "<h2>Chapter II</h2><p>Foxes came.</p>"
        ),
        "index_split_001.html": page(
            "<p>They ran.</p><h1>Part Two</h1><p>And the land.</p><h2>Chapter III</h2><p>Eggs.</p>"
        ),
    }
    book = read(build(files, None, version=2))
    assert [(s.title, s.kind) for s in book.sections] == [
        ("Part One", "part"),
        ("Chapter I", "chapter"),
        ("Chapter II", "chapter"),
        ("Part Two", "part"),
        ("Chapter III", "chapter"),
    ]
    assert heard(book)[2] == ("Chapter II", "Foxes came.\n\nThey ran.")


def test_page_numbers_and_running_heads_a_pdf_converter_left_are_not_read() -> None:
    """Given a book converted from a PDF: each printed page's number and running head (the
    title, the author) left as paragraphs inside the chapters. They were read ("...into
    the / 12 / THE HENS / yard"), and the paragraph the page cut paused mid-sentence."""

    def furniture(number: int, head: str) -> str:
        return f'<p class="calibre5">{number}</p><p class="calibre6">{head}</p>'

    files = {
        "one.xhtml": page(
            "<h1>One</h1><p>The hen walked into the</p>"
            + furniture(12, "THE HENS")
            + "<p>yard at dawn.</p><p>She sat.</p>"
            + furniture(13, "A. FARMER")
        ),
        "two.xhtml": page(
            "<h1>Two</h1><p>Foxes came.</p>" + furniture(14, "THE HENS") + "<p>Ran.</p>"
        ),
    }
    book = read(build(files, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert heard(book) == [
        ("One", "The hen walked into the yard at dawn.\n\nShe sat."),
        ("Two", "Foxes came.\n\nRan."),
    ]


def test_a_word_a_page_cut_is_made_whole_where_the_book_prints_it_whole() -> None:
    """Given a book converted from a PDF whose pages cut words, the hyphen lost or kept
    ("mid" / 12 / THE HENS / "dle"): read "mid dle", two words. Only where the book prints
    the whole word elsewhere and the cut's second piece nowhere else but at a cut: "the" /
    "yard" and "farm" / "yard" (in a book that says "yard" and "farmyard") stay two words,
    and so does a word the book prints nowhere whole ("hap-" / "pily")."""

    def pages(page_number: int, *paragraphs: str) -> str:
        """The paragraphs, a page's number and running head between each two."""
        numbers = range(page_number, page_number + len(paragraphs) - 1)
        breaks = [f'<p class="calibre5">{n}</p><p>THE HENS</p>' for n in numbers]
        return "".join(f"{b}<p>{p}</p>" for b, p in zip(["", *breaks], paragraphs, strict=True))

    files = {
        "one.xhtml": page(
            "<h1>One</h1>"
            + pages(12, "The hen stood in the mid", "dle of the farm", "yard, by the", "yard gate.")
        ),
        "two.xhtml": page(
            "<h1>Two</h1><p>In the middle of the farmyard, the well-known hen sat in the yard.</p>"
            + pages(15, "Ever so well-", "known, in the mid-", "dle of the nest, hap-", "pily so.")
        ),
    }
    book = read(build(files, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert heard(book) == [
        ("One", "The hen stood in the middle of the farm yard, by the yard gate."),
        (
            "Two",
            "In the middle of the farmyard, the well-known hen sat in the yard.\n\n"
            "Ever so well-known, in the middle of the nest, hap- pily so.",
        ),
    ]


def test_a_chapters_numbered_sections_are_read() -> None:
    """A regression guard: section numbers set as paragraphs come again in each chapter,
    as no page's number does, and are read."""
    files = {
        f"c{n}.xhtml": page(f"<h1>{n}</h1><p>1</p><p>Eggs.</p><p>2</p><p>Hens.</p>")
        for n in ("One", "Two")
    }
    book = read(build(files, [(path, path) for path in files]))
    assert heard(book) == [("One", "1\n\nEggs.\n\n2\n\nHens."), ("Two", "1\n\nEggs.\n\n2\n\nHens.")]


def test_notes_set_after_the_last_chapters_text_in_its_file_are_not_read() -> None:
    """Given Calibre's layout: "NOTES" and the notes after the last chapter's text in its
    file, their links back into another file, no TOC entry for them. The notes were read
    as the end of the last chapter. A last chapter whose closing line is "Notes" over
    prose keeps it."""
    notes = (
        '<p class="calibre3">NOTES</p><p class="calibre4"><a id="n1"></a>'
        '<a href="one.xhtml#m1">1</a>. On foxes.</p><p class="calibre4"><a href="one.xhtml#m2">'
        "2</a>. On hens.</p>"
    )
    files = {
        "one.xhtml": page(
            '<h1>One</h1><p>The hen sat.<a id="m1" href="two.xhtml#n1"><sup>1</sup></a></p>'
        ),
        "two.xhtml": page("<h1>Two</h1><p>Foxes came.</p><p>THE END</p>" + notes),
    }
    book = read(build(files, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert heard(book) == [("One", "The hen sat."), ("Two", "Foxes came.\n\nTHE END")]
    assert [(s.title, s.kind) for s in book.sections if s.skip_reason] == [("NOTES", "endnotes")]
    prose = page("<h1>Two</h1><p>Foxes came.</p><p>Notes</p><p>She kept them all.</p>")
    book = read(build({**files, "two.xhtml": prose}, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert heard(book)[-1] == ("Two", "Foxes came.\n\nNotes\n\nShe kept them all.")


def test_chapter_labels_set_as_paragraphs_inside_files_split_a_book_without_contents() -> None:
    """Given a converted book with no headings and no contents: its chapters' labels are
    paragraphs, two in one file, the next file running on. Chapter II was inside Chapter
    I. A contents page typed as paragraphs of labels stays one page."""
    label = '<p class="calibre3">{}</p>'
    files = {
        "index_split_000.html": page(
            '<p class="calibre1">CONTENTS</p><p>Chapter I</p><p>Chapter II</p><p>Chapter III</p>'
        ),
        "index_split_001.html": page(
            label.format("CHAPTER I")
            + "<p>The hen sat.</p>"
            + label.format("CHAPTER II")
            + "<p>Foxes came.</p>"
        ),
        "index_split_002.html": page(
            "<p>They ran.</p>" + label.format("CHAPTER III") + "<p>Eggs.</p>"
        ),
    }
    book = read(build(files, None, version=2))
    assert heard(book) == [
        ("CHAPTER I", "The hen sat."),
        ("CHAPTER II", "Foxes came.\n\nThey ran."),
        ("CHAPTER III", "Eggs."),
    ]
    assert [(s.title, s.kind) for s in book.sections if s.skip_reason] == [("CONTENTS", "toc")]


def test_a_chapter_title_paragraph_under_its_label_paragraph_joins_it_as_the_title() -> None:
    """Given a converted book with no headings and no contents: each chapter's label and
    title are paragraphs ("CHAPTER I" over "THE HARBOUR"), mid-file and at a file's top.
    The title line was read as the chapter's first line of text, the chapter titled
    "CHAPTER I" alone. A label over a line of prose keeps the prose its text."""
    label = '<p class="calibre3">{}</p>'
    files = {
        "index_split_000.html": page(
            label.format("CHAPTER I")
            + label.format("THE HARBOUR")
            + "<p>The hen sat.</p>"
            + label.format("CHAPTER II")
            + label.format("A Letter with a Postscript")
            + "<p>Foxes came.</p>"
        ),
        "index_split_001.html": page(
            "<p>They ran.</p>"
            + label.format("CHAPTER III")
            + "<p>Eggs were laid</p>"
            + label.format("CHAPTER IV")
            + label.format("THE END OF ALL THINGS")
            + "<p>Dawn.</p>"
        ),
    }
    book = read(build(files, None, version=2))
    assert heard(book) == [
        ("CHAPTER I: THE HARBOUR", "The hen sat."),
        ("CHAPTER II: A Letter with a Postscript", "Foxes came.\n\nThey ran."),
        ("CHAPTER III", "Eggs were laid"),
        ("CHAPTER IV: THE END OF ALL THINGS", "Dawn."),
    ]


# Files as old tools and hands leave them


def retyped(epub: bytes, media_type: str) -> bytes:
    """The EPUB with its second spine file declared as `media_type` in the manifest."""
    old = zipfile.ZipFile(io.BytesIO(epub))
    members = {name: old.read(name) for name in old.namelist()}
    opf = members["OEBPS/content.opf"].decode()
    members["OEBPS/content.opf"] = opf.replace(
        'id="f1" href="c2.xhtml" media-type="application/xhtml+xml"',
        f'id="f1" href="c2.xhtml" media-type="{media_type}"',
    ).encode()
    return zipped(members)


@pytest.mark.parametrize(
    "media_type",
    ["application/xhtml+xml; charset=utf-8", "APPLICATION/XHTML+XML", "text/x-oeb1-document"],
)
def test_a_chapter_declared_with_an_old_or_careless_media_type_is_read(media_type: str) -> None:
    """Given a chapter the manifest types with a charset, in capitals or as OEB 1's
    document, as old tools write it: the chapter was dropped without a word."""
    files = {"c1.xhtml": page("<h1>One</h1><p>The hen sat.</p>")}
    files["c2.xhtml"] = page("<h1>Two</h1><p>Foxes came.</p>")
    book = read(retyped(build(files, [("c1.xhtml", "One"), ("c2.xhtml", "Two")]), media_type))
    assert heard(book) == [("One", "The hen sat."), ("Two", "Foxes came.")]


def test_a_chapter_of_html_that_is_not_well_formed_xml_is_read_as_html() -> None:
    """Given one chapter written as HTML (uppercase tags, <P> and <br> left open, &nbsp;
    and a bare "&"): the whole book was refused as not well-formed XML, where reading
    systems show it."""
    html = (
        "<HTML><BODY><H1>Two</H1><P>Foxes&nbsp;came &amp; went.<br>Fish & chips."
        "<P>They ran.</BODY></HTML>"
    )
    files = {"c1.xhtml": page("<h1>One</h1><p>The hen sat.</p>"), "c2.xhtml": html}
    book = read(build(files, [("c1.xhtml", "One"), ("c2.xhtml", "Two")], version=2))
    assert heard(book) == [
        ("One", "The hen sat."),
        ("Two", "Foxes came & went. Fish & chips.\n\nThey ran."),
    ]
    assert book.warnings == ["OEBPS/c2.xhtml is not well-formed XHTML; read as HTML"]


def test_a_chapter_of_html_declaring_entities_is_still_refused() -> None:
    """Not well-formed XML goes to the HTML parser; one that declares entities (an
    expansion bomb, with an unclosed <br> so the XML parse fails too) is refused first."""
    bomb = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<HTML><BODY><P>&b;<br></BODY></HTML>"
    )
    files = {"c1.xhtml": page("<h1>One</h1><p>The hen sat.</p>"), "c2.xhtml": bomb}
    with pytest.raises(ManuscriptError, match=r"OEBPS/c2\.xhtml: declares XML entities"):
        read(build(files, [("c1.xhtml", "One"), ("c2.xhtml", "Two")]))


def test_a_chapter_read_as_html_keeps_the_html_readers_limits() -> None:
    """A spine file that is no XML goes to the HTML parser, whose time grows faster than
    the square of a tag's attributes: such a file is refused before it is parsed, and
    tags nested past the parser's depth are refused, not read short."""
    wide = "<HTML><BODY><P " + " ".join(f"a{i}=x" for i in range(100_000)) + ">Hi &</BODY>"
    deep = "<HTML><BODY>" + "<FONT><P>Hi &" * 300 + "</BODY></HTML>"
    for chapter, reason in ((wide, "more than 1,000 attributes"), (deep, "nested more than 256")):
        files = {"c1.xhtml": page("<h1>One</h1><p>The hen sat.</p>"), "c2.xhtml": chapter}
        with pytest.raises(ManuscriptError, match=f"OEBPS/c2.xhtml: .*{reason}"):
            read(build(files, [("c1.xhtml", "One"), ("c2.xhtml", "Two")]))


def test_a_chapter_calibre_split_by_size_runs_on_without_a_toc() -> None:
    """Given Calibre's conversion with no contents (its "Start" entry) of chapters each
    split in two by size (`ch1_split_000`, `ch1_split_001`): each second piece was an
    untitled chapter cut out of its own."""
    files = {
        "ch1_split_000.xhtml": page('<h2 class="calibre5">Chapter 1</h2><p>The hen sat.</p>'),
        "ch1_split_001.xhtml": page('<p class="calibre1">She waited.</p>'),
        "ch2_split_000.xhtml": page('<h2 class="calibre5">Chapter 2</h2><p>Foxes came.</p>'),
        "ch2_split_001.xhtml": page('<p class="calibre1">They ran.</p>'),
        "ch3_split_000.xhtml": page('<h2 class="calibre5">Chapter 3</h2><p>Dawn.</p>'),
    }
    book = read(build(files, [("ch1_split_000.xhtml", "Start")], version=2))
    assert heard(book) == [
        ("Chapter 1", "The hen sat.\n\nShe waited."),
        ("Chapter 2", "Foxes came.\n\nThey ran."),
        ("Chapter 3", "Dawn."),
    ]


def test_without_a_toc_a_title_page_and_contents_after_a_cover_are_not_read() -> None:
    """Given a converter's book with no table of contents and generic file names: a cover's
    image, a title page, a contents page set as paragraphs, the chapters, a copyright page.
    The cover (no text) was taken for the first chapter, so the title page and "CONTENTS"
    after it were read as chapters."""
    files = {
        "part0000.xhtml": page('<div class="calibre1"><img src="cover.jpg" alt=""/></div>'),
        "part0001.xhtml": page('<p class="calibre3">THE HENS</p><p class="calibre4">A. Farmer</p>'),
        "part0002.xhtml": page(
            '<p class="calibre5">CONTENTS</p><p><a href="part0003.xhtml">Chapter 1</a></p>'
            '<p><a href="part0004.xhtml">Chapter 2</a></p>'
        ),
        "part0003.xhtml": page('<h1 class="calibre7">Chapter 1</h1><p>The hen sat.</p>'),
        "part0004.xhtml": page('<h1 class="calibre7">Chapter 2</h1><p>Foxes came.</p>'),
        "part0005.xhtml": page("<p>Copyright © 2020 A. Farmer</p><p>All rights reserved.</p>"),
    }
    book = read(build(files, None, version=2))
    assert titles(book) == ["Chapter 1", "Chapter 2"]
    skipped = {s.kind for s in book.sections if s.skip_reason}
    assert {"titlepage", "toc", "copyright-page"} <= skipped
