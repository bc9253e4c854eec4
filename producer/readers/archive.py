"""ZIP containers (EPUB, DOCX) and the XML inside them, opened as hostile input.

A book is a file from outside: its ZIP may be truncated, a bomb (tiny compressed, huge
expanded) or hold thousands of entries; its XML may declare entities that expand without
bound or point at files and URLs. Nothing here extracts to disk; members are read into
memory by name, within a budget that counts the bytes actually inflated (declared sizes
can lie), and XML is parsed with entities, DTDs and the network switched off.
"""

import io
import lzma
import posixpath
import zipfile
import zlib
from itertools import islice
from typing import Any
from urllib.parse import unquote

from config.errors import ManuscriptError
from models.safexml import DECLARES_ENTITIES, RejectedXML
from models.safexml import parse_xml as safe_parse

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

    def size(self, name: str) -> int:
        """A member's declared size (0 if missing), which `read` holds it to."""
        info = self._infos.get(name)
        return info.file_size if info is not None else 0

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
                    self._check_growth(info, out.tell(), limit)  # as it inflates, not after
        except NotImplementedError as error:  # deflate64, a patched member...: zipfile's own
            raise ManuscriptError(f"{self.source}: {name} cannot be read ({error})") from error
        except (
            zipfile.BadZipFile,
            EOFError,
            OSError,
            ValueError,
            zlib.error,
            lzma.LZMAError,
        ) as error:
            raise ManuscriptError(f"{self.source}: {name} is corrupt ({error})") from error
        self._budget -= out.tell()
        return out.getvalue()

    def _check_growth(self, info: zipfile.ZipInfo, size: int, limit: int) -> None:
        if size > limit:
            raise ManuscriptError(
                f"{self.source}: {info.filename} expands past its declared size; refusing"
            )
        if info.compress_size and size > 1 << 20 and size / info.compress_size > MAX_RATIO:
            raise ManuscriptError(
                f"{self.source}: {info.filename} is compressed {MAX_RATIO}x+; refusing"
            )

    def resolve(self, base: str, href: str) -> str:
        """The member an href in member `base` points at; refuses one outside the archive.

        An href is a URL: percent-escapes are decoded, and one that is only a fragment
        (``#note-1``) points into `base` itself.
        """
        path = unquote(href.split("#", 1)[0])
        if not path:
            return base
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
        if joined.startswith(("../", "/")) or joined == "..":
            raise ManuscriptError(f"{self.source}: {href!r} in {base} points outside the book")
        return joined


class HostileXML(ManuscriptError):
    """An XML part that declares entities: hostile, not damaged, so the book is refused
    even where a damaged part of its kind would only be passed over."""


def parse_xml(data: bytes, source: str) -> Any:
    """An XML part of a book as its root element (`models.safexml`: no entities, no DTD, no
    network; XHTML's named entities as the characters they name)."""
    try:
        return safe_parse(data, xhtml_entities=True)
    except RejectedXML as error:
        hostile = error.reason == DECLARES_ENTITIES
        raise (HostileXML if hostile else ManuscriptError)(f"{source}: {error.reason}") from error


def elements(root: Any, name: str) -> list[Any]:
    """The elements called `name` in any namespace (or none: EPUB 2 files are careless with
    them) at or under `root`, in document order."""
    return [
        el for el in root.iter() if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == name
    ]


def text_of(el: Any) -> str:
    """All the text in an element, whitespace collapsed."""
    return " ".join("".join(el.itertext()).split())


def text_before(el: Any, top: Any, nodes: int) -> str | None:
    """The text inside `top` that comes before `el`; None where `el` is not among its
    first `nodes` elements."""
    ancestors = set(el.iterancestors())
    parts = [top.text or ""]
    for node in islice(top.iterdescendants(), nodes):
        if node is el:
            return "".join(parts)
        parts.append(node.text or "")
        if node not in ancestors:  # an ancestor's tail comes after `el`
            parts.append(node.tail or "")
    return None


def remove(el: Any, keep_tail: bool) -> None:
    """Take an element out of its tree, its tail text kept in its place or not."""
    parent = el.getparent()
    if parent is None:
        return
    if keep_tail and el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
