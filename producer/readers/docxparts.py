"""A DOCX package's parts: the main document (found by the package's relationships,
held to a size), its styles (headings' levels, Title and Subtitle, hidden text), its list
numbering (the numbers Word sets before headings) and the book's properties; and the
helpers that read WordprocessingML's elements in any part.
"""

import logging
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NoReturn, TypeVar

from lxml import etree

from config.errors import ManuscriptError
from config.manuscript import Metadata
from config.settings import get_settings
from models.normalize.numbers import cardinal, ordinal, ordinal_suffix
from models.normalize.roman import to_roman
from producer.readers import DOCX_DOCUMENT, ole
from producer.readers.archive import Archive, HostileXML, elements, parse_xml
from producer.readers.published import first_date

_T = TypeVar("_T")
log = logging.getLogger(__name__)

# The conventional part names, used by Word, LibreOffice, Google Docs and Pandoc alike
# (Word Online names its main document otherwise: `main_part`).
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
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
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
# "Heading N" in those localizations (German, Dutch, French, Italian, Spanish and
# Portuguese, LibreOffice's Spanish), named and with Word's ids: a localized heading style
# may carry no outline level and be based on no heading, its name all there is to know it
# by. A word with no number ("Titre", "Título") is a Title's name, no heading's.
_HEADING_WORDS = ["heading", "überschrift", "berschrift", "kop", "titre", "titolo"]
_HEADING_WORDS += ["título", "ttulo", "encabezado"]
# A level is one digit: a style named "Heading" and 5,000 nines is no heading (and would
# overflow int()), nor is "heading²", a digit to str.isdigit() but not to int().
_HEADING_NAME = re.compile(f"(?:{'|'.join(_HEADING_WORDS)})([1-9])")
_OUTLINE_LEVEL = re.compile(r"[0-8]")  # w:outlineLvl 0-8 are levels 1-9; 9 is body text

_PLACEHOLDER = re.compile(r"%([1-9])")  # a level's count in a list's w:lvlText
_UNNUMBERED = ("bullet", "none")  # list formats that show no count
_COUNT = re.compile(r"\d{1,4}")  # a list's w:start; a count past 9,999 is no book's
_FALSE = {"0", "false", "off"}


@dataclass(frozen=True)
class Styles:
    """What the reader needs from styles.xml, by style id."""

    levels: dict[str, int] = field(default_factory=dict)  # TITLE or heading level
    front: set[str] = field(default_factory=set)  # Title and Subtitle
    unread: set[str] = field(default_factory=set)  # table-of-contents entries
    # w:vanish as a style sets it, or the nearest it is based on; absent where none says
    hidden: dict[str, bool] = field(default_factory=dict)
    default: str = ""  # the paragraph style of a paragraph that names none
    numbered: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # list, level


def refuse_compound_file(data: bytes, source: str) -> NoReturn:
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


def body(archive: Archive, main: str) -> Any:
    most = get_settings().max_book_chars
    budget = most * MARKUP_PER_CHAR + MARKUP_SLACK
    if archive.size(main) > budget:  # refused before a parser holds it all
        raise ManuscriptError(
            f"{archive.source}: {main} is {archive.size(main):,} bytes, more than a book of "
            f"{most:,} characters needs ({budget:,}); refusing (NARRATE_MAX_BOOK_CHARS)"
        )
    root = _part(archive, main)
    body = next((child for child in root if local(child) == "body"), None)
    if body is None:
        raise ManuscriptError(f"{archive.source}: {main} has no document body")
    return body


def main_part(archive: Archive) -> str:
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
    return next(_all_related(archive, part, kind), None)


def _all_related(archive: Archive, part: str, *kinds: str) -> Iterator[str]:
    """The parts that `part` names in its relationships of those kinds, as `_related`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if not archive.has(rels):
        return
    for rel in _part(archive, rels):
        target = str(rel.get("Target") or "")
        if str(rel.get("Type") or "").rpartition("/")[2] not in kinds or not target:
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
            yield found


# Reading the XML


def local(element: Any) -> str:
    """An element's name without its namespace; "" for markup not of WordprocessingML
    (equations, vendor extensions), which is not read."""
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


@lru_cache(maxsize=1024)
def _local_name(tag: str) -> str:
    """`local` by an element's tag ("{namespace}name"), which a document repeats: each
    paragraph's properties are looked up by name a few times, the reader's most frequent
    work (a QName made each time was a fifth of its time)."""
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return name if namespace in _NAMESPACES else ""


def attr(element: Any, name: str) -> str | None:
    """A w: attribute, in whichever of the two WordprocessingML namespaces the file uses."""
    value = element.get(f"{{{etree.QName(element).namespace}}}{name}")
    return None if value is None else str(value)


def child(element: Any, *path: str) -> Any:
    """The first descendant along `path` of local names, or None."""
    for name in path:
        element = next((c for c in element if local(c) == name), None)
        if element is None:
            return None
    return element


def val(element: Any, *path: str) -> str | None:
    found = child(element, *path)
    return None if found is None else attr(found, "val")


def on(element: Any, *path: str) -> bool:
    """Whether a toggle property (w:vanish, ...) is present and not switched off."""
    return toggle(element, *path) is True


def toggle(element: Any, *path: str) -> bool | None:
    """A toggle property as set: on, switched off (w:val="0", which overrides a style's),
    or None where it is not there."""
    found = child(element, *path)
    return None if found is None else (attr(found, "val") or "true").lower() not in _FALSE


# Styles


def read_styles(archive: Archive, main: str) -> Styles:
    name = _sibling(archive, main, "styles", STYLES)
    if not archive.has(name):
        return Styles()
    styles = {attr(s, "styleId") or "": s for s in _part(archive, name) if local(s) == "style"}
    names = {
        style_id: (val(style, "name") or style_id).lower() for style_id, style in styles.items()
    }
    known: dict[str, int | None] = {}
    lists: dict[str, tuple[str, str | None] | None] = {}
    shown: dict[str, bool | None] = {}
    levels = {
        i: level for i in styles if (level := _inherited(i, styles, known, _own_level)) is not None
    }
    return Styles(
        levels=levels,
        front={i for i, style in styles.items() if _is_front(i, style)},
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
    return attr(style, "type") == "paragraph" and attr(style, "default") in ("1", "true")


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
        style_id = val(style, "basedOn") or ""
    else:
        found = known[style_id]
    known.update(dict.fromkeys(chain, found))
    return found


def _style_type(style: Any) -> str:
    return attr(style, "type") or "paragraph"


def _style_list(_: str, style: Any) -> tuple[str, str | None] | None:
    return list_of(style)


def _own_vanish(_: str, style: Any) -> bool | None:
    return toggle(style, "rPr", "vanish")


def _own_level(style_id: str, style: Any) -> int | None:
    """A style's level by its name, its id, an alias or its outline level, not what it is
    based on."""
    for label in _labels(style_id, style):
        level = named_level(label)
        if level is not None:
            return level
    return outline_level(style)


def _is_front(style_id: str, style: Any) -> bool:
    """Whether a style is Title or Subtitle, by its name, id or an alias, localized or not."""
    front = _TITLE_NAMES | _SUBTITLE_NAMES
    return any(_folded(label) in front for label in _labels(style_id, style))


def _labels(style_id: str, style: Any) -> list[str]:
    """What a style is called: its name, its id, and the other names Word keeps beside its
    name (w:aliases, comma-separated), where a user's name for a built-in style or the
    style's name in another language may be."""
    aliases = val(style, "aliases")
    return [val(style, "name") or "", style_id, *(aliases.split(",") if aliases else [])]


def _folded(label: str) -> str:
    """A style's name or id as compared: lower case, without spaces or hyphens."""
    return re.sub(r"[\s-]", "", label).lower()


def named_level(label: str) -> int | None:
    """TITLE or a heading level from a built-in style's name ("heading 2", "Titel") or id
    ("Heading2")."""
    label = _folded(label)
    if label in _TITLE_NAMES:
        return TITLE
    heading = _HEADING_NAME.fullmatch(label)
    return int(heading[1]) if heading else None


def outline_level(element: Any) -> int | None:
    """A heading level from w:outlineLvl (0-8 are levels 1-9; 9 is body text)."""
    value = val(element, "pPr", "outlineLvl")
    return int(value) + 1 if value is not None and _OUTLINE_LEVEL.fullmatch(value) else None


# List numbering


def list_of(element: Any) -> tuple[str, str | None] | None:
    """The list (w:numId) and level (w:ilvl, if given) a paragraph or a style is numbered
    by; list "0" takes a style's numbering off."""
    list_id = val(element, "pPr", "numPr", "numId")
    return None if list_id is None else (list_id, val(element, "pPr", "numPr", "ilvl"))


@dataclass(frozen=True)
class _List:
    """A list instance (a w:num): the abstract list it counts with, its levels (the
    abstract's, or its own where it overrides one) and the counts it restarts at."""

    abstract: str
    levels: dict[int, Any]
    restarts: dict[int, int]  # w:startOverride by level


class Numbering:
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
        if val(lvl, "numFmt") in _UNNUMBERED or on(lvl, "rPr", "vanish"):
            return ""  # a bullet ("•", or a symbol font's ""), or a number hidden
        legal = on(lvl, "isLgl")  # every level's count in digits: "1.1", not "I.1"

        def shown(placeholder: re.Match[str]) -> str:
            shown_at = int(placeholder[1]) - 1
            lvl = levels.get(shown_at)
            if lvl is None:
                return ""
            count = counts.get(shown_at, _start(lvl))
            return _formatted(count, "decimal" if legal else val(lvl, "numFmt") or "decimal")

        return " ".join(_PLACEHOLDER.sub(shown, val(lvl, "lvlText") or "").split())


def _restarts(lvl: Any, at: int) -> bool:
    """Whether a level counts from its start again after level `at` (a higher one) is used:
    always, unless its w:lvlRestart says after which level (1-based; 0: never, as a book's
    chapters numbered on through its parts)."""
    restart = None if lvl is None else val(lvl, "lvlRestart")
    return restart is None or not _COUNT.fullmatch(restart) or at < int(restart)


def read_numbering(archive: Archive, main: str) -> Numbering:
    """The document's lists; none where its numbering part cannot be read (the old reader
    never opened it, and a damaged one loses a heading's number, not the book; one that
    declares entities is hostile, and refused as any other part would be)."""
    name = _sibling(archive, main, "numbering", NUMBERING)
    if not archive.has(name):
        return Numbering({})
    try:
        root = _part(archive, name)
    except HostileXML:
        raise
    except ManuscriptError as error:
        log.warning("%s: list numbers not read (%s)", archive.source, error)
        return Numbering({})
    abstracts = {attr(a, "abstractNumId"): a for a in root if local(a) == "abstractNum"}
    lists: dict[str, _List] = {}
    for num in (n for n in root if local(n) == "num"):
        abstract_id = val(num, "abstractNumId")
        abstract = abstracts.get(abstract_id)
        if abstract is None:
            continue
        levels = _levels(abstract)
        restarts: dict[int, int] = {}
        for override in (o for o in num if local(o) == "lvlOverride"):
            index = attr(override, "ilvl") or ""
            if not _OUTLINE_LEVEL.fullmatch(index):
                continue
            own = child(override, "lvl")
            if own is not None:
                levels[int(index)] = own
            start = val(override, "startOverride")
            if start is not None and _COUNT.fullmatch(start):
                restarts[int(index)] = int(start)
        lists[attr(num, "numId") or ""] = _List(abstract_id or "", levels, restarts)
    return Numbering(lists)


def _levels(abstract: Any) -> dict[int, Any]:
    """An abstract list's w:lvl elements by level."""
    return {
        int(index): lvl
        for lvl in abstract
        if local(lvl) == "lvl" and _OUTLINE_LEVEL.fullmatch(index := attr(lvl, "ilvl") or "")
    }


def _level_index(index: str | None, levels: dict[int, Any], style: str) -> int:
    """A list item's level: as given (-1 if no level), else the one linked to its style."""
    if index is not None:
        return int(index) if _OUTLINE_LEVEL.fullmatch(index) else -1
    return next((i for i, lvl in levels.items() if val(lvl, "pStyle") == style), 0)


def _start(lvl: Any) -> int:
    start = val(lvl, "start") or "1"
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


# Metadata


def metadata(
    archive: Archive, source: str, title: str, authors: list[str], bare: list[str]
) -> Metadata:
    """Core properties; the Title paragraph, which the reader sees, wins over dc:title,
    which templates and copied files often leave stale, and the authors the byline of the
    title page or a manuscript's cover names win over dc:creator, more often the account
    or the program that made the file than the book's author (`_creators`). Names under
    the Title without "by" (`bare`) only fill in for a dc:creator that names no one:
    "Book One" or "Large Print" reads as a name as well as "Jane Writer" does. The date is
    Word's Publish Date, or a dc:date a tool wrote where that is none or a stand-in for
    none (`first_date`); never dcterms:created, the file's: a template's, or the day a
    converter ran (python-docx's template says 2013 of every file made from it)."""
    date = _publish_date(archive)
    if not archive.has(CORE):
        return Metadata(title=title, authors=authors or bare, date=date[:10])
    core = _part(archive, CORE)
    return Metadata(
        title=title or _core(core, "dc:title"),
        authors=authors or _creators(_core(core, "dc:creator")) or bare,
        language=_core(core, "dc:language"),
        # W3CDTF: the day is enough for a book
        date=first_date([date, _core(core, "dc:date")])[:10],
    )


# dc:creator as programs and installs fill it in for nobody in particular: python-docx's
# template, Word on a Mac ("Microsoft Office User"), Windows set up with no name.
_STAND_IN_CREATORS = {"python-docx", "microsoft office user", "windows user", "user", "owner"}
_STAND_IN_CREATORS |= {"administrator", "unknown", "author"}


def _creators(creator: str) -> list[str]:
    """dc:creator's names (";" between them), without a program's or an account's stand-in
    for a name: no author is better than "Windows User" in the audiobook's tags."""
    names = (name.strip() for name in creator.split(";"))
    return [name for name in names if name and name.casefold() not in _STAND_IN_CREATORS]


def signed(archive: Archive, main: str, name: str, text: Callable[[Any], str]) -> list[str]:
    """[name] where the package names it outside the body, whole words in any case: as the
    last to save the file (cp:lastModifiedBy) or in a page's header or footer (its
    paragraphs' `text`), where a manuscript's author sets their name; else []. A pen name
    in lower case under the Title ("bell hooks") is taken only so confirmed (or by a
    copyright line): its words alone read as a subtitle's in lower case do ("winter
    light")."""
    if not name:
        return []
    editor = _core(_part(archive, CORE), "cp:lastModifiedBy") if archive.has(CORE) else ""
    margins = (_part(archive, part) for part in _all_related(archive, main, "header", "footer"))
    lines = [editor, *(text(p) for root in margins for p in elements(root, "p"))]
    named = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.I)
    return [name] if any(named.search(" ".join(line.split())) for line in lines) else []


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
