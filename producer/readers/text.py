"""Plain text and Markdown manuscripts.

What real files bring and we accept: a UTF-8 byte-order mark, CRLF line ends, a Project
Gutenberg header and licence footer (stripped), Markdown markup (stripped to its text).
Chapters come from Markdown headings, from lines like ``CHAPTER IV.`` or ``Chapter 4: Title``,
or from a Roman numeral line followed by a title line; a text without any is one chapter.
Each chapter's text starts with its heading, so the heading is narrated and the marks'
character offsets refer to exactly the text stored in the manuscript.
"""

import itertools
import logging
import re
from collections.abc import Callable

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers.book import Book, Section

log = logging.getLogger(__name__)


_GUTENBERG_START = re.compile(r"^\s*\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
_GUTENBERG_END = re.compile(
    r"^\s*(\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG|End of (the )?Project Gutenberg).*$",
    re.I | re.M,
)
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
_ROMAN_LINE = re.compile(rf"^{_ROMAN}\.?$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def read(data: bytes, source: str, markdown: bool = False) -> Book:
    """A text manuscript's chapters; raises ManuscriptError with the reason."""
    text = decode(data, source)
    text = strip_gutenberg(text.replace("\r\n", "\n").replace("\r", "\n"))
    return parse_markdown(text) if markdown else parse_plain(text)


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
        raise ManuscriptError(
            f"{path}: not valid UTF-8 text (bad byte at offset {error.start}); "
            "save it as UTF-8 and try again"
        ) from error
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 8192):
        raise ManuscriptError(f"{path}: binary data, not a text manuscript")
    return text


def strip_gutenberg(text: str) -> str:
    """The text between Project Gutenberg's START and END markers, when they are there."""
    start = _GUTENBERG_START.search(text)
    if start:
        text = text[start.end() :]
    end = _GUTENBERG_END.search(text)
    if end:
        text = text[: end.start()]
    return text


def parse_plain(text: str) -> Book:
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if _is_heading(lines, i)]
    return Book(_sections(lines, heads, clean_plain))


def _is_heading(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if _CHAPTER_LINE.match(line) and len(line) <= 120:
        return True
    if _ROMAN_LINE.match(line) and _blank_before(lines, i):
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        return bool(nxt) and len(nxt) <= 100 and not nxt.endswith((",", ";"))
    return False


def _blank_before(lines: list[str], i: int) -> bool:
    return i == 0 or not lines[i - 1].strip()


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
    for start, end in itertools.pairwise(bounds):
        is_head = start in heads
        title = _title(lines, start) if is_head else ""
        body_from = start + (2 if title and _ROMAN_LINE.match(lines[start].strip()) else 1)
        body = clean("\n".join(lines[body_from if is_head else start : end]))
        if is_head and not body.strip():
            log.info("skipping heading with no text under it: %r", title)
            continue  # a table of contents line, or an empty chapter
        if title or body.strip():
            sections.append(Section(title, body.strip()))
    return sections


def _title(lines: list[str], i: int) -> str:
    line = lines[i].strip()
    md = _MD_HEADING.match(line)
    if md:
        return clean_markdown(md.group(2)).strip()
    if _ROMAN_LINE.match(line) and i + 1 < len(lines):
        return f"{line.rstrip('.')}. {lines[i + 1].strip()}"
    return line


def clean_plain(text: str) -> str:
    """Plain text as read aloud: emphasis underscores and decoration rules removed."""
    text = re.sub(r"(?<!\w)_([^_\n]+(?:\n[^_\n]+)*)_(?!\w)", r"\1", text)
    text = re.sub(r"^[ \t]*([*=~_-][ \t]*){3,}$", "", text, flags=re.M)
    return _collapse_blank_lines(text)


def clean_markdown(text: str) -> str:
    """Markdown reduced to the words a listener hears."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>\n]+>", "", text)
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.M)
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text, flags=re.M)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return clean_plain(text)


def _collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
