"""Markdown's extensions that are no prose: footnotes and pipe tables (GitHub's, Pandoc's,
PHP Markdown Extra's), and the character references every Markdown decodes.

- A footnote's reference ("text[^1]") is not read, and its definition ("[^1]: The gate was
  iron.", its lines run on or set in under it, paragraphs too) is taken out of the text, as
  the other readers take a note out of its chapter; the notes are kept, to be read in a
  section of their own.
- A pipe table (a row of cells over a row of dashes, "|---|---|", as many cells in each) is
  skipped with the rows under it, and reported, as a table is in the other formats.
- "&amp;", "&mdash;", "&#8212;" are the characters they name, as CommonMark reads them,
  but in code, which shows them as written.

What is inside a fenced code block is none of these. Each is found line by line, in one
pass.
"""

import html
import re

_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_DEFINITION = re.compile(r" {0,3}\[\^[^\]\s]{1,64}\]:[ \t]?")
REFERENCE = re.compile(r"\[\^[^\]\s]{1,64}\]")
# A definition's line set in under it, which goes on with it past a blank line.
_SET_IN = re.compile(r"(?: {2}|\t)[ \t]*\S")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_DELIMITER_CELL = re.compile(r":?-+:?")
_CODE_SPAN = re.compile(r"(`[^`\n]*`)")


def take_footnotes(text: str) -> tuple[str, list[str]]:
    """The text less its footnotes' definitions, and their text in order (set-in lines
    drawn back to the margin, paragraphs kept apart)."""
    lines = text.split("\n")
    kept: list[str] = []
    notes: list[str] = []
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        fenced ^= bool(_FENCE.match(line))
        definition = None if fenced else _DEFINITION.match(line)
        if definition is None:
            kept.append(line)
            i += 1
            continue
        end = _definition_end(lines, i)
        body = [line[definition.end() :], *(ln.strip() for ln in lines[i + 1 : end])]
        notes.append("\n".join(body).strip())
        kept.extend([""] * (end - i))  # the lines stay counted, empty
        i = end
    return "\n".join(kept), [note for note in notes if note]


def _definition_end(lines: list[str], first: int) -> int:
    """Where the definition on line `first` ends: at a blank line not followed by a set-in
    line (its paragraph's own lines run on, set in or not), at another definition, a
    heading or a fence."""
    i = first + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if i + 1 < len(lines) and _SET_IN.match(lines[i + 1]):
                i += 1
                continue
            return i
        if _DEFINITION.match(line) or _HEADING.match(line) or _FENCE.match(line):
            return i
        i += 1
    return i


def take_tables(lines: list[str]) -> list[int]:
    """The line numbers of the pipe tables' header rows, each table's lines made empty
    (the rows run to a blank line, or a line with no cells)."""
    found: list[int] = []
    fenced = False
    i = 0
    while i + 1 < len(lines):
        fenced ^= bool(_FENCE.match(lines[i]))
        if fenced or not _opens_table(lines[i], lines[i + 1]):
            i += 1
            continue
        end = i + 2
        while end < len(lines) and "|" in lines[end] and lines[end].strip():
            end += 1
        lines[i:end] = [""] * (end - i)
        found.append(i)
        i = end
    return found


def _opens_table(header: str, delimiter: str) -> bool:
    """A row of cells over a row of dashes with as many cells, a pipe in each row (a line
    over "---" alone is a heading)."""
    if "|" not in header or "|" not in delimiter:
        return False
    cells = _cells(delimiter)
    dashes = all(_DELIMITER_CELL.fullmatch(cell) for cell in cells)
    return dashes and len(cells) == len(_cells(header))


def _cells(row: str) -> list[str]:
    """A row's cells: between its pipes, less the outer ones ("| a | b |" and "a | b")."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def unescaped(text: str) -> str:
    """Character references as the characters they name ("&amp;" is "&"), but in a code
    span, which shows them as written."""
    parts = _CODE_SPAN.split(text)
    parts[::2] = [html.unescape(part) if "&" in part else part for part in parts[::2]]
    return "".join(parts)
