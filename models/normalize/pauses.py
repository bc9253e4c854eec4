"""Dashes and ellipses between words: pauses a narrator makes, which espeak-ng does not.

espeak passes over a dash set close ("the hat—owing to", Gutenberg's "the hat--owing to")
and an ellipsis between words ("I think … well"): no pause, and the words either side run
together ("followed … but" is said "followedbut"). A dash after a stop it reads aloud:
"Round One.—Conscience" is "Round one dot Conscience", "work!—it's" "work exclamation
it's", and "men?—nay" loses its question. A dash with a space either side is a pause to
espeak ("the hat — owing to"), and so is a comma: so a dash between words is spaced, an
ellipsis between words is a comma, and so is a slash set apart between words (a verse's
line end quoted in prose; espeak says "slash"). Gutenberg's "--" is a dash wherever it
stands but in a command line's option: espeak reads "this!--" as "this exclamation", and
pauses at "this!—".
These run last: a dash between numbers is a range or a minus, read as such by the rules
before (Gutenberg's "10--12" set as "10–12" first, `BETWEEN_NUMBERS`).
"""

import re

from models.normalize.rule import Rule, saying

# Not a longer run ("Mr. ----" hides a name), nor a command line's option, a space before it
# and a word after ("cargo clippy --fix", "the --verbose flag").
_DOUBLE_HYPHEN = re.compile(r"(?<![- \t])--(?!-)|(?<=[ \t])--(?![-\w])")
# Between numbers, "pages 10--12", "1914--1918": Gutenberg's en dash, set as one before any
# rule reads a range.
_NUMBERS_DASHED = re.compile(r"(?<=\d)--(?=\d)")
# After a word, a stop or a closing quote; before a word or an opening quote.
_DASH = re.compile(r"(?<=[^\W\d_]|[.,;:!?’”\"')])[ \t]*—[ \t]*(?=[“‘\"'(]*[^\W\d_])")
# After a word; before a word, closing quotes between ("I think …” said he).
_ELLIPSIS = re.compile(r"(?<=[^\W_])[ \t]*(?:…|\.\.\.)(?=[’”\"')]*[ \t]+[^\W\d_])")

# A slash set apart between words: a quoted verse's line end ("compare thee / to a
# summer's day") or an alternative ("180°C / gas mark 4"): a pause, not "slash". Read while
# numbers are digits still: "3 / 4" is a sum.
_SPACED_SLASH = re.compile(r"[ \t](?<=[^\W\d_][ \t])[ \t]*/[ \t]+(?=[\"'“‘(]*[^\W\d_])")

BETWEEN_NUMBERS = (Rule(_NUMBERS_DASHED, saying("–")),)
SLASHES = (Rule(_SPACED_SLASH, saying(", ")),)
RULES = (
    Rule(_DOUBLE_HYPHEN, saying("—")),
    Rule(_DASH, saying(" — ")),
    Rule(_ELLIPSIS, saying(",")),
)
