"""A manuscript as one HTML file a writing tool exported: Word's "Web Page" and "Web Page,
Filtered", Google Docs' "Web page (.html)", LibreOffice Writer's HTML, Pandoc and Markdown
converters. Each sample is cut down from what the tool writes, its markup kept as written."""

import re
import time

import pytest

from producer.readers import html
from producer.readers.book import select
from tests.producer.test_readers_html import page, read

# Word's footnote and endnote references, and its notes after the text (filtered: the
# mso-element styles dropped, each note a <div id=ftn1> after a rule).
WORD_NOTES = """<h1>Chapter One</h1>
<p class=MsoNormal>The hen laid<a href="#_ftn1" name="_ftnref1" title=""><span
class=MsoFootnoteReference><span class=MsoFootnoteReference><span
style='font-size:12.0pt'>[1]</span></span></span></a>
an egg<a href="#_edn1" name="_ednref1" title=""><span class=MsoEndnoteReference><span
class=MsoEndnoteReference>[i]</span></span></a>.</p>
<h1>Chapter Two</h1>
<p class=MsoNormal>Foxes came<a href="#_edn2" name="_ednref2" title=""><span
class=MsoEndnoteReference><span class=MsoEndnoteReference>[ii]</span></span></a>.</p>
<div><br clear=all><hr align=left size=1 width="33%">
<div id=ftn1><p class=MsoFootnoteText><a href="#_ftnref1" name="_ftn1" title=""><span
class=MsoFootnoteReference><span class=MsoFootnoteReference>[1]</span></span></a> About hens.</p>
<p class=MsoFootnoteText>The note's second paragraph.</p></div></div>
<div><br clear=all><hr align=left size=1 width="33%">
<div id=edn1><p class=MsoEndnoteText><a href="#_ednref1" name="_edn1" title=""><span
class=MsoEndnoteReference><span
class=MsoEndnoteReference>[i]</span></span></a> About eggs.</p></div>
<div id=edn2><p class=MsoEndnoteText><a href="#_ednref2" name="_edn2" title=""><span
class=MsoEndnoteReference><span
class=MsoEndnoteReference>[ii]</span></span></a> About foxes.</p></div>
</div>"""

# Word's "Web Page" (not filtered): the same notes in mso-element divisions, the marks in
# conditional comments for browsers other than Word.
WORD_WEB_PAGE_NOTES = """<h1>Chapter One</h1>
<p class=MsoNormal>The hen laid<a style='mso-footnote-id:ftn1' href="#_ftn1" name="_ftnref1"
title=""><span class=MsoFootnoteReference><span style='mso-special-character:footnote'><![if
!supportFootnotes]><span class=MsoFootnoteReference>[1]</span><![endif]></span></span></a> an
egg.<o:p></o:p></p>
<h1>Chapter Two</h1><p class=MsoNormal>Foxes came.<o:p></o:p></p>
<div style='mso-element:footnote-list'><![if !supportFootnotes]><br clear=all>
<hr align=left size=1 width="33%"><![endif]>
<div style='mso-element:footnote' id=ftn1><p class=MsoFootnoteText><a
style='mso-footnote-id:ftn1' href="#_ftnref1" name="_ftn1" title=""><span
class=MsoFootnoteReference><span style='mso-special-character:footnote'><![if
!supportFootnotes]><span class=MsoFootnoteReference>[1]</span><![endif]></span></span></a>
About hens.<o:p></o:p></p></div></div>"""

# Google Docs: the reference a raised link, each note a bare <div> after a rule.
GOOGLE_NOTES = """<h1 class="c2" id="h.a1"><span class="c4">Chapter One</span></h1>
<p class="c3"><span class="c1">The hen laid</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup>
<span class="c1">&nbsp;an egg.</span></p>
<h1 class="c2" id="h.a2"><span class="c4">Chapter Two</span></h1>
<p class="c3"><span class="c1">Foxes came.</span></p><hr class="c10">
<div><p class="c6"><a href="#ftnt_ref1" id="ftnt1">[1]</a><span class="c0">&nbsp;About hens.</span>
</p></div>"""

# LibreOffice Writer: footnotes and endnotes in <div id="sdfootnote1">, <div id="sdendnote1">.
LIBREOFFICE_NOTES = """<h1 class="western">Chapter One</h1>
<p class="western">The hen laid<a class="sdfootnoteanc" name="sdfootnote1anc"
href="#sdfootnote1sym"><sup>1</sup></a> an egg<a class="sdendnoteanc" name="sdendnote1anc"
href="#sdendnote1sym"><sup>i</sup></a>.</p>
<h1 class="western">Chapter Two</h1><p class="western">Foxes came.</p>
<div id="sdendnote1"><p class="sdendnote-western"><a class="sdendnotesym" name="sdendnote1sym"
href="#sdendnote1anc">i</a>About eggs.</p></div>
<div id="sdfootnote1"><p class="sdfootnote-western"><a class="sdfootnotesym"
name="sdfootnote1sym" href="#sdfootnote1anc">1</a>About hens.</p>
<p class="sdfootnote-western">The note's second paragraph.</p></div>"""

# markdown-it's footnotes: the rule before the notes' section, outside it.
MARKDOWN_IT_NOTES = """<h1>Chapter One</h1>
<p>The hen laid<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> an egg.</p>
<h1>Chapter Two</h1><p>Foxes came.</p>
<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list">
<li id="fn1" class="footnote-item"><p>About hens. <a href="#fnref1" class="footnote-backref">↩︎</a>
</p></li></ol></section>"""


@pytest.mark.parametrize(
    "body",
    [WORD_NOTES, WORD_WEB_PAGE_NOTES, GOOGLE_NOTES, LIBREOFFICE_NOTES, MARKDOWN_IT_NOTES],
    ids=["word-filtered", "word-web-page", "google-docs", "libreoffice", "markdown-it"],
)
def test_a_writing_tools_notes_after_the_text_are_not_read_into_the_last_chapter(
    body: str,
) -> None:
    """Given the notes a tool sets after the book's text, each linked back to its mark (no
    class or type says "footnote"). Read, they ran on at the end of the last chapter after a
    scene break ("Foxes came. ⁂ About hens. The note's second paragraph.")."""
    book = read(body)
    assert [(s.title, s.body) for s in book.sections] == [
        ("Chapter One", "The hen laid an egg."),
        ("Chapter Two", "Foxes came."),
    ]


def test_a_link_to_a_note_is_its_mark_whatever_it_says() -> None:
    """Word numbers endnotes i, ii, iii: "[ii]" is no mark of one letter or a number, so
    "Foxes came ii." was read."""
    body = WORD_NOTES.replace("[ii]", "[iv]").replace("#_edn2", "#_edn4")
    body = body.replace('name="_edn2"', 'name="_edn4"').replace("<h1>Chapter Two", "<h1>Two")
    chapters = select(read(body), "b.html").chapters
    assert chapters[1].text == "Two\n\nFoxes came."


def test_a_chapter_heading_linking_back_to_its_contents_entry_is_no_note() -> None:
    """Regression guard: contents entries "I" and "II" link to headings that link back to
    them, a pair as a note's is; the chapters are read."""
    body = """<p><a id="toc1" href="#ch1">I</a></p><p><a id="toc2" href="#ch2">II</a></p>
    <div id="ch1"><h2><a href="#toc1">I</a></h2><p>Eggs.</p></div>
    <div id="ch2"><h2><a href="#toc2">II</a></h2><p>Foxes.</p></div>"""
    chapters = select(read(body, head=""), "b.html").chapters
    assert [c.text for c in chapters][-2:] == ["Chapter I\n\nEggs.", "Chapter II\n\nFoxes."]


def test_a_note_after_a_chapters_last_paragraphs_in_one_box_leaves_them_read() -> None:
    """A regression guard: a note grows to the box holding it only (Word's <div id=ftn1>),
    not to one holding the chapter's last paragraphs before it."""
    body = """<h1>One</h1><div><p>The hen sat<a id="r1" href="#n1">1</a>.</p></div>
    <div><p>She slept.</p><p id="n1"><a href="#r1">1</a> About hens.</p></div>
    <h1>Two</h1><p>Foxes came.</p>"""
    assert read(body).sections[0].body == "The hen sat.\n\nShe slept."


def test_notes_whose_marks_stand_side_by_side_are_not_read() -> None:
    """The second of two marks together ("laid[1] [2]") follows the first, not words."""
    body = GOOGLE_NOTES.replace(
        "[1]</a></sup>", '[1]</a></sup> <sup><a href="#ftnt2" id="ftnt_ref2">[2]</a></sup>', 1
    ).replace("</p></div>", '</p><p><a href="#ftnt_ref2" id="ftnt2">[2]</a> More.</p></div>')
    assert [s.body for s in read(body).sections] == ["The hen laid an egg.", "Foxes came."]


# Word's review comments: a mark with the reviewer's initials, and the comment after the text.
WORD_COMMENT = """<h1>Chapter One</h1>
<p class=MsoNormal>The <a
style='mso-comment-reference:JD_1;mso-comment-date:20240305T1030'>farmer</a><span
class=MsoCommentReference><span style='font-size:8.0pt'><a
style='mso-comment-reference:JD_1'>&nbsp;</a><span
style='mso-special-character:comment'>&nbsp;<![if !supportAnnotations]><a href="#_msocom_1"
language=JavaScript id="_anchor_1" class=msocomanchor
name="_msoanchor_1">[JD1]</a><![endif]></span></span></span>
came in.<o:p></o:p></p>
<h1>Chapter Two</h1><p class=MsoNormal>Foxes came.</p>
<div style='mso-element:comment-list'><![if !supportAnnotations]>
<hr class=msocomoff align=left size=1 width="33%"><![endif]>
<div style='mso-element:comment'><![if !supportAnnotations]><div id="_com_1" class=msocomtxt
language=JavaScript><![endif]><div><![if !supportAnnotations]><a name="_msocom_1"></a><![endif]>
<p class=MsoCommentText><span class=MsoCommentReference><span
style='mso-special-character:comment'>&nbsp;<![if
!supportAnnotations]><a href="#_msoanchor_1" class=msocomoff>[JD1]</a><![endif]></span></span>Cut
this sentence?<o:p></o:p></p></div><![if !supportAnnotations]></div><![endif]></div></div>"""

# Google Docs' comments: a raised "[a]", the comment in a <div> of its own at the end.
GOOGLE_COMMENT = """<h1 id="h.a1"><span>Chapter One</span></h1>
<p class="c3"><span class="c1">The farmer came in.</span><sup><a href="#cmnt1"
id="cmnt_ref1">[a]</a></sup>
<sup><a href="#cmnt27" id="cmnt_ref27">[aa]</a></sup></p>
<h1 id="h.a2"><span>Chapter Two</span></h1><p class="c3"><span class="c1">Foxes came.</span></p>
<div class="c5"><p class="c6"><a href="#cmnt_ref1" id="cmnt1">[a]</a><span
class="c0">Cut this?</span></p>
</div><div class="c5"><p class="c6"><a href="#cmnt_ref27" id="cmnt27">[aa]</a><span class="c0">Too
long.</span></p></div>"""


@pytest.mark.parametrize("body", [WORD_COMMENT, GOOGLE_COMMENT], ids=["word", "google-docs"])
def test_review_comments_and_their_marks_are_not_read(body: str) -> None:
    """A reviewer's comments are no part of the book, and neither are their marks ("[JD1]",
    the 27th comment's "[aa]")."""
    book = read(body)
    assert [(s.title, s.body) for s in book.sections] == [
        ("Chapter One", "The farmer came in."),
        ("Chapter Two", "Foxes came."),
    ]


def test_a_deletion_word_tracked_is_not_read() -> None:
    """Word writes a tracked change's deleted words as <del cite=... datetime=...>: read,
    "He walkedran home". A <del> with neither (Markdown's ~~strike~~) is the author's, and
    read."""
    body = """<h1>One</h1><p class=MsoNormal>He <del cite="mailto:Jane%20Doe"
    datetime="2024-03-01T10:00">walked</del><ins cite="mailto:Jane%20Doe"
    datetime="2024-03-01T10:00">ran</ins> home. I was <del>wrong</del> right.</p>"""
    assert read(body).sections[0].body == "He ran home. I was wrong right."


WORD_LISTS = """<h1>Chapter One</h1>
<p class=MsoListParagraphCxSpFirst style='text-indent:-.25in'><span
style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;
</span></span>Corn</p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:1.0in;text-indent:-.25in'><span
style='font-family:"Courier New"'>o<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;
</span></span>Oats</p>
<p class=MsoListParagraphCxSpLast style='text-indent:-.25in'><span
style='font-family:Wingdings'>§<span
style='font:7.0pt "Times New Roman"'>&nbsp; </span></span>Wheat</p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-.25in'>1.<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp; </span>Feed them.</p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-.25in;mso-list:l0 level1 lfo1'><![if
!supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>Barley<o:p>
</o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-.25in;mso-list:l0 level2 lfo1'><![if
!supportLists]><span
style='mso-list:Ignore'>o<span>&nbsp;&nbsp; </span></span><![endif]>Rye<o:p></o:p></p>
<h1 style='margin-left:.3in;text-indent:-.3in'><span style='mso-list:Ignore'>2.<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span>Foxes</h1><p>They came.</p>"""


def test_words_list_bullets_and_numbers_are_not_read() -> None:
    """Word writes a list's bullet as a character in a symbol font ("·" in Symbol, "§" in
    Wingdings, "o" in Courier New) and its number as text, each before a spacer in 7-point
    type (in "Web Page", in a span marked mso-list:Ignore). Read: "section Wheat", "o
    Oats". A numbered heading keeps its number: it is the chapter's."""
    book = read(WORD_LISTS)
    assert book.sections[0].body == "Corn\n\nOats\n\nWheat\n\nFeed them.\n\nBarley\n\nRye"
    assert book.sections[1].title == "Chapter 2. Foxes"


GOOGLE_OPENING = """<p class="c3 title" id="h.t"><span class="c5">The Hens</span></p>
<p class="c3 subtitle" id="h.s"><span class="c1">A Farmyard Tale</span></p>
<p class="c3"><span class="c1"><a class="c5" href="#h.a1">Chapter One</a></span></p>
<p class="c3"><span class="c1"><a class="c5" href="#h.a2">Chapter Two</a></span></p>
<hr style="page-break-before:always;display:none;">
<h1 class="c2" id="h.a1"><span class="c4">Chapter One</span></h1><p class="c3">Eggs.</p>
<h1 class="c2" id="h.a2"><span class="c4">Chapter Two</span></h1><p class="c3">Foxes.</p>"""

WORD_OPENING = """<div class=WordSection1><p class=MsoTitle>The Hens</p>
<p class=MsoSubtitle>A Farmyard Tale</p><p class=MsoNormal>&nbsp;</p>
<p class=MsoTocHeading>Contents</p>
<p class=MsoToc1><span class=MsoHyperlink><a href="#_Toc1001">Chapter One<span
style='color:windowtext;display:none;text-decoration:none'>. </span><span
style='color:windowtext;display:none;text-decoration:none'>1</span></a></span></p>
<p class=MsoToc1><span class=MsoHyperlink><a href="#_Toc1002">Chapter Two<span
style='color:windowtext;display:none;text-decoration:none'>. </span><span
style='color:windowtext;display:none;text-decoration:none'>2</span></a></span></p>
<h1><a name="_Toc1001">Chapter One</a></h1><p class=MsoNormal>Eggs.</p>
<h1><a name="_Toc1002">Chapter Two</a></h1><p class=MsoNormal>Foxes.</p></div>"""


@pytest.mark.parametrize("body", [GOOGLE_OPENING, WORD_OPENING], ids=["google-docs", "word"])
def test_the_title_styled_as_the_documents_title_makes_the_title_page(body: str) -> None:
    """Given a page with no <title> (Google Docs writes none, Word none where the document's
    properties name no title): the paragraph in the Title style is the book's title, and
    what it opens is the title page. Without it the title, subtitle and contents were read
    as an untitled first chapter."""
    book = read(body, head="")
    assert book.metadata.title == "The Hens"
    titlepage = book.sections[0]
    assert (titlepage.kind, titlepage.skip_reason) == ("titlepage", "front matter (titlepage)")
    assert [c.title for c in select(book, "b.html").chapters] == ["Chapter One", "Chapter Two"]


@pytest.mark.parametrize("body", [GOOGLE_OPENING, WORD_OPENING], ids=["google-docs", "word"])
def test_a_table_of_contents_is_not_read_with_the_title_page(body: str) -> None:
    """A title page asked for (`--include titlepage`) is its title and subtitle, not a
    reading of the contents: entries linking to the book's headings (Word's TOC styles,
    Google Docs' links), and the "Contents" line over them."""
    book = read(body, head="<title>The Hens</title>")
    included = select(book, "b.html", include=["titlepage"]).chapters[0]
    assert included.text == "The Hens\n\nA Farmyard Tale"


def test_contents_entries_with_page_numbers_are_not_read_where_no_title_page_holds_them() -> None:
    """LibreOffice's table of contents: a division of entries, each a link and its page
    number. Before the first chapter of a book with no title page, it was narrated:
    "Table of Contents. Chapter One 1. Chapter Two 2."."""
    body = """<div id="Table of Contents1" dir="ltr"><div id="Table of Contents1_Head" dir="ltr">
    <p style="margin-top: 0.17in"><font size="4"><b>Table of Contents</b></font></p></div>
    <p style="margin-bottom: 0in"><a href="#__RefHeading___Toc101_1">Chapter One</a>\t1</p>
    <p style="margin-bottom: 0in"><a href="#__RefHeading___Toc103_1">Chapter Two</a>\t2</p>
    </div><p class="western">It was dark.</p>
    <h1 class="western"><a name="__RefHeading___Toc101_1"></a>Chapter One</h1><p>Eggs.</p>
    <h1 class="western"><a name="__RefHeading___Toc103_1"></a>Chapter Two</h1><p>Foxes.</p>"""
    chapters = select(read(body), "b.html").chapters
    assert [c.text for c in chapters] == [
        "It was dark.",
        "Chapter One\n\nEggs.",
        "Chapter Two\n\nFoxes.",
    ]


def test_a_link_to_a_chapter_in_a_sentence_is_read() -> None:
    """Regression guard: a cross-reference in prose is no contents entry."""
    body = """<h1 id="c1">One</h1><p>Eggs.</p><h1 id="c2">Two</h1>
    <p>As told in <a href="#c1">chapter one</a>, foxes came.</p>"""
    assert read(body).sections[1].body == "As told in chapter one, foxes came."


def test_libreoffices_page_header_and_footer_are_not_read() -> None:
    """LibreOffice writes the page's header and footer into the file, as <div title="header">
    at the top and <div title="footer"> at the end with its page-number field: read, the
    last chapter ended "Foxes came. 3". A word-count field in the text is read."""
    body = """<div title="header"><p style="margin-bottom: 0in"><font size="2">The Hens — A.
    Farmer</font></p></div><p class="western">It was dark.</p>
    <h1 class="western">Chapter One</h1><p class="western">It weighed <sdfield type=DOCSTAT
    subtype=WORD format=ARABIC>212</sdfield> grams.</p>
    <h1 class="western">Chapter Two</h1><p class="western">Foxes came.</p>
    <div title="footer"><p align="center"><sdfield type=PAGE subtype=RANDOM
    format=PAGE>3</sdfield></p></div>"""
    chapters = select(read(body), "b.html").chapters
    assert [c.text for c in chapters] == [
        "It was dark.",
        "Chapter One\n\nIt weighed 212 grams.",
        "Chapter Two\n\nFoxes came.",
    ]


@pytest.mark.parametrize(
    ("charset", "encoding"), [("ANSI_X3.4-1968", "utf-8"), ("", "windows-1252")]
)
def test_a_charset_that_cannot_hold_the_text_does_not_cut_the_book_short(
    charset: str, encoding: str
) -> None:
    """A converter run where the system's charset is ASCII declares it by Python's and C's
    name for it ("ANSI_X3.4-1968"), over UTF-8 text; a template may leave the name out, over
    Windows-1252 text. libxml2 read up to the first letter the charset had none for, and
    dropped the rest of the book without a word: here, all but "Caf"."""
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    body = "<h1>One</h1><p>Café — ‘yes’.</p><h1>Two</h1><p>More.</p>"
    data = f"<html><head>{head}</head><body>{body}</body></html>".encode(encoding)
    book = html.read(data, "b.html")
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Café — ‘yes’."),
        ("Two", "More."),
    ]


def test_a_mac_roman_page_is_read_in_mac_roman() -> None:
    """Word for Mac's "Western (Mac OS Roman)" page, labelled by its WHATWG name: read as
    Latin-1, its curly apostrophe was "Õ" ("I donÕt know")."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=x-mac-roman">'
    data = page("<h1>One</h1><p>I don\x00t know.</p>", head=head).replace(b"\x00", b"\xd5")
    assert html.read(data, "b.html").sections[0].body == "I don’t know."


GOOGLE_UNSTYLED = """<p class="c3 c4"><span class="c9">Chapter One</span></p>
<p class="c3"><span class="c1">The hen laid an egg. Chapter 3 was where it went wrong.</span></p>
<p class="c3"><span class="c1">Chapter 3 was where it went wrong</span></p>
<p class="c3 c4"><span class="c9">Chapter Two</span></p>
<p class="c3"><span class="c1">Foxes came.</span></p>
<p class="c3 c4"><span class="c9">CHAPTER III: The Storm</span></p>
<p class="c3"><span class="c1">Rain.</span></p>
<p class="c3 c4"><span class="c9">Epilogue</span></p><p class="c3"><span
class="c1">Sun.</span></p>"""


def test_chapter_labels_typed_as_paragraphs_make_chapters() -> None:
    """A manuscript with no heading styles (its chapter titles bold and centred, as Google
    Docs and Word write them: <p> and a <span> of a class): read as one chapter, the whole
    book was one file with no chapter marks. Chapter labels, two or more, make chapters, as
    in a DOCX."""
    book = read(GOOGLE_UNSTYLED, head="")
    assert [(s.title, s.body) for s in book.sections] == [
        (
            "Chapter One",
            "The hen laid an egg. Chapter 3 was where it went wrong.\n\n"
            "Chapter 3 was where it went wrong",
        ),
        ("Chapter Two", "Foxes came."),
        ("CHAPTER III: The Storm", "Rain."),
        ("Epilogue", "Sun."),
    ]


def test_a_single_chapter_label_in_a_book_without_headings_is_prose() -> None:
    """Regression guard: one "Part One" paragraph makes no chapters."""
    book = read("<p>Part one was easy.</p><p>Part Two</p><p>It was dark.</p>", head="")
    assert [(s.title, s.body) for s in book.sections] == [
        ("", "Part one was easy.\n\nPart Two\n\nIt was dark.")
    ]


def test_pandocs_date_is_the_books_date() -> None:
    """Pandoc's standalone page gives the date as <meta name="dcterms.date">, in the title
    block it writes (not read, as a page's header)."""
    head = """<meta name="author" content="A. Farmer" /><meta name="dcterms.date"
    content="2024-05-01" /><title>The Hens</title>"""
    body = """<header id="title-block-header"><h1 class="title">The Hens</h1>
    <p class="author">A. Farmer</p><p class="date">2024-05-01</p></header>
    <h1 id="one">One</h1><p>Eggs.</p><h1 id="two">Two</h1><p>Foxes.</p>"""
    book = read(body, head=head)
    assert (book.metadata.title, book.metadata.date) == ("The Hens", "2024-05-01")
    assert [s.title for s in book.sections] == ["One", "Two"]


# Headings and the document's properties


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("<h1>Chapter One<br>The Storm</h1>", "Chapter One: The Storm"),
        ("<h1>CHAPTER I<br/>\nA MORNING BATH</h1>", "CHAPTER I: A MORNING BATH"),
        ("<h1><a name=_Toc1>Chapter One</a><br>The Storm</h1>", "Chapter One: The Storm"),
        ("<h1>CHAPTER I.<br/>A MORNING BATH</h1>", "CHAPTER I. A MORNING BATH"),
    ],
)
def test_a_chapters_number_on_a_line_over_its_title_is_joined_as_a_title(
    heading: str, title: str
) -> None:
    """Given a heading that sets its number on a line of its own over the title: the two
    are joined as a number over a title is everywhere ("Chapter One: The Storm", a pause
    between them), not run together as one line."""
    book = read(f"{heading}<p>Eggs.</p><h1>Chapter Two</h1><p>Foxes.</p>")
    assert [s.title for s in book.sections] == [title, "Chapter Two"]


def test_a_title_broken_over_two_lines_is_read_as_one() -> None:
    """A title broken for the eye ("The Long<br>Goodbye") is no number over a title."""
    book = read("<h1>The Long<br>Goodbye</h1><p>Eggs.</p><h1>Two</h1><p>Foxes.</p>")
    assert [s.title for s in book.sections] == ["The Long Goodbye", "Two"]


PANDOC_TOC = """<nav id="TOC" role="doc-toc">
<ul>
<li><a href="#chapter-one" id="toc-chapter-one"><span
class="toc-section-number">1</span> Chapter One</a></li>
<li><a href="#the-storm" id="toc-the-storm"><span
class="toc-section-number">2</span> The Storm</a></li>
<li><a href="#epilogue" id="toc-epilogue"><span
class="toc-section-number">3</span> Epilogue</a></li>
</ul>
</nav>
"""
PANDOC_3_NUMBERED = """<h1 data-number="1" id="chapter-one"><span
class="header-section-number">1</span> Chapter One</h1>
<p>Eggs.</p>
<h1 data-number="2" id="the-storm"><span class="header-section-number">2</span> The
Storm</h1>
<p>Rain.</p>
<h2 data-number="2.1" id="after"><span class="header-section-number">2.1</span> After</h2>
<p>Sun.</p>
<h1 data-number="3" id="epilogue"><span class="header-section-number">3</span>
Epilogue</h1>
<p>Foxes.</p>
"""
PANDOC_1_NUMBERED = (
    PANDOC_3_NUMBERED.replace(' data-number="1"', "")
    .replace(' data-number="2"', "")
    .replace(' data-number="2.1"', "")
    .replace(' data-number="3"', "")
)


@pytest.mark.parametrize(
    "body",
    [PANDOC_TOC + PANDOC_3_NUMBERED, PANDOC_1_NUMBERED],
    ids=["pandoc-3-toc", "pandoc-1"],
)
def test_pandocs_section_numbers_are_not_read_before_a_chapters_own_label(body: str) -> None:
    """Given Pandoc's `--number-sections` page: a heading that says its label ("Chapter
    One", "Epilogue") is read without the number Pandoc set before it; one that does not
    ("The Storm") has it as its chapter's number, as a number over a title is read
    ("Chapter 2: The Storm"); a subsection's ("2.1") is read as written."""
    book = read(body)
    titles = [(s.title, s.kind) for s in book.sections]
    assert titles == [
        ("Chapter One", "chapter"),
        ("Chapter 2: The Storm", "chapter"),
        ("Epilogue", "epilogue"),
    ]
    assert book.sections[1].body == "Rain.\n\n2.1 After\n\nSun."


WORD_HEAD = """<meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<link rel=File-List href="The%20Hens_files/filelist.xml">
<title>The Hens</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>Zo\u00eb Farmer</o:Author>
  <o:LastAuthor>Jane Editor</o:LastAuthor>
  <o:Revision>3</o:Revision>
  <o:TotalTime>12</o:TotalTime>
  <o:Created>2024-03-01T09:12:00Z</o:Created>
  <o:LastSaved>2024-03-02T10:00:00Z</o:LastSaved>
  <o:Pages>1</o:Pages>
  <o:Words>4</o:Words>
  <o:Version>16.00</o:Version>
 </o:DocumentProperties>
</xml><![endif]-->
"""
WORD_BODY = """<body lang=EN-US style='tab-interval:36.0pt'><div class=WordSection1>
<h1>Chapter One</h1><p class=MsoNormal>Eggs.</p>
<h1>Chapter Two</h1><p class=MsoNormal>Foxes.</p></div></body></html>"""


def word_page(head: str) -> bytes:
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" '
        f'xmlns="http://www.w3.org/TR/REC-html40"><head>{head}</head>{WORD_BODY}'
    ).encode("windows-1252")


def test_words_document_author_is_the_books_author() -> None:
    """Given Word's "Web Page" with no author's <meta>: the author its document properties
    name (in the page's Windows-1252), not whoever saved it last."""
    book = html.read(word_page(WORD_HEAD), "b.htm")
    assert book.metadata.authors == ["Zo\u00eb Farmer"]


def test_an_authors_meta_comes_before_words_document_properties() -> None:
    head = '<meta name="author" content="A. Farmer">' + WORD_HEAD
    assert html.read(word_page(head), "b.htm").metadata.authors == ["A. Farmer"]


def test_words_last_author_alone_is_no_author() -> None:
    head = re.sub(r"\s*<o:Author>.*?</o:Author>", "", WORD_HEAD)
    assert html.read(word_page(head), "b.htm").metadata.authors == []


def test_a_head_of_unclosed_document_properties_is_read_at_once() -> None:
    """Hostile: 100,000 opening <o:DocumentProperties> tags and no closing one, in Word's
    comment. A pattern rescanning to the end from each took quadratic time (20,000 of
    them: 40 s)."""
    head = "<!--[if gte mso 9]><xml>" + "<o:DocumentProperties><o:Author>X" * 100_000 + "-->"
    began = time.perf_counter()
    assert html.read(word_page(head), "b.htm").metadata.authors == []
    assert time.perf_counter() - began < 5


def test_a_gutenberg_page_of_blank_lines_is_read_at_once() -> None:
    """Hostile: under Gutenberg's START line, a <pre> of 100,000 blank lines. The closing
    line's pattern ran \\s from each blank line over all the rest: quadratic (40,000 of
    them: 6 s)."""
    body = (
        "<p>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS ***</p><h1>One</h1><p>Eggs.</p>"
        + "<pre>"
        + "\n" * 100_000
        + "x</pre>"
    )
    began = time.perf_counter()
    book = html.read(page(body), "b.html")
    assert time.perf_counter() - began < 5
    assert "Eggs." in " ".join(section.body for section in book.sections)


# Regression guards: what pages read right before these rules were added


def test_a_lone_link_to_a_heading_in_the_text_is_read() -> None:
    """A regression guard: a paragraph that is only a link to a chapter ("See Chapter One"),
    in the text or in a list after it that points back, is no table of contents."""
    body = """<h1 id="c1">One</h1><p>Eggs.</p><h1 id="c2">Two</h1><p>Foxes.</p>
    <p><a href="#c1">See Chapter One</a></p><p>Remember:</p>
    <p><a href="#c1">One</a></p><p><a href="#c2">Two</a></p>"""
    assert read(body).sections[1].body == "Foxes.\n\nSee Chapter One\n\nRemember:\n\nOne\n\nTwo"


@pytest.mark.parametrize("head", ["<title>The Hens</title>", ""], ids=["title", "no-title"])
def test_a_title_styled_paragraph_after_the_first_chapter_makes_no_title_page(head: str) -> None:
    """A regression guard: a paragraph of class "title" in the text (a poem's title) is not
    the book's title: it made the book's untitled opening, which holds its words ("Ode" in
    "episode"), a title page, skipped, and titled the book "Ode"."""
    body = """<p>It was the first episode.</p><h2>One</h2><p>Eggs.</p><h2>Two</h2>
    <p>Foxes.</p><p class="title">Ode</p><p>A poem.</p>"""
    book = read(body, head=head)
    assert (book.sections[0].kind, book.sections[0].skip_reason) == ("chapter", "")
    assert book.metadata.title == ("The Hens" if head else "")


@pytest.mark.parametrize(
    "lines",
    [["Part One", "Part Two"], ["Book 1: Dune", "Book 2: Emma"]],
    ids=["parts", "books"],
)
def test_chapter_labels_one_under_another_make_no_chapters(lines: list[str]) -> None:
    """A regression guard: labels listed one under another in a page without headings (a
    quoted list, a reading list) are prose; they made chapters of nothing but a title."""
    paragraphs = ["She read the list aloud:", *lines, "It was a good list."]
    book = read("".join(f"<p>{line}</p>" for line in paragraphs), head="")
    assert [(s.title, s.body) for s in book.sections] == [("", "\n\n".join(paragraphs))]


def test_words_before_a_small_space_that_is_no_list_marker_are_read() -> None:
    """A regression guard: Word's 7-point spacer follows a list's bullet or number; words
    before one ("He said") are no marker, and were cut."""
    body = """<h1>One</h1><p class=MsoNormal>He said<span
    style='font:7.0pt "Times New Roman"'> </span>no.</p><h1>Two</h1><p>x</p>"""
    assert read(body).sections[0].body == "He said no."


def test_a_chapter_whose_label_links_back_to_a_number_in_the_text_is_read() -> None:
    """A regression guard: a chapter in a box whose label links back to a reference to it
    ("See Chapter 2") is no note: the whole chapter was left unread."""
    body = """<p>See Chapter <a id="t2" href="#c2">2</a> for more.</p><h1>One</h1><p>Eggs.</p>
    <h1>Two</h1><div id="c2"><p><a href="#t2">Chapter 2</a></p><p>Lots of text.</p></div>"""
    assert read(body).sections[-1].body == "Chapter 2\n\nLots of text."


def test_a_box_with_the_tooltip_header_in_the_text_is_read() -> None:
    """A regression guard: LibreOffice writes its page header first in the body and its
    footer last; a box titled "header" among the text (a tooltip) is the text's."""
    body = """<h1>One</h1><div title="header"><p>Real text under a tooltip.</p></div>
    <h1>Two</h1><div title="footer"><p>More real text.</p></div><p>The end.</p>"""
    book = read(body)
    assert [s.body for s in book.sections] == [
        "Real text under a tooltip.",
        "More real text.\n\nThe end.",
    ]


def test_a_list_of_links_to_headings_among_other_items_is_read() -> None:
    """A regression guard (Node.js's API pages): a list naming sections, some of its items
    links back to a heading read before or words besides a link, is the text's. Its items
    linking on were cut as contents entries, leaving "Affects: One."."""
    body = """<h2 id="a">One</h2><p>Affects:</p><ul><li><a href="#a">One</a></li>
    <li><a href="#b">Two</a></li><li><a href="#c">Three</a></li></ul><p>Signatures</p><ul>
    <li><a href="#b">Two</a></li><li><a href="#c">Three</a></li><li><a href="#c">Four</a> for
    servers</li></ul><h2 id="b">Two</h2><p>Eggs.</p><h2 id="c">Three</h2><p>Foxes.</p>"""
    assert read(body).sections[0].body == (
        "Affects:\n\nOne\n\nTwo\n\nThree\n\nSignatures\n\nTwo\n\nThree\n\nFour for servers"
    )


def test_a_list_of_links_a_sentence_introduces_is_read() -> None:
    """A regression guard (Node.js's API pages): links to sections after them, listed under
    a sentence that they end ("It is used in:"), are its words, no table of contents; a
    list under "Contents:" is one."""
    body = """<h2 id="a">One</h2><p>The old mode is used in:</p><ul><li><a href="#b">Two</a>
    </li><li><a href="#c">Three</a></li></ul><p>Contents:</p><ol><li><a href="#b">Two</a></li>
    <li><a href="#c">Three</a></li></ol><h2 id="b">Two</h2><p>Eggs.</p><h2 id="c">Three</h2>
    <p>Foxes.</p>"""
    assert read(body).sections[0].body == "The old mode is used in:\n\nTwo\n\nThree"


def test_entries_of_a_contents_list_nested_as_a_sibling_are_not_read() -> None:
    """npm's pages nest a sub-list beside its entry, not in it (<ul><li>…</li><ul>…</ul>):
    the entries between sub-lists stood alone and were read out of the contents."""
    body = """<p>Table of contents</p><ul><li><a href="#a">One</a></li><ul><li><a href="#a1">
    Sub</a></li></ul><li><a href="#b">Two</a></li><ul><li><a href="#b1">Sub</a></li></ul>
    <li><a href="#c">Three</a></li></ul><h2 id="a">One</h2><h3 id="a1">Sub</h3><p>Eggs.</p>
    <h2 id="b">Two</h2><h3 id="b1">Sub</h3><p>Foxes.</p><h2 id="c">Three</h2><p>Hens.</p>"""
    sections = [(s.title, s.body) for s in read(body).sections if s.body]
    # a number's heading over one lower heading is its title ("One: Sub", `joined_numbers`)
    assert sections == [("One: Sub", "Eggs."), ("Two: Sub", "Foxes."), ("Three", "Hens.")]


def test_a_line_linking_to_a_heading_in_a_tracked_deletion_is_read() -> None:
    """A regression guard: lines linking to a heading in Word's tracked deletion (taken
    out before the contents are looked for) stopped the read with a KeyError."""
    body = """<p><a href="#x">Old</a></p><p><a href="#y">Two</a></p><del cite="mailto:a">
    <h1 id="x">Old</h1></del><h1 id="y">Two</h1><p>Eggs.</p><h1>Three</h1><p>Foxes.</p>"""
    assert [s.body for s in read(body).sections] == ["Old\n\nTwo", "Eggs.", "Foxes."]
