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
from tests.conftest import Setting
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
    assert out.splitlines()[0] == "The Quiet Shore  by Ann Example"  # no language: no "[-]"
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


def test_a_book_longer_than_one_book_may_be_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: Setting
) -> None:
    """Of any format, counted once read; a text file past four bytes a character of the cap
    (UTF-8's most) before it is read at all."""
    setting("NARRATE_MAX_BOOK_CHARS", "100")
    fits, read_long, unread = tmp_path / "fits.md", tmp_path / "long.md", tmp_path / "huge.txt"
    fits.write_text("# One\n\nThe keeper climbed the stairs.\n")
    read_long.write_text("# One\n\n" + "The keeper climbed the stairs. " * 4)
    unread.write_text("The keeper climbed the stairs. " * 20)
    assert main(["inspect", str(fits)]) == 0
    capsys.readouterr()
    assert main(["inspect", str(read_long)]) == 2
    assert capsys.readouterr().err == (
        f"narrate: error: {read_long}: 123 characters of text, more than one book may have "
        "(100: NARRATE_MAX_BOOK_CHARS); split it into volumes\n"
    )
    assert main(["inspect", str(unread)]) == 2
    assert capsys.readouterr().err == (
        f"narrate: error: {unread}: at least 155 characters of text, more than one book may "
        "have (100: NARRATE_MAX_BOOK_CHARS); split it into volumes\n"
    )


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


def test_html_without_an_html_tag_is_read_as_html_not_its_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a page that opens with its <head>: its tags were the first sentence."""
    page = tmp_path / "x.html"
    page.write_text(
        '<head><meta charset="utf-8"><title>T</title></head><body>'
        "<h2>One</h2><p>Eggs were laid.</p><h2>Two</h2><p>Foxes came.</p></body>"
    )
    chapters = run_json(capsys, str(page))["chapters"]
    assert [c["first_sentence"] for c in chapters] == ["Eggs were laid.", "Foxes came."]  # type: ignore[attr-defined]


def test_html_declaring_entities_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "x.html"
    page.write_bytes(b'<!DOCTYPE h [<!ENTITY a "aa">]><html><body><p>Hello &a;.</p></body></html>')
    assert main(["inspect", str(page)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"narrate: error: {page}: declares XML entities, which are not read: ")
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


@pytest.mark.parametrize("flag", ["--skip", "--include"])
@pytest.mark.parametrize("name", ["dedicatoin", "Chapter III"])
def test_a_word_no_kind_and_no_title_is_refused_in_one_line(
    book: Path, flag: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(book), flag, name]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"narrate: error: {book}: {flag} {name!r} matches no title or kind")
    assert err.count("\n") == 1


def test_a_kind_the_book_lacks_is_a_warning_not_an_error(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One command line for a batch: `--skip dedication` over books with and without one."""
    data = run_json(capsys, str(book), "--skip", "Dedication", "--include", "colophon")
    assert len(data["chapters"]) == 2  # type: ignore[arg-type]
    assert data["warnings"] == [
        f"{book}: --include 'colophon': this book has no colophon",
        f"{book}: --skip 'Dedication': this book has no dedication",
    ]
    assert main(["inspect", str(book), "--skip", "dedication"]) == 0
    assert f"warning: {book}: --skip 'dedication': this book has no dedication" in (
        capsys.readouterr().out
    )


def test_a_name_may_be_the_start_of_one_title_in_any_case(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(capsys, str(book), "--skip", " chapter  ii")
    titles = [c["title"] for c in data["chapters"]]  # type: ignore[attr-defined]
    assert titles == ["CHAPTER I. THE ARRIVAL"]
    assert data["skipped"][1] == {  # type: ignore[index]
        "title": "CHAPTER II. THE DEPARTURE",
        "kind": "chapter",
        "reason": "skipped by request",
    }


def test_a_start_several_titles_share_is_refused_naming_them(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(book), "--skip", "Chap"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"narrate: error: {book}: --skip 'Chap' begins 2 titles: "
        "'CHAPTER I. THE ARRIVAL', 'CHAPTER II. THE DEPARTURE'; give more of one\n"
    )


def test_a_start_picks_by_whole_words_before_part_of_one(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Chapter I" is the start of chapter I, not of chapter II (it was refused as
    beginning both); a start ending inside a word still picks the one title it begins."""
    data = run_json(capsys, str(book), "--skip", "Chapter I")
    titles = [c["title"] for c in data["chapters"]]  # type: ignore[attr-defined]
    assert titles == ["CHAPTER II. THE DEPARTURE"]
    data = run_json(capsys, str(book), "--skip", "chapter ii. the dep")
    titles = [c["title"] for c in data["chapters"]]  # type: ignore[attr-defined]
    assert titles == ["CHAPTER I. THE ARRIVAL"]


def test_the_table_shows_whole_titles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A title is what --skip takes: cut short in the listing, it could not be copied."""
    long = "Chapter 7: In Which the Keeper Climbs the Stairs and the Lamp Is Lit at Last"
    path = tmp_path / "b.md"
    path.write_text(f"# Chapter 6: Dusk\n\nIt grew dark.\n\n# {long}\n\nHe climbed.\n")
    assert main(["inspect", str(path)]) == 0
    heading, first, second = capsys.readouterr().out.splitlines()[2:5]
    assert second.startswith(f"   1  {long}  chapter")
    assert heading.index("kind") == first.index("chapter") == second.index("chapter")


def test_a_lone_chapter_without_author_or_language_reads_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.md"
    path.write_text("# Dusk\n\nIt grew dark.\n")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "(untitled)"  # not "(untitled)  by -  [-]"
    assert "\n1 chapter, 4 words\n" in out


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


def test_credits_for_a_book_naming_no_title_or_author_are_warned_of(tmp_path: Path) -> None:
    """They said "This is this book, narrated by ..." with no word of it."""
    bare, named = tmp_path / "bare.md", tmp_path / "named.md"
    bare.write_text("# Chapter 1\n\nA short line here.\n")
    named.write_text("---\ntitle: The Lamp\nauthor: Ann Example\n---\n\n# One\n\nA line.\n")
    reading = Reading(credits="a synthetic voice")
    (warning,) = read_source(bare, reading).warnings
    assert warning.startswith(
        '--credits: the book names no title or author, so its credits say "This is this book,'
    )
    assert read_source(named, reading).warnings == []


def test_a_book_in_another_language_is_said_to_be_read_as_english(tmp_path: Path) -> None:
    """`lang: fr` in the Latin alphabet was narrated in en-US with no word of it; --locale
    says the reader chose, and an English book says nothing."""
    french, english = tmp_path / "fr.md", tmp_path / "en.md"
    french.write_text("---\nlang: fr\n---\n\n# Un\n\nLe jardin était calme.\n")
    english.write_text("---\nlang: en-GB\n---\n\n# One\n\nThe garden was quiet.\n")
    assert read_source(french).warnings == [
        "the book says its language is 'fr'; narrate reads English: it is read as en-US"
    ]
    assert read_source(french, Reading(locale="en-GB")).warnings == []
    assert read_source(english).warnings == []
