"""DOCX manuscripts: the main document's paragraphs in body order, chapters from headings.

The package is opened with `archive.Archive` (a bomb or a damaged ZIP is refused before any
XML is read) and its parts are parsed with `archive.parse_xml`, not through python-docx:
one hardened parser for every part, and the reader sees each element, which it needs to
read tracked insertions while skipping deletions, hidden runs, field codes and the marks of
notes and comments (python-docx's paragraph text leaves out insertions).

What is read is what the page shows in the body: footnotes, endnotes, comments, headers and
footers live in parts of their own and are never opened. Tables are not narrated (a
warning names the chapter), nor are text boxes, equations or a table of contents.

Chapters start at headings: a style named "heading N" or "Heading N" or with an outline
level (localized built-in styles keep their outline level). A manuscript typed without
heading styles has its chapters at paragraphs that are chapter labels ("Chapter 4",
"CHAPTER IV. The Storm", "Part Two"; two at least), and at a "Prologue" or "Epilogue"
among them. A lone Title paragraph is the book's title, and so is a lone top heading over
repeated lower ones, as in Markdown. A heading that names a kind of section ("Preface",
"Index") gives it that kind, and front or back matter is skipped by default (`matter`).
"""

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers import DOCX_DOCUMENT, matter
from producer.readers.archive import Archive, parse_xml
from producer.readers.book import Book, Section, rest_of_title_page
from producer.readers.markup import raised_mark, read_raised

log = logging.getLogger(__name__)

# The conventional part names, used by Word, LibreOffice, Google Docs and Pandoc alike.
DOCUMENT = DOCX_DOCUMENT
STYLES = "word/styles.xml"
CORE = "docProps/core.xml"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NAMESPACES = {_W, _W_STRICT, _MC}
_CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}

TITLE = 0  # the level of a Title paragraph; headings are 1 to 9
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
_NOTE_REFERENCES = {"footnoteReference", "endnoteReference"}
_ROMAN = r"(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
)
_NUMBER = rf"(?:\d{{1,3}}|{_ROMAN}|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
# A chapter label typed as a paragraph (as the PDF reader reads one): "Chapter 4", "PART
# TWO", "Chapter IV: The Storm"; a title after it short, not ending as a sentence does
# and not going on in lower case as one does ("Chapter 3 was where it went wrong").
_CHAPTER_LABEL = re.compile(
    rf"(?:chapter|part|book)\s+{_NUMBER}\b[.:]?(?:\s+(?P<title>\S.{{0,70}})(?<![.,;!?]))?",
    re.I,
)
_LABELS_NEEDED = 2  # one "Chapter 1" paragraph may be prose's ("Part one was easy")
_FALSE = {"0", "false", "off"}


@dataclass(frozen=True)
class _Para:
    """A paragraph as read: its text (lines joined by newlines) and what it is."""

    text: str
    level: int | None = None  # TITLE, a heading level, or None for body text
    front: bool = False  # Title or Subtitle: title-page material


@dataclass(frozen=True)
class _Table:
    """Where a table was (its text is not read)."""


_Block = _Para | _Table


@dataclass(frozen=True)
class _Styles:
    """What the reader needs from styles.xml, by style id."""

    levels: dict[str, int] = field(default_factory=dict)  # TITLE or heading level
    front: set[str] = field(default_factory=set)  # Title and Subtitle
    unread: set[str] = field(default_factory=set)  # hidden, or table-of-contents entries
    default: str = ""  # the paragraph style of a paragraph that names none


@dataclass
class _Draft:
    """A section being gathered: its heading, paragraphs and how many tables it skipped."""

    title: str = ""
    paras: list[_Para] = field(default_factory=list)
    tables: int = 0
    titled: bool = False  # held the book's Title paragraph: the title page


def read(data: bytes, source: str) -> Book:
    """A DOCX file's sections and metadata; raises ManuscriptError with the reason."""
    archive = Archive(data, source, "DOCX")
    if not archive.has(DOCUMENT):
        raise ManuscriptError(f"{source}: not a DOCX document (no {DOCUMENT} in the ZIP)")
    styles = _read_styles(archive)
    blocks = _labelled_chapters(list(_blocks(_body(archive), styles)))
    title_at, level = _plan(blocks)
    sections, warnings = _split(blocks, title_at, level, source)
    title = _title(blocks[title_at]) if title_at is not None else ""
    return Book(sections, _metadata(archive, source, title), warnings=warnings)


def _part(archive: Archive, name: str) -> Any:
    return parse_xml(archive.read(name), f"{archive.source}: {name}")


def _body(archive: Archive) -> Any:
    root = _part(archive, DOCUMENT)
    body = next((child for child in root if _local(child) == "body"), None)
    if body is None:
        raise ManuscriptError(f"{archive.source}: {DOCUMENT} has no document body")
    return body


# Reading the XML


def _local(element: Any) -> str:
    """An element's name without its namespace; "" for markup not of WordprocessingML
    (equations, vendor extensions), which is not read."""
    if not isinstance(element.tag, str):
        return ""
    name = etree.QName(element)
    return name.localname if name.namespace in _NAMESPACES else ""


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
    found = _child(element, *path)
    return found is not None and (_attr(found, "val") or "true").lower() not in _FALSE


# Styles


def _read_styles(archive: Archive) -> _Styles:
    if not archive.has(STYLES):
        return _Styles()
    styles = {_attr(s, "styleId") or "": s for s in _part(archive, STYLES) if _local(s) == "style"}
    names = {
        style_id: (_val(style, "name") or style_id).lower() for style_id, style in styles.items()
    }
    known: dict[str, int | None] = {}
    levels = {i: level for i in styles if (level := _style_level(i, styles, known)) is not None}
    return _Styles(
        levels=levels,
        front={i for i, name in names.items() if name in ("title", "subtitle")},
        unread={
            i
            for i, name in names.items()
            if name.startswith("toc") or _on(styles[i], "rPr", "vanish")
        },
        default=next((i for i, style in styles.items() if _is_default_paragraph(style)), ""),
    )


def _is_default_paragraph(style: Any) -> bool:
    return _attr(style, "type") == "paragraph" and _attr(style, "default") in ("1", "true")


def _style_level(style_id: str, styles: dict[str, Any], known: dict[str, int | None]) -> int | None:
    """TITLE or a heading level for a paragraph style, following what it is based on.

    The chain is walked in a loop, not by recursion (a file can chain thousands of styles),
    and every style on it learns its level in `known`, so that each style is walked once:
    the styles of a chain share the level its first leveled style gives. A cycle ends it.
    """
    chain: dict[str, None] = {}  # the styles walked, in order (a dict for a quick `in`)
    level = None
    while style_id not in known:
        style = styles.get(style_id)
        if style is None or style_id in chain or _attr(style, "type") != "paragraph":
            break  # no such paragraph style, or a cycle: no level
        chain[style_id] = None
        level = _own_level(style_id, style)
        if level is not None:
            break
        style_id = _val(style, "basedOn") or ""
    else:
        level = known[style_id]
    known.update(dict.fromkeys(chain, level))
    return level


def _own_level(style_id: str, style: Any) -> int | None:
    """A style's level by its name, its id or its outline level, not what it is based on."""
    for label in (_val(style, "name") or "", style_id):
        level = _named_level(label)
        if level is not None:
            return level
    return _outline_level(style)


def _named_level(label: str) -> int | None:
    """TITLE or a heading level from a built-in style's name ("heading 2") or id ("Heading2")."""
    label = label.replace(" ", "").lower()
    if label == "title":
        return TITLE
    heading = _HEADING_NAME.fullmatch(label)
    return int(heading[1]) if heading else None


def _outline_level(element: Any) -> int | None:
    """A heading level from w:outlineLvl (0-8 are levels 1-9; 9 is body text)."""
    value = _val(element, "pPr", "outlineLvl")
    return int(value) + 1 if value is not None and _OUTLINE_LEVEL.fullmatch(value) else None


# Paragraphs and their text


def _blocks(container: Any, styles: _Styles, fields: list[str] | None = None) -> Iterator[_Block]:
    """Paragraphs and table markers in body order, through content controls. A drop cap,
    which Word sets as a paragraph of its own in a frame, opens the paragraph after it; the
    entries of a table of contents field are not read. `fields`: the instructions of the
    fields open (a field may run over many paragraphs)."""
    fields = [] if fields is None else fields
    cap = ""
    for child in container:
        name = _local(child)
        if name == "p" and _in_contents_field(child, fields):
            continue
        if name == "p" and _is_drop_cap(child):
            cap += "".join(_clean(_text(child, styles)).split())
        elif name == "p":
            para = _paragraph(child, styles)
            if para is not None:
                yield replace(para, text=cap + para.text) if cap else para
                cap = ""
        elif name == "tbl":
            yield _Table()
        elif name == "sdt" and not _is_contents(child):
            content = _child(child, "sdtContent")
            yield from () if content is None else _blocks(content, styles, fields)
        elif name == "customXml":
            yield from _blocks(child, styles, fields)


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
    gallery = _val(sdt, "sdtPr", "docPartObj", "docPartGallery") or ""
    return gallery.lower().startswith("table of contents")


def _is_drop_cap(p: Any) -> bool:
    """Whether a paragraph is a drop cap: a frame holding a word's first letter or letters."""
    frame = _child(p, "pPr", "framePr")
    return frame is not None and _attr(frame, "dropCap") in ("drop", "margin")


def _text(p: Any, styles: _Styles) -> str:
    pieces: list[str] = []
    _gather(p, styles, pieces)
    return "".join(pieces)


def _paragraph(p: Any, styles: _Styles) -> _Para | None:
    style = _val(p, "pPr", "pStyle") or styles.default
    if style in styles.unread:
        return None
    text = _clean(_text(p, styles))
    if not text:
        return None
    level = _outline_level(p)
    if level is None:
        # A file without styles.xml still names the built-in styles by their ids.
        level = styles.levels.get(style, _named_level(style))
    return _Para(text, level, style in styles.front)


def _gather(element: Any, styles: _Styles, out: list[str]) -> None:
    """The visible text under `element`, in order, appended to `out`."""
    for child in element:
        name = _local(child)
        if not name or name in _UNREAD or (name == "r" and _hidden(child, styles)):
            continue
        if name == "r" and _custom_note_mark(child):
            continue
        if name == "r" and _val(child, "rPr", "vertAlign") == "superscript":
            out.append(_raised_run(child, styles, "".join(out)))
        elif name == "t":
            out.append(child.text or "")
        elif name in ("tab", "ptab"):
            out.append(" ")
        elif name in ("br", "cr"):
            out.append("\n" if _attr(child, "type") in _LINE_BREAKS else " ")
        elif name == "noBreakHyphen":
            out.append("-")
        else:
            _gather(child, styles, out)


def _custom_note_mark(run: Any) -> bool:
    """Whether a run is a note's reference with a mark of the author's own ("*", "†"), which
    Word stores as the run's text after the reference (w:customMarkFollows): a mark, not
    the sentence's."""
    for child in run:
        if _local(child) in _NOTE_REFERENCES:
            return (_attr(child, "customMarkFollows") or "").lower() in ("1", "true", "on")
    return False


def _raised_run(run: Any, styles: _Styles, before: str) -> str:
    """A raised run of a note's mark or a power, read as HTML's are (`markup.read_raised`):
    a note's mark typed as a raised number is left out, a power ("m²") is read."""
    text: list[str] = []
    _gather(run, styles, text)
    raised = "".join(text)
    return read_raised(before, raised) if raised_mark(raised) else raised


def _hidden(run: Any, styles: _Styles) -> bool:
    return _on(run, "rPr", "vanish") or (_val(run, "rPr", "rStyle") or "") in styles.unread


def _clean(text: str) -> str:
    """One line per line break, spaces collapsed; a prose paragraph becomes one line."""
    lines = (" ".join(line.replace("\xad", "").split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# Sections


def _labelled_chapters(blocks: list[_Block]) -> list[_Block]:
    """A manuscript without heading styles, its chapters typed as body paragraphs ("Chapter
    1" centred and bold): those paragraphs made headings, with a "Prologue" or "Epilogue"
    among them. Read as body text, the whole book was one chapter."""
    if any(_heading(block) is not None for block in blocks):
        return blocks
    labels = [b for b in blocks if isinstance(b, _Para) and _is_chapter_label(b.text)]
    if len(labels) < _LABELS_NEEDED:
        return blocks
    return [
        replace(b, level=1) if isinstance(b, _Para) and _is_chapter_paragraph(b) else b
        for b in blocks
    ]


def _is_chapter_paragraph(block: _Para) -> bool:
    """A chapter label, or a paragraph that is only the name of a narrated part of a book
    other than a chapter ("Prologue", "Epilogue", "Afterword")."""
    if block.level is not None:
        return False
    if _is_chapter_label(block.text):
        return True
    kind = matter.kind_of(block.text)
    named = kind in matter.NARRATED and kind not in ("chapter", "part", "volume")
    return named and len(block.text.split()) <= 2


def _is_chapter_label(text: str) -> bool:
    label = _CHAPTER_LABEL.fullmatch(text)
    return label is not None and not (label["title"] or "")[:1].islower()


def _plan(blocks: list[_Block]) -> tuple[int | None, int | None]:
    """Where the book's title is, and the heading level that starts chapters."""
    heads = [(i, level) for i, b in enumerate(blocks) if (level := _heading(b)) is not None]
    titles = [i for i, b in enumerate(blocks) if isinstance(b, _Para) and b.level == TITLE]
    title_at = titles[0] if titles else None
    counts = Counter(level for _, level in heads)
    if not counts:
        return title_at, None
    repeated = [level for level, n in counts.items() if n > 1]
    level = min(repeated) if repeated else min(counts)
    top = min(counts)
    if title_at is None and level != top:
        # A lone top heading over repeated lower ones is the book's title, as in Markdown.
        title_at = next(i for i, lvl in heads if lvl == top)
    return title_at, level


def _heading(block: _Block) -> int | None:
    """The heading level of a heading paragraph (a Title is not one); None otherwise."""
    if isinstance(block, _Para) and block.level is not None and block.level > TITLE:
        return block.level
    return None


def _starts_chapter(block: _Para, level: int | None) -> bool:
    heading = _heading(block)
    return heading is not None and level is not None and heading <= level


def _split(
    blocks: list[_Block], title_at: int | None, level: int | None, source: str
) -> tuple[list[Section], list[str]]:
    """Sections at the chapter headings, and a warning for each one's skipped tables."""
    drafts = [_Draft()]
    for i, block in enumerate(blocks):
        if i == title_at:
            drafts[-1].titled = True
            continue
        if isinstance(block, _Table):
            drafts[-1].tables += 1
        elif _starts_chapter(block, level):
            drafts.append(_Draft(title=_title(block)))
        else:
            drafts[-1].paras.append(block)
    for draft in drafts:
        lines = [para.text for para in draft.paras]
        draft.titled = draft.titled and rest_of_title_page(lines, draft is not drafts[-1])
    warnings = [_table_warning(d, source) for d in drafts if d.tables]
    return [s for d in drafts if (s := _section(d)) is not None], warnings


def _title(block: _Block) -> str:
    """A heading's text on one line (a title may be broken over several)."""
    return " ".join(block.text.split()) if isinstance(block, _Para) else ""


def _section(draft: _Draft) -> Section | None:
    body = "\n\n".join(para.text for para in draft.paras)
    if not body:
        if draft.title:
            log.info("skipping heading with no text under it: %r", draft.title)
        return None
    if not draft.title and (draft.titled or all(para.front for para in draft.paras)):
        kind = "titlepage"  # with what follows the title before the first chapter
    else:
        kind = matter.kind_of(draft.title) or "chapter"  # "Preface", "Index", ...
    return Section(draft.title, body, kind, matter.skip_reason(kind))


def _table_warning(draft: _Draft, source: str) -> str:
    where = f"chapter {draft.title!r}" if draft.title else "the text before the first chapter"
    tables = "a table" if draft.tables == 1 else f"{draft.tables} tables"
    return f"{source}: {tables} in {where} not read (tables are not narrated)"


# Metadata


def _metadata(archive: Archive, source: str, title: str) -> Metadata:
    """Core properties; the Title paragraph, which the reader sees, wins over dc:title,
    which templates and copied files often leave stale."""
    if not archive.has(CORE):
        return Metadata(title=title)
    core = _part(archive, CORE)
    creators = _core(core, "dc:creator").split(";")
    date = _core(core, "dc:date") or _core(core, "dcterms:created")
    return Metadata(
        title=title or _core(core, "dc:title"),
        authors=[name.strip() for name in creators if name.strip()],
        language=_core(core, "dc:language"),
        date=date[:10],  # W3CDTF: the day is enough for a book
    )


def _core(core: Any, name: str) -> str:
    return " ".join((core.findtext(name, default="", namespaces=_CORE_NS) or "").split())
