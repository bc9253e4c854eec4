"""DOCX manuscripts: the main document's paragraphs in body order, chapters from headings.

The package is opened with `archive.Archive` (a bomb or a damaged ZIP is refused before any
XML is read; an OLE compound file, a DOCX saved with a password or a .doc, is refused saying
which, `ole`) and its parts are parsed with `archive.parse_xml`, not through python-docx:
one hardened parser for every part, and the reader sees each element, which it needs to
read tracked insertions while skipping deletions, hidden runs, field codes and the marks of
notes and comments (python-docx's paragraph text leaves out insertions).

What is read is what the page shows in the body: footnotes, endnotes, comments, headers and
footers live in parts of their own and are never narrated (a header or a footer is only
looked at to confirm a pen name in lower case under the Title). Tables are not narrated (a
warning names the chapter), nor are text boxes, equations, a table of contents or the
placeholder of a content control left unfilled, nor the page numbers of fields (PAGE) or a
mail merge's unfilled fields. Tracked changes are read as accepted: a
deleted paragraph mark joins its paragraph to the next (not a heading into body text).

Chapters start at headings: a style named "heading N" or "Heading N", or so in the common
localizations ("Überschrift 1", "Titre 1", by name, Word's id or an alias: some carry no
outline level), or with an outline level. A manuscript typed without heading styles has
its chapters at paragraphs that are chapter labels ("Chapter 4", "CHAPTER IV. The Storm",
"Part Two"; two at least; parts' typed over chapters' are parts),
and at a "Prologue" or "Epilogue" among them (one heading, the book's title over them, is
no styling of chapters), or, with no label, at numbers alone counting from one ("1", "2",
"3"); where chapters are styled, a label typed in their form and sequence ("Chapter 3" bold
among them) starts one too. Title and Subtitle are known by localized names and ids too
("Titel", "Untertitel"). A lone Title paragraph is the book's title, and so is a lone top
heading over repeated lower ones, as in Markdown; Title paragraphs that are chapter labels,
several, are chapters. A label heading over a title heading ("Chapter One", "The Storm"), a
Subtitle, a typed title line or its own line break is one title, and a heading's number
from Word's list numbering ("Chapter %1") is part of it. A heading that names a kind of
section ("Preface", "Index") gives it that kind, and front or back matter is skipped by
default (`matter`); so are a manuscript's cover page (contact details and a word count, up
to the byline, whose title line is the book's title and whose names, as a title page's
byline's, are its authors, over dc:creator; laid out in a table too, over a Title
paragraph or not, whose cells are looked at for it), Word's Cover Page, a title page laid
out in a table (its Title, found in the table before the first heading, the book's) and a
list of contents typed under "Contents" (up to its last entry), and an opening whose short
lines say copyright and "All rights reserved" or an ISBN, a title page without the Title
style.

A main document larger than a book of `max_book_chars` could need (Word's markup, run by
run, is some bytes a character: 16 and a megabyte are allowed) is refused before it is
parsed, as an EPUB's text files are.

This module opens the package and reads it in order: `docxparts` reads the package's parts
(the main document, its styles and numbering, the properties), `docxtext` the body's
paragraphs as text and `docxchapters` cuts those into sections.
"""

from functools import partial

from config.errors import ManuscriptError
from producer.readers import docxchapters, docxparts, docxtext, ole
from producer.readers.archive import Archive
from producer.readers.book import Book


def read(data: bytes, source: str) -> Book:
    """A DOCX file's sections and metadata; raises ManuscriptError with the reason."""
    if data.startswith(ole.MAGIC):
        docxparts.refuse_compound_file(data, source)
    archive = Archive(data, source, "DOCX")
    main = docxparts.main_part(archive)
    if not archive.has(main):
        raise ManuscriptError(f"{source}: not a DOCX document (no {docxparts.DOCUMENT} in the ZIP)")
    styles = docxparts.read_styles(archive, main)
    numbering = docxparts.read_numbering(archive, main)
    blocks = list(docxtext.blocks(docxparts.body(archive, main), styles, numbering))
    blocks = docxchapters.labelled_chapters(docxchapters.title_styled_labels(blocks))
    blocks = docxchapters.titled_label_lines(docxchapters.titled_labels(blocks))
    blocks = docxchapters.tabled_title(blocks)
    title_at, level, part_level = docxchapters.plan(blocks)
    sections, warnings, credits = docxchapters.split(blocks, title_at, (part_level, level), source)
    title = docxchapters.title(blocks[title_at]) if title_at is not None else credits.title
    shown = partial(docxtext.paragraph_text, styles=styles)
    bare = credits.bare or docxparts.signed(archive, main, credits.pen_name, shown)
    metadata = docxparts.metadata(archive, source, title, credits.authors, bare)
    return Book(sections, metadata, warnings=warnings)
