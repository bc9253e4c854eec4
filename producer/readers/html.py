"""Single-file HTML books: a Project Gutenberg HTML edition, a saved web page.

Chapters are headings, chosen as for Markdown: a lone top heading is the book's title and
chapters are the highest level that repeats. What comes before the first chapter is the
title page when it holds the book's title or a "by ..." line (not narrated by default),
else an untitled opening that is. Project Gutenberg's header and licence, and a site's
banner, navigation and footer, are not part of the book and are dropped. lxml's HTML
parser does not expand entity declarations, and is told not to touch the network.
"""

import logging
import re
from collections import Counter
from typing import Any

from lxml import etree

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers import markup, matter
from producer.readers.archive import text_of
from producer.readers.book import Book, Section
from producer.readers.markup import HEADING, Block
from producer.readers.text import gutenberg_metadata, without_spans

log = logging.getLogger(__name__)

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]*)", re.I)
_LATIN1_LABELS = {b"iso-8859-1", b"latin1", b"latin-1", b"l1", b"us-ascii", b"ascii", b"cp819"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_PG_START = re.compile(r"\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG", re.I)
_PG_END = re.compile(
    r"\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG|End of (the )?Project Gutenberg", re.I
)
_PG_BOILERPLATE = "//*[@id='pg-header' or @id='pg-footer' or contains(@class, 'pg-boilerplate')]"
_PG_TITLE = re.compile(r"^The Project Gutenberg e-?Book of\s+(.*?)(?:,\s+by\s+(.+))?$", re.I)
_CHROME_ROLES = {"banner", "navigation", "contentinfo", "search"}
_CONTENT = {"article", "section", "main"}  # a header or footer inside one is the book's
_AUTHOR_META = {"author", "dc.creator", "dcterms.creator"}
_BY_LINE = re.compile(r"^by\s", re.I)


_QUOTED = re.compile(rb"\"[^\"]*\"|'[^']*'")  # an attribute's value, quoted
# Far above any element a book sets (a handful of attributes; an inline image's data is one).
MAX_ATTRIBUTES = 1_000


def read(data: bytes, source: str) -> Book:
    """An HTML book's chapters, metadata and warnings; raises ManuscriptError."""
    root = _parse(data, source)
    metadata = _metadata(root)
    body = next(root.iter("body"), root)
    _drop_gutenberg(body)
    _drop_site_chrome(body)
    found = markup.blocks(body)
    if not found:  # nothing but markup, or text below the parser's 256 levels of nesting
        raise ManuscriptError(f"{source}: no text to read in the HTML")
    level, book_title = _chapter_level(found)
    metadata.title = metadata.title or book_title
    warnings: list[str] = []
    return Book(_sections(found, level, metadata.title, warnings), metadata, warnings=warnings)


def _parse(data: bytes, source: str) -> Any:
    if not data.strip():
        raise ManuscriptError(f"{source}: the file is empty")
    if _most_attributes(data) > MAX_ATTRIBUTES:
        raise ManuscriptError(
            f"{source}: a tag with more than {MAX_ATTRIBUTES:,} attributes: not a book's HTML"
        )
    parser = etree.HTMLParser(
        encoding=_encoding(data), remove_comments=True, remove_pis=True, no_network=True
    )
    root = etree.fromstring(data, parser)
    if root is None:
        raise ManuscriptError(f"{source}: no HTML in the file")
    return root


def _most_attributes(data: bytes) -> int:
    """About the most attributes of any one tag: the names left inside its < and > once
    quoted values are taken out. libxml2's HTML parser takes time growing faster than the
    square of a tag's attributes (100,000 of them: over a minute), so such a file is refused
    before it is parsed. Comments, scripts and styles are passed over (their words are no
    attributes), and so is a "<" in prose (no tag name after it)."""
    most = 0
    for chunk in _without_code(data).split(b"<"):
        tag, closed, _ = chunk.partition(b">")
        if closed and tag[:1].isalpha():
            most = max(most, len(_QUOTED.sub(b" ", tag).split()))
    return most


def _without_code(data: bytes) -> bytes:
    """The bytes less comments, scripts and styles, in one pass each."""
    for start, end in ((b"<!--", b"-->"), (b"<script", b"</script"), (b"<style", b"</style")):
        data = without_spans(data, start, end, any_case=True)
    return data


def _encoding(data: bytes) -> str | None:
    """The encoding to read with, where the file does not say (libxml2 would take
    Latin-1): UTF-8 when the bytes are UTF-8, else Windows-1252. A page that says Latin-1
    or ASCII is read as Windows-1252 too, as browsers do (the WHATWG encoding standard):
    such pages hold its curly quotes and dashes in the bytes Latin-1 leaves to controls."""
    if data.startswith(_BOMS):
        return None
    if declared := _CHARSET.search(data[:4096]):
        return "windows-1252" if declared[1].lower() in _LATIN1_LABELS else None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _metadata(root: Any) -> Metadata:
    """Title from <title> (Project Gutenberg's "The Project Gutenberg eBook of X, by Y"
    read as title X by Y), authors from <meta name="author">, language from lang."""
    title = _first_text(root, "title")
    authors = [m.get("content", "").strip() for m in root.iter("meta") if _is_author(m)]
    if pg := _PG_TITLE.match(title):
        title = pg.group(1)
        authors = authors or ([pg.group(2)] if pg.group(2) else [])
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    # A Project Gutenberg file's header (in a <pre>, before the START line) says the rest.
    header = gutenberg_metadata("".join(root.itertext()))
    return Metadata(
        title=title or header.title,
        authors=[a for a in authors if a] or header.authors,
        language=language or header.language,
        date=header.date,
    )


def _first_text(root: Any, tag: str) -> str:
    el = next(root.iter(tag), None)
    return text_of(el) if el is not None else ""


def _is_author(meta: Any) -> bool:
    return (meta.get("name") or "").lower() in _AUTHOR_META


def _drop_gutenberg(body: Any) -> None:
    """Project Gutenberg's header and licence: its marked sections, and everything before
    the START line and from the END line on."""
    for el in body.xpath(_PG_BOILERPLATE):
        _remove(el, keep_tail=True)
    if (start := _marker(body, _PG_START)) is not None:
        _drop_before(start, body)
    if (end := _marker(body, _PG_END)) is not None:
        _drop_from(end, body)


def _marker(body: Any, pattern: re.Pattern[str]) -> Any:
    """The first element whose own text matches `pattern`, or None."""
    return next((el for el in body.iter() if pattern.search("".join(el.xpath("text()")))), None)


def _drop_before(marker: Any, body: Any) -> None:
    """Remove `marker` and all that precedes it in the body (its tail stays)."""
    node = marker
    while node is not body:
        parent = node.getparent()
        for sibling in list(node.itersiblings(preceding=True)):
            parent.remove(sibling)
        parent.text = None
        node = parent
    _remove(marker, keep_tail=True)


def _drop_from(marker: Any, body: Any) -> None:
    """Remove `marker` and all that follows it in the body."""
    node = marker
    while node is not body:
        for sibling in list(node.itersiblings()):
            node.getparent().remove(sibling)
        node.tail = None
        node = node.getparent()
    _remove(marker, keep_tail=False)


def _drop_site_chrome(body: Any) -> None:
    """A page's banner, navigation and footer: headers and footers outside any article or
    section, and landmarks by role."""
    for el in list(body.iter()):
        tag = markup.tag_of(el)
        outside = not any(markup.tag_of(a) in _CONTENT for a in el.iterancestors())
        if (tag in ("header", "footer") and outside) or el.get("role") in _CHROME_ROLES:
            _remove(el, keep_tail=True)


def _remove(el: Any, keep_tail: bool) -> None:
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


def _chapter_level(found: list[Block]) -> tuple[int, str]:
    """The heading level that makes chapters, and the book's title where a lone heading
    above them gives one."""
    levels = Counter(b.level for b in found if b.kind == HEADING and b.level and not b.note)
    if not levels:
        return 0, ""
    repeated = [level for level, count in levels.items() if count > 1]
    level = min(repeated) if repeated else min(levels)
    top = min(levels)
    if top == level or levels[top] > 1:
        return level, ""
    return level, next(b.text for b in found if b.kind == HEADING and b.level == top)


def _sections(found: list[Block], level: int, title: str, warnings: list[str]) -> list[Section]:
    starts = [i for i, b in enumerate(found) if _opens_chapter(b, level)]
    if not starts or starts[0] > 0:
        starts.insert(0, 0)
    sections = []
    for start, end in zip(starts, [*starts[1:], len(found)], strict=True):
        part = found[start:end]
        if _opens_chapter(part[0], level):
            kind = matter.kind_of(part[0].text) or "chapter"
            sections.append(markup.section(part, "", kind, matter.skip_reason(kind), warnings))
        else:
            sections.append(_opening(part, level, title, warnings))
    return sections


def _opens_chapter(block: Block, level: int) -> bool:
    return block.kind == HEADING and block.level == level > 0 and not block.note


def _opening(part: list[Block], level: int, title: str, warnings: list[str]) -> Section:
    """What precedes the first chapter: the title page, or an untitled opening."""
    wanted = " ".join(title.casefold().split())
    title_page = any(
        (b.kind == HEADING and 0 < b.level < level)
        or (wanted and wanted in " ".join(b.text.casefold().split()))
        or _BY_LINE.match(b.text)
        for b in part
    )
    if not title_page:
        return markup.section(part, "", "chapter", "", warnings)
    log.info("not narrating the title page by default (%d blocks)", len(part))
    kind = "titlepage"
    return markup.section(part, "", kind, matter.skip_reason(kind), warnings)
