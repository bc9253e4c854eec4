"""The DOCX reader on what authors' manuscripts do: a manuscript's cover page, chapter labels
over titles, a typed contents list, Word Online's part names, tracked changes that join
paragraphs, content controls, numbered headings. Each test names what a listener heard
before."""

import io
import zipfile
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from config.errors import ManuscriptError
from producer.readers.docx import read
from tests.producer.test_readers_docx import W_NS, element, run, save, zip_of

REVISED = {"id": "91", "author": "Editor", "date": "2024-01-01T00:00:00Z"}


def sections(data: bytes) -> list[tuple[str, str, str]]:
    return [(s.title, s.kind, s.body) for s in read(data, "b.docx").sections]


def body_document(body: str) -> bytes:
    """A DOCX by hand around `body` (WordprocessingML paragraphs)."""
    document = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    return zip_of({"word/document.xml": document.encode()})


def paragraph(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{properties}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


# A manuscript's cover page


def manuscript_cover(document: Any, word_count: str = "About 80,000 words") -> None:
    """The first page of a manuscript in standard (Shunn) format: the author's contact
    details and the word count, then the title and byline."""
    for line in ("Jane Doe", "123 Main Street", "Springfield, IL 62704", "(555) 555-0100"):
        document.add_paragraph(line)
    document.add_paragraph("jane.doe@example.com")
    document.add_paragraph(word_count)
    document.add_paragraph("THE LONG ROAD")
    document.add_paragraph("by Jane Doe")


def test_a_manuscript_cover_page_with_its_word_count_is_not_narrated() -> None:
    """Given the first page of a standard manuscript: the author's address, phone number,
    email and "About 80,000 words" were read as the book's opening."""
    document = docx.Document()
    manuscript_cover(document)
    document.add_heading("Chapter One", level=1)
    document.add_paragraph("It began.")
    document.add_heading("Chapter Two", level=1)
    document.add_paragraph("It went on.")
    book = read(save(document), "b.docx")
    assert [(s.kind, s.skip_reason) for s in book.sections] == [
        ("titlepage", "front matter (titlepage)"),
        ("chapter", ""),
        ("chapter", ""),
    ]
    assert book.sections[0].body.startswith("Jane Doe\n\n123 Main Street")


def test_a_word_count_set_on_the_name_line_or_typed_as_a_count_marks_the_cover_too() -> None:
    """Chapters typed as labels; the count after a tab on the author's line, or "Word
    count: 80,000"."""
    for first, count in (
        ("Jane Doe\tapprox. 80,000 words", ""),
        ("Jane Doe", "Word count: 80,000"),
    ):
        document = docx.Document()
        document.add_paragraph(first)
        document.add_paragraph("123 Main Street")
        if count:
            document.add_paragraph(count)
        document.add_paragraph("THE LONG ROAD")
        for line in ("Chapter One", "It began.", "Chapter Two", "It went on."):
            document.add_paragraph(line)
        kinds = [(s.title, s.kind) for s in read(save(document), "b.docx").sections]
        assert kinds == [("", "titlepage"), ("Chapter One", "chapter"), ("Chapter Two", "chapter")]


def test_an_opening_that_mentions_words_or_has_no_chapters_after_it_is_narrated() -> None:
    """A short opening is a title page only with a word count among short lines, and only
    with chapters or a byline after it (a story's short lines are the story)."""
    document = docx.Document()
    document.add_paragraph("For Anna, who taught me my first 100 words")
    document.add_heading("Chapter One", level=1)
    document.add_paragraph("It began.")
    assert [s.kind for s in read(save(document), "b.docx").sections] == ["chapter", "chapter"]
    document = docx.Document()
    for line in ("Jane Doe", "About 80,000 words", "THE LONG ROAD", "It began."):
        document.add_paragraph(line)
    (section,) = read(save(document), "b.docx").sections
    assert section.kind == "chapter"


# Chapter labels and titles as two headings


def test_a_chapter_label_heading_over_its_title_heading_is_one_title() -> None:
    """Given "Chapter One" and "The Storm" each styled Heading 1: the label, a heading with
    no text under it, was dropped, and the listener never heard "Chapter One"."""
    document = docx.Document()
    for label, title, text in (("Chapter One", "The Storm", "Rain."), ("II.", "The Calm", "Sun.")):
        document.add_heading(label, level=1)
        document.add_heading(title, level=1)
        document.add_paragraph(text)
    assert sections(save(document)) == [
        ("Chapter One: The Storm", "chapter", "Rain."),
        ("II. The Calm", "chapter", "Sun."),
    ]


def test_a_label_heading_over_its_title_a_level_lower_is_one_title() -> None:
    """Given "Chapter One" in Heading 1 over "The Storm" in Heading 2 for every chapter:
    each label was taken for a part with no text ("Chapter One", then a chapter "The
    Storm"); where only some chapters were set so, the title was read as their text."""
    for joined in (3, 2):
        document = docx.Document()
        for n, (label, title) in enumerate((("Chapter One", "The Storm"), ("II", "The Calm"))):
            document.add_heading(label, level=1)
            document.add_heading(title, level=2)
            document.add_paragraph(f"Text {n}.")
        document.add_heading("Chapter Three" if joined == 3 else "Chapter Three: Rain", level=1)
        if joined == 3:
            document.add_heading("Rain", level=2)
        document.add_paragraph("Text 2.")
        assert sections(save(document)) == [
            ("Chapter One: The Storm", "chapter", "Text 0."),
            ("II: The Calm", "chapter", "Text 1."),
            ("Chapter Three: Rain", "chapter", "Text 2."),
        ]


def test_a_label_and_its_title_on_lines_of_their_own_are_one_title() -> None:
    """Given "Chapter One", a line break and "The Platform" in one heading (Scrivener's),
    a label typed over its title line, or a Subtitle under a chapter's heading: the title
    was "Chapter One The Platform" with no pause, or the label alone, the title read as the
    chapter's first line. A title broken for looks, or prose under a label, is as it was."""
    document = docx.Document()
    for label, title in (("Chapter One", "The Platform"), ("The Long", "Goodbye")):
        heading = document.add_heading(label, level=1)
        heading.add_run().add_break()
        heading.add_run(title)
        document.add_paragraph("Text.")
    assert [title for title, _, _ in sections(save(document))] == [
        "Chapter One: The Platform",
        "The Long Goodbye",
    ]
    document = docx.Document()
    for label, line in (("CHAPTER ONE", "The Storm"), ("CHAPTER TWO", "It rained.")):
        document.add_paragraph(label)
        document.add_paragraph(line)
        document.add_paragraph("Text.")
    assert sections(save(document)) == [
        ("CHAPTER ONE: The Storm", "chapter", "Text."),
        ("CHAPTER TWO", "chapter", "It rained.\n\nText."),
    ]
    document = docx.Document()
    for label in ("Chapter 1", "Chapter 2"):
        document.add_heading(label, level=1)
        document.add_paragraph("In which we arrive", style="Subtitle")
        document.add_paragraph("Text.")
    assert sections(save(document))[0] == ("Chapter 1: In which we arrive", "chapter", "Text.")


def test_a_typed_contents_list_names_the_titles_joined_to_their_labels() -> None:
    """Its entries are the chapters' titles, each now joined to its label."""
    document = docx.Document()
    for line in ("Contents", "The Storm", "The Calm", "For Anna"):
        document.add_paragraph(line)
    for label, title in (("CHAPTER ONE", "The Storm"), ("CHAPTER TWO", "The Calm")):
        document.add_paragraph(label)
        document.add_paragraph(title)
        document.add_paragraph("Text.")
    assert [(title, kind, body) for title, kind, body in sections(save(document))][:2] == [
        ("Contents", "toc", "The Storm\n\nThe Calm"),
        ("", "chapter", "For Anna"),
    ]


def test_a_label_over_a_parts_first_chapter_or_a_subsection_is_not_joined() -> None:
    """A part's name over its first chapter's heading is a part, and a label over the first
    of a chapter's subsections is the chapter's title alone."""
    document = docx.Document()
    for part, chapter in (("Part One", "The Sea"), ("Part Two", "The Land")):
        document.add_heading(part, level=1)
        document.add_heading(chapter, level=2)
        document.add_paragraph("Waves.")
    assert [(title, kind) for title, kind, _ in sections(save(document))] == [
        ("Part One", "part"),
        ("The Sea", "chapter"),
        ("Part Two", "part"),
        ("The Land", "chapter"),
    ]
    document = docx.Document()
    for label in ("Chapter One", "Chapter Two"):
        document.add_heading(label, level=1)
        for name in ("Morning", "Evening"):
            document.add_heading(name, level=2)
            document.add_paragraph(f"{name} came.")
    assert sections(save(document))[0] == (
        "Chapter One",
        "chapter",
        "Morning\n\nMorning came.\n\nEvening\n\nEvening came.",
    )


def test_a_heading_that_is_no_label_or_no_title_is_not_joined() -> None:
    """The book's name or "Contents" over a chapter's heading is no part of its title, nor
    is a label over another ("Chapter 3" not yet written over "Chapter 4"). In a manuscript
    without heading styles, a typed list of contents is labels over labels, and over the
    "Prologue" after it: they made "Chapter 3: Prologue"."""
    document = docx.Document()
    names = ("The Long Road", "Chapter One", "It began.", "Contents", "Chapter Two", "On.")
    for name in (*names, "Chapter 3", "Chapter 4", "Off."):
        if name.endswith("."):
            document.add_paragraph(name)
        else:
            document.add_heading(name, level=1)
    assert [s.title for s in read(save(document), "b.docx").sections] == [
        "Chapter One",
        "Chapter Two",
        "Chapter 4",
    ]
    document = docx.Document()
    contents = ("Part One", "Chapter 1", "Part Two", "Chapter 2", "Chapter 3")
    for line in (*contents, "Prologue", "Long ago.", "Part One", "Chapter 1", "It began."):
        document.add_paragraph(line)
    assert sections(save(document)) == [
        ("Prologue", "prologue", "Long ago."),
        ("Part One", "part", ""),
        ("Chapter 1", "chapter", "It began."),
    ]


def test_chapter_labels_in_the_title_style_make_chapters() -> None:
    """Given Google Docs' habit of a chapter's label set in the Title style, for every
    chapter: the first label was taken for the book's title, unheard, and the book was one
    chapter, the other labels read in it. A lone Title is still the book's."""
    document = docx.Document()
    document.add_paragraph("The Ferryman")
    for label, text in (("Chapter One", "High water."), ("Chapter Two", "A leak.")):
        document.add_paragraph(label, style="Title")
        document.add_paragraph(text)
    book = read(save(document), "b.docx")
    assert [(s.title, s.body) for s in book.sections] == [
        ("", "The Ferryman"),
        ("Chapter One", "High water."),
        ("Chapter Two", "A leak."),
    ]
    assert book.metadata.title == ""
    document = docx.Document()
    document.add_paragraph("Chapter One", style="Title")
    document.add_heading("Chapter Two", level=1)
    document.add_paragraph("A leak.")
    assert read(save(document), "b.docx").metadata.title == "Chapter One"


# A contents list typed by hand


def test_a_typed_contents_list_before_the_first_chapter_is_not_narrated() -> None:
    """Given "Contents" typed over its entries, not Word's contents field: "Contents.
    Chapter One: The Storm 1. Chapter Two 9." was the book's opening. A manuscript typed
    with chapter labels and no heading styles said "Contents" alone."""
    document = docx.Document()
    for line in ("For Anna", "Contents", "Chapter One: The Storm\t1", "Chapter Two\t9"):
        document.add_paragraph(line)
    for name in ("Chapter One: The Storm", "Chapter Two"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    assert [(s.title, s.kind, s.skip_reason) for s in read(save(document), "b.docx").sections] == [
        ("", "chapter", ""),
        ("Contents", "toc", "front matter (toc)"),
        ("Chapter One: The Storm", "chapter", ""),
        ("Chapter Two", "chapter", ""),
    ]
    document = docx.Document()
    for line in (
        "Contents",
        "Chapter 1",
        "Chapter 2",
        "Chapter 1",
        "It began.",
        "Chapter 2",
        "On.",
    ):
        document.add_paragraph(line)
    assert [s.title for s in read(save(document), "b.docx").sections] == ["Chapter 1", "Chapter 2"]


def test_contents_over_prose_without_chapters_or_inside_a_chapter_is_read() -> None:
    """A "Contents" line is a list's only over short lines and before a chapter."""
    prose = "The rain fell on the roofs of the town all day, and nobody went out to see it."
    document = docx.Document()
    for line in ("Contents", prose):
        document.add_paragraph(line)
    assert sections(save(document)) == [("", "chapter", f"Contents\n\n{prose}")]
    document.add_heading("Two", level=1)
    document.add_paragraph("Contents")
    document.add_heading("Three", level=1)
    document.add_paragraph("On.")
    assert [s.kind for s in read(save(document), "b.docx").sections] == ["chapter"] * 3


# Word Online's part names


def renamed_main_part(data: bytes, name: str) -> bytes:
    """A DOCX whose main document is `name` (as Word Online saves it), found through the
    package's relationships, with an absolute target."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for member in old.namelist():
            part = old.read(member)
            if member == "_rels/.rels":
                part = part.replace(b'Target="word/document.xml"', f'Target="/{name}"'.encode())
            if member == "[Content_Types].xml":
                part = part.replace(b"/word/document.xml", f"/{name}".encode())
            member = member.replace("document.xml", name.rpartition("/")[2])
            new.writestr(member, part)
    return out.getvalue()


def test_a_main_part_named_by_relationship_is_held_to_the_zip_limits() -> None:
    """Hostile: a bomb as word/document2.xml (megabytes of one character, compressed far
    past the archive's ratio) is refused by name, found through the relationships as
    word/document.xml would be found by its own."""
    document = docx.Document()
    document.add_paragraph("x" * (4 << 20))
    stored = renamed_main_part(save(document), "word/document2.xml")
    deflated = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(stored)) as old, zipfile.ZipFile(deflated, "w") as new:
        for member in old.namelist():
            new.writestr(member, old.read(member), compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(ManuscriptError, match=r"word/document2\.xml is compressed 200x\+"):
        read(deflated.getvalue(), "b.docx")


def test_a_word_online_document_named_document2_is_read_with_its_styles() -> None:
    """Given Word Online's word/document2.xml: the book was refused ("not a DOCX document (no
    word/document.xml in the ZIP)"). Its styles are found through its relationships: a
    style of the author's own, known only there, still makes the chapters."""
    document = docx.Document()
    chapter = document.styles.add_style("Chapter Head", WD_STYLE_TYPE.PARAGRAPH)
    chapter.element.get_or_add_pPr().append(element("w:outlineLvl", val="0"))
    for name in ("One", "Two"):
        document.add_paragraph(name, style="Chapter Head")
        document.add_paragraph(f"Text of {name}.")
    data = renamed_main_part(save(document), "word/document2.xml")
    assert "word/document.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sections(data) == [
        ("One", "chapter", "Text of One."),
        ("Two", "chapter", "Text of Two."),
    ]


# Tracked changes


def deleted_mark(p: Any) -> None:
    """A tracked deletion of a paragraph's mark: it runs on into the next paragraph."""
    properties = element("w:rPr")
    properties.append(element("w:del", **REVISED))
    p._p.get_or_add_pPr().append(properties)


def test_a_tracked_deletion_of_a_paragraph_mark_joins_the_two_paragraphs() -> None:
    """Given an editor's join of two paragraphs, left as a tracked change: it was read as
    two paragraphs ("She went to the", a paragraph's pause, "market at noon.")."""
    document = docx.Document()
    document.add_heading("One", level=1)
    deleted_mark(document.add_paragraph("She went to the "))
    document.add_paragraph("market at noon.")
    deleted_mark(document.add_paragraph("Before the table."))
    document.add_table(rows=1, cols=1)
    deleted_mark(document.add_paragraph("The last words."))
    assert sections(save(document)) == [
        (
            "One",
            "chapter",
            "She went to the market at noon.\n\nBefore the table.\n\nThe last words.",
        )
    ]


def test_a_tracked_join_with_no_space_typed_keeps_the_words_apart() -> None:
    """Given two paragraphs joined by a deleted mark, neither with a space at the join: a
    listener hears two words ("the market"), not the one Word would show ("themarket")."""
    document = docx.Document()
    document.add_heading("One", level=1)
    deleted_mark(document.add_paragraph("She went to the"))
    document.add_paragraph("market at noon.")
    deleted_mark(document.add_paragraph("It rained"))
    document.add_paragraph(", and they left.")
    assert sections(save(document)) == [
        ("One", "chapter", "She went to the market at noon.\n\nIt rained, and they left.")
    ]


# Content controls


def placeholder(content: str, *, inline: bool) -> Any:
    """A content control still showing its placeholder ("Click or tap here to enter
    text."), which Word shows in grey until the author types over it."""
    sdt = element("w:sdt")
    properties = element("w:sdtPr")
    properties.append(element("w:showingPlcHdr"))
    sdt.append(properties)
    holder = element("w:sdtContent")
    if inline:
        holder.append(run(element("w:t", content)))
    else:
        p = element("w:p")
        p.append(run(element("w:t", content)))
        holder.append(p)
    sdt.append(holder)
    return sdt


def test_a_content_controls_placeholder_text_is_not_read() -> None:
    """Given a template's unfilled content controls: "By Click or tap here to enter text."
    and "[Type the dedication]" were read."""
    document = docx.Document()
    document.add_heading("One", level=1)
    byline = document.add_paragraph("By ")
    byline._p.append(placeholder("Click or tap here to enter text.", inline=True))
    document.add_paragraph("Story.")._p.addprevious(placeholder("[Type here]", inline=False))
    filled = document.add_paragraph("By ")
    control = placeholder("Jane Doe", inline=True)
    control.remove(control[0])  # the author typed her name: no placeholder any more
    filled._p.append(control)
    assert sections(save(document)) == [("One", "chapter", "By\n\nStory.\n\nBy Jane Doe")]


def test_a_cover_page_content_control_is_the_title_page() -> None:
    """Given Word's cover page (a content control from its Cover Pages gallery) before the
    first chapter: its title, subtitle and author were read as an opening chapter."""
    lines = "".join(paragraph(t) for t in ("The Long Road", "A Novel", "Jane Doe"))
    cover = (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Cover Pages"/><w:docPartUnique/>'
        f"</w:docPartObj></w:sdtPr><w:sdtContent>{lines}</w:sdtContent></w:sdt>"
    )
    chapters = "".join(
        paragraph(text, style) for style, text in [("Heading1", "One"), ("", "It began.")] * 2
    )
    book = read(body_document(cover + chapters), "b.docx")
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("", "titlepage", "front matter (titlepage)"),
        ("One", "chapter", ""),
        ("One", "chapter", ""),
    ]


# Numbered headings


NUMBERING_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"


def with_numbering(data: bytes, levels: str) -> bytes:
    """A DOCX whose list 5 has `levels` (w:lvl elements), in its own numbering part."""
    numbering = (
        f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="8">{levels}'
        '</w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="8"/></w:num></w:numbering>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for member in old.namelist():
            if member != "word/numbering.xml":
                new.writestr(member, old.read(member))
        new.writestr("word/numbering.xml", numbering)
    return out.getvalue()


def level(index: int, text: str, number_format: str, style: str = "", start: int = 1) -> str:
    linked = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (
        f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'{linked}<w:lvlText w:val="{text}"/></w:lvl>'
    )


def numbered(p: Any, index: int | None = None, list_id: str = "5") -> Any:
    """A paragraph (or a style's properties) numbered by a list."""
    properties = p.get_or_add_pPr() if hasattr(p, "get_or_add_pPr") else p._p.get_or_add_pPr()
    numbering = element("w:numPr")
    if index is not None:
        numbering.append(element("w:ilvl", val=str(index)))
    numbering.append(element("w:numId", val=list_id))
    properties.append(numbering)
    return p


def test_a_heading_numbered_by_a_word_list_is_heard_with_its_number() -> None:
    """Given Heading 1 numbered by Word's multilevel list as "Chapter %1" (the number is
    not in the text): "Chapter 1" went unheard, and a numbered heading with no text of its
    own vanished with its chapter, run into the one before it. A list's items are read
    without their numbers, as HTML's are."""
    document = docx.Document()
    numbered(document.styles["Heading 1"].element)  # the style's list, its level by pStyle
    document.add_heading("The Storm", level=1)
    numbered(document.add_paragraph("Rain fell.", style="List Number"), 1)
    document.add_heading("", level=1)
    document.add_paragraph("Sun.")
    numbered(document.add_heading("Home", level=1), list_id="0")  # numbering taken off
    document.add_paragraph("Rest.")
    levels = level(0, "Chapter %1", "decimal", style="Heading1") + level(1, "%1.%2", "decimal")
    assert sections(with_numbering(save(document), levels)) == [
        ("Chapter 1: The Storm", "chapter", "Rain fell."),
        ("Chapter 2", "chapter", "Sun."),
        ("Home", "chapter", "Rest."),
    ]


def test_a_headings_number_is_set_in_its_lists_format() -> None:
    formats = [("upperRoman", 4, "Part IV"), ("cardinalText", 1, "Part One")]
    formats += [("ordinalText", 2, "Second Part"), ("upperLetter", 28, "Part BB")]
    for number_format, start, title in formats:
        document = docx.Document()
        numbered(document.add_heading("", level=1), 0)
        document.add_paragraph("Text.")
        text = "%1 Part" if number_format == "ordinalText" else "Part %1"
        levels = level(0, text, number_format, start=start)
        assert sections(with_numbering(save(document), levels))[0][0] == title
    document = docx.Document()
    numbered(document.add_heading("Home", level=1), 0)
    document.add_paragraph("Text.")
    bullet = level(0, "\uf0b7", "bullet")  # Symbol's bullet, a private-use character
    assert sections(with_numbering(save(document), bullet))[0][0] == "Home"


# A review of the change: what the old reader read right and this one did not


def test_a_line_that_only_ends_in_a_count_of_words_is_no_cover_page() -> None:
    """A dedication, an epigraph or a letter before the first chapter, short lines with "...
    90,000 words." at a line's end, was taken for a manuscript's cover and not narrated."""
    for opening in (
        ["For Sam, who read every one of the 90,000 words."],
        ["A picture is worth 1,000 words.", "— Proverb"],
        ["14 Elm Street", "Dear Mr. Harker,", "I enclose the account, some 90,000 words."],
    ):
        document = docx.Document()
        for line in opening:
            document.add_paragraph(line)
        for name in ("Chapter One", "Chapter Two"):
            document.add_heading(name, level=1)
            document.add_paragraph("Text.")
        assert sections(save(document))[0] == ("", "chapter", "\n\n".join(opening))


def test_a_cover_page_ends_at_its_byline_and_what_follows_it_is_read() -> None:
    """A collection's first poem (or a story's opening) under the cover's title and byline,
    before the first heading, was skipped with the cover."""
    document = docx.Document()
    manuscript_cover(document)
    poem = ["The light comes early here,", "it settles on the sill."]
    for line in poem:
        document.add_paragraph(line)
    for name in ("Evening", "Night"):
        document.add_heading(name, level=1)
        document.add_paragraph("Stars.")
    (cover, *rest) = sections(save(document))
    assert cover[:2] == ("", "titlepage") and cover[2].endswith("THE LONG ROAD\n\nby Jane Doe")
    assert rest[0] == ("", "chapter", "\n\n".join(poem))
    assert [title for title, _, _ in rest[1:]] == ["Evening", "Night"]


def test_a_short_storys_cover_page_is_skipped_and_its_title_is_the_books() -> None:
    """A short story in standard manuscript format has no chapter headings: its whole
    cover (the author's address, phone, email and "About 4,500 words", the title and
    byline) was read aloud as its opening, and the book was "(untitled)"."""
    for first in (["Jane Doe\tAbout 4,500 words"], ["About 4,500 words", "Jane Doe"]):
        document = docx.Document()
        for line in (*first, "123 Main Street", "jane.doe@example.com"):
            document.add_paragraph(line)
        for line in ("The Long Road", "by Jane Doe", "It began at dawn.", "#", "It ended."):
            document.add_paragraph(line)
        book = read(save(document), "b.docx")
        assert [(s.kind, s.body) for s in book.sections][1:] == [
            ("chapter", "It began at dawn.\n\n#\n\nIt ended.")
        ]
        assert book.sections[0].kind == "titlepage"
        assert book.metadata.title == "The Long Road"


def test_a_cover_pages_title_is_the_line_over_its_byline() -> None:
    """A novel's cover over its chapters gives its title too, set on a line of its own
    or broken over its byline in one paragraph (Scrivener's); a cover with no byline
    gives none, nor an email over a byline."""
    document = docx.Document()
    manuscript_cover(document)
    for name in ("Chapter One", "Chapter Two"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    assert read(save(document), "b.docx").metadata.title == "THE LONG ROAD"
    for cover, title in (
        (["Jane Doe\tabout 85,000 words", "NIGHT TRAIN\nby Jane Doe"], "NIGHT TRAIN"),
        (["Jane Doe\tabout 85,000 words", "NIGHT TRAIN"], ""),
        (["About 85,000 words", "jane@example.com", "by Jane Doe"], ""),
    ):
        document = docx.Document()
        for line in cover:
            paragraph = document.add_paragraph()
            for i, part in enumerate(line.split("\n")):
                if i:
                    paragraph.add_run().add_break()
                paragraph.add_run(part)
        for name in ("Chapter One", "Chapter Two"):
            document.add_heading(name, level=1)
            document.add_paragraph("Text.")
        book = read(save(document), "b.docx")
        assert (book.sections[0].kind, book.metadata.title) == ("titlepage", title)


def test_a_cover_pages_byline_names_the_books_authors_as_written() -> None:
    """Given a manuscript's cover page, "by Jane Doe" under its title (or "by" over the
    name), the book's author was dc:creator, Word on a Mac's "Microsoft Office User"; a
    pen name in the byline is taken as written."""
    for byline, authors in (
        (["by Jane Doe"], ["Jane Doe"]),
        (["by", "JANE DOE"], ["Jane Doe"]),
        (["by bell hooks"], ["bell hooks"]),
        (["by Ann Example & Bo Sample"], ["Ann Example", "Bo Sample"]),
        (["by Kurt Vonnegut, Jr."], ["Kurt Vonnegut, Jr."]),
    ):
        document = docx.Document()
        for line in ("Jane Doe", "jane.doe@example.com", "About 80,000 words", "THE LONG ROAD"):
            document.add_paragraph(line)
        for line in byline:
            document.add_paragraph(line)
        for name in ("Chapter One", "Chapter Two"):
            document.add_heading(name, level=1)
            document.add_paragraph("Text.")
        document.core_properties.author = "Microsoft Office User"
        book = read(save(document), "b.docx")
        assert (book.sections[0].kind, book.metadata.authors) == ("titlepage", authors), byline


def borderless_table(*cells: list[str]) -> str:
    """A table of one row without borders, as Word's manuscript templates lay out a cover's
    contact details beside its word count: a cell for each list of paragraphs."""
    none = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right"))
    row = "".join(f"<w:tc>{''.join(map(paragraph, lines))}</w:tc>" for lines in cells)
    borders = f"<w:tblPr><w:tblBorders>{none}</w:tblBorders></w:tblPr>"
    return f"<w:tbl>{borders}<w:tr>{row}</w:tr></w:tbl>"


CONTACT = ["Lena Ortiz", "88 Harbor Lane", "Mystic, CT 06355", "lena@example.com"]
CHAPTERS = (
    paragraph("Chapter One", "Heading1")
    + paragraph("The foundry closed.")
    + paragraph("Chapter Two", "Heading1")
    + paragraph("They still fit.")
)


def test_a_cover_page_laid_out_in_a_borderless_table_is_not_narrated() -> None:
    """Given a manuscript's contact details and "Approx. 92,000 words" in a borderless
    table, the title and byline under it: the table was skipped unseen, so "SALT AND IRON,
    by Lena Ortiz" was read as an untitled first chapter and the book had no title. A
    short story's opening under such a cover is read whole."""
    cover = borderless_table(CONTACT, ["Approx. 92,000 words"])
    cover += paragraph("SALT AND IRON") + paragraph("by Lena Ortiz")
    book = read(body_document(cover + CHAPTERS), "b.docx")
    assert [(s.title, s.kind) for s in book.sections] == [
        ("", "titlepage"),
        ("Chapter One", "chapter"),
        ("Chapter Two", "chapter"),
    ]
    assert book.sections[0].body.startswith("Lena Ortiz\n\n88 Harbor Lane")
    assert (book.metadata.title, book.warnings) == ("SALT AND IRON", [])
    story = paragraph("The foundry closed.") + paragraph("It never opened again.")
    book = read(body_document(cover + story), "b.docx")
    assert [(s.kind, s.body) for s in book.sections][1:] == [
        ("chapter", "The foundry closed.\n\nIt never opened again.")
    ]
    assert book.metadata.title == "SALT AND IRON"


def test_a_borderless_table_that_holds_no_cover_page_is_still_not_read() -> None:
    """A table in a chapter, one before the first chapter with no word count in it, and
    one in a story's opening under a cover's byline are the book's tables: not read, each
    with its warning, the text around them read as before."""
    table = borderless_table(["Tide", "High"], ["Approx. 92,000 words", "06:12"])
    in_chapter = CHAPTERS.replace(paragraph("They still fit."), table + paragraph("They fit."))
    opening = borderless_table(CONTACT, ["SALT AND IRON"]) + paragraph("It was cold.")
    covered = "".join(map(paragraph, (*CONTACT, "About 92,000 words", "SALT", "by Lena Ortiz")))
    for body, sections_then, where in (
        (in_chapter, ["The foundry closed.", "They fit."], "chapter 'Chapter Two'"),
        (opening + CHAPTERS, ["It was cold.", "The foundry closed.", "They still fit."], ""),
        (covered + paragraph("It began.") + table, ["It began."], ""),
    ):
        book = read(body_document(body), "b.docx")
        assert [s.body for s in book.sections if not s.skip_reason] == sections_then
        where = where or "the text before the first chapter"
        assert book.warnings == [f"b.docx: a table in {where} not read (tables are not narrated)"]


def title_page_table(document: Any, *cells: list[tuple[str, str]]) -> None:
    """A table of one row in the document, as python-docx adds one (no table style, so no
    borders: a layout table), a cell for each list of (text, paragraph style) lines."""
    row = document.add_table(rows=1, cols=len(cells)).rows[0]
    for cell, lines in zip(row.cells, cells, strict=True):
        cell.paragraphs[0].text, cell.paragraphs[0].style = lines[0]
        for text, style in lines[1:]:
            cell.add_paragraph(text, style=style)


def chapters_with_a_table(document: Any) -> None:
    for name in ("Chapter One", "Chapter Two"):
        document.add_heading(name, level=1)
        document.add_paragraph(f"Text of {name}.")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Tide tables"


def test_a_title_page_laid_out_in_a_borderless_table_gives_the_books_title() -> None:
    """Given a first page laid out in a borderless table, the Title paragraph ("SALT AND
    IRON") and a Subtitle in one cell, the author in another, chapters after it: the table
    was skipped unseen, so the book had no title and its title page a table warning. Its
    Title is the book's, and the table is skipped with the title page; a table in a
    chapter is still not read, with its warning."""
    document = docx.Document()
    title_page_table(
        document, [("SALT AND IRON", "Title"), ("A Novel", "Subtitle")], [("Lena Ortiz", "Normal")]
    )
    chapters_with_a_table(document)
    book = read(save(document), "b.docx")
    assert book.metadata.title == "SALT AND IRON"
    assert [(s.title, s.kind, s.body, bool(s.skip_reason)) for s in book.sections] == [
        ("", "titlepage", "A Novel\n\nLena Ortiz", True),
        ("Chapter One", "chapter", "Text of Chapter One.", False),
        ("Chapter Two", "chapter", "Text of Chapter Two.", False),
    ]
    assert book.warnings == [
        "b.docx: a table in chapter 'Chapter Two' not read (tables are not narrated)"
    ]


def test_a_table_with_a_title_and_more_than_a_title_page_is_still_not_read() -> None:
    """A table before the first chapter whose Title sits over a paragraph of prose (more
    than a title page's short lines) gives the book its title but is not read, with its
    warning; a Title paragraph in a table inside a chapter is no book's title."""
    prose = "The foundry had closed in the winter, and nobody in the town said its name. " * 2
    document = docx.Document()
    title_page_table(document, [("SALT AND IRON", "Title"), (prose, "Normal")])
    chapters_with_a_table(document)
    book = read(save(document), "b.docx")
    assert book.metadata.title == "SALT AND IRON"
    assert [s.title for s in book.sections] == ["Chapter One", "Chapter Two"]
    assert book.warnings == [
        f"b.docx: a table in {where} not read (tables are not narrated)"
        for where in ("the text before the first chapter", "chapter 'Chapter Two'")
    ]
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    title_page_table(document, [("SALT AND IRON", "Title")])
    document.add_paragraph("Text.")
    document.add_heading("Chapter Two", level=1)
    document.add_paragraph("Text.")
    book = read(save(document), "b.docx")
    assert (book.metadata.title, [s.title for s in book.sections]) == (
        "",
        ["Chapter One", "Chapter Two"],
    )


def test_a_cover_table_over_the_title_is_skipped_with_the_title_page() -> None:
    """Given a manuscript's contact details and "Approx. 92,000 words" in a borderless
    table over a Title paragraph and its byline, chapters after them: the title was found,
    but the table was warned about as not read, so a publisher thought text was lost. It
    is the title page's, skipped with it, no warning; a chapter's table still has one."""
    document = docx.Document()
    contact = [(line, "Normal") for line in CONTACT]
    title_page_table(document, contact, [("Approx. 92,000 words", "Normal")])
    document.add_paragraph("SALT AND IRON", style="Title")
    document.add_paragraph("by Lena Ortiz")
    chapters_with_a_table(document)
    book = read(save(document), "b.docx")
    assert (book.metadata.title, book.metadata.authors) == ("SALT AND IRON", ["Lena Ortiz"])
    assert [(s.title, s.kind, bool(s.skip_reason)) for s in book.sections] == [
        ("", "titlepage", True),
        ("Chapter One", "chapter", False),
        ("Chapter Two", "chapter", False),
    ]
    assert book.sections[0].body.startswith("Lena Ortiz\n\n88 Harbor Lane")
    assert book.warnings == [
        "b.docx: a table in chapter 'Chapter Two' not read (tables are not narrated)"
    ]


PROSE = "The foundry had closed in the winter, and nobody in the town said its name. " * 2
COUNT = [("Approx. 92,000 words", "Normal")]


@pytest.mark.parametrize(
    ("over", "under"),
    [
        ([[(PROSE, "Normal")], COUNT], None),
        ([[("Tide", "Normal"), ("High", "Normal")], [("06:12", "Normal")]], None),
        (None, [[(line, "Normal") for line in CONTACT], COUNT]),
    ],
)
def test_a_table_over_the_title_that_holds_no_cover_or_one_under_it_is_still_not_read(
    over: list[list[tuple[str, str]]] | None, under: list[list[tuple[str, str]]] | None
) -> None:
    """A table over the Title paragraph that holds prose (beside a word count) or short
    lines with no word count, or a cover's lines in a table under the byline, is the
    book's table: not read, with its warning."""
    document = docx.Document()
    if over:
        title_page_table(document, *over)
    document.add_paragraph("SALT AND IRON", style="Title")
    document.add_paragraph("by Lena Ortiz")
    if under:
        title_page_table(document, *under)
    chapters_with_a_table(document)
    book = read(save(document), "b.docx")
    assert book.metadata.title == "SALT AND IRON"
    assert [s.title for s in book.sections if not s.skip_reason] == ["Chapter One", "Chapter Two"]
    assert book.warnings == [
        f"b.docx: a table in {where} not read (tables are not narrated)"
        for where in ("the text before the first chapter", "chapter 'Chapter Two'")
    ]


def test_an_epigraph_or_a_dedication_after_the_title_page_is_read() -> None:
    """Given a Title, the author and then an epigraph (a short quotation, its attribution)
    or a dedication before the first chapter: short lines, they were skipped with the
    title page, and never heard."""
    for lines, kind in (
        (["The sea holds one in its net of wonder forever.", "— Jacques Cousteau"], "epigraph"),
        (["“The sea is patient.”"], "epigraph"),
        (["For my mother, who walked the road first."], "dedication"),
    ):
        document = docx.Document()
        document.add_paragraph("Low Tide", style="Title")
        for line in ("Iris Moreau", "— A Novel —", *lines):
            document.add_paragraph(line)
        for name in ("Chapter 1", "Chapter 2"):
            document.add_heading(name, level=1)
            document.add_paragraph("Text.")
        assert sections(save(document))[:2] == [
            ("", "titlepage", "Iris Moreau\n\n— A Novel —"),
            ("", kind, "\n\n".join(lines)),
        ]


def test_what_follows_a_typed_contents_list_or_a_list_naming_no_chapter_is_read() -> None:
    """Everything short between "Contents" and the first chapter was the list: the
    dedication and epigraph after its entries went unheard, and so did a "Contents" line
    over what a trunk held, which names no chapter."""
    document = docx.Document()
    for line in ("Contents", "The Trunk", "The Key", "For Anna, always.", '"Let it be." — A poet'):
        document.add_paragraph(line)
    for name in ("The Trunk", "The Key"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    assert sections(save(document))[:2] == [
        ("Contents", "toc", "The Trunk\n\nThe Key"),
        ("", "chapter", 'For Anna, always.\n\n"Let it be." — A poet'),
    ]
    document = docx.Document()
    trunk = ["Contents", "A hat", "A knife", "That was all the trunk held."]
    for line in trunk:
        document.add_paragraph(line)
    for name in ("Chapter One", "Chapter Two"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    assert sections(save(document))[0] == ("", "chapter", "\n\n".join(trunk))


def test_a_tracked_join_of_a_heading_and_text_keeps_the_heading_and_the_text() -> None:
    """A deleted mark between a heading and body text, both with text of their own, read
    the heading into the text ("Chapter 2It went on.", the chapter gone) or a chapter's
    last words into the next heading; a heading deleted from the end of the paragraph
    before it (its text and the mark before it) made that paragraph a chapter's title."""
    document = docx.Document()
    document.add_heading("Chapter 1", level=1)
    document.add_paragraph("It began.")
    deleted_mark(document.add_heading("Chapter 2", level=1))
    document.add_paragraph("It went on.")
    deleted_mark(document.add_paragraph("The last words of two."))
    document.add_heading("Chapter 3", level=1)
    document.add_paragraph("Then this.")
    deleted_mark(document.add_paragraph("The last words of three."))
    gone = document.add_heading("", level=1)
    gone._p.append(revision_of("w:del", "Chapter 4"))
    document.add_paragraph("The text of four, now three's.")
    assert sections(save(document)) == [
        ("Chapter 1", "chapter", "It began."),
        ("Chapter 2", "chapter", "It went on.\n\nThe last words of two."),
        (
            "Chapter 3",
            "chapter",
            "Then this.\n\nThe last words of three.\n\nThe text of four, now three's.",
        ),
    ]


def revision_of(tag: str, text: str) -> Any:
    change = element(tag, **REVISED)
    change.append(run(element("w:delText" if tag == "w:del" else "w:t", text)))
    return change


def test_a_content_control_of_paragraphs_still_marked_as_its_placeholder_is_read() -> None:
    """A chapter in a content control whose placeholder mark a program left set after
    filling it was not read: the chapter was lost. A placeholder is one paragraph."""
    document = docx.Document()
    document.add_heading("One", level=1)
    control = placeholder("It rained all day.", inline=False)
    p = element("w:p")
    p.append(run(element("w:t", "Then it stopped.")))
    control[1].append(p)
    document.add_paragraph("After.")._p.addprevious(control)
    assert sections(save(document)) == [
        ("One", "chapter", "It rained all day.\n\nThen it stopped.\n\nAfter.")
    ]


def test_a_numbered_heading_keeps_the_kind_its_own_text_names() -> None:
    """Heading 1 numbered "Chapter %1" over "Index" made "Chapter 3: Index", a chapter
    narrated where the index was skipped; "I. Contents" and "Chapter 1: Prologue" too."""
    document = docx.Document()
    numbered(document.styles["Heading 1"].element)
    for name, text in (("Prologue", "Long ago."), ("The Storm", "Rain."), ("Index", "Apples, 4")):
        document.add_heading(name, level=1)
        document.add_paragraph(text)
    book = with_numbering(save(document), level(0, "Chapter %1", "decimal", style="Heading1"))
    assert [(title, kind) for title, kind, _ in sections(book)] == [
        ("Chapter 1: Prologue", "prologue"),
        ("Chapter 2: The Storm", "chapter"),
        ("Chapter 3: Index", "index"),
    ]


def test_a_hidden_list_number_and_a_number_typed_too_are_heard_as_the_page_shows() -> None:
    """A list level's number hidden (w:vanish in its run properties) was heard; a number
    the author typed as well ("Chapter 1" numbered "Chapter %1") was heard twice."""
    for levels, typed, title in (
        (level(0, "Chapter %1", "decimal").replace("<w:lvlText", HIDDEN), "The Storm", "The Storm"),
        (level(0, "Chapter %1", "decimal"), "Chapter 1", "Chapter 1"),
        (level(0, "Chapter %1", "decimal"), "Chapter One: The Storm", "Chapter One: The Storm"),
        (level(0, "%1.", "decimal"), "1. The Storm", "1. The Storm"),
        (level(0, "%1.", "upperLetter"), "A Storm", "A. A Storm"),
    ):
        document = docx.Document()
        numbered(document.add_heading(typed, level=1), 0)
        document.add_paragraph("Rain.")
        assert sections(with_numbering(save(document), levels))[0][0] == title


HIDDEN = "<w:rPr><w:vanish/></w:rPr><w:lvlText"
RESTART_NEVER = '<w:lvlRestart w:val="0"/><w:lvlText'


def with_lists(data: bytes, levels: str, nums: str) -> bytes:
    """A DOCX whose abstract list 8 has `levels`, and list instances `nums` (w:num)."""
    numbering = (
        f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="8">{levels}'
        f"</w:abstractNum>{nums}</w:numbering>"
    )
    return _replace_numbering(data, numbering)


def _replace_numbering(data: bytes, numbering: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for member in old.namelist():
            if member != "word/numbering.xml":
                new.writestr(member, old.read(member))
        new.writestr("word/numbering.xml", numbering)
    return out.getvalue()


def num(list_id: str, override: str = "") -> str:
    return f'<w:num w:numId="{list_id}"><w:abstractNumId w:val="8"/>{override}</w:num>'


def test_list_numbers_count_as_word_counts_them() -> None:
    """Numbers were counted by list instance, not by abstract list as Word counts them: a
    heading numbered by hand with the style's list made two "Chapter 1"s; a restart's
    start (w:startOverride) was not read; chapters numbered on through the parts
    (w:lvlRestart 0) counted from 1 in each part; a style based on the numbered Heading 1
    was not counted, and the numbers after it were one short."""
    document = docx.Document()
    numbered(document.styles["Heading 1"].element)
    chapter = document.styles.add_style("Chapter Heading", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = document.styles["Heading 1"]
    document.add_heading("Storm", level=1)
    document.add_paragraph("Rain.")
    numbered(document.add_heading("Calm", level=1), 0, list_id="6")  # by hand: list 6
    document.add_paragraph("Sun.")
    document.add_paragraph("Home", style="Chapter Heading")
    document.add_paragraph("Rest.")
    document.add_heading("Away", level=1)
    document.add_paragraph("Go.")
    levels = level(0, "Chapter %1", "decimal", style="Heading1")
    book = with_lists(save(document), levels, num("5") + num("6"))
    assert [title for title, _, _ in sections(book)] == [
        "Chapter 1: Storm",
        "Chapter 2: Calm",
        "Chapter 3: Home",
        "Chapter 4: Away",
    ]
    document = docx.Document()
    numbered(document.add_heading("Storm", level=1), 0, list_id="7")
    document.add_paragraph("Rain.")
    numbered(document.add_heading("Calm", level=1), 0, list_id="7")
    document.add_paragraph("Sun.")
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride>'
    book = with_lists(save(document), level(0, "Chapter %1", "decimal"), num("7", restart))
    assert [title for title, _, _ in sections(book)] == ["Chapter 7: Storm", "Chapter 8: Calm"]
    on = level(1, "Chapter %2", "decimal").replace("<w:lvlText", RESTART_NEVER)
    document = docx.Document()
    for part, names in (("Beginnings", ("Storm", "Calm")), ("Endings", ("Home", "Away"))):
        numbered(document.add_heading(part, level=1), 0)
        for name in names:
            numbered(document.add_heading(name, level=2), 1)
            document.add_paragraph("Text.")
    book = with_numbering(save(document), level(0, "Part %1", "upperRoman") + on)
    assert [(title, kind) for title, kind, _ in sections(book)] == [  # each a section now
        ("Part I: Beginnings", "part"),
        ("Chapter 1: Storm", "chapter"),
        ("Chapter 2: Calm", "chapter"),
        ("Part II: Endings", "part"),
        ("Chapter 3: Home", "chapter"),
        ("Chapter 4: Away", "chapter"),
    ]


def test_a_damaged_numbering_part_loses_the_numbers_not_the_book() -> None:
    """The old reader never opened word/numbering.xml; a damaged one refused the book."""
    document = docx.Document()
    for name in ("One", "Two"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    book = _replace_numbering(save(document), "<w:numbering><oops")
    assert [title for title, _, _ in sections(book)] == ["One", "Two"]


def test_the_main_document_is_the_part_the_package_names() -> None:
    """A stale word/document.xml beside Word Online's word/document2.xml was read in its
    place; a relationship pointing outside the package is passed over, not followed."""
    document = docx.Document()
    document.add_heading("Current", level=1)
    document.add_paragraph("Now.")
    data = renamed_main_part(save(document), "word/document2.xml")
    stale = f'<w:document xmlns:w="{W_NS}"><w:body>{paragraph("Stale.")}</w:body></w:document>'
    with_stale = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(with_stale, "w") as new:
        for member in old.namelist():
            part = old.read(member)
            if member == "word/_rels/document2.xml.rels":
                part = part.replace(b'Target="styles.xml"', b'Target="../../../styles.xml"')
            new.writestr(member, part)
        new.writestr("word/document.xml", stale)
    assert sections(with_stale.getvalue()) == [("Current", "chapter", "Now.")]


# Chapters typed where the others are styled, parts typed, numbers alone


def test_a_label_typed_among_styled_ones_in_their_sequence_starts_a_chapter() -> None:
    """Given chapters in Heading 1 but "Chapter 3" typed bold in Normal (the style
    forgotten): chapter 3 was read inside chapter 2. A label of another form ("Part 3"),
    out of the sequence ("Chapter 7") or one inside its own chapter is body text."""
    document = docx.Document()
    for n in (1, 2, 3, 4):
        if n == 3:
            document.add_paragraph().add_run("Chapter 3").bold = True
        else:
            document.add_heading(f"Chapter {n}: Day {n}", level=1)
        document.add_paragraph(f"Day {n} came.")
    assert [(t, b) for t, _, b in sections(save(document))] == [
        (f"Chapter {n}: Day {n}" if n != 3 else "Chapter 3", f"Day {n} came.") for n in (1, 2, 3, 4)
    ]
    for stray in ("Part 3", "Chapter 7", "Chapter 2"):
        document = docx.Document()
        for n in (1, 2, 4):
            document.add_heading(f"Chapter {n}", level=1)
            document.add_paragraph(f"Day {n} came.")
            if n == 2:
                document.add_paragraph(stray)
        assert [t for t, _, _ in sections(save(document))] == [
            "Chapter 1",
            "Chapter 2",
            "Chapter 4",
        ]


def test_part_labels_typed_over_typed_chapter_labels_are_parts_and_said() -> None:
    """Given "PART ONE" and "PART TWO" typed on pages of their own over typed "Chapter N"
    labels: PART ONE, with no text under it, was dropped unheard, and PART TWO (over an
    epigraph) was a chapter. A book of one part says it too, not as the book's title."""
    document = docx.Document()
    for line in ("PART ONE", "Chapter 1", "Fog.", "Chapter 2", "Thirst."):
        document.add_paragraph(line)
    for line in ("PART TWO", "“The land is patient.”", "Chapter 3", "Land.", "Chapter 4", "Home."):
        document.add_paragraph(line)
    assert sections(save(document)) == [
        ("PART ONE", "part", ""),
        ("Chapter 1", "chapter", "Fog."),
        ("Chapter 2", "chapter", "Thirst."),
        ("PART TWO", "part", "“The land is patient.”"),
        ("Chapter 3", "chapter", "Land."),
        ("Chapter 4", "chapter", "Home."),
    ]
    document = docx.Document()
    for line in ("Part One", "Chapter 1", "Fog.", "Chapter 2", "Thirst."):
        document.add_paragraph(line)
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind) for s in book.sections] == [
        ("Part One", "part"),
        ("Chapter 1", "chapter"),
        ("Chapter 2", "chapter"),
    ]
    assert book.metadata.title == ""


def test_numbers_alone_in_sequence_from_one_head_chapters() -> None:
    """Given chapters headed by a number alone ("1", "2", "3" centred on new pages, or
    "I", "II", "III") and no heading styles: the book was one chapter, the numbers read in
    it. They are chapters "Chapter 1", "Chapter II" (a bare "I" is heard as the pronoun)."""
    for numbers in (("1", "2", "3"), ("I", "II", "III.")):
        document = docx.Document()
        for number in numbers:
            document.add_paragraph(number)
            document.add_paragraph(f"It was day {number}.")
        assert sections(save(document)) == [
            (f"Chapter {n.rstrip('.')}", "chapter", f"It was day {n}.") for n in numbers
        ]


def test_numbers_in_a_list_a_table_or_out_of_sequence_head_no_chapters() -> None:
    """A column of numbers typed one under another, a table of them, two numbers only or
    a sequence that does not start at one are the text's."""
    layouts = (
        ["Intro.", "1", "2", "3", "4", "Done."],
        ["Intro.", "1", "Text.", "2", "Text."],
        ["Intro.", "2", "Text.", "3", "Text.", "4", "Text."],
        ["Intro.", "1", "Text.", "2", "Text.", "4", "Text."],
    )
    for lines in layouts:
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        assert sections(save(document)) == [("", "chapter", "\n\n".join(lines))]
    document = docx.Document()
    document.add_paragraph("Intro.")
    table = document.add_table(rows=3, cols=2)
    for row, number in enumerate(("1", "2", "3")):
        table.cell(row, 0).text = number
        table.cell(row, 1).text = "Text."
    document.add_paragraph("Done.")
    assert sections(save(document)) == [("", "chapter", "Intro.\n\nDone.")]


def test_a_cover_pages_byline_with_by_on_a_line_of_its_own_gives_the_title() -> None:
    """Given a cover whose byline sets "by" and the name on lines of their own, under the
    title and "a novel": the book was "(untitled)". The title is the line over them that
    says no genre; a short story's cover ends at such a byline, its opening read."""
    document = docx.Document()
    for line in ("Word count: 97,000", "Dana Whitfield", "dana@example.com"):
        document.add_paragraph(line)
    for line in ("THE WINTER LEDGER", "a novel", "by", "Dana Whitfield"):
        document.add_paragraph(line)
    for name in ("Chapter One", "Chapter Two"):
        document.add_paragraph(name)
        document.add_paragraph("Text.")
    book = read(save(document), "b.docx")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.title == "THE WINTER LEDGER"
    document = docx.Document()
    for line in ("Word count: 4,000", "Dana Whitfield", "THE LEDGER", "a short story", "by"):
        document.add_paragraph(line)
    for line in ("Dana Whitfield", "It was cold.", "It was dark."):
        document.add_paragraph(line)
    book = read(save(document), "b.docx")
    assert [s.kind for s in book.sections] == ["titlepage", "chapter"]
    assert (book.metadata.title, book.sections[1].body) == (
        "THE LEDGER",
        "It was cold.\n\nIt was dark.",
    )


def test_tables_nested_deep_before_the_first_chapter_are_read_or_refused_whole() -> None:
    """Hostile input: a table's cells are looked at for a cover page, a nested table's in
    its place. Nested 60 deep the book reads (the table not narrated, with its warning);
    past the XML parser's depth limit the file is refused, one clear error, no recursion
    through the tables."""

    def nested(depth: int) -> bytes:
        inner = paragraph("Deep cell.")
        for _ in range(depth):
            inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
        chapters = [("Chapter One", "It began."), ("Chapter Two", "It ended.")]
        text = "".join(paragraph(head, "Heading1") + paragraph(body) for head, body in chapters)
        return body_document(inner + text)

    book = read(nested(60), "n.docx")
    assert [section.title for section in book.sections] == ["Chapter One", "Chapter Two"]
    assert book.warnings == [
        "n.docx: a table in the text before the first chapter not read (tables are not narrated)"
    ]
    with pytest.raises(ManuscriptError, match="not well-formed XML"):
        read(nested(3000), "n.docx")
