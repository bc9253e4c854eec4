"""An EPUB's navigation: its table of contents and its landmarks.

The table of contents comes from the EPUB 3 navigation document (``<nav epub:type="toc">``)
or, in an EPUB 2 book (or one whose nav lists nothing), from the NCX's navMap: every entry
in order, each knowing the entry it is nested in. Landmarks (EPUB 3) and the guide (EPUB 2)
say which file is the cover, the title page, the colophon.
"""

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from producer.readers import markup, matter
from producer.readers.archive import Archive, elements, parse_xml, text_of
from producer.readers.opf import Item, Package, key

log = logging.getLogger(__name__)

_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # http:, mailto:, ...


@dataclass(frozen=True, eq=False)
class Entry:
    """A table-of-contents entry: where a section starts, and its label. Equal only to
    itself: a key by identity, not by a hash of every entry it is nested in (which made
    each look-up as slow as the entry is deep)."""

    path: str
    fragment: str
    label: str
    parent: "Entry | None" = None  # the entry this one is nested in


@dataclass
class Navigation:
    toc: list[Entry] = field(default_factory=list)
    landmarks: dict[str, str] = field(default_factory=dict)  # "path#fragment" or "path": kind


def read_navigation(archive: Archive, package: Package) -> Navigation:
    """The table of contents and landmarks; empty where the book has none."""
    navigation = Navigation(landmarks=dict(package.guide))
    if package.nav is not None:
        root = _parsed(archive, package.nav)
        if root is not None:
            navigation.toc = _nav_entries(archive, package.nav.path, _nav(root, "toc"))
            navigation.landmarks.update(_landmarks(archive, package.nav.path, root))
    if not navigation.toc and package.ncx is not None:
        root = _parsed(archive, package.ncx)
        navigation.toc = _ncx_entries(archive, package.ncx.path, root) if root is not None else []
    return navigation


def _parsed(archive: Archive, item: Item) -> Any:
    """A navigation file's root, or None if it is missing (the spine still gives the
    reading order)."""
    if not archive.has(item.path):
        log.warning("%s: navigation file %s is missing", archive.source, item.path)
        return None
    return parse_xml(archive.read(item.path), f"{archive.source}: {item.path}")


def _nav(root: Any, kind: str) -> Any:
    return next((n for n in elements(root, "nav") if kind in markup.semantics(n)), None)


def _nav_entries(archive: Archive, base: str, nav: Any) -> list[Entry]:
    """The nav's <li> entries: a link (or an unlinked label, which only groups)."""
    found: dict[Any, Entry] = {}
    for item in elements(nav, "li") if nav is not None else []:
        link = next((c for c in item if markup.tag_of(c) == "a"), None)
        if link is not None:
            _add(archive, base, found, item, link.get("href"), text_of(link))
    return list(found.values())


def _ncx_entries(archive: Archive, base: str, root: Any) -> list[Entry]:
    found: dict[Any, Entry] = {}
    for point in elements(root, "navPoint"):
        content = _first(point, "content")
        label = _first(point, "text")
        href = content.get("src") if content is not None else None
        _add(archive, base, found, point, href, text_of(label) if label is not None else "")
    return list(found.values())


def _first(el: Any, name: str) -> Any:
    """The first element called `name` (in any namespace or none) at or under `el`, or None;
    found lazily: a list of the whole subtree, for each navPoint, made a deep NCX quadratic."""
    return next(el.iter(f"{{*}}{name}"), None)


def _add(
    archive: Archive, base: str, found: dict[Any, Entry], el: Any, href: str | None, label: str
) -> None:
    """Records the entry of element `el` (a <li> or navPoint), nested in the nearest
    enclosing one already found; an external link or one without href is not an entry."""
    if not href or _EXTERNAL.match(href):
        return
    parent = next((found[a] for a in el.iterancestors() if a in found), None)
    found[el] = Entry(archive.resolve(base, href), href.partition("#")[2], label, parent)


def _landmarks(archive: Archive, base: str, root: Any) -> dict[str, str]:
    found = {}
    nav = _nav(root, "landmarks")
    for link in elements(nav, "a") if nav is not None else []:
        kind = matter.first_kind(markup.semantics(link))
        if kind and link.get("href"):
            found[key(archive, base, link.get("href"))] = kind
    return found
