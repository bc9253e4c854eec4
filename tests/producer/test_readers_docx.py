"""The DOCX reader: files built here with python-docx, and by hand where it cannot."""

import datetime
import io
import random
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from config.errors import ManuscriptError
from producer.readers import docxparts, ole, read_book, read_manuscript, sniff
from producer.readers.docx import read
from tests.conftest import Setting

UNREAD = ["FOOTNOTE", "COMMENT", "HEADER", "FOOTER", "DELETED", "HIDDEN", "PAGE", "TABLE"]

FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
    "<w:r><w:t>FOOTNOTE text.</w:t></w:r></w:p></w:footnote></w:footnotes>"
)
NOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def element(tag: str, text: str = "", **attrs: str) -> Any:
    made = OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})
    if text:
        made.text = text
    return made


def run(*children: Any, hidden: bool = False) -> Any:
    r = element("w:r")
    if hidden:
        properties = element("w:rPr")
        properties.append(element("w:vanish"))
        r.append(properties)
    for child in children:
        r.append(child)
    return r


def revision(tag: str, text: str) -> Any:
    """A tracked insertion (w:ins) or deletion (w:del) of `text`."""
    change = element(tag, id="90", author="Editor", date="2024-01-01T00:00:00Z")
    change.append(run(element("w:delText" if tag == "w:del" else "w:t", text)))
    return change


def field(code: str, result: str) -> list[Any]:
    """The runs of a field: its code (not shown) and its result (shown)."""
    return [
        run(element("w:fldChar", fldCharType="begin")),
        run(element("w:instrText", code)),
        run(element("w:fldChar", fldCharType="separate")),
        run(element("w:t", result)),
        run(element("w:fldChar", fldCharType="end")),
    ]


def with_footnotes(data: bytes) -> bytes:
    """A DOCX with a footnotes part (python-docx cannot make one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            part = old.read(name)
            if name == "[Content_Types].xml":
                override = f'<Override PartName="/word/footnotes.xml" ContentType="{NOTES}"/>'
                part = part.replace(b"</Types>", f"{override}</Types>".encode())
            if name == "word/_rels/document.xml.rels":
                rel = f'<Relationship Id="rId99" Type="{FOOTNOTES_REL}" Target="footnotes.xml"/>'
                part = part.replace(b"</Relationships>", f"{rel}</Relationships>".encode())
            new.writestr(name, part)
        new.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()


def rich_document() -> bytes:
    """A title, two chapters and everything on the page that is not narrated."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "HEADER running head"
    section.footer.paragraphs[0].text = "FOOTER page"
    document.add_paragraph("The Long Road", style="Title")
    document.add_heading("Departure", level=1)
    noted = document.add_paragraph("She left at dawn.")
    noted._p.append(run(element("w:footnoteReference", id="1")))
    commented = document.add_paragraph("The road ")
    document.add_comment(commented.add_run("was long"), text="COMMENT here", author="Ed")
    commented.add_run(".")
    edited = document.add_paragraph("It rained ")
    edited._p.append(revision("w:del", "DELETED words "))
    edited._p.append(revision("w:ins", "all day"))
    edited._p.append(run(element("w:t", "HIDDEN note"), hidden=True))
    edited.add_run(".")
    document.add_heading("Arrival", level=1)
    numbered = document.add_paragraph("She arrived on page ")
    for r in field(" PAGEREF arrival \\h ", "7"):
        numbered._p.append(r)
    document.add_table(rows=1, cols=1).cell(0, 0).text = "TABLE cell"
    document.add_paragraph("The end.")
    properties = document.core_properties
    properties.title, properties.author, properties.language = "Core Title", "A. Writer", "en-GB"
    properties.created = datetime.datetime(2020, 5, 1, 12, 30)
    return with_footnotes(save(document))


def test_title_and_chapters_from_title_and_heading_styles() -> None:
    book = read(rich_document(), "b.docx")
    assert book.metadata.title == "The Long Road"
    assert [s.title for s in book.sections] == ["Departure", "Arrival"]
    assert book.sections[0].body == "She left at dawn.\n\nThe road was long.\n\nIt rained all day."
    assert book.sections[1].body == "She arrived on page 7\n\nThe end."


def test_notes_comments_headers_deletions_hidden_text_and_field_codes_are_not_read() -> None:
    book = read(rich_document(), "b.docx")
    every = " ".join(s.title + " " + s.body for s in book.sections)
    assert [word for word in UNREAD if word in every] == []


def test_a_table_is_skipped_with_a_warning_naming_its_chapter() -> None:
    book = read(rich_document(), "b.docx")
    assert book.warnings == [
        "b.docx: a table in chapter 'Arrival' not read (tables are not narrated)"
    ]


def test_core_properties_are_the_metadata() -> None:
    """All but dcterms:created, which dates the file, not the book (`published`)."""
    metadata = read(rich_document(), "b.docx").metadata
    assert metadata.authors == ["A. Writer"]
    assert metadata.language == "en-GB"
    assert metadata.date == ""


def titled_book(
    creator: str,
    *under: tuple[str, str],
    front: tuple[tuple[str, str], ...] = (),
    header: str = "",
    footer: str = "",
    editor: str = "",
) -> bytes:
    """A Title, the (text, style) lines under it, then the `front` ones (a copyright line,
    a "Copyright" heading), two chapters; dc:creator `creator`, cp:lastModifiedBy
    `editor` and, where given, a page header saying `header` and a footer `footer`."""
    document = docx.Document()
    document.add_paragraph("The Glass Harbor", style="Title")
    for text, style in (*under, *front):
        document.add_paragraph(text, style=style)
    for name in ("Chapter 1", "Chapter 2"):
        document.add_heading(name, level=1)
        document.add_paragraph("It was a long night on the water, and the lights burned low.")
    document.core_properties.author = creator
    document.core_properties.last_modified_by = editor
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    return save(document)


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("by Jane Writer", ["Jane Writer"]),
        ("by Ann Example and Bo Sample", ["Ann Example", "Bo Sample"]),
        ("BY LEMONY SNICKET", ["Lemony Snicket"]),
        ("by Francine Prose", ["Francine Prose"]),  # a word a genre's, after "by" a name's
        ("by Per Petterson", ["Per Petterson"]),  # Italian's "per" opens a dedication
    ],
)
def test_a_title_pages_byline_names_the_authors_over_a_stale_creator(
    byline: str, authors: list[str]
) -> None:
    """Given "by Jane Writer" under the Title, dc:creator (the template's, the account's
    that saved the file) was the book's author in its tags and credits, and the byline
    was skipped with the title page."""
    book = read(titled_book("Maria Template", (byline, "Normal")), "b.docx")
    assert book.metadata.authors == authors
    assert book.sections[0].kind == "titlepage"


def test_a_programs_or_accounts_stand_in_creator_gives_no_author() -> None:
    """With no byline, python-docx's "python-docx", Word on a Mac's "Microsoft Office
    User" or a Windows install's "Owner" was the book's author; a real creator is kept,
    and so is each real name of several."""
    for creator in ("python-docx", "Microsoft Office User", "Windows User", "USER", "owner"):
        assert read(titled_book(creator), "b.docx").metadata.authors == [], creator
    for creator in ("Administrator", "Unknown", "author"):
        assert read(titled_book(creator), "b.docx").metadata.authors == [], creator
    assert read(titled_book("A. Writer"), "b.docx").metadata.authors == ["A. Writer"]
    both = read(titled_book("Ann Example; Administrator"), "b.docx").metadata
    assert both.authors == ["Ann Example"]


def test_a_byline_anywhere_on_the_title_page_wins_over_capitalized_words_over_it() -> None:
    """ "Book One" or "Uncorrected Proof" over "by Jane Writer": the first line of
    capitalized words under the Title was taken for the author's name."""
    for label in ("Book One", "Uncorrected Proof", "Part Two", "Advance Reading Copy"):
        under = [(label, "Normal"), ("by Jane Writer", "Normal")]
        book = read(titled_book("Maria Template", *under), "b.docx")
        assert book.metadata.authors == ["Jane Writer"], label


def test_a_name_without_by_fills_in_only_for_a_creator_that_names_no_one() -> None:
    """ "JANE WRITER" under the Title, no "by": nothing but its words says it is a name,
    and it replaced a real dc:creator. It names the author only where dc:creator is empty
    or a program's or an account's stand-in."""
    under = ("JANE WRITER", "Normal")
    assert read(titled_book("Maria Template", under), "b.docx").metadata.authors == [
        "Maria Template"
    ]
    for creator in ("", "python-docx", "Windows User"):
        book = read(titled_book(creator, under), "b.docx")
        assert book.metadata.authors == ["Jane Writer"], creator


COPYRIGHT_PAGE = (("© 2024 bell hooks", "Normal"), ("All rights reserved.", "Normal"))
# What confirms that a lower-case line under the Title names the author: a copyright line
# of the front matter naming its holder, the last to save the file, a page's header.
CONFIRMED: list[dict[str, Any]] = [
    {"front": COPYRIGHT_PAGE},
    {"front": (("Copyright 2024 by bell hooks", "Normal"),)},
    {"front": (("copyright © bell hooks 2024", "Normal"),)},
    {"front": (("Copyright", "Heading 1"), ("Text copyright © 2024 Bell Hooks.", "Normal"))},
    {"header": "bell hooks\tThe Glass Harbor"},
    {"footer": "The Glass Harbor / Bell Hooks / 3"},
    {"editor": "bell hooks"},
]


@pytest.mark.parametrize("confirmed", CONFIRMED)
@pytest.mark.parametrize(
    "under",
    [
        [("bell hooks", "Normal")],
        [("a memoir", "Subtitle"), ("bell hooks", "Normal")],
        [("a novel", "Normal"), ("bell hooks", "Normal")],
    ],
)
def test_a_lower_case_pen_name_under_the_title_fills_in_where_the_document_confirms_it(
    under: list[tuple[str, str]], confirmed: dict[str, Any]
) -> None:
    """ "bell hooks" alone under the Title (or under its subtitle), no "by": only "by bell
    hooks" named her, and the book had no author. Nothing in the words tells a pen name
    from a subtitle in lower case, so it is taken only where the document names her too:
    as a copyright's holder in its front matter, as the last to save it, in a page's
    header. Like a capitalized name without "by", it only fills in where dc:creator names
    no one; a real creator is kept."""
    for creator in ("", "python-docx"):
        book = read(titled_book(creator, *under, **confirmed), "b.docx")
        assert book.metadata.authors == ["bell hooks"], creator
    kept = read(titled_book("Gloria Watkins", *under, **confirmed), "b.docx").metadata
    assert kept.authors == ["Gloria Watkins"]


def test_a_pen_name_with_initials_is_confirmed_by_its_copyright_line() -> None:
    under = ("e. e. cummings", "Normal")
    book = read(
        titled_book("python-docx", under, front=(("© 1926 e. e. cummings", "Normal"),)), "b.docx"
    )
    assert book.metadata.authors == ["e. e. cummings"]


def test_a_lower_case_name_under_the_title_that_nothing_confirms_gives_no_author() -> None:
    """ "bell hooks" under the Title and nowhere else: its words are a name's, but so are
    "winter light"'s; no author is better than a subtitle in the audiobook's tags."""
    assert (
        read(titled_book("python-docx", ("bell hooks", "Normal")), "b.docx").metadata.authors == []
    )


@pytest.mark.parametrize(
    "under",
    [
        [("a novel", "Subtitle")],
        [("a memoir in pieces", "Normal")],
        [("new poems", "Subtitle")],  # a Subtitle is the title's words, as "Harbor Lights"
        [("for anna", "Normal")],
        [("nothing gold can stay", "Normal")],  # an epigraph: a sentence
        [("we were young once", "Normal")],
        [("draft two", "Normal")],
        [("bell hooks.", "Normal")],
        [("Book One", "Normal"), ("bell hooks", "Normal")],  # not directly under the title
    ],
)
def test_a_lower_case_line_under_the_title_that_reads_as_no_name_gives_no_author(
    under: list[tuple[str, str]],
) -> None:
    """What else a title page sets in lower case under the Title (a subtitle, a
    dedication, an epigraph, a draft's label) is no pen name: with dc:creator naming no
    one, the book has no author, not one made of those words, nor the copyright's holder
    in lower case ("© 2024 bell hooks"), which names no author on its own."""
    book = read(titled_book("python-docx", *under, front=COPYRIGHT_PAGE), "b.docx")
    assert book.metadata.authors == []


@pytest.mark.parametrize(
    "line",
    [
        *("un roman", "una novela", "ein roman", "deuxième édition", "le petit prince"),
        *("die verwandlung", "winter light", "field notes", "haiku sequence"),
        *("working title", "final version", "author's note", "content warning"),
        *("first published", "memento mori", "carpe diem", "ad astra", "dramatis personae"),
    ],
)
def test_a_lower_case_subtitle_or_label_under_the_title_is_no_author(line: str) -> None:
    """A subtitle or a label in lower case under the Title reads as a pen name does, two
    words a name's might be ("winter light", "un roman"), and was taken for the author.
    The book's copyright line, its last editor and its header name someone else; nor do a
    copyright line's other words ("First published in 2024") name its holder."""
    copyright = "Copyright © 2024 Ann Example. First published in 2024 by Harbor Press."
    book = titled_book(
        "python-docx",
        (line, "Normal"),
        front=((copyright, "Normal"),),
        header="The Glass Harbor",
        editor="Ann Example",
    )
    assert read(book, "b.docx").metadata.authors == []


def test_a_short_lower_case_paragraph_opening_a_book_without_chapters_is_no_name() -> None:
    """Under the Title of a book with no chapters, a short line in lower case is the
    book's text (a poem's first line), not a title page's, and names no one."""
    document = docx.Document()
    document.add_paragraph("The Glass Harbor", style="Title")
    document.add_paragraph("gulls cried")
    document.add_paragraph("It was a long night on the water, and the lights burned low.")
    document.core_properties.author = "python-docx"
    assert read(save(document), "b.docx").metadata.authors == []


@pytest.mark.parametrize(
    "line",
    [
        *("Large Print", "Book One", "Uncorrected Proof", "Review Copy", "Second Draft"),
        *("Für Anna", "Para Ana", "Pour Marie", "À Marie", "Voor Anna", "Per Anna"),
    ],
)
def test_a_label_or_a_dedication_under_the_title_is_no_authors_name(line: str) -> None:
    """Capitalized words under the Title that are a label's ("Large Print", "Book One")
    or a dedication in a language the reader reads ("Für Anna", "Para Ana") were taken for
    the author's name, where dc:creator named no one."""
    assert read(titled_book("python-docx", (line, "Normal")), "b.docx").metadata.authors == []


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("by Kurt Vonnegut, Jr.", ["Kurt Vonnegut, Jr."]),
        ("BY KURT VONNEGUT, JR.", ["Kurt Vonnegut, Jr."]),
        ("MARTIN LUTHER KING, JR.", ["Martin Luther King, Jr."]),
        ("by Ann Example, PhD, and Bo Sample", ["Ann Example, PhD", "Bo Sample"]),
        ("JOHN SMITH III", ["John Smith III"]),
    ],
)
def test_a_names_suffix_after_a_comma_is_the_names(line: str, authors: list[str]) -> None:
    """ "by Kurt Vonnegut, Jr.": the comma split it into two authors, "Kurt Vonnegut" and
    "Jr."; without "by" the name was none ("Jr." alone is no name), and "III" in capitals
    was title-cased "Iii"."""
    assert read(titled_book("python-docx", (line, "Normal")), "b.docx").metadata.authors == (
        authors
    )


def test_a_subtitle_under_the_title_is_no_byline_and_the_creator_is_kept() -> None:
    """A subtitle ("A Novel", a Subtitle of capitalized words, one word alone) is no name:
    with no byline the creator is the author, and a byline under the subtitle names
    the authors past it."""
    for under in (
        [("A Novel", "Subtitle")],
        [("A Novel", "Normal")],
        [("Harbor Lights", "Subtitle")],
        [("Winterreise", "Normal")],
    ):
        book = read(titled_book("Jane Writer", *under), "b.docx")
        assert book.metadata.authors == ["Jane Writer"], under
    under = [("A Novel", "Subtitle"), ("by Jo Doe", "Normal")]
    assert read(titled_book("Maria Template", *under), "b.docx").metadata.authors == ["Jo Doe"]


def test_without_a_title_paragraph_the_core_title_is_used() -> None:
    document = docx.Document()
    document.add_paragraph("Just text.")
    document.core_properties.title = "Core Title"
    assert read(save(document), "b.docx").metadata.title == "Core Title"


def test_text_before_the_first_heading_is_its_own_chapter() -> None:
    document = docx.Document()
    document.add_paragraph("A word first.")
    document.add_heading("One", level=1)
    document.add_paragraph("Story.")
    sections = read(save(document), "b.docx").sections
    assert [(s.title, s.body, s.kind) for s in sections] == [
        ("", "A word first.", "chapter"),
        ("One", "Story.", "chapter"),
    ]


def test_a_title_page_of_title_and_subtitle_is_skipped_by_default() -> None:
    document = docx.Document()
    document.add_paragraph("The Book", style="Title")
    document.add_paragraph("A Novel", style="Subtitle")
    document.add_heading("One", level=1)
    document.add_paragraph("Story.")
    sections = read(save(document), "b.docx").sections
    assert [(s.body, s.kind, s.skip_reason) for s in sections[:1]] == [
        ("A Novel", "titlepage", "front matter (titlepage)")
    ]


def test_a_heading_naming_a_kind_of_section_gives_it_that_kind() -> None:
    document = docx.Document()
    for name in ("Preface", "Chapter 1", "Index"):
        document.add_heading(name, level=1)
        document.add_paragraph("Text.")
    sections = read(save(document), "b.docx").sections
    assert [(s.kind, s.skip_reason) for s in sections] == [
        ("preface", ""),
        ("chapter", ""),
        ("index", "back matter (index)"),
    ]


def test_a_lone_heading_1_over_repeated_heading_2_is_the_title() -> None:
    document = docx.Document()
    document.add_heading("The Book", level=1)
    for name in ("One", "Two"):
        document.add_heading(name, level=2)
        document.add_paragraph(f"Text of {name}.")
        document.add_heading(f"Inside {name}", level=3)
        document.add_paragraph("More.")
    book = read(save(document), "b.docx")
    assert book.metadata.title == "The Book"
    assert [s.title for s in book.sections] == ["One", "Two"]
    assert book.sections[0].body == "Text of One.\n\nInside One\n\nMore."


def test_a_localized_heading_style_is_known_by_its_outline_level() -> None:
    document = docx.Document()
    style = document.styles.add_style("Überschrift 1", WD_STYLE_TYPE.PARAGRAPH)
    properties = style.element.get_or_add_pPr()
    properties.append(element("w:outlineLvl", val="0"))
    for name in ("Eins", "Zwei"):
        document.add_paragraph(name, style="Überschrift 1")
        document.add_paragraph("Text.")
    assert [s.title for s in read(save(document), "b.docx").sections] == ["Eins", "Zwei"]


@pytest.mark.parametrize(
    ("style_id", "name", "title"),
    [
        ("berschrift1", "Überschrift 1", "Titel"),
        ("Titre1", "Titre 1", "Titre"),
        ("Titolo1", "Titolo 1", "Titolo"),
        ("Ttulo1", "Título 1", "Título"),
        ("Kop1", "Kop 1", "Titel"),
        ("Encabezado1", "Encabezado 1", "Título"),
    ],
)
def test_a_localized_heading_style_without_an_outline_level_starts_chapters(
    style_id: str, name: str, title: str
) -> None:
    """Given a heading style named in the document's language ("Überschrift 1", Word's id
    "berschrift1") with no outline level and based on no heading, under a Title named in
    that language ("Titel"): its paragraphs were body text, so the book was one untitled
    chapter. Each is a chapter's heading, as "Heading 1" is; the Title ("Titel", "Titre"
    without a number) is still the book's title, no chapter."""
    styles = style(style_id, name) + style("T", title)
    paragraphs = [("T", "Der Leuchtturm")]
    for heading in ("Eins", "Zwei"):
        paragraphs += [(style_id, heading), ("", f"Text {heading}.")]
    book = read(styled(styles, paragraphs), "b.docx")
    assert book.metadata.title == "Der Leuchtturm"
    assert [(s.title, s.kind, s.body) for s in book.sections] == [
        ("Eins", "chapter", "Text Eins."),
        ("Zwei", "chapter", "Text Zwei."),
    ]


def test_a_localized_heading_is_known_by_its_id_its_name_or_an_alias() -> None:
    """A heading style known only by Word's id for it ("Titre1", named by a user), only by
    its localized name (python-docx keeps the "Ü" in the id), or by an alias Word keeps
    beside its name (w:aliases, comma-separated): each starts chapters. A style whose
    alias is a Title's ("Titel", no number) is the book's title, no chapter heading."""
    titled = style("Kopf", "Kopf", aliases="Titel")
    for styles, heading in (
        (style("Titre1", "Chapitre"), "Titre1"),
        (style("Kapitel", "Kapitel", aliases="Kapitel,Überschrift 1"), "Kapitel"),
    ):
        paragraphs = [("Kopf", "Der Leuchtturm")]
        for text in ("Eins", "Zwei"):
            paragraphs += [(heading, text), ("", "Text.")]
        book = read(styled(styles + titled, paragraphs), "b.docx")
        assert book.metadata.title == "Der Leuchtturm"
        assert [s.title for s in book.sections] == ["Eins", "Zwei"]
    document = docx.Document()
    document.styles.add_style("Überschrift 1", WD_STYLE_TYPE.PARAGRAPH)
    for text in ("Eins", "Zwei"):
        document.add_paragraph(text, style="Überschrift 1")
        document.add_paragraph("Text.")
    assert [s.title for s in read(save(document), "b.docx").sections] == ["Eins", "Zwei"]


def test_line_breaks_keep_verse_lines_and_prose_is_one_line() -> None:
    document = docx.Document()
    verse = document.add_paragraph("Roses are red,")
    verse.add_run().add_break()
    verse.add_run("violets  are\tblue.")
    document.add_paragraph("  A   prose line.  ")
    body = read(save(document), "b.docx").sections[0].body
    assert body == "Roses are red,\nviolets are blue.\n\nA prose line."


def test_raised_digits_are_a_note_mark_left_out_or_a_power_read() -> None:
    """A note's mark typed as a raised number is left out, a power is read ("m²": square
    meters), as HTML's superscripts are."""
    document = docx.Document()
    paragraph = document.add_paragraph("The claim")
    paragraph.add_run("12").font.superscript = True
    paragraph.add_run(" held over 40 m")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(" and the ")
    paragraph.add_run("th").font.superscript = True
    paragraph.add_run(" day.")
    body = read(save(document), "b.docx").sections[0].body
    assert body == "The claim held over 40 m² and the th day."


def test_a_table_of_contents_is_not_read() -> None:
    document = docx.Document()
    contents = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("One ........ 3", style=contents)
    document.add_paragraph("Story.")
    assert read(save(document), "b.docx").sections[0].body == "Story."


def test_read_book_sniffs_a_docx_by_content(tmp_path: Path) -> None:
    path = tmp_path / "book.bin"
    path.write_bytes(rich_document())
    assert sniff(path.read_bytes(), path) == "docx"
    assert read_manuscript(path).chapters[0].text == (
        "Departure\n\nShe left at dawn.\n\nThe road was long.\n\nIt rained all day."
    )


# Hostile and broken files


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_text_file_named_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    path.write_bytes(b"Just some text, not a document.")
    with pytest.raises(ManuscriptError, match=r"book\.docx: not a readable DOCX"):
        read_book(path)


def test_a_truncated_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    path.write_bytes(rich_document()[:3000])
    with pytest.raises(ManuscriptError, match=r"book\.docx: .*(not a readable DOCX|corrupt)"):
        read_book(path)


def test_a_zip_without_a_document_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    path.write_bytes(zip_of({"hello.txt": b"hi"}))
    with pytest.raises(ManuscriptError, match=r"book\.docx: not a DOCX document"):
        read_book(path)


def test_a_document_declaring_entities_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    refused = r"b\.docx: word/document\.xml: declares XML entities"
    with pytest.raises(ManuscriptError, match=refused):
        read(zip_of({"word/document.xml": bomb}), "b.docx")


@pytest.mark.parametrize(
    "member", ["_rels/.rels", "word/styles.xml", "word/numbering.xml", "docProps/core.xml"]
)
def test_entities_declared_in_any_part_are_refused(member: str) -> None:
    """Given a part beside the document declaring entities; the list numbering, which a
    damaged part only loses, was read without it and the book narrated."""
    document = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Hello.</w:t></w:r></w:p></w:body></w:document>"
    )
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d>&a;</d>'
    refused = rf"b\.docx: {re.escape(member)}: declares XML entities"
    with pytest.raises(ManuscriptError, match=refused):
        read(zip_of({"word/document.xml": document, member: bomb}), "b.docx")


def test_a_document_that_is_not_xml_is_refused() -> None:
    with pytest.raises(ManuscriptError, match=r"b\.docx: word/document\.xml: not well-formed"):
        read(zip_of({"word/document.xml": b"<w:document"}), "b.docx")


def test_a_minimal_docx_without_styles_still_has_its_headings() -> None:
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for style, text in [("Heading1", "One"), ("", "Text."), ("Heading1", "Two"), ("", "More.")]
    )
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    sections = read(zip_of({"word/document.xml": document.encode()}), "b.docx").sections
    assert [(s.title, s.body) for s in sections] == [("One", "Text."), ("Two", "More.")]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def styled(styles: str, paragraphs: list[tuple[str, str]]) -> bytes:
    """A DOCX by hand: `styles` (w:style elements) and (style id, text) paragraphs."""
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for style, text in paragraphs
    )
    document = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    return zip_of(
        {
            "word/document.xml": document.encode(),
            "word/styles.xml": f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'.encode(),
        }
    )


def style(
    style_id: str, name: str, based_on: str = "", outline: str = "", aliases: str = ""
) -> str:
    alias = f'<w:aliases w:val="{aliases}"/>' if aliases else ""
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    level = f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>' if outline else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{alias}{based}{level}</w:style>'
    )


def test_only_a_heading_number_of_one_digit_is_a_level() -> None:
    """Given styles named "Heading" and 5,000 nines (int() refuses so many digits),
    "heading²" (a digit to str.isdigit(), not to int()) and an outline level of 5,000
    nines: each is body text; "heading 2" is still a heading."""
    nines = "9" * 5000
    styles = (
        style("Huge", f"Heading {nines}")
        + style("Raised", "heading ²")
        + style("Deep", "Deep", outline=nines)
        + style("H2", "heading 2")
    )
    paragraphs = [("H2", "One"), ("Huge", "a."), ("Raised", "b."), ("Deep", "c.")]
    paragraphs += [("H2", "Two"), (f"Heading{nines}", "d.")]
    sections = read(styled(styles, paragraphs), "b.docx").sections
    assert [(s.title, s.body) for s in sections] == [("One", "a.\n\nb.\n\nc."), ("Two", "d.")]


def test_a_style_without_a_type_is_a_paragraph_style() -> None:
    """Given a style with no `w:type` (the format's default is "paragraph") based on
    "heading 1", and a character style based on it: the first is a heading, the second no
    paragraph's style."""
    styles = (
        style("H1", "heading 1")
        + '<w:style w:styleId="Chapter"><w:name w:val="Chapter"/><w:basedOn w:val="H1"/></w:style>'
        + style("Strong", "Strong", based_on="H1").replace('"paragraph"', '"character"')
    )
    paragraphs = [("Chapter", "One"), ("", "a."), ("Strong", "b."), ("Chapter", "Two"), ("", "c.")]
    sections = read(styled(styles, paragraphs), "b.docx").sections
    assert [(s.title, s.body) for s in sections] == [("One", "a.\n\nb."), ("Two", "c.")]


def test_a_long_based_on_chain_is_followed_without_recursion_and_a_cycle_ends() -> None:
    """Given a chain of 3,000 styles down from "heading 1" (a RecursionError) and two
    styles based on each other."""
    chain = style("s0", "heading 1") + "".join(
        style(f"s{i}", f"Link {i}", based_on=f"s{i - 1}") for i in range(1, 3000)
    )
    cycle = style("a", "A", based_on="b") + style("b", "B", based_on="a")
    paragraphs = [("s2999", "One"), ("a", "Text."), ("s1500", "Two"), ("b", "More.")]
    sections = read(styled(chain + cycle, paragraphs), "b.docx").sections
    assert [(s.title, s.body) for s in sections] == [("One", "Text."), ("Two", "More.")]


def test_each_style_level_is_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given 4 chains of 300 styles: every style's chain was walked again from the style up
    (cubic: 4 chains of 950 took 39 s); each style's name is now looked at once."""
    looked: list[str] = []
    named_level = docxparts.named_level

    def counted(label: str) -> int | None:
        looked.append(label)
        return named_level(label)

    monkeypatch.setattr(docxparts, "named_level", counted)
    styles = "".join(
        style(f"c{k}s0", "Body")
        + "".join(style(f"c{k}s{i}", f"C{k} {i}", based_on=f"c{k}s{i - 1}") for i in range(1, 300))
        for k in range(4)
    )
    assert read(styled(styles, [("c0s299", "Text.")]), "b.docx").sections[0].body == "Text."
    assert len(looked) <= 2 * 4 * 300 + 1  # a name and an id per style, and the paragraph's


def test_a_drop_cap_opens_the_word_of_the_paragraph_after_it() -> None:
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    cap = document.add_paragraph("U")
    frame = element("w:framePr", dropCap="drop", lines="3", wrap="around")
    cap._p.get_or_add_pPr().append(frame)
    document.add_paragraph("p at the League, says a friend, there had been a discussion.")
    document.add_paragraph("Says our friend: the discussion was good-tempered.")
    body = read(save(document), "b.docx").sections[0].body
    assert body == (
        "Up at the League, says a friend, there had been a discussion.\n\n"
        "Says our friend: the discussion was good-tempered."
    )


def test_the_title_page_before_the_first_chapter_is_not_narrated() -> None:
    document = docx.Document()
    document.add_paragraph("News from Nowhere", style="Title")
    document.add_paragraph("William Morris")
    document.add_paragraph("Copyright © 2024 Nowhere Press. All rights reserved.")
    document.add_heading("Chapter I", level=1)
    document.add_paragraph("Up at the League, says a friend.")
    document.add_heading("Chapter II", level=1)
    document.add_paragraph("Well, I awoke.")
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind, bool(s.skip_reason)) for s in book.sections] == [
        ("", "titlepage", True),
        ("Chapter I", "chapter", False),
        ("Chapter II", "chapter", False),
    ]
    assert book.metadata.title == "News from Nowhere"


def test_prose_under_the_title_is_narrated_and_so_is_a_book_without_chapters() -> None:
    """A prologue under the title is no title page, nor is the whole of a book that has no
    chapter heading after its title."""
    prologue = "It was the last evening of the old year, and the wind had come round to the "
    prologue += "east, so that every window of the house rattled in its frame."
    document = docx.Document()
    document.add_paragraph("News from Nowhere", style="Title")
    document.add_paragraph(prologue)
    document.add_heading("Chapter I", level=1)
    document.add_paragraph("Up at the League, says a friend.")
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind, s.skip_reason) for s in book.sections] == [
        ("", "chapter", ""),
        ("Chapter I", "chapter", ""),
    ]
    document = docx.Document()
    document.add_paragraph("Short Poems", style="Title")
    for line in ("The rain is on the roof.", "The wind is at the door."):
        document.add_paragraph(line)
    (section,) = read(save(document), "p.docx").sections
    assert section.kind == "chapter" and section.body.startswith("The rain")


def field_char(kind: str) -> Any:
    return run(element("w:fldChar", fldCharType=kind))


def test_the_entries_of_a_contents_field_are_not_read() -> None:
    document = docx.Document()
    entries = [document.add_paragraph() for _ in range(2)]
    entries[0]._p.append(field_char("begin"))
    entries[0]._p.append(run(element("w:instrText", ' TOC \\o "1-3" \\h ')))
    entries[0]._p.append(field_char("separate"))
    entries[0]._p.append(run(element("w:t", "Discussion and Bed\t1")))
    entries[1]._p.append(run(element("w:t", "A Morning Bath\t3")))
    entries[1]._p.append(field_char("end"))
    document.add_paragraph("After the contents, see page ")
    page = document.add_paragraph("He came to page ")
    for part in (
        field_char("begin"),
        run(element("w:instrText", " PAGEREF bath ")),
        field_char("separate"),
        run(element("w:t", "3")),
        field_char("end"),
    ):
        page._p.append(part)
    page.add_run(" at last.")
    body = read(save(document), "b.docx").sections[0].body
    assert body == "After the contents, see page\n\nHe came to page 3 at last."


def test_chapter_labels_typed_as_paragraphs_make_chapters_without_heading_styles() -> None:
    """Given a manuscript typed without heading styles, its chapters "Chapter 1" in body
    text: it was one chapter. A "Prologue" and "Epilogue" among them are parts of their
    own; a sentence that opens like a label is prose."""
    document = docx.Document()
    document.add_paragraph("The Long Road", style="Title")
    for line in ("Prologue", "Long ago.", "Chapter 1", "She left.", "CHAPTER TWO: The Storm"):
        document.add_paragraph(line)
    for line in ("Rain fell.", "Part one was easy, she said.", "Epilogue", "All done."):
        document.add_paragraph(line)
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind, s.body) for s in book.sections] == [
        ("Prologue", "prologue", "Long ago."),
        ("Chapter 1", "chapter", "She left."),
        ("CHAPTER TWO: The Storm", "chapter", "Rain fell.\n\nPart one was easy, she said."),
        ("Epilogue", "epilogue", "All done."),
    ]


def test_one_chapter_label_or_styled_headings_leave_body_paragraphs_as_they_are() -> None:
    document = docx.Document()
    for line in ("Chapter 1", "She left.", "Epilogue", "All done."):
        document.add_paragraph(line)
    (section,) = read(save(document), "b.docx").sections
    assert section.body == "Chapter 1\n\nShe left.\n\nEpilogue\n\nAll done."
    document = docx.Document()
    for heading in ("One", "Two"):
        document.add_heading(heading, level=1)
        for line in ("Chapter 1", "She left.", "Chapter 2", "Back."):
            document.add_paragraph(line)
    assert [s.title for s in read(save(document), "b.docx").sections] == ["One", "Two"]


def test_one_heading_styled_over_typed_chapter_labels_is_the_books_title() -> None:
    """Given the book's title styled Heading 1 over chapters typed as "Chapter 1"
    paragraphs: that one heading turned the labels off, and the book was one chapter under
    its title, the byline read. A lone heading that is a chapter's ("Prologue") is one."""
    document = docx.Document()
    document.add_heading("The Quiet Year", level=1)
    document.add_paragraph("by Tom Hale")
    for line in ("Chapter 1", "She left.", "Chapter 2", "Back."):
        document.add_paragraph(line)
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind) for s in book.sections] == [
        ("", "titlepage"),
        ("Chapter 1", "chapter"),
        ("Chapter 2", "chapter"),
    ]
    assert book.metadata.title == "The Quiet Year"
    document = docx.Document()
    document.add_heading("Prologue", level=1)
    for line in ("Long ago.", "Chapter 1", "She left.", "Chapter 2", "Back."):
        document.add_paragraph(line)
    assert [s.title for s in read(save(document), "b.docx").sections] == [
        "Prologue",
        "Chapter 1",
        "Chapter 2",
    ]


def test_a_sentence_opening_like_a_chapter_label_is_prose() -> None:
    """Given a manuscript without heading styles whose prose has a line that opens like a
    label and goes on in lower case: it and a lone "Part Two" made two chapters."""
    document = docx.Document()
    lines = ("She left.", "Chapter 3 was where it all went wrong", "Rain fell.", "Part Two")
    for line in (*lines, "All done."):
        document.add_paragraph(line)
    (section,) = read(save(document), "b.docx").sections
    assert section.body == "\n\n".join((*lines, "All done."))


def test_a_footnote_reference_with_a_mark_of_its_own_is_not_read() -> None:
    """Given Word's custom footnote mark ("*" typed after the reference in its run): it was
    read as the sentence's."""
    document = docx.Document()
    paragraph = document.add_paragraph("The claim")
    paragraph._p.append(
        run(element("w:footnoteReference", id="1", customMarkFollows="1"), element("w:t", "†"))
    )
    paragraph.add_run(" held.")
    assert read(save(document), "b.docx").sections[0].body == "The claim held."


@pytest.mark.parametrize("introduction", ["", "In which the garden is dug."])
def test_parts_over_chapters_are_parts_and_each_chapter_is_one(introduction: str) -> None:
    """ "Part One" in Heading 1 straight over "The Garden" in Heading 2: the parts were the
    chapters, each holding its chapters as text (and a part over a titled chapter ran on
    into one title); now each chapter is one and each part a short section of its own. A
    part named so stays one with a paragraph of its own over its first chapter."""
    document = docx.Document()
    for part, chapters in (("Part One", ("The Garden", "The Onions")), ("Part Two", ("Rain",))):
        document.add_heading(part, level=1)
        if part == "Part One" and introduction:
            document.add_paragraph(introduction)
        for name in chapters:
            document.add_heading(name, level=2)
            document.add_paragraph(f"{name} was told.")
    book = read(save(document), "b.docx")
    assert [(s.title, s.kind, s.body) for s in book.sections] == [
        ("Part One", "part", introduction),
        ("The Garden", "chapter", "The Garden was told."),
        ("The Onions", "chapter", "The Onions was told."),
        ("Part Two", "part", ""),
        ("Rain", "chapter", "Rain was told."),
    ]


def test_a_main_document_larger_than_any_book_needs_is_refused_before_it_is_parsed(
    setting: Setting,
) -> None:
    """Under a cap of 1,000 characters (16,000 bytes of markup and a megabyte), a document
    of 1.25 MB of words: parsed, it would be refused for its 1,250,000 characters, with the
    other message. The same text under a cap it fits is read."""
    rng = random.Random(0)
    words = ["".join(rng.choice("abcdefghij") for _ in range(4)) for _ in range(250_000)]
    document = docx.Document()
    document.add_heading("One", level=1)
    document.add_paragraph(" ".join(words) + " ")
    data = save(document)
    setting("NARRATE_MAX_BOOK_CHARS", "1000")
    with pytest.raises(
        ManuscriptError,
        match=r"^b\.docx: word/document\.xml is 1,25\d,\d{3} bytes, more than a book of 1,000 "
        r"characters needs \(1,064,576\); refusing \(NARRATE_MAX_BOOK_CHARS\)$",
    ):
        read(data, "b.docx")
    setting("NARRATE_MAX_BOOK_CHARS", "2000000")
    assert len(read(data, "b.docx").sections[0].body.split()) == 250_000


def symbol(font: str, char: str) -> Any:
    return run(element("w:sym", font=font, char=char))


def test_a_symbol_inserted_from_a_symbol_font_is_its_character_or_a_space() -> None:
    """Given Insert > Symbol's w:sym (a font and its code, no text): it was left out, and
    "waited" and "then" ran together. The Symbol font's em dash, bullet, ellipsis, degree
    and times sign are read as themselves, a plain font's code as its character, and a
    Wingdings picture or an unknown code is a space between the words."""
    document = docx.Document()
    symbols = [
        ("Symbol", "F0BE"),  # em dash
        ("Symbol", "F0B7"),  # bullet
        ("Symbol", "BC"),  # ellipsis, as the byte
        ("Symbol", "F0B0"),  # degree
        ("Symbol", "F0B4"),  # times
        ("Times New Roman", "201C"),  # a quotation mark, by its Unicode code
        ("Wingdings", "F04A"),  # a smiling face
        ("Symbol", "F0E6"),  # a piece of a big bracket
        ("Symbol", "nonsense"),
    ]
    for font, char in symbols:
        paragraph = document.add_paragraph("He waited")
        paragraph._p.append(symbol(font, char))
        paragraph.add_run("then left.")
    body = read(save(document), "b.docx").sections[0].body
    assert body.split("\n\n") == [
        "He waited—then left.",
        "He waited•then left.",
        "He waited…then left.",
        "He waited°then left.",
        "He waited×then left.",
        "He waited“then left.",
        *["He waited then left."] * 3,
    ]


def compound_file(streams: list[str], loop: bool = False) -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) of a FAT sector and a directory of
    the root and `streams`, four entries a sector; its chain loops back with `loop`."""
    entries = b""
    for i, name in enumerate(["Root Entry", *streams]):
        encoded = (name + "\0").encode("utf-16-le")
        entries += encoded.ljust(64, b"\0") + struct.pack("<HB", len(encoded), 2 if i else 5)
        entries += bytes(61)
    directory = entries.ljust(-(-len(entries) // 512) * 512, b"\0")
    count = len(directory) // 512
    fat = [0xFFFFFFFD, *range(2, count + 1), 1 if loop else 0xFFFFFFFE]
    header = ole.MAGIC + bytes(16) + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<9I", 0, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *[0xFFFFFFFF] * 108)
    return header + struct.pack("<128I", *fat, *[0xFFFFFFFF] * (128 - len(fat))) + directory


@pytest.mark.parametrize(
    ("name", "streams", "said"),
    [
        (
            "book.docx",
            ["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"],
            "the DOCX is password-protected: remove the password in Word and save it again",
        ),
        # a .doc's WordDocument stream in the directory's second sector, after 4 entries
        (
            "book.docx",
            ["1Table", "Data", "CompObj", "SummaryInformation", "WordDocument"],
            "a Word 97-2003 .doc, not a .docx: open it in Word or LibreOffice and save it as .docx",
        ),
        (
            "book.doc",
            ["WordDocument"],
            "a Word 97-2003 .doc, not a .docx: open it in Word or LibreOffice and save it as .docx",
        ),
    ],
)
def test_a_password_protected_docx_or_a_doc_is_refused_saying_so(
    tmp_path: Path, name: str, streams: list[str], said: str
) -> None:
    """Given an OLE compound file, as Word saves a DOCX with a password and as a .doc is: it
    was "not a readable DOCX (a ZIP: File is not a zip file)", or binary data if named
    .doc, and the author could not tell what to do."""
    path = tmp_path / name
    path.write_bytes(compound_file(streams))
    with pytest.raises(ManuscriptError, match=rf"^{re.escape(f'{path}: {said}')}$"):
        read_book(path)


def test_a_damaged_compound_file_is_refused_without_its_names() -> None:
    """Given a directory chain that loops, and a file cut inside its header or directory:
    each is refused, with the message that covers both kinds."""
    either = r"^b\.docx: an Office 97-2003 file or a password-protected one, not a \.docx"
    looped = compound_file(["A", "B", "C", "D", "E"], loop=True)
    for data in (looped, looped[:700], ole.MAGIC + bytes(100)):
        with pytest.raises(ManuscriptError, match=either):
            read(data, "b.docx")


def test_page_numbers_and_unfilled_merge_fields_are_not_read() -> None:
    """Given PAGE and NUMPAGES fields in the text and a MERGEFIELD left unmerged: "This is
    page 7 of 212" was read (a number from the layout of a page nobody sees), and so was
    «FirstName». Their results are left out, in complex and simple fields alike; other
    fields' results (a date, the author) are the text."""
    document = docx.Document()
    lines = [
        ("This is page ", " PAGE ", "7", " of "),
        ("", " NUMPAGES \\* MERGEFORMAT ", "212", "."),
        ("Dear ", " MERGEFIELD FirstName ", "«FirstName»", ","),
        ("Printed ", ' DATE \\@ "MMMM d" ', "March 3", "."),
    ]
    paragraph = document.add_paragraph()
    for before, code, result, after in lines:
        paragraph = document.add_paragraph(before) if before else paragraph
        for part in field(code, result):
            paragraph._p.append(part)
        paragraph.add_run(after)
    simple = document.add_paragraph("Written by ")
    for code, result, after in ((" AUTHOR ", "Jane Writer", " on page "), (" page ", "3", ".")):
        found = element("w:fldSimple", instr=code)
        found.append(run(element("w:t", result)))
        simple._p.append(found)
        simple.add_run(after)
    body = read(save(document), "b.docx").sections[0].body
    assert body.split("\n\n") == [
        "This is page of .",
        "Dear ,",
        "Printed March 3.",
        "Written by Jane Writer on page .",
    ]


def test_hidden_text_follows_its_styles_and_a_run_may_show_itself() -> None:
    """Given a character style based on a hidden one: its text was read, though Word hides
    it. Given a run with hidden text switched off (w:vanish w:val="0") in a paragraph whose
    style hides it: Word shows it, and it was lost with its paragraph. A style of its own
    that switches it off, based on a hidden one, is shown too."""
    document = docx.Document()
    note = document.styles.add_style("Author Note", WD_STYLE_TYPE.CHARACTER)
    note.font.hidden = True
    red = document.styles.add_style("Author Note Red", WD_STYLE_TYPE.CHARACTER)
    red.base_style = note
    shown = document.styles.add_style("Shown Note", WD_STYLE_TYPE.CHARACTER)
    shown.base_style, shown.font.hidden = note, False
    hidden_paragraphs = document.styles.add_style("Hidden Para", WD_STYLE_TYPE.PARAGRAPH)
    hidden_paragraphs.font.hidden = True
    document.add_heading("One", level=1)
    paragraph = document.add_paragraph("She lit a candle.")
    paragraph.add_run(" HIDDEN by its style.", style="Author Note")
    paragraph.add_run(" HIDDEN by the style it is based on.", style="Author Note Red")
    paragraph.add_run(" It burned.", style="Shown Note")
    document.add_paragraph("HIDDEN paragraph.", style="Hidden Para")
    override = document.add_paragraph("HIDDEN, ", style="Hidden Para")
    override.add_run("but this run is shown.").font.hidden = False
    body = read(save(document), "b.docx").sections[0].body
    assert body == "She lit a candle. It burned.\n\nbut this run is shown."


def test_a_title_page_typed_in_normal_style_is_told_by_its_copyright_lines() -> None:
    """Given a title page with no Title paragraph (title, byline, "Copyright ©", "All
    rights reserved", an ISBN, the publisher, all in Normal) before Heading 1 chapters: it
    was narrated as an untitled first chapter. The dedication after it is read; short
    lines that say no imprint's words, or a paragraph of prose, are still the book's."""
    document = docx.Document()
    for line in ("THE ORCHARD KEEPER", "by Ruth Ames", "Copyright © 2023 by Ruth Ames"):
        document.add_paragraph(line)
    for line in ("All rights reserved.", "ISBN 978-1-23456-789-0", "For my mother"):
        document.add_paragraph(line)
    document.add_heading("Chapter 1", level=1)
    document.add_paragraph("The trees were older than the house.")
    book = read(save(document), "b.docx")
    assert [(s.kind, bool(s.skip_reason), s.body[:18]) for s in book.sections] == [
        ("titlepage", True, "THE ORCHARD KEEPER"),
        ("dedication", False, "For my mother"),
        ("chapter", False, "The trees were old"),
    ]
    prose = "The copyright on the ISBN register was the first thing she checked, all rights "
    for opening in (["THE ORCHARD KEEPER", "Copyright © 2023 by Ruth Ames"], [prose * 2]):
        document = docx.Document()
        for line in opening:
            document.add_paragraph(line)
        document.add_heading("Chapter 1", level=1)
        document.add_paragraph("The trees were older than the house.")
        book = read(save(document), "b.docx")
        assert [(s.kind, s.skip_reason) for s in book.sections] == [("chapter", "")] * 2


@pytest.mark.parametrize(
    ("title", "subtitle"),
    [
        ("Titel", "Untertitel"),
        ("Titre", "Sous-titre"),
        ("Título", "Subtítulo"),
        ("Titolo", "Sottotitolo"),
        ("Titel", "Ondertitel"),
    ],
)
def test_a_localized_title_style_is_the_books_title(title: str, subtitle: str) -> None:
    """Given LibreOffice's German "Titel" and "Untertitel" (or another language's): the
    title page was read as an untitled chapter and the book was "(untitled)". Word keeps
    the English name and localizes the id ("Ttulo"): either is known."""
    styles = style("T1", title) + style("S1", subtitle) + style("H1", "heading 1")
    paragraphs = [("T1", "Der Leuchtturm"), ("S1", "Roman"), ("S1", "Anna Berg")]
    for name in ("Eins", "Zwei"):
        paragraphs += [("H1", name), ("", "Text.")]
    book = read(styled(styles, paragraphs), "b.docx")
    assert book.metadata.title == "Der Leuchtturm"
    assert [(s.title, s.kind) for s in book.sections] == [
        ("", "titlepage"),
        ("Eins", "chapter"),
        ("Zwei", "chapter"),
    ]
    by_id = styled(style("H1", "heading 1"), [("Ttulo", "Der Leuchtturm"), ("H1", "Eins")])
    assert read(by_id, "b.docx").metadata.title == "Der Leuchtturm"


@pytest.mark.parametrize("creator", ["python-docx", "Office Admin Account"])
@pytest.mark.parametrize("city", ["London", "London and Paris"])
def test_a_byline_under_a_city_on_the_title_page_is_the_author(creator: str, city: str) -> None:
    """A subtitle may be a city's name: a city's line ends a title page's names without
    "by", not its byline, which the city's line once hid (the book had no author, or the
    account that saved the file)."""
    book = read(titled_book(creator, (city, "Normal"), ("by Ann Example", "Normal")), "b.docx")
    assert book.metadata.authors == ["Ann Example"]


@pytest.mark.parametrize("name", ["book.epub", "book.txt", "book"])
def test_a_word_document_misnamed_is_read_as_one(tmp_path: Path, name: str) -> None:
    """The format is told by what the file holds: a DOCX named .txt was read as one, but
    named .epub it was refused as an EPUB with no container."""
    path = tmp_path / name
    path.write_bytes(titled_book("Jane Writer"))
    book = read_book(path)
    assert [s.title for s in book.sections if s.kind == "chapter"] == ["Chapter 1", "Chapter 2"]
    assert book.metadata.authors == ["Jane Writer"]


def test_a_zip_named_epub_holding_neither_book_is_refused_as_an_epub(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "no container, no document")
    with pytest.raises(ManuscriptError, match="container"):
        read_book(path)
