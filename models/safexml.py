"""XML from outside (a book's parts, a pronunciation lexicon), parsed as hostile input.

A document that declares entities is refused outright: neither a book nor a lexicon needs
them, and they are how expansion bombs and external-entity reads are built. The check reads
the whole prolog (past comments, in UTF-16 files too), and the parser resolves no entity,
loads no DTD and reaches no network. The named entities of XHTML (``&nbsp;``), which EPUB 2
files use without the DTD that defines them, can be turned into the characters they name.
"""

import html.entities
import re
from typing import Any

from lxml import etree


class RejectedXML(Exception):
    """Raised when a document is refused or cannot be parsed; callers say which file."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


DECLARES_ENTITIES = "declares XML entities; refusing"  # RejectedXML's reason for one that does


def parse_xml(data: bytes, xhtml_entities: bool = False) -> Any:
    """The document's root element; raises RejectedXML with the reason."""
    data = _utf8(data)
    if _declares_entities(data):
        raise RejectedXML(DECLARES_ENTITIES)
    if xhtml_entities:
        data = _HTML_ENTITY.sub(_character_reference, data)
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
        raise RejectedXML(f"not well-formed XML ({error})", error.lineno or 0) from error


_UTF16 = {  # and UTF-32, whose marks are looked for first (its LE mark begins as UTF-16's)
    b"\xff\xfe\x00\x00": "utf-32",
    b"\x00\x00\xfe\xff": "utf-32",
    b"<\x00\x00\x00": "utf-32-le",
    b"\x00\x00\x00<": "utf-32-be",
    b"\xff\xfe": "utf-16",
    b"\xfe\xff": "utf-16",
    b"<\x00?\x00": "utf-16-le",
    b"\x00<\x00?": "utf-16-be",
}
_XML_DECLARATION = re.compile(r"^\ufeff?<\?xml[^>]*\?>")
_HTML_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_SKIPPED_IN_PROLOG = {b"<!--": b"-->", b"<?": b"?>"}  # comments and processing instructions


def _utf8(data: bytes) -> bytes:
    """The document as UTF-8, so that the checks below see its markup whatever its encoding
    (a UTF-16 file would hide a declaration from a byte search)."""
    encoding = next((enc for start, enc in _UTF16.items() if data.startswith(start)), None)
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise RejectedXML(f"not valid {encoding.upper()[:6]} XML ({error.reason})") from error
    return _XML_DECLARATION.sub("", text).encode("utf-8")


def declares_entities(data: bytes) -> bool:
    """Whether a document's prolog declares entities or holds a DOCTYPE's internal subset,
    as `parse_xml` checks it: for markup read by another parser (HTML's), which would not
    expand them but would read their declarations' leftovers as text."""
    try:
        return _declares_entities(_utf8(data))
    except RejectedXML:  # a UTF-16 or UTF-32 mark over bytes that are not: no XML prolog
        return False


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
