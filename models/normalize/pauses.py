"""Dashes and ellipses between words: pauses a narrator makes, which espeak-ng does not.

espeak passes over a dash set close ("the hat—owing to", Gutenberg's "the hat--owing to")
and an ellipsis between words ("I think … well"): no pause, and the words either side run
together ("followed … but" is said "followedbut"). A dash after a stop it reads aloud:
"Round One.—Conscience" is "Round one dot Conscience", "work!—it's" "work exclamation
it's", and "men?—nay" loses its question. A dash with a space either side is a pause to
espeak ("the hat — owing to"), and so is a comma: so a dash between words is spaced, and
an ellipsis between words is a comma. Gutenberg's "--" is a dash wherever it stands: espeak
reads "this!--" as "this exclamation", and pauses at "this!—". These run last: a dash
between numbers is a range or a minus, read as such by the rules before.
"""

import re

from models.normalize.rule import Rule, saying

_DOUBLE_HYPHEN = re.compile(r"(?<!-)--(?!-)")  # not a longer run: "Mr. ----" hides a name
# After a word, a stop or a closing quote; before a word or an opening quote.
_DASH = re.compile(r"(?<=[^\W\d_]|[.,;:!?’”\"')])[ \t]*—[ \t]*(?=[“‘\"'(]*[^\W\d_])")
# After a word; before a word, closing quotes between ("I think …” said he).
_ELLIPSIS = re.compile(r"(?<=[^\W_])[ \t]*(?:…|\.\.\.)(?=[’”\"')]*[ \t]+[^\W\d_])")

RULES = (
    Rule(_DOUBLE_HYPHEN, saying("—")),
    Rule(_DASH, saying(" — ")),
    Rule(_ELLIPSIS, saying(",")),
)
