"""Project Gutenberg's header and licence among an EPUB's blocks: not the book's, so not
narrated, but listed as skipped. Its marker lines and the e-text's credit under the START
line are told here for the plain-text and HTML readers too (`START`, `END`,
`credit_blocks`, `without_credit`), which drop what they find.

Project Gutenberg sets them around every e-text: before the book, "The Project Gutenberg
eBook of ...", its terms, the title, author and release-date lines, and last the line
"*** START OF THE PROJECT GUTENBERG EBOOK ... ***"; after it, "*** END OF THE PROJECT
GUTENBERG EBOOK ... ***" (or, before that, "End of the Project Gutenberg EBook of ...") and
the licence ("START: FULL LICENSE", "THE FULL PROJECT GUTENBERG LICENSE", ...). Newer files
wrap each in a `<section class="pg-boilerplate" id="pg-header">` (`pg-footer`), older ones
set them as plain paragraphs or a `<pre>`; the START and END lines are in both, so they are
what tells them, line by line (a `<pre>` may hold a header and the producer's credit under
its START line; a paragraph broken by `<br>`s is one line). A book that merely mentions
Project Gutenberg is untouched: the START line counts only in the first files, under the
header's fields or terms; the END line only where it opens a line, unless the book had the
header; the looser closing lines ("End of Project Gutenberg's ...", "START: FULL LICENSE")
only in a book that had the header, where they open a line.
"""

import re
from dataclasses import dataclass, field, replace
from itertools import takewhile

from producer.readers.book import Section
from producer.readers.markup import Block

# Project Gutenberg's header is in the first spine file with text: after a cover wrapper.
HEADER_FILES = 3
KIND = "boilerplate"
REASON = "e-text boilerplate, not the book's"
HEADER_TITLE = "Project Gutenberg's header"
LICENCE_TITLE = "Project Gutenberg's licence"

# [ \t], not \s: from a blank line \s would run on over the lines after it.
START = re.compile(r"\*{3}[ \t]*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
# What every header has before its START line, in all its forms.
_HEADER_SIGN = re.compile(r"\bTitle:[ \t]|for the use of anyone anywhere", re.I)
END = re.compile(r"\*{3}[ \t]*END OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
# What closes the book in some files before the END line, or stands for it where a file
# lacks one: "End of the Project Gutenberg EBook of X", "End of Project Gutenberg's X",
# the licence's own first line. (No two runs of [ \t]* side by side: a line of tabs would
# be tried split every way, in quadratic time.)
_CLOSING = re.compile(
    r"^[ \t]*(?:End of (?:the )?Project Gutenberg(?:['’]s|[ \t]+e-?books?|[ \t]+e-?texts?)\b"
    r"|(?:\*+[ \t]*)?START: FULL LICEN[CS]E).*$",
    re.I | re.M,
)
# The e-text's credit that older files set just under the START line, where newer ones have
# a header line "Credits: Produced by ...": "Produced by ...", "E-text prepared by ...",
# "Transcribed from the 1908 Longmans, Green, and Co. edition by ...".
_CREDIT = re.compile(
    r"^\s*(?:produced by|e-?text prepared by|this e-?(?:text|book) was (?:produced|prepared)"
    r"|transcribed (?:from|by)\b)",
    re.I,
)
_CREDIT_LINES = 4  # the most lines a credit runs to
# A table of contents' entry for the boilerplate, which has no place in the book's.
_LABEL = re.compile(
    r"^\W*(?:the )?project gutenberg(?:['’]s)? e-?(?:book|text)\b|^\W*(?:the )?full project "
    r"gutenberg(?:™|-tm)? licen[cs]e|^\W*(?:start|end) of (?:the|this) project gutenberg",
    re.I,
)


@dataclass
class Trimmed:
    """A book's files' blocks less Project Gutenberg's header and licence, and those."""

    files: list[list[Block]]
    header: list[Block] = field(default_factory=list)  # its START line (and credit) last
    licence: list[Block] = field(default_factory=list)  # its END (or closing) line first
    licence_file: int | None = None  # the file the licence begins in

    def sections(self) -> tuple[list[Section], list[Section]]:
        """The header and the licence as skipped sections: those before the book's, and
        those after it."""
        return _skipped(HEADER_TITLE, self.header), _skipped(LICENCE_TITLE, self.licence)

    def header_text(self) -> str:
        """The header as lines, for its title, author and date."""
        return "\n".join(block.text for block in self.header)


def trimmed(files: list[list[Block]]) -> Trimmed:
    """The files' blocks with the header (all before its START line, in the first
    `HEADER_FILES`) and the licence (all from its END line on) taken out."""
    start = _found(files[:HEADER_FILES], START, anywhere=True)
    if start and not _is_header(files, start):
        start = None
    files, header = _cut_before(files, start) if start else (files, [])
    # Where the header said this is Project Gutenberg's, an END marker after words on its
    # line counts too, and so do the looser closing lines.
    ends = [_found(files, END, anywhere=bool(header)), _found(files, _CLOSING) if header else None]
    end = min((place for place in ends if place), key=_order, default=None)
    files, licence = _cut_from(files, end) if end else (files, [])
    return Trimmed(files, header, licence, end[0] if end else None)


def names_boilerplate(label: str) -> bool:
    """Whether a table of contents' label names the header or the licence."""
    return bool(_LABEL.match(label))


_Place = tuple[int, int, re.Match[str]]  # a file, a block in it, the marker's line there


def _found(
    files: list[list[Block]], pattern: re.Pattern[str], anywhere: bool = False
) -> _Place | None:
    """The first block with a line `pattern` matches (at the line's start, unless
    `anywhere`), and that match."""
    for doc, blocks in enumerate(files):
        for at, block in enumerate(blocks):
            for found in pattern.finditer(block.text):
                line_start = block.text.rfind("\n", 0, found.start()) + 1
                if anywhere or not block.text[line_start : found.start()].strip():
                    return doc, at, found
    return None


def _is_header(files: list[list[Block]], start: _Place) -> bool:
    """Whether what stands before a START line is Project Gutenberg's header: it has the
    header's fields ("Title: ...") or terms ("for the use of anyone anywhere")."""
    doc, at, line = start
    before = [b.text for blocks in files[:doc] for b in blocks] + [b.text for b in files[doc][:at]]
    return bool(_HEADER_SIGN.search("\n".join([*before, files[doc][at].text[: line.start()]])))


def _order(place: _Place) -> tuple[int, int, int]:
    return place[0], place[1], place[2].start()


def _cut_before(files: list[list[Block]], place: _Place) -> tuple[list[list[Block]], list[Block]]:
    """The files from the line after `place`'s on, and what came before, its line with it
    and the e-text's credit under it (lines of a <pre>, or paragraphs of their own)."""
    doc, at, line = place
    block = files[doc][at]
    header = [b for blocks in files[:doc] for b in blocks] + files[doc][:at]
    lines = block.text[line.end() :].strip("\n").split("\n")
    credit = _credit_lines(lines)
    header.append(
        replace(block, text="\n".join([block.text[: line.end()].strip(), *lines[:credit]]))
    )
    rest = "\n".join(lines[credit:]).strip("\n")
    after = files[doc][at + 1 :]
    if not rest.strip():
        credits = credit_blocks(after)
        header, after = header + after[:credits], after[credits:]
    kept = [replace(block, text=rest)] if rest.strip() else []
    return [[] for _ in files[:doc]] + [kept + after] + files[doc + 1 :], header


def credit_blocks(blocks: list[Block]) -> int:
    """How many of the blocks just under a START line are the e-text's credit: those at
    their head that open as a credit does (an HTML or EPUB paragraph of its own each)."""
    return len(list(takewhile(lambda block: _CREDIT.match(block.text), blocks)))


def without_credit(text: str) -> str:
    """A plain text from just under its START line, less the e-text's credit at its top:
    its paragraphs there that open as a credit does, each as far as `_credit_lines` takes
    it, as of a <pre>'s lines (one that runs on past that keeps the rest, the book's)."""
    lines = text.split("\n")
    at = 0
    while True:
        start, end = _paragraph(lines, at)
        taken = _credit_lines(lines[start:end]) if start < end else 0
        if not taken:
            return "\n".join(lines[at:])
        at = start + taken
        if at < end:
            return "\n".join(lines[at:])


def _paragraph(lines: list[str], at: int) -> tuple[int, int]:
    """The first paragraph from line `at` on: its first line and the blank line after it."""
    start = next((n for n in range(at, len(lines)) if lines[n].strip()), len(lines))
    end = next((n for n in range(start, len(lines)) if not lines[n].strip()), len(lines))
    return start, end


def _credit_lines(lines: list[str]) -> int:
    """How many of a <pre>'s lines under its START line are the credit: from one that
    opens as a credit does to the first that ends a sentence ("... Proofreading Team."), or
    all of a few; none where the first line is not a credit's."""
    if not _CREDIT.match(lines[0]):
        return 0
    ends = [n for n, line in enumerate(lines[:_CREDIT_LINES], 1) if line.rstrip().endswith(".")]
    return ends[0] if ends else len(lines) if len(lines) <= _CREDIT_LINES else 1


def _cut_from(files: list[list[Block]], place: _Place) -> tuple[list[list[Block]], list[Block]]:
    """The files up to `place`'s line, and what follows from it, its line first."""
    doc, at, line = place
    block = files[doc][at]
    before, tail = block.text[: line.start()].rstrip(), block.text[line.start() :]
    licence = [replace(block, text=tail.strip("\n")), *files[doc][at + 1 :]]
    licence += [b for blocks in files[doc + 1 :] for b in blocks]
    kept = [replace(block, text=before)] if before.strip() else []
    return files[:doc] + [files[doc][:at] + kept] + [[] for _ in files[doc + 1 :]], licence


def _skipped(title: str, blocks: list[Block]) -> list[Section]:
    if not blocks:
        return []
    return [Section(title, "\n\n".join(block.text for block in blocks), KIND, REASON)]
