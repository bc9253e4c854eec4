"""ZIP containers (EPUB, DOCX) and the XML inside them, opened as hostile input.

A book is a file from outside: its ZIP may be truncated, a bomb (tiny compressed, huge
expanded) or hold thousands of entries; its XML may declare entities that expand without
bound or point at files and URLs. Nothing here extracts to disk; members are read into
memory by name, within a budget that counts the bytes actually inflated (declared sizes
can lie), and XML is parsed with entities, DTDs and the network switched off.
"""

import html.entities
import io
import posixpath
import re
import zipfile
from typing import Any
from urllib.parse import unquote

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


def parse_xml(data: bytes, source: str) -> Any:
    """An XML document's root element, without resolving any entity or loading any DTD.

    A document that declares entities is refused outright: a book has no need of them, and
    they are how expansion bombs and external-entity reads are built. The named entities of
    XHTML (``&nbsp;``, ``&mdash;``), which EPUB 2 files use without the DTD that defines
    them, become the characters they name.
    """
    data = _utf8(data, source)
    if _declares_entities(data):
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
        return etree.fromstring(_HTML_ENTITY.sub(_character_reference, data), parser)
    except etree.XMLSyntaxError as error:
        raise ManuscriptError(f"{source}: not well-formed XML ({error})") from error


def elements(root: Any, name: str) -> list[Any]:
    """The elements called `name` in any namespace (or none: EPUB 2 files are careless with
    them) at or under `root`, in document order."""
    return [
        el for el in root.iter() if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == name
    ]


def text_of(el: Any) -> str:
    """All the text in an element, whitespace collapsed."""
    return " ".join("".join(el.itertext()).split())


_UTF16 = {
    b"\xff\xfe": "utf-16",
    b"\xfe\xff": "utf-16",
    b"<\x00?\x00": "utf-16-le",
    b"\x00<\x00?": "utf-16-be",
}
_XML_DECLARATION = re.compile(r"^\ufeff?<\?xml[^>]*\?>")
_HTML_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_SKIPPED_IN_PROLOG = {b"<!--": b"-->", b"<?": b"?>"}  # comments and processing instructions


def _utf8(data: bytes, source: str) -> bytes:
    """The document as UTF-8, so that the checks below see its markup whatever its encoding
    (a UTF-16 file would hide a declaration from a byte search)."""
    encoding = next((enc for start, enc in _UTF16.items() if data.startswith(start)), None)
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ManuscriptError(f"{source}: not valid UTF-16 XML ({error.reason})") from error
    return _XML_DECLARATION.sub("", text).encode("utf-8")


def _declares_entities(data: bytes) -> bool:
    """Whether the prolog holds an entity declaration or a DOCTYPE with an internal subset."""
    prolog = _prolog(data).lower()
    doctype = prolog.find(b"<!doctype")
    return b"<!entity" in prolog or (doctype >= 0 and b"[" in prolog[doctype:])


def _prolog(data: bytes) -> bytes:
    """All before the root element's start tag, less comments and processing instructions
    (they may hold any text, "<a" too). One pass, so a hostile file cannot make it slow."""
    parts: list[bytes] = []
    i = 0
    while (lt := data.find(b"<", i)) >= 0:
        parts.append(data[i:lt])
        opener = next((o for o in _SKIPPED_IN_PROLOG if data.startswith(o, lt)), b"")
        closer = _SKIPPED_IN_PROLOG.get(opener, b"")
        if closer:
            end = data.find(closer, lt + 2)
            i = end + len(closer) if end >= 0 else len(data)
        elif data.startswith(b"<!", lt):  # DOCTYPE, or a declaration inside its subset
            parts.append(b"<!")
            i = lt + 2
        else:
            break  # the root element
    return b"".join(parts)


def _character_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    code = html.entities.name2codepoint.get(name.decode("ascii"))
    if name in _XML_ENTITIES or code is None:
        return match.group(0)  # XML's own, or unknown: the parser decides
    return b"&#%d;" % code
