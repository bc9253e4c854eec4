"""The single-file HTML reader: chapters from headings, the page's chrome and Project
Gutenberg's boilerplate left out, the title page not narrated by default."""

import re
import time
from pathlib import Path

import pytest

from config.errors import ManuscriptError
from producer.readers import Reading, html, read_book, read_manuscript, sniff
from producer.readers.book import Book, select


def page(body: str, head: str = "<title>The Hens</title>") -> bytes:
    return f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>".encode()


def read(body: str, head: str = "<title>The Hens</title>") -> Book:
    return html.read(page(body, head), "b.html")


BOOK = """
<h1>The Hens</h1><p>by A. Farmer</p>
<h2>Chapter 1</h2><p>Eggs were laid.</p><h3>A scene</h3><p>More eggs.</p>
<h2>Chapter 2</h2><p>Foxes came.</p>
"""


def test_a_lone_h1_is_the_title_and_h2_headings_are_chapters() -> None:
    book = read(BOOK, head="")
    assert book.metadata.title == "The Hens"
    chapters = select(book, "b.html").chapters
    assert [c.title for c in chapters] == ["Chapter 1", "Chapter 2"]
    assert chapters[0].text == "Chapter 1\n\nEggs were laid.\n\nA scene\n\nMore eggs."


def test_a_lone_h1_over_one_h2_is_the_title_over_one_chapter() -> None:
    """No level repeats: a title right over the one chapter's heading is still the book's
    title (it was the chapter, and the h2 "One" read as its text); with text between them
    the h1 is the chapter and the h2 a heading inside it."""
    book = read("<h1>The Hens</h1><h2>One</h2><p>Eggs were laid.</p>", head="")
    assert book.metadata.title == "The Hens"
    assert [(c.title, c.text) for c in select(book, "b.html").chapters] == [
        ("One", "One\n\nEggs were laid.")
    ]
    inside = read("<h1>One</h1><p>Eggs.</p><h2>A scene</h2><p>More.</p>", head="")
    assert inside.metadata.title == ""
    assert [c.title for c in select(inside, "b.html").chapters] == ["One"]


def test_parts_over_chapters_are_parts_and_each_chapter_is_one() -> None:
    """<h1>Part One</h1> straight over <h2>Chapter 1</h2>: the parts were the chapters, each
    holding its chapters as text; now each chapter is one, each part a section of its own."""
    book = read(
        "<h1>Part One</h1><h2>Chapter 1</h2><p>Quiet.</p><h2>Chapter 2</h2><p>Onions.</p>"
        "<h1>Part Two</h1><h2>Chapter 3</h2><p>Rain.</p>"
    )
    assert [(c.title, c.kind, c.text) for c in select(book, "b.html").chapters] == [
        ("Part One", "part", "Part One"),
        ("Chapter 1", "chapter", "Chapter 1\n\nQuiet."),
        ("Chapter 2", "chapter", "Chapter 2\n\nOnions."),
        ("Part Two", "part", "Part Two"),
        ("Chapter 3", "chapter", "Chapter 3\n\nRain."),
    ]


def test_a_part_named_so_over_its_epigraph_is_still_a_part() -> None:
    book = read(
        "<h1>Part One</h1><blockquote><p>The sea is wide.</p><p>A sailor</p></blockquote>"
        "<h2>Chapter 1</h2><p>Quiet.</p><h2>Chapter 2</h2><p>Onions.</p>"
        "<h1>Part Two</h1><h2>Chapter 3</h2><p>Rain.</p>"
    )
    assert [(c.title, c.kind) for c in select(book, "b.html").chapters] == [
        ("Part One", "part"),
        ("Chapter 1", "chapter"),
        ("Chapter 2", "chapter"),
        ("Part Two", "part"),
        ("Chapter 3", "chapter"),
    ]
    assert "The sea is wide." in select(book, "b.html").chapters[0].text
    # Headings that name no part, each over a paragraph and a subheading, are the chapters.
    book = read("<h1>One</h1><p>a.</p><h2>A</h2><p>b.</p><h1>Two</h1><p>c.</p><h2>B</h2><p>d.</p>")
    assert [s.title for s in book.sections] == ["One", "Two"]


def test_h1_chapters_when_h1_repeats() -> None:
    book = read("<h1>One</h1><p>a.</p><h1>Two</h1><p>b.</p><h2>Part</h2><p>c.</p>")
    assert [s.title for s in book.sections] == ["One", "Two"]
    assert book.sections[1].body == "b.\n\nPart\n\nc."


def test_the_title_page_before_the_first_chapter_is_skipped_unless_included() -> None:
    book = read(BOOK)
    titlepage = book.sections[0]
    assert (titlepage.kind, titlepage.skip_reason) == ("titlepage", "front matter (titlepage)")
    assert select(book, "b.html").skipped[0].kind == "titlepage"
    included = select(book, "b.html", include=["titlepage"]).chapters[0]
    assert included.text == "The Hens\n\nby A. Farmer"


def test_an_untitled_opening_that_is_no_title_page_is_narrated() -> None:
    book = read("<p>It was dark.</p><h2>One</h2><p>a.</p><h2>Two</h2><p>b.</p>")
    assert select(book, "b.html").chapters[0].text == "It was dark."


def test_scripts_styles_navigation_and_site_chrome_are_not_read() -> None:
    body = """
    <header><a href="/">My Site</a> | Home</header><nav><a href="#c1">Contents</a></nav>
    <div role="banner">Banner</div>
    <article><header><h2>Chapter 1</h2></header><p>Eggs.<script>alert('x')</script></p>
    <style>p { color: red }</style><noscript>Enable JavaScript</noscript></article>
    <article><h2>Chapter 2</h2><p>Foxes.</p></article>
    <footer>© 2024 My Site</footer>
    """
    chapters = select(read(body), "b.html").chapters
    assert [c.text for c in chapters] == ["Chapter 1\n\nEggs.", "Chapter 2\n\nFoxes."]


GUTENBERG = """
<h2><a href="#start">The Hens, by A. Farmer</a></h2>
<pre>The Project Gutenberg eBook, The Hens
***START OF THE PROJECT GUTENBERG EBOOK THE HENS***</pre>
<section class="pg-boilerplate pgheader" id="pg-header"><p>Licence words.</p></section>
<h1>THE HENS</h1>
<h2>CHAPTER I: EGGS</h2><p>Eggs were laid.</p>
<h2>CHAPTER II: FOXES</h2><p>Foxes came.</p>
<p>*** END OF THE PROJECT GUTENBERG EBOOK THE HENS ***</p>
<pre>More licence.</pre><h2>Section 1. General Terms of Use</h2><p>Terms.</p>
<section id="pg-footer"><p>Footer.</p></section>
"""


def test_project_gutenberg_boilerplate_is_dropped() -> None:
    book = read(
        GUTENBERG, head="<title>The Project Gutenberg eBook of The Hens, by A. Farmer</title>"
    )
    chapters = select(book, "b.html").chapters
    assert [c.title for c in chapters] == ["CHAPTER I: EGGS", "CHAPTER II: FOXES"]
    assert chapters[1].text == "CHAPTER II: FOXES\n\nFoxes came."
    text = " ".join(s.title + s.body for s in book.sections)
    assert "Licence" not in text and "Terms" not in text and "Gutenberg" not in text
    assert (book.metadata.title, book.metadata.authors) == ("The Hens", ["A. Farmer"])


def test_a_book_that_speaks_of_the_end_of_project_gutenberg_is_read_whole() -> None:
    """Given a history of e-books: "the end of Project Gutenberg's first decade" was taken
    for the licence's first line, and the book was cut there (chapters 2 and 3 lost). In a
    Gutenberg e-text the line "End of the Project Gutenberg EBook of ..." still starts the
    licence."""
    history = (
        "<h2>Chapter 1. Beginnings</h2><p>Michael Hart typed the Declaration.</p>"
        "<h2>Chapter 2. Growth</h2><p>By the end of Project Gutenberg's first decade there "
        "were ten books.</p><p>End of Project Gutenberg's quiet years came in 1991.</p>"
        "<h2>Chapter 3. Today</h2><p>Seventy thousand books.</p>"
    )
    chapters = select(read(history), "b.html").chapters
    assert [c.title for c in chapters] == [
        "Chapter 1. Beginnings",
        "Chapter 2. Growth",
        "Chapter 3. Today",
    ]
    assert "End of Project Gutenberg's quiet years came in 1991." in chapters[1].text
    closing = GUTENBERG.replace(
        "<p>*** END",
        "<p>End of the Project Gutenberg EBook of The Hens</p><p>More words.</p><p>*** END",
    )
    chapters = select(read(closing), "b.html").chapters
    assert chapters[-1].text == "CHAPTER II: FOXES\n\nFoxes came."


# Older Project Gutenberg HTML: the header in a <pre> ending with the START line, the
# producer's credit under it as a paragraph of its own (News from Nowhere's, #3261).
OLDER_GUTENBERG = """
<h2><a href="#startoftext">The Hens, by A. Farmer</a></h2>
<pre>The Project Gutenberg eBook, The Hens, by A. Farmer
Title: The Hens
***START OF THE PROJECT GUTENBERG EBOOK THE HENS***
</pre>
<p><a name="startoftext"></a></p>
{credit}
<p>To my hens, who laid.</p>
<h2>CHAPTER I: EGGS</h2><p>Eggs were laid.</p>
<h2>CHAPTER II: FOXES</h2><p>Foxes came.</p>
<p>*** END OF THE PROJECT GUTENBERG EBOOK THE HENS ***</p>
"""
CREDITS = [
    "<p>Transcribed from the 1908 Longmans, Green, and Co. edition by\nDavid Price, email "
    "ccx074@pglaf.org</p>",
    "<p>Produced by A. Volunteer and<br/>the Online Distributed Proofreading Team.</p>"
    "<p>E-text prepared by B. Helper</p>",
]


@pytest.mark.parametrize("credit", CREDITS)
def test_the_e_texts_credit_under_the_start_line_is_not_narrated(credit: str) -> None:
    """Given the producer's credit under the START line: it was narrated as the book's first
    words, where the EPUB reader takes it for the header's. The opening after it is read as
    it was."""
    chapters = select(read(OLDER_GUTENBERG.format(credit=credit)), "b.html").chapters
    assert [c.text for c in chapters][:2] == [
        "To my hens, who laid.",
        "CHAPTER I: EGGS\n\nEggs were laid.",
    ]
    # so too under a START line that closes a header of its own, as in newer files
    marked = (
        '<section class="pg-boilerplate pgheader" id="pg-header"><p>Title: The Hens</p>'
        "<div id='pg-start-separator'><span>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS"
        f" ***</span></div></section>{credit}<p>To my hens, who laid.</p>"
        "<h2>Chapter 1</h2><p>Eggs.</p><h2>Chapter 2</h2><p>Foxes.</p>"
    )
    assert select(read(marked), "b.html").chapters[0].text == "To my hens, who laid."


def test_a_paragraph_opening_as_a_credit_does_is_the_books_without_the_start_line() -> None:
    opening = "<p>Produced by hens, the eggs were many.</p><h2>One</h2><p>a.</p><h2>Two</h2>"
    chapters = select(read(opening + "<p>b.</p>"), "b.html").chapters
    assert chapters[0].text == "Produced by hens, the eggs were many."


def test_a_gutenberg_header_gives_the_author_and_language_the_head_does_not() -> None:
    """Its release date is the e-text's, not the book's: no date (`published`)."""
    header = (
        "<pre>The Project Gutenberg eBook, The Hens, by A. Farmer\n\nTitle: The Hens\n\n"
        "Author: A. Farmer\n\nRelease Date: May 8, 2007 [eBook #3261]\n\n"
        "Language: English\n\n***START OF THE PROJECT GUTENBERG EBOOK THE HENS***</pre>"
    )
    html_page = f"<html><head><title>The Hens</title></head><body>{header}{BOOK}</body></html>"
    book = html.read(html_page.encode(), "b.html")
    metadata = book.metadata
    assert (metadata.title, metadata.authors) == ("The Hens", ["A. Farmer"])
    assert (metadata.language, metadata.date) == ("en", "")
    assert "Release Date" not in " ".join(s.body for s in book.sections)


def test_a_footnotes_heading_is_back_matter_and_references_leave_the_sentence() -> None:
    body = """<h2>One</h2>
    <p>A dressed <a name="c1"></a><a href="#f1" class="citation">[1]</a> crowd<a href="#f2">*</a>.
    </p>
    <h2>Two</h2><p>b.</p>
    <h2>FOOTNOTES:</h2><p><a href="#c1" class="footnote">[1]</a>&nbsp; Elegant, I mean.</p>"""
    book = read(body)
    assert book.sections[0].body == "A dressed crowd."
    notes = book.sections[-1]
    assert (notes.kind, notes.skip_reason) == ("footnotes", "back matter (footnotes)")
    assert notes.body == "Elegant, I mean."


def test_gutenbergs_footnote_blocks_are_not_read_inline() -> None:
    """Given Project Gutenberg's footnotes: a <div class="footnote"> after its paragraph, and
    a <div class="footnotes"> at the chapter's end. Read, each interrupted the story."""
    body = """<h2>CHAPTER I.</h2>
    <p>Eggs were laid<a id="FNanchor_1" href="#Footnote_1" class="fnanchor">[1]</a> in the
    barn.<span class="pagenum"><a id="Page_2">[Pg 2]</a></span> The hens sat.</p>
    <div class="footnote"><p><a id="Footnote_1" href="#FNanchor_1"><span class="label">[1]</span>
    </a> A note about eggs.</p></div><p>Night fell.</p>
    <h2>CHAPTER II.</h2><p>Foxes came.<a href="#Footnote_2" class="fnanchor">[2]</a></p>
    <div class="footnotes"><h3>FOOTNOTES:</h3><div class="footnote"><p>
    <a id="Footnote_2" href="#FNanchor_2"><span class="label">[2]</span></a> Foxes.</p>
    </div></div>"""
    book = read(body)
    assert [(s.title, s.body) for s in book.sections] == [
        ("CHAPTER I.", "Eggs were laid in the barn. The hens sat.\n\nNight fell."),
        ("CHAPTER II.", "Foxes came."),
    ]


def test_an_abbreviations_raised_ending_is_read_with_it() -> None:
    """Given "M<sup>r</sup> Hale", old type's raised endings: read "M Hale", the raised
    letter taken for a note's mark. A letter raised after a word, or after "I", still is."""
    body = """<h2>One</h2>
    <p>M<sup>r</sup> Hale and D<sup>r</sup> Morrow met at N<sup>o</sup> 7; the claim<sup>a</sup>
    held, as I<sup>b</sup> said.</p>"""
    assert read(body).sections[0].body == (
        "Mr Hale and Dr Morrow met at No 7; the claim held, as I said."
    )


def test_a_superscript_note_mark_without_a_link_is_not_read_and_an_exponent_is() -> None:
    body = """<h2>One</h2>
    <p>The river ran fast.<sup>1</sup> The claim<sup>12</sup> held, and <em>Louis</em><sup>*</sup>
    came; “no.”<sup>[3]</sup> So it<sup>1</sup> was, as I told him to<sup>2</sup>, in
    1905<sup>7</sup>, on page 5<sup>3</sup>.</p>
    <p>It is mc<sup>2</sup>, 40 km<sup>2</sup>, 10<sup>6</sup> or 3 × 10<sup>-3</sup> m, the
    2<sup>nd</sup> day, and x<sup>2</sup>; then <sup>4</sup> alone.</p>"""
    first, second = read(body).sections[0].body.split("\n\n")
    assert first == (
        "The river ran fast. The claim held, and Louis came; “no.” So it was, as I told him to,"
        " in 1905, on page 5."
    )
    assert second == "It is mc², 40 km², 10⁶ or 3 × 10⁻³ m, the 2nd day, and x²; then 4 alone."


@pytest.mark.parametrize(
    "data",
    [
        b"<html></html>",
        b"<!-- x --><html><!-- y --></html>",
    ],
)
def test_html_without_text_is_refused_in_one_line(data: bytes) -> None:
    with pytest.raises(ManuscriptError, match=r"b\.html: no text to read in the HTML"):
        html.read(data, "b.html")


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 100_000 + "Hi." + "</div>" * 100_000,
        # an old page's <font>s never closed: libxml2 stops at the 256th and drops the rest
        "".join(f"<h2>Chapter {i}</h2><font><p>The text of chapter {i}." for i in range(1, 301)),
    ],
)
def test_tags_nested_past_the_parsers_depth_are_refused_not_read_short(body: str) -> None:
    with pytest.raises(ManuscriptError, match=r"b\.html: line 1: tags nested more than 256 deep"):
        html.read(page(body), "b.html")


def test_headings_and_paragraphs_inside_inline_tags_stay_apart() -> None:
    """A heading in a link (`<a name="c1"><h2>…</h2></a>`, an old page's anchor) is a
    heading, and paragraphs inside a <font> left open are paragraphs: not one run of text."""
    linked = read(
        "<a name='c1'><h2>The Storm</h2></a><p>Rain fell.</p>"
        "<a name='c2'><h2>The Calm</h2></a><p>The sun came out.</p>"
    )
    chapters = select(linked, "b.html").chapters
    assert [c.title for c in chapters] == ["The Storm", "The Calm"]
    assert chapters[1].text == "The Calm\n\nThe sun came out."
    fonts = read("".join(f"<h2>Chapter {i}</h2><font><p>Eggs {i}.<p>Hens {i}." for i in (1, 2, 3)))
    chapters = select(fonts, "b.html").chapters
    assert [c.title for c in chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert chapters[2].text == "Chapter 3\n\nEggs 3.\n\nHens 3."


def test_a_tag_of_a_hundred_thousand_attributes_is_refused_before_parsing() -> None:
    tag = "<p " + " ".join(f"a{i}='x'" for i in range(100_000)) + ">Hi.</p>"
    with pytest.raises(ManuscriptError, match="more than 1,000 attributes"):
        html.read(page(tag), "b.html")
    assert read("<h2>One</h2><p " + "x='1' " * 50 + ">Fifty is fine.</p>").sections
    boolean = "<p " + " ".join(f"a{i}" for i in range(2_000)) + ">Hi.</p>"
    with pytest.raises(ManuscriptError, match="more than 1,000 attributes"):
        html.read(page(boolean), "b.html")


@pytest.mark.parametrize(
    "legit",
    [
        "<!-- an earlier draft: " + "word " * 1_200 + "-->",
        '<svg><path d="M 0 0 ' + "L 1 1 " * 600 + '"/></svg>',
        "<script>if (a<b) {" + "x = 1; " * 1_200 + "}</script>",
        "<p>if a < b then " + "word " * 1_200 + "</p>",
    ],
    ids=["comment", "svg-path", "script", "a-less-than-in-prose"],
)
def test_many_words_that_are_no_attributes_are_read(legit: str) -> None:
    book = read(f"<h2>One</h2>{legit}<p>Hello there.</p>")
    assert book.sections[0].body.endswith("Hello there.")


def test_control_characters_are_not_read() -> None:
    book = read("<h2>One</h2><p>Hello\x00 world\x01\x02.</p>")
    chapter = select(book, "b.html").chapters[0]
    assert chapter.text == "One\n\nHello world."


def test_windows_1252_quotes_in_a_latin1_page_are_read_as_quotes() -> None:
    data = b'<html><head><meta charset="iso-8859-1"></head><body><h2>One</h2>'
    book = html.read(data + b"<p>I don\x92t know\x85</p></body></html>", "b.html")
    assert select(book, "b.html").chapters[0].text == "One\n\nI don\u2019t know\u2026"


def test_metadata_from_meta_tags_and_the_lang_attribute() -> None:
    head = "<title>The Hens</title><meta name='author' content='A. Farmer'>"
    book = read(BOOK, head=head)
    assert book.metadata.authors == ["A. Farmer"]
    assert book.metadata.language == "en"


def test_poem_class_keeps_lines_and_tables_are_reported() -> None:
    body = """<h2>One</h2><div class="poem"><p>Roses are red,<br/>violets blue.</p></div>
    <table><tr><td>1</td><td>2</td></tr></table><p>After.</p><h2>Two</h2><p>b.</p>"""
    book = read(body)
    assert book.sections[0].body == "Roses are red,\nviolets blue.\n\nAfter."
    assert book.warnings == ["chapter 'One': a table was skipped"]


def test_a_quotation_broken_into_lines_keeps_them_and_prose_does_not() -> None:
    body = (
        "<h2>One</h2><p>the poet:</p><blockquote><p>&lsquo;For this the Gods have fashioned\n"
        "man&rsquo;s grief and evil day<br />\nThat still for man hereafter might be the tale"
        " and the\nlay.&rsquo;</p></blockquote><p>A prose<br/>line.</p>"
    )
    assert read(body).sections[0].body == (
        "the poet:\n\n‘For this the Gods have fashioned man’s grief and evil day\n"
        "That still for man hereafter might be the tale and the lay.’\n\nA prose line."
    )


def test_short_lines_set_by_brs_in_a_plain_paragraph_stay_lines_and_prose_runs_on() -> None:
    """Given verse and an address a converter left in plain paragraphs (Calibre drops the
    poem's class), and prose broken for the page: the verse ran together with no pause at
    any line; three short lines or more keep their lines, longer ones run on as prose."""
    verse = "<p>Roses are red,<br/>Violets are blue,<br/>Sugar is sweet,<br/>And so are you.</p>"
    address = "<p>Mrs Ada Hale<br/>12 Harbour Row<br/>Penzance</p>"
    prose = (
        "<p>It was the best of times, it was the worst of times, it was the age<br/>"
        "of wisdom, it was the age of foolishness, it was the epoch of belief,<br/>"
        "it was the epoch of incredulity.</p>"
    )
    paragraphs = read(f"<h2>One</h2>{verse}{address}{prose}").sections[0].body.split("\n\n")
    assert paragraphs == [
        "Roses are red,\nViolets are blue,\nSugar is sweet,\nAnd so are you.",
        "Mrs Ada Hale\n12 Harbour Row\nPenzance",
        "It was the best of times, it was the worst of times, it was the age of wisdom, it was "
        "the age of foolishness, it was the epoch of belief, it was the epoch of incredulity.",
    ]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_line_separator_in_the_text_is_a_space_and_only_a_br_breaks_a_line(
    quoted: bool,
) -> None:
    """U+2028 in a source's text is whitespace, in a quotation too: only a <br> there is
    a line of its own; and a control character the HTML parser lets through (\x01) is
    nothing, as elsewhere."""
    paragraph = "<p>Short\u2028lines\u2028here\u2028now\x01.<br/>Next line.</p>"
    body = f"<h2>One</h2>{f'<blockquote>{paragraph}</blockquote>' if quoted else paragraph}"
    expected = "Short lines here now.\nNext line." if quoted else "Short lines here now. Next line."
    assert read(body).sections[0].body == expected


def test_utf8_without_a_declared_charset_is_read_as_utf8() -> None:
    data = "<html><body><h2>Café</h2><p>Crème brûlée — yes.</p></body></html>".encode()
    book = html.read(data, "b.html")
    assert (book.sections[0].title, book.sections[0].body) == ("Café", "Crème brûlée — yes.")


def test_declared_entities_are_not_expanded() -> None:
    data = b"""<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
    <html><body><h2>One</h2><p>x &b; y</p></body></html>"""
    assert "aaaaaaaaaa" not in html.read(data, "b.html").sections[-1].body


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ManuscriptError, match=r"b\.html: the file is empty"):
        html.read(b"  \n", "b.html")


@pytest.mark.parametrize(
    "start",
    [b"<!DOCTYPE html>", b"\xef\xbb\xbf  <html>", b"<?xml version='1.0'?>\n<html>", b"<HTML>"],
)
def test_html_is_recognised_by_its_content(tmp_path: Path, start: bytes) -> None:
    path = tmp_path / "book.txt"
    path.write_bytes(start + b"<body><h2>One</h2><p>x.</p></body></html>")
    assert sniff(path.read_bytes(), path) == "html"
    assert read_book(path).sections[0].title == "One"


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("x.html", b'<head><meta charset="utf-8"><title>T</title></head><body>'),
        ("x.txt", b"<body>"),
        ("x.html", b'<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">'),
        ("x.html", b'<!doctype HTML SYSTEM "about:legacy-compat">'),
        ("x.txt", b"\xef\xbb\xbf\n<?xml version='1.0'?><!-- saved --> <div class='book'>"),
        ("book", b"<p>Before.</p>"),
        ("x.htm", b'<meta charset="utf-8">'),
        ("x.html", b"<TITLE>T</TITLE>"),
        ("x.html", b"<section>"),
        ("x.html", b'<article class="book">'),
        ("x.txt", b"<h1>The Hens</h1>"),
        ("x.html", b"<style>p { margin: 0 }</style>"),  # an .html file opening with any tag
    ],
)
def test_html_is_recognised_by_its_first_markup_whatever_it_is(
    tmp_path: Path, name: str, start: bytes
) -> None:
    """Given HTML without <html> (a head, a body or a fragment first) or with another
    DOCTYPE: it was read as plain text, its tags narrated."""
    path = tmp_path / name
    path.write_bytes(start + b"<h2>One</h2><p>Eggs were laid.</p><h2>Two</h2><p>Foxes.</p>")
    assert sniff(path.read_bytes(), path) == "html"
    book = read_book(path)
    assert [s.title for s in book.sections if s.title in ("One", "Two")] == ["One", "Two"]
    assert not [s for s in book.sections if "<" in s.title + s.body]


def test_a_run_of_comments_is_sniffed_at_once() -> None:
    """Given 24 comments over plain text: each could end at any later "-->", and trying
    every split took seconds (doubling with each comment more)."""
    began = time.perf_counter()
    assert sniff(b"<!-- a -->" * 24 + b"Plain words.", Path("b.txt")) == "text"
    assert sniff(b"<!-- a -->\n" * 24 + b"<p>Words.</p>", Path("b.txt")) == "html"
    assert time.perf_counter() - began < 5


DOCTYPE_SUBSETS = {
    "entity-other-doctype": b'<!DOCTYPE h [<!ENTITY a "aa">]><html><body><p>Hello &a;.</p>',
    "billion-laughs": (
        b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><html><body><p>Hello &c;.</p></body></html>'
    ),
    "external": b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>',
    "element": b"\xef\xbb\xbf<!-- <p> --><!DOCTYPE html [<!ELEMENT p ANY>]><p>Hi.</p>",
    "attlist": b"<?xml version='1.0'?>\n<!DOCTYPE html [\n<!ATTLIST p a CDATA 'x'>\n]>\n<p>Hi.</p>",
}


@pytest.mark.parametrize("name", ["b.html", "b.txt", "b.md"])
@pytest.mark.parametrize("data", DOCTYPE_SUBSETS.values(), ids=DOCTYPE_SUBSETS.keys())
def test_a_doctype_declaring_entities_is_refused(tmp_path: Path, name: str, data: bytes) -> None:
    """Given a DOCTYPE with an internal subset: read as text (its markup narrated) or as
    HTML ("Hello &c;." and a "]>" section); neither a book nor a page needs one."""
    path = tmp_path / name
    path.write_bytes(data)
    refused = rf"^{re.escape(str(path))}: declares XML entities, which are not read: .*DOCTYPE"
    with pytest.raises(ManuscriptError, match=refused):
        read_book(path)


def test_read_manuscript_reads_an_html_file(tmp_path: Path) -> None:
    path = tmp_path / "hens.html"
    path.write_bytes(page(BOOK))
    manuscript = read_manuscript(path, Reading(skip=("Chapter 2",)))
    assert [c.title for c in manuscript.chapters] == ["Chapter 1"]
    assert [s.reason for s in manuscript.skipped] == [
        "front matter (titlepage)",
        "skipped by request",
    ]


def test_a_rule_between_paragraphs_is_a_scene_break() -> None:
    book = read("<h2>Chapter 1</h2><p>She left.</p><hr/><p>He stayed.</p>", head="")
    chapter = select(book, "b.html").chapters[0]
    assert chapter.text == "Chapter 1\n\nShe left.\n\n⁂\n\nHe stayed."


@pytest.mark.parametrize("charset", [b'<meta charset="windows-1252">', b""])
def test_a_byte_windows_1252_leaves_undefined_loses_only_itself(charset: bytes) -> None:
    """0x9D (no character in Windows-1252, half of a UTF-8 "”" saved as Latin-1) ended
    the text where it stood: "One" was all of chapter One, and chapter Two was lost."""
    data = b"<html><head>" + charset + b"</head><body><h2>One</h2><p>One \x9d two \x93hi\x94."
    book = html.read(data + b"</p><h2>Two</h2><p>The end.</p></body></html>", "b.html")
    assert [(c.title, c.text) for c in select(book, "b.html").chapters] == [
        ("One", "One\n\nOne two \u201chi\u201d."),
        ("Two", "Two\n\nThe end."),
    ]


def test_a_table_laying_out_the_page_is_read_and_a_table_in_it_is_skipped() -> None:
    """An old page sets its whole text in a table beside an empty margin's cell: skipped
    as a table, the book had nothing to read. One holding headings, or a cell of
    paragraphs, lays out the page; a table of data inside it is still skipped."""
    margin = "<table><tr><td>&nbsp;</td><td>{}</td></tr></table>"
    headed = read(margin.format("<h2>One</h2><p>Eggs.<p>Hens.<h2>Two</h2><p>Foxes."))
    assert [(c.title, c.text) for c in select(headed, "b.html").chapters] == [
        ("One", "One\n\nEggs.\n\nHens."),
        ("Two", "Two\n\nFoxes."),
    ]
    data = "<table><tr><td>Oats</td><td>3</td></tr></table>"
    plain = read(margin.format(f"<p>Eggs.<p>Hens.<p>Geese.{data}<p>Foxes."))
    assert plain.sections[0].body == "Eggs.\n\nHens.\n\nGeese.\n\nFoxes."
    assert plain.warnings == ["chapter '': a table was skipped"]


def test_a_framesets_noframes_text_is_read_as_markup_not_aloud() -> None:
    """libxml2 keeps a <noframes> as text: its tags were read aloud ("<H2>One</H2><P>Eggs
    ..."), one chapter of markup; parsed, its headings are the chapters."""
    data = (
        b"<HTML><HEAD><TITLE>The Hens</TITLE></HEAD><FRAMESET><FRAME SRC='a.html'><NOFRAMES>"
        b"<BODY><H2>One</H2><P>Eggs &amp; hens.<H2>Two</H2><P>Foxes.</BODY></NOFRAMES></FRAMESET>"
    )
    book = html.read(data + b"</HTML>", "b.html")
    assert [(c.title, c.text) for c in select(book, "b.html").chapters] == [
        ("One", "One\n\nEggs & hens."),
        ("Two", "Two\n\nFoxes."),
    ]


def test_a_page_number_in_an_anchor_named_for_its_page_is_not_read() -> None:
    """HTML 3.2 names an anchor where later pages give it an id: <a name="Page_13">[13]</a>
    was read mid-sentence ("the barn [13] the hens"), as one with an id is not."""
    book = read('<h2>One</h2><p>The barn <a name="Page_13">[13]</a>the hens.</p>')
    assert book.sections[0].body == "The barn the hens."


def test_the_line_naming_the_notes_after_the_last_chapter_is_not_read() -> None:
    """An old page sets its footnotes after the last chapter under a rule and a smaller
    heading: the notes were left out, but "FOOTNOTES" was read as the chapter's last
    words."""
    book = read(
        '<h2>One</h2><p>Eggs.<a href="#fn1" name="r1">[1]</a></p><h2>Two</h2><p>Foxes.</p>'
        '<hr><h3>FOOTNOTES</h3><p><a name="fn1" href="#r1">[1]</a> Brown ones.</p>'
    )
    assert [c.text for c in select(book, "b.html").chapters] == ["One\n\nEggs.", "Two\n\nFoxes."]


def test_two_brs_end_a_paragraph_as_an_old_page_sets_them() -> None:
    """HTML 3.2 pages end paragraphs with <BR><BR>, never a <P>: the chapter was one
    paragraph, with no pause between them; one <br> still runs prose on."""
    body = "<H2>One</H2>Eggs were laid.<BR><BR>\nThe hens<BR>sat.<BR> <BR>Foxes came."
    assert read(body).sections[0].body == "Eggs were laid.\n\nThe hens sat.\n\nFoxes came."


def test_a_bold_chapter_label_over_a_br_opens_a_chapter() -> None:
    """<B>CHAPTER I</B><BR> over the text, an old page's heading with no <h2>: the label
    ran into the chapter's first words ("CHAPTER I Eggs were laid.") in one chapter."""
    book = read("<B>CHAPTER I</B><BR>Eggs were laid.<BR><BR><B>CHAPTER II</B><BR>Foxes came.")
    assert [(c.title, c.text) for c in select(book, "b.html").chapters] == [
        ("CHAPTER I", "CHAPTER I\n\nEggs were laid."),
        ("CHAPTER II", "CHAPTER II\n\nFoxes came."),
    ]


def test_a_heading_said_twice_in_a_row_opens_one_chapter() -> None:
    """<h2>CHAPTER I</h2><h2>CHAPTER I</h2> (an anchor's heading over the one shown): the
    first was a chapter of its title alone, a file of audio saying only "Chapter one"."""
    book = read("<h2>CHAPTER I</h2><h2>Chapter  I</h2><p>Eggs.</p><h2>CHAPTER II</h2><p>Foxes.</p>")
    assert [(c.title, c.text) for c in select(book, "b.html").chapters] == [
        ("Chapter I", "Chapter I\n\nEggs."),
        ("CHAPTER II", "CHAPTER II\n\nFoxes."),
    ]


def test_a_book_set_in_pre_is_read_as_the_plain_text_it_is() -> None:
    """A plain-text book put on the web in one <pre>: its chapter labels open chapters and
    its filled lines are joined into paragraphs, as the text file would be read (as HTML
    it was one chapter of lines, a pause at each line's end). A short <pre> is a poem's."""
    para = (
        "It was a fine morning and the hens were out in the yard, pecking at the\n"
        "corn that the farmer had thrown there before dawn, and the cock watched\n"
        "them from the top of the wall.\n\n"
    )
    body = "".join(f"CHAPTER {n}\n\n{para * 6}" for n in ("I", "II", "III"))
    book = read(f"<pre>\n{body}</pre>")
    chapters = select(book, "b.html").chapters
    assert book.metadata.title == "The Hens"
    assert [c.title for c in chapters] == ["CHAPTER I", "CHAPTER II", "CHAPTER III"]
    joined = " ".join(para.split())
    assert chapters[2].text == "\n\n".join(["CHAPTER III", *[joined] * 6])
    poem = read("<h2>One</h2><pre>The hens are out,\nthe cock is on the wall.</pre>")
    assert select(poem, "b.html").chapters[0].text == (
        "One\n\nThe hens are out,\nthe cock is on the wall."
    )


def test_a_page_of_frames_with_only_a_notice_is_refused_naming_their_files() -> None:
    """A frameset's own text, for browsers without frames, is a notice: narrated, it was the
    whole book; the book is in the files the frames show."""
    data = (
        b"<HTML><FRAMESET COLS='20%,80%'><FRAME SRC='toc.html'><FRAME SRC='book.html'>"
        b"<NOFRAMES><BODY>This page uses frames, but your browser does not support them."
        b"</BODY></NOFRAMES></FRAMESET></HTML>"
    )
    with pytest.raises(ManuscriptError, match=r"b\.html: a page of frames: .*\(toc\.html, book"):
        html.read(data, "b.html")


def test_a_chapters_number_heading_over_its_titles_lower_heading_is_one_title() -> None:
    """`<h2>CHAPTER I</h2><h3>The Storm</h3>`: one title, "CHAPTER I: The Storm". Read
    apart, each number was a part of its title alone and each title a chapter. A number
    over several lower headings is over its sections, and stays apart."""
    book = read(
        "<h2>CHAPTER I</h2><h3>The Storm</h3><p>Rain fell.</p>"
        "<h2>CHAPTER II</h2><h3>The Calm</h3><p>The sun came out.</p>"
    )
    chapters = select(book, "b.html").chapters
    assert [(c.title, c.kind) for c in chapters] == [
        ("CHAPTER I: The Storm", "chapter"),
        ("CHAPTER II: The Calm", "chapter"),
    ]
    assert chapters[1].text == "CHAPTER II: The Calm\n\nThe sun came out."
    sections = read(
        "<h2>CHAPTER I</h2><h3>Arrival</h3><p>Rain.</p><h3>Departure</h3><p>Sun.</p>"
        "<h2>CHAPTER II</h2><h3>Home</h3><p>Snow.</p><h3>Away</h3><p>Wind.</p>"
    )
    titles = [c.title for c in select(sections, "b.html").chapters]
    assert "CHAPTER I" in titles and "Arrival" in titles


def test_a_poems_stanzas_set_apart_by_two_brs_keep_their_lines() -> None:
    """Two <br>s end a paragraph; in a poem of short lines they end a stanza, and each
    stanza keeps its lines (cut apart, couplets of two lines each were read as prose)."""
    book = read(
        "<h2>One</h2><p>Roses are red,<br/>Violets are blue,<br/><br/>Sugar is sweet,<br/>"
        "And so are you.</p><p>Then the hens came home and sat.</p>"
    )
    assert book.sections[0].body == (
        "Roses are red,\nViolets are blue,\n\nSugar is sweet,\nAnd so are you.\n\n"
        "Then the hens came home and sat."
    )
