"""Web addresses, e-mail addresses, telephone numbers and serials, read out piece by piece.

"jane.doe@example.com" is "jane dot doe at example dot com"; a URL loses its scheme
("https://") as people say it; numbers inside all of these, and telephone numbers and ISBNs,
go digit by digit, with a comma (a short pause) between groups.
"""

import re

from models.normalize.numbers import digits
from models.normalize.rule import Locale, Rule, text_before

_SEPARATORS = {
    ".": "dot",
    "/": "slash",
    "-": "dash",
    "_": "underscore",
    "@": "at",
    ":": "colon",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "~": "tilde",
    "+": "plus",
}
_TLDS = "com|org|net|edu|gov|mil|int|io|ai|dev|app|info|biz|uk|us|eu|de|fr|ca|au|nz|ie"
# An address never ends in the sentence's own punctuation or a closing bracket.
_TAIL = r"[^\s<>\"'“”‘’]*[^\s<>\"'“”‘’.,;:!?)\]]"
_URL = re.compile(
    rf"\b(?:(?:https?|ftp)://|www\.){_TAIL}"
    rf"|(?<![\w.@-])[\w-]+(?:\.[\w-]+){{0,4}}\.(?i:{_TLDS})\b(?![.@-]?\w)(?:/{_TAIL}|/)?"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_SCHEME = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)
_PIECE = re.compile(r"\d+|[^\W\d_]+|.")

_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*(?P<number>\d[\d -]{8,15}[\dX])\b")
_PHONE = re.compile(
    r"(?<![\w-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?)?\d{3}[\s.-]\d{3}[.-]\d{4}(?![\w-])"  # US
    r"|(?<![\w-])\(\d{2,5}\)\s?\d{3,4}[\s-]\d{4}(?![\w-])"  # (555) 123-4567
    r"|(?<![\w-])\+\d{1,3}(?:[\s-]\d{1,5}){2,5}(?![\w-])"  # +44 20 7946 0958
    r"|(?<![\w-])0\d{2,4}\s\d{3,4}\s?\d{3,4}(?![\w-])"  # 020 7946 0958
    r"|(?<![\w.,-])\d{3}-\d{4}(?![\w-])"  # 555-0123
    r"|(?<![\w.,-])\d+(?:-\d+){2,}(?![\w-])"  # serials: 978-3-16-148410-0
    r"|(?<![\w.,-])(?:\d+-\d{5,}|\d{5,}-\d+)(?![\w-])"  # and 64-6221541
)
_GROUP = re.compile(r"\+?\d+|X")
# A US ZIP code after its town and state, "Springfield, IL 62704(-1234)": digit by digit.
_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|VI|GU|AS|MP"
)
_ZIP = re.compile(rf"(?<=, (?:{_STATE_CODES}) )\d{{5}}(?:-\d{{4}})?(?![\w-])")


def say_address(address: str) -> str:
    """Words, separators by name and numbers digit by digit: 'a.b/c2' -> 'a dot b slash c two'."""
    said = []
    for piece in _PIECE.findall(_SCHEME.sub("", address).rstrip("/")):
        if piece.isdecimal():
            said.append(digits(piece))
        elif piece in _SEPARATORS:
            said.append(_SEPARATORS[piece])
        elif not piece.isspace():
            said.append(piece)
    return " ".join(said)


def say_groups(number: str) -> str:
    """Each group of digits on its own, groups apart: '555-0123' -> 'five five five, zero...'."""
    groups = []
    for group in _GROUP.findall(number):
        plus = "plus " if group.startswith("+") else ""
        groups.append(plus + (digits(group) if group != "X" else "X"))
    return ", ".join(groups)


def _address(match: re.Match[str], locale: Locale) -> str:
    return say_address(match.group(0))


def _isbn(match: re.Match[str], locale: Locale) -> str:
    return f"ISBN {say_groups(match.group('number'))}"


# A local number's shape of round numbers after a word of a range is a range: "from
# 800-1250 men"; "a text from 555-0123" is a number.
_ROUND_RANGE = re.compile(r"[1-9]\d0-[1-9]\d{2}0")
_RANGE_BEFORE = re.compile(r"\b(?i:from|between|range[ds]?|ranging)\s\Z")
# A state code's section, "Tenn. Code Ann. § 39-13-202", "Ga. Code § 16-5-1": `statutes`
# reads it as one section's number ("thirty-nine thirteen two oh two"), not digit by digit.
_SECTION_BEFORE = re.compile(r"(?:§§?|\b[Ss]ections?)\s?\Z")
_SECTION_NUMBER = re.compile(r"[1-9]\d{0,4}(?:-[1-9]\d{0,4}){2,3}")


# A toll-free number's code, "1-800-555-0199", "(800) 555-0199": "one eight hundred", as the
# "eight hundred number" is said (its siblings 888, 877 ... go digit by digit).
_TOLL_FREE = re.compile(r"(?:\+?1[\s.-]|\A)\(?800\)?(?=[\s.-])")


def _phone(match: re.Match[str], locale: Locale) -> str:
    ranged = _ROUND_RANGE.fullmatch(match.group(0))
    start, _, end = match.group(0).partition("-")
    if ranged and int(start) < int(end) and _RANGE_BEFORE.search(text_before(match, 9)):
        return match.group(0)  # the range rule reads it
    if _SECTION_BEFORE.search(text_before(match, 9)) and _SECTION_NUMBER.fullmatch(match.group(0)):
        return match.group(0)
    toll_free = _TOLL_FREE.match(match.group(0))
    if toll_free is None:
        return say_groups(match.group(0))
    code = toll_free.group(0).replace("800", "").strip("()")
    lead = f"{say_groups(code)} " if code else ""
    return f"{lead}eight hundred, {say_groups(match.group(0)[toll_free.end() :])}"


# A number spelt in letters after its code, "1-800-FLOWERS", "1-877-ASK-NOW": the code's
# digits, then the words (the range rule read "one to eight hundred").
_VANITY = re.compile(r"(?<![\w-])1-(?P<code>8(?:00|88|77|66|55|44|33))-(?=[A-Z]{2,})")


def _vanity(match: re.Match[str], locale: Locale) -> str:
    code = match.group("code")
    return f"one {'eight hundred' if code == '800' else digits(code)} "


ADDRESSES = (Rule(_EMAIL, _address), Rule(_URL, _address))


def _zip(match: re.Match[str], locale: Locale) -> str:
    return say_groups(match.group(0))


NUMBERS = (Rule(_ISBN, _isbn), Rule(_ZIP, _zip), Rule(_VANITY, _vanity), Rule(_PHONE, _phone))
