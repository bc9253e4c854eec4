"""Manuscript readers: a file in, the `config.manuscript` schema out.

One module per format, each turning a file's bytes into a `Book` (`producer.readers.book`).
The format is told by content (a ZIP's parts, a PDF's header, HTML markup), the file name
only where content cannot tell (Markdown is plain text too).
"""

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from config.errors import ManuscriptError
from config.manuscript import Manuscript
from config.settings import get_settings
from producer.readers import docx, pdf, text
from producer.readers.book import Book, select

MARKDOWN_SUFFIXES = {".md", ".markdown"}


def read_manuscript(
    path: Path, include: Sequence[str] = (), skip: Sequence[str] = ()
) -> Manuscript:
    """Read a manuscript and choose its chapters; raises ManuscriptError with the reason."""
    return select(read_book(path), str(path), include, skip)


def read_book(path: Path) -> Book:
    """Every section of a manuscript file, with its metadata and cover."""
    data = read_bytes(path)
    kind = sniff(data, path)
    if kind == "docx":
        return docx.read(data, str(path))
    if kind == "pdf":
        return pdf.read(data, str(path))
    return text.read(data, str(path), markdown=kind == "markdown")


def sniff(data: bytes, path: Path) -> str:
    """The format of a manuscript, from its first bytes (and its suffix for Markdown).

    A file named .docx or .pdf whose content is not one goes to that reader all the same,
    which says what is wrong with it, rather than being read as text.
    """
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return "docx" if docx.DOCUMENT in _zip_names(data) or suffix == ".docx" else "zip"
    if suffix in (".docx", ".pdf"):
        return suffix[1:]
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _zip_names(data: bytes) -> set[str]:
    """The member names of a ZIP; none for a damaged one (its reader will say so)."""
    try:
        return set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return set()


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
