import pytest

from models.normalize import normalize, roman_to_int, say_year


@pytest.mark.parametrize(
    ("year", "spoken"),
    [
        (1887, "eighteen eighty-seven"),
        (1900, "nineteen hundred"),
        (1905, "nineteen oh five"),
        (1066 + 100, "eleven sixty-six"),
    ],
)
def test_years(year: int, spoken: str) -> None:
    assert say_year(year) == spoken


def test_years_money_and_chapter_numerals_in_text() -> None:
    text = "CHAPTER XIV. In 1887 it cost $3.50, or £1; 1,887 items; 3.1415; 1887.5 m; 45%."
    assert normalize(text) == (
        "CHAPTER 14. In eighteen eighty-seven it cost 3 dollars and 50 cents, or 1 pound; "
        "1,887 items; 3.1415; 1887.5 m; 45%."
    )


def test_roman_numerals_must_be_well_formed() -> None:
    assert roman_to_int("XIV") == 14
    assert roman_to_int("IIII") is None
    assert normalize("Part MIX of it") == "Part 1009 of it"
    assert normalize("Chapter Ill") == "Chapter Ill"  # a word, not a numeral
