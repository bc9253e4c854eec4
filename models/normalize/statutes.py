"""A statute's section numbers, as lawyers say them: "42 U.S.C. § 1983" is "section nineteen
eighty-three", "§ 101" "section one oh one", "§ 12101" "section twelve one oh one".

espeak and the number rules read "§ 1983" as a count ("one thousand nine hundred
eighty-three"), or as a year where a year's cue stands near. Lawyers, American and British,
say a section's number of three or four digits two by two, as a room's or a flight's is said
("section two thirty", "section ten thirty", "section one oh six"), one of five digits as its
first two and then its last three ("twelve one oh one"), and one of one or two digits as a
number. A letter set close is said as a letter ("§ 2000e" is "two thousand e", "§ 78j"
"seventy-eight j"). The brackets of a subsection are read by the enumerator and number
rules ("§ 501(c)(3)" becomes "five oh one (c)(three)").

The abbreviations have already turned "§", "§§", "Sec." and "s." into "section" or
"sections", so this rule reads the number after the word, whoever wrote it
("Section 1983 claims", "the section 1983 claim", "s. 106"). After "sections", a dash between
two numbers is a range: "§§ 101-103" is "sections one oh one to one oh three". The rule says
"to", as it does for every range of pages, lines and verses. An American lawyer may say
"through", but "to" is said on both sides of the Atlantic and is never misheard. A list
("§§ 1331 and 1332") is read too. After one "section", a hyphen joins the parts of one
section's number, as in the Uniform Commercial Code and many state codes ("§ 2-207" is "two
two oh seven"; also "§ 16-5-1", "§ 2000e-2"). That holds when its first part is shorter
than its second, carries a letter, or there are several hyphens. Otherwise it is a range
too ("§ 101-103").

Not a number with a decimal or a dotted part ("§ 2.3", "Section 3.2.1": an outline,
which the number rules read), nor one a counted noun follows ("each section 350 words long").
One or two digits are left to the number rules, which say them the same way.
"""

import re

from models.normalize.numbers import cardinal, in_pairs
from models.normalize.rule import Locale, Rule, say_letter

# One section's number: digits, and a letter or two set close ("2000e", "78pp"; not an
# ordinal's "12th" nor a decade's "1920s": "the brass section 1920s jazz"); not a decimal, a
# time or a fraction ("3.2", "3:16", "1/2").
_NUMBER = r"[1-9]\d{0,4}(?:(?!(?:st|nd|rd|th)\b|(?<=0)s\b)[a-z]{1,2})?(?![\w:/]|[.,]\d)"
# A hyphen or a dash between numbers, or a list's word.
_JOIN = r"(?:\s?[-–—]\s?|,\s|,?\s(?:and|or|to|through)\s)"
# The word first ("section", "Sections": the abbreviations' word for "§", "Sec." and "s.");
# its first letter, then what stands before it: fast over a book.
_SECTION = re.compile(
    r"(?P<word>[Ss](?<![\w'’-][Ss])ections?)\s"
    rf"(?P<numbers>{_NUMBER}(?:{_JOIN}{_NUMBER})*)(?![-–—]\d)"
)
_PART = re.compile(rf"(?P<join>{_JOIN})?(?P<digits>\d+)(?P<letters>[a-z]*)")
_DASH = re.compile(r"\s?[-–—]\s?")
# A counted noun after the number: "each section 350 words long".
_COUNTED_NEXT = re.compile(
    r"\s+(?:words|pages|lines|feet|yards|miles|metres|meters|inches|people|men|women|years"
    r"|days|times|rows|seats|acres|pounds|dollars|students|members|soldiers|troops)\b"
)


def _section(match: re.Match[str], locale: Locale) -> str:
    word, numbers = match.group("word"), match.group("numbers")
    parts = list(_PART.finditer(numbers))
    plain = all(len(p.group("digits")) <= 2 and not p.group("letters") for p in parts)
    plain = plain and not (len(parts) > 2 and _one_number(parts))  # "§ 16-5-1"
    if plain or _COUNTED_NEXT.match(match.string, match.end()):
        return match.group(0)  # "section 12", "sections 5-10": the number rules say them so
    if not word.endswith("s") and _one_number(parts):
        return f"{word} {' '.join(_number_said(p, locale) for p in parts)}"
    said = [word]
    for part in parts:
        join = part.group("join")
        if join:
            said.append(" to " if _DASH.fullmatch(join) else join)
        else:
            said.append(" ")
        said.append(_number_said(part, locale))
    return "".join(said)


def _one_number(parts: list[re.Match[str]]) -> bool:
    """Whether hyphens join the parts of one section's number ("2-207", "16-5-1",
    "2000e-2"), not a range's ends ("101-103")."""
    if len(parts) < 2 or any(p.group("join") != "-" for p in parts[1:]):
        return False
    first, second = parts[0], parts[1]
    return (
        len(parts) > 2
        or bool(first.group("letters"))
        or len(first.group("digits")) < len(second.group("digits"))
    )


def _number_said(part: re.Match[str], locale: Locale) -> str:
    """A section's number as lawyers say it: "1983" "nineteen eighty-three", "101" "one
    oh one", "12101" "twelve one oh one", "2000e" "two thousand e"."""
    digits, letters = part.group("digits"), part.group("letters")
    spoken = cardinal(digits, locale)  # "12", "12000"
    if len(digits) in (3, 4):
        spoken = in_pairs(digits, locale)
    elif len(digits) == 5 and digits[2:] != "000":
        low = digits[2:]
        tail = in_pairs(low, locale) if low[0] != "0" else f"oh {cardinal(low[1:], locale)}"
        spoken = f"{cardinal(digits[:2], locale)} {tail}"
    return " ".join([spoken, *(say_letter(letter) for letter in letters)])


# After the abbreviations' "§" is "section", before the years' and the numbers' rules read
# its digits.
RULES = (Rule(_SECTION, _section),)
