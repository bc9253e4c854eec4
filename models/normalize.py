"""Rewrite the few things espeak-ng reads wrongly in books, before phonemizing.

espeak reads "1887" as "one thousand eight hundred eighty-seven", "$3.50" as "dollar three
point five zero" and "Chapter II" as "Chapter Roman two". Listeners expect "eighteen
eighty-seven", "three dollars fifty" and "Chapter two". Everything else is left to espeak,
which handles ordinary numbers, percentages and abbreviations well.
"""

import re

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

_YEAR = re.compile(r"(?<![\d$£€.,])\b(1[1-9]\d\d)\b(?![\d,]|\.\d|\s?%)")
_CURRENCY = re.compile(r"([$£€])(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d\d))?\b")
_ROMAN_AFTER = re.compile(
    r"\b((?i:chapter|book|part|volume|vol\.|act|scene|canto|section))\s+([IVXLCDM]+)\b"
)
_CURRENCY_NAMES = {"$": ("dollar", "cent"), "£": ("pound", "penny"), "€": ("euro", "cent")}


def normalize(text: str) -> str:
    """Text with years, money and chapter numerals spelled the way they are said."""
    text = _ROMAN_AFTER.sub(_roman_after, text)
    text = _CURRENCY.sub(_currency, text)
    return _YEAR.sub(lambda m: say_year(int(m.group(1))), text)


def say_two_digits(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def say_year(year: int) -> str:
    """1887 -> eighteen eighty-seven; 1900 -> nineteen hundred; 1905 -> nineteen oh five."""
    high, low = divmod(year, 100)
    if low == 0:
        return f"{say_two_digits(high)} hundred"
    if low < 10:
        return f"{say_two_digits(high)} oh {_ONES[low]}"
    return f"{say_two_digits(high)} {say_two_digits(low)}"


def roman_to_int(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral, or None."""
    if not numeral or any(ch not in _ROMAN_VALUES for ch in numeral.upper()):
        return None
    values = [_ROMAN_VALUES[ch] for ch in numeral.upper()]
    total = 0
    for i, value in enumerate(values):
        nxt = values[i + 1] if i + 1 < len(values) else 0
        total += -value if nxt and nxt > value else value
    if _to_roman(total) != numeral.upper():
        return None  # IIII, IC and other forms that are probably words
    return total


def _to_roman(n: int) -> str:
    out = []
    for value, letters in (
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
    ):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _roman_after(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(2))
    return f"{match.group(1)} {value}" if value else match.group(0)


def _currency(match: re.Match[str]) -> str:
    unit, subunit = _CURRENCY_NAMES[match.group(1)]
    whole = int(match.group(2).replace(",", ""))
    cents = int(match.group(3) or 0)
    words = f"{whole} {unit}{'' if whole == 1 else 's'}"
    if cents:
        plural = "pence" if subunit == "penny" else "cents"
        words += f" and {cents} {subunit if cents == 1 else plural}"
    return words
