"""Text in capitals: a heading or a line set in them ("IT IS NOT IN US") is words.

espeak reads a short word in capitals as letters, the way it reads "BBC": "IT" becomes
"I T" and "US" "U S". Three or more words in capitals together are set that way for
looks, so each is given the case of an ordinary word ("It Is Not In Us"). A lone word in
capitals is left alone (it may be an acronym), and so are single letters and Roman
numerals ("CHAPTER XIV"), which the numeral rules read. Acronyms inside such a run still
read as letters: espeak spells "Bbc" and "Usa" as it spells "BBC".
"""

import re

from models.normalize.money import CURRENCY_CODES
from models.normalize.roman import roman_to_int
from models.normalize.rule import Locale, Rule, text_before

_WORD = r"[A-Z][A-Z'’]*\b"
_RUN = re.compile(rf"\b{_WORD}(?:[^A-Za-z\n]+{_WORD}){{2,}}")  # numbers may stand between
_WORD_IN_RUN = re.compile(_WORD)


# A unit of bytes after its number keeps its capitals, for the unit rules to read ("A 1 TB
# SSD": one terabyte, not "Tb"); "TEAM GB" has no number and is an ordinary word.
_BYTES = frozenset({"KB", "MB", "GB", "TB"})
_NUMBER_BEFORE = re.compile(r"\d\s?\Z")
# A currency's code beside its amount, likewise ("500 EUR", "USD 20"), for the money rules.
_NUMBER_AFTER = re.compile(r"\s?\d")


def _words(match: re.Match[str], locale: Locale) -> str:
    # Each word found in the whole text, so that what stands before the run is seen too.
    text, start, parts = match.string, match.start(), []
    for word in _WORD_IN_RUN.finditer(text, start, match.end()):
        parts += [text[start : word.start()], _as_word(word)]
        start = word.end()
    return "".join(parts) + text[start : match.end()]


def _as_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) == 1 or roman_to_int(word) is not None:
        return word
    number_before = _NUMBER_BEFORE.search(text_before(match, 2)) is not None
    if word in _BYTES and number_before:
        return word
    number_after = _NUMBER_AFTER.match(match.string, match.end()) is not None
    if word in CURRENCY_CODES and (number_before or number_after):
        return word
    return word[0] + word[1:].lower()


RULES = (Rule(_RUN, _words),)
