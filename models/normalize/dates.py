"""Dates, times, years and decades.

A four-digit number is read as a year ("eighteen eighty-seven") only where it is one: after a
word such as "in", "since" or a month, before "AD", in a range of years, before punctuation or
before a verb that years take ("1887 saw..."). Elsewhere it is a count: "1887 people" is one
thousand eight hundred eighty-seven people.
"""

import re

from models.normalize.numbers import cardinal, ordinal, ordinal_suffix, plural, say_year
from models.normalize.rule import (
    Locale,
    Rule,
    final_period,
    joined_by,
    noun_after,
    range_word,
    saying,
    text_before,
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {name[:3]: number for number, name in enumerate(MONTHS, start=1)}
_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_ABBREVIATED_MONTH = rf"(?:{_MONTH_ABBREVIATIONS})\.?"
# A month's name or its abbreviation, as a whole word (no group, no period).
MONTH_WORD = rf"(?:{'|'.join(MONTHS)}|{_MONTH_ABBREVIATIONS})\b"
_MONTH = rf"(?P<month>{'|'.join(MONTHS)}|{_ABBREVIATED_MONTH})"
_FIRST_YEAR, _LAST_YEAR = 1000, 2099  # four-digit numbers that may be years
_AM_PM = r"(?:[AaPp]\.\s?[Mm]\.|[ap]m\b|[AP]M\b)"  # "pm", "PM", "p.m.", "p. m."
_MERIDIEM = rf"(?P<meridiem>{_AM_PM})"

_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)"
    r"(?P<year>\d{4}|(?<=/)\d\d)(?![\d/-]|\.\d)"
)
# "June 5-6, 1944", "5–6 June": a range of days, the fifth to the sixth.
_DAYS_END = r"(?:[–—-](?P<end>\d{1,2})(?:st|nd|rd|th)?)?"
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_DAYS_END}(?![\d:.,]\d|\w)"
    r"(?:(?P<sep>,?\s+)(?P<year>\d{4})\b(?![,.]\d))?"
)
# "Sept. 1914": the month in full; the year is read as one later.
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_ABBREVIATED_MONTH})(?=\s+\d{{4}}\b)")
_DAY_MONTH = re.compile(
    rf"\b(?:(?P<the>[Tt]he)\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_DAYS_END}\s+(?:of\s+)?{_MONTH}"
    r"(?!\w)"
    r"(?:(?P<sep>,?\s+)(?P<year>\d{4})\b(?![,.]\d))?"
)
_CLOCK = re.compile(
    r"\b(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?(?!\d|[,.]\d)"
    rf"(?:\s?{_MERIDIEM})?"
)
# "at 7.30 this evening", "the 8.15 from Waterloo", "By 10.15 the train had gone": a British
# clock without am or pm, only after its cue and before what follows a time ("at 3.50 a
# pint" is a price). A clause may follow only where the cue is no price's ("at 3.50 the
# bottle", `_dot_clock`).
_DOT_TIME = r"(?:1[0-2]|0?[1-9])\.[0-5]\d"
_AFTER_A_TIME = (
    r"(?=\s*(?:[,;:!?)]|\.(?!\d)|$)|\s+(?:(?P<when>this|tonight|tomorrow|sharp|precisely"
    r"|exactly|in the (?:morning|evening|afternoon))|on|and|or|to|till|until|when|train|from"
    r"|(?P<clause>the|he|she|it|they|we|I|you|there|nobody|everyone|everybody|all|his|her"
    r"|their|our|my))\b)"
)
_CUED_DOT_CLOCK = re.compile(
    r"(?:(?<=\b[Aa]t )|(?<=\b[Bb]y )|(?<=\b[Uu]ntil )|(?<=\b[Tt]ill )|(?<=\b[Bb]efore )"
    r"|(?<=\b[Aa]fter )|(?<=\b[Aa]bout )|(?<=\b[Aa]round )|(?<=\b[Tt]he ))"
    rf"(?P<hour>1[0-2]|0?[1-9])\.(?P<minute>[0-5]\d){_AFTER_A_TIME}"
)
# "It was 5.30 in the morning", "home by 11.15 at night": a part of the day after it makes
# a British clock of it whatever word stands before ("rose 2.30 in the morning" is a price's
# move, and so is "£5.30 in the morning" a price).
_DAYTIME_CLOCK = re.compile(
    r"(?<![\w.,:$£€¥₹#])(?P<hour>1[0-2]|0?[1-9])\.(?P<minute>[0-5]\d)"
    r"(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night)\b)"
)
_MOVED_BEFORE = re.compile(
    r"\b(?i:rose|fell|gained|lost|added|shed|climbed|dropped|jumped|slipped|up|down)\s\Z"
)
# "the 23.15 to Edinburgh", "the 18.05 from Paddington": an hour past noon only as a train's,
# where "about 13.45" (a pH), "closed at 18.50" (a price) or "at 19.32" (a record) are decimals.
_TIMETABLE = re.compile(
    r"(?<=\b[Tt]he )(?P<hour>1[3-9]|2[0-3])\.(?P<minute>[0-5]\d)"
    r"(?=\s+(?:to|from|train|express|service)\b(?!\s+\d))"
)
# "at 22.30 hours", "By 06.00 hrs": a day's clock of 24 hours, after a word of time ("took
# 13.45 hours", "worked 16.50 hours a week" are decimals), or with its leading zero, which no
# decimal has (not "1.50 hours", an hour and a half).
_DOT_HOURS = re.compile(
    r"(?<![\d.,])(?P<hour>1[3-9]|2[0-3]|0\d)\.(?P<minute>[0-5]\d)\s?(?:hours|hrs)\b"
)
# "from 9.30 to 5.00": a range of them ("from 4.25 to 4.50 percent" is none). Amounts range
# upward, so a clock's range runs back past noon or a word of time follows it
# (`_dot_clock_range`): "ranged from 2.50 to 3.50." is money.
_DOT_CLOCK_RANGE = re.compile(
    rf"(?<=\b[Ff]rom )(?P<start>{_DOT_TIME})(?P<to>\s+(?:to|till|until)\s+)(?P<end>{_DOT_TIME})"
    rf"{_AFTER_A_TIME}"
)
# "at 3.50 the bottle", "At 2.50 the bottle was a bargain": a sentence's first word too.
_PRICE_CUE = re.compile(r"\b(?:at|about|around|the) \Z", re.IGNORECASE)
# "rose by 3.50", "cut by 2.30 and", "went from 2.50 to 3.50": how much, not when.
_CHANGED_BY = re.compile(
    r"\b(?:rose|risen|rises|rise|fell|fallen|falls|fall|grew|grown|grows|gained|lost|dropped"
    r"|climbed|jumped|slipped|slid|declined|increased|decreased|improved|raised|lowered|reduced"
    r"|cut|up|down|soared|surged|plunged|tumbled|shrank|widened|narrowed|went|won|beat|led"
    r"|multiplied|divided|times) (?:by|from) \Z",
    re.IGNORECASE,
)
# A Bible reference, "John 3:16", "Ps. 23:4-6": chapter and verse, before the clock takes them.
# Said as readers say them aloud, chapter then verse: "John three sixteen", "Psalm twenty-three
# four", "Matthew five three to twelve"; every book alike, so that the listener hears one form.
_BOOKS = (
    "Genesis|Exodus|Leviticus|Numbers|Deuteronomy|Joshua|Judges|Ruth|Samuel|Kings|Chronicles"
    "|Ezra|Nehemiah|Esther|Job|Psalms?|Proverbs|Ecclesiastes|Isaiah|Jeremiah|Lamentations"
    "|Ezekiel|Daniel|Hosea|Joel|Amos|Obadiah|Jonah|Micah|Nahum|Habakkuk|Zephaniah|Haggai"
    "|Zechariah|Malachi|Matthew|Mark|Luke|John|Acts|Romans|Corinthians|Galatians|Ephesians"
    "|Philippians|Colossians|Thessalonians|Timothy|Titus|Philemon|Hebrews|James|Peter|Jude"
    "|Revelation|Song of Songs|Song of Solomon"
)
# Abbreviated books, which other rules would read as titles ("Gen." General, "Rev." Reverend).
_BOOK_ABBREVIATIONS = {
    "Gen": "Genesis",
    "Ex": "Exodus",
    "Exod": "Exodus",
    "Lev": "Leviticus",
    "Num": "Numbers",
    "Deut": "Deuteronomy",
    "Josh": "Joshua",
    "Judg": "Judges",
    "Sam": "Samuel",
    "Kgs": "Kings",
    "Chr": "Chronicles",
    "Neh": "Nehemiah",
    "Ps": "Psalm",
    "Psa": "Psalm",
    "Prov": "Proverbs",
    "Eccl": "Ecclesiastes",
    "Isa": "Isaiah",
    "Jer": "Jeremiah",
    "Ezek": "Ezekiel",
    "Dan": "Daniel",
    "Matt": "Matthew",
    "Mt": "Matthew",
    "Mk": "Mark",
    "Lk": "Luke",
    "Jn": "John",
    "Rom": "Romans",
    "Cor": "Corinthians",
    "Gal": "Galatians",
    "Eph": "Ephesians",
    "Phil": "Philippians",
    "Col": "Colossians",
    "Thess": "Thessalonians",
    "Tim": "Timothy",
    "Heb": "Hebrews",
    "Jas": "James",
    "Pet": "Peter",
    "Rev": "Revelation",
}
# Books numbered first to third that no count comes before: "1 Corinthians 13" is First
# Corinthians. "2 Kings were crowned", "1 John" may be counts: those only before a chapter
# ("2 Kings 5", "1 Peter 3"; with its verse, `_VERSE`).
_NUMBERED_BOOK = re.compile(
    r"(?<![\w.,])(?P<nth>[123])\s+(?P<book>Samuel|Chronicles|Corinthians|Thessalonians|Timothy"
    r"|Maccabees|(?:Kings|John|Peter)(?=\s+\d{1,3}\b(?![:.,]?\d)))\b"
)


def _nth(book: str, nth: str | None) -> str:
    """ "1 John": First John."""
    return f"{ordinal(nth).capitalize()} {book}" if nth else book


def _numbered_book(match: re.Match[str], locale: Locale) -> str:
    return _nth(match.group("book"), match.group("nth"))


_VERSE = re.compile(
    r"(?:(?<![\w.,])(?P<nth>[123])\s+)?"
    rf"\b(?:(?P<book>{_BOOKS})|(?P<short>{'|'.join(_BOOK_ABBREVIATIONS)})\.?)"
    r"\s+(?P<chapter>\d{1,3}):(?P<verse>\d{1,3})(?:\s?[–—-]\s?(?P<end>\d{1,3}))?(?![\d:])"
    r"(?!\s?[AaPp]\.?[Mm]\b)"  # "Mark 4:30 pm" is a time
)


def _verse(match: re.Match[str], locale: Locale) -> str:
    book = _nth(
        match.group("book") or _BOOK_ABBREVIATIONS[match.group("short")], match.group("nth")
    )
    chapter, verse, end = match.group("chapter", "verse", "end")
    said = f"{book} {cardinal(chapter, locale)} {cardinal(verse, locale)}"
    return f"{said} to {cardinal(end, locale)}" if end else said


# "0800 hours": a military clock, "oh eight hundred hours".
_MILITARY = re.compile(
    r"(?<![\d.,])(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?:\s?(?P<word>hours|hrs)\b|(?![\w.,]?\d))"
)
_DOT_CLOCK = re.compile(rf"\b(?P<hour>\d{{1,2}})\.(?P<minute>\d\d)\s?{_MERIDIEM}")
# "4-5 pm": the first hour of a range takes the meridiem of the second.
# Not a decimal's digits: "10.5 pm" is no time.
_HOUR = re.compile(
    rf"\b(?<![.,])(?:(?P<first>\d{{1,2}})\s?[–—-]\s?)?(?P<hour>\d{{1,2}})\s?{_MERIDIEM}"
)
# "10.5pm": that decimal, with the pm set apart, for the numbers' rules to read it whole as
# they read "10.5 pm" (left glued, no rule reads it).
_DECIMAL_MERIDIEM = re.compile(rf"\b(?<![.,])(?P<number>\d+[.,]\d+)(?={_AM_PM})")

# "1000s of people", "in their 1000s": many
_DECADE = re.compile(r"\b(?!1000s\s+of\b|(?<=their )1000s)(?P<year>\d{3}0)['’]?s\b")
_SHORT_DECADE = re.compile(r"(?:['’]|\b)(?P<tens>[1-9]0)['’]?s\b")
_YEAR_RANGE = re.compile(r"(?<![.,])\b(?P<start>\d{4})\s?[–—-]\s?(?P<end>\d{4}|\d\d?)\b(?![–—-]\d)")
# "the 2019/20 season", "the 2023/2024 tax year": a year and the next, which British seasons
# and accounts run over; said as the dashed range is ("twenty nineteen to twenty").
_SLASHED_YEARS = re.compile(r"(?<![\w./,])(?P<start>\d{4})/(?P<end>\d{4}|\d\d)(?![\w/]|[.,]\d)")
_BETWEEN_YEARS = re.compile(
    r"\b(?P<a>[Bb]etween|[Ff]rom)\s+(?P<start>\d{4})\s+(?P<b>and|to|until|till)\s+(?P<end>\d{4})\b"
)
_ERA = r"(?P<era>AD|BC|BCE|CE|A\.D\.|B\.C\.|B\.C\.E\.|C\.E\.)"
_YEAR_ERA = re.compile(rf"(?<![,.])\b(?P<year>\d{{1,4}})\s?{_ERA}(?!\w)")  # not 2,000 BC's 000
_ERA_YEAR = re.compile(r"\b(?P<era>AD|A\.D\.)\s?(?P<year>\d{1,4})\b")
# "in 1816 and 1817", "in 1816, 1817 and 1818": the years listed after a cued one, taken
# with it (`_listed_years` says which of them are years).
_MORE_YEARS = r"(?P<more>(?:(?:,|,?\s+(?:and|or|nor))\s+\d{4}\b(?![,.]\d))*)"
# What a year follows ("in 1887", "early 1887", "March 1887"); `numerals` leaves a house
# number after one of these to the year rules ("From 2005 Main Street was paved").
YEAR_CUE = (
    r"(?i:in|of|since|by|until|till|from|to|before|after|during|circa|year|born"
    r"|years(?=\s+\d{4}\s*(?:[-–]\s?\d|(?:to|and|or)\s+\d|,\s*\d))"  # the years 1066 to 1154
    r"|died|spring|summer|autumn|fall|winter|early|late|mid|around)"
    rf"|{_MONTH}|Q[1-4]|H[12]|FY|F Y"
    r"|Act|Bill|Regulations"  # a statute by its year: "the Human Rights Act 1998 applies"
)
# A fiscal year, "FY2023", "FY 2023", "FY24": "F Y twenty twenty-three", its letters apart
# (espeak makes "FY" a word) and set off, so the year rules read what follows as a year.
_FISCAL = re.compile(r"\bFY[\s-]?(?=\d\d(?:\d\d)?(?!\w))")
# "FY23/24", "FY23-24": two years' last digits, a year and the next.
_SHORT_FISCAL_YEAR = re.compile(
    r"(?<=\bF Y )(?P<year>\d\d)(?:[/–-](?P<end>\d\d))?(?![\w/–-]|[,.]\d)"
)
_CUED_YEAR = re.compile(
    rf"\b(?P<cue>{YEAR_CUE})(?P<gap>\s+|-)(?P<year>\d{{4}})\b(?![,.]\d){_MORE_YEARS}"
)
_LISTED_YEAR = re.compile(r"(?P<sep>,?\s+(?P<word>and|or|nor)\s+|,\s+)(?P<year>\d{4})")
_NEAR_YEARS = 100  # "in 1850 and 1200 men died": a number a century off is a count
# "the 1908 edition", "the 1887 Jubilee", "a 1957 Chevy", "Einstein's 1905 paper", "the 1968
# riots": a year after an article or a possessive, before a capital or a noun years qualify
# (in the plural too, where no count of them is likely); other nouns keep the count ("the 1024
# element array", "a 1750 acre estate", "the 1500 men"). A contraction's "'s" is no
# possessive: "It's 1250 total", "What's 1234 minus 34?".
_CONTRACTION = r"(?i:it|what|that|here|there|let|he|she|who|where|how)['’]s\b"
_YEARS_NOUN = (
    r"(?:edition|election|census|season|war|act|treaty|revolution|campaign|crisis|budget|model"
    r"|version|olympics|paper|book|novel|memoir|film|movie|album|study|report|revenue|earnings"
    r"|vintage|speech|visit|tour|essay|article|letter|painting|recording|production|exhibition"
    r"|survey|law|trip|debut|accord|referendum|summit|merger|recession|bailout|lockdown|midterms"
    r"|primary|convention|inauguration|manifesto|final|playoffs|tournament|championship)s?\b"
)
# An event may have a word before its noun, "the 1969 moon landing", "the 1918 flu pandemic";
# not a plural, which a count counts ("the 1500 workers strike"), nor with people or a plural
# after it ("the 1200 storm troopers", "the 2000 riot police", "the 1500 earthquake victims").
_EVENT = (
    r"earthquake|pandemic|epidemic|flu|fire|storm|hurricane|blizzard|drought|famine|plague"
    r"|strike|eruption|expedition|voyage|crash|coup|invasion|landing|explosion|disaster|riot"
    r"|protest|flood|bombing|massacre|uprising|rebellion|purge|pogrom|tsunami|typhoon|cyclone"
    r"|tornado|outbreak|mutiny|siege|raid|blackout|shipwreck"
)
_COUNTED_AFTER = r"\s+(?:police|men|women|people|(?!(?:was|is|has|does)\b)[a-z]+[^\Wsu]s)\b"
_EVENT_NOUN = rf"(?:[a-z]+(?<!s)\s+)?(?:{_EVENT})s?\b(?!{_COUNTED_AFTER})"
_THE_YEAR = re.compile(
    rf"\b(?P<cue>[Tt]he|[Aa]|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir|[Oo]ur|[Mm]y|(?!{_CONTRACTION})\w+['’]s)"
    rf"(?P<gap>\s+)(?P<year>\d{{4}})(?=\s+(?:[A-Z]|{_YEARS_NOUN}|{_EVENT_NOUN}))"
)


# Before punctuation ("...until 1887.", a law report's "[1932] AC 562") or a verb that years
# take ("1887 saw the first..."); a bracket's only where it opens on the year and a report's
# name or volume follows, as in a law report's "[1932] AC 562" ("[Pg 1234]" is a page,
# "[1500] men" a count).
# A range into such a year from a shorter number is of years too: "(r. 978–1016)",
# "(c. 90–1100)", "400-1600." Not a ratio's second number, "diluted 1:1000.".
_LONE_YEAR = re.compile(
    r"(?<![\d.,:])(?<!\d[-–—])\b(?:(?P<start>[1-9]\d{0,2})[-–—])?(?P<year>\d{4})(?![,.]\d)"
    r"(?=[.,;:!?)\"'’”]|(?<=\[\d{4})\](?=\s+[A-Z\d])|\s*$|\s+(?:was|saw|marked|brought|began|ended|became|proved|had)\b)"
)


def _month_in_full(match: re.Match[str], locale: Locale) -> str:
    return _month_name(match.group("month"))


# A month abbreviated with its period and no day or year: "late in Nov.", "the Oct. issue".
# "Jan." and "Mar." are a name and a place as often ("gave it to Jan.", "the Earl of Mar."):
# only after a word of time.
_MONTH_ALONE = re.compile(
    r"\b(?P<month>Feb|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.(?!\w)"
    r"|\b(?P<cue>(?:in|early|late|mid|since|until|till|next|last|this)\s)(?P<named>Jan|Mar)\.(?!\w)"
)


def _month_alone(match: re.Match[str], locale: Locale) -> str:
    month = _month_name(match.group("month") or match.group("named"))
    return (match.group("cue") or "") + month + final_period(match, or_before_sentence=True)


def _month_name(written: str) -> str:
    """The full name of a month as written: "Sept." -> "September"."""
    return MONTHS[_MONTH_NUMBERS[written[:3]] - 1]


def say_date(year: str, month: int, day: int, locale: Locale) -> str:
    """March fourth, twenty twenty-one (en-US); the fourth of March, twenty twenty-one."""
    return f"{_say_day(month, day, locale)}, {_date_year(year, locale)}"


def _say_day(month: int, day: int, locale: Locale) -> str:
    """March fourth (en-US); the fourth of March."""
    month_name, nth = MONTHS[month - 1], ordinal(str(day), locale)
    return f"the {nth} of {month_name}" if locale.day_first else f"{month_name} {nth}"


def _date_year(year: str, locale: Locale) -> str:
    if len(year) == 2:  # '21 in 3/4/21
        return f"oh {cardinal(year[1])}" if year.startswith("0") else cardinal(year, locale)
    return say_year(int(year), locale)


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _iso_date(match: re.Match[str], locale: Locale) -> str:
    month, day = int(match.group("month")), int(match.group("day"))
    if not _valid(month, day):
        return match.group(0)
    return say_date(match.group("year"), month, day, locale)


def _numeric_date(match: re.Match[str], locale: Locale) -> str:
    found = _month_and_day(match, locale)
    if found is None:
        return match.group(0)
    return say_date(match.group("year"), *found, locale)


def _month_and_day(match: re.Match[str], locale: Locale) -> tuple[int, int] | None:
    """The month and the day of "3/4" in the locale's order, or None for no date."""
    first, second = int(match.group("first")), int(match.group("second"))
    month, day = (second, first) if locale.day_first else (first, second)
    if not _valid(month, day):
        month, day = day, month  # 13/4/2021 can only be day first, wherever it is written
    return (month, day) if _valid(month, day) else None


# "She turned 21 on 3/15", "closed until 4/1": a month and a day without their year, after a
# word that leads to a date. Not a share: "on 1/2 pay", "on 2/3 of the land".
_CUED_DAY = re.compile(
    r"(?:(?<=\b[Oo]n )|(?<=\b[Uu]ntil )|(?<=\b[Tt]ill )|(?<=\b[Ss]ince ))"
    r"(?P<first>\d{1,2})/(?P<second>\d{1,2})(?![\d/]|[.,]\d)"
)
_OF_AFTER = re.compile(r"\s+of\b")
_ARTICLE_AFTER = re.compile(r"\s+(?:the|a|an)\b")  # "on 3/15 the bank closed": a clause


def _cued_day(match: re.Match[str], locale: Locale) -> str:
    found = _month_and_day(match, locale)
    if found is None or _a_share(match):
        return match.group(0)
    return _say_day(*found, locale)


def _a_share(match: re.Match[str]) -> bool:
    """Whether "of" or a noun follows, which a fraction takes: "on 2/3 of it", "on 1/2 pay"."""
    text, end = match.string, match.end()
    if _OF_AFTER.match(text, end):
        return True
    return noun_after(text, end) and not _ARTICLE_AFTER.match(text, end)


def _days(match: re.Match[str], locale: Locale) -> str | None:
    """ "fifth", or "fifth to sixth" for a range; None for a day no month has."""
    day, end = int(match.group("day")), match.group("end")
    if not 1 <= day <= 31 or (end and not day < int(end) <= 31):
        return None
    said = ordinal(str(day), locale)
    return f"{said} to {ordinal(end, locale)}" if end else said


def _month_day(match: re.Match[str], locale: Locale) -> str:
    days = _days(match, locale)
    if days is None:
        return match.group(0)
    return f"{_month_name(match.group('month'))} {days}" + _year_after(match, locale)


def _day_month(match: re.Match[str], locale: Locale) -> str:
    days = _days(match, locale)
    if days is None:
        return match.group(0)
    the = match.group("the") or "the"
    said = f"{the} {days} of {_month_name(match.group('month'))}" + _year_after(match, locale)
    # "left on 5 Oct.": the month's period also ends the sentence, and espeak needs it there
    return said + final_period(match, or_before_sentence=True)


def _year_after(match: re.Match[str], locale: Locale) -> str:
    year = match.group("year")
    return f"{match.group('sep')}{say_year(int(year), locale)}" if year else ""


def _meridiem(match: re.Match[str]) -> str:
    """AM or PM, which espeak spells out; the period stays where it ends the sentence."""
    meridiem = match.groupdict().get("meridiem")
    if not meridiem:
        return ""
    said = "AM" if meridiem[0] in "Aa" else "PM"
    zone_next = _ZONE_AFTER.match(match.string, match.end())  # "8 p.m. EST" goes on
    return f" {said}{final_period(match, or_before_sentence=not zone_next)}"


# Time zones after a clock, which no sentence begins with.
_ZONE_AFTER = re.compile(r"\s+(?:[ECMP][SD]?T|GMT|BST|UTC|CES?T|IST|AES?T)\b")


# "ran it in 2:59:45", "a time of 3:05:12", "a 2:59:45 marathon", "it took 2:01:09", "the
# record is 2:01:09" (not "the time is 10:30:15", a clock's): hours,
# minutes and seconds after these are a race's time, said as runners say it; "at 10:30:15"
# is a time of day, and so are "the stroke of 12:00:00" and a clock's leading zero ("an
# 08:15:00 departure").
_RACE_CUE = re.compile(
    r"\b(?:in|(?:time|best|record) of|an?|ran|clocked|timed|under|than|record|took|takes"
    r"|lasted|(?:record|best)\s+(?:is|was|stands\s+at|stood\s+at))\s+\Z",
    re.IGNORECASE,
)


def _clock(match: re.Match[str], locale: Locale) -> str:
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    second, meridiem = match.groupdict().get("second"), match.groupdict().get("meridiem")
    race = not match.group("hour").startswith("0") and _RACE_CUE.search(text_before(match, 24))
    if second and not meridiem and race:
        return _race_time(match, locale)
    # No clock's, "12:99", is left for what else it may be (a ratio); with AM or PM ("12:99
    # pm", "13:30 pm") it is a clock mistyped, read as written, not "twelve to ninety-nine".
    impossible = hour > (12 if meridiem else 24) or minute > 59 or (second and int(second) > 59)
    if impossible and not meridiem:
        return match.group(0)
    if match.group("hour") == "00" and not (meridiem or second):  # "0:30" may be a duration
        return _past_midnight(minute)
    said = f"{cardinal(str(hour), locale)} {_minutes(minute, hour, bool(meridiem))}".rstrip()
    if second:
        said += f" and {cardinal(second.lstrip('0') or '0')} seconds"
    return said + _meridiem(match)


def _past_midnight(minute: int) -> str:
    """A 24-hour clock's first hour as a reader says it: "00:00" midnight, "00:30" twelve
    thirty AM (not "zero thirty", nor "zero o'clock")."""
    return f"twelve {_minutes(minute, 12, meridiem=True)} AM" if minute else "midnight"


def _race_time(match: re.Match[str], locale: Locale) -> str:
    """ "2:59:45": two fifty-nine forty-five; "3:05:02": three oh five oh two; "26:00:00":
    twenty-six hours. Hours past a day's are a race's too (the Tour's "82:56:30")."""
    hours, minutes, seconds = (int(n) for n in match.group("hour", "minute", "second"))
    if minutes > 59 or seconds > 59:
        return match.group(0)
    if minutes == seconds == 0:
        return f"{cardinal(str(hours), locale)} {'hour' if hours == 1 else 'hours'}"
    said = [_two_digits(minutes), _two_digits(seconds)]
    return " ".join([cardinal(str(hours), locale), *said] if hours else said)


def _two_digits(number: int) -> str:
    """A race's minutes or seconds: 0 "oh oh", 5 "oh five", 45 "forty-five"."""
    if number > 9:
        return cardinal(str(number))
    return f"oh {cardinal(str(number)) if number else 'oh'}"


# "at 1430 hours" is a time; "1800 hours of work" or "rated at 2000 hours" a count: from 10
# on, a time needs its cue.
_TIME_CUE = re.compile(
    r"(?<!rated )(?<!estimated )(?<!put )\b(?:at|by|until|till|before|after)\s+\Z",
    re.IGNORECASE,
)
_COUNTED = re.compile(r"\s+of\b")


def _military(match: re.Match[str], locale: Locale) -> str:
    hour, minute = match.group("hour", "minute")
    before = text_before(match, 16)
    cued = _TIME_CUE.search(before) is not None
    if not match.group("word") and not (hour[0] == "0" and (cued or before.endswith("for "))):
        return match.group(0)  # "At 0600 the platoon moved": only a leading zero and a cue
    if _COUNTED.match(match.string, match.end()) or (hour[0] != "0" and not cued):
        return match.group(0)
    said = _twenty_four(hour, minute, locale)
    return f"{said} hours" if match.group("word") else said


def _twenty_four(hour: str, minute: str, locale: Locale) -> str:
    """A clock of 24 hours as soldiers say it: "0600" oh six hundred, "2215" twenty-two
    fifteen, "0030" zero thirty."""
    said = cardinal(hour, locale) if hour[0] != "0" else f"oh {cardinal(hour[1], locale)}"
    if hour == "00":
        said = "zero"
    tail = "hundred" if minute == "00" else _minutes(int(minute), int(hour), meridiem=False)
    return f"{said} {tail}"


def _dot_hours(match: re.Match[str], locale: Locale) -> str:
    hour, before = match.group("hour"), text_before(match, 16)
    cued = _TIME_CUE.search(before) and not _CHANGED_BY.search(before)  # not "cut by 13.50"
    if hour[0] != "0" and not cued:
        return match.group(0)
    return _twenty_four(hour, match.group("minute"), locale) + " hours"


def _dot_clock(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 16)
    if _CHANGED_BY.search(before) or (match.group("clause") and _PRICE_CUE.search(before)):
        return match.group(0)
    return _clock(match, locale)


def _daytime_clock(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 16)
    if _CHANGED_BY.search(before) or _MOVED_BEFORE.search(before):
        return match.group(0)
    return _clock(match, locale)


def _dot_clock_range(match: re.Match[str], locale: Locale) -> str:
    past_noon = int(match.group("end").split(".")[0]) < int(match.group("start").split(".")[0])
    if _CHANGED_BY.search(text_before(match, 16)) or not (past_noon or match.group("when")):
        return match.group(0)
    start, end = (_time(match.group(part), locale) for part in ("start", "end"))
    return f"{start}{match.group('to')}{end}"


def _time(written: str, locale: Locale) -> str:
    """ "9.30": nine thirty; "05.00": five o'clock."""
    hour, minute = (int(part) for part in re.split("[.:]", written))
    return f"{cardinal(str(hour), locale)} {_minutes(minute, hour, meridiem=False)}"


def _minutes(minute: int, hour: int, meridiem: bool) -> str:
    if minute == 0:  # 10:00 ten o'clock, 10:00 pm ten PM, 14:00 fourteen hundred
        return "" if meridiem else ("hundred" if hour > 12 else "o'clock")
    return f"oh {cardinal(str(minute))}" if minute < 10 else cardinal(str(minute))


def _hour(match: re.Match[str], locale: Locale) -> str:
    hour, first = int(match.group("hour")), match.group("first")
    if hour > 12 or (first and int(first) > 12):
        return match.group(0)
    said = cardinal(str(hour), locale) + _meridiem(match)
    if not first:
        return said
    # "between the hours of 9-5pm" says "and", as "between the hours of 9am-5pm" does
    between = _BETWEEN_TIMES_BEFORE.search(text_before(match, 24)) is not None
    return f"{cardinal(first, locale)} {joined_by(between, match.string, match.end())} {said}"


def _decimal_meridiem(match: re.Match[str], locale: Locale) -> str:
    return f"{match.group('number')} "


def _decade(match: re.Match[str], locale: Locale) -> str:
    return plural(say_year(int(match.group("year")), locale))


def _short_decade(match: re.Match[str], locale: Locale) -> str:
    return plural(cardinal(match.group("tens")))


def _is_year(text: str) -> bool:
    return _FIRST_YEAR <= int(text) <= _LAST_YEAR


def _year_range(match: re.Match[str], locale: Locale) -> str:
    start, end = match.group("start"), match.group("end")
    whole_end = start[: 4 - len(end)] + end  # "1887-8" runs to 1888, "1914-18" to 1918
    if not (_is_year(start) and _is_year(whole_end)) or int(whole_end) <= int(start):
        return match.group(0)
    if len(end) == 1 and whole_end[2] != "0":
        end = whole_end[2:]  # "1850-1": eighteen fifty to fifty-one, not "to one"
    short = len(end) < 4 and not end.startswith("0")  # "2008–09" runs to two thousand nine
    end_said = cardinal(end) if short else say_year(int(whole_end), locale)
    return f"{say_year(int(start), locale)} {range_word(match)} {end_said}"


def _slashed_years(match: re.Match[str], locale: Locale) -> str:
    start, end = match.group("start", "end")
    following = int(start) + 1
    if not _is_year(start) or int(end) != (following % 100 if len(end) == 2 else following):
        return match.group(0)  # "5/12" and "1850/1900" are no season's
    end_said = cardinal(end, locale) if len(end) == 2 and end[0] != "0" else None
    return f"{say_year(int(start), locale)} to {end_said or say_year(following, locale)}"


def _between_years(match: re.Match[str], locale: Locale) -> str:
    start, end = match.group("start"), match.group("end")
    if not (_is_year(start) and _is_year(end)):
        return match.group(0)
    a, b = match.group("a"), match.group("b")
    return f"{a} {say_year(int(start), locale)} {b} {say_year(int(end), locale)}"


def _year_era(match: re.Match[str], locale: Locale) -> str:
    year, era = say_year(int(match.group("year")), locale), match.group("era").replace(".", "")
    return f"{year} {era}{final_period(match, or_before_sentence=True)}"


def _era_year(match: re.Match[str], locale: Locale) -> str:
    return f"AD {say_year(int(match.group('year')), locale)}"


def _cued_year(match: re.Match[str], locale: Locale) -> str:
    year = match.group("year")
    if not _is_year(year):
        return match.group(0)
    said = f"{match.group('cue')}{match.group('gap')}{say_year(int(year), locale)}"
    return said + _listed_years(match.groupdict().get("more") or "", int(year), locale)


def _short_fiscal_year(match: re.Match[str], locale: Locale) -> str:
    year, end = match.group("year", "end")
    said = _date_year(year, locale)
    return f"{said} to {_date_year(end, locale)}" if end else said


def _listed_years(listed: str, year: int, locale: Locale) -> str:
    """The years after a cued one, each while it is near the one before it; the rest as
    written. A list joined by commas alone is none ("In 1887, 1850 men died"): only up to
    its "and" or "or"."""
    items = list(_LISTED_YEAR.finditer(listed))
    joined = [i for i, item in enumerate(items) if item.group("word")]
    said, end = [], 0
    for item in items[: joined[-1] + 1] if joined else ():
        following = item.group("year")
        if not _is_year(following) or abs(int(following) - year) > _NEAR_YEARS:
            break
        year, end = int(following), item.end()
        said.append(item.group("sep") + say_year(year, locale))
    return "".join(said) + listed[end:]


def _lone_year(match: re.Match[str], locale: Locale) -> str:
    start, year = match.group("start", "year")
    if not _is_year(year) or (start and int(start) >= int(year)):
        return match.group(0)
    said = say_year(int(year), locale)
    return f"{say_year(int(start), locale)} to {said}" if start else said


# "the 2d of May", "February 22d", "the 3d Division", "2d Lieut.": second and third as
# American books of the 19th century wrote them, set as "2nd" and "3rd" for the rules after.
# Only where a date's or a unit's words say so: "2d graphics" and a "3d stamp" (pence) stay.
_OLD_ORDINAL = re.compile(r"(?<![\w.£$])(?P<number>\d{0,2}[23])d\b(?!['’])")
_OLD_ORDINAL_AFTER = re.compile(
    rf"\s+(?:of\s+{MONTH_WORD}|inst(?:\.|ant\b)|ult(?:\.|imo\b)|prox(?:\.|imo\b)"
    r"|(?i:lieut|lt|lieutenant|sergt|sergeant|corps|division|brigade|regiment|battalion|army"
    r"|cavalry|infantry|artillery)\b)"
)
_MONTH_BEFORE = re.compile(rf"\b{MONTH_WORD}\.?\s\Z")
# "the 2d Massachusetts", "the 33d New York": a regiment by its state's name ("the 2d Ising
# model", "the 3d Euclidean space" are dimensions), after "the" or the list it begins ("the
# 2d and 3d Michigan").
_OLD_BEFORE = r"\d{0,2}[23]d(?:,\s*|\s+(?:and|or|&)\s+)"
_THE_BEFORE = re.compile(rf"\b[Tt]he\s(?:{_OLD_BEFORE})*\Z")
_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_STATE_AFTER = re.compile(rf"\s+(?:{_STATES})\b")
# "The 2d and 3d Corps": each of a short list by the words after its last (a few, so that a
# long run of them is not rescanned from each).
_LISTED_NEXT = re.compile(r"(?:(?:,\s*|\s+(?:and|or|&)\s+)\d{0,2}[23]d\b(?!['’])){1,3}")


def _old_ordinal(match: re.Match[str], locale: Locale) -> str:
    number = match.group("number")
    suffix = ordinal_suffix(number)
    if suffix not in ("nd", "rd"):
        return match.group(0)  # "12d" and "13d" would be the twelfth and thirteenth
    text, end, before = match.string, match.end(), text_before(match, 24)
    if listed := _LISTED_NEXT.match(text, end):
        end = listed.end()
    named = _THE_BEFORE.search(before) and _STATE_AFTER.match(text, end)
    if named or _OLD_ORDINAL_AFTER.match(text, end) or _MONTH_BEFORE.search(before):
        return number + suffix
    return match.group(0)


# A month as letters and diaries of the 18th and 19th centuries cut it: "Jan'y 12th",
# "Decr 25th", "Oct'r 3d", "Septr" (espeak: "Janny", "decker"), in full for the date rules.
# No English word is spelt so; "Jany" is a name too (Jany Temime), a month only by a date:
# "Jany 12th", "12 Jany", "the 3d of Jany", "Jany last".
_OLD_MONTH = re.compile(  # the month, then what stands before it: fast over a book
    r"(?P<month>Jan|Feb|Sep|Oct|Nov|Dec|Aug)(?<!\w...)"
    r"(?:(?<=Jan|Feb)(?:['’]?r?y|['’]ry)|(?<=Sep)t?['’]?r|(?<=Oct|Nov|Dec)['’]?r|(?<=Aug)['’]?t)"
    r"\b\.?"
)
_DATE_AFTER = re.compile(r"\.?\s*\d|\s+(?:last|next|inst|ult)\b")
_DATE_BEFORE = re.compile(r"\d(?:st|nd|rd|th|d)?\s+(?:of\s+)?\Z")


def _old_month(match: re.Match[str], locale: Locale) -> str:
    if match.group(0).rstrip(".") == "Jany" and not (
        _DATE_AFTER.match(match.string, match.end() - match.group(0).endswith("."))
        or _DATE_BEFORE.search(text_before(match, 12))
    ):
        return match.group(0)
    said = _month_name(match.group("month"))
    return said + final_period(match, or_before_capital=True)


# Before a day's abbreviation and the written dates read them ("Tues. 4th Jan'y 1814").
OLD_MONTHS = (Rule(_OLD_MONTH, _old_month),)
NUMERIC_DATES = (
    Rule(_ISO_DATE, _iso_date),
    Rule(_NUMERIC_DATE, _numeric_date),
    Rule(_CUED_DAY, _cued_day),
)
WRITTEN_DATES = (
    Rule(_OLD_ORDINAL, _old_ordinal),
    Rule(_MONTH_DAY, _month_day),
    Rule(_DAY_MONTH, _day_month),
    Rule(_MONTH_YEAR, _month_in_full),
    Rule(_MONTH_ALONE, _month_alone),
)


# "9:30-10:30 am": the dash between two clock times; "10am-6pm", "9 a.m.–5:30 p.m.",
# "10am-12 noon", "9am-Midnight", "noon-6pm".
_CLOCK_RANGE = re.compile(r"(?<=\d:\d\d)\s?[–—-]\s?(?=\d{1,2}:\d\d)")
_NOON = r"(?:12\s?)?(?:[Nn]oon|[Mm]idnight)\b"
_MERIDIEM_RANGE = re.compile(
    r"(?:(?<=\d[ap]m)|(?<=\d\s[ap]m)|(?<=\d[AP]M)|(?<=\d\s[AP]M)|(?<=\d[AaPp]\.[Mm]\.)"
    r"|(?<=\d\s[AaPp]\.[Mm]\.)|(?<=\b[Nn]oon)|(?<=\b[Mm]idnight))"
    r"\s?[–—-]\s?"
    rf"(?=\d{{1,2}}(?:[:.]\d\d)?\s?{_AM_PM}|{_NOON})"
)
# "9.30-10.30am", "9-10.30am", "9.30-11am", "10.30-12 noon", "from 11-noon", "9-11:30 am":
# clock times, the am or pm written once, after the second, or a time to noon or midnight. The
# first is read here, the dash as "to"; the second by the rules after (`_CLOCK`, `_HOUR`).
# A range with no dotted time ("9-11am") is `_HOUR`'s; a price ("£2.50-3.50pm") is money's.
_DOTTED_MERIDIEM_RANGE = re.compile(
    r"(?<![\d.,:$£€¥₹#])(?P<start>(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?)\s?[–—-]\s?"
    rf"(?=(?P<end>(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?)\s?{_AM_PM}"
    rf"|(?P<noon>{_NOON}))"
)
# "between 9am-5pm", "between the hours of 9am-5pm": the range said with "and".
_BETWEEN_TIME = r"\b[Bb]etween\s(?:the\shours\sof\s)?"
_BETWEEN_TIME_BEFORE = re.compile(
    rf"{_BETWEEN_TIME}(?:\d{{1,2}}(?:[:.]\d\d)?\s?{_AM_PM}?|{_NOON})\Z"
)
_BETWEEN_TIMES_BEFORE = re.compile(rf"{_BETWEEN_TIME}\Z")


_SECOND_TIME = re.compile(rf"\d{{1,2}}(?:[:.]\d\d)?\s?{_AM_PM}?|{_NOON}")


def _time_range(match: re.Match[str], locale: Locale) -> str:
    between = _BETWEEN_TIME_BEFORE.search(text_before(match, 32))
    return f" {_time_joined(match, between is not None)} "


def _time_joined(match: re.Match[str], between: bool) -> str:
    """ "and" after "between", unless an "and" follows the second time ("between 9-11 am and
    2-4 pm" joins two ranges); else "to"."""
    second = _SECOND_TIME.match(match.string, match.end())
    return joined_by(between, match.string, second.end() if second else match.end())


_HAS_MINUTES = re.compile("[.:]")


def _dotted_meridiem_range(match: re.Match[str], locale: Locale) -> str:
    start, end, noon = match.group("start", "end", "noon")
    if not noon and not _HAS_MINUTES.search(start + end):
        return match.group(0)
    if noon and start == "12":  # "12-noon" is twelve noon hyphenated, not a range to it
        return match.group(0)
    said = _time(start, locale) if _HAS_MINUTES.search(start) else cardinal(start, locale)
    between = _BETWEEN_TIMES_BEFORE.search(text_before(match, 24)) is not None
    return f"{said} {_time_joined(match, between)} "


TIMES = (
    Rule(_VERSE, _verse),
    Rule(_NUMBERED_BOOK, _numbered_book),
    Rule(_CLOCK_RANGE, _time_range),
    Rule(_MERIDIEM_RANGE, _time_range),
    Rule(_DOTTED_MERIDIEM_RANGE, _dotted_meridiem_range),
    Rule(_MILITARY, _military),
    Rule(_CLOCK, _clock),
    Rule(_DOT_CLOCK, _clock),
    Rule(_DOT_CLOCK_RANGE, _dot_clock_range),
    Rule(_CUED_DOT_CLOCK, _dot_clock),
    Rule(_DAYTIME_CLOCK, _daytime_clock),
    Rule(_TIMETABLE, _clock),
    Rule(_DOT_HOURS, _dot_hours),
    Rule(_HOUR, _hour),
    Rule(_DECIMAL_MERIDIEM, _decimal_meridiem),
)
YEARS = (
    Rule(_FISCAL, saying("F Y ")),
    Rule(_SHORT_FISCAL_YEAR, _short_fiscal_year),
    Rule(_DECADE, _decade),
    Rule(_SHORT_DECADE, _short_decade),
    Rule(_YEAR_RANGE, _year_range),
    Rule(_SLASHED_YEARS, _slashed_years),
    Rule(_BETWEEN_YEARS, _between_years),
    Rule(_YEAR_ERA, _year_era),
    Rule(_ERA_YEAR, _era_year),
    Rule(_CUED_YEAR, _cued_year),
    Rule(_THE_YEAR, _cued_year),
    Rule(_LONE_YEAR, _lone_year),
)
