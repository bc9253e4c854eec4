"""When a book was published, as opposed to when the file it comes in was made.

The date a book is tagged with (the M4B's date, `narrate inspect`'s) is the work's: the year
a listener looks for beside the title, 1890 for News from Nowhere. E-text archives date
their files by their own release: Project Gutenberg's "Release date" header line and the
dc:date of its EPUBs (marked opf:event="publication", which there means the e-text's),
Standard Ebooks' dc:date. Those are never presented as the book's date, and neither is a
file's own stamp (a modification or conversion date, DOCX's dcterms:created, a PDF's
CreationDate): it dates the file, and an 1890 novel tagged 2008 misleads every listener who
sees it. What the archives state of the printed book is the book's date: Gutenberg's
"Original publication" header line, Standard Ebooks' colophon ("... was published in
<time>1921</time> by ..."), an EPUB 2 date marked as the original publication's. Where a
file states only its own dates, the book has none: no date is better than a wrong one, and
an M4B has no field of its own for an edition's release. Nor is a program's stand-in for a
date never set a book's (`config.manuscript.book_date`): Calibre's year 0101 is no year of
print.
"""

import re
from collections.abc import Iterable
from typing import Any

from config.manuscript import YEAR, book_date
from producer.readers import markup
from producer.readers.archive import elements, text_of

# What in an EPUB's identifier, source or publisher says the file is an archive's e-text of a
# printed book, its dates the e-text's: the archive's site (gutenberg.org, Gutenberg Australia's
# and Canada's, Projekt Gutenberg-DE's, standardebooks.org) anywhere in it, or the archive's
# name opening it ("Project Gutenberg", "Standard Ebooks"). Not "Gutenberg" alone: publishers
# are named for him (Gutenberg Press, Büchergilde Gutenberg), and their dates are their books'.
_ARCHIVE_SITE = re.compile(
    r"(?<![\w-])(?:www\.)?(?:gutenberg\.(?:org|net\.au|ca)|projekt-gutenberg\.org"
    r"|gutenberg\.spiegel\.de|standardebooks\.org)\b",
    re.I,
)
_ARCHIVE_NAME = re.compile(
    r"^\W*(?:the )?(?:project|projekt) gutenberg\b|^\W*standard ebooks\b", re.I
)
# EPUB 2 opf:event values naming the first edition (the attribute is free text).
_ORIGINAL_EVENTS = {"original-publication", "first-publication"}
_PUBLICATION_TYPE = "se:name.publication"  # Standard Ebooks' mark on the work's title


def first_year(text: str) -> str:
    """The first year in an imprint or a date (`config.manuscript.YEAR`); empty where
    there is none."""
    found = YEAR.search(text)
    return found.group() if found else ""


def first_date(dates: Iterable[str]) -> str:
    """The first of the dates that dates a book: an empty one, or a program's stand-in for
    a date never set (`book_date`), passed over for the next."""
    return next((date for date in dates if book_date(date)), "")


def is_archive_etext(names: Iterable[str]) -> bool:
    """Whether an EPUB's identifiers, sources or publishers name an e-text archive."""
    return any(_ARCHIVE_SITE.search(name) or _ARCHIVE_NAME.match(name) for name in names)


def package_date(dates: list[tuple[str, str]], etext: bool) -> str:
    """The book's date among an EPUB package's (event, date) pairs: one marked as the
    original publication's; else, unless the package is an archive's e-text (whose other
    dates are its own), one marked as the publication's or the first marked by no event.
    A date of another event (modification, conversion, creation: the e-book file's) is
    never the book's, nor a stand-in for none (`book_date`): passed over, another dates the
    book, or the archive's pages do."""
    events = [(_event(event), date) for event, date in dates]
    original = first_date(date for event, date in events if event in _ORIGINAL_EVENTS)
    if original or etext:
        return original
    published = [date for event, date in events if event == "publication"]
    unmarked = [date for event, date in events if not event]
    return first_date(published + unmarked)


def _event(event: str) -> str:
    """An opf:event as compared: " Original publication" is "original-publication"."""
    return "-".join(event.lower().replace("_", " ").replace("-", " ").split())


def colophon_year(root: Any) -> str:
    """The year a Standard Ebooks colophon gives the printed book: the <time> in the
    paragraph that names the work ("<i epub:type="se:name.publication.book">Love Among the
    Chickens</i> was published in <time>1921</time> by ..."). Its other times are the
    e-text's, the transcription's and the cover painting's."""
    for paragraph in elements(root, "p"):
        if any(_names_work(el) for el in paragraph.iter()):
            times = elements(paragraph, "time")
            return first_year(times[0].get("datetime") or text_of(times[0])) if times else ""
    return ""


def _names_work(el: Any) -> bool:
    return any(kind.startswith(_PUBLICATION_TYPE) for kind in markup.semantics(el))
