"""A chapter's number and label as typed in a book's text, for the readers that find
chapters without a heading's markup: DOCX and web pages typed without heading styles, the
opening lines of an EPUB's files, a PDF's lines. Lowercase: the patterns built on these are
compiled with re.I."""

import re

from producer.readers import matter

ROMAN = r"(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
)
# A chapter's number: "12", "IV", "Twenty-one"; a book has no chapter 1,000.
NUMBER = rf"(?:\d{{1,3}}|{ROMAN}|(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))?)"
# A chapter label typed as a paragraph: "Chapter 4", "PART TWO", "Chapter IV: The Storm"; a
# title after it short, not ending as a sentence does and not going on in lower case as one
# does ("Chapter 3 was where it went wrong").
CHAPTER_LABEL = re.compile(
    rf"(?:chapter|part|book)\s+{NUMBER}\b[.:]?(?:\s+(?P<title>\S.{{0,70}})(?<![.,;!?]))?",
    re.I,
)
LABELS_NEEDED = 2  # one "Chapter 1" paragraph may be prose's ("Part one was easy")


def is_chapter_label(text: str) -> bool:
    """A line that is a chapter's label, its title (if any) not going on as a sentence."""
    label = CHAPTER_LABEL.fullmatch(text)
    return label is not None and not (label["title"] or "")[:1].islower()


def is_chapter_line(text: str) -> bool:
    """A chapter's label, or a line that is only the name of a narrated part of a book other
    than a chapter ("Prologue", "Epilogue", "Afterword")."""
    if is_chapter_label(text):
        return True
    kind = matter.kind_of(text)
    named = kind in matter.NARRATED and kind not in ("chapter", "part", "volume")
    return named and len(text.split()) <= 2


# A heading's label before its title: "CHAPTER THREE. ", "Part 2: ", "3. ".
_LABEL_FIRST = re.compile(rf"(?:(?:chapter|part|book)\s+)?{NUMBER}\b[.:]?\s+", re.I)


def title_after_label(heading: str) -> str:
    """A heading's title after its label ("CHAPTER THREE. Low Water", "3. Low Water": "Low
    Water"); a heading with no label, as it is."""
    label = _LABEL_FIRST.match(heading)
    return heading[label.end() :] if label else heading


_PART_WORD = re.compile(r"(?:part|book)\s", re.I)


def names_a_part(text: str) -> bool:
    """A heading that names a part of a book: "Part One: The Sea", "BOOK II", "Volume 1"."""
    if is_chapter_label(text) and _PART_WORD.match(text):
        return True
    return matter.kind_of(text) in ("part", "volume")
