"""Split chapter text into segments that keep prosody.

A *span* is a sentence, or a piece of a sentence too long for one pass; a *segment* is one or
more spans synthesized together. Cuts fall only between words: at sentence ends first, then
(for long sentences) at the strongest clause break within the budget. Each segment records
how it ends (`BreakClass`), which decides the pause inserted after it.

Sizes are counted in characters, a close proxy for phonemes in alphabetic text (English
averages about 0.9 phonemes per character) that needs no phonemizer.
"""

import re
from dataclasses import dataclass

from config.settings import BreakClass, Segmenting
from models.normalize import (
    BEFORE_A_NUMBER,
    CAPITALIZED_BEFORE_A_NUMBER,
    PARTS,
    SENTENCE_STARTERS,
    cues_number,
    roman_to_int,
)

# Words that end in a period without ending a sentence (and `_OFTEN_LAST`, below).
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "prof",
        "rev",
        "hon",
        "rt",
        "ven",
        "revd",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "pvt",
        "pte",
        "cpl",
        "brig",
        "cdr",
        "det",
        "insp",
        "supt",
        "const",
        "maj",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "vols",
        "fig",
        "figs",
        "ch",
        "chap",
        "pp",
        "p",
        "ed",
        "eds",
        "vs",
        "viz",
        "cf",
        "approx",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "e.g",
        "i.e",
        "h.m.s",  # H.M.S. Victory: a ship's name follows
        "u.s.s",
        "r.m.s",
        "messrs",
        "mme",
        "mlle",
        # First names as old books and letters shorten them: "Wm. Shakespeare".
        "wm",
        "geo",
        "thos",
        "chas",
        "jas",
        "jno",
        "benj",
        "robt",
        "saml",
        "edw",
        "richd",
        "danl",
    ]
)

# Abbreviations that are words in lower case: "He sat. Then", "she said no. But", "in the
# sun. A breeze". Set so, they end a sentence; "Sat. June 3" and "No. 5" stay abbreviations.
_ALSO_WORDS = frozenset(["no", "sat", "sun", "wed", "mar", "fig", "figs", "hon", "rep", "rev"])
_ALSO_WORDS |= {"col", "gov", "chap"}
_NUMBERED_TOO = frozenset(["col", "rev", "rep"])  # "col. 3", "rev. 2": a column, a revision

# Abbreviations that often end a sentence: one ends there when a word that begins sentences
# and is nobody's name comes next ("It was 2 a.m. The house was silent", "King Jr. He").
_OFTEN_LAST = frozenset(["a.m", "p.m", "u.s", "u.k", "u.n", "h.m", "s.s", "inc", "ltd", "co"])
_OFTEN_LAST |= {"corp", "bros", "jr", "sr", "b.c", "a.d", "b.c.e", "c.e"}
# And those that close a place, a measure or a date as often as they open a name or a
# number: "on Baker St. The house", "5 ft. The rest", "late in Nov. The snow".
_OFTEN_LAST |= {"st", "ave", "ft", "ed", "eds", "dept", "vol", "vols"}
_OFTEN_LAST |= {"lt", "capt", "sgt", "maj", "cpl", "pvt", "cmdr", "adm"}  # "came the Lt. He"
_OFTEN_LAST |= {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov"}
_OFTEN_LAST |= {"dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
# Not "No. 1", "All-Star", "A-10": a word, whole.
_FIRST_WORD = re.compile(r"[\"'‘“(\[]*([A-Z][a-z]*)\b(?![-.’'])")

_CLOSERS = "\"'”’»)]}"
_OPENERS = "\"'“‘«([{"
_OPENING_QUOTES = "“‘«"  # not a straight one, which may close
_TERMINALS = ".!?…"
_CJK_TERMINALS = "。！？"
# Clause breaks from strongest to weakest; a long sentence is cut at the strongest one
# available. Space is the last resort (between any two words).
_CLAUSE_BREAKS: tuple[tuple[str, ...], ...] = (
    (";", "；"),
    (":", "："),
    ("—", "–", "--"),
    (",", "，", "、"),
    (" ",),
)
_BRACKET_PAIRS = {"(": ")", "[": "]", "{": "}"}


# A paragraph without a letter or a digit: "* * *", "⁂", "—", "~~~". espeak would read
# the marks ("asterisk asterisk asterisk").
_MARKS_ONLY = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Span:
    """A sentence or a piece of one, with its place in the chapter text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """Spans synthesized in one pass, and how the segment ends."""

    spans: tuple[Span, ...]
    brk: BreakClass

    @property
    def text(self) -> str:
        return " ".join(span.text for span in self.spans)


def segment_chapter(text: str, budget: Segmenting | None = None) -> list[Segment]:
    """All segments of a chapter, in reading order."""
    budget = budget or Segmenting()
    segments: list[Segment] = []
    for start, paragraph in paragraphs(text):
        if is_scene_break(paragraph):  # its marks are not read
            if segments:
                segments[-1] = Segment(segments[-1].spans, BreakClass.SCENE)
            continue
        pieces = paragraph_pieces(paragraph, start, budget)
        segments.extend(merge_short(pieces, budget))
    if segments:
        segments[-1] = Segment(segments[-1].spans, BreakClass.CHAPTER)
    return segments


def is_scene_break(paragraph: str) -> bool:
    """A paragraph without a letter or a digit ("* * *", "⁂"): a pause, not words."""
    return _MARKS_ONLY.fullmatch(paragraph.strip()) is not None


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_SPACE = re.compile(r"\S")


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs (offset, text) separated by blank lines; verse lines stay lines."""
    found, at = [], 0
    # Between blank lines, not one match per paragraph: a pattern repeating "a character or
    # a newline not before a blank line" kept ~120 bytes of state a character (a 20 MB line:
    # 2.4 GB).
    for blank in [*_BLANK_LINE.finditer(text), None]:
        end = blank.start() if blank else len(text)
        first = _NOT_SPACE.search(text, at, end)
        if first:
            found.append((first.start(), text[first.start() : end].rstrip()))
        at = blank.end() if blank else end
    return found


def paragraph_pieces(paragraph: str, offset: int, budget: Segmenting) -> list[Segment]:
    """Sentences of a paragraph, long ones cut into clauses, each as a one-span segment."""
    pieces: list[Segment] = []
    lines = _lines(paragraph)
    for line_start, line in lines:
        for s_start, s_end in sentence_bounds(line):
            for c_start, c_end, brk in clause_cuts(line, s_start, s_end, budget.max_chars):
                span = _span(line, c_start, c_end, offset + line_start)
                if span is not None:
                    pieces.append(Segment((span,), brk))
        if len(lines) > 1 and pieces and pieces[-1].spans[-1].text[-1] not in _TERMINALS:
            pieces[-1] = Segment(pieces[-1].spans, BreakClass.CLAUSE)  # a verse line end
    if pieces:
        pieces[-1] = Segment(pieces[-1].spans, BreakClass.PARAGRAPH)
    return pieces


def _lines(paragraph: str) -> list[tuple[int, str]]:
    """Verse (several short lines) keeps its line ends as breaks; prose is one line."""
    lines = paragraph.split("\n")
    if len(lines) > 1 and all(len(line.strip()) <= 60 for line in lines):
        result, pos = [], 0
        for line in lines:
            result.append((pos, line))
            pos += len(line) + 1
        return result
    return [(0, paragraph.replace("\n", " "))]


def _span(line: str, start: int, end: int, offset: int) -> Span | None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    begin = offset + start + lead
    return Span(" ".join(stripped.split()), begin, begin + len(stripped))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a run of prose."""
    bounds, start, depth, i = [], 0, 0, 0
    # A letter or a digit since `start`: marks alone ("… By the way") open the sentence
    # after them.
    said = False
    # An opening quote and nothing said since: marks there open what it quotes ('He wrote:
    # “… By the way'), unless the quote closes on them ('The answer: “…?” He shrugged').
    opened = False
    while i < len(text):
        ch = text[i]
        said = said or ch.isalnum()
        opened = ch in _OPENING_QUOTES or (opened and not ch.isalnum())
        if ch in _BRACKET_PAIRS:
            depth += 1
        elif ch in _BRACKET_PAIRS.values():
            depth = max(0, depth - 1)
        if ch in _CJK_TERMINALS:
            end = _after_closers(text, i + 1)
            bounds.append((start, end))
            start = i = end
            said = opened = False
            continue
        if ch in _TERMINALS and depth == 0:
            run_end = i
            while run_end < len(text) and text[run_end] in _TERMINALS:
                run_end += 1
            end = _after_closers(text, run_end)
            quotes_on = opened and end == run_end
            if said and not quotes_on and _ends_sentence(text, i, run_end, end):
                bounds.append((start, end))
                start, said, opened = end, False, False
            i = end
            continue
        i += 1
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _after_closers(text: str, i: int) -> int:
    while i < len(text) and text[i] in _CLOSERS:
        i += 1
    return i


_ERA = re.compile(r"(?:BCE?|AD|CE|B\.C\.(?:E\.)?|A\.D\.|C\.E\.)(?!\w)")
_ORDINAL_BEFORE = re.compile(r"\d(?:st|nd|rd|th)\sc\Z")


def _ends_sentence(text: str, first: int, run_end: int, end: int) -> bool:
    """Whether terminal punctuation at text[first:run_end] (closers to `end`) ends a sentence."""
    if end >= len(text):
        return True
    if not text[end].isspace():
        return False  # 3.14, e.g.word, U.S.A.
    # What follows, read a little way (the rest of a long paragraph copied at every period
    # made a book set as one paragraph quadratic).
    following = text[end : end + 120].lstrip() or text[end:].lstrip()
    if not following:
        return True
    nxt = following[0]
    starts_new = nxt.isdigit() or nxt in _OPENERS or nxt in "-—" or nxt.isupper()
    starts_new = starts_new or _elided(following)
    if not starts_new:
        return False
    if text[first] == "." and run_end - first == 1 and end == run_end:
        word = _word_before(text, first)
        abbreviation = "" if _a_word(text, first, word, following) else word.lower()
        if abbreviation in _OFTEN_LAST:
            starter = _first_word(following)
            if word.lower() == "co" and len(starter) == 1:
                return False  # "Co. A of the 20th Maine": a company's letter
            if abbreviation in {"vol", "vols"} and starter == "I":
                return False  # "Vol. I of the series": a numeral
            return starter in SENTENCE_STARTERS  # "It was 2 a.m. The house"
        if (
            word.lower() == "al"
            and nxt == "("
            and text[max(0, first - 6) : first].endswith("et al")
        ):
            return False  # "Smith et al. (2019) found"
        if abbreviation in ABBREVIATIONS or word == "v":
            return False  # "v": "Smith v. Jones", a case's or a match's versus
        if nxt.isdigit() and (
            word.lower() in BEFORE_A_NUMBER or word in CAPITALIZED_BEFORE_A_NUMBER
        ):
            return False  # "c. 1850", "5 lb. 3 oz.": a number's cue, not a sentence's end
        if nxt.isdigit() and cues_number(text[max(0, first - 12) : first], following):
            return False  # "Art. 5 of", "s. 172", "£25 1s. 8½d."
        if (
            word == "c"
            and _ERA.match(following)
            and _ORDINAL_BEFORE.search(text[max(0, first - 8) : first])
        ):
            return False  # "the 6th c. BC": a century and its era
        if 0 < (roman_to_int(word) or 0) <= 100 and _heads_line(text, first - len(word)):
            return False  # "II. THE END": a chapter's number and its title, one span
        if (
            word == "I"
            and (nxt in _OPENERS or _first_word(following) in SENTENCE_STARTERS)
            and _word_before(text, first - 2) not in PARTS  # "Part I. The Beginning"
        ):
            return True  # "Dick and I. The girls", 'said I. "Have': the pronoun
        if len(word) == 1 and word.isupper():
            return False  # an initial: J. R. R. Tolkien
    return True


def _heads_line(text: str, i: int) -> bool:
    """Whether only spaces stand between text[i] and its line's start."""
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _first_word(text: str) -> str:
    match = _FIRST_WORD.match(text)
    return match.group(1) if match else ""


def _elided(following: str) -> bool:
    """Whether the text after a stop opens with a word whose first letters are left out,
    an apostrophe in their place ("’Tis", "’Pon my word"): a sentence's first word, as
    "'Tis" with a straight quote is (an opener)."""
    return following[0] == "’" and following[1:2].isalpha()


def _a_word(text: str, first: int, word: str, following: str) -> bool:
    """Whether an abbreviation's letters before a period are a word here: one in lower case
    that is a word too ("He sat."; not before a number: "col. 3"), the end of a hyphenated
    one ("Sun Yat-sen."), or "No." before anything but its number ("No. Father was out";
    "No. 5" and "No. IX" are numbers)."""
    start = first - len(word)
    if word == "No":
        numeral = following.split(maxsplit=1)[0].rstrip(".,;:")
        return not following[0].isdigit() and not (numeral != "I" and roman_to_int(numeral))
    if word.islower() and word in _ALSO_WORDS:
        return not (following[0].isdigit() and word in _NUMBERED_TOO)
    return word.islower() and start > 1 and text[start - 1] == "-" and text[start - 2].isalpha()


def _word_before(text: str, i: int) -> str:
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    return text[j:i]


def clause_cuts(
    text: str, start: int, end: int, max_chars: int
) -> list[tuple[int, int, BreakClass]]:
    """Cut text[start:end] into pieces of at most max_chars at the strongest breaks."""
    pieces: list[tuple[int, int, BreakClass]] = []
    while end - start > max_chars:
        cut = _sentence_cut(text, start, start + max_chars)
        brk = BreakClass.SENTENCE if cut else BreakClass.CLAUSE
        cut = cut or _best_cut(text, start, start + max_chars)
        pieces.append((start, cut, brk))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end, BreakClass.SENTENCE))
    return pieces


def _sentence_cut(text: str, start: int, limit: int) -> int | None:
    """Position after the last sentence's end in text[start:limit], past a third of it: a
    bracket's sentences ("(My other novel. Bastable & Kirby. Satirical.)") are one span
    (`sentence_bounds`), but where one is cut, its own stops are the places."""
    lowest = start + (limit - start) // 3
    for i in range(limit - 1, lowest - 1, -1):
        if text[i] in _TERMINALS and (i + 1 >= len(text) or text[i + 1] not in _TERMINALS):
            first = i
            while first > start and text[first - 1] in _TERMINALS:
                first -= 1
            end = _after_closers(text, i + 1)
            if end <= limit and _ends_sentence(text, first, i + 1, end):
                return end
    return None


def _best_cut(text: str, start: int, limit: int) -> int:
    """Position after the strongest break in text[start:limit], preferring later ones."""
    lowest = start + (limit - start) // 3  # pieces of a third of the budget at least
    window = text[lowest:limit]
    for marks in _CLAUSE_BREAKS:
        best = max((window.rfind(mark) for mark in marks), default=-1)
        if best >= 0:
            pos = lowest + best
            if marks == (" ",):
                return pos
            return pos + len(next(m for m in marks if text.startswith(m, pos)))
    cjk = _last_cjk_boundary(text, lowest, limit)
    return cjk if cjk is not None else limit  # a "word" longer than the budget


def _last_cjk_boundary(text: str, lowest: int, limit: int) -> int | None:
    for pos in range(limit - 1, lowest, -1):
        if _is_cjk(text[pos - 1]) or _is_cjk(text[pos]):
            return pos
    return None


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def merge_short(pieces: list[Segment], budget: Segmenting) -> list[Segment]:
    """Join a short sentence with the next one of the same paragraph, within the budget."""
    merged: list[Segment] = []
    for piece in pieces:
        if merged and _mergeable(merged[-1], piece, budget):
            merged[-1] = Segment(merged[-1].spans + piece.spans, piece.brk)
        else:
            merged.append(piece)
    return merged


def _mergeable(current: Segment, nxt: Segment, budget: Segmenting) -> bool:
    if current.brk is not BreakClass.SENTENCE:
        return False
    size = len(current.text)
    return size < budget.min_chars and size + 1 + len(nxt.text) <= budget.max_chars
