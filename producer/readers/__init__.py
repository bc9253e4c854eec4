"""Manuscript readers: a file in, the `config.manuscript` schema out.

One module per format, each turning a file's bytes into a `Book` (`producer.readers.book`).
The format is told by content (a ZIP's parts, a PDF's header, HTML markup), the file name
only where content cannot tell (Markdown is plain text too). `read_source` is the one way
in for `narrate synth`, `enqueue` and `inspect`, so all three accept and refuse alike.
"""

import importlib
import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from config.errors import ManuscriptError
from config.layout import SOURCE_KEY, cover_key
from config.manuscript import Manuscript, book_date
from config.settings import get_settings
from models.lexicon import load_lexicons
from models.normalize import locale_for
from models.safexml import declares_entities
from models.scripts import letters_by_script, script_name
from models.wording import DEFAULT_LOCALE
from producer.readers import ole, text
from producer.readers.book import Book, Cover, select, with_credits

if TYPE_CHECKING:
    from worker.storage import Storage

MARKDOWN_SUFFIXES = {".md", ".markdown"}
READERS = ("epub", "html", "docx", "pdf")
DOCX_DOCUMENT = "word/document.xml"
_EPUB_MAGIC = b"mimetypeapplication/epub+zip"  # OCF: the first member, stored, at offset 30
# Formats told by content that narrate does not read: refused by name, not read as text
# (an RTF file is plain ASCII, so it would otherwise be narrated markup and all).
_UNSUPPORTED = {"rtf": "RTF"}
_RTF_START = re.compile(rb"(\xef\xbb\xbf)?\s*\{\\rtf")
# HTML is told by its first markup, past a BOM, whitespace, an XML declaration and comments
# (each comment one way: `.*?` let a run of them be split as many ways as it has comments).
_SNIFFED = 1 << 16
_MARKUP_START = rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<"
_HTML_PAGE = re.compile(_MARKUP_START + rb"(?:!doctype|(?:html|head|body)[\s/>])", re.I | re.S)
_HTML_FRAGMENT = re.compile(
    _MARKUP_START + rb"(?:div|p|h[1-6]|meta|title|section|article)[\s/>]", re.I | re.S
)
_ANY_TAG = re.compile(_MARKUP_START + rb"[a-z][a-z0-9]*[\s/>]", re.I | re.S)
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass(frozen=True)
class Reading:
    """How to read a manuscript: sections to include or skip by title or kind, lexicons to
    apply, and the locale its numbers and dates are read in (default: the book's)."""

    include: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    lexicons: tuple[Path, ...] = ()
    locale: str = ""
    credits: str = ""  # the narrator to name in the opening credits; empty: no credits


EVERYTHING_BY_DEFAULT = Reading()


@dataclass
class Source:
    """A manuscript ready to narrate, with what does not fit its JSON."""

    manuscript: Manuscript
    cover: Cover | None = None
    warnings: list[str] = field(default_factory=list)


def read_source(path: Path, reading: Reading = EVERYTHING_BY_DEFAULT) -> Source:
    """Read a manuscript and choose its chapters; raises ManuscriptError with the reason."""
    book = read_book(path)
    manuscript = select(book, str(path), reading.include, reading.skip)
    if reading.credits:
        manuscript = with_credits(manuscript, reading.credits)
        book.warnings += _uncredited(manuscript)
    manuscript.lexicon = load_lexicons(reading.lexicons)
    manuscript.locale = _locale(reading.locale, manuscript.metadata.language, path)
    book.warnings += _other_language(manuscript.metadata.language, reading.locale)
    _check_script(manuscript, path)
    if book.cover is not None:
        manuscript.metadata.cover_key = cover_key(book.cover.extension)
    return Source(manuscript, book.cover, book.warnings)


def _uncredited(manuscript: Manuscript) -> list[str]:
    """--credits said of a book that names no title or author: "This is this book"."""
    meta = manuscript.metadata
    missing = [what for what, has in (("title", meta.title), ("author", meta.authors)) if not has]
    if not missing:
        return []
    said = " or ".join(missing)
    return [
        f'--credits: the book names no {said}, so its credits say "{manuscript.chapters[0].text}" '
        "(ACX asks for both); give them in its metadata (Markdown front matter, EPUB/DOCX "
        "properties, a text file's title page)"
    ]


def store_source(storage: "Storage", source: Source) -> None:
    """The manuscript as read, and its cover, where every worker reads them."""
    storage.put_model(SOURCE_KEY, source.manuscript)
    store_cover(storage, source)


def store_cover(storage: "Storage", source: Source) -> None:
    """The book's cover, if it has one, where the manuscript's metadata names it."""
    if source.cover is not None:
        storage.put_bytes(source.manuscript.metadata.cover_key, source.cover.data)


def _check_script(manuscript: Manuscript, path: Path) -> None:
    """A book mostly in another script than English's is refused: its words would be read
    in an English voice, each as its own language says it (`models.scripts`), which makes
    a passage or a name clear and a whole book a mistake."""
    counts = letters_by_script("".join(chapter.text for chapter in manuscript.chapters))
    letters = sum(counts.values())
    foreign = letters - counts["LATIN"]
    if letters and foreign > letters / 2:
        most = max((name for name in counts if name != "LATIN"), key=counts.__getitem__)
        raise ManuscriptError(
            f"{path}: {foreign / letters:.0%} of its letters are not in the Latin alphabet "
            f"(most are {script_name(most)}); narrate reads English books"
        )


def _locale(asked: str, language: str, path: Path) -> str:
    """--locale, else the book's language when it is English, else en-US."""
    if asked:
        try:
            locale_for(asked)
        except ValueError as error:
            raise ManuscriptError(f"--locale {error}") from error
        return asked
    return language if language.lower().startswith("en") else DEFAULT_LOCALE


def _other_language(language: str, asked: str) -> list[str]:
    """A book that says it is in another language, read in English: said (a book mostly in
    another script is refused, `_check_script`; French is in the Latin alphabet)."""
    if not language or asked or language.lower().startswith("en"):
        return []
    return [
        f"the book says its language is {language!r}; narrate reads English: it is read as "
        f"{DEFAULT_LOCALE}"
    ]


def read_manuscript(path: Path, reading: Reading = EVERYTHING_BY_DEFAULT) -> Manuscript:
    return read_source(path, reading).manuscript


def read_book(path: Path) -> Book:
    """Every section of a manuscript file, with its metadata and cover: the date a book's,
    whichever reader found it (`book_date`)."""
    book = _read_format(read_bytes(path), path)
    book.metadata.date = book_date(book.metadata.date)
    _check_length(book, path)
    return book


def _check_length(book: Book, path: Path) -> None:
    """A book longer than any one book (`max_book_chars`) is refused before it is segmented
    and planned: a file of 50 MB of words would hold a worker for hours, and its plan alone
    for minutes."""
    length = sum(len(section.body) for section in book.sections)
    if length > get_settings().max_book_chars:
        _too_long(path, f"{length:,}")


def _too_long(path: Path, length: str) -> NoReturn:
    raise ManuscriptError(
        f"{path}: {length} characters of text, more than one book may have "
        f"({get_settings().max_book_chars:,}: NARRATE_MAX_BOOK_CHARS); split it into volumes"
    )


def _read_format(data: bytes, path: Path) -> Book:
    """The book as its format's reader reads it."""
    kind = sniff(data, path)
    if kind == "html" and declares_entities(data):  # lxml's HTML parser reads the rest as text
        raise ManuscriptError(
            f"{path}: declares XML entities, which are not read: its DOCTYPE holds declarations "
            "([...]), as entity bombs do; refusing"
        )
    if kind in READERS:  # imported when needed: each pulls its own parser libraries
        reader = importlib.import_module(f"producer.readers.{kind}")
        book: Book = reader.read(data, str(path))
        return book
    if kind in _UNSUPPORTED:
        raise ManuscriptError(
            f"{path}: {_UNSUPPORTED[kind]} is not a supported format; save it as DOCX, "
            "EPUB or plain text (UTF-8) and try again"
        )
    if len(data) > 4 * get_settings().max_book_chars:  # UTF-8: 4 bytes a character at most
        _too_long(path, f"at least {len(data) // 4:,}")
    return text.read(data, str(path), markdown=kind == "markdown")


def sniff(data: bytes, path: Path) -> str:
    """The format of a manuscript, from its first bytes (its suffix for Markdown, and for an
    EPUB, DOCX or PDF too damaged to tell: its reader says what is wrong with it). A web page
    named .docx or .pdf is refused: a download that failed."""
    suffix = path.suffix.lower()
    if _is_epub(data, path):
        return "epub"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return "docx" if DOCX_DOCUMENT in _zip_names(data) or suffix == ".docx" else "zip"
    if data.startswith(ole.MAGIC):  # a .doc, or a DOCX with a password: its reader says which
        return "docx"
    if _is_html(data[:_SNIFFED], suffix):
        if suffix in (".docx", ".pdf"):
            # No Word or PDF file is a web page; a download that failed is (a login page, an
            # error page), and would be narrated.
            raise ManuscriptError(
                f"{path}: a web page (HTML), not a {suffix[1:].upper()}: a download that "
                "failed? If it is the book, name it .html"
            )
        return "html"
    if _RTF_START.match(data[:64]):
        return "rtf"
    if suffix in (".docx", ".pdf"):
        return suffix[1:]
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _is_html(start: bytes, suffix: str) -> bool:
    """HTML by its first markup: a DOCTYPE (any) or a page's own tag (`<html>`, `<head>`,
    `<body>`); a block that opens a fragment (`<div>`, `<p>`, `<h1>`, `<meta>`, `<title>`,
    ...) except in a Markdown manuscript, which may open with one and is still Markdown;
    any tag in a file named .html. Text that opens "<3" or "<Name> said" is text."""
    if _HTML_PAGE.match(start):
        return True
    if suffix in MARKDOWN_SUFFIXES:
        return False
    return (_ANY_TAG if suffix in _HTML_SUFFIXES else _HTML_FRAGMENT).match(start) is not None


def _is_epub(data: bytes, path: Path) -> bool:
    """An EPUB by its magic or its container; a file named .epub is one (and, if it is not
    a readable ZIP, the EPUB reader says so), but for a Word document with no container,
    misnamed: the format is told by what the file holds, as a DOCX named .txt is read."""
    if data[30:58] == _EPUB_MAGIC:
        return True
    names = _zip_names(data) if data.startswith(b"PK\x03\x04") else set()
    if "META-INF/container.xml" in names:
        return True
    return path.suffix.lower() == ".epub" and DOCX_DOCUMENT not in names


def _zip_names(data: bytes) -> set[str]:
    """The member names of a ZIP; none for a damaged one (its reader will say so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return set()


def read_bytes(path: Path) -> bytes:
    limit = int(get_settings().max_manuscript_mb * 1024 * 1024)
    try:
        found = path.stat()
    except FileNotFoundError as error:
        raise ManuscriptError(f"{path}: no such file") from error
    except OSError as error:  # a name too long, a loop of links, a folder it may not enter
        raise ManuscriptError(f"{path}: cannot read ({error.strerror})") from error
    if not stat.S_ISREG(found.st_mode):
        raise ManuscriptError(f"{path}: not a regular file")
    size = found.st_size
    if size > limit:
        raise ManuscriptError(
            f"{path}: {size} bytes, more than the {limit} accepted (NARRATE_MAX_MANUSCRIPT_MB)"
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise ManuscriptError(f"{path}: cannot read ({error.strerror})") from error


__all__ = ["Book", "Reading", "Source", "read_book", "read_manuscript", "read_source", "sniff"]
