"""EPUB 2 and 3 books.

container.xml leads to the package document (`opf`), which gives the metadata, the cover
and the reading order; the table of contents (`nav`) says where sections start. Each
entry is a place in the spine: several chapters in one file are split at their anchors, and
a file the table of contents leaves out continues the section before it (a chapter spread
over several files), unless it is a part of its own kind (a colophon, say). An entry nested
in a chapter, pointing into the chapter's file after text of the chapter's own, is a
subsection and stays in it (a part's title page, with no text, does not hold its chapters
so). Text no chapter holds (before the first entry, or after front matter, which is
skipped) is a section of its own, not lost with it. Without a table of contents (or with
Calibre's placeholder, one "Start" entry) every spine file is a section, titled by its
first heading; a heading a tool set as something else is read as one (`headings`). An entry
at an empty anchor closing a file starts the next. A section's kind is its epub:type,
else what landmarks, its heading or its TOC label ("Contents", "Notes": before the first
chapter or after the last) or its file's name say, else what a file's text says (a
copyright page, an "Also by" list of the author's books: `matter`), else a part where a
TOC entry holding chapters is labelled as one. The book's title (or author) set over
each file's own heading, as a running head, is not read.

The spine is read as hostile input: a file it names again is read once, where it first
comes; an item that is not an (X)HTML document (by its media type, or its name where the
type is wrong), the package document included, is skipped; one that is HTML, not
well-formed XML, is read as HTML, with a warning; and the book's text is counted as each
file is read, refused past `max_book_chars`.

A book whose content is encrypted (DRM) is refused; fonts obfuscated as EPUB allows are not
encryption of the text and are fine.

Project Gutenberg's header and licence are not narrated but listed as skipped, and its
table of contents' entries for them are not sections (`gutenberg`).

The book's date is the package's (`opf`); where it gives none of the book's (an e-text
archive's dc:date is its own release), Project Gutenberg's header or Standard Ebooks'
colophon gives the printed book's year (`published`).
"""

import itertools
import logging
import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from config.errors import ManuscriptError
from config.manuscript import Metadata
from config.settings import get_settings
from producer.readers import gutenberg, headings, html, linkednotes, markup, matter, published
from producer.readers.archive import Archive, HostileXML, elements, parse_xml
from producer.readers.book import Book, Cover, Section, chapters_in_parts, rest_of_title_page
from producer.readers.labels import LABELS_NEEDED, is_chapter_label, names_a_part
from producer.readers.markup import HEADING, TEXT, Block
from producer.readers.nav import Entry, Navigation, read_navigation
from producer.readers.opf import Item, Package, read_package
from producer.readers.text import gutenberg_metadata

log = logging.getLogger(__name__)

_ENCRYPTION = "META-INF/encryption.xml"
_FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_FONTS = {".ttf", ".otf", ".woff", ".woff2", ".ttc", ".eot"}
_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml"}
# Old tools declare content documents as OEB 1's type, or with a charset; some declare none
# right at all, so a spine file named as a page is read as one whatever its type says.
_OEB1_TYPE = "text/x-oeb1-document"
_PAGE_NAMES = (".xhtml", ".html", ".htm", ".xht")
_HTML_PAGE = re.compile(rb"<(?:html|body)\b", re.I)
_SECTION_TAGS = {"body", "section", "article", "div", "aside"}
# The most text a book may hold, in characters: the longest novels run to 3-4 million, so
# 50 million is ten times any real book, yet refuses a few files of bulk text (or one named
# thousands of times) before they fill memory and hours of narration.
# Bytes of XHTML per character of text a spine may hold, at most: 1.25 in Standard Ebooks',
# 2 to 4 in books laid out in spans. Checked before a file is parsed, by its declared size
# (which `Archive.read` holds it to): parsing 50 MB of XHTML takes half a minute and 1.4 GB.
MARKUP_PER_CHAR = 4
MARKUP_SLACK = 1 << 20  # and a megabyte for any book's head, styles and empty files


@dataclass(frozen=True)
class _Document:
    """A spine file, read."""

    path: str
    blocks: list[Block]
    types: tuple[str, ...]  # epub:type of its body and sections: what the file is
    anchors: dict[str, int]  # the first block each id is in: where links land
    text_before: list[int]  # narrated text blocks before each block (and after the last)
    after: frozenset[str] = frozenset()  # ids after the last block: links to the next file


@dataclass(frozen=True)
class _Start:
    """Where a section starts: a block of a spine file, with the TOC's label for it."""

    doc: int
    block: int
    label: str
    place: str  # "path#fragment" or "path", as landmarks name it
    opening: bool = False  # text before the first TOC entry, which no entry holds
    holds: bool = False  # a TOC entry with entries nested under it starting elsewhere


@dataclass(frozen=True)
class _Body:
    """Where the book's chapters run: from the first TOC entry that is a chapter to the
    last, as (file, block). A heading or TOC label that names front matter ("Contents",
    "Copyright") says so only before them, one naming back matter ("Notes", "Index") only
    after them: between them it is a chapter's title, as a novel's "Notes" or "Cover" is."""

    first: tuple[int, int] = (1 << 62, 0)
    last: tuple[int, int] = (-1, 0)

    def allows(self, kind: str, start: "_Start") -> bool:
        place = (start.doc, start.block)
        if kind in matter.FRONT:
            return place < self.first
        return place > self.last if kind in matter.BACK else True


_ANYWHERE = _Body()  # while the chapters are being found: a name says its kind anywhere


def read(data: bytes, source: str) -> Book:
    """An EPUB's sections, metadata, cover and warnings; raises ManuscriptError."""
    archive = Archive(data, source, "EPUB")
    _refuse_drm(archive)
    package = read_package(archive)
    navigation = read_navigation(archive, package)
    warnings: list[str] = []
    documents = _documents(archive, package, navigation.toc, warnings)
    documents, navigation, boilerplate = _without_gutenberg(documents, navigation)
    header, licence = boilerplate.sections()
    metadata = _dated(archive, package, documents, boilerplate.header_text())
    if not documents:  # nothing but the boilerplate
        return Book(header + licence, metadata, _cover(archive, package, warnings), warnings)
    documents = _without_running_titles(documents, package)
    documents = _without_page_furniture(documents, package)
    placeholder = _placeholder(navigation.toc, documents)
    if placeholder:
        navigation = replace(navigation, toc=[])
    documents = _with_headings(documents, navigation.toc)
    if not navigation.toc:
        documents = _with_label_headings(documents)
    title = package.metadata.title
    starts, body = _starts(documents, navigation, warnings, title)
    if placeholder and documents[0].blocks[:1] and documents[0].blocks[0].kind != HEADING:
        starts[0] = replace(starts[0], label=placeholder[0].label)  # an untitled first file's
    spans = _spans(starts)
    sections = [_section(documents, s, e, navigation, body, title, warnings) for s, e in spans]
    sections = header + sections + licence
    return Book(sections, metadata, _cover(archive, package, warnings), warnings)


def _without_gutenberg(
    documents: list[_Document], navigation: Navigation
) -> tuple[list[_Document], Navigation, gutenberg.Trimmed]:
    """The documents less Project Gutenberg's header and licence (a file of nothing else
    left out), and the table of contents less its entries for them: one at a place gone
    would start a section at the top of its file, one labelled for them a section of its
    own."""
    trimmed = gutenberg.trimmed([document.blocks for document in documents])
    if not (trimmed.header or trimmed.licence):
        return documents, navigation, trimmed
    kept: list[_Document] = []
    gone: set[tuple[str, str]] = set()  # (path, id): where links no longer land
    for i, (document, blocks) in enumerate(zip(documents, trimmed.files, strict=True)):
        closed = trimmed.licence_file is not None and i >= trimmed.licence_file
        after = frozenset() if closed else document.after  # ids past the licence's text
        left = _Document(document.path, blocks, document.types, *_index(blocks), after)
        gone.update((document.path, ident) for ident in document.anchors.keys() - left.anchors)
        gone.update((document.path, ident) for ident in document.after - after)
        if blocks or not document.blocks:  # an empty file (a cover's) stays as it was
            kept.append(left)
    return kept, replace(navigation, toc=_toc_left(navigation.toc, kept, gone)), trimmed


def _toc_left(toc: list[Entry], kept: list[_Document], gone: set[tuple[str, str]]) -> list[Entry]:
    """The entries of the table of contents that still point into the book, and are not
    labelled for Project Gutenberg's header or licence."""
    paths = {document.path for document in kept}
    return [
        entry
        for entry in toc
        if entry.path in paths
        and (entry.path, entry.fragment) not in gone
        and not gutenberg.names_boilerplate(entry.label)
    ]


def _dated(archive: Archive, package: Package, documents: list[_Document], header: str) -> Metadata:
    """The package's metadata, dated where the package gives the book no date by what an
    e-text archive's pages state of the printed book (`published`): Project Gutenberg's
    header, Standard Ebooks' colophon."""
    if package.metadata.date:
        return package.metadata
    date = gutenberg_metadata(header).date or _colophon_year(archive, documents)
    return package.metadata.model_copy(update={"date": date})


def _colophon_year(archive: Archive, documents: list[_Document]) -> str:
    """The year the colophon gives the printed book, read from its markup (the blocks keep
    no <time>); only colophon files are parsed again."""
    for document in documents:
        if "colophon" in document.types:
            root = _parsed_page(archive, document.path, [])
            if year := published.colophon_year(root):
                return year
    return ""


def _refuse_drm(archive: Archive) -> None:
    """Refuses a book whose encryption.xml encrypts anything but obfuscated fonts."""
    if not archive.has(_ENCRYPTION):
        return
    root = parse_xml(archive.read(_ENCRYPTION), f"{archive.source}: {_ENCRYPTION}")
    for uri, algorithm in _encrypted(root):
        font = posixpath.splitext(uri)[1].lower() in _FONTS
        if not (font and algorithm in _FONT_OBFUSCATION):
            raise ManuscriptError(
                f"{archive.source}: is DRM-protected ({uri or 'content'} is encrypted); "
                "narrate reads only DRM-free books"
            )


def _encrypted(root: Any) -> list[tuple[str, str]]:
    """(URI, algorithm) of each file encryption.xml says is encrypted."""
    found = []
    for data in elements(root, "EncryptedData"):
        reference = elements(data, "CipherReference")
        method = elements(data, "EncryptionMethod")
        uri = reference[0].get("URI", "") if reference else ""
        found.append((uri, method[0].get("Algorithm", "") if method else ""))
    return found


def _documents(
    archive: Archive, package: Package, toc: list[Entry], warnings: list[str]
) -> list[_Document]:
    """The spine's (X)HTML files, read once each; files off the main flow (linear="no")
    only where the table of contents points at them."""
    listed = {entry.path for entry in toc}
    documents: list[_Document] = []
    repeated: dict[str, int] = {}
    most = get_settings().max_book_chars
    budget = most * MARKUP_PER_CHAR + MARKUP_SLACK
    length = markup = 0
    off_flow: list[str] = []
    for item in _once(package.spine, repeated):
        if item.path in package.nonlinear and item.path not in listed:
            off_flow.append(item.path)
            continue
        markup += archive.size(item.path) if _is_page(item) else 0
        if markup > budget:
            raise ManuscriptError(
                f"{archive.source}: its text files pass {budget:,} bytes at "
                f"{item.path}, more than a book of {most:,} characters needs; refusing "
                "(NARRATE_MAX_BOOK_CHARS)"
            )
        document = _document(archive, package, item, warnings)
        if document is None:
            continue
        documents.append(document)
        length += sum(len(block.text) for block in document.blocks)
        if length > most:  # checked before the next file is parsed
            raise ManuscriptError(
                f"{archive.source}: the text passes {most:,} characters at {item.path}; "
                "refusing: split it into volumes (NARRATE_MAX_BOOK_CHARS)"
            )
    if off_flow:  # a pop-up note's or a cover's, mostly: said, so nothing goes unsaid
        warnings.append(_off_flow_warning(off_flow))
    narrated = {document.path for document in documents}
    repeated = {path: n for path, n in repeated.items() if path in narrated}
    if repeated:  # of files read: the package document under two names is skipped, not read
        warnings.append(_repeated_warning(repeated))
    if not documents:
        raise ManuscriptError(f"{archive.source}: the spine holds no readable text document")
    return documents


def _off_flow_warning(paths: list[str]) -> str:
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    files = "a file" if len(paths) == 1 else f"{len(paths)} files"
    return (
        f'not read: {files} off the reading order (linear="no") that the contents do not '
        f"list: {shown}"
    )


def _once(spine: list[Item], repeated: dict[str, int]) -> list[Item]:
    """The spine with each file at its first place only; how often each other listed one
    again goes into `repeated` (a file narrated twice is a mistake or an amplification)."""
    seen: set[str] = set()
    found = []
    for item in spine:
        if item.path in seen:
            repeated[item.path] = repeated.get(item.path, 0) + 1
        else:
            seen.add(item.path)
            found.append(item)
    return found


def _repeated_warning(repeated: dict[str, int]) -> str:
    """One line for all the files the spine lists again, however many (naming a few)."""
    named = ", ".join(f"{path} ({n + 1:,} times)" for path, n in list(repeated.items())[:3])
    more = f" and {len(repeated) - 3:,} more" if len(repeated) > 3 else ""
    return f"the spine lists {named}{more}; each file is read once, where it first comes"


def _document(
    archive: Archive, package: Package, item: Item, warnings: list[str]
) -> _Document | None:
    """A spine file read, with its blocks indexed by id; None (skipped, as a spine item of
    another media type always was) where it is not an (X)HTML document: the package
    document itself (an href of "content.opf", or "#x"), or XML of another kind (an NCX)."""
    if not _is_page(item) or item.path == package.path:
        what = "the package document" if item.path == package.path else item.media_type
        log.info("%s: skipping %s (%s) in the spine", archive.source, item.path, what)
        return None
    path = item.path
    root = _parsed_page(archive, path, warnings)
    if markup.tag_of(root) != "html":
        log.info("%s: skipping %s (not XHTML) in the spine", archive.source, path)
        return None
    types = tuple(t for el in root.iter() if _is_section(el) for t in markup.semantics(el))
    linkednotes.pair(root, here=path)  # after `types`: a note's role says nothing of the file
    headings.join_number_lines(root)  # "CHAPTER I<br/>A MORNING BATH"
    blocks, after = markup.walked(root)
    return _Document(path, blocks, types, *_index(blocks), after=frozenset(after))


def _is_page(item: Item) -> bool:
    """Whether a spine item is an (X)HTML document: by its media type ("text/html;
    charset=utf-8", OEB 1's), or by its name where the type is wrong ("text/plain" on a
    chapter dropped it unsaid)."""
    media_type = item.media_type.partition(";")[0].strip().lower()
    named = item.path.lower().endswith(_PAGE_NAMES)
    return media_type in _XHTML_TYPES or media_type == _OEB1_TYPE or named


def _parsed_page(archive: Archive, path: str, warnings: list[str]) -> Any:
    """A content document's root: as XML, else (HTML an old tool or a hand left in the
    book: "<br>" unclosed, "&" bare) by lxml's HTML parser, which recovers as reading
    systems do, where the whole book was refused for one file. Entities stay refused."""
    data = archive.read(path)
    try:
        return parse_xml(data, f"{archive.source}: {path}")
    except HostileXML:
        raise
    except ManuscriptError as error:
        if not _HTML_PAGE.search(data):
            raise  # not a page at all (a damaged or binary file): as before, refused
        # the HTML reader's parse: its limits (a tag's attributes, nesting) hold here too
        root = html.parse_page(data, f"{archive.source}: {path}")
        warnings.append(f"{path} is not well-formed XHTML; read as HTML")
        log.info("%s", error)
        return root


def _index(blocks: list[Block]) -> tuple[dict[str, int], list[int]]:
    """The first block each id is in, and how many narrated text blocks come before each
    block: the block a TOC entry names, and whether text lies between two, are looked up,
    not scanned for (an NCX of 30,000 entries scanned a long file for 37 s)."""
    anchors: dict[str, int] = {}
    text_before = [0]
    for i, block in enumerate(blocks):
        for ident in block.ids:
            anchors.setdefault(ident, i)
        text_before.append(text_before[-1] + int(block.kind == TEXT and not block.note))
    return anchors, text_before


def _is_section(el: object) -> bool:
    return markup.tag_of(el) in _SECTION_TAGS


def _without_running_titles(documents: list[_Document], package: Package) -> list[_Document]:
    """The documents less the book's title (or an author's name) set at the top of each
    over the file's own heading, as a running head: read, it opened every chapter, and as
    the first heading it titled every chapter "The Hens". Only where two files or more
    do it: one book-titled heading over a chapter's may be the book's own opening."""
    names = {_plain(name) for name in (package.metadata.title, *package.metadata.authors)}
    names.discard("")
    headed = {i for i, document in enumerate(documents) if _running_title(document, names)}
    if len(headed) < 2:
        return documents
    return [_without_first(d) if i in headed else d for i, d in enumerate(documents)]


# A printed page's number or running head left as a paragraph of its own by a converter
# from PDF (Calibre's, ABBYY's): "12", "xvi", the book's title, its author.
_PAGE_NUMBER = re.compile(r"\d{1,4}|[ivxlc]{1,7}")
_FURNITURE_AT_LEAST = 3  # places in the book: fewer may be the book's own lines
_SENTENCE_END = tuple(".!?:;…’”\"')]—")
# The book's words, counted to tell a word a page cut in two from two words; a compound
# ("mid-dle", "well-known") and a word with an apostrophe are one.
_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_WORD_START = re.compile(r"[^\W\d_]+")
_CUT_WORD = re.compile(r"[^\W\d_]+-?")  # the end of a paragraph a page cut mid-word


def _without_page_furniture(documents: list[_Document], package: Package) -> list[_Document]:
    """The documents less the page numbers and running heads a converter left inside the
    chapters as paragraphs (read, "...ends in the mid / 12 / THE SALT ROAD / dle of a word"),
    where the book holds three or more of them; numbers only where each comes once, as a
    page's does (a chapter's numbered sections, "1", "2", "1", "2", are read). A paragraph
    the page cut is joined again (one that ends mid-sentence, then one in lower case), and
    a word it cut made whole where the book's words say so (`_rejoined`)."""
    names = {_plain(name) for name in (package.metadata.title, *package.metadata.authors)}
    names.discard("")
    blocks = [(i, b) for d in documents for i, b in enumerate(d.blocks)]
    numbers = [b.text.strip() for i, b in blocks if _furniture(b, i, set(), True)]
    paged = len(numbers) >= _FURNITURE_AT_LEAST and len(set(numbers)) == len(numbers)
    if sum(_furniture(b, i, names, paged) for i, b in blocks) < _FURNITURE_AT_LEAST:
        return documents
    words = _words(block for _, block in blocks)
    return [_unfurnished(document, names, paged, words) for document in documents]


def _words(blocks: Iterable[Block]) -> Counter[str]:
    """The words of the book's paragraphs, in lower case, less the first of each that opens
    in lower case: the second piece of a word a page may have cut ("dle", "ing")."""
    found: Counter[str] = Counter()
    for block in blocks:
        if block.kind == TEXT:
            words = _WORD.findall(block.text)
            found.update(w.casefold() for w in words[block.text[:1].islower() :])
    return found


def _furniture(block: Block, at: int, names: set[str], numbers: bool) -> bool:
    """Whether a paragraph past a file's first is a running head (one of `names`) or, with
    `numbers`, a page's number."""
    if at == 0 or block.kind != TEXT or block.note:
        return False
    text = block.text.strip()
    return (numbers and bool(_PAGE_NUMBER.fullmatch(text))) or _plain(text) in names


def _unfurnished(
    document: _Document, names: set[str], numbers: bool, words: Counter[str]
) -> _Document:
    kept: list[Block] = []
    ids: tuple[str, ...] = ()  # of a block taken out: where links land passes on
    cut = False
    for i, block in enumerate(document.blocks):
        if _furniture(block, i, names, numbers):
            ids, cut = ids + block.ids, True
            continue
        last = kept[-1] if kept else None
        if cut and last is not None and _runs_on(last, block):
            text = _rejoined(last.text, block.text, words)
            kept[-1] = replace(last, text=text, ids=last.ids + ids)
        else:
            kept.append(replace(block, ids=ids + block.ids) if ids else block)
        ids, cut = (), False
    return _with_blocks(document, kept) if len(kept) < len(document.blocks) else document


def _runs_on(before: Block, after: Block) -> bool:
    """Whether a paragraph a page cut goes on in the next: prose ending mid-sentence, then
    prose beginning in lower case."""
    prose = before.kind == after.kind == TEXT and "\n" not in before.text + after.text
    return prose and not before.text.endswith(_SENTENCE_END) and after.text[:1].islower()


def _rejoined(before: str, after: str, words: Counter[str]) -> str:
    """A paragraph a page cut, joined again; a word the cut split made whole where the
    book's own words (`words`) say it was one: "mid" / "dle" is "middle" where the book
    prints "middle" elsewhere and "dle" nowhere else, and "mid-" / "dle" is "middle" (or
    "mid-dle") where the book prints that. Two words stay two: "the" / "yard" ("theyard"
    is no word of the book's), "farm" / "yard" ("yard" is one of its own)."""
    last = (before.rsplit(None, 1) or [""])[-1]
    first = _WORD_START.match(after)
    if first is None or not _CUT_WORD.fullmatch(last):
        return f"{before} {after}"
    rest = first[0].casefold()
    if last.endswith("-"):
        hyphened, whole = f"{last}{rest}".casefold(), f"{last[:-1]}{rest}".casefold()
        if words[hyphened]:
            return before + after
        return before[:-1] + after if words[whole] else f"{before} {after}"
    whole = f"{last}{rest}".casefold()
    return before + after if words[whole] and not words[rest] else f"{before} {after}"


def _running_title(document: _Document, names: set[str]) -> bool:
    """Whether a file opens with one of `names` directly over a heading of its own."""
    if len(document.blocks) < 2:
        return False
    first, second = document.blocks[:2]
    own_heading = second.kind == HEADING and _plain(second.text) != _plain(first.text)
    return first.kind != markup.TABLE and _plain(first.text) in names and own_heading


def _without_first(document: _Document) -> _Document:
    """A document less its first block, whose ids (where links land) pass to the next."""
    first, second, *rest = document.blocks
    blocks = [replace(second, ids=first.ids + second.ids), *rest]
    return _with_blocks(document, blocks)


def _with_blocks(document: _Document, blocks: list[Block]) -> _Document:
    return _Document(document.path, blocks, document.types, *_index(blocks), document.after)


def _placeholder(toc: list[Entry], documents: list[_Document]) -> list[Entry]:
    """The table of contents where it is one entry at the top of the book over files that
    open chapters of their own (Calibre's "Start", written where it found no contents,
    which made the whole book one chapter), else []. Read as no TOC, but its label still
    titles a first file with no heading (a story's, with "About the Author" after it)."""
    if len(toc) != 1 or toc[0].path != documents[0].path or _anchor(documents[0], toc[0]):
        return []
    openings = (headings.opened(d.blocks[:3], {0: ""})[:1] for d in documents[1:])
    if sum(1 for first in openings if first and first[0].kind == HEADING) >= 2:
        return toc
    return toc if _heading_starts(documents[1:]) else []  # chapters split by size


def _with_headings(documents: list[_Document], toc: list[Entry]) -> list[_Document]:
    """The documents with the opening of each file, and of each place the TOC points at,
    read as its heading where a tool set it otherwise (`headings`)."""
    places: dict[str, dict[int, str]] = {}
    for doc, entry in _entries(documents, toc):
        doc, block = _place(documents, doc, _anchor(documents[doc], entry))
        if 0 <= block < len(documents[doc].blocks):
            places.setdefault(documents[doc].path, {}).setdefault(block, entry.label)
    found = []
    for document in documents:
        at = places.get(document.path, {})
        at.setdefault(0, "")
        blocks = headings.opened(document.blocks, at)
        found.append(document if blocks == document.blocks else _with_blocks(document, blocks))
    return found


def _with_label_headings(documents: list[_Document]) -> list[_Document]:
    """Without a table of contents: each chapter's label set as a paragraph inside a file
    ("CHAPTER II" over "THE SALT ROAD", Calibre's `<p class="calibre3">`), two or more in
    the book, read as its heading (`headings`), as a file's opening one is."""
    places = [{i: "" for i in _label_lines(d.blocks)} for d in documents]
    if sum(map(len, places)) < LABELS_NEEDED:
        return documents
    found = []
    for document, at in zip(documents, places, strict=True):
        blocks = headings.opened(document.blocks, {0: "", **at}) if at else document.blocks
        found.append(document if blocks == document.blocks else _with_blocks(document, blocks))
    return found


def _label_lines(blocks: list[Block]) -> list[int]:
    """The paragraphs past a file's first that are a chapter's label, not in a list of
    them (a contents page typed as paragraphs: "Chapter One", "Chapter Two")."""
    labels = [b.kind == TEXT and is_chapter_label(b.text) for b in blocks]
    contents = bool(blocks) and matter.kind_of(blocks[0].text) == "toc"
    listed = [
        (i > 0 and labels[i - 1]) or (i + 1 < len(labels) and labels[i + 1])
        for i in range(len(labels))
    ]
    return [] if contents else [i for i in range(1, len(blocks)) if labels[i] and not listed[i]]


def _entries(documents: list[_Document], toc: list[Entry]) -> list[tuple[int, Entry]]:
    """The TOC's entries in the spine, with the index of the file each is in."""
    index = {doc.path: i for i, doc in enumerate(documents)}
    return [(index[entry.path], entry) for entry in toc if entry.path in index]


def _plain(text: str) -> str:
    """Text compared as a reader sees it: case, spacing and punctuation around it aside."""
    return " ".join(text.casefold().split()).strip(".,:;!?-–—'\"‘’“”")


def _starts(
    documents: list[_Document], navigation: Navigation, warnings: list[str], title: str
) -> tuple[list[_Start], _Body]:
    """Where sections start: at each TOC entry, and at each file the TOC leaves out (or
    the text of a file before its first entry) that no chapter holds: before the first
    entry, or after front matter, which is skipped; and at a file the TOC leaves out that
    is a part of its own kind. With where the chapters run (`_Body`)."""
    starts = _toc_starts(documents, navigation.toc, warnings)
    if not starts:  # no usable table of contents: each file is a section, or each heading
        files = _heading_starts(documents) or _file_starts(documents, navigation)
        return files, _body(documents, files, navigation, title)
    body = _body(documents, list(starts.values()), navigation)
    entries: dict[int, list[int]] = {}  # the blocks where entries start, by file
    for doc, block in sorted(starts):
        entries.setdefault(doc, []).append(block)
    before: _Start | None = None  # the start of the section the file's top would join
    for doc, document in enumerate(documents):
        blocks = entries.get(doc, [])
        unheld = _unheld(document, blocks, before, documents, navigation, body)
        headed = _headed_after_matter(document, before, documents, navigation, body)
        if blocks[:1] != [0] and (unheld or headed or _own_kind(documents, doc, navigation, body)):
            starts[(doc, 0)] = _Start(doc, 0, "", document.path, opening=before is None)
        before = starts[(doc, blocks[-1])] if blocks else starts.get((doc, 0), before)
    notes = _notes_after_the_last_chapter(documents, sorted(starts), starts, navigation, body)
    if notes is not None:
        starts[(notes.doc, notes.block)] = notes
    return [starts[place] for place in sorted(starts)], body


# Calibre's pieces of one source file, split by size: "ch01_split_000.xhtml", "..._001".
_SPLIT_PIECE = re.compile(r"(.*)_split_(\d+)\.\w+", re.I)


def _file_starts(documents: list[_Document], navigation: Navigation) -> list[_Start]:
    """Without a table of contents, each file a section; but a piece Calibre split off a
    headed chapter by size (its text, no heading of its own) runs on in that chapter,
    where it was an untitled chapter of its own cut out of the middle of one."""
    starts: list[_Start] = []
    opened = False  # the book's opening is the first file with text (a cover's image is none)
    for doc, document in enumerate(documents):
        headed = bool(starts) and _opens_with_heading(documents[starts[-1].doc])
        if not (headed and _split_piece(documents, doc, navigation)):
            opening = bool(document.blocks) and not opened
            opened = opened or opening
            starts.append(_Start(doc, 0, "", document.path, opening=opening))
    return starts


def _split_piece(documents: list[_Document], doc: int, navigation: Navigation) -> bool:
    """Whether a file is a later piece of the file before it (`_SPLIT_PIECE`), opening with
    text, not a part of its own kind (a copyright page split off with the last chapter)."""
    here = _SPLIT_PIECE.fullmatch(posixpath.basename(documents[doc].path))
    there = _SPLIT_PIECE.fullmatch(posixpath.basename(documents[doc - 1].path))
    if here is None or there is None or here[1] != there[1] or int(here[2]) == 0:
        return False
    own = _own_kind(documents, doc, navigation, _ANYWHERE)
    return not (_opens_with_heading(documents[doc]) or own)


def _opens_with_heading(document: _Document) -> bool:
    return bool(document.blocks) and document.blocks[0].kind == HEADING


# A line a note opens with: its number or mark ("1.", "[2]", "*"), or what is left where a
# link back to it was taken out (". On foxes.").
_NOTE_OPENING = re.compile(r"\W{0,2}\d|[\[(*†‡.]")


def _notes_after_the_last_chapter(
    documents: list[_Document],
    places: list[tuple[int, int]],
    starts: dict[tuple[int, int], _Start],
    navigation: Navigation,
    body: _Body,
) -> _Start | None:
    """Where the book's notes begin inside its last chapter's span, which no TOC entry
    marks: a line naming them ("NOTES", "Endnotes") over a line that opens as a note does
    (Calibre's conversions set the notes after the last chapter's text, in its file)."""
    chapters = [p for p in places if _kind(documents, starts[p], navigation, body) == "chapter"]
    if not chapters or chapters[-1] != places[-1]:
        return None  # a section after the last chapter: the notes, if any, are there
    doc, block = chapters[-1]
    lines = [(d, i) for d in range(doc, len(documents)) for i in range(len(documents[d].blocks))]
    lines = [(d, i) for d, i in lines if (d, i) > (doc, block)]
    for (d, i), (d2, i2) in itertools.pairwise(lines):
        label, after = documents[d].blocks[i], documents[d2].blocks[i2]
        named = label.kind != markup.TABLE and len(label.text.split()) <= 2
        opens = after.kind == TEXT and _NOTE_OPENING.match(after.text) is not None
        if named and opens and matter.kind_of(label.text) in matter.NOTES:
            return _Start(d, i, label.text, documents[d].path)
    return None


def _heading_starts(documents: list[_Document]) -> list[_Start]:
    """Without a table of contents, where files are not chapters (a converter's split by
    size: Calibre's `index_split_001.html` holding two chapters, the next running on from
    the one before): a section at each heading of the chapters' level and above (the
    book's title, parts), and at the top where text comes first; a file that does not open
    with one runs on from the one before. Files are not chapters where one holds two
    chapter headings and a later file opens with text, or a chapter's label ("Chapter II")
    heads one past its first block. [] otherwise: each file is then a section."""
    found = [(doc, i, b) for doc, d in enumerate(documents) for i, b in enumerate(d.blocks)]
    levels = [b.level if b.kind == HEADING and not b.note else None for _, _, b in found]
    repeated = {level for level in set(levels) - {None} if levels.count(level) > 1}
    if not repeated:
        return []
    if repeated - {0}:
        level = min(level for level in repeated - {0} if level is not None)
        level = chapters_in_parts(levels, level, [b.text for _, _, b in found]) or level
    else:  # chapter labels set as paragraphs, read as headings of no level
        level = 0
    chapters = [(doc, i, b) for (doc, i, b), at in zip(found, levels, strict=True) if at == level]
    if max(Counter(doc for doc, _, _ in chapters).values()) < 2:
        return []
    run_on = any(d.blocks[:1] and d.blocks[0].kind != HEADING for d in documents[1:])
    labelled = any(i > 0 and is_chapter_label(b.text) for _, i, b in chapters)
    if not (run_on or labelled):
        return []  # a chapter's subsections of its heading's rank
    heads = [
        (doc, i, at < level)  # a heading over the chapters' holds them: a part, if named one
        for (doc, i, _), at in zip(found, levels, strict=True)
        if at is not None and (at == level or 0 < at <= level)
    ]
    if heads[0][:2] != (0, 0):
        heads.insert(0, (0, 0, False))
    return [
        _Start(doc, i, "", documents[doc].path, opening=(doc, i) == (0, 0), holds=over)
        for doc, i, over in heads
    ]


def _body(
    documents: list[_Document], starts: list[_Start], navigation: Navigation, title: str = ""
) -> _Body:
    """Where the chapters run: the first and last start that is a chapter, a part or a
    volume (a name of front or back matter in its heading or label said anywhere), not a
    file of no text nor the book's title page, which nothing names: as the chapters' first,
    they made the contents page after them a chapter."""
    chapters = [
        (start.doc, start.block)
        for start in starts
        if _kind(documents, start, navigation, _ANYWHERE) in ("chapter", "part", "volume")
        and not _opens_no_chapter(documents, start, title)
    ]
    return _Body(min(chapters), max(chapters)) if chapters else _ANYWHERE


def _opens_no_chapter(documents: list[_Document], start: _Start, title: str) -> bool:
    blocks = documents[start.doc].blocks[start.block :]
    return not blocks or (start.opening and _is_title_page(blocks, title))


def _unheld(
    document: _Document,
    blocks: list[int],
    before: _Start | None,
    documents: list[_Document],
    navigation: Navigation,
    body: _Body,
) -> bool:
    """Whether the top of a file, before its first entry (or all of it, without one), is
    text no chapter would hold: nothing comes before it, or front matter does (a title
    page or contents, skipped), and it went unread with it. An epigraph before chapter
    one's anchor, a preface the TOC leaves out after the copyright page."""
    if blocks and document.text_before[blocks[0]] == 0:
        return False  # the file opens at its entry
    if before is None:
        return True
    return _kind(documents, before, navigation, body) in matter.FRONT


def _headed_after_matter(
    document: _Document,
    before: _Start | None,
    documents: list[_Document],
    navigation: Navigation,
    body: _Body,
) -> bool:
    """Whether a file opens with a heading of its own after a section that is not a
    chapter: "About the Author" the TOC leaves out after the index is no more of the index
    (it was skipped with it), nor "Also by" of the acknowledgements. After a chapter, such
    a file stays its continuation (a converter's split at a subsection's heading)."""
    opens = document.blocks[:1]
    if not opens or opens[0].kind != HEADING or before is None:
        return False
    return _kind(documents, before, navigation, body) != "chapter"


def _toc_starts(
    documents: list[_Document], toc: list[Entry], warnings: list[str]
) -> dict[tuple[int, int], _Start]:
    """A start at each TOC entry in the spine that is not a subsection, by (file, block);
    of two entries for one place, the first (the outer) gives the label."""
    index = {doc.path: i for i, doc in enumerate(documents)}
    first_children = _first_children(toc)
    spread = _spread_parents(toc)
    starts: dict[tuple[int, int], _Start] = {}
    placed: dict[Entry, tuple[int, int]] = {}
    for entry in toc:
        doc = index.get(entry.path)
        if doc is None or (
            entry.parent not in spread and _is_subsection(entry, documents[doc], first_children)
        ):
            continue
        doc, block = _place(documents, doc, _anchor(documents[doc], entry))
        if block < 0:
            warnings.append(f"chapter {entry.label!r}: #{entry.fragment} is not in {entry.path}")
            block = 0
        place = f"{entry.path}#{entry.fragment}" if entry.fragment else entry.path
        starts.setdefault((doc, block), _Start(doc, block, entry.label, place))
        placed[entry] = (doc, block)
    holding = _holding(placed)
    return {at: replace(s, holds=True) if at in holding else s for at, s in starts.items()}


def _holding(placed: dict[Entry, tuple[int, int]]) -> set[tuple[int, int]]:
    """The places of the entries that have one nested under them starting a section at
    another place (a part's chapters), not only at their own (the outer entry of two for
    one place)."""
    return {
        placed[entry.parent]
        for entry, at in placed.items()
        if entry.parent in placed and placed[entry.parent] != at
    }


def _first_children(toc: list[Entry]) -> dict[Entry, Entry]:
    """Each entry's first nested entry, for the entries that have some."""
    found: dict[Entry, Entry] = {}
    for entry in toc:
        if entry.parent is not None:
            found.setdefault(entry.parent, entry)
    return found


def _spread_parents(toc: list[Entry]) -> set[Entry]:
    """The entries whose nested entries are not all in one file: a part's chapters, each
    in its own file but the first, which shares the part's. Its first is a chapter too,
    not a subsection of the part's opening text (an epigraph)."""
    paths: dict[Entry, set[str]] = {}
    for entry in toc:
        if entry.parent is not None:
            paths.setdefault(entry.parent, set()).add(entry.path)
    return {parent for parent, found in paths.items() if len(found) > 1}


def _place(documents: list[_Document], doc: int, block: int) -> tuple[int, int]:
    """Where a link to a file's block lands: past its last block (an anchor closing it), at
    the top of the next file, where what it names begins; -1 (nowhere) past the last
    file's, where nothing begins. A file with no text (a part's title drawn as an image) is
    a place of its own, its title the TOC's label."""
    if 0 < len(documents[doc].blocks) == block:
        return (doc + 1, 0) if doc + 1 < len(documents) else (doc, -1)
    return doc, block


def _anchor(document: _Document, entry: Entry) -> int:
    """The block a TOC entry points at: the file's first, or the one its fragment names
    (past the last where its id closes the file); -1 where no element has that id."""
    if not entry.fragment:
        return 0
    found = document.anchors.get(entry.fragment, -1)
    return len(document.blocks) if found < 0 and entry.fragment in document.after else found


def _is_subsection(entry: Entry, document: _Document, first_children: dict[Entry, Entry]) -> bool:
    """Whether an entry points into its parent's file, whose own text comes before the
    parent's first nested entry (a chapter's opening before its subsections)."""
    if entry.parent is None or not entry.fragment:
        return False
    parent, first = entry.parent, first_children[entry.parent]
    if not parent.path == first.path == entry.path:
        return False
    start, end = max(_anchor(document, parent), 0), _anchor(document, first)
    return end > start and document.text_before[end] > document.text_before[start]


def _own_kind(documents: list[_Document], doc: int, navigation: Navigation, body: _Body) -> bool:
    """Whether a file the TOC leaves out is a part of its own (a colophon, notes), not the
    continuation of the chapter before it."""
    whole = _Start(doc, 0, "", documents[doc].path)
    return _kind(documents, whole, navigation, body) != "chapter"


def _spans(starts: list[_Start]) -> list[tuple[_Start, _Start | None]]:
    """Each start with the next (None after the last): the extent of a section."""
    return list(zip(starts, [*starts[1:], None], strict=True))


def _section(
    documents: list[_Document],
    start: _Start,
    end: _Start | None,
    navigation: Navigation,
    body: _Body,
    title: str,
    warnings: list[str],
) -> Section:
    """The section from `start` to `end`, with its kind and why it is skipped, if it is."""
    document = documents[start.doc]
    kind = _kind(documents, start, navigation, body)
    blocks = _blocks(documents, start, end)
    if start.opening and kind == "chapter" and _is_title_page(blocks, title):
        kind = "titlepage"
    types = _types(document, start.block)
    reason = matter.skip_reason(kind, matter.division(types))
    return markup.section(blocks, start.label, kind, reason, warnings)


def _is_title_page(blocks: list[Block], title: str) -> bool:
    """Whether text before the first TOC entry is the book's title page: its title, with
    short lines only (an author, a publisher) under it. Chapter one's file often opens so,
    before the chapter's anchor; an epigraph there is read."""
    lines = [block.text for block in blocks if block.kind in (HEADING, TEXT) and not block.note]
    named = bool(title) and _plain(title) in map(_plain, lines)
    return named and rest_of_title_page(lines, chapters_follow=True)


def _blocks(documents: list[_Document], start: _Start, end: _Start | None) -> list[Block]:
    """The blocks from one start to the next, across files."""
    last_doc, last_block = (end.doc, end.block) if end else (len(documents), 0)
    found: list[Block] = []
    for doc in range(start.doc, min(last_doc + 1, len(documents))):
        blocks = documents[doc].blocks
        low = start.block if doc == start.doc else 0
        found.extend(blocks[low : last_block if doc == last_doc else len(blocks)])
    return found


def _kind(documents: list[_Document], start: _Start, navigation: Navigation, body: _Body) -> str:
    """What a section is: by its epub:type, else by landmarks or guide, else by the heading
    that opens it or its TOC label ("Contents", "Notes": a converted book types nothing)
    where it stands before or after the chapters (`_Body`), else (for a whole file) by the
    file's name or its text (a copyright page, an "Also by" page), else a part by its
    label where it holds chapters (`_part_page`); a chapter when nothing says."""
    document, block = documents[start.doc], start.block
    whole_file = block == 0
    named = _named_kind(document, block, start.label)
    return (
        matter.first_kind(_types(document, block))
        or navigation.landmarks.get(start.place, "")
        or (navigation.landmarks.get(document.path, "") if whole_file else "")
        or (named if body.allows(named, start) or _an_index(named, document, block) else "")
        or (matter.kind_of_file(document.path) if whole_file else "")
        or (_copyright_page(document) if whole_file else "")
        or (_also_by_page(document) if whole_file else "")
        or _part_page(document, start)
        or "chapter"
    )


def _an_index(named: str, document: _Document, block: int) -> bool:
    """Whether a section its heading or label calls an index reads as one, wherever it
    stands: trade ebooks follow the index with an extract from the next book."""
    if named != "index":
        return False
    return matter.reads_as_index(b.text for b in document.blocks[block + 1 :] if b.kind != HEADING)


def _copyright_page(document: _Document) -> str:
    """ "copyright-page" for a file whose text is one, else "" (`matter.reads_as_copyright`)."""
    return "copyright-page" if matter.reads_as_copyright(b.text for b in document.blocks) else ""


def _part_page(document: _Document, start: _Start) -> str:
    """ "part" for a TOC entry with chapters nested under it whose heading (or, with none,
    its TOC label) names a part ("Part One", "BOOK II: THE RETURN", "Volume 1":
    `labels.names_a_part`, as the other readers tell one): a part's title page that no
    type or file name marks, with text of its own (an epigraph, an introduction, narrated
    with it) or none; else "". A chapter's label over sections in files of their own
    ("Chapter 3" over "3.1") stays a chapter."""
    if not start.holds:
        return ""
    opening = document.blocks[start.block] if start.block < len(document.blocks) else None
    name = opening.text if opening is not None and opening.kind == HEADING else start.label
    return "part" if names_a_part(name) else ""


def _also_by_page(document: _Document) -> str:
    """ "also-by" for a file whose text lists the author's other books, headed so
    (`matter.reads_as_also_by`), else ""."""
    return "also-by" if matter.reads_as_also_by(b.text for b in document.blocks) else ""


def _named_kind(document: _Document, block: int, label: str) -> str:
    """The kind other than a chapter that the section's opening heading names, else its TOC
    label ("Contents", "Notes", "Index"); "" where neither names one."""
    opening = document.blocks[block] if block < len(document.blocks) else None
    heading = opening.text if opening is not None and opening.kind == HEADING else ""
    kind = matter.kind_of(heading) or matter.kind_of(label)
    return "" if kind == "chapter" else kind


def _types(document: _Document, block: int) -> tuple[str, ...]:
    """The epub:type of the sections around a block (of the file, where it has none)."""
    return document.blocks[block].types if block < len(document.blocks) else document.types


def _cover(archive: Archive, package: Package, warnings: list[str]) -> Cover | None:
    """The cover image, if it is a JPEG, PNG or SVG (rasterized later where a player needs
    pixels); else a warning."""
    item = package.cover
    if item is None:
        return None
    if not archive.has(item.path):
        warnings.append(f"the cover image {item.path} is missing")
        return None
    data = archive.read(item.path)
    media_type = _image_type(data)
    if media_type is None:
        warnings.append(f"the cover image {item.path} ({item.media_type}) is not JPEG, PNG or SVG")
        return None
    return Cover(data, media_type)


def _image_type(data: bytes) -> str | None:
    """JPEG, PNG or SVG by their first bytes (a manifest's media type can be wrong)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b"<svg" in data[:2048]:
        return "image/svg+xml"
    return None
