"""Chapter audio into delivery formats (MP3, Opus, FLAC), streamed block by block.

A chapter WAV (16-bit mono, any rate) is read in pieces of ten seconds, resampled by soxr
as one stream where the format wants another rate, and fed to FFmpeg's encoders through
PyAV: memory stays flat whatever the length. Every file is muxed with FFmpeg's bitexact flag
(no encoder version in the tags, fixed Ogg serial numbers), so the same audio gives the same
bytes. The book's M4B is in worker/m4b.py; the MP3 mastered for ACX in worker/mastering.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import soundfile
import soxr

from config.errors import FormatError
from config.manuscript import Metadata, book_year
from models.extras import Lazy

# PyAV is the audiobook extra's: imported on first use, so a WAV-only install runs this.
if TYPE_CHECKING:
    import av
    from av.audio.stream import AudioStream
    from av.container import OutputContainer
else:
    av = Lazy("av", "audiobook", "MP3, M4B, Opus and FLAC")

Block = npt.NDArray[np.float32]

MP3_RATE = 44100  # ACX's rate
OPUS_RATE = 48000  # Opus runs at 48 kHz inside whatever it is given
_BLOCK_S = 10.0


@dataclass(frozen=True)
class Format:
    """A delivery format: its file extension, what it is, and whether one file holds the book."""

    name: str
    extension: str
    description: str
    per_book: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("wav", "wav", "16-bit PCM, mono, the chapter as assembled"),
        Format("mp3", "mp3", "MP3 for ACX: mastered, 44.1 kHz mono, CBR 192 kbps, ID3 tags"),
        Format("m4b", "m4b", "the book in one AAC audiobook: chapters, cover, tags", True),
        Format("opus", "opus", "Opus in Ogg, 48 kHz mono, 48 kbps"),
        Format("flac", "flac", "FLAC, lossless, the chapter's own rate"),
    )
}


def parse_formats(text: str) -> tuple[str, ...]:
    """Format names from a comma-separated list ("wav,mp3"), in order, each once."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    known = ", ".join(FORMATS)
    for name in names:
        if name not in FORMATS:
            raise FormatError(f"unknown audio format {name!r}; known formats: {known}")
    if not names:
        raise FormatError(f"no audio format given; known formats: {known}")
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Tags:
    """What a chapter file says about itself: ID3 frames in MP3, Vorbis comments otherwise."""

    title: str = ""
    album: str = ""
    artist: str = ""
    track: int | None = None
    genre: str = "Audiobook"
    date: str = ""  # the book's year, as the M4B's

    @classmethod
    def for_chapter(cls, metadata: Metadata, title: str, track: int) -> Tags:
        """A chapter's tags: its title, the book as album, the authors as artist, the
        book's year as date (a player files the chapters under the album's year)."""
        authors = ", ".join(metadata.authors)
        return cls(title, metadata.title, authors, track, date=book_year(metadata.date))

    def as_dict(self) -> dict[str, str]:
        """FFmpeg's metadata keys (each muxer maps them to its own frames: ID3's year, a
        Vorbis comment's DATE); empty ones left out."""
        track = "" if self.track is None else str(self.track)
        tags = {"title": self.title, "album": self.album, "artist": self.artist}
        tags |= {"track": track, "genre": self.genre, "date": self.date}
        return {key: value for key, value in tags.items() if value}


def wav_info(path: Path) -> tuple[int, int]:
    """(sample rate, frames) of a mono WAV; FormatError when it is not one."""
    with _open_wav(path) as wav:
        return int(wav.samplerate), int(wav.frames)


def wav_rate(path: Path) -> int:
    """Sample rate of a mono WAV; FormatError when it is not one."""
    return wav_info(path)[0]


def read_blocks(
    path: Path, start: int = 0, stop: int | None = None, dtype: str = "float32"
) -> Iterator[npt.NDArray[Any]]:
    """Samples start..stop of a mono WAV in blocks of ten seconds (float32 or int16)."""
    with _open_wav(path) as wav:
        wav.seek(start)
        frames = -1 if stop is None else stop - start
        yield from wav.blocks(int(_BLOCK_S * wav.samplerate), frames=frames, dtype=dtype)


def resampled(blocks: Iterable[Block], rate: int, out_rate: int) -> Iterator[Block]:
    """The blocks resampled by soxr as one stream (no seams at their edges)."""
    if rate == out_rate:
        yield from blocks
        return
    stream = soxr.ResampleStream(rate, out_rate, 1, dtype="float32", quality="HQ")
    for block in blocks:
        yield stream.resample_chunk(block)
    yield stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


@contextmanager
def _open_wav(path: Path) -> Iterator[Any]:
    try:
        wav = soundfile.SoundFile(path)
    except soundfile.LibsndfileError as error:
        raise FormatError(f"{path.name}: not an audio file libsndfile reads ({error})") from None
    with wav:
        if wav.channels != 1:
            raise FormatError(f"{path.name}: {wav.channels} channels where a mono WAV is needed")
        yield wav


@contextmanager
def written(out: Path) -> Iterator[Path]:
    """A scratch path beside out, renamed to out when the block succeeds, removed if not."""
    part = out.with_name(out.name + ".part")
    try:
        yield part
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(out)


@dataclass
class AudioEncoder:
    """Mono blocks into one audio stream of an output container, timestamps running on
    across calls of `write` (so several chapters make one stream)."""

    container: OutputContainer
    codec: str
    rate: int
    sample_format: str  # what the blocks hold and the encoder takes: no conversion between
    bit_rate: int | None = None
    options: dict[str, str] = field(default_factory=dict)  # the encoder's
    samples: int = 0
    stream: AudioStream = field(init=False)

    def __post_init__(self) -> None:
        stream = self.container.add_stream(
            self.codec, rate=self.rate, layout="mono", options=self.options
        )
        if not isinstance(stream, av.audio.stream.AudioStream):
            raise FormatError(f"{self.codec} is not an audio codec")
        self.stream = stream
        self.stream.format = self.sample_format
        if self.bit_rate:
            self.stream.bit_rate = self.bit_rate

    def write(self, blocks: Iterable[npt.NDArray[Any]]) -> None:
        """Encode the blocks after what was written before."""
        for block in blocks:
            if len(block):
                frame = av.AudioFrame.from_ndarray(
                    block.reshape(1, -1), format=self.sample_format, layout="mono"
                )
                frame.sample_rate, frame.pts = self.rate, self.samples
                self.container.mux(self.stream.encode(frame))
                self.samples += len(block)

    def close(self) -> None:
        """Flush the encoder's last frames."""
        self.container.mux(self.stream.encode(None))


@dataclass(frozen=True)
class _Codec:
    muxer: str
    codec: str
    sample_format: str
    bit_rate: int | None = None
    encoder_options: dict[str, str] = field(default_factory=dict)


# Encoder settings for speed: every chapter is encoded on the host while the GPU narrates
# the next ones, and the encoders' defaults aim at music. LAME's quality 7 (of 0 best to 9)
# at 192 kbit/s for one voice in mono, and Opus's complexity 5 at 48 kbit/s, still spend far
# more bits than speech needs, in a fraction of the time (docs/performance.md, "Host cost").
# LAME's bit reservoir is off: every frame holds its own bits, so that frames of encoders
# run on stretches of a chapter join (`worker.joined`).
LAME_OPTIONS = {"compression_level": "7", "reservoir": "0"}
OPUS_OPTIONS = {"compression_level": "5"}


def _encode(
    blocks: Iterable[npt.NDArray[Any]], rate: int, out: Path, codec: _Codec, tags: Tags
) -> None:
    options = {"fflags": "+bitexact"}
    with written(out) as part, av.open(part, "w", codec.muxer, container_options=options) as box:
        box.metadata.update(tags.as_dict())
        encoder = AudioEncoder(
            box, codec.codec, rate, codec.sample_format, codec.bit_rate, codec.encoder_options
        )
        encoder.write(blocks)
        encoder.close()


def write_mp3(
    blocks: Iterable[Block], rate: int, out: Path, tags: Tags, bit_rate: int = 192_000
) -> None:
    """Mono float blocks at rate as an MP3 (LAME, constant bit rate) with ID3v2.3 tags: one
    stream, as `worker.joined` writes a chapter of a length not known ahead.

    The rate is kept: give 44.1 kHz blocks for ACX (`resampled`, or worker/mastering.py).
    """
    from worker.joined import Pcm, lame, write_joined_file  # which builds on this module

    pcm = Pcm(lambda _start, _stop: blocks, None, rate)
    write_joined_file(out, "mp3", tags.as_dict(), pcm, lame(bit_rate))


def write_opus(wav: Path, out: Path, tags: Tags, bit_rate: int = 48_000) -> None:
    """A mono WAV as Opus in Ogg, resampled to 48 kHz."""
    blocks = resampled(read_blocks(wav), wav_rate(wav), OPUS_RATE)
    opus = _Codec("ogg", "libopus", "flt", bit_rate, encoder_options=OPUS_OPTIONS)
    _encode(blocks, OPUS_RATE, out, opus, tags)


def write_flac(wav: Path, out: Path, tags: Tags) -> None:
    """A mono WAV as FLAC at its own rate: the 16-bit samples, losslessly."""
    blocks = read_blocks(wav, dtype="int16")
    _encode(blocks, wav_rate(wav), out, _Codec("flac", "flac", "s16"), tags)
