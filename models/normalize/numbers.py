"""Numbers in words: cardinals, ordinals, years, digits and fractions.

num2words (LGPL-2.1) says the numbers; this module decides which reading a number gets.
Words are cached: a book says the same small numbers over and over. (inflect says them too,
but takes seconds to import, in every process that phonemizes.)
"""

import re
import unicodedata
from fractions import Fraction
from functools import lru_cache

from num2words import num2words

from models.normalize.rule import AMERICAN, Locale

# A number as books write it: 1,234,567 or 1234567, with an optional decimal part.
# At most seven groups of thousands (sextillions): a longer run of them is no number anyone
# says, and an unbounded one made each rule rescan the rest of it from every comma.
NUMBER = r"(?:\d{1,3}(?:,\d{3}){1,7}|\d+)(?:\.\d+)?"
# A number or a range of them: -5, 3.5, 5-10, 12–15.
QUANTITY = rf"[-−]?{NUMBER}(?:\s?[–—-]\s?{NUMBER})?"

# Fractions set as one character: "½", "⅔".
VULGAR = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"

_RANGE_DASH = re.compile(r"\s?[–—-]\s?")
_LONGEST_NUMBER = 15  # digits: a quadrillion and more is read digit by digit
_LONGEST_UNGROUPED = 10  # 1234567890 without commas is an identifier, not an amount
_FRACTION_DENOMINATORS = 100  # past this, "5/365" reads "five over three hundred sixty-five"


@lru_cache(maxsize=8192)
def _words(number: str, andword: str) -> str:
    """'1234.5' -> 'one thousand two hundred thirty-four point five' (andword "and":
    'one thousand two hundred and thirty-four ...', as British English says it)."""
    whole, point, decimals = number.partition(".")
    said = _grouped(num2words(int(whole)), andword) if whole else ""
    return f"{said} point {digits(decimals)}".lstrip() if point else said


def _grouped(words: str, andword: str) -> str:
    words = words.replace(",", "")
    return words if andword else words.replace(" and ", " ")


_DIGIT_WORDS = tuple(num2words(digit) for digit in range(10))


def digits(text: str) -> str:
    """Every digit on its own: '0123' -> 'zero one two three'."""
    return " ".join(_DIGIT_WORDS[int(ch)] for ch in text if ch.isdecimal())


def cardinal(number: str, locale: Locale = AMERICAN) -> str:
    """'1,234.5' -> 'one thousand two hundred thirty-four point five'; codes ('007',
    '4111111111111111') digit by digit."""
    plain = number.replace(",", "")
    whole, point, decimals = plain.partition(".")
    if _is_code(whole, grouped="," in number):
        said = digits(whole)
        return f"{said} point {digits(decimals)}" if point else said
    return _words(plain, locale.andword)


def _is_code(whole: str, grouped: bool) -> bool:
    """A leading zero, ten digits or more not grouped in thousands, or past the quadrillions:
    nobody says these as one number."""
    if whole.startswith("0") and len(whole) > 1:
        return True
    return len(whole) > _LONGEST_NUMBER or (len(whole) >= _LONGEST_UNGROUPED and not grouped)


def quantity(text: str, locale: Locale = AMERICAN, joined: str = "to") -> str:
    """A QUANTITY in words: '-5' -> 'minus five', '5–10' -> 'five to ten' (or, `joined`
    "and", 'five and ten': after "between", `rule.range_word`)."""
    sign, body = ("minus ", text[1:]) if text[:1] in "-−" else ("", text)
    return sign + f" {joined} ".join(cardinal(n, locale) for n in _RANGE_DASH.split(body))


@lru_cache(maxsize=4096)
def ordinal(number: str, locale: Locale = AMERICAN) -> str:
    """'22' -> 'twenty-second', '103' -> 'one hundred third'."""
    plain = number.replace(",", "")
    if _is_code(plain, grouped="," in number):
        return cardinal(number, locale)
    return _grouped(num2words(int(plain), to="ordinal"), locale.andword)


def ordinal_suffix(number: str) -> str:
    """'21' -> 'st', '12' -> 'th': the suffix an ordinal of this number is written with."""
    n = int(number.replace(",", ""))
    return "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def plural(words: str) -> str:
    """The last word made plural: 'nineteen ninety' -> 'nineteen nineties'."""
    head, _, last = words.rpartition(" ")
    return f"{head} {_plural_word(last)}".lstrip()


def _plural_word(word: str) -> str:
    """The plural of a number word: twenty -> twenties, half -> halves, six -> sixes."""
    if word.endswith("y"):
        return word[:-1] + "ies"
    if word.endswith("f"):
        return word[:-1] + "ves"
    return word + ("es" if word.endswith(("x", "s")) else "s")


def say_year(year: int, locale: Locale = AMERICAN) -> str:
    """1887 -> eighteen eighty-seven; 1900 -> nineteen hundred; 1905 -> nineteen oh five;
    2000 -> two thousand; 2019 -> twenty nineteen."""
    high, low = divmod(year, 100)
    if year < 1000 or (high % 10 == 0 and low < 10):  # 2005: "two thousand five"
        return cardinal(str(year), locale)
    return in_pairs(str(year), locale)


def in_pairs(number: str, locale: Locale = AMERICAN) -> str:
    """Three or four digits said two by two, as a room or a flight number: 101 -> one oh
    one; 345 -> three forty-five; 1204 -> twelve oh four; 2200 -> twenty-two hundred."""
    if int(number) % 1000 == 0:
        return cardinal(number, locale)  # Flight 1000: one thousand
    high, low = divmod(int(number), 100)
    if low == 0:
        return f"{cardinal(str(high), locale)} hundred"
    if low < 10:
        return f"{cardinal(str(high), locale)} oh {cardinal(str(low), locale)}"
    return f"{cardinal(str(high), locale)} {cardinal(str(low), locale)}"


def fraction(numerator: int, denominator: int, locale: Locale = AMERICAN) -> str:
    """3/4 -> 'three quarters', 1/2 -> 'one half', 5/8 -> 'five eighths'."""
    if denominator < 2 or denominator > _FRACTION_DENOMINATORS:
        return f"{cardinal(str(numerator), locale)} over {cardinal(str(denominator), locale)}"
    part = _part(denominator)
    if numerator != 1:
        part = _plural_word(part)
    return f"{cardinal(str(numerator), locale)} {part}"


def attributive_fraction(numerator: int, denominator: int, locale: Locale = AMERICAN) -> str:
    """A fraction before what it qualifies: "a quarter-pound burger", "a half hour", "a
    three-quarter-mile walk", "a five-eighths-ounce weight"."""
    said = fraction(numerator, denominator, locale)
    if numerator == 1:
        return "half" if denominator == 2 else said.removeprefix("one ")
    return (said.removesuffix("s") if denominator == 4 else said).replace(" ", "-")


def mixed_fraction(whole: str, numerator: int, denominator: int, locale: Locale) -> str:
    """2 1/2 -> 'two and a half', 2 3/4 -> 'two and three quarters'."""
    said = fraction(numerator, denominator, locale)
    if numerator == 1 and denominator <= _FRACTION_DENOMINATORS:
        said = f"a {_part(denominator)}"
    return f"{cardinal(whole, locale)} and {said}"


def vulgar(character: str) -> tuple[int, int]:
    """'¾' -> (3, 4): the numerator and denominator of a fraction set as one character."""
    value = Fraction(unicodedata.numeric(character)).limit_denominator(10)
    return value.numerator, value.denominator


def _part(denominator: int) -> str:
    if denominator == 2:
        return "half"
    if denominator == 4:
        return "quarter"
    return ordinal(str(denominator))
