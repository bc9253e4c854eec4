"""Whatever numbers the other families left: ranges, fractions, ordinals and plain numbers.

Every digit is turned into words here, so espeak never chooses a reading on its own; digits
stuck to letters ("MP3", "2B") are left to it, as they are names rather than quantities.
"""

import re

from models.normalize.addresses import say_groups
from models.normalize.dates import YEAR_CUE
from models.normalize.numbers import (
    NUMBER,
    VULGAR,
    attributive_fraction,
    cardinal,
    digits,
    fraction,
    in_pairs,
    mixed_fraction,
    ordinal,
    plural,
    say_year,
    vulgar,
)
from models.normalize.rule import (
    Locale,
    Rule,
    clause_near,
    qualifies_noun,
    range_word,
    say_letter,
    text_before,
)

# Number-slash-number that are names, not fractions.
_IDIOMS = {"24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty"}
_IDIOMS |= {"20/20": "twenty-twenty", "80/20": "eighty-twenty"}  # vision, the rule
_IDIOMS |= {"7/7": "seven seven"}  # London's bombings, 7 July 2005, as 9/11 is said
_LONGEST_TERM = 6  # digits in a numerator or denominator

# Not after or before a letter or digit: "MP3" and "B12" are not numbers to say.
_ALONE_BEFORE, _ALONE_AFTER = r"(?<![^\W_])", r"(?![^\W_])"
# Versions and addresses: 1.2.3 is "one point two point three".
_DOTTED = re.compile(rf"{_ALONE_BEFORE}(?<![.,])\d+(?:\.\d+){{2,}}{_ALONE_AFTER}")
_RANGE = re.compile(
    rf"{_ALONE_BEFORE}(?<![.,])(?P<start>{NUMBER})(?:\s?[–—]\s?|-)(?P<end>{NUMBER}){_ALONE_AFTER}"
    r"(?![.,]\d)"
)
# "2/3rds", "1/3rd", "1/100th": the denominator's ordinal ending, said as the fraction is.
_FRACTION = re.compile(
    rf"{_ALONE_BEFORE}(?<![/.,])(?:(?P<whole>\d+)\s+)?(?P<num>\d+)/(?P<den>\d+)"
    rf"(?:(?:st|nd|rd|th)s?)?{_ALONE_AFTER}(?![/.,]\d)"
)
_VULGAR_FRACTION = re.compile(rf"(?:(?<!\d)(?P<whole>\d+)\s?)?(?P<vulgar>[{VULGAR}])")
_ORDINAL = re.compile(r"\b(?P<number>\d{1,3}(?:,\d{3}){1,7}|\d+)(?:st|nd|rd|th|ST|ND|RD|TH)\b")
# "½ an inch", "1/2 the price", "½ his fortune": half of what follows.
_HALF_OF_NEXT = re.compile(r"\s+(?:an?|the|his|her|its|their|our|my|your|this|that)\b")
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’])(?i:an?)\s\Z")
# "100s of them", "100s more", "100s upon 100s", "in their 1000s": hundreds ("10s" alone
# may be seconds). An age group, "the under-5s", "the Under-18s": under-fives. A digit's
# plural, after a count or beside another ("rolled three 6s", "0s and 1s"): sixes, zeros.
_PLURAL = re.compile(
    r"\b(?P<number>\d{1,3}(?:,\d{3}){1,7}|10{1,6}(?=s\s+of\b)|10{2,6}(?=s\s+(?:more|upon|and|or)\b)"
    r"|(?<=\btheir )10{2,6}|(?<=\b(?i:under)-)\d\d?|(?<=\b(?i:over)-)\d\d?"
    r"|\d(?=s\s(?:and|or|&)\s\ds\b)|(?:(?<=\ds and )|(?<=\ds or )|(?<=\ds & ))\d"
    r"|(?:(?<=\b(?i:two|six|ten) )|(?<=\b(?i:four|five|nine) )|(?<=\b(?i:three|seven|eight) )"
    r"|(?<=\b(?i:double|triple) ))\d)s\b"
)
# "18+ only", "a 1,000+ page book", "50+ years": at least the number, said "plus" (not
# "1+1", a sum, nor "C++").
_AT_LEAST = re.compile(r"(?<![\w.,+])(?P<number>\d{1,3}(?:,\d{3}){0,7})\+(?=\s|$|[.,;:!?)\]])")
# A team or a group named by its number: "the 49ers", "the 76ers" (forty-niners).
_NUMBERED_ERS = re.compile(r"\b(?P<number>\d{0,2}[1-9])ers\b")
# An en dash set as a minus, where no dash between words or a range stands: "(–3)", "= –3",
# and after what says a temperature or a reading ("it fell to –40", "temperatures of –40",
# "below –12"); "them –2 men", "May 3 –5" keep their dash.
_COLD_CUES = (
    "fell to", "fallen to", "dropped to", "plunged to", "sank to", "down to", "temperatures of",
    "temperature of", "a low of", "lows of", "as low as", "below", "reached", "read",
)  # fmt: skip
# The dash first, then what stands before it: a lookbehind tried at every character of the
# text, as `_CARDINAL` tries its sign, made the rule several times slower.
_MINUS_BEFORE = (r"[(\[]", r"[=<>] ", *(rf"\b(?i:{cue}) " for cue in _COLD_CUES))
_DASH_AS_MINUS = "–(?:{})".format("|".join(rf"(?<={before}–)" for before in _MINUS_BEFORE))
_CARDINAL = re.compile(
    rf"(?P<sign>(?<![^\s(\[])[-−+]|{_DASH_AS_MINUS})?{_ALONE_BEFORE}"
    rf"(?P<number>{NUMBER}|\.\d+){_ALONE_AFTER}(?!\.\d)"  # "6.5x" is not "six" and ".5x"
)


# Numbers that name a room, a flight or a plane are said in pairs, as people say them:
# "Room 101" is "one oh one", "Flight 1204" "twelve oh four" (and "Flight BA 117", after
# the airline's code, "one seventeen"), "a Boeing 747" "seven forty-seven", "a Porsche 911"
# "nine eleven", an "Xbox 360" "three sixty"; one or two digits ("Gate 12") stay a plain number.
_LABELS = "room|flight|gate|suite|platform|apartment|locker|cabin|berth|bus|highway|route|boeing"
_LABELS += "|porsche|xbox|rtx|gtx"  # a console's and a graphics card's: "Xbox 360", "RTX 4090"
_LABELLED = re.compile(
    rf"(?P<label>\b(?i:{_LABELS}))(?P<space>\s)(?P<code>(?<=(?i:flight)\s)[A-Z][A-Z\d]\s?)?"
    rf"(?P<number>[1-9]\d{{2,3}})(?P<plural>s?){_ALONE_AFTER}"
    r"(?![.,]\d|[-–—/]\d)"
)


# "paced the room 120 times": a label after a determiner is a noun and the number a count.
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|his|her|its|our|their|my|your|each|every)\s+\Z", re.IGNORECASE
)


def _labelled(match: re.Match[str], locale: Locale) -> str:
    label, space, number = match.group("label", "space", "number")
    before = text_before(match, 8)
    if label.islower() and _DETERMINER_BEFORE.search(before):
        return match.group(0)
    said = in_pairs(number, locale)
    code = match.group("code") or ""  # "Flight BA 117": the airline's code
    code = f"{code.strip()} " if code else ""
    return f"{label}{space}{code}{plural(said) if match.group('plural') else said}"


# A Boeing's variant after its model, "the 747-400", "a Boeing 737-800ER": seven forty-seven
# four hundred, not a range. Only a Boeing's 7x7 or after its maker: "won 112-100" is a score,
# "pages 707-800" a range.
_VARIANT = re.compile(
    r"(?<![\w.,/–—-])(?P<maker>(?i:boeing|airbus)\s)?(?P<model>[1-9]\d\d)-(?P<variant>[1-9]00)"
    r"(?P<suffix>[A-Z]{0,3})(?![\w-]|[.,]\d)"
)
_BOEING = re.compile(r"7\d7")


def _variant(match: re.Match[str], locale: Locale) -> str:
    maker, model, variant = match.group("maker", "model", "variant")
    if not (maker or _BOEING.fullmatch(model)) or _LOCATOR_BEFORE.search(text_before(match, 12)):
        return match.group(0)
    said = f"{in_pairs(model, locale)} {in_pairs(variant, locale)}"
    suffix = match.group("suffix")
    return f"{maker or ''}{said}{' ' + suffix if suffix else ''}"


# A Boeing by its model alone, as a thriller names it: "a 747", "the 787 Dreamliner", "a 737
# MAX", "747s" (espeak: "seven hundred forty-seven"), said as with its maker. Singular only
# after a word that a plane takes ("a", "the", "his") and before a stop, a word of flying or
# a verb a plane does ("the 747 landed"); not a count ("the 747 passengers", "a 747 mile
# trip"). The plural of a 7x7 is planes.
_JET = re.compile(r"(?P<model>7(?<![\w.,$£€#/–-]7)[0-8]7)(?P<plural>s?)(?![\w-]|[.,:]\d)")
_A_PLANE_BEFORE = re.compile(
    r"\b(?i:an?|the|that|this|his|her|their|our|its|every|each|another|one|first|new|old"
    r"|empty|jumbo|Boeing)\s\Z"
)
_A_PLANE_AFTER = re.compile(
    r"[\"'’”]*(?:[.,;:!?)\]]|\s*\Z)|\s(?:MAX|Max|jets?|jumbos?|jetliners?|airliners?|aircraft"
    r"|planes?|freighters?|cockpit|Dreamliners?|fuselage|engines?|wings?|flight|cargo|crew|pilots?"
    r"|simulator|was|is|had|has|took|landed|taxied|crashed|climbed|banked|touched|lifted"
    r"|rolled|roared|flew|carried|came|went|sat|lumbered|thundered|screamed)\b"
)


def _jet(match: re.Match[str], locale: Locale) -> str:
    model, many = match.group("model", "plural")
    if not many and not (
        _A_PLANE_BEFORE.search(text_before(match, 8))
        and _A_PLANE_AFTER.match(match.string, match.end())
    ):
        return match.group(0)
    said = in_pairs(model, locale)
    return plural(said) if many else said


# Three digits after a designation's letters are said in pairs too: a U-boat, "U-505" (U five
# oh five), a plane, "C-130", "F-111", a road, "I-405", and an isotope, "U-235", "uranium-235"
# (two thirty-five). Not after words that take a number ("Top-100", "Sub-150"). Several
# of them, "B-52s", "F-16s", "C-130s", are said in the plural.
_ISOTOPES = "uranium|plutonium|thorium|radium|polonium|iodine|caesium|cesium|americium|xenon"
_DESIGNATION = re.compile(
    rf"(?<![\w.-])(?P<prefix>(?!(?:Top|Sub|Mid|Pre|Non|Pro)-)[A-Z][A-Za-z]{{0,2}}|(?i:{_ISOTOPES}))"
    r"-(?P<number>[1-9]\d{0,2})(?P<plural>s?)(?![\w-]|[.,]\d)"
)


def _designation(match: re.Match[str], locale: Locale) -> str:
    """ "U-505": U five oh five. In the plural, with fewer digits too: "B-52s", "F-16s", "the
    MiG-29s" (espeak: "B fifty-two z"), B fifty-twos; "F-16" alone the cardinal rule reads."""
    number, many = match.group("number", "plural")
    if len(number) < 3 and not many:
        return match.group(0)
    said = in_pairs(number, locale) if len(number) == 3 else cardinal(number, locale)
    return f"{match.group('prefix')}-{plural(said) if many else said}"


# A pilot's figures, digit by digit: "Runway 27L" (two seven left; the units rules: "twenty-
# seven liters"), "FL350" (flight level three five zero; espeak: "F L three hundred fifty").
# A runway only with its side: "the runway 12 times" is a count; several, "Runways 9L and
# 27R", "Runway 09L/27R", each so. A flight level is a multiple of five hundred feet, set
# close ("FL350") or spaced where no place is named before it: "Miami, FL 330" and
# "Orlando FL 320" are Florida's.
_RUNWAY = re.compile(  # its first letter, then what stands before it: fast over a book
    r"(?P<word>[Rr](?<!\w[Rr])(?i:unways?))\s"
    r"(?P<runways>\d{1,2}[LRC](?:(?:,?\s(?:and|or|&)\s|,\s|/)\d{1,2}[LRC])*)\b"
)
_ONE_RUNWAY = re.compile(r"(?P<number>\d{1,2})(?P<side>[LRC])|/")
_SIDES = {"L": " left", "R": " right", "C": " center"}
_FLIGHT_LEVEL = re.compile(r"FL(?<!\wFL)(?P<gap>\s?)(?P<number>\d{2}[05])\b(?![.,]\d)")
_PLACE_BEFORE = re.compile(r"(?:,|\b[A-Z][a-z]+)\s*\Z")
_CLEARED = re.compile(
    r"(?:^|[.!?:;]\s+)(?i:cleared|climb|descend|maintain|cruise|cruising|at|to)\s*\Z"
)


def _runway(match: re.Match[str], locale: Locale) -> str:
    def one(runway: re.Match[str]) -> str:
        if runway.group(0) == "/":
            return ", "
        return digits(runway.group("number")) + _SIDES[runway.group("side")]

    return f"{match.group('word')} {_ONE_RUNWAY.sub(one, match.group('runways'))}"


def _flight_level(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 24)
    if match.group("gap") and _PLACE_BEFORE.search(before) and not _CLEARED.search(before):
        return match.group(0)
    return f"flight level {digits(match.group('number'))}"


# A house number before its street is said in pairs, as addresses are: "1428 Elm Street" is
# "fourteen twenty-eight", "221B Baker St." "two twenty-one B". (Not "Court", "Row" or "Way":
# "150 Supreme Court cases", "Death Row", "the Milky Way".)
_STREETS = (
    r"Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Ln\.|Drive|Dr\.|Boulevard|Blvd\.|Place|Pl\."
    r"|Terrace|Square|Sq\.|Crescent|Close|Parkway|Highway"
)
# Not the second of two ("12-14 High Street", "45/7 Park Street"): the range and fraction
# rules read both.
_HOUSE = re.compile(
    r"(?<![\w.,/–—-])(?P<number>[1-9]\d{0,3})(?P<letter>[A-Za-z]?)"
    rf"(?=(?P<street>(?:\s+[A-Z][\w'’-]*){{1,3}}\s+(?:{_STREETS})(?!\w)))"
)
# "In 2005 Main Street was paved" is a year, which the year rules read; "the 150 Wall Street
# firms", "some 200 Fleet Street men" are counts.
_YEAR_CUE_BEFORE = re.compile(rf"\b(?:{YEAR_CUE})\s+\Z")
_COUNTED_BEFORE = re.compile(
    r"\b(?:the|these|those|his|her|its|our|their|my|your|some|about|over|nearly|almost|around"
    r"|all|than)\s+\Z",
    re.IGNORECASE,
)
# "page 150 Main Street" is a place in a book ("p." has become "page" by now); "he
# interviewed 350 Fleet Street journalists" counts what follows.
_LOCATOR_BEFORE = re.compile(
    r"\b(?:pages?|chapters?|sections?|volumes?|parts?|lines?|verses?|paragraphs?|figures?"
    r"|tables?)\s+\Z",
    re.IGNORECASE,
)
_COUNTED_AFTER = re.compile(r"\s+(?!(?:was|is|has|does|as|his|its|this|thus|always)\b)[a-z]+s\b")


def _house(match: re.Match[str], locale: Locale) -> str:
    number, letter = match.group("number", "letter")
    before = text_before(match, 12)
    if len(number) == 4 and _YEAR_CUE_BEFORE.search(before):
        return match.group(0)
    if not letter and _COUNTED_BEFORE.search(before):
        return match.group(0)
    if _LOCATOR_BEFORE.search(before) or _COUNTED_AFTER.match(match.string, match.end("street")):
        return match.group(0)
    said = in_pairs(number, locale) if len(number) > 2 else cardinal(number, locale)
    return f"{said} {letter.upper()}" if letter else said


# Two numbers about a slash that are no fraction, each after its cue: blood pressure, "120/80"
# (one twenty over eighty), and a cricket score, "250/7" (two hundred fifty for seven: runs
# for wickets), or a bowler's figures, "bowled 5/23" (five for twenty-three). A score only
# where no date could be meant (more runs than a month has days) and a cricket word is near:
# "the answer was 45/7" stays a fraction, and "28/3 at lunch", which could be a date, is
# left as it was; figures only after a word of bowling ("took 5/23 of the votes" is a share).
_SLASHED = re.compile(
    r"(?<![\w./,])(?P<first>\d{1,3})/(?P<second>\d{1,3})(?![\w/]|[.,]\d)(?P<mercury>\s?mm\s?Hg\b)?"
)
# Between the cue and the reading, only words that lead to it ("blood pressure had risen to",
# "BP:"): "under pressure, the board voted 120/80" and "BP and Shell agreed a 60/40 split"
# are none. "Bp" too: a chart's "BP 120/80, HR 72, RR 16" is a run of capitals to `capitals`.
_PRESSURE_CUE = re.compile(
    r"(?:\b(?i:pressure)|\bB[Pp]|\bB\.P\.)(?:\s+(?i:was|is|of|at|to|now|still|had|has|been"
    r"|reading|read|reads|rose|risen|fell|fallen|dropped|climbed|stood|remained|down|up|back"
    r"|only|just|a|an))*:?\s*\Z"
)
_SCORE_CUE = re.compile(
    r"\b(?:were|was|at|on|for|to|reached|made|scored|posted|of|innings)\s+\Z", re.IGNORECASE
)
# A meal or the close only as a session's end: "close to the station", "over tea" are none.
_CRICKET = re.compile(
    r"\b(?:innings|wickets?|overs|all out|declared|bat(?:ted|ting)|bowl(?:ed|ing|er|ers)"
    r"|stumps|(?:at|by) (?:the close|lunch|tea)|runs|in reply|follow-on|chase|chasing"
    r"|(?-i:Test|ODI|T20))\b",
    re.IGNORECASE,
)
_NEAR = 80  # characters either side, in the same clause, where a cricket word is looked for
_CLAUSE_END = re.compile(r"[;!?]|\.\s")


def _slashed(match: re.Match[str], locale: Locale) -> str:
    first, second = int(match.group("first")), int(match.group("second"))
    before = text_before(match, 50)
    if 50 <= first <= 300 and 20 <= second < first and _PRESSURE_CUE.search(before):
        said = " over ".join(_pressure(match.group(n), locale) for n in ("first", "second"))
        mercury = f" {locale.spell('millimeters')} of mercury" if match.group("mercury") else ""
        return said + mercury
    if first > 31 and 1 <= second <= 10 and _SCORE_CUE.search(before) and _cricket_near(match):
        return f"{cardinal(str(first), locale)} for {cardinal(str(second), locale)}"
    if (
        first <= 10
        and second >= first
        and _BOWLING_CUE.search(before)
        and not _OF_NEXT.match(match.string, match.end())  # "took 2/3 of the runs": a share
        and _cricket_near(match)
    ):
        return f"{cardinal(str(first), locale)} for {cardinal(str(second), locale)}"
    return match.group(0)


# A bowler's figures, wickets for runs: "bowled 5/23", "figures of 3/41", "took 4/12".
_BOWLING_CUE = re.compile(
    r"\b(?:bowled|figures\s+of|took|taking|returned|claimed|best\s+of)\s+\Z", re.IGNORECASE
)
_OF_NEXT = re.compile(r"\s+of\b")


def _cricket_near(match: re.Match[str]) -> bool:
    before = _CLAUSE_END.split(text_before(match, _NEAR))[-1]
    after = _CLAUSE_END.split(match.string[match.end() : match.end() + _NEAR])[0]
    return _CRICKET.search(before) is not None or _CRICKET.search(after) is not None


def _pressure(number: str, locale: Locale) -> str:
    """Blood pressure as doctors say it: 120 "one twenty", 105 "one oh five", 80 "eighty"."""
    return in_pairs(number, locale) if len(number) == 3 else cardinal(number, locale)


# American retirement plans, named for their sections of the tax code: "four oh one K".
_PLAN = re.compile(r"\b(?P<number>40[13])\((?P<letter>[kb])\)")


def _plan(match: re.Match[str], locale: Locale) -> str:
    return f"{in_pairs(match.group('number'), locale)} {match.group('letter').upper()}"


# The emergency numbers, "nine one one", where a call is made or named: "dialed 911", "a 999
# call" ("the Porsche 911" and "911 people" stay a name and a count).
_EMERGENCY = re.compile(r"(?<![\w.,$£€¥])(?P<number>911|999|112)(?![\w%°]|[.,/-]\d|\s+times\b)")
_CALLED_BEFORE = re.compile(
    r"\b(?i:call|calls|called|calling|dial|dials|dialed|dialled|dialing|dialling|phone|phoned"
    r"|phoning|ring|rang|ringing|rung)\s+\Z"
)
# One call, its line or its operator: "112 lines", "999 operators" and "911 emergency beds"
# are counts.
_CALL_AFTER = re.compile(
    r"\s+(?:calls?|caller|operator|dispatch|dispatcher|line|center|centre|system|tapes?"
    r"|recordings?|emergency\s+(?:calls?|line|number|services?|operator))\b"
)
# After a call's verb the number is what was dialed, unless a noun it counts follows ("she
# called 112 people").
_COUNTED_AFTER_CALL = re.compile(
    r"\s+(?!(?:and|or|for|from|at|on|in|to|immediately|again|when|but|as|then|right|straight"
    r"|before|after|while|if|because|instead|twice|once|anywhere|now|soon|sooner|quickly|first"
    r"|later|yourself|himself|herself|themselves|directly|so|until|unless)\b)[a-z]"
)


def _emergency(match: re.Match[str], locale: Locale) -> str:
    called = _CALLED_BEFORE.search(text_before(match, 12))
    if called and _COUNTED_AFTER_CALL.match(match.string, match.end()):
        called = None
    if not (called or _CALL_AFTER.match(match.string, match.end())):
        return match.group(0)
    return digits(match.group("number"))


# A code said digit by digit after what names it: "my PIN is 1234", "zip 90210", "ZIP code
# 02139", "text 741741" (a service's short code, five or six digits); not "PIN 12" nor
# "the text 1850 appears".
_CODE_AFTER_CUE = re.compile(
    r"(?P<cue>\b(?:PIN|ZIP|(?i:pin\s+(?:code|number)|zip\s+codes?))(?:\s+(?:is|was|of))?:?\s+)"
    r"(?P<number>\d{4,6}(?:-\d{4})?)(?![\w%°]|[.,/:]\d)"
    # "my zip 90210" (not "zip 50000 files", the verb's count)
    r"|(?P<zip>\bzip\s+)(?P<zip_number>\d{5})(?=\s*(?:[.,;:!?)]|$))"
    # "Text STOP to 88022", "text HOME to 741741": the short code after "to"
    r"|(?P<text>\b(?i:text|texting)\s+(?:[A-Z]+\s+)?to\s+)(?P<short>\d{5,6})(?![\w%°]|[.,/:-]\d)"
)


def _code_after_cue(match: re.Match[str], locale: Locale) -> str:
    said = match.group("cue") or match.group("zip") or match.group("text")
    code = match.group("number") or match.group("zip_number") or match.group("short")
    return said + say_groups(code)  # ZIP+4's two groups apart


# A web server's status, said like a label in pairs: "Error 404" and "a 404 page" are "four
# oh four", "status 500" "five hundred". Only after the word that names it or before an
# error's words: "404 people" is a count.
_STATUS_AFTER_CUE = re.compile(
    r"(?P<cue>\b(?i:error|http|status|code)\s+)(?P<number>[1-5]\d\d)(?![\w%°]|[.,/:-]\d)"
)
# Before them, only the codes a reader meets, and one error or page: "450 errors" and "400
# pages" are counts.
_STATUS_BEFORE_ERROR = re.compile(
    r"(?<![\w.,$£€¥])(?P<number>40[01348]|410|429|50[0-4])"
    r"(?=\s+(?i:error|not\s+found)\b|\s+(?P<page>(?i:page))\b)"
)
# "a 403 page report": the pages of what is written.
_WRITTEN_AFTER = re.compile(
    r"\s+(?:book|novel|report|document|manuscript|volume|thesis|memoir|tome|biography|history"
    r"|study|dossier|essay|brief|letter|epic)s?\b"
)


def _status_after_cue(match: re.Match[str], locale: Locale) -> str:
    if _COUNTED_AFTER.match(match.string, match.end()):  # "code 200 lines" counts them
        return match.group(0)
    return match.group("cue") + in_pairs(match.group("number"), locale)


def _status_before_error(match: re.Match[str], locale: Locale) -> str:
    if match.group("page") and _WRITTEN_AFTER.match(match.string, match.end("page")):
        return match.group(0)
    return in_pairs(match.group("number"), locale)


# A protocol's or a system's version after its slash, "HTTP/2", "HTTP/1.1", "OS/2", and a
# lens's aperture, "f/2.8", "f/8": said without the slash ("HTTP two", "f two point eight").
_SLASHED_NAME = re.compile(
    r"(?:\b[A-Z]{2,5}|(?<![\w/.])[fƒ])(?P<slash>/)(?=\d{1,2}(?:\.\d{1,2})?(?![\w/]|[.,]\d))"
)


def _slashed_name(match: re.Match[str], locale: Locale) -> str:
    return match.group(0)[: match.start("slash") - match.start()] + " "


# The European Union's laws by year and number: "Directive 95/46/EC", "Regulation (EU)
# 2016/679", said "ninety-five forty-six E C", "twenty sixteen six seven nine" (a fraction
# reads "ninety-five forty-sixths"): with its letters after it, or after the law's kind. Not
# the number and year of a regulation before 2015 ("Regulation 1907/2006").
_EU_LAW = re.compile(
    r"(?<![\w/.,])(?P<year>(?:19|20)\d\d|\d\d)/(?P<number>\d{1,4})"
    r"(?:/(?P<suffix>EC|EU|EEC|EURATOM|Euratom|CFSP|JHA))?(?![\w/]|[.,]\d)"
)
_NUMBER_FIRST = range(1958, 2015)  # the years whose regulations put their number first
_EU_LAW_BEFORE = re.compile(
    r"\b(?:Directives?|Regulations?|Decisions?)\s(?:\((?:EU|EC|EEC)\)\s)?\Z"
)


def _eu_law(match: re.Match[str], locale: Locale) -> str:
    suffix = match.group("suffix")
    if not suffix and not _EU_LAW_BEFORE.search(text_before(match, 24)):
        return match.group(0)
    year, number = match.group("year", "number")
    if len(number) == 4 and int(number) in _NUMBER_FIRST:
        return match.group(0)
    said = [say_year(int(year), locale) if len(year) == 4 else cardinal(year, locale)]
    said.append(digits(number) if len(number) > 2 else cardinal(number, locale))
    if suffix:
        said.append(" ".join(suffix.upper()))
    return " ".join(said)


# An identifier of letters and two numbers, one of them long, "CVE-2021-44228", "ISO-8859-1":
# its year, then its number, long ones digit by digit ("C V E twenty twenty-one four four two
# two eight"), not a range ("two thousand twenty-one to forty-four thousand ...").
_CODED = re.compile(
    r"(?<![\w-])(?P<code>[A-Z]{2,5})-(?P<first>\d{1,4})-(?P<second>\d{1,6})(?![\w-]|[.,]\d)"
)
_YEARS = re.compile(r"(?:19|20)\d\d")


def _coded(match: re.Match[str], locale: Locale) -> str:
    first, second = match.group("first", "second")
    if len(second) < 3 and (len(first) < 3 or _YEARS.fullmatch(first)):
        return match.group(0)  # "USA-3-2", "FY-2023-24": a score, a span of years
    said = say_year(int(first), locale) if _YEARS.fullmatch(first) else _code_part(first, locale)
    return f"{match.group('code')} {said} {_code_part(second, locale)}"


def _code_part(number: str, locale: Locale) -> str:
    return digits(number) if len(number) > 2 else cardinal(number, locale)


# A video codec's and a network's standards by number: "H.264" (H two sixty-four; espeak:
# "H dot two hundred sixty-four"), "802.11ac" (eight oh two dot eleven A C).
_STANDARD = re.compile(
    r"(?<![\w.])(?:H\.(?P<codec>26[1-6])|802\.(?P<ieee>\d{1,2})(?P<letters>[a-z]{1,2})?)"
    r"(?!\w|\.\w)"
)


def _standard(match: re.Match[str], locale: Locale) -> str:
    codec, ieee, letters = match.group("codec", "ieee", "letters")
    if codec:
        return f"H {in_pairs(codec, locale)}"
    said = f"eight oh two dot {cardinal(ieee, locale)}"
    return f"{said} {' '.join(letters.upper())}" if letters else said


# A virus's lineage, "B.1.1.7", "B.1.617.2", "BA.2", "XBB.1.5": its letters, then its numbers
# digit by digit without their dots, as the news said them ("B one one seven"; espeak: "B
# dot one dot one point seven", "bah dot two"). A lone letter needs three numbers ("Appendix
# B.3", "Table S1.2" are a book's).
_LINEAGE = re.compile(
    r"(?<![\w.])(?!(?:ART|SEC|VOL|FIG|NOS?|CH|PT|PP|OP|ST|APP|REV|ED|EQ|GEN|COL|REF|MK)\.)"
    r"(?P<letters>[A-Z](?:\.\d{1,3}){3}|[A-Z]{2,3}(?:\.\d{1,3}){1,3})(?!\w|\.\w)"
)  # not an abbreviation set in capitals, "ART.5", "PT.2"


def _lineage(match: re.Match[str], locale: Locale) -> str:
    letters, *parts = match.group("letters").split(".")
    return " ".join([*(say_letter(letter) for letter in letters), *(digits(n) for n in parts)])


# Fine particles in the air by their size in microns: "PM2.5" is "P M two point five", "PM10"
# "P M ten", not a word.
_PARTICLES = re.compile(r"\bPM(?P<size>2\.5|10)(?!\w|[.,]\d)")


def _particles(match: re.Match[str], locale: Locale) -> str:
    return f"P M {cardinal(match.group('size'), locale)}"


# A video's lines, "1080p": "ten eighty P" (not pence).
_RESOLUTION = re.compile(r"\b(?P<number>144|240|360|480|720|1080|1440|2160)(?P<scan>[pi])\b")


def _resolution(match: re.Match[str], locale: Locale) -> str:
    return f"{in_pairs(match.group('number'), locale)} {match.group('scan').upper()}"


# A gun's calibre, "a .45 caliber pistol", "a .357 Magnum": forty-five, three fifty-seven.
_CALIBRE = re.compile(
    r"(?<![\w.])\.(?P<digits>\d{2,3})(?=[\s-]*(?:caliber|calibre|Magnum|Special|ACP|Auto|rifles?"
    r"|pistols?|revolvers?|rounds?|bullets?|automatic|cartridges?|shells?|Colt|Winchester)\b)"
)


def _calibre(match: re.Match[str], locale: Locale) -> str:
    digits = match.group("digits")
    return cardinal(digits, locale) if len(digits) == 2 else in_pairs(digits, locale)


# A handgun by its calibre alone, as crime fiction names it: "He pulled out a .38.", "his .45
# in his hand", "a Colt .45" (thirty-eight, forty-five). Only a handgun's calibres: after a
# maker; after an article where the calibre ends its clause or a gun's noun follows ("a .38
# revolver"), as "a .45 at best", "the .38 was high" and "the .25 to the total" are decimals;
# after a person's possessive where no noun follows ("His .45 was in the car"; "his .45
# correlation" is a decimal).
_GUN = re.compile(r"(?<![\w.])\.(?P<digits>22|25|32|38|44|45|357|380)(?!\w|[.,]\d)")
_OWNED_BEFORE = re.compile(
    r"\b(?:(?P<article>[Aa]|[Tt]he|[Tt]his|[Tt]hat)|(?P<owned>[Hh]is|[Hh]er|[Mm]y|[Yy]our|[Oo]ur"
    r"|[Tt]heir))\s\Z|\b(?:Colt|Wesson)\s\Z"
)
_CLAUSE_ENDS = re.compile(
    r"[\"'’”]*(?:[.,;:!?)\]—]|\s*$)"
    r"|\s+(?:revolver|pistol|automatic|auto|rifle|carbine|handgun|gun|derringer|six-shooter)s?\b"
)
_NO_NOUN_NEXT = re.compile(
    rf"(?:{_CLAUSE_ENDS.pattern}"
    r"|\s+(?:[a-z]+ed|was|is|had|has|lay|in|from|at|on|and|or|with|to"
    r"|into|out|under|against|behind|beside|for|of|he|she|it|they|I|you|him|her|them|that"
    r"|which|still|now|then|up|down|away|back|again|too|after|before|by|as|when|while|but|so"
    r"|across|over|near|off)\b)"
)


def _gun(match: re.Match[str], locale: Locale) -> str:
    before = _OWNED_BEFORE.search(text_before(match, 8))
    if before is None:
        return match.group(0)
    text, end = match.string, match.end()
    if before.group("article") and not _CLAUSE_ENDS.match(text, end):
        return match.group(0)  # "a .45 at best", "the .38 was high"
    if before.group("owned") and not _NO_NOUN_NEXT.match(text, end):
        return match.group(0)  # "his .45 correlation"; after a maker, "a Colt .45 revolver"
    digits = match.group("digits")
    return cardinal(digits, locale) if len(digits) == 2 else in_pairs(digits, locale)


# A batting average, said as players say it: "hit .300" (three hundred), "a .325 hitter"
# (three twenty-five), "a .305 average" (three oh five); after a word of batting or before
# one ("a .350 probability" is a decimal). A team's share of wins too: "a .500 record",
# "played .500 ball", "two games above .500" (five hundred).
_AVERAGE = re.compile(
    r"(?P<cue>\b(?i:hit|hits|hitting|batted|batting|bats|games?\s(?:above|below|over|under))\s)?"
    r"(?<![\w.])\.(?P<digits>[1-9]\d\d)(?!\w|[.,]\d)"
    r"(?P<after>\s+(?:hitters?|average|batting|lifetime|career|records?|teams?|ball|season)\b)?"
)


def _average(match: re.Match[str], locale: Locale) -> str:
    if not (match.group("cue") or match.group("after")):
        return match.group(0)
    said = in_pairs(match.group("digits"), locale)
    return f"{match.group('cue') or ''}{said}{match.group('after') or ''}"


# What the clock and the verse left of number-colon-number is a ratio: "a 3:1 ratio", "odds
# of 10:1", "a 1:50,000 map".
_RATIO = re.compile(
    rf"{_ALONE_BEFORE}(?<![:.,])(?P<first>{NUMBER}):(?P<second>{NUMBER}){_ALONE_AFTER}(?!:)"
)
_RACE_SECONDS = re.compile(r"[0-5]\d\.\d+")


def _ratio(match: re.Match[str], locale: Locale) -> str:
    first, second = match.group("first", "second")
    if _RACE_SECONDS.fullmatch(second):  # a race's time, "3:43.13": three forty-three point...
        return f"{cardinal(first, locale)} {cardinal(second, locale)}"
    return f"{cardinal(first, locale)} to {cardinal(second, locale)}"


# Four numbers to 255 are a network's address, "192.168.0.1", "10.0.0.1", said with its dots,
# three digits one by one ("one nine two dot one six eight dot zero dot one", "ten dot zero
# dot zero dot one"): with a number of three digits in it or a word of networks near; not
# after what it numbers ("section 3.1.2.4", "version 1.2.3.4").
_NETWORK_WORDS = re.compile(
    r"(?i:\b(?:IP|IPv4|address(?:es)?|servers?|hosts?|routers?|gateway|ping|DNS|subnet|network"
    r"|localhost|browser|connect(?:ed|s)?)\b)"
)
_NAMED_BEFORE = re.compile(
    r"(?:\b(?i:versions?|v|release|build|update|patch|sections?|chapters?|paragraphs?|clauses?"
    r"|rules?|figures?|tables?|steps?)|§)\s?\Z"
)
_NETWORK_REACH = 60  # characters either side, in the same clause


def _dotted(match: re.Match[str], locale: Locale) -> str:
    parts = match.group(0).split(".")
    if _is_address(match, parts) and not _NAMED_BEFORE.search(text_before(match, 12)):
        return " dot ".join(digits(n) if len(n) == 3 else cardinal(n, locale) for n in parts)
    return " point ".join(cardinal(n, locale) for n in parts)


def _is_address(match: re.Match[str], parts: list[str]) -> bool:
    if len(parts) != 4 or not all(len(part) <= 3 and int(part) <= 255 for part in parts):
        return False
    near = clause_near(match, _NETWORK_REACH)
    return any(len(part) == 3 for part in parts) or _NETWORK_WORDS.search(near) is not None


# A release's number of two parts, the second of two digits, after a word that names
# software: "Python 3.11" is "three point eleven", "version 2.10", "macOS 10.15", "Ubuntu
# 22.04", "Python 3.13 and 3.14" (a decimal's "three point one one" names no release). Not
# "Windows 3.11", which is said digit by digit, nor a number after a word that is no name
# ("Go 1.21 km").
_SOFTWARE = (
    r"version|versions|release|Python|Java|Perl|PHP|Ruby|Rails|Django|Node|Node\.js|iOS"
    r"|iPadOS|Android|macOS|OS X|Ubuntu|Debian|Fedora|Linux|kernel|Firefox|Chrome|Safari|Swift"
    r"|Kotlin|Rust|TypeScript|Angular|React|Vue|GCC|Qt|Unity|Blender|CUDA|TLS|Bluetooth|HTTP"
)
_RELEASE = re.compile(  # its first digit, then what stands before it: fast over a book
    rf"(?P<major>\d(?<=\s\d)\d?)\.(?P<minor>\d\d){_ALONE_AFTER}(?![.,]\d)"
)
# The name, and the releases listed after it: "Python 3.13 and 3.14", "3.10 to 3.15".
_SOFTWARE_BEFORE = re.compile(
    rf"\b(?:{_SOFTWARE})\s(?:\d{{1,2}}\.\d{{1,2}}\+?(?:,\s|\s(?:and|or|to|through)\s|\s?[-–]\s?))*\Z"
)


def _release(match: re.Match[str], locale: Locale) -> str:
    if not _SOFTWARE_BEFORE.search(text_before(match, 40)):
        return match.group(0)
    major, minor = match.group("major", "minor")
    if minor.startswith("0"):  # "22.04": twenty-two point oh four
        return f"{cardinal(major, locale)} point oh {cardinal(minor[1], locale)}"
    return _dotted(match, locale)


# A match's score: "Arsenal won 2–0", "a 2–2 draw", "finished 0–0", "a 3-0 lead".
_SCORE_WORD_BEFORE = re.compile(
    r"\b(?i:won|lost|beat|beaten|drew|draw|defeated|trailed|trailing|led|leading|finished"
    r"|ended|thrashed|it was|was|were)\s(?:\w+\s)?\Z"
)
_SCORE_WORD_AFTER = re.compile(
    r"\s+(?i:win|victory|defeat|loss|lead|draw|home|away|scoreline|thrashing|to\s+(?:the|[A-Z]))\b"
)


# A tennis match's sets: "won 6-4, 6-3", "won 6-4 6-3", "lost 4-6, 7-6, 3-6", "took the first
# set 7-5"; said as the umpire says them, "six-four, six-three" (not "six to four": no range
# runs down). Two sets at least, each a set's score (six to at most four, seven to five or six),
# with one of them descending or a word of winning before them; or one after "set".
_SET = re.compile(r"[67][–-][0-4]|7[–-][56]|[0-4][–-][67]|[56][–-]7")
# A tie-break's points after its set, "7-6 (7-4)", are said with it: "seven-six (seven-four)".
_TIE_BREAK = r"(?:\s?\(\d{1,2}[–-]\d{1,2}\))?"
_SETS = re.compile(  # its first digit, then what stands before it: fast over a book
    rf"[0-7](?<![^\W_][0-7])(?<![.,:/–-][0-7])[–-][0-7]{_TIE_BREAK}"
    rf"(?:,?\s[0-7][–-][0-7]{_TIE_BREAK}){{0,4}}{_ALONE_AFTER}(?![.,:/–-]\d)"
)
_ONE_SET = re.compile(r"(?P<games>[0-7][–-][0-7])(?:\s?\((?P<won>\d{1,2})[–-](?P<lost>\d{1,2})\))?")
# One set's score after the noun: "took the first set 7-5", "The set was 7-5"; not the verb
# ("He set aside 6-7 hours", "Let it set for 4-6 hours", "the sun set 6-7 minutes later")
# nor "a set of 6-7 chairs".
_SET_BEFORE = re.compile(
    r"\b(?i:the|a|each|that|this|every|one)\s(?i:(?:first|second|third|fourth|fifth|final"
    r"|opening|deciding|decisive|last|next|only)\s)?(?i:sets?)\s(?i:(?:was|went|ended"
    r"|finished|at|by)\s)?\Z"
)
# Sets that all rise are a loser's ("lost 4-6, 6-7") only after a word of a match, not after
# "were" ("The ages were 4-6, 6-7"); a vote's tallies and a season's record are no sets
# ("The committee voted 6-4, 7-3", "Their record was 6-4, 7-3": six to four), nor a list's
# scores that go on past a set's ("won 6-4, 7-3 and 5-2").
_MATCH_WORD_BEFORE = re.compile(
    r"\b(?i:won|lost|beat|beaten|defeated|trailed|trailing|led|leading)\s(?:\w+\s)?\Z"
)
_TALLY_BEFORE = re.compile(
    r"\b(?i:vot\w*|ballots?|ruled|ruling|decided|tall(?:y|ied)|split|records?)\b"
)
_SCORE_AFTER = re.compile(r"(?:,\s|,?\s(?:and|or|then)\s)(?P<score>\d+[–-]\d+)\b")


def _sets(match: re.Match[str], locale: Locale) -> str:
    sets = list(_ONE_SET.finditer(match.group(0)))
    written = [one.group("games") for one in sets]
    if not all(_SET.fullmatch(score) for score in written) or not _tie_breaks_fit(sets):
        return match.group(0)
    scores = [re.split("[–-]", score) for score in written]
    before = text_before(match, 24)
    if len(scores) == 1:
        tennis = _SET_BEFORE.search(before) is not None
    else:
        descending = any(int(a) > int(b) for a, b in scores)
        more = _SCORE_AFTER.match(match.string, match.end())
        tennis = (
            (descending or _MATCH_WORD_BEFORE.search(before) is not None)
            and _TALLY_BEFORE.search(before) is None
            and (more is None or _SET.fullmatch(more.group("score")) is not None)
        )
    if not tennis:
        return match.group(0)
    said = []
    for (a, b), one in zip(scores, sets, strict=True):
        won, lost = one.group("won", "lost")
        tie_break = f" ({cardinal(won, locale)}-{cardinal(lost, locale)})" if won else ""
        said.append(f"{cardinal(a, locale)}-{cardinal(b, locale)}{tie_break}")
    return ", ".join(said)


def _tie_breaks_fit(sets: list[re.Match[str]]) -> bool:
    """Whether each tie-break follows a set won seven-six: "7-6 (7-4)", not "6-3 (2-1)"."""
    return all(
        one.group("won") is None or sorted(re.split("[–-]", one.group("games"))) == ["6", "7"]
        for one in sets
    )


# "a 60-40 split", "a 70/30 mix": shares of a whole, said "sixty-forty" as "50-50" is.
_SHARES_AFTER = re.compile(r"\s+(?i:split|ratio|mix|blend|division|divide|share)s?\b")


def _range(match: re.Match[str], locale: Locale) -> str:
    start, end = match.group("start", "end")
    if (start, end) == ("24", "7"):  # "open 24-7", as "24/7" is: no range runs down
        return _IDIOMS["24/7"]
    if _are_shares(match, start, end):
        return f"{cardinal(start, locale)}-{cardinal(end, locale)}"
    if _is_match_score(match, start, end):
        return _score(int(start), int(end), locale)
    if start == end and "-" in match.group(0):  # "a 50-50 chance", "a 2-2 draw"
        return f"{cardinal(start, locale)}-{cardinal(end, locale)}"
    return f"{cardinal(start, locale)} {range_word(match)} {cardinal(end, locale)}"


def _are_shares(match: re.Match[str], start: str, end: str) -> bool:
    return (
        _small(start, 3)
        and _small(end, 3)
        and int(start) + int(end) == 100
        and _SHARES_AFTER.match(match.string, match.end()) is not None
    )


def _is_match_score(match: re.Match[str], start: str, end: str) -> bool:
    """Goals of a match with a nil or a draw in it, beside a word of winning or losing."""
    if not (_small(start, 2) and _small(end, 2)) or max(int(start), int(end)) > 15:
        return False
    if end != "0" and start != end:
        return False  # "won 3-1": three to one, as before
    return bool(
        _SCORE_WORD_BEFORE.search(text_before(match, 24))
        or _SCORE_WORD_AFTER.match(match.string, match.end())
    )


def _small(number: str, digits: int) -> bool:
    """Whether a number of digits has `digits` at most: a longer one is no share or score,
    and past 4,300 digits int() refuses it (a hostile text's "1-800...0")."""
    return number.isdigit() and len(number) <= digits


def _score(start: int, end: int, locale: Locale) -> str:
    """'2–0': two nil (British), two to nothing (American); '2–2': two all, two-two; '0–0'
    nil nil, nothing to nothing."""
    nil = "nil" if locale.day_first else "nothing"
    goals = [cardinal(str(n), locale) if n else nil for n in (start, end)]
    if start == end and start:
        return f"{goals[0]} all" if locale.day_first else f"{goals[0]}-{goals[1]}"
    return f"{goals[0]} {goals[1]}" if locale.day_first else f"{goals[0]} to {goals[1]}"


def _plural(match: re.Match[str], locale: Locale) -> str:
    """ "1,000s of people" are thousands of them, "10,000s" tens of thousands; "5,000s"
    five thousands."""
    said = cardinal(match.group("number"), locale)
    for lead, many in (("one ", ""), ("ten ", "tens of "), ("one hundred ", "hundreds of ")):
        rest = said.removeprefix(lead)
        if said.startswith(lead) and " " not in rest and "-" not in rest:
            return f"{many}{rest}s"
    return plural(said)  # "the under-6s": sixes


def _at_least(match: re.Match[str], locale: Locale) -> str:
    return f"{cardinal(match.group('number'), locale)} plus"


def _numbered_ers(match: re.Match[str], locale: Locale) -> str:
    said = cardinal(match.group("number"), locale)
    return said + ("rs" if said.endswith("e") else "ers")


# "in 4/4 time", "a 6/8 time signature": four-four ("He worked 3/4 time" is a share of
# it); "I'd give it 8/10", "4/5 stars": out of.
_TIME_NEXT = re.compile(r"\s+time\b")
_SIGNATURE_NEXT = re.compile(r"\s+time\s+signatures?\b")
_IN_BEFORE = re.compile(r"\b(?i:in|into)\s\Z")
# A mark: "rated 3/5", "scored 17/20", "I'd give it 8/10", "got 8/10 on the test", "4/5
# stars"; not a share: "got 3/5 of the vote", "gave 1/10 to the church", "each heir got 1/5".
_RATED_BEFORE = re.compile(r"\b(?i:rated?|rates|rating|scored?|scores|scoring)\s\Z")
_GIVEN_BEFORE = re.compile(
    r"\b(?i:gives?|gave|giving|deserves?)\s+(?:it|him|her|them|me|us|you|this|that)\s\Z"
)
_GOT_BEFORE = re.compile(r"\b(?i:got|gets|get|earned|earns)\s\Z")
_TEST_NEXT = re.compile(r"\s+(?:on|in|for)\b")
_STARS_NEXT = re.compile(r"\s+stars?\b")
_SHARE_NEXT = re.compile(r"\s+(?:of|to)\b")


def _fraction(match: re.Match[str], locale: Locale) -> str:
    whole, num, den = match.group("whole", "num", "den")
    idiom = _IDIOMS.get(f"{num}/{den}")
    if idiom and not whole:
        return idiom
    if max(len(num), len(den)) > _LONGEST_TERM:
        return match.group(0)  # not a fraction anyone says; the numbers are read one by one
    if not whole and _are_shares(match, num, den):  # "a 70/30 mix"
        return f"{cardinal(num, locale)}-{cardinal(den, locale)}"
    if not whole and den in ("2", "4", "8", "16") and _is_metre(match):
        return f"{cardinal(num, locale)}-{cardinal(den, locale)}"
    if not whole and _is_odds(match):  # "at 9/2 odds": nine to two
        return f"{cardinal(num, locale)} to {cardinal(den, locale)}"
    if not whole and int(num) < int(den) and _CHANCE_NEXT.match(match.string, match.end()):
        return f"{cardinal(num, locale)} in {cardinal(den, locale)}"  # a one in three chance
    if not whole and _is_score(match, int(num), den):
        return f"{cardinal(num, locale)} out of {cardinal(den, locale)}"
    if not whole and int(num) < int(den) and _COUNTED_NEXT.match(match.string, match.end()):
        return f"{cardinal(num, locale)} out of {cardinal(den, locale)}"  # in nine out of ten cases
    if not int(den):
        return match.group(0)
    if not whole and int(num) < int(den) <= _OWN_PARTS and _qualifies(match):
        return attributive_fraction(int(num), int(den), locale)  # "a quarter mile walk"
    return _say_fraction(match, whole, int(num), int(den), locale)


# A share of a count before what is counted, "In 9/10 cases", "4/5 doctors agree": nine out of
# ten ("nine tenths cases"); not a share of a measure or a span ("3/4 inches", "1/2 hours").
_COUNTED_NEXT = re.compile(
    r"\s+(?!(?:inches|feet|yards|miles|acres|hours|minutes|seconds|days|weeks|months|years"
    r"|times|cups|teaspoons|tablespoons|pints|quarts|gallons|ounces|pounds|tons|tonnes|grams"
    r"|kilos|liters|litres|meters|metres|lengths|points|turns|notes|beats|bars|parts|shares"
    r"|pieces|slices|portions|sizes|degrees|percent|dollars|cents|pence|shillings|sleeves"
    r"|tablets|pills|capsules|doses|marks|this|his|hers|its|ours|yours|theirs|was|has|does|is"
    r"|as|us|thus|always|perhaps|besides)\b)"
    r"(?:[a-z]+[^\Wsu]s|people|men|women|children)\b"
)
_OWN_PARTS = 16  # sixteenths: a fraction that qualifies a noun has a part of its own
_HYPHENED = re.compile(r"-[a-z]")


def _qualifies(match: re.Match[str]) -> bool:
    """Before the noun it qualifies: "a 1/4 mile walk", "the 1/2 hour", "a 1/2-inch pipe"."""
    return bool(_HYPHENED.match(match.string, match.end())) or qualifies_noun(
        match, determiners=True
    )


def _is_metre(match: re.Match[str]) -> bool:
    """A time signature: "in 4/4 time", "into 6/8 time", "a 3/4 time signature" ("a 3/4
    time job", "cut to 1/2 time" are shares of a working week)."""
    if int(match.group("num")) < 2:
        return False
    if _SIGNATURE_NEXT.match(match.string, match.end()):
        return True
    return bool(
        _TIME_NEXT.match(match.string, match.end()) and _IN_BEFORE.search(text_before(match, 6))
    )


# A bookmaker's odds: "9/2 odds", "a 50/1 outsider", "a 10/1 shot", "odds of 5/2", "priced
# at 7/4" (not "a 1/3 chance", a probability, nor "a 1/2 shot of espresso").
_ODDS_NEXT = re.compile(r"\s+(?P<word>odds|shot|outsider|favou?rite|against)\b")
_LONG_ODDS_BEFORE = re.compile(r"\b(?i:priced\s+at|price\s+of|backed\s+at)\s+\Z")
_CHANCE_NEXT = re.compile(r"\s+(?:chance|probability|likelihood)\b")
_ODDS_BEFORE = re.compile(
    r"\b(?i:odds(?:\s+(?:of|at|(?:on\s+(?:\w+\s+){1,3})?(?:were|are|was|is)))?)\s+\Z"
)


def _is_odds(match: re.Match[str]) -> bool:
    """After "odds", any two numbers; else only the longer odds, the first above the second
    ("a 1/2 shot of espresso", "2/3 against", "priced at 1/2 the usual rate" are shares)."""
    if _ODDS_BEFORE.search(text_before(match, 24)):
        return True
    following = _ODDS_NEXT.match(match.string, match.end())
    if following and following.group("word") == "odds":
        return True
    longer = _greater(match.group("num"), match.group("den"))
    return longer and bool(following or _LONG_ODDS_BEFORE.search(text_before(match, 16)))


def _greater(first: str, second: str) -> bool:
    """Whether one number of digits is above another, compared as written: past 4,300
    digits int() refuses them."""
    first, second = first.lstrip("0"), second.lstrip("0")
    return (len(first), first) > (len(second), second)


def _is_score(match: re.Match[str], num: int, den: str) -> bool:
    """A mark out of 5, 10, 20 or 100 after a word that gives one, or before "stars"."""
    if den not in ("5", "10", "20", "100") or num > int(den):
        return False
    text, end, before = match.string, match.end(), text_before(match, 24)
    if _SHARE_NEXT.match(text, end):
        return False
    if _STARS_NEXT.match(text, end) or _RATED_BEFORE.search(before):
        return True
    got = _GOT_BEFORE.search(before) and _TEST_NEXT.match(text, end)
    return bool(got or _GIVEN_BEFORE.search(before))


def _vulgar_fraction(match: re.Match[str], locale: Locale) -> str:
    numerator, denominator = vulgar(match.group("vulgar"))
    said = _say_fraction(match, match.group("whole"), numerator, denominator, locale)
    glued = match.start() > 0 and match.string[match.start() - 1].isalpha()
    return f" {said}" if glued else said  # "dollars½", left by a rule before: not one word


def _say_fraction(
    match: re.Match[str], whole: str | None, num: int, den: int, locale: Locale
) -> str:
    if whole:
        return mixed_fraction(whole, num, den, locale)
    if (num, den) == (1, 2) and _HALF_OF_NEXT.match(match.string, match.end()):
        return "half"  # "½ an inch" is half an inch, "1/2 the price" half the price
    if _ARTICLE_BEFORE.search(text_before(match, 4)):
        return attributive_fraction(num, den, locale)  # "a ½ hour wait": a half hour wait
    return fraction(num, den, locale)


def _ordinal(match: re.Match[str], locale: Locale) -> str:
    return ordinal(match.group("number").replace(",", ""), locale)


def _cardinal(match: re.Match[str], locale: Locale) -> str:
    sign = {"": "", "+": "plus "}.get(match.group("sign") or "", "minus ")
    return sign + cardinal(match.group("number"), locale)


# Thousands grouped by a thin or no-break space, as SI and French-set books print them
# ("10 000"): commas, which every later rule reads. A plain space is left: "in 1887 100 men"
# is two numbers.
_GROUP_SPACES = "\u00a0\u2009\u202f"
_SPACE_GROUPED = re.compile(rf"(?<![\d,.])\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+(?![\d,])")
_TO_COMMAS = str.maketrans(dict.fromkeys(_GROUP_SPACES, ","))
# A plain space only where a group has a leading zero, which no number of its own has: "1 000
# years", "1 250 000" (an e-book's thin space gone plain); not "12 500", which may be two
# numbers, nor a run of digit groups that may be a telephone's ("555 012 3456"). The run is
# taken whole, from its first group: from each group in turn, a long one took quadratic time.
_PLAIN_SPACE_GROUPED = re.compile(r"(?<![\d,.])(?<!\d )[1-9]\d{0,2}(?: \d{3})++(?![\d,]| \d)")


def _with_commas(match: re.Match[str], locale: Locale) -> str:
    return match.group(0).translate(_TO_COMMAS)


def _plain_with_commas(match: re.Match[str], locale: Locale) -> str:
    written = match.group(0)
    return written.replace(" ", ",") if " 0" in written else written


# "the 4th–5th centuries": a range of ordinals, "fourth to fifth".
_ORDINAL_RANGE = re.compile(
    r"\b(?P<start>\d+)(?:st|nd|rd|th)\s?[–—-]\s?(?P<end>\d+)(?:st|nd|rd|th)\b"
)


def _ordinal_range(match: re.Match[str], locale: Locale) -> str:
    return f"{ordinal(match.group('start'), locale)} to {ordinal(match.group('end'), locale)}"


GROUPING = (
    Rule(_SPACE_GROUPED, _with_commas),
    Rule(_PLAIN_SPACE_GROUPED, _plain_with_commas),
)
SLASHED = (Rule(_SLASHED, _slashed),)
LABELLED = (
    Rule(_EMERGENCY, _emergency),
    Rule(_CODE_AFTER_CUE, _code_after_cue),
    Rule(_PLAN, _plan),
    Rule(_RESOLUTION, _resolution),
    Rule(_PARTICLES, _particles),
    Rule(_STANDARD, _standard),
    Rule(_LINEAGE, _lineage),
    Rule(_CODED, _coded),
    Rule(_EU_LAW, _eu_law),
    Rule(_SLASHED_NAME, _slashed_name),
    Rule(_STATUS_AFTER_CUE, _status_after_cue),
    Rule(_STATUS_BEFORE_ERROR, _status_before_error),
    Rule(_HOUSE, _house),
    Rule(_VARIANT, _variant),
    Rule(_LABELLED, _labelled),
    Rule(_JET, _jet),
    Rule(_DESIGNATION, _designation),
    Rule(_FLIGHT_LEVEL, _flight_level),
)
RUNWAYS = (Rule(_RUNWAY, _runway),)
RULES = (
    Rule(_CALIBRE, _calibre),
    Rule(_GUN, _gun),
    Rule(_AVERAGE, _average),
    Rule(_RATIO, _ratio),
    Rule(_DOTTED, _dotted),
    Rule(_RELEASE, _release),
    Rule(_ORDINAL_RANGE, _ordinal_range),
    Rule(_SETS, _sets),
    Rule(_RANGE, _range),
    Rule(_FRACTION, _fraction),
    Rule(_VULGAR_FRACTION, _vulgar_fraction),
    Rule(_ORDINAL, _ordinal),
    Rule(_PLURAL, _plural),
    Rule(_AT_LEAST, _at_least),
    Rule(_NUMBERED_ERS, _numbered_ers),
    Rule(_CARDINAL, _cardinal),
)
