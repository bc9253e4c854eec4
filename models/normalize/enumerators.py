"""A list's or a clause's enumerators: "(a) be kind; (b) be brief", "(ii)", "4(b)(ii)", "a)".

espeak says "(a)", "(A)" and "a)" as the article ("uh"), and a Roman numeral in lower case
as "Roman two" ("(ii)", "(iv)"). A listener hears the letter (written "eh", which espeak
says as the letter A, as chemistry writes it) and the number ("two", "four"). The brackets
stay as they were, and with them the pauses: a span is never cut inside a bracket, and
espeak makes no pause at one. Only the letter A and the numerals change: espeak already
says "(b)", "(c)" or "(h)" as the letter.

A bracketed letter is not always a list's: "He said (a) word" marks an optional article,
"(x)" a variable, "(v) for velocity" a symbol, "friend(s)" a plural, "(c) 2020" a
copyright, "(I)" a speaker in a dialogue ("(I)  No."). So a letter is an enumerator where
its list is seen: with its neighbour in the same text ("(a) ... (b)", "(i) ... (ii)");
heading the text, a sentence, or a line after a stop or a comma ("(a) The tenant shall",
"Terms:\na) The tenant"; not prose set in lines); set close after a number or a label's
bracket ("3(a)", "1030(a)(2)", "(b)(ii)"; not "g(f)(x)"); after a word that names one
("paragraph (a)", "item a)"). A numeral of two letters or more ("(ii)", "(xiv)") is one
wherever it stands, but for "(vi)" and "(xi)" (an editor, a Greek letter, a dictionary's
intransitive verb), which are numerals only where a letter would be an enumerator, where
prose cites them ("see (vi)", "under (vi)", "in (vi) above") or where another of the list's
numerals is near ("(ii) ... (vi)"); "I use (vi) daily" and "run (vi)" stay. "(i)", "(v)"
and "(x)" are letters too, and stay letters in a letters' list ("(h) ... (i) ... (j)").
"(i)" is one with "(ii)" after it, heading a sentence, after a label's bracket or a naming
word (not after a number: Rule 12(i) is a letter); "(v)" and "(x)" are five and ten only
with their neighbours ("(iv)", "(vi)"), after a label's bracket, or heading a sentence
before a capital ("(v) The tenant", not "(v) for velocity": a sentence at a time reaches
the voice, and a list of numerals reaches (v) more often than one of letters does).
"""

import re

from models.normalize.numbers import cardinal
from models.normalize.roman import roman_to_int, to_roman
from models.normalize.rule import Locale, Rule, say_letter, text_before

_NEAR = 2000  # characters either side in which a list's neighbour is looked for
_HIGHEST = 39  # "(xxxix)": past it, letters in brackets are no list's numeral

# "(a)", "(A)", "(ii)", "(xiv)": its bracket first, then what stands before it (not a
# word: "friend(s)", "f(x)"); not before a word ("(a)b"). Only the letters that change.
_BRACKETED = re.compile(r"\((?<![^\W\d_]\()(?P<label>[aA]|[ivx]{1,6})\)(?!\w)")
# "a)", "ii)" with no opening bracket, before a space: heading a line ("a) The tenant"),
# after a word that names one ("item a)") or with its neighbour ("either a) stay or b) go").
_BARE = re.compile(r"[aAivx](?<![\w(\[)][aAivx])(?:(?<=[ivx])[ivx]{1,5})?\)(?=[ \t]+\S)")

# Words that name an enumerator after them: "paragraph (a)", "clause (iv)", "item a)".
_NAMING_WORD = re.compile(
    r"\b(?i:(?:sub-?)?(?:sections?|paragraphs?|clauses?)|paras?\.|ss?\.|items?|points?"
    r"|options?|parts?|steps?|questions?|answers?|choices?|limbs?|heads?|conditions?"
    r"|criteri(?:on|a)|categor(?:y|ies)|schedules?|articles?|arts?\.|rules?)[ \t]\Z"
)
# Heading the text or a sentence after another's stop ("shall pay. (b) The landlord"), or
# a line after a stop or a comma (not a line of prose set in lines: "He said\n(a) word").
_HEADS = re.compile(r"(?:(?:\A|[.!?:;,][\"'’”)\]]*)[ \t]*\n|[.!?:;][\"'’”)\]]*[ \t])[ \t]*\Z")
# Set close after a number's or a letter's bracket ("(b)(ii)", "(1)(a)", "[2](a)"); not after
# a function's ("g(f)(x)").
_AFTER_A_LABEL = re.compile(r"(?:\d|(?<![^\W\d_]))[(\[](?:[A-Za-z]|[ivx]{1,6}|\d{1,3})[)\]]\Z")
_CAPITAL_NEXT = re.compile(r"[ \t]+[\"'“‘]?[A-Z]")
# A range after it: "(a)–(d)", "(a) to (c)".
_RANGE = re.compile(r"[ \t]*(?:[-–—]|to|through)[ \t]*\((?:[b-z]|[B-Z])\)")

# Where a clause's numeral is cited in prose: after a word that leads to a cross-reference
# ("see (vi)", "under (vi)", "subject to (vi)"), before one that points up or down the text
# ("(vi) above", "(xi) below"). Not after a verb or a noun: "I use (vi) daily", a
# dictionary's "run (vi)" (intransitive), "the baryon (xi)".
_CROSS_REFERENCE_BEFORE = re.compile(
    r"\b(?i:see|cf\.|under|in|at|of|to|by|per|from|with|within|and|or)[ \t]\Z"
)
_CROSS_REFERENCE_AFTER = re.compile(r"[,;]?[ \t]+(?:above|below|supra|infra)\b")
# Another numeral of the list, of two letters or more and no other reading ("(ii)", "(iv)",
# "(viii)"; not "(vi)", "(xi)"), in the text near; one search of the window for any of them.
_OTHER_NUMERALS = {to_roman(value).lower() for value in range(2, _HIGHEST + 1)} - {"vi", "xi"}
_LISTED_NUMERAL = re.compile(
    r"\((?:" + "|".join(sorted((n for n in _OTHER_NUMERALS if len(n) > 1), key=len)[::-1]) + r")\)"
)


def _numerals_listed(match: re.Match[str], written: str) -> bool:
    """Whether a list's numeral of no other reading stands near the match, bracketed as it
    is: "(vi)" in "under (ii) ... and (vi)" is a clause of the same list."""
    if written[0] != "(":
        return False
    start, end = max(0, match.start() - _NEAR), match.end() + _NEAR
    return _LISTED_NUMERAL.search(match.string, start, end) is not None


# The neighbours that make a letter a numeral ("(iv) ... (v)"), or one of the alphabet.
_NUMERALS_NEAR = {"i": ("", "ii"), "v": ("iv", "vi"), "x": ("ix", "xi")}
_NUMERALS_NEAR |= {"vi": ("v", "vii"), "xi": ("x", "xii")}
_LETTERS_NEAR = {"i": ("h", "j"), "v": ("u", "w"), "x": ("w", "y")}


def _bracketed(match: re.Match[str], locale: Locale) -> str:
    said = _said(match, match.group("label"), "({})", locale)
    return match.group(0) if said is None else f"({said})"


def _bare(match: re.Match[str], locale: Locale) -> str:
    said = _said(match, match.group(0)[:-1], "{})", locale)
    return match.group(0) if said is None else f"{said})"


def _said(match: re.Match[str], label: str, written: str, locale: Locale) -> str | None:
    """What the enumerator `label` (its brackets as `written`) is said as, or None where
    it is no list's: the letter A as "eh", a Roman numeral as its number."""
    if label in ("a", "A"):
        listed = _seen(match, written, "b" if label == "a" else "B", ahead=True)
        listed = listed or _RANGE.match(match.string, match.end()) is not None
        return say_letter(label) if listed or _set_as_one(match, after_a_number=True) else None
    value = roman_to_int(label)
    if value is None or value > _HIGHEST or not _a_numeral(match, label, written):
        return None
    return cardinal(str(value), locale)


def _before(match: re.Match[str]) -> str:
    """The text just before the match, a line's end standing for the text's start."""
    return ("\n" if match.start() <= 16 else "") + text_before(match, 16)


def _set_as_one(match: re.Match[str], after_a_number: bool) -> bool:
    """Whether the match stands where an enumerator does: heading a line or a sentence,
    after a word that names one, set close after a label's bracket ("(b)(ii)") or (with
    `after_a_number`) after a number ("3(a)")."""
    before = _before(match)
    return (
        (after_a_number and before[-1:].isdigit())
        or _AFTER_A_LABEL.search(before) is not None
        or _HEADS.search(before) is not None
        or _NAMING_WORD.search(before) is not None
    )


def _seen(match: re.Match[str], written: str, label: str, ahead: bool) -> bool:
    """Whether `label`, its brackets as `written`, stands near the match: ahead of it or
    behind it; not the end of a word ("Smith)" is no "h)")."""
    text, start, end = match.string, match.start(), match.end()
    window = (end, end + _NEAR) if ahead else (max(0, start - _NEAR), start)
    found = text.find(written.format(label), *window)
    while found >= 0:
        if written[0] == "(" or found == 0 or not text[found - 1].isalnum():
            return True
        found = text.find(written.format(label), found + 1, window[1])
    return False


def _a_numeral(match: re.Match[str], label: str, written: str) -> bool:
    """Whether a Roman numeral's letters in brackets are a numeral, not a letter."""
    if label not in _NUMERALS_NEAR:
        return True  # "(ii)", "(xiv)"
    lower, higher = _NUMERALS_NEAR[label]
    if _seen(match, written, higher, ahead=True) or (
        lower and _seen(match, written, lower, ahead=False)
    ):
        return True
    if len(label) == 2:  # "(vi)", "(xi)"
        return (
            _set_as_one(match, after_a_number=True)
            or _CROSS_REFERENCE_BEFORE.search(_before(match)) is not None
            or _CROSS_REFERENCE_AFTER.match(match.string, match.end()) is not None
            or _numerals_listed(match, written)
        )
    previous, following = _LETTERS_NEAR[label]
    letters = _seen(match, written, previous, ahead=False)
    if letters or _seen(match, written, following, ahead=True):
        return False  # "(h) ... (i) ... (j)": the letter, as espeak says it
    if label == "i":
        return _set_as_one(match, after_a_number=False)
    if _AFTER_A_LABEL.search(_before(match)):
        return True  # "(b)(v)"
    heading = _HEADS.search(_before(match)) is not None
    return heading and _CAPITAL_NEXT.match(match.string, match.end()) is not None


# Before the numbers are read: "1030(a)(2)" has its digit next to it.
RULES = (Rule(_BRACKETED, _bracketed), Rule(_BARE, _bare))
