"""Plain text and Markdown manuscripts.

What real files bring and we accept: a UTF-8 byte-order mark, CRLF line ends, a Project
Gutenberg header (with the e-text's credit under it) and licence footer (stripped, as
`gutenberg` tells them), Markdown markup (stripped to its text) and its front matter (read
as the book's metadata, `producer.readers.frontmatter`).
Chapters come from Markdown headings, from lines like ``CHAPTER IV.`` or ``Chapter 4: Title``,
or from a Roman numeral line followed by a title line; a text without any is one chapter.
Each chapter's text starts with its heading, so the heading is narrated and the marks'
character offsets refer to exactly the text stored in the manuscript.
"""

import itertools
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import AnyStr

from config.errors import ManuscriptError
from config.manuscript import Metadata
from models.normalize import roman_to_int
from producer.readers import frontmatter, gutenberg, published
from producer.readers.book import SCENE_BREAK, Book, Section

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
    book = parse_markdown(text) if markdown else parse_plain(text)
    # What the book says of itself in so many words first, then what its layout says.
    book.metadata = _merged(front, book.metadata, metadata)
    mark_title_page(book)
    return book


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
    if len(book.sections) < 2 or book.sections[0].title:
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
    if not 2 <= len(words) <= 12 or line.endswith((".", ",", ";", ":", "!", "?")):
        return False
    return all(w[0].isupper() or w in _SMALL_WORDS for w in words if w[0].isalpha())


def _name(name: str) -> str:
    """A name as a credit says it: "ANN EXAMPLE" is "Ann Example"; "Ann McBride" stays."""
    name = name.strip().rstrip(".")
    return name.title() if name.isupper() else name


def _is_capitals(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters) and len(line) <= 80


def parse_plain(text: str) -> Book:
    lines = text.split("\n")
    heads = _numbered(lines, [i for i, line in enumerate(lines) if _is_heading(lines, i)])
    return Book(_sections(lines, heads, clean_plain))


def _is_heading(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if (_CHAPTER_LINE.match(line) and len(line) <= 120) or _NOTES_LINE.match(line):
        return True
    return (
        bool(_NUMERAL_LINE.match(line)) and _blank_before(lines, i) and bool(_title_line(lines, i))
    )


def _blank_before(lines: list[str], i: int) -> bool:
    return i == 0 or not lines[i - 1].strip()


def _title_line(lines: list[str], i: int) -> int | None:
    """The line of a numeral heading's title: the next line, or the one after a blank line
    (Project Gutenberg's layout) when a blank line follows it too."""
    for k in (i + 1, i + 2):
        nxt = lines[k].strip() if k < len(lines) else ""
        if k == i + 2 and (lines[i + 1].strip() or (k + 1 < len(lines) and lines[k + 1].strip())):
            return None
        if nxt:
            fits = len(nxt) <= 100 and not nxt.endswith((",", ";")) and not _NUMERAL_LINE.match(nxt)
            return k if fits else None
    return None


def _numbered(lines: list[str], heads: list[int]) -> list[int]:
    """Headings, less numeral lines that do not count on from the ones before them: a lone
    "I" or "1" is a heading only as part of a sequence."""
    kept: list[int] = []
    expected: int | None = None
    for i in heads:
        value = _numeral_value(lines[i].strip())
        if value is None:
            kept.append(i)
        elif expected is None or value in (expected, 1):
            kept.append(i)
            expected = value + 1
    return kept


def _numeral_value(line: str) -> int | None:
    if not _NUMERAL_LINE.match(line):
        return None
    numeral = line.rstrip(".")
    return int(numeral) if numeral.isdigit() else roman_to_int(numeral)


def parse_markdown(text: str) -> Book:
    lines = text.split("\n")
    levels = {i: len(m.group(1)) for i, ln in enumerate(lines) if (m := _MD_HEADING.match(ln))}
    if not levels:
        return Book(_sections(lines, [], clean_markdown))
    counts = {lvl: sum(1 for v in levels.values() if v == lvl) for lvl in set(levels.values())}
    # A lone top heading is the book's title; chapters are the highest level that repeats.
    repeated = [lvl for lvl, n in counts.items() if n > 1]
    chapter_level = min(repeated) if repeated else min(counts)
    title = ""
    top = min(counts)
    if chapter_level != top:
        first_top = next(i for i, v in levels.items() if v == top)
        title = _MD_HEADING.match(lines[first_top]).group(2)  # type: ignore[union-attr]
        lines[first_top] = ""
    heads = [i for i, v in levels.items() if v == chapter_level]
    return Book(_sections(lines, heads, clean_markdown), Metadata(title=title))


def _sections(lines: list[str], heads: list[int], clean: Callable[[str], str]) -> list[Section]:
    """Sections from heading line numbers; text before the first heading is its own."""
    bounds = [0, *heads, len(lines)] if heads and heads[0] != 0 else [*heads, len(lines)]
    if not heads:
        bounds = [0, len(lines)]
    sections: list[Section] = []
    head_set = set(heads)
    for start, end in itertools.pairwise(bounds):
        is_head = start in head_set
        title = _title(lines, start) if is_head else ""
        body_from = _body_from(lines, start) if is_head else start
        body = clean("\n".join(lines[body_from:end]))
        if is_head and not body.strip():
            log.info("skipping heading with no text under it: %r", title)
            continue  # a table of contents line, or an empty chapter
        if title or body.strip():
            sections.append(_section(title, body.strip()))
    return sections


def _section(title: str, body: str) -> Section:
    if _NOTES_LINE.match(title):
        return Section(title, body, "endnotes", "back matter (notes)")
    return Section(title, body)


def _title(lines: list[str], i: int) -> str:
    line = lines[i].strip()
    md = _MD_HEADING.match(line)
    if md:
        return clean_markdown(md.group(2)).strip()
    if _NUMERAL_LINE.match(line):
        k = _title_line(lines, i)
        return f"{line.rstrip('.')}. {lines[k].strip()}" if k else line.rstrip(".")
    return line


def _body_from(lines: list[str], i: int) -> int:
    k = _title_line(lines, i) if _NUMERAL_LINE.match(lines[i].strip()) else None
    return (k or i) + 1


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
_BROKEN_COMPOUND = re.compile(r"^(?P<line>[^\n]*[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_A-Z])", re.M)


def _joined_compound(match: re.Match[str]) -> str:
    """Joined only where a filled line of prose breaks before a lower-case letter: a short
    line is verse ("I think I know-" / "his house"), and a capital after the hyphen makes
    it a dash ("Death-" / "He kindly stopped")."""
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
    text = _STANDING_RULE.sub(f"\\g<before>{SCENE_BREAK}", text)  # before lists take "* "
    # What is inside brackets, a tag or emphasis holds no opener of its own kind: each try
    # stops at the next one, where "[a[a[a..." or "*a *a *a..." would rescan the rest.
    text = re.sub(rf"!\[[^\[\]]*\]{_MD_TARGET}", "", text)
    text = re.sub(rf"\[([^\[\]]+)\]{_MD_TARGET}", r"\1", text)
    text = re.sub(r"<[^<>\n]+>", "", text)
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.M)
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text, flags=re.M)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
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
