"""Chapters: the paragraphs cut into sections where the outline's entries point, or at
headings; a heading broken over two paragraphs made one; the title page and copyright pages
told apart from the chapters.

A stage of its own because it decides the book's parts from paragraphs alone: the outline
is read from the document by `pdf` (pypdf), which hands its entries here as `Mark`s.
"""

import itertools
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from producer.readers import matter
from producer.readers.book import Section, rest_of_title_page
from producer.readers.labels import names_a_part, title_after_label
from producer.readers.markup import joined_title, numbered_title
from producer.readers.pdffurniture import LABEL, LABELLED, echo
from producer.readers.pdflines import HEADING, Line
from producer.readers.pdfparagraphs import NUMERAL, Layout, Para

log = logging.getLogger(__name__)

_MAX_HEADING = 120  # characters: longer is a paragraph, whatever its type
_MISPLACED = 2  # pages an outline entry may point off its heading, to be moved to it
# A heading's label before its title: "CHAPTER THREE. ", "Part 2: ", "3. ".
# A title page's date under its title: "March 2021", "1998".
_DATE = re.compile(
    r"(?:(?:\d{1,2}\s+)?(?:january|february|march|april|may|june|july|august|september"
    r"|october|november|december)\s+)?(?:1[5-9]|20)\d\d",
    re.I,
)
_TITLE_PAGE_LINES = 3  # lines under a title: its author, a date, a publisher
_BOLDER = 0.5  # points: a bold title's type over the text's
_BOLD_WORDS = 12  # words in a bold title; more is a paragraph in bold
_BOLD_TITLES = 2  # bold titles of one size that make them a book's headings


@dataclass(frozen=True)
class Mark:
    """An outline entry: a title and where it points (top None: the top of the page);
    a part's, over chapters of their own, or a chapter's."""

    title: str
    page: int
    top: float | None
    part: bool = False


@dataclass
class _Draft:
    title: str = ""
    paras: list[Para] = field(default_factory=list)
    titled: bool = False  # held the book's title: the title page
    head: Para | None = None  # the heading it starts at
    kind: str = ""  # the kind its pages show it to be (a copyright page), whatever its title


def order(mark: Mark) -> tuple[int, float]:
    """Page by page, top to bottom; an entry to a whole page first on its page."""
    return mark.page, -(math.inf if mark.top is None else mark.top)


def by_outline(
    paras: list[Para], marks: list[Mark], layout: Layout, imprint: set[int]
) -> tuple[list[Section], list[str], list[str]]:
    """Sections starting where the outline's entries point; each entry's heading, printed
    at the top of its section, is not repeated in the body. What comes before the first
    entry, a title in display type over short lines, is the title page (a half-title,
    the author, the publisher), and the authors it names under its title. And a warning
    for each entry left with no text: another entry points to the same place, or it
    points past the text."""
    drafts = [_Draft()]
    pending = _place(marks, paras, layout)
    for para in paras:
        while pending and _reached(para, pending[0]):
            mark = pending.pop(0)
            drafts.append(_Draft(mark.title, kind="part" if mark.part else ""))
        drafts[-1].paras.append(para)
    for draft in drafts[1:]:
        headed = bool(draft.paras)
        while draft.paras and _is_heading(draft.paras[0], layout):
            draft.paras.pop(0)
        if headed and not draft.paras:
            draft.kind = "part"  # its heading alone, said: a part's page in a flat outline
    front = drafts[0].paras
    drafts[0].titled = _display_title(front, paras, layout)
    title = max(front, key=_rank, default=None)  # the first in the largest type
    sections = _finish(drafts, imprint)
    return sections, _credited(sections, title, front), _lost(drafts, pending)


def _lost(drafts: list[_Draft], pending: list[Mark]) -> list[str]:
    """Entries with no text, not even their heading: a chapter gone missing is said."""
    warnings = []
    for draft, after in itertools.pairwise(drafts[1:]):
        if not draft.paras and draft.kind != "part":
            why = f"points where {after.title!r} does; its text is read under that title"
            warnings.append(f"the outline's entry {draft.title!r} {why}")
    for mark in pending:
        why = f"points past the text (page {mark.page + 1})"
        warnings.append(f"the outline's entry {mark.title!r} {why}")
    return warnings


def _display_title(front: list[Para], paras: list[Para], layout: Layout) -> bool:
    """Whether the paragraphs before the outline's first entry show a title in display
    type: larger than the body's and than any heading after them (a prologue's heading in
    a chapter heading's type, its entry left out of the outline, is read)."""
    largest = max((_rank(para) for para in front), default=0.0)
    after = max((_rank(para) for para in paras[len(front) :]), default=0.0)
    return largest >= layout.body * HEADING and largest > after


def _place(marks: list[Mark], paras: list[Para], layout: Layout) -> list[Mark]:
    """Entries that point at a whole page, several at one page with as many headings, each
    placed at its heading (at the page's top, all but the last would be empty)."""
    heads = [para for para in paras if _is_heading(para, layout)]
    marks = sorted((_to_heading(mark, heads, marks) for mark in marks), key=order)
    placed: list[Mark] = []
    for page, group in itertools.groupby(marks, key=lambda mark: mark.page):
        entries = list(group)
        tops = [p.top for p in paras if p.page == page and _is_heading(p, layout)]
        if len(entries) > 1 and len(tops) == len(entries) and all(m.top is None for m in entries):
            entries = [replace(mark, top=top) for mark, top in zip(entries, tops, strict=True)]
        placed.extend(entries)
    return placed


def _to_heading(mark: Mark, heads: list[Para], marks: list[Mark]) -> Mark:
    """An entry pointing a page or two off the heading that says its title (a page put in
    or taken out after the outline was made) moved to that heading: else a chapter took
    the title of the one before or after it. Further off (plates put in), only to the one
    heading that says it, where no other entry points between (it would take that
    entry's text)."""
    named = [head for head in heads if _words(mark.title) in _titles(head.text)]
    if not named or any(head.page == mark.page and _says(head, mark.title) for head in heads):
        return mark  # its page has its heading ("Chapter 3. Conclusion" for "Conclusion")
    nearest = min(named, key=lambda head: abs(head.page - mark.page))
    moved = replace(mark, page=nearest.page, top=nearest.top)
    if abs(nearest.page - mark.page) <= _MISPLACED:
        return moved
    low, high = sorted((order(mark), order(moved)))
    crossed = any(low < order(other) < high for other in marks if other is not mark)
    return mark if len(named) > 1 or crossed else moved


def _titles(heading: str) -> tuple[str, str]:
    """A heading's words, and those of its title after its label ("CHAPTER THREE. Low
    Water", "3. Low Water": "low water")."""
    return _words(heading), _words(title_after_label(heading))


def _says(head: Para, title: str) -> bool:
    """Whether a heading says a title, maybe after a label: the title's words in a row."""
    return f" {_words(title)} " in f" {_words(head.text)} "


def _words(text: str) -> str:
    """A title's words, without its case or punctuation ("Chapter 1: Rain", "CHAPTER 1.
    RAIN")."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _reached(para: Para, mark: Mark) -> bool:
    if para.page != mark.page:
        return para.page > mark.page
    # A destination's top is near its heading's, above or a little below it.
    return mark.top is None or para.top <= mark.top + para.size


def _is_heading(para: Para, layout: Layout) -> bool:
    if len(para.text) > _MAX_HEADING:
        return False
    return para.size >= layout.body * HEADING or _is_label(para.text)


def _is_label(text: str) -> bool:
    """A chapter label on its own ("Chapter 4", "CHAPTER IV", "IV") or with a title."""
    return bool(LABEL.match(text) or LABELLED.match(text))


def by_headings(
    paras: list[Para], layout: Layout, imprint: set[int]
) -> tuple[list[Section], str, list[str]]:
    """Sections at heading-like paragraphs, and the book's title and authors where its title
    page gives them; a lone largest heading over repeated smaller ones is the book's title,
    as in Markdown, and so is a first heading over a name and a date alone on its page. A
    heading naming a part ("PART TWO. Spring") starts a part, in whatever type: a part's
    page set apart from the chapters' headings was read as the end of the chapter before
    it."""
    heads = [p for p in paras if _is_heading(p, layout)]
    bold = _bold_titles(paras, layout, heads)
    heads = [p for p in paras if p in bold or _is_heading(p, layout)] if bold else heads
    parts = [head for head in heads if names_a_part(head.text)]
    title, level = _plan([head for head in heads if head not in parts])
    drafts = [_Draft()]
    for para in paras:
        if para is title or (len(drafts) == 1 and _half_title(para, title, heads, level)):
            drafts[-1].titled = True
            continue
        if len(drafts) == 1 and drafts[0].titled and _under_title(para, title, heads, level):
            drafts[0].paras.append(para)
            continue
        if para in parts:
            drafts.append(_Draft(para.text, kind="part"))
        elif para in heads and _rank(para) >= level:
            drafts.append(_Draft(numbered_title(para.text, "chapter"), head=para))
        else:
            drafts[-1].paras.append(para)
    if title is None and _title_page_heading(drafts):
        page = drafts.pop(1)
        title, drafts[0] = page.head, _Draft(paras=page.paras, titled=True)
    front = drafts[0].paras
    sections = _finish(drafts, imprint)
    return sections, title.text if title else "", _credited(sections, title, front)


def _bold_titles(paras: list[Para], layout: Layout, heads: list[Para]) -> list[Para]:
    """Where no heading's type recurs (no chapters), paragraphs in bold half a point or more
    larger than the text, two or more in one size: a story collection's titles, under the
    type a heading is told by (12 point over 11; the book was one chapter). Each is short,
    no sentence, and at a page's top or after a gap."""
    ranks = Counter(_rank(head) for head in heads if not names_a_part(head.text))
    if any(n > 1 for n in ranks.values()):
        return []
    found = [para for para in paras if _bold_title(para, layout)]
    counts = Counter(_rank(para) for para in found)
    return [para for para in found if counts[_rank(para)] >= _BOLD_TITLES]


def _bold_title(para: Para, layout: Layout) -> bool:
    return (
        para.bold
        and para.apart
        and para.size >= layout.body + _BOLDER
        and len(para.text.split()) <= _BOLD_WORDS
        and not para.text.endswith(".")
    )


def _title_page_heading(drafts: list[_Draft]) -> bool:
    """Whether the first heading, opening the book, heads a title page in the chapters'
    type: a page of its own holding only an author's name and a date under it (LaTeX's
    maketitle; read, it was a chapter "Tides and Harbours" saying "A. N. Other March
    2021")."""
    if len(drafts) < 3 or drafts[0].paras:
        return False
    head, after, paras = drafts[1].head, drafts[2].head, drafts[1].paras
    if head is None or after is None or after.page <= head.page:
        return False  # no page of its own, chapters after it
    if matter.kind_of(head.text) or _is_label(head.text) or names_a_part(head.text):
        return False  # "Preface", "Chapter 1" over its opening lines
    if any(para.page != head.page for para in paras):
        return False
    lines = _lines(paras)
    return 0 < len(lines) <= _TITLE_PAGE_LINES and all(
        _is_name(line) or _DATE.fullmatch(line) for line in lines
    )


def _lines(paras: list[Para]) -> list[str]:
    """Paragraphs' lines: a title page's short lines run on as verse."""
    return [line for para in paras for line in para.text.split("\n")]


def _credited(sections: list[Section], title: Para | None, front: list[Para]) -> list[str]:
    """The authors the title page names under its title, on its page (a half-title's or an
    "Also by" page's lines before it name other books); none where no title page was
    found: a prologue's short lines are not a credit."""
    if title is None or not any(section.kind == "titlepage" for section in sections):
        return []
    under = [para for para in front if para.page == title.page and para.top < title.top]
    return _authors(under)


def _authors(paras: list[Para]) -> list[str]:
    """The names a title page credits under its title: a byline's ("by Ann Example")
    anywhere, else the first line's that names people without "by" ("ANN EXAMPLE",
    "Colette" over the publisher), past a subtitle ("A Novel"). The imprint's first line
    ends the search, the publisher's or its city's ("New York", which reads as a name) or a
    year: a name after it is the imprint's. A byline is looked for in the lines as set: a
    paragraph runs it on from a wider line above ("Uncorrected Proof by Ann Example"), a
    heading's lines join lines of one display type ("Book One by Ann Example")."""
    byline, _ = matter.credits(_set_lines(paras))
    return byline or matter.credits(_name_lines(paras), _lone_name)[1]


def _set_lines(paras: list[Para]) -> list[str]:
    """Paragraphs' lines as set, but for a line opening on "by" that ends another
    contributor's credit above it ("Translated from the French" over "by Ann Example")."""
    lines: list[str] = []
    for line in (line for para in paras for line in para.lines):
        if lines and matter.BY.match(line) and _CONTRIBUTOR.match(f"{lines[-1]} {line}"):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _name_lines(paras: list[Para]) -> list[str]:
    """Paragraphs' lines for a name without "by": as `_lines` reads them, but a heading's
    lines of one display type parted where a name stands on a line of its own."""
    return [line for para in paras for line in _parted(para)]


def _parted(para: Para) -> list[str]:
    """A heading's lines as set up to the imprint's (the publisher's, its city, a date),
    run on as the heading runs them ("A Tale Told" over "In Three Parts" is a subtitle's
    one line, though "Harbour Town" under "Stories from" reads as a name), but kept apart
    where each names people of its own; the imprint's first line and those under it as
    set. Run on, "ANN EXAMPLE Harbour Light Press" named no one, and "Penguin London" a
    publisher."""
    if "\n" in para.text or len(para.lines) < 2:
        return para.text.split("\n")
    lines = list(para.lines)
    cut = _imprint_at(lines)
    above, rest = lines[:cut], lines[cut:]
    if _named_apart(above):
        return lines
    run_on = [" ".join(above)] if rest else [para.text]
    return [*run_on, *rest] if above else rest


def _imprint_at(lines: list[str]) -> int:
    """Where a heading's lines reach the imprint's: its first line, or a word over a city
    ("Penguin" over "London", the publisher's short name). Run on with it, "Ann Example"
    over "Penguin" was "Ann Example Penguin"."""
    cut = next((n for n, line in enumerate(lines) if matter.ends_credits(line)), len(lines))
    city = 0 < cut < len(lines) and matter.is_place(lines[cut])
    return cut - 1 if city and len(lines[cut - 1].split()) == 1 else cut


def _named_apart(lines: list[str]) -> bool:
    """Whether lines each name people, and more of them than run on: a name is not
    broken over lines ("ANN EXAMPLE" over "BO SAMPLE" ran on as a four-word name), but a
    credit may be ("Ann Example and" over "Bo Sample" names the same two run on)."""
    names = [matter.credit(line) for line in lines]
    return all(names) and len(matter.credit(" ".join(lines))) < sum(map(len, names))


# A word alone that is no name: a volume's number ("II"), an initial ("A.") or a shortening.
_NO_NAME = re.compile(r"[IVXLCDM]+|.*\.")
# Another contributor's credit, under the author's: "Translated from the French by ...".
_CONTRIBUTOR = re.compile(
    r"(?:with an? )?(?:translated|illustrated|edited|introduction|foreword|afterword|notes)\b"
    r".{0,40}\bby\s",
    re.I,
)


def _lone_name(line: str, after: str) -> list[str]:
    """A name of one word ("Colette", "MOLIÈRE") where the line under it says it is the
    author's: the publisher's line, not naming it ("Penguin" over "Penguin Books" is the
    publisher's short name), or another contributor's credit ("Translated by ...").
    Alone, or over a city ("Penguin" over "London"), a word is as likely a publisher's as
    a name, and no author is better than a wrong one; a subtitle's, a genre's or an
    edition's word ("Stories", "MEDITATIONS", "Unabridged") is none."""
    word = line.strip()
    named = matter.name_word(word) and matter.bare_name(word)
    if " " in word or _NO_NAME.fullmatch(word) or not named:
        return []
    publisher = matter.is_imprint(after) and word.casefold() not in after.casefold().split()
    return [matter.as_credited(word)] if publisher or _CONTRIBUTOR.match(after) else []


def _is_name(text: str) -> str:
    """A line that is a name ("A. N. Other", "by Ann Example"), without its "by"; else
    nothing. A name's words each open on a capital; a sentence's do not."""
    words = text.removeprefix("by ").removeprefix("By ").split()
    if not 0 < len(words) <= matter.NAME_WORDS:
        return ""
    return " ".join(words) if all(word[0].isupper() for word in words) else ""


def _half_title(para: Para, title: Para | None, heads: list[Para], level: float) -> bool:
    """A heading before the first chapter that says the book's title again, smaller: the
    half-title page's, part of the title page (as a chapter, it took the title page's
    author and imprint for its text). One after the title in a chapter heading's type is
    the first chapter's, named for the book (a collection's title poem or story)."""
    if title is None or para not in heads or echo(para.text) != echo(title.text):
        return False
    return heads.index(para) < heads.index(title) or _rank(para) != level


def _under_title(para: Para, title: Para | None, heads: list[Para], level: float) -> bool:
    """A heading on the title's page, under it, in type above the chapters' (the author's
    name: "Ann Example" in 14 point over stories titled in 12): the title page's; as a
    chapter with nothing under it, it was left out unlisted."""
    return (
        title is not None
        and para in heads
        and para.page == title.page
        and _rank(para) > level
        and not matter.kind_of(para.text)
        and not names_a_part(para.text)
    )


def _plan(heads: list[Para]) -> tuple[Para | None, float]:
    """The book's title among the headings, if one stands alone above the rest, and the
    type size of chapter headings: the largest that recurs, else the largest."""
    counts = Counter(_rank(head) for head in heads)
    if not counts:
        return None, float("inf")
    repeated = [size for size, n in counts.items() if n > 1]
    level = max(repeated) if repeated else max(counts)
    if level == max(counts):
        return None, level
    return next(head for head in heads if _rank(head) == max(counts)), level


def _rank(para: Para) -> float:
    """A heading's type size to the half point: sizes that differ less are one level."""
    return round(para.size * 2) / 2


def merge_headings(paras: list[Para], layout: Layout) -> list[Para]:
    """A heading over two paragraphs made one: a bare label and its title ("CHAPTER IV",
    "The Storm"), a chapter's number over its title, or a centred heading broken over
    lines of one size."""
    merged: list[Para] = []
    for para in paras:
        prev = merged[-1] if merged else None
        if prev and _continues_heading(prev, para, layout):
            size = max(prev.size, para.size)
            text, bold = _heading_text(prev.text, para.text), prev.bold and para.bold
            lines = prev.lines + para.lines
            merged[-1] = Para(prev.page, prev.top, size, text, bold, prev.apart, lines)
        else:
            merged.append(para)
    return merged


def _heading_text(first: str, second: str) -> str:
    """One heading of two paragraphs: a label and its title ("CHAPTER IV. The Storm"), a
    number and its title ("1: THE LETTER", as the EPUB reader joins them), or two lines
    of a title."""
    if NUMERAL.fullmatch(first):
        return joined_title([first.rstrip(".:"), second])
    if LABEL.match(first):
        return f"{first.rstrip('.:')}. {second}"
    return f"{first} {second}"


def _continues_heading(prev: Para, para: Para, layout: Layout) -> bool:
    if prev.page != para.page or _is_label(para.text):
        return False
    if _number_over_title(prev, para, layout):
        return True
    if not (_is_heading(prev, layout) and _is_heading(para, layout)):
        return False
    return bool(LABEL.match(prev.text)) or abs(prev.size - para.size) < 0.5


def _number_over_title(prev: Para, para: Para, layout: Layout) -> bool:
    """A chapter's number alone over its title's heading, in any type but smaller than the
    text's: Vellum's "1" in large type over "THE LETTER" was the chapter's title and the
    title its first paragraph; a "2" in the text's type was the last word of the chapter
    before it."""
    if not NUMERAL.fullmatch(prev.text) or NUMERAL.fullmatch(para.text):
        return False
    return prev.size >= layout.body and _is_heading(para, layout)


def _finish(drafts: list[_Draft], imprint: set[int]) -> list[Section]:
    """The sections: copyright pages set apart, and a title page told by its short lines."""
    drafts = _set_apart(drafts, imprint)
    for draft in drafts:
        draft.titled = draft.titled and _title_page(draft, drafts)
    return _sections(drafts)


def _title_page(draft: _Draft, drafts: list[_Draft]) -> bool:
    return rest_of_title_page([para.text for para in draft.paras], draft is not drafts[-1])


# A copyright page's marks, and what each counts: three make a page one (a chapter may say
# "copyright" and "all rights reserved", not give an ISBN or catalogue data too). Its words
# start a line or a sentence, as a copyright page sets each notice: a story's sentences
# say them along the way ("a first edition, printed in London; its copyright ...").
_STARTS = r"(?:^|(?<=[.!?;:] ))"
_IMPRINT = [
    (re.compile(pattern, re.I | re.M), weight)
    for pattern, weight in (
        (rf"©|{_STARTS}copyright\b", 1),
        (rf"{_STARTS}all rights reserved\b", 1),
        (r"\bISBN(?:-1[03])?:?\s*[\dX][\dX -]{8,}", 2),
        (r"\bcatalogu?ing[- ]in[- ]publication\b|\blibrary of congress control number\b", 2),
        (rf"{_STARTS}(?:printed (?:and bound )?in|first (?:published|edition|printing))\b", 1),
    )
]
_IMPRINT_MARKS = 3


def imprint_pages(lines: list[Line]) -> set[int]:
    """The pages that are a copyright page: its notice, reserved rights, ISBN, catalogue
    data. Read, they were the first chapter's opening (or, under no title, a chapter)."""
    text: dict[int, list[str]] = defaultdict(list)
    for line in lines:
        text[line.page].append(line.text)
    return {
        page for page, parts in text.items() if _imprint_marks("\n".join(parts)) >= _IMPRINT_MARKS
    }


def _imprint_marks(text: str) -> int:
    return sum(weight for mark, weight in _IMPRINT if mark.search(text))


def _set_apart(drafts: list[_Draft], imprint: set[int]) -> list[_Draft]:
    """The front matter's paragraphs on a copyright page (before the first titled part that
    is narrated) made a copyright-page part; what follows one on other pages (a dedication)
    an untitled part. A title page that carries its copyright line stays one, and a story
    whose first page credits where it was first published stays whole."""
    parts: list[_Draft] = []
    for n, draft in enumerate(drafts):
        if draft.title and not matter.skip_reason(matter.kind_of(draft.title)):
            return parts + drafts[n:]
        if draft.titled and _title_page(draft, drafts):
            parts.append(draft)
            continue
        current = replace(draft, paras=[])
        parts.append(current)
        for para in draft.paras:
            kind = "copyright-page" if para.page in imprint else ""
            if kind != current.kind and current.paras:
                current = _Draft()
                parts.append(current)
            current.kind = kind
            current.paras.append(para)
    return parts


def _sections(drafts: list[_Draft]) -> list[Section]:
    sections = []
    for draft in drafts:
        body = "\n\n".join(para.text for para in draft.paras)
        if body and draft.kind:
            sections.append(Section(draft.title, body, draft.kind, matter.skip_reason(draft.kind)))
        elif body and not draft.title and draft.titled:
            kind = "titlepage"  # with what follows the title before the first chapter
            sections.append(Section("", body, kind, matter.skip_reason(kind)))
        elif body:
            kind = matter.kind_of(draft.title) or "chapter"  # "Preface", "Index", ...
            sections.append(Section(draft.title, body, kind, matter.skip_reason(kind)))
        elif draft.title and draft.kind == "part":
            sections.append(Section(draft.title, "", "part"))  # its heading alone, said
        elif draft.title:
            log.info("skipping heading with no text under it: %r", draft.title)
    return sections
