"""DOCX manuscripts: the main document's paragraphs in body order, chapters from headings.

The package is opened with `archive.Archive` (a bomb or a damaged ZIP is refused before any
XML is read; an OLE compound file, a DOCX saved with a password or a .doc, is refused saying
which, `ole`) and its parts are parsed with `archive.parse_xml`, not through python-docx:
one hardened parser for every part, and the reader sees each element, which it needs to
read tracked insertions while skipping deletions, hidden runs, field codes and the marks of
notes and comments (python-docx's paragraph text leaves out insertions).

What is read is what the page shows in the body: footnotes, endnotes, comments, headers and
footers live in parts of their own and are never opened. Tables are not narrated (a
warning names the chapter), nor are text boxes, equations, a table of contents or the
placeholder of a content control left unfilled, nor the page numbers of fields (PAGE) or a
mail merge's unfilled fields. Tracked changes are read as accepted: a
deleted paragraph mark joins its paragraph to the next (not a heading into body text).

Chapters start at headings: a style named "heading N" or "Heading N" or with an outline
level (localized built-in styles keep their outline level). A manuscript typed without
heading styles has its chapters at paragraphs that are chapter labels ("Chapter 4",
"CHAPTER IV. The Storm", "Part Two"; two at least; parts' typed over chapters' are parts),
and at a "Prologue" or "Epilogue" among them (one heading, the book's title over them, is
no styling of chapters), or, with no label, at numbers alone counting from one ("1", "2",
"3"); where chapters are styled, a label typed in their form and sequence ("Chapter 3" bold
among them) starts one too. Title and Subtitle are known by localized names and ids too
("Titel", "Untertitel"). A lone Title paragraph is the book's title, and so is a lone top
heading over repeated lower ones, as in Markdown; Title paragraphs that are chapter labels,
several, are chapters. A label heading over a title heading ("Chapter One", "The Storm"), a
Subtitle, a typed title line or its own line break is one title, and a heading's number
from Word's list numbering ("Chapter %1") is part of it. A heading that names a kind of
section ("Preface", "Index") gives it that kind, and front or back matter is skipped by
default (`matter`); so are a manuscript's cover page (contact details and a word count, up
to the byline, whose title line is the book's), Word's Cover Page and a list of contents
typed under "Contents" (up to its last entry), and an opening whose short lines say
copyright and "All rights reserved" or an ISBN, a title page without the Title style.

A main document larger than a book of `max_book_chars` could need (Word's markup, run by
run, is some bytes a character: 16 and a megabyte are allowed) is refused before it is
parsed, as an EPUB's text files are.
"""

import itertools
import logging
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NoReturn, TypeVar

from lxml import etree

from config.errors import ManuscriptError
from config.manuscript import Metadata
from config.settings import get_settings
from models.normalize.numbers import cardinal, ordinal, ordinal_suffix
from models.normalize.roman import roman_to_int, to_roman
from producer.readers import DOCX_DOCUMENT, matter, ole
from producer.readers.archive import Archive, HostileXML, parse_xml
from producer.readers.book import (
    PART_INTRO_BLOCKS,
    TITLE_PAGE_WORDS,
    Book,
    Section,
    chapters_in_parts,
    rest_of_title_page,
)
from producer.readers.headings import is_number_line, reads_as_title
from producer.readers.labels import (
    CHAPTER_LABEL,
    LABELS_NEEDED,
    NUMBER,
    NUMBER_WORDS,
    ROMAN,
    is_chapter_label,
    is_chapter_line,
    names_a_part,
)
from producer.readers.markup import raised_mark, read_raised
from producer.readers.published import first_date

_T = TypeVar("_T")
log = logging.getLogger(__name__)

# The conventional part names, used by Word, LibreOffice, Google Docs and Pandoc alike
# (Word Online names its main document otherwise: `_main_part`).
DOCUMENT = DOCX_DOCUMENT
STYLES = "word/styles.xml"
NUMBERING = "word/numbering.xml"
CORE = "docProps/core.xml"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NAMESPACES = {_W, _W_STRICT, _MC}
# Word's custom XML parts (customXml/item1.xml), one of which may hold the cover page
# properties; their itemProps parts say only which schema each is.
_CUSTOM_XML = re.compile(r"customXml/item\d+\.xml")
_COVER_PAGE_NS = "http://schemas.microsoft.com/office/2006/coverPageProps"
_CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}

TITLE = 0  # the level of a Title paragraph; headings are 1 to 9
# The Title and Subtitle styles' names in the common localizations (German, Dutch, French,
# Spanish, Portuguese, Italian), as LibreOffice names them and Word gives their ids: an id
# keeps no letter outside ASCII (Word's "Título" is "Ttulo"). Spaces and hyphens aside.
_TITLE_NAMES = {"title", "titel", "titre", "título", "ttulo", "titolo"}
_SUBTITLE_NAMES = {"subtitle", "untertitel", "ondertitel", "soustitre", "subtítulo", "subttulo"}
_SUBTITLE_NAMES |= {"sottotitolo"}
# A level is one digit: a style named "Heading" and 5,000 nines is no heading (and would
# overflow int()), nor is "heading²", a digit to str.isdigit() but not to int().
_HEADING_NAME = re.compile(r"heading([1-9])")
_OUTLINE_LEVEL = re.compile(r"[0-8]")  # w:outlineLvl 0-8 are levels 1-9; 9 is body text

# Elements whose text is not on the page as it reads now: deletions, field codes, the marks
# of notes and comments, properties, ruby (the reading printed over a word). Drawings and
# alternate content hold text boxes, whose text Word stores twice (DrawingML and VML).
_UNREAD = {
    "del", "moveFrom", "delText", "delInstrText", "instrText", "footnoteReference",
    "endnoteReference", "commentReference", "annotationRef", "pPr", "rPr", "sdtPr",
    "sdtEndPr", "drawing", "pict", "object", "AlternateContent", "rt",
}  # fmt: skip
_LINE_BREAKS = {None, "textWrapping"}  # other w:br types break a page or column
# What a run shows (`_gather`), and the fields whose results are not read among it: page
# numbers and counts, a mail merge's (`_is_unread_field`).
_SHOWN = {"t", "tab", "ptab", "br", "cr", "noBreakHyphen", "sym"}
_UNREAD_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "MERGEFIELD", "MERGEREC", "MERGESEQ"}
_NOTE_REFERENCES = {"footnoteReference", "endnoteReference"}
# A manuscript's word count, a line of its own: "About 80,000 words" (alone, or after the
# author's name and a tab), "approx. 80K words", "Word count: 80,000". A line that only
# ends in a count is prose's: "my first 100 words" and "who read all 90,000 words" are a
# dedication's, "A picture is worth 1,000 words." an epigraph's.
_WORD_COUNT = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){0,4}"  # the author's name, capitalized, before a tab
    r"(?i:(?:about|approx(?:imately|\.)?|around|circa|ca?\.|roughly|~)\s*)?"
    r"(?:\d{1,3}(?:[,.\u00a0\u202f ]?\d{3})+|\d+(?:\.\d+)?\s*[kK])\s+(?i:words)\.?"
    r"|(?i:word\s+count)\b.*"
)
_BYLINE = re.compile(r"by\s+\S.*", re.I)  # "by Jane Doe" under a manuscript's title
# A line saying what the book is between a cover's title and its byline: "a novel", "A
# Novel", "— a historical novel —", "A Memoir", "a short story" (not "A Love Story", a title).
_GENRE = re.compile(
    r"[—–-]*\s*(?:an?\s+)?(?:[\w-]+\s+)?"
    r"(?:novel|novella|novelette|memoir|short\s+stor(?:y|ies))\s*[—–-]*",
    re.I,
)
_BYLINE_WORDS = 6
_TITLE_WORDS = 12  # a book's title on a manuscript's cover, at most
# After a title page's lines: an epigraph, a quotation or a line over its attribution
# ("— Jacques Cousteau"), or a dedication ("For Anna", "To my mother").
_QUOTES = tuple("“”\"‘'«»„")
_ATTRIBUTION = re.compile(r"[—–~-]+\s*\w[^—–~]*(?<!-)")  # not "— A Novel —"
_DEDICATION = re.compile(r"(?:for|to)\s+\w", re.I)
# A contents entry's page number: "The Storm\t12" (a tab is a space here), "Preface ....
# ix"; a front matter's Roman numerals are lowercase, and few ("Louis XIV" is a title, and
# "did" and "mild" are words).
_PAGE_NUMBER = re.compile(r"(?:\s|(?<=\S)[.·…_])+(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))$")
_BARE_NUMBER = re.compile(rf"{NUMBER}[.:]?", re.I)  # a chapter's number alone: "II.", "12"
# A chapter label's word and number ("Chapter 3", "PART TWO: The Land"), to tell its form
# and its place in a sequence.
_LABEL_NUMBER = re.compile(rf"(chapter|part|book)\s+({NUMBER})\b", re.I)
_ROMAN_NUMBER = re.compile(ROMAN, re.I)
_NUMBER_WORD = {word: n for n, word in enumerate(NUMBER_WORDS.split("|"), 1) if n < 20}
_NUMBER_WORD |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
# Numbers alone that head chapters: a run of at least three from one ("1", "2", "3"); two
# may be a list's, and one a page's number left in the text.
_NUMBERS_NEEDED = 3
_PLACEHOLDER = re.compile(r"%([1-9])")  # a level's count in a list's w:lvlText
_UNNUMBERED = ("bullet", "none")  # list formats that show no count
_COUNT = re.compile(r"\d{1,4}")  # a list's w:start; a count past 9,999 is no book's
_FALSE = {"0", "false", "off"}
# Insert > Symbol in a symbol font stores the font's code for the glyph, not a character
# (w:sym): in Unicode's private area (F0BE) or as the byte (BE). The Symbol font's are
# Adobe's Symbol encoding, whose dashes, bullets, primes and signs belong to the sentence
# (0xBE, a line's width, is Word's em dash; 0x60 and 0xE6 up are the pieces of big
# brackets, nothing to say).
_SYMBOL_CODE = re.compile(r"[0-9A-Fa-f]{1,5}")
_SYMBOL_FONT = dict(
    zip(
        [*range(0x20, 0x7F), *range(0xA0, 0xE6), 0xF1, 0xF2],
        " !∀#∃%&∋()∗+,−./0123456789:;<=>?"  # from 0x20
        "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"  # from 0x40
        " αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"  # from 0x60
        "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…|—↵"  # from 0xA0
        "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑〉∫",  # from 0xC0, and 0xF1, 0xF2
        strict=True,
    )
)


@dataclass(frozen=True)
class _Para:
    """A paragraph as read: its text (lines joined by newlines) and what it is."""

    text: str
    level: int | None = None  # TITLE, a heading level, or None for body text
    front: bool = False  # Title or Subtitle: title-page material
    own: str | None = None  # a numbered heading's own text, its number left out
    typed: bool = False  # a heading typed as body text, a chapter's label


@dataclass(frozen=True)
class _Table:
    """Where a table was (its text is not read)."""


_Block = _Para | _Table


@dataclass(frozen=True)
class _Styles:
    """What the reader needs from styles.xml, by style id."""

    levels: dict[str, int] = field(default_factory=dict)  # TITLE or heading level
    front: set[str] = field(default_factory=set)  # Title and Subtitle
    unread: set[str] = field(default_factory=set)  # table-of-contents entries
    # w:vanish as a style sets it, or the nearest it is based on; absent where none says
    hidden: dict[str, bool] = field(default_factory=dict)
    default: str = ""  # the paragraph style of a paragraph that names none
    numbered: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # list, level


@dataclass
class _Draft:
    """A section being gathered: its heading, paragraphs and how many tables it skipped."""

    title: str = ""
    paras: list[_Para] = field(default_factory=list)
    tables: int = 0
    titled: bool = False  # held the book's Title paragraph: the title page
    kind: str = ""  # what its heading's own text names ("Index" numbered "Chapter %1")


def read(data: bytes, source: str) -> Book:
    """A DOCX file's sections and metadata; raises ManuscriptError with the reason."""
    if data.startswith(ole.MAGIC):
        _refuse_compound_file(data, source)
    archive = Archive(data, source, "DOCX")
    main = _main_part(archive)
    if not archive.has(main):
        raise ManuscriptError(f"{source}: not a DOCX document (no {DOCUMENT} in the ZIP)")
    styles = _read_styles(archive, main)
    numbering = _read_numbering(archive, main)
    blocks = list(_blocks(_body(archive, main), styles, numbering))
    blocks = _labelled_chapters(_title_styled_labels(blocks))
    blocks = _titled_label_lines(_titled_labels(blocks))
    title_at, level, part_level = _plan(blocks)
    sections, warnings, cover_title = _split(blocks, title_at, (part_level, level), source)
    title = _title(blocks[title_at]) if title_at is not None else cover_title
    return Book(sections, _metadata(archive, source, title), warnings=warnings)


def _refuse_compound_file(data: bytes, source: str) -> NoReturn:
    """Refuses an OLE compound file, not a ZIP, saying what it is by its streams: a DOCX
    saved with a password (its package encrypted whole) or a Word 97-2003 .doc renamed."""
    streams = ole.names(data)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise ManuscriptError(
            f"{source}: the DOCX is password-protected: remove the password in Word and save "
            "it again"
        )
    if "WordDocument" in streams:
        raise ManuscriptError(
            f"{source}: a Word 97-2003 .doc, not a .docx: open it in Word or LibreOffice and "
            "save it as .docx"
        )
    raise ManuscriptError(
        f"{source}: an Office 97-2003 file or a password-protected one, not a .docx: open it "
        "in Word or LibreOffice, remove any password and save it as .docx"
    )


def _part(archive: Archive, name: str) -> Any:
    return parse_xml(archive.read(name), f"{archive.source}: {name}")


# Bytes of WordprocessingML a character of text may take: a run's properties and revision
# ids are a few dozen bytes, and an edited manuscript starts a run every few words.
MARKUP_PER_CHAR = 16
MARKUP_SLACK = 1 << 20  # and a megabyte for the body's own and its sections' settings


def _body(archive: Archive, main: str) -> Any:
    most = get_settings().max_book_chars
    budget = most * MARKUP_PER_CHAR + MARKUP_SLACK
    if archive.size(main) > budget:  # refused before a parser holds it all
        raise ManuscriptError(
            f"{archive.source}: {main} is {archive.size(main):,} bytes, more than a book of "
            f"{most:,} characters needs ({budget:,}); refusing (NARRATE_MAX_BOOK_CHARS)"
        )
    root = _part(archive, main)
    body = next((child for child in root if _local(child) == "body"), None)
    if body is None:
        raise ManuscriptError(f"{archive.source}: {main} has no document body")
    return body


def _main_part(archive: Archive) -> str:
    """The main document: the part the package's officeDocument relationship names (Word
    Online saves word/document2.xml, and a package may keep a stale word/document.xml
    beside it), else word/document.xml."""
    return _related(archive, "", "officeDocument") or DOCUMENT


def _sibling(archive: Archive, main: str, kind: str, usual: str) -> str:
    """A part of the main document's (its styles, its numbering): by its usual name beside
    word/document.xml, else by the main document's relationships."""
    return usual if main == DOCUMENT else _related(archive, main, kind) or usual


def _related(archive: Archive, part: str, kind: str) -> str | None:
    """The part that `part` (the package itself: "") names in its relationships of a kind
    ("styles"; transitional and strict types end alike), if the archive holds it."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if not archive.has(rels):
        return None
    for rel in _part(archive, rels):
        target = str(rel.get("Target") or "")
        if str(rel.get("Type") or "").rpartition("/")[2] != kind or not target:
            continue
        if str(rel.get("TargetMode") or "").lower() == "external":
            continue
        # A target is relative to the part's folder, or absolute ("/word/document2.xml");
        # one outside the package is no part of it, and is passed over.
        try:
            found = archive.resolve(part if not target.startswith("/") else "", target.lstrip("/"))
        except ManuscriptError:
            continue
        if archive.has(found):
            return found
    return None


# Reading the XML


def _local(element: Any) -> str:
    """An element's name without its namespace; "" for markup not of WordprocessingML
    (equations, vendor extensions), which is not read."""
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


@lru_cache(maxsize=1024)
def _local_name(tag: str) -> str:
    """`_local` by an element's tag ("{namespace}name"), which a document repeats: each
    paragraph's properties are looked up by name a few times, the reader's most frequent
    work (a QName made each time was a fifth of its time)."""
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return name if namespace in _NAMESPACES else ""


def _attr(element: Any, name: str) -> str | None:
    """A w: attribute, in whichever of the two WordprocessingML namespaces the file uses."""
    value = element.get(f"{{{etree.QName(element).namespace}}}{name}")
    return None if value is None else str(value)


def _child(element: Any, *path: str) -> Any:
    """The first descendant along `path` of local names, or None."""
    for name in path:
        element = next((c for c in element if _local(c) == name), None)
        if element is None:
            return None
    return element


def _val(element: Any, *path: str) -> str | None:
    found = _child(element, *path)
    return None if found is None else _attr(found, "val")


def _on(element: Any, *path: str) -> bool:
    """Whether a toggle property (w:vanish, ...) is present and not switched off."""
    return _toggle(element, *path) is True


def _toggle(element: Any, *path: str) -> bool | None:
    """A toggle property as set: on, switched off (w:val="0", which overrides a style's),
    or None where it is not there."""
    found = _child(element, *path)
    return None if found is None else (_attr(found, "val") or "true").lower() not in _FALSE


# Styles


def _read_styles(archive: Archive, main: str) -> _Styles:
    name = _sibling(archive, main, "styles", STYLES)
    if not archive.has(name):
        return _Styles()
    styles = {_attr(s, "styleId") or "": s for s in _part(archive, name) if _local(s) == "style"}
    names = {
        style_id: (_val(style, "name") or style_id).lower() for style_id, style in styles.items()
    }
    known: dict[str, int | None] = {}
    lists: dict[str, tuple[str, str | None] | None] = {}
    shown: dict[str, bool | None] = {}
    levels = {
        i: level for i in styles if (level := _inherited(i, styles, known, _own_level)) is not None
    }
    return _Styles(
        levels=levels,
        front={i for i, name in names.items() if _is_front(i, name)},
        unread={i for i, name in names.items() if name.startswith("toc")},
        hidden={
            i: vanish
            for i, style in styles.items()
            if (vanish := _inherited(i, styles, shown, _own_vanish, _style_type(style))) is not None
        },
        default=next((i for i, style in styles.items() if _is_default_paragraph(style)), ""),
        numbered={i: found for i in styles if (found := _inherited(i, styles, lists, _style_list))},
    )


def _is_default_paragraph(style: Any) -> bool:
    return _attr(style, "type") == "paragraph" and _attr(style, "default") in ("1", "true")


def _inherited(
    style_id: str,
    styles: dict[str, Any],
    known: dict[str, _T | None],
    own: Callable[[str, Any], _T | None],
    kind: str = "paragraph",
) -> _T | None:
    """What `own` finds in a paragraph style, or else in the nearest style it is based on: a
    heading's level ("Chapter Heading" based on Heading 1 is a heading), the list it numbers
    by (and counts with Heading 1's numbers); for `kind` "character", in a character style
    (a hidden note's style based on a hidden one is hidden).

    The chain is walked in a loop, not by recursion (a file can chain thousands of styles),
    and every style on it learns what was found in `known`, so that each style is walked
    once. A cycle ends it, and so does a style of another kind (a missing `w:type` is
    "paragraph", the format's default).
    """
    chain: dict[str, None] = {}  # the styles walked, in order (a dict for a quick `in`)
    found = None
    while style_id not in known:
        style = styles.get(style_id)
        if style is None or style_id in chain or _style_type(style) != kind:
            break
        chain[style_id] = None
        found = own(style_id, style)
        if found is not None:
            break
        style_id = _val(style, "basedOn") or ""
    else:
        found = known[style_id]
    known.update(dict.fromkeys(chain, found))
    return found


def _style_type(style: Any) -> str:
    return _attr(style, "type") or "paragraph"


def _style_list(_: str, style: Any) -> tuple[str, str | None] | None:
    return _list_of(style)


def _own_vanish(_: str, style: Any) -> bool | None:
    return _toggle(style, "rPr", "vanish")


def _own_level(style_id: str, style: Any) -> int | None:
    """A style's level by its name, its id or its outline level, not what it is based on."""
    for label in (_val(style, "name") or "", style_id):
        level = _named_level(label)
        if level is not None:
            return level
    return _outline_level(style)


def _is_front(style_id: str, name: str) -> bool:
    """Whether a style is Title or Subtitle, by its name or id, localized or not."""
    return any(_folded(label) in _TITLE_NAMES | _SUBTITLE_NAMES for label in (name, style_id))


def _folded(label: str) -> str:
    """A style's name or id as compared: lower case, without spaces or hyphens."""
    return re.sub(r"[\s-]", "", label).lower()


def _named_level(label: str) -> int | None:
    """TITLE or a heading level from a built-in style's name ("heading 2", "Titel") or id
    ("Heading2")."""
    label = _folded(label)
    if label in _TITLE_NAMES:
        return TITLE
    heading = _HEADING_NAME.fullmatch(label)
    return int(heading[1]) if heading else None


def _outline_level(element: Any) -> int | None:
    """A heading level from w:outlineLvl (0-8 are levels 1-9; 9 is body text)."""
    value = _val(element, "pPr", "outlineLvl")
    return int(value) + 1 if value is not None and _OUTLINE_LEVEL.fullmatch(value) else None


# Paragraphs and their text


def _blocks(
    container: Any, styles: _Styles, numbering: "_Numbering", fields: list[str] | None = None
) -> Iterator[_Block]:
    """Paragraphs and table markers in body order, through content controls. A drop cap,
    which Word sets as a paragraph of its own in a frame, opens the paragraph after it; the
    entries of a table of contents field are not read. `fields`: the instructions of the
    fields open (a field may run over many paragraphs)."""
    fields = [] if fields is None else fields
    cap = ""
    for name, child in _children(container):
        if name == "p" and any([_in_contents_field(p, fields) for p in child]):
            continue
        if name == "p" and _is_drop_cap(child[-1]):
            cap += "".join(_clean(_text(child[-1], styles)).split())
        elif name == "p":
            for run_on in _accepted(child, styles):
                para = _paragraph(run_on, styles, numbering)
                if para is not None:
                    yield replace(para, text=cap + para.text) if cap else para
                    cap = ""
        elif name == "tbl":
            yield _Table()
        elif name == "sdt":
            yield from _control(child, styles, numbering, fields)
        elif name == "customXml":
            yield from _blocks(child, styles, numbering, fields)


def _children(container: Any) -> Iterator[tuple[str, Any]]:
    """A container's children by local name, each paragraph as a list of w:p: a paragraph
    whose mark is a tracked deletion (an editor joined it to the next, and left the change
    unaccepted) runs on into the next paragraph, as the page reads once it is accepted."""
    joined: list[Any] = []
    for child in container:
        name = _local(child)
        if name == "p":
            joined.append(child)
            if not _mark_removed(child):
                yield name, joined
                joined = []
            continue
        if joined:  # nothing to run on into (a table): it stays a paragraph
            yield "p", joined
            joined = []
        yield name, child
    if joined:
        yield "p", joined


def _mark_removed(p: Any) -> bool:
    """Whether a paragraph's mark is a tracked deletion, or moved away with text after it."""
    mark = _child(p, "pPr", "rPr")
    return mark is not None and any(_local(c) in ("del", "moveFrom") for c in mark)


def _control(
    sdt: Any, styles: _Styles, numbering: "_Numbering", fields: list[str]
) -> Iterator[_Block]:
    """The blocks of a content control: none for a table of contents or a placeholder
    still unfilled; a cover page's (Word's Cover Pages gallery) are the title page's."""
    content = _child(sdt, "sdtContent")
    if content is None or _is_contents(sdt) or (_is_placeholder(sdt) and _is_prompt(content)):
        return
    cover = _gallery(sdt).startswith("cover page")
    for block in _blocks(content, styles, numbering, fields):
        yield replace(block, front=True) if cover and isinstance(block, _Para) else block


def _in_contents_field(p: Any, fields: list[str]) -> bool:
    """Whether any of a paragraph is inside a TOC field (Word's table of contents, when not
    in a content control), following its fields' starts and ends in `fields`."""
    inside = _is_contents_field(fields)
    for element in p.iter():
        name = _local(element)
        kind = _attr(element, "fldCharType") if name == "fldChar" else None
        if kind == "begin":
            fields.append("")
        elif kind == "end" and fields:
            fields.pop()
        elif name == "instrText" and fields:
            fields[-1] += element.text or ""
        inside = inside or _is_contents_field(fields)
    return inside


def _is_contents_field(fields: list[str]) -> bool:
    return any(instruction.split()[:1] == ["TOC"] for instruction in fields)


def _is_contents(sdt: Any) -> bool:
    """Whether a content control is a table of contents (a list of page numbers)."""
    return _gallery(sdt).startswith("table of contents")


def _gallery(sdt: Any) -> str:
    """The gallery a content control's building block came from ("cover pages"), or ""."""
    return (_val(sdt, "sdtPr", "docPartObj", "docPartGallery") or "").lower()


def _is_placeholder(sdt: Any) -> bool:
    """Whether a content control shows its placeholder, a template's prompt that Word greys
    until the author types over it ("Click or tap here to enter text.")."""
    return _on(sdt, "sdtPr", "showingPlcHdr")


def _is_prompt(content: Any) -> bool:
    """Whether a content control marked as showing its placeholder holds a prompt, one
    paragraph at most ("Click or tap here to enter text.", "[Type the abstract]"): a
    control holding paragraphs of text (a chapter) was filled by a tool that left the mark
    (a template filled by a program, an editor that does not know it), and is read."""
    written = 0
    for p in (el for el in content.iter() if _local(el) == "p"):
        written += any((t.text or "").strip() for t in p.iter() if _local(t) == "t")
        if written > 1:
            return False
    return True


def _is_drop_cap(p: Any) -> bool:
    """Whether a paragraph is a drop cap: a frame holding a word's first letter or letters."""
    frame = _child(p, "pPr", "framePr")
    return frame is not None and _attr(frame, "dropCap") in ("drop", "margin")


def _text(p: Any, styles: _Styles) -> str:
    pieces: list[str] = []
    # A hidden paragraph style hides its runs, but a run may show itself (w:vanish off).
    _gather(p, styles, pieces, _Runs(styles.hidden.get(_style_of(p, styles), False)))
    return "".join(pieces)


def _accepted(joined: list[Any], styles: _Styles) -> list[list[tuple[Any, str]]]:
    """Paragraphs run on by tracked deletions of their marks (`_children`), each with its
    text, as one paragraph or more: two with text of their own run on only where both are
    body text or headings of one level. A heading's mark deleted over the text under it, or
    a body paragraph's over the next chapter's heading, is a slip of an editor's selection,
    and which of the two styles the page keeps once accepted is Word's to say: read as one,
    a chapter's heading went unheard inside its text, or its last words became a heading."""
    if len(joined) == 1:
        return [[(joined[0], _text(joined[0], styles))]]
    runs: list[list[tuple[Any, str]]] = []
    levels: list[int | str | None] = []  # the level of each run's text; "" while it has none
    for p in joined:
        style = _style_of(p, styles)
        text = "" if style in styles.unread else _text(p, styles)
        level = _level_of(p, style, styles) if text.strip() else ""
        if not runs or (level != "" and levels[-1] != "" and level != levels[-1]):
            runs.append([])
            levels.append("")
        runs[-1].append((p, text))
        levels[-1] = levels[-1] if level == "" else level
    return runs


def _style_of(p: Any, styles: _Styles) -> str:
    return _val(p, "pPr", "pStyle") or styles.default


def _level_of(p: Any, style: str, styles: _Styles) -> int | None:
    level = _outline_level(p)
    if level is None:
        # A file without styles.xml still names the built-in styles by their ids.
        level = styles.levels.get(style, _named_level(style))
    return level


def _paragraph(
    run_on: list[tuple[Any, str]], styles: _Styles, numbering: "_Numbering"
) -> _Para | None:
    """A paragraph from its w:p elements and their text (more than one where tracked
    deletions of their marks join them); the last one with text gives its style (a
    paragraph deleted whole, its mark too, leaves the next one's). A heading's number from
    a list ("Chapter %1") is heard with it, and makes a heading of one left without text
    of its own; a list item is read without its number, as HTML's are."""
    p = next((p for p, text in reversed(run_on) if text.strip()), run_on[-1][0])
    style = _style_of(p, styles)
    own = _clean(_run_on([text for _, text in run_on]))
    if style in styles.unread or (not own and styles.hidden.get(style, False)):
        return None  # a contents entry; a paragraph its style hides (its number too)
    level = _level_of(p, style, styles)
    list_id, index = _list_of(p) or styles.numbered.get(style) or ("", None)
    number = numbering.next(list_id, index, style)  # every item counts, heard or not
    if not (number and level is not None and level > TITLE):
        return _Para(own, level, style in styles.front) if own else None
    return _Para(_numbered(number, own), level, style in styles.front, own=own)


def _run_on(texts: list[str]) -> str:
    """Paragraphs joined by a deleted mark, as one text. Accepted, Word shows them touching;
    where that would glue two words ("to the" + "market"), a space stands between them: the
    editor meant a sentence run on, and "themarket" is no word a listener knows."""
    out = ""
    for text in texts:
        if out[-1:].isalnum() and text[:1].isalnum():
            out += " "
        out += text
    return out


def _numbered(number: str, text: str) -> str:
    """A heading's title with the number its list sets before it, the number once where the
    author typed it too ("Chapter 1" numbered "Chapter %1", "1. The Storm" numbered "%1.")."""
    if not text:
        return number
    bare = number.rstrip(".:)").casefold()
    folded = text.casefold()
    after = folded[len(bare) :][:1] if folded.startswith(bare) else "-"
    typed = after in ("", ".", ":", ")") or (
        after.isspace() and (" " in bare or any(c.isdigit() for c in bare))
    )
    label, typed_label = CHAPTER_LABEL.fullmatch(number), CHAPTER_LABEL.match(text)
    if label is not None and typed_label is not None:  # "Chapter 1" over "Chapter One: ..."
        typed = typed or number.split()[0].casefold() == text.split()[0].casefold()
    return text if typed else _joined_title(number, text)


def _list_of(element: Any) -> tuple[str, str | None] | None:
    """The list (w:numId) and level (w:ilvl, if given) a paragraph or a style is numbered
    by; list "0" takes a style's numbering off."""
    list_id = _val(element, "pPr", "numPr", "numId")
    return None if list_id is None else (list_id, _val(element, "pPr", "numPr", "ilvl"))


def _gather(element: Any, styles: _Styles, out: list[str], runs: "_Runs") -> None:
    """The visible text under `element`, in order, appended to `out`; `runs`: its
    paragraph's, the fields open in it followed as their characters pass."""
    for child in element:
        name = _local(child)
        if name in ("fldChar", "instrText"):
            runs.follow(child, name)
            continue
        if not name or name in _UNREAD or (name == "r" and _hidden(child, styles, runs.hidden)):
            continue
        if name in _SHOWN and runs.in_unread_field():
            continue
        if name == "sdt" and _is_placeholder(child):
            continue
        if name == "fldSimple" and _is_unread_field(_attr(child, "instr") or ""):
            continue
        if name == "r" and _custom_note_mark(child):
            continue
        if name == "r" and _val(child, "rPr", "vertAlign") == "superscript":
            out.append(_raised_run(child, styles, "".join(out), runs))
        elif name == "t":
            out.append(child.text or "")
        elif name in ("tab", "ptab"):
            out.append(" ")
        elif name in ("br", "cr"):
            out.append("\n" if _attr(child, "type") in _LINE_BREAKS else " ")
        elif name == "noBreakHyphen":
            out.append("-")
        elif name == "sym":
            out.append(_symbol(child))
        else:
            _gather(child, styles, out, runs)


@dataclass
class _Runs:
    """A paragraph's runs as they are read: whether its style hides them, and the complex
    fields (w:fldChar begin, instruction, separate, result, end) open, the innermost last:
    each its instruction so far and whether its result has begun."""

    hidden: bool = False
    open: list[tuple[str, bool]] = field(default_factory=list)

    def follow(self, element: Any, name: str) -> None:
        kind = _attr(element, "fldCharType") if name == "fldChar" else None
        if name == "instrText" and self.open:
            code, shown = self.open[-1]
            self.open[-1] = (code + (element.text or ""), shown)
        elif kind == "begin":
            self.open.append(("", False))
        elif kind == "separate" and self.open:
            self.open[-1] = (self.open[-1][0], True)
        elif kind == "end" and self.open:
            self.open.pop()

    def in_unread_field(self) -> bool:
        """Whether what stands here is a result not read (`_is_unread_field`)."""
        return any(shown and _is_unread_field(code) for code, shown in self.open)


def _is_unread_field(instruction: str) -> bool:
    """Whether a field's result is not read: a page's number or count, which Word sets
    from the layout of a page the listener never sees ("page 7 of 212"), or a mail merge's
    field, which shows its name («FirstName») until a merge fills it."""
    words = instruction.split()
    return bool(words) and words[0].upper() in _UNREAD_FIELDS


def _symbol(sym: Any) -> str:
    """The character a w:sym shows (Insert > Symbol): the Symbol font's by its code, a plain
    font's as its code says; a space for a picture font's (Wingdings) or a code not known,
    which stands between two words ("waited", a dash, "then") and must not join them."""
    code = _attr(sym, "char") or ""
    if not _SYMBOL_CODE.fullmatch(code):
        return " "
    number, font = int(code, 16), (_attr(sym, "font") or "").strip().lower()
    if font == "symbol":
        in_font = number <= 0xFF or number >> 8 == 0xF0  # the byte, or its private-area form
        return _SYMBOL_FONT.get(number & 0xFF, " ") if in_font else " "
    if "ding" in font:  # Wingdings, Webdings, Zapf Dingbats: pictures by whatever code
        return " "
    character = chr(number)
    return character if character.isprintable() else " "  # the private area is not


def _custom_note_mark(run: Any) -> bool:
    """Whether a run is a note's reference with a mark of the author's own ("*", "†"), which
    Word stores as the run's text after the reference (w:customMarkFollows): a mark, not
    the sentence's."""
    for child in run:
        if _local(child) in _NOTE_REFERENCES:
            return (_attr(child, "customMarkFollows") or "").lower() in ("1", "true", "on")
    return False


def _raised_run(run: Any, styles: _Styles, before: str, runs: _Runs) -> str:
    """A raised run of a note's mark or a power, read as HTML's are (`markup.read_raised`):
    a note's mark typed as a raised number is left out, a power ("m²") is read."""
    text: list[str] = []
    _gather(run, styles, text, runs)
    raised = "".join(text)
    return read_raised(before, raised) if raised_mark(raised) else raised


def _hidden(run: Any, styles: _Styles, by_paragraph: bool) -> bool:
    """Whether a run is hidden text (w:vanish): as the run says, on or off, else as its
    character style or the nearest it is based on says, else as its paragraph's style
    (`by_paragraph`) does. A run in a contents entry's style is not read either."""
    character = _val(run, "rPr", "rStyle") or ""
    if character in styles.unread:
        return True
    own = _toggle(run, "rPr", "vanish")
    return own if own is not None else styles.hidden.get(character, by_paragraph)


def _clean(text: str) -> str:
    """One line per line break, spaces collapsed; a prose paragraph becomes one line."""
    lines = (" ".join(line.replace("\xad", "").split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# List numbering


@dataclass(frozen=True)
class _List:
    """A list instance (a w:num): the abstract list it counts with, its levels (the
    abstract's, or its own where it overrides one) and the counts it restarts at."""

    abstract: str
    levels: dict[int, Any]
    restarts: dict[int, int]  # w:startOverride by level


class _Numbering:
    """Word's list numbering, for the numbers it sets before headings ("Chapter %1", "%1.%2"):
    each list's levels, and how far each has counted in the document so far. The count is
    the abstract list's: list instances of one abstract list (a heading style's list, and
    the same list set on a heading by hand) count on together, as Word counts them, and one
    with a start of its own (w:startOverride) restarts it where it is first used."""

    def __init__(self, lists: dict[str, _List]) -> None:
        self.lists = lists  # by w:numId
        self.counts: dict[str, dict[int, int]] = {}  # by abstract list, by level
        self.begun: set[tuple[str, int]] = set()  # the levels each list instance has used

    def next(self, list_id: str, index: str | None, style: str) -> str:
        """A list item's number, counted: its level's w:lvlText with each "%N" the count at
        level N. A level is given, or is the one linked to the paragraph's style, or 0."""
        found = self.lists.get(list_id)
        levels = {} if found is None else found.levels
        at = _level_index(index, levels, style)
        if found is None or at not in levels:
            return ""
        counts = self.counts.setdefault(found.abstract, {})
        if at in found.restarts and (list_id, at) not in self.begun:
            counts[at] = found.restarts[at]
        else:
            counts[at] = counts[at] + 1 if at in counts else _start(levels[at])
        self.begun.add((list_id, at))
        for deeper in [k for k in counts if k > at and _restarts(levels.get(k), at)]:
            del counts[deeper]  # a new chapter's sections count from the start again
        lvl = levels[at]
        if _val(lvl, "numFmt") in _UNNUMBERED or _on(lvl, "rPr", "vanish"):
            return ""  # a bullet ("•", or a symbol font's ""), or a number hidden
        legal = _on(lvl, "isLgl")  # every level's count in digits: "1.1", not "I.1"

        def shown(placeholder: re.Match[str]) -> str:
            shown_at = int(placeholder[1]) - 1
            lvl = levels.get(shown_at)
            if lvl is None:
                return ""
            count = counts.get(shown_at, _start(lvl))
            return _formatted(count, "decimal" if legal else _val(lvl, "numFmt") or "decimal")

        return " ".join(_PLACEHOLDER.sub(shown, _val(lvl, "lvlText") or "").split())


def _restarts(lvl: Any, at: int) -> bool:
    """Whether a level counts from its start again after level `at` (a higher one) is used:
    always, unless its w:lvlRestart says after which level (1-based; 0: never, as a book's
    chapters numbered on through its parts)."""
    restart = None if lvl is None else _val(lvl, "lvlRestart")
    return restart is None or not _COUNT.fullmatch(restart) or at < int(restart)


def _read_numbering(archive: Archive, main: str) -> _Numbering:
    """The document's lists; none where its numbering part cannot be read (the old reader
    never opened it, and a damaged one loses a heading's number, not the book; one that
    declares entities is hostile, and refused as any other part would be)."""
    name = _sibling(archive, main, "numbering", NUMBERING)
    if not archive.has(name):
        return _Numbering({})
    try:
        root = _part(archive, name)
    except HostileXML:
        raise
    except ManuscriptError as error:
        log.warning("%s: list numbers not read (%s)", archive.source, error)
        return _Numbering({})
    abstracts = {_attr(a, "abstractNumId"): a for a in root if _local(a) == "abstractNum"}
    lists: dict[str, _List] = {}
    for num in (n for n in root if _local(n) == "num"):
        abstract_id = _val(num, "abstractNumId")
        abstract = abstracts.get(abstract_id)
        if abstract is None:
            continue
        levels = _levels(abstract)
        restarts: dict[int, int] = {}
        for override in (o for o in num if _local(o) == "lvlOverride"):
            index = _attr(override, "ilvl") or ""
            if not _OUTLINE_LEVEL.fullmatch(index):
                continue
            own = _child(override, "lvl")
            if own is not None:
                levels[int(index)] = own
            start = _val(override, "startOverride")
            if start is not None and _COUNT.fullmatch(start):
                restarts[int(index)] = int(start)
        lists[_attr(num, "numId") or ""] = _List(abstract_id or "", levels, restarts)
    return _Numbering(lists)


def _levels(abstract: Any) -> dict[int, Any]:
    """An abstract list's w:lvl elements by level."""
    return {
        int(index): lvl
        for lvl in abstract
        if _local(lvl) == "lvl" and _OUTLINE_LEVEL.fullmatch(index := _attr(lvl, "ilvl") or "")
    }


def _level_index(index: str | None, levels: dict[int, Any], style: str) -> int:
    """A list item's level: as given (-1 if no level), else the one linked to its style."""
    if index is not None:
        return int(index) if _OUTLINE_LEVEL.fullmatch(index) else -1
    return next((i for i, lvl in levels.items() if _val(lvl, "pStyle") == style), 0)


def _start(lvl: Any) -> int:
    start = _val(lvl, "start") or "1"
    return int(start) if _COUNT.fullmatch(start) else 1


def _formatted(count: int, number_format: str) -> str:
    """A count as a list's w:numFmt shows it ("IV", "BB", "One", "Second"); as digits for a
    format not known here."""
    if number_format in _UNNUMBERED:
        return ""
    if number_format in ("upperRoman", "lowerRoman") and 0 < count < 4000:
        roman = to_roman(count)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format in ("upperLetter", "lowerLetter") and count > 0:
        letters = chr(ord("A") + (count - 1) % 26) * ((count - 1) // 26 + 1)  # Z, AA, BB
        return letters if number_format == "upperLetter" else letters.lower()
    if number_format == "cardinalText":
        return cardinal(str(count)).capitalize()
    if number_format == "ordinalText":
        return ordinal(str(count)).capitalize()
    if number_format == "ordinal":
        return f"{count}{ordinal_suffix(str(count))}"
    return str(count)


# Sections


def _title_styled_labels(blocks: list[_Block]) -> list[_Block]:
    """Chapter labels set in the Title style, several of them, as Google Docs' authors set
    them ("Chapter One" in Title over its name in Subtitle): labels as typed paragraphs
    are, for `_labelled_chapters`. Taken for the book's title, the first was unheard and
    named the book, and the others were read inside one chapter."""
    titles = [b for b in blocks if isinstance(b, _Para) and b.level == TITLE]
    if sum(is_chapter_label(b.text) for b in titles) < LABELS_NEEDED:
        return blocks
    return [
        replace(b, level=None, front=False)
        if isinstance(b, _Para) and b.level == TITLE and is_chapter_line(b.text)
        else b
        for b in blocks
    ]


def _labelled_chapters(blocks: list[_Block]) -> list[_Block]:
    """A manuscript without heading styles, its chapters typed as body paragraphs ("Chapter
    1" centred and bold, or a number alone: `_numbers_as_labels`): those paragraphs made
    headings, with a "Prologue" or "Epilogue" among them, and parts' labels ("PART ONE")
    a level over the chapters' where both are typed. Read as body text, the whole book was
    one chapter, and a part's label a chapter or, with no text under it, dropped unheard.
    One heading is no styling of chapters (an author styles the book's title so): over the
    first label, and no chapter's or part's name itself ("Prologue"), it is a level over
    the labels, and so the book's title (`_plan`)."""
    heads = [i for i, block in enumerate(blocks) if _heading(block) is not None]
    if len(heads) > 1:
        return _unstyled_labels(blocks)
    blocks = _numbers_as_labels(blocks)
    labels = [i for i, b in enumerate(blocks) if isinstance(b, _Para) and is_chapter_label(b.text)]
    if len(labels) < LABELS_NEEDED:
        return blocks
    over = heads and heads[0] < labels[0] and not _is_chapter_heading(blocks[heads[0]])
    level = (_heading(blocks[heads[0]]) or 0) + 1 if over else 1
    typed = [i for i, b in enumerate(blocks) if isinstance(b, _Para) and _is_chapter_paragraph(b)]
    parts = {i for i in typed if _opens_chapters(blocks, i)}
    return [
        replace(b, level=level + bool(parts and i not in parts), typed=True)
        if i in typed and isinstance(b, _Para)
        else b
        for i, b in enumerate(blocks)
    ]


def _opens_chapters(blocks: list[_Block], at: int) -> bool:
    """Whether a typed part's label ("PART ONE") stands over its first chapter's label,
    with a few paragraphs of its own between them or not (an epigraph), and that chapter
    has text: a list of labels one under another is a contents list's entries."""
    label = blocks[at]
    if not isinstance(label, _Para) or not names_a_part(label.text):
        return False
    following = (b.text for b in blocks[at + 1 :] if isinstance(b, _Para))
    paras = list(itertools.islice(following, PART_INTRO_BLOCKS + 2))
    first = next((n for n, text in enumerate(paras) if is_chapter_line(text)), None)
    if first is None or first > PART_INTRO_BLOCKS or names_a_part(paras[first]):
        return False
    return first + 1 < len(paras) and not is_chapter_line(paras[first + 1])


def _unstyled_labels(blocks: list[_Block]) -> list[_Block]:
    """Chapters styled as headings, one of whose labels was typed as a body paragraph (its
    style forgotten, "Chapter 3" set bold): that paragraph a heading of its neighbours'
    level, where it is a label of their form ("Chapter" and digits) and its number falls
    between theirs (or follows the last, or comes before the first, by one). Read as body
    text, its chapter ran on inside the one before it."""
    styled = [
        (i, found)
        for i, block in enumerate(blocks)
        if _heading(block) is not None and (found := _label_number(_title(block))) is not None
    ]
    if len(styled) < LABELS_NEEDED:
        return blocks
    typed = list(blocks)
    for i, block in enumerate(blocks):
        found = _label_number(block.text) if isinstance(block, _Para) else None
        if not isinstance(block, _Para) or block.level is not None or found is None:
            continue
        neighbour = _neighbour_in_sequence(styled, i, found)
        if neighbour is not None:
            typed[i] = replace(block, level=_heading(blocks[neighbour]), typed=True)
            log.info("a chapter label typed as body text, read as a heading: %r", block.text)
    return typed


def _neighbour_in_sequence(
    styled: list[tuple[int, tuple[str, int]]], at: int, found: tuple[str, int]
) -> int | None:
    """The styled label next to a typed one at `at` whose sequence its number fits (the
    one before it, else the one after), by index; None where it fits none."""
    form, number = found[0], found[1]
    before = [(i, n) for i, (f, n) in styled if i < at and f == form]
    after = [(i, n) for i, (f, n) in styled if i > at and f == form]
    low = before[-1][1] if before else number - 1
    high = after[0][1] if after else number + 1
    if not (before or after) or not low < number < high:
        return None
    return before[-1][0] if before else after[0][0]


def _label_number(text: str) -> tuple[str, int] | None:
    """A chapter label's form (its word, and how its number is written) and its number:
    "Chapter 3" is ("chapter digits", 3), "PART TWO: The Land" ("part words", 2); None
    for no label."""
    label = _LABEL_NUMBER.match(text)
    if label is None or not is_chapter_label(text):
        return None
    value = _number_value(label[2])
    return None if value is None else (f"{label[1].casefold()} {value[0]}", value[1])


def _number_value(number: str) -> tuple[str, int] | None:
    """How a chapter's number is written (digits, Roman, words) and its value: "12", "IV",
    "Twenty-one"; None for none."""
    if number.isdigit():
        return "digits", int(number)
    roman = roman_to_int(number) if _ROMAN_NUMBER.fullmatch(number) else None
    if roman is not None:
        return "roman", roman
    words = re.split(r"[- ]", number.casefold())
    if number and all(word in _NUMBER_WORD for word in words):
        return "words", sum(_NUMBER_WORD[word] for word in words)
    return None


def _numbers_as_labels(blocks: list[_Block]) -> list[_Block]:
    """Body paragraphs that are a number alone ("1", "II.", "Three"), as literary
    manuscripts head their chapters, made labels, "Chapter 1" (a bare "I" is heard as the
    pronoun, "1" as a count): where paragraphs are no labels (one at most), and three such
    numbers or more count from one, written alike, each over text of its own (numbers one
    under another are a list's, and a table is not read). Read as body text, the book was one
    chapter."""
    if sum(isinstance(b, _Para) and is_chapter_label(b.text) for b in blocks) >= LABELS_NEEDED:
        return blocks
    at = [
        i
        for i, b in enumerate(blocks)
        if isinstance(b, _Para) and b.level is None and _BARE_NUMBER.fullmatch(b.text)
    ]
    values = [_number_value(_bare(blocks[i])) for i in at]
    counted = [value[1] if value is not None else 0 for value in values]
    if len(at) < _NUMBERS_NEEDED or counted != list(range(1, len(at) + 1)):
        return blocks
    if len({value[0] for value in values if value is not None}) > 1:
        return blocks  # "1" and "II" are no one sequence
    if any(end - start < 2 for start, end in zip(at, [*at[1:], len(blocks)], strict=True)):
        return blocks
    return [
        replace(b, text=f"Chapter {_bare(b)}") if i in at and isinstance(b, _Para) else b
        for i, b in enumerate(blocks)
    ]


def _bare(block: _Block) -> str:
    """A number alone without the stop after it ("II." is "II")."""
    return block.text.rstrip(".:") if isinstance(block, _Para) else ""


def _is_chapter_heading(block: _Block) -> bool:
    """A heading that names a chapter or a part of a book ("Chapter 1", "Preface")."""
    return is_chapter_line(_title(block)) or bool(_kind(block))


def _is_chapter_paragraph(block: _Para) -> bool:
    """A body paragraph that is a chapter's label or a narrated part's name."""
    return block.level is None and is_chapter_line(block.text)


def _titled_labels(blocks: list[_Block]) -> list[_Block]:
    """Each chapter's label heading ("Chapter One", Heading 1) straight over its title's
    heading of a lower level ("The Storm", Heading 2) as one heading, "Chapter One: The
    Storm". Left two, every label was taken for a part with no text of its own, or the
    title was read as a subheading."""
    joined = list(blocks)
    for i in range(len(blocks) - 2, -1, -1):  # from the end: the indexes ahead stay put
        label = joined[i]
        if isinstance(label, _Para) and _label_over_title(joined, i):
            text = _joined_title(_title(label), _title(joined[i + 1]))
            joined[i : i + 2] = [_Para(text, label.level, label.front)]
    return joined


def _titled_label_lines(blocks: list[_Block]) -> list[_Block]:
    """Each chapter's label heading ("CHAPTER ONE", typed or styled) over its title in a
    paragraph of its own, as one heading ("CHAPTER ONE: The Storm"), as the EPUB and HTML
    readers join them: a Subtitle, or a line set as a title is (`reads_as_title`). Read as
    it stood, the title was the chapter's first line of text."""
    joined = list(blocks)
    for i in range(len(blocks) - 2, -1, -1):
        label, line = joined[i], joined[i + 1]
        if isinstance(label, _Para) and isinstance(line, _Para) and _titles_label(label, line):
            text = _joined_title(_title(label), _title(line))
            joined[i : i + 2] = [replace(label, text=text, own=None)]
    return joined


def _titles_label(label: _Para, line: _Para) -> bool:
    """Whether a body paragraph is the title of the chapter label's heading over it: a
    Subtitle, or under a label typed as body text is, a line set as a title (a heading's
    paragraph is its text, "One" over "By" its byline)."""
    if _heading(label) is None or not _is_label_alone(_title(label)):
        return False
    if line.level is not None or "\n" in line.text or is_chapter_line(line.text):
        return False
    if line.front:
        return len(line.text.split()) <= _TITLE_WORDS
    return label.typed and reads_as_title(line.text)


def _label_over_title(blocks: list[_Block], at: int) -> bool:
    """Whether the heading at `at` is a chapter's label alone, not a part's name ("Part
    One" over its first chapter), over its title's heading: a lower one that is no label
    or part of a book ("Prologue"), and the only one of its level in the chapter (the
    first of several is a subsection's)."""
    top, below = _heading(blocks[at]), _heading(blocks[at + 1])
    if top is None or below is None or below <= top:
        return False
    label, title = _title(blocks[at]), _title(blocks[at + 1])
    if names_a_part(label) or not _is_label_alone(label):
        return False
    if _is_label_alone(title) or _kind(blocks[at + 1]):
        return False
    for block in blocks[at + 2 :]:
        level = _heading(block)
        if level is not None and level <= top:
            break
        if level is not None and level <= below:
            return False
    return True


def _plan(blocks: list[_Block]) -> tuple[int | None, int | None, int | None]:
    """Where the book's title is, the heading level that starts chapters, and the level of
    its parts' headings (None where it has none)."""
    heads = [(i, level) for i, b in enumerate(blocks) if (level := _heading(b)) is not None]
    titles = [i for i, b in enumerate(blocks) if isinstance(b, _Para) and b.level == TITLE]
    title_at = titles[0] if titles else None
    counts = Counter(level for _, level in heads)
    if not counts:
        return title_at, None, None
    repeated = [level for level, n in counts.items() if n > 1]
    level = min(repeated) if repeated else min(counts)
    top = min(counts)
    first_top = next(i for i, lvl in heads if lvl == top)
    if title_at is None and level != top and not _typed_part(blocks[first_top]):
        # A lone top heading over repeated lower ones is the book's title, as in Markdown;
        # not a part's label typed over typed chapters' ("Part One"), a book of one part.
        title_at = first_top
    said = [block.text if isinstance(block, _Para) else "" for block in blocks]
    below = chapters_in_parts([_heading(block) for block in blocks], level, said)
    if any(_heading(b) == level and _labels_a_chapter(b) for b in blocks):
        below = None  # "Chapter One" over its subsections' headings is no part
    return title_at, below or level, level if below else None


def _labels_a_chapter(block: _Block) -> bool:
    """A heading that is a chapter's label ("Chapter One", "Chapter 2: The Calm"), not a
    part's name ("Part One", "Book II")."""
    title = _title(block)
    return is_chapter_label(title) and not names_a_part(title)


def _typed_part(block: _Block) -> bool:
    """A part's label typed as a body paragraph, made a heading ("PART ONE")."""
    return isinstance(block, _Para) and block.typed and names_a_part(block.text)


def _heading(block: _Block) -> int | None:
    """The heading level of a heading paragraph (a Title is not one); None otherwise."""
    if isinstance(block, _Para) and block.level is not None and block.level > TITLE:
        return block.level
    return None


def _starts_chapter(block: _Block, level: int | None) -> bool:
    heading = _heading(block)
    return heading is not None and level is not None and heading <= level


def _split(
    blocks: list[_Block], title_at: int | None, levels: tuple[int | None, int | None], source: str
) -> tuple[list[Section], list[str], str]:
    """Sections at the chapter headings (and the parts' over them), a warning for each
    one's skipped tables, and the title a manuscript's cover page gives ("" where none)."""
    part_level, level = levels
    drafts = [_Draft()]
    # The first chapter's heading; 0 when there is none (no typed contents list before it).
    first = next((i for i, block in enumerate(blocks) if _starts_chapter(block, level)), 0)
    contents = _typed_contents(blocks, first)
    for i, block in enumerate(blocks):
        if contents is not None and i == contents[1] < first:
            drafts.append(_Draft())  # after the list's last entry: a dedication, an epigraph
        if i == title_at:
            drafts[-1].titled = True
            continue
        if isinstance(block, _Table):
            drafts[-1].tables += 1
        elif contents is not None and i == contents[0]:
            drafts.append(_Draft(title=_title(block), kind="toc"))
        elif _starts_chapter(block, level) and _runs_on(drafts[-1], block):
            drafts[-1].title = _joined_title(drafts[-1].title, _title(block))
        elif _starts_chapter(block, level):
            part = part_level is not None and _heading(block) == part_level
            part = part or (_typed_part(block) and _heading(block) != level)
            drafts.append(_Draft(title=_title(block), kind="part" if part else _kind(block)))
        else:
            drafts[-1].paras.append(block)
    for draft in drafts:
        lines = [para.text for para in draft.paras]
        draft.titled = draft.titled and rest_of_title_page(lines, draft is not drafts[-1])
    drafts[0].titled = drafts[0].titled or _reads_as_imprint(drafts[0], len(drafts) > 1)
    for at in reversed([i for i, draft in enumerate(drafts) if draft.titled]):
        drafts[at + 1 : at + 1] = _after_title_page(drafts[at])
    cover = 0 if drafts[0].titled else _cover_length(drafts[0], len(drafts) > 1)
    cover_title = _cover_title(drafts[0].paras[:cover])
    if cover:  # what follows its byline on its page is the book's opening (a story's, a poem)
        opening, drafts[0].paras = drafts[0].paras[cover:], drafts[0].paras[:cover]
        drafts[0].titled = True
        drafts[1:1] = [_Draft(paras=opening)] if opening else []
    warnings = [_table_warning(d, source) for d in drafts if d.tables]
    return [s for d in drafts if (s := _section(d)) is not None], warnings, cover_title


def _reads_as_imprint(opening: _Draft, chapters_follow: bool) -> bool:
    """Whether the text before the first chapter is a title page by what it says, with no
    Title paragraph to tell it: short lines, chapters after them, saying copyright and
    what an imprint says with it ("All rights reserved", an ISBN), as an EPUB's unmarked
    copyright page is told (`matter.reads_as_copyright`). Typed in Normal, the title and
    copyright lines were narrated as the book's first chapter."""
    lines = [para.text for para in opening.paras]
    return rest_of_title_page(lines, chapters_follow) and matter.reads_as_copyright(lines)


def _after_title_page(draft: _Draft) -> list[_Draft]:
    """What follows a title page's lines before the first chapter, taken off it: from an
    epigraph (a quotation, or a line over its attribution, "— Jacques Cousteau") or a
    dedication ("For Anna", "To my mother") on, a section of that kind, read. Short lines
    as they are, they were skipped with the title page. [] where there is none."""
    paras = draft.paras
    for i, para in enumerate(paras):
        attributed = i + 1 < len(paras) and bool(_ATTRIBUTION.fullmatch(paras[i + 1].text))
        kind = "epigraph" if para.text.startswith(_QUOTES) or attributed else ""
        kind = kind or ("dedication" if _DEDICATION.match(para.text) else "")
        if kind and not para.front:
            draft.paras = paras[:i]
            return [_Draft(paras=paras[i:], kind=kind)]
    return []


def _typed_contents(blocks: list[_Block], first: int) -> tuple[int, int] | None:
    """Where "Contents" typed over a list of the chapters (not Word's contents field) is,
    before the first chapter's heading at `first`: a part of its own, and so not narrated,
    not the book's opening. Its heading's index, and the index after its last entry; the
    short lines after that (a dedication, an epigraph) are the book's, as is a list that
    names no chapter ("Contents" over what a trunk held). None if there is no such list."""
    for at in range(first):
        head = blocks[at]
        if not isinstance(head, _Para) or _kind(head) != "toc":
            continue
        blocks_then = enumerate(blocks[at + 1 : first], at + 1)
        lines = [(i, b.text) for i, b in blocks_then if isinstance(b, _Para)]
        if any(len(text.split()) > TITLE_PAGE_WORDS for _, text in lines):
            continue
        if not lines:  # the entries were chapter labels, and are headings now
            return at, first
        named = _named_chapters(blocks, first)
        last = max((i for i, text in lines if _is_entry(text, named)), default=None)
        if last is not None:
            return at, last + 1
    return None


def _named_chapters(blocks: list[_Block], first: int) -> set[str]:
    """The headings from the first chapter's on, as `_entry_key` has them, the title after
    a label in one ("Chapter 1: The Storm", joined or typed so), and the short line under
    each (a title typed under a chapter label: "Chapter 1", then "The Storm")."""
    named = set()
    for i in range(first, len(blocks)):
        if _heading(blocks[i]) is None:
            continue
        named.add(_entry_key(_title(blocks[i])))
        label = CHAPTER_LABEL.fullmatch(_title(blocks[i]))
        if label is not None and label["title"]:
            named.add(_entry_key(label["title"]))
        under = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(under, _Para) and len(under.text.split()) <= TITLE_PAGE_WORDS:
            named.add(_entry_key(_title(under)))
    return named


def _is_entry(text: str, named: set[str]) -> bool:
    """Whether a line of a typed contents list is an entry: a chapter's heading (`named`),
    with a page number after it or not, a line with a page number, a chapter label or the
    name of a part of a book ("Prologue", "Acknowledgments")."""
    line = " ".join(text.split())
    return (
        _entry_key(line) in named
        or _PAGE_NUMBER.search(line) is not None
        or CHAPTER_LABEL.fullmatch(line) is not None
        or bool(matter.kind_of(line))
    )


def _entry_key(text: str) -> str:
    """A contents entry or a heading as compared: without a page number, case or marks."""
    return re.sub(r"\W", "", _PAGE_NUMBER.sub("", text).casefold())


def _kind(block: _Block) -> str:
    """The kind of section a heading names, by its own text (not a number from its list)."""
    if not isinstance(block, _Para):
        return ""
    return matter.kind_of(block.text if block.own is None else block.own)


def _runs_on(draft: _Draft, block: _Block) -> bool:
    """Whether a chapter so far is a heading that is only a label ("Chapter One", "II.")
    with nothing under it, and the next heading is its title: a manuscript's label over its
    title, each styled a heading. Left a chapter of its own, it had no text and was dropped,
    and its label unheard. A heading that is a label too, or names a part ("Prologue"), is
    no title: a typed list of contents is labels over labels."""
    if draft.paras or draft.tables or draft.kind == "part" or not _is_label_alone(draft.title):
        return False
    return not _is_label_alone(_title(block)) and not _kind(block)


def _is_label_alone(title: str) -> bool:
    """A chapter label without a title ("Chapter One", "Part Two") or a number alone."""
    label = CHAPTER_LABEL.fullmatch(title)
    return (label is not None and not label["title"]) or bool(_BARE_NUMBER.fullmatch(title))


def _joined_title(label: str, title: str) -> str:
    """A label and the title under it as one title: "Chapter One: The Storm", "II. The Calm"."""
    return label + (" " if label.endswith((".", ":", "!", "?", "—")) else ": ") + title


def _cover_length(draft: _Draft, chapters_follow: bool) -> int:
    """How many of the paragraphs before the first chapter are a manuscript's cover page,
    as standard manuscript format sets it: the author's name, address, phone and email, the
    word count ("About 80,000 words"), the title and byline; short lines, one of them the
    count. The page ends at the byline after the count: a story's opening lines, or a
    collection's first poem, go on under it, chapters after them or not (a short story
    has none). Without a byline, only chapters after it tell a cover page from the book's
    own short lines. 0 where there is no such page."""
    paras = draft.paras
    counted = _counted_at(paras)
    if counted is None:
        return 0
    after = range(counted + 1, len(paras))  # a paragraph, with the one before it ("by")
    byline = next(
        (i for i in after if _byline_size(_lines(paras[max(counted + 1, i - 1) : i + 1]))), None
    )
    end = len(paras) if byline is None else byline + 1
    lines = _lines(paras[:end])
    story_follows = end < len(paras)  # under a byline, never under the page's last line
    return end if rest_of_title_page(lines, chapters_follow or story_follows) else 0


def _counted_at(paras: list[_Para]) -> int | None:
    """The paragraph with a manuscript's word count on a line of its own, or None."""
    lines = (para.text.split("\n") for para in paras)
    return next(
        (i for i, found in enumerate(lines) if any(map(_WORD_COUNT.fullmatch, found))), None
    )


def _lines(paras: list[_Para]) -> list[str]:
    """Paragraphs' lines, one list (Scrivener breaks a cover's title's line over its byline
    in one paragraph)."""
    return [line for para in paras for line in para.text.split("\n")]


def _byline_size(lines: list[str]) -> int:
    """How many of some lines' last are a byline: 1 for "by Jane Doe", 2 for "by" over the
    name on a line of its own; 0 where they end in none."""
    if lines and _BYLINE.fullmatch(lines[-1]) and len(lines[-1].split()) <= _BYLINE_WORDS:
        return 1
    named = len(lines) > 1 and lines[-2].casefold() == "by"
    return 2 if named and len(lines[-1].split()) < _BYLINE_WORDS else 0


def _cover_title(cover: list[_Para]) -> str:
    """The book's title on a manuscript's cover page (its paragraphs): the line over the
    byline, under the word count, or over a line saying what the book is ("a novel");
    not an email address or the count itself. "" where the page ends in no byline: a title
    page's lines are told apart by their places."""
    counted = _counted_at(cover)
    if counted is None:
        return ""
    lines = _lines(cover[counted + 1 :])
    size = _byline_size(lines)
    above = [line for line in lines[: len(lines) - size] if not _GENRE.fullmatch(line)]
    title = above[-1] if size and above else ""
    if "@" in title or _WORD_COUNT.fullmatch(title) or len(title.split()) > _TITLE_WORDS:
        return ""
    return title


def _title(block: _Block) -> str:
    """A heading's text on one line (a title may be broken over several). A chapter's
    number on a line of its own over its title ("Chapter One", a line break, "The
    Platform": Scrivener's, or a break typed in a heading) is joined to it as the EPUB
    reader joins one, "Chapter One: The Platform"; read with a space, it had no pause."""
    if not isinstance(block, _Para):
        return ""
    number, _, rest = block.text.partition("\n")
    rest = " ".join(rest.split())
    if rest and is_number_line(number) and not is_number_line(rest):
        return _joined_title(number, rest)
    return " ".join(block.text.split())


def _section(draft: _Draft) -> Section | None:
    body = "\n\n".join(para.text for para in draft.paras)
    if not body and draft.kind == "part" and draft.title:
        return Section(draft.title, "", "part")  # its heading alone, said
    if not body:
        if draft.title:
            log.info("skipping heading with no text under it: %r", draft.title)
        return None
    if not draft.title and (draft.titled or all(para.front for para in draft.paras)):
        kind = "titlepage"  # with what follows the title before the first chapter
    else:
        kind = draft.kind or matter.kind_of(draft.title) or "chapter"  # "Preface", "Index"
    return Section(draft.title, body, kind, matter.skip_reason(kind))


def _table_warning(draft: _Draft, source: str) -> str:
    where = f"chapter {draft.title!r}" if draft.title else "the text before the first chapter"
    tables = "a table" if draft.tables == 1 else f"{draft.tables} tables"
    return f"{source}: {tables} in {where} not read (tables are not narrated)"


# Metadata


def _metadata(archive: Archive, source: str, title: str) -> Metadata:
    """Core properties; the Title paragraph, which the reader sees, wins over dc:title,
    which templates and copied files often leave stale. The date is Word's Publish Date,
    or a dc:date a tool wrote where that is none or a stand-in for none (`first_date`);
    never dcterms:created, the file's: a template's, or the day a converter ran
    (python-docx's template says 2013 of every file made from it)."""
    date = _publish_date(archive)
    if not archive.has(CORE):
        return Metadata(title=title, date=date[:10])
    core = _part(archive, CORE)
    creators = _core(core, "dc:creator").split(";")
    return Metadata(
        title=title or _core(core, "dc:title"),
        authors=[name.strip() for name in creators if name.strip()],
        language=_core(core, "dc:language"),
        # W3CDTF: the day is enough for a book
        date=first_date([date, _core(core, "dc:date")])[:10],
    )


def _publish_date(archive: Archive) -> str:
    """Word's Publish Date (a document property, set on a cover page or in Quick Parts),
    which Word keeps in a custom XML part of its cover page properties."""
    for name in archive.names():
        if not _CUSTOM_XML.fullmatch(name):
            continue
        data = archive.read(name)
        if _COVER_PAGE_NS.encode() in data:
            root = parse_xml(data, f"{archive.source}: {name}")
            return " ".join(root.findtext(f"{{{_COVER_PAGE_NS}}}PublishDate", "").split())
    return ""


def _core(core: Any, name: str) -> str:
    return " ".join((core.findtext(name, default="", namespaces=_CORE_NS) or "").split())
