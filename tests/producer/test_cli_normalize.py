"""`narrate normalize`: the words the voice will be given, from an argument or stdin."""

import io
from pathlib import Path

import pytest

from producer.cli import main

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Nimue</grapheme><phoneme>ˈnɪmjuː</phoneme></lexeme>
</lexicon>
"""


def test_text_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "In 1887 Henry VIII paid $3.50 at 10 p.m."]) == 0
    said = "In eighteen eighty-seven Henry the Eighth paid three dollars and fifty cents at ten PM."
    assert capsys.readouterr().out == said + "\n"


def test_lines_from_stdin_in_a_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("3/4/2021\nDr. Who\n\n105 km\n"))
    assert main(["normalize", "--locale", "en-GB"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "the third of April, twenty twenty-one",
        "Doctor Who",
        "",
        "one hundred and five kilometres",
    ]


def test_a_byte_order_mark_on_stdin_is_not_said(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffHello there.\n"))
    assert main(["normalize"]) == 0
    assert capsys.readouterr().out == "Hello there.\n"


def test_lexicons_come_first_and_later_ones_win(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "names.pls").write_text(PLS, encoding="utf-8")
    (tmp_path / "more.tsv").write_text("# later\nHenry VIII\tBluff King Hal\n", encoding="utf-8")
    args = ["--lexicon", str(tmp_path / "names.pls"), "--lexicon", str(tmp_path / "more.tsv")]
    assert main(["normalize", *args, "Nimue's Henry VIII, 1509."]) == 0
    assert capsys.readouterr().out == "[[ˈnɪmjuːz]] Bluff King Hal, fifteen oh nine.\n"


def test_a_bad_lexicon_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "names.tsv").write_text("Nimue\t[[ˈnɪmjuː]]\nKate keɪt\n", encoding="utf-8")
    assert main(["normalize", "--lexicon", str(tmp_path / "names.tsv"), "Kate"]) == 2
    error = capsys.readouterr().err
    path = tmp_path / "names.tsv"  # as given: two lexicons may share a name
    assert error.startswith(f"narrate: error: {path}:2: expected word<TAB>alias")
    assert len(error.splitlines()) == 1


def test_a_language_other_than_english_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "--locale", "fr-FR", "1887"]) == 2
    assert capsys.readouterr().err.startswith(
        "narrate: error: --locale 'fr-FR': narrate normalizes"
    )
