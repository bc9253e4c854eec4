"""English text normalization: the words a listener expects, for espeak-ng to read.

espeak reads "1887" as "one thousand eight hundred eighty-seven", "$3.50" as "dollar three
point five zero", "Chapter II" as "Chapter Roman two" and "5 km" as "five K M". Each family
of rules (a module here) rewrites what it recognizes into words; the order below matters, as
earlier families take the digits, dots and slashes that later ones would misread. Ordinary
words and sentence punctuation pass through unchanged; `[[ phonemes ]]` from a lexicon are
never touched.
"""

import re

from models.normalize import (
    abbreviations,
    addresses,
    capitals,
    chemistry,
    dates,
    enumerators,
    interjections,
    marks,
    measures,
    money,
    numerals,
    pauses,
    roman,
    statutes,
)
from models.normalize.abbreviations import PARTS, cues_number
from models.normalize.numbers import say_year
from models.normalize.roman import roman_to_int
from models.normalize.rule import SENTENCE_STARTERS, Locale, Rule, locale_for
from models.traced import Traced, join

__all__ = [
    "BEFORE_A_NUMBER",
    "CAPITALIZED_BEFORE_A_NUMBER",
    "PARTS",
    "SENTENCE_STARTERS",
    "Locale",
    "cues_number",
    "locale_for",
    "normalize",
    "normalize_traced",
    "roman_to_int",
    "say_year",
]

# Abbreviations whose period, before a number, ends no sentence: "c. 1850", "5 lb. 3 oz."
BEFORE_A_NUMBER = (
    abbreviations.BEFORE_A_NUMBER | measures.UNIT_ABBREVIATIONS | money.BEFORE_AN_AMOUNT
)
CAPITALIZED_BEFORE_A_NUMBER = abbreviations.CAPITALIZED_BEFORE_A_NUMBER  # "Apt. 4"

_RULES: tuple[Rule, ...] = (
    *pauses.BETWEEN_NUMBERS,  # Gutenberg's "10--12" an en dash, before a rule reads a range
    *marks.APPROXIMATELY,  # "~10:30", "~$5": about, before any rule takes the number
    *roman.LINE_NUMERALS,  # "II." and "I. THE START" heading a line
    *capitals.RULES,  # words set in capitals for looks, before anything reads their case
    *chemistry.RULES,  # "CO2", "0.1 M HCl": before anything reads their digits or capitals
    *enumerators.RULES,  # "(a)", "(ii)", "1030(a)(2)": before the number beside it is read
    *numerals.GROUPING,  # "10 000" set with thin spaces is one number, as "10,000" is
    *addresses.ADDRESSES,  # before anything reads their dots, slashes and digits
    *dates.OLD_MONTHS,  # "Jan'y", "Decr": the month in full, for the date rules
    *dates.NUMERIC_DATES,  # 2021-03-04 and 3/4/2021, before serials and fractions take them
    *addresses.NUMBERS,  # telephone numbers, ISBNs and serials, digit by digit
    *dates.TIMES,  # 10.45 p.m. before decimals
    *abbreviations.DAYS_BEFORE_DATES,  # "Tues. 3rd May": the day's period ends no sentence
    *dates.WRITTEN_DATES,
    *numerals.SLASHED,  # 120/80 after "blood pressure", before units read "80 mm"
    *numerals.RUNWAYS,  # "Runway 27L" before units read "27L" as liters
    *abbreviations.DOSES,  # "q4-6h", "2 x daily", before "6h" is read as hours, "x" as "by"
    *measures.LUMBER,  # "2 x 4s": two by fours, before "x" and old money's "4s" are read
    *abbreviations.BETWEEN_NUMBERS,  # 10 x 12, 2 * 3
    *marks.CARETS,  # 10^6
    *measures.SIGNED_RANGES,  # "10%-15%": the dash a word, before either sign is read
    *money.RULES,
    *measures.RULES,
    *marks.RULES,  # note marks, emphasis and powers, once units have taken theirs
    *pauses.SLASHES,  # "thee / to": a pause between words, while numbers are digits
    *measures.AFTER_POWERS,  # "10^8 m/s", once the power is said
    *abbreviations.BEFORE_NUMBERS,  # "No. 5", "pp. 12–15", "c. 1887" (a year's cue)
    *statutes.RULES,  # "§ 1983", now "section 1983": nineteen eighty-three, not a count
    *roman.RULES,
    *numerals.LABELLED,  # "Flight 2005" is a flight, not a year
    *dates.YEARS,
    *numerals.RULES,  # every digit left
    *interjections.RULES,  # "’St!" before "St" is read as a saint
    *abbreviations.RULES,
    *pauses.RULES,  # dashes and ellipses left between words, once every number is read
)
_PHONEMES = re.compile(r"(\[\[.*?\]\])")


def normalize(text: str, locale: str = "en-US") -> str:
    """Text with numbers, dates, money, units, numerals and abbreviations in words.

    The locale decides what 3/4/2021 means (en-US: March fourth; en-GB: the third of April)
    and whether "one hundred and five" has its "and". Raises ValueError for a language other
    than English.
    """
    spoken = locale_for(locale)
    if "[[" not in text:
        return _normalize(text, spoken)
    parts = _PHONEMES.split(text)
    last = len(parts) - 1
    return "".join(
        part if i % 2 else _normalize(part, spoken, before_block=i < last)
        for i, part in enumerate(parts)
    )


# A phoneme block (a lexicon's word) cuts the text, and the part before it is no text's
# end: "Mrs. [[heɪl]]" is a title before a name, not a sentence's last word ("Missus." and a
# pause). That part is read with a name standing in for the block, then cut off again.
_STAND_IN = "Name"


def _normalize(text: str, locale: Locale, before_block: bool = False) -> str:
    said = _apply(text + _STAND_IN if before_block else text, locale)
    if not before_block:
        return said
    return said.removesuffix(_STAND_IN) if said.endswith(_STAND_IN) else _apply(text, locale)


def _apply(text: str, locale: Locale) -> str:
    for rule in _RULES:
        text = rule.apply(text, locale)
    return text


def normalize_traced(text: Traced, locale: str = "en-US") -> Traced:
    """`normalize`, each character of the result knowing the source characters it says."""
    spoken = locale_for(locale)
    parts = text.split(_PHONEMES)
    last = len(parts) - 1
    return join(
        (
            part if i % 2 else _normalize_traced(part, spoken, before_block=i < last)
            for i, part in enumerate(parts)
        ),
        text.stop,
    )


def _normalize_traced(text: Traced, locale: Locale, before_block: bool = False) -> Traced:
    if not before_block:
        return _apply_traced(text, locale)
    at = (text.stop,) * len(_STAND_IN)  # nothing of the source: it is cut off again
    said = _apply_traced(join([text, Traced(_STAND_IN, at, at, text.stop)], text.stop), locale)
    if said.text.endswith(_STAND_IN):
        return said[: -len(_STAND_IN)]
    return _apply_traced(text, locale)


def _apply_traced(text: Traced, locale: Locale) -> Traced:
    for rule in _RULES:
        text = rule.apply_traced(text, locale)
    return text
