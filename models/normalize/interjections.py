"""Interjections written without a vowel, which espeak-ng spells out letter by letter.

"H’m" is "aitch em" to espeak, and "’St!" (a hiss for silence, as in "Hist!") is "saint",
the abbreviation's reading. Each is given a spelling espeak says as a narrator would:
"Hmm", and "Psst".
"""

import re

from models.normalize.rule import Locale, Rule

_HUM = re.compile(r"\b(?:[Hh][’']m|Hm)\b")  # not "hm", a hectometre
_HIST = re.compile(r"(?<![\w’'])[’'](?P<s>[Ss])t(?=!)")  # not "thou know’st"


def _hum(match: re.Match[str], locale: Locale) -> str:
    return match[0][0] + "mm"


def _hist(match: re.Match[str], locale: Locale) -> str:
    return "Psst" if match["s"].isupper() else "psst"


RULES = (Rule(_HUM, _hum), Rule(_HIST, _hist))
