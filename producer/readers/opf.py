"""The EPUB package document (OPF): found through META-INF/container.xml, it declares the
book's metadata, its files (manifest), their reading order (spine), the EPUB 2 guide and
the cover image. Every href is resolved to a member of the archive here, once.
"""

from dataclasses import dataclass, field
from typing import Any

from config.errors import ManuscriptError
from config.manuscript import Metadata
from producer.readers import matter, published
from producer.readers.archive import Archive, elements, parse_xml, text_of

CONTAINER = "META-INF/container.xml"
_OPF_NS = "{http://www.idpf.org/2007/opf}"
_PACKAGE_TYPE = "application/oebps-package+xml"
# The metadata that says whose e-text a package is (gutenberg.org, Standard Ebooks).
_NAMING = ("identifier", "source", "publisher")


@dataclass(frozen=True)
class Item:
    """A file the manifest declares."""

    id: str
    path: str  # the archive member
    media_type: str
    properties: frozenset[str] = frozenset()


@dataclass
class Package:
    path: str  # of the package document itself
    metadata: Metadata
    manifest: dict[str, Item]  # by id
    spine: list[Item]  # reading order
    nonlinear: set[str] = field(default_factory=set)  # paths of spine items off the main flow
    ncx: Item | None = None  # the EPUB 2 table of contents
    nav: Item | None = None  # the EPUB 3 navigation document
    guide: dict[str, str] = field(default_factory=dict)  # "path#fragment" or "path": kind
    cover: Item | None = None


def read_package(archive: Archive) -> Package:
    """The package document the container names; raises ManuscriptError if it is missing
    or names files that are not there."""
    path = _package_path(archive)
    if not archive.has(path):
        raise ManuscriptError(f"{archive.source}: the package document {path} is missing")
    root = parse_xml(archive.read(path), f"{archive.source}: {path}")
    manifest = {item.id: item for item in _manifest(archive, path, root)}
    spine, nonlinear, toc_id = _spine(archive, root, manifest)
    return Package(
        path=path,
        metadata=_metadata(root),
        manifest=manifest,
        spine=spine,
        nonlinear=nonlinear,
        ncx=manifest.get(toc_id) or _with_media_type(manifest, "application/x-dtbncx+xml"),
        nav=next((i for i in manifest.values() if "nav" in i.properties), None),
        guide=_guide(archive, path, root),
        cover=_cover(root, manifest),
    )


def key(archive: Archive, base: str, href: str) -> str:
    """How a place in the book is named: "member#fragment", or "member" for a whole file."""
    fragment = href.partition("#")[2]
    path = archive.resolve(base, href)
    return f"{path}#{fragment}" if fragment else path


def _package_path(archive: Archive) -> str:
    if not archive.has(CONTAINER):
        raise ManuscriptError(f"{archive.source}: no {CONTAINER}; not an EPUB")
    root = parse_xml(archive.read(CONTAINER), f"{archive.source}: {CONTAINER}")
    rootfiles = [r for r in elements(root, "rootfile") if r.get("full-path")]
    if not rootfiles:
        raise ManuscriptError(f"{archive.source}: {CONTAINER} names no package document")
    chosen = next((r for r in rootfiles if r.get("media-type") == _PACKAGE_TYPE), rootfiles[0])
    full_path = chosen.get("full-path")
    try:
        return archive.resolve("", full_path)
    except ManuscriptError:
        # resolve() names the member an href is in; a full-path is in none (it is relative
        # to the root of the archive), so its message would name no file.
        raise ManuscriptError(
            f"{archive.source}: {CONTAINER} names a package document outside the book "
            f"({full_path!r})"
        ) from None


def _manifest(archive: Archive, base: str, root: Any) -> list[Item]:
    return [
        Item(
            id=item.get("id", ""),
            path=archive.resolve(base, item.get("href", "")),
            media_type=item.get("media-type", ""),
            properties=frozenset((item.get("properties") or "").split()),
        )
        for item in elements(root, "item")
        if item.get("href")
    ]


def _spine(
    archive: Archive, root: Any, manifest: dict[str, Item]
) -> tuple[list[Item], set[str], str]:
    """The reading order, the paths off the main flow (linear="no"), the NCX's id."""
    spine = next(iter(elements(root, "spine")), None)
    refs = elements(spine, "itemref") if spine is not None else []
    if not refs:
        raise ManuscriptError(f"{archive.source}: the package lists no spine (reading order)")
    for ref in refs:
        if not ref.get("idref"):
            raise ManuscriptError(
                f"{archive.source}: an itemref in the spine names no manifest item (no idref)"
            )
        if ref.get("idref") not in manifest:
            raise ManuscriptError(
                f"{archive.source}: the spine names {ref.get('idref')!r}, "
                "which the manifest does not list"
            )
    items = [manifest[ref.get("idref")] for ref in refs]
    nonlinear = {manifest[r.get("idref")].path for r in refs if r.get("linear") == "no"}
    return items, nonlinear, spine.get("toc", "") if spine is not None else ""


def _with_media_type(manifest: dict[str, Item], media_type: str) -> Item | None:
    return next((i for i in manifest.values() if i.media_type == media_type), None)


def _guide(archive: Archive, base: str, root: Any) -> dict[str, str]:
    """EPUB 2's guide: which file is the cover, the title page, the colophon, ..."""
    found = {}
    for ref in elements(root, "reference"):
        kind = matter.kind_of(ref.get("type", ""))
        if kind and ref.get("href"):
            found[key(archive, base, ref.get("href"))] = kind
    return found


def _metadata(root: Any) -> Metadata:
    return Metadata(
        title=_first(root, "title"),
        authors=_authors(root),
        language=_first(root, "language"),
        publisher=_first(root, "publisher"),
        date=_date(root),
    )


def _first(root: Any, name: str) -> str:
    return next((text_of(el) for el in elements(root, name) if text_of(el)), "")


def _authors(root: Any) -> list[str]:
    """The creators whose role is author (EPUB 2 opf:role, EPUB 3 a refining meta); all
    creators where none says."""
    creators = [c for c in elements(root, "creator") if text_of(c)]
    authors = [c for c in creators if "aut" in _roles(root, c)]
    return [text_of(c) for c in authors or creators]


def _roles(root: Any, creator: Any) -> set[str]:
    roles = {creator.get(f"{_OPF_NS}role") or creator.get("role") or ""}
    ref = f"#{creator.get('id')}"
    for meta in elements(root, "meta"):
        if meta.get("refines") == ref and meta.get("property") == "role":
            roles.add(text_of(meta))
    return roles


def _date(root: Any) -> str:
    """The book's date (`published.package_date`): the dates with their EPUB 2 events, read
    knowing whether the package is an e-text archive's."""
    dates = [(d.get(f"{_OPF_NS}event") or "", text_of(d)) for d in elements(root, "date")]
    names = [text_of(el) for name in _NAMING for el in elements(root, name)]
    return published.package_date([d for d in dates if d[1]], published.is_archive_etext(names))


def _cover(root: Any, manifest: dict[str, Item]) -> Item | None:
    """EPUB 3's cover-image item, else the item EPUB 2's <meta name="cover"> names (by id;
    some books give its href instead)."""
    for item in manifest.values():
        if "cover-image" in item.properties:
            return item
    meta = next((m for m in elements(root, "meta") if m.get("name") == "cover"), None)
    wanted = meta.get("content", "") if meta is not None else ""
    if not wanted:
        return None
    by_href = (i for i in manifest.values() if i.path.endswith(wanted))
    return manifest.get(wanted) or next(by_href, None)
