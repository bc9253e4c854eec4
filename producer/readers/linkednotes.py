"""Notes no type or class marks, told by their links: a short link in the text that reads as
a mark ("1", "[ii]", "*", or raised) to a place after it that links back to it as shortly.

Word (`_ftnref1`/`_ftn1`), Google Docs (`ftnt_ref1`/`ftnt1`), LibreOffice (`sdfootnote1anc`/
`sdfootnote1sym`), Pandoc and Markdown converters (`fnref1`/`fn1`) write notes so, in a web
page and in the EPUBs made from one. The mark and the block holding the note get a note's
role, so `markup` leaves the mark out and reads the note only in a section of notes; a
review comment (Google Docs' `cmnt1`, Word's `_msocom_1`) is taken out with its mark. The
tree is changed in place, before `markup` walks it.

One document at a time (`epub` passes each spine file): a mark linking into another file
(an EPUB's notes.xhtml) is not paired, and that file is notes where its type, class or name
says so. A link to another chapter is no mark either, nor one in a file of two chapters to
the other's heading (a note holds none).
"""

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import unquote

from producer.readers import markup
from producer.readers.archive import remove, text_of

# The mark of a note is short ("[iv]", "[JD1]", "*"); a longer link holding a link back is
# a cross-reference ("see the sidebar"), read. So is the link back from a note to its mark
# ("[1]", "↩"), where a chapter's label linking back to a mention of it is longer.
_MARK_CHARS = 8
# A mark's look: a number, a letter or a symbol, or a lower-case numeral (Word's endnotes,
# "iv"), or anything in brackets ("[JD1]", "[aa]"), or raised. A word linked both ways ("For
# <a>Jane</a>" and her thanks, a glossary's term, "Fig. 5" and its caption) is no mark.
_MARK_SHAPE = re.compile(
    r"[\[(]\s*[^\s\[\]()]{1,6}\s*[\])]|\d{1,4}|[a-z]|[*†‡§¶#]{1,3}|"
    r"(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
)
# A comment's place, Google Docs' ("cmnt1") and Word's ("_msocom_1").
_COMMENT = re.compile(r"(?:cmnt|_msocom_)\d+")
# A note's mark has a link back or two (Pandoc's to each of its marks); far more to one place
# is no note's.
_BACK_LINKS = 4
_NOTE_BLOCKS = {"p", "div", "li", "aside", "section", "dd"}
# Far above the elements of a note of a few paragraphs, or of a contents entry: a block
# holding more is neither, and is not searched through for every mark.
_MOST_ELEMENTS = 1_000
_HEADINGS = tuple(f"{{*}}h{level}" for level in range(1, 7))  # any namespace: XHTML's too
# The elements before a mark looked through, at each level, for the words it follows: more
# (a paragraph of thousands of marks) count as words, so no mark reads them all.
_NEAR = 16


@dataclass(frozen=True)
class _Links:
    """A document's links within itself."""

    places: dict[str, Any]  # the element each name lands on
    targets: dict[Any, str]  # the name each link lands on ("" for one to another file)
    back: dict[str, list[Any]]  # the links landing on each name


def pair(root: Any, here: str = "") -> None:
    """Mark each note in `root` and its mark, and take out each comment and its mark. `here`
    is the document's path in an EPUB, where a link naming its own file stays in it."""
    links = _links(root, here)
    if not links.back:
        return
    order = {el: i for i, el in enumerate(root.iter())}
    for mark in list(root.iter("{*}a")):
        note = _note_of(mark, links, order)
        if note is None:
            continue
        if _COMMENT.fullmatch(links.targets[mark]):
            remove(mark, keep_tail=True)
            remove(note, keep_tail=True)
        else:
            _add_role(mark, "doc-noteref")
            _add_role(note, "doc-footnote")


def places(root: Any) -> dict[str, Any]:
    """The elements a link can land on, by id (and a link's name, in older HTML)."""
    found: dict[str, Any] = {}
    for el in root.iter():
        for name in _names(el):
            found.setdefault(name, el)
    return found


def fragment(link: Any, here: str = "") -> str:
    """The name a link lands on in its own document: its fragment, where it names no file
    or (in an EPUB) its own file, `here`; "" for a link elsewhere."""
    path, _, name = (link.get("href") or "").partition("#")
    if path and not (here and _resolved(here, path) == here):
        return ""
    return unquote(name)


def too_big(el: Any) -> bool:
    """Whether an element holds more than a note or a contents entry ever does."""
    return next(islice(el.iter(), _MOST_ELEMENTS, None), None) is not None


def _links(root: Any, here: str) -> _Links:
    targets = {link: fragment(link, here) for link in root.iter("{*}a")}
    back = defaultdict(list)
    for link, name in targets.items():
        if name:
            back[name].append(link)
    return _Links(places(root), targets, dict(back))


def _resolved(here: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(path)))


def _note_of(mark: Any, links: _Links, order: dict[Any, int]) -> Any:
    """The note a link is the mark of, or None: a short link in a sentence to a place after
    it (the link at the note's head, back to the mark, is none) that links back to it."""
    target = links.places.get(links.targets[mark])
    if target is None or order[target] < order[mark] or not _looks_like_mark(mark):
        return None
    back = [link for name in _mark_names(mark) for link in links.back.get(name, [])]
    if not back or len(back) > _BACK_LINKS:
        return None
    back = [link for link in back if len(text_of(link)) <= _MARK_CHARS]
    if not back:
        return None
    note = _note_block(target, mark, back, links)
    # A contents entry's number opens its line, and may link to a line that links back.
    return note if note is not None and _words_before(mark, _block_of(mark)) else None


def _looks_like_mark(link: Any) -> bool:
    """Whether a link reads as a note's mark (`_MARK_SHAPE`), or is raised: in a <sup>, or
    its text all in one; short either way."""
    text = text_of(link)
    if len(text) > _MARK_CHARS:
        return False
    parent = link.getparent()
    raised = parent is not None and markup.tag_of(parent) == "sup"
    held = [child for child in link if markup.tag_of(child) == "sup"]
    raised = raised or (bool(held) and text == " ".join(text_of(sup) for sup in held))
    return raised or _MARK_SHAPE.fullmatch(text) is not None


def _names(el: Any) -> list[str]:
    """Where a link to `el` lands: its id, an <a>'s name, and the id of a <sup> or <span>
    holding only it (Python-Markdown's <sup id="fnref:1"><a ...>)."""
    if not isinstance(el.tag, str):  # a comment or processing instruction
        return []
    names = [el.get("id")]
    if markup.tag_of(el) == "a":
        names.append(el.get("name"))
        parent = el.getparent()
        if parent is not None and markup.tag_of(parent) in ("sup", "span") and len(parent) == 1:
            names.append(parent.get("id"))
    return [name for name in names if name]


def _mark_names(mark: Any) -> list[str]:
    """Where a note's link back to `mark` lands: the mark's names (`_names`), and those of
    an empty anchor right before it or its <sup> (Calibre's MOBI conversions:
    `<a id="filepos100"></a><a href="#filepos900"><sup>3</sup></a>`)."""
    names = _names(mark)
    raised = mark.getparent()
    beside = raised if raised is not None and _raised_alone(raised) else mark
    before = beside.getprevious()
    if before is not None and _empty_anchor(before) and not _letters(before.tail):
        names += _names(before)
    return names


def _raised_alone(el: Any) -> bool:
    """Whether `el` is a <sup> holding one element (the mark) and no words of its own."""
    return markup.tag_of(el) == "sup" and len(el) == 1 and not _letters(el.text)


def _empty_anchor(el: Any) -> bool:
    return (
        isinstance(el.tag, str)
        and markup.tag_of(el) == "a"
        and not el.get("href")
        and not len(el)
        and not (el.text or "").strip()
    )


def _note_block(target: Any, mark: Any, back: list[Any], links: _Links) -> Any:
    """The block holding a note's place and its link back to `mark`: the smallest holding
    both, grown to the largest that holds no other note, no heading and not the mark (Word's
    <div id=ftn1> of the note's paragraphs, and the rule over it); None where none does."""
    holders = {el for link in back for el in _self_and_up(link)}
    block = next((el for el in _self_and_up(target) if el in holders), None)
    while block is not None and markup.tag_of(block) not in _NOTE_BLOCKS:
        block = block.getparent()
    # A heading linking back to its contents entry ("I") is a chapter's, no note's.
    if block is None or _holds(block, mark) or _has_heading(block) or too_big(block):
        return None
    while (parent := block.getparent()) is not None:
        if not _one_note(parent, block, mark, back, links):
            break
        block = parent
    return block


def _one_note(el: Any, block: Any, mark: Any, back: list[Any], links: _Links) -> bool:
    """Whether `el`, holding a note's `block`, holds that note only: no link but back to
    `mark`, no mark, no heading, and no words before the note (a chapter's last paragraphs
    in the box the note closes are the chapter's)."""
    if markup.tag_of(el) not in _NOTE_BLOCKS or _holds(el, mark) or too_big(el):
        return False
    others = (a for a in el.iter("{*}a") if links.targets.get(a) and a not in back)
    if next(others, None) is not None or _has_heading(el):
        return False
    return not _words_before(block, el)


def _words_before(el: Any, top: Any) -> bool:
    """Whether words come before `el` inside `top`, an element holding it: looked for among
    the `_NEAR` elements before it at each level, not all the text before it, which a
    paragraph of thousands of marks would read once for each."""
    while el is not top and el is not None:
        before = list(islice(el.itersiblings(preceding=True), _NEAR + 1))
        if len(before) > _NEAR or any(map(_has_words, before)):
            return True
        el = el.getparent()
        if el is not None and _letters(el.text):
            return True
    return False


def _has_words(node: Any) -> bool:
    """Letters in a node's text or its tail (a comment's own text is no words)."""
    if _letters(node.tail):
        return True
    return isinstance(node.tag, str) and any(map(_letters, node.itertext()))


def _letters(text: str | None) -> bool:
    return any(char.isalpha() for char in text or "")


def _block_of(el: Any) -> Any:
    """The paragraph or other block an inline element stands in (None at the root)."""
    return next((a for a in el.iterancestors() if markup.tag_of(a) in markup.BLOCKS), None)


def _has_heading(el: Any) -> bool:
    return next(el.iter(*_HEADINGS), None) is not None


def _self_and_up(el: Any) -> list[Any]:
    return [el, *el.iterancestors()]


def _holds(el: Any, other: Any) -> bool:
    return el is other or any(a is el for a in other.iterancestors())


def _add_role(el: Any, role: str) -> None:
    el.set("role", f"{el.get('role') or ''} {role}".strip())
