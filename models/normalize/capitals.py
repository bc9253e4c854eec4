"""Text in capitals: a heading or a line set in them ("IT IS NOT IN US") is words.

espeak reads a short word in capitals as letters, the way it reads "BBC": "IT" becomes
"I T" and "US" "U S". Three or more words in capitals together are set that way for
looks, so each is given the case of an ordinary word ("It Is Not In Us"). A lone word in
capitals is left alone (it may be an acronym), and so are single letters and Roman
numerals ("CHAPTER XIV"), which the numeral rules read. Acronyms inside such a run still
read as letters: espeak spells "Bbc" and "Usa" as it spells "BBC".
"""

import re

from models.normalize.roman import roman_to_int
from models.normalize.rule import Locale, Rule

_WORD = r"[A-Z][A-Z'’]*\b"
_RUN = re.compile(rf"\b{_WORD}(?:[^A-Za-z\n]+{_WORD}){{2,}}")  # numbers may stand between
_WORD_IN_RUN = re.compile(_WORD)


def _words(match: re.Match[str], locale: Locale) -> str:
    return _WORD_IN_RUN.sub(_as_word, match.group(0))


def _as_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) == 1 or roman_to_int(word) is not None:
        return word
    return word[0] + word[1:].lower()


RULES = (Rule(_RUN, _words),)
