"""Manuscript readers: a file in, the `config.manuscript` schema out.

One module per format, each turning a file's bytes into a `Book` (`producer.readers.book`).
The format is told by content (a ZIP's parts, a PDF's header, HTML markup), the file name
only where content cannot tell (Markdown is plain text too).
"""

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from config.errors import ManuscriptError
from config.manuscript import Manuscript
from config.settings import get_settings
from producer.readers import epub, html, text
from producer.readers.book import Book, select

MARKDOWN_SUFFIXES = {".md", ".markdown"}
_EPUB_MAGIC = b"mimetypeapplication/epub+zip"  # OCF: the first member, stored, at offset 30
_HTML_START = re.compile(
    rb"(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)\b", re.I | re.S
)


def read_manuscript(
    path: Path, include: Sequence[str] = (), skip: Sequence[str] = ()
) -> Manuscript:
    """Read a manuscript and choose its chapters; raises ManuscriptError with the reason."""
    return select(read_book(path), str(path), include, skip)


def read_book(path: Path) -> Book:
    """Every section of a manuscript file, with its metadata and cover."""
    data = read_bytes(path)
    kind = sniff(data, path)
    if kind == "epub":
        return epub.read(data, str(path))
    if kind == "html":
        return html.read(data, str(path))
    return text.read(data, str(path), markdown=kind == "markdown")


def sniff(data: bytes, path: Path) -> str:
    """The format of a manuscript, from its first bytes (its suffix for Markdown, and for an
    EPUB too damaged to tell)."""
    if _is_epub(data, path):
        return "epub"
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return "zip"
    if _HTML_START.match(data[:4096]):
        return "html"
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _is_epub(data: bytes, path: Path) -> bool:
    """An EPUB by its magic or its container; a file named .epub is one (and, if it is not
    a readable ZIP, the EPUB reader says so)."""
    if data[30:58] == _EPUB_MAGIC or path.suffix.lower() == ".epub":
        return True
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "META-INF/container.xml" in zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False


def read_bytes(path: Path) -> bytes:
    limit = int(get_settings().max_manuscript_mb * 1024 * 1024)
    if not path.exists():
        raise ManuscriptError(f"{path}: no such file")
    if not path.is_file():
        raise ManuscriptError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > limit:
        raise ManuscriptError(
            f"{path}: {size} bytes, more than the {limit} accepted (NARRATE_MAX_MANUSCRIPT_MB)"
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise ManuscriptError(f"{path}: cannot read ({error.strerror})") from error


__all__ = ["Book", "read_book", "read_manuscript", "sniff"]
