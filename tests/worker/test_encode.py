import struct
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from config.errors import FormatError
from config.manuscript import Metadata
from tests.worker.speechlike import speechlike, with_lengths, write_wav
from worker.acx import stream_facts
from worker.deliver import write_chapter
from worker.encode import (
    FORMATS,
    Tags,
    parse_formats,
    read_blocks,
    resampled,
    wav_rate,
    write_flac,
    write_mp3,
    write_opus,
)
from worker.m4b import book_tags, chapter_spans, mux_m4b, probe_cover, write_m4b, write_piece

RATE = 22050
BOOK = Metadata(title="News from Nowhere", authors=["William Morris"], date="1890-01-11")


def png(width: int = 3, height: int = 2) -> bytes:
    """A valid RGB PNG, all red."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "chapter.wav", speechlike(3.0, RATE), RATE)


def decoded(path: Path) -> tuple[np.ndarray, int]:
    """All samples of the first audio stream, and its rate."""
    with av.open(path) as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
        return np.concatenate(frames), stream.sample_rate


def top_level_atoms(path: Path) -> list[bytes]:
    data, atoms, at = path.read_bytes(), [], 0
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        atoms.append(kind)
        at += size
    return atoms


def test_formats_parse_in_order_once_each() -> None:
    assert parse_formats("wav,mp3") == ("wav", "mp3")
    assert parse_formats(" FLAC, opus ,flac,m4b") == ("flac", "opus", "m4b")
    assert FORMATS["m4b"].per_book and not FORMATS["mp3"].per_book


def test_an_unknown_format_is_named_with_the_known_ones() -> None:
    with pytest.raises(FormatError, match=r"'ogg'.*wav, mp3, m4b, opus, flac"):
        parse_formats("wav,ogg")
    with pytest.raises(FormatError, match="no audio format"):
        parse_formats(" , ")


def test_mp3_is_44k1_mono_cbr_192_with_id3_tags(wav: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.mp3"
    tags = Tags.for_chapter(BOOK, "Chapter I", 1)
    write_mp3(resampled(read_blocks(wav), RATE, 44100), 44100, out, tags)
    facts = stream_facts(out)
    assert (facts.codec, facts.sample_rate, facts.channels) == ("mp3", 44100, 1)
    assert facts.bit_rates == {192_000}
    with av.open(out) as container:
        assert container.metadata["title"] == "Chapter I"
        assert container.metadata["album"] == "News from Nowhere"
        assert container.metadata["artist"] == "William Morris"
        assert container.metadata["track"] == "1"
    samples, _ = decoded(out)  # LAME's delay and padding trimmed on decoding (gapless)
    assert abs(len(samples) - soundfile.info(str(wav)).duration * 44100) <= 2
    assert not out.with_name("c.mp3.part").exists()


def test_every_chapter_file_is_dated_with_the_books_year_as_the_m4b_is(
    wav: Path, tmp_path: Path
) -> None:
    """Given a book dated 1890-01-11: its M4B was tagged 1890, its chapter files with no
    date at all, so a player filed the album under no year."""
    tags = Tags.for_chapter(BOOK, "Chapter I", 1)
    write_chapter(wav, tmp_path / "c.mp3", "mp3", tags)  # mastered for ACX, ID3v2.3
    write_opus(wav, tmp_path / "c.opus", tags)
    write_flac(wav, tmp_path / "c.flac", tags)
    with av.open(tmp_path / "c.mp3") as mp3, av.open(tmp_path / "c.flac") as flac:
        assert mp3.metadata["date"] == flac.metadata["date"] == "1890"
        assert (mp3.metadata["album"], flac.metadata["album"]) == ("News from Nowhere",) * 2
    with av.open(tmp_path / "c.opus") as opus:
        assert opus.streams.audio[0].metadata["date"] == "1890"
    assert book_tags(BOOK, "")["date"] == "1890"
    # A book with no date gives its files none
    undated = Tags.for_chapter(BOOK.model_copy(update={"date": ""}), "Chapter I", 1)
    write_flac(wav, tmp_path / "u.flac", undated)
    with av.open(tmp_path / "u.flac") as flac:
        assert "date" not in flac.metadata


def test_a_stand_in_for_no_date_tags_no_year(wav: Path, tmp_path: Path) -> None:
    """Given a manuscript stored with Calibre's stand-in for no date (before its readers
    dropped it): its chapter files and M4B were tagged 0101."""
    stored = BOOK.model_copy(update={"date": "0101-01-01T00:00:00+00:00"})
    write_flac(wav, tmp_path / "c.flac", Tags.for_chapter(stored, "Chapter I", 1))
    with av.open(tmp_path / "c.flac") as flac:
        assert "date" not in flac.metadata
    assert "date" not in book_tags(stored, "")
    assert book_tags(BOOK.model_copy(update={"date": "March 1320"}), "")["date"] == "1320"


def test_same_audio_same_bytes(wav: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_mp3(resampled(read_blocks(wav), RATE, 44100), 44100, tmp_path / f"{name}.mp3", Tags())
        write_opus(wav, tmp_path / f"{name}.opus", Tags())
        write_flac(wav, tmp_path / f"{name}.flac", Tags())
    for suffix in ("mp3", "opus", "flac"):
        assert (tmp_path / f"a.{suffix}").read_bytes() == (tmp_path / f"b.{suffix}").read_bytes()


def test_flac_keeps_every_sample(wav: Path, tmp_path: Path) -> None:
    write_flac(wav, tmp_path / "c.flac", Tags(title="Chapter I"))
    samples, rate = decoded(tmp_path / "c.flac")
    original, _ = soundfile.read(str(wav), dtype="int16")
    assert rate == RATE
    assert np.array_equal(samples, original)


def test_opus_is_48k_and_as_long_as_the_wav(wav: Path, tmp_path: Path) -> None:
    write_opus(wav, tmp_path / "c.opus", Tags(title="Chapter I", track=2))
    samples, rate = decoded(tmp_path / "c.opus")
    assert rate == 48000
    assert abs(len(samples) / rate - soundfile.info(str(wav)).duration) < 0.025  # a frame
    with av.open(tmp_path / "c.opus") as container:
        assert container.streams.audio[0].metadata["title"] == "Chapter I"


def test_a_stereo_wav_or_not_audio_is_refused(tmp_path: Path) -> None:
    soundfile.write(str(tmp_path / "s.wav"), np.zeros((100, 2)), RATE)
    with pytest.raises(FormatError, match="2 channels"):
        wav_rate(tmp_path / "s.wav")
    (tmp_path / "t.wav").write_text("not audio")
    with pytest.raises(FormatError, match="not an audio file"):
        write_flac(tmp_path / "t.wav", tmp_path / "t.flac", Tags())
    assert not (tmp_path / "t.flac.part").exists()


@pytest.fixture
def book(tmp_path: Path) -> list[tuple[Path, str]]:
    """Three chapters of different lengths, none a whole number of AAC frames."""
    lengths = (1.3, 0.7, 2.05)
    return [
        (write_wav(tmp_path / f"{i}.wav", speechlike(s, 44100, seed=i), 44100), f"Chapter {i}")
        for i, s in enumerate(lengths)
    ]


def test_m4b_markers_sit_at_each_chapters_first_sample(
    book: list[tuple[Path, str]], tmp_path: Path
) -> None:
    spans = write_m4b(book, tmp_path / "b.m4b", BOOK, "joe", png())
    durations = [soundfile.info(str(wav)).frames / 44100 for wav, _ in book]
    assert spans == chapter_spans(durations)
    assert spans[1][0] == pytest.approx(durations[0])
    assert spans[2][1] == pytest.approx(sum(durations))
    with av.open(tmp_path / "b.m4b") as container:
        chapters = container.chapters()
        audio = container.streams.audio[0]
        assert audio.duration is not None and audio.time_base is not None
        assert abs(float(audio.duration * audio.time_base) - sum(durations)) < 1024 / 44100
    assert [c["metadata"]["title"] for c in chapters] == ["Chapter 0", "Chapter 1", "Chapter 2"]
    for chapter, (start, end) in zip(chapters, spans, strict=True):
        assert chapter["time_base"] is not None
        assert abs(float(chapter["start"] * chapter["time_base"]) - start) < 1024 / 44100
        assert abs(float(chapter["end"] * chapter["time_base"]) - end) < 1024 / 44100


def test_m4b_tags_cover_and_faststart(book: list[tuple[Path, str]], tmp_path: Path) -> None:
    cover = png()
    write_m4b(book, tmp_path / "b.m4b", BOOK, "joe", cover, "image/png")
    with av.open(tmp_path / "b.m4b") as container:
        tags = container.metadata
        attached = av.stream.Disposition.attached_pic
        pictures = [s for s in container.streams if s.disposition & attached]
        assert len(pictures) == 1
        packet = next(container.demux(pictures[0]))
        assert bytes(packet) == cover
        audio = container.streams.audio[0]
        assert (audio.codec_context.name, audio.sample_rate, audio.channels) == ("aac", 44100, 1)
    assert tags["major_brand"] == "M4B "
    assert tags["title"] == tags["album"] == "News from Nowhere"
    assert tags["artist"] == "William Morris"
    assert (tags["composer"], tags["date"], tags["genre"]) == ("joe", "1890", "Audiobook")
    assert tags["media_type"] == "2"  # iTunes: Audiobook
    assert "encoder" not in tags  # bitexact: no FFmpeg version in the file
    atoms = top_level_atoms(tmp_path / "b.m4b")
    assert atoms.index(b"moov") < atoms.index(b"mdat")


def test_m4b_same_book_same_bytes(book: list[tuple[Path, str]], tmp_path: Path) -> None:
    write_m4b(book, tmp_path / "a.m4b", BOOK, "joe", png())
    write_m4b(book, tmp_path / "b.m4b", BOOK, "joe", png())
    assert (tmp_path / "a.m4b").read_bytes() == (tmp_path / "b.m4b").read_bytes()


def test_m4b_resamples_chapters_at_another_rate(tmp_path: Path) -> None:
    chapters = [(write_wav(tmp_path / "c.wav", speechlike(1.0, RATE), RATE), "One")]
    spans = write_m4b(chapters, tmp_path / "b.m4b", BOOK)
    samples, rate = decoded(tmp_path / "b.m4b")
    assert rate == 44100
    assert abs(len(samples) / rate - spans[0][1]) <= 1024 / rate  # whole AAC frames decoded


def test_a_cover_must_be_png_or_jpeg_as_declared() -> None:
    assert probe_cover(png(5, 4)) == ("png", 5, 4)
    with pytest.raises(FormatError, match="not an image"):
        probe_cover(b"GIF89a" + bytes(20))
    with pytest.raises(FormatError, match="declared image/jpeg but is image/png"):
        probe_cover(png(), "image/jpeg")


def test_a_book_needs_chapters(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="at least one chapter"):
        write_m4b([], tmp_path / "b.m4b", BOOK)
    assert not list(tmp_path.iterdir())


def test_book_tags_leave_out_what_is_unknown() -> None:
    tags = book_tags(Metadata(title="T", date="spring"), narrator="")
    assert tags == {"title": "T", "album": "T", "genre": "Audiobook", "media_type": "2"}


def test_each_chapter_format_by_name(wav: Path, tmp_path: Path) -> None:
    codecs = {"wav": "pcm_s16le", "mp3": "mp3", "opus": "opus", "flac": "flac"}
    for fmt, codec in codecs.items():
        report = write_chapter(wav, tmp_path / f"c.{fmt}", fmt, Tags(title="I"))
        assert stream_facts(tmp_path / f"c.{fmt}").codec == codec
        assert (report is not None and report.passed) == (fmt == "mp3")
    with pytest.raises(FormatError, match="whole book"):
        write_chapter(wav, tmp_path / "c.m4b", "m4b", Tags())


def test_m4b_from_pieces_puts_each_chapter_within_half_a_packet_of_its_marker(
    book: list[tuple[Path, str]], tmp_path: Path
) -> None:
    pieces = [tmp_path / f"{k}.m4a" for k in range(len(book))]
    for (wav, _), piece in zip(book, pieces, strict=True):
        write_piece(wav, piece)
    spans = mux_m4b(with_lengths(book, pieces), tmp_path / "p.m4b", BOOK, "joe", png())
    assert spans == write_m4b(book, tmp_path / "d.m4b", BOOK, "joe", png())
    muxed, rate = decoded(tmp_path / "p.m4b")
    assert rate == 44100 and len(muxed) == len(decoded(tmp_path / "d.m4b")[0])
    with av.open(tmp_path / "p.m4b") as container:
        starts = [float(c["start"] * c["time_base"]) for c in container.chapters()]
    assert starts == pytest.approx([start for start, _ in spans], abs=1e-3)  # ms in the file
    reference = np.concatenate([soundfile.read(str(wav), dtype="float32")[0] for wav, _ in book])
    for start, end in spans:  # each chapter's inside, where it lies in the muxed file
        a, b = round(start * 44100) + 2048, round(end * 44100) - 2048
        inside = reference[a:b]
        lag = max(range(-1024, 1025), key=lambda k: float(np.dot(muxed[a + k : b + k], inside)))
        assert abs(lag) <= 512
        assert np.corrcoef(muxed[a + lag : b + lag], inside)[0, 1] > 0.99


def test_a_piece_at_another_rate_is_refused(book: list[tuple[Path, str]], tmp_path: Path) -> None:
    """Its packets would be muxed on the book's clock at the wrong speed."""
    pieces = [tmp_path / f"{k}.m4a" for k in range(len(book))]
    for k, ((wav, _), piece) in enumerate(zip(book, pieces, strict=True)):
        write_piece(wav, piece, rate=22050 if k == 1 else 44100)
    with pytest.raises(FormatError, match=r"1\.m4a: AAC at 22050 Hz"):
        mux_m4b(with_lengths(book, pieces), tmp_path / "p.m4b", BOOK, "joe", png())


def test_m4b_from_pieces_same_book_same_bytes(book: list[tuple[Path, str]], tmp_path: Path) -> None:
    pieces = [tmp_path / f"{k}.m4a" for k in range(len(book))]
    for (wav, _), piece in zip(book, pieces, strict=True):
        write_piece(wav, piece)
    mux_m4b(with_lengths(book, pieces), tmp_path / "a.m4b", BOOK, "joe", png())
    mux_m4b(with_lengths(book, pieces), tmp_path / "b.m4b", BOOK, "joe", png())
    assert (tmp_path / "a.m4b").read_bytes() == (tmp_path / "b.m4b").read_bytes()
