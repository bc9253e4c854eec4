"""What kind of section a book part is, and whether it is narrated by default.

The kinds are EPUB's structural vocabulary: ``epub:type`` values, DPUB-ARIA roles without
their ``doc-`` prefix, EPUB 2 guide types. File names and headings that name a kind
(``colophon.xhtml``, "CONTENTS", "Footnotes:") say it too. Title pages, tables of contents,
imprints and notes are made for the eye, so they are skipped; the parts an author wrote for
the reader (dedication, preface, epilogue, appendix, ...) are narrated.
"""

import posixpath
import re
from collections.abc import Iterable

FRONT = frozenset(
    {
        *("cover", "titlepage", "halftitlepage", "imprint", "copyright-page", "toc", "loi"),
        *("lot", "also-by"),  # "Also by ...": the author's other books, no EPUB type of its own
    }
)
BACK = frozenset({"colophon", "index", "endnotes", "rearnotes", "footnotes", "bibliography"})
NOTES = frozenset({"endnotes", "rearnotes", "footnotes"})
NARRATED = frozenset(
    {
        "chapter",
        "part",
        "volume",
        "dedication",
        "epigraph",
        "foreword",
        "preface",
        "introduction",
        "prologue",
        "epilogue",
        "afterword",
        "conclusion",
        "appendix",
        "acknowledgments",
    }
)
KINDS = FRONT | BACK | NARRATED

# Names for a kind other than its own, letters only (as `_key` leaves them).
_ALIASES = {
    "halftitle": "halftitlepage",
    "copyright": "copyright-page",
    "copyrightpage": "copyright-page",
    "uncopyright": "copyright-page",  # Standard Ebooks
    "contents": "toc",
    "tableofcontents": "toc",
    "nav": "toc",
    "listofillustrations": "loi",
    "listoftables": "lot",
    "notes": "endnotes",
    "acknowledgements": "acknowledgments",
}
# File names only: "title.xhtml" is a title page; "index.html" is often the whole book.
_FILE_ALIASES = {"title": "titlepage", "index": ""}
# The files Calibre splits a converted book into (part0000.html, part0001.html, ...): named
# for no part of the book.
_GENERATED_NAME = re.compile(r"part\d{4}", re.I)


def kind_of(name: str) -> str:
    """The kind a name says (an epub:type or guide type, a heading), or ""."""
    key = _key(name)
    kind = _ALIASES.get(key, key)
    return kind if kind in KINDS else ""


# A copyright page says so, and what a book's imprint says with it; short, where a chapter
# quoting a copyright line runs on.
_COPYRIGHT = re.compile(r"©|\bcopyright\b", re.I)
_IMPRINT = re.compile(r"\ball rights reserved\b|\bISBN\b|\bfirst published\b", re.I)
COPYRIGHT_WORDS = 250


def reads_as_copyright(lines: Iterable[str]) -> bool:
    """Whether a page's lines, in order, are a copyright page that nothing marks as one (no
    type, guide or heading: a converted book's): short, saying copyright and what an
    imprint says with it ("All rights reserved", an ISBN)."""
    words, text = 0, []
    for line in lines:
        words += len(line.split())
        if words > COPYRIGHT_WORDS:
            return False
        text.append(line)
    joined = "\n".join(text)
    return bool(_COPYRIGHT.search(joined) and _IMPRINT.search(joined))


# An "Also by" page's first line, its heading: "Also by Ann Author", "BY THE SAME AUTHOR:",
# "Other books by ...".
_ALSO_BY = re.compile(
    r"(?:also|other (?:books|titles|novels|works)) by\b.{0,60}|by the same (?:author|writer):?",
    re.I,
)
_TITLE_WORDS = 12  # a book's title, at most ("The Curious Incident of the Dog in the ...")
_SENTENCE_END = tuple(".,;…")  # a title may ask ("Whose Body?"); a series' heading: "Novels:"
_CLOSING = "”’\"')]"
ALSO_BY_WORDS = 400  # a long list of books; a page past it is read


def reads_as_also_by(lines: Iterable[str]) -> bool:
    """Whether a page's lines, in order, are a list of the author's other books that
    nothing marks as one: headed "Also by ..." or "By the same author", then two titles or
    more and nothing else (no line of prose, no line of dialogue), short. A chapter called
    "Also by Moonlight" has sentences under its heading."""
    found = (line.strip() for line in lines)
    said = (line for line in found if line)
    heading = next(said, "")
    if not _ALSO_BY.fullmatch(heading):
        return False  # told at the first line: a book in one file is not read through
    words, titles = len(heading.split()), 0
    for line in said:
        words += len(line.split())
        if words > ALSO_BY_WORDS or not _is_book_title(line):
            return False
        titles += 1
    return titles >= 2


def _is_book_title(line: str) -> bool:
    """A line that may be a book's title or a series' heading: short, opening with a
    capital or a figure (not with a quotation mark, as dialogue does), ending as no
    sentence does."""
    opens = line[0].isupper() or line[0].isdigit()
    ends = line.rstrip(_CLOSING).endswith(_SENTENCE_END)
    return opens and not ends and "\n" not in line and len(line.split()) <= _TITLE_WORDS


# An index's entry ends with its pages: "boats, 12, 45–47", "salt, xvi, 101f.".
_INDEX_ENTRY = re.compile(r"\b(?:\d{1,4}(?:\s*[-–]\s*\d{1,4})?|[ivxlc]{1,7})(?:f{1,2}\.|n\.?)?$")
_INDEX_LINES = 40  # an index's first lines are enough to tell


def reads_as_index(lines: Iterable[str]) -> bool:
    """Whether a section's lines read as an index: most of its first entries end with
    page numbers. A novel's chapter called "Index" does not."""
    first = [line.strip() for line, _ in zip(lines, range(_INDEX_LINES), strict=False)]
    first = [line for line in first if line]
    pages = sum(bool(_INDEX_ENTRY.search(line)) for line in first)
    return len(first) >= 2 and pages * 3 >= len(first) * 2


def kind_of_file(path: str) -> str:
    """The kind a file's name says (``text/colophon.xhtml``: colophon), or ""."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if _GENERATED_NAME.fullmatch(stem):
        return ""
    key = _key(stem)
    return _FILE_ALIASES[key] if key in _FILE_ALIASES else kind_of(stem)


def first_kind(tokens: tuple[str, ...]) -> str:
    """The first of some epub:type tokens that names a kind, or ""."""
    return next((kind for kind in map(kind_of, tokens) if kind), "")


def division(tokens: tuple[str, ...]) -> str:
    """ "front" or "back" where epub:type says frontmatter or backmatter, else ""."""
    return next((t[: -len("matter")] for t in tokens if t in ("frontmatter", "backmatter")), "")


def skip_reason(kind: str, where: str = "") -> str:
    """Why a section of this kind is not narrated by default ("" when it is); `where` is
    "front" or "back" when the book says which."""
    if kind not in FRONT | BACK:
        return ""
    where = where or ("front" if kind in FRONT else "back")
    return f"{where} matter ({kind})"


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold())


def as_credited(name: str) -> str:
    """A name as a title page's credit says it: "ANN EXAMPLE" is "Ann Example"; "Ann
    McBride" stays."""
    return name.title() if name.isupper() else name


# A title page's credits: the lines under a book's title that name its authors.
NAME_WORDS = 5  # words in an author's name, or a publisher's
BY = re.compile(r"(?:by|By|BY)\s+")
_AND = re.compile(r"\s*(?:,|&|\band\b|\bAND\b)\s*")
_NAME_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
_PARTICLES = frozenset({"de", "van", "von", "da", "di", "du", "der", "den", "la", "le"})
# Words no name has: a subtitle's ("A Novel", "Collected Stories") or an imprint's
# ("Harbour Light Press", "Penguin Books", "Faber & Faber Ltd").
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "with", "at", "from"})
_SUBTITLE_WORDS = frozenset(
    {"novel", "novella", "stories", "poems", "essays", "tales", "memoir", "collected"}
    | {"selected", "complete", "works", "volume", "edition", "introduction", "foreword"}
    | {"verse", "plays", "letters", "sketches", "fables", "sonnets", "trilogy", "anthology"}
)
_IMPRINT_WORDS = frozenset(
    {"press", "books", "publishing", "publishers", "publisher", "ltd", "limited", "inc"}
    | {"llc", "co", "company", "editions", "imprint", "media", "group", "house", "classics"}
    | {"library", "university", "paperbacks", "verlag"}
)
# A copyright line or a date: the imprint's, under the credits.
_IMPRINT_LINE = re.compile(r"\d|©|\bcopyright\b", re.I)


def ends_credits(line: str) -> bool:
    """Whether a title page's line is its imprint's (a copyright line, a date, the
    publisher's name): a name after it is not the author's."""
    return bool(_IMPRINT_LINE.search(line)) or is_imprint(line)


def is_imprint(line: str) -> bool:
    return any(word.casefold().rstrip(".,") in _IMPRINT_WORDS for word in line.split())


def credit(line: str) -> list[str]:
    """The people a line names ("by Ann Example and Bo Sample", "A. N. OTHER"), as a
    credit says them ("ANN EXAMPLE" is "Ann Example"); none where a word is no name's.
    Without "by" a name has two words or more: one alone may be a subtitle's ("Stories")
    or a publisher's."""
    by = BY.match(line)
    names = [name for name in _AND.split(line[by.end() if by else 0 :]) if name]
    if not names or not all(_is_person(name, bool(by)) for name in names):
        return []
    return [as_credited(name) for name in names]


def _is_person(name: str, by: bool) -> bool:
    words = name.split()
    if not (1 if by else 2) <= len(words) <= NAME_WORDS:
        return False
    return all(name_word(word) for word in words)


def name_word(word: str) -> bool:
    """A name's word: capitalized ("Ann", "A.", "O'Brien"), or a particle ("van"), and none
    a subtitle's or an article ("A" without its initial's stop)."""
    if word in _PARTICLES:
        return True
    if not _NAME_WORD.fullmatch(word) or not word[0].isupper():
        return False
    key = word.casefold()
    return key not in _SMALL_WORDS and key.rstrip(".") not in _SUBTITLE_WORDS


def byline(line: str) -> list[str]:
    """The names a line opening with "by" gives, taken as written, a pen name as it is
    ("by bell hooks", "by Ann Example and Bo Sample"; "BY ANN EXAMPLE" is "Ann Example"):
    where the page's layout says the line is a byline, its words need not look like a
    person's. None where a name is longer than a name is, or the line has no "by"."""
    by = BY.match(line)
    names = [name for name in _AND.split(line[by.end() :]) if name] if by else []
    if not names or any(len(name.split()) > NAME_WORDS for name in names):
        return []
    return [as_credited(name) for name in names]
