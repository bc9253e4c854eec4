"""A section's heading where a tool set it as something other than one heading element.

Vellum sets a chapter's number over its title in an element of its own ("1", then the
title's `<h1>`), and other tools a number's heading over the title's; InDesign and Calibre
set headings as paragraphs styled to look like them (`<p class="Chapter-Title">`,
`<p class="calibre1">`), and split one over two ("Chapter One", then "The Storm"); a
designer opens a chapter with an ornament over its heading. Read as they stood, the number
was a paragraph of its own, the title the table of contents gives was said again by the
paragraph under it, and the heading opened no section. At the places a section may start
(`opened`), those lines are its heading:

- a chapter's number alone ("1", "Chapter 2", "IV.") over a heading: one title ("1" over
  "Arrival" is "1: Arrival", read "Chapter 1: Arrival");
- the first line or two that say what the TOC calls the section ("Chapter One"; "Chapter
  One" over "The Storm" for "The Storm" or "Chapter One: The Storm");
- where no TOC entry names the place, a line that is a chapter's label ("CHAPTER ONE",
  "Chapter 4: The Storm") or names a part of the book ("Contents", "Prologue"), with the
  line under a label alone where it is set as a title ("CHAPTER I" over "THE HARBOUR":
  "CHAPTER I: THE HARBOUR");
- a scene break over the heading is no pause: the heading has its own.

A heading element with its number on a line of its own over its title ("CHAPTER I<br/>A
MORNING BATH") is one title, "CHAPTER I: A MORNING BATH" (`join_number_line`, for the EPUB
and HTML readers' trees before `markup` reads them).
"""

import re
from dataclasses import replace
from typing import Any

from producer.readers import markup, matter
from producer.readers.archive import remove, text_before
from producer.readers.book import SCENE_BREAK
from producer.readers.labels import NUMBER
from producer.readers.markup import HEADING, TEXT, Block, joined_title

_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HEADING_NODES = 8  # the elements a heading's number line may stand in, before its <br>
# A chapter's number, alone or after its word: "1", "IV.", "Chapter Two", "PART 3".
_NUMBERED = re.compile(rf"(?:(?:chapter|part|book|volume)\s+)?{NUMBER}[.:]?", re.I)
# A chapter's label as a line of its own, its title short and no sentence ("Chapter 4: The
# Storm", not "Chapter 3 was where it went wrong": a title goes on in no lower case).
_LABEL = re.compile(
    rf"(?:chapter|part|book|volume)\s+{NUMBER}\b[.:]?(?:\s+(?-i:[^\sa-z]).{{0,70}}(?<![.,;]))?",
    re.I,
)
_PART_NUMBER = re.compile(r"(?:part|book|volume)\b", re.I)
_TITLE_WORDS = 30  # the most words a line said as a title may have
_UNNAMED_WORDS = 12  # ... where no TOC entry names it
# How a sentence ends, not a title; a title may ask or exclaim ("Whose Body?").
_NO_TITLE_END = tuple(".,;:…")
# Words a title leaves in lower case: "A Letter with a Postscript".
_SMALL_WORDS = frozenset(
    {
        *("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor"),
        *("of", "on", "onto", "or", "over", "the", "to", "upon", "with"),
    }
)


def opened(blocks: list[Block], places: dict[int, str]) -> list[Block]:
    """A file's blocks with the opening of each place a section may start (its block, with
    the TOC's label for it, "" where none names it) made its heading."""
    found: list[Block] = []
    starts = sorted(places)
    for start, end in zip(starts, [*starts[1:], len(blocks)], strict=True):
        count, heading = _opening(blocks[start:end], places[start])
        found.extend([heading] if heading is not None else [])
        found.extend(blocks[start + count : end])
    return blocks[: starts[0]] + found if starts else list(blocks)


def _opening(blocks: list[Block], label: str) -> tuple[int, Block | None]:
    """How many blocks open a section as its heading, and that heading (None where none)."""
    breaks = 0
    while breaks < len(blocks) and blocks[breaks].text == SCENE_BREAK:
        breaks += 1
    lines = blocks[breaks : breaks + 2]
    count, heading = _heading(lines, label, blocks[breaks + 2 :])
    if heading is None and breaks and lines and lines[0].kind == HEADING:
        count, heading = 1, lines[0]  # an ornament over the heading
    if heading is None:
        return 0, None
    ids = tuple(i for block in blocks[: breaks + count] for i in block.ids)
    return breaks + count, replace(heading, ids=ids)


def _heading(lines: list[Block], label: str, rest: list[Block]) -> tuple[int, Block | None]:
    """How many of a section's first lines (two at most) are its heading, and the heading
    they make (None where they are none); `rest`, what follows them in the section. A
    number's heading the TOC calls the section by alone is its title alone."""
    if not lines or not _line(lines[0], _TITLE_WORDS):
        return 0, None
    first = lines[0]
    second = lines[1] if len(lines) > 1 and _line(lines[1], _TITLE_WORDS) else None
    numbered = bool(_NUMBERED.fullmatch(first.text))
    alone = first.kind == HEADING and bool(label) and _key(label) == _key(first.text)
    if second is not None and numbered and not alone and _over_title(first, second, rest):
        return 2, _merged(first, second)
    if label:
        key = _key(label)
        both = second is not None and key == _key(first.text + second.text)
        if second is not None and (both or (numbered and key == _key(second.text))):
            return 2, _merged(first, second)
        if first.kind == TEXT and key == _key(first.text):
            return 1, replace(first, kind=HEADING)
    elif first.kind == TEXT and _names_part(first.text):
        if second is not None and _title_under_label(first, second):
            return 2, _merged(first, second)
        return 1, replace(first, kind=HEADING)
    return 0, None


def is_number_line(text: str) -> bool:
    """A line that is only a chapter's number, after its label or not ("1", "IV.",
    "Chapter Two")."""
    return bool(_NUMBERED.fullmatch(text))


def join_number_lines(root: Any) -> None:
    """Every heading under `root` whose number stands on a line of its own over its title,
    joined as `join_number_line` joins one."""
    for heading in [el for el in root.iter() if markup.tag_of(el) in _HEADING_TAGS]:
        join_number_line(heading)


def join_number_line(heading: Any) -> None:
    """A chapter's number on a line of its own over its title ("Chapter One<br>The Storm",
    "CHAPTER I<br/>A MORNING BATH"): the line's end is the title's join ("Chapter One: The
    Storm"), which the voice pauses at; read as written, the <br> was a space. A title
    broken for looks ("The Long<br>Goodbye") is left one line. The heading (HTML or
    XHTML, namespaced or not) is changed in place, before `markup` reads it."""
    br = next((el for el in heading.iter() if markup.tag_of(el) == "br"), None)
    before = text_before(br, heading, _HEADING_NODES) if br is not None else None
    if br is None or before is None or not is_number_line(before.strip()):
        return
    after = "".join(heading.itertext())[len(before) :].strip()
    if not after or is_number_line(after):
        return
    _strip_before(br)
    number = before.strip()
    br.tail = joined_title([number, (br.tail or "").lstrip()])[len(number) :]
    remove(br, keep_tail=True)


def _strip_before(el: Any) -> None:
    """The spaces before `el` taken out (its previous sibling's tail, or its parent's
    text)."""
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip()
    else:
        parent = el.getparent()
        parent.text = (parent.text or "").rstrip()


def _line(block: Block, words: int) -> bool:
    """A line that may be a title: a heading or paragraph of the text, short."""
    plain = block.kind in (HEADING, TEXT) and not block.note and block.text != SCENE_BREAK
    return plain and "\n" not in block.text and len(block.text.split()) <= words


def _over_title(number: Block, title: Block, rest: list[Block]) -> bool:
    """A chapter's number over its title's heading: a paragraph over one, or a heading
    over one of higher rank, or of its own or a lower one where no more of that rank
    follow in its section (not over a subsection's, the first of several). A part's
    number over a lower heading is over its first chapter's, not its title."""
    if title.kind != HEADING or _NUMBERED.fullmatch(title.text):
        return False
    if number.kind == TEXT or 0 < title.level < number.level:
        return True
    if title.level > number.level and _PART_NUMBER.match(number.text):
        return False
    apart = 0 < number.level <= title.level
    return apart and not any(b.kind == HEADING and b.level == title.level for b in rest)


def joined_numbers(blocks: list[Block]) -> list[Block]:
    """A document's blocks with each heading that is a chapter's number alone over its
    title's heading made one title: an old page's `<h2>CHAPTER I</h2><h3>The Storm</h3>`,
    "CHAPTER I: The Storm". Read apart, the number was a chapter of its title alone, or a
    part over a chapter."""
    joined: list[Block] = []
    at = 0
    while at < len(blocks):
        number = blocks[at]
        if number.kind == HEADING and _NUMBERED.fullmatch(number.text) and at + 1 < len(blocks):
            rest = blocks[at + 2 : _section_end(blocks, at)]
            if _over_title(number, blocks[at + 1], rest):
                joined.append(_merged(number, blocks[at + 1]))
                at += 2
                continue
        joined.append(number)
        at += 1
    return joined


def _section_end(blocks: list[Block], at: int) -> int:
    """Where the section the heading at `at` opens ends: at the next heading of its rank
    or a higher one."""
    level = blocks[at].level
    after = (i for i in range(at + 1, len(blocks)) if _opens_over(blocks[i], level))
    return next(after, len(blocks))


def _opens_over(block: Block, level: int) -> bool:
    return block.kind == HEADING and 0 < block.level <= level


def _title_under_label(label: Block, title: Block) -> bool:
    """A paragraph that is a chapter's title under a paragraph that is its label alone
    ("CHAPTER I" over "THE HARBOUR", Calibre's two `<p class="calibre3">`), set as a title
    is (`reads_as_title`). Read as it stood, the title was the chapter's first line of
    text."""
    if label.kind != TEXT or title.kind != TEXT or not _NUMBERED.fullmatch(label.text):
        return False
    return reads_as_title(title.text)


def reads_as_title(text: str) -> bool:
    """A line set as a chapter's title is, under its label: in capitals or with each word
    but small ones capitalized, no sentence (it ends with no full stop or comma, begins
    with no quotation mark), and no label or part's name itself."""
    words = text.split()
    if not words or len(words) > _UNNAMED_WORDS or _names_part(text) or _NUMBERED.fullmatch(text):
        return False
    if text.endswith(_NO_TITLE_END) or not text[0].isalnum():
        return False
    if text.upper() == text:
        return True
    return all(w[0].isupper() or w.casefold() in _SMALL_WORDS for w in words if w[0].isalpha())


def _merged(first: Block, second: Block) -> Block:
    level = min((b.level for b in (first, second) if b.level), default=0)
    text = joined_title([first.text, second.text])
    return replace(first, kind=HEADING, text=text, level=level, ids=first.ids + second.ids)


def _names_part(text: str) -> bool:
    """A line that, alone, is a heading: a chapter's label or a part's name."""
    short = len(text.split()) <= _UNNAMED_WORDS
    return short and bool(_LABEL.fullmatch(text) or matter.kind_of(text))


def _key(text: str) -> str:
    """Text as a title is compared: letters and digits only, in any case."""
    return re.sub(r"[\W_]+", "", text.casefold())
