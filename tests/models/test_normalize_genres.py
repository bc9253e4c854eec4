"""Readings of an audiobook publisher's genres: chemistry's oxidation states, a clause's "(vi)"
in prose, statute sections, recipes, sports, old money, planes and software releases.

Each reading is paired with ordinary prose near it that must stay as it was: the rules
are recognized by cues, and a cue that is too broad misreads ordinary prose.
"""

import pytest

from models.normalize import normalize, normalize_traced
from models.traced import Traced

# input -> the words espeak is given (en-US)
READINGS = [
    # an element's oxidation state (espeak: "iron Roman two oxide")
    ("iron(II) oxide", "iron two oxide"),
    ("copper(I) chloride and Iron(III) chloride", "copper one chloride and Iron three chloride"),
    ("chromium (VI) is toxic; iron(ii) sulfate", "chromium six is toxic; iron two sulfate"),
    ("Fe(III) ions, Mn(VII) and Cu(I)", "F E three ions, M N seven and C U one"),
    ("lead(II) nitrate", "led two nitrate"),  # the metal: espeak says "lead" as the verb
    # a clause's numeral cited in prose (espeak: "Roman six")
    ("as set out in clause (vi) above", "as set out in clause (six) above"),
    ("as set out in (vi) above", "as set out in (six) above"),
    (
        "Under (vi), the tenant pays; see (xi) below",
        "Under (six), the tenant pays; see (eleven) below",
    ),
    ("under (ii) the landlord; the tenant (vi)", "under (two) the landlord; the tenant (six)"),
    # statute sections as lawyers say them (a count before: "one thousand nine hundred ...")
    ("42 U.S.C. § 1983", "forty-two U.S.C. section nineteen eighty-three"),
    (
        "a § 1983 claim under §1983",
        "a section nineteen eighty-three claim under section nineteen eighty-three",
    ),
    (
        "Section 1983 claims; the section 1983 claim",
        "Section nineteen eighty-three claims; the section nineteen eighty-three claim",
    ),
    ("§§ 101-103", "sections one oh one to one oh three"),
    (
        "§§ 1331 and 1332; §§ 101, 102 and 104",
        "sections thirteen thirty-one and thirteen thirty-two; sections one oh one, one oh two"
        " and one oh four",
    ),
    (
        "§ 230, § 1001, § 12101, § 2000",
        "section two thirty, section ten oh one, section twelve one oh one, section two thousand",
    ),
    ("26 U.S.C. § 501(c)(3)", "twenty-six U.S.C. section five oh one(c)(three)"),
    ("42 U.S.C. § 2000e-2(a)", "forty-two U.S.C. section two thousand e two(eh)"),
    ("UCC § 2-207; § 101-103", "UCC section two two oh seven; section one oh one to one oh three"),
    ("Tenn. Code Ann. § 39-13-202", "Tenn. Code Ann. section thirty-nine thirteen two oh two"),
    (
        "s. 106 of the Act; Sec. 230 of the Act",
        "section one oh six of the Act; Section two thirty of the Act",
    ),
    # recipes and weather: a temperature's scale as a letter
    (
        "Bake at 350 degrees F. for an hour.",
        "Bake at three hundred fifty degrees Fahrenheit for an hour.",
    ),
    ("Heat to 180 degrees C.", "Heat to one hundred eighty degrees Celsius."),
    (
        "Heat oven to 200C/180C fan/gas 6.",
        "Heat oven to two hundred degrees Celsius, one hundred eighty degrees Celsius fan,"
        " gas six.",
    ),
    (
        "Heat oven to 200°C/180°C fan/gas 6.",
        "Heat oven to two hundred degrees Celsius, one hundred eighty degrees Celsius fan,"
        " gas six.",
    ),
    (
        "Bake at 350F (175C) for 30 minutes.",
        "Bake at three hundred fifty degrees Fahrenheit (one hundred seventy-five degrees"
        " Celsius) for thirty minutes.",
    ),
    (
        "It was 30C in the shade; temperatures reached 40C.",
        "It was thirty degrees Celsius in the shade; temperatures reached forty degrees Celsius.",
    ),
    ("Preheat the oven to 400 F.", "Preheat the oven to four hundred degrees Fahrenheit."),
    (
        "It was 30C (86F) at noon; it was a balmy 25C.",
        "It was thirty degrees Celsius (eighty-six degrees Fahrenheit) at noon; it was a balmy"
        " twenty-five degrees Celsius.",
    ),
    (
        "The summer heat peaked at 38C. Heat the oil to 180C.",
        "The summer heat peaked at thirty-eight degrees Celsius. Heat the oil to one hundred"
        " eighty degrees Celsius.",
    ),
    # old money with a slash: shillings and pence (a fraction before: "two sixths")
    ("It cost 2/6.", "It cost two shillings and six pence."),
    (
        "Crown 8vo, 2/6 net; rooms at 7/6 a week",
        "Crown 8vo, two shillings and six pence net; rooms at seven shillings and six pence a week",
    ),
    (
        "He paid 3/6 for it; it cost 1/3.",
        "He paid three shillings and six pence for it; it cost one shilling and three pence.",
    ),
    ("It cost only 2/6.", "It cost only two shillings and six pence."),
    # tennis: a match's sets (a range before: "six to four")
    ("She won 6-4, 6-3.", "She won six-four, six-three."),
    ("lost 4-6, 7-6, 3-6", "lost four-six, seven-six, three-six"),
    ("took the first set 7–5", "took the first set seven-five"),
    # a race's time after "record is" (a clock's before: "two oh one and nine seconds")
    ("The marathon record is 2:01:09.", "The marathon record is two oh one oh nine."),
    # planes: designations in the plural, a Boeing by its model alone
    ("the B-52s, F-16s and MiG-29s", "the B-fifty-twos, F-sixteens and MiG-twenty-nines"),
    ("two C-130s", "two C-one thirties"),
    (
        "The 747 landed; a 737 MAX and two 777s",
        "The seven forty-seven landed; a seven thirty-seven MAX and two seven seventy-sevens",
    ),
    ("the 787 Dreamliner", "the seven eighty-seven Dreamliner"),
    # a software release's minor number of two digits (a decimal before: "three point one one")
    ("Python 3.11 and macOS 10.15", "Python three point eleven and macOS ten point fifteen"),
    ("v3.10; Ubuntu 22.04", "version three point ten; Ubuntu twenty-two point oh four"),
    (
        "Python 3.13 and 3.14; Python 3.10 to 3.15",
        "Python three point thirteen and three point fourteen; Python three point ten to three"
        " point fifteen",
    ),
]

# Ordinary prose near each rule: the same words as before the rule.
GUARDS = [
    # no oxidation state: a word's or a letter's bracket, a pronoun, a symbol of one letter
    ("He will lead (I think) the team", "He will lead (I think) the team"),
    (
        "Henry(II) and Part C(II) apply; Schedule B(IV)",
        "Henry(II) and Part C(II) apply; Schedule B(IV)",
    ),
    ("mislead(II)", "mislead(II)"),
    # no clause's numeral: an editor, a dictionary's intransitive verb, a Greek letter
    (
        "I use (vi) daily; open it in a text editor (vi) now",
        "I use (vi) daily; open it in a text editor (vi) now",
    ),
    (
        "run (vi) to move fast; the baryon (xi) decays",
        "run (vi) to move fast; the baryon (xi) decays",
    ),
    # sections: a short number, an outline, a count, a decimal
    ("section 12 and sections 5-10", "section twelve and sections five to ten"),
    ("Section 3.2.1 and § 2.3", "Section three point two point one and section two point three"),
    ("each section 350 words long", "each section three hundred fifty words long"),
    ("Call 555-123-4567 now", "Call five five five, one two three, four five six seven now"),
    # temperatures: a seat, a flat, a pencil, a bus, a room, a language
    (
        "Seat 14C was empty; in summer seat 14C is hot.",
        "Seat 14C was empty; in summer seat 14C is hot.",
    ),
    ("Apt 3F; a 2C pencil; the 5C bus; Room 200C", "Apt 3F; a 2C pencil; the 5C bus; Room 200C"),
    ("the C/C++ code; grade 3C/4C; seats 3C, 4C", "the C/C++ code; grade 3C/4C; seats 3C, 4C"),
    ("vitamin C and grade F", "vitamin C and grade F"),
    # old money: fractions and dates with a slash
    ("It cost 1/2 as much; for 1/2 an hour", "It cost one half as much; for half an hour"),
    ("for 2/6 of the time; on 2/6 we met", "for two sixths of the time; on February sixth we met"),
    ("1/2 a week; at 3/4 speed", "half a week; at three quarters speed"),
    ("He gave 1/10 to the church.", "He gave one tenth to the church."),
    ("backed at 5/1 with the bookies", "backed at five to one with the bookies"),
    ("He was priced at 6/4 by the bookmakers.", "He was priced at six to four by the bookmakers."),
    ("It cost 10/-; I'd paid 6d printing", "It cost ten shillings; I'd paid 6d printing"),
    # sets: ranges, ages, a single score, years
    (
        "ages 4-6, 3-6; pages 6-7, 4-6",
        "ages four to six, three to six; pages six to seven, four to six",
    ),
    (
        "They won 3-2; for 6-7 years; the 6-4 win",
        "They won three to two; for six to seven years; the six to four win",
    ),
    (
        "in 1876-7, 1877-8",
        "in eighteen seventy-six to seventy-seven, eighteen seventy-seven to seventy-eight",
    ),
    ("a set of 6-7 chairs", "a set of six to seven chairs"),
    # clocks: a time of day with its seconds
    ("The time is 10:30:15.", "The time is ten thirty and fifteen seconds."),
    # planes: a count, a year, a page; a word before a number
    (
        "the 747 passengers; a 747 mile trip",
        "the seven hundred forty-seven passengers; a seven hundred forty-seven mile trip",
    ),
    (
        "in 747 AD; page 747; he had 707 men",
        "in seven hundred forty-seven AD; page seven hundred forty-seven; he had seven hundred"
        " seven men",
    ),
    ("Catch-22s and the F-35", "Catch-22s and the F-thirty-five"),
    # releases: a price, Windows 3.11, a decimal
    (
        "it cost 3.11; Windows 3.11; Firefox 3.5",
        "it cost three point one one; Windows three point one one; Firefox three point five",
    ),
    # a review's: a list's numerals after a metal's name are no oxidation states
    (
        "The chief exports were (i) coal (ii) iron (iii) copper and (iv) tin.",
        "The chief exports were (one) coal (two) iron (three) copper and (four) tin.",
    ),
    (
        "He traded in (i) gold (ii) silver and (iii) spices.",
        "He traded in (one) gold (two) silver and (three) spices.",
    ),
    (
        "Exports: (I) gold (II) silver (III) copper (IV) lead (V) wool.",
        "Exports: (I) gold (II) silver (III) copper (IV) lead (V) wool.",
    ),
    # a review's: fractions after "at", "for", "only" and "just" are no shillings and pence
    (
        "The fuel gauge was at 3/4; I voted for 2/3.",
        "The fuel gauge was at three quarters; I voted for two thirds.",
    ),
    (
        "Only 4/6 survived the winter. Just 6/10 voted.",
        "Only four sixths survived the winter. Just six tenths voted.",
    ),
    # a review's: a flat's, a floor's, a bra's, a bus's letter in a sentence of weather or
    # cooking; a temperature's letter after a name's initials
    (
        "It was cold in 3C; the heat in 5C was unbearable.",
        "It was cold in 3C; the heat in 5C was unbearable.",
    ),
    (
        "It was hot and he wore a 38C bra; she baked a cake for 4C.",
        "It was hot and he wore a 38C bra; she baked a cake for 4C.",
    ),
    (
        "In the summer of 1970 he lived at 21C Baker Street.",
        "In the summer of nineteen seventy he lived at twenty-one C Baker Street.",
    ),
    ("Bra sizes 34C/36C; rows 12C, 14C.", "Bra sizes 34C/36C; rows 12C, 14C."),
    (
        "The lift reached 5F and stopped; the price rose to 50F.",
        "The lift reached 5F and stopped; the price rose to 50F.",
    ),
    ("The weather at Terminal 2F was cold.", "The weather at Terminal 2F was cold."),
    ("honorary degrees C. S. Lewis declined", "honorary degrees C. S. Lewis declined"),
    # a review's: ranges, a vote's tallies and a list of scores are no tennis sets
    ("The ages were 4-6, 6-7.", "The ages were four to six, six to seven."),
    ("The committee voted 6-4, 7-3.", "The committee voted six to four, seven to three."),
    (
        "The Yankees won 6-4, 7-3 and 5-2.",
        "The Yankees won six to four, seven to three and five to two.",
    ),
    (
        "He set aside 6-7 hours; let it set for 4-6 hours.",
        "He set aside six to seven hours; let it set for four to six hours.",
    ),
    # a review's: a decade after "section" is no section's number and letter
    ("the brass section 1920s jazz", "the brass section nineteen twenties jazz"),
    # scripture and times of day as before
    ("John 3:16; at 3:16 p.m.", "John three sixteen; at three sixteen PM."),
]


@pytest.mark.parametrize(("written", "spoken"), READINGS + GUARDS)
def test_a_genre_reads_as_a_narrator_says_it(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), READINGS + GUARDS)
def test_traced_says_the_same(written: str, spoken: str) -> None:
    assert normalize_traced(Traced.of(written)).text == spoken


def test_british_english_says_its_own_numbers() -> None:
    assert (
        normalize("§ 1983 and § 105", "en-GB")
        == "section nineteen eighty-three and section one oh five"
    )
    assert normalize("It cost 2/6.", "en-GB") == "It cost two shillings and six pence."
