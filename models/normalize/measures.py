"""Units after a number: "5 km" is five kilometers, "72°F" seventy-two degrees Fahrenheit.

espeak spells units out letter by letter ("five K M") and drops the degree sign. Only
symbols that are units whenever a number comes first are here: "in" and "s" are not.
"""

import re
from math import gcd

from models.normalize.numbers import (
    NUMBER,
    QUANTITY,
    VULGAR,
    attributive_fraction,
    cardinal,
    fraction,
    mixed_fraction,
    ordinal,
    ordinal_suffix,
    plural,
    quantity,
    vulgar,
)
from models.normalize.rule import (
    Locale,
    Rule,
    after_article,
    clause_near,
    final_period,
    joined_by,
    noun_after,
    qualifies_noun,
    range_word,
    text_before,
)

# symbol: (singular, plural), American spelling (Locale.spell makes it British).
_UNITS = {
    "mm": ("millimeter", "millimeters"),
    "cm": ("centimeter", "centimeters"),
    "m": ("meter", "meters"),
    "km": ("kilometer", "kilometers"),
    "m²": ("square meter", "square meters"),
    "km²": ("square kilometer", "square kilometers"),
    "sq ft": ("square foot", "square feet"),
    "sq. ft": ("square foot", "square feet"),
    "ha": ("hectare", "hectares"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "yds": ("yard", "yards"),
    "mi": ("mile", "miles"),
    "µg": ("microgram", "micrograms"),  # the micro sign
    "μg": ("microgram", "micrograms"),  # the Greek mu
    "mcg": ("microgram", "micrograms"),
    "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "cwt": ("hundredweight", "hundredweight"),
    "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "cl": ("centiliter", "centiliters"),
    "dL": ("deciliter", "deciliters"),
    "mmol": ("millimole", "millimoles"),
    "tsp": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "Tbsp": ("tablespoon", "tablespoons"),
    "L": ("liter", "liters"),
    "gal": ("gallon", "gallons"),
    "mph": ("mile per hour", "miles per hour"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "kts": ("knot", "knots"),
    "m.p.h": ("mile per hour", "miles per hour"),  # its last period is the unit's, below
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "km/s": ("kilometer per second", "kilometers per second"),
    "m/s²": ("meter per second squared", "meters per second squared"),
    "ms": ("millisecond", "milliseconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "doz": ("dozen", "dozen"),
    "ppm": ("part per million", "parts per million"),
    "ppb": ("part per billion", "parts per billion"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "W": ("watt", "watts"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "MW": ("megawatt", "megawatts"),
    "V": ("volt", "volts"),
    "kV": ("kilovolt", "kilovolts"),
    "mA": ("milliamp", "milliamps"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "MWh": ("megawatt hour", "megawatt hours"),
    "GW": ("gigawatt", "gigawatts"),
    "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "kJ": ("kilojoule", "kilojoules"),
    "kcal": ("kilocalorie", "kilocalories"),
    "kPa": ("kilopascal", "kilopascals"),
    "dB": ("decibel", "decibels"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "fps": ("frame per second", "frames per second"),  # or a gun's feet per second
    "bpm": ("beat per minute", "beats per minute"),
    "mEq": ("milliequivalent", "milliequivalents"),
    "kDa": ("kilodalton", "kilodaltons"),
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "mm Hg": ("millimeter of mercury", "millimeters of mercury"),
    "eV": ("electronvolt", "electronvolts"),
    "keV": ("kiloelectronvolt", "kiloelectronvolts"),
    "MeV": ("megaelectronvolt", "megaelectronvolts"),
    "GeV": ("gigaelectronvolt", "gigaelectronvolts"),
    "TeV": ("teraelectronvolt", "teraelectronvolts"),
    "MP": ("megapixel", "megapixels"),  # "a 48MP camera"; Parliament's are "MPs"
    "nm": ("nanometer", "nanometers"),  # or nautical miles, by the words near (`_OTHER_SENSE`)
    # "tons" for tonnes too, which espeak says "tahns"; "Mt" is no mountain after a number
    "Mt": ("megaton", "megatons"),
    "Gt": ("gigaton", "gigatons"),
}
# Areas written out: "40 sq mi", "2 sq. m." (the period after "sq" is the abbreviation's).
_UNITS |= {
    f"sq{dot} {symbol}": (f"square {_UNITS[symbol][0]}", f"square {_UNITS[symbol][1]}")
    for symbol in ("mm", "cm", "m", "km", "yd", "mi")
    for dot in ("", ".")
}
_UNITS |= {"sq in": ("square inch", "square inches"), "sq. in": ("square inch", "square inches")}
# Areas and volumes of lengths: "cm²" is square centimeters, "m³" cubic meters.
_UNITS |= {
    f"{symbol}{power}": (f"{word} {_UNITS[symbol][0]}", f"{word} {_UNITS[symbol][1]}")
    for symbol in ("mm", "cm", "m", "km", "ft", "yd", "mi")
    for power, word in (("²", "square"), ("³", "cubic"))
    if f"{symbol}{power}" not in _UNITS
}
_SCALES = {"F": "Fahrenheit", "C": "Celsius", "K": "kelvin"}
# What a dose or a concentration is per: "5 mg/kg", "160 mg/dL", "0.5 mg/kg/day".
_PER = {"kg": "kilogram", "g": "gram", "L": "liter", "l": "liter", "dL": "deciliter"}
_PER |= {"mL": "milliliter", "ml": "milliliter", "m²": "square meter", "m³": "cubic meter"}
_PER |= {"day": "day", "h": "hour", "hr": "hour", "min": "minute", "mol": "mole"}
_PER["s"] = "second"  # a rate of data, "10 MB/s" (espeak: "M B slash S")

# Longest symbols first, so that "km/h" is not read as "km" and a stray "/h".
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# "5 lb. 3 oz. of it": an abbreviated unit's period is read only where the sentence ends.
# "150 million km": a scale word may stand between the number and its unit. A letter
# that begins a name is no unit: "3,000 V-2 rockets", "3 million W.C. Fields fans".
_UNIT_END = r"(?![\w/²³]|-\d|\.[A-Z]\.)(?:\.(?![\w.]))?"
_MEASURE = re.compile(
    rf"(?<![\w.])(?P<quantity>{QUANTITY})"
    rf"(?:\s(?P<scale>thousand|million|billion|trillion))?(?:\s?|(?P<hyphen>-))(?P<unit>{_UNIT})"
    rf"(?P<per>(?:/(?:{'|'.join(sorted(_PER, key=len, reverse=True))})){{0,2}}){_UNIT_END}"
)
# "in." as `_INCHES` reads it, where the prose goes on: "a 3/4 in. pipe", "1/2 in., then".
_INCH = r"in(?=\.(?:\s+[a-z]|\s*[,;:)\]]))"
# "1/2 kg", "1 1/2 lb", "1½ tsp": a fraction of a unit, "half a kilogram", "three quarters
# of a mile", "one and a half pounds" (not "one/two kilograms"). A fraction in its lowest
# terms and less than one: "20/30 mph" are two speeds.
_FRACTION_MEASURE = re.compile(
    rf"(?<![\w./,])(?:(?P<whole>\d{{1,3}})(?:\s(?=\d)|\s?(?=[{VULGAR}])))?"
    rf"(?:(?P<num>[1-9]\d?)/(?P<den>[1-9]\d?)|(?P<vulgar>[{VULGAR}]))"
    rf"\s?(?P<unit>{_UNIT}|{_INCH}){_UNIT_END}"
)
# Units a period may follow as abbreviations (`worker.segment`: "5 lb. 3 oz." is one sentence).
UNIT_ABBREVIATIONS = frozenset(
    unit
    for unit in _UNITS
    if unit.isalpha() and unit not in ("ppm", "ppb")  # never "ppm."
)
# "–40°": an en dash against a temperature is its minus, unless a number stands before it
# ("20° –25°" is a range). Not after a % or a ° ("20°–25°" is read as written). A star's
# "15 million °C" has its scale word between (left to the signs, "degreesC").
_DEGREES = re.compile(
    rf"(?<![\w.%°º])(?P<dash>–(?=\d))?(?P<quantity>{QUANTITY})"
    r"(?:\s(?P<large>thousand|million|billion))?\s?[°º]\s?(?P<scale>[FCK])?(?!\w)"
)
# A latitude or a longitude: "45°N", "12°34′N", "51.5074° N": degrees (minutes and seconds
# of arc) north. Not "37° E. coli", a bacterium at its temperature.
_COORDINATE = re.compile(
    rf"(?<![\w.])(?P<degrees>{NUMBER})\s?[°º](?:\s?(?P<minutes>[0-5]?\d(?:\.\d+)?)\s?[′'’])?"
    r"(?:\s?(?P<seconds>[0-5]?\d(?:\.\d+)?)\s?[″\"”])?\s?(?P<point>[NSEW])(?![\w'’]|\.\s?[a-z])"
)
_POINTS = {"N": "north", "S": "south", "E": "east", "W": "west"}
_NUMBER_BEFORE = re.compile(r"[\d%°º′″'\"’”]\s*\Z")

# A height in feet and inches: 6'2" or 6' 2" (straight or typographic marks), read "six foot
# two".
_HEIGHT = re.compile(r"(?<![\w.'’])(?P<feet>\d)\s?['’′]\s?(?P<inches>\d{1,2})\s?[\"”″]")


def _height(match: re.Match[str], locale: Locale) -> str:
    feet, inches = match.group("feet"), match.group("inches").lstrip("0")
    said = f"{quantity(feet, locale)} foot"
    return f"{said} {quantity(inches, locale)}" if inches else said


# A length by its marks alone, feet (′) or inches (″): "6′", "a 9″ pie dish", "a 12′ x 14′
# room". Straight marks only before what says a length ("6' tall", '55" wide') or between two
# sides; a double one also between "a" and a noun, where no quotation is open in its
# paragraph ('"Count to 10" he said'). A single one may close a quotation that an
# apostrophe hides from any count ("'I'd give it a 10' said Tom").
_PRIMED = re.compile(
    r"(?<![\w.'’′″\"°º])(?P<amount>\d{1,3}(?:\.\d+)?)\s?(?P<mark>[′″'\"])"
    r"(?:\s?[x×]\s?(?P<by>\d{1,3}(?:\.\d+)?)\s?(?P=mark))?(?![\w'’′″\"])"
)
QUOTE_REACH = 2000
_LENGTH_AFTER = re.compile(r"\s+(?P<word>tall|high|long|wide|deep|across|thick|in diameter)\b(?!-)")


def _primed(match: re.Match[str], locale: Locale) -> str:
    mark, by = match.group("mark", "by")
    qualifies = qualifies_noun(match)
    length = _LENGTH_AFTER.match(match.string, match.end())
    # "'a 9' across the board": after a straight single mark, "across" may be the prose's.
    said_length = by or (length and not (mark == "'" and length.group("word") == "across"))
    if mark in "'\"" and not (said_length or (qualifies and mark == '"')):
        return match.group(0)
    if mark == '"' and _quotation_open(match.string, match.start()):
        return match.group(0)  # the mark may close it
    one, many = ("foot", "feet") if mark in "′'" else ("inch", "inches")
    said = quantity(match.group("amount"), locale, range_word(match))
    if by:
        said = f"{said} by {quantity(by, locale)}"
    if qualifies:
        return f"{said}-{one}"  # a nine-inch pie dish
    return f"{said} {one if match.group('amount') == '1' and not by else many}"


def _quotation_open(text: str, at: int) -> bool:
    """Whether an odd number of straight double quotes precede `at` in its paragraph (at
    most QUOTE_REACH characters back, so that a book of marks is read in linear time)."""
    start = max(0, at - QUOTE_REACH)
    start = max(start, text.rfind("\n", start, at) + 1)
    return text.count('"', start, at) % 2 == 1


# "6 ft 2 in": the inches after feet, where "in" ends the measure ("6 ft 2 in tall", "4 ft 2
# in by 3 ft"; not "6 ft 2 in his socks" or "2 ft 6 in width").
_FEET_INCHES = re.compile(
    r"(?<![\w.])(?P<feet>\d{1,3}(?:,\d{3})?)\s?ft\.?\s(?P<inches>\d{1,2})\s?in\b(?:\.(?![\w.]))?"
    r"(?=\s*(?:[,;:!?)\]]|\.|$)|\s+(?:tall|long|wide|high|deep|thick|and|by|x|of)\b"
    r"|(?<=\.)\s+[a-z])"  # "6 ft. 4 in. in his socks": "in." with its period, the prose goes on
)


# "12 in. by 4 in.", "a 3 in. pipe", "2 in., then": "in." after a number is inches where
# the prose goes on after it in lower case or a comma, or where a second length follows by
# "by" or "x". Not "there were 12 in. The rest were out" (the sentence may end there), nor
# "in" without its period ("2 in 3 people").
_INCHES_SAID = ("inch", "inches")
_INCHES = re.compile(
    rf"(?<![\w./])(?P<quantity>{QUANTITY})\s?in\."
    rf"(?:\s?(?:by|x|×)\s?(?P<second>{QUANTITY})\s?in\.(?![\w.])|(?=\s+[a-z]|\s*[,;:)\]]))"
)


def _inches(match: re.Match[str], locale: Locale) -> str:
    amount, second = match.group("quantity", "second")
    said = quantity(amount, locale, range_word(match))
    if second:
        said = f"{said} {_inch_word(amount)} by {quantity(second, locale)} {_inch_word(second)}"
        return said + final_period(match, or_before_capital=True)
    if qualifies_noun(match, determiners=True):
        return f"{said}-inch"  # a three-inch pipe
    return f"{said} {_inch_word(amount)}"


def _inch_word(amount: str) -> str:
    return "inch" if amount == "1" else "inches"


def _feet_inches(match: re.Match[str], locale: Locale) -> str:
    feet, inches = match.group("feet"), match.group("inches")
    said = (
        f"{quantity(feet, locale)} {'foot' if feet == '1' else 'feet'} "
        f"{quantity(inches, locale)} {'inch' if inches == '1' else 'inches'}"
    )
    return said + final_period(match, or_before_capital=True)


def _measure(match: re.Match[str], locale: Locale) -> str:
    amount, scale = match.group("quantity", "scale")
    one, many = _unit_names(match)
    said = quantity(amount, locale, range_word(match))
    said = f"{said} {scale}" if scale else said
    per = "".join(f" per {_PER[unit]}" for unit in match.group("per").split("/")[1:])
    joined = _JOINED_AFTER.match(match.string, match.end())  # "a 6m-high wall"
    if joined or (match.group("hyphen") and _WORD_AFTER.match(match.string, match.end())):
        return f"{said}-{locale.spell(one + per).replace(' ', '-')}"  # "a 5-mm screw"
    if " per " not in f"{one}{per} " and qualifies_noun(match, determiners=True):
        return f"{said}-{locale.spell(one).replace(' ', '-')}"  # a nine-millimeter pistol
    name = one if amount == "1" and not scale else many
    if _names_a_thing(match):
        name = one  # "a 9mm under his coat", "his 9mm": the thing measured, "a nine-millimeter"
    period = final_period(match, or_before_capital=True)
    return f"{said} {locale.spell(name + per)}{period}"


# Units of two meanings, told by the words near them: "nm" is a chip's or a light's
# nanometers, and a sailor's or a pilot's nautical miles ("200 nm offshore", "a 12 nm limit",
# "flew 300 nm"); "fps" a film's frames per second, and a gun's feet per second ("a muzzle
# velocity of 2,800 fps").
_SEA_WORDS = re.compile(
    r"(?i:\b(?:offshore|off|coast(?:al|line)?|seas?|ships?|vessels?|boats?|navy|naval|fleet"
    r"|exclusion|limit|territorial|flew|fly|flying|flight|aircraft|planes?|airport|knots"
    r"|ports?|harbou?rs?|sail(?:ed|ing)?|submarines?|patrol(?:led|s)?|radius|nautical|islands?"
    r"|heading|bearing|convoy|carrier|destroyers?|cruise[dr]?|steamed)\b)"
)
_GUN_WORDS = re.compile(
    r"(?i:\b(?:muzzle|velocity|bullets?|rounds?|rifles?|guns?|pistols?|cartridges?|shells?"
    r"|projectiles?|arrows?|ballistic|calibre|caliber)\b)"
)
_OTHER_SENSE = {
    "nm": (_SEA_WORDS, ("nautical mile", "nautical miles")),
    "fps": (_GUN_WORDS, ("foot per second", "feet per second")),
}
_SENSE_REACH = 60  # characters either side, in the same clause


def _unit_names(match: re.Match[str]) -> tuple[str, str]:
    """The unit's name and its plural, in the sense the words near it give it."""
    unit = match.group("unit")
    if unit not in _OTHER_SENSE:
        return _UNITS[unit]
    words, names = _OTHER_SENSE[unit]
    return names if words.search(clause_near(match, _SENSE_REACH)) else _UNITS[unit]


def _names_a_thing(match: re.Match[str]) -> bool:
    """Whether the measure names one thing, with no noun after it: after "a" ("a 9mm under
    his coat", "a 10 km in the rain"; not "a 60 mph wind" nor "a 100 m of rope"), or a
    firearm by its calibre ("his 9mm")."""
    text, end = match.string, match.end()
    if _OF_NEXT.match(text, end) or noun_after(text, end):
        return False
    return after_article(match) or _calibre(match)


# A firearm by its calibre, after whose it is: "his 9mm", "the 7.62mm" (set close).
_CALIBRES = frozenset({"9", "5.56", "7.62", "7.65"})
_WHOSE_BEFORE = re.compile(r"\b(?i:his|her|my|your|their|our|the)\s\Z")


def _calibre(match: re.Match[str]) -> bool:
    written = match.group(0)
    return (
        match.group("unit") == "mm"
        and match.group("quantity") in _CALIBRES
        and not match.group("scale")
        and written[len(match.group("quantity"))] == "m"  # set close: "9mm", not "9 mm"
        and _WHOSE_BEFORE.search(text_before(match, 6)) is not None
    )


def _fraction_measure(match: re.Match[str], locale: Locale) -> str:
    whole, written = match.group("whole", "vulgar")
    num, den = vulgar(written) if written else (int(match.group("num")), int(match.group("den")))
    if num >= den or gcd(num, den) > 1:
        return match.group(0)  # the unit goes with the second number (`_MEASURE`)
    one, many = (locale.spell(name) for name in _UNITS.get(match.group("unit"), _INCHES_SAID))
    period = final_period(match, or_before_capital=True)
    if whole:
        return f"{mixed_fraction(whole, num, den, locale)} {many}{period}"
    if _qualifies(match):  # "a 1/4 lb burger": a quarter-pound burger
        return f"{attributive_fraction(num, den, locale)}-{one}"
    if (num, den) == (1, 2):
        return f"half {_an(one)} {one}{period}"
    said = fraction(num, den, locale)
    if num == 1:  # a quarter, an eighth
        said = said.removeprefix("one ")
        said = f"{_an(said)} {said}"
    return f"{said} of {_an(one)} {one}{period}"


_THE_BEFORE = re.compile(r"\b(?i:the|this|that)\s\Z")
# A unit joined to the word after it makes one qualifier with it, its unit singular: "a 6m-high
# wall" is six-meter-high, "a 10 ft-tall statue" ten-foot-tall.
_JOINED_AFTER = re.compile(r"-[a-z]")
_WORD_AFTER = re.compile(r"\s+(?!of\b)[a-z]")


def _qualifies(match: re.Match[str]) -> bool:
    """Whether the amount stands between an article and the noun it qualifies."""
    the = _THE_BEFORE.search(text_before(match, 6)) and _WORD_AFTER.match(match.string, match.end())
    return bool(the) or qualifies_noun(match)


def _an(word: str) -> str:
    """The article a unit's name takes: "an ounce", "an hour", "a meter"."""
    return "an" if word.startswith(("a", "e", "i", "o", "u", "hour")) else "a"


# "9.58s", "a 2.5s delay": seconds, where "s" is glued to a decimal (a whole number's "s"
# may be a plural or a decade: "the 1980s", "10s of them"); "in 10.5 s", "30 s to load":
# the SI symbol set apart from any number (not "the 5 s's").
_DECIMAL_SECONDS = re.compile(
    r"(?<![\w.])(?P<quantity>\d+\.\d+(?=s)|(?:\d{1,3}|\d+\.\d+)(?= s))\s?s\b(?!['’-])"
    r"(?!\.\s*(?:\d|[a-z]))"
)


def _decimal_seconds(match: re.Match[str], locale: Locale) -> str:
    amount = match.group("quantity")
    said = quantity(amount, locale)
    if qualifies_noun(match, determiners=True):
        return f"{said}-second"
    return f"{said} {'second' if amount == '1' else 'seconds'}"


# "2h 15m", "1h 1m 39s": a duration. An "m" is minutes only after hours ("15m" alone is meters).
_HOURS_MINUTES = re.compile(
    r"(?<![\w.])(?P<hours>\d{1,3})\s?h\s?(?P<minutes>[0-5]?\d)\s?m(?:ins?)?\b"
    r"(?:\s?(?P<seconds>[0-5]?\d)\s?s\b)?"
)


# A camera's exposure, "1/250 s", "1/125 sec", "a 1/1000 second exposure": a two hundred
# fiftieth of a second (espeak: "one slash two hundred fifty seconds").
_EXPOSURE = re.compile(
    r"(?<![\w./,])1/(?P<den>[2-9]|[1-9]\d{1,4})\s?(?:s|secs?|seconds?)\b(?!['’]|\.\w)"
)
_OWN_PARTS = 16  # "1/4 s" is a quarter of a second, by the fraction's own name


def _exposure(match: re.Match[str], locale: Locale) -> str:
    den = match.group("den")
    small = int(den) <= _OWN_PARTS
    nth = (fraction(1, int(den), locale) if small else ordinal(den, locale)).removeprefix("one ")
    if nth == "half":
        return "half-second" if qualifies_noun(match) else "half a second"
    if qualifies_noun(match):
        return f"{nth}-of-a-second"  # "a 1/1000 second exposure", the article before it
    return f"{'an' if nth.startswith(('eight', 'eleven')) else 'a'} {nth} of a second"


# "1m 39s", "2m 05s", "1m 23.4s": minutes and seconds, a lap's or a race's time.
_MINUTES_SECONDS = re.compile(
    r"(?<![\w.])(?P<minutes>\d{1,3})\s?m\s?(?P<seconds>[0-5]?\d(?:\.\d+)?)\s?s\b(?!['’-])"
)


def _hours_minutes(match: re.Match[str], locale: Locale) -> str:
    """ "two hours fifteen minutes"; before what it qualifies, "a one-hour thirty-minute drive"."""
    qualifies = qualifies_noun(match, determiners=True)
    said = []
    for unit in ("hour", "minute", "second"):
        amount = match.groupdict().get(f"{unit}s")
        if amount is not None:
            amount = amount[1:] if amount[0] == "0" and amount[1:2].isdigit() else amount
            name = unit if qualifies or amount == "1" else f"{unit}s"
            said.append(f"{quantity(amount, locale)}{'-' if qualifies else ' '}{name}")
    return " ".join(said)


def _degrees(match: re.Match[str], locale: Locale) -> str:
    amount, scale, large = match.group("quantity", "scale", "large")
    plain = not (scale or large or match.group("dash"))
    if plain and qualifies_noun(match, determiners=True):
        return f"{quantity(amount, locale)}-degree"  # a forty-five-degree angle
    said = quantity(amount, locale, range_word(match)) + (f" {large}" if large else "")
    said = f"{said} {'degree' if amount == '1' and not large else 'degrees'}"
    if match.group("dash"):
        before = text_before(match, 4)
        said = ("–" if _NUMBER_BEFORE.search(before) else "minus ") + said
    return f"{said} {_SCALES[scale]}" if scale else said


# "350 degrees F", "180 degrees C": the scale's letter after the word, as American recipes
# write it (espeak: "degrees F"). An abbreviation's period is dropped where the prose goes on
# ("at 350 degrees F. for an hour"). Only after a number's digits: "honorary degrees C. S.
# Lewis declined", "her two degrees F and G" name no scale.
_PROSE_GOES_ON = re.compile(r"\s+[a-z(]")
_DEGREES_LETTER = re.compile(
    r"(?P<word>[Dd](?<!\w[Dd])(?<=\d [Dd])egrees?)\s(?P<scale>[FCK])(?P<dot>\.)?(?![\w'’])"
)


def _degrees_letter(match: re.Match[str], locale: Locale) -> str:
    said = f"{match.group('word')} {_SCALES[match.group('scale')]}"
    if match.group("dot") and not _PROSE_GOES_ON.match(match.string, match.end()):
        said += "."
    return said


# "Heat the oven to 200C/180C fan/gas 6", "It was 30C in the shade", "Bake at 350F": a
# temperature without its degree sign, as British papers and recipes set it (espeak: "two
# hundred C"). A number and a letter are a flat's, a seat's, a floor's, a bus's or a bra's
# as often, so a temperature is told by where it stands and what is said near it: a word of
# an oven or a thermometer ("oven", "bake", "temperature") or of weather ("hot", "summer", "a
# high of") in its clause, and a word before it that a temperature takes ("was", "at", "of",
# "reached", "rose to", "a balmy"; "to" only for an oven's heat: "Heat the oil to 180C"), a
# weather's temperature ending its clause ("The summer heat peaked at 38C."). Or the same
# temperature in the other scale just before or after it ("350F (175C)", "180C/350F"), or an
# oven's setting or the weather's words after it (" fan", "/gas", " in the shade", " heat").
# "Seat 14C", "a 2C pencil", "It was cold in 3C", "She baked a cake for 4C", "the oven at 21C
# Baker Street", "It was hot and he wore a 38C bra", "Bra sizes 34C/36C" stay. Read as "200°C"
# is, the sign put in for `_DEGREES`.
_BARE_TEMPERATURE = re.compile(  # its first digit, then what stands before it: fast
    r"(?P<amount>\d(?<![\w.,/°º–]\d)\d{0,2}) ?(?P<scale>[CF])(?![\w'’+#-])"
)
_OVEN_WORDS = frozenset({
    "oven", "ovens", "heat", "heated", "preheat", "pre-heat", "preheated", "bake", "baked",
    "baking", "roast", "roasted", "roasting", "cook", "cooked", "fry", "gas",
})  # fmt: skip
_THERMOMETER_WORDS = frozenset({
    "temperature", "temperatures", "thermometer", "thermostat", "heatwave", "weather",
    "forecast", "mercury", "degrees", "minus", "boils", "boiling", "freezes", "melts",
})  # fmt: skip
_WEATHER_WORDS = frozenset({
    "warm", "hot", "cold", "cool", "chilly", "freezing", "balmy", "sweltering", "scorching",
    "mild", "humid", "summer", "winter", "high", "highs", "low", "lows",
})  # fmt: skip
_CLAUSE_WORD = re.compile(r"[a-z][a-z-]*")
# Where a temperature stands: "It was 30C", "peaked at 38C", "a high of 30C", "rose to 40C",
# "a balmy 25C", "The thermostat read 21C", "cold, 5C"; not "in 3C", "for 4C", "and 3C",
# "moved to 10C".
_TEMPERATURE_PLACE = re.compile(
    r"(?:\b(?i:was|is|were|are|be|been|it[’']s|at|of|reach|reached|reaching|hit|hitting|topped"
    r"|topping|touched|peaked|around|about|nearly|almost|over|above|below|under|exceeded"
    r"|exceeding|than|read|reads|said|says|showed|shows|registered|recorded|fan|(?:rose|risen|rising|rises|fell|fallen"
    r"|falling|falls|dropped|dropping|drops|soared|soaring|plunged|plunging|up|down)\s(?:to|by)"
    r"|an?\s[a-z]+)\s|[a-z][,:]\s)(?:minus\s|-)?\Z"
)
_TO_BEFORE = re.compile(r"\bto\s\Z")
_RANGE_START = re.compile(r"(?<![\w.,])\d{1,3}(?:\s?[-–]\s?|\sto\s)\Z")
# A weather's temperature ends its clause, or weather's words follow it.
_TEMPERATURE_ENDS = re.compile(
    r"[\"'’”]*(?:[.,;:!?)\]]|\s*\Z|\s(?:today|yesterday|tomorrow|overnight"
    r"|at\s(?:noon|midday|night|dawn)|by\s(?:noon|midday)|(?:and|or|to)\s(?:minus\s)?\d"
    r"|weather|sunshine|are\sexpected|expected|forecast"
    r"|and\s(?:rising|falling|climbing|humid|sunny|dry|overcast))\b)"
)
_NAME_AFTER = re.compile(r"\s(?!Gas\b|Fan\b)[A-Z][a-z]")  # "21C Baker Street"
# The same temperature in the other scale, or a lower setting for a fan oven: "350F (175C)",
# "180C/350F", "30C, 86F", "200C/180C fan"; a sign on the one before is enough ("350°F (175C)").
_BARE_BEFORE = re.compile(r"(?<![\w.,/°º–])(?P<amount>\d{1,3})(?P<sign>°?) ?(?P<scale>[CF])")
_TEMPERATURE_BEFORE = re.compile(rf"{_BARE_BEFORE.pattern}(?: ?\(|,\s|/\s?)\Z")
_TEMPERATURE_AFTER = re.compile(
    r"(?:/\s?|,\s| ?\()(?P<amount>\d{2,3})(?P<sign>°?)(?P<scale>[CF])\b"
)
_OVEN_AFTER = re.compile(
    r"\s?fan\b|/\s?gas\b|\s(?:in\sthe\sshade|outside|heat|sunshine|(?:fan\s)?oven)\b"
)
# A seat's, a flat's, a bus's letter: "In summer seat 14C is hot"; a name's, within a
# sentence: "The weather at Terminal 2F was cold", "She rose to Band 3C".
_LABEL_BEFORE = re.compile(
    r"\b(?i:seats?|rooms?|apt\.?|apartment|flat|suite|gate|bus|row|platform|floor|grade|cabin"
    r"|berth|unit|box|locker|no\.|number|route|block|table|size)\s\Z|#\Z"
    r"|[\w,;)]\s(?!Fan\b|Gas\b)[A-Z][A-Za-z]*\s\Z"
)
# "200°C/180°C fan/gas 6": an oven's settings, said one after another (espeak: "slash"); a
# bare temperature's slash only before its other scale or a gas mark ("Sizes 34C/36C" stay).
_OVEN_SLASH = re.compile(  # the slash first, then what stands before it: fast
    r"/(?:(?<=\d[CF]/)|(?<=\d°[CF]/)|(?<=\d [CF]/)|(?<=\bfan/))"
    r"(?=\d{2,3} ?°?[CF]\b|(?i:gas)(?:\s(?i:mark))?\s?\d)"
)
_SLASHED_BEFORE = re.compile(rf"{_BARE_BEFORE.pattern}\Z")
_SLASHED_AFTER = re.compile(r"(?P<amount>\d{2,3}) ?(?P<sign>°?)(?P<scale>[CF])\b")


def _oven_slash(match: re.Match[str], locale: Locale) -> str:
    first = _SLASHED_BEFORE.search(text_before(match, 8))
    second = _SLASHED_AFTER.match(match.string, match.end())
    if first and second and not (first.group("sign") or _paired(first, second)):
        return match.group(0)  # "Bra sizes 34C/36C"
    return ", "


def _paired(first: re.Match[str], second: re.Match[str]) -> bool:
    """Whether two temperatures are one in both scales ("180C/350F": recipes round it, 30C
    86F) or an oven's two settings, the fan's the lower ("200C/180C")."""
    a, b = int(first.group("amount")), int(second.group("amount"))
    if first.group("scale") == second.group("scale"):
        return a > b >= 100
    celsius, fahrenheit = (a, b) if first.group("scale") == "C" else (b, a)
    return abs(fahrenheit - (celsius * 9 / 5 + 32)) <= 3 + fahrenheit / 20


def _bare_temperature(match: re.Match[str], locale: Locale) -> str:
    return (
        f"{match.group('amount')}°{match.group('scale')}"
        if _a_temperature(match)
        else match.group(0)
    )


def _a_temperature(match: re.Match[str]) -> bool:
    amount, scale = int(match.group("amount")), match.group("scale")
    if amount > (300 if scale == "C" else 600):
        return False
    text, end = match.string, match.end()
    before = text_before(match, 60)
    if _LABEL_BEFORE.search(before) or _NAME_AFTER.match(text, end):
        return False  # "seat 14C", "Gate 3C outside", "21C Baker Street"
    other = _TEMPERATURE_BEFORE.search(before)
    following = _TEMPERATURE_AFTER.match(text, end)
    if (
        (other is not None and (other.group("sign") != "" or _paired(other, match)))
        or (following is not None and _paired(match, following))
        or _OVEN_AFTER.match(text, end) is not None
    ):
        return True
    before = _RANGE_START.sub("", before)  # "temperatures of 25-30C": the range's word
    words = set(_CLAUSE_WORD.findall(re.split(r"[.!?]", before)[-1][-40:].lower()))
    oven = not _OVEN_WORDS.isdisjoint(words)
    if _TEMPERATURE_PLACE.search(before) is None:
        # "Preheat the oven to 200C", "Heat the oil to 180C"; not "The cake went to 4C"
        return oven and amount >= (100 if scale == "C" else 200) and bool(_TO_BEFORE.search(before))
    if oven or not _THERMOMETER_WORDS.isdisjoint(words):
        return True
    return not _WEATHER_WORDS.isdisjoint(words) and _TEMPERATURE_ENDS.match(text, end) is not None


_ARC = (("degrees", "degree"), ("minutes", "minute"), ("seconds", "second"))


def _coordinate(match: re.Match[str], locale: Locale) -> str:
    said = [
        f"{quantity(amount, locale)} {one if amount == '1' else many}"
        for many, one in _ARC
        if (amount := match.group(many)) is not None
    ]
    return f"{' '.join(said)} {_POINTS[match.group('point')]}"


# "1.5m people" are a million and a half of them, not meters: "m" before what is counted.
_MILLIONS = re.compile(
    rf"(?<![\w.])(?P<quantity>{QUANTITY})m(?=\s+(?:people|persons|copies|users|viewers|readers"
    r"|visitors|voters|residents|inhabitants|customers|subscribers|members|children|men|women"
    r"|deaths|cases|jobs|homes|households|acres|tons|tonnes|barrels|years|miles|population"
    r"|units|shares|votes|tourists|passengers|fans|downloads|followers|listeners|students"
    r"|workers|employees|patients|refugees|migrants|troops|soldiers|vehicles|cars|tickets"
    r"|books|records|albums|views|sales|dollars|pounds|euros|animals|trees|birds)\b)"
)
# A race's distance before "records" ("the 100m and 200m records") is meters, unless sold.
_TRACK = frozenset({"60", "100", "110", "200", "400", "800", "1500", "3000", "5000", "10000"})
_SOLD = re.compile(r"(?i:\bsold|\bsell|\bsales\b)")
_RECORDS_NEXT = re.compile(r"\s+records\b")


def _millions(match: re.Match[str], locale: Locale) -> str:
    amount, end = match.group("quantity"), match.end()
    if (
        amount in _TRACK
        and _RECORDS_NEXT.match(match.string, end)
        and not _SOLD.search(text_before(match, 40))
    ):
        return match.group(0)
    return f"{quantity(match.group('quantity'), locale, range_word(match))} million"


# "3 × 10^8 m/s", "6.02 × 10²³ kg": a unit after a power of ten, which `marks` has said by
# now ("10 to the eighth"); a count per a unit, "150 × 10^9/L" (platelets per liter).
_AFTER_POWER = re.compile(
    rf"(?<=\b10 to the )(?P<power>(?:minus )?[a-z]+(?:-[a-z]+)?)"
    rf"(?: (?P<unit>{_UNIT})|/(?P<per>{'|'.join(sorted(_PER, key=len, reverse=True))})){_UNIT_END}"
)


def _after_power(match: re.Match[str], locale: Locale) -> str:
    power, unit, per = match.group("power", "unit", "per")
    said = f"per {_PER[per]}" if per else _UNITS[unit][1]
    return f"{power} {locale.spell(said)}{final_period(match, or_before_capital=True)}"


# A British weight in stone: "9st 3", "8st 10lb", "a 12st man", "14 st. 2 lb." ("21st" is
# an ordinal, "14 St." a street or a saint).
_STONE = re.compile(
    r"(?<![\w./])(?P<stone>\d{1,2})(?P<space>\s?)st\b(?:\.(?=\s))?"
    r"(?:\s(?P<pounds>\d{1,2})(?![\w.,/]\d|/)(?P<lb>\s?lbs?\b\.?)?)?"
)
_OF_NEXT = re.compile(r"\s+of\b")


def _stone(match: re.Match[str], locale: Locale) -> str:
    stone, pounds = match.group("stone", "pounds")
    if not match.group("space") and ordinal_suffix(stone) == "st":
        return match.group(0)  # "21st": the ordinal
    if not pounds and _OF_NEXT.match(match.string, match.end()):
        return match.group(0)  # "the 21 st of June", as old scans set an ordinal
    said = f"{cardinal(stone, locale)} stone"
    if pounds:
        said += f" {cardinal(pounds, locale)}" + (" pounds" if match.group("lb") else "")
    return said + final_period(match, or_before_capital=True)


# A recipe's shorthand, after an amount and before what is measured: "1 c. flour", "2 T.
# butter", "1/2 t. salt" (cup, tablespoon, teaspoon). Rewritten to the symbols the rules
# below read ("2 tbsp"); not "c. 1850" (circa) nor "5 t" (tonnes), which have no period
# or no ingredient after them.
_RECIPE = re.compile(
    rf"(?<![\w./])(?P<amount>(?:\d\s)?[1-9]/[1-9]|(?:\d\s?)?[{VULGAR}]|\d{{1,2}}(?:\.\d+)?)"
    r"\s?(?P<unit>[cCtT])\.(?=\s+(?!(?:of|and|or|the|a|an|in|at|to|by|is|was)\b)[a-z])"
)
# ... and only among a recipe's words: "12 C. difficile cases", "2 T. rex skeletons" and
# "at 80 C. stir" are a genus's initial and a temperature.
_KITCHEN = re.compile(
    r"(?i:\b(?:cups?|tsp|tbsp|teaspoons?|tablespoons?|oz|ounces?|lbs?|pinch|flour|sugar"
    r"|butter|salt|milk|eggs?|oil|water|cream|honey|vanilla|baking|bake|stir|whisk|mix|combine"
    r"|knead|simmer|boil|chop|melt|beat|fold|sift|recipe|ingredients?|serves)\b)"
)
_KITCHEN_REACH = 200  # characters either side
_NEXT_WORD = re.compile(r"\s+(\w+)")


def _in_a_recipe(match: re.Match[str], capital: bool) -> bool:
    """A recipe's words around the match; after "T." or "C." the very next word must be
    one ("2 T. butter"), a genus's initial being as likely there ("2 T. rex")."""
    text, reach = match.string, _KITCHEN_REACH
    if capital:
        following = _NEXT_WORD.match(text, match.end())
        return following is not None and _KITCHEN.fullmatch(following.group(1)) is not None
    before = text[max(0, match.start() - reach) : match.start()]
    return bool(_KITCHEN.search(before) or _KITCHEN.search(text, match.end(), match.end() + reach))


def _recipe(match: re.Match[str], locale: Locale) -> str:
    amount, unit = match.group("amount", "unit")
    if not _in_a_recipe(match, capital=unit.isupper()):
        return match.group(0)
    if unit in "cC":
        one = amount == "1" or "/" in amount or amount in VULGAR
        return f"{amount} {'cup' if one else 'cups'}"
    return f"{amount} {'tbsp' if unit == 'T' else 'tsp'}"


# A rate's basis points: "25bp", "a 50 bp cut", "rose 25 bps" (hundredths of a percent).
# "bps" is also bits per second ("a 300 bps modem"): basis points only with a word of rates
# or money near ("cut rates by 25 bps", "the spread widened 40 bps").
_BASIS_POINTS = re.compile(
    r"(?P<quantity>\d(?<![\w.,]\d)(?:[\d,]*\d)?(?:\.\d+)?)\s?(?P<unit>bps?)\b(?!\.\w)"
)  # its first digit, then what stands before it: a lookbehind first is tried everywhere
_RATE_WORDS = re.compile(
    r"(?i:\b(?:rates?|yields?|spreads?|cut|cuts|hikes?|raised|lowered|basis|bonds?|Fed|coupon"
    r"|margins?|tighten(?:ed)?|widen(?:ed)?|percent|treasur(?:y|ies)|interest|loans?|banks?)\b)|%"
)
_RATE_REACH = 60  # characters either side
# ...unless a word of data is near too: "the bank's old modem ran at 2400 bps".
_DATA_WORDS = re.compile(
    r"(?i:\b(?:modems?|baud|bits?|bytes?|serial|download(?:s|ed)?|upload(?:s|ed)?|bandwidth"
    r"|throughput|ethernet|wi-?fi)\b)"
)


def _basis_points(match: re.Match[str], locale: Locale) -> str:
    if match.group("unit") == "bps":
        text, start, end = match.string, match.start(), match.end()
        near = text[max(0, start - _RATE_REACH) : start] + " " + text[end : end + _RATE_REACH]
        if not _RATE_WORDS.search(near) or _DATA_WORDS.search(near):
            return match.group(0)
    return _points(match, "basis point", locale)  # a fifty-basis-point cut


def _points(match: re.Match[str], unit: str, locale: Locale) -> str:
    """An amount of points, before a noun joined to it: "a fifty-basis-point cut"."""
    amount = match.group("quantity")
    said = quantity(amount, locale)
    if qualifies_noun(match):
        return f"{said}-{unit.replace(' ', '-')}"
    return f"{said} {unit if amount == '1' else unit + 's'}"


# A share's change in percentage points: "rose 0.5pp", "down 2 ppts", "a 1.5pp lead" (a book's
# "300 pp." is its pages): after a word of change, or with a rate's or a share's words near.
_PERCENTAGE_POINTS = re.compile(
    r"(?P<quantity>\d(?<![\w.,]\d)(?:[\d,]*\d)?(?:\.\d+)?)\s?(?:pp|ppts?)\b(?!\.\w)"
)  # its first digit, then what stands before it, as `_BASIS_POINTS`
_CHANGED_BEFORE = re.compile(
    r"\b(?i:by|rose|risen|rises|fell|fallen|falls|up|down|gained|lost|added|shed|cut|slowed"
    r"|narrowed|widened|increased|decreased|dropped|climbed|jumped|slipped|grew|shrank)\s\Z"
)
_SHARE_WORDS = re.compile(
    r"(?i:\b(?:polls?|lead|gap|shares?|growth|inflation|unemployment|turnout|GDP|percentage)\b)"
)


def _percentage_points(match: re.Match[str], locale: Locale) -> str:
    if not (_CHANGED_BEFORE.search(text_before(match, 12)) or _rates_near(match)):
        return match.group(0)
    return _points(match, "percentage point", locale)  # a two-percentage-point lead


def _rates_near(match: re.Match[str]) -> bool:
    """A rate's or a share's words in the clause, where "pp" is not a book's pages set apart
    ("runs to 300 pp.")."""
    spaced = match.group(0)[len(match.group("quantity"))].isspace()
    if spaced and match.string.startswith(".", match.end()):
        return False
    near = clause_near(match, _RATE_REACH)
    return bool(_RATE_WORDS.search(near) or _SHARE_WORDS.search(near))


# "2 x 4s", "a stack of 2x4s": lumber by its sides, the second side's "s" a plural ("two by
# fours"), not old money's shillings ("3 x 2s. 6d.", "12 x 6s 8d": pence after).
_LUMBER = re.compile(
    r"(?P<first>[1-9](?<![\w.][1-9])\d?)\s?[x×]\s?(?P<second>[1-9]\d?)s\b"
    r"(?!['’]|\.\s?\d|\s?\d{1,2}[½¼¾]?d\b)"
)


def _lumber(match: re.Match[str], locale: Locale) -> str:
    first, second = (cardinal(match.group(n), locale) for n in ("first", "second"))
    return f"{first} by {plural(second)}"


# "500 cars/day", "3 meals/day", "40 hours/week": a count per a span of time or a head
# ("500 cars a day" as said; espeak says "slash"). Only after a number and its noun.
_COUNT_PER = re.compile(
    r"(?P<count>\d(?<![\w.,]\d)[\d,]*(?:\.\d+)?\s[a-z]{2,})"
    r"/(?P<per>day|week|month|year|hour|night|minute|second|person|head|capita)\b(?![/\w])"
)


def _count_per(match: re.Match[str], locale: Locale) -> str:
    return f"{match.group('count')} per {match.group('per')}"


LUMBER = (Rule(_LUMBER, _lumber),)  # before "x" is read between numbers
RULES = (
    Rule(_COUNT_PER, _count_per),
    Rule(_BASIS_POINTS, _basis_points),
    Rule(_PERCENTAGE_POINTS, _percentage_points),
    Rule(_RECIPE, _recipe),
    Rule(_STONE, _stone),
    Rule(_COORDINATE, _coordinate),
    Rule(_HEIGHT, _height),
    Rule(_PRIMED, _primed),
    Rule(_OVEN_SLASH, _oven_slash),
    Rule(_BARE_TEMPERATURE, _bare_temperature),
    Rule(_DEGREES, _degrees),
    Rule(_DEGREES_LETTER, _degrees_letter),
    Rule(_MILLIONS, _millions),
    Rule(_FEET_INCHES, _feet_inches),
    Rule(_INCHES, _inches),
    Rule(_EXPOSURE, _exposure),
    Rule(_HOURS_MINUTES, _hours_minutes),
    Rule(_MINUTES_SECONDS, _hours_minutes),
    Rule(_DECIMAL_SECONDS, _decimal_seconds),
    Rule(_FRACTION_MEASURE, _fraction_measure),
    Rule(_MEASURE, _measure),
)
AFTER_POWERS = (Rule(_AFTER_POWER, _after_power),)


# "10%-15%", "15°–25°C", "15°C-25°C", "10% - 15%": a range whose ends each carry their sign,
# the dash said as a word before the percentages and degrees are read ("between 10%-15%"
# says "and"). Not an em dash, which sets words apart as often: "rose 10%—20% in London";
# nor a hyphen with a space before it only, a minus in a row of figures: "2.1% -0.5% 1.3%".
_SIGNED_DASH = r"(?:\s?–\s?|\s-\s|-)"  # "–", " – ", " - ", "-"; not " -"
_SIGNED_RANGE = re.compile(rf"(?:(?<=\d[%°])|(?<=\d°[CF])){_SIGNED_DASH}(?=\d[\d.,]*\s?[%°])")
_BETWEEN_SIGNED_BEFORE = re.compile(r"\b[Bb]etween\s[-−]?\d[\d.,]*[%°][CF]?\Z")  # "between -5°"
_SIGNED_START = re.compile(r"(?P<start>[-−]?\d[\d.,]*)[%°][CF]?\Z")  # "10%", "-5°", "15°C"
_SIGNED_END = re.compile(r"(?P<end>\d[\d.,]*)\s?[%°][CF]?")  # "15%", "25°C"
# A third signed figure joined by a dash, before the range or after it: "10%-20%-30%" in a
# table, "the 30°-60°-90° triangle" a name, not a range.
_CHAINED_BEFORE = re.compile(
    rf"[%°][CF]?{_SIGNED_DASH}[-−]?\d[\d.,]*[%°][CF]?\Z"
)  # "10%-" of "20%"
_CHAINED_AFTER = re.compile(rf"{_SIGNED_DASH}[-−]?\d[\d.,]*\s?[%°]")  # "-30%"


def _signed_range(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 24)
    end = _SIGNED_END.match(match.string, match.end())
    if end is None or _is_not_a_range(match.string, before, end):
        return match.group(0)
    between = _BETWEEN_SIGNED_BEFORE.search(before) is not None
    return f" {joined_by(between, match.string, end.end())} "


def _is_not_a_range(text: str, before: str, end: re.Match[str]) -> bool:
    """Equal ends ("a 50%-50% chance", said as "50-50" is) or a chain of three or more."""
    start = _SIGNED_START.search(before)
    if start is not None and start.group("start") == end.group("end"):
        return True
    return bool(_CHAINED_BEFORE.search(before) or _CHAINED_AFTER.match(text, end.end()))


SIGNED_RANGES = (Rule(_SIGNED_RANGE, _signed_range),)
