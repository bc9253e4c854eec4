"""A DOCX body's paragraphs as text: in body order through content controls, tracked
changes read as accepted, runs as they show (hidden text, field codes and results not read,
symbols, a note's mark), drop caps, and a heading's number from its list.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from producer.readers.docxparts import (
    TITLE,
    Numbering,
    Styles,
    attr,
    child,
    list_of,
    local,
    named_level,
    on,
    outline_level,
    toggle,
    val,
)
from producer.readers.labels import CHAPTER_LABEL
from producer.readers.markup import raised_mark, read_raised

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
class Para:
    """A paragraph as read: its text (lines joined by newlines) and what it is."""

    text: str
    level: int | None = None  # TITLE, a heading level, or None for body text
    front: bool = False  # Title or Subtitle: title-page material
    own: str | None = None  # a numbered heading's own text, its number left out
    typed: bool = False  # a heading typed as body text, a chapter's label


@dataclass(frozen=True)
class Table:
    """Where a table was, with its cells' paragraphs: never narrated, but a manuscript's
    cover page or a title page may be laid out in one (`docxchapters`)."""

    paras: tuple[Para, ...] = ()
    titled: bool = False  # held the book's Title paragraph, taken out of it before it


Block = Para | Table


# Paragraphs and their text


def blocks(
    container: Any, styles: Styles, numbering: Numbering, fields: list[str] | None = None
) -> Iterator[Block]:
    """Paragraphs and table markers in body order, through content controls. A drop cap,
    which Word sets as a paragraph of its own in a frame, opens the paragraph after it; the
    entries of a table of contents field are not read. `fields`: the instructions of the
    fields open (a field may run over many paragraphs)."""
    fields = [] if fields is None else fields
    cap = ""
    for name, node in _children(container):
        if name == "p" and any([_in_contents_field(p, fields) for p in node]):
            continue
        if name == "p" and _is_drop_cap(node[-1]):
            cap += "".join(_clean(paragraph_text(node[-1], styles)).split())
        elif name == "p":
            for run_on in _accepted(node, styles):
                para = _paragraph(run_on, styles, numbering)
                if para is not None:
                    yield replace(para, text=cap + para.text) if cap else para
                    cap = ""
        elif name == "tbl":
            yield _table(node, styles, numbering)
        elif name == "sdt":
            yield from _control(node, styles, numbering, fields)
        elif name == "customXml":
            yield from blocks(node, styles, numbering, fields)


def _table(table: Any, styles: Styles, numbering: Numbering) -> Table:
    """A table's paragraphs row by row, cell by cell, a nested table's in its place. A
    field open around the table is not followed into its cells: they are only looked at
    for a cover page, and the body's paragraphs after the table read the same."""
    paras: list[Para] = []
    for row in (r for r in table if local(r) == "tr"):
        for cell in (c for c in row if local(c) == "tc"):
            for block in blocks(cell, styles, numbering, []):
                paras.extend(block.paras if isinstance(block, Table) else (block,))
    return Table(tuple(paras))


def _children(container: Any) -> Iterator[tuple[str, Any]]:
    """A container's children by local name, each paragraph as a list of w:p: a paragraph
    whose mark is a tracked deletion (an editor joined it to the next, and left the change
    unaccepted) runs on into the next paragraph, as the page reads once it is accepted."""
    joined: list[Any] = []
    for node in container:
        name = local(node)
        if name == "p":
            joined.append(node)
            if not _mark_removed(node):
                yield name, joined
                joined = []
            continue
        if joined:  # nothing to run on into (a table): it stays a paragraph
            yield "p", joined
            joined = []
        yield name, node
    if joined:
        yield "p", joined


def _mark_removed(p: Any) -> bool:
    """Whether a paragraph's mark is a tracked deletion, or moved away with text after it."""
    mark = child(p, "pPr", "rPr")
    return mark is not None and any(local(c) in ("del", "moveFrom") for c in mark)


def _control(sdt: Any, styles: Styles, numbering: Numbering, fields: list[str]) -> Iterator[Block]:
    """The blocks of a content control: none for a table of contents or a placeholder
    still unfilled; a cover page's (Word's Cover Pages gallery) are the title page's."""
    content = child(sdt, "sdtContent")
    if content is None or _is_contents(sdt) or (_is_placeholder(sdt) and _is_prompt(content)):
        return
    cover = _gallery(sdt).startswith("cover page")
    for block in blocks(content, styles, numbering, fields):
        yield replace(block, front=True) if cover and isinstance(block, Para) else block


def _in_contents_field(p: Any, fields: list[str]) -> bool:
    """Whether any of a paragraph is inside a TOC field (Word's table of contents, when not
    in a content control), following its fields' starts and ends in `fields`."""
    inside = _is_contents_field(fields)
    for element in p.iter():
        name = local(element)
        kind = attr(element, "fldCharType") if name == "fldChar" else None
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
    return (val(sdt, "sdtPr", "docPartObj", "docPartGallery") or "").lower()


def _is_placeholder(sdt: Any) -> bool:
    """Whether a content control shows its placeholder, a template's prompt that Word greys
    until the author types over it ("Click or tap here to enter text.")."""
    return on(sdt, "sdtPr", "showingPlcHdr")


def _is_prompt(content: Any) -> bool:
    """Whether a content control marked as showing its placeholder holds a prompt, one
    paragraph at most ("Click or tap here to enter text.", "[Type the abstract]"): a
    control holding paragraphs of text (a chapter) was filled by a tool that left the mark
    (a template filled by a program, an editor that does not know it), and is read."""
    written = 0
    for p in (el for el in content.iter() if local(el) == "p"):
        written += any((t.text or "").strip() for t in p.iter() if local(t) == "t")
        if written > 1:
            return False
    return True


def _is_drop_cap(p: Any) -> bool:
    """Whether a paragraph is a drop cap: a frame holding a word's first letter or letters."""
    frame = child(p, "pPr", "framePr")
    return frame is not None and attr(frame, "dropCap") in ("drop", "margin")


def paragraph_text(p: Any, styles: Styles) -> str:
    """A paragraph's text as the page shows it, in the body or a header: no deletions,
    hidden runs or field codes, tabs as spaces."""
    pieces: list[str] = []
    # A hidden paragraph style hides its runs, but a run may show itself (w:vanish off).
    _gather(p, styles, pieces, _Runs(styles.hidden.get(_style_of(p, styles), False)))
    return "".join(pieces)


def _accepted(joined: list[Any], styles: Styles) -> list[list[tuple[Any, str]]]:
    """Paragraphs run on by tracked deletions of their marks (`_children`), each with its
    text, as one paragraph or more: two with text of their own run on only where both are
    body text or headings of one level. A heading's mark deleted over the text under it, or
    a body paragraph's over the next chapter's heading, is a slip of an editor's selection,
    and which of the two styles the page keeps once accepted is Word's to say: read as one,
    a chapter's heading went unheard inside its text, or its last words became a heading."""
    if len(joined) == 1:
        return [[(joined[0], paragraph_text(joined[0], styles))]]
    runs: list[list[tuple[Any, str]]] = []
    levels: list[int | str | None] = []  # the level of each run's text; "" while it has none
    for p in joined:
        style = _style_of(p, styles)
        text = "" if style in styles.unread else paragraph_text(p, styles)
        level = _level_of(p, style, styles) if text.strip() else ""
        if not runs or (level != "" and levels[-1] != "" and level != levels[-1]):
            runs.append([])
            levels.append("")
        runs[-1].append((p, text))
        levels[-1] = levels[-1] if level == "" else level
    return runs


def _style_of(p: Any, styles: Styles) -> str:
    return val(p, "pPr", "pStyle") or styles.default


def _level_of(p: Any, style: str, styles: Styles) -> int | None:
    level = outline_level(p)
    if level is None:
        # A file without styles.xml still names the built-in styles by their ids.
        level = styles.levels.get(style, named_level(style))
    return level


def _paragraph(run_on: list[tuple[Any, str]], styles: Styles, numbering: Numbering) -> Para | None:
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
    list_id, index = list_of(p) or styles.numbered.get(style) or ("", None)
    number = numbering.next(list_id, index, style)  # every item counts, heard or not
    if not (number and level is not None and level > TITLE):
        return Para(own, level, style in styles.front) if own else None
    return Para(_numbered(number, own), level, style in styles.front, own=own)


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
    return text if typed else joined_title(number, text)


def joined_title(label: str, title: str) -> str:
    """A label and the title under it as one title: "Chapter One: The Storm", "II. The Calm"."""
    return label + (" " if label.endswith((".", ":", "!", "?", "—")) else ": ") + title


def _gather(element: Any, styles: Styles, out: list[str], runs: "_Runs") -> None:
    """The visible text under `element`, in order, appended to `out`; `runs`: its
    paragraph's, the fields open in it followed as their characters pass."""
    for node in element:
        name = local(node)
        if name in ("fldChar", "instrText"):
            runs.follow(node, name)
            continue
        if not name or name in _UNREAD or (name == "r" and _hidden(node, styles, runs.hidden)):
            continue
        if name in _SHOWN and runs.in_unread_field():
            continue
        if name == "sdt" and _is_placeholder(node):
            continue
        if name == "fldSimple" and _is_unread_field(attr(node, "instr") or ""):
            continue
        if name == "r" and _custom_note_mark(node):
            continue
        if name == "r" and val(node, "rPr", "vertAlign") == "superscript":
            out.append(_raised_run(node, styles, "".join(out), runs))
        elif name == "t":
            out.append(node.text or "")
        elif name in ("tab", "ptab"):
            out.append(" ")
        elif name in ("br", "cr"):
            out.append("\n" if attr(node, "type") in _LINE_BREAKS else " ")
        elif name == "noBreakHyphen":
            out.append("-")
        elif name == "sym":
            out.append(_symbol(node))
        else:
            _gather(node, styles, out, runs)


@dataclass
class _Runs:
    """A paragraph's runs as they are read: whether its style hides them, and the complex
    fields (w:fldChar begin, instruction, separate, result, end) open, the innermost last:
    each its instruction so far and whether its result has begun."""

    hidden: bool = False
    open: list[tuple[str, bool]] = field(default_factory=list)

    def follow(self, element: Any, name: str) -> None:
        kind = attr(element, "fldCharType") if name == "fldChar" else None
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
    code = attr(sym, "char") or ""
    if not _SYMBOL_CODE.fullmatch(code):
        return " "
    number, font = int(code, 16), (attr(sym, "font") or "").strip().lower()
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
    for node in run:
        if local(node) in _NOTE_REFERENCES:
            return (attr(node, "customMarkFollows") or "").lower() in ("1", "true", "on")
    return False


def _raised_run(run: Any, styles: Styles, before: str, runs: _Runs) -> str:
    """A raised run of a note's mark or a power, read as HTML's are (`markup.read_raised`):
    a note's mark typed as a raised number is left out, a power ("m²") is read."""
    text: list[str] = []
    _gather(run, styles, text, runs)
    raised = "".join(text)
    return read_raised(before, raised) if raised_mark(raised) else raised


def _hidden(run: Any, styles: Styles, by_paragraph: bool) -> bool:
    """Whether a run is hidden text (w:vanish): as the run says, on or off, else as its
    character style or the nearest it is based on says, else as its paragraph's style
    (`by_paragraph`) does. A run in a contents entry's style is not read either."""
    character = val(run, "rPr", "rStyle") or ""
    if character in styles.unread:
        return True
    own = toggle(run, "rPr", "vanish")
    return own if own is not None else styles.hidden.get(character, by_paragraph)


def _clean(text: str) -> str:
    """One line per line break, spaces collapsed; a prose paragraph becomes one line."""
    lines = (" ".join(line.replace("\xad", "").split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
