"""What a Markdown manuscript says of itself at its top: a YAML metadata block, or a Pandoc
title block. Either is the book's metadata, never a chapter to narrate.

A YAML block (Pandoc, Jekyll, Hugo, Obsidian) is ``---`` on the first line, ``key: value``
lines, and ``---`` or ``...`` closing it. narrate takes no YAML library for a few flat keys:
a value here is a scalar (plain, or quoted), a flow list (``[a, "b, c"]``) or a list of
``- item`` lines, comments and unknown keys left out. A value in any other form (``|``, a
nested mapping, an anchor) is not read: its field is left to what the rest of the book says
(a heading, a title page), and the block is still dropped. Text that only starts like a
block (``---`` over a blank line, prose under it, no closing line) is the book's own: a
thematic break; and so is a block that names none of the keys narrate reads (`KEYS`):
"Content warning: …" or dialogue ("Mary: Where were you?") set between two rules.

A Pandoc title block is up to three ``%`` lines at the very top, title, authors (split by
";") and date, each continued on lines that start with a space.
"""

import json
import re

Fields = dict[str, list[str]]  # key, lower case: its values

_OPEN = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
# A key as front matter writes one ("title", "header-includes", "release date"), then ": ".
# Its words one space apart: a pattern that let a key end in spaces would try every split of
# a long run of them.
_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][\w.-]*(?: [\w.-]+)*)[ \t]*:(?:[ \t]+(?P<value>.*))?")
_ITEM_LINE = re.compile(r"[ \t]*-(?:[ \t]+(?P<value>.*))?")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#.*")  # the space before it is stripped with the value's
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_NULLS = {"", "~", "null", "Null", "NULL"}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The keys narrate reads (`producer.readers.text.front_matter_metadata`), and those it knows
# to leave unsaid: a block with one of them is front matter.
KEYS = {
    "title", "subtitle", "author", "authors", "lang", "language", "date", "publisher",
    "rights", "description",
}  # fmt: skip
# How a plain scalar may not start: a block scalar, a mapping, an anchor, a tag, a reserved
# character (YAML 1.2, 7.3.3).
_NOT_PLAIN = tuple("|>{}&*!%@`")


def split(text: str) -> tuple[Fields, str]:
    """The fields of the front matter `text` opens with, and the text without it (the
    text as it is where it opens with none)."""
    lines = text.split("\n")
    end = _yaml_end(lines)
    if end and _names_a_key(lines[1:end]):
        return _yaml_fields(lines[1:end]), "\n".join(lines[end + 1 :])
    fields, end = _title_block(lines)
    return fields, "\n".join(lines[end:])


def _yaml_end(lines: list[str]) -> int:
    """The closing line of a YAML block on the first line; 0 where there is none. Pandoc's
    rule tells it from a thematic break: no blank line straight after the opening; and
    every line up to the closing one must be YAML's, so a rule over prose is no block."""
    if len(lines) < 3 or not _OPEN.fullmatch(lines[0]) or not lines[1].strip():
        return 0
    if not _KEY_LINE.fullmatch(lines[1]):
        return 0  # a mapping's first key, not a list or a scalar: the book's metadata
    for at, line in enumerate(lines[1:], start=1):
        if _CLOSE.fullmatch(line):
            return at
        if not _is_yaml_line(line):
            return 0
    return 0


def _names_a_key(lines: list[str]) -> bool:
    """Whether a block's top-level keys hold one narrate knows: "key: text" lines with
    none are the book's words, which a YAML block would drop unsaid."""
    keys = (_KEY_LINE.fullmatch(line) for line in lines if line[:1] not in " \t-#")
    return any(key and key["key"].strip().lower() in KEYS for key in keys)


def _is_yaml_line(line: str) -> bool:
    return (
        not line.strip()
        or line[0] in " \t#"  # a value's continuation, a nested key, a comment
        or bool(_KEY_LINE.fullmatch(line) or _ITEM_LINE.fullmatch(line))
    )


def _yaml_fields(lines: list[str]) -> Fields:
    """Each top-level key's values, where they are in a form `_values` reads."""
    entries: list[tuple[str, str, list[str]]] = []  # key, its line's value, the lines under it
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyed = _KEY_LINE.fullmatch(line) if line[0] not in " \t-" else None
        if keyed:
            entries.append((keyed["key"].strip().lower(), keyed["value"] or "", []))
        elif entries:
            entries[-1][2].append(line)
    fields: Fields = {}
    for key, value, under in entries:
        found = _values(value if value.startswith(("'", '"')) else _COMMENT.sub("", value), under)
        if found is not None:
            fields[key] = found
    return fields


def _values(value: str, under: list[str]) -> list[str] | None:
    """A value as strings: a scalar (a plain one may go on over lines under it), a flow
    list, or a list of items under its key; None where it is in another form."""
    value = value.strip()
    if not value:
        return _block_list(under)
    if value.startswith("["):
        return _flow_list(value) if not under else None
    if under and value[:1] in "\"'":
        return None  # a quoted scalar over several lines: rare in the keys we read
    scalar = _scalar(" ".join([value, *(_COMMENT.sub("", ln).strip() for ln in under)]))
    return None if scalar is None else [scalar] if scalar else []


def _block_list(under: list[str]) -> list[str] | None:
    """`- item` lines; None for a nested mapping. Pandoc's ``- name: Ann`` is Ann (what an
    item holds on lines indented under it, an affiliation, is left out)."""
    if not under:
        return []
    indent = len(under[0]) - len(under[0].lstrip())
    items = []
    for line in under:
        if len(line) - len(line.lstrip()) > indent:
            continue
        item = _ITEM_LINE.fullmatch(line)
        if not item:
            return None
        scalar = _item(item["value"] or "")
        if scalar is None:
            return None
        items += [scalar] if scalar else []
    return items


def _item(value: str) -> str | None:
    """A list item's text: a scalar, or the name of a mapping that opens with one."""
    named = _KEY_LINE.fullmatch(value)
    if named:
        if named["key"] != "name":
            return None
        value = named["value"] or ""
    return _scalar(value if value.startswith(("'", '"')) else _COMMENT.sub("", value))


def _flow_list(value: str) -> list[str] | None:
    """`[a, "b, c"]`: the items at the commas outside quotes; None where a list nests or
    does not close."""
    if not value.endswith("]") or any(ch in value[1:-1] for ch in "[]{}"):
        return None
    items = [_scalar(part) for part in _commas(value[1:-1])]
    if any(item is None for item in items):
        return None
    return [item for item in items if item]


def _commas(inside: str) -> list[str]:
    """The parts of a flow list between its commas, a quoted item's commas its own (one
    pass: a long list of quotes is read in linear time)."""
    parts, start, quote, skip, begun = [], 0, "", False, False
    for at, ch in enumerate(inside):
        if skip:
            skip = False
        elif quote == '"':
            skip = ch == "\\"
            quote = "" if ch == '"' else quote
        elif quote:  # single quotes: '' is a quote inside them
            skip = ch == "'" and inside[at + 1 : at + 2] == "'"
            quote = "" if ch == "'" and not skip else quote
        elif ch == ",":
            parts.append(inside[start:at])
            start, begun = at + 1, False
        elif not ch.isspace():
            quote = ch if ch in "\"'" and not begun else ""
            begun = True
    return [*parts, inside[start:]]


def _scalar(value: str) -> str | None:
    """A scalar's text: quotes taken off (and a comment after them), a null nothing; None
    for what is not a scalar read here. A control character is a space: a NUL, which a
    YAML escape ("\\u0000") writes where the file itself may hold none, would cut a tag
    short in FFmpeg, and an escape sequence would reach a terminal."""
    text = _read_scalar(value.strip())
    return text if text is None else " ".join(_CONTROLS.sub(" ", text).split())


def _read_scalar(value: str) -> str | None:
    if value.startswith('"'):
        quoted = _DOUBLE_QUOTED.match(value)
        if not quoted or not _only_comment(value[quoted.end() :]):
            return None
        try:  # YAML's escapes are JSON's and a few more, which are not read
            text: str = json.loads(quoted[0])
        except ValueError:
            return None
        return text.strip()
    if value.startswith("'"):
        quoted = _SINGLE_QUOTED.match(value)
        if not quoted or not _only_comment(value[quoted.end() :]):
            return None
        return quoted[1].replace("''", "'").strip()
    if value.startswith(_NOT_PLAIN) or value.startswith(("- ", "? ", ": ")):
        return None
    return "" if value in _NULLS else " ".join(value.split())


def _only_comment(rest: str) -> bool:
    """Whether what follows a quoted scalar on its line is nothing, or a comment."""
    return not rest.strip() or (rest[:1] in " \t" and rest.lstrip().startswith("#"))


def _title_block(lines: list[str]) -> tuple[Fields, int]:
    """A Pandoc title block's title, authors and date, and the line after it (0: none).
    An empty `%` line leaves its field out ("%" then "% Ann Example": authors only)."""
    parts: list[list[str]] = []
    at = 0
    while at < len(lines) and len(parts) < 3 and lines[at].startswith("%"):
        field = [lines[at][1:].strip()]
        at += 1
        while at < len(lines) and lines[at][:1] in (" ", "\t") and lines[at].strip():
            field.append(lines[at].strip())
            at += 1
        parts.append([part for part in field if part])
    names = ("title", "author", "date")
    fields = {name: part for name, part in zip(names, parts, strict=False) if part}
    if "author" in fields:
        fields["author"] = [n.strip() for a in fields["author"] for n in a.split(";") if n.strip()]
    for name in ("title", "date"):
        if name in fields:
            fields[name] = [" ".join(fields[name])]
    return fields, at
