"""Project Gutenberg's EPUBs: the header and the licence it sets around every e-text are
listed as skipped, never narrated, whether marked up as newer files (EPUB 3, sections
with ids) or older ones (EPUB 2, plain paragraphs and a <pre>) do it; a book that only
mentions Project Gutenberg is read as it was. Each book is built in memory with the markup
Project Gutenberg's ebookmaker writes."""

import json
import re
import time
from pathlib import Path

import pytest

from producer.cli import main
from producer.readers.book import select
from tests.producer.test_readers_epub import XHTML_11, build, page, read

# EPUB 3, as ebookmaker 0.12 makes one: a cover wrapper, then the HTML split into files,
# the header in a section at the top of the first and the licence at the bottom of the last.
PG_ID = '<dc:identifier id="id">http://www.gutenberg.org/ebooks/24000</dc:identifier>'
EPUB3_METADATA = (
    f"{PG_ID}<dc:title>The Hens</dc:title><dc:language>en</dc:language>"
    '<dc:creator id="author_0">A. Farmer</dc:creator><dc:date>2008-01-03</dc:date>'
    '<meta property="dcterms:modified">2024-05-01T10:00:00Z</meta>'
    "<dc:source>https://www.gutenberg.org/files/24000/24000-h/24000-h.htm</dc:source>"
)
HEADER3 = """<section class="pg-boilerplate pgheader" id="pg-header" lang="en"><h2 \
id="pg-header-heading" title="">The Project Gutenberg eBook of <span lang="en" \
id="pg-title-no-subtitle">The Hens</span></h2>

<div>This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online
at <a class="reference external" href="https://www.gutenberg.org">www.gutenberg.org</a>.</div>

<div class="container" id="pg-machine-header"><p><strong>Title</strong>: The Hens</p>
<div id="pg-header-authlist">
<p><strong>Author</strong>: A. Farmer</p>
</div>
<p><strong>Release date</strong>: January 3, 2008 [eBook #24000]<br/>
Most recently updated: May 1, 2024</p>

<p><strong>Language</strong>: English</p>

<p><strong>Original publication</strong>: London: Coop Press, 1891</p>

<p><strong>Credits</strong>: Produced by A. Volunteer</p>

</div><div id="pg-start-separator">
<span>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS ***</span>
</div></section>"""
FOOTER3 = """<section class="pg-boilerplate pgheader" id="pg-footer" lang="en">
<div id="pg-end-separator">
<span>*** END OF THE PROJECT GUTENBERG EBOOK THE HENS ***</span>
</div>

<div>Updated editions will replace the previous one—the old editions will
be renamed.</div>

<div id="project-gutenberg-license">START: FULL LICENSE</div>
<h2 id="pgepubid00009">THE FULL PROJECT GUTENBERG LICENSE</h2>
<div>PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK</div>
<div>Section 1. General Terms of Use and Redistributing Project Gutenberg™
electronic works</div>
</section>"""
BODY3 = ' class="x-ebookmaker x-ebookmaker-3"'
FIRST3 = "24000-h-0.htm.xhtml"
LAST3 = "24000-h-1.htm.xhtml"


def ebookmaker_page(body: str, doctype: str = "") -> str:
    """A content document with ebookmaker's body classes."""
    return page(body, doctype=doctype).replace("<body>", f"<body{BODY3}>")


def gutenberg_epub3(licence_in_toc: bool = True, close: str = "<p>THE END</p>") -> bytes:
    files = {
        "wrap0000.xhtml": page('<div class="x-ebookmaker-cover"><img alt="" src="c.jpg"/></div>'),
        FIRST3: ebookmaker_page(
            f'{HEADER3}<h1 id="pgepubid00000">THE HENS</h1><div class="ph2">BY A. FARMER</div>'
            '<h2 id="pgepubid00001">CHAPTER I. EGGS</h2><p>Eggs were laid in the straw.</p>'
        ),
        LAST3: ebookmaker_page(
            '<h2 id="pgepubid00002">CHAPTER II. FOXES</h2><p>Foxes came by night.</p>'
            f"{close}{FOOTER3}"
        ),
    }
    toc = [
        (f"{FIRST3}#pgepubid00000", "THE HENS"),
        (f"{FIRST3}#pgepubid00001", "CHAPTER I. EGGS"),
        (f"{LAST3}#pgepubid00002", "CHAPTER II. FOXES"),
    ]
    if licence_in_toc:
        toc.append((f"{LAST3}#pgepubid00009", "THE FULL PROJECT GUTENBERG LICENSE"))
    return build(files, toc, metadata=EPUB3_METADATA)


# EPUB 2, as "epub.noimages" was made before the header had its section: plain paragraphs
# before the START line, the END line and the licence in a <pre> after the book.
EPUB2_METADATA = (
    '<dc:rights>Public domain in the USA.</dc:rights><dc:identifier id="id" opf:scheme="URI">'
    "http://www.gutenberg.org/ebooks/24000</dc:identifier>"
    '<dc:creator opf:file-as="Farmer, A.">A. Farmer</dc:creator><dc:title>The Hens</dc:title>'
    '<dc:language xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:type="dcterms:RFC4646">en</dc:language>'
    '<dc:date opf:event="publication">2008-01-03</dc:date>'
    '<dc:date opf:event="conversion">2010-02-15T17:50:02.335756+00:00</dc:date>'
    "<dc:source>http://www.gutenberg.org/files/24000/24000-h/24000-h.htm</dc:source>"
)
HEADER2 = """<p>The Project Gutenberg EBook of The Hens, by A. Farmer</p>
<p>This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org</p>
<p>Title: The Hens</p>
<p>Author: A. Farmer</p>
<p>Release Date: January 3, 2008 [EBook #24000]</p>
<p>Language: English</p>
<p>*** START OF THIS PROJECT GUTENBERG EBOOK THE HENS ***</p>
<p>Produced by A. Volunteer</p>"""
FOOTER2 = """<pre>

End of the Project Gutenberg EBook of The Hens, by A. Farmer

*** END OF THIS PROJECT GUTENBERG EBOOK THE HENS ***

***** This file should be named 24000-h.htm or 24000-h.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/2/4/0/0/24000/

Updated editions will replace the previous one--the old editions
will be renamed.

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK
</pre>"""
FIRST2 = "@public@vhost@g@gutenberg@html@files@24000@24000-h@24000-h-0.htm.html"
LAST2 = "@public@vhost@g@gutenberg@html@files@24000@24000-h@24000-h-1.htm.html"


def gutenberg_epub2(header: str = HEADER2, footer: str = FOOTER2) -> bytes:
    files = {
        FIRST2: page(
            f'{header}<h1><a id="pgepubid00000"></a>THE HENS</h1><h3>BY A. FARMER</h3>'
            '<h2><a id="pgepubid00001"></a>CHAPTER I. EGGS</h2><p>Eggs were laid in the straw.</p>',
            doctype=XHTML_11,
        ),
        LAST2: page(
            '<h2><a id="pgepubid00002"></a>CHAPTER II. FOXES</h2><p>Foxes came by night.</p>'
            f"<p>THE END</p>{footer}",
            doctype=XHTML_11,
        ),
    }
    toc = [
        (f"{FIRST2}#pgepubid00000", "THE HENS"),
        (f"{FIRST2}#pgepubid00001", "CHAPTER I. EGGS"),
        (f"{LAST2}#pgepubid00002", "CHAPTER II. FOXES"),
    ]
    return build(files, toc, version=2, metadata=EPUB2_METADATA)


# Words of the header and the licence that no line of the story has.
BOILERPLATE = re.compile(
    r"gutenberg|ebook|licen[cs]e|anyone anywhere|release date|updated editions|volunteer"
    r"|\*\*\*|distribute|this file",
    re.I,
)
STORY = [
    ("THE HENS", "BY A. FARMER"),  # the title page, an entry of the table of contents
    ("CHAPTER I. EGGS", "Eggs were laid in the straw."),
    ("CHAPTER II. FOXES", "Foxes came by night.\n\nTHE END"),
]


def narrated(data: bytes) -> list[tuple[str, str]]:
    """Each chapter the book would narrate by default: its title and text."""
    manuscript = select(read(data), "hens.epub")
    return [(c.title, c.text.removeprefix(c.title).strip()) for c in manuscript.chapters]


def skipped(data: bytes) -> list[tuple[str, str, str]]:
    manuscript = select(read(data), "hens.epub")
    return [(s.title, s.kind, s.reason) for s in manuscript.skipped]


SKIPPED_HEADER = ("Project Gutenberg's header", "boilerplate", "e-text boilerplate, not the book's")
SKIPPED_LICENCE = (
    "Project Gutenberg's licence",
    "boilerplate",
    "e-text boilerplate, not the book's",
)


@pytest.mark.parametrize(
    "data",
    [gutenberg_epub3(), gutenberg_epub3(licence_in_toc=False), gutenberg_epub2()],
    ids=["epub3", "epub3-licence-not-in-toc", "epub2"],
)
def test_gutenbergs_header_and_licence_are_skipped_and_the_story_is_whole(data: bytes) -> None:
    """Given Project Gutenberg's EPUB 3 (header and licence in sections of their own, the
    licence's heading in the table of contents) and EPUB 2 (plain paragraphs before the
    START line, a <pre> from the END line on): the header was narrated as an untitled first
    chapter (or the title page's), the licence at the end of the last chapter or as a
    chapter of its own."""
    assert narrated(data) == STORY
    said = " ".join(f"{title} {text}" for title, text in narrated(data))
    assert not BOILERPLATE.search(said), BOILERPLATE.findall(said)
    shown = skipped(data)
    assert shown[0] == SKIPPED_HEADER and shown[-1] == SKIPPED_LICENCE
    assert [s for s in shown if s[1] == "boilerplate"] == [SKIPPED_HEADER, SKIPPED_LICENCE]


def test_the_skipped_boilerplate_holds_all_of_it_and_nothing_of_the_story() -> None:
    book = read(gutenberg_epub2())
    header, licence = book.sections[0], book.sections[-1]
    assert header.body.startswith("The Project Gutenberg EBook of The Hens, by A. Farmer")
    # The e-text's credit under the START line, a line of newer files' headers, with it
    assert header.body.endswith(
        "*** START OF THIS PROJECT GUTENBERG EBOOK THE HENS ***\n\nProduced by A. Volunteer"
    )
    assert licence.body.startswith("End of the Project Gutenberg EBook of The Hens")
    assert licence.body.endswith("PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK")
    assert "BY A. FARMER" not in header.body  # the title page is the book's
    assert "Eggs" not in header.body + licence.body and "Foxes" not in licence.body


def test_a_pre_holding_the_header_is_cut_after_its_start_line_and_credit() -> None:
    """Given the header in one <pre> (as older HTML set it), the producer's credit and a
    line of the book's after its START line in it too: the header and the credit go, the
    book's line is read."""
    header = (
        "<pre>\nThe Project Gutenberg EBook of The Hens, by A. Farmer\n\nThis eBook is for "
        "the use of anyone anywhere at no cost\n\nTitle: The Hens\n\nRelease Date: January "
        "3, 2008 [EBook #24000]\n\n*** START OF THIS PROJECT GUTENBERG EBOOK THE HENS ***\n\n"
        "Produced by A. Volunteer and\nthe Online Distributed Proofreading Team.\n\n\n"
        "To my hens.\n</pre>"
    )
    book = read(gutenberg_epub2(header=header))
    assert book.sections[0].title == "Project Gutenberg's header"
    assert book.sections[0].body.endswith("Proofreading Team.")
    assert book.sections[1].body == "To my hens."  # the opening: a dedication, say
    assert not any("Gutenberg" in s.body for s in book.sections[1:-1])


def test_a_pre_of_a_hundred_thousand_tabs_is_read_at_once() -> None:
    """Hostile: under Gutenberg's header, a <pre> line of 100,000 tabs. The closing lines'
    pattern had two runs of [ \t]* side by side, and tried every split of them: quadratic
    (40,000 tabs: 9 s)."""
    header = (
        "<pre>\nTitle: The Hens\n\n*** START OF THIS PROJECT GUTENBERG EBOOK THE HENS ***\n"
        + "\t" * 100_000
        + "x\n</pre>"
    )
    began = time.perf_counter()
    book = read(gutenberg_epub2(header=header))
    assert time.perf_counter() - began < 5
    assert book.sections[0].title == "Project Gutenberg's header"


def test_markers_joined_to_other_lines_at_brs_are_cut_where_they_stand() -> None:
    """Given the header's lines and its START line in one paragraph broken by <br>s (read
    as one line), and the book's last words and the END line so: the cut is at each
    marker, the book's words before the END line read."""
    header = (
        "<p>The Project Gutenberg EBook of The Hens<br/>Title: The Hens<br/>Author: A. Farmer"
        "<br/>*** START OF THIS PROJECT GUTENBERG EBOOK THE HENS ***</p>"
    )
    footer = (
        "<p>So it ended.<br/>*** END OF THIS PROJECT GUTENBERG EBOOK THE HENS ***</p>"
        "<p>Updated editions will replace the previous one.</p>"
    )
    data = gutenberg_epub2(header=header, footer=footer)
    assert narrated(data)[-1] == (
        "CHAPTER II. FOXES",
        "Foxes came by night.\n\nTHE END\n\nSo it ended.",
    )
    assert [s[0] for s in skipped(data)] == [SKIPPED_HEADER[0], SKIPPED_LICENCE[0]]


def test_inspect_lists_the_boilerplate_as_skipped_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hens.epub"
    path.write_bytes(gutenberg_epub3())
    assert main(["inspect", str(path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["title"] for c in shown["chapters"]] == [title for title, _ in STORY]
    listed = [(s["title"], s["reason"]) for s in shown["skipped"]]
    assert listed[0] == ("Project Gutenberg's header", "e-text boilerplate, not the book's")
    assert listed[-1] == ("Project Gutenberg's licence", "e-text boilerplate, not the book's")
    assert shown["metadata"]["date"] == "1891"  # the header's, read before it was dropped
    assert not shown["warnings"]  # no TOC entry into the licence left pointing nowhere
    assert main(["inspect", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "skipped: Project Gutenberg's header (e-text boilerplate, not the book's)" in printed


def test_the_boilerplate_is_told_by_its_markers_not_by_a_mention() -> None:
    """Given a Gutenberg book whose story mentions Project Gutenberg, and a publisher's book
    that does (an afterword on where its text came from, a line that opens "End of"): the
    mentions are read; only the header and the licence go."""
    mention = (
        "<p>She found it on Project Gutenberg, the eBook of The Hens.</p>"
        "<p>End of the line, said the Project Gutenberg volunteer.</p>"
    )
    pg = gutenberg_epub3(close=mention)
    assert narrated(pg)[-1] == (
        "CHAPTER II. FOXES",
        "Foxes came by night.\n\nShe found it on Project Gutenberg, the eBook of The Hens.\n\n"
        "End of the line, said the Project Gutenberg volunteer.",
    )
    afterword = (
        "<h2>Afterword</h2><p>This text was first transcribed for Project Gutenberg.</p>"
        "<p>End of Project Gutenberg's part in it, and the start of ours.</p>"
        "<p>*** START OF THE PROJECT GUTENBERG EBOOK, as the old files said ***</p>"
    )
    files = {
        "one.xhtml": page("<h2>Eggs</h2><p>Eggs were laid.</p>"),
        "two.xhtml": page("<h2>Foxes</h2><p>Foxes came.</p>"),
        "after.xhtml": page(afterword),
    }
    toc = [("one.xhtml", "Eggs"), ("two.xhtml", "Foxes"), ("after.xhtml", "Afterword")]
    ordinary = select(read(build(files, toc)), "b.epub")
    assert [c.title for c in ordinary.chapters] == ["Eggs", "Foxes", "Afterword"]
    assert ordinary.chapters[-1].text == "\n\n".join(re.findall(r">([^<]+)</", afterword))
    assert not ordinary.skipped
