"""Plain text and Markdown manuscripts.

What real files bring and we accept: a UTF-8 byte-order mark, CRLF line ends, a Project
Gutenberg header (with the e-text's credit under it) and licence footer (stripped, as
`gutenberg` tells them) and its page numbers, footnotes and illustrations (`pgmarks`),
Markdown markup (stripped to its text), its footnotes, tables and character references
(`mdblocks`) and its front matter (read as the book's metadata, `frontmatter`), lines
hard-wrapped at any width (prose made one line a paragraph, verse kept, `unwrap`).
Chapters come from Markdown headings, from lines like ``CHAPTER IV.`` or ``Chapter 4: Title``
(a title on the line under it or not), or from a numeral line followed by a title line, in
sequence; a text without any is one chapter. Footnotes taken out of the text are a section
of their own at the back. Each chapter's text starts with its heading, so the heading is
narrated and the marks' character offsets refer to exactly the text stored in the
manuscript.
"""

import bisect
import itertools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from typing import AnyStr

from config.errors import ManuscriptError
from config.manuscript import Metadata
from models.normalize import roman_to_int
from producer.readers import frontmatter, gutenberg, matter, mdblocks, pgmarks, published, unwrap
from producer.readers.book import (
    SCENE_BREAK,
    Book,
    Section,
    chapter_under_title,
    chapters_in_parts,
)
from producer.readers.markup import joined_title

log = logging.getLogger(__name__)


# Project Gutenberg's START and END lines (`gutenberg`), here only where they open a line.
# [ \t], not \s: from every blank line \s would run over all the blank lines after it.
_LINE_OPENS = r"^[ \t]*"
_GUTENBERG_START = re.compile(_LINE_OPENS + gutenberg.START.pattern, re.I | re.M)
_GUTENBERG_END = re.compile(_LINE_OPENS + gutenberg.END.pattern, re.I | re.M)
# The END line's forerunner ("End of the Project Gutenberg EBook of X"), which ends the book
# only in a Gutenberg e-text: a wrapped line of a book's may open "end of Project Gutenberg's".
_GUTENBERG_CLOSING = re.compile(
    rf"{_LINE_OPENS}(?:{gutenberg.END.pattern}|End of (the )?Project Gutenberg.*$)", re.I | re.M
)
# A Gutenberg e-text's first line, in every era's header ("The Project Gutenberg EBook of X",
# "Project Gutenberg's Etext of X"), and how far into the file it is looked for.
_GUTENBERG_NAMED = re.compile(r"Project Gutenberg(?:['’]s)? e-?(?:book|text)\b", re.I)
_HEADER_CHARS = 2_000
_ROMAN = r"[IVXLCDM]+"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
)
_CHAPTER_LINE = re.compile(
    rf"^(chapter|book|part)\s+({_ROMAN}|\d+|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)\b"
    r"[.:]?(\s.*)?$",
    re.I,
)
_NUMERAL_LINE = re.compile(rf"^(?:{_ROMAN}|\d{{1,3}})\.?$")
_NOTES_LINE = re.compile(r"^(foot|end)?notes:?$", re.I)
# Gutenberg marks note references as {1} (and some books [1]): not read.
_NOTE_REF = re.compile(r"[ \t]?(\{\d{1,3}\}|\[\d{1,3}\])")
_HEADER_FIELD = re.compile(r"^(Title|Author|Language):\s*(.+)$", re.I | re.M)
# The imprint, its year perhaps on a line of its own where a long one wraps (indented).
_ORIGINAL = re.compile(r"^Original publication:[ \t]*(.*(?:\n[ \t]+\S.*)*)", re.I | re.M)
_LANGUAGES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it"}
_TITLE_PAGE_WORDS = 300
_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def read(data: bytes, source: str, markdown: bool = False) -> Book:
    """A text manuscript's chapters; raises ManuscriptError with the reason."""
    text = decode(data, source).replace("\r\n", "\n").replace("\r", "\n")
    front = Metadata()
    if markdown:
        fields, text = frontmatter.split(text)
        front = front_matter_metadata(fields)
    metadata = gutenberg_metadata(text)
    text = strip_gutenberg(text)
    text, notes = mdblocks.take_footnotes(text) if markdown else pgmarks.take(text)
    width = unwrap.measure([text])  # as the file fills its lines, before words are joined
    book = parse_markdown(text) if markdown else parse_plain(text)
    # What the book says of itself in so many words first, then what its layout says.
    book.metadata = _merged(front, book.metadata, metadata)
    mark_title_page(book)
    clean = clean_markdown if markdown else clean_plain
    add_notes(book, [clean(note).strip() for note in notes])
    unwrap_prose(book, width)
    return book


NOTES_TITLE = "Footnotes"


def add_notes(book: Book, notes: list[str]) -> None:
    """The footnotes taken out of the text, as a section of their own at the back: not
    narrated, as notes are not in any format, but listed as skipped, and read there when
    asked for (`--include footnotes`)."""
    body = "\n\n".join(note for note in notes if note)
    if body:
        reason = matter.skip_reason("footnotes")
        book.sections.append(Section(NOTES_TITLE, body, "footnotes", reason))


def unwrap_prose(book: Book, width: int) -> None:
    """Each paragraph of prose filled to the text's measure (`width`) made one line; verse
    keeps its lines (`unwrap`). After the title page is told, by its lines."""
    for section in book.sections:
        section.body = unwrap.unwrapped(section.body, width)


def _merged(*sources: Metadata) -> Metadata:
    """Each field from the first source that has it."""
    fields = [source.model_dump() for source in sources]
    return Metadata(**{k: next((f[k] for f in fields if f[k]), fields[0][k]) for k in fields[0]})


def front_matter_metadata(fields: frontmatter.Fields) -> Metadata:
    """The book's metadata from a Markdown manuscript's front matter. A subtitle stays out
    of the title, as in the EPUB and HTML Pandoc makes from the same file (their title is
    the book's, which the credits and the M4B's title tag name); rights and a description
    have no field to go in."""

    def first(*keys: str) -> str:
        return next((fields[k][0] for k in keys if fields.get(k)), "")

    names = fields.get("author") or fields.get("authors") or []
    return Metadata(
        title=first("title"),
        # One string may name several, as DOCX's creator does: "Ann Example; Bo Sample".
        authors=[n.strip() for name in names for n in name.split(";") if n.strip()],
        language=_language(first("lang", "language").replace("_", "-")),
        publisher=first("publisher"),
        date=first("date"),
    )


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused."""
    if not data.strip():
        raise ManuscriptError(f"{path}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:8192]:
        raise ManuscriptError(f"{path}: binary data, not a text manuscript")
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise ManuscriptError(
            f"{path}: not valid {name} text (bad byte at offset {error.start}); "
            "save it as UTF-8 and try again"
        ) from error
    if _looks_binary(text[:8192]):
        raise ManuscriptError(f"{path}: binary data, not a text manuscript")
    return text


def _looks_binary(text: str) -> bool:
    """Control characters, or characters no text has: unassigned code points, private use
    and lone surrogates. Bytes read as UTF-16 (a binary file that happens to open with a
    byte-order mark) decode without error into such characters, a fifth of them at least."""
    odd = sum(
        1
        for ch in text
        if (ord(ch) < 32 and ch not in "\n\r\t\f") or unicodedata.category(ch) in {"Cn", "Co", "Cs"}
    )
    return odd > 0.01 * len(text)


def strip_gutenberg(text: str) -> str:
    """The text between Project Gutenberg's START and END markers, when they are there (the
    END line's forerunner ends it too, in a file whose header names Project Gutenberg), less
    the e-text's credit under the START line ("Produced by ..."), as in an EPUB."""
    named = _GUTENBERG_NAMED.search(text[:_HEADER_CHARS])
    start = _GUTENBERG_START.search(text)
    if start:
        text = gutenberg.without_credit(text[start.end() :])
    end = (_GUTENBERG_CLOSING if named or start else _GUTENBERG_END).search(text)
    if end:
        text = text[: end.start()]
    return text


def gutenberg_metadata(text: str) -> Metadata:
    """Title, author, language and date from a Project Gutenberg header, if there is one.
    The date is the year of the "Original publication" line newer headers have; the
    "Release date" is the e-text's, never the book's (`published`)."""
    start = _GUTENBERG_START.search(text)
    head = text[: start.start()] if start else ""
    fields = {m.group(1).lower(): m.group(2).strip() for m in _HEADER_FIELD.finditer(head)}
    authors = [a.strip() for a in re.split(r"\s+and\s+|;", fields.get("author", "")) if a.strip()]
    original = _ORIGINAL.search(head)
    return Metadata(
        title=fields.get("title", ""),
        authors=authors,
        language=_language(fields.get("language", "")),
        date=published.first_year(original.group(1)) if original else "",
    )


def _language(value: str) -> str:
    """A language tag from a header's "English" or "en-GB"."""
    if _TAG.match(value):
        return value
    return _LANGUAGES.get(value.lower(), "")


def mark_title_page(book: Book) -> None:
    """Text before the first chapter that is a title page is the book's, not a chapter.

    It is a title page when it is short and holds the book's title as a line of its own (or
    set over lines of their own), or opens with a line of capitals (how plain-text editions
    set a title), or is a line in title case over "by" and a name ("The Small Book" / "by
    Ann Example") and little else, or is that "by" line alone under a title the book has (a
    Markdown heading's, "# The Small Book"). Its title line names the book, and its "by"
    line the authors, when nothing else did. A title-case line alone may be a dedication
    ("For Alice and Tom"): it is narrated. It stays in the book, skipped by default
    (`--include titlepage`).
    """
    if len(book.sections) < 2 or book.sections[0].title or book.sections[0].skip_reason:
        return
    first = book.sections[0]
    lines = [line.strip() for line in first.body.split("\n") if line.strip()]
    if not lines or len(first.body.split()) > _TITLE_PAGE_WORDS:
        return
    title = book.metadata.title
    named = bool(title) and _holds_title(lines, title)
    capitals = next((ln for ln in lines if _is_capitals(ln) and not _BY_LINE.fullmatch(ln)), "")
    by = _BY_LINE.fullmatch(lines[1] if len(lines) > 1 else lines[0] if title else "")
    short = len(lines) <= _TITLE_PAGE_LINES and len(first.body.split()) <= _TITLED_WORDS
    titled = _is_title_case(lines[0]) and by is not None and short  # an epigraph goes on
    byline = by is not None and len(lines) == 1  # under the title a heading gave
    if not (named or capitals or titled or byline):
        return
    first.kind, first.skip_reason = "titlepage", "front matter (titlepage)"
    found: dict[str, object] = {}
    if not title:
        found["title"] = capitals.title() if capitals else lines[0] if titled else ""
    if by and not book.metadata.authors:
        found["authors"] = [_name(n) for n in _AUTHORS_SPLIT.split(by["names"]) if n.strip()]
    book.metadata = book.metadata.model_copy(update={k: v for k, v in found.items() if v})


# "by Ann Example", "BY ANN EXAMPLE AND BO SAMPLE", "by W. B. Yeats": a title page's
# authors, each name's words capitalized ("by the river" is prose).
_NAME_WORD = r"[^\W\d_a-z][^\W\d_]*\.?"
_BY_LINE = re.compile(
    rf"(?:by|By|BY)\s+(?P<names>{_NAME_WORD}(?:(?:\s+|\s*,\s*|\s+(?:and|AND|&)\s+)"
    rf"(?:[Dd]e |[Vv]an |[Vv]on )?{_NAME_WORD}){{0,8}})"
)
_TITLE_PAGE_LINES = 4  # a title, its "by" line, a subtitle or a publisher's line
_TITLED_WORDS = 30
_AUTHORS_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*", re.I)
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "at", "by"}


def _holds_title(lines: list[str], title: str) -> bool:
    """Whether the title is a line, or a run of lines, of its own: case and the stops after
    words aside ("THE SMALL BOOK.", "The Small Book:" / "A Tale"). Not anywhere in the text:
    a front matter's "Rain" is in an opening's "The rain had not stopped", "It" in "It was"."""
    wanted = _title_words(title)
    for first in range(len(lines)):
        words: list[str] = []
        for line in lines[first:]:
            words += _title_words(line)
            if words == wanted:
                return True
            if len(words) >= len(wanted) or words != wanted[: len(words)]:
                break
    return False


def _title_words(text: str) -> list[str]:
    return [w for word in text.casefold().split() if (w := word.rstrip(_STOPS))]


_STOPS = ".,;:!?"


def _is_title_case(line: str) -> bool:
    """A title as set on a title page: a few words, each capitalized but the small ones,
    and no sentence's end."""
    words = line.split()
    if not 2 <= len(words) <= _TITLE_WORDS or line.endswith((".", ",", ";", ":", "!", "?")):
        return False
    return _capitalized([w for w in words if w[0].isalpha()])


def _capitalized(words: list[str]) -> bool:
    """Each word capitalized as a title sets it: all but the small ones."""
    return all(w[0].isupper() or w in _SMALL_WORDS for w in words)


def _name(name: str) -> str:
    return matter.as_credited(name.strip().rstrip("."))


def _is_capitals(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters) and len(line) <= 80


def parse_plain(text: str) -> Book:
    lines = text.split("\n")
    heads = _numbered(lines, [i for i, line in enumerate(lines) if _is_heading(lines, i)])
    _drop_page_numbers(lines, set(heads))
    return Book(_sections(lines, heads, clean_plain))


def _is_heading(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if _is_chapter_line(line) or _NOTES_LINE.match(line):
        return True
    return (
        bool(_NUMERAL_LINE.match(line)) and _blank_before(lines, i) and bool(_title_line(lines, i))
    )


def _is_chapter_line(line: str) -> bool:
    """A chapter's label, its title after it or not; not a line of prose that opens with
    one, going on in lower case ("part I like reading a good old book", wrapped there)."""
    label = _CHAPTER_LINE.match(line)
    return label is not None and len(line) <= 120 and not (label[3] or "").strip()[:1].islower()


def _blank_before(lines: list[str], i: int) -> bool:
    return i == 0 or not lines[i - 1].strip()


def _blank_at(lines: list[str], i: int) -> bool:
    return i >= len(lines) or not lines[i].strip()


def _title_line(lines: list[str], i: int) -> int | None:
    """The line of a numeral heading's title: the next line, or the one after a blank line
    (Project Gutenberg's layout) when a blank line follows it too. Not a paragraph of
    prose, which a stray page number's line stands over as well (`_reads_as_prose`)."""
    for k in (i + 1, i + 2):
        nxt = lines[k].strip() if k < len(lines) else ""
        if k == i + 2 and not (_blank_at(lines, i + 1) and _blank_at(lines, k + 1)):
            return None
        if nxt:
            fits = len(nxt) <= 100 and not nxt.endswith((",", ";")) and not _NUMERAL_LINE.match(nxt)
            return k if fits and not _reads_as_prose(nxt) else None
    return None


def _label_title(lines: list[str], i: int) -> int | None:
    """The line of a chapter label's title set on the line under it, a blank line under
    that: the title ("CHAPTER I." over "THE HALL"), or the rest of a title wrapped there
    ("CHAPTER III: THE GUEST HOUSE AND BREAKFAST" over "THEREIN"), a line of capitals or
    in title case as the title is. None over prose, or a heading of its own."""
    label = _CHAPTER_LINE.match(lines[i].strip())
    k = i + 1
    if not label or _blank_at(lines, k) or not _blank_at(lines, k + 1):
        return None
    title = lines[k].strip()
    if _CHAPTER_LINE.match(title) or _NUMERAL_LINE.match(title) or _NOTES_LINE.match(title):
        return None
    own = (label.group(3) or "").strip()
    capitals = _is_capitals(title) and (not own or _is_capitals(own))
    titled = _is_title_words(title) and (not own or _is_title_words(own))
    return k if capitals or titled else None


def _heading_title(lines: list[str], i: int) -> int | None:
    """The line of a heading's title where it stands under the heading's own line."""
    if _NUMERAL_LINE.match(lines[i].strip()):
        return _title_line(lines, i)
    return _label_title(lines, i)


# A sentence's end with more after it: "The garden was wild. Roses grew over the wall."
_SENTENCE_GOES_ON = re.compile(r"[.!?][\"'”’)]*[ \t]+[\"'“‘(]*[A-Z]")
_QUOTES = "\"'“‘"


def _reads_as_prose(line: str) -> bool:
    """A line that is a paragraph of prose, not a title: dialogue ('"Only me," she said.'),
    or more than a sentence; a line of capitals or in title case is a title."""
    if _is_capitals(line) or _is_title_words(line):
        return False
    return line.startswith(tuple(_QUOTES)) or bool(_SENTENCE_GOES_ON.search(line))


def _is_title_words(line: str) -> bool:
    """A few words, each capitalized but the small ones ("The Hall", "In Which We Meet.")."""
    words = [w.lstrip(_QUOTES + "(") for w in line.split()]
    words = [w for w in words if w[:1].isalpha()]
    if not 1 <= len(words) <= _TITLE_WORDS or line.endswith((",", ";", ":")):
        return False
    return words[0][0].isupper() and _capitalized(words)


_TITLE_WORDS = 12


def _numbered(lines: list[str], heads: list[int]) -> list[int]:
    """Headings, less numeral lines out of sequence: a lone "I" or "1" is a heading only
    as part of a sequence (`_in_sequence`). A "37" alone is a page's number, not a chapter
    titled by the paragraph under it."""
    values = {i: value for i in heads if (value := _numeral_value(lines[i].strip())) is not None}
    counted = _in_sequence(list(values.values()))
    out = {i for i, counts in zip(values, counted, strict=True) if not counts}
    return [i for i in heads if i not in out]


def _in_sequence(values: list[int]) -> list[bool]:
    """Whether each of some numbers, in the text's order, counts in a run: it counts on
    from the last that did, or opens a run (its next number among the few after it: a
    stray page number's between may come first; "I" again opens a book's second part)."""
    counted: list[bool] = []
    previous: int | None = None
    for place, value in enumerate(values):
        counts = value - 1 == previous or value + 1 in values[place + 1 : place + _RUN_AHEAD]
        counted.append(counts)
        previous = value if counts else previous
    return counted


_RUN_AHEAD = 4  # the next number looked for among the three numbers after one


def _numeral_value(line: str) -> int | None:
    if not _NUMERAL_LINE.match(line):
        return None
    numeral = line.rstrip(".")
    return int(numeral) if numeral.isdigit() else roman_to_int(numeral)


# A line holding only a number, between blank lines: a page's number left in the text.
_PAGE_NUMBER = re.compile(r"[ \t]*\d{1,4}[ \t]*")


def _drop_page_numbers(lines: list[str], heads: set[int]) -> None:
    """A number alone on a line between paragraphs, which is no heading and counts in no
    run of such numbers (a sonnet's, in a book of sonnets), is a page's number left in
    the text: not read, as a page number is not in any format."""
    alone = [
        i
        for i, line in enumerate(lines)
        if _PAGE_NUMBER.fullmatch(line) and i not in heads and _stands_alone(lines, i)
    ]
    for i, counts in zip(alone, _in_sequence([int(lines[i]) for i in alone]), strict=True):
        if not counts:
            log.info("not reading a page number: %r", lines[i].strip())
            lines[i] = ""


def _stands_alone(lines: list[str], i: int) -> bool:
    return _blank_before(lines, i) and _blank_at(lines, i + 1)


def parse_markdown(text: str) -> Book:
    lines = text.split("\n")
    tables = mdblocks.take_tables(lines)
    levels = {i: len(m.group(1)) for i, ln in enumerate(lines) if (m := _MD_HEADING.match(ln))}
    if not levels:
        return Book(_sections(lines, [], clean_markdown), warnings=_table_warnings(tables, {}))
    counts = {lvl: sum(1 for v in levels.values() if v == lvl) for lvl in set(levels.values())}
    # A lone top heading is the book's title; chapters are the highest level that repeats,
    # or, where none does, the heading right under a title with no text between them
    # ("# The Book" then "## One": a book of one chapter).
    repeated = [lvl for lvl, n in counts.items() if n > 1]
    chapter_level = min(repeated) if repeated else min(counts)
    blocks = _blocks(lines, levels)
    in_order = [levels.get(i) for i in blocks]
    if not repeated and (under := chapter_under_title(in_order)) is not None:
        chapter_level = under
    part_level = chapter_level
    titles = [_title(lines, i) if i in levels else "" for i in blocks]
    if (below := chapters_in_parts(in_order, chapter_level, titles)) is not None:
        chapter_level = below  # "# Part One" over "## Chapter 1": a part, a short section
    title = ""
    top = min(counts)
    if part_level != top:
        first_top = next(i for i, v in levels.items() if v == top)
        title = _title(lines, first_top)
        lines[first_top] = ""
    heads = {i: _title(lines, i) for i, v in levels.items() if v in (part_level, chapter_level)}
    parts = {i for i, v in levels.items() if v == part_level != chapter_level}
    sections = _sections(lines, list(heads), clean_markdown, parts)
    return Book(sections, Metadata(title=title), warnings=_table_warnings(tables, heads))


def _blocks(lines: list[str], headings: dict[int, int]) -> list[int]:
    """Where each block begins, by line: a heading, or a paragraph's first line."""
    return [
        i
        for i, line in enumerate(lines)
        if line.strip()
        and (i in headings or i == 0 or not lines[i - 1].strip() or i - 1 in headings)
    ]


def _table_warnings(tables: list[int], heads: dict[int, str]) -> list[str]:
    """A warning for each chapter with tables, as the other readers give: "chapter 'Two':
    a table was skipped" (by the line each table and heading starts on)."""
    starts = sorted(heads)
    counts: Counter[str | None] = Counter()
    for line in tables:
        under = bisect.bisect_right(starts, line)  # the headings at or before it
        counts[heads[starts[under - 1]] if under else None] += 1
    return [
        f"{_chapter(title)}: {'a table was' if n == 1 else f'{n} tables were'} skipped"
        for title, n in counts.items()
    ]


def _chapter(title: str | None) -> str:
    return "the text before the first chapter" if title is None else f"chapter {title!r}"


def _sections(
    lines: list[str],
    heads: list[int],
    clean: Callable[[str], str],
    parts: Collection[int] = (),
) -> list[Section]:
    """Sections from heading line numbers; text before the first heading is its own. A
    part's heading (`parts`), with no text under it, is a section of its own, said."""
    bounds = [0, *heads, len(lines)] if heads and heads[0] != 0 else [*heads, len(lines)]
    if not heads:
        bounds = [0, len(lines)]
    sections: list[Section] = []
    empty: list[str] = []  # the titles of headings with no text under them, in a run
    head_set = set(heads)
    for start, end in itertools.pairwise(bounds):
        is_head = start in head_set
        title = _title(lines, start) if is_head else ""
        body_from = _body_from(lines, start) if is_head else start
        body = clean("\n".join(lines[body_from:end]))
        if is_head and not body.strip() and start not in parts:
            empty.append(title)
            continue
        if start in parts:
            sections += _empty_headings(empty)
            empty = []
            sections.append(Section(title, body.strip(), "part"))
            continue
        sections += _empty_headings(empty)
        empty = []
        if title or body.strip():
            sections.append(_section(title, body.strip()))
    return sections + _empty_headings(empty)


_NO_TEXT = "no text under its heading"


def _empty_headings(titles: list[str]) -> list[Section]:
    """Headings with no text under them, listed as skipped, never lost (a heading's title
    may be a line taken from under it): a run of them is a table of contents, one alone an
    empty chapter."""
    if len(titles) > 1:
        return [Section("", "\n".join(titles), "toc", matter.skip_reason("toc"))]
    return [Section(title, "", "chapter", _NO_TEXT) for title in titles]


def _section(title: str, body: str) -> Section:
    if _NOTES_LINE.match(title):
        return Section(title, body, "endnotes", "back matter (notes)")
    return Section(title, body)


def _title(lines: list[str], i: int) -> str:
    line = lines[i].strip()
    md = _MD_HEADING.match(line)
    if md:
        return clean_markdown(md.group(2)).strip()
    k = _heading_title(lines, i)
    if _NUMERAL_LINE.match(line):
        return f"{line.rstrip('.')}. {lines[k].strip()}" if k else line.rstrip(".")
    if not k:
        return line
    title, label = lines[k].strip(), _CHAPTER_LINE.match(line)
    wrapped = bool(label and label[3])  # the title begun on the label's line goes on
    return f"{line} {title}" if wrapped else joined_title([line, title])


def _body_from(lines: list[str], i: int) -> int:
    return (_heading_title(lines, i) or i) + 1


def clean_plain(text: str) -> str:
    """Plain text as read aloud: emphasis underscores removed, and decoration rules: one
    standing alone between paragraphs is a scene break, one under a line its underline."""
    text = re.sub(r"(?<!\w)_([^_\n]+(?:\n[^_\n]+)*)_(?!\w)", r"\1", text)
    text = _EMPHASIZED_PART.sub(r"\1", text)
    text = _NOTE_REF.sub("", text)
    text = _BROKEN_COMPOUND.sub(_joined_compound, text)
    text = _STANDING_RULE.sub(f"\\g<before>{SCENE_BREAK}", text)
    text = re.sub(r"^[ \t]*([*=~_-][ \t]*){3,}$", "", text, flags=re.M)
    return _collapse_blank_lines(text)


# A hyphenated word broken at a line's end: "after-" then "lecture debates" is one word,
# "after-lecture", not "after- lecture" (a plain text's hyphens are the book's own, not a
# typesetter's: the hyphen stays).
_BROKEN_COMPOUND = re.compile(r"^(?P<line>[^\n]*[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_])", re.M)


def _joined_compound(match: re.Match[str]) -> str:
    """Joined only where a filled line of prose breaks, before a capital too ("the
    aforesaid World-" / "Market"): a short line is verse, whose hyphen at the end may be a
    dash ("I think I know-" / "his house", "Death-" / "He kindly stopped")."""
    line = match["line"]
    return f"{line}-" if len(line) + 1 >= _FILLED_LINE else match[0]


_FILLED_LINE = 50  # characters: Project Gutenberg fills its lines to ~70


# Part of a word emphasized: "They _mis_managed it" (Gutenberg's News from Nowhere).
_EMPHASIZED_PART = re.compile(r"(?<!\w)_([^\W\d_]+)_(?=[^\W\d_])")


# A rule with a blank line (or the text's start) before it and a blank line (or the end)
# after it.
_STANDING_RULE = re.compile(
    r"(?P<before>(?:\A|\n[ \t]*\n))[ \t]*(?:[*=~_-][ \t]*){3,}(?=\n[ \t]*\n|\n?[ \t]*\Z)"
)


def clean_markdown(text: str) -> str:
    """Markdown reduced to the words a listener hears."""
    text = without_spans(text, "```", "```")
    text = without_spans(text, "<!--", "-->")
    text = mdblocks.REFERENCE.sub("", text)
    text = _STANDING_RULE.sub(f"\\g<before>{SCENE_BREAK}", text)  # before lists take "* "
    # What is inside brackets, a tag or emphasis holds no opener of its own kind: each try
    # stops at the next one, where "[a[a[a..." or "*a *a *a..." would rescan the rest.
    text = re.sub(rf"!\[[^\[\]]*\]{_MD_TARGET}", "", text)
    text = re.sub(rf"\[([^\[\]]+)\]{_MD_TARGET}", r"\1", text)
    text = re.sub(r"<[^<>\n]+>", "", text)
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.M)
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text, flags=re.M)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = mdblocks.unescaped(text)  # after tags: "&lt;b&gt;" is text, not a tag
    text = _MD_EMPHASIS.sub(r"\2", text)
    return clean_plain(text)


# A link's target: (url), the url holding one level of brackets ("..._(disambiguation)").
_MD_TARGET = r"\((?:[^()]|\([^()]*\))*\)"
# Emphasis or code: a delimiter, words that do not hold it, the delimiter again.
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)((?:(?!\1)[^\n])+?)(?<=\S)\1")


def without_spans(text: AnyStr, start: AnyStr, end: AnyStr, any_case: bool = False) -> AnyStr:
    """Text (or bytes) with every span from `start` to the next `end` taken out (an unclosed
    one is left), in one pass: a lazy regex rescans the rest from every unclosed start.
    `any_case`: the markers found in any case (`start` and `end` given in lower case)."""
    found = text.lower() if any_case else text
    kept, at = [], 0
    while (begin := found.find(start, at)) >= 0:
        close = found.find(end, begin + len(start))
        if close < 0:
            break
        kept.append(text[at:begin])
        at = close + len(end)
    kept.append(text[at:])
    return text[:0].join(kept)


def _collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
