"""The whole book as one M4B audiobook: AAC, chapter markers, cover, tags, moov up front.

Chapters are encoded one after another into one AAC stream (bounded memory for a book of
any length). A marker sits at each chapter's first sample: the starts are the running sum of
the chapter WAVs' durations, as the manifest's durations add up. FFmpeg's mp4 muxer writes
them twice, as a QuickTime chapter track (Apple's players) and a Nero `chpl` atom (most
others); the cover goes in as an attached picture (the `covr` atom), and `faststart` moves
the index before the audio so that players can start before the whole file is read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from config.errors import FormatError
from config.manuscript import Metadata, book_year
from models.extras import Lazy
from worker.encode import AudioEncoder, read_blocks, resampled, wav_info, wav_rate, written
from worker.joined import Coder, Pcm, write_joined_file

# PyAV is the audiobook extra's: imported on first use.
if TYPE_CHECKING:
    import av
    from av.audio.stream import AudioStream
    from av.container import InputContainer, OutputContainer
    from av.container.core import Chapter  # a TypedDict of PyAV's stubs only
else:
    av = Lazy("av", "audiobook", "the M4B")

Span = tuple[float, float]  # (start_s, end_s)

M4B_RATE = 44100
M4B_BIT_RATE = 64_000
_MUXER_OPTIONS = {"movflags": "+faststart", "brand": "M4B ", "fflags": "+bitexact"}
# FFmpeg's own AAC encoder: its fast coder, where the default two-loop search gains little
# at 64 kbit/s for one voice in mono and takes twice the time; the book is encoded after its
# last chapter, so that time adds to the job's.
_AAC_OPTIONS = {"aac_coder": "fast"}
_COVER_TYPES = {"png": "image/png", "mjpeg": "image/jpeg"}  # FFmpeg's codec: MIME type
# iTunes' media kind (the `stik` atom): 2 is Audiobook.
_ITUNES_AUDIOBOOK = "2"


def write_m4b(
    chapters: Sequence[tuple[Path, str]],
    out: Path,
    metadata: Metadata,
    narrator: str = "",
    cover: bytes | None = None,
    cover_type: str | None = None,
    rate: int = M4B_RATE,
    bit_rate: int = M4B_BIT_RATE,
) -> list[Span]:
    """Encode the chapters (WAV path, title) in order into one M4B at out.

    narrator: who reads it (`NARRATE_NARRATOR`), written as composer. cover: PNG or JPEG
    bytes; cover_type its MIME type (image/png, image/jpeg), None to tell from the bytes.
    Returns each chapter's (start_s, end_s).
    """
    if not chapters:
        raise FormatError(f"{out.name}: a book needs at least one chapter")
    spans = chapter_spans([_duration(wav) for wav, _ in chapters])
    with _book(out) as box:
        encoder = AudioEncoder(box, "aac", rate, "fltp", bit_rate, _AAC_OPTIONS)
        titles = [title for _, title in chapters]
        _label(box, metadata, narrator, cover, cover_type, spans, titles, rate)
        for wav, _ in chapters:
            encoder.write(resampled(read_blocks(wav), wav_rate(wav), rate))
        encoder.close()
    return spans


def mux_m4b(
    pieces: Sequence[tuple[Path, str, float]],
    out: Path,
    metadata: Metadata,
    narrator: str = "",
    cover: bytes | None = None,
    cover_type: str | None = None,
) -> list[Span]:
    """The M4B at out from each chapter's AAC by `write_piece` (piece, title, duration_s),
    taken as it is: the encoding was done beside the narration, and the book is only muxed
    after its last chapter. The durations are the chapters' own (their entries'), so no
    WAV is read: from S3 none is downloaded. Otherwise as `write_m4b`."""
    if not pieces:
        raise FormatError(f"{out.name}: a book needs at least one chapter")
    spans = chapter_spans([duration for _, _, duration in pieces])
    with _book(out) as box:
        with av.open(pieces[0][0]) as first:  # the stream before the cover's (see `_label`)
            stream = box.add_stream_from_template(first.streams.audio[0])
        titles = [title for _, title, _ in pieces]
        _label(box, metadata, narrator, cover, cover_type, spans, titles, M4B_RATE)
        _mux_pieces(box, stream, [piece for piece, _, _ in pieces], spans)
    return spans


@contextmanager
def _book(out: Path) -> Iterator[OutputContainer]:
    with written(out) as part, av.open(part, "w", "mp4", container_options=_MUXER_OPTIONS) as box:
        yield box


def _label(
    box: OutputContainer,
    metadata: Metadata,
    narrator: str,
    cover: bytes | None,
    cover_type: str | None,
    spans: Sequence[Span],
    titles: Sequence[str],
    rate: int,
) -> None:
    """Tags, chapter markers and cover, once the audio stream is added: the cover's packet
    makes the muxer write the header, so it comes after the tags and markers."""
    box.metadata.update(book_tags(metadata, narrator))
    box.set_chapters(_markers(spans, titles, rate))
    if cover:
        _add_cover(box, cover, cover_type)


_AAC_FRAME = 1024  # samples per AAC packet; the encoder's priming is one packet too


def write_piece(
    wav: Path, out: Path, rate: int = M4B_RATE, bit_rate: int = M4B_BIT_RATE, threads: int = 1
) -> None:
    """A chapter WAV as AAC (in MP4) as the book holds it, for `mux_m4b` to take as it is;
    a WAV at the book's rate in stretches by up to `threads` encoders at once
    (`worker.joined`), the same bytes however many."""
    wav_at, frames = wav_info(wav)
    pcm = Pcm(partial(read_blocks, wav), frames, rate)
    if wav_at != rate:  # resampled as one stream: its length is known once it has run
        pcm = Pcm(lambda _start, _stop: resampled(read_blocks(wav), wav_at, rate), None, rate)
    coder = Coder("aac", _AAC_FRAME, bit_rate, _AAC_OPTIONS)
    write_joined_file(out, "mp4", {}, pcm, coder, threads)


def _mux_pieces(
    box: OutputContainer, stream: AudioStream, pieces: Sequence[Path], spans: Sequence[Span]
) -> None:
    """The chapters' AAC packets one after another, without encoding them again.

    Each piece starts with the encoder's priming packet and ends past its chapter's last
    sample. Chapter k's packets take its place from its start rounded to a whole packet:
    its priming plays over the previous chapter's last packet, which is dropped (the pause
    after a chapter's last sentence: silence), and its first sample is heard within half
    a packet of its marker. Only the last chapter keeps all its packets.
    """
    rate = stream.rate
    bounds = [round(start * rate / _AAC_FRAME) for start, _ in spans]
    bounds.append(-1)
    at = -_AAC_FRAME  # the first priming packet, before the book's start (an edit list)
    for k, piece in enumerate(pieces):
        with av.open(piece) as source:
            template = source.streams.audio[0]
            # At the book's rate its packets come in the book's time base, so none is retimed
            # one by one (a long book is a million packets).
            if template.time_base != Fraction(1, rate):
                raise FormatError(f"{piece.name}: AAC at {template.rate} Hz, the book's is {rate}")
            wanted = bounds[k + 1] - bounds[k] if bounds[k + 1] >= 0 else None
            taken = 0
            for packet in source.demux(template):
                if not packet.size or (wanted is not None and taken == wanted):
                    continue
                packet.stream = stream
                packet.pts = packet.dts = at
                packet.duration = _AAC_FRAME
                box.mux(packet)
                at += _AAC_FRAME
                taken += 1
            if wanted is not None and taken < wanted:
                raise FormatError(f"{piece.name}: {taken} AAC packets, {wanted} needed")


@dataclass(frozen=True)
class BookFacts:
    """What an M4B says of itself, read back: its title tag, its chapter markers and how far
    its audio runs, from its packets (the header says how long it was made, not how much of
    it is there)."""

    title: str
    markers: list[tuple[float, str]]  # (start_s, title) of each chapter marker
    end_s: float  # where the last AAC packet ends, the encoder's priming before 0


def read_book(path: Path) -> BookFacts:
    """An M4B's tags, markers and length; FormatError where FFmpeg cannot read it."""
    try:
        with av.open(str(path)) as box:
            title = box.metadata.get("title", "")
            return BookFacts(title, _read_markers(box), _audio_end_s(box))
    except (av.FFmpegError, IndexError) as error:
        raise FormatError(f"{path.name}: not an M4B FFmpeg reads ({error})") from None


def _read_markers(box: InputContainer) -> list[tuple[float, str]]:
    return [
        (_seconds(c["start"], c["time_base"]), c["metadata"].get("title", ""))
        for c in box.chapters()
    ]


def _audio_end_s(box: InputContainer) -> float:
    """Where the first audio stream's last packet ends, each packet read."""
    stream = box.streams.audio[0]
    ends = [p.pts + (p.duration or 0) for p in box.demux(stream) if p.size and p.pts is not None]
    return _seconds(max(ends, default=0), stream.time_base)


def _seconds(ticks: int, time_base: Fraction | None) -> float:
    return float(ticks * time_base) if time_base else 0.0


def chapter_spans(durations: Sequence[float]) -> list[Span]:
    """(start_s, end_s) of chapters played one after another."""
    spans: list[Span] = []
    start = 0.0
    for duration in durations:
        spans.append((start, start + duration))
        start += duration
    return spans


def book_tags(metadata: Metadata, narrator: str) -> dict[str, str]:
    """FFmpeg's metadata keys for the book. The narrator goes in composer (©wrt), which
    audiobook players (Audiobookshelf, BookPlayer, Smart AudioBook Player) show as the narrator;
    the mp4 muxer has no key for Audible's own ©nrt atom."""
    authors = ", ".join(metadata.authors)
    tags = {
        "title": metadata.title,
        "album": metadata.title,
        "artist": authors,
        "album_artist": authors,
        "composer": narrator,
        "comment": f"Read by {narrator}" if narrator else "",
        "date": book_year(metadata.date),
        "genre": "Audiobook",
        "media_type": _ITUNES_AUDIOBOOK,
    }
    return {key: value for key, value in tags.items() if value}


def probe_cover(cover: bytes, declared: str | None = None) -> tuple[str, int, int]:
    """(FFmpeg's codec, width, height) of a PNG or JPEG cover; FormatError when it is
    neither, cannot be read, or is not the MIME type declared."""
    try:
        with av.open(io.BytesIO(cover), "r") as image:
            stream = image.streams.video[0]
            codec, width, height = stream.codec_context.name, stream.width, stream.height
    except (av.FFmpegError, IndexError):
        raise FormatError("the cover is not an image FFmpeg reads") from None
    if codec not in _COVER_TYPES:
        raise FormatError(f"the cover is {codec}, where PNG or JPEG is needed")
    if declared and declared != _COVER_TYPES[codec]:
        raise FormatError(f"the cover is declared {declared} but is {_COVER_TYPES[codec]}")
    return codec, width, height


def _duration(wav: Path) -> float:
    rate, frames = wav_info(wav)
    return frames / rate  # as ChapterAudio.duration_s


def _markers(spans: Sequence[Span], titles: Sequence[str], rate: int) -> list[Chapter]:
    """Chapter markers counted in samples, each chapter's first sample to the next one's."""
    return [
        {
            "id": number,
            "start": round(start * rate),
            "end": round(end * rate),
            "time_base": Fraction(1, rate),
            "metadata": {"title": title},
        }
        for number, ((start, end), title) in enumerate(zip(spans, titles, strict=True), 1)
    ]


def _add_cover(box: OutputContainer, cover: bytes, cover_type: str | None) -> None:
    """The cover as an attached picture: a stream of one packet, which the muxer keeps as
    the `covr` atom rather than as a video track."""
    codec, width, height = probe_cover(cover, cover_type)
    stream = box.add_mux_stream(codec, width=width, height=height)
    stream.disposition = av.stream.Disposition.attached_pic
    packet = av.Packet(cover)
    packet.stream, packet.pts, packet.dts = stream, 0, 0
    box.mux(packet)
