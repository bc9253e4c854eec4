"""`narrate inspect`: what would be narrated, checked before a night is spent on it."""

import json
from pathlib import Path

import pytest

from config.layout import SOURCE_KEY
from config.manuscript import Manuscript
from config.settings import get_settings
from producer.cli import main
from producer.inspect import describe, print_report, report
from producer.readers import Reading, read_source, store_source
from worker.storage import LocalStorage

BOOK = """Title: The Quiet Shore
Author: Ann Example

*** START OF THE PROJECT GUTENBERG EBOOK THE QUIET SHORE ***

THE QUIET SHORE

BY ANN EXAMPLE

CHAPTER I. THE ARRIVAL

She came by the morning boat. Nobody met her.

CHAPTER II. THE DEPARTURE

She left by the evening boat.
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "shore.txt"
    path.write_text(BOOK, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["inspect", *args, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_inspect_lists_metadata_chapters_and_what_was_skipped(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(capsys, str(book))
    assert data["metadata"]["title"] == "The Quiet Shore"  # type: ignore[index]
    assert data["metadata"]["authors"] == ["Ann Example"]  # type: ignore[index]
    assert data["chapters"] == [
        {
            "index": 0,
            "title": "CHAPTER I. THE ARRIVAL",
            "kind": "chapter",
            "words": 13,
            "first_sentence": "She came by the morning boat.",
        },
        {
            "index": 1,
            "title": "CHAPTER II. THE DEPARTURE",
            "kind": "chapter",
            "words": 10,
            "first_sentence": "She left by the evening boat.",
        },
    ]
    assert data["skipped"] == [
        {
            "title": "THE QUIET SHORE BY ANN EXAMPLE",
            "kind": "titlepage",
            "reason": "front matter (titlepage)",
        }
    ]


def test_include_and_skip_override_the_defaults(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        capsys, str(book), "--include", "titlepage", "--skip", "chapter ii. the departure"
    )
    titles = [c["title"] for c in data["chapters"]]  # type: ignore[attr-defined]
    assert titles == ["", "CHAPTER I. THE ARRIVAL"]
    assert data["skipped"][0]["reason"] == "skipped by request"  # type: ignore[index]


def test_inspect_prints_a_readable_table(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(book)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "The Quiet Shore  by Ann Example  [-]"
    assert "CHAPTER II. THE DEPARTURE" in out
    assert "2 chapters, 23 words" in out
    assert "skipped: THE QUIET SHORE BY ANN EXAMPLE (front matter (titlepage))" in out


def test_a_book_whose_every_chapter_is_skipped_is_an_error(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(book), "--skip", "chapter"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"narrate: error: {book}: every chapter was skipped"


def test_a_manuscript_of_marks_only_has_no_text_to_narrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marks = tmp_path / "marks.txt"
    marks.write_text("* * *\n\n---\n\n\u2042\n")
    assert main(["inspect", str(marks)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"narrate: error: {marks}: no text to narrate"


def test_a_manuscript_over_the_size_limit_is_refused(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATE_MAX_MANUSCRIPT_MB", "0.0001")
    get_settings.cache_clear()
    try:
        assert main(["inspect", str(book)]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "more than the 104 accepted (NARRATE_MAX_MANUSCRIPT_MB)" in err
    assert err.count("\n") == 1


def test_lexicons_and_locale_travel_with_the_manuscript(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A job's lexicons and locale are stored in source/manuscript.json, which every worker
    and every redelivery reads."""
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("# names\nUkridge\tYou-kridge\nShore\t[[ʃɔː]]\n", encoding="utf-8")
    data = run_json(capsys, str(book), "--lexicon", str(lexicon), "--locale", "en-GB")
    assert (data["locale"], data["lexicon_entries"]) == ("en-GB", 2)
    source = read_source(book, Reading(lexicons=(lexicon,), locale="en-GB"))
    store_source(LocalStorage(tmp_path / "out"), source)
    stored = Manuscript.model_validate_json((tmp_path / "out" / SOURCE_KEY).read_text())
    assert stored.locale == "en-GB"
    assert [(e.grapheme, e.alias, e.phonemes) for e in stored.lexicon] == [
        ("Ukridge", "You-kridge", ""),
        ("Shore", "", "ʃɔː"),
    ]


def test_the_locale_defaults_to_the_books_english(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_json(capsys, str(book))["locale"] == "en-US"  # no language: American
    gb = book.with_name("gb.txt")
    gb.write_text(BOOK.replace("Author: Ann Example", "Author: Ann Example\nLanguage: en-GB"))
    assert run_json(capsys, str(gb))["locale"] == "en-GB"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locale", "fr-FR"], "--locale 'fr-FR': narrate normalizes English only"),
        (["--lexicon", "{bad}"], "bad.tsv:2: "),
    ],
)
def test_a_bad_lexicon_or_locale_is_one_clear_line(
    book: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = book.with_name("bad.tsv")
    bad.write_text("fine\tok\nno tab here\n", encoding="utf-8")
    args = [str(bad) if a == "{bad}" else a for a in args]
    assert main(["inspect", str(book), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("narrate: error: ") and message in err
    assert err.count("\n") == 1


def test_a_name_that_matches_nothing_is_refused(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(book), "--skip", "Chapter 3"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"narrate: error: {book}: --skip 'Chapter 3' matches no title or kind "
        "(`narrate inspect` lists them)\n"
    )


def test_a_scene_break_is_neither_a_word_nor_in_the_first_sentence(tmp_path: Path) -> None:
    book = tmp_path / "scene.txt"
    book.write_text("She left the house.\n\n* * *\n\nHe stayed behind.\n")
    (chapter,) = describe(read_source(book))["chapters"]
    assert chapter["words"] == 7
    assert chapter["first_sentence"] == "She left the house."


def test_words_in_other_scripts_are_listed_most_frequent_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.txt"
    path.write_text(
        "Chapter 1\n\nHe said καλημέρα, then καλημέρα again, and привет once. "
        "The café was naïve. A rune: \U00010330.\n",
        encoding="utf-8",
    )
    data = report(path, Reading())
    assert data["other_scripts"] == [
        {"word": "καλημέρα", "script": "Greek", "count": 2, "said": True},
        {"word": "привет", "script": "Cyrillic", "count": 1, "said": True},
        {"word": "\U00010330", "script": "Gothic", "count": 1, "said": False},
    ]
    print_report(data, as_json=False)
    out = capsys.readouterr().out
    assert "καλημέρα (Greek), привет (Cyrillic), \U00010330 (Gothic, spelt out)" in out
