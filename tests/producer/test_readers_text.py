import random
import textwrap
import time
from pathlib import Path

import pytest

from config.errors import ManuscriptError
from producer.readers import Reading, read_manuscript, read_source, sniff
from worker.segment import segment_chapter

GUTENBERG = """The Project Gutenberg eBook of Something

*** START OF THE PROJECT GUTENBERG EBOOK SOMETHING ***

CHAPTER I.

It began on a Monday.

CHAPTER II.

It ended on a Tuesday.

*** END OF THE PROJECT GUTENBERG EBOOK SOMETHING ***

Licence text that must not be read aloud.
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_gutenberg_header_and_footer_are_stripped(tmp_path: Path) -> None:
    book = read_manuscript(write(tmp_path, "b.txt", GUTENBERG.encode()))
    assert [c.title for c in book.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert book.chapters[1].text.endswith("It ended on a Tuesday.")
    assert "Licence" not in "".join(c.text for c in book.chapters)
    assert "Project Gutenberg" not in "".join(c.text for c in book.chapters)


def test_a_book_whose_wrapped_line_opens_end_of_project_gutenberg_is_read_whole(
    tmp_path: Path,
) -> None:
    """Given a history of e-books, hard-wrapped, one line opening "end of Project
    Gutenberg's": it was taken for the licence's first line and the book cut there. In a
    Gutenberg e-text "End of the Project Gutenberg EBook of ..." still ends the book."""
    history = (
        "CHAPTER I.\n\nMichael Hart typed the Declaration. By the\nend of Project "
        "Gutenberg's first decade there were ten books.\n\nCHAPTER II.\n\nSeventy thousand.\n"
    )
    book = read_manuscript(write(tmp_path, "h.txt", history.encode()))
    assert [c.title for c in book.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert book.chapters[1].text.endswith("Seventy thousand.")
    closing = GUTENBERG.replace(
        "*** END", "End of the Project Gutenberg EBook of Something\n\n*** END"
    )
    book = read_manuscript(write(tmp_path, "b.txt", closing.encode()))
    assert book.chapters[1].text.endswith("It ended on a Tuesday.")


CREDITS = [
    "Produced by A. Volunteer and\nthe Online Distributed Proofreading Team.",
    "Transcribed from the 1908 Longmans, Green, and Co. edition by David\nPrice, email "
    "ccx074@pglaf.org",
    "Produced by A. Volunteer.\n\nE-text prepared by B. Helper",
]


@pytest.mark.parametrize("credit", CREDITS)
def test_the_e_texts_credit_under_the_start_line_is_not_narrated(
    tmp_path: Path, credit: str
) -> None:
    """Given a Gutenberg e-text with the producer's credit just under its START line, as
    older files set it: it was narrated as the book's first words, where the EPUB reader
    takes it for the header's. The opening after it is read as it was."""
    under = "***\n\n\n\n\n{}\n\n\n\nTo my hens, who laid.\n\nCHAPTER I."
    text = GUTENBERG.replace("***\n\nCHAPTER I.", under.format(credit))
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.text for c in book.chapters][:2] == [
        "To my hens, who laid.",
        "CHAPTER I.\n\nIt began on a Monday.",
    ]


def test_only_a_credit_under_the_start_line_is_taken_for_one(tmp_path: Path) -> None:
    """A paragraph opening as a credit does elsewhere is the book's: in a chapter, in a
    book without the START line, and the rest of a long one it opens."""
    words = "Produced by hens, the eggs were many."
    in_chapter = GUTENBERG.replace("It began on a Monday.", words)
    book = read_manuscript(write(tmp_path, "a.txt", in_chapter.encode()))
    assert book.chapters[0].text == f"CHAPTER I.\n\n{words}"
    no_header = f"{words}\n\nCHAPTER I.\n\nIt began.\n\nCHAPTER II.\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.txt", no_header.encode()))
    assert book.chapters[0].text == words
    # A credit ends at its first full stop within a few lines: the lines after it are read
    run_on = "***\n\nProduced by A. Volunteer.\nTo my hens, who laid.\n\nCHAPTER I."
    text = GUTENBERG.replace("***\n\nCHAPTER I.", run_on)
    book = read_manuscript(write(tmp_path, "c.txt", text.encode()))
    assert book.chapters[0].text == "To my hens, who laid."


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    data = "\ufeffChapter 4: The Storm\r\n\r\nRain fell.\r\nThen more rain.\r\n".encode()
    book = read_manuscript(write(tmp_path, "b.txt", data))
    assert book.chapters[0].title == "Chapter 4: The Storm"
    assert "\r" not in book.chapters[0].text
    assert "\ufeff" not in book.chapters[0].text
    assert book.chapters[0].text.endswith("Rain fell.\nThen more rain.")


def test_a_hyphenated_word_broken_at_a_line_end_is_one_word(tmp_path: Path) -> None:
    data = (
        b"Chapter 1\r\n\r\ngood-tempered; for those present being used to meetings and after-\r\n"
        b"lecture debates, and a man who was Anglo-\r\nSaxon to his bones said so.\r\n\r\n"
        b"I think I know-\r\nhis house is in the village though;\r\n"
        b"Because I could not stop for Death-\r\nHe kindly stopped for me-\r\n\r\n"
        b"necessaries, which became, under the iron rule of the aforesaid World-\r\n"
        b"Market, of equal importance to them with the real necessaries.\r\n"
    )
    text = read_manuscript(write(tmp_path, "b.txt", data)).chapters[0].text
    assert "meetings and after-lecture debates" in text  # a filled prose line
    assert "the aforesaid World-Market, of equal" in text  # a capital after it too
    assert "Anglo-\nSaxon" in text  # a short line: maybe verse, so left
    assert "I think I know-\nhis house" in text  # verse: a short line
    assert "for Death-\nHe kindly" in text


def test_roman_numeral_line_followed_by_title_line(tmp_path: Path) -> None:
    text = "IV.\nTHE RIVER\n\nWater ran.\n\nV.\nTHE SEA\n\nWaves came."
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.title for c in book.chapters] == ["IV. THE RIVER", "V. THE SEA"]
    assert book.chapters[1].text == "V. THE SEA\n\nWaves came."


def test_text_without_headings_is_one_chapter(tmp_path: Path) -> None:
    book = read_manuscript(write(tmp_path, "b.txt", b"Just one paragraph.\n\nAnd another."))
    assert len(book.chapters) == 1
    assert book.chapters[0].text == "Just one paragraph.\n\nAnd another."


def test_text_before_the_first_chapter_is_kept_as_its_own_chapter(tmp_path: Path) -> None:
    text = "A preface.\n\nCHAPTER ONE\n\nThe story."
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.text for c in book.chapters] == ["A preface.", "CHAPTER ONE\n\nThe story."]
    assert [c.index for c in book.chapters] == [0, 1]


def test_underscores_set_for_emphasis_are_not_read(tmp_path: Path) -> None:
    text = "They _mis_managed it, _quite_ so, in _a few words_; my_name stays."
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].text == "They mismanaged it, quite so, in a few words; my_name stays."


def test_markdown_headings_and_markup(tmp_path: Path) -> None:
    text = (
        "# My Book\n\n## One\n\nSome *emphasis* and a [link](http://x.y).\n\n"
        "## Two\n\n> A quote with `code`.\n\n- a list item\n"
    )
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert book.title == "My Book"
    assert [c.title for c in book.chapters] == ["One", "Two"]
    assert book.chapters[0].text == "One\n\nSome emphasis and a link."
    assert book.chapters[1].text == "Two\n\nA quote with code.\n\na list item"


@pytest.mark.parametrize(
    "opening",
    ["", '<p align="center"><img src="cover.png" alt=""></p>\n\n', "<div>A note.</div>\n\n"],
)
def test_markdown_with_inline_html_is_still_markdown(tmp_path: Path, opening: str) -> None:
    """Given a manuscript with HTML in it, at its top too: a block that opens an HTML
    fragment does not make a .md file a web page."""
    text = f"{opening}# My Book\n\n## One\n\nShe <em>ran</em>.<br>\nHe *stayed*.\n\n## Two\n\nOk.\n"
    path = write(tmp_path, "b.md", text.encode())
    assert sniff(path.read_bytes(), path) == "markdown"
    book = read_manuscript(path)
    assert book.title == "My Book"
    assert [c.title for c in book.chapters][-2:] == ["One", "Two"]
    assert book.chapters[-2].text.replace("\n", " ") == "One  She ran. He stayed."
    assert not [c for c in book.chapters if "<" in c.text]


@pytest.mark.parametrize("opening", ["<3 you, said the card.", "<Name> said nothing at all."])
def test_text_opening_with_an_angle_bracket_is_still_text(tmp_path: Path, opening: str) -> None:
    path = write(tmp_path, "b.txt", f"{opening}\n\nThen she left.\n".encode())
    assert sniff(path.read_bytes(), path) == "text"
    assert read_manuscript(path).chapters[0].text.startswith(opening)


@pytest.mark.parametrize("name", ["b.txt", "b.md"])
@pytest.mark.parametrize("start", ["", '<!ENTITY a "b"> opens it.\n\n'])
def test_prose_naming_an_entity_declaration_still_reads(
    tmp_path: Path, name: str, start: str
) -> None:
    text = f'{start}An XML file may say <!ENTITY a "b"> in its DOCTYPE [ ... ]>.\n'
    book = read_manuscript(write(tmp_path, name, text.encode()))
    assert "An XML file may say" in book.chapters[-1].text
    if name.endswith(".txt"):  # Markdown leaves out what it takes for a tag
        assert '<!ENTITY a "b">' in book.chapters[-1].text


def test_table_of_contents_lines_are_not_empty_chapters(tmp_path: Path) -> None:
    text = (
        "CHAPTER I: ONE\nCHAPTER II: TWO\n\nCHAPTER I: ONE\n\nFirst.\n\nCHAPTER II: TWO\n\nSecond."
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.text.split("\n\n")[-1] for c in book.chapters] == ["First.", "Second."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02binary\x00data" * 20, "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
        (
            b"*** START OF THE PROJECT GUTENBERG EBOOK X ***\n*** END OF THE PROJECT GUTENBERG",
            "no text",
        ),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ManuscriptError, match=message):
        read_manuscript(write(tmp_path, "bad.txt", data))


def _binary_behind_a_bom(size: int = 4096) -> bytes:
    """Random bytes after UTF-16's byte-order mark, with no surrogate (which would not
    decode): what a binary file that happens to open with FF FE reads as."""
    pairs = bytearray(random.Random(7).randbytes(size))
    for i in range(1, size, 2):
        if 0xD8 <= pairs[i] <= 0xDF:
            pairs[i] = 0x4E
    return b"\xff\xfe" + bytes(pairs)


def test_a_binary_file_behind_a_utf16_mark_is_refused_and_utf16_text_is_read(
    tmp_path: Path,
) -> None:
    with pytest.raises(ManuscriptError, match="binary data"):
        read_manuscript(write(tmp_path, "bad.txt", _binary_behind_a_bom()))
    with pytest.raises(ManuscriptError, match="not valid UTF-16"):
        read_manuscript(write(tmp_path, "bad.txt", b"\xff\xfeH\x00\x00\xdcI\x00"))
    text = "Chapter 1: Rain\n\nRain fell on the 3rd of May.\n".encode("utf-16")
    book = read_manuscript(write(tmp_path, "b.txt", text))
    assert book.chapters[0].text.endswith("Rain fell on the 3rd of May.")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ManuscriptError, match="no such file"):
        read_manuscript(tmp_path / "nope.txt")
    with pytest.raises(ManuscriptError, match="not a regular file"):
        read_manuscript(tmp_path)


GUTENBERG_LAYOUT = """The Project Gutenberg eBook of The Quiet Shore

Title: The Quiet Shore
Author: Ann Example and Bo Sample
Language: English
Release date: May 8, 2007 [eBook #1]

*** START OF THE PROJECT GUTENBERG EBOOK THE QUIET SHORE ***

THE QUIET SHORE

BY ANN EXAMPLE


I

THE ARRIVAL

She came by the morning boat.

In 1887 the harbour was small.


II

THE DEPARTURE

She left by the evening boat.

*** END OF THE PROJECT GUTENBERG EBOOK THE QUIET SHORE ***
"""


def test_gutenberg_numeral_blank_line_title_layout(tmp_path: Path) -> None:
    """A numeral line, a blank line, then the title line is one chapter heading."""
    book = read_manuscript(write(tmp_path, "book.txt", GUTENBERG_LAYOUT.encode()))
    assert [c.title for c in book.chapters] == ["I. THE ARRIVAL", "II. THE DEPARTURE"]
    assert book.chapters[0].text.startswith("I. THE ARRIVAL\n\nShe came by the morning boat.")
    assert "THE DEPARTURE" not in book.chapters[0].text


def test_the_title_page_names_the_book_and_is_not_narrated(tmp_path: Path) -> None:
    book = read_manuscript(write(tmp_path, "book.txt", GUTENBERG_LAYOUT.encode()))
    assert book.metadata.title == "The Quiet Shore"
    assert book.metadata.authors == ["Ann Example", "Bo Sample"]
    assert book.metadata.language == "en"
    assert [(s.kind, s.title) for s in book.skipped] == [
        ("titlepage", "THE QUIET SHORE BY ANN EXAMPLE")
    ]
    assert all("BY ANN EXAMPLE" not in c.text for c in book.chapters)
    included = read_manuscript(
        write(tmp_path, "b.txt", GUTENBERG_LAYOUT.encode()), Reading(include=("titlepage",))
    )
    assert included.chapters[0].text == "THE QUIET SHORE\n\nBY ANN EXAMPLE"


def test_a_markdown_title_over_one_chapter_heading_is_the_books_title(tmp_path: Path) -> None:
    """ "# Test" then "## One": the book "Test" of one chapter "One" (the "# Test" was the
    chapter, "One" read as its first words); with text between, "# One" is the chapter."""
    text = "# Test\n\n## One\n\nThe garden was quiet.\n\nWe planted the onions at noon.\n"
    book = read_manuscript(write(tmp_path, "t.md", text.encode()))
    assert book.metadata.title == "Test"
    assert [c.title for c in book.chapters] == ["One"]
    assert book.chapters[0].text.startswith("One\n\nThe garden was quiet.")
    inside = "# One\n\nThe garden was quiet.\n\n## A part\n\nWe planted the onions.\n"
    book = read_manuscript(write(tmp_path, "i.md", inside.encode()))
    assert book.metadata.title == ""
    assert [c.title for c in book.chapters] == ["One"]


def test_markdown_parts_over_chapters_are_parts_and_each_chapter_is_one(tmp_path: Path) -> None:
    """ "# Part One" straight over "## Chapter 1": the parts were the chapters, each holding
    its chapters as text (one file, one marker for two chapters); now each chapter is one,
    and each part's heading a short section of its own, said."""
    text = (
        "---\ntitle: The Book\n---\n\n# Part One\n\n## Chapter 1\n\nQuiet.\n\n"
        "## Chapter 2\n\nOnions.\n\n# Part Two\n\n## Chapter 3\n\nRain.\n"
    )
    book = read_manuscript(write(tmp_path, "parts.md", text.encode()))
    assert book.metadata.title == "The Book"
    assert [(c.title, c.kind, c.text) for c in book.chapters] == [
        ("Part One", "part", "Part One"),
        ("Chapter 1", "chapter", "Chapter 1\n\nQuiet."),
        ("Chapter 2", "chapter", "Chapter 2\n\nOnions."),
        ("Part Two", "part", "Part Two"),
        ("Chapter 3", "chapter", "Chapter 3\n\nRain."),
    ]
    # Text under a top heading makes it a chapter, with its subheadings read in it
    sections = "# One\n\nQuiet.\n\n## A scene\n\nMore.\n\n# Two\n\n## B scene\n\nRain.\n"
    book = read_manuscript(write(tmp_path, "sections.md", sections.encode()))
    assert [c.title for c in book.chapters] == ["One", "Two"]


def test_a_markdown_part_named_so_with_its_own_epigraph_is_still_a_part(tmp_path: Path) -> None:
    """A line or two between "# Part One" and its first "## Chapter 1" (an epigraph, an
    introduction) made the parts the chapters, each chapter's heading read inside one. A
    top heading that names no part, over a short paragraph and a subheading, stays one."""
    text = (
        "# Part One: The Sea\n\n*Being the account\nof the first voyage.*\n\n"
        "## Chapter 1\n\nQuiet.\n\n## Chapter 2\n\nOnions.\n\n"
        "# Part Two: The Land\n\n## Chapter 3\n\nRain.\n"
    )
    book = read_manuscript(write(tmp_path, "parts.md", text.encode()))
    assert [(c.title, c.kind) for c in book.chapters] == [
        ("Part One: The Sea", "part"),
        ("Chapter 1", "chapter"),
        ("Chapter 2", "chapter"),
        ("Part Two: The Land", "part"),
        ("Chapter 3", "chapter"),
    ]
    assert "the first voyage" in book.chapters[0].text
    sections = "# One\n\nQuiet.\n\n## A scene\n\nMore.\n\n# Two\n\nSun.\n\n## B scene\n\nRain.\n"
    book = read_manuscript(write(tmp_path, "sections.md", sections.encode()))
    assert [c.title for c in book.chapters] == ["One", "Two"]


def test_a_capitals_line_at_the_top_is_the_title_without_a_header(tmp_path: Path) -> None:
    text = "THE LAMP\n\nA novel\n\nCHAPTER 1\n\nIt was lit.\n\nCHAPTER 2\n\nIt went out.\n"
    book = read_manuscript(write(tmp_path, "lamp.txt", text.encode()))
    assert book.metadata.title == "The Lamp"
    assert [c.title for c in book.chapters] == ["CHAPTER 1", "CHAPTER 2"]


@pytest.mark.parametrize(
    ("page", "title", "authors"),
    [
        ("The Small Book\nby Ann Example", "The Small Book", ["Ann Example"]),
        ("NEWS FROM NOWHERE\n\nby William Morris", "News From Nowhere", ["William Morris"]),
        ("The Lamp of the Dead\n\nBY ANN EXAMPLE AND BO SAMPLE", "The Lamp of the Dead",
         ["Ann Example", "Bo Sample"]),
        ("The Second Coming\nby W. B. Yeats\nLondon, 1921", "The Second Coming", ["W. B. Yeats"]),
    ],
)  # fmt: skip
def test_a_title_page_in_title_case_over_a_by_line_names_the_book(
    tmp_path: Path, page: str, title: str, authors: list[str]
) -> None:
    text = f"{page}\n\nCHAPTER I: THE START\n\nIt began.\n\nCHAPTER II\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert (book.metadata.title, book.metadata.authors) == (title, authors)
    assert [c.title for c in book.chapters] == ["CHAPTER I: THE START", "CHAPTER II"]
    assert [s.kind for s in book.skipped] == ["titlepage"]


def test_a_by_line_under_a_markdown_title_names_the_authors(tmp_path: Path) -> None:
    text = "# The Small Book\n\nby Ann Example\n\n## One\n\nIt began.\n\n## Two\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert (book.metadata.title, book.metadata.authors) == ("The Small Book", ["Ann Example"])
    assert [c.title for c in book.chapters] == ["One", "Two"]  # no untitled one before
    assert [s.kind for s in book.skipped] == ["titlepage"]


@pytest.mark.parametrize(
    "opening",
    [
        "It was a dark night.",
        "To my mother",
        "For Alice and Tom",  # a dedication in title case
        "Some Thoughts, Mostly.",
        "Song of the Open Water\nWe walked along the shore at dawn\nby the grey stones",
        "The Second Coming\nby W. B. Yeats\n\nTurning and turning in the widening gyre\n"
        "The falcon cannot hear the falconer;\nThings fall apart; the centre cannot hold;",
    ],
)
def test_an_opening_that_is_no_title_page_is_narrated(tmp_path: Path, opening: str) -> None:
    text = f"{opening}\n\nCHAPTER I\n\nIt began.\n\nCHAPTER II\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].text == opening and book.metadata.title == ""
    assert book.metadata.authors == []


def test_a_lone_numeral_out_of_sequence_is_not_a_heading(tmp_path: Path) -> None:
    text = (
        "I\n\nTHE START\n\nOne.\n\nII\n\nTHE MIDDLE\n\nTwo.\n\nVII\n\nSEVEN DAYS LATER\n\nThree.\n"
    )
    book = read_manuscript(write(tmp_path, "n.txt", text.encode()))
    assert [c.title for c in book.chapters] == ["I. THE START", "II. THE MIDDLE"]
    assert "SEVEN DAYS LATER" in book.chapters[1].text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("blank.txt", "Hello world.\n" + "\n" * 80_000 + "The end.\n"),  # was over a minute
        ("comment.md", "# Title\n\nHello world. " + "<!--" * 40_000),  # 48 s
        ("emphasis.md", "# Title\n\nHello world. " + "*a " * 20_000),  # 13 s
        ("tags.md", "# Title\n\nHello world. " + "<" * 80_000),  # 20 s
        ("links.md", "# Title\n\nHello world. " + "[a" * 20_000),  # 3.5 s
    ],
)
def test_hostile_runs_are_read_in_linear_time(tmp_path: Path, name: str, text: str) -> None:
    """Each once took seconds to minutes, a pattern rescanning the rest of the text from
    every opener without its closer; now well under a second (the bound is loose)."""
    began = time.perf_counter()
    book = read_manuscript(write(tmp_path, name, text.encode()))
    assert time.perf_counter() - began < 5
    assert "Hello world." in book.chapters[0].text


def test_a_markdown_link_whose_url_holds_brackets_is_read_as_its_text(tmp_path: Path) -> None:
    text = (
        "# One\n\nNamed for [Monty Python](https://en.wikipedia.org/wiki/Monty_Python_("
        "disambiguation)) by its author. ![a picture](pic(1).png) The end.\n"
    )
    body = read_manuscript(write(tmp_path, "b.md", text.encode())).chapters[0].text
    assert " ".join(body.split()).endswith("Named for Monty Python by its author. The end.")


def test_control_characters_are_not_read(tmp_path: Path) -> None:
    text = "Chapter 1\n\n" + "Some words here. " * 600 + "Bell\x07 and\x00 nul\x1b.\n"
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].text.endswith("Bell and nul.")


def test_a_form_feed_or_vertical_tab_is_a_line_break_not_nothing(tmp_path: Path) -> None:
    prose = "Some words of the chapter go here. " * 20
    text = (
        f"Chapter 1\n\n{prose}He walked to the door.\fThe next page.\n\nRoses are red\x0bViolets."
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert "door.\nThe next page." in book.chapters[0].text
    assert "red\nViolets." in book.chapters[0].text


def test_a_notes_section_is_back_matter_and_note_marks_are_not_read(tmp_path: Path) -> None:
    text = (
        "CHAPTER I\n\nThe people were elegantly {1} dressed [2].\n\n"
        "FOOTNOTES:\n\n{1}  Elegant, I mean.\n\n{2}  Another note.\n"
    )
    book = read_manuscript(write(tmp_path, "notes.txt", text.encode()))
    assert [c.text for c in book.chapters] == ["CHAPTER I\n\nThe people were elegantly dressed."]
    assert [(s.kind, s.reason) for s in book.skipped] == [("endnotes", "back matter (notes)")]


@pytest.mark.parametrize("name", ["b.txt", "b.md"])
def test_a_rule_standing_alone_is_a_scene_break_and_an_underline_is_not(
    tmp_path: Path, name: str
) -> None:
    text = "She left.\n\n* * * * *\n\nHe stayed.\n\n---\n\nIt rained.\n\nThe End\n=======\n"
    book = read_manuscript(write(tmp_path, name, text.encode()))
    said = "\n\n".join(c.text for c in book.chapters)
    assert "She left.\n\n⁂\n\nHe stayed.\n\n⁂\n\nIt rained." in said
    assert "=" not in said and "*" not in said


def test_a_book_mostly_in_another_script_is_refused_and_a_foreign_passage_is_not(
    tmp_path: Path,
) -> None:
    chinese = "第一章\n\n" + "他说你好。我们是朋友。今天天气很好。\n\n" * 20
    with pytest.raises(ManuscriptError, match=r"not in the Latin alphabet \(most are Han"):
        read_manuscript(write(tmp_path, "zh.txt", chinese.encode()))
    greek = "Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν."
    book = read_manuscript(
        write(
            tmp_path,
            "en.txt",
            f"Chapter 1\n\nThe book opens: {greek} {'It goes on in English. ' * 5}\n".encode(),
        )
    )
    assert greek in book.chapters[0].text


FRONT_MATTER = """---
title: "The Small Book"   # the working title was longer
subtitle: A Tale
author:
  - Ann Example
  - 'Bo O''Sample'
lang: en-GB
date: 2021-03-04
publisher: Small Press
rights: Copyright 2021 Ann Example
description: >
  A book about small things,
  told briefly.
layout: post
tags: [a, "b, c"]
---

# One

It began.

---

It went on.

# Two

It ended.
"""


def test_markdown_front_matter_is_the_books_metadata_not_a_chapter(tmp_path: Path) -> None:
    book = read_manuscript(write(tmp_path, "b.md", FRONT_MATTER.encode()))
    meta = book.metadata
    assert (meta.title, meta.authors) == ("The Small Book", ["Ann Example", "Bo O'Sample"])
    assert (meta.language, meta.date, meta.publisher) == ("en-GB", "2021-03-04", "Small Press")
    assert [c.title for c in book.chapters] == ["One", "Two"]
    assert book.chapters[0].text == "One\n\nIt began.\n\n⁂\n\nIt went on."  # a break stays
    assert book.skipped == [] and book.locale == "en-GB"


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        ("author: Ann Example", ["Ann Example"]),
        ("author: Ann Example; Bo Sample", ["Ann Example", "Bo Sample"]),
        ('author: [Ann Example, "Sample, Bo"]  # two', ["Ann Example", "Sample, Bo"]),
        ("author:\n- Ann Example\n- Bo Sample", ["Ann Example", "Bo Sample"]),
        ("author:\n  - name: Ann Example\n    affiliation: Small U\n  - name: 'Bo Sample'",
         ["Ann Example", "Bo Sample"]),
        ("authors: ['Ann Example']", ["Ann Example"]),
    ],
)  # fmt: skip
def test_front_matter_names_the_authors_in_yamls_common_forms(
    tmp_path: Path, lines: str, authors: list[str]
) -> None:
    text = f"---\ntitle: The Small Book\n{lines}\n...\n\n# One\n\nIt began.\n\n# Two\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert (book.metadata.title, book.metadata.authors) == ("The Small Book", authors)
    assert [c.title for c in book.chapters] == ["One", "Two"]


@pytest.mark.parametrize(
    ("value", "title"),
    [
        ('"The\\u0000Small\\u001b[31m Book\\u0007"', "The Small [31m Book"),
        ("The\x1bSmall\x07 Book", "The Small Book"),
        ("'The\x1bSmall Book'", "The Small Book"),
    ],
)
def test_control_characters_in_front_matter_are_spaces_not_the_metadata(
    tmp_path: Path, value: str, title: str
) -> None:
    """A file with a NUL in it is refused as binary; a YAML escape ("\\u0000") or a stray
    control character said none the less must not reach the tags (FFmpeg cuts a tag at a
    NUL) or a terminal (an escape sequence in `narrate inspect`)."""
    body = "It began. " * 40  # two stray control characters in a book are not binary data
    text = f'---\ntitle: {value}\nauthor: ["Ann\\u0000Example"]\n---\n\n# One\n\n{body}\n'
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert book.metadata.title == title
    assert book.metadata.authors == ["Ann Example"]


def test_front_matter_it_cannot_read_is_dropped_and_leaves_the_metadata_alone(
    tmp_path: Path,
) -> None:
    text = (
        "---\ntitle: |\n  The Small\n  Book\nauthor: {name: Ann Example}\nlanguage: English\n"
        "---\n\n# The Lamp\n\n## One\n\nIt began.\n\n## Two\n\nIt ended.\n"
    )
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert (book.metadata.title, book.metadata.authors) == ("The Lamp", [])  # the heading's
    assert book.metadata.language == "en"
    said = "\n".join(c.text for c in book.chapters)
    assert "Small" not in said and "author" not in said and "English" not in said


@pytest.mark.parametrize(
    "opening",
    [
        "---\n\nIt was a dark night.\n\n---\n\nIt rained.",  # a rule, a blank line under it
        "---\ntitle: not closed\n\nIt was a dark night.\n\nIt rained.",
        "---\nIt was a dark night: it rained.\nThe wind blew.\n---\n\nIt rained.",  # prose
    ],
)
def test_a_rule_at_the_top_of_markdown_is_no_front_matter(tmp_path: Path, opening: str) -> None:
    book = read_manuscript(write(tmp_path, "b.md", opening.encode()))
    assert book.metadata.title == "" and "It was a dark night" in book.chapters[0].text


def test_front_matter_in_a_plain_text_file_is_the_books_text(tmp_path: Path) -> None:
    book = read_manuscript(write(tmp_path, "b.txt", b"---\ntitle: A Note\n---\n\nIt began."))
    assert book.metadata.title == "" and "title: A Note" in book.chapters[0].text


def test_a_pandoc_title_block_is_the_books_metadata(tmp_path: Path) -> None:
    text = (
        "% The Small Book:\n  A Tale of Two Lines\n% Ann Example; Bo Sample\n% March 2021\n\n"
        "# One\n\nIt began.\n\n# Two\n\nIt ended.\n"
    )
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    meta = book.metadata
    assert meta.title == "The Small Book: A Tale of Two Lines" and meta.date == "March 2021"
    assert meta.authors == ["Ann Example", "Bo Sample"]
    assert [c.text for c in book.chapters] == ["One\n\nIt began.", "Two\n\nIt ended."]


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Rain\n---\n\nThe rain had not stopped for three days, and the river was"
        " rising.\n\n# Chapter 1\n\nText.\n",
        "---\ntitle: It\n---\n\nIt was a cold morning.\n\n# Chapter 1\n\nText.\n",
        "% Home\n\nShe came home at last.\n\n# Chapter 1\n\nText.\n",
    ],
)
def test_an_opening_that_only_says_the_title_in_passing_is_narrated(
    tmp_path: Path, text: str
) -> None:
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert book.skipped == [] and book.chapters[0].title == ""
    assert book.chapters[0].text == text.split("\n\n")[1]


@pytest.mark.parametrize(
    "page",
    [
        "The Small Book.\n\nA Novel in Three Parts\n\nSmall Press, 2021",
        "A Novel in Three Parts\n\nThe Small\nBook",  # the title set over two lines
    ],
)
def test_a_title_page_holding_the_front_matters_title_as_a_line_is_not_narrated(
    tmp_path: Path, page: str
) -> None:
    text = f"---\ntitle: The Small Book\n---\n\n{page}\n\n# One\n\nIt began.\n\n# Two\n\nOn.\n"
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    assert [s.kind for s in book.skipped] == ["titlepage"]
    assert [c.title for c in book.chapters] == ["One", "Two"]


@pytest.mark.parametrize(
    "block",
    [
        "Content warning: this book depicts violence and loss.\n"
        "Dedication: For my mother, who never gave up.",
        "Mary: Where were you?\nJohn: Out.",
        "Chapter One: In which we begin",
    ],
)
def test_a_block_between_rules_naming_no_key_narrate_reads_is_the_books_text(
    tmp_path: Path, block: str
) -> None:
    text = f"---\n{block}\n---\n\n# Chapter 1\n\nIt began.\n\n# Chapter 2\n\nIt ended.\n"
    book = read_manuscript(write(tmp_path, "b.md", text.encode()))
    said = "\n".join(c.text for c in book.chapters)
    assert all(line in said for line in block.split("\n"))


STRAY_PAGE_NUMBER = (
    "CHAPTER I.\n\nThe house stood at the end of the lane, and nobody had lived there for\n"
    'years. She opened the gate and went in.\n\n"Who is there?" a voice called from within.'
    '\n\n37\n\n"Only me," she said.\n\nCHAPTER II.\n\nIn the morning she began to clear the '
    "paths.\n"
)


def test_a_stray_page_number_is_not_read_and_the_paragraph_under_it_is(tmp_path: Path) -> None:
    """Given a lone "37" between paragraphs: it was the first numeral heading, which
    counted whatever its number, and took the paragraph under it for its title; a chapter
    with nothing under its heading was then dropped unreported, '"Only me," she said.'
    with it. A numeral counts only in a run; a number alone is a page's, not read."""
    book = read_manuscript(write(tmp_path, "b.txt", STRAY_PAGE_NUMBER.encode()))
    assert [c.title for c in book.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert book.chapters[0].text.endswith('within.\n\n"Only me," she said.')
    assert "37" not in book.chapters[0].text and book.skipped == []


def test_a_stray_number_over_more_text_makes_no_chapter(tmp_path: Path) -> None:
    text = STRAY_PAGE_NUMBER.replace(
        "\n\nCHAPTER II.",
        "\n\n12\n\nThe garden was wild. Roses grew over the wall.\n\nShe sat.\n\nCHAPTER II.",
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.title for c in book.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert book.chapters[0].text.endswith(
        '"Only me," she said.\n\nThe garden was wild. Roses grew over the wall.\n\nShe sat.'
    )


def test_numerals_count_in_a_run_past_a_stray_number_between(tmp_path: Path) -> None:
    text = (
        "1\n\nTHE START\n\nOne.\n\n37\n\nTHE PAGE\n\nMore.\n\n2\n\nTHE MIDDLE\n\nTwo.\n\n"
        "I\n\nTHE SECOND BOOK\n\nThree.\n\nII\n\nTHE END\n\nFour.\n"
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    titles = [c.title for c in book.chapters]
    assert titles == ["1. THE START", "2. THE MIDDLE", "I. THE SECOND BOOK", "II. THE END"]
    assert book.chapters[0].text.endswith("One.\n\nTHE PAGE\n\nMore.")


def test_numbers_in_a_run_are_read_a_book_of_sonnets_numbers(tmp_path: Path) -> None:
    """Project Gutenberg sets Shakespeare's sonnets under their numbers, each on a line of
    its own: a run, so no stray page's number, and read."""
    text = (
        "  1\n\nFrom fairest creatures we desire increase,\nThat thereby beauty's rose might "
        "never die,\n\n  2\n\nWhen forty winters shall besiege thy brow,\nAnd dig deep "
        "trenches in thy beauty's field,\n"
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].text.startswith("1\n\nFrom fairest")
    assert "\n\n  2\n\nWhen forty" in book.chapters[0].text


def test_a_heading_with_no_text_under_it_is_listed_as_skipped_not_lost(tmp_path: Path) -> None:
    """A numeral heading takes the line under it for its title: where nothing follows, the
    section was dropped with no word of it; it is listed, and so is a table of contents."""
    text = (
        "CHAPTER I: ONE\nCHAPTER II: TWO\n\nI\n\nTHE START\n\nOne.\n\nII\n\nTHE END\n\n"
        "CHAPTER I: ONE\n\nFirst.\n\nCHAPTER II: TWO\n\nSecond.\n"
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.title for c in book.chapters] == ["I. THE START", "CHAPTER I: ONE", "CHAPTER II: TWO"]
    assert [(s.title, s.kind, s.reason) for s in book.skipped] == [
        ("CHAPTER I: ONE CHAPTER II: TWO", "toc", "front matter (toc)"),
        ("II. THE END", "chapter", "no text under its heading"),
    ]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("CHAPTER I.\nTHE HALL\n\nShe came in.\n\nCHAPTER II.\nTHE GARDEN\n\nShe left.\n",
         ["CHAPTER I. THE HALL", "CHAPTER II. THE GARDEN"]),
        ("Chapter 1\nThe Storm\n\nRain fell.\n\nChapter 2\nThe Calm\n\nIt stopped.\n",
         ["Chapter 1: The Storm", "Chapter 2: The Calm"]),
        ("CHAPTER III: THE GUEST HOUSE AND\nBREAKFAST THEREIN\n\nShe ate.\n\nCHAPTER IV\n\nOn.\n",
         ["CHAPTER III: THE GUEST HOUSE AND BREAKFAST THEREIN", "CHAPTER IV"]),
    ],
)  # fmt: skip
def test_a_chapters_title_on_the_line_under_its_label_is_its_title(
    tmp_path: Path, text: str, titles: list[str]
) -> None:
    """Given "CHAPTER I." over "THE HALL": the title was "CHAPTER I." and "THE HALL" the
    first words of the chapter, read on into it ("THE HALL She came in"). It is joined as
    the HTML and EPUB readers join a number's line over its title; a title wrapped onto a
    second line is one line."""
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.title for c in book.chapters] == titles
    assert book.chapters[0].text == f"{titles[0]}\n\n{text.split(chr(10) * 2)[1]}"


@pytest.mark.parametrize(
    "text",
    [
        "Chapter 1\nIt was a dark night.\n\nRain fell.\n\nChapter 2\n\nIt stopped.\n",
        "CHAPTER 1\nCHAPTER 2\n\nCHAPTER 1\n\nRain fell.\n\nCHAPTER 2\n\nIt stopped.\n",
    ],
)
def test_a_line_of_prose_under_a_label_is_no_title(tmp_path: Path, text: str) -> None:
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].title in ("Chapter 1", "CHAPTER 1")
    assert "Rain fell." in book.chapters[0].text


def test_a_line_of_prose_opening_as_a_label_does_is_no_chapter(tmp_path: Path) -> None:
    """A paragraph filled at 50 columns had a line "part I like reading a good old book":
    a chapter's label by its first words, it cut the paragraph in two as a chapter."""
    text = (
        'CHAPTER I\n\n"O, you do, do you?" said he.  "Well, for my\npart I like reading a '
        'good old book with plenty\nof fun in it."\n\nCHAPTER II\n\nOn.\n'
    )
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert [c.title for c in book.chapters] == ["CHAPTER I", "CHAPTER II"]


GUTENBERG_MARKS = """CHAPTER I.

The house stood at the end of the lane,[Pg 12] and nobody had lived there
[pg 13]
for years. She opened the gate[A] and went in [1].[Footnote 1: An iron gate,
as the reader will remember.]

[Footnote A: The gate was iron. It stood [Page 14] open.]

[Illustration: THE GATE.]

[Illustration]

"Who is there?" [Pg xii] a voice called.

CHAPTER II.

In the morning she began to clear the paths.[Footnote 2: Of gravel.]
"""


def test_gutenbergs_page_numbers_footnotes_and_illustrations_are_not_read_inline(
    tmp_path: Path,
) -> None:
    """Given Project Gutenberg's marks in a plain text: they were read aloud, "Pg 12" and
    the whole of a footnote in its paragraph. Page numbers are not read, the notes are a
    section of their own, skipped as notes are in every format, and a picture's caption is
    read (as a figure's is in HTML)."""
    path = write(tmp_path, "b.txt", GUTENBERG_MARKS.encode())
    book = read_manuscript(path)
    assert [c.text for c in book.chapters] == [
        "CHAPTER I.\n\nThe house stood at the end of the lane, and nobody had lived there "
        'for years. She opened the gate and went in.\n\nTHE GATE.\n\n"Who is there?" a voice '
        "called.",
        "CHAPTER II.\n\nIn the morning she began to clear the paths.",
    ]
    assert [(s.title, s.kind, s.reason) for s in book.skipped] == [
        ("Footnotes", "footnotes", "back matter (footnotes)")
    ]
    notes = read_manuscript(path, Reading(include=("footnotes",))).chapters[-1].text
    assert notes == (
        "Footnotes\n\nAn iron gate,\nas the reader will remember.\n\nThe gate was iron. It "
        "stood open.\n\nOf gravel."
    )


MARKDOWN_NOTES = """# Fish &amp; Chips

## One

The gate[^1] was iron[^gate] &mdash; caf&eacute; &#8212; `a &amp; b`.

| Part | Weight |
|:-----|-------:|
| gate | 10 kg  |

After the table.

[^1]: The gate was iron.
    It was old.

    A second paragraph of the note.

[^gate]: Another note.

## Two &amp; Three

Text &lt;b&gt; here.

a | b
--|--
1 | 2

```
| not | a table |
|-----|---------|
```
"""


def test_markdown_footnotes_tables_and_entities(tmp_path: Path) -> None:
    """Given a Markdown manuscript's footnotes, pipe tables and character references: the
    notes were read where they stood, the tables cell by cell, and "&amp;" as written.
    Notes are a section of their own (skipped), a table is skipped with the warning the
    other readers give, and a reference is its character, but in code."""
    path = write(tmp_path, "b.md", MARKDOWN_NOTES.encode())
    source = read_source(path)
    book = source.manuscript
    assert book.metadata.title == "Fish & Chips"
    assert [c.title for c in book.chapters] == ["One", "Two & Three"]
    assert [c.text for c in book.chapters] == [
        "One\n\nThe gate was iron — café — a &amp; b.\n\nAfter the table.",
        "Two & Three\n\nText <b> here.",
    ]
    assert source.warnings == [
        "chapter 'One': a table was skipped",
        "chapter 'Two & Three': a table was skipped",
    ]
    assert [(s.kind, s.reason) for s in book.skipped] == [("footnotes", "back matter (footnotes)")]
    notes = read_manuscript(path, Reading(include=("footnotes",))).chapters[-1].text
    assert notes == (
        "Footnotes\n\nThe gate was iron.\nIt was old.\n\nA second paragraph of the note.\n\n"
        "Another note."
    )


def test_a_table_before_any_heading_is_reported_too(tmp_path: Path) -> None:
    text = "| a | b |\n| - | - |\n| 1 | 2 |\n\nSome text.\n"
    source = read_source(write(tmp_path, "b.md", text.encode()))
    assert source.manuscript.chapters[0].text == "Some text."
    assert source.warnings == ["the text before the first chapter: a table was skipped"]


# News from Nowhere's second paragraph (Project Gutenberg's e-text), one line.
MORRIS = (
    "Says our friend: Considering the subject, the discussion was good-tempered; for those "
    "present being used to public meetings and after-lecture debates, if they did not listen "
    "to each others' opinions (which could scarcely be expected of them), at all events did "
    "not always attempt to speak all together, as is the custom of people in ordinary polite "
    "society when conversing on a subject which interests them.  For the rest, there were six "
    "persons present, and consequently six sections of the party were represented, four of "
    "which had strong but divergent Anarchist opinions.  One of the sections, says our "
    "friend, a man whom he knows very well indeed, sat almost silent at the beginning of the "
    "discussion, but at last got drawn into it, and finished by roaring out very loud, and "
    "damning all the rest for fools."
)
SONNET = (
    "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n"
    "Rough winds do shake the darling buds of May,\nAnd summer's lease hath all too short a "
    "date;"
)
SECOND_COMING = (
    "Turning and turning in the widening gyre\nThe falcon cannot hear the falconer;\n"
    "Things fall apart; the centre cannot hold;\nMere anarchy is loosed upon the world,"
)


@pytest.mark.parametrize("width", [40, 45, 50, 55, 60, 62, 72])
def test_prose_filled_at_60_columns_or_fewer_is_prose_and_verse_stays_verse(
    tmp_path: Path, width: int
) -> None:
    """Given prose hard-wrapped at 60 columns or fewer: every line was 60 characters or
    less, which the segmenter reads as verse, a pause at each line's end. Prose filled to
    the text's measure is one line; verse among it keeps its lines."""
    prose = textwrap.fill(MORRIS, width)
    text = f"CHAPTER I\n\n{prose}\n\n{SONNET}\n\n{prose}\n\nCHAPTER II\n\n{prose}\n"
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    paragraphs = [p for c in book.chapters for p in c.text.split("\n\n")]
    assert paragraphs[2] == SONNET
    for paragraph in paragraphs[1], paragraphs[3], paragraphs[5]:
        assert "\n" not in paragraph and paragraph.split() == MORRIS.split()  # after-lecture
    segments = segment_chapter(book.chapters[1].text)
    unwrapped = segment_chapter(f"CHAPTER II\n\n{MORRIS}")
    assert [(s.text, s.brk) for s in segments] == [(s.text, s.brk) for s in unwrapped]


@pytest.mark.parametrize("poem", [SONNET, SECOND_COMING, f"{SONNET}\n\n{SECOND_COMING}"])
def test_a_book_of_verse_keeps_its_lines(tmp_path: Path, poem: str) -> None:
    """Verse alone, its lines near the same length (its measure is its own): it opens each
    line with a capital, as prose filled to a measure does not."""
    text = f"{poem}\n\n{poem.lower()}\n\nThe end.\n"
    book = read_manuscript(write(tmp_path, "b.txt", text.encode()))
    assert book.chapters[0].text.startswith(poem)


HOSTILE_MARKS = [
    ("notes.txt", "Hello world. " + "[Footnote 1: a " * 20_000),
    ("brackets.txt", "Hello world. " + "[" * 100_000),
    ("closers.txt", "Hello world. " + "[Footnote 1: [Illustration" + "]" * 100_000),
    ("pages.txt", "Hello world. " + "[Pg " * 25_000),
    ("spaces.txt", "Hello world.\n" + "[Pg 1]" + " \t" * 50_000 + "x\n"),
    ("lines.txt", "Hello world.\n\n" + "1\n" * 50_000),
    ("numbers.txt", "Hello world.\n\n" + "7\n\n" * 35_000),
    ("numerals.txt", "Hello world.\n\n" + "I\n\nA B\n\n" * 12_000),
    ("titles.txt", "Hello world.\n\n" + "CHAPTER I.\nA B\n" * 10_000),
    ("wrapped.txt", "Hello world.\n\n" + "a" * 60 + "-\n" + "b \n" * 50_000),
    ("notes.md", "# Title\n\nHello world. " + "[^" * 50_000),
    ("defs.md", "# Title\n\nHello world.\n\n" + "[^1]: a\n\n    b\n" * 20_000),
    ("tables.md", "# Title\n\nHello world.\n\n" + "|a|\n|-|\n" * 25_000),
    ("chapters.md", "# Title\n\nHello world.\n\n" + "## a\n|a|\n|-|\n" * 10_000),
    ("entities.md", "# Title\n\nHello world. " + "&" * 50_000 + "`&amp" * 10_000),
]


@pytest.mark.parametrize(("name", "text"), HOSTILE_MARKS)
def test_new_patterns_are_linear_on_hostile_input(tmp_path: Path, name: str, text: str) -> None:
    """Each of a hundred thousand characters or so, the worst shape for the patterns and
    scans that read Gutenberg's marks, Markdown's notes, tables and references, headings'
    titles and filled prose: well under the bound."""
    began = time.perf_counter()
    book = read_manuscript(write(tmp_path, name, text.encode()))
    assert time.perf_counter() - began < 5
    assert "Hello world." in book.chapters[0].text
