"""Roman numerals: "Chapter IV" is chapter four, "Henry VIII" is Henry the Eighth.

espeak reads every numeral as "Roman four". A numeral after a heading word is a cardinal, one
after a name an ordinal with "the". "I" is almost always the pronoun: it is a numeral only
after a heading word ("Chapter I") or a title and a name ("King George I"); "George I" alone
is left as it is.
"""

import re

from models.normalize.numbers import cardinal, ordinal, say_year
from models.normalize.rule import SENTENCE_STARTERS, Locale, Rule, text_before

_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_NUMERALS = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

# Words after which a numeral counts (Chapter IV, World War II, Mark II): a cardinal. Their
# plurals take a range or a pair ("Chapters IV–VI", "pages ii-iv", "Acts I and II"), said
# by `_heading` where both ends are numerals of one case.
# Parts of a book that are also ordinary words count only capitalized, as a heading sets them
# ("LETTER XII", "Lesson IV", "Table III"; "the letter X" is a letter), and take "I" only
# where nothing follows it ("Question I asked" has the pronoun).
_CAPITALIZED_PARTS = (
    "Letter", "Lesson", "Lecture", "Exercise", "Problem", "Question", "Proposition", "Theorem",
    "Lemma", "Hymn", "Ode", "Epistle", "Fable", "Sermon", "Essay", "Dialogue", "Discourse",
    "Meditation", "Eclogue", "Elegy", "Idyll", "Satire", "Rule", "Table", "Item", "Step",
    "Note", "Number", "Standard", "Division",
)  # fmt: skip
_HEADING = re.compile(
    r"\b(?P<word>(?i:(?:chapter|book|part|volume|act|scene|canto|section|article|episode"
    r"|psalm|figure|plate|season|movement|page|sonnet|stanza|clause)s?|appendix|appendices"
    r"|vol\.|vols\.|phase|stage|type|class|grade|level|title|schedule|annex|series|war|mark"
    r"|mk\.?|form|year|bowl|saturn|apollo|vatican|panzer|rocky|titan|gemini)"  # not kings
    rf"|{'|'.join(w for word in _CAPITALIZED_PARTS for w in (word, word.upper()))})"
    r"(?P<gap>\s+)(?P<numeral>[IVXLCDM]+|[ivx]{2,})\b"  # Scene ii, not "mix" or "liv"
    r"(?:(?P<joint>\s?[-–]\s?|\s+(?:to|and|or)\s+)(?P<end>[IVXLCDM]{2,}|[IVX]|[ivxlcdm]{2,}|[ivx])"
    r"\b(?![-–'’]\w))?"  # not "II-C" or "D-Day"
)
# Words whose numbers a lone C, D, L or M may be; elsewhere it is a letter ("Appendix C",
# "Medicare Part D", "a Class C licence").
_LETTERS_COUNT = frozenset({"chapter", "book", "canto", "psalm"})
# Older books put a period after a regnal numeral: "Edward III., with the king".
_OLD_STYLE_DOT = r"(?:\.(?=[,;:]|\s+[a-z]))?"
# A title and a name take any numeral, "I" included (King George I).
_TITLED = re.compile(
    r"\b(?P<name>(?:King|Queen|Pope|Emperor|Empress|Tsar|Czar|Tsarina|Kaiser|Pharaoh|Prince"
    r"|Princess|Duke|Duchess|Sultan|Shah|Earl|Count|Saint|St\.)\s+[A-Z][a-z]+)"
    rf"\s+(?P<numeral>[IVX]+)\b{_OLD_STYLE_DOT}"
)
# A name alone takes II to XXXIX, or V (Henry V): not I, and not letters such as C or D
# that are more often grades, vitamins or initials.
_NAMED = re.compile(rf"\b(?P<name>[A-Z][A-Za-z]+)\s+(?P<numeral>[IVX]{{2,}}|V)\b{_OLD_STYLE_DOT}")
# A monarch's or pope's name takes "I" or "X" too where what follows is no pronoun's
# ("Charles I was executed", "Elizabeth I's court", "Pius X condemned", the dates of "James I
# (1566–1625)" or "(r. 1603–25)", whose "r." is "reigned" by now, an epithet in capitals,
# "Peter I (the Great)"; not "James I think", nor "then I (the fool) went").
_MONARCHS = (
    "Charles|James|Elizabeth|Mary|Henry|Edward|William|George|Louis|Napoleon|Peter|Catherine"
    "|Nicholas|Alexander|Francis|Frederick|Wilhelm|Philip|Ferdinand|Pius|Leo|Gregory|Clement"
    "|Otto|Ivan|Richard|John|Robert|David|Victor|Umberto|Paul|Anne"
)
_FIRST_OR_TENTH = re.compile(
    rf"\b(?P<name>{_MONARCHS})\s+(?P<numeral>I|X)(?=['’]s\b|[,;:)]|\.(?:\s|$)"
    r"|\s+(?:of|was|had|died|ruled|reigned|became|who|whose|succeeded|married|fled|granted"
    r"|signed|and|in|were|also)\b"
    r"|\s+\((?:(?:reigned|born|died|flourished|circa)\s)?\d|\s+\(the\s+[A-Z])"
)
# After "George V", a period and a name: an initial ("George V. Smith"); before a word
# that begins sentences ("under George V. The war"), the king.
_INITIAL = re.compile(r"\.\s+([A-Z][a-z]+)\b")


def roman_to_int(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral, or None."""
    upper = numeral.upper()
    if not upper or any(ch not in _VALUES for ch in upper):
        return None
    values = [_VALUES[ch] for ch in upper]
    total = sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))
    return total if to_roman(total) == upper else None  # IIII, IC: probably words


def to_roman(value: int) -> str:
    out = []
    for size, letters in _NUMERALS:
        count, value = divmod(value, size)
        out.append(letters * count)
    return "".join(out)


def _heading(match: re.Match[str], locale: Locale) -> str:
    word, numeral = match.group("word"), match.group("numeral")
    value = roman_to_int(numeral)
    if value is None or (numeral == "I" and word.islower()):  # "the best part I remember"
        return match.group(0)
    if numeral == "I" and _pronoun_after_part(word, match):
        return match.group(0)
    if numeral in ("C", "D", "L", "M") and word.lower() not in _LETTERS_COUNT:
        return match.group(0)
    end = match.group("end")
    if word.lower() in _PLURALS and (end is None or _range_end(numeral, value, match) is None):
        return match.group(0)  # "In Acts I read", "the parts X and Y": a plural counts two
    said = say_year(value, locale) if word.lower() == "year" else cardinal(str(value), locale)
    word = "Mark" if word.lower() in ("mk", "mk.") else word  # espeak spells "Mk"
    said = f"{word}{match.group('gap')}{said}"
    if end is None:
        return said
    last = _range_end(numeral, value, match)
    if last is None:  # "Part II and I think", "Book IV-x": the numeral alone is read
        return said + match.string[match.end("numeral") : match.end()]
    joint = match.group("joint").strip()
    return f"{said} {joint if joint in ('and', 'or', 'to') else 'to'} {cardinal(str(last), locale)}"


def _pronoun_after_part(word: str, match: re.Match[str]) -> bool:
    """Whether "I" after a part that is also a word goes on as the pronoun: "Question I
    asked", not "Question I." heading a page."""
    if word.capitalize() not in _CAPITALIZED_PARTS:
        return False
    return _ENDS_AFTER_I.match(match.string, match.end("numeral")) is None


_PLURALS = frozenset(
    {"chapters", "books", "parts", "volumes", "vols.", "acts", "scenes", "cantos", "sections"}
    | {"articles", "episodes", "psalms", "figures", "plates", "seasons", "movements", "pages"}
    | {"appendices", "sonnets", "stanzas", "clauses"}
)
_ENDS_AFTER_I = re.compile(r"[ \t]*(?:[.:;,)\]]|$)", re.MULTILINE)
_NEAR_END = 100  # "Part II or MIX": a second numeral far past the first is a word


def _range_end(numeral: str, first: int, match: re.Match[str]) -> int | None:
    """The value of a range's or a pair's second numeral, in the first's case and near it:
    a range's ("IV–VI", "iv to xii") above the first; never a lone "I" (the pronoun's)."""
    end = match.group("end")
    value = roman_to_int(end) if end else None
    if value is None or end == "I" or end.isupper() != numeral.isupper():
        return None
    if value > first + _NEAR_END:
        return None
    initial = _INITIAL.match(match.string, match.end())
    if len(end) == 1 and initial and initial.group(1) not in SENTENCE_STARTERS:
        return None  # "Volume II to V. Woolf": an initial
    a_range = match.group("joint").strip() not in ("and", "or")
    return value if value > first or not a_range else None


def _regnal(match: re.Match[str], locale: Locale) -> str:
    value = roman_to_int(match.group("numeral"))
    if value is None:
        return match.group(0)
    return f"{match.group('name')} the {ordinal(str(value), locale).capitalize()}"


def _named(match: re.Match[str], locale: Locale) -> str:
    after = _INITIAL.match(match.string, match.end())
    if match.group("numeral") == "V" and after and after.group(1) not in SENTENCE_STARTERS:
        return match.group(0)  # George V. Smith: a middle initial
    return _regnal(match, locale)


# A numeral heading a line, "II." or "IV. The End" (a chapter's number, as older books set
# it; the segmenter makes "II." a span of its own): a cardinal. A single letter only alone
# on its line or before a title: "C. S. Lewis wrote" has an initial.
_LINE_NUMERAL = re.compile(
    r"(?m)^(?P<lead>[ \t]*)(?P<numeral>[IVXLC]{2,}|[IVX])\.(?P<rest>[ \t]*$|[ \t]+(?=\S))"
)
# "I. THE START": a title in capitals after it (not "V. I. LENIN", initials).
_CAPITALS_LINE = re.compile(r"(?![A-Z]\.)[A-Z][A-Z'’ \t,;:.!?-]*(?:\n|$)")
# "I. The Start": a title of two words or more in title case that ends its line without a
# sentence's stop (not "I. Then I went", a sentence; not "V. Woolf", a signature).
_MINOR_WORDS = "a|an|the|of|and|or|nor|but|in|on|at|to|for|with|by|from|as|into|upon"
_TITLE_LINE = re.compile(
    rf"[A-Z][\w'’-]*(?:[ \t]+(?:[A-Z][\w'’-]*|(?:{_MINOR_WORDS})\b))+[ \t]*(?:\n|$)"
)


def _line_numeral(match: re.Match[str], locale: Locale) -> str:
    numeral, text, end = match.group("numeral"), match.string, match.end()
    value = roman_to_int(numeral)
    alone = end == len(text) or text[end] == "\n"
    capitals = not alone and _CAPITALS_LINE.match(text, end) is not None
    titled = alone or capitals or _TITLE_LINE.match(text, end) is not None
    if value is None or value > 100 or (len(numeral) == 1 and not titled):
        return match.group(0)  # "CV. Send it", "C. S. Lewis wrote"
    said = cardinal(str(value), locale)
    # In capitals before a title in capitals, which the capitals rule then reads as words
    # with it ("IT IS" alone after it would be spelt "I T").
    said = said.upper() if capitals else said.capitalize()
    return f"{match.group('lead')}{said}.{match.group('rest')}"


# A title page's year, "MDCCCXC": a numeral of four letters or more from M on, standing
# alone in capitals; no English word is one.
_YEAR = re.compile(r"(?<![\w.])M[MDCLXVI]{3,}\b(?![.']\w)")


def _year(match: re.Match[str], locale: Locale) -> str:
    value = roman_to_int(match.group(0))
    if value is None or not 1000 <= value <= 2100:
        return match.group(0)
    return say_year(value, locale)


# A numeral set as an ordinal: "the XVIIth century", "the IVth Republic", "Henry the Vth"
# (espeak: "X V I I th").
_ORDINAL = re.compile(r"(?P<numeral>[IVXLC](?<!\w[IVXLC])[IVXLC]*)(?:th|st|nd|rd)\b")


def _ordinal(match: re.Match[str], locale: Locale) -> str:
    numeral = match.group("numeral")
    value = roman_to_int(numeral)
    if value is None or value > 100 or numeral in ("I", "L", "C"):
        return match.group(0)
    return ordinal(str(value), locale)


# A play cited by act, scene and line: "Hamlet III.i.56", "Macbeth V.v.19-28", "(II.ii)";
# espeak said "Hamlet the Third dot i dot fifty-six". The act in capitals, the scene in
# lower case, as editions print them.
_PLAY_CITATION = re.compile(  # its first numeral, then what stands before it: fast over a book
    r"[IVX](?<![\w.][IVX])[IVX]{0,3}\.(?P<scene>[ivx]{1,5})"
    r"(?:\.(?P<line>\d{1,4})(?:[-–](?P<end>\d{1,4}))?)?(?![\w-]|\.\w)"
)


# An outline's numbering reads the same ("Section II.iv", "Theorem IV.ii", "Psalm XX.iv"):
# after one of these words it is left to the rules for numbered parts.
_OUTLINE_WORD = re.compile(
    r"(?:\b(?:sections?|sect?s?\.|parts?|pt\.|chapters?|ch(?:ap)?\.|articles?|arts?\.|clauses?"
    r"|paragraphs?|paras?\.|appendix|annex|schedule|book|volume|vol\.|table|figure|fig\."
    r"|psalm|canto|episode|plate|season|movement|page|phase|stage|type|class|grade|level"
    r"|title|series|mark|mk\.?|form|theorem|lemma|corollary|proposition|definition|exercise"
    r"|problem|question|item|note|step|rule|zone)|§+)\s*$",
    re.I,
)
_ACT = re.compile(r"\b[Aa]ct\s+$")  # "Act III.i": the word is written already


def _play_citation(match: re.Match[str], locale: Locale) -> str:
    numeral = match.group(0).partition(".")[0]
    act, scene = roman_to_int(numeral), roman_to_int(match.group("scene"))
    before = text_before(match, 14)
    if act is None or scene is None or _OUTLINE_WORD.search(before):
        return match.group(0)
    said = f"{cardinal(str(act), locale)}, scene {cardinal(str(scene), locale)}"
    said = said if _ACT.search(before) else f"act {said}"
    line, end = match.group("line", "end")
    if end:
        return f"{said}, lines {cardinal(line, locale)} to {cardinal(end, locale)}"
    return f"{said}, line {cardinal(line, locale)}" if line else said


# "Give IV fluids", "5 mg IV", "an IV drip": intravenous, said as letters (espeak: "Roman
# four"; the rule for names: "Give the Fourth fluids"). Only before a word of a drip or a
# drug, or after a dose (its unit read by now), "an" or "via"; before such a word, not
# after a name or a word that numbers ("Henry IV lines", "Act IV line 3", "Stage IV
# therapy", "Schedule IV drugs"), though a sentence's first word may be a verb ("Give").
_INTRAVENOUS = re.compile(r"IV(?<!\wIV)(?!\w|\.\w)")
_AFTER_A_DOSE = re.compile(
    r"(?:\b(?:an|via|(?:milli|micro|kilo)?grams?|millil(?:iter|itre)s?)|\d\s+units)\s\Z"
)
_DRIP = re.compile(
    r"\s+(?:fluids?|drips?|lines?|access|antibiotics|bags?|poles?|infusions?|push"
    r"|bolus|therapy|injections?|cannula|catheter|morphine|drugs?|route|saline|steroids"
    r"|iron|nutrition|site)\b"
)
_WORD_BEFORE = re.compile(r"(?P<word>[A-Za-z]+)\s+\Z")
_NUMBERING = re.compile(_HEADING.pattern.partition("(?P<gap>")[0] + r"\Z")
_ORDERS = frozenset(
    {"Give", "Start", "Begin", "Continue", "Resume", "Restart", "Stop", "Hang", "Insert"}
    | {"Administer", "Remove", "Push", "Order", "Needs", "Need", "Requires", "On", "No"}
)


def _intravenous(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 24)
    if _AFTER_A_DOSE.search(before):
        return "I V"
    if not _DRIP.match(match.string, match.end()):
        return match.group(0)
    word = _WORD_BEFORE.search(before)
    if word is None:
        return "I V"  # first in its sentence, or after a comma: "Plan: IV fluids"
    said = word.group("word")
    if _NUMBERING.match(said) or (said[0].isupper() and said not in _ORDERS):
        return match.group(0)
    return "I V"


# A school's or a club's side after its rank: "the 1st XI", "the Second XV", "the First
# VIII" are its eleven, fifteen and eight (a cricket, a rugby and a rowing side), not kings.
_SIDE = re.compile(
    r"\b(?P<nth>\d(?:st|nd|rd|th)|(?i:first|second|third|fourth))(?P<gap>\s+)"
    r"(?P<numeral>XI|XV|VIII)\b"
)


def _side(match: re.Match[str], locale: Locale) -> str:
    value = roman_to_int(match.group("numeral"))
    return f"{match.group('nth')}{match.group('gap')}{cardinal(str(value), locale)}"


# Before the words in capitals are read as words: they tell a title from initials.
LINE_NUMERALS = (Rule(_LINE_NUMERAL, _line_numeral),)
RULES = (
    Rule(_PLAY_CITATION, _play_citation),
    Rule(_INTRAVENOUS, _intravenous),
    Rule(_ORDINAL, _ordinal),
    Rule(_SIDE, _side),
    Rule(_HEADING, _heading),
    Rule(_TITLED, _regnal),
    Rule(_NAMED, _named),
    Rule(_FIRST_OR_TENTH, _regnal),
    Rule(_YEAR, _year),
)
