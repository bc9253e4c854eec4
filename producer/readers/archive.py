"""ZIP containers (EPUB, DOCX) and the XML inside them, opened as hostile input.

A book is a file from outside: its ZIP may be truncated, a bomb (tiny compressed, huge
expanded) or hold thousands of entries; its XML may declare entities that expand without
bound or point at files and URLs. Nothing here extracts to disk; members are read into
memory by name, within a budget that counts the bytes actually inflated (declared sizes
can lie), and XML is parsed with entities, DTDs and the network switched off.
"""

import io
import posixpath
import zipfile
from typing import Any

from lxml import etree

from config.errors import ManuscriptError

MAX_ENTRIES = 10_000
MAX_EXPANDED_BYTES = 512 * 1024 * 1024  # all members read from one archive, together
MAX_RATIO = 200  # inflated / compressed, for members over a megabyte
_CHUNK = 1 << 16


class Archive:
    """The members of a ZIP file, read by name within a size budget."""

    def __init__(self, data: bytes, source: str, kind: str) -> None:
        self.source = source
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
            raise ManuscriptError(f"{source}: not a readable {kind} (a ZIP: {error})") from error
        if len(infos) > MAX_ENTRIES:
            raise ManuscriptError(f"{source}: {len(infos)} entries in the ZIP; refusing (bomb?)")
        declared = sum(info.file_size for info in infos)
        if declared > MAX_EXPANDED_BYTES:
            raise ManuscriptError(
                f"{source}: the ZIP expands to {declared} bytes; refusing (bomb?)"
            )
        self._infos = {info.filename: info for info in infos}
        self._budget = MAX_EXPANDED_BYTES

    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        """A member's bytes; a missing, corrupt or bomb-like member is a ManuscriptError."""
        info = self._infos.get(name)
        if info is None:
            raise ManuscriptError(f"{self.source}: {name!r} is missing from the archive")
        if info.flag_bits & 0x1:
            raise ManuscriptError(f"{self.source}: {name} is encrypted")
        limit = min(self._budget, info.file_size)
        out = io.BytesIO()
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out.write(chunk)
                    if out.tell() > limit:
                        raise ManuscriptError(
                            f"{self.source}: {name} expands past its declared size; refusing"
                        )
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise ManuscriptError(f"{self.source}: {name} is corrupt ({error})") from error
        self._budget -= out.tell()
        if (
            info.compress_size
            and out.tell() > 1 << 20
            and out.tell() / info.compress_size > MAX_RATIO
        ):
            raise ManuscriptError(f"{self.source}: {name} is compressed {MAX_RATIO}x+; refusing")
        return out.getvalue()

    def resolve(self, base: str, href: str) -> str:
        """The member an href in member `base` points at; refuses one outside the archive."""
        path = href.split("#", 1)[0]
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
        if joined.startswith(("../", "/")) or joined == "..":
            raise ManuscriptError(f"{self.source}: {href!r} in {base} points outside the book")
        return joined


def parse_xml(data: bytes, source: str) -> Any:
    """An XML document's root element, without resolving any entity or loading any DTD.

    A document that declares entities is refused outright: a book has no need of them, and
    they are how expansion bombs and external-entity reads are built.
    """
    head = data[:4096].lower()
    if b"<!entity" in head or (b"<!doctype" in head and b"[" in _doctype(head)):
        raise ManuscriptError(f"{source}: declares XML entities; refusing")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ManuscriptError(f"{source}: not well-formed XML ({error})") from error


def _doctype(head: bytes) -> bytes:
    start = head.find(b"<!doctype")
    end = head.find(b">", start)
    return head[start : end if end > 0 else len(head)]
