"""What kind of section a book part is, and whether it is narrated by default.

The kinds are EPUB's structural vocabulary: ``epub:type`` values, DPUB-ARIA roles without
their ``doc-`` prefix, EPUB 2 guide types. File names and headings that name a kind
(``colophon.xhtml``, "CONTENTS", "Footnotes:") say it too. Title pages, tables of contents,
imprints and notes are made for the eye, so they are skipped; the parts an author wrote for
the reader (dedication, preface, epilogue, appendix, ...) are narrated.
"""

import itertools
import posixpath
import re
from collections.abc import Callable, Iterable

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
    """A name as a title page's credit says it: "ANN EXAMPLE" is "Ann Example", "KING, JR."
    is "King, Jr." and "SMITH III" is "Smith III"; "Ann McBride" stays."""
    if not name.isupper():
        return name
    *words, last = name.title().split()
    return " ".join([*words, _SUFFIXES.get(_key(last), last) if words else last])


# A title page's credits: the lines under a book's title that name its authors.
NAME_WORDS = 5  # words in an author's name, or a publisher's
BY = re.compile(r"(?:by|By|BY)\s+")
_AND = re.compile(r"\s*(?:,|&|\band\b|\bAND\b)\s*")
# What follows a name after a comma, as the name's: "Kurt Vonnegut, Jr.", "Ann Example, PhD".
_SUFFIXES = {
    **{"jr": "Jr.", "sr": "Sr.", "esq": "Esq.", "phd": "PhD", "md": "MD"},
    **{"ii": "II", "iii": "III", "iv": "IV"},
}
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
# Words a title page's other short lines have, which only a name without "by" is checked
# for (Francine Prose's "by" says hers is a name): a label's ("Book One", "Uncorrected
# Proof", "Large Print"), a genre's or an edition's ("Poetry", "MEDITATIONS", "Unabridged").
_LABEL_WORDS = frozenset(
    {"book", "part", "proof", "draft", "print", "copy", "advance", "galley", "manuscript"}
    | {"poetry", "prose", "drama", "fiction", "nonfiction", "memoirs", "meditations"}
    | {"diaries", "journals", "notebooks", "writings", "speeches", "sermons", "dialogues"}
    | {"illustrated", "unabridged", "abridged", "annotated", "revised", "expanded", "updated"}
)
# A dedication's first word, in the languages read: "Für Anna", "Para Ana", "À Marie".
_DEDICATION = frozenset({"for", "to", "für", "pour", "à", "para", "per", "voor"})
_IMPRINT_WORDS = frozenset(
    {"press", "books", "publishing", "publishers", "publisher", "ltd", "limited", "inc"}
    | {"llc", "co", "company", "editions", "imprint", "media", "group", "house", "classics"}
    | {"library", "university", "paperbacks", "verlag", "publications"}
)
# A copyright line or a date: the imprint's, under the credits.
_IMPRINT_LINE = re.compile(r"\d|©|\bcopyright\b", re.I)
# Cities publishers print under their name, each a place's whole name: "London" alone.
_CITIES = (
    "New York", "London", "Boston", "Paris", "Toronto", "San Francisco", "Los Angeles",
    "Chicago", "Edinburgh", "Oxford", "Cambridge", "Berlin", "Sydney", "Melbourne",
    "Dublin", "Philadelphia", "Glasgow", "Manchester", "Montreal", "Vancouver",
    "Auckland", "New Delhi", "Delhi", "Garden City", "New Haven", "Princeton",
    "Frankfurt", "Munich", "Hamburg", "Leipzig", "Vienna", "Zurich", "Amsterdam",
    "Madrid", "Barcelona", "Milan", "Rome", "Stockholm", "Copenhagen", "Oslo",
)  # fmt: skip
_CITY = "(?i:" + "|".join(sorted(_CITIES, key=len, reverse=True)).replace(" ", r"\s+") + ")"
# A state's or a country's word after a city's comma ("Boston, Massachusetts", "New York,
# NY"), never a city's: read as either, "London, Paris, Rome" had ways to match that grew
# as a Fibonacci number does with its cities, and a hostile line held the reader for ever.
_REGION = rf"(?!{_CITY}\b)[A-Z][A-Za-z.]*"
_PLACE = rf"{_CITY}(?:,\s*{_REGION}(?:\s+{_REGION}){{0,2}})?"
# A publisher's cities on one line: "New York London Toronto Sydney", "London · New York".
_PLACES = re.compile(rf"{_PLACE}(?:(?:\s*[·•|/,–—-]\s*|\s+(?i:and|&)\s+|\s+){_PLACE})*")
_PLACE_CHARS = 200  # a longer line is no publisher's list of cities


def ends_credits(line: str) -> bool:
    """Whether a title page's line is its imprint's (a copyright line, a date, the
    publisher's name or its city): a name after it is not the author's."""
    return _ends_bylines(line) or is_place(line)


def _ends_bylines(line: str) -> bool:
    """Whether a title page's line ends its credits, a byline's too: the publisher's or a
    copyright's. A city's line does not ("Midnight in" over "Paris" over "by Ann
    Example"): a subtitle may be a city's name, a publisher's name is not."""
    return bool(_IMPRINT_LINE.search(line)) or is_imprint(line)


def is_imprint(line: str) -> bool:
    return any(word.casefold().rstrip(".,") in _IMPRINT_WORDS for word in line.split())


def is_place(line: str) -> bool:
    """Whether a title page's line is a publisher's city, or its cities ("New York",
    "Boston, Massachusetts"): its words read as a name's, "New York" as much as "Ann
    Example". The whole line is a city's or none: "Jack London" is a name."""
    line = line.strip().rstrip(".")
    return len(line) <= _PLACE_CHARS and bool(_PLACES.fullmatch(line))


def credits(
    lines: Iterable[str], lone: Callable[[str, str], list[str]] | None = None
) -> tuple[list[str], list[str]]:
    """The names a title page's lines under its title give, up to the imprint's: a byline's
    ("by Jane Writer"), and the first line's of names without "by" ("JANE WRITER"), or of
    the one name `lone` finds in a line given the line after it. A byline anywhere wins:
    "Book One" or "Uncorrected Proof" over it looks as much like a name as a name does. A
    city's line ends the names without "by" only: a name under it is the imprint's."""
    bare: list[str] = []
    placed = False
    for line, after in itertools.pairwise([*lines, ""]):
        if _ends_bylines(line):
            break
        placed = placed or is_place(line)
        names = credit(line)
        if names and BY.match(line):
            return names, []
        if not placed:
            bare = bare or names or (lone(line, after) if lone else [])
    return [], bare


def credit(line: str) -> list[str]:
    """The people a line names ("by Ann Example and Bo Sample", "A. N. OTHER"), as a
    credit says them ("ANN EXAMPLE" is "Ann Example"); none where a word is no name's.
    Without "by" a name has two words or more: one alone may be a subtitle's ("Stories")
    or a publisher's."""
    return _credited(line, _is_person)


def _credited(line: str, fits: Callable[[str, bool], bool]) -> list[str]:
    """The names a credit's line gives after "by" or without it, as credited, where each
    `fits` (given whether the line said "by"); else none."""
    by = BY.match(line)
    names = _names(line[by.end() if by else 0 :])
    if not names or not all(fits(name, bool(by)) for name in names):
        return []
    return [as_credited(name) for name in names]


def _names(text: str) -> list[str]:
    """The names a credit's text lists, a suffix kept with its name's ("Kurt Vonnegut,
    Jr." is one name, not two)."""
    names: list[str] = []
    for piece in filter(None, _AND.split(text)):
        if names and _key(piece) in _SUFFIXES:
            names[-1] += f", {piece}"
        else:
            names.append(piece)
    return names


def _is_person(name: str, by: bool) -> bool:
    words = name.partition(",")[0].split()  # without its suffix, which `_names` checked
    if not (1 if by else 2) <= len(words) <= NAME_WORDS:
        return False
    return all(map(name_word, words)) and (by or bare_name(" ".join(words)))


def name_word(word: str) -> bool:
    """A name's word: capitalized ("Ann", "A.", "O'Brien"), or a particle ("van"), and none
    a subtitle's or an article ("A" without its initial's stop)."""
    if word in _PARTICLES:
        return True
    if not _NAME_WORD.fullmatch(word) or not word[0].isupper():
        return False
    key = word.casefold()
    return key not in _SMALL_WORDS and key.rstrip(".") not in _SUBTITLE_WORDS


def bare_name(name: str) -> bool:
    """Whether a name given without "by" ("Colette", "Jane Writer") reads as no other line
    of a title page: no label's word or a genre's ("Book One", "Poetry"), no dedication
    ("Für Anna"). Nothing but its words says it is a name."""
    words = name.casefold().split()
    labelled = any(word.rstrip(".,") in _LABEL_WORDS for word in words)
    return bool(words) and words[0] not in _DEDICATION and not labelled


def byline(line: str) -> list[str]:
    """The names a line opening with "by" gives, taken as written, a pen name as it is
    ("by bell hooks", "by Ann Example and Bo Sample"; "BY ANN EXAMPLE" is "Ann Example"):
    where the page's layout says the line is a byline, its words need not look like a
    person's. None where a name is longer than a name is, or the line has no "by"."""
    return _credited(line, lambda name, by: by and len(name.split()) <= NAME_WORDS)
