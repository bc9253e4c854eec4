"""The EPUB reader: sections from the table of contents mapped onto the spine, front and
back matter recognised, the text as a listener should hear it, hostile files refused.

Every book here is built in memory: XHTML strings zipped with an OPF and a nav or NCX."""

import io
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from config.errors import ManuscriptError
from producer.readers import epub, read_manuscript
from producer.readers.book import Book, select
from tests.conftest import Setting

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
XHTML_11 = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
    '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
)
CONTAINER = """<?xml version="1.0"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>"""
METADATA = """<dc:title>The Hens</dc:title><dc:language>en-GB</dc:language>
<dc:creator id="a1">A. Farmer</dc:creator>
<meta refines="#a1" property="role" scheme="marc:relators">aut</meta>
<dc:creator id="i1">I. Drawer</dc:creator>
<meta refines="#i1" property="role" scheme="marc:relators">ill</meta>
<dc:publisher>Coop Press</dc:publisher><dc:date>1906-01-01</dc:date>"""


def page(body: str, body_type: str = "", doctype: str = "") -> str:
    """An XHTML content document."""
    typed = f' epub:type="{body_type}"' if body_type else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>t</title></head><body{typed}>{body}</body></html>"
    )


def chapter(title: str, *paragraphs: str, kind: str = "chapter", id_: str = "") -> str:
    """A section element with a heading and paragraphs."""
    ident = f' id="{id_}"' if id_ else ""
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<section epub:type="{kind}"{ident}><h2>{title}</h2>{ps}</section>'


Toc = Sequence[tuple[str, str] | tuple[str, str, "Toc"]]  # (href, label[, nested entries])


def nav_items(toc: Toc) -> str:
    return "".join(
        f'<li><a href="{e[0]}">{e[1]}</a>'
        + (f"<ol>{nav_items(e[2])}</ol>" if len(e) == 3 else "")
        + "</li>"
        for e in toc
    )


def nav_document(toc: Toc, landmarks: Sequence[tuple[str, str]]) -> str:
    marks = "".join(f'<li><a epub:type="{t}" href="{href}">{t}</a></li>' for href, t in landmarks)
    return page(
        f'<nav epub:type="toc"><h1>Contents</h1><ol>{nav_items(toc)}</ol></nav>'
        f'<nav epub:type="landmarks"><ol>{marks}</ol></nav>'
    )


def nav_points(toc: Toc) -> str:
    return "".join(
        f'<navPoint id="p{e[0]}"><navLabel><text>{e[1]}</text></navLabel>'
        f'<content src="{e[0]}"/>{nav_points(e[2]) if len(e) == 3 else ""}</navPoint>'
        for e in toc
    )


def ncx_document(toc: Toc) -> str:
    return (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f"<head/><docTitle><text>t</text></docTitle><navMap>{nav_points(toc)}</navMap></ncx>"
    )


def build(
    files: dict[str, str],
    toc: Toc | None = None,
    *,
    version: int = 3,
    landmarks: Sequence[tuple[str, str]] = (),
    guide: str = "",
    metadata: str = METADATA,
    manifest: str = "",
    members: dict[str, bytes] | None = None,
    nonlinear: Sequence[str] = (),
) -> bytes:
    """An EPUB of `files` (paths under OEBPS/, in spine order) with a nav (EPUB 3) or NCX
    (EPUB 2) listing `toc` as (href, label)."""
    items = "".join(
        f'<item id="f{i}" href="{path}" media-type="application/xhtml+xml"/>'
        for i, path in enumerate(files)
    )
    linear = {path: ' linear="no"' if path in nonlinear else "" for path in files}
    spine = "".join(f'<itemref idref="f{i}"{linear[path]}/>' for i, path in enumerate(files))
    parts = {f"OEBPS/{path}": text.encode() for path, text in files.items()}
    if toc is not None and version == 3:
        items += (
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
        parts["OEBPS/nav.xhtml"] = nav_document(toc, landmarks).encode()
    if toc is not None and version == 2:
        items += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        parts["OEBPS/toc.ncx"] = ncx_document(toc).encode()
    opf = (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="{version}.0"'
        ' xmlns:opf="http://www.idpf.org/2007/opf" unique-identifier="id">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{metadata}</metadata>'
        f'<manifest>{items}{manifest}</manifest><spine toc="ncx">{spine}</spine>'
        f"<guide>{guide}</guide></package>"
    )
    members = {"OEBPS/content.opf": opf.encode(), **parts, **(members or {})}
    return zipped(
        {
            "mimetype": b"application/epub+zip",
            "META-INF/container.xml": CONTAINER.encode(),
            **members,
        }
    )


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def read(data: bytes) -> Book:
    return epub.read(data, "b.epub")


def titles(book: Book) -> list[str]:
    return [c.title for c in select(book, "b.epub").chapters]


TWO_CHAPTERS = {
    "one.xhtml": page(chapter("One", "Eggs were laid.")),
    "two.xhtml": page(chapter("Two", "Foxes came.")),
}


# Structure: table of contents, spine, anchors


def test_epub3_nav_gives_the_chapters_in_order() -> None:
    book = read(build(TWO_CHAPTERS, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    manuscript = select(book, "b.epub")
    assert [(c.title, c.text, c.kind) for c in manuscript.chapters] == [
        ("One", "One\n\nEggs were laid.", "chapter"),
        ("Two", "Two\n\nFoxes came.", "chapter"),
    ]


def test_epub2_ncx_gives_the_chapters_and_xhtml_entities_are_read() -> None:
    """Given EPUB 2 XHTML with the XHTML 1.1 doctype and &nbsp; (its DTD is never loaded)."""
    files = {
        "a.xhtml": page("<h1>Chapter&nbsp;One</h1><p>It was&mdash;so.</p>", doctype=XHTML_11),
        "b.xhtml": page("<h1>Chapter Two</h1><p>Foxes.</p>", doctype=XHTML_11),
    }
    book = read(build(files, [("a.xhtml", "One"), ("b.xhtml", "Two")], version=2))
    assert [(s.title, s.body) for s in book.sections] == [
        ("Chapter One", "It was—so."),
        ("Chapter Two", "Foxes."),
    ]


def test_the_toc_label_is_the_title_where_the_text_has_no_heading() -> None:
    files = {"a.xhtml": page("<p>Untitled start.</p>"), "b.xhtml": page("<p>More.</p>")}
    book = read(build(files, [("a.xhtml", "Opening"), ("b.xhtml", "Middle")]))
    assert titles(book) == ["Opening", "Middle"]


def test_two_chapters_in_one_file_are_split_at_their_anchors() -> None:
    body = chapter("One", "a.", id_="c1") + '<div><a id="c2"/><h2>Two</h2><p>b.</p></div>'
    book = read(build({"all.xhtml": page(body)}, [("all.xhtml#c1", "1"), ("all.xhtml#c2", "2")]))
    assert [(s.title, s.body) for s in book.sections] == [("One", "a."), ("Two", "b.")]


def test_a_chapter_spread_over_two_files_is_joined() -> None:
    """Given one.xhtml and its continuation one-b.xhtml, which the TOC does not list."""
    files = {
        "one.xhtml": page(chapter("One", "First half.")),
        "one-b.xhtml": page("<p>Second half.</p>"),
        "two.xhtml": page(chapter("Two", "b.")),
    }
    book = read(build(files, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "First half.\n\nSecond half."),
        ("Two", "b."),
    ]


@pytest.mark.parametrize("version", [3, 2])
def test_entries_nested_in_a_chapter_after_its_own_text_stay_in_it(version: int) -> None:
    """Given a chapter with an opening paragraph, then subsections the TOC lists under it."""
    body = chapter("One", "Opening.") + '<h3 id="s1">Background</h3><p>Details.</p>'
    files = {"one.xhtml": page(body), "two.xhtml": page(chapter("Two", "b."))}
    toc: Toc = [("one.xhtml", "One", [("one.xhtml#s1", "Background")]), ("two.xhtml", "Two")]
    book = read(build(files, toc, version=version))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Opening.\n\nBackground\n\nDetails."),
        ("Two", "b."),
    ]


@pytest.mark.parametrize("version", [3, 2])
def test_chapters_nested_in_a_part_of_the_same_file_are_split(version: int) -> None:
    body = (
        '<section epub:type="part" id="p1"><h1>Part One</h1>'
        + chapter("Chapter 1", "a.", id_="c1")
        + chapter("Chapter 2", "b.", id_="c2")
        + "</section>"
    )
    toc = [("book.xhtml#p1", "Part One", [("book.xhtml#c1", "1"), ("book.xhtml#c2", "2")])]
    book = read(build({"book.xhtml": page(body)}, toc, version=version))
    assert [(s.title, s.body, s.kind) for s in book.sections] == [
        ("Part One", "", "part"),
        ("Chapter 1", "a.", "chapter"),
        ("Chapter 2", "b.", "chapter"),
    ]


@pytest.mark.parametrize("version", [3, 2])
def test_a_parts_first_chapter_in_its_file_after_an_epigraph_is_a_chapter(version: int) -> None:
    """Given Part One's file: its heading, an epigraph, then Chapter 1, which the TOC nests
    under the part beside Chapter 2 in a file of its own. Chapter 1 was read as the part's
    subsection: no marker, no --chapter, its text inside the part's."""
    part = '<h1>Part One</h1><p>An epigraph.</p><h2 id="c1">Chapter 1</h2><p>Alpha.</p>'
    files = {"p1.xhtml": page(part), "c2.xhtml": page(chapter("Chapter 2", "Bravo."))}
    toc: Toc = [("p1.xhtml", "Part One", [("p1.xhtml#c1", "1"), ("c2.xhtml", "2")])]
    book = read(build(files, toc, version=version))
    assert [(s.title, s.body) for s in book.sections] == [
        ("Part One", "An epigraph."),
        ("Chapter 1", "Alpha."),
        ("Chapter 2", "Bravo."),
    ]


@pytest.mark.parametrize("version", [3, 2])
def test_an_untyped_part_page_holding_its_chapters_is_a_part_with_its_text_read(
    version: int,
) -> None:
    """Given a converted book's part pages (no epub:type, files not named for parts),
    their chapters nested under them in the TOC, each in a file of its own: Part One's
    page with an introduction, Part Two's with its heading alone. Both were of the kind
    "chapter", as a typed part is not. A chapter whose sections the TOC nests under it in
    files of their own stays a chapter, and a part's entry at its first chapter's place
    names a chapter."""
    files = {
        "p1.xhtml": page("<h1>Part One</h1><p>An introduction.</p><p>Of hens.</p>"),
        "c1.xhtml": page("<h2>Chapter 1</h2><p>Alpha.</p>"),
        "c2.xhtml": page("<h2>Chapter 2</h2><p>Bravo.</p>"),
        "s1.xhtml": page("<h3>Of Eggs</h3><p>Eggs.</p>"),
        "p2.xhtml": page("<h1>PART II: THE AFTER</h1>"),
        "c3.xhtml": page("<h2>Chapter 3</h2><p>Charlie.</p>"),
        "c4.xhtml": page("<h2>Chapter 4</h2><p>Delta.</p>"),
    }
    toc: Toc = [
        ("p1.xhtml", "Part One", [("c1.xhtml", "1"), ("c2.xhtml", "2", [("s1.xhtml", "2.1")])]),
        ("p2.xhtml", "Part Two", [("c3.xhtml", "3")]),
        ("c4.xhtml", "Part Three", [("c4.xhtml", "4")]),
    ]
    book = read(build(files, toc, version=version))
    assert [(s.title, s.body, s.kind) for s in book.sections] == [
        ("Part One", "An introduction.\n\nOf hens.", "part"),
        ("Chapter 1", "Alpha.", "chapter"),
        ("Chapter 2", "Bravo.", "chapter"),
        ("Of Eggs", "Eggs.", "chapter"),
        ("PART II: THE AFTER", "", "part"),
        ("Chapter 3", "Charlie.", "chapter"),
        ("Chapter 4", "Delta.", "chapter"),
    ]


def test_a_headed_file_the_toc_leaves_out_after_back_matter_is_not_skipped_with_it() -> None:
    """Given "About the Author", a file the TOC does not list, after the listed Index: it
    was taken for the index's continuation and skipped with it, unsaid. A file without a
    heading after a chapter is still that chapter's continuation."""
    files = {
        **TWO_CHAPTERS,
        "two-b.xhtml": page("<p>More foxes.</p>"),
        "index.xhtml": page("<h1>Index</h1><p>eggs, 3</p><p>foxes, 9</p>"),
        "about.xhtml": page("<h2>About the Author</h2><p>She keeps hens.</p>"),
    }
    toc = [("one.xhtml", "1"), ("two.xhtml", "2"), ("index.xhtml", "Index")]
    book = read(build(files, toc))
    assert [(s.title, s.body) for s in book.sections if not s.skip_reason] == [
        ("One", "Eggs were laid."),
        ("Two", "Foxes came.\n\nMore foxes."),
        ("About the Author", "She keeps hens."),
    ]
    assert [s.title for s in book.sections if s.skip_reason] == ["Index"]


def test_a_copyright_page_nothing_marks_is_skipped_by_what_it_says() -> None:
    """Given a converted book's copyright page (no type, guide, heading or TOC entry), then
    a dedication, before chapter one: the copyright page was narrated, ISBN and all, with
    the dedication run into it. A chapter that quotes a copyright line at length is read."""
    quoting = "<p>" + "He read the notice aloud. " * 60 + "</p><p>Copyright, ISBN.</p>"
    files = {
        "c.xhtml": page(
            "<p>Copyright © 2021 Ann Author. All rights reserved.</p><p>ISBN 978-1-00000-000-0</p>"
        ),
        "d.xhtml": page("<p>For Mum</p>"),
        **TWO_CHAPTERS,
        "three.xhtml": page(chapter("Three", "") + quoting),
    }
    toc = [("one.xhtml", "1"), ("two.xhtml", "2"), ("three.xhtml", "3")]
    book = read(build(files, toc))
    assert [(s.kind, s.skip_reason) for s in book.sections][:2] == [
        ("copyright-page", "front matter (copyright-page)"),
        ("chapter", ""),
    ]
    assert [s.body for s in book.sections][1:3] == ["For Mum", "Eggs were laid."]
    assert book.sections[-1].title == "Three" and not book.sections[-1].skip_reason


def test_an_index_before_an_extract_is_skipped_and_a_chapter_called_index_is_read() -> None:
    """Given an index, then an extract from the author's next book (a trade ebook's end):
    the index stood between chapters, so its name did not count, and it was read aloud,
    page numbers and all. A chapter called "Index" in prose is still read."""
    files = {
        **TWO_CHAPTERS,
        "story.xhtml": page("<h1>Index</h1><p>She kept an index of her hens.</p><p>It grew.</p>"),
        "index.xhtml": page("<h1>Index</h1><p>eggs, 3, 12–14</p><p>foxes, 9</p><p>hens, xi</p>"),
        "extract.xhtml": page(chapter("From the next book", "Snow fell.")),
    }
    toc = [(path, path) for path in files]
    sections = read(build(files, toc)).sections
    assert [(s.title, s.kind, bool(s.skip_reason)) for s in sections] == [
        ("One", "chapter", False),
        ("Two", "chapter", False),
        ("Index", "chapter", False),
        ("Index", "index", True),
        ("From the next book", "chapter", False),
    ]


def test_an_also_by_page_nothing_marks_is_skipped_and_a_chapter_so_headed_is_read() -> None:
    """Given a trade ebook's list of the author's other books, "Also by A. Farmer" before
    the title page (in the TOC) and "By the same author" as a paragraph after "About the
    Author" (left out of it), neither typed: both were read aloud, the second as the end
    of "About the Author". A story headed "Also by Moonlight", in prose or in short lines
    of dialogue, is read."""
    books = "<p>The Hens</p><p>Novels:</p><p>Eggs at Dawn</p><p>Whose Fox?</p>"
    files = {
        "also.xhtml": page("<h1>Also by A. Farmer</h1>" + books),
        **TWO_CHAPTERS,
        "moon.xhtml": page(chapter("Also by Moonlight", "The Fox", "The hens slept.")),
        "said.xhtml": page(chapter("Also by Night", "Hens", "“Who?”", "“Me!”")),
        "about.xhtml": page(chapter("About the Author", "A. Farmer keeps hens.")),
        "more.xhtml": page("<p>By the same author</p>" + books),
    }
    toc = [(path, path) for path in files if path != "more.xhtml"]
    sections = read(build(files, toc)).sections
    assert [(s.title, s.kind, s.skip_reason) for s in sections] == [
        ("Also by A. Farmer", "also-by", "front matter (also-by)"),
        ("One", "chapter", ""),
        ("Two", "chapter", ""),
        ("Also by Moonlight", "chapter", ""),
        ("Also by Night", "chapter", ""),
        ("About the Author", "chapter", ""),
        ("", "also-by", "front matter (also-by)"),
    ]
    assert sections[-2].body == "A. Farmer keeps hens."


def test_without_a_toc_each_spine_file_is_a_section_titled_by_its_first_heading() -> None:
    files = {**TWO_CHAPTERS, "three.xhtml": page("<p>No heading.</p>")}
    book = read(build(files, toc=None))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Eggs were laid."),
        ("Two", "Foxes came."),
        ("", "No heading."),
    ]


def test_files_off_the_main_flow_are_read_only_where_the_toc_points() -> None:
    """Given two linear="no" files: a pop-up the TOC ignores, an appendix it lists. The
    pop-up, not read, is said to be left out (it went unsaid)."""
    files = {
        **TWO_CHAPTERS,
        "popup.xhtml": page("<p>A pop-up.</p>"),
        "appendix.xhtml": page(chapter("Appendix", "Tables.", kind="appendix")),
    }
    toc = [("one.xhtml", "1"), ("two.xhtml", "2"), ("appendix.xhtml", "A")]
    book = read(build(files, toc, nonlinear=["popup.xhtml", "appendix.xhtml"]))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Eggs were laid."),
        ("Two", "Foxes came."),
        ("Appendix", "Tables."),
    ]
    assert book.warnings == [
        'not read: a file off the reading order (linear="no") that the contents do not list: '
        "OEBPS/popup.xhtml"
    ]


def test_a_toc_entry_to_a_missing_anchor_starts_at_the_file_and_warns() -> None:
    book = read(build(TWO_CHAPTERS, [("one.xhtml#nowhere", "1"), ("two.xhtml", "2")]))
    assert titles(book) == ["One", "Two"]
    assert book.warnings == ["chapter '1': #nowhere is not in OEBPS/one.xhtml"]


def test_a_long_toc_to_missing_anchors_takes_linear_time() -> None:
    """Given 10,000 NCX entries whose fragments no block has, in a file of 10,000 blocks:
    each was a scan of every block (3.8 s); the blocks are indexed by id once (0.25 s)."""
    n = 10_000
    files = {"c.xhtml": page("".join(f'<p id="p{i}">Paragraph {i}.</p>' for i in range(n)))}
    data = build(files, [(f"c.xhtml#gone{i}", f"E{i}") for i in range(n)], version=2)
    start = time.perf_counter()
    book = read(data)
    assert time.perf_counter() - start < 5.0
    assert len(book.sections) == 1 and len(book.warnings) == n


def test_a_deep_ncx_takes_linear_time() -> None:
    """Given 5,000 NCX entries nested 200 deep: each navPoint's label and link were looked
    for in a list of its whole subtree, and each entry's parent hashed through all 200
    (2.6 s); now 0.06 s."""
    toc: Toc = [(f"c.xhtml#gone{i}", f"E{i}") for i in range(5000)]
    for depth in range(200):
        toc = [(f"c.xhtml#d{depth}", f"D{depth}", toc)]
    data = build({"c.xhtml": page("<p>Text.</p>")}, toc, version=2)
    start = time.perf_counter()
    book = read(data)
    assert time.perf_counter() - start < 5.0
    assert [(s.title, s.body) for s in book.sections] == [("D199", "Text.")]
    assert len(book.warnings) == 5200


def test_text_before_the_first_toc_entry_is_a_section_of_its_own() -> None:
    """Given an epigraph before the anchor of the first chapter in the same file: no
    section held it, and it was never read."""
    body = '<p>An epigraph.</p><h2 id="c1">One</h2><p>a.</p><h2 id="c2">Two</h2><p>b.</p>'
    book = read(build({"all.xhtml": page(body)}, [("all.xhtml#c1", "1"), ("all.xhtml#c2", "2")]))
    assert [(s.title, s.body) for s in book.sections] == [
        ("", "An epigraph."),
        ("One", "a."),
        ("Two", "b."),
    ]


def test_a_file_the_toc_leaves_out_after_front_matter_is_read() -> None:
    """Given a preface the TOC leaves out, after the contents page, and an epigraph before
    chapter one's anchor in its file: each joined the skipped contents, and went unread.
    A file the TOC leaves out after a section it does not skip still continues it."""
    files = {
        "toc.xhtml": page(chapter("Contents", "One. Two.", kind="toc")),
        "preface.xhtml": page("<p>Why hens.</p>"),
        "one.xhtml": page('<p>An epigraph.</p><h2 id="c1">One</h2><p>a.</p>'),
        "one-b.xhtml": page("<p>More of one.</p>"),
    }
    toc = [("toc.xhtml", "Contents"), ("one.xhtml#c1", "One")]
    book = read(build(files, toc))
    assert [(s.title, s.body, s.kind) for s in book.sections] == [
        ("Contents", "One. Two.", "toc"),
        ("", "Why hens.\n\nAn epigraph.", "preface"),
        ("One", "a.\n\nMore of one.", "chapter"),
    ]
    del files["preface.xhtml"]
    book = read(build(files, toc))
    assert [(s.title, s.body) for s in book.sections][1:] == [
        ("", "An epigraph."),
        ("One", "a.\n\nMore of one."),
    ]


def test_headings_and_toc_labels_naming_front_or_back_matter_give_its_kind() -> None:
    """Given a converted book (Calibre's part0000.html files, no epub:type): its contents
    page, notes and index were read as chapters, each of the kind "part"; the notes file
    the TOC leaves out is notes, not the end of the chapter before it."""
    files = {
        "part0000.html": page("<h1>Contents</h1><p>Chapter One</p><p>Chapter Two</p>"),
        "part0001.html": page(chapter("Chapter One", "a.")),
        "part0002.html": page("<h1>I</h1><p>b.</p>"),
        "part0003.html": page('<h1>Notes</h1><p><a href="part0001.html#r1">1</a> A note.</p>'),
        "part0004.html": page("<p>Hens, 12, 14</p>"),
    }
    toc = [("part0000.html", "Contents"), ("part0001.html", "Chapter One")]
    toc += [("part0002.html", "I"), ("part0004.html", "Index")]
    book = read(build(files, toc))
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("Contents", "toc", "front matter (toc)"),
        ("Chapter One", "chapter", ""),
        ("Chapter I", "chapter", ""),
        ("Notes", "endnotes", "back matter (endnotes)"),
        ("Index", "index", "back matter (index)"),
    ]


PROSE = "She wrote in the margins all night, and by morning the hens had eaten the pages."


@pytest.mark.parametrize("name", ["Notes", "Contents", "Cover", "Copyright", "Index", "Colophon"])
@pytest.mark.parametrize("with_toc", [True, False])
def test_a_chapter_between_chapters_titled_like_front_or_back_matter_is_read(
    name: str, with_toc: bool
) -> None:
    """Given a novel's untyped chapter headed "Notes" (or "Cover", "Index") between two
    others: it was skipped as back (or front) matter, and the listener lost a chapter."""
    files = {
        f"c{i}.xhtml": page(f"<h2>{title}</h2><p>{PROSE}</p>")
        for i, title in enumerate(["The Barn", name, "The Fox"])
    }
    toc = [(path, path) for path in files] if with_toc else None
    book = read(build(files, toc))
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("The Barn", "chapter", ""),
        (name, "chapter", ""),
        ("The Fox", "chapter", ""),
    ]


def test_the_title_page_before_the_first_entrys_anchor_is_skipped() -> None:
    """Given chapter one's file opening with the book's title page before the chapter's
    anchor: it was read as a chapter of its own ("The Hens", "By A. Farmer")."""
    body = '<h1>The Hens</h1><p>By A. Farmer</p><p>Coop Press</p><h2 id="c1">One</h2><p>a.</p>'
    files = {"one.xhtml": page(body), "two.xhtml": page(chapter("Two", "b."))}
    book = read(build(files, [("one.xhtml#c1", "One"), ("two.xhtml", "Two")]))
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("The Hens", "titlepage", "front matter (titlepage)"),
        ("One", "chapter", ""),
        ("Two", "chapter", ""),
    ]


@pytest.mark.parametrize(
    "running_head",
    ["<h1>The Hens</h1>", '<p class="title">THE HENS.</p>', "<header><p>A. Farmer</p></header>"],
)
def test_the_book_title_over_each_files_heading_is_not_read(running_head: str) -> None:
    """Given every chapter's file opening with the book's title (or its author) over the
    chapter's own heading: each chapter was titled "The Hens", or opened with it."""
    files = {
        "title.xhtml": page("<h1>The Hens</h1><p>By A. Farmer</p>"),
        **{
            f"c{i}.xhtml": page(f"{running_head}<h2>Chapter {i}</h2><p>Text {i}.</p>")
            for i in (1, 2)
        },
    }
    book = read(build(files, [(path, path) for path in files]))
    assert [(s.title, s.body) for s in book.sections] == [
        ("The Hens", "By A. Farmer"),
        ("Chapter 1", "Text 1."),
        ("Chapter 2", "Text 2."),
    ]


def test_one_book_titled_heading_over_a_chapter_is_kept() -> None:
    files = {"c1.xhtml": page("<h1>The Hens</h1><h2>Chapter 1</h2><p>a.</p>"), **TWO_CHAPTERS}
    book = read(build(files, toc=None))
    assert (book.sections[0].title, book.sections[0].body) == ("The Hens", "Chapter 1\n\na.")


def test_a_heading_set_as_an_image_is_titled_by_its_alt_text() -> None:
    """Given chapter headings drawn as images, with no TOC to name them: they were
    untitled, and no chapter's title was said."""
    files = {
        f"c{i}.xhtml": page(f'<h2><img src="c{i}.png" alt="Chapter {i}"/></h2><p>Text {i}.</p>')
        for i in (1, 2)
    }
    assert titles(read(build(files, toc=None))) == ["Chapter 1", "Chapter 2"]
    ornament = '<h2><img src="o.png" alt="ornament"/>Chapter 3</h2><p>c.</p>'
    assert titles(read(build({"c.xhtml": page(ornament)}, toc=None))) == ["Chapter 3"]


def test_a_heading_group_gives_a_numbered_title() -> None:
    """Given Standard Ebooks' <hgroup> of a numeral and a title."""
    hgroup = (
        '<section epub:type="chapter"><hgroup><h2 epub:type="ordinal z3998:roman">I</h2>'
        '<p epub:type="title">A Letter with a Postscript</p></hgroup><p>Text.</p></section>'
    )
    book = read(build({"c.xhtml": page(hgroup)}, [("c.xhtml", "I: A Letter")]))
    chapter_ = select(book, "b.epub").chapters[0]
    assert chapter_.title == "Chapter I: A Letter with a Postscript"
    assert chapter_.text == "Chapter I: A Letter with a Postscript\n\nText."


def test_a_header_gives_the_title_and_its_other_lines_are_read() -> None:
    body = (
        '<section epub:type="dedication"><header><h2 epub:type="title">Dedication</h2>'
        "<p>To W. Townend</p></header><p>Dear Bill.</p></section>"
    )
    section = read(build({"d.xhtml": page(body)}, [("d.xhtml", "D")])).sections[0]
    assert (section.title, section.body, section.kind) == (
        "Dedication",
        "To W. Townend\n\nDear Bill.",
        "dedication",
    )


def test_a_subtitle_a_converter_set_by_class_in_a_header_is_part_of_the_title() -> None:
    """Given `<p class="subtitle">` under a chapter's heading in its <header> (a
    converter's, with no epub:type): the title was "Chapter One" and the subtitle was read
    as the chapter's first line of text."""
    body = (
        '<section epub:type="chapter"><header><h1>Chapter One</h1><p class="subtitle">'
        "In Which It Begins</p></header><p>The hen sat.</p></section>"
    )
    section = read(build({"c.xhtml": page(body)}, [("c.xhtml", "1")])).sections[0]
    assert (section.title, section.body) == ("Chapter One: In Which It Begins", "The hen sat.")


# Front and back matter


MATTER = {
    "cover.xhtml": page('<section epub:type="cover"><img src="c.png" alt="Cover"/></section>'),
    "title.xhtml": page(chapter("The Hens", "By A. Farmer.", kind="titlepage")),
    "dedication.xhtml": page(chapter("Dedication", "To my hens.", kind="dedication")),
    "one.xhtml": page(chapter("One", "Eggs.")),
    "colophon.xhtml": page(chapter("Colophon", "Set in type.", kind="colophon"), "backmatter"),
    "legal.xhtml": page(chapter("Uncopyright", "Free.", kind="copyright-page"), "backmatter"),
}
MATTER_TOC = [(path, path) for path in MATTER]


def test_front_and_back_matter_are_skipped_by_epub_type() -> None:
    manuscript = select(read(build(MATTER, MATTER_TOC)), "b.epub")
    assert [(c.kind, c.title) for c in manuscript.chapters] == [
        ("dedication", "Dedication"),
        ("chapter", "One"),
    ]
    assert [(s.kind, s.reason) for s in manuscript.skipped] == [
        ("cover", "front matter (cover)"),
        ("titlepage", "front matter (titlepage)"),
        ("colophon", "back matter (colophon)"),
        ("copyright-page", "back matter (copyright-page)"),  # its body says backmatter
    ]


def test_include_brings_back_a_skipped_kind_and_skip_drops_a_title() -> None:
    book = read(build(MATTER, MATTER_TOC))
    manuscript = select(book, "b.epub", include=["titlepage"], skip=["dedication"])
    assert [c.title for c in manuscript.chapters] == ["The Hens", "One"]
    assert manuscript.chapters[0].text == "The Hens\n\nBy A. Farmer."
    assert [c.title for c in select(book, "b.epub", skip=["one"]).chapters] == ["Dedication"]


def test_landmarks_mark_front_matter_in_an_epub3() -> None:
    legal = '<div id="legal"><h2>Legal</h2><p>All rights.</p></div>'
    files = {"legal.xhtml": page(legal), **TWO_CHAPTERS}
    toc = [("legal.xhtml#legal", "Legal"), ("one.xhtml", "1"), ("two.xhtml", "2")]
    book = read(build(files, toc, landmarks=[("legal.xhtml#legal", "copyright-page")]))
    assert book.sections[0].skip_reason == "front matter (copyright-page)"
    assert titles(book) == ["One", "Two"]


def test_the_guide_marks_front_matter_in_an_epub2() -> None:
    """Given a guide naming the file, and a TOC entry pointing at an anchor in it."""
    front = '<div id="top"><h1>The Hens</h1><p>A. Farmer</p></div>'
    files = {"front.xhtml": page(front), **TWO_CHAPTERS}
    toc = [("front.xhtml#top", "Title"), ("one.xhtml", "1"), ("two.xhtml", "2")]
    guide = '<reference type="title-page" href="front.xhtml" title="Title Page"/>'
    book = read(build(files, toc, version=2, guide=guide))
    assert (book.sections[0].kind, book.sections[0].skip_reason) == (
        "titlepage",
        "front matter (titlepage)",
    )


def test_file_names_mark_front_and_back_matter_the_toc_leaves_out() -> None:
    """Given untyped files named like Standard Ebooks' imprint and uncopyright."""
    files = {
        "imprint.xhtml": page("<h2>Imprint</h2><p>Made by volunteers.</p>"),
        **TWO_CHAPTERS,
        "uncopyright.xhtml": page("<h2>Uncopyright</h2><p>Public domain.</p>"),
    }
    book = read(build(files, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert [(s.kind, s.skip_reason) for s in book.sections] == [
        ("imprint", "front matter (imprint)"),
        ("chapter", ""),
        ("chapter", ""),
        ("copyright-page", "front matter (copyright-page)"),
    ]
    assert titles(book) == ["One", "Two"]


def test_narrated_front_matter_keeps_its_kind() -> None:
    files = {
        "p.xhtml": page(chapter("Preface", "Why hens.", kind="preface")),
        "e.xhtml": page(chapter("Epilogue", "After.", kind="epilogue")),
    }
    chapters = select(read(build(files, [("p.xhtml", "P"), ("e.xhtml", "E")])), "b.epub").chapters
    assert [c.kind for c in chapters] == ["preface", "epilogue"]


# The text as narrated


def narrated(body: str) -> str:
    """The body of a one-chapter book with `body` after its heading."""
    book = read(build({"c.xhtml": page(f"<h2>C</h2>{body}")}, [("c.xhtml", "C")]))
    return book.sections[0].body


NOTES_FILE = page(
    '<section epub:type="endnotes"><h2>Notes</h2><ol>'
    '<li epub:type="endnote" id="n1"><p>The first note. '
    '<a href="c.xhtml#r1" epub:type="backlink">↩</a></p></li></ol></section>',
    "backmatter",
)


def test_note_references_leave_the_sentence_and_notes_are_not_read_inline() -> None:
    body = (
        '<p>It rained<a href="notes.xhtml#n1" id="r1" epub:type="noteref">1</a>, and then '
        '<a href="#fn2"><sup>2</sup></a> it <sup><a href="#fn3">[3]</a></sup> stopped'
        '<a role="doc-noteref" href="#fn4">*</a>.</p>'
        '<aside epub:type="footnote" id="fn2"><p>A footnote.</p></aside>'
        '<div role="doc-footnote" id="fn3"><p>Another.</p></div>'
        '<p>See <a href="#fn2">chapter 2</a>.</p>'
    )
    files = {"c.xhtml": page(f"<h2>C</h2>{body}"), "notes.xhtml": NOTES_FILE}
    book = read(build(files, [("c.xhtml", "C"), ("notes.xhtml", "Notes")]))
    assert book.sections[0].body == "It rained, and then it stopped.\n\nSee chapter 2."
    notes = book.sections[1]
    assert (notes.kind, notes.skip_reason) == ("endnotes", "back matter (endnotes)")
    included = select(book, "b.epub", include=["endnotes"]).chapters[1]
    assert included.text == "Notes\n\nThe first note."


def test_page_numbers_alt_text_hidden_text_and_scripts_are_not_read() -> None:
    body = (
        '<p>Before<span epub:type="pagebreak" id="p12" title="12">12</span> after '
        '<img src="a.png" alt="A picture of a hen"/><span hidden="hidden">secret</span>'
        '<span aria-hidden="true">aria</span><span style="color: red; display: none">none</span>'
        '<span class="pagenum">[Pg 7]</span><span role="doc-pagebreak">8</span>.</p>'
        "<script>alert('x')</script><style>p { color: red }</style>"
        '<div hidden=""><p>A hidden paragraph.</p></div>'
    )
    assert narrated(body) == "Before after."


@pytest.mark.parametrize(
    "marker",
    [
        '<span id="page_12">12</span>',
        '<span class="page" id="p12">12</span>',
        '<a id="pg12">[p. 12]</a>',
        '<span id="page-xiv">- xiv -</span>',
    ],
)
def test_page_numbers_named_by_id_or_class_are_not_read(marker: str) -> None:
    """Given a converted book's page markers, with no page-break type: each was read
    mid-sentence ("the barn 12 the hens")."""
    assert narrated(f"<p>In the barn {marker} the hens sat.</p>") == "In the barn the hens sat."


def test_a_numeral_heading_or_word_with_a_page_like_id_is_read() -> None:
    body = '<h2 id="p2">II</h2><p>It <span id="p3">mix</span> was.</p><p id="p4">12</p>'
    book = read(build({"c.xhtml": page(body)}, [("c.xhtml", "C")]))
    assert (book.sections[0].title, book.sections[0].body) == ("Chapter II", "It mix was.\n\n12")


@pytest.mark.parametrize(
    "word",
    [
        '<span class="pg">I</span>',
        '<span class="page">V</span>',
        '<span class="p">12</span>',
        '<span class="p1">12</span>',
        '<a href="#x" id="pg">I</a>',
    ],
)
def test_a_word_or_number_in_an_element_with_a_page_like_name_is_read(word: str) -> None:
    """Given a styling span whose class looks like a page's ("p", "p1", "pg") or a page's
    class round a capital numeral that is a word ("I", "V"): it was taken for a page marker
    and dropped, and the sentence lost a word."""
    text = word.split(">")[1].split("<")[0]
    assert narrated(f"<p>Then {word} went.</p>") == f"Then {text} went."


def test_a_raised_link_is_a_note_mark_whatever_its_mark() -> None:
    body = (
        '<p>It rained<a href="n.xhtml#n1" class="footnote"><sup>ii</sup></a> and'
        '<a href="n.xhtml#n2"><sup>ab</sup></a> stopped. See <a href="#c2">ii</a>.</p>'
    )
    assert narrated(body) == "It rained and stopped. See ii."


def test_gutenberg_footnote_classes_are_notes_not_read_inline() -> None:
    body = (
        '<p>Eggs<a id="FNanchor_1" href="#Footnote_1" class="fnanchor">[1]</a> were laid.</p>'
        '<div class="footnote"><p><a id="Footnote_1" href="#FNanchor_1">'
        '<span class="label">[1]</span></a> A note about eggs.</p></div>'
        '<p>Hens<span class="footnote">An inline note.</span> sat. <span class="note">Note'
        " this.</span></p>"
    )
    assert narrated(body) == "Eggs were laid.\n\nHens sat. Note this."


def test_figure_captions_are_read_and_images_are_not() -> None:
    body = (
        '<figure><img src="h.png" alt="alt text"/><figcaption>A hen at dawn.</figcaption></figure>'
    )
    assert narrated(body) == "A hen at dawn."


def test_verse_keeps_its_lines_and_stanzas_and_prose_is_one_line() -> None:
    body = (
        '<blockquote epub:type="z3998:poem"><p><span>In his hand</span><br/>'
        "<span>he bore the brand.</span></p><p><span>Second</span><br/><span>stanza.</span></p>"
        '</blockquote><div class="verse"><p>Roses<br/>are red.</p></div>'
        "<p>A prose\n   paragraph<br/>with a break.</p>"
        "<blockquote><p>A quotation.</p></blockquote><ul><li>An item.</li><li>Another.</li></ul>"
    )
    assert narrated(body) == (
        "In his hand\nhe bore the brand.\n\nSecond\nstanza.\n\nRoses\nare red.\n\n"
        "A prose paragraph with a break.\n\nA quotation.\n\nAn item.\n\nAnother."
    )


def test_stanzas_and_pre_keep_their_lines_and_verse_does_not_break_where_its_source_does() -> None:
    """Given Project Gutenberg's <div class="stanza"> (its lines were glued together), a
    verse line wrapped in the source (it was two lines), and a <pre>."""
    body = (
        '<div class="stanza"><span>Roses are red,</span><br/><span>violets blue.</span></div>'
        '<div class="verse"><p><span>In his hand he\n   bore the brand</span><br/>\n'
        "<span>and so on.</span></p></div><pre>Dear Sir,\n  Yours truly.</pre>"
    )
    assert narrated(body) == (
        "Roses are red,\nviolets blue.\n\nIn his hand he bore the brand\nand so on.\n\n"
        "Dear Sir,\nYours truly."
    )


def test_verse_without_line_breaks_keeps_the_lines_of_its_source() -> None:
    """Given verse whose lines are spans, one to a source line, and no <br>: its lines were
    run together into one."""
    spans = '<span class="line">Roses are red,</span>\n<span class="line">violets blue.</span>'
    assert narrated(f'<div class="poem">{spans}</div>') == "Roses are red,\nviolets blue."
    assert narrated(f'<div epub:type="z3998:poem"><p>{spans}</p></div>') == (
        "Roses are red,\nviolets blue."
    )


def test_ruby_is_read_without_its_reading() -> None:
    body = "<p>The <ruby>漢字<rp>(</rp><rt>kanji</rt><rp>)</rp></ruby> sign.</p>"
    assert narrated(body) == "The 漢字 sign."


def test_a_drop_cap_image_gives_its_letter_and_other_images_nothing() -> None:
    body = (
        '<p><img class="initial" src="t.png" alt="T"/>he hen sat. '
        '<img src="a.png" alt="A"/> hen.</p><p><span class="dropcap">O</span>nce.</p>'
    )
    assert narrated(body) == "The hen sat. hen.\n\nOnce."
    assert narrated('<p>“<img src="t.png" alt="T"/>he hen,” she said.</p>') == (
        "“The hen,” she said."
    )


def test_a_letter_drawn_as_an_image_inside_a_sentence_is_not_read() -> None:
    """Given a symbol or an icon set inside a sentence against the word after it: its alt
    was taken for a drop cap and glued to that word ("the xy axis", "Press Abutton")."""
    body = (
        '<p>See the <img src="x.png" alt="x"/>y axis. Press <img src="a.png" alt="A"/>button'
        ' now.</p><p><img src="e.png" alt="e"/>mail.</p>'
    )
    assert narrated(body) == "See the y axis. Press button now.\n\nmail."


def test_a_table_is_skipped_with_a_warning_naming_the_chapter() -> None:
    body = "<p>Prices:</p><table><tr><td>Eggs</td><td>6d</td></tr></table><p>Dear.</p>"
    book = read(build({"c.xhtml": page(chapter("Market", "x.") + body)}, [("c.xhtml", "M")]))
    assert book.sections[0].body == "x.\n\nPrices:\n\nDear."
    assert book.warnings == ["chapter 'Market': a table was skipped"]


def test_soft_hyphens_and_word_joiners_do_not_split_words() -> None:
    assert narrated("<p>hen\u00adhouse\u2060—done</p>") == "henhouse—done"


# Metadata and cover


def test_metadata_prefers_authors_by_role() -> None:
    metadata = read(build(TWO_CHAPTERS, [("one.xhtml", "1")])).metadata
    assert metadata.title == "The Hens"
    assert metadata.authors == ["A. Farmer"]
    assert (metadata.language, metadata.publisher, metadata.date) == (
        "en-GB",
        "Coop Press",
        "1906-01-01",
    )


def test_epub2_creators_by_opf_role() -> None:
    metadata = (
        "<dc:title>T</dc:title><dc:creator opf:role='edt'>E. Ditor</dc:creator>"
        "<dc:creator opf:role='aut'>A. Farmer</dc:creator>"
    )
    book = read(build(TWO_CHAPTERS, [("one.xhtml", "1")], version=2, metadata=metadata))
    assert book.metadata.authors == ["A. Farmer"]


def test_an_epub3_png_cover_image_is_the_cover() -> None:
    manifest = '<item id="c" href="img/c.png" media-type="image/png" properties="cover-image"/>'
    data = build(
        TWO_CHAPTERS, [("one.xhtml", "1")], manifest=manifest, members={"OEBPS/img/c.png": PNG}
    )
    cover = read(data).cover
    assert cover is not None and (cover.data, cover.media_type) == (PNG, "image/png")


def test_an_epub2_meta_cover_names_a_jpeg_cover() -> None:
    metadata = METADATA + '<meta name="cover" content="cov"/>'
    manifest = '<item id="cov" href="cover.jpeg" media-type="image/jpeg"/>'
    data = build(
        TWO_CHAPTERS,
        [("one.xhtml", "1")],
        version=2,
        metadata=metadata,
        manifest=manifest,
        members={"OEBPS/cover.jpeg": JPEG},
    )
    cover = read(data).cover
    assert cover is not None and (cover.extension, cover.media_type) == ("jpg", "image/jpeg")


def test_an_svg_cover_is_kept_and_a_gif_is_not() -> None:
    manifest = '<item id="c" href="c.svg" media-type="image/svg+xml" properties="cover-image"/>'
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    data = build(
        TWO_CHAPTERS, [("one.xhtml", "1")], manifest=manifest, members={"OEBPS/c.svg": svg}
    )
    cover = read(data).cover
    assert cover is not None and (cover.extension, cover.data) == ("svg", svg)
    manifest = '<item id="c" href="c.gif" media-type="image/gif" properties="cover-image"/>'
    gif = b"GIF89a\x01\x00\x01\x00"
    book = read(
        build(TWO_CHAPTERS, [("one.xhtml", "1")], manifest=manifest, members={"OEBPS/c.gif": gif})
    )
    assert book.cover is None
    assert book.warnings == ["the cover image OEBPS/c.gif (image/gif) is not JPEG, PNG or SVG"]


# Damaged and hostile files


def with_opf(data: bytes, old: str, new: str) -> bytes:
    """The EPUB `data` with `old` replaced by `new` in its package document."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    opf = members["OEBPS/content.opf"].decode()
    assert old in opf
    members["OEBPS/content.opf"] = opf.replace(old, new).encode()
    return zipped(members)


def test_a_truncated_epub_is_refused() -> None:
    data = build(TWO_CHAPTERS, [("one.xhtml", "1")])
    with pytest.raises(ManuscriptError, match=r"b\.epub: not a readable EPUB"):
        read(data[: len(data) - 40])


def test_a_file_named_epub_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(b"Just some text, not a ZIP at all.")
    with pytest.raises(ManuscriptError, match=r"book\.epub: not a readable EPUB"):
        read_manuscript(path)


def test_an_epub_is_recognised_by_content_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "download.bin"
    path.write_bytes(build(TWO_CHAPTERS, [("one.xhtml", "1"), ("two.xhtml", "2")]))
    assert [c.title for c in read_manuscript(path).chapters] == ["One", "Two"]


ENCRYPTION = """<?xml version="1.0"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
 xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
<enc:EncryptedData><enc:EncryptionMethod Algorithm="{algorithm}"/>
<enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData>
</encryption>"""


def test_drm_encrypted_content_is_refused() -> None:
    xml = ENCRYPTION.format(
        algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc", uri="OEBPS/one.xhtml"
    )
    data = build(
        TWO_CHAPTERS, [("one.xhtml", "1")], members={"META-INF/encryption.xml": xml.encode()}
    )
    with pytest.raises(ManuscriptError, match=r"b\.epub: is DRM-protected \(OEBPS/one\.xhtml"):
        read(data)


def test_font_obfuscation_alone_is_accepted() -> None:
    xml = ENCRYPTION.format(algorithm="http://www.idpf.org/2008/embedding", uri="OEBPS/f.otf")
    members = {"META-INF/encryption.xml": xml.encode(), "OEBPS/f.otf": b"font"}
    book = read(build(TWO_CHAPTERS, [("one.xhtml", "1"), ("two.xhtml", "2")], members=members))
    assert titles(book) == ["One", "Two"]


def test_font_obfuscation_on_a_content_document_is_refused() -> None:
    xml = ENCRYPTION.format(algorithm="http://www.idpf.org/2008/embedding", uri="OEBPS/one.xhtml")
    data = build(
        TWO_CHAPTERS, [("one.xhtml", "1")], members={"META-INF/encryption.xml": xml.encode()}
    )
    with pytest.raises(ManuscriptError, match="DRM-protected"):
        read(data)


def test_a_billion_laughs_chapter_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&c;</p></body></html>'
    )
    with pytest.raises(ManuscriptError, match=r"OEBPS/one\.xhtml: declares XML entities"):
        read(build({"one.xhtml": bomb}, [("one.xhtml", "1")]))


@pytest.mark.parametrize(
    ("version", "member"),
    [
        (3, "META-INF/container.xml"),
        (3, "OEBPS/nav.xhtml"),
        (2, "OEBPS/toc.ncx"),
        (3, "META-INF/encryption.xml"),
    ],
)
def test_entities_declared_in_any_xml_part_are_refused(version: int, member: str) -> None:
    """Given the container, the nav, the NCX or the encryption list declaring entities."""
    font = ENCRYPTION.format(algorithm="http://www.idpf.org/2008/embedding", uri="OEBPS/f.otf")
    data = build(
        TWO_CHAPTERS,
        [("one.xhtml", "1"), ("two.xhtml", "2")],
        version=version,
        members={"META-INF/encryption.xml": font.encode()},
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    subset = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    members[member] = re.sub(rb"\A(<\?xml[^>]*\?>)?", rb"\g<0>" + subset, members[member])
    with pytest.raises(ManuscriptError, match=rf"b\.epub: {member}: declares XML entities"):
        read(zipped(members))


def test_an_external_entity_in_the_package_document_is_refused_never_read() -> None:
    data = build(TWO_CHAPTERS, [("one.xhtml", "1")], metadata="<dc:title>&x;</dc:title>")
    opf = zipfile.ZipFile(io.BytesIO(data)).read("OEBPS/content.opf").decode()
    hostile = opf.replace(
        "<package", '<!DOCTYPE package [<!ENTITY x SYSTEM "file:///etc/passwd">]><package', 1
    )
    members = {
        n: zipfile.ZipFile(io.BytesIO(data)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
    }
    members["OEBPS/content.opf"] = hostile.encode()
    with pytest.raises(ManuscriptError, match=r"OEBPS/content\.opf: declares XML entities"):
        read(zipped(members))


def test_an_href_escaping_the_archive_is_refused() -> None:
    manifest = '<item id="x" href="../../etc/passwd" media-type="text/plain"/>'
    with pytest.raises(
        ManuscriptError, match=r"'\.\./\.\./etc/passwd' in OEBPS/content\.opf points outside"
    ):
        read(build(TWO_CHAPTERS, [("one.xhtml", "1")], manifest=manifest))


def test_a_missing_container_is_refused() -> None:
    with pytest.raises(ManuscriptError, match=r"b\.epub: no META-INF/container\.xml"):
        read(zipped({"mimetype": b"application/epub+zip", "OEBPS/content.opf": b"<package/>"}))


def test_a_missing_package_document_is_refused() -> None:
    data = zipped({"META-INF/container.xml": CONTAINER.encode()})
    with pytest.raises(
        ManuscriptError, match=r"the package document OEBPS/content\.opf is missing"
    ):
        read(data)


def test_a_spine_file_missing_from_the_archive_is_refused() -> None:
    data = build(TWO_CHAPTERS, [("one.xhtml", "1")])
    members = {
        n: zipfile.ZipFile(io.BytesIO(data)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
    }
    del members["OEBPS/two.xhtml"]
    with pytest.raises(ManuscriptError, match=r"b\.epub: 'OEBPS/two\.xhtml' is missing"):
        read(zipped(members))


def test_a_spine_naming_an_unlisted_item_is_refused() -> None:
    data = build(TWO_CHAPTERS, [("one.xhtml", "1")], manifest="")
    members = {
        n: zipfile.ZipFile(io.BytesIO(data)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
    }
    members["OEBPS/content.opf"] = members["OEBPS/content.opf"].replace(
        b'idref="f1"', b'idref="ghost"'
    )
    with pytest.raises(ManuscriptError, match="the spine names 'ghost'"):
        read(zipped(members))


def test_a_spine_listing_a_file_again_reads_it_once_and_warns() -> None:
    """Given one.xhtml listed 1,002 times, once through a second manifest item: it was
    1,002 chapters (the review's 3 KB book of 45,000 chapters)."""
    manifest = '<item id="again" href="one.xhtml" media-type="application/xhtml+xml"/>'
    data = build(TWO_CHAPTERS, [("one.xhtml", "1"), ("two.xhtml", "2")], manifest=manifest)
    repeats = '<itemref idref="f0"/>' * 1000 + '<itemref idref="again"/>'
    book = read(with_opf(data, "</spine>", f"{repeats}</spine>"))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Eggs were laid."),
        ("Two", "Foxes came."),
    ]
    assert book.warnings == [
        "the spine lists OEBPS/one.xhtml (1,002 times); each file is read once, where it "
        "first comes"
    ]


def test_a_book_past_the_text_cap_is_refused_before_the_next_file_is_parsed(
    setting: Setting,
) -> None:
    """Given a cap of 30 characters, passed by two.xhtml (18 + 14): three.xhtml, which is
    not even XML, is never parsed."""
    setting("NARRATE_MAX_BOOK_CHARS", "30")
    files = {**TWO_CHAPTERS, "three.xhtml": "<html"}
    with pytest.raises(
        ManuscriptError,
        match=r"^b\.epub: the text passes 30 characters at OEBPS/two\.xhtml; refusing",
    ):
        read(build(files, [("one.xhtml", "1")]))


def test_a_spine_file_larger_than_the_book_cap_allows_is_refused_unparsed(
    setting: Setting,
) -> None:
    """A small EPUB of a huge text file (50 MB of words in 5 MB): refused by the file's
    size before a parser holds a gigabyte for half a minute. Here, under a cap of 1,000
    characters (4,000 bytes of XHTML and a megabyte), a file of 1.25 MB of words: parsed,
    it would be refused for its 1,250,000 characters, with the other message."""
    words = "<p>" + "word " * 250_000 + "</p>"
    files = {
        **TWO_CHAPTERS,
        "two.xhtml": f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{words}</body></html>",
    }
    data = build(files, [("one.xhtml", "1"), ("two.xhtml", "2")])
    assert len(data) < 10_000  # it compresses well under every archive bound
    setting("NARRATE_MAX_BOOK_CHARS", "1000")
    with pytest.raises(
        ManuscriptError,
        match=r"^b\.epub: its text files pass 1,052,576 bytes at OEBPS/two\.xhtml, more than "
        r"a book of 1,000 characters needs; refusing \(NARRATE_MAX_BOOK_CHARS\)$",
    ):
        read(data)


def test_a_spine_item_that_is_the_package_document_or_not_xhtml_is_skipped() -> None:
    """Given spine items declared as XHTML: the package document (by its name, and by an
    href that is only a fragment) and the NCX. None of their text is narrated."""
    manifest = (
        '<item id="opf" href="content.opf" media-type="application/xhtml+xml"/>'
        '<item id="frag" href="#x" media-type="application/xhtml+xml"/>'
        '<item id="ncx2" href="toc.ncx" media-type="application/xhtml+xml"/>'
    )
    toc = [("one.xhtml", "1"), ("two.xhtml", "2")]
    data = build(TWO_CHAPTERS, toc, version=2, manifest=manifest)
    spine = '<itemref idref="opf"/><itemref idref="frag"/><itemref idref="ncx2"/>'
    book = read(with_opf(data, '<spine toc="ncx">', f'<spine toc="ncx">{spine}'))
    assert [(s.title, s.body) for s in book.sections] == [
        ("One", "Eggs were laid."),
        ("Two", "Foxes came."),
    ]
    assert book.warnings == []


def test_only_the_package_document_in_the_spine_is_refused() -> None:
    manifest = '<item id="opf" href="content.opf" media-type="application/xhtml+xml"/>'
    data = build(TWO_CHAPTERS, manifest=manifest)
    data = with_opf(data, '<itemref idref="f0"/><itemref idref="f1"/>', '<itemref idref="opf"/>')
    with pytest.raises(ManuscriptError, match="the spine holds no readable text document"):
        read(data)


def test_a_spine_itemref_without_idref_is_refused_saying_so() -> None:
    data = with_opf(build(TWO_CHAPTERS), '<itemref idref="f1"/>', "<itemref/>")
    with pytest.raises(
        ManuscriptError, match=r"^b\.epub: an itemref in the spine names no manifest item"
    ):
        read(data)


def test_a_container_naming_a_package_outside_the_book_says_which_file_does() -> None:
    data = zipped(
        {
            "META-INF/container.xml": CONTAINER.replace("OEBPS/content.opf", "../x.opf").encode(),
            "x.opf": b"<package/>",
        }
    )
    with pytest.raises(
        ManuscriptError,
        match=r"^b\.epub: META-INF/container\.xml names a package document outside the book "
        r"\('\.\./x\.opf'\)$",
    ):
        read(data)
