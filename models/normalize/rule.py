"""What every family of rules shares: the locale it speaks for and the shape of a rule."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from models.traced import Traced

# Regions that write the month first (3/4/2021 is March fourth) and say "one hundred five";
# a tag without a region counts as American, the voice's own accent.
_MONTH_FIRST_REGIONS = frozenset({"", "us", "ph"})


@dataclass(frozen=True)
class Locale:
    """How one variety of English writes dates and says numbers."""

    day_first: bool

    @property
    def andword(self) -> str:
        """The "and" of "one hundred and five": British and Commonwealth, not American."""
        return "and" if self.day_first else ""

    def spell(self, word: str) -> str:
        """metre and litre where the locale spells them so (espeak stresses them its way)."""
        if not self.day_first:
            return word
        return word.replace("meter", "metre").replace("liter", "litre")


AMERICAN = Locale(day_first=False)
BRITISH = Locale(day_first=True)


@cache
def locale_for(tag: str) -> Locale:
    """The locale of a BCP 47 tag such as en-US or en_GB; English only."""
    language, _, region = tag.replace("_", "-").lower().partition("-")
    if language != "en":
        raise ValueError(f"{tag!r}: narrate normalizes English only (en, en-US, en-GB, ...)")
    return AMERICAN if region.partition("-")[0] in _MONTH_FIRST_REGIONS else BRITISH


@dataclass(frozen=True)
class Rule:
    """A pattern and what is said in place of each of its matches."""

    pattern: re.Pattern[str]
    say: Callable[[re.Match[str], Locale], str]

    def apply(self, text: str, locale: Locale) -> str:
        return self.pattern.sub(lambda match: self.say(match, locale), text)

    def apply_traced(self, text: Traced, locale: Locale) -> Traced:
        return text.sub(self.pattern, lambda match: self.say(match, locale))


# A range after "between" is said with "and": "between 5-10 minutes", "between $3 and $4";
# not where an "and" follows it: "between 1914-18 and 1939-45" joins two ranges.
BETWEEN_BEFORE = re.compile(r"\b[Bb]etween\s\Z")
AND_NEXT = re.compile(r"\s+and\s+(?=\d)")


def range_word(match: re.Match[str]) -> str:
    """How a range's two ends are joined: "and" after "between" (unless an "and" follows
    the range), else "to"."""
    between = BETWEEN_BEFORE.search(text_before(match, 8)) is not None
    return joined_by(between, match.string, match.end())


def joined_by(between: bool, text: str, end: int) -> str:
    """ "and" for a range after "between", unless an "and" and a number follow where the
    range ends (`end`): two ranges; else "to"."""
    return "and" if between and not AND_NEXT.match(text, end) else "to"


_CLAUSE_END = re.compile(r"[;!?]|\.\s")


def clause_near(match: re.Match[str], chars: int) -> str:
    """Up to `chars` characters either side of the match, within its clause: where a rule
    looks for the words that give a match its sense ("200 nm offshore")."""
    before = _CLAUSE_END.split(text_before(match, chars))[-1]
    after = _CLAUSE_END.split(match.string[match.end() : match.end() + chars])[0]
    return f"{before} {after}"


def text_before(match: re.Match[str], chars: int) -> str:
    """Up to `chars` characters of the text just before the match: where a rule reads the
    word before (a lookbehind must have a fixed width)."""
    return match.string[max(0, match.start() - chars) : match.start()]


def say_letter(letter: str) -> str:
    """A letter said by its name: espeak says "A" or "a" alone as the article ("uh"), and
    "eh" as the letter; every other letter alone it says by its name."""
    return "eh" if letter in ("A", "a") else letter


def saying(words: str) -> Callable[[re.Match[str], Locale], str]:
    """What a rule says in place of every match, the same words each time."""
    return lambda match, locale: words


# Words that begin sentences and are nobody's name ("Baker St. He ..." ends one).
SENTENCE_STARTERS = frozenset({
    "A", "After", "All", "Although", "An", "And", "As", "At", "Before", "But", "By", "Each",
    "For", "From", "He", "Her", "Here", "His", "How", "I", "If", "In", "It", "Its", "My", "No",
    "Not", "Now", "On", "One", "Our", "She", "So", "Some", "That", "The", "Their", "Then",
    "There", "These", "They", "This", "Those", "Though", "Thus", "To", "We", "What", "When",
    "Where", "Which", "While", "Why", "With", "Yet", "You", "Your",
})  # fmt: skip

_ONLY_CLOSERS_LEFT = re.compile(r"[\s\"'’”)\]]*\Z")
_NEXT_CAPITAL = re.compile(r"[\"'’”)\]]*\s+[\"'‘“(\[]*[A-Z]")
_NEXT_WORD = re.compile(r"[\"'’”)\]]*\s+[\"'‘“(\[]*([A-Z][a-z]*)\b(?![-.’'])")


def final_period(
    match: re.Match[str], or_before_capital: bool = False, or_before_sentence: bool = False
) -> str:
    """'.' when the match ends in an abbreviation's period that also ends the sentence.

    Spans reach normalize one sentence each, so a period with nothing but closing quotes
    after it is the sentence's own and stays for espeak's intonation. Longer text (the gate,
    the CLI, a bracket's sentences) has sentences after it: for abbreviations that usually
    end one ("etc.", "lb.") a capital letter next means a new sentence; for those that end
    one as often as they go on ("p.m.", "Inc.", "B.C."), a word that begins sentences next,
    as `worker.segment` decides ("at 4 p.m. Caesar came" is one sentence).
    """
    if not match.group(0).endswith("."):
        return ""
    if _ONLY_CLOSERS_LEFT.match(match.string, match.end()):
        return "."
    if or_before_capital and _NEXT_CAPITAL.match(match.string, match.end()):
        return "."
    following = _NEXT_WORD.match(match.string, match.end()) if or_before_sentence else None
    return "." if following is not None and following.group(1) in SENTENCE_STARTERS else ""


# "a 9mm pistol", "a 10 km run", "a $10 million deal": after "a" and before a noun an amount
# qualifies it, "a nine-millimeter pistol". A capital "A" only where a sentence starts
# ("vitamin A 5 mg daily" has none); no pronoun is a noun ("a $5 he never paid").
_ARTICLE_BEFORE = re.compile(r"(?:\ban?|(?:^|[.!?:\"“‘(]\s*)An?)\s\Z")
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:of|and|or|per|in|to|at|on|for|by|from|with|than|as|is|was|before|after"
    r"|every|each|then|that|there|this|yesterday|today|tonight|last|next|ago"
    r"|into|onto|under|inside|across|through|toward|towards|behind|between|without|till"
    r"|until|so|now|here|again|too|up|down|out|off|back|ahead|away"
    r"|he|she|it|we|they|you|his|her|its|our|their|my|your)\b)[a-z]"
)


# "the 100 m sprint", "these 5 mm screws", "two 10 cm pieces": after another determiner an
# amount may qualify a noun too, or be the noun itself ("the 10 km took an hour", "the £5
# went", "every 15 min the bell rang", "he walked the 5 km home"): not before a verb, as far
# as a word's look tells, an article, or a word of place or time.
_DETERMINER_BEFORE = re.compile(
    r"\b(?i:the|this|that|these|those|each|every|his|her|its|our|their|my|your"
    r"|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\s\Z"
)
_NO_NOUN_AFTER = re.compile(
    r"\s+(?:(?:is|are|was|were|will|would|can|could|may|might|must|shall|should|has|have|had"
    r"|do|does|did|took|takes|went|goes|cost|costs|made|makes|became|becomes|felt|feels|lay"
    r"|lies|left|seems|the|a|an|since|home|north|south|east|west|along|around|over|past"
    r"|beyond|above|below|near|or|nor|but|yet)\b|[a-z]+ed\b)"
)


def noun_after(text: str, at: int) -> bool:
    """Whether a word that may be a noun follows `at` after a space ("hotel"; not "for",
    "in" or "he")."""
    return _NOUN_AFTER.match(text, at) is not None


def after_article(match: re.Match[str]) -> bool:
    """Whether "a" or "an" stands just before the match ("a 9mm", "An 8 km")."""
    return _ARTICLE_BEFORE.search(text_before(match, 8)) is not None


def qualifies_noun(match: re.Match[str], determiners: bool = False) -> bool:
    """Whether the match stands between "a" and the noun it qualifies ("a 9mm pistol");
    with `determiners`, also between "the", "these", "two" ... and one ("the 9mm pistol")."""
    if not noun_after(match.string, match.end()):
        return False
    before = text_before(match, 8)
    if _ARTICLE_BEFORE.search(before):
        return True
    return (
        determiners
        and bool(_DETERMINER_BEFORE.search(before))
        and not _NO_NOUN_AFTER.match(match.string, match.end())
    )
