"""Abbreviations and symbols, by context where they have more than one reading.

"Dr. Smith" is Doctor Smith and "Baker Dr." Baker Drive; "St. Paul" is Saint Paul and "Baker
St." Baker Street; "No. 5" is number five, "No one" is left alone. An abbreviation's period
goes with it, unless it also ends the sentence.
"""

import re

from models.normalize.dates import MONTH_WORD
from models.normalize.numbers import cardinal, in_pairs
from models.normalize.rule import (
    SENTENCE_STARTERS,
    Locale,
    Rule,
    final_period,
    range_word,
    saying,
    text_before,
)

# Read the same way wherever they stand (case as written).
_ALWAYS = {
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Messrs": "Messieurs",
    "Mt": "Mount",
    "Jr": "Junior",
    "Sr": "Senior",
    "vs": "versus",
    "Inc": "Incorporated",
    "Ltd": "Limited",
    "Corp": "Corporation",
    "Esq": "Esquire",
    "Bros": "Brothers",
    "Mme": "Madame",
    "Mlle": "Mademoiselle",
    "Dept": "Department",
    "Govt": "Government",
    "Regt": "Regiment",
}
_OFTEN_LAST = frozenset(
    {"Jr", "Sr", "Inc", "Ltd", "Corp", "Esq", "Bros"}
)  # their period may end a sentence
_COMPANY_WORDS = frozenset({"Inc", "Ltd", "Corp", "Bros"})
_NEXT_SUFFIX = re.compile(r"\s+(?:(?:Ltd|Inc|Corp)\b|Co\.)")
# Latin and scholarly abbreviations, any case; the key is lower case without spaces.
_LATIN = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "cf.": "compare",
    "viz.": "namely",
    "approx.": "approximately",
    "etal.": "and others",
    "a.k.a.": "also known as",
    "&c.": "et cetera",  # an older book's etc.
}
_LATIN_OFTEN_LAST = frozenset({"etc.", "etal.", "&c."})
# Titles (and the v. of a case), only before a name: "Gen. Grant", not "Gen Z" or
# "Gen. 1:1" (Genesis).
_TITLES = {
    "Prof": "Professor",
    "Rev": "Reverend",
    "Hon": "Honourable",
    "Rt": "Right",  # the Rt. Hon., the Rt. Rev.
    "Ven": "Venerable",
    "Gen": "General",
    "Col": "Colonel",
    "Capt": "Captain",
    "Lt": "Lieutenant",
    "Lieut": "Lieutenant",
    "Sgt": "Sergeant",
    "Maj": "Major",
    "Cmdr": "Commander",
    "Adm": "Admiral",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Pres": "President",
    "Fr": "Father",
    "Ft": "Fort",
    "Pvt": "Private",
    "Pte": "Private",
    "Cpl": "Corporal",
    "Brig": "Brigadier",
    "Cdr": "Commander",
    "Det": "Detective",
    "Insp": "Inspector",
    "Supt": "Superintendent",
    "Const": "Constable",
    "v": "versus",  # Roe v. Wade
    # First names as old books and letters shorten them: "Wm. Shakespeare", "Geo. Eliot".
    "Wm": "William",
    "Geo": "George",
    "Thos": "Thomas",
    "Chas": "Charles",
    "Jas": "James",
    "Jno": "John",
    "Benj": "Benjamin",
    "Robt": "Robert",
    "Saml": "Samuel",
    "Edw": "Edward",
    "Richd": "Richard",
    "Danl": "Daniel",
}
# Before a number (or a Roman numeral, for the heading words).
_NUMBERED = {
    "no": "number",
    "nos": "numbers",
    "bldg": "building",
    "rm": "room",
    "p": "page",
    "pp": "pages",
    "c": "circa",
    "ca": "circa",
    "vol": "volume",
    "vols": "volumes",
    "ch": "chapter",
    "fig": "figure",
    "figs": "figures",
    "op": "opus",  # Chopin's Op. 28
    "chap": "chapter",
    "sc": "scene",  # a play's "Act I, sc. 2" (espeak: "S C two")
    "eq": "equation",
    "eqs": "equations",
}
# A statute's or a treaty's parts, before a number cited as such: followed by what follows a
# citation ("Art. 5 of", "Arts. 2 and 3", "para. 4(b);"), not by a word of a new sentence
# ("a Bachelor of Arts. 1968 was the year", "wait a sec. 2 more came").
_CITING = {"art": "article", "arts": "articles", "sec": "section", "secs": "sections"}
_CITING |= {"para": "paragraph", "paras": "paragraphs"}
_CITED = re.compile(
    r"\d{1,4}[A-Za-z]?(?:\(\w{1,4}\)){0,3}(?:\s?[-–]\s?\d{1,4}[A-Za-z]?)?"
    r"(?=\s*(?:\Z|[,;:.)\]]|\(|(?:of|and|or|to|in|(?i:paras?|secs?|arts?|ss?|clause)\.?)\b))"
)  # "Art. 5 para. 2": a citation's next part may follow
# A statute's sections in lower case only ("s. 172 of the Act"; "S. 1234" is a Senate bill),
# not after a number ("in 10 s. 3 runners" are seconds) nor an apostrophe ("Tom's. 20").
_SECTIONS = {"s": "section", "ss": "sections"}
_SECTION_WORD = re.compile(r"(?:\A|(?<=[\s(\[]))(?<!\d )ss?\Z")
# Old money's shillings before its pence: "£25 1s. 8½d."
_SHILLINGS = re.compile(r"(?<![\w.])\d{1,2}s\Z")
_PENCE_NEXT = re.compile(r"\d{1,2}[½¼¾]?d\b")
_SYMBOLS = {"#": "number", "§": "section", "§§": "sections"}
_OPERATORS = {"&": "and", "×": "times", "÷": "divided by", "±": "plus or minus", "+": "plus"}
_OPERATORS |= {"−": "minus"}  # the minus sign, not a hyphen
_OPERATORS |= {"=": "equals", "~": "about", "%": "percent", "°": "degrees", "@": "at"}
_COMPARISONS = {"<": "less than", ">": "greater than"}  # espeak says nothing for them


def _alternatives(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ALWAYS_PATTERN = re.compile(rf"\b(?P<word>{_alternatives(_ALWAYS)})(?:\.|\b)(?!\w)")
_LATIN_PATTERN = re.compile(
    r"(?<![\w.])(?P<word>(?i:e\.\s?g\.|i\.\s?e\.|etc\.|&c\.|cf\.|viz\.|approx\.|et\s?al\.|a\.k\.a\.))"
)
# "& Co." is a firm's company ("Co. Durham" is a county, and left alone).
_COMPANY = re.compile(r"\s?&\s?Co\.?(?!\w)")
# "M. Poirot" is Monsieur Poirot (and "MM." Messieurs); "J. M. Barrie" has an initial.
_MONSIEUR = re.compile(r"(?<![\w.])(?<![A-Z]\.\s)(?P<word>MM?)\.\s(?=[A-Z][a-z])")
# A compound rank joins two titles with a hyphen: "Lt.-Col. Smith", "Brig.-Gen. Haig".
_TITLE_PATTERN = re.compile(
    rf"\b(?P<word>{_alternatives(_TITLES)})\.(?=\s+[A-Z]|-(?:{_alternatives(_TITLES)})\.\s+[A-Z])"
)
# A case or a match without the period, as British books set it: "R v Brown", "England v
# Australia"; between two names only. After a book's part it is a numeral ("Chapter v").
# The name is taken whole (possessive, after no word character): a run of apostrophes in
# one word would otherwise be scanned again from each of them.
_VERSUS = re.compile(r"(?<![\w'’])(?P<before>(?P<name>[A-Z][\w'’]*+)\s++)v(?=\s+[A-Z])")
PARTS = frozenset(
    {"Chapter", "Book", "Act", "Part", "Volume", "Vol", "Scene", "Canto", "Section", "Appendix"}
)
# Dr and St: the word before (if any) and whether a name follows decide.
_DR_ST = re.compile(
    r"(?P<before>(?<![\w'’-])[\w'’-]+\s+)?"  # the word before, whole
    r"\b(?P<word>Dr|St)(?P<dot>\.)?(?!\w)(?P<name>(?=\s+[A-Z]))?"
)
# A US state as a newspaper abbreviates it after its town: "Sacramento, Calif., is",
# "Austin, Tex. police". Only where the sentence goes on: "Howdy, Tex." and "Good night,
# Pa." end on a name, and "Thanks, Del." might.
_STATES = {
    "Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California",
    "Colo": "Colorado", "Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida",
    "Ga": "Georgia", "Ill": "Illinois", "Kan": "Kansas", "Kans": "Kansas",
    "Ky": "Kentucky", "La": "Louisiana", "Md": "Maryland", "Mass": "Massachusetts",
    "Mich": "Michigan", "Minn": "Minnesota", "Miss": "Mississippi", "Mo": "Missouri",
    "Mont": "Montana", "Neb": "Nebraska", "Nebr": "Nebraska", "Nev": "Nevada",
    "N.H": "New Hampshire", "N.J": "New Jersey", "N.M": "New Mexico", "N.Y": "New York",
    "N.C": "North Carolina", "N.D": "North Dakota", "Okla": "Oklahoma", "Ore": "Oregon",
    "Oreg": "Oregon", "Pa": "Pennsylvania", "R.I": "Rhode Island", "S.C": "South Carolina",
    "S.D": "South Dakota", "Tenn": "Tennessee", "Tex": "Texas", "Vt": "Vermont",
    "Va": "Virginia", "Wash": "Washington", "W.Va": "West Virginia", "Wis": "Wisconsin",
    "Wisc": "Wisconsin", "Wyo": "Wyoming",
}  # fmt: skip
_STATE = re.compile(rf"(?<=[a-z], )(?P<state>{_alternatives(_STATES)})\.(?=,|\s+\(?[a-z\d])")
_TOWN_BEFORE = re.compile(r"(?:^|[\s(])(?P<town>(?:[A-Z][a-z]+[ -])*[A-Z][a-z]+), \Z")
_NO_TOWN = frozenset({
    "Yes", "No", "Well", "Oh", "Thanks", "Now", "So", "Why", "Hello", "Please", "Sorry",
    "Goodnight", "Goodbye", "Farewell", "Mama", "Mother", "Father", "Papa",
})  # fmt: skip
# Del. an engraving's draughtsman ("Hogarth, Del. et sculp."). Ind. is left out: as often an
# election's Independent ("Jones, Ind., 3,100") as Indiana.
_NOT_A_STATE_AFTER = {"Del": re.compile(r",?\s+(?:et|engraved|sculp)\b")}


def _state(match: re.Match[str], locale: Locale) -> str:
    town = _TOWN_BEFORE.search(text_before(match, 40))
    if not town or town.group("town") in SENTENCE_STARTERS:  # "Yes, Mo. said"
        return match.group(0)
    if re.split(r"[ -]", town.group("town"))[-1] in _NO_TOWN:  # "Ask Mama, Pa. he"
        return match.group(0)
    state = match.group("state")
    other = _NOT_A_STATE_AFTER.get(state)
    if other and other.match(match.string, match.end()):
        return match.group(0)
    return _STATES[state]


# "v2.0", "V10.4.1": a version, whose digits the number rules then read ("two point zero").
_VERSION = re.compile(r"(?<![\w.])[vV](?=\d+(?:\.\d+)+\b)")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;\"“‘(\[])\s*$")
_WORD_BEFORE = re.compile(r"([\w'’]+)[,\s]*$")
_NEXT_WORD = re.compile(r"[\"'’”)\]]*\s+[\"'‘“(\[]*([A-Z][a-z]*)\b")
_NUMBERED_PATTERN = re.compile(
    rf"(?<![\w.])(?P<word>(?i:{_alternatives(_NUMBERED)}))\.\s?(?=\d)"
    r"|(?<![\w.])(?P<heading>(?i:vols?|ch|chap|sc))\.\s?(?=[IVXLC]+\b|[ivxlc]+\b)"  # sc. ii
    r"|(?<![\w.])(?P<page>pp?)\.\s?(?=[ivx]{2,}\b)"  # a preface's pages: "p. iv", "pp. ix-xii"
    r"|(?<![\w.])(?P<capital>Apt|Sect)\.\s?(?=\d)"  # capitalized only: "proved apt. 1968 was"
    r"|(?<![\w.'’])(?<!\d )(?P<line>ll?)\.\s?(?=\d)"  # a poem's "l. 23"; not "3 l. 2 dl."
    r"|(?P<symbol>§§|§|#)\s?(?=\d)"
    # "world No 1", "the No 10 job", as British papers set it without the period; not where a
    # sentence or a clause may begin ("No 2 days are alike", "; No 2 days") nor after a word
    # of saying ("said No 3 times")
    r"|(?<=[\w,] )(?<!said )(?<!says )(?<!say )(?<!cried )(?<!shouted )(?<!answered )"
    r"(?<!replied )(?P<bare_no>No)\s(?=\d)"
    r"|(?<![\w.'’])(?<!\d )(?P<section>ss?)\.\s?(?=\d)"
    rf"|(?<![\w.])(?P<citing>(?i:{_alternatives(_CITING)}))\.\s?(?={_CITED.pattern})"
)
# A life's dates: "(b. 1850, d. 1900)", "fl. 1870", a reign's "(r. 1066–87)"; lower case
# and before a year only ("Plan B. 2" is not "born").
_LIFE = re.compile(r"(?<![\w.])(?P<word>b|d|fl|r)\.\s?(?=\d{3,4}\b)")
_LIVES = {"b": "born", "d": "died", "fl": "flourished", "r": "reigned"}
# Words that stand before a number with a period ("c. 1850", "No. 5", "pp. 3"): a period
# there ends no sentence (`worker.segment`). Those that are also words ("apt", "sect") only
# capitalized: "Apt. 4", not "the name proved apt. 1968 showed why".
_CAPITALIZED = {"Apt": "Apartment", "Sect": "Section"}
BEFORE_A_NUMBER = frozenset(_NUMBERED) | frozenset(_LIVES) | {"l", "ll"}
CAPITALIZED_BEFORE_A_NUMBER = frozenset(_CAPITALIZED)


def cues_number(before: str, after: str) -> bool:
    """Whether the word that `before` ends with, then a period, cues the number `after`
    begins with, as a citation's part or old money's shillings do (`worker.segment`: no
    sentence ends there). `before` needs only its last few characters."""
    word = before.rsplit(None, 1)[-1].lstrip("([") if before.strip() else ""
    if word.lower() in _CITING:
        return bool(_CITED.match(after))
    if _SECTION_WORD.search(before):
        return True
    return bool(_SHILLINGS.search(before) and _PENCE_NEXT.match(after))


# A run of spaces is entered only at its start ("(?<!\s)"): from each of its spaces in
# turn, a long run took quadratic time.
_OPERATOR = re.compile(
    r"(?<!\s)\s*(?P<join>[&×÷])\s*"  # R&D, 3 × 4
    r"|(?P<before>±)\s*"  # ±5 (a tilde before a number is `marks.APPROXIMATELY`'s)
    r"|(?<=\s)(?P<spaced>[+=@−])(?=\s)"  # 2 + 2 = 4, x − 1
    r"|(?<!\s)\s*(?P<after>[%°])"  # what the number rules did not take
)


def _capitalized_like(said: str, written: str) -> str:
    return said[0].upper() + said[1:] if written[0].isupper() else said


def _always(match: re.Match[str], locale: Locale) -> str:
    word = match.group("word")
    if word == "Sr" and _sister(match):
        return "Sister"
    # "Smith Bros. Ltd.": the name goes on, no sentence ends between its suffixes
    ends = word in _OFTEN_LAST and not (
        word in _COMPANY_WORDS and _NEXT_SUFFIX.match(match.string, match.end())
    )
    return _ALWAYS[word] + final_period(match, or_before_sentence=ends)


def _sister(match: re.Match[str]) -> bool:
    """ "Sr." before a name and after no name is a nun's title ("and Sr. Mary"); after a
    name, "John Smith Sr.", a father's."""
    following = _NEXT_WORD.match(match.string, match.end())
    if following is None or following.group(1) in SENTENCE_STARTERS:
        return False
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 40), match.start())
    return before is None or not before.group(1)[0].isupper()


def _latin(match: re.Match[str], locale: Locale) -> str:
    written = match.group("word")
    key = written.lower().replace(" ", "")
    period = final_period(match, or_before_capital=key in _LATIN_OFTEN_LAST)
    return _capitalized_like(_LATIN[key], written) + period


def _company(match: re.Match[str], locale: Locale) -> str:
    return " and Company" + final_period(match, or_before_sentence=True)


def _monsieur(match: re.Match[str], locale: Locale) -> str:
    return "Monsieur " if match.group("word") == "M" else "Messieurs "


def _title(match: re.Match[str], locale: Locale) -> str:
    return _TITLES[match.group("word")]


# A rank after a word that leads to it, with no name after: "the Lt. said", "our Capt.",
# "the second Lt. came" (before a name, `_TITLE_PATTERN` has read it).
_RANKS = ("Lt", "Lieut", "Capt", "Sgt", "Col", "Maj", "Gen", "Cpl", "Pvt", "Cmdr", "Adm")
_RANK_AFTER = re.compile(
    r"\b(?P<lead>(?i:the|a|our|his|her|their|my|your|first|second|third)\s)"
    rf"(?P<word>{'|'.join(_RANKS)})\.(?!\w)"
)


def _rank_after(match: re.Match[str], locale: Locale) -> str:
    said = _TITLES[match.group("word")]
    return match.group("lead") + said + final_period(match, or_before_sentence=True)


def _versus(match: re.Match[str], locale: Locale) -> str:
    if match.group("name") in PARTS:
        return match.group(0)
    return f"{match.group('before')}versus"


def _dr_st(match: re.Match[str], locale: Locale) -> str:
    """Doctor and Saint before a name or alone; Drive and Street after one ("Baker St."),
    also where the next sentence begins ("Baker St. He was out")."""
    before, word = match.group("before") or "", match.group("word")
    street = bool(before) and (match.group("name") is None or _sentence_after(match))
    if word == "Dr":  # "the Dr. said", "The Dr. said" are a doctor's
        street = street and before[0].isupper() and before.strip() not in SENTENCE_STARTERS
    if not street:
        return before + ("Doctor" if word == "Dr" else "Saint")
    said = "Drive" if word == "Dr" else "Street"
    return before + said + final_period(match, or_before_sentence=True)


def _sentence_after(match: re.Match[str]) -> bool:
    """Whether the capitalized word after a period is a sentence's first rather than a
    saint's or a doctor's name: a pronoun, an article or a conjunction."""
    if not match.group("dot") or not match.group("before")[0].isupper():
        return False
    if _OPENS_SENTENCE.search(match.string, 0, match.start()):  # "Then Dr. No appeared"
        return False
    following = _NEXT_WORD.match(match.string, match.end())
    return following is not None and following.group(1) in SENTENCE_STARTERS


def _version(match: re.Match[str], locale: Locale) -> str:
    return _capitalized_like("version ", match.group(0))


def _numbered(match: re.Match[str], locale: Locale) -> str:
    if match.group("symbol"):
        return _SYMBOLS[match.group("symbol")] + " "
    if match.group("bare_no"):
        return "Number "
    if match.group("section"):
        return _SECTIONS[match.group("section")] + " "
    if match.group("citing"):
        written = match.group("citing")
        return _capitalized_like(_CITING[written.lower()], written) + " "
    if match.group("capital"):
        return _CAPITALIZED[match.group("capital")] + " "
    if match.group("line"):
        return "lines " if match.group("line") == "ll" else "line "
    written = match.group("word") or match.group("heading") or match.group("page")
    return _capitalized_like(_NUMBERED[written.lower()], written) + " "


# "Henry VIII (r. 1509–47)": a reign's "r." in the brackets after a name ("the vicar (r.
# 1902–1930)" may be a rector's; "rule r. 123" is a rule's).
_NAME_BRACKET_BEFORE = re.compile(
    r"(?:\b[^\W\d_a-z][\w'’]*|\b(?:king|queen|emperor|empress|pope|tsar|czar|sultan|shah"
    r"|caliph|pharaoh|ruler|monarch|reigned|prince|princess|duke|regent))\s\(\Z"
)


def _life(match: re.Match[str], locale: Locale) -> str:
    word = match.group("word")
    if word == "r" and not _NAME_BRACKET_BEFORE.search(text_before(match, 20)):
        return match.group(0)
    return _LIVES[word] + " "


def _operator(match: re.Match[str], locale: Locale) -> str:
    if match.group("join"):
        said = f" {_OPERATORS[match.group('join')]} "
        return said if match.start() else said.lstrip()
    if match.group("before"):
        return f"{_OPERATORS[match.group('before')]} "
    if match.group("spaced"):
        return _OPERATORS[match.group("spaced")]
    return f" {_OPERATORS[match.group('after')]}"


# "the 3rd ed.", "2nd edn": an edition, after its ordinal (before the number rules read it).
_EDITION = re.compile(r"(?<=\d(?:st|nd|rd|th)\s)(?:ed|edn)\b\.?")


def _edition(match: re.Match[str], locale: Locale) -> str:
    return "edition" + final_period(match)


# A count of a book's parts: "in 3 vols.", "12 pp.", "1 vol.", "2 vol. in-8" (after the
# number, which says how many).
_COUNTED = re.compile(r"(?<![\w.,])(?P<count>\d+)\s(?P<word>vols?|pp)\.")


def _counted(match: re.Match[str], locale: Locale) -> str:
    count, word = match.group("count", "word")
    said = "page" if word == "pp" else "volume"
    said += "" if count == "1" else "s"
    return f"{count} {said}{final_period(match, or_before_capital=True)}"


# "the 19th c.", "the 6th c. BC", "a 12th-cent. abbey": a century, after its ordinal ("c."
# before a number is circa). Its period ends a sentence only at the span's end: "BC" or a
# name may follow it.
_CENTURY = re.compile(r"(?<=\d(?:st|nd|rd|th)[\s-])(?:c|cent)\.(?!\w|\s?\d)")


def _century(match: re.Match[str], locale: Locale) -> str:
    return "century" + final_period(match)


# Degrees with a lower-case letter, which espeak reads as a word and a "dot": Ph.D. is P H D.
_DEGREES = {"phd": "P H D", "msc": "M S C", "bsc": "B S C", "dphil": "D Phil"}
_DEGREE = re.compile(r"(?<![\w.])(?P<degree>Ph\.\s?D|M\.\s?Sc|B\.\s?Sc|D\.\s?Phil)\.?(?!\w)")
# The world wars, as historians write them: WWI, WW2, and a third one feared (WWIII).
_WORLD_WAR = re.compile(r"\bWW(?P<war>III|II|I|3|2|1)\b")
_WARS = {"III": "Three", "3": "Three", "II": "Two", "2": "Two", "I": "One", "1": "One"}
# Between two numbers: "a 10 x 12 room" is ten by twelve, "2 * 3" two times three; "0x1F"
# (hexadecimal) is left to the number rules.
_BY = re.compile(r"(?<=\d)(?<!(?<![\w.])0)(?: x |x)(?=\d)")
_TIMES = re.compile(r"(?<=\d) ?\* ?(?=\d)")
_EQUATION = re.compile(r"[\d.,]+ ?=|10\^")  # "3 x 4 = 12" and "3 x 10^8" are products
# A sum set without spaces: "1+1", "2+2=4" (the spaced "2 + 2 = 4" is read with the other
# operators, last). "18+" and "+44" have a number on one side only, and are left to theirs.
_PLUS = re.compile(r"(?<=\d)\+(?=\d)")
_EQUALS = re.compile(r"(?<=\w)=(?=-?\d)|(?<=\d)=(?=\w)")
# A hyphen before what equals something is a minus: "10 - 3 = 7", "10-3=7".
_MINUS = re.compile(r"(?<=\d)(?<![12]\d{3}) ?[-–] ?(?=\d+(?:\.\d+)? ?=)")  # not "1939-1945 ="


# "30x faster", "grew 5x.", "2x the power": so many times, where a comparison, a growth or
# what it multiplies says so ("15x earnings" is a share's price). Before the noun it
# qualifies, "a 10x zoom" is "a ten-times zoom", which says what the x stands for whatever
# the noun ("a ten-x zoom" is cameras' word, odd before "increase"). Elsewhere the x may be
# algebra or a size ("let 2x denote", "3x + 2", "a size 2x shirt"): left as written.
# A valuation's multiple is of what it is priced on ("1.5x book value", "5x EBITDA", "10x
# revenue"), a certification's of its award ("2x platinum"); "10x what we expected", "3x
# growth", "up 1,000x since 2010" say how much.
_FOLD = re.compile(
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)x"
    r"(?=\s+(?P<word>[a-z]+|EBITDA)\b|[,;:.!?)]|$)"
)
_COMPARED_AFTER = re.compile(
    r"(?:faster|slower|quicker|more|less|fewer|larger|bigger|smaller|higher|lower|greater"
    r"|better|worse|cheaper|dearer|stronger|weaker|longer|shorter|heavier|lighter|as|over"
    r"|the|earnings|sales|revenues?|what|book|EBITDA|profits?|turnover|cash|platinum|growth"
    r"|returns?|oversubscribed)\Z"
)
_GROWTH = (
    r"grew|grown|grows|rose|risen|rises|increased|jumped|climbed|multiplied|up"
    r"|(?:rose|risen|grew|grown|jumped|climbed|increased|fell|dropped) to"
)
_GROWN_BEFORE = re.compile(
    rf"\b(?:{_GROWTH}|returned|by|about|nearly|almost|roughly|some|over|than)\s\Z",
    re.IGNORECASE,
)
# After a growth's verb the clause may go on: "up 1.5x on the year", "grew 3x in a decade"
# (not "divide by 3x in the numerator").
_GROWTH_VERB_BEFORE = re.compile(rf"\b(?:{_GROWTH})\s\Z", re.IGNORECASE)
_GROWTH_GOES_ON = re.compile(r"(?:on|in|over|from|since|after|during|within)\Z")
_OPERATOR_BEFORE = re.compile(r"[-+=−×÷*/^<>(]\s*\Z")
_AN_ARTICLE_BEFORE = re.compile(r"\ban?\s\Z", re.IGNORECASE)


def _fold(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 12)
    word = match.group("word")
    if _OPERATOR_BEFORE.search(before):
        return match.group(0)
    if word is not None and _AN_ARTICLE_BEFORE.search(before):
        return match.group("number") + "-times"
    compared = word is not None and _COMPARED_AFTER.match(word)
    grown = word is None and _GROWN_BEFORE.search(before)
    goes_on = word is not None and _GROWTH_GOES_ON.match(word)
    if compared or grown or (goes_on and _GROWTH_VERB_BEFORE.search(before)):
        return match.group("number") + " times"
    return match.group(0)


def _degree(match: re.Match[str], locale: Locale) -> str:
    key = re.sub(r"[.\s]", "", match.group("degree")).lower()
    return _DEGREES[key] + final_period(match, or_before_capital=True)


def _world_war(match: re.Match[str], locale: Locale) -> str:
    return "World War " + _WARS[match.group("war")]


def _by(match: re.Match[str], locale: Locale) -> str:
    return " times " if _EQUATION.match(match.string, match.end()) else " by "


# The sides of a thing, a length's unit after one of them: "73 × 92 cm", "30 × 20 × 10 cm",
# "12 ft x 14 ft": "by", where "×" alone is "times" ("3 × 4", "2 × 10^8 m/s"). The chain is
# taken whole and possessively: from each of its signs in turn, a long one took quadratic time;
# and from no comma inside a number, where "1,1,1,..." was entered at each of its digits.
_LENGTH = r"(?:mm|cm|m|km|in|ft|yd|mi|inches|feet|yards|miles)\b(?![/²³]|\.\d)\.?"
_SIDE = rf"\d[\d.,]*+(?:\s?{_LENGTH})?+"
_SIDE_SIGN = re.compile(r" [x×] |\s?×\s?")
_SIDES = re.compile(rf"(?<![\w.,]){_SIDE}(?:(?:{_SIDE_SIGN.pattern}){_SIDE})++")
_HAS_LENGTH = re.compile(rf"\d\s?{_LENGTH}")
_SUM_REACH = 24  # characters after the sides where an "=" makes them a product


def _sides(match: re.Match[str], locale: Locale) -> str:
    sides = match.group(0)
    summed = "=" in match.string[match.end() : match.end() + _SUM_REACH]  # "2 × 3 m = 6 m"
    if summed or not _HAS_LENGTH.search(sides):
        return sides
    return _SIDE_SIGN.sub(" by ", sides)


# A British style's honours without their periods or before "the": "The Rt Hon Theresa May",
# "the Rt. Hon. the Earl of Derby", "the Rt Revd Rowan Williams", "the Revd John Smith".
_HONOURS = re.compile(r"\b(?P<right>Rt\.?\s)?(?P<word>Hon|Revd|Rev)\b\.?(?=\s)")
_HONOUR_WORDS = {"Hon": "Honourable", "Revd": "Reverend", "Rev": "Reverend"}


def _honours(match: re.Match[str], locale: Locale) -> str:
    word = match.group("word")
    if not match.group("right") and word != "Revd":
        return match.group(0)  # "Hon" or "Rev" alone: the titles' rule, before a name
    return ("Right " if match.group("right") else "") + _HONOUR_WORDS[word]


# A yearly rate: "3.5% p.a.", "£30,000 p.a." (after a number, a percentage or a sum only,
# which the money rules may have said by now).
_PER_ANNUM = re.compile(
    r"(?:(?<=[\d%]\s)|(?<=percent\s)|(?<=pounds\s)|(?<=dollars\s)|(?<=euros\s))p\.\s?a\."
)


def _per_annum(match: re.Match[str], locale: Locale) -> str:
    return "per annum" + final_period(match, or_before_capital=True)


# A book's makers before "by": "ed. by J. Smith" is edited by him, and "trans.", "illus.",
# "rev.", "comp." likewise ("Trans. by" at a sentence's start too).
_MADE_BY = re.compile(r"(?<![\w.])(?P<word>(?i:eds?|trans|tr|illus|rev|comp))\.(?=\s+by\b)")
_MAKERS = {"ed": "edited", "eds": "edited", "trans": "translated", "tr": "translated"}
_MAKERS |= {"illus": "illustrated", "rev": "revised", "comp": "compiled"}


# "a new ed. by Penguin", "the 2nd ed. by then": an edition, after what a noun follows.
_EDITION_BEFORE = re.compile(
    r"\b(?i:a|an|the|this|that|new|revised|rev\.|first|second|third|later|latest|earlier"
    r"|original|enlarged|\d+(?:st|nd|rd|th))\s\Z"
)


def _made_by(match: re.Match[str], locale: Locale) -> str:
    word = match.group("word")
    said = _MAKERS[word.lower()]
    if word.lower() == "ed" and _EDITION_BEFORE.search(text_before(match, 10)):
        said = "edition"
    return said.capitalize() if word[0].isupper() else said


# A letter's dates by the month: "your letter of the 3rd inst." (this month's), "the 5th
# ult." (last month's), "the 1st prox." (next month's), after the day's ordinal only.
_MONTH_OF = re.compile(r"(?<=\d(?:st|nd|rd|th)\s)(?P<word>inst|ult|prox)\.")
_MONTHS_OF = {"inst": "instant", "ult": "ultimo", "prox": "proximo"}


def _month_of(match: re.Match[str], locale: Locale) -> str:
    return _MONTHS_OF[match.group("word")] + final_period(match, or_before_capital=True)


# A key held with another: "Ctrl+C", "Ctrl+Alt+Del", "Cmd+Shift+P" (espeak: "Ctrl plus C",
# "C M D plus"), said as a manual's reader says them, "control C".
_KEYS = {"Ctrl": "control", "Cmd": "command", "Opt": "option", "Del": "delete", "Esc": "escape"}
_KEYS |= {"PgUp": "page up", "PgDn": "page down", "Ins": "insert"}
_KEY_NAME = r"(?:Ctrl|Cmd|Alt|Shift|Opt|Option|Fn|Win|Del|Delete|Esc|Tab|Enter|Return|Space"
_KEY_NAME += r"|Home|End|PgUp|PgDn|Ins|F\d{1,2}|[A-Z]|\d)"
_SHORTCUT = re.compile(  # its first letter, then what stands before it: fast over a book
    r"[CAO](?<!\w[CAO])(?:(?<=C)(?:trl|md)|(?<=A)lt|(?<=O)pt(?:ion)?)"
    rf"(?:\s?\+\s?{_KEY_NAME})+(?![\w+])"
)
_KEY_IN_SHORTCUT = re.compile(r"\s?\+\s?")


def _shortcut(match: re.Match[str], locale: Locale) -> str:
    keys = _KEY_IN_SHORTCUT.split(match.group(0))
    return " ".join(_KEYS.get(key, cardinal(key) if key.isdigit() else key) for key in keys)


# The Federal Rules by name: "Fed. R. Civ. P. 12(b)(6)" (the "P." is no page), "Fed. R. Evid."
_FEDERAL_RULES = re.compile(
    r"Fed(?<!\wFed)\.\s?R\.\s?(?:(?P<kind>Civ|Crim|App|Bankr)\.\s?P|(?P<evidence>Evid))\.(?!\w)"
)
_PROCEDURES = {"Civ": "Civil", "Crim": "Criminal", "App": "Appellate", "Bankr": "Bankruptcy"}


def _federal_rules(match: re.Match[str], locale: Locale) -> str:
    kind = match.group("kind")
    said = f"of {_PROCEDURES[kind]} Procedure" if kind else "of Evidence"
    return f"Federal Rule {said}{final_period(match)}"


# A court of appeals in a citation: "(9th Cir. 1999)", "(D.C. Cir.)", "Fed. Cir." (espeak:
# "sir"); only after its circuit's number or name.
_CIRCUIT = re.compile(
    r"Cir\.(?:(?<=\d(?:st|nd|rd|th)\sCir\.)|(?<=\bD\.C\.\sCir\.)|(?<=\bFed\.\sCir\.))"
)


def _circuit(match: re.Match[str], locale: Locale) -> str:
    return "Circuit" + final_period(match, or_before_sentence=True)


# A law report's series between volume and page: "123 F.3d 456", "A.2d", "F. Supp. 2d"
# (espeak: "F dot three D"); the regional reporters by name, as lawyers say them ("A second"
# would be heard as "a second").
_REPORTER = re.compile(
    r"(?P<reporter>[FAPSN](?<![\w.][FAPSN])(?:(?<=F)\.\s?Supp|(?<=S)o|(?<=[NS])\.\s?[EW])?)"
    r"\.\s?(?P<series>2d|3d|4th)(?=\s\d)"
)
_REPORTERS = {"A": "Atlantic", "P": "Pacific", "So": "Southern", "NE": "North Eastern"}
_REPORTERS |= {"NW": "North Western", "SE": "South Eastern", "SW": "South Western"}
_SERIES = {"2d": "second", "3d": "third", "4th": "fourth"}


def _reporter(match: re.Match[str], locale: Locale) -> str:
    reporter = re.sub(r"[.\s]", "", match.group("reporter"))
    if reporter in ("N", "S"):
        return match.group(0)
    said = _REPORTERS.get(reporter, "F Supp" if reporter == "FSupp" else reporter)
    return f"{said} {_SERIES[match.group('series')]}"


# A docket's or a statute's number, "No. 12-345", "Pub. L. No. 111-148": one number, its
# parts joined by "dash", not a range ("Nos. 12-15" is one). A docket's is a year's two
# digits and a case's three or more: "No. 12-14 Baker Street", "No. 8-10" and "Lot No.
# 101-105" are ranges still.
_DOCKET = re.compile(
    r"(?P<cue>(?P<law>P(?<![\w.]P)ub\.\s?L\.\s?(?:No\.\s?)?)|(?P<no>[Nn](?<![\w.][Nn])[Oo])\.\s?)"
    r"(?P<first>\d{1,4})-(?P<second>\d{1,6})(?![\w-]|[.,]\d)"
)


def _docket(match: re.Match[str], locale: Locale) -> str:
    law, no = match.group("law", "no")
    if no and (len(match.group("first")) != 2 or len(match.group("second")) < 3):
        return match.group(0)
    first, second = (_identifier(match.group(n), locale) for n in ("first", "second"))
    cue = "Public Law number" if law else _capitalized_like("number", no)
    return f"{cue} {first} dash {second}"


def _identifier(number: str, locale: Locale) -> str:
    return in_pairs(number, locale) if len(number) in (3, 4) else cardinal(number, locale)


# A dose's interval: "q.4h", "q6h", "q4-6h" (quaque, espeak: "Q dot four H"): every four hours.
_EVERY_HOURS = re.compile(
    r"q(?<![\w.]q)\.?\s?(?P<hours>\d{1,2})(?:\s?[-–]\s?(?P<most>\d{1,2}))?\s?h(?:rs?|ours?)?\b\.?"
)


def _every_hours(match: re.Match[str], locale: Locale) -> str:
    hours, most = match.group("hours", "most")
    said = f"{cardinal(hours, locale)} to {cardinal(most, locale)}" if most else cardinal(hours)
    said = "every hour" if said == "one" else f"every {said} hours"
    return said + final_period(match, or_before_capital=True)


# "2 x daily", "3x a day": how often a dose is taken, "two times daily" (espeak: "two X").
_TIMES_A_DAY = re.compile(
    r"(?: x(?<=\d x)|x(?<=\dx)) "  # its "x", then the digit before it: fast over a book
    r"(?=(?:daily|nightly|weekly|monthly|hourly|(?:a|per) (?:day|week|month))\b)"
)

# Before units read "6h" of "q4-6h" as hours, and "x" as "by".
DOSES = (Rule(_EVERY_HOURS, _every_hours), Rule(_TIMES_A_DAY, saying(" times ")))
BEFORE_NUMBERS = (
    Rule(_SHORTCUT, _shortcut),  # before "+" between numbers or a number is read
    Rule(_FEDERAL_RULES, _federal_rules),
    Rule(_CIRCUIT, _circuit),
    Rule(_REPORTER, _reporter),
    Rule(_DOCKET, _docket),
    Rule(_MONTH_OF, _month_of),
    Rule(_NUMBERED_PATTERN, _numbered),
    Rule(_VERSION, _version),
    Rule(_EDITION, _edition),
    Rule(_COUNTED, _counted),
    Rule(_CENTURY, _century),
    Rule(_LIFE, _life),
)
# A note with its sharp or flat: "F# minor", "C#", "Bb major" (espeak: "F hash", "B B").
_KEY = re.compile(r"(?<![\w#])(?P<note>[A-G])(?:(?P<sharp>#)|b(?=\s(?:major|minor)\b))(?![\w#])")
# Shorthand of notes and recipes: "Serve w/ rice", "w/o sugar", "b/c of it", "c/o the Embassy".
# Lower case only: "W/O Smith" is a warrant officer, "the C/O" a commanding officer.
_SHORTHAND = re.compile(r"(?<![\w/])(?P<short>w/o|b/c|c/o|y/o|w/(?=\s))(?![\w/])")
_SHORTHANDS = {"w/o": "without", "b/c": "because", "c/o": "care of", "w/": "with"}
_SHORTHANDS["y/o"] = "year-old"  # a case note's "a 45 y/o male" (espeak: "Y slash O")
# A share's price over its earnings, "a P/E of 15", said "P E" (espeak: "P slash E").
_PRICE_EARNINGS = re.compile(r"(?<![\w/])P/E(?![\w/])")
# Words espeak runs together or says as one ("IPv6" "ipv six").
_RUN_TOGETHER = {"IPv4": "I P v four", "IPv6": "I P v six"}
_RUN_TOGETHER_PATTERN = re.compile(r"(?P<word>I(?<![\w/.]I)Pv[46])(?![\w/])")
# A change on the span before, as a report sets it: "YoY", "y/y", "y-o-y", "QoQ", "q/q"
# (espeak: "yo Y", "Y slash Y"): year over year, in British "year on year".
_OVER_SPAN = re.compile(
    r"(?P<span>[YyQq])(?<![\w/.-][YyQq])(?:(?<=Y)oY|(?<=Q)oQ|(?<=y)(?:/|-o-)y|(?<=q)(?:/|-o-)q)"
    r"(?![\w/-])"
)


def _run_together(match: re.Match[str], locale: Locale) -> str:
    return _RUN_TOGETHER[match.group("word")]


def _over_span(match: re.Match[str], locale: Locale) -> str:
    span = "year" if match.group("span") in "Yy" else "quarter"
    return f"{span} {'on' if locale.day_first else 'over'} {span}"


# A pronoun for either sex: "his/her book", "he/she", "s/he" (espeak: "his slash her").
_EITHER = re.compile(  # its first letter, then what stands before it: fast over a book
    r"(?P<pair>(?i:[hs](?<![\w/][hs])(?:e/she|he/he|/he|is/her|er/his|im/her|imself/herself)))"
    r"(?![\w/])"
)


def _either(match: re.Match[str], locale: Locale) -> str:
    pair = match.group("pair")
    first, _, second = pair.partition("/")
    if pair.lower() == "s/he":
        first, second = pair[0] + "he", "he"  # she or he
    return f"{first} or {second}"


def _key(match: re.Match[str], locale: Locale) -> str:
    return f"{match.group('note')} {'sharp' if match.group('sharp') else 'flat'}"


def _shorthand(match: re.Match[str], locale: Locale) -> str:
    return _SHORTHANDS[match.group("short")]


# An old letter's close and notes: "yr obt servt", "Your most hble Servt", "Rec'd yr letter"
# (espeak: "er obt servt", "reckd"). No English word is spelt so; "yr" only before them
# ("a 5 yr loan" is a year's).
_LETTER_WORDS = {"obt": "obedient", "obdt": "obedient", "obedt": "obedient"}
_LETTER_WORDS |= {"servt": "servant", "hble": "humble", "recd": "received"}
_LETTER_WORD = re.compile(
    r"(?P<word>[oOsShHrR](?<!\w[oOsShHrR])"  # its first letter, then what stands before it
    r"(?:(?<=[oO])(?i:be?d?t)|(?<=[sS])(?i:ervt)|(?<=[hH])(?i:ble)|(?<=[rR])(?i:ec['’]d)))"
    r"(?P<dot>\.)?(?!\w)"
    r"|(?P<your>[Yy](?<!\w[Yy])r)\.?(?=\s+(?:most\s+)?(?i:obe?d?t|hble|humble|obedient|affectionate"
    r"|servt|letter|favou?r)\b)"
)


def _letter_word(match: re.Match[str], locale: Locale) -> str:
    if match.group("your"):
        return _capitalized_like("your", match.group("your"))
    written = match.group("word")
    said = _LETTER_WORDS[written.lower().replace("'", "").replace("’", "")]
    return _capitalized_like(said, written) + final_period(match, or_before_capital=True)


# "Mon-Fri", "Mon.–Fri.", "Sat-Sun": a range of days, each read in full (Monday to Friday).
# Only a range: alone, "Sat", "Sun" and "Wed" are words as often as days.
_DAYS = {
    "Mon": "Monday",
    "Tue": "Tuesday",
    "Tues": "Tuesday",
    "Wed": "Wednesday",
    "Thu": "Thursday",
    "Thur": "Thursday",
    "Thurs": "Thursday",
    "Fri": "Friday",
    "Sat": "Saturday",
    "Sun": "Sunday",
}
_DAY = _alternatives(_DAYS)
_DASH = r"\.?\s?[–—-]\s?"  # "-" of "Mon-Fri", ".– " of "Mon.– Fri.", " — " of "Mon — Fri"
# "Mon-Fri", "Mon. – Fri."; not the middle of a chain "Mon-Wed-Fri" (a list of days, no range).
# "Mon to Fri", "Mon. through Fri.": the range's word kept.
_DAY_WORD = r"\.?\s(?P<word>to|through|thru|till|until)\s"
_DAY_RANGE = re.compile(
    rf"\b(?P<first>{_DAY})(?:{_DASH}|{_DAY_WORD})(?P<last>{_DAY})(?!{_DASH}(?:{_DAY})\b)"
    r"(?:\.(?![\w.])|(?![\w.-]))"
)
# A chain's day before the match: "Mon-" of "Mon-Wed-Fri", "Mon. – " of "Mon. – Wed. – Fri."
_DAY_DASH_BEFORE = re.compile(rf"\b(?:{_DAY}){_DASH}\Z")


# A day before its date: "Tues. 3rd May", "Mon., 5 Jan. 1900", "Sat 5th June", "Fri June 3".
# Without its period, only before a whole date ("Sat 5 feet away" is no day); with it,
# before a day of the month too ("Wed. the 4th"), but not a number alone ("the Sun. 5 men").
_WHOLE_DATE = rf"\s(?:the\s)?\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{MONTH_WORD}|\s{MONTH_WORD}\.?\s\d"
_MONTH_DAY = r"\s(?:the\s)?\d{1,2}(?:st|nd|rd|th)\b|\sthe\s\d{1,2}\b"
# Not after "the": "The Sun, 4 May 1982" is a newspaper.
_DAY_BEFORE_DATE = re.compile(
    rf"(?<!\b[Tt]he )\b(?P<day>{_DAY})(?:\.(?P<comma>,?)(?={_MONTH_DAY}|{_WHOLE_DATE})"
    rf"|(?P<bare>,?)(?={_WHOLE_DATE}))"
)


# A day after a word that names one: "on Wed.", "every Sat. at noon", "until Tues., then".
# "Sat", "Sun" and "Wed" are words too ("made by Sun.", "this Sun. It burns"): only with their
# period, after "on", "every", "next", "last" or "until".
_WORD_DAYS = "Sat|Sun|Wed"
_DAY_AFTER_CUE = re.compile(
    r"\b(?P<cue>(?:[Oo]n|[Ee]very|[Nn]ext|[Ll]ast|[Uu]ntil|till|by|since|from|this)\s)"
    rf"(?P<day>(?!(?:{_WORD_DAYS})\b)(?:{_DAY}))(?:\.(?!\w)|(?=[,;:]|$))"
    r"|\b(?P<cue_>(?:[Oo]n|[Ee]very|[Nn]ext|[Ll]ast|[Uu]ntil|till)\s)"
    rf"(?P<day_>{_WORD_DAYS})\.(?!\w)"
)
# A street's kind after its name, or its number already read ("5th Ave." is fifth Ave. by
# then): "Fifth Ave.", "Abbey Rd", "Sunset Blvd.", "Leicester Sq."
_STREET_KINDS = {"Rd": "Road", "Blvd": "Boulevard"}
# With their period only: "Ave Maria" is a prayer.
_STREET_KINDS_DOTTED = {"Ave": "Avenue", "Ln": "Lane", "Sq": "Square"}
_STREET_KIND = re.compile(
    r"(?<![\w'’-])(?P<name>(?:[A-Z0-9][\w'’-]*|[a-z-]*(?:first|second|third|fourth|fifth|sixth"
    r"|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|tieth))\s)"
    rf"(?:(?P<kind>{_alternatives(_STREET_KINDS)})\.?"
    rf"|(?P<dotted>{_alternatives(_STREET_KINDS_DOTTED)})\.)(?!\w)"
)


def _day_after_cue(match: re.Match[str], locale: Locale) -> str:
    cue, day = match.group("cue") or match.group("cue_"), match.group("day") or match.group("day_")
    return cue + _DAYS[day] + final_period(match, or_before_sentence=True)


def _street_kind(match: re.Match[str], locale: Locale) -> str:
    kind, dotted = match.group("kind", "dotted")
    said = _STREET_KINDS[kind] if kind else _STREET_KINDS_DOTTED[dotted]
    return match.group("name") + said + final_period(match, or_before_sentence=True)


def _day_before_date(match: re.Match[str], locale: Locale) -> str:
    return _DAYS[match.group("day")] + (match.group("comma") or match.group("bare") or "")


def _day_range(match: re.Match[str], locale: Locale) -> str:
    first, last = (_DAYS[match.group(part)] for part in ("first", "last"))
    if first == last:  # "Mon-Mon" is no range
        return match.group(0)
    if _DAY_DASH_BEFORE.search(text_before(match, 10)):  # "Wed-Fri" of "Mon-Wed-Fri"
        return match.group(0)
    word = match.group("word")
    # "between Mon-Fri": between Monday and Friday
    joined = ("through" if word == "thru" else word) if word else range_word(match)
    return f"{first} {joined} {last}{final_period(match, or_before_capital=True)}"


# Before the dates are read, which would hide them.
DAYS_BEFORE_DATES = (Rule(_DAY_BEFORE_DATE, _day_before_date),)
RULES = (
    Rule(_DAY_RANGE, _day_range),
    Rule(_DAY_AFTER_CUE, _day_after_cue),
    Rule(_STREET_KIND, _street_kind),
    Rule(_KEY, _key),
    Rule(_SHORTHAND, _shorthand),
    Rule(_LETTER_WORD, _letter_word),
    Rule(_EITHER, _either),
    Rule(_RUN_TOGETHER_PATTERN, _run_together),
    Rule(_OVER_SPAN, _over_span),
    Rule(_PRICE_EARNINGS, saying("P E")),
    Rule(_WORLD_WAR, _world_war),
    Rule(_DEGREE, _degree),
    Rule(_LATIN_PATTERN, _latin),
    Rule(_MADE_BY, _made_by),
    Rule(_HONOURS, _honours),
    Rule(_PER_ANNUM, _per_annum),
    Rule(_COMPANY, _company),
    Rule(_MONSIEUR, _monsieur),
    Rule(_ALWAYS_PATTERN, _always),
    Rule(_TITLE_PATTERN, _title),
    Rule(_RANK_AFTER, _rank_after),
    Rule(_VERSUS, _versus),
    Rule(_DR_ST, _dr_st),
    Rule(_STATE, _state),
    Rule(_OPERATOR, _operator),
)

# Less or greater than a number: "p < 0.05", "p<0.05", "<5%", "(>90%)". Before a number only:
# "a -> b", "<b>" and a quoted e-mail's "> " stay as written.
_COMPARED = re.compile(
    r"(?:(?<=\S )|(?<![^\s(\[])|(?<=\b[A-Za-z]))(?P<sign>[<>]) ?(?P<minus>[-−–])?(?=\.?\d)"
)


# "Miss you <3", "I <3 NY": a heart, after "I", at a line's end or beside a few others (a
# bounded look, so that a line of hearts is read in linear time); "> 10 people said yes"
# starting a line is a quoted e-mail's.
_HEART = re.compile(r"3(?: ?<3){0,8}[ \t!.]{0,8}(?:$|\n)", re.MULTILINE)
_LINE_START = re.compile(r"(?:^|\n)\Z")
_I_BEFORE = re.compile(r"\bI \Z")  # "I <3 NY"
_THREE = re.compile(r"3(?![\d.,])")


def _compared(match: re.Match[str], locale: Locale) -> str:
    sign = match.group("sign")
    heart = _HEART.match(match.string, match.end()) or (
        _I_BEFORE.search(text_before(match, 3)) and _THREE.match(match.string, match.end())
    )
    if sign == "<" and heart:
        return match.group(0)
    if sign == ">" and _LINE_START.search(text_before(match, 1)):
        return match.group(0)
    said = f"{_COMPARISONS[match.group('sign')]} {'minus ' if match.group('minus') else ''}"
    before = match.string[match.start() - 1 : match.start()]  # "" at the start
    return said if before in " ([" else f" {said}"  # "p<0.05" gets its spaces


# Before units and money read the number after the sign ("10 x 20 x 30 cm").
BETWEEN_NUMBERS = (
    Rule(_SIDES, _sides),
    Rule(_BY, _by),
    Rule(_TIMES, saying(" times ")),
    Rule(_PLUS, saying(" plus ")),
    Rule(_MINUS, saying(" minus ")),
    Rule(_EQUALS, saying(" equals ")),
    Rule(_FOLD, _fold),
    Rule(_COMPARED, _compared),
)
