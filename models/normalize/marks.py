"""Marks set in the text for the eye: a note's mark, emphasis asterisks, and powers.

espeak reads "claim²" as "claim two", "so.¹" and "so.†" as "so dot", "claim[12]" as "claim
twelve" and "*very*" as "asterisk very asterisk". A narrator reads none of these marks. So
these go: superscript digits after a word of three letters or more or after punctuation, a
dagger or an asterisk after a word or punctuation, a bracketed number set against the word
or punctuation before it ("[3]" after a space is a reference the text names, and stays), and
the asterisks around an emphasized word. Superscript digits after a digit or a letter or two
("x²", "mc²", "10⁶"), or after brackets holding an operator ("(a+b)²"), are a power:
"squared", "cubed", "to the sixth". Units are read first
(`measures`: "20 m²" is twenty square meters). A two- or three-em dash standing alone for
a name withheld ("To ⸻", "your friend ⸻’s farm") is silent to espeak, which then says
"’s" as "ess": a narrator says "blank"; so does a run of em dashes standing for one ("the
Duke of ———", "Mr. ——"), which espeak passes over in silence. A note's number set on the
line after a sentence's stop ("a grave error.1 The next day") is a mark too (espeak: "error
dot one"), and so is a scene break set inside a paragraph ("* * *", "~ ~ ~"): espeak says
"asterisk asterisk asterisk".
"""

import re

from num2words import num2words

from models.normalize.abbreviations import BEFORE_A_NUMBER
from models.normalize.rule import Locale, Rule, saying, text_before
from models.traced import Traced

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_RUN = f"[{SUPERSCRIPT_DIGITS}]+"
# "¹", "¹²", "¹,²", "¹⁻³", "¹–³": one note, several, or a range of them.
_NOTES = f"{_RUN}(?:[,⁻–-]{_RUN})*(?![\\w{SUPERSCRIPT_DIGITS}])"
_PUNCTUATION = "[.,;:!?\"'”’)\\]]"
_NOTE_AFTER_A_WORD = re.compile(rf"(?<=[^\W\d_]{{3}}){_NOTES}")
_NOTE_AFTER_PUNCTUATION = re.compile(rf"(?<={_PUNCTUATION}){_NOTES}")
_SIGN = re.compile(rf"(?:(?<=[^\W_])|(?<={_PUNCTUATION}))(?:[†‡]+|\*+(?![\w*]))")
_BRACKETED = re.compile(rf"(?:(?<=[^\W_])|(?<={_PUNCTUATION}))\[\d{{1,3}}\](?!\w)")
_EMPHASIS_OPENS = re.compile(r"(?<![\w*])\*(?=[^\W_][^*\n]{0,200}?(?<=[^\s*])\*(?![\w*]))")
# "(a+b)²" is a power of what the brackets hold when they hold an operator; "(see below)²"
# is a note's mark after a bracket.
_GROUP = re.compile(
    rf"(?P<group>\([^()\n]{{1,40}}\))(?P<minus>⁻)?(?P<power>{_RUN})(?![\w{SUPERSCRIPT_DIGITS}])"
)
_OPERATOR = re.compile(r"[+−×÷*/=]|\s-\s")
_CARET = re.compile(r"(?<=[^\W_])\^(?P<minus>[-−])?(?P<power>\d{1,3})(?!\d)")  # 10^6
# "6.02e23", "1.6e-19": a calculator's 6.02 × 10^23.
_E_NOTATION = re.compile(
    r"(?<![\w.#])(?P<mantissa>\d(?:\.\d+)?)e(?P<minus>[-−])?(?P<power>\d{1,3})(?!\w|[.,]\d)"
)
_WITHHELD = re.compile(r"(?<![^\W_])[⸺⸻](?![^\W_])")  # alone: "D⸺n" hides letters, not a name
# "the Duke of ———": each pattern opens with its mark, the lookbehind after it (a pattern
# opening with a lookbehind is tried at every character of a book).
_WITHHELD_RUN = re.compile(r"(?:—(?<![^\W_]—)—+|―(?<![^\W_]―)―+)(?![^\W_])")
# A two-em dash spaced between words of one sentence ("a pause —— then more") is a long
# dash, a pause; a name withheld stands where a name would, after "of", "to", "Mr." or at
# a sentence's start ("the Duke of ——— arrived", "Mr. —— said", "To ——,"), and a run of
# three is a word left out wherever it stands.
_LONG_DASH = re.compile(r"(?:—(?<=[a-z,;:!?] —)—|⸺(?<=[a-z,;:!?] ⸺))(?= +[a-z])")
_NAME_CUE = re.compile(
    r"\b(?i:of|to|at|in|into|on|upon|from|by|with|for|near|the|a|an|and|or|nor|dear|my|our"
    r"|your|his|her|their|sir|lady|lord|saint|mrs?|miss|dr|st)\s+\Z"
)


def _long_dash(match: re.Match[str], locale: Locale) -> str:
    return match.group(0) if _NAME_CUE.search(text_before(match, 8)) else "—"


# "* * *", "~ ~ ~", "• • •" inside a paragraph (a paragraph of marks alone is a pause
# already, `worker.segment`), and "***" after a sentence's stop or opening a line; not
# "f***" nor a censored "****" in a sentence.
_BREAK_RUN = re.compile(
    r"[*~•#](?<!\S[*~•#])(?:[ \t]+[*~•#]){2,}(?!\S)"
    r"|\*(?:(?<=[.!?]\s\*)|(?<=[.!?][\"”’]\s\*)|(?<![^\n]\*))\*{2,}(?!\S)"
)
# A note's number after a word's stop, before the next sentence or the text's end: "a grave
# error.1 The next day", "so it ended.”12". Not after a word that takes a number ("see
# fig.3 The", "No.1 Then"), nor after a digit or a single letter ("3.1 The", "Section A.1").
_NOTE_AFTER_STOP = re.compile(
    r"(?P<stop>[.!?][\"”’]?)\d{1,3}(?=[\"”’)]*(?:\s+[\"“‘(]*[A-Z]|\s*\Z))"
)  # from the stop: a pattern opening with a lookbehind is tried at every character
_WORD_BEFORE_STOP = re.compile(r"(?<![^\W_])([^\W\d_]{2,})\Z")
_TAKE_A_NUMBER = BEFORE_A_NUMBER | {"art", "arts", "sec", "secs", "para", "paras", "eq", "eqs"}
_TAKE_A_NUMBER |= {"ex", "ver", "ed", "vs", "pt", "pts", "tab", "cap", "sect", "apt", "ref"}
# A month's day set close ("Sept.11 The attacks", "Jan.1 The new year"), a play's act and
# scene ("Act.2 Sc.3 The garden"), a psalm ("Ps.23 The Lord"): a number, not a note.
_TAKE_A_NUMBER |= {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov"}
_TAKE_A_NUMBER |= {"dec", "act", "sc", "ps", "col", "bk", "mk", "ll"}
# A book of the Bible set close to its chapter ("Matt.5 The Sermon", "Gen.1 In the").
_TAKE_A_NUMBER |= {"gen", "exod", "lev", "num", "deut", "josh", "judg", "sam", "kgs", "chr"}
_TAKE_A_NUMBER |= {"neh", "esth", "prov", "eccl", "isa", "jer", "lam", "ezek", "dan", "hos"}
_TAKE_A_NUMBER |= {"mic", "hab", "zech", "mal", "matt", "lk", "jn", "rom", "cor", "gal", "eph"}
_TAKE_A_NUMBER |= {"phil", "thess", "tim", "heb", "jas", "pet", "rev", "psa"}


def _note_after_stop(match: re.Match[str], locale: Locale) -> str:
    word = _WORD_BEFORE_STOP.search(text_before(match, 24))
    if word is None or word.group(1).lower() in _TAKE_A_NUMBER:
        return match.group(0)
    return match.group("stop")


_POWER = re.compile(rf"(?<=[^\W_])(?P<minus>⁻)?(?P<power>{_RUN})(?![\w{SUPERSCRIPT_DIGITS}])")


def _power(match: re.Match[str], locale: Locale) -> str:
    power = int(match.group("power").translate(_DIGITS))
    if match.group("minus"):
        return f" to the minus {_ordinal(power)}"
    if power == 2:
        return " squared"
    if power == 3:
        return " cubed"
    return f" to the {_ordinal(power)}"


def _group(match: re.Match[str], locale: Locale) -> str:
    group = match.group("group")
    return group + _power(match, locale) if _OPERATOR.search(group) else group


def _ordinal(n: int) -> str:
    return str(num2words(n, to="ordinal", lang="en"))


# The marks a reader of the text on screen (subtitles) need not see either, in one pass:
# a power after brackets holding an operator ("(a+b)²") is matched first, and kept.
_UNSEEN = re.compile(
    "|".join(
        f"(?:{pattern.pattern})"
        for pattern in (_GROUP, _EMPHASIS_OPENS, _NOTE_AFTER_PUNCTUATION, _NOTE_AFTER_A_WORD)
    )
    + f"|(?:{_SIGN.pattern})|(?:{_BRACKETED.pattern})"
)


def _seen(match: re.Match[str]) -> str:
    group = match.group("group")
    if group is None:
        return ""
    return match.group(0) if _OPERATOR.search(group) else group


def unmarked(text: Traced) -> Traced:
    """`text` without the note marks ("so.¹", "claim†", "claim[12]") and emphasis asterisks
    a narrator does not read, for the text shown as it is said; powers ("x²") stay."""
    return text.sub(_UNSEEN, _seen)


RULES = (
    Rule(_BREAK_RUN, saying("")),  # before emphasis reads its asterisks
    Rule(_EMPHASIS_OPENS, saying("")),  # before its closing asterisk goes as a sign after a word
    Rule(_GROUP, _group),  # before a note's mark after a bracket goes
    Rule(_NOTE_AFTER_PUNCTUATION, saying("")),
    Rule(_NOTE_AFTER_A_WORD, saying("")),
    Rule(_SIGN, saying("")),
    Rule(_BRACKETED, saying("")),
    Rule(_LONG_DASH, _long_dash),  # before a run of em dashes is read as a name withheld
    Rule(_WITHHELD, saying("blank")),
    Rule(_WITHHELD_RUN, saying("blank")),
    Rule(_NOTE_AFTER_STOP, _note_after_stop),
    Rule(_POWER, _power),
)


def _e_notation(match: re.Match[str], locale: Locale) -> str:
    return f"{match.group('mantissa')} times 10{_power(match, locale)}"


# "~3 hours", "~$5", "~-40°": about, before a number (read first, as the rules that read the
# number take what is before it). Elsewhere a tilde is no word: "~/notes", "~ ~ ~".
_ABOUT = re.compile(r"(?<![\w~])~\s?(?=[-−–]?[$£€¥]?\.?\d)")
# "c. $5m", "c.£500": circa before an amount (`abbreviations` reads "c. 1850", before a
# number the money rules have not yet said).
_CIRCA = re.compile(r"(?<![\w.])ca?\.\s?(?=[$£€¥₹]\d)")
APPROXIMATELY = (Rule(_ABOUT, saying("about ")), Rule(_CIRCA, saying("circa ")))

# Before units read the number after the caret ("3 x 10^8 m/s").
CARETS = (Rule(_CARET, _power), Rule(_E_NOTATION, _e_notation))
