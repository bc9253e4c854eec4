"""Delivery formats: a chapter's WAV master as MP3 (ACX), Opus or FLAC, and the book as M4B.

The one place that maps a format's name to its writer: MP3 is the ACX master
(worker/mastering.py), cut into parts at paragraph breaks where a chapter passes ACX's 120
minutes; Opus and FLAC are plain encodings. The M4B holds the whole book and is written once
per job after the last chapter, from each chapter's AAC encoded with its other formats (or
from the chapter WAVs, where a chapter has none). Every writer gives the same bytes for
the same input, so a redelivered task writes what is already there.
"""

import base64
import itertools
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from config.errors import FormatError
from config.layout import (
    BOOK_KEY,
    SAMPLE_KEY,
    book_piece_key,
    chapter_file_key,
    chapter_key,
)
from config.manifest import AcxReport, BookFile, ChapterEntry, ChapterTime
from config.manuscript import Chapter, Manuscript, Metadata
from config.settings import AcxSettings, BreakClass, SynthesisOptions, get_settings
from worker.audio import ChapterAudio
from worker.encode import FORMATS, Tags, write_flac, write_opus
from worker.joined import encoder_threads
from worker.m4b import mux_m4b, write_m4b, write_piece
from worker.mastering import split_points, write_acx_mp3
from worker.storage import Storage
from worker.timelines import store_book_captions

Span = tuple[float, float]
_DATA_URI = re.compile(rb"data:image/(jpeg|png);base64,([A-Za-z0-9+/=\s]+)")


def _copy(wav: Path, out: Path, tags: Tags) -> None:
    shutil.copyfile(wav, out)  # the WAV is the deliverable; it carries no tags


_WRITERS: dict[str, Callable[[Path, Path, Tags], AcxReport | None]] = {
    "wav": _copy,
    "mp3": write_acx_mp3,
    "opus": write_opus,
    "flac": write_flac,
}


def write_chapter(wav: Path, out: Path, fmt: str, tags: Tags) -> AcxReport | None:
    """Write the chapter WAV as fmt at out; for MP3, returns the file's ACX report."""
    if fmt not in FORMATS:
        raise FormatError(f"unknown audio format {fmt!r}; known formats: {', '.join(FORMATS)}")
    if FORMATS[fmt].per_book:
        raise FormatError(f"{fmt} holds the whole book: it is written once, not per chapter")
    return _WRITERS[fmt](wav, out, tags)


# The most an M4B marker's title holds: FFmpeg writes a QuickTime chapter sample's text
# length in 16 bits (a longer title's length modulo 65,536: the marker read back cut short,
# and `narrate verify` failing the book). A heading or a front matter title may be longer.
MARKER_TITLE_BYTES = 65_535


@dataclass(frozen=True)
class Delivery:
    """What a job delivers beside its WAVs, and what the files say about the book."""

    formats: tuple[str, ...]
    metadata: Metadata
    narrator: str
    sample_minutes: float = 0.0
    sample_chapter: int = -1  # the chapter the retail sample is taken from
    titles: tuple[str, ...] = ()  # each chapter's, by index, as its tags say it (`tag_titles`)

    @classmethod
    def of(cls, manuscript: Manuscript, options: SynthesisOptions) -> "Delivery":
        """The narrator the files name is the one the credits name (`NARRATE_NARRATOR`),
        not the voice's own name."""
        first = next((c.index for c in manuscript.chapters if c.kind == "chapter"), 0)
        narrator = get_settings().narrator
        formats, minutes = tuple(options.formats), options.sample_minutes
        titles = tag_titles(manuscript)
        return cls(formats, manuscript.metadata, narrator, minutes, first, titles)

    def title(self, index: int, title: str) -> str:
        """A chapter's title in its MP3's tags and its M4B marker, cut between two
        characters where a marker cannot hold it (`MARKER_TITLE_BYTES`)."""
        title = title or (self.titles[index] if index < len(self.titles) else "")
        return title.encode()[:MARKER_TITLE_BYTES].decode(errors="ignore")

    def encodes(self) -> bool:
        """Whether a chapter is encoded beyond its WAV (a format, its piece of the book, or
        the retail sample)."""
        return bool(self.per_chapter() or self.per_book() or self.sample_minutes)

    def per_book(self) -> bool:
        return any(FORMATS[f].per_book for f in self.formats)

    def per_chapter(self) -> list[str]:
        return [f for f in self.formats if f != "wav" and not FORMATS[f].per_book]


_KIND_TITLES = {
    "titlepage": "Title page",
    "halftitlepage": "Half title",
    "copyright-page": "Copyright",
    "toc": "Contents",
    "loi": "List of illustrations",
    "lot": "List of tables",
    "endnotes": "Notes",
    "rearnotes": "Notes",
    "footnotes": "Notes",
}


def tag_titles(manuscript: Manuscript) -> tuple[str, ...]:
    """Each chapter's title as players list it: its own, or for an untitled one (the text
    before a Markdown book's first heading, an EPUB section without a heading) one for its
    tags and M4B marker only, never said. Without it a player lists the MP3 by its file
    name ("003") and the marker as a blank or a bare number.

    A section of another kind is named by its kind ("Dedication", "Prologue"). An untitled
    chapter is "Chapter N", N its place among the book's chapters (credits, a preface or a
    dedication before it not counted), as a reader counts them; but where the opening
    chapter is the book's only untitled one, it is the book's title ("Opening" in a book
    without one): it stands under that title before the first heading (or is the whole
    book), and "Chapter 1" would name it as the chapter the first heading opens. A name
    another chapter has for its own title is never given twice (`_unclaimed`).
    """
    body = [c for c in manuscript.chapters if c.kind == "chapter"]
    place = {c.index: n for n, c in enumerate(body, start=1)}
    untitled = [c for c in body if not c.title]
    taken = {c.title.casefold() for c in manuscript.chapters if c.title}
    opening = ""
    if len(untitled) == 1 and untitled[0] is body[0]:
        # A book without a title, one chapter alone: its "Chapter 1" is no other's.
        names = [manuscript.title, _OPENING if len(body) > 1 else ""]
        opening = next((n for n in names if n and n.casefold() not in taken), names[0])
    return tuple(
        c.title or _unclaimed(_tag_title(c, place.get(c.index, 0), opening), taken)
        for c in manuscript.chapters
    )


_OPENING = "Opening"  # the untitled text before a book's first heading, the book untitled


def _tag_title(chapter: Chapter, place: int, opening: str) -> str:
    """One chapter's title for its tags: `place` is its place among the book's chapters,
    `opening` the name of its opening where that is the one untitled chapter."""
    if chapter.title:
        return chapter.title
    if chapter.kind != "chapter":
        kind = chapter.kind.replace("-", " ")
        return _KIND_TITLES.get(chapter.kind, kind[:1].upper() + kind[1:])
    return opening if opening and place == 1 else f"Chapter {place}"


def _unclaimed(name: str, taken: set[str]) -> str:
    """`name`, or with a number after it where a chapter has it for its own title (case
    aside): an untitled chapter named "Chapter 1" beside a heading "Chapter 1" would be two
    of one name in a player's list, a marker that seems to repeat."""
    n = 2
    found = name
    while found.casefold() in taken:
        found, n = f"{name} ({n})", n + 1
    return found


@dataclass
class Delivered:
    """A chapter's delivery as its manifest entry records it."""

    files: dict[str, list[str]]
    acx: list[AcxReport]
    checksums: dict[str, str] = field(default_factory=dict)  # by key, as `narrate verify` reads


PIECE = "piece"  # an Encoding's format: the chapter's AAC piece of the M4B


@dataclass(frozen=True)
class Encoding:
    """One file a chapter's delivery makes from its WAV: a format's file (or MP3 part), the
    retail sample, or the chapter's AAC piece of the M4B. Each is a task of its own, so a
    long chapter's files are encoded side by side."""

    fmt: str
    key: str
    span: Span | None = None


def encodings(
    delivery: Delivery, audio: ChapterAudio, breaks: Sequence[BreakClass], index: int
) -> list[Encoding]:
    """What a chapter's delivery encodes, the longest first."""
    found = []
    for fmt in delivery.per_chapter():
        spans = mp3_parts(audio, breaks) if fmt == "mp3" else [None]
        for part, span in enumerate(spans, start=1 if len(spans) > 1 else 0):
            found.append(Encoding(fmt, chapter_file_key(index, FORMATS[fmt].extension, part), span))
    if delivery.per_book():  # the book's AAC, encoded now rather than after the last chapter
        found.append(Encoding(PIECE, book_piece_key(index, audio.sha256)))
    if delivery.sample_minutes and index == delivery.sample_chapter:
        span = (0.0, sample_end(audio, delivery.sample_minutes * 60))
        found.append(Encoding("mp3", SAMPLE_KEY, span))
    return found


def mp3_files(encoded: Sequence[Encoding]) -> list[tuple[str, Span | None]]:
    """The chapter's MP3 files among its encodings (not the retail sample): each key and
    the span of the WAV it holds (None: the whole), for `worker.timelines`."""
    return [(e.key, e.span) for e in encoded if e.fmt == "mp3" and e.key != SAMPLE_KEY]


@dataclass(frozen=True)
class Encoded:
    """One file of a chapter's delivery as stored: its sha256, and an MP3's ACX report."""

    sha256: str
    report: AcxReport | None = None


def encode(
    delivery: Delivery, storage: Storage, wav: Path, encoding: Encoding, chapter: tuple[int, str]
) -> Encoded:
    """Make and store one file of a chapter's delivery."""
    if encoding.fmt == PIECE:
        piece = wav.with_name(f"{wav.stem}-book.m4a")
        try:
            write_piece(wav, piece, threads=_encoders_per_file())
            return Encoded(storage.put_file(encoding.key, piece))
        finally:
            piece.unlink(missing_ok=True)
    index, title = chapter
    tags = Tags.for_chapter(delivery.metadata, delivery.title(index, title), index + 1)
    return _store(storage, wav, encoding.key, encoding.fmt, tags, encoding.span)


def delivered(index: int, done: Sequence[Encoding], made: Sequence[Encoded]) -> Delivered:
    """The chapter's files by format, their ACX reports and checksums, for its manifest
    entry. The M4B piece is the book's, muxed into it and removed; the retail sample is the
    book's too, but cut from this chapter: its checksum is recorded here, with the files
    made beside it."""
    files = Delivered({"wav": [chapter_key(index)]}, [])
    for encoding, encoded in zip(done, made, strict=True):
        if encoding.fmt == PIECE:
            continue
        files.checksums[encoding.key] = encoded.sha256
        if encoding.key != SAMPLE_KEY:
            files.files.setdefault(encoding.fmt, []).append(encoding.key)
            files.acx += [encoded.report] if encoded.report else []
    return files


def deliver_chapter(
    delivery: Delivery,
    storage: Storage,
    wav: Path,
    audio: ChapterAudio,
    breaks: Sequence[BreakClass],
    chapter: tuple[int, str],
) -> Delivered:
    """Encode a chapter's WAV (still in scratch) in every per-chapter format and store it,
    one file after another."""
    todo = encodings(delivery, audio, breaks, chapter[0])
    made = [encode(delivery, storage, wav, encoding, chapter) for encoding in todo]
    return delivered(chapter[0], todo, made)


def _encoders_per_file() -> int:
    """How many stretches of one file this process encodes at once (`worker.joined`)."""
    return encoder_threads(get_settings().delivery_workers)


def _store(
    storage: Storage, wav: Path, key: str, fmt: str, tags: Tags, span: Span | None
) -> Encoded:
    out = wav.with_name(f"{wav.stem}-{key.replace('/', '-')}")
    try:
        if fmt == "mp3":
            threads = _encoders_per_file()
            report: AcxReport | None = write_acx_mp3(wav, out, tags, span=span, threads=threads)
        else:
            report = write_chapter(wav, out, fmt, tags)
        return Encoded(storage.put_file(key, out), report)
    finally:
        out.unlink(missing_ok=True)


def mp3_parts(audio: ChapterAudio, breaks: Sequence[BreakClass]) -> list[Span | None]:
    """The whole chapter, or its parts of at most 120 minutes cut at paragraph breaks."""
    starts = [t.start_s for t in audio.timings[1:]] + [audio.duration_s]
    cuts = split_points(starts, breaks)
    if not cuts:
        return [None]
    bounds = [0.0, *(starts[c] for c in cuts), audio.duration_s]
    return list(itertools.pairwise(bounds))


def sample_end(audio: ChapterAudio, seconds: float, acx: AcxSettings | None = None) -> float:
    """Where a retail sample of at most `seconds` ends: after the last sentence that fits
    once mastered for ACX, which sets the room tone before its first word and after its last
    (ACX takes a sample of five minutes or less). The first sentence at least, if none fits:
    cut before it, a sample was room tone alone."""
    acx = acx or AcxSettings()
    if not audio.timings:
        return min(seconds, audio.duration_s)
    budget = audio.timings[0].start_s + seconds - acx.head_s - acx.tail_s  # the last word's
    fitting = [t.end_s for t in audio.timings if t.end_s <= budget] or [audio.timings[0].end_s]
    return min(fitting[-1] + 0.5, audio.duration_s)


def deliver_book(
    delivery: Delivery, storage: Storage, entries: Sequence[ChapterEntry], scratch: Path
) -> BookFile | None:
    """The M4B of the whole book, if the job asks for one."""
    if not delivery.per_book() or not entries:
        return None
    with tempfile.TemporaryDirectory(dir=scratch) as work:  # jobs share a scratch directory
        out = Path(work) / "book.m4b"
        keys = [book_piece_key(entry.index, entry.sha256) for entry in entries]
        titles = [delivery.title(entry.index, entry.title) for entry in entries]
        cover, cover_type = _cover(storage, delivery.metadata)
        metadata, narrator = delivery.metadata, delivery.narrator
        # Every chapter's piece, or none: a chapter kept from a run that made none (or
        # assembled again since) is encoded here with the others.
        if all(storage.exists(key) for key in keys):
            pieces = [storage.local_file(key, Path(work)) for key in keys]
            lengths = [entry.duration_s for entry in entries]
            book = list(zip(pieces, titles, lengths, strict=True))
            spans = mux_m4b(book, out, metadata, narrator, cover, cover_type)
        else:
            wavs = [storage.local_file(entry.audio_key, Path(work)) for entry in entries]
            chapters = list(zip(wavs, titles, strict=True))
            spans = write_m4b(chapters, out, metadata, narrator, cover, cover_type)
        sha256 = storage.put_file(BOOK_KEY, out)
    times = [  # the markers' titles, which `narrate verify` reads back
        ChapterTime(title=title, start_s=s, end_s=t)
        for title, (s, t) in zip(titles, spans, strict=True)
    ]
    captions = store_book_captions(storage, BOOK_KEY, entries, [s for s, _ in spans])
    return BookFile(key=BOOK_KEY, chapters=times, captions=captions, sha256=sha256)


def _cover(storage: Storage, metadata: Metadata) -> tuple[bytes | None, str | None]:
    """The book's cover as a player shows it: JPEG or PNG, or the picture an SVG cover
    holds (as Standard Ebooks' covers do: their artwork, titled in vector paths on top)."""
    key = metadata.cover_key
    if not key or not storage.exists(key):
        return None, None
    data = storage.get_bytes(key)
    if key.endswith(".svg"):
        return embedded_picture(data)
    return data, "image/png" if key.endswith(".png") else "image/jpeg"


def embedded_picture(svg: bytes) -> tuple[bytes | None, str | None]:
    """The largest JPEG or PNG embedded in an SVG as a data URI, if any."""
    found = [(m.group(1).decode(), m.group(2)) for m in _DATA_URI.finditer(svg)]
    if not found:
        return None, None
    kind, encoded = max(found, key=lambda item: len(item[1]))
    try:
        return base64.b64decode(encoded, validate=False), f"image/{kind}"
    except ValueError:
        return None, None
