"""The book's date, from each format to `narrate inspect` and the M4B's date tag: the work's
publication where the file states it, never an e-text's release date or a file's own stamp
(`producer.readers.published`)."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import av
import docx
import pytest

from producer.cli import main
from producer.readers import read_source
from tests.producer.test_readers_docx import save
from tests.producer.test_readers_epub import build, chapter, page
from tests.producer.test_readers_pdf import CHAPTERS, typeset
from tests.worker.speechlike import speechlike, write_wav
from worker.m4b import write_m4b

RATE = 22050
STORY = "CHAPTER I. EGGS\n\nEggs were laid.\n\nCHAPTER II. FOXES\n\nFoxes came.\n"


def dated(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str | None]:
    """The date `narrate inspect` shows for a book, and the date tag of an M4B made of it."""
    assert main(["inspect", str(path), "--json"]) == 0
    shown: str = json.loads(capsys.readouterr().out)["metadata"]["date"]
    metadata = read_source(path).manuscript.metadata
    wav = write_wav(path.with_suffix(".wav"), speechlike(0.5, RATE), RATE)
    write_m4b([(wav, "One")], path.with_suffix(".m4b"), metadata)
    with av.open(path.with_suffix(".m4b")) as m4b:
        return shown, m4b.metadata.get("date")


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# Project Gutenberg: plain text and HTML


def gutenberg_text(*fields: str) -> bytes:
    """A plain-text e-text with Project Gutenberg's header, as ebookmaker writes one."""
    header = "\n\n".join(("Title: The Hens", "Author: A. Farmer", *fields, "Language: English"))
    return (
        "The Project Gutenberg eBook of The Hens\n\nThis ebook is for the use of anyone.\n\n"
        f"{header}\n\n*** START OF THE PROJECT GUTENBERG EBOOK THE HENS ***\n\n{STORY}\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK THE HENS ***\n"
    ).encode()


RELEASED = (
    "Release date: January 3, 2008 [eBook #24000]\n        Most recently updated: May 1, 2024"
)
# A long imprint wraps, its year on the next line.
ORIGINAL = "Original publication: London: Reeves & Turner; New York: Longmans, Green,\n    1891"


def test_a_gutenberg_texts_original_publication_is_its_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = written(tmp_path, "hens.txt", gutenberg_text(RELEASED, ORIGINAL))
    assert dated(book, capsys) == ("1891", "1891")


def test_a_gutenberg_texts_release_date_alone_gives_no_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older header ("Release Date: May 8, 2007 [eBook #3261]") says only when the
    e-text came out: the book, printed in 1890, is left undated rather than dated 2007."""
    book = written(tmp_path, "hens.txt", gutenberg_text("Release Date: May 8, 2007 [eBook #3261]"))
    assert dated(book, capsys) == ("", None)


def gutenberg_page(*fields: tuple[str, str]) -> bytes:
    """A Project Gutenberg HTML e-text with the header ebookmaker writes (its head's
    dcterms.created is the release date too)."""
    lines = "\n".join(f"<p><strong>{key}</strong>: {value}</p>" for key, value in fields)
    return (
        '<html lang="en"><head><title>The Hens</title>'
        '<meta name="dcterms.created" content="2008-01-03"></head><body>\n'
        '<header class="pg-boilerplate pgheader" id="pg-header">'
        "<h2>The Project Gutenberg eBook of The Hens</h2>\n<div id='pg-machine-header'>\n"
        f"<p><strong>Title</strong>: The Hens</p>\n{lines}\n</div>\n"
        "<div id='pg-start-separator'><span>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS "
        "***</span></div></header>\n<h2>Chapter I. Eggs</h2><p>Eggs were laid.</p>\n"
        "<h2>Chapter II. Foxes</h2><p>Foxes came.</p></body></html>"
    ).encode()


def test_a_gutenberg_pages_original_publication_is_its_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = [("Release date", "January 3, 2008 [eBook #24000]"), ("Original publication", "1891")]
    book = written(tmp_path, "hens.html", gutenberg_page(*fields))
    assert dated(book, capsys) == ("1891", "1891")


def test_a_gutenberg_pages_release_date_alone_gives_no_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = written(tmp_path, "hens.html", gutenberg_page(("Release date", "May 8, 2007")))
    assert dated(book, capsys) == ("", None)


# EPUB: an archive's e-text, Standard Ebooks' colophon, EPUB 2 events


def gutenberg_epub(*header: str) -> bytes:
    """An EPUB 3 as Project Gutenberg makes one: its dc:date the release, its header in the
    first file."""
    metadata = (
        '<dc:identifier id="id">http://www.gutenberg.org/ebooks/24000</dc:identifier>'
        "<dc:title>The Hens</dc:title><dc:language>en</dc:language>"
        '<dc:date>2008-01-03</dc:date><meta property="dcterms:modified">2024-05-01T10:00:00Z'
        "</meta><dc:source>https://www.gutenberg.org/files/24000/24000-h/24000-h.htm</dc:source>"
    )
    lines = "".join(f"<p>{line}</p>" for line in ("Title: The Hens", *header))
    start = "<p>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS ***</p>"
    files = {
        "header.xhtml": page(f'<section id="pg-header">{lines}{start}</section>'),
        "one.xhtml": page(chapter("Eggs", "Eggs were laid.")),
    }
    return build(files, metadata=metadata)


def test_a_gutenberg_epubs_dc_date_is_its_release_and_no_date_of_the_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = written(tmp_path, "hens.epub", gutenberg_epub("Release date: January 3, 2008"))
    assert dated(book, capsys) == ("", None)


def test_a_gutenberg_epubs_header_gives_the_original_publication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = written(tmp_path, "hens.epub", gutenberg_epub("Original publication: Boston, 1890"))
    assert dated(book, capsys) == ("1890", "1890")


def epub2(metadata: str) -> bytes:
    files = {"one.xhtml": page(chapter("Eggs", "Eggs were laid."))}
    return build(files, [("one.xhtml", "Eggs")], version=2, metadata=metadata)


def test_an_old_gutenberg_epub2s_publication_event_is_the_e_texts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Project Gutenberg's EPUB 2 marks its release opf:event="publication"; a conversion
    date beside it is the file's."""
    metadata = (
        "<dc:title>The Hens</dc:title><dc:publisher>Project Gutenberg</dc:publisher>"
        '<dc:date opf:event="publication">2009-05-31</dc:date>'
        '<dc:date opf:event="conversion">2009-08-26T21:11:14Z</dc:date>'
    )
    book = written(tmp_path, "hens.epub", epub2(metadata))
    assert dated(book, capsys) == ("", None)


@pytest.mark.parametrize(
    "publisher", ["Gutenberg Press", "Büchergilde Gutenberg", "Edition Gutenberg Verlag"]
)
def test_a_publisher_named_for_gutenberg_keeps_its_books_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], publisher: str
) -> None:
    """A publisher's EPUB is no archive's e-text for having "Gutenberg" in its name: its
    dc:date, the book's publication, was dropped as if it were Project Gutenberg's release."""
    metadata = (
        '<dc:identifier id="id" opf:scheme="ISBN">9783763240000</dc:identifier>'
        f"<dc:title>Die Hennen</dc:title><dc:publisher>{publisher}</dc:publisher>"
        '<dc:date opf:event="publication">1995-04-01</dc:date>'
    )
    book = written(tmp_path, "hens.epub", epub2(metadata))
    assert dated(book, capsys) == ("1995-04-01", "1995")
    # Project Gutenberg's mirrors, by name or by site, are still e-text archives
    for archive in (
        "<dc:publisher>Project Gutenberg Australia</dc:publisher>",
        "<dc:source>http://gutenberg.net.au/ebooks06/0600011h.html</dc:source>",
    ):
        book = written(tmp_path, "hens.epub", epub2(metadata.replace(publisher, "") + archive))
        assert dated(book, capsys) == ("", None), archive


def test_an_epub2_event_is_read_whatever_its_spacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An event typed by hand (" publication ") is the publication's: it was no event known,
    and the only date was dropped."""
    metadata = (
        '<dc:title>The Hens</dc:title><dc:date opf:event=" publication ">2012-05-01</dc:date>'
    )
    book = written(tmp_path, "hens.epub", epub2(metadata))
    assert dated(book, capsys) == ("2012-05-01", "2012")


COLOPHON = (
    '<section id="colophon" epub:type="colophon"><h2 epub:type="title">Colophon</h2>'
    '<p><i epub:type="se:name.publication.book">The Hens</i><br/> was published in '
    "<time>1921</time> by<br/> A. Farmer.</p><p>This ebook was produced for<br/> Standard "
    "Ebooks<br/> and is based on a transcription produced in <time>2009</time>.</p>"
    '<p>The first edition of this ebook was released on<br/> <time datetime="2017-12-11T02:32'
    ':46Z">December 11, 2017</time>.</p></section>'
)


def test_standard_ebooks_colophon_gives_the_printed_books_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Standard Ebooks' dc:date is its release (2017); its colophon says when the book it
    was made from was published, in a <time> beside the title."""
    metadata = (
        '<dc:identifier id="uid">https://standardebooks.org/ebooks/a-farmer/the-hens'
        "</dc:identifier><dc:date>2017-12-11T02:32:46Z</dc:date>"
        '<meta property="dcterms:modified">2017-12-11T02:32:46Z</meta>'
        "<dc:title>The Hens</dc:title><dc:publisher>Standard Ebooks</dc:publisher>"
    )
    files = {
        "one.xhtml": page(chapter("Eggs", "Eggs were laid.")),
        "colophon.xhtml": page(COLOPHON, body_type="backmatter"),
    }
    book = written(tmp_path, "hens.epub", build(files, metadata=metadata))
    assert dated(book, capsys) == ("1921", "1921")


def test_an_epub2_date_marked_as_the_original_publication_is_the_books(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = (
        "<dc:title>The Hens</dc:title>"
        '<dc:date opf:event="publication">2012-05-01</dc:date>'
        '<dc:date opf:event="original-publication">1890</dc:date>'
    )
    book = written(tmp_path, "hens.epub", epub2(metadata))
    assert dated(book, capsys) == ("1890", "1890")


def test_an_epub2_modification_date_is_the_files_not_the_books(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = '<dc:title>The Hens</dc:title><dc:date opf:event="modification">2020-01-02</dc:date>'
    book = written(tmp_path, "hens.epub", epub2(metadata))
    assert dated(book, capsys) == ("", None)


# A program's stand-in for a date never set

# Calibre writes year 101 as the dc:date of a book whose date is not set, in UTC or moved
# into the time zone of the machine that wrote it.
CALIBRE_UNDEFINED = ["0101-01-01T00:00:00+00:00", "0100-12-31T23:00:00+00:00"]


def calibre_epub(date: str, files: dict[str, str] | None = None) -> bytes:
    """An EPUB 2 as Calibre converts a book into one, its dc:date `date`."""
    metadata = (
        '<dc:identifier id="uuid_id" opf:scheme="uuid">a3b8f3c1-5d2e-4c6a-9f1e-2b7d8c9e0f1a'
        "</dc:identifier><dc:title>The Hens</dc:title>"
        '<dc:contributor opf:file-as="calibre" opf:role="bkp">calibre (7.6.0) '
        f"[https://calibre-ebook.com]</dc:contributor><dc:date>{date}</dc:date>"
    )
    files = files or {"one.xhtml": page(chapter("Eggs", "Eggs were laid."))}
    return build(files, [(next(iter(files)), "Eggs")], version=2, metadata=metadata)


@pytest.mark.parametrize("date", CALIBRE_UNDEFINED)
def test_calibres_date_for_no_date_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str
) -> None:
    """Given a Calibre EPUB whose date was never set: inspect showed 0101-01-01 and the M4B
    was tagged 0101, a year before print."""
    book = written(tmp_path, "hens.epub", calibre_epub(date))
    assert dated(book, capsys) == ("", None)


def test_calibres_date_for_no_date_leaves_the_books_own_to_be_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given Calibre's EPUB of a Gutenberg e-text: its stand-in was taken for the package's
    date, and the header's original publication was never looked for."""
    header = (
        "<p>The Project Gutenberg eBook of The Hens</p><p>Title: The Hens</p>"
        "<p>Original publication: Boston, 1890</p>"
        "<p>*** START OF THE PROJECT GUTENBERG EBOOK THE HENS ***</p>"
    )
    files = {"one.xhtml": page(header + chapter("Eggs", "Eggs were laid."))}
    book = written(tmp_path, "hens.epub", calibre_epub(CALIBRE_UNDEFINED[0], files))
    assert dated(book, capsys) == ("1890", "1890")


def front_matter(date: str) -> bytes:
    return f"---\ntitle: The Hens\ndate: {date}\n---\n\n# Eggs\n\nEggs were laid.\n".encode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("hens.md", front_matter("0001-01-01"), id="the earliest date"),
        pytest.param("hens.md", front_matter("9999-12-31"), id="the latest date"),
        pytest.param(
            "hens.html",
            b'<html><head><meta name="dcterms.date" content="0101-01-01"></head><body>'
            b"<h2>Eggs</h2><p>Eggs were laid.</p></body></html>",
            id="Calibre's in HTML",
        ),
    ],
)
def test_a_stand_in_for_no_date_is_none_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes
) -> None:
    assert dated(written(tmp_path, name, data), capsys) == ("", None)


def test_a_stand_in_html_date_gives_way_to_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given an HTML book whose first date <meta> is Calibre's stand-in and whose next is
    1890: the first was taken, and the book had no date at all."""
    data = (
        b'<html><head><meta name="dcterms.date" content="0101-01-01">'
        b'<meta name="dc.date" content="1890"></head><body>'
        b"<h2>Eggs</h2><p>Eggs were laid.</p></body></html>"
    )
    assert dated(written(tmp_path, "hens.html", data), capsys) == ("1890", "1890")


def test_a_year_before_print_is_a_works_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rule is no year of print but one no program writes for a date never set: a
    work older than print keeps its year."""
    book = written(tmp_path, "comedy.md", front_matter("1320"))
    assert dated(book, capsys) == ("1320", "1320")


# DOCX, Markdown, PDF


def word_document() -> Any:
    document = docx.Document()
    document.add_heading("Eggs", level=1)
    document.add_paragraph("Eggs were laid.")
    return document


COVER_PAGE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<CoverPageProperties '
    b'xmlns="http://schemas.microsoft.com/office/2006/coverPageProps"><PublishDate>%s'
    b"</PublishDate><Abstract/><CompanyAddress/><CompanyPhone/><CompanyFax/><CompanyEmail/>"
    b"</CoverPageProperties>"
)
COVER_PAGE_PROPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem ds:itemID='
    b'"{55AF091B-3C7A-41E3-B477-F2FDAA23CFDA}" xmlns:ds="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/customXml"><ds:schemaRefs><ds:schemaRef ds:uri="http://schemas.'
    b'microsoft.com/office/2006/coverPageProps"/></ds:schemaRefs></ds:datastoreItem>'
)


def with_publish_date(data: bytes, date: str = "2021-03-04", dc_date: str = "") -> bytes:
    """The DOCX as Word saves one whose Publish Date is set: its cover page properties in a
    custom XML part, after the bibliography's (which python-docx's template has too); with
    a dc:date in its core properties where `dc_date` is one, as a tool writes it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            part = old.read(item)
            if item.filename == "docProps/core.xml" and dc_date:
                end = b"</cp:coreProperties>"
                part = part.replace(end, f"<dc:date>{dc_date}</dc:date>".encode() + end)
            new.writestr(item, part)
        new.writestr("customXml/item2.xml", COVER_PAGE % date.encode())
        new.writestr("customXml/itemProps2.xml", COVER_PAGE_PROPS)
    return out.getvalue()


def test_a_docx_created_stamp_is_the_files_not_the_books(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """python-docx's template says every file made from it was created in December 2013."""
    document = word_document()
    assert document.core_properties.created.year == 2013
    book = written(tmp_path, "hens.docx", save(document))
    assert dated(book, capsys) == ("", None)


def test_words_publish_date_is_a_docx_books_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = written(tmp_path, "hens.docx", with_publish_date(save(word_document())))
    assert dated(book, capsys) == ("2021-03-04", "2021")


def test_a_stand_in_publish_date_gives_way_to_the_docx_dc_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a DOCX whose Publish Date is a stand-in for none and whose dc:date is 1890:
    the stand-in was taken, and the book had no date at all."""
    data = with_publish_date(save(word_document()), "0101-01-01", dc_date="1890-01-11")
    book = written(tmp_path, "hens.docx", data)
    assert dated(book, capsys) == ("1890-01-11", "1890")


def test_front_matters_date_in_words_gives_the_tag_its_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = "---\ntitle: The Hens\ndate: March 1890\n---\n\n# Eggs\n\nEggs were laid.\n"
    book = written(tmp_path, "hens.md", markdown.encode())
    assert dated(book, capsys) == ("March 1890", "1890")


def test_a_pdfs_creation_date_is_the_files_not_the_books(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """reportlab stamps the PDF with the day it made it, as every exporter and scanner does."""
    book = written(tmp_path, "road.pdf", typeset(CHAPTERS))
    assert b"/CreationDate" in book.read_bytes()
    assert dated(book, capsys) == ("", None)
