"""ZIP containers and the XML inside them, read as hostile input."""

import io
import zipfile

import pytest

from config.errors import ManuscriptError
from producer.readers import archive
from producer.readers.archive import Archive, parse_xml


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_member_is_read_by_name() -> None:
    book = Archive(zipped({"a/b.txt": b"hello"}), "b.epub", "EPUB")
    assert book.has("a/b.txt") and not book.has("a/c.txt")
    assert book.read("a/b.txt") == b"hello"


def test_a_missing_member_is_named_in_the_error() -> None:
    book = Archive(zipped({"a.txt": b"x"}), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match=r"b\.epub: 'nope\.xhtml' is missing"):
        book.read("nope.xhtml")


def test_bytes_that_are_not_a_zip_are_refused() -> None:
    with pytest.raises(ManuscriptError, match=r"b\.epub: not a readable EPUB"):
        Archive(b"<html>not a zip</html>", "b.epub", "EPUB")


def test_a_truncated_zip_is_refused() -> None:
    data = zipped({"a.txt": b"some text " * 1000})
    with pytest.raises(ManuscriptError, match="not a readable EPUB"):
        Archive(data[: len(data) // 2], "b.epub", "EPUB")


def test_a_member_cut_short_is_refused_when_read() -> None:
    data = bytearray(zipped({"a.txt": b"some text " * 1000}, zipfile.ZIP_STORED))
    data[100:200] = b"\x00" * 100  # the central directory is intact; the data is not
    book = Archive(bytes(data), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match=r"a\.txt is corrupt"):
        book.read("a.txt")


def test_a_zip_bomb_is_refused_before_anything_is_inflated() -> None:
    """Given one member of 600 MB of zeros (under 3 MB compressed), opening refuses it."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("bomb.xhtml", "w", force_zip64=True) as member,
    ):
        for _ in range(600 // 16):
            member.write(bytes(16 << 20))
    with pytest.raises(ManuscriptError, match=r"expands to 6\d+ bytes; refusing"):
        Archive(buf.getvalue(), "b.epub", "EPUB")


def test_a_member_compressed_beyond_the_ratio_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "MAX_RATIO", 10)
    book = Archive(zipped({"zeros.xhtml": bytes(2 << 20)}), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match=r"zeros\.xhtml is compressed 10x"):
        book.read("zeros.xhtml")


def test_a_bomb_is_refused_as_it_inflates_not_after() -> None:
    """32 MB of zeros in one member (~32 KB compressed): refused once a megabyte is out,
    its memory never near the member's size."""
    import tracemalloc

    book = Archive(zipped({"zeros.xhtml": bytes(32 << 20)}), "b.epub", "EPUB")
    tracemalloc.start()
    with pytest.raises(ManuscriptError, match=r"zeros\.xhtml is compressed 200x"):
        book.read("zeros.xhtml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20, peak


def test_a_compression_zipfile_cannot_read_is_refused_in_one_line() -> None:
    """Deflate64 (method 9), which zipfile does not implement, is refused, not a crash."""
    data = bytearray(zipped({"a.xhtml": b"<p>Hi.</p>"}, zipfile.ZIP_STORED))
    for header, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        where = data.find(header) + at
        data[where : where + 2] = (9).to_bytes(2, "little")
    book = Archive(bytes(data), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match=r"a\.xhtml cannot be read \(.*compression"):
        book.read("a.xhtml")


def test_members_read_together_count_against_one_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "MAX_EXPANDED_BYTES", 3000)
    book = Archive(zipped({"a": b"x" * 2000, "b": b"y" * 900}), "b.epub", "EPUB")
    book.read("a")
    book.read("b")
    with pytest.raises(ManuscriptError, match="expands past"):
        book.read("a")  # 4900 bytes inflated in all


def test_too_many_entries_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES", 50)
    data = zipped({f"f{i}.txt": b"" for i in range(51)})
    with pytest.raises(ManuscriptError, match="51 entries"):
        Archive(data, "b.epub", "EPUB")


@pytest.mark.parametrize(
    ("base", "href", "member"),
    [
        ("OEBPS/content.opf", "text/ch1.xhtml", "OEBPS/text/ch1.xhtml"),
        ("OEBPS/text/ch1.xhtml", "../images/a%20b.png", "OEBPS/images/a b.png"),
        ("OEBPS/text/ch1.xhtml", "#note-1", "OEBPS/text/ch1.xhtml"),
        ("content.opf", "ch1.xhtml#start", "ch1.xhtml"),
    ],
)
def test_hrefs_resolve_against_the_member_they_are_in(base: str, href: str, member: str) -> None:
    book = Archive(zipped({"x": b""}), "b.epub", "EPUB")
    assert book.resolve(base, href) == member


@pytest.mark.parametrize("href", ["../../etc/passwd", "/etc/passwd", "text/../../../b.xhtml"])
def test_an_href_escaping_the_archive_is_refused(href: str) -> None:
    book = Archive(zipped({"x": b""}), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match="points outside the book"):
        book.resolve("OEBPS/content.opf", href)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz a="&lol3;">&lol3;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<html><body><p>&x;</p></body></html>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"<?xml version='1.0'?>\n<!--" + b" " * 10_000 + b"-->" + EXTERNAL_ENTITY[21:],
        b"<?xml version='1.0'?><!-- <a> --><!DOCTYPE x [<!ENTITY e 'e'>]><x>&e;</x>",
        EXTERNAL_ENTITY.replace(b'"1.0"', b'"1.0" encoding="UTF-16"').decode().encode("utf-16"),
        EXTERNAL_ENTITY.replace(b'"1.0"', b'"1.0" encoding="UTF-32"').decode().encode("utf-32"),
        EXTERNAL_ENTITY[22:].decode().encode("utf-32-le"),
    ],
    ids=[
        "billion-laughs",
        "external",
        "after-a-long-comment",
        "after-a-tag-in-a-comment",
        "utf16",
        "utf32",
        "utf32-without-a-mark",
    ],
)
def test_xml_declaring_entities_is_refused_never_resolved(data: bytes) -> None:
    with pytest.raises(ManuscriptError, match=r"c\.xhtml: declares XML entities; refusing"):
        parse_xml(data, "c.xhtml")


def test_xhtml_named_entities_become_characters_without_a_dtd() -> None:
    """Given EPUB 2 XHTML using &nbsp; and &mdash; (defined only in the unloaded DTD)."""
    doctype = (
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        b'"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
    )
    for prolog in (doctype, b""):
        root = parse_xml(prolog + b"<p>a&nbsp;b&mdash;c &amp; d&#233;</p>", "c.xhtml")
        assert root.text == "a\u00a0b\u2014c & d\u00e9"


def test_an_unknown_entity_is_not_well_formed() -> None:
    with pytest.raises(ManuscriptError, match=r"c\.xhtml: not well-formed XML"):
        parse_xml(b"<p>&bogus;</p>", "c.xhtml")


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-32"])
def test_utf16_and_utf32_xml_is_read(encoding: str) -> None:
    data = f'<?xml version="1.0" encoding="{encoding}"?><p>caf\u00e9</p>'.encode(encoding)
    assert parse_xml(data, "c.xhtml").text == "caf\u00e9"


def _spoiled(compression: int, at: int) -> bytes:
    """A ZIP of one member whose compressed bytes from `at` on are 0x07 (a deflate block
    of the reserved type, LZMA's range coder out of its range): its directory and sizes
    are intact, so only inflating it finds the damage."""
    data = bytearray(zipped({"a.txt": b"some text to read " * 400}, compression))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    start = 30 + len(info.filename) + int.from_bytes(data[28:30], "little")  # past its header
    data[start + at : start + info.compress_size] = b"\x07" * (info.compress_size - at)
    return bytes(data)


@pytest.mark.parametrize(
    ("compression", "at"),
    [(zipfile.ZIP_DEFLATED, 0), (zipfile.ZIP_LZMA, 9)],
    ids=["deflate", "lzma"],
)
def test_a_member_whose_compressed_bytes_are_spoiled_is_refused_when_read(
    compression: int, at: int
) -> None:
    """zlib's and lzma's own errors are neither zipfile's nor OSError: a book with such a
    member ended `narrate inspect` and `synth` in a traceback."""
    book = Archive(_spoiled(compression, at), "b.epub", "EPUB")
    with pytest.raises(ManuscriptError, match=r"b\.epub: a\.txt is corrupt"):
        book.read("a.txt")
