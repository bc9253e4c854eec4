"""The PDF reader's chapters: an outline's parts over chapters, entries off their
headings, part pages and chapter numbers over titles, each typeset here with reportlab."""

import io
import time
from functools import partial

import pypdf
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from producer.readers import matter
from producer.readers.book import Section
from producer.readers.pdf import read
from tests.producer.test_readers_pdf import (
    FONT,
    LEADING,
    LEFT,
    SIZE,
    TOP,
    WIDTH,
    Setter,
    prose,
)

# Each chapter's paragraphs, long enough to run over a page or two.
TEXT = {name: [prose(name.split()[-1].lower(), 20)] for name in ("One", "Two", "Three")}


def new_setter() -> Setter:
    return Setter(Canvas(io.BytesIO(), pagesize=letter), head="")


def made(setter: Setter) -> bytes:
    """The PDF the setter has set, its last page finished."""
    setter.finish_page()
    setter.canvas.save()
    out = setter.canvas._filename  # the BytesIO `new_setter` gave it
    assert isinstance(out, io.BytesIO)
    return out.getvalue()


def sections_of(setter: Setter) -> list[Section]:
    return read(made(setter), "b.pdf").sections


def bookmark(setter: Setter, title: str, level: int) -> None:
    """An outline entry at this level for the page being set."""
    setter.canvas.bookmarkPage(title)
    setter.canvas.addOutlineEntry(title, title, level=level)


def outlined(parts: list[tuple[str, list[str]]], part_pages: bool) -> list[Section]:
    """Parts over chapters in the outline, each part on a page of its own (its title in
    large type) or its entry on its first chapter's page."""
    setter = new_setter()
    for part, chapters in parts:
        if part_pages:
            setter.heading(part, size=28)
            bookmark(setter, part, 0)
        for k, name in enumerate(chapters):
            setter.heading(f"Chapter {name}")
            if k == 0 and not part_pages:
                bookmark(setter, part, 0)
            bookmark(setter, f"Chapter {name}", 1)
            for para in TEXT[name]:
                setter.paragraph(para)
    return sections_of(setter)


def test_an_outlines_parts_over_chapters_are_parts_and_their_chapters_chapters() -> None:
    """Entries nested under "Part One": the outline's top level alone was read, each part
    one chapter, its chapters' headings read in its text."""
    sections = outlined([("Part One: Autumn", ["One", "Two"]), ("Part Two", ["Three"])], False)
    assert [(s.title, s.kind, s.body) for s in sections] == [
        ("Part One: Autumn", "part", ""),  # its title said
        ("Chapter One", "chapter", TEXT["One"][0]),
        ("Chapter Two", "chapter", TEXT["Two"][0]),
        ("Part Two", "part", ""),
        ("Chapter Three", "chapter", TEXT["Three"][0]),
    ]


def test_an_outline_entry_on_a_page_of_its_own_over_chapters_is_a_part() -> None:
    sections = outlined([("Autumn", ["One", "Two"]), ("Spring", ["Three"])], True)
    assert [(s.title, s.kind) for s in sections] == [
        ("Autumn", "part"),
        ("Chapter One", "chapter"),
        ("Chapter Two", "chapter"),
        ("Spring", "part"),
        ("Chapter Three", "chapter"),
    ]


def test_sections_nested_under_a_chapter_are_the_chapters() -> None:
    """A chapter's entry over its sections, the first on its first page: one chapter."""
    setter = new_setter()
    for name in ("One", "Two"):
        setter.heading(f"Chapter {name}")
        bookmark(setter, f"Chapter {name}", 0)
        bookmark(setter, f"Opening of {name}", 1)
        for para in TEXT[name]:
            setter.paragraph(para)
    sections = sections_of(setter)
    assert [(s.title, s.kind, s.body) for s in sections] == [
        ("Chapter One", "chapter", TEXT["One"][0]),
        ("Chapter Two", "chapter", TEXT["Two"][0]),
    ]


def flat_outline(entries: list[tuple[str, int, int]]) -> bytes:
    """Three chapters of some pages each, headed "Chapter One: The Letter" and so on, and
    an outline of these entries, each to a page counted from a chapter's first."""
    setter = new_setter()
    starts = []
    for name, title in zip(TEXT, TITLES, strict=True):
        setter.heading(f"Chapter {name}: {title}")
        starts.append(setter.page - 1)
        for n in range(3):
            setter.paragraph(prose(f"{name}{n}", 40))
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(made(setter)))
    for title, chapter, off in entries:
        writer.add_outline_item(title=title, page_number=starts[chapter] + off)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


TITLES = ["The Letter", "Low Water", "Spring Tide"]
BODIES = [[prose(f"{name}{n}", 40) for n in range(3)] for name in TEXT]


def test_an_entry_off_its_labelled_heading_is_moved_to_it() -> None:
    """ "Low Water" two pages after "Chapter Two: Low Water", "Spring Tide" a page before
    its heading: only a heading saying the entry's words alone was looked for, and each
    chapter began pages from its heading."""
    entries = [("The Letter", 0, 0), ("Low Water", 1, 2), ("Spring Tide", 2, -1)]
    book = read(flat_outline(entries), "b")
    assert [(s.title, s.body.split("\n\n")) for s in book.sections] == [
        (title, body) for title, body in zip(TITLES, BODIES, strict=True)
    ]


def long_middle(entries: list[tuple[str, int, int]]) -> tuple[bytes, list[list[str]]]:
    """As `flat_outline`, but the first two chapters run over five pages or more (plates
    put in after the outline was made); and each chapter's paragraphs."""
    sizes = {"One": 12, "Two": 12, "Three": 3}
    bodies = [[prose(f"{name}{n}", 40) for n in range(sizes[name])] for name in TEXT]
    setter = new_setter()
    starts = []
    for name, title, body in zip(TEXT, TITLES, bodies, strict=True):
        setter.heading(f"Chapter {name}: {title}")
        starts.append(setter.page - 1)
        for para in body:
            setter.paragraph(para)
    assert starts[2] - starts[1] >= 5 and starts[1] - starts[0] >= 5
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(made(setter)))
    for title, chapter, off in entries:
        writer.add_outline_item(title=title, page_number=starts[chapter] + off)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), bodies


@pytest.mark.parametrize("off", [3, 4])
def test_an_entry_pages_off_its_heading_is_moved_to_it(off: int) -> None:
    """ "Low Water" three pages or more after "Chapter Two: Low Water" (plates put in):
    the chapter's first pages were read at the end of "The Letter"."""
    entries = [("The Letter", 0, 0), ("Low Water", 1, off), ("Spring Tide", 2, 0)]
    data, bodies = long_middle(entries)
    book = read(data, "b")
    assert [(s.title, s.body.split("\n\n")) for s in book.sections] == [
        (title, body) for title, body in zip(TITLES, bodies, strict=True)
    ]


def test_an_entry_pages_off_its_heading_past_another_entry_stays() -> None:
    """Moved to its heading, the entry would pass another's place and take its text."""
    entries = [("The Letter", 0, 0), ("Low Water", 1, 0), ("Spring Tide", 0, 1)]
    data, bodies = long_middle(entries)
    book = read(data, "b")
    assert [s.title for s in book.sections] == ["The Letter", "Spring Tide", "Low Water"]
    assert book.sections[1].body.split("\n\n")[-1] == bodies[0][-1]


def test_two_entries_to_one_place_are_a_warning() -> None:
    """An entry for a page of plates, pointing at the next chapter's page: its chapter went
    missing with no word said."""
    entries = [("The Letter", 0, 0), ("Low Water", 1, 0), ("Plates", 2, 0), ("Spring Tide", 2, 0)]
    book = read(flat_outline(entries), "b")
    assert [s.title for s in book.sections] == TITLES
    assert book.warnings == [
        "b: the outline's entry 'Plates' points where 'Spring Tide' does;"
        " its text is read under that title"
    ]


EPIGRAPH = "Every tide has its turning, and every turning its tide."


@pytest.mark.parametrize("size", [14, 28], ids=["smaller", "larger"])
def test_a_part_page_without_an_outline_is_a_part(size: float) -> None:
    """ "PART TWO" over "Spring" and an epigraph, on a page of their own, the chapters
    headed "I", "II" in 22 point: a part's heading, not of the chapters' size, was read
    with its epigraph at the end of the chapter before it; or, larger, it was the only
    heading taken, and its chapters ran on as one."""
    setter = new_setter()
    chapters = iter(TEXT.items())
    for part, title in (("PART ONE", "Autumn"), ("PART TWO", "Spring")):
        setter.heading(part, size=size)
        setter.heading(title, new_page=False)
        setter.paragraph(EPIGRAPH)
        for numeral in ("I", "II") if part == "PART ONE" else ("III",):
            setter.heading(numeral, size=22)
            setter.paragraph(next(chapters)[1][0])
    sections = sections_of(setter)
    assert [(s.title, s.kind, s.body) for s in sections] == [
        ("PART ONE. Autumn", "part", EPIGRAPH),
        ("Chapter I", "chapter", TEXT["One"][0]),  # "I", the pronoun, heard as "Chapter one"
        ("Chapter II", "chapter", TEXT["Two"][0]),
        ("PART TWO. Spring", "part", EPIGRAPH),
        ("Chapter III", "chapter", TEXT["Three"][0]),
    ]


@pytest.mark.parametrize("size", [36, 11], ids=["large", "the text's"])
def test_a_chapters_number_over_its_title_is_one_heading(size: float) -> None:
    """Vellum's "1" in large type over "THE LETTER": the chapter was called "1" and its
    title read as its first paragraph. A "2" in the text's type over its title was read
    as the last word of the chapter before it."""
    setter = new_setter()
    for n, (title, name) in enumerate(zip(("THE LETTER", "The Lighthouse"), TEXT, strict=False)):
        if n:
            setter.finish_page()
        setter.y -= 90  # a chapter's opening sunk below the top margin, where folios are
        setter.heading(str(n + 1), size=size, new_page=False)
        setter.heading(title, size=15, new_page=False)
        setter.paragraph(TEXT[name][0])
    sections = sections_of(setter)
    assert [(s.title, s.body) for s in sections] == [
        ("Chapter 1: THE LETTER", TEXT["One"][0]),
        ("Chapter 2: The Lighthouse", TEXT["Two"][0]),
    ]


@pytest.mark.parametrize("size", [12, 11], ids=["a point larger", "the text's"])
def test_a_chapters_number_at_a_pages_top_starts_anew(size: float) -> None:
    """A contents page without leaders ends on a short line, "2 The Lighthouse": the next
    page's "1" over its chapter's title ran on from it as a verse line, and went with the
    contents, skipped; the chapter was called by its title alone."""
    setter = new_setter()
    setter.heading("Contents", size=15)
    setter.canvas.setFont(FONT, SIZE)
    for entry in ("1 THE LETTER", "2 The Lighthouse"):
        setter.canvas.drawString(LEFT, setter.y, entry)
        setter.y -= LEADING
    for n, (title, name) in enumerate(zip(("THE LETTER", "The Lighthouse"), TEXT, strict=False)):
        setter.finish_page()
        setter.y -= 90  # sunk below the top margin, where folios are
        setter.heading(str(n + 1), size=size, new_page=False)
        setter.heading(title, size=15, new_page=False)
        setter.paragraph(TEXT[name][0])
    sections = sections_of(setter)
    assert [(s.title, s.kind, s.body) for s in sections[1:]] == [
        ("Chapter 1: THE LETTER", "chapter", TEXT["One"][0]),
        ("Chapter 2: The Lighthouse", "chapter", TEXT["Two"][0]),
    ]
    assert (sections[0].kind, sections[0].body.split("\n")[-1]) == ("toc", "2 The Lighthouse")


@pytest.mark.parametrize("font", ["Times-Bold", FONT], ids=["bold", "roman"])
def test_a_story_collections_bold_titles_are_its_chapters(font: str) -> None:
    """Stories run on, each under its title in bold a point larger than the text (under
    the type a heading is told by): the book was one chapter. The same titles in the text's
    face are no headings."""
    setter = new_setter()
    titles = ["Salt", "The Keeper's Daughter", "Low Water"]
    for title, name in zip(titles, TEXT, strict=True):
        setter.y -= 2 * LEADING  # the gap between stories
        setter.canvas.setFont(font, SIZE + 1)
        setter.canvas.drawString(LEFT, setter.y, title)
        setter.y -= 2 * LEADING
        setter.paragraph(TEXT[name][0])
    sections = sections_of(setter)
    if font == FONT:
        assert len(sections) == 1
        return
    assert [(s.title, s.body) for s in sections] == [
        (title, TEXT[name][0]) for title, name in zip(titles, TEXT, strict=True)
    ]


def test_an_authors_name_in_display_type_under_the_title_is_the_title_pages() -> None:
    """A collection's title page: its title in 22 point over the author's name in 14, the
    stories titled in bold 12. The name, in type above the stories' titles, was taken for
    a chapter with nothing in it, and left out unlisted: no title page to include."""
    setter = new_setter()
    setter.heading("SALT AND OTHER STORIES", size=22)
    setter.heading("Ann Example", size=14, new_page=False)
    setter.finish_page()
    titles = ["Salt", "The Keeper's Daughter", "Low Water"]
    for title, name in zip(titles, TEXT, strict=True):
        setter.y -= 2 * LEADING  # the gap between stories
        setter.canvas.setFont("Times-Bold", SIZE + 1)
        setter.canvas.drawString(LEFT, setter.y, title)
        setter.y -= 2 * LEADING
        setter.paragraph(TEXT[name][0])
    book = read(made(setter), "b.pdf")
    assert (book.metadata.title, book.metadata.authors) == (
        "SALT AND OTHER STORIES",
        ["Ann Example"],
    )
    assert [(s.title, s.kind, s.body) for s in book.sections] == [
        ("", "titlepage", "Ann Example"),
        *((title, "chapter", TEXT[name][0]) for title, name in zip(titles, TEXT, strict=True)),
    ]


# A title page's authors


def title_page(under: list[str]) -> bytes:
    """A PDF: the title in display type over `under`, then chapters; reportlab's author,
    "anonymous", for the PDF's own (no author)."""
    setter = new_setter()
    setter.canvas.setTitle("")
    setter.heading("THE QUIET HARBOUR", size=30)
    for line in under:
        setter.paragraph(line)
    for name, paras in TEXT.items():
        setter.heading(f"Chapter {name}")
        setter.paragraph(paras[0])
    return made(setter)


@pytest.mark.parametrize(
    "under",
    [
        ["MEDITATIONS", "Penguin Classics"],
        ["Unabridged", "Dover Publications"],
        ["Memoirs", "Faber & Faber Ltd"],
        ["Poetry", "Harbour Light Press"],
        ["Illustrated", "Translated from the French by Ann Example"],
    ],
    ids=lambda under: under[0],
)
def test_a_one_word_subtitle_over_the_publisher_is_no_author(under: list[str]) -> None:
    """A genre's or an edition's word alone under the title ("MEDITATIONS", "Unabridged")
    over the publisher's line was taken for a one-word author's name ("Meditations"), and
    "Dover Publications" for a name: "publications" was no publisher's word."""
    book = read(title_page(under), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["anonymous"]


@pytest.mark.parametrize(
    "name", ["Colette", "MOLIÈRE", "Voltaire", "Dickens", "Keats", "Homer", "Virgil", "Sappho"]
)
def test_a_one_word_author_over_the_publisher_is_still_the_author(name: str) -> None:
    book = read(title_page([name, "Penguin Classics"]), "b.pdf")
    assert book.metadata.authors == [name.title()]


@pytest.mark.parametrize(
    ("under", "authors"),
    [
        (["Book One", "by Ann Example"], ["Ann Example"]),
        (["Uncorrected Proof", "by Ann Example"], ["Ann Example"]),
        (["Large Print", "by Ann Example", "Harbour Light Press"], ["Ann Example"]),
        (["by Kurt Vonnegut, Jr.", "Dover Publications"], ["Kurt Vonnegut, Jr."]),
        (["ANN EXAMPLE", "Harbour Light Press"], ["Ann Example"]),
    ],
    ids=[
        "under-a-label",
        "under-a-wider-label",
        "under-an-editions-label",
        "with-a-suffix",
        "without-by",
    ],
)
def test_a_byline_on_the_title_page_names_the_authors(under: list[str], authors: list[str]) -> None:
    """ "by Ann Example" under "Book One": the label, the first line of capitalized words,
    was taken for the author's name; "by Kurt Vonnegut, Jr." named two, "Jr." the second.
    Under "Uncorrected Proof", wider than it, the byline ran on from it as a sentence's
    words, "Uncorrected Proof by Ann Example", and named no one."""
    book = read(title_page(under), "b.pdf")
    assert book.metadata.authors == authors


def display_title_page(under: list[str], size: float = 18.0, ems: float = 2.0) -> bytes:
    """A PDF: a title page as a publisher sets one, the title and the lines under it
    centred in display type, `ems` apart; then chapters."""
    setter = new_setter()
    setter.canvas.setTitle("")
    setter.canvas.setFont("Helvetica-Bold", 30)
    setter.canvas.drawCentredString(WIDTH / 2, TOP, "THE QUIET HARBOUR")
    setter.canvas.setFont(FONT, size)
    for n, line in enumerate(under, start=1):
        setter.canvas.drawCentredString(WIDTH / 2, TOP - 60 - (n - 1) * size * ems, line)
    setter.finish_page()
    for name, paras in TEXT.items():
        setter.heading(f"Chapter {name}")
        setter.paragraph(paras[0])
    return made(setter)


@pytest.mark.parametrize("ems", [1.2, 2.0, 3.0])
@pytest.mark.parametrize(
    "under",
    [
        ["Uncorrected Proof", "by Ann Example"],
        ["Book One", "by Ann Example"],
        ["A Novel", "by Ann Example", "Harbour Light Press"],
        ["by Ann Example", "Harbour Light Press"],
    ],
    ids=lambda under: under[0],
)
def test_a_byline_in_display_type_names_the_author(under: list[str], ems: float) -> None:
    """Lines under the title in one display type, each a few ems below the last: as a
    heading's broken lines they were made one, "Uncorrected Proof by Ann Example" (no
    byline) or "by Ann Example Harbour Light Press" (no name), and the book had no author."""
    book = read(display_title_page(under, ems=ems), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["Ann Example"]


@pytest.mark.parametrize("display", [False, True], ids=["text-type", "display-type"])
def test_a_contributors_credit_over_two_lines_names_no_author(display: bool) -> None:
    """ "by Ann Example" under "Translated from the French" ends the translator's credit:
    the translator is no author."""
    under = ["A Novel", "Translated from the French", "by Ann Example"]
    book = read(display_title_page(under) if display else title_page(under), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["anonymous"]


@pytest.mark.parametrize("ems", [1.2, 2.0, 3.0])
@pytest.mark.parametrize(
    ("under", "authors"),
    [
        (["ANN EXAMPLE", "Harbour Light Press"], ["Ann Example"]),
        (["ANN EXAMPLE", "Harbour Light Press", "New York"], ["Ann Example"]),
        (["Ann Example", "Harbour Light Press"], ["Ann Example"]),
        (["Colette", "Harbour Light Press"], ["Colette"]),
        (["ANN EXAMPLE", "New York"], ["Ann Example"]),
        (["Ann Example and", "Bo Sample", "Harbour Light Press"], ["Ann Example", "Bo Sample"]),
    ],
    ids=[
        "over-the-publisher",
        "over-the-publisher-and-city",
        "in-lower-case",
        "one-word",
        "over-a-city",
        "two-over-two-lines",
    ],
)
def test_a_name_without_by_in_display_type_names_the_author(
    under: list[str], authors: list[str], ems: float
) -> None:
    """A name without "by" over the publisher's line, both in one display type: as a
    heading's broken lines they were made one, "ANN EXAMPLE Harbour Light Press", and the
    book had no author; over its city, "ANN EXAMPLE New York" was the author. Each is
    read as the same lines in the text's type are; a credit of two broken after "and"
    still names both."""
    book = read(display_title_page(under, size=16, ems=ems), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == authors


@pytest.mark.parametrize("ems", [1.2, 2.0, 3.0])
@pytest.mark.parametrize(
    "under",
    [
        ["A Tale Told", "In Three Parts", "Harbour Light Press"],
        ["Collected Stories", "Harbour Light Press"],
        ["Stories from", "Harbour Town", "Harbour Light Press"],
        ["Tales of the", "Salt Marsh Country", "Harbour Light Press", "New York"],
        ["MEDITATIONS", "Penguin Classics"],
    ],
    ids=lambda under: under[0],
)
def test_a_subtitle_in_display_type_over_the_publisher_names_no_author(
    under: list[str], ems: float
) -> None:
    """A subtitle broken over lines of one display type is one line of words, however
    its last line reads alone ("Harbour Town", "Salt Marsh Country"): no name."""
    book = read(display_title_page(under, size=16, ems=ems), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["anonymous"]


# How a title page's lines under its title are set: as paragraphs in the text's type, or in
# one display type a few ems apart (run on as a heading's broken lines).
SETTINGS = {
    "text-type": title_page,
    **{f"display-{ems}em": partial(display_title_page, size=16, ems=ems) for ems in (1.2, 3.0)},
}


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    "under",
    [
        ["Colette", "New York"],
        ["Penguin", "London"],
        ["Penguin", "New York"],
        ["New York"],
        ["New York London Toronto Sydney"],
        ["Colette", "London and New York"],
        ["Colette", "Boston, Massachusetts"],
        ["Colette", "New York, NY"],
    ],
    ids=lambda under: "-".join(under),
)
def test_a_city_under_the_title_is_no_author(under: list[str], setting: str) -> None:
    """A publisher's city reads as a name ("New York" as much as "Ann Example"): alone or
    under one word it was the author, "New York" or "Penguin London" (a heading's broken
    lines run on). A city is the imprint's, and ends the credits as the publisher's line
    does: a word over it is as likely the publisher's as a name ("Penguin" over "London"),
    so "Colette" over "New York" names no one either."""
    book = read(SETTINGS[setting](under), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["anonymous"]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    ("under", "authors"),
    [
        (["ANN EXAMPLE", "New York"], ["Ann Example"]),
        (["ANN EXAMPLE", "London"], ["Ann Example"]),
        (["Ann Example", "1999"], ["Ann Example"]),
        (["Ann Example", "Penguin", "London"], ["Ann Example"]),
        (["JACK LONDON", "Harbour Light Press"], ["Jack London"]),
        (["Jack London", "New York"], ["Jack London"]),
        (["by Jack London"], ["Jack London"]),
        (["Colette", "Harbour Light Press", "New York"], ["Colette"]),
    ],
    ids=[
        "in-capitals-over-new-york",
        "in-capitals-over-london",
        "over-a-year",
        "over-a-publishers-word-and-city",
        "jack-london-over-the-publisher",
        "jack-london-over-a-city",
        "by-jack-london",
        "one-word-over-the-publisher-and-city",
    ],
)
def test_a_name_over_a_city_is_the_author(
    under: list[str], authors: list[str], setting: str
) -> None:
    """A name of two words over the city is the author's: in one display type it ran on
    with the city's line ("ANN EXAMPLE London", no author in capitals to read), a date's
    ("Ann Example 1999", no author) or a publisher's word over its city ("Ann Example
    Penguin London"). A name with a city's word in it is a name: only a line
    that is a city's whole is one ("Jack London")."""
    book = read(SETTINGS[setting](under), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == authors


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize(
    "under",
    [
        ["Paris", "by Ann Example", "Harbour Light Press"],
        ["London and Paris", "by Ann Example"],
        ["Vienna", "by Ann Example"],
    ],
    ids=lambda under: "-".join(under),
)
def test_a_byline_under_a_city_is_the_author(under: list[str], setting: str) -> None:
    """A subtitle may be a city's name ("Midnight in" over "Paris"): a city's line ends
    the names without "by" under it, as the imprint's would, but not the byline's, which
    the city's line ended once (the book had no author)."""
    book = read(SETTINGS[setting](under), "b.pdf")
    assert book.sections[0].kind == "titlepage"
    assert book.metadata.authors == ["Ann Example"]


@pytest.mark.parametrize(
    "line",
    ["London" + ",Paris" * 31 + ",x", "London" + ", Paris Rome Oslo" * 11 + " x"],
    ids=["cities-after-commas", "cities-after-commas-and-spaces"],
)
def test_a_hostile_line_of_cities_is_read_at_once(line: str) -> None:
    """A city's comma took a state's words ("Boston, Massachusetts") or another city's
    ("London, Paris"), so a line of cities that did not end as a city's had ways to match
    that grew with its cities as a Fibonacci number does: 263 characters of this took
    155 s. A state's word is no city's now, and one way is tried."""
    assert len(line) <= 200  # under the length past which a line is no city's unread
    began = time.perf_counter()
    assert not matter.is_place(line)
    assert time.perf_counter() - began < 1.0
