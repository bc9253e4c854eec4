"""PDF manuscripts with a text layer: page lines rebuilt into paragraphs, chapters from the
outline (bookmarks) or from headings.

pypdf (BSD) opens the document and gives what it says about itself: encryption, the
information dictionary, the outline. pdfminer.six (MIT) lays out each page's text: lines
with their positions and type sizes, which paragraphs, headings, running heads and page
numbers are told by and which pypdf's text extraction does not give. A page is read top
to bottom; a page set in two columns (a gutter no line crosses between text on both sides)
column by column, after what spans both above them.

What a page prints but a listener should not hear is dropped: running heads and footers
(lines recurring at one height on several pages, or carrying the page's number), page
numbers, contents entries (dot leaders to a page number), footnotes (smaller type below
the body text) and their marks, "This page intentionally left blank", text set sideways
(a turned table, a watermark), tables and the labels scattered on a picture (a map's
names). A copyright page is a part of its own, skipped. A drop cap is its word's first
letter; letter-spaced words are words. Lines are joined into one line
per paragraph; a paragraph ends at a wider gap, at the book's first-line indent, at a list
bullet, or after a line that stops on a sentence's end with room left for the next line's
first word; it runs on across a page break, unless the page opens in larger type or on a
chapter's number over its title. Verse keeps its line ends (a newline): lines
in a row that each end with room left for the next one's first word, where prose fills the
measure. A word hyphenated at a line end is joined, unless the book prints it with its
hyphen elsewhere or the next line starts with a capital.

This module opens the document and reads its outline and metadata; the rest is a module a
stage, each working on what the one before it made: `pdfpages` lays out the pages (held to
limits), `pdfcolumns` puts a page's lines in reading order, `pdfcaps` joins drop caps to
their words, `pdflines` makes pdfminer's lines narrate's `Line`s, `pdffurniture` drops what
is not read, `pdfparagraphs` joins lines into paragraphs and `pdfchapters` cuts those into
sections.
"""

import contextlib
import io
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pypdf
from pdfminer.layout import LTPage
from pypdf.generic import Destination, IndirectObject

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers.book import Book
from producer.readers.labels import names_a_part
from producer.readers.pdfcaps import cap_apart, with_caps, word_caps
from producer.readers.pdfchapters import (
    Mark,
    by_headings,
    by_outline,
    imprint_pages,
    merge_headings,
    order,
)
from producer.readers.pdfcolumns import columns
from producer.readers.pdffurniture import (
    after_labels,
    also_by,
    drop_furniture,
    figure_labels,
    label_warnings,
    table_warnings,
    tables,
)
from producer.readers.pdflines import (
    Line,
    line_from,
    rows,
    small_caps,
    text_lines,
    text_size,
)
from producer.readers.pdfpages import Box, laid_out, pictures
from producer.readers.pdfparagraphs import body_size, measure, paragraphs

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(
    r"^(?:microsoft word - .*|.*\.(?:docx?|odt|rtf|pdf|indd|tex)|untitled)$", re.I
)
_NO_AUTHOR = re.compile(r"^(?:anonymous|unknown)$", re.I)  # reportlab's default, and others'
_WHY = 200  # characters of a parser's error shown
_LIBRARIES = ("pypdf", "pdfminer")  # their log lines are about the file's repairs, not for users


def read(data: bytes, source: str) -> Book:
    """A PDF's sections and metadata; raises ManuscriptError with the reason."""
    with _quiet(_LIBRARIES):
        return _read(data, source)


@contextlib.contextmanager
def _quiet(names: Iterable[str]) -> Iterator[None]:
    """The named loggers silenced meanwhile: pypdf's "EOF marker not found" or an
    object's dump would print before narrate's own error or warnings."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _read(data: bytes, source: str) -> Book:
    reader = _open(data, source)
    lines, turned, drawn = _lines(data, source, len(reader.pages))
    if not lines:
        raise ManuscriptError(f"{source}: no text layer (a scanned PDF? it needs OCR first)")
    body = body_size(lines)
    lines = small_caps(lines, body)
    kept = drop_furniture(lines, body, _names(reader))
    grids, figures = tables(kept, body), figure_labels(kept, body, drawn)
    left_out = {id(line) for group in grids + figures for line in group}
    text = [line for line in kept if id(line) not in left_out]
    layout = measure(text, body)
    imprint = imprint_pages(text)
    fresh = after_labels(kept, figures)
    paras = merge_headings(paragraphs(text, layout, imprint, fresh), layout)
    marks, warnings = _outline(reader, source)
    if marks:
        sections, authors, lost = by_outline(paras, marks, layout, imprint)
        title = ""
        warnings += [f"{source}: {why}" for why in lost]
    else:
        sections, title, authors = by_headings(paras, layout, imprint)
    sections = [also_by(section) for section in sections]
    warnings += table_warnings(grids, kept, sections, source)
    warnings += label_warnings(figures, kept, sections, source)
    warnings += _textless_pages(lines, len(reader.pages), turned, source)
    warnings += _pages_warning(turned, source, "sideways text", "a turned table or a watermark")
    return Book(sections, _metadata(reader, title, authors), warnings=warnings)


def _why(error: Exception) -> str:
    """A parser's error on one line, cut short: some quote whole objects of the file."""
    why = " ".join(str(error).split())
    return why if len(why) <= _WHY else f"{why[:_WHY]}..."


def _open(data: bytes, source: str) -> pypdf.PdfReader:
    """The document, decrypted when its user password is empty (any viewer opens those)."""
    if b"%PDF-" not in data[:1024]:  # viewers allow a little junk before the header
        raise ManuscriptError(f"{source}: not a PDF (no %PDF- header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
        pages = 0 if locked else len(reader.pages)
    except Exception as error:  # a damaged file can fail anywhere inside the parser
        raise ManuscriptError(f"{source}: not a readable PDF ({_why(error)})") from error
    if locked:
        raise ManuscriptError(f"{source}: the PDF is encrypted; it needs a password to open")
    if not pages:
        raise ManuscriptError(f"{source}: the PDF has no pages")
    return reader


# Lines


def _lines(
    data: bytes, source: str, pages: int
) -> tuple[list[Line], list[int], dict[int, list[Box]]]:
    """The book's lines in reading order, the pages that set text sideways, and where
    each page draws pictures."""
    lines: list[Line] = []
    turned: list[int] = []
    drawn: dict[int, list[Box]] = {}
    for number, (page, sideways) in enumerate(_pages(data, source, pages)):
        if sideways:
            turned.append(number)
        drawn[number] = pictures(page)
        page_lines = list(text_lines(page))
        size = text_size(page_lines)
        for items, frame in columns(page_lines, page):
            parts = [part for item in items for part in cap_apart(item)]
            found = [line for part in parts if (line := line_from(part, number, page, frame, size))]
            found = with_caps(found)
            lines.extend(rows(sorted(found, key=lambda line: (-round(line.y0), line.x0))))
    return word_caps(lines), turned, drawn


def _pages(data: bytes, source: str, count: int) -> Iterator[tuple[LTPage, int]]:
    """The laid-out pages, one at a time (a whole book's characters at once is a lot)."""
    pages = laid_out(data, source, count)
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except ManuscriptError:  # a limit reached
            raise
        except Exception as error:  # a damaged file can fail anywhere inside the parser
            raise ManuscriptError(f"{source}: not a readable PDF ({_why(error)})") from error
        yield page


# The outline


def _outline(reader: pypdf.PdfReader, source: str) -> tuple[list[Mark], list[str]]:
    """The outline's chapter entries, in page order; a broken outline is a warning."""
    try:
        entries = _top_entries(reader, reader.outline)
        marks = [_mark(reader, entry, part) for entry, part in entries]
    except Exception as error:  # a damaged outline can fail anywhere inside the parser
        log.warning("%s: outline unreadable: %s", source, error)
        return [], [f"{source}: the outline (bookmarks) is unreadable; chapters from headings"]
    found = [mark for mark in marks if mark is not None]
    return sorted(found, key=order), []


Entry = tuple[Destination, list[Any]]  # an outline entry and the entries nested under it


def _top_entries(reader: pypdf.PdfReader, outline: list[Any]) -> list[tuple[Destination, bool]]:
    """The chapter level of an outline: its top entries, or the children of a lone top
    entry (the book's own title over its chapters); each marked whether it is a part, its
    chapters after it."""
    entries = _nested(outline)
    if len(entries) == 1 and entries[0][1] and not names_a_part(_title(entries[0][0])):
        return _top_entries(reader, entries[0][1])
    return [found for entry in entries for found in _with_parts(reader, entry)]


def _nested(outline: list[Any]) -> list[Entry]:
    """pypdf's outline, a list of entries each followed by a list of its children, as
    pairs."""
    entries: list[Entry] = []
    for item in outline:
        if not isinstance(item, list):
            entries.append((item, []))
        elif entries:
            entries[-1] = (entries[-1][0], item)
    return entries


def _with_parts(reader: pypdf.PdfReader, entry: Entry) -> list[tuple[Destination, bool]]:
    """An entry, and its children where it is a part: the chapters under it (sections
    under a chapter are the chapter's)."""
    destination, children = entry
    if not _is_part(reader, destination, _nested(children)):
        return [(destination, False)]
    chapters = [found for child in _nested(children) for found in _with_parts(reader, child)]
    return [(destination, True), *chapters]


def _is_part(reader: pypdf.PdfReader, entry: Destination, children: list[Entry]) -> bool:
    """Whether an entry with children is a part over chapters: it names a part ("Part One:
    Autumn", "Book II"), or has a page of its own (a chapter's sections start on its
    first page, its parts do not)."""
    if not children:
        return False
    if names_a_part(_title(entry)):
        return True
    page = reader.get_destination_page_number(entry)
    return all(reader.get_destination_page_number(child) != page for child, _ in children)


def _title(entry: Destination) -> str:
    return " ".join(str(entry.title or "").split())


def _mark(reader: pypdf.PdfReader, entry: Destination, part: bool) -> Mark | None:
    page = reader.get_destination_page_number(entry)
    title = _title(entry)
    if page is None or page < 0 or not title:
        return None
    top = entry.top  # a number, or None or null where the entry is to a whole page
    return Mark(title, page, float(top) if isinstance(top, int | float) else None, part)


# Metadata and warnings


def _metadata(reader: pypdf.PdfReader, title: str, credited: Sequence[str] = ()) -> Metadata:
    """The information dictionary; a title that is a file name ("Microsoft Word - x.docx")
    gives way to the title page's, and no author (or "anonymous", a tool's default) to the
    authors the title page credits. No date: its only dates are the file's (CreationDate,
    ModDate: when a scan or an export was made), never the book's (`published`)."""
    given = _info(reader, "/Title")
    authors = [name.strip() for name in _info(reader, "/Author").split(";") if name.strip()]
    if credited and all(_NO_AUTHOR.match(name) for name in authors):
        authors = list(credited)
    return Metadata(
        title=given if given and not _FILE_NAME.match(given) else title,
        authors=authors,
        language=_text(reader.root_object.get("/Lang")),
    )


def _names(reader: pypdf.PdfReader) -> list[str]:
    """The book's title and authors, as its information dictionary gives them: a running
    head says one."""
    metadata = _metadata(reader, "")
    return [metadata.title, *metadata.authors]


def _info(reader: pypdf.PdfReader, key: str) -> str:
    info = reader.metadata
    return "" if info is None else _text(info.get(key))


def _text(value: object) -> str:
    """A metadata value that is a string, on one line; a dictionary, a list or a number
    where a string belongs is a damaged or hostile file's, and no value."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return " ".join(value.split()) if isinstance(value, str) else ""


def _textless_pages(lines: list[Line], pages: int, turned: list[int], source: str) -> list[str]:
    with_text = {line.page for line in lines} | set(turned)
    missing = [page for page in range(pages) if page not in with_text]
    return _pages_warning(missing, source, "no text", "blank, pictures or scans")


def _pages_warning(pages: list[int], source: str, what: str, why: str) -> list[str]:
    """A warning naming the pages (from 1) where `what` was found and not read."""
    if not pages:
        return []
    shown = ", ".join(str(page + 1) for page in pages[:10]) + (", ..." if len(pages) > 10 else "")
    return [f"{source}: {what} on page(s) {shown} ({why}); not read"]
