from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from config.errors import FormatError
from config.manuscript import Metadata
from tests.worker.speechlike import speechlike, write_wav
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

RATE = 22050
BOOK = Metadata(title="News from Nowhere", authors=["William Morris"], date="1890-01-11")


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "chapter.wav", speechlike(3.0, RATE), RATE)


def decoded(path: Path) -> tuple[np.ndarray, int]:
    """All samples of the first audio stream, and its rate."""
    with av.open(path) as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
        return np.concatenate(frames), stream.sample_rate


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


def test_each_chapter_format_by_name(wav: Path, tmp_path: Path) -> None:
    codecs = {"wav": "pcm_s16le", "mp3": "mp3", "opus": "opus", "flac": "flac"}
    for fmt, codec in codecs.items():
        report = write_chapter(wav, tmp_path / f"c.{fmt}", fmt, Tags(title="I"))
        assert stream_facts(tmp_path / f"c.{fmt}").codec == codec
        assert (report is not None and report.passed) == (fmt == "mp3")
    with pytest.raises(FormatError, match="whole book"):
        write_chapter(wav, tmp_path / "c.m4b", "m4b", Tags())
