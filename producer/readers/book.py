"""What every reader returns, and the choice of what is narrated.

A reader turns a file into a `Book`: its sections in reading order (each with a title, its
body and what kind of section it is), the book's metadata and cover. Whether a section is
narrated is decided here, once for every format: a reader marks front and back matter with
the reason it would be skipped, and `--include` / `--skip` (by title or by kind) override
that; `--chapter` then picks among the chapters left (`chapter_indexes`).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from config.errors import ManuscriptError
from config.manuscript import Chapter, Manuscript, Metadata, Skipped, not_asked_for, opening_words
from producer.readers import matter
from producer.readers.labels import names_a_part

# How a reader writes a scene break (an <hr>, a rule of stars) into a section's body: an
# asterism, a paragraph of marks only, which `worker.segment` makes a pause and never
# reads aloud (and no Markdown cleaning takes for a list or a rule).
SCENE_BREAK = "⁂"
# The kind of the opening and closing credits, which are no chapter of the book's own.
CREDITS = "credits"
# Titles an ambiguous name is said to begin, in its error.
CANDIDATES_SHOWN = 6


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str  # image/jpeg, image/png or image/svg+xml

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/svg+xml": "svg"}.get(self.media_type, "jpg")


@dataclass
class Section:
    """A part of the book as its reader found it."""

    title: str
    body: str  # paragraphs separated by blank lines; verse lines by single newlines
    kind: str = "chapter"  # chapter, dedication, preface, titlepage, colophon, ...
    skip_reason: str = ""  # why it is not narrated by default; empty: it is


@dataclass
class Book:
    sections: list[Section]
    metadata: Metadata = field(default_factory=Metadata)
    cover: Cover | None = None
    warnings: list[str] = field(default_factory=list)


def select(
    book: Book, source: str, include: Sequence[str] = (), skip: Sequence[str] = ()
) -> Manuscript:
    """The chapters to narrate: every section not skipped by default or by `skip`, and
    skipped ones `include` names. A name is a title, a kind, or the start of one title, in
    any case (`_places`)."""
    included = _picked(book, source, include, "--include")
    dropped = _picked(book, source, skip, "--skip")
    chapters: list[Chapter] = []
    skipped: list[Skipped] = []
    for place, section in enumerate(book.sections):
        reason = section.skip_reason
        if place in included:
            reason = ""
        if place in dropped:
            reason = "skipped by request"
        if not reason and not _speakable(section.title + section.body):
            reason = "no text"  # nothing, or marks only ("* * *"): no word to say
        if reason:
            title = section.title or opening_words(section.body)
            skipped.append(Skipped(title=title, kind=section.kind, reason=reason))
            continue
        title = " ".join(printable(section.title).split())
        text = printable(f"{title}\n\n{section.body}" if title else section.body)
        chapters.append(
            Chapter(index=len(chapters), title=title, text=text.strip(), kind=section.kind)
        )
    if not any(_speakable(chapter.text) for chapter in chapters):
        passed_over = [part for part in skipped if part.reason != "no text"]
        what = "every chapter was skipped" if passed_over else "no text to narrate"
        raise ManuscriptError(f"{source}: {what}")
    return Manuscript(chapters=chapters, metadata=book.metadata, skipped=skipped)


def chapter_indexes(manuscript: Manuscript, numbers: Sequence[int], source: str) -> set[int]:
    """The indexes of the chapters `--chapter` numbers: from 0, as `narrate inspect` lists
    them. Credits, when asked for, are no chapter of the book's and go with those chosen."""
    body = [chapter.index for chapter in manuscript.chapters if chapter.kind != CREDITS]
    missing = sorted({number for number in numbers if not 0 <= number < len(body)})
    if missing:
        such = "no such chapter" if len(missing) == 1 else "no such chapters"
        raise ManuscriptError(
            f"{source}: --chapter {_spelt(missing)}: {such}; it has {len(body)}, numbered "
            "from 0 as `narrate inspect` lists them"
        )
    credits = {chapter.index for chapter in manuscript.chapters if chapter.kind == CREDITS}
    return credits | {body[number] for number in numbers}


# Missing chapters named in an error before the rest are elided: a range asked for
# (0-99999) expands to numbers the line must not list one by one.
NAMED_MISSING = 5


def _spelt(numbers: Sequence[int]) -> str:
    """Sorted, distinct numbers as the user would have typed them: a run as a span."""
    if len(numbers) > 1 and numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"{numbers[0]}-{numbers[-1]}"
    named = ",".join(map(str, numbers[:NAMED_MISSING]))
    return named + (",..." if len(numbers) > NAMED_MISSING else "")


def only_chapters(manuscript: Manuscript, numbers: Sequence[int], source: str) -> Manuscript:
    """The manuscript of the chapters `--chapter` numbers, the others listed as skipped: a
    book of its own, numbered from 0 again, as a queued job (whose folder is its own) is."""
    wanted = chapter_indexes(manuscript, numbers, source)
    chosen = [chapter for chapter in manuscript.chapters if chapter.index in wanted]
    left = [
        not_asked_for(chapter) for chapter in manuscript.chapters if chapter.index not in wanted
    ]
    chapters = [chapter.model_copy(update={"index": i}) for i, chapter in enumerate(chosen)]
    return manuscript.model_copy(
        update={"chapters": chapters, "skipped": [*manuscript.skipped, *left]}
    )


# A title page's lines under its title: a subtitle, the author, an imprint, a copyright line.
TITLE_PAGE_WORDS = 15


# Where a book's headings stand, for the rules below: in reading order, each block's (a
# Markdown line's, an HTML or DOCX paragraph's; blank lines left out) heading level, or None.
Levels = Sequence[int | None]


def chapter_under_title(levels: Levels) -> int | None:
    """The chapters' level where the first heading is a title straight over a heading a
    level lower ("# The Book" then "## One": a book of one chapter); else None."""
    first = next((i for i, level in enumerate(levels) if level is not None), len(levels))
    below = levels[first + 1] if first + 1 < len(levels) else None
    return below if below is not None and below > (levels[first] or 0) else None


def chapters_in_parts(
    levels: Levels, level: int, titles: Sequence[str] | None = None
) -> int | None:
    """The chapters' level where the headings of `level` are parts: each over a heading a
    level lower ("Part One" over "Chapter 1"), of one level that repeats at least as often;
    else None (they are the chapters). A heading is over the next when straight over it, or,
    where its title (`titles`, by block) names a part, with a few blocks of the part's own
    between them: an epigraph, a paragraph of introduction."""
    tops = [i for i, found in enumerate(levels) if found == level]
    below = {_heading_under(levels, i, titles) for i in tops}
    if len(tops) < 2 or len(below) != 1:
        return None
    lower = below.pop()
    if lower is None or lower <= level:
        return None
    return lower if sum(found == lower for found in levels) >= len(tops) else None


# The most blocks of its own a part's heading may stand over before its first chapter's.
PART_INTRO_BLOCKS = 4


def _heading_under(levels: Levels, top: int, titles: Sequence[str] | None) -> int | None:
    """The level of the heading under the one at `top`, when it counts as under it."""
    nearest = top + 1
    if titles is not None and names_a_part(titles[top]):
        ahead = levels[top + 1 : top + 2 + PART_INTRO_BLOCKS]
        nearest += next((n for n, found in enumerate(ahead) if found is not None), 0)
    return levels[nearest] if nearest < len(levels) else None


def rest_of_title_page(paragraphs: Sequence[str], chapters_follow: bool) -> bool:
    """Whether what stands under the book's title before its first chapter is the rest of a
    title page, skipped with it: short lines, with chapters after them. A paragraph of prose
    is a prologue, and a book with no chapter after its title (verse, a story without
    headings) is the book itself."""
    return chapters_follow and all(len(p.split()) <= TITLE_PAGE_WORDS for p in paragraphs)


def printable(text: str) -> str:
    """Text as a reader sees it: a form feed, a vertical tab (Word's line break) or a
    separator is a line break; a C1 control is the Windows-1252 character its byte is in
    a file labelled Latin-1 ("\x92" is "’"); other controls and the replacement character
    (a byte no encoding could read) are nothing, and would reach the phonemizer."""
    text = text.translate(_LINE_BREAKS)
    return _UNPRINTABLE.sub(_windows_1252, text)


def _windows_1252(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0x80 <= code <= 0x9F:
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
            return ""
    return ""


_LINE_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e", "\n"))
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _picked(book: Book, source: str, names: Sequence[str], flag: str) -> set[int]:
    """The sections (by place) the names pick. A name that picks nothing is a typo, refused
    before a night is spent on the book; but a kind this book has none of is a warning, so
    that one command line serves a batch (`--skip dedication` for books with and without)."""
    picked: set[int] = set()
    for name in names:
        said = f"{source}: {flag} {name!r}"
        places = _places(book.sections, _fold(name), said)
        if not places and _fold(name) not in matter.KINDS:
            raise ManuscriptError(f"{said} matches no title or kind (`narrate inspect` lists them)")
        if not places:
            book.warnings.append(f"{said}: this book has no {_fold(name)}")
        picked.update(places)
    return picked


def _places(sections: Sequence[Section], name: str, said: str) -> list[int]:
    """The sections a folded name picks: those so titled, else those of that kind, else
    those of the one title it begins, whole words first ("Chapter 1" begins "Chapter 1: The
    Gate", not "Chapter 10"; "Intro" still picks "Introduction"); a name that begins several
    titles is refused, naming them, as a guess between chapters would narrate the wrong one
    all night."""
    for picks in (lambda s: _fold(s.title) == name, lambda s: s.kind.casefold() == name):
        places = [place for place, section in enumerate(sections) if picks(section)]
        if places:
            return places
    begun: dict[str, str] = {}
    for whole_words in (True, False):
        begun = {
            _fold(s.title): " ".join(s.title.split())
            for s in sections
            if name and _begins(_fold(s.title), name, whole_words)
        }
        if begun:
            break
    if len(begun) > 1:
        shown = ", ".join(map(repr, list(begun.values())[:CANDIDATES_SHOWN]))
        more = f" and {len(begun) - CANDIDATES_SHOWN} more" if len(begun) > CANDIDATES_SHOWN else ""
        raise ManuscriptError(f"{said} begins {len(begun)} titles: {shown}{more}; give more of one")
    return [place for place, section in enumerate(sections) if _fold(section.title) in begun]


def _begins(title: str, name: str, whole_words: bool) -> bool:
    if not title.startswith(name):
        return False
    rest = title[len(name) :]
    return not whole_words or not rest or not (rest[0].isalnum() and name[-1].isalnum())


def _fold(text: str) -> str:
    """A name or title as they are compared: in any case, its spaces as one."""
    return " ".join(text.split()).casefold()


def with_credits(manuscript: Manuscript, narrator: str) -> Manuscript:
    """The manuscript between opening and closing credits, each a chapter of its own (ACX
    asks for them as files of their own)."""
    meta = manuscript.metadata
    title = meta.title or "this book"
    written = f", written by {_names(meta.authors)}" if meta.authors else ""
    opening = f"This is {title}{written}, narrated by {narrator}."
    closing = f"The end of {title}."
    body = [(c.title, c.text, c.kind) for c in manuscript.chapters]
    # Titled for listings and M4B markers; only the credit itself is said.
    parts = [
        ("Opening credits", opening, CREDITS),
        *body,
        ("Closing credits", closing, CREDITS),
    ]
    chapters = [
        Chapter(index=i, title=t, text=text, kind=kind) for i, (t, text, kind) in enumerate(parts)
    ]
    return manuscript.model_copy(update={"chapters": chapters})


def _names(authors: Sequence[str]) -> str:
    return authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]
