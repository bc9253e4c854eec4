"""Single-file HTML books: a Project Gutenberg HTML edition, a saved web page, a manuscript a
writing tool exported (Word, Google Docs, LibreOffice, Pandoc; `htmlexport`).

Chapters are headings, chosen as for Markdown: a lone top heading is the book's title and
chapters are the highest level that repeats; a manuscript without headings has its chapters
at paragraphs that are chapter labels, as a DOCX does. What comes before the first chapter
is the title page when it holds the book's title (the page's or its Title-styled
paragraph's) or a "by ..." line (not narrated by default), else an untitled opening that
is. Project Gutenberg's header (the e-text's credit under its START line with it) and
licence, and a site's banner, navigation and footer, are not part of the book and are
dropped. lxml's HTML parser does not expand entity declarations, and is told not to touch
the network.
"""

import codecs
import html as entities
import logging
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from lxml import etree

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers import gutenberg, htmlexport, markup, matter, text
from producer.readers.archive import remove, text_of
from producer.readers.book import (
    SCENE_BREAK,
    Book,
    Section,
    chapter_under_title,
    chapters_in_parts,
)
from producer.readers.headings import joined_numbers
from producer.readers.htmlexport import drop_before
from producer.readers.labels import LABELS_NEEDED, is_chapter_label, is_chapter_line
from producer.readers.markup import HEADING, TEXT, Block
from producer.readers.published import first_date
from producer.readers.text import gutenberg_metadata, without_spans

log = logging.getLogger(__name__)

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]*)", re.I)
# The WHATWG encoding standard's names for Windows-1252: Latin-1's, as browsers read them.
_WINDOWS_1252_LABELS = {
    *(b"iso-8859-1", b"iso8859-1", b"iso88591", b"iso_8859-1", b"iso_8859-1:1987", b"iso-ir-100"),
    *(b"latin1", b"latin-1", b"l1", b"csisolatin1", b"cp819", b"ibm819"),
    *(b"windows-1252", b"cp1252", b"x-cp1252"),
}
# ASCII's names (Python's and C's own, under a C locale, among them): a page that says it
# and holds other bytes is read as if it said nothing.
_ASCII_LABELS = {b"us-ascii", b"ascii", b"ansi_x3.4-1968", b"iso646-us", b"us"}
_MAC_LABELS = {b"macintosh", b"mac", b"csmacintosh", b"x-mac-roman"}  # Word for Mac's
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# The bytes Windows-1252 leaves undefined, as "surrogateescape" holds them: no character.
_UNDEFINED_1252 = dict.fromkeys(0xDC00 + byte for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
_PG_START = re.compile(r"\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG", re.I)
_PG_END = re.compile(r"\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG", re.I)
# "End of the Project Gutenberg EBook of X", opening a line: the END line's forerunner, read
# as the licence's start only in a Gutenberg e-text (a book may speak of the end of PG).
# Its space within the line: \s from each of many blank lines would run over all the rest.
_PG_CLOSING = re.compile(
    r"\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG|^[^\S\n]*End of (the )?Project Gutenberg",
    re.I | re.M,
)
_PG_BOILERPLATE = "//*[@id='pg-header' or @id='pg-footer' or contains(@class, 'pg-boilerplate')]"
_PG_TITLE = re.compile(r"^The Project Gutenberg e-?Book of\s+(.*?)(?:,\s+by\s+(.+))?$", re.I)
_CHROME_ROLES = {"banner", "navigation", "contentinfo", "search"}
_CONTENT = {"article", "section", "main"}  # a header or footer inside one is the book's
_AUTHOR_META = {"author", "dc.creator", "dcterms.creator"}
_DATE_META = {"dcterms.date", "dc.date", "date"}
_BY_LINE = re.compile(r"^by\s", re.I)
# Word's "Web Page": the document's properties in an <xml> island in the head (inside a
# conditional comment, which the parser drops); o:LastAuthor is whoever saved it last.
_WORD_PROPERTIES = (b"<o:documentproperties>", b"</o:documentproperties>")  # as lowered
_WORD_AUTHOR = re.compile(rb"<o:Author>([^<]*)</o:Author>", re.I)
_BODY = re.compile(rb"<body[\s>]", re.I)


_QUOTED = re.compile(rb"\"[^\"]*\"|'[^']*'")  # an attribute's value, quoted
# Far above any element a book sets (a handful of attributes; an inline image's data is one).
MAX_ATTRIBUTES = 1_000
# A page whose text is nearly all in <pre>, and a book's worth of it, not a poem's or a
# page of code examples: a plain-text book (`_pre_book`).
_PRE_BOOK_CHARS = 2_000
_PRE_BOOK_SHARE = 0.9
_NOTICE_CHARS = 500  # a frameset's notice to old browsers, at the most, not a book
MAX_DEPTH = 256  # libxml2's, without its "huge" option (which our recursive walk could not take)


def read(data: bytes, source: str) -> Book:
    """An HTML book's chapters, metadata and warnings; raises ManuscriptError."""
    data = _windows_1252_as_utf8(data)
    root = parse_page(data, source)
    metadata = _metadata(root)
    metadata.authors = metadata.authors or _word_authors(data, root)
    _parse_noframes(root, source)
    body = next(root.iter("body"), root)
    _refuse_frames_only(root, body, source)
    if (preformatted := _pre_book(body, source)) is not None:
        preformatted.metadata.title = preformatted.metadata.title or metadata.title
        preformatted.metadata.authors = preformatted.metadata.authors or metadata.authors
        return preformatted
    headed = _drop_gutenberg(body)
    _drop_site_chrome(body)
    htmlexport.clean(body)
    found = joined_numbers(_without_repeats(_labelled_chapters(_book_blocks(body, headed))))
    if not found:  # nothing but markup, or text below the parser's 256 levels of nesting
        raise ManuscriptError(f"{source}: no text to read in the HTML")
    level, book_title = _chapter_level(found)
    part_level = level
    titles = [block.text for block in found]
    if (below := chapters_in_parts(_levels(found), level, titles)) is not None:
        level = below  # <h1>Part One</h1><h2>Chapter 1</h2>: a part, a short section
    styled = _opening_title(htmlexport.styled_title(body), found, part_level)
    metadata.title = metadata.title or book_title or styled
    warnings: list[str] = []
    sections = _sections(found, (part_level, level), (metadata.title, styled), warnings)
    return Book(sections, metadata, warnings=warnings)


def parse_page(data: bytes, source: str) -> Any:
    """A web page's root, parsed as a browser reads it (its encoding too); raises
    ManuscriptError for a page with no HTML, or one libxml2 would take minutes on or read
    short. The EPUB reader's too, for a spine file that is not well-formed XHTML."""
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
    # libxml2 stops at 256 levels of tags and drops all that follows (tags left open, as an
    # old page's <font>s are, reach it): refused rather than the rest of the book lost.
    limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        reason = (
            f"tags nested more than {MAX_DEPTH} deep (tags left open?)"
            if "depth" in limit.message
            else limit.message.strip()
        )
        raise ManuscriptError(
            f"{source}: line {limit.line}: {reason}; what follows could not be read"
        )
    return root


def _pre_book(body: Any, source: str) -> Book | None:
    """A book set in `<pre>`, a plain-text file put on the web as it was, read as the plain
    text it is (its chapter labels, paragraphs filled to a measure, its Gutenberg header):
    read as HTML it was one chapter of lines, a pause at each line's end."""
    pres = list(body.iter("pre"))
    inside = sum(len(text_of(pre)) for pre in pres)
    if inside < _PRE_BOOK_CHARS or inside < _PRE_BOOK_SHARE * len(text_of(body)):
        return None
    plain = "\n\n".join("".join(pre.itertext()) for pre in pres)
    return text.read(plain.encode(), source)


def _refuse_frames_only(root: Any, body: Any, source: str) -> None:
    """A page of frames whose own text is a notice ("This page uses frames"), no book: the
    book is in the files its frames show, and the notice would be narrated as the book."""
    frames = [str(frame.get("src") or "")[:80] for frame in root.iter("frame")]
    if not frames or next(body.iter(*markup.HEADINGS), None) is not None:
        return
    if len(text_of(body)) < _NOTICE_CHARS:
        shown = ", ".join(name for name in frames[:3] if name) or "no file named"
        raise ManuscriptError(
            f"{source}: a page of frames: the book is in the files they show ({shown}); "
            "narrate those"
        )


def _parse_noframes(root: Any, source: str) -> None:
    """A frameset page's `<noframes>`, which libxml2 keeps as text, parsed (as the page
    is, under its limits): its markup was read aloud ("<H2>Chapter 1</H2><P>It was ..."),
    as the one text the page holds (its frames' are files of their own)."""
    for el in list(root.iter("noframes")):
        if len(el) or "<" not in (el.text or ""):
            continue
        body = next(parse_page(el.text.encode(), source).iter("body"), None)
        el.text = None
        el.append(body if body is not None else etree.Element("body"))


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
    """The encoding to read with; None to let libxml2 read the one the page declares. As
    browsers read (the WHATWG encoding standard), a page that says Latin-1 is Windows-1252,
    whose curly quotes and dashes it holds in the bytes Latin-1 leaves to controls, and one
    that says UTF-16 with no byte-order mark is not UTF-16 (it could not have been read to
    find that). Mac OS Roman by a name libxml2 does not know ("x-mac-roman") is Mac OS
    Roman. Where the page says nothing, an empty name, UTF-16 or ASCII (over other bytes):
    UTF-8 when the bytes are UTF-8, else Windows-1252. libxml2 read ASCII or an empty name
    up to the first other byte, and dropped the rest of the book."""
    if data.startswith(_BOMS):
        return None
    label = declared[1].lower() if (declared := _CHARSET.search(data[:4096])) else b""
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    if label in _MAC_LABELS:
        return "macintosh"
    if label and label not in _ASCII_LABELS and not label.startswith(b"utf-16"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _windows_1252_as_utf8(data: bytes) -> bytes:
    """A page read as Windows-1252, in UTF-8 behind a byte-order mark (which libxml2 reads
    before any declaration), less the five bytes Windows-1252 leaves undefined (0x81,
    0x8D, 0x8F, 0x90, 0x9D: controls to a browser, which shows nothing). Given to libxml2
    as Windows-1252, one of them ended the text there: the rest of the book was lost."""
    if _encoding(data) != "windows-1252":
        return data
    text = data.decode("windows-1252", "surrogateescape").translate(_UNDEFINED_1252)
    return _BOMS[0] + text.encode()


def _metadata(root: Any) -> Metadata:
    """Title from <title> (Project Gutenberg's "The Project Gutenberg eBook of X, by Y"
    read as title X by Y), authors from <meta name="author">, the date from Pandoc's
    <meta name="dcterms.date"> (the first that is not a stand-in for none), language from
    lang. A Project Gutenberg header's date is the original publication's, never its
    release date (`published`)."""
    title = _first_text(root, "title")
    authors = [m.get("content", "").strip() for m in root.iter("meta") if _is_author(m)]
    dates = (m.get("content", "").strip() for m in root.iter("meta") if _is_date(m))
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
        date=header.date or first_date(dates),
    )


def _word_authors(data: bytes, root: Any) -> list[str]:
    """The author Word's document properties in the head name (`<o:Author>`), as one; []
    where none does. Read in the encoding the page was parsed in, its entities expanded."""
    head = (data[: body.start()] if (body := _BODY.search(data)) else data).lower()
    # Found by find, not a lazy pattern: one that rescans to the end from each opening tag
    # took quadratic time on a head of unclosed ones.
    opened, closing = _WORD_PROPERTIES
    start = head.find(opened)
    end = head.find(closing, start) if start >= 0 else -1
    author = _WORD_AUTHOR.search(data, start, end) if end >= 0 else None
    if author is None:
        return []
    name = entities.unescape(author[1].decode(_parsed_encoding(root), "replace"))
    return [" ".join(name.split())] if name.strip() else []


def _parsed_encoding(root: Any) -> str:
    """The encoding libxml2 read the page in, by the name Python knows it (UTF-8 where
    Python knows no such name)."""
    try:
        return codecs.lookup(root.getroottree().docinfo.encoding or "utf-8").name
    except LookupError:
        return "utf-8"


def _first_text(root: Any, tag: str) -> str:
    el = next(root.iter(tag), None)
    return text_of(el) if el is not None else ""


def _is_author(meta: Any) -> bool:
    return (meta.get("name") or "").lower() in _AUTHOR_META


def _is_date(meta: Any) -> bool:
    return (meta.get("name") or "").lower() in _DATE_META


def _drop_gutenberg(body: Any) -> bool:
    """Project Gutenberg's header and licence: its marked sections, and everything before
    the START line and from the END line on (or from a line "End of the Project Gutenberg
    EBook ..." before it, in a page that had the header). Whether there was a START line,
    in a marked header or not: the text now opens under it."""
    marked = body.xpath(_PG_BOILERPLATE)
    headed = any(_PG_START.search(text_of(el)) for el in marked)
    for el in marked:
        remove(el, keep_tail=True)
    if (start := _marker(body, _PG_START)) is not None:
        drop_before(start, body)
    in_gutenberg = bool(marked) or start is not None
    if (end := _marker(body, _PG_CLOSING if in_gutenberg else _PG_END)) is not None:
        _drop_from(end, body)
    return headed or start is not None


def _book_blocks(body: Any, headed: bool) -> list[Block]:
    """The body's blocks; under a Project Gutenberg START line, less the e-text's credit
    that opens them ("Produced by ...", a paragraph of its own), the header's as in an
    EPUB (`gutenberg`)."""
    found = markup.blocks(body)
    return found[gutenberg.credit_blocks(found) :] if headed else found


def _marker(body: Any, pattern: re.Pattern[str]) -> Any:
    """The first element whose own text matches `pattern`, or None."""
    return next((el for el in body.iter() if pattern.search("".join(el.xpath("text()")))), None)


def _drop_from(marker: Any, body: Any) -> None:
    """Remove `marker` and all that follows it in the body."""
    node = marker
    while node is not body:
        for sibling in list(node.itersiblings()):
            node.getparent().remove(sibling)
        node.tail = None
        node = node.getparent()
    remove(marker, keep_tail=False)


def _drop_site_chrome(body: Any) -> None:
    """A page's banner, navigation and footer: headers and footers outside any article or
    section, and landmarks by role."""
    for el in list(body.iter()):
        tag = markup.tag_of(el)
        outside = not any(markup.tag_of(a) in _CONTENT for a in el.iterancestors())
        if (tag in ("header", "footer") and outside) or el.get("role") in _CHROME_ROLES:
            remove(el, keep_tail=True)


def _chapter_level(found: list[Block]) -> tuple[int, str]:
    """The heading level that makes chapters, and the book's title where a lone heading
    above them gives one."""
    headings = [b for b in found if b.kind == HEADING and b.level and not b.note]
    levels = Counter(b.level for b in headings)
    if not levels:
        return 0, ""
    repeated = [level for level, count in levels.items() if count > 1]
    level = min(repeated) if repeated else min(levels)
    if not repeated and (under := chapter_under_title(_levels(found))) is not None:
        return under, headings[0].text
    top = min(levels)
    if top == level or levels[top] > 1:
        return level, ""
    return level, next(b.text for b in found if b.kind == HEADING and b.level == top)


def _levels(found: list[Block]) -> list[int | None]:
    """Each block's heading level, None for text or a note's heading (`chapter_under_title`)."""
    return [b.level or None if _opens_chapter(b, b.level) else None for b in found]


def _opening_title(styled: str, found: list[Block], level: int) -> str:
    """The Title-styled paragraph's text where it stands before the first chapter, as a
    book's title does; else "" (a paragraph of class "title" in the text, a poem's, is
    not the book's)."""
    wanted = " ".join(styled.casefold().split())
    for block in found:
        if _opens_chapter(block, level):
            break
        if wanted and " ".join(block.text.casefold().split()) == wanted:
            return styled
    return ""


def _labelled_chapters(found: list[Block]) -> list[Block]:
    """A manuscript without headings, its chapter titles typed as paragraphs ("Chapter 1",
    bold and centred, as Google Docs and Word write a title in no heading style): those
    paragraphs made headings, with a "Prologue" or "Epilogue" among them, as in a DOCX.
    Read as paragraphs, the whole book was one chapter."""
    if any(b.kind == HEADING and not b.note for b in found):
        return found
    labels = [i for i, b in enumerate(found) if _is_text(b) and is_chapter_label(b.text)]
    if sum(1 for i in labels if _text_follows(found, i)) < LABELS_NEEDED:
        return found
    return [replace(b, kind=HEADING, level=1) if _is_chapter_line(b) else b for b in found]


def _without_repeats(found: list[Block]) -> list[Block]:
    """The blocks less a heading said again straight under itself (a page's anchor heading
    over the same heading set for the eye): read as two, the first was a chapter of its
    title alone. Its ids go to the one kept, where links land."""
    kept: list[Block] = []
    for block in found:
        last = kept[-1] if kept else None
        if last is not None and last.kind == HEADING and _same_heading(last, block):
            kept[-1] = replace(block, ids=last.ids + block.ids)
        else:
            kept.append(block)
    return kept


def _same_heading(first: Block, second: Block) -> bool:
    same_text = " ".join(first.text.casefold().split()) == " ".join(second.text.casefold().split())
    return second.kind == HEADING and first.level == second.level and same_text


def _text_follows(found: list[Block], label: int) -> bool:
    """Whether a chapter label has text of its own under it, before the next label: labels
    one under another are a list ("Part One", "Part Two"), no chapters."""
    after = found[label + 1 : label + 2]
    return bool(after) and _is_text(after[0]) and not _is_chapter_line(after[0])


def _is_text(block: Block) -> bool:
    return block.kind == TEXT and not block.note


def _is_chapter_line(block: Block) -> bool:
    """A paragraph that is a chapter's label or a narrated part's name."""
    return _is_text(block) and is_chapter_line(block.text)


def _sections(
    found: list[Block], levels: tuple[int, int], titles: tuple[str, ...], warnings: list[str]
) -> list[Section]:
    """Sections opened by headings of the parts' and the chapters' levels (one level where
    the book has no parts)."""
    part_level, level = levels
    opens = [i for i, b in enumerate(found) if any(_opens_chapter(b, n) for n in levels)]
    starts = opens if opens and opens[0] == 0 else [0, *opens]
    sections = []
    for start, end in zip(starts, [*starts[1:], len(found)], strict=True):
        part = _without_closing_rules(found[start:end])
        if any(_opens_chapter(part[0], n) for n in levels):
            named = "part" if part_level != level and part[0].level == part_level else ""
            kind = named or matter.kind_of(part[0].text) or "chapter"
            sections.append(markup.section(part, "", kind, matter.skip_reason(kind), warnings))
        else:
            sections.append(_opening(part, part_level, titles, warnings))
    return sections


def _without_closing_rules(part: list[Block]) -> list[Block]:
    """A part less the rules and the line naming the notes ("FOOTNOTES") between its last
    words and the notes after them: what a writing tool or an old page sets over its
    notes, no scene break, and no words of the last chapter's."""
    closing = {i for i, b in enumerate(part) if b.text == SCENE_BREAK or _names_notes(b)}
    read = [i for i, b in enumerate(part) if not b.note and i not in closing]
    last = read[-1] if read else -1
    if not any(b.note for b in part[last + 1 :]):
        return part
    return [b for i, b in enumerate(part) if i <= last or i not in closing]


def _names_notes(block: Block) -> bool:
    return not block.note and matter.kind_of(block.text) in matter.NOTES


def _opens_chapter(block: Block, level: int) -> bool:
    return block.kind == HEADING and block.level == level > 0 and not block.note


def _opening(
    part: list[Block], level: int, titles: tuple[str, ...], warnings: list[str]
) -> Section:
    """What precedes the first chapter: the title page (it holds the book's title, as the
    page's <title> or its Title-styled paragraph says it), or an untitled opening."""
    wanted = [" ".join(title.casefold().split()) for title in titles if title.strip()]
    title_page = any(
        (b.kind == HEADING and 0 < b.level < level)
        or any(name in " ".join(b.text.casefold().split()) for name in wanted)
        or _BY_LINE.match(b.text)
        for b in part
    )
    if not title_page:
        return markup.section(part, "", "chapter", "", warnings)
    log.info("not narrating the title page by default (%d blocks)", len(part))
    kind = "titlepage"
    return markup.section(part, "", kind, matter.skip_reason(kind), warnings)
