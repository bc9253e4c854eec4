"""Money and percentages: "$3.50" is three dollars and fifty cents, "$3bn" three billion
dollars, "12%" twelve percent (espeak says "dollar three point five zero"). Old British
money too: "£2 10s." is two pounds ten shillings, "5s. 6d." five shillings and six pence."""

import re
from math import gcd
from typing import NamedTuple

from models.normalize.numbers import (
    NUMBER,
    QUANTITY,
    VULGAR,
    cardinal,
    mixed_fraction,
    quantity,
    vulgar,
)
from models.normalize.rule import (
    BETWEEN_BEFORE,
    Locale,
    Rule,
    final_period,
    noun_after,
    qualifies_noun,
    range_word,
    text_before,
)


class Currency(NamedTuple):
    unit: str
    units: str
    subunit: str = ""
    subunits: str = ""


_CURRENCIES = {
    "$": Currency("dollar", "dollars", "cent", "cents"),
    "£": Currency("pound", "pounds", "penny", "pence"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "¥": Currency("yen", "yen"),
    "₹": Currency("rupee", "rupees", "paisa", "paise"),
    # the other signs espeak reads as nothing, or by the sign's name
    "₩": Currency("won", "won"),
    "₽": Currency("ruble", "rubles", "kopek", "kopeks"),
    "₪": Currency("shekel", "shekels", "agora", "agorot"),
    "₱": Currency("peso", "pesos", "centavo", "centavos"),
    "₦": Currency("naira", "naira", "kobo", "kobo"),
    "₺": Currency("lira", "lira", "kuruş", "kuruş"),
    "₴": Currency("hryvnia", "hryvnias", "kopiyka", "kopiykas"),
    "₿": Currency("bitcoin", "bitcoins"),
}
_SIGNS = "".join(_CURRENCIES)
# Dollars named by their country's letters: "US$5", "A$20", "HK$200".
_DOLLARS = {
    "US": "US",
    "A": "Australian",
    "AU": "Australian",
    "C": "Canadian",
    "CA": "Canadian",
    "NZ": "New Zealand",
    "HK": "Hong Kong",
    "S": "Singapore",
}
_SCALES = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion"}
_SCALES |= {"tn": "trillion", "trn": "trillion", "t": "trillion"}
_SCALES |= {w: w for w in ("thousand", "million", "billion", "trillion", "crore", "lakh")}
# India's: "₹500 crore" is five hundred crore rupees.
_SCALES |= {"crores": "crore", "lakhs": "lakh"}

# "$15/hour": fifteen dollars an hour.
_PER = {"hour": "an hour", "hr": "an hour", "day": "a day", "week": "a week", "wk": "a week"}
_PER |= {"month": "a month", "mo": "a month", "year": "a year", "yr": "a year"}
# "$150/night", "$2,000/oz", "$100/bbl": a price per night, per ounce, per barrel.
_PER |= {"night": "a night", "person": "a person", "head": "a head", "share": "a share"}
_PER |= {"oz": "an ounce", "lb": "a pound", "kg": "a kilogram", "ton": "a ton", "tonne": "a tonne"}
_PER |= {"bbl": "a barrel", "barrel": "a barrel", "gal": "a gallon", "gallon": "a gallon"}
# "$3 to $4 million", "between $3 and $4 million": a range of millions whose first number
# borrows the scale of the second (not "three dollars and four million dollars"), where it
# can (`_shares_scale`).
# "$1T", "$2.5T": a trillion, set against its number ("a $10 T shirt" is not).
_SCALE = (
    r"(?:(?i:thousand|million|billion|trillion|k|mn?|bn?|trn|tn|crores?|lakhs?)\b"
    r"|(?<=\d)T(?![-–\w]|\.\w))"
)
# "$.50": cents alone, as older American books set them, fifty cents ("$.05." ending a
# sentence, "$.50-$.75" a range of them).
_CENTS = r"\.\d\d(?![\d,]|\.\d)"
# "$5-to-$10", as "$5–10": five to ten dollars; "$1.2m-$1.5m", "£30k-£40k" with each end's
# scale, one point two to one point five million dollars. "$20-odd", "$100-plus", "$1bn+":
# about so much or more, said "twenty-odd dollars", "one billion-plus dollars".
_MONEY = re.compile(
    rf"(?P<sign>(?<![\w.])[-−])?(?:(?<![\w.])(?P<country>{'|'.join(_DOLLARS)})(?=\$))?"
    rf"(?P<symbol>[{_SIGNS}])\s?(?P<amount>{NUMBER}|{_CENTS})"
    rf"(?P<vulgar>[{VULGAR}](?![\d–—-]))?"
    rf"(?:(?:\s?(?P<from_scale>{_SCALE}))?(?:\s?[–—-]\s?|-to-)(?:{'|'.join(_DOLLARS)})?[{_SIGNS}]?"
    rf"(?P<to>{NUMBER}|{_CENTS})"
    rf"|\s(?P<word>to|and|or)\s(?P<to_country>{'|'.join(_DOLLARS)})?(?P=symbol)"
    rf"(?P<word_to>{NUMBER})"
    rf"(?=\s?{_SCALE}))?"
    rf"(?:\s?(?P<scale>{_SCALE}))?"
    r"(?P<about>-(?:odd|plus)\b|\+(?=[\s.,;:!?)]|\Z))?"
    rf"(?:/(?P<per>{'|'.join(_PER)})\b)?"
)
# "8.3M", "2.5B" without a currency: millions and billions. Only with a decimal point, after
# one: "3M" is a firm, "2B" a pencil, "0.5M" a solution's strength.
_SCALED = re.compile(r"(?<![\w.,])(?P<amount>[1-9]\d*\.\d+)(?P<scale>[MB])\b")
# Nor after a name or a label, whose number it is ("Section 2.3B", "Fig. 2.3B", "see table
# 3.1M"), nor as a chemist's molar strength ("1.5M NaCl", "a 2.5M solution").
_NAMED_BEFORE = re.compile(
    r"(?:\b(?!(?:About|Around|Nearly|Almost|Some|Over|Under|Roughly|Only|Just|Approximately"
    r"|Perhaps|Maybe|Another)\s)[A-Z][\w.]*|\b(?:section|table|fig|figure|version|rule|exhibit|apartment|schedule"
    r"|paragraph|grade|item|step|clause|article|appendix|model|form|page|chapter|part)\.?)\s\Z"
)
_MOLAR_AFTER = re.compile(r"\s+(?:[A-Z]|solutions?\b)")
# "10k followers", "1.2k units": thousands without a currency, before a noun that counts
# many; "the 5k is", "10k resistors", "4K videos", "18k gold" and "his 401k plans" stay
# (five K: a race, a resistance, a resolution, a fineness, a plan).
_COUNTED = (
    "followers|subscribers|views|likes|users|people|members|fans|units|items|copies|words"
    "|miles|steps|visitors|votes|downloads|employees|jobs|readers|sales|signatures|tweets"
    "|posts|customers|students|soldiers|troops|men|women|children|refugees|homes|houses"
    "|cars|tickets|books|songs|lines|hits|emails|messages|dollars|pounds|euros|acres|tons"
    "|requests|parameters|transistors|devices|accounts|images|tokens|queries|searches|barrels"
    "|vehicles|cases|deaths|patients|doses|viewers|listeners|streams|plays|clicks|orders"
)
# "100M users", "175B parameters": millions and billions, whole, before the same nouns ("3M
# employees" work for the firm 3M).
_WHOLE_MILLIONS = re.compile(
    rf"(?<![\w.,$£€¥])(?!3M\b)(?P<amount>[1-9]\d{{0,2}})(?P<scale>[MB])(?=\s+(?:{_COUNTED})\b)"
)
_THOUSANDS = re.compile(
    r"(?<![\w.,$£€¥])(?P<amount>[1-9]\d{0,2}(?:\.\d+)?)[kK]"
    rf"(?=\s+(?:{_COUNTED})\b)"
)
# "8bn people", "1.4 bn", "3tn", "3trn": billions and trillions without a currency; "bn",
# "tn" and "trn" abbreviate nothing else after a number.
_BILLIONS = re.compile(rf"(?<![\w.,])(?P<amount>{NUMBER})\s?(?P<scale>bn|trn|tn)\b")
# Pounds, shillings and pence as an old book writes them. Shillings alone need their
# period and a number not a decade's ("5s." but not "the 80s.", nor an age group's "the
# under-5s."), or a dash for no pence
# ("10/-"), or pence after them ("3s 6d", as later books set it); pence need their period,
# shillings before them or a half ("1½d", no "2d" graphics).
_PENCE = r"(?P<pence>\d{1,2}½?|½)d(?:\.|\b)"
# "3s 6d" without periods is a price only where a price's words follow it, or nothing ("It
# cost 2s 6d.", "2s 6d a pound", "3s 6d each"), and not after "the": "In the 10s 3d movies
# boomed", "He ran 10s 2d faster" are a decade and seconds.
_PRICE_NEXT = (
    r"(?=[\"'’”]*(?:[.,;:!?)\]—]|\s*$)|\s+(?:a|an|per|each|apiece|the|for|or|and|to|with|in"
    r"|on|at|was|is|net|only|post|postage)\b)"
)
_STERLING = re.compile(
    rf"£(?P<pounds>\d[\d,]*)\s(?P<shillings>\d{{1,2}})s\.?(?:\s?{_PENCE})?"
    rf"|(?<![\w.£'’])(?P<s>\d{{1,2}})s\.\s?{_PENCE.replace('pence', 'd')}"
    rf"|(?<![\w.£'’])(?<![Tt]he )(?P<bare_s>1?\d)s\s(?P<bare_d>\d{{1,2}}½?|½)d\b{_PRICE_NEXT}"
    r"|(?<![\w.£'’-])(?<![Tt]he )(?P<lone_s>[1-9]|1[1-9]|21)s\."  # 21s., a guinea
    r"|(?<![\w.£'’])(?P<lone_d>\d{1,2}½?(?=d\.)|\d{0,2}½(?=d\b))d\.?"
    r"|(?<![\w./£'’])(?P<dash_s>[1-9]|1\d)/-(?![\w-])"
)
# "50p" is pence; "1080p" a video's lines (`numerals.LABELLED`).
_AFTER = re.compile(
    rf"\b(?P<amount>{NUMBER})\s?(?P<symbol>[€¢])"
    rf"|(?<![\w.,])(?P<sign>(?<![\w.,)-])[-+−](?=\d))?"
    rf"(?!(?:144|240|360|480|720|1080|1440|2160)p\b)(?P<pence>{NUMBER}|\d*½)p\b"
)  # "3.2p": a share's price in pence and tenths; "-1.25p" its fall; "12½p" a half more
# Nouns an amount qualifies: "a £5 note" is a five-pound note, "a $50 fine" a fifty-dollar one.
_NOUN_NEXT = re.compile(
    r"\s+(?:note|bill|coin|piece|cheque|check|fine|fee|ticket|bet|tip|voucher|bond|stamp"
    r"|prize|reward|loan|budget)s?\b"
)
# An amount joined to a rate qualifies the noun after them with it: "a $100-a-night room", "a
# £20,000-a-year post"; not where no noun follows ("The fee rose $3-a-year.").
_RATE_AFTER = re.compile(r"-(?:a|an|per)-[a-z]+\b")
# "€1,50", "12,99 €": euros and cents as most of Europe writes them, a comma for the point
# (two digits after it: "€1,500" is fifteen hundred).
_EURO_COMMA = re.compile(
    r"(?<=€)(?P<a>\s?\d+),(?P<b>\d\d)(?![\d,])|(?<![\d,.])(?P<c>\d+),(?P<d>\d\d)(?=\s?€)"
)


def _euro_comma(match: re.Match[str], locale: Locale) -> str:
    if match.group("a") is not None:
        return f"{match.group('a')}.{match.group('b')}"
    return f"{match.group('c')}.{match.group('d')}"


_PERCENT = re.compile(rf"(?<![\w.%])(?P<quantity>{QUANTITY})\s?%")  # not "10%-20%"'s minus


def _money(match: re.Match[str], locale: Locale) -> str:
    per = match.group("per")
    if match.group("vulgar"):
        said = _with_fraction(match, locale)
    else:
        said = _amount(match, locale) if _shares_scale(match) else _apart(match, locale)
    return f"{said} {_PER[per]}" if per else said


def _shares_scale(match: re.Match[str]) -> bool:
    """Whether a range joined by a word reads as one amount of the second's scale: "from $3
    to $4 million", "between $3 and $4 million", in one currency, the first the smaller
    and in whole units ("$300 and $4 million", "$3.50 to $4 million" are two amounts), and
    "and" only after "between" ("He paid $3 and $4 million was raised")."""
    word = match.group("word")
    if not word:
        return True
    first, second = (float(match.group(n).replace(",", "")) for n in ("amount", "word_to"))
    whole = not re.search(r"\.\d\d$", match.group("amount"))
    same = match.group("country") == match.group("to_country")
    between = word != "and" or bool(BETWEEN_BEFORE.search(text_before(match, 8)))
    return first < second and whole and same and between


def _with_fraction(match: re.Match[str], locale: Locale) -> str:
    """ "$42⅜ a share": forty-two and three eighths dollars (an old stock quote)."""
    currency = _currency(match.group("symbol"), match.group("country"))
    sign = "minus " if match.group("sign") else ""
    whole = mixed_fraction(match.group("amount"), *vulgar(match.group("vulgar")), locale)
    said = f"{sign}{whole}"
    if match.group("scale"):
        return f"{said} {_SCALES[match.group('scale').lower()]} {currency.units}"
    return f"{said} {currency.units}"


def _apart(match: re.Match[str], locale: Locale) -> str:
    """Two amounts joined by a word, each in its own currency: "three hundred dollars and
    four million dollars"."""
    first = _currency(match.group("symbol"), match.group("country"))
    second = _currency(match.group("symbol"), match.group("to_country"))
    sign = "minus " if match.group("sign") else ""
    scale = _SCALES[match.group("scale").lower()]
    return (
        f"{sign}{say_money(match.group('amount'), first, locale)} {match.group('word')} "
        f"{cardinal(match.group('word_to'), locale)} {scale} {second.units}"
    )


def _amount(match: re.Match[str], locale: Locale) -> str:
    currency = _currency(match.group("symbol"), match.group("country"))
    amount, scale = match.group("amount"), match.group("scale")
    to = match.group("to") or match.group("word_to")
    sign = "minus " if match.group("sign") else ""
    # "a $10 million deal": a ten million-dollar deal, as "a 2.5 billion km journey" is; "a
    # $100-a-night room" a hundred-dollar-a-night one
    qualifies = (scale or not to) and not match.group("per") and _before_noun(match)
    unit = currency.unit.replace(" ", "-")  # a five-US-dollar note
    about = (match.group("about") or "").replace("+", "-plus")  # "$20-odd", "$1bn+"
    if scale or match.group("from_scale") or (about and "." not in amount):
        joined = f" {match.group('word') or 'to'} "
        ends = (_first_end(match, locale), cardinal(to, locale) if to else "")
        said = sign + joined.join(n for n in ends if n)
        said += (f" {_SCALES[scale.lower()]}" if scale else "") + about
        return f"{said}-{unit}" if qualifies else f"{said} {currency.units}"
    if to and "." not in amount + to:  # $5–10: five to ten dollars
        return f"{sign}{cardinal(amount, locale)} to {cardinal(to, locale)} {currency.units}"
    noun_next = _NOUN_NEXT.match(match.string, match.end()) and not match.group("per")
    if not to and amount.replace(",", "").isdigit() and (noun_next or qualifies):
        return f"{sign}{cardinal(amount, locale)}-{unit}"  # a five-pound note
    said = " to ".join(say_money(n, currency, locale) for n in (amount, to) if n)
    return sign + said + about


def _first_end(match: re.Match[str], locale: Locale) -> str:
    """A range's first amount, with its own scale where the second's differs: "$500k-$1.5m"
    is five hundred thousand to one point five million dollars."""
    said, own, scale = cardinal(match.group("amount"), locale), *match.group("from_scale", "scale")
    if own is None or (scale is not None and _SCALES[own.lower()] == _SCALES[scale.lower()]):
        return said
    return f"{said} {_SCALES[own.lower()]}"


def _before_noun(match: re.Match[str]) -> bool:
    """Whether the amount qualifies the noun after it, or after the rate joined to it: "a
    $10 million deal", and after another determiner, "the $4.2bn deal", "its $80m round"."""
    if qualifies_noun(match, determiners=True):
        return True
    rate = _RATE_AFTER.match(match.string, match.end())
    return rate is not None and noun_after(match.string, rate.end())


def _currency(symbol: str, country: str | None) -> Currency:
    """The currency of a symbol; "US$" is US dollars, "A$" Australian dollars."""
    currency = _CURRENCIES[symbol]
    if not country:
        return currency
    name = _DOLLARS[country]
    return currency._replace(unit=f"{name} dollar", units=f"{name} dollars")


def say_money(amount: str, currency: Currency, locale: Locale) -> str:
    """'3.50' dollars -> 'three dollars and fifty cents'; '3.5' -> 'three point five dollars'."""
    whole, _, cents = amount.replace(",", "").partition(".")
    if len(cents) != 2 or not currency.subunit:
        units = currency.unit if amount == "1" else currency.units
        return f"{cardinal(amount, locale)} {units}"
    said = [_count(n, *names, locale) for n, names in _parts(whole, cents, currency) if n]
    return " and ".join(said) or f"zero {currency.units}"


def _parts(whole: str, cents: str, currency: Currency) -> list[tuple[str, tuple[str, str]]]:
    """Dollars and cents as numbers without leading zeros ('' for none), with their names."""
    units, subunits = (currency.unit, currency.units), (currency.subunit, currency.subunits)
    return [(whole.lstrip("0"), units), (cents.lstrip("0"), subunits)]


def _count(number: str, one: str, many: str, locale: Locale) -> str:
    return f"{cardinal(number, locale)} {one if number == '1' else many}"


def _after(match: re.Match[str], locale: Locale) -> str:
    if match.group("pence"):  # 50p
        pence, sign = match.group("pence", "sign")
        said = {"+": "plus ", None: ""}.get(sign, "minus ")
        if "." in pence or "," in pence:  # "3.2p", a share's price; "1,000p"
            return f"{said}{quantity(pence, locale)} pence"
        if pence.endswith("½"):
            return said + _pence(pence, locale)
        return said + _count(pence.lstrip("0") or "0", "penny", "pence", locale)
    amount = match.group("amount")
    if match.group("symbol") == "¢":  # 99¢; "a 10¢ stamp" is a ten-cent one
        if qualifies_noun(match) or _NOUN_NEXT.match(match.string, match.end()):
            return f"{cardinal(amount, locale)}-cent"
        return f"{cardinal(amount, locale)} {'cent' if amount == '1' else 'cents'}"
    return say_money(amount, _CURRENCIES["€"], locale)


# Shillings alone are none after minutes ("1m 9s.", "1h 1m 9s." are seconds), nor after a
# count or another digit's plural ("three 6s.", "0s and 1s.": sixes, ones).
_NO_SHILLINGS_BEFORE = re.compile(
    r"(?:\d\s?[hm]|\b(?i:two|three|four|five|six|seven|eight|nine|ten|double|triple)"
    r"|\ds\s(?:and|or|&))\s\Z"
)


def _sterling(match: re.Match[str], locale: Locale) -> str:
    if match.group("lone_s") and _NO_SHILLINGS_BEFORE.search(text_before(match, 8)):
        return match.group(0)
    pounds = match.group("pounds")
    shillings = match.group("shillings") or match.group("s") or match.group("bare_s")
    shillings = shillings or match.group("dash_s")
    pence = match.group("pence") or match.group("d") or match.group("bare_d")
    pence = pence or match.group("lone_d")
    said = []
    if pounds:
        said.append(_count(pounds.replace(",", ""), "pound", "pounds", locale))
    if shillings or match.group("lone_s"):
        said.append(_count(shillings or match.group("lone_s"), "shilling", "shillings", locale))
    if pence and match.group("lone_d") and qualifies_noun(match, determiners=True):
        said.append(_penny(pence, locale))  # "a 6d. stamp": a sixpenny stamp
    elif pence:
        said.append(_pence(pence, locale))
    if pence:  # two pounds ten shillings and six pence; five shillings and six pence
        said[-2:] = [" and ".join(said[-2:])]
    return " ".join(said) + final_period(match, or_before_capital=True)


# Shillings and pence with a slash, "2/6", "7/6", "12/11": two shillings and six pence (a
# fraction or a date reads "two sixths" or "February sixth"). Only where a price is said:
# a word of buying or paying before it ("It cost 2/6", "paid 3/6", "at 7/6", "for 2/6",
# "price 2/6") or a price's word after it ("2/6 net", "3/6 a week"); not before "of", a
# fraction's ("for 2/6 of the time"), nor with a word of betting in its sentence ("priced
# at 7/4 with the bookmakers", "9/2 odds"). A proper fraction in its lowest terms ("1/2",
# "3/8", "1/10") is a price only where the clause ends or "each" or "net" follows after a
# word of paying ("It cost 1/3.", "cost 1/2 each"; "cost 1/2 as much", "gave 1/10 to the
# church" are fractions), not after "at", "for" or "worth" ("the gauge was at 3/4", "I
# voted for 2/3"). Shillings from 1 to 19; pence from 2 to 11 ("5/1" is odds).
_SLASHED_STERLING = re.compile(  # its first digit, then what stands before it: fast
    r"(?P<shillings>\d(?<![\w./£$€'’,+-]\d)\d?)/(?P<pence>1[01]|[2-9])(?![\w/]|[.,:]\d)"
)
# A word of paying; "only" or "just" may stand between it and the price ("cost only 2/6"),
# but alone they are no cue ("Only 4/6 survived", "Just 6/10 voted").
_PAYING = (
    r"cost|costs|costing|paid|pay|pays|paying|price|priced|prices|charge|charged|charges"
    r"|sold|sells|selling|fetch|fetched|fetches|fee|rent|wage|wages|owed|owes"
)
# Words that lead to a price as often as to anything else: "at 7/6", "for 2/6", "worth
# 2/6", but "the gauge was at 3/4", "I voted for 2/3", "It was worth 1/3".
_LEADING = r"worth|earn|earned|earns|earning|for|at|spent|spend|gave|give"
_PRICE_BEFORE = re.compile(rf"\b(?i:{_PAYING}|{_LEADING})\s(?i:only\s|just\s)?\Z")
_PAYING_BEFORE = re.compile(rf"\b(?i:{_PAYING})\s(?i:only\s|just\s)?\Z")
_PRICE_AFTER = re.compile(
    r"\s(?:net\b|each\b|apiece\b|per\b|a\s(?:week|day|year|month|head|pound|yard|dozen"
    r"|bottle|copy|volume|piece|time|night|quart|pint|box|tin)\b)"
)
_FRACTION_AFTER = re.compile(r"\s+of\b")
_EACH = re.compile(r"\s(?:net|each|apiece)\b")
_CLAUSE_ENDS = re.compile(r"[\"'’”]*(?:[.,;:!?)\]]|\s*\Z)")
_BETTING = re.compile(
    r"\b(?i:odds|odds-on|backed|bet|bets|betting|favou?rite|outsider|shot|bookmakers?"
    r"|bookies?|punters?|wager|each[- ]way|handicap|evens)\b"
)
_SENTENCE_STOP = re.compile(r"[.!?]\s")


def _slashed_sterling(match: re.Match[str], locale: Locale) -> str:
    if not _priced(match):
        return match.group(0)
    shillings, pence = match.group("shillings", "pence")
    said = _count(shillings, "shilling", "shillings", locale)
    return f"{said} and {_pence(pence, locale)}"


def _priced(match: re.Match[str]) -> bool:
    """Whether a slashed pair is said as a price: "It cost 2/6", "2/6 net"; not "It cost 1/2
    as much", "2/6 of them" nor "backed at 9/4"."""
    text, end = match.string, match.end()
    if not 1 <= int(match.group("shillings")) <= 19:
        return False
    if _FRACTION_AFTER.match(text, end) or _betting_near(match):
        return False
    before = text_before(match, 20)
    shillings, pence = (int(n) for n in match.group("shillings", "pence"))
    if shillings < pence and gcd(shillings, pence) == 1:  # "cost 1/2 as much": a fraction
        # after a word of paying only: "the gauge was at 3/4", "I voted for 2/3" are fractions
        paying = _PAYING_BEFORE.search(before) is not None
        return paying and (_CLAUSE_ENDS.match(text, end) or _EACH.match(text, end)) is not None
    return _PRICE_BEFORE.search(before) is not None or _PRICE_AFTER.match(text, end) is not None


def _betting_near(match: re.Match[str]) -> bool:
    """Whether a word of betting stands in the match's sentence, up to 80 characters either
    side of it."""
    text = match.string
    before = text_before(match, 80)
    before = _SENTENCE_STOP.split(before)[-1]
    after = _SENTENCE_STOP.split(text[match.end() : match.end() + 80])[0]
    return _BETTING.search(before) is not None or _BETTING.search(after) is not None


def _penny(written: str, locale: Locale) -> str:
    """Pence before what they price, as one word: "penny", "sixpenny", "three-halfpenny"."""
    if written in ("½", "1½"):
        return "halfpenny" if written == "½" else "three-halfpenny"
    if written.endswith("½") or not 1 <= int(written) <= 11:
        return _pence(written, locale)  # "a 2½d. stamp": two and a half pence
    return "penny" if written == "1" else f"{cardinal(written, locale)}penny"


def _pence(written: str, locale: Locale) -> str:
    whole = written.rstrip("½")
    if written == "½":
        return "halfpenny"  # "a ½d. stamp"
    if written.endswith("½"):
        return f"{cardinal(whole, locale)} and a half pence"
    return _count(whole, "penny", "pence", locale)


def _scaled(match: re.Match[str], locale: Locale) -> str:
    named = _NAMED_BEFORE.search(text_before(match, 16))
    if named or _MOLAR_AFTER.match(match.string, match.end()):
        return match.group(0)
    scale = "million" if match.group("scale") == "M" else "billion"
    return f"{cardinal(match.group('amount'), locale)} {scale}"


def _whole_millions(match: re.Match[str], locale: Locale) -> str:
    scale = "million" if match.group("scale") == "M" else "billion"
    return f"{cardinal(match.group('amount'), locale)} {scale}"


def _thousands(match: re.Match[str], locale: Locale) -> str:
    return f"{cardinal(match.group('amount'), locale)} thousand"


def _billions(match: re.Match[str], locale: Locale) -> str:
    return f"{cardinal(match.group('amount'), locale)} {_SCALES[match.group('scale')]}"


def _percent(match: re.Match[str], locale: Locale) -> str:
    return f"{quantity(match.group('quantity'), locale, range_word(match))} percent"


# A currency by its code or the rupee's "Rs.", before or after the amount: "Rs. 500", "USD
# 20", "500 EUR", set as its symbol for `_MONEY` to read ("GBP" alone, or "EUR" in a word,
# stays).
CURRENCY_CODES = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_CODES = CURRENCY_CODES | {"Rs": "₹", "Rs.": "₹"}
BEFORE_AN_AMOUNT = frozenset({"rs"})  # its period ends no sentence (`worker.segment`)
# Not a pair's rate ("EUR/USD 1.0850"), nor a year's money ("in constant 2010 USD terms"),
# nor a blood test's INR (the International Normalized Ratio, "INR 2.5", "INR 2-3").
_CODE_BEFORE = re.compile(
    r"(?<![\w./])(?P<code>USD|EUR|GBP|JPY|Rs\.?|INR(?=\s?(?:\d{2}|\d,\d{3})))\s?(?=\d)"
)
_CODES_AFTER = "|".join(CURRENCY_CODES)
_YEARS_MONEY = rf"(?:1[89]|20)\d\d\s(?:{_CODES_AFTER})\s+(?:terms|prices|values?|per|basis)\b"
_CODE_AFTER = re.compile(
    rf"(?<![\w.,/])(?!{_YEARS_MONEY})(?P<amount>{NUMBER})\s(?P<code>{_CODES_AFTER})\b(?!/)"
)


# "10,000l. a year", "3l. 10s. 6d.": pounds as Austen and Dickens print them, the libra's
# "l." after the amount; set as "£" for the rules of pounds to read ("5l" without its period
# may be litres).
_LIBRAE = re.compile(r"(?<![\w.,£$€])(?P<amount>\d{1,3}(?:,\d{3})+|\d+)l\.(?!\w|\.)")


def _librae(match: re.Match[str], locale: Locale) -> str:
    return "£" + match.group("amount") + final_period(match, or_before_capital=True)


def _code_before(match: re.Match[str], locale: Locale) -> str:
    return _CODES[match.group("code")]


def _code_after(match: re.Match[str], locale: Locale) -> str:
    return _CODES[match.group("code")] + match.group("amount")


RULES = (
    Rule(_CODE_BEFORE, _code_before),
    Rule(_CODE_AFTER, _code_after),
    Rule(_LIBRAE, _librae),
    Rule(_EURO_COMMA, _euro_comma),
    Rule(_STERLING, _sterling),
    Rule(_SLASHED_STERLING, _slashed_sterling),
    Rule(_MONEY, _money),
    Rule(_SCALED, _scaled),
    Rule(_WHOLE_MILLIONS, _whole_millions),
    Rule(_BILLIONS, _billions),
    Rule(_THOUSANDS, _thousands),
    Rule(_AFTER, _after),
    Rule(_PERCENT, _percent),
)
