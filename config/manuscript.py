"""The manuscript as narrate understands it: the contract between readers and pipeline.

Stored as ``source/manuscript.json`` beside a job's audio; every worker and every redelivery
reads this, never the original file, so all of them narrate the same text the same way.
"""

import re

from pydantic import BaseModel, Field, field_validator

# The most of a title, a name, a publisher or a date kept: what any book's are, where a file
# may hold megabytes in one (the credits say the title and the authors aloud, the tags hold
# them, a terminal prints them).
FIELD_CHARS = 500
MOST_AUTHORS = 50

# A year a book may be dated (1000 to 2099) as a date or an imprint writes it ("1890",
# "London: Reeves & Turner, 1891", "1906-01-01"), not a run of digits inside a longer number.
YEAR = re.compile(r"(?<!\d)(?:1\d{3}|20\d{2})(?!\d)")
# The year a date writes, four digits whatever they are ("0101-01-01T00:00:00+00:00").
_WRITTEN_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


class Metadata(BaseModel):
    """What the book says about itself (EPUB package metadata, DOCX core properties, ...)."""

    title: str = ""
    authors: list[str] = Field(default_factory=list)
    language: str = Field("", description="BCP 47 tag as the book gives it, e.g. en-GB.")
    publisher: str = ""
    date: str = ""
    cover_key: str = Field("", description="Key of the cover image, e.g. source/cover.jpg.")

    @field_validator("title", "publisher", "date")
    @classmethod
    def _short(cls, value: str) -> str:
        return _cut(value)

    @field_validator("authors")
    @classmethod
    def _few(cls, value: list[str]) -> list[str]:
        return [_cut(name) for name in value[:MOST_AUTHORS]]


def book_year(date: str) -> str:
    """The year of a book's date ("1890", "1906-01-01", "March 1890"), for a date tag and
    a listener: the first four digits it writes, where they are a year a book may be dated
    (`YEAR`); empty where it writes none, or a program's stand-in for a date never set:
    Calibre's 0101-01-01 (0100-12-31 moved into a time zone), the earliest date of .NET,
    Java or Python (0001-01-01), 0000, 9999-12-31. A year before print but after 1000 is
    one: a work may be older than print (Dante's 1320), and no program writes one for none.
    The one rule for readers (`producer.readers.published`) and tags (`worker.encode`)."""
    written = _WRITTEN_YEAR.search(date)
    return written.group() if written and YEAR.fullmatch(written.group()) else ""


def book_date(date: str) -> str:
    """The date as a book's: none where it writes a year that is no book's (`book_year`);
    a date with no four-digit year ("Spring") is left as given."""
    return date if book_year(date) or not _WRITTEN_YEAR.search(date) else ""


def _cut(text: str) -> str:
    """At most FIELD_CHARS characters, cut at a space where there is one."""
    if len(text) <= FIELD_CHARS:
        return text
    cut = text[:FIELD_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


class Chapter(BaseModel):
    """One chapter: the unit of output (one audio file each)."""

    index: int = Field(ge=0, description="Position in the book, from 0; names the output files.")
    title: str = Field("", description="Heading as written; never used in a key or path.")
    text: str = Field(description="Body text, paragraphs separated by blank lines.")
    kind: str = Field("chapter", description="What the section is: chapter, preface, ...")


class Skipped(BaseModel):
    """A part of the book that is not narrated, and why (front or back matter, empty)."""

    title: str
    kind: str
    reason: str


# The reason a chapter `--chapter` did not ask for is skipped: an output's manuscript lists
# them so, and `narrate verify` tells the user that the book has more to narrate.
NOT_ASKED_FOR = "not among --chapter"


def not_asked_for(chapter: Chapter) -> Skipped:
    """A chapter `--chapter` did not ask for, as an output's manuscript lists it: by its
    title, an untitled one by its opening words. One way for `narrate synth` and a queued
    job alike, so that both outputs name the same chapters the same way."""
    title = chapter.title or opening_words(chapter.text)
    return Skipped(title=title, kind=chapter.kind, reason=NOT_ASKED_FOR)


def opening_words(text: str, words: int = 8) -> str:
    """The first words of an untitled part of the book, to name it in a listing."""
    first = text.split()[:words]
    return " ".join(first) + (" ..." if len(text.split()) > words else "")


class LexiconEntry(BaseModel):
    """How to say one word: an alias (other words) or IPA phonemes."""

    grapheme: str
    alias: str = ""
    phonemes: str = ""


class Manuscript(BaseModel):
    """A whole document, split into chapters, with what the book says about itself."""

    chapters: list[Chapter]
    metadata: Metadata = Field(default_factory=Metadata)
    skipped: list[Skipped] = Field(default_factory=list)
    lexicon: list[LexiconEntry] = Field(
        default_factory=list, description="The job's lexicons, merged; later entries win."
    )
    locale: str = Field(
        "",
        description="Locale numbers and dates are read in (en-US, en-GB, ...): --locale, "
        "else the book's language when it is English; empty: en-US.",
    )

    @property
    def title(self) -> str:
        return self.metadata.title
