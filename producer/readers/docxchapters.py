"""A DOCX's paragraphs cut into sections: chapters at headings or at chapter labels
typed as paragraphs, a label joined to its title, parts over chapters, the book's title,
and what is not a chapter: a manuscript's cover page, a title page and what follows it, a
typed list of contents.
"""

import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from models.normalize.roman import roman_to_int
from producer.readers import matter
from producer.readers.book import (
    PART_INTRO_BLOCKS,
    TITLE_PAGE_WORDS,
    Section,
    chapters_in_parts,
    rest_of_title_page,
)
from producer.readers.docxparts import TITLE
from producer.readers.docxtext import Block, Para, Table, joined_title
from producer.readers.headings import is_number_line, reads_as_title
from producer.readers.labels import (
    CHAPTER_LABEL,
    LABELS_NEEDED,
    NUMBER,
    NUMBER_WORDS,
    ROMAN,
    is_chapter_label,
    is_chapter_line,
    names_a_part,
)

log = logging.getLogger(__name__)

# A manuscript's word count, a line of its own: "About 80,000 words" (alone, or after the
# author's name and a tab), "approx. 80K words", "Word count: 80,000". A line that only
# ends in a count is prose's: "my first 100 words" and "who read all 90,000 words" are a
# dedication's, "A picture is worth 1,000 words." an epigraph's.
_WORD_COUNT = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){0,4}"  # the author's name, capitalized, before a tab
    r"(?i:(?:about|approx(?:imately|\.)?|around|circa|ca?\.|roughly|~)\s*)?"
    r"(?:\d{1,3}(?:[,.\u00a0\u202f ]?\d{3})+|\d+(?:\.\d+)?\s*[kK])\s+(?i:words)\.?"
    r"|(?i:word\s+count)\b.*"
)
_BYLINE = re.compile(r"by\s+\S.*", re.I)  # "by Jane Doe" under a manuscript's title
# A line saying what the book is between a cover's title and its byline: "a novel", "A
# Novel", "— a historical novel —", "A Memoir", "a short story" (not "A Love Story", a title).
_GENRE = re.compile(
    r"[—–-]*\s*(?:an?\s+)?(?:[\w-]+\s+)?"
    r"(?:novel|novella|novelette|memoir|short\s+stor(?:y|ies))\s*[—–-]*",
    re.I,
)
_BYLINE_WORDS = 6
# A pen name in lower case on a line of its own under a title page's Title ("bell hooks",
# "e. e. cummings"): its words, and words no name has that a sentence has (a pronoun, a
# verb that helps another, a conjunction, a negation, a quantity), as an epigraph's
# ("nothing gold can stay") or a line's that the author set there ("we were young once").
_PEN_NAME_WORDS = (2, 4)
_SENTENCE_WORDS = frozenset(
    {"i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her"}
    | {"it", "its", "they", "them", "their", "this", "that", "these", "those", "who"}
    | {"what", "which", "where", "when", "why", "how", "is", "are", "was", "were", "be"}
    | {"been", "am", "do", "does", "did", "have", "has", "had", "can", "could", "will"}
    | {"would", "shall", "should", "may", "might", "must", "let", "and", "or", "but", "nor"}
    | {"so", "yet", "if", "as", "than", "then", "not", "no", "never", "nothing", "all"}
    | {"some", "every", "each", "any", "more", "most", "only", "just", "still", "here"}
    | {"there", "now", "again", "into", "over", "under", "after", "before", "about", "by"}
)
# A copyright line up to its holder's name: "© 2024 ", "Copyright 2024 by ", "copyright
# © ", "Copyright © 2020–2024 ". Eight of those marks at most, each read one way: a line
# of them fails fast.
_COPYRIGHT_HOLDER = r"(?:©|\(c\)|\bcopyright\b)(?:\s*(?:©|\(c\)|\d{4}[-–,]?|by\b)){0,8}\s*"
_TITLE_WORDS = 12  # a book's title on a manuscript's cover, at most
# After a title page's lines: an epigraph, a quotation or a line over its attribution
# ("— Jacques Cousteau"), or a dedication ("For Anna", "To my mother").
_QUOTES = tuple("“”\"‘'«»„")
_ATTRIBUTION = re.compile(r"[—–~-]+\s*\w[^—–~]*(?<!-)")  # not "— A Novel —"
_DEDICATION = re.compile(r"(?:for|to)\s+\w", re.I)
# A contents entry's page number: "The Storm\t12" (a tab is a space here), "Preface ....
# ix"; a front matter's Roman numerals are lowercase, and few ("Louis XIV" is a title, and
# "did" and "mild" are words).
_PAGE_NUMBER = re.compile(r"(?:\s|(?<=\S)[.·…_])+(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))$")
_BARE_NUMBER = re.compile(rf"{NUMBER}[.:]?", re.I)  # a chapter's number alone: "II.", "12"
# A chapter label's word and number ("Chapter 3", "PART TWO: The Land"), to tell its form
# and its place in a sequence.
_LABEL_NUMBER = re.compile(rf"(chapter|part|book)\s+({NUMBER})\b", re.I)
_ROMAN_NUMBER = re.compile(ROMAN, re.I)
_NUMBER_WORD = {word: n for n, word in enumerate(NUMBER_WORDS.split("|"), 1) if n < 20}
_NUMBER_WORD |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
# Numbers alone that head chapters: a run of at least three from one ("1", "2", "3"); two
# may be a list's, and one a page's number left in the text.
_NUMBERS_NEEDED = 3


@dataclass
class Credits:
    """What a title page or a manuscript's cover page says of the book: the title a cover
    gives ("" where none; a Title paragraph is found by `plan`), the authors its byline
    names ([] where none) and the names a title page gives without "by" ("JANE WRITER"),
    which only stand in for a dc:creator that names no one: nothing but their words says
    they are names; and a pen name in lower case under the Title that the body does not
    confirm, for the package's properties or headers to (`docxparts.signed`)."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    pen_name: str = ""


@dataclass
class _Draft:
    """A section being gathered: its heading, paragraphs and the tables it skipped, each
    with how many of its paragraphs came before it."""

    title: str = ""
    paras: list[Para] = field(default_factory=list)
    tables: list[tuple[int, Table]] = field(default_factory=list)
    titled: bool = False  # held the book's Title paragraph: the title page
    title_at: int | None = None  # how many of its paragraphs came before that Title
    tables_over_title: int = 0  # how many of its tables came before that Title
    kind: str = ""  # what its heading's own text names ("Index" numbered "Chapter %1")


# Sections


def title_styled_labels(blocks: list[Block]) -> list[Block]:
    """Chapter labels set in the Title style, several of them, as Google Docs' authors set
    them ("Chapter One" in Title over its name in Subtitle): labels as typed paragraphs
    are, for `labelled_chapters`. Taken for the book's title, the first was unheard and
    named the book, and the others were read inside one chapter."""
    titles = [b for b in blocks if isinstance(b, Para) and b.level == TITLE]
    if sum(is_chapter_label(b.text) for b in titles) < LABELS_NEEDED:
        return blocks
    return [
        replace(b, level=None, front=False)
        if isinstance(b, Para) and b.level == TITLE and is_chapter_line(b.text)
        else b
        for b in blocks
    ]


def labelled_chapters(blocks: list[Block]) -> list[Block]:
    """A manuscript without heading styles, its chapters typed as body paragraphs ("Chapter
    1" centred and bold, or a number alone: `_numbers_as_labels`): those paragraphs made
    headings, with a "Prologue" or "Epilogue" among them, and parts' labels ("PART ONE")
    a level over the chapters' where both are typed. Read as body text, the whole book was
    one chapter, and a part's label a chapter or, with no text under it, dropped unheard.
    One heading is no styling of chapters (an author styles the book's title so): over the
    first label, and no chapter's or part's name itself ("Prologue"), it is a level over
    the labels, and so the book's title (`plan`)."""
    heads = [i for i, block in enumerate(blocks) if _heading(block) is not None]
    if len(heads) > 1:
        return _unstyled_labels(blocks)
    blocks = _numbers_as_labels(blocks)
    labels = [i for i, b in enumerate(blocks) if isinstance(b, Para) and is_chapter_label(b.text)]
    if len(labels) < LABELS_NEEDED:
        return blocks
    over = heads and heads[0] < labels[0] and not _is_chapter_heading(blocks[heads[0]])
    level = (_heading(blocks[heads[0]]) or 0) + 1 if over else 1
    typed = [i for i, b in enumerate(blocks) if isinstance(b, Para) and _is_chapter_paragraph(b)]
    parts = {i for i in typed if _opens_chapters(blocks, i)}
    return [
        replace(b, level=level + bool(parts and i not in parts), typed=True)
        if i in typed and isinstance(b, Para)
        else b
        for i, b in enumerate(blocks)
    ]


def _opens_chapters(blocks: list[Block], at: int) -> bool:
    """Whether a typed part's label ("PART ONE") stands over its first chapter's label,
    with a few paragraphs of its own between them or not (an epigraph), and that chapter
    has text: a list of labels one under another is a contents list's entries."""
    label = blocks[at]
    if not isinstance(label, Para) or not names_a_part(label.text):
        return False
    following = (b.text for b in blocks[at + 1 :] if isinstance(b, Para))
    paras = list(itertools.islice(following, PART_INTRO_BLOCKS + 2))
    first = next((n for n, text in enumerate(paras) if is_chapter_line(text)), None)
    if first is None or first > PART_INTRO_BLOCKS or names_a_part(paras[first]):
        return False
    return first + 1 < len(paras) and not is_chapter_line(paras[first + 1])


def _unstyled_labels(blocks: list[Block]) -> list[Block]:
    """Chapters styled as headings, one of whose labels was typed as a body paragraph (its
    style forgotten, "Chapter 3" set bold): that paragraph a heading of its neighbours'
    level, where it is a label of their form ("Chapter" and digits) and its number falls
    between theirs (or follows the last, or comes before the first, by one). Read as body
    text, its chapter ran on inside the one before it."""
    styled = [
        (i, found)
        for i, block in enumerate(blocks)
        if _heading(block) is not None and (found := _label_number(title(block))) is not None
    ]
    if len(styled) < LABELS_NEEDED:
        return blocks
    typed = list(blocks)
    for i, block in enumerate(blocks):
        found = _label_number(block.text) if isinstance(block, Para) else None
        if not isinstance(block, Para) or block.level is not None or found is None:
            continue
        neighbour = _neighbour_in_sequence(styled, i, found)
        if neighbour is not None:
            typed[i] = replace(block, level=_heading(blocks[neighbour]), typed=True)
            log.info("a chapter label typed as body text, read as a heading: %r", block.text)
    return typed


def _neighbour_in_sequence(
    styled: list[tuple[int, tuple[str, int]]], at: int, found: tuple[str, int]
) -> int | None:
    """The styled label next to a typed one at `at` whose sequence its number fits (the
    one before it, else the one after), by index; None where it fits none."""
    form, number = found[0], found[1]
    before = [(i, n) for i, (f, n) in styled if i < at and f == form]
    after = [(i, n) for i, (f, n) in styled if i > at and f == form]
    low = before[-1][1] if before else number - 1
    high = after[0][1] if after else number + 1
    if not (before or after) or not low < number < high:
        return None
    return before[-1][0] if before else after[0][0]


def _label_number(text: str) -> tuple[str, int] | None:
    """A chapter label's form (its word, and how its number is written) and its number:
    "Chapter 3" is ("chapter digits", 3), "PART TWO: The Land" ("part words", 2); None
    for no label."""
    label = _LABEL_NUMBER.match(text)
    if label is None or not is_chapter_label(text):
        return None
    value = _number_value(label[2])
    return None if value is None else (f"{label[1].casefold()} {value[0]}", value[1])


def _number_value(number: str) -> tuple[str, int] | None:
    """How a chapter's number is written (digits, Roman, words) and its value: "12", "IV",
    "Twenty-one"; None for none."""
    if number.isdigit():
        return "digits", int(number)
    roman = roman_to_int(number) if _ROMAN_NUMBER.fullmatch(number) else None
    if roman is not None:
        return "roman", roman
    words = re.split(r"[- ]", number.casefold())
    if number and all(word in _NUMBER_WORD for word in words):
        return "words", sum(_NUMBER_WORD[word] for word in words)
    return None


def _numbers_as_labels(blocks: list[Block]) -> list[Block]:
    """Body paragraphs that are a number alone ("1", "II.", "Three"), as literary
    manuscripts head their chapters, made labels, "Chapter 1" (a bare "I" is heard as the
    pronoun, "1" as a count): where paragraphs are no labels (one at most), and three such
    numbers or more count from one, written alike, each over text of its own (numbers one
    under another are a list's, and a table is not read). Read as body text, the book was one
    chapter."""
    if sum(isinstance(b, Para) and is_chapter_label(b.text) for b in blocks) >= LABELS_NEEDED:
        return blocks
    at = [
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Para) and b.level is None and _BARE_NUMBER.fullmatch(b.text)
    ]
    values = [_number_value(_bare(blocks[i])) for i in at]
    counted = [value[1] if value is not None else 0 for value in values]
    if len(at) < _NUMBERS_NEEDED or counted != list(range(1, len(at) + 1)):
        return blocks
    if len({value[0] for value in values if value is not None}) > 1:
        return blocks  # "1" and "II" are no one sequence
    if any(end - start < 2 for start, end in zip(at, [*at[1:], len(blocks)], strict=True)):
        return blocks
    return [
        replace(b, text=f"Chapter {_bare(b)}") if i in at and isinstance(b, Para) else b
        for i, b in enumerate(blocks)
    ]


def _bare(block: Block) -> str:
    """A number alone without the stop after it ("II." is "II")."""
    return block.text.rstrip(".:") if isinstance(block, Para) else ""


def _is_chapter_heading(block: Block) -> bool:
    """A heading that names a chapter or a part of a book ("Chapter 1", "Preface")."""
    return is_chapter_line(title(block)) or bool(_kind(block))


def _is_chapter_paragraph(block: Para) -> bool:
    """A body paragraph that is a chapter's label or a narrated part's name."""
    return block.level is None and is_chapter_line(block.text)


def titled_labels(blocks: list[Block]) -> list[Block]:
    """Each chapter's label heading ("Chapter One", Heading 1) straight over its title's
    heading of a lower level ("The Storm", Heading 2) as one heading, "Chapter One: The
    Storm". Left two, every label was taken for a part with no text of its own, or the
    title was read as a subheading."""
    joined = list(blocks)
    for i in range(len(blocks) - 2, -1, -1):  # from the end: the indexes ahead stay put
        label = joined[i]
        if isinstance(label, Para) and _label_over_title(joined, i):
            text = joined_title(title(label), title(joined[i + 1]))
            joined[i : i + 2] = [Para(text, label.level, label.front)]
    return joined


def titled_label_lines(blocks: list[Block]) -> list[Block]:
    """Each chapter's label heading ("CHAPTER ONE", typed or styled) over its title in a
    paragraph of its own, as one heading ("CHAPTER ONE: The Storm"), as the EPUB and HTML
    readers join them: a Subtitle, or a line set as a title is (`reads_as_title`). Read as
    it stood, the title was the chapter's first line of text."""
    joined = list(blocks)
    for i in range(len(blocks) - 2, -1, -1):
        label, line = joined[i], joined[i + 1]
        if isinstance(label, Para) and isinstance(line, Para) and _titles_label(label, line):
            text = joined_title(title(label), title(line))
            joined[i : i + 2] = [replace(label, text=text, own=None)]
    return joined


def _titles_label(label: Para, line: Para) -> bool:
    """Whether a body paragraph is the title of the chapter label's heading over it: a
    Subtitle, or under a label typed as body text is, a line set as a title (a heading's
    paragraph is its text, "One" over "By" its byline)."""
    if _heading(label) is None or not _is_label_alone(title(label)):
        return False
    if line.level is not None or "\n" in line.text or is_chapter_line(line.text):
        return False
    if line.front:
        return len(line.text.split()) <= _TITLE_WORDS
    return label.typed and reads_as_title(line.text)


def _label_over_title(blocks: list[Block], at: int) -> bool:
    """Whether the heading at `at` is a chapter's label alone, not a part's name ("Part
    One" over its first chapter), over its title's heading: a lower one that is no label
    or part of a book ("Prologue"), and the only one of its level in the chapter (the
    first of several is a subsection's)."""
    top, below = _heading(blocks[at]), _heading(blocks[at + 1])
    if top is None or below is None or below <= top:
        return False
    label, text = title(blocks[at]), title(blocks[at + 1])
    if names_a_part(label) or not _is_label_alone(label):
        return False
    if _is_label_alone(text) or _kind(blocks[at + 1]):
        return False
    for block in blocks[at + 2 :]:
        level = _heading(block)
        if level is not None and level <= top:
            break
        if level is not None and level <= below:
            return False
    return True


def plan(blocks: list[Block]) -> tuple[int | None, int | None, int | None]:
    """Where the book's title is, the heading level that starts chapters, and the level of
    its parts' headings (None where it has none)."""
    heads = [(i, level) for i, b in enumerate(blocks) if (level := _heading(b)) is not None]
    titles = [i for i, b in enumerate(blocks) if isinstance(b, Para) and b.level == TITLE]
    title_at = titles[0] if titles else None
    counts = Counter(level for _, level in heads)
    if not counts:
        return title_at, None, None
    repeated = [level for level, n in counts.items() if n > 1]
    level = min(repeated) if repeated else min(counts)
    top = min(counts)
    first_top = next(i for i, lvl in heads if lvl == top)
    if title_at is None and level != top and not _typed_part(blocks[first_top]):
        # A lone top heading over repeated lower ones is the book's title, as in Markdown;
        # not a part's label typed over typed chapters' ("Part One"), a book of one part.
        title_at = first_top
    said = [block.text if isinstance(block, Para) else "" for block in blocks]
    below = chapters_in_parts([_heading(block) for block in blocks], level, said)
    if any(_heading(b) == level and _labels_a_chapter(b) for b in blocks):
        below = None  # "Chapter One" over its subsections' headings is no part
    return title_at, below or level, level if below else None


def tabled_title(blocks: list[Block]) -> list[Block]:
    """A title page laid out in a table (a borderless one filling the first page, the Title
    in one cell, the author in another): the first Title paragraph in a table before any
    heading, where no Title paragraph comes before that table, set before the table, where
    `plan` finds the book's title; the table's other lines stay in it, marked as the title
    page's (`split` skips them with it). Left inside, the table was not read, and the book
    had no title."""
    for i, block in enumerate(blocks):
        if _heading(block) is not None or (isinstance(block, Para) and block.level == TITLE):
            break
        if isinstance(block, Table) and (at := _title_in(block)) is not None:
            rest = Table(block.paras[:at] + block.paras[at + 1 :], titled=True)
            return [*blocks[:i], block.paras[at], rest, *blocks[i + 1 :]]
    return blocks


def _title_in(table: Table) -> int | None:
    return next((i for i, para in enumerate(table.paras) if para.level == TITLE), None)


def _labels_a_chapter(block: Block) -> bool:
    """A heading that is a chapter's label ("Chapter One", "Chapter 2: The Calm"), not a
    part's name ("Part One", "Book II")."""
    text = title(block)
    return is_chapter_label(text) and not names_a_part(text)


def _typed_part(block: Block) -> bool:
    """A part's label typed as a body paragraph, made a heading ("PART ONE")."""
    return isinstance(block, Para) and block.typed and names_a_part(block.text)


def _heading(block: Block) -> int | None:
    """The heading level of a heading paragraph (a Title is not one); None otherwise."""
    if isinstance(block, Para) and block.level is not None and block.level > TITLE:
        return block.level
    return None


def _starts_chapter(block: Block, level: int | None) -> bool:
    heading = _heading(block)
    return heading is not None and level is not None and heading <= level


def split(
    blocks: list[Block], title_at: int | None, levels: tuple[int | None, int | None], source: str
) -> tuple[list[Section], list[str], Credits]:
    """Sections at the chapter headings (and the parts' over them), a warning for each
    one's skipped tables, and what the title page or a manuscript's cover page credits."""
    part_level, level = levels
    drafts = [_Draft()]
    # The first chapter's heading; 0 when there is none (no typed contents list before it).
    first = next((i for i, block in enumerate(blocks) if _starts_chapter(block, level)), 0)
    contents = _typed_contents(blocks, first)
    for i, block in enumerate(blocks):
        if contents is not None and i == contents[1] < first:
            drafts.append(_Draft())  # after the list's last entry: a dedication, an epigraph
        if i == title_at:
            drafts[-1].titled = True
            drafts[-1].title_at = len(drafts[-1].paras)
            drafts[-1].tables_over_title = len(drafts[-1].tables)
            continue
        if isinstance(block, Table):
            drafts[-1].tables.append((len(drafts[-1].paras), block))
        elif contents is not None and i == contents[0]:
            drafts.append(_Draft(title=title(block), kind="toc"))
        elif _starts_chapter(block, level) and _runs_on(drafts[-1], block):
            drafts[-1].title = joined_title(drafts[-1].title, title(block))
        elif _starts_chapter(block, level):
            part = part_level is not None and _heading(block) == part_level
            part = part or (_typed_part(block) and _heading(block) != level)
            drafts.append(_Draft(title=title(block), kind="part" if part else _kind(block)))
        else:
            drafts[-1].paras.append(block)
    drafts = [_title_page_table(draft, draft is not drafts[-1]) for draft in drafts]
    for draft in drafts:
        lines = [para.text for para in draft.paras]
        draft.titled = draft.titled and rest_of_title_page(lines, draft is not drafts[-1])
    drafts[0].titled = drafts[0].titled or _reads_as_imprint(drafts[0], len(drafts) > 1)
    for at in reversed([i for i, draft in enumerate(drafts) if draft.titled]):
        drafts[at + 1 : at + 1] = _after_title_page(drafts[at])
    drafts[0] = _cover_in_tables(drafts[0], len(drafts) > 1)
    cover = 0 if drafts[0].titled else _cover_length(drafts[0].paras, len(drafts) > 1)
    credits = _cover_credits(drafts[0].paras[:cover]) if cover else _title_page_credits(drafts)
    if cover:  # what follows its byline on its page is the book's opening (a story's, a poem)
        opening, drafts[0].paras = drafts[0].paras[cover:], drafts[0].paras[:cover]
        drafts[0].titled = True
        drafts[1:1] = [_Draft(paras=opening)] if opening else []
    warnings = [_table_warning(d, source) for d in drafts if d.tables]
    return [s for d in drafts if (s := _section(d)) is not None], warnings, credits


def _reads_as_imprint(opening: _Draft, chapters_follow: bool) -> bool:
    """Whether the text before the first chapter is a title page by what it says, with no
    Title paragraph to tell it: short lines, chapters after them, saying copyright and
    what an imprint says with it ("All rights reserved", an ISBN), as an EPUB's unmarked
    copyright page is told (`matter.reads_as_copyright`). Typed in Normal, the title and
    copyright lines were narrated as the book's first chapter."""
    lines = [para.text for para in opening.paras]
    return rest_of_title_page(lines, chapters_follow) and matter.reads_as_copyright(lines)


def _after_title_page(draft: _Draft) -> list[_Draft]:
    """What follows a title page's lines before the first chapter, taken off it: from an
    epigraph (a quotation, or a line over its attribution, "— Jacques Cousteau") or a
    dedication ("For Anna", "To my mother") on, a section of that kind, read. Short lines
    as they are, they were skipped with the title page. [] where there is none."""
    paras = draft.paras
    for i, para in enumerate(paras):
        attributed = i + 1 < len(paras) and bool(_ATTRIBUTION.fullmatch(paras[i + 1].text))
        kind = "epigraph" if para.text.startswith(_QUOTES) or attributed else ""
        kind = kind or ("dedication" if _DEDICATION.match(para.text) else "")
        if kind and not para.front:
            draft.paras = paras[:i]
            return [_Draft(paras=paras[i:], kind=kind)]
    return []


def _typed_contents(blocks: list[Block], first: int) -> tuple[int, int] | None:
    """Where "Contents" typed over a list of the chapters (not Word's contents field) is,
    before the first chapter's heading at `first`: a part of its own, and so not narrated,
    not the book's opening. Its heading's index, and the index after its last entry; the
    short lines after that (a dedication, an epigraph) are the book's, as is a list that
    names no chapter ("Contents" over what a trunk held). None if there is no such list."""
    for at in range(first):
        head = blocks[at]
        if not isinstance(head, Para) or _kind(head) != "toc":
            continue
        blocks_then = enumerate(blocks[at + 1 : first], at + 1)
        lines = [(i, b.text) for i, b in blocks_then if isinstance(b, Para)]
        if any(len(text.split()) > TITLE_PAGE_WORDS for _, text in lines):
            continue
        if not lines:  # the entries were chapter labels, and are headings now
            return at, first
        named = _named_chapters(blocks, first)
        last = max((i for i, text in lines if _is_entry(text, named)), default=None)
        if last is not None:
            return at, last + 1
    return None


def _named_chapters(blocks: list[Block], first: int) -> set[str]:
    """The headings from the first chapter's on, as `_entry_key` has them, the title after
    a label in one ("Chapter 1: The Storm", joined or typed so), and the short line under
    each (a title typed under a chapter label: "Chapter 1", then "The Storm")."""
    named = set()
    for i in range(first, len(blocks)):
        if _heading(blocks[i]) is None:
            continue
        named.add(_entry_key(title(blocks[i])))
        label = CHAPTER_LABEL.fullmatch(title(blocks[i]))
        if label is not None and label["title"]:
            named.add(_entry_key(label["title"]))
        under = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(under, Para) and len(under.text.split()) <= TITLE_PAGE_WORDS:
            named.add(_entry_key(title(under)))
    return named


def _is_entry(text: str, named: set[str]) -> bool:
    """Whether a line of a typed contents list is an entry: a chapter's heading (`named`),
    with a page number after it or not, a line with a page number, a chapter label or the
    name of a part of a book ("Prologue", "Acknowledgments")."""
    line = " ".join(text.split())
    return (
        _entry_key(line) in named
        or _PAGE_NUMBER.search(line) is not None
        or CHAPTER_LABEL.fullmatch(line) is not None
        or bool(matter.kind_of(line))
    )


def _entry_key(text: str) -> str:
    """A contents entry or a heading as compared: without a page number, case or marks."""
    return re.sub(r"\W", "", _PAGE_NUMBER.sub("", text).casefold())


def _kind(block: Block) -> str:
    """The kind of section a heading names, by its own text (not a number from its list)."""
    if not isinstance(block, Para):
        return ""
    return matter.kind_of(block.text if block.own is None else block.own)


def _runs_on(draft: _Draft, block: Block) -> bool:
    """Whether a chapter so far is a heading that is only a label ("Chapter One", "II.")
    with nothing under it, and the next heading is its title: a manuscript's label over its
    title, each styled a heading. Left a chapter of its own, it had no text and was dropped,
    and its label unheard. A heading that is a label too, or names a part ("Prologue"), is
    no title: a typed list of contents is labels over labels."""
    if draft.paras or draft.tables or draft.kind == "part" or not _is_label_alone(draft.title):
        return False
    return not _is_label_alone(title(block)) and not _kind(block)


def _is_label_alone(title: str) -> bool:
    """A chapter label without a title ("Chapter One", "Part Two") or a number alone."""
    label = CHAPTER_LABEL.fullmatch(title)
    return (label is not None and not label["title"]) or bool(_BARE_NUMBER.fullmatch(title))


def _cover_length(paras: list[Para], chapters_follow: bool) -> int:
    """How many of the paragraphs before the first chapter are a manuscript's cover page,
    as standard manuscript format sets it: the author's name, address, phone and email, the
    word count ("About 80,000 words"), the title and byline; short lines, one of them the
    count. The page ends at the byline after the count: a story's opening lines, or a
    collection's first poem, go on under it, chapters after them or not (a short story
    has none). Without a byline, only chapters after it tell a cover page from the book's
    own short lines. 0 where there is no such page."""
    counted = _counted_at(paras)
    if counted is None:
        return 0
    after = range(counted + 1, len(paras))  # a paragraph, with the one before it ("by")
    byline = next(
        (i for i in after if _byline_size(_lines(paras[max(counted + 1, i - 1) : i + 1]))), None
    )
    end = len(paras) if byline is None else byline + 1
    lines = _lines(paras[:end])
    story_follows = end < len(paras)  # under a byline, never under the page's last line
    return end if rest_of_title_page(lines, chapters_follow or story_follows) else 0


def _cover_in_tables(draft: _Draft, chapters_follow: bool) -> _Draft:
    """The text before the first chapter with the paragraphs of the tables its manuscript's
    cover page is laid out in (Word's templates set the contact details beside the word
    count in a borderless table) in their places: where, with them, it has a cover page
    (`_cover_length`) that those tables end within. Left out, the table hid the count,
    and the title and byline were read as the book's first chapter. A table after the
    cover (in a story's opening) stays one, not read; the draft is as it was where no
    table holds a cover. A title page's cover is over its Title (`_cover_over_title`)."""
    if draft.titled:
        return _cover_over_title(draft, chapters_follow)
    if not draft.tables:
        return draft
    paras, ends = _laid_out(draft.paras, draft.tables)
    end = _cover_length(paras, chapters_follow)
    held = sum(at <= end for at in ends) if end else 0  # in order: the cover's come first
    if not held:
        return draft
    paras, rest = _unfolded(draft, lambda i: i < held)
    if _cover_length(paras, chapters_follow) != end:  # no cover without a later table's lines
        return draft
    return replace(draft, paras=paras, tables=rest)


def _cover_over_title(draft: _Draft, chapters_follow: bool) -> _Draft:
    """A title page with the lines of the tables over its Title in their places, where with
    them the lines over the Title are a manuscript's cover (short lines, a word count):
    Word's templates set the contact details beside the count in a borderless table over
    the Title. Skipped with the page, those tables get no warning; left as tables, they
    were warned about as text not read. A table of prose over the Title, or any table
    under it, stays one, with its warning."""
    over = draft.tables_over_title
    if draft.title_at is None or not over:
        return draft
    paras, rest = _unfolded(draft, lambda i: i < over)
    title_at = draft.title_at + len(paras) - len(draft.paras)
    cover = paras[:title_at]
    if _counted_at(cover) is None or not rest_of_title_page(_lines(cover), chapters_follow):
        return draft
    return replace(draft, paras=paras, tables=rest, title_at=title_at, tables_over_title=0)


def _title_page_table(draft: _Draft, chapters_follow: bool) -> _Draft:
    """A title page with the lines of the table its Title was set in (`tabled_title`), in
    their place, where with them it is still a title page: skipped with it, the table gets
    no warning. A table of more than a title page's short lines stays one, not read."""
    if not draft.titled or not any(table.titled for _, table in draft.tables):
        return draft
    paras, tables = _unfolded(draft, lambda i: draft.tables[i][1].titled)
    if not rest_of_title_page([para.text for para in paras], chapters_follow):
        return draft
    return replace(draft, paras=paras, tables=tables)


def _unfolded(
    draft: _Draft, unfold: Callable[[int], bool]
) -> tuple[list[Para], list[tuple[int, Table]]]:
    """A draft's paragraphs with the paragraphs of the tables `unfold` picks (by their
    index among its tables) in their places, and its other tables, where they now stand
    among them."""
    paras: list[Para] = []
    tables: list[tuple[int, Table]] = []
    taken = 0
    for i, (at, table) in enumerate(draft.tables):
        paras += draft.paras[taken:at]
        taken = at
        if unfold(i):
            paras += table.paras
        else:
            tables.append((len(paras), table))
    return paras + draft.paras[taken:], tables


def _laid_out(paras: list[Para], tables: list[tuple[int, Table]]) -> tuple[list[Para], list[int]]:
    """Paragraphs with tables' paragraphs in their places, and where each table ends."""
    out: list[Para] = []
    ends = []
    taken = 0
    for at, table in tables:
        out += [*paras[taken:at], *table.paras]
        taken = at
        ends.append(len(out))
    return out + paras[taken:], ends


def _counted_at(paras: list[Para]) -> int | None:
    """The paragraph with a manuscript's word count on a line of its own, or None."""
    lines = (para.text.split("\n") for para in paras)
    return next(
        (i for i, found in enumerate(lines) if any(map(_WORD_COUNT.fullmatch, found))), None
    )


def _lines(paras: list[Para]) -> list[str]:
    """Paragraphs' lines, one list (Scrivener breaks a cover's title's line over its byline
    in one paragraph)."""
    return [line for para in paras for line in para.text.split("\n")]


def _byline_size(lines: list[str]) -> int:
    """How many of some lines' last are a byline: 1 for "by Jane Doe", 2 for "by" over the
    name on a line of its own; 0 where they end in none."""
    if lines and _BYLINE.fullmatch(lines[-1]) and len(lines[-1].split()) <= _BYLINE_WORDS:
        return 1
    named = len(lines) > 1 and lines[-2].casefold() == "by"
    return 2 if named and len(lines[-1].split()) < _BYLINE_WORDS else 0


def _cover_credits(cover: list[Para]) -> Credits:
    """The title and the authors a manuscript's cover page gives in its byline ("by Jane
    Doe", or "by" over the name) and over it, under the word count. The names are taken as
    written: the byline's place says it is one (`matter.byline`). Nothing where the page
    ends in no byline: a title page's lines are told apart by their places."""
    counted = _counted_at(cover)
    lines = _lines(cover[counted + 1 :]) if counted is not None else []
    size = _byline_size(lines)
    if not size:
        return Credits()
    authors = matter.byline(f"by {lines[-1]}" if size == 2 else lines[-1])
    return Credits(_cover_title(lines[:-size]), authors)


def _cover_title(above: list[str]) -> str:
    """The book's title on a manuscript's cover page, given its lines from the word count
    to the byline: the last, or the one over a line saying what the book is ("a novel");
    not an email address or the count itself."""
    titles = [line for line in above if not _GENRE.fullmatch(line)]
    title = titles[-1] if titles else ""
    if "@" in title or _WORD_COUNT.fullmatch(title) or len(title.split()) > _TITLE_WORDS:
        return ""
    return title


def _title_page_credits(drafts: list[_Draft]) -> Credits:
    """The names a title page gives under the Title, up to the imprint's lines, as a PDF's
    title page is read (`matter.credits`): a byline's ("by Jane Writer") anywhere on it,
    or else, apart, the first line's of names without "by" ("JANE WRITER"), past a
    subtitle ("A Novel"), or a pen name in lower case directly under it (`_pen_name`)
    where a copyright line of the front matter names it its holder (else it is left for
    `docxparts.signed` to confirm). A Subtitle without "by" is no byline: "Harbor Lights"
    is a title's words, not a name."""
    page = next((d for d in drafts if d.titled and d.title_at is not None), _Draft())
    under = page.paras[page.title_at :]
    lines = _lines([para for para in under if not para.front or matter.BY.match(para.text)])
    authors, bare = matter.credits(lines)
    pen_name = "" if bare else _pen_name(under)
    if pen_name and _holds_copyright(drafts, pen_name):
        return Credits(authors=authors, bare=[pen_name])
    return Credits(authors=authors, bare=bare, pen_name=pen_name)


def _pen_name(under: list[Para]) -> str:
    """The name a title page gives in lower case, as a pen name is written ("bell hooks"),
    without "by", where it gives no other: the paragraph directly under the Title or its
    subtitle (a Subtitle, "a novel"), one line. Its place and its words tell it from a
    dedication, an epigraph or "draft two", but not from a subtitle or a label in lower
    case ("winter light", "un roman"): it names the author only where the document names
    it too (`_holds_copyright`, `docxparts.signed`). "" where there is none."""
    first = next((p for p in under if not p.front and not _GENRE.fullmatch(p.text)), None)
    if first is None or "\n" in first.text or not _reads_as_pen_name(first.text.strip()):
        return ""
    return " ".join(first.text.split())


def _holds_copyright(drafts: list[_Draft], name: str) -> bool:
    """Whether a copyright line of the front matter (the title page, what comes before
    the first chapter, a "Copyright" section) gives `name` as its holder ("© 2024 bell
    hooks"), in any case: its other words ("First published in 2024") name no one."""
    lines = [
        " ".join(line.split())
        for d in drafts
        if d.titled or not d.title or (d.kind or matter.kind_of(d.title)) in matter.FRONT
        for line in _lines(d.paras)
    ]
    holder = re.compile(rf"{_COPYRIGHT_HOLDER}{re.escape(name)}(?!\w)", re.I)
    return any(holder.search(line) for line in lines)


def _reads_as_pen_name(line: str) -> bool:
    """Whether a lower-case line reads as a name: two to four of a name's words, none a
    subtitle's, a label's or a sentence's (`_SENTENCE_WORDS`), no number, not an imprint
    or a dedication, nothing after its last word (a sentence's stop, a colon)."""
    words = line.split()
    low, high = _PEN_NAME_WORDS
    if not (line.islower() and low <= len(words) <= high and line[-1].isalpha()):
        return False
    if matter.ends_credits(line) or not matter.bare_name(line):
        return False
    common = any(word in _SENTENCE_WORDS or word in _NUMBER_WORD for word in words)
    return not common and all(matter.name_word(word.capitalize()) for word in words)


def title(block: Block) -> str:
    """A heading's text on one line (a title may be broken over several). A chapter's
    number on a line of its own over its title ("Chapter One", a line break, "The
    Platform": Scrivener's, or a break typed in a heading) is joined to it as the EPUB
    reader joins one, "Chapter One: The Platform"; read with a space, it had no pause."""
    if not isinstance(block, Para):
        return ""
    number, _, rest = block.text.partition("\n")
    rest = " ".join(rest.split())
    if rest and is_number_line(number) and not is_number_line(rest):
        return joined_title(number, rest)
    return " ".join(block.text.split())


def _section(draft: _Draft) -> Section | None:
    body = "\n\n".join(para.text for para in draft.paras)
    if not body and draft.kind == "part" and draft.title:
        return Section(draft.title, "", "part")  # its heading alone, said
    if not body:
        if draft.title:
            log.info("skipping heading with no text under it: %r", draft.title)
        return None
    if not draft.title and (draft.titled or all(para.front for para in draft.paras)):
        kind = "titlepage"  # with what follows the title before the first chapter
    else:
        kind = draft.kind or matter.kind_of(draft.title) or "chapter"  # "Preface", "Index"
    return Section(draft.title, body, kind, matter.skip_reason(kind))


def _table_warning(draft: _Draft, source: str) -> str:
    where = f"chapter {draft.title!r}" if draft.title else "the text before the first chapter"
    tables = "a table" if len(draft.tables) == 1 else f"{len(draft.tables)} tables"
    return f"{source}: {tables} in {where} not read (tables are not narrated)"
