"""A manuscript as one web page a writing tool exported: what the tool writes besides the book.

Word ("Web Page" and "Web Page, Filtered"), Google Docs ("Web page"), LibreOffice Writer,
Pandoc and Markdown converters mark nothing with a note's type or class: notes and review
comments are told by their links (`linkednotes`, which EPUB documents go through too). Taken
out too: what a page prints around the text (the header and footer LibreOffice writes in,
with its page-number field), Word's tracked deletions and the bullets and numbers it types
before list items, and tables of contents. A heading's parts are joined as a title's: a
chapter's number over its title on a line of its own ("Chapter One<br>The Storm": "Chapter
One: The Storm"), and the number Pandoc's `--number-sections` sets before a heading (left
out where the heading says its own label: "Chapter One", "Prologue"; else "1" and "The
Storm" are "1: The Storm", read "Chapter 1: The Storm" as `headings` reads a number over a
title). The tree is changed in place, before `markup` reads it.
"""

import re
from itertools import islice
from typing import Any

from producer.readers import linkednotes, markup, matter
from producer.readers.archive import remove, text_before, text_of
from producer.readers.headings import join_number_line
from producer.readers.labels import is_chapter_label
from producer.readers.linkednotes import fragment, too_big
from producer.readers.markup import joined_title

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol"}
# Word's list item: a bullet ("·" in Symbol, "§" in Wingdings, "o" in Courier New) or a number
# typed before a spacer in 7-point type; in "Web Page", all of it in a span marked
# mso-list:Ignore.
_LIST_SPACER = re.compile(r"font:\s*7\.0pt", re.I)
_LIST_IGNORE = re.compile(r"mso-list:\s*ignore", re.I)
_MARKER_CHARS = 8  # "·", "1.", "iv.", "1.1.2."
_MARKER_NODES = 8  # the spans a marker and its spacer stand in, at the paragraph's start
# Word's contents: its TOC styles (TOC 1-9, TOC Heading).
_WORD_CONTENTS = re.compile(r"msotoc(?:\d|heading)", re.I)
_LINES_BEFORE = 4  # blank paragraphs a "Contents" line may stand over its entries, and one
# What may follow a contents entry's link: its page number, after leaders.
_PAGE_NUMBER = re.compile(r"[\s.·…_-]*(?:\d{1,4}|[ivxlc]{1,7})?\s*")
_TITLE_CLASSES = {"msotitle", "title"}  # Word's Title style; Google Docs' title
_SECTION_NUMBER = "header-section-number"  # Pandoc's, with `--number-sections`
_CHAPTER_NUMBER = re.compile(r"\d{1,3}")  # a top section's; "2.1" is a subsection's


def clean(body: Any) -> None:
    """Take out of `body` what the tool wrote that is not read, and mark its notes."""
    places = linkednotes.places(body)
    linkednotes.pair(body)
    for el in list(body.iter("div", "sdfield", "del")):
        if _not_read(el):
            remove(el, keep_tail=True)
    _drop_list_marks(body)
    _drop_contents(body, {name: el for name, el in places.items() if _lands_on_heading(el)})
    for heading in body.iter(*_HEADINGS):
        join_number_line(heading)
        _read_section_number(heading)


def styled_title(body: Any) -> str:
    """The text of the first paragraph in the document's Title style, or ""."""
    titled = (p for p in body.iter("p") if _TITLE_CLASSES.intersection(_classes(p)))
    return next((text for p in titled if (text := text_of(p))), "")


def drop_before(marker: Any, top: Any) -> None:
    """Remove `marker` and all that precedes it inside `top` (its tail stays)."""
    node = marker
    while node is not top:
        parent = node.getparent()
        for sibling in list(node.itersiblings(preceding=True)):
            parent.remove(sibling)
        parent.text = None
        node = parent
    remove(marker, keep_tail=True)


def _not_read(el: Any) -> bool:
    """LibreOffice's page header and footer and page-number field, Word's tracked
    deletions (a <del> of the author's own, with no reviser or date, is read)."""
    tag = markup.tag_of(el)
    if tag == "div" and el.get("title") in ("header", "footer"):
        return _at_the_edge(el, el.get("title") == "header")
    if tag == "sdfield" and (el.get("type") or "").upper() == "PAGE":
        return True
    return tag == "del" and (el.get("cite") is not None or el.get("datetime") is not None)


def _at_the_edge(el: Any, top: bool) -> bool:
    """Whether a box stands where LibreOffice writes a page's header (the body's first text)
    or footer (its last); one elsewhere, with a tooltip "header", is the text's."""
    parent = el.getparent()
    if parent is None or markup.tag_of(parent) != "body":
        return False
    if top and (parent.text or "").strip():
        return False
    others = el.itersiblings(preceding=top)
    return not any(text_of(other) or (other.tail or "").strip() for other in others) and (
        top or not (el.tail or "").strip()
    )


# Headings


def _read_section_number(heading: Any) -> None:
    """Pandoc's section number before a heading (`<span class="header-section-number">1
    </span> Chapter One`): not read where the heading says its own label or names a part;
    a top section's number is the title's ("1: The Storm"); a subsection's ("2.1") is read
    as written."""
    span = next((s for s in heading.iter("span") if _SECTION_NUMBER in _classes(s)), None)
    before = _text_before(span, heading) if span is not None else None
    if span is None or before is None:
        return
    number = text_of(span)
    rest = "".join(heading.itertext())[len(before) + len("".join(span.itertext())) :].strip()
    if is_chapter_label(rest) or matter.kind_of(rest):
        span.tail = (span.tail or "").lstrip()
        remove(span, keep_tail=True)
    elif _CHAPTER_NUMBER.fullmatch(number) and rest:
        span.tail = joined_title([number, (span.tail or "").lstrip()])
        remove(span, keep_tail=True)


# Lists


def _drop_list_marks(body: Any) -> None:
    """Word's bullets and numbers before list items' text; a numbered heading keeps its
    number, which is the chapter's."""
    for span in list(body.iter("span")):
        style = span.get("style") or ""
        if _LIST_IGNORE.search(style) and not _in_heading(span):
            remove(span, keep_tail=True)
        elif _is_spacer(span, style):
            _drop_marker(span)


def _is_spacer(span: Any, style: str) -> bool:
    """Word's spacer after a list item's bullet or number: blank, in 7-point type."""
    if not _LIST_SPACER.search(style) or len(span) or (span.text or "").strip():
        return False
    return span.getparent() is not None and not _in_heading(span)


def _drop_marker(spacer: Any) -> None:
    """The spacer and the bullet or number before it, where they open their paragraph."""
    paragraph = next((a for a in spacer.iterancestors() if markup.tag_of(a) in ("p", "li")), None)
    before = _text_before(spacer, paragraph) if paragraph is not None else None
    if before is not None and _is_marker(before.strip()):
        drop_before(spacer, paragraph)


def _is_marker(text: str) -> bool:
    """A list's bullet or number as Word types it: one character ("·", "§", "o"), or a
    number or letter with its stop ("1.", "iv.", "(a)", "1.1.2."); not words ("He said")."""
    if len(text) > _MARKER_CHARS or any(char.isspace() for char in text):
        return False
    return len(text) <= 1 or text.endswith((".", ")")) or any(map(str.isdigit, text))


def _in_heading(el: Any) -> bool:
    return any(markup.tag_of(a) in _HEADINGS for a in el.iterancestors())


def _text_before(el: Any, top: Any) -> str | None:
    return text_before(el, top, _MARKER_NODES)


# Contents


def _drop_contents(body: Any, headings: dict[str, Any]) -> None:
    """A table of contents: Word's TOC paragraphs, and paragraphs or list items that are only
    links to the book's `headings` after them (with a page number after each, or not), one
    under another, with the "Contents" line over them. A lone link to a chapter ("See
    Chapter One"), or lines linking back to chapters read before, are the text's."""
    order = {el: i for i, el in enumerate(body.iter())}
    # A heading taken out with what holds it (a tracked deletion, LibreOffice's page
    # header) is not the book's: a line linking to it is no entry.
    headings = {name: el for name, el in headings.items() if el in order}
    lines = list(body.iter("p", "li"))
    word = {el for el in lines if _WORD_CONTENTS.match(" ".join(_classes(el)))}
    linked = {el for el in lines if el not in word and _is_entry(el, headings, order)}
    linked -= _the_texts(linked)
    entries = word | {el for el in linked if _in_run(el, linked) or _listed(el)}
    # Last first: a nested list's entries go before the entry over them is weighed.
    for entry in reversed([el for el in lines if el in entries]):
        title = _line_before(entry)
        if title is None and (top := _outer_list(entry)) is not None:
            title = _line_before(top)  # the list's first entry: the line over the list
        if title is not None and _names_contents(title):
            remove(title, keep_tail=True)
        remove(entry, keep_tail=True)


def _the_texts(linked: set[Any]) -> set[Any]:
    """Lines linking on to headings that are the text's: a list with an item that is no
    entry (a link back, words besides the link: Node.js's "Possible signatures:"), and lines
    ending the sentence over them ("It is used in:"; "Contents:" is over contents)."""
    texts = set()
    lists: dict[Any, bool] = {}  # each list: whether it is the text's
    for el in linked:
        top = _outer_list(el)
        if top is not None:
            if top not in lists:
                items = (li for li in top.iter("li") if text_of(li))
                lists[top] = any(li not in linked for li in items) or _introduces(_line_before(top))
            if lists[top]:
                texts.add(el)
            continue
        line = _line_before(el)
        while line is not None and line in linked:
            line = _line_before(line)
        if _introduces(line):
            texts.add(el)
    return texts


def _outer_list(el: Any) -> Any:
    """The outermost list a list item stands in (its lists and items nested); None for a
    line in no list."""
    top = None
    for ancestor in el.iterancestors():
        tag = markup.tag_of(ancestor)
        if tag in _LISTS:
            top = ancestor
        elif tag != "li":
            break
    return top


def _listed(entry: Any) -> bool:
    """Whether an entry stands in a list of entries (`_the_texts` left no other): one
    alone between sub-lists nested beside it, as npm's pages write them, is among them."""
    top = _outer_list(entry)
    return top is not None and sum(1 for li in top.iter("li") if text_of(li)) > 1


def _introduces(line: Any) -> bool:
    """A line a list ends ("It is used in:"), not a "Contents:" line over its entries."""
    if line is None:
        return False
    words = text_of(line).rstrip()
    return words.endswith(":") and matter.kind_of(words) != "toc"


def _in_run(entry: Any, linked: set[Any]) -> bool:
    """Whether a contents entry stands among others: beside one (blank lines between), or
    over or under one in a nested list."""
    beside = (_line_before(entry), _line_after(entry))
    if any(line in linked for line in beside if line is not None):
        return True
    if any(el in linked for el in entry.iterancestors()):
        return True
    return any(el in linked for el in entry.iterdescendants())


def _lands_on_heading(el: Any) -> bool:
    """Whether a link to `el` lands on a heading: it is one, stands in one, or opens a
    section with one."""
    if markup.tag_of(el) in _HEADINGS or _in_heading(el):
        return True
    first = next(iter(el), None)
    return first is not None and markup.tag_of(first) in _HEADINGS and not (el.text or "").strip()


def _is_entry(el: Any, headings: dict[str, Any], order: dict[Any, int]) -> bool:
    if too_big(el):
        return False
    links = [a for a in el.iter("a") if fragment(a) in headings]
    if not links or any(order[headings[fragment(a)]] < order[el] for a in links):
        return False
    return _PAGE_NUMBER.fullmatch(_text_outside(el, links)) is not None


def _text_outside(el: Any, links: list[Any]) -> str:
    parts = [el.text or ""]
    for child in el:
        if not any(child is link for link in links):
            parts.append(_text_outside(child, links))
        parts.append(child.tail or "")
    return "".join(parts)


def _line_before(entry: Any) -> Any:
    """The nearest element with text before a contents entry, among its few siblings before
    it (blank paragraphs between)."""
    before = islice(entry.itersiblings(preceding=True), _LINES_BEFORE)
    return next((el for el in before if text_of(el)), None)


def _line_after(entry: Any) -> Any:
    """The nearest element with text after a contents entry, among its few siblings after
    it."""
    after = islice(entry.itersiblings(), _LINES_BEFORE)
    return next((el for el in after if text_of(el)), None)


def _names_contents(el: Any) -> bool:
    """A "Contents" line over the entries; a heading saying it stays, to make its section."""
    heading = any(markup.tag_of(d) in _HEADINGS for d in el.iter())
    return not heading and matter.kind_of(text_of(el)) == "toc"


def _classes(el: Any) -> list[str]:
    return (el.get("class") or "").lower().split()
