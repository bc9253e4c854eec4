"""Chemical formulas, read as a chemist reads them aloud: symbol by symbol, each count a number.

espeak says "CO2" as "co two", "SO2" "so two", "Na2SO4" "nah two so four", "CaCO3" "kah co
three" and "NaOH" "nah oh": it reads a symbol that looks like a syllable as one. A chemist
spells each symbol and says each count: "C O two", "N A two S O four", "C A O H twice" for
Ca(OH)2 (a bracket's count is its times), "F E three plus" for an ion's charge, "C U S O four
dot five H two O" for a hydrate. Naming the compound ("sodium sulfate") would be
another reading than the page's, and no listener can tell which formula was meant; the
letters are the formula itself. espeak says a lone "A" before a word as the article ("uh"),
so the letter is written "eh", which it says as the letter (`say_letter`).

Only what is plainly a formula: two symbols at least, every one an element's, and a count
set close to one ("CO2", "H2O", "C6H12O6", "CO₂" with subscript digits, "Ca(OH)2"), or a
salt of a metal ending in chlorine, bromine or a hydroxide with no count ("NaCl", "HCl",
"NaOH"). Not "CO", "NO", "HE", "AS" alone (Colorado, a word, a pronoun), nor a model's
letters and number where a symbol is no element's ("B-52", "A4", "M25", "R2D2", "MP3",
"COVID19"), nor a symbol alone with a count ("F16", "U2", "B12"), nor a word set in
capitals before a number ("WIN10", "ICU2": letters with an I or a U that espeak reads as a
word). A model's letters that are all symbols ("PS5", "H1N1", "Y2K", "SPF30") are said
letter by letter and number by number, as espeak said them. After a number, "M" before a
formula is its molarity: "0.1 M HCl", "5 mM NaCl".
"""

import re

from models.normalize.numbers import cardinal
from models.normalize.roman import roman_to_int
from models.normalize.rule import Locale, Rule, say_letter, text_before

_TWO_LETTERS = re.findall(
    "[A-Z][a-z]",
    "HeLiBeNeNaMgAlSiClArCaScTiCrMnFeCoNiCuZnGaGeAsSeBrKrRbSrZrNbMoTcRuRhPdAgCdInSnSbTeXeCsBa"
    "LaCePrNdPmSmEuGdTbDyHoErTmYbLuHfTaReOsIrPtAuHgTlPbBiPoAtRnFrRaAcThPaNpPuAm",
)
_SYMBOL = "(?:" + "|".join(_TWO_LETTERS) + "|[HBCNOFPSKVYIWU])"
_COUNT = "(?:[1-9][0-9]?|[₁-₉][₀-₉]?)"
_ANY_SYMBOL = rf"[A-Z][a-z]?{_COUNT}?"
# Symbols with their counts, and groups in brackets with theirs; a count, or a salt's end,
# within (looked for first: a capitalized word costs little). Not inside a word or after a
# number ("2H2O" is an equation's), a path or a charge ("Ca2+", "SO₄²⁻"). Whether each
# symbol is an element's is `reading`'s to tell.
_FORMULA = re.compile(
    r"[A-Z(](?<![\w.\-/+][A-Z(])"  # its first mark, then what stands before it
    r"(?=[A-Za-z()]{0,24}(?:[0-9₀-₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻+−]|(?:Cl|Br|OH)(?![\w(])))"
    rf"(?:(?<=[A-Z])[a-z]?{_COUNT}?|(?<=\()(?:{_ANY_SYMBOL}){{1,6}}\){_COUNT})"
    rf"(?:{_ANY_SYMBOL}|\((?:{_ANY_SYMBOL}){{1,6}}\){_COUNT})*"
    r"(?P<hydrate>[·∙](?P<waters>[1-9][0-9]?)?H2O)?"  # "CuSO4·5H2O"
    r"(?P<charge>[⁰¹²³⁴⁵⁶⁷⁸⁹]*[⁺⁻]|[+−](?![\w+−]))?"  # "SO₄²⁻", "NH4+", "Fe3+"
    r"(?![\w+⁺⁻(]|[-−–]\d)"
)
_PART = re.compile(
    rf"(?P<symbol>{_SYMBOL})(?P<count>{_COUNT})?|\((?P<group>[^)]*)\)(?P<times>{_COUNT})"
)
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
# Capitals before a number that are a word espeak reads as one ("WIN10", "SONY2"), a
# label's letters before its two digits ("FY23", "SPF30": a formula's only count is small),
# or a letter doubled ("WW1", "BB8": a formula's symbols differ where no count parts them).
_WORD_BEFORE_A_NUMBER = re.compile(
    r"(?=[A-Z]*[IUY])[A-Z]{3,}[0-9]+|[A-Z]+[0-9]{2}|(?P<letter>[A-Z])(?P=letter)[A-Z0-9]*"
)
_SALT = re.compile(r"(?=.*[a-z]).*(?:Cl|Br|OH)")  # "NaCl", "HCl", "NaOH"; not "KOH", "HeLa"


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")


def _formula(match: re.Match[str], locale: Locale) -> str:
    charge = (match.group("charge") or "").translate(_SUPERSCRIPTS).replace("−", "-")
    hydrate = match.group("hydrate")
    end = match.start("hydrate") if hydrate else match.start("charge") if charge else match.end()
    formula = match.string[match.start() : end]
    said = reading(formula, locale, charge)
    if said is None:
        return match.group(0)
    if hydrate:
        waters = match.group("waters")
        said += f" dot {cardinal(waters, locale)} H two O" if waters else " dot H two O"
    if charge:
        sign = "plus" if charge.endswith("+") else "minus"
        said += f" {cardinal(charge[:-1], locale)} {sign}" if charge[:-1] else f" {sign}"
    return said


def reading(formula: str, locale: Locale, charge: str = "") -> str | None:
    """A formula's words, or None where `formula` is not plainly one. An ion's (with its
    `charge`, "2+", "-") may be one symbol with a count ("Fe3+", "Fe³⁺") or of two letters
    ("Na+"), not a grade's or a blood group's letter ("C+", "O+")."""
    plain = formula.translate(_SUBSCRIPTS)
    counted = any(ch.isdigit() for ch in plain)
    if not counted and not charge and not _SALT.fullmatch(plain):
        return None
    if _WORD_BEFORE_A_NUMBER.fullmatch(plain):
        return None
    words: list[str] = []
    symbols, end = 0, 0
    for part in _PART.finditer(plain):
        if part.start() != end:
            return None  # a symbol that is no element's
        end = part.end()
        group = part.group("group")
        if group is None:
            symbols += 1
            words.append(_symbol(part, locale))
            continue
        inner = list(_PART.finditer(group))
        if "".join(p.group(0) for p in inner) != group or any(p.group("group") for p in inner):
            return None
        symbols += len(inner)
        times = int(part.group("times"))
        said = "twice" if times == 2 else f"{cardinal(str(times), locale)} times"
        words += [*(_symbol(p, locale) for p in inner), said]
    ion = bool(charge) and (counted or len(charge) > 1 or len(plain) == 2)
    enough = symbols >= 2 or ion
    return " ".join(words) if end == len(plain) and enough else None


def _symbol(part: re.Match[str], locale: Locale) -> str:
    letters = " ".join(say_letter(ch) for ch in part.group("symbol").upper())
    count = part.group("count")
    return f"{letters} {cardinal(count, locale)}" if count else letters


# "0.1 M HCl", "1.5M NaCl", "5 mM NaCl": molar, millimolar, before a formula.
_MOLAR = re.compile(r"(?P<number>\d ?)(?P<prefix>[mµμn]?)M(?=[ \t])")  # a digit: fast
_PREFIXES = {"m": "milli", "µ": "micro", "μ": "micro", "n": "nano"}


def _molar(match: re.Match[str], locale: Locale) -> str:
    formula = _FORMULA.match(match.string, match.end() + 1)
    if formula is None or reading(formula.group(0), locale) is None:
        return match.group(0)
    number = match.group("number").strip()
    return f"{number} {_PREFIXES.get(match.group('prefix'), '')}molar"


# An element's oxidation state in Roman numerals, a Stock number: "iron(II) oxide",
# "copper(I)", "Fe(III)", "chromium (VI)" (espeak: "iron Roman two"). A chemist says the
# number, "iron two oxide", "F E three" (its symbol spelt, as a formula's is), and no bracket.
# After an element's name (set close or spaced; its numeral in either case: "iron(ii)") or
# a symbol of two letters set close ("Fe(III)"); not a symbol of one letter, which an
# outline's or an appendix's letter is as often ("Part C(II)", "Schedule B(IV)", "V(I)"),
# nor a name's word before anything but the numeral alone ("lead (I think)"). The metal lead
# is written "led", which espeak says as it (it says "lead" as the verb).
_ELEMENTS = (
    "hydrogen|lithium|beryllium|boron|carbon|nitrogen|oxygen|fluorine|sodium|magnesium"
    "|aluminium|aluminum|silicon|phosphorus|sulfur|sulphur|chlorine|potassium|calcium"
    "|scandium|titanium|vanadium|chromium|manganese|iron|cobalt|nickel|copper|zinc|gallium"
    "|germanium|arsenic|selenium|bromine|rubidium|strontium|yttrium|zirconium|niobium"
    "|molybdenum|technetium|ruthenium|rhodium|palladium|silver|cadmium|indium|tin|antimony"
    "|tellurium|iodine|xenon|caesium|cesium|barium|lanthanum|cerium|praseodymium|neodymium"
    "|promethium|samarium|europium|gadolinium|terbium|dysprosium|holmium|erbium|thulium"
    "|ytterbium|lutetium|hafnium|tantalum|tungsten|rhenium|osmium|iridium|platinum|gold"
    "|mercury|thallium|lead|bismuth|polonium|astatine|radon|francium|radium|actinium|thorium"
    "|protactinium|uranium|neptunium|plutonium|americium|curium|berkelium|californium"
)
# The bracket first, then the name before it (`_stock`): fast over a book. The metal's
# "lead" is made "led" first (`_LEAD`), and so named.
_NUMERAL = r"(?P<numeral>I{1,3}|IV|VI{0,3}|i{1,3}|iv|vi{0,3})"
_STOCK = re.compile(rf"\({_NUMERAL}\)(?![\w(])")
_NAMED_BEFORE = re.compile(rf"(?<![\w-])(?i:{_ELEMENTS}|led)\s?\Z")
_LEAD = re.compile(rf"[Ll](?<![\w-][Ll])ead(?=\s?\({_NUMERAL}\)(?![\w(]))")
# A symbol's first capital, then what stands before it: "Fe(III)", "Cu(I)/Cu(II)".
_SYMBOL_STOCK = re.compile(
    r"(?P<symbol>[A-Z](?<![\w-][A-Z])[a-z])\((?P<numeral>I{1,3}|IV|VI{0,3})\)(?![\w(])"
)
_TWO_LETTER_SYMBOLS = frozenset(_TWO_LETTERS)


# A list's numerals in prose: "(i) coal (ii) iron (iii) copper", "Exports: (I) gold (II)
# silver". A numeral after a metal's name is an item's where another of the same case stands
# near and after no element's name or symbol; a spaced numeral in small letters always is
# ("iron (ii) copper": a chemist writes "iron(II)" or "iron (II)").
_LIST_NUMERALS = {
    False: re.compile(r"\((?:I{1,3}|IV|VI{0,3}|IX|X)\)"),
    True: re.compile(r"\((?:i{1,3}|iv|vi{0,3}|ix|x)\)"),
}
_WORD_BEFORE = re.compile(r"(?<![\w-])(?P<word>[A-Za-z]+)(?P<space>\s?)\Z")
_ELEMENT_NAMES = frozenset(_ELEMENTS.split("|")) | {"led"}
_LIST_NEAR = 200  # characters either side in which another of a list's numerals is looked for


def _listed(text: str, start: int, end: int) -> bool:
    """Whether the bracketed numeral at `start`..`end` is an item's of a list in prose."""
    lower = text[start + 1].islower()
    if lower and text[start - 1 : start].isspace():
        return True  # "iron (ii) copper"
    window = (max(0, start - _LIST_NEAR), min(len(text), end + _LIST_NEAR))
    for other in _LIST_NUMERALS[lower].finditer(text, *window):
        if other.start() == start:
            continue
        word = _WORD_BEFORE.search(text, max(0, other.start() - 16), other.start())
        chemical = word is not None and (
            word.group("word").lower() in _ELEMENT_NAMES
            or (not word.group("space") and word.group("word") in _TWO_LETTER_SYMBOLS)
        )
        if not chemical:
            return True  # "(i)" heading the list, or after "coal"
    return False


def _lead(match: re.Match[str], locale: Locale) -> str:
    bracket = match.string.index("(", match.end())
    if _listed(match.string, bracket, match.string.index(")", bracket) + 1):
        return match.group(0)  # "(iii) copper (iv) lead (v) wool"
    return f"{match.group(0)[0]}ed"  # espeak says "lead" as the verb


def _stock(match: re.Match[str], locale: Locale) -> str:
    before = text_before(match, 16)
    if _NAMED_BEFORE.search(before) is None or _listed(match.string, *match.span()):
        return match.group(0)
    space = "" if before.endswith((" ", "\t", "\n")) else " "
    return space + _stock_number(match, locale)


def _symbol_stock(match: re.Match[str], locale: Locale) -> str:
    symbol = match.group("symbol")
    if symbol not in _TWO_LETTER_SYMBOLS:
        return match.group(0)
    letters = " ".join(say_letter(ch) for ch in symbol.upper())
    return f"{letters} {_stock_number(match, locale)}"


def _stock_number(match: re.Match[str], locale: Locale) -> str:
    return cardinal(str(roman_to_int(match.group("numeral").upper())), locale)


# Before any rule reads their digits or their capitals.
RULES = (
    Rule(_MOLAR, _molar),
    Rule(_FORMULA, _formula),
    Rule(_LEAD, _lead),
    Rule(_STOCK, _stock),
    Rule(_SYMBOL_STOCK, _symbol_stock),
)
