"""Project Gutenberg's bracketed marks in a plain-text e-text: set for the eye, so not read
where they stand.

- A page's number, "[Pg 12]", "[pg 12]", "[Page 12]", "[Pg xii]": not read (a line of its
  own goes with its line end, so the paragraph it stood in stays one).
- A footnote, "[Footnote 1: The gate was iron.]" ("[Footnote A: ...]", "[Footnote: ...]"),
  over lines and paragraphs: taken out of the text, as the HTML and EPUB readers take a
  note out of its chapter; its anchor ("[A]", "[*]"; "[1]" and "{1}" are dropped in every
  text) goes with it. The notes are kept, to be read in a section of their own.
- An illustration, "[Illustration]" or "[Illustration: The gate.]": the picture is not
  read; its caption is, as a figure's caption is in HTML.

The marks are found in one pass over the brackets, nesting counted ("[Footnote 2: See
[Pg 12].]"): a note left unclosed, or running on past another mark's opening, is no note,
and its text stays where it is.
"""

import re
from dataclasses import dataclass

_PAGE = r"\[(?:pg|page|p)\.?[ \t]?(?:\d{1,4}|[ivxlcdm]{1,8})\]"
# A page's number, its line's end with it where it stands on a line of its own.
_PAGE_MARK = re.compile(rf"^[ \t]*{_PAGE}[ \t]*\n|[ \t]?{_PAGE}", re.I | re.M)
# A footnote's or an illustration's opening, from its "[" (bounded runs: nothing rescans).
_OPENER = re.compile(
    r"\[[ \t]{0,3}(?:(?P<note>footnote)(?:[ \t]{1,3}(?P<label>[^\s:\[\]]{1,8}))?[ \t]{0,3}:"
    r"|(?P<picture>illustration)[ \t]{0,3}(?::|(?=\])))",
    re.I,
)
_BRACKET = re.compile(r"[\[\]]")
# The longest note or caption taken: a longer one is a bracket left open by mistake.
_LONGEST = 20_000


@dataclass(frozen=True)
class _Mark:
    start: int  # its "["
    end: int  # after its "]"
    opener: re.Match[str]

    @property
    def inner(self) -> str:
        return self.opener.string[self.opener.end() : self.end - 1].strip()


def take(text: str) -> tuple[str, list[str]]:
    """The text less its page numbers, footnotes and illustrations (their captions left in
    their place), and the footnotes' text, in order."""
    text = _PAGE_MARK.sub("", text)
    marks = _marks(text)
    kept: list[str] = []
    at = 0
    for mark in marks:
        caption = "" if mark.opener["note"] else mark.inner
        start, end = (mark.start, mark.end) if caption else _extent(text, mark)
        kept += [text[at:start], caption]
        at = end
    kept.append(text[at:])
    notes = [mark for mark in marks if mark.opener["note"]]
    labels = {mark.opener["label"] for mark in notes if mark.opener["label"]}
    return _without_anchors("".join(kept), labels), [m.inner for m in notes if m.inner]


def _marks(text: str) -> list[_Mark]:
    """The footnotes and illustrations, by their brackets: one stack of the open ones, a
    mark's opening clearing it where another mark is open (that one is never closed)."""
    found: list[_Mark] = []
    stack: list[tuple[int, re.Match[str] | None]] = []
    marks_open = 0  # of the stack, how many open a mark: counted, not looked for in it
    for bracket in _BRACKET.finditer(text):
        at = bracket.start()
        if text[at] == "[":
            opener = _OPENER.match(text, at)
            if opener and marks_open:
                stack, marks_open = [], 0
            stack.append((at, opener))
            marks_open += opener is not None
        elif stack:
            start, opener = stack.pop()
            marks_open -= opener is not None
            if opener and at - start <= _LONGEST:
                found.append(_Mark(start, at + 1, opener))
    return found


def _extent(text: str, mark: _Mark) -> tuple[int, int]:
    """What a mark's removal takes: its lines, where it stands on lines of its own (so no
    blank line is left inside a paragraph), else the mark and one space before it."""
    line_start = text.rfind("\n", 0, mark.start) + 1
    line_end = text.find("\n", mark.end)
    line_end = len(text) if line_end < 0 else line_end
    if not text[line_start : mark.start].strip() and not text[mark.end : line_end].strip():
        return line_start, min(line_end + 1, len(text))
    before = mark.start - 1 if mark.start and text[mark.start - 1] in " \t" else mark.start
    return before, mark.end


def _without_anchors(text: str, labels: set[str]) -> str:
    """The text less the anchors of the notes taken ("[A]", "[*]"), and a space before."""
    if not labels:
        return text
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.sub(rf"[ \t]?\[(?:{names})\]", "", text)
