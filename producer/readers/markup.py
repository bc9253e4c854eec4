"""(X)HTML as a listener hears it: an element tree in, blocks of narrated text out.

Shared by the EPUB and HTML readers; works on XHTML parsed as XML (namespaced tags,
``epub:type`` in the OPS namespace) and on HTML parsed by lxml.html alike.

Not read: scripts, styles, navigation, hidden elements, images (alt text too, except
where an image is a heading's text or a drop cap's letter), ruby's readings, page-number
markers and note references; a reference leaves its sentence as if it had never been there.
Notes themselves are kept apart (`Block.note`): read only in a section made of them, told by
type, role or class (`linkednotes` gives a role to one told only by its links). A scene
break (an `<hr>`, an ornament) is a pause, `SCENE_BREAK`. Tables do not read aloud, so they
are skipped and reported. Verse keeps its lines (at its `<br>`s, not where the source's own
text wraps), and so does a quotation broken into lines (`<br>` in a `<blockquote>`: lines of
verse not marked as such, an inscription), a plain paragraph of three short lines or more
set by `<br>`s, and a `<pre>`; prose paragraphs are one line
each, whitespace collapsed, as `worker.segment` expects (which reads short lines as verse,
long ones as prose).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise
from typing import Any

from producer.readers import matter
from producer.readers.book import SCENE_BREAK, Section
from producer.readers.labels import is_chapter_line

HEADING, TEXT, TABLE = "heading", "text", "table"

_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NEVER_READ = {
    *("script", "style", "noscript", "template", "head", "title", "nav", "rt", "rp"),
    *("img", "picture", "svg", "math", "video", "audio", "object", "embed", "iframe", "canvas"),
    *("map", "button", "input", "select", "textarea"),
}
BLOCKS = HEADINGS | {
    *("html", "body", "main", "article", "section", "div", "aside", "header", "footer"),
    *("p", "blockquote", "pre", "address", "center", "hgroup", "figure", "figcaption", "hr"),
    *("ul", "ol", "li", "dl", "dt", "dd", "menu", "details", "summary", "dialog", "form"),
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "fieldset"),
}
_ANY_BLOCK = tuple(f"{{*}}{tag}" for tag in BLOCKS)  # in XHTML's namespace or in none
_ANY_HEADING = tuple(f"{{*}}{tag}" for tag in HEADINGS)
_LAYOUT_PARAGRAPHS = 3  # in one table cell: a page's text, not a datum
_SECTIONING = {"html", "body", "main", "article", "section", "div", "aside", "nav"}
_VERSE = {"z3998:verse", "z3998:poem", "z3998:song", "z3998:hymn", "verse", "poem", "poetry"}
_VERSE_CLASSES = _VERSE | {"stanza"}  # Project Gutenberg's <div class="stanza">
_NOTE = {"footnote", "endnote", "rearnote", "note", *matter.NOTES}
# Class names of a note's text where a book has no epub:type (Project Gutenberg's HTML:
# <div class="footnote">; InDesign's <div class="_idFootnote">, typed only in its EPUB 3);
# not "note", which books give an author's aside that is read.
_NOTE_CLASSES = {
    *("footnote", "footnotes", "endnote", "endnotes"),
    *("_idfootnote", "_idfootnotes", "_idendnote", "_idendnotes"),
}
_NOTE_REFERENCE = {"noteref", "backlink"}
_PAGE_NUMBER = {"pagebreak", "pagenum", "page-number", "pagenumber", "page-num", "pageno"}
# An element whose id or class names a page ("page_12", "pg12", "p12"; class "page") and
# whose text is only a page number ("12", "[p. 12]", "- xiv -"): a page marker without a
# page-break type, as converted books set them.
_PAGE_NAME = re.compile(r"(?:page|pg|p)(?:[-_.]?(?P<number>\d+|[ivxlcdm]+))?", re.I)
_PAGE_TEXT = re.compile(
    r"[\s\[(\-–—{]*(?:(?:page|pg|p)\.?\s*)?"
    r"(?P<number>\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"[\s\])\-–—}.]*",
    re.I,
)
_PAGE_MARKER_TAGS = {"span", "a", "div"}
_TITLE_PART = {"title", "subtitle", "fulltitle", "label", "ordinal", "z3998:ordinal"}
NOTE_MARK = re.compile(r"\s*[\[(]?\s*(?:\d{1,4}|[a-z]|[*†‡§¶#]{1,3})\s*[\])]?\s*")
# A raised mark hugging what it follows: a note's, unless it is a power.
_HUGGED = re.compile(r"(?:[^\W_]|[.,;:!?’”\"')\]])$")
# A superscript of digits that is a power: on "10" ("10⁶"), or on a variable or unit of a
# letter or two ("x²", "mc²", "km²") that is not a short word ("it¹", "a²", "to²": notes).
EXPONENT = re.compile(r"\s*[-−]?\d{1,3}\s*")
# A capital alone, the start of an abbreviation set with its ending raised: M<sup>r</sup>
# (not "A" or "I", words a note's mark may follow).
_ABBREVIATED = re.compile(r"(?<![^\W\d_])[B-HJ-Z]$")
_POWER_BASE = re.compile(r"(?:(?<![\w.,])10|(?<![^\W\d_])[^\W\d_]{1,2})$")
_SHORT_WORDS = {
    "a", "i", "o", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is",
    "it", "me", "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we",
}  # fmt: skip
_SUPERSCRIPTS = str.maketrans("-−0123456789", "⁻⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# What a book's tool or designer names a scene break drawn as an ornament or left as blank
# space (Vellum's "ornamental-break", InDesign's placed "ornament.png", a "dinkus"): it has
# no text, so nothing marked the pause.
_SCENE_BREAK_NAME = re.compile(
    r"scene|ornament|dinkus|fleuron|asterism|separator|divider|section-?break|space-?break", re.I
)
_SCENE_BREAK_ELEMENTS = 16  # an ornament's box, its image and a wrapper or two, and more
# A title's parts set side by side with no space between, as a tool's spans for the eye
# ("<span class="chapter-number">1</span><span class="chapter-title">Arrival</span>").
_TITLE_SPAN = re.compile(r"chap|head|title|number|num|label|ordinal", re.I)
_LABEL_WORD = re.compile(r"(?:chapter|part|book|volume)\.?", re.I)
_TITLE_NUMERAL = (
    r"(?:\d{1,3}|(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)"
)
# A title span that is only a chapter's number, after its label or not ("IV", "Chapter 2").
_TITLE_NUMBER = re.compile(rf"(?:(?:chapter|part|book|volume)\.?\s+)?{_TITLE_NUMERAL}[.:]?", re.I)
_STARTS_NUMBER = re.compile(rf"{_TITLE_NUMERAL}\b", re.I)  # what follows a label word
_NUMBER_CLASS = re.compile(r"num|ordinal", re.I)
_REMOVED = "\x00"  # where a note reference or page number was taken out of the text
# Tried only from a run of space's start: from each of its places, \s* ran to its end and
# back, quadratic in the run (100,000 tabs in a <pre>: minutes).
_SPACE_BEFORE_REMOVED = re.compile(r"(?<!\s)(?:\s*\x00)+\s*(?=[.,;:!?…)\]’”]|$)")
# No sound, but each would split a word in two for the voice.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
# A <br> in verse or a quotation: its source's own line ends are spaces (the text wraps
# there, as a browser shows it). A control character no XML text holds (a source's U+2028
# is whitespace, not a line of its own); one libxml2's HTML parser lets through is taken
# out before the marker is read, as `book.printable` takes out every other control
# (`_finished`).
_LINE_END = "\x01"
# A <br> in a paragraph nothing marks as verse: a line of its own where the paragraph is
# three short lines or more (verse or an address a converter left unmarked: Calibre drops
# the classes), else a space (a prose line broken for the page).
_BREAK = "\x02"
_SHORT_LINE = 60
_LINES_AT_LEAST = 3
_LABEL_CHARS = 200  # far above a chapter's label line, with its title and its markup's spaces
_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_BARE_NUMERAL = re.compile(rf"(?=[IVXLCDM\d])(?:{_ROMAN}|\d{{1,3}})(?=$|[.:])")
_NUMBERED_KINDS = {"chapter": "Chapter", "part": "Part", "volume": "Volume"}


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph or stanza, or a skipped table, in reading order."""

    kind: str  # HEADING, TEXT or TABLE
    text: str  # TEXT: one line of prose, or verse lines separated by "\n"
    level: int = 0  # 1-6 for a heading (the highest of a heading group), else 0
    ids: tuple[str, ...] = ()  # ids of the elements that begin here: where links land
    types: tuple[str, ...] = ()  # epub:type of the enclosing sections, innermost first
    note: bool = False  # part of a footnote or endnote


@dataclass(frozen=True)
class _Context:
    types: tuple[str, ...] = ()
    verse: bool = False
    quoted: bool = False  # in a <blockquote>
    note: bool = False
    pre: bool = False  # in a <pre>: the source's line ends are the lines
    heading: bool = False

    def one_line(self) -> "_Context":
        """The context of a heading's text: one line, wherever it stands."""
        return replace(self, verse=False, quoted=False, pre=False, heading=True)


@dataclass
class _Walker:
    blocks: list[Block] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # seen since the last block

    def block(self, el: Any, ctx: _Context) -> None:
        ctx = _entered(el, ctx)
        self.ids.extend(_ids(el))
        tag = tag_of(el)
        if tag in HEADINGS:
            self.emit(HEADING, self.heading_text(el, ctx), ctx, int(tag[1]))
        elif tag == "hr" or _is_scene_break(el):  # a pause where it stands (`worker.segment`)
            self.ids.extend(i for part in el.iterdescendants() for i in _ids(part))
            self.emit(TEXT, SCENE_BREAK, ctx)
        elif tag == "hgroup" or (tag == "header" and any(map(_is_title_part, el))):
            self.heading_group(el, ctx)
        else:
            self.children(el, ctx)

    def children(self, el: Any, ctx: _Context) -> None:
        """An element's text and children: runs of inline content become paragraphs."""
        parts = [el.text or ""]
        for child in el:
            tag = tag_of(child)
            if tag == "table" and not _dropped(child) and not _is_layout(child):
                self.flush(parts, ctx)
                self.emit(TABLE, "", ctx)
                parts = [child.tail or ""]
            elif _is_block(child):
                self.flush(parts, ctx)
                self.block(child, ctx)
                parts = [child.tail or ""]
            else:
                self.inline(child, ctx, parts)
        self.flush(parts, ctx)

    def heading_group(self, el: Any, ctx: _Context) -> None:
        """`<hgroup>`, or a `<header>` holding headings: one heading of all their parts
        ("I" and "A Letter with a Postscript"); the header's other children follow it."""
        titles = list(el) if tag_of(el) == "hgroup" else [c for c in el if _is_title_part(c)]
        parts = [part for title in titles for part in _title_parts(title)]
        self.ids.extend(i for part in parts for i in _ids(part))
        texts = [self.heading_text(part, ctx) for part in parts]
        self.emit(HEADING, joined_title([t for t in texts if t]), ctx, _level(titles))
        for child in el:
            if child not in titles and _is_block(child):
                self.block(child, ctx)

    def inline(self, el: Any, ctx: _Context, parts: list[str]) -> None:
        """An inline element's text (and its tail) appended to `parts`."""
        tag = tag_of(el)
        if tag == "br":
            lines = ctx.verse or ctx.quoted or ctx.pre
            parts.append(_LINE_END if lines else " " if ctx.heading else _BREAK)
        elif tag == "img" and _is_drop_cap_image(el, parts):
            parts.append(el.get("alt").strip())
        elif _dropped(el) or (tag and _is_note(el)):
            parts.append(_REMOVED)
        elif tag == "sup" and not len(el) and raised_mark(el.text or ""):  # no link
            raised = read_raised(_text_before(el), el.text or "")
            parts.append(raised or _REMOVED)
        elif tag:  # not a comment or processing instruction
            self.ids.extend(_ids(el))
            parts.append(el.text or "")
            for child in el:
                self.inline(child, ctx, parts)
        parts.append(el.tail or "")

    def heading_text(self, el: Any, ctx: _Context) -> str:
        """A heading's text on one line; where it is an image ("Chapter One" drawn in a
        type of its own), the image's alt text, which is then the only title it has."""
        joins = _title_joins(el)
        if not joins:
            return self.text(el, ctx.one_line()) or _alt_text(el)
        ctx = ctx.one_line()
        parts = [el.text or ""]
        for i, child in enumerate(el):
            self.inline(child, ctx, parts)
            parts.append(joins.get(i, ""))
        return _finished(parts, _source_lines(parts, ctx)) or _alt_text(el)

    def text(self, el: Any, ctx: _Context) -> str:
        """An element's text as one paragraph (the ids of what it holds noted)."""
        parts = [el.text or ""]
        for child in el:
            self.inline(child, ctx, parts)
        return _finished(parts, _source_lines(parts, ctx))

    def flush(self, parts: list[str], ctx: _Context) -> None:
        for run in _paragraph_runs(parts, ctx):
            self.emit(TEXT, _finished(run, _source_lines(run, ctx)), ctx)

    def emit(self, kind: str, text: str, ctx: _Context, level: int = 0) -> None:
        if text or kind == TABLE:
            self.blocks.append(Block(kind, text, level, tuple(self.ids), ctx.types, ctx.note))
            self.ids.clear()


def blocks(root: Any) -> list[Block]:
    """The narrated blocks of a document (or of any element in one), in reading order."""
    return walked(root)[0]


def walked(root: Any) -> tuple[list[Block], list[str]]:
    """The blocks of a document, and the ids after its last block: an empty anchor closing
    a file, where a link to what follows it in the next file lands."""
    walker = _Walker()
    walker.block(root, _Context())
    return walker.blocks, walker.ids


def section(
    parts: Sequence[Block], title: str, kind: str, reason: str, warnings: list[str]
) -> Section:
    """A section of blocks: a heading that opens it is its title (else `title`); notes are
    read only in a section of notes; a skipped table is reported in `warnings`."""
    parts = [b for b in parts if kind in matter.NOTES or not b.note]
    tables = sum(1 for b in parts if b.kind == TABLE)
    parts = [b for b in parts if b.kind != TABLE]
    if parts and parts[0].kind == HEADING:
        title, parts = parts[0].text, parts[1:]
    title = numbered_title(title, kind)
    if tables:
        what = "a table was" if tables == 1 else f"{tables} tables were"
        warnings.append(f"chapter {title!r}: {what} skipped")
    return Section(title, "\n\n".join(b.text for b in parts), kind, reason)


def numbered_title(title: str, kind: str) -> str:
    """A title that opens with a bare numeral gets its kind's name: "I: A Letter" of a
    chapter is "Chapter I: A Letter", which a listener hears as "Chapter one: A Letter"
    (a lone "I" is read as the pronoun)."""
    word = _NUMBERED_KINDS.get(kind)
    return f"{word} {title}" if word and _BARE_NUMERAL.match(title) else title


def semantics(el: Any) -> tuple[str, ...]:
    """What markup says an element is: its epub:type tokens and DPUB-ARIA roles (without
    "doc-"), e.g. ("chapter",) or ("z3998:poem",)."""
    types = (el.get(_EPUB_TYPE) or el.get("epub:type") or "").split()
    roles = [role[4:] for role in (el.get("role") or "").split() if role.startswith("doc-")]
    return (*types, *roles)


def tag_of(el: Any) -> str:
    """An element's local name, lower case; "" for a comment or processing instruction."""
    return el.tag.rpartition("}")[2].lower() if isinstance(el.tag, str) else ""


def _classes(el: Any) -> tuple[str, ...]:
    """Class names, which older books use where newer ones use epub:type (``poem``)."""
    return tuple((el.get("class") or "").lower().split())


def _entered(el: Any, ctx: _Context) -> _Context:
    """The context inside `el`: its section types, and whether it holds verse or notes."""
    tokens = semantics(el)
    if tag_of(el) in _SECTIONING and tokens:
        ctx = replace(ctx, types=(*tokens, *ctx.types))
    if _VERSE.intersection(tokens) or _VERSE_CLASSES.intersection(_classes(el)):
        ctx = replace(ctx, verse=True)
    if tag_of(el) == "blockquote":
        ctx = replace(ctx, quoted=True)
    if tag_of(el) == "pre":
        ctx = replace(ctx, pre=True)
    if _is_note(el):
        ctx = replace(ctx, note=True)
    return ctx


def _is_note(el: Any) -> bool:
    """Whether an element holds a note's text, by its epub:type or role, or its class."""
    return bool(_NOTE.intersection(semantics(el)) or _NOTE_CLASSES.intersection(_classes(el)))


def _dropped(el: Any) -> bool:
    """Whether an element is not read at all."""
    tag = tag_of(el)
    if tag in _NEVER_READ or _hidden(el):
        return True
    tokens = {*semantics(el), *_classes(el)}
    if tokens & (_PAGE_NUMBER | _NOTE_REFERENCE) or _is_page_marker(el, tag, tokens):
        return True
    return _is_note_mark(el, tag)


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _is_page_marker(el: Any, tag: str, tokens: set[str]) -> bool:
    """A page number set without a page-break type: a span, link or div named for a page by
    its id or class ("page_12", "pg12"; class "page") holding nothing but the number. Left
    in, it is read mid-sentence ("the barn 12 the hens"). Not a heading or paragraph,
    whose ids converters number "p12" too, and whose text may be a bare numeral ("II")."""
    if tag not in _PAGE_MARKER_TAGS or len(el):
        return False
    text = _PAGE_TEXT.fullmatch(el.text or "")
    if text is None:
        return False
    # An old page names its anchors, not ids: <a name="Page_13">[13]</a>.
    named = _PAGE_NAME.fullmatch(el.get("id") or (el.get("name") if tag == "a" else "") or "")
    classes = [m for m in map(_PAGE_NAME.fullmatch, tokens) if m and m[0] != "p"]
    numbered = [m["number"] for m in (named, *classes) if m and m["number"]]
    if numbered:  # "page_12" holds 12: "p3" holding "mix", or class "p1" holding "I", a word's
        return any(_page_number(n) == _page_number(text["number"]) for n in numbered)
    # Named for no number: a page's numeral, not a word or a letter that is one ("I", "V").
    return bool(named or classes) and not text["number"].isupper()


def _page_number(number: str) -> str:
    return number.casefold().lstrip("0")


def _alt_text(el: Any) -> str:
    """The alt text of the images under an element that are shown."""
    shown = (img for img in el.iter() if tag_of(img) == "img" and not _hidden(img))
    return " ".join(" ".join((img.get("alt") or "").split()) for img in shown).strip()


def _is_drop_cap_image(el: Any, before: list[str]) -> bool:
    """An image of a word's first letter (an ornamented initial), its alt text that capital,
    set against the rest of the word at the start of its paragraph (`before`: its text so
    far): "T" then "he hen sat". Its alt is read; left out, the word loses its first letter.
    Not an icon or a symbol inside a sentence ("the <img alt="x"/>y axis")."""
    alt = (el.get("alt") or "").strip()
    if len(alt) != 1 or not alt.isupper() or _hidden(el) or not _starts_word(el.tail or ""):
        return False
    return not any(char.isalnum() for part in before for char in part)


def _starts_word(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def _is_block(el: Any) -> bool:
    """A block element; or an inline one holding blocks, walked as a block so that they stay
    apart: a heading in a link (`<a name="c1"><h2>The Storm</h2></a>`), the `<font>` an old
    page sets around paragraphs and headings."""
    if _dropped(el):
        return False
    tag = tag_of(el)
    if tag in BLOCKS:
        return True
    return bool(tag) and not _is_note(el) and next(_blocks_in(el), None) is not None


def _is_layout(table: Any) -> bool:
    """A table an old page sets its text in (a margin's cell beside the book's), not one
    of data: it holds a heading, or a cell of paragraphs. Skipped as a table, the whole
    book was."""
    if next(table.iterdescendants(*_ANY_HEADING), None) is not None:
        return True
    cells = table.iterdescendants("{*}td", "{*}th")
    return any(_paragraphs(cell) >= _LAYOUT_PARAGRAPHS for cell in cells)


def _paragraphs(cell: Any) -> int:
    """A table cell's paragraphs, up to `_LAYOUT_PARAGRAPHS`."""
    return sum(1 for _ in islice(cell.iterchildren("{*}p", "{*}blockquote"), _LAYOUT_PARAGRAPHS))


def _blocks_in(el: Any) -> Any:
    return el.iterdescendants(*_ANY_BLOCK)


def _is_note_mark(el: Any, tag: str) -> bool:
    """A link to a note shown as a number or symbol ("1", "[2]", "*"), or the superscript
    holding one; or a superscript mark with no link, where a note's mark goes: after a word
    or a stop ("the claim¹", "ran fast.²"), not an exponent ("10⁶", "mc²", "km²")."""
    if tag == "sup":
        links = [a for a in el.iter() if tag_of(a) == "a"]
        if not links:
            return False  # read by `read_raised` as it is met
        return all(_is_note_mark(a, "a") for a in links) and _marks_only(el)
    if tag != "a" or "#" not in (el.get("href") or ""):
        return False
    return _marks_only(el) or _raised_only(el)


def _raised_only(link: Any) -> bool:
    """A link whose text is all a short superscript ("<a href="#n2"><sup>ii</sup></a>"): a
    note's mark, whatever it is (a Roman numeral, letters), as a raised link is nothing
    else."""
    if (link.text or "").strip() or any((child.tail or "").strip() for child in link):
        return False
    raised = [child for child in link if tag_of(child) == "sup"]
    text = "".join("".join(child.itertext()) for child in raised).strip()
    return len(raised) == len(link) > 0 and 0 < len(text) <= 4


def raised_mark(text: str) -> bool:
    """A note's mark or a power's digits: what `read_raised` reads."""
    return bool(NOTE_MARK.fullmatch(text) or EXPONENT.fullmatch(text))


def read_raised(before: str, raised: str) -> str:
    """What a raised mark with no link says after the text `before` it: a power in the
    superscript characters the normalizer reads ("km²", "10⁶"), nothing for a note's mark
    hugging a word, a number or a stop ("the claim¹²", "it¹", "in 1905⁷", "so.¹"), or the
    mark itself where it stands apart."""
    if not _HUGGED.search(before):
        return raised
    if _ABBREVIATED.search(before) and raised.strip().isalpha():
        return raised.strip()  # the rest of a title's abbreviation: "Mʳ", "Nᵒ", "Sᵗ"
    base = _POWER_BASE.search(before)
    if EXPONENT.fullmatch(raised) and base and base[0].lower() not in _SHORT_WORDS:
        return raised.strip().translate(_SUPERSCRIPTS)
    return ""


def _text_before(el: Any) -> str:
    """The text just before an element in its paragraph (what a reader sees beside it)."""
    previous = el.getprevious()
    while previous is not None and not isinstance(previous.tag, str):  # a comment
        previous = previous.getprevious()
    if previous is None:
        parent = el.getparent()
        return (parent.text or "") if parent is not None else ""
    return previous.tail or "".join(previous.itertext())


def _marks_only(el: Any) -> bool:
    return bool(NOTE_MARK.fullmatch("".join(el.itertext())))


def _is_title_part(el: Any) -> bool:
    """A part of a header's title: a heading, a heading group, or what markup calls a title,
    subtitle or label (by epub:type or role, or by class, as converters set a subtitle:
    `<p class="subtitle">`)."""
    tag = tag_of(el)
    said = {*semantics(el), *(el.get("class") or "").casefold().split()}
    return tag in HEADINGS or tag == "hgroup" or bool(_TITLE_PART.intersection(said))


def _title_parts(el: Any) -> list[Any]:
    return list(el) if tag_of(el) == "hgroup" else [el]


def _level(elements: list[Any]) -> int:
    """The highest heading level (h1: 1) in some elements; 0 where they hold no heading."""
    tags = [tag_of(h) for el in elements for h in el.iter()]
    return min((int(tag[1]) for tag in tags if tag in HEADINGS), default=0)


def joined_title(parts: list[str]) -> str:
    """Parts of a heading group as one title: "I" and "A Letter" make "I: A Letter";
    "Chapter" and "1" make "Chapter 1" (but "Book" and "The Return", "Book: The Return")."""
    title = parts[0] if parts else ""
    for part in parts[1:]:
        label = _LABEL_WORD.fullmatch(title) and _STARTS_NUMBER.match(part)
        spaced = title.endswith((".", ":", "!", "?", "—")) or label
        title += (" " if spaced else ": ") + part
    return title


def _title_joins(heading: Any) -> dict[int, str]:
    """Where a heading made only of title spans runs a number and a word together, what
    goes after each such child (by its index): a space after a label ("Chapter" and "1"),
    ": " after a number before a title ("1" and "Arrival", or "1" ending its line over
    "Arrival"). Read as written, "1Arrival". {} for any other heading, or where no number
    meets a word: a span's own spaces ("The Long " and "Goodbye"), an initial against the
    rest of its word ("T" and "HE STORM"), one number in two ("19" and "43") are read as
    they stand."""
    children = list(heading)
    spans = [child for child in children if tag_of(child) != "br"]
    if len(spans) < 2 or (heading.text or "").strip() or not all(map(_is_title_span, spans)):
        return {}
    joins: dict[int, str] = {}
    for i, (child, after) in enumerate(pairwise(children)):
        if tag_of(child) == "br" or child.tail:
            continue
        text = "".join(child.itertext())
        if tag_of(after) == "br":
            beyond = after.getnext()
            following = (after.tail or "").strip() or (
                "".join(beyond.itertext()) if beyond is not None and tag_of(beyond) else ""
            )
            if _is_number_part(child, text) and _starts_title(following.lstrip()):
                joins[i] = ":"  # the <br> gives the space
            continue
        following = "".join(after.itertext())
        if text[-1:].isspace() or following[:1].isspace():
            continue
        if _LABEL_WORD.fullmatch(text.strip()) and _STARTS_NUMBER.match(following):
            joins[i] = " "
        elif _is_number_part(child, text) and _starts_title(following):
            joins[i] = ": "
    return joins


def _is_number_part(el: Any, text: str) -> bool:
    """A title span that is a chapter's number ("1", "IV", "Chapter 2"): a one-letter
    numeral ("I", "V") only where its class says so, as an initial is a letter too."""
    text = text.strip()
    if _TITLE_NUMBER.fullmatch(text) is None:
        return False
    return not text.isalpha() or len(text) > 1 or bool(_NUMBER_CLASS.search(" ".join(_classes(el))))


def _starts_title(text: str) -> bool:
    """Whether text opens as a title does after its number: a letter, not in lower case
    ("Arrival"; not "st", which runs on from "1")."""
    return text[:1].isalpha() and not text[:1].islower()


def _is_title_span(el: Any) -> bool:
    named = _TITLE_SPAN.search(" ".join(_classes(el)))
    return bool(named or _TITLE_PART.intersection(semantics(el)))


def _is_scene_break(el: Any) -> bool:
    """A paragraph or box with no text that holds a scene break's ornament or blank space,
    as its name or its image's says (`_SCENE_BREAK_NAME`), or an image whose alt text is
    marks only ("* * *"). Not one holding a heading (a chapter's title drawn as an image,
    in a box named for its ornament)."""
    if tag_of(el) not in ("p", "div", "figure") or (el.text or "").strip():
        return False
    if next(islice(el.iter(), _SCENE_BREAK_ELEMENTS, None), None) is not None:
        return False  # a box of more is no ornament, and is not searched for one
    if any(text.strip() for text in el.itertext()):
        return False
    names: list[str] = []
    for part in el.iter():
        if not isinstance(part.tag, str):
            continue
        if tag_of(part) in HEADINGS or tag_of(part) == "hgroup":
            return False
        names.extend(_classes(part))
        if tag_of(part) == "img":
            alt = (part.get("alt") or "").strip()
            if alt and not any(char.isalnum() for char in alt):
                return True
            names.extend((alt, part.get("src") or ""))
    return any(_SCENE_BREAK_NAME.search(name) for name in names)


def _ids(el: Any) -> list[str]:
    found = [el.get("id")]
    if tag_of(el) == "a":
        found.append(el.get("name"))  # the anchors of older (X)HTML
    return [i for i in found if i]


def _source_lines(parts: list[str], ctx: _Context) -> bool:
    """Whether the source's line ends are the text's lines: in a <pre>, and in verse that
    ends none of its lines with a <br> (each line a span on a line of its own)."""
    return ctx.pre or (ctx.verse and _LINE_END not in parts)


def _short_lines(text: str) -> bool:
    """Whether a paragraph's <br>s set it as short lines (`_BREAK`)."""
    if _BREAK not in text:
        return False
    lines = [" ".join(line.split()) for line in text.split(_BREAK)]
    lines = [line for line in lines if line]
    return len(lines) >= _LINES_AT_LEAST and all(len(line) <= _SHORT_LINE for line in lines)


def _paragraph_runs(parts: list[str], ctx: _Context) -> list[list[str]]:
    """Collected text cut into paragraphs where two <br>s or more stand with no text
    between, as an old page ends its paragraphs (`<BR><BR>`, never a `<P>`): one
    paragraph, the pause between them was lost. Verse's and a <pre>'s are a stanza's
    or the source's blank lines, and stay."""
    if ctx.verse or ctx.pre:
        return [parts]
    runs: list[list[str]] = [[]]
    breaks = 0
    for part in parts:
        if part in (_BREAK, _LINE_END):
            breaks += 1
        elif part.strip():
            if breaks > 1:
                runs.append([])
            breaks = 0
        runs[-1].append(part)
    if len(runs) > 1 and _stanzas(parts, runs):  # each keeps its lines, as the whole would
        runs = [[_LINE_END if part == _BREAK else part for part in run] for run in runs]
    return [apart for run in runs for apart in _label_apart(run)]


def _stanzas(parts: list[str], runs: list[list[str]]) -> bool:
    """Whether paragraphs cut apart are a poem's stanzas: short lines all (as `_finished`
    reads one paragraph's), two or more in each; couplets read as prose otherwise. A
    paragraph of one line among them ("Eggs were laid.") makes them prose."""
    return _short_lines("".join(parts)) and all(_line_count(run) >= 2 for run in runs)


def _line_count(run: list[str]) -> int:
    return sum(1 for line in "".join(run).split(_BREAK) if line.strip())


def _label_apart(run: list[str]) -> list[list[str]]:
    """A paragraph's first line apart where it is a chapter's label (`<B>CHAPTER II</B><BR>`
    over the chapter's first words, an old page's heading): it ran on into them ("CHAPTER
    II Morning came"), and no chapter began there."""
    first = next((i for i, part in enumerate(run) if part in (_BREAK, _LINE_END)), None)
    if first is None or len(line := "".join(run[:first])) > _LABEL_CHARS:
        return [run]
    if not is_chapter_line(_finished([line], False)):
        return [run]
    return [run[:first], run[first + 1 :]]


def _finished(parts: list[str], source_lines: bool) -> str:
    """Collected text as narrated: whitespace collapsed, the lines of verse, a quotation's
    broken lines and a <pre>'s lines kept (`source_lines`: the source's line ends too),
    the gaps left by removed references closed."""
    markers = (_LINE_END, _BREAK)
    text = "".join(
        p if p in markers else p.replace(_LINE_END, "").replace(_BREAK, "") for p in parts
    )
    text = text.replace(_BREAK, _LINE_END if _short_lines(text) else " ")
    if source_lines:
        text = text.replace("\n", _LINE_END)
    text = text.translate(_INVISIBLE)
    text = _SPACE_BEFORE_REMOVED.sub("", text).replace(_REMOVED, "")
    lines = (" ".join(line.split()) for line in text.split(_LINE_END))
    return "\n".join(line for line in lines if line)
