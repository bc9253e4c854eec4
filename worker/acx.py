"""ACX's rules for an audio file, measured on the decoded file: `check_acx`.

The file is decoded with PyAV (whatever its format) and measured in 50 ms windows as it
goes, so memory does not grow with its length. Definitions, all in dBFS over every sample of
every channel:

- RMS and sample peak: over the whole file (ACX asks no true peak).
- Noise floor: the RMS of the quietest 0.5 s, ten consecutive windows at any window
  boundary (ACX Check's definition); the whole file's RMS if it is shorter than that.
- Room tone: the windows before the first and after the last speech window, a speech window
  being one whose RMS is above -50 dB (the noise bed sits far under it, a spoken word far
  over it).
- Digital silence: the windows in which every sample is zero at 16 bits.
- MP3 bit rate and CBR: from the header of every frame, not the stream's nominal rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from config.errors import FormatError
from config.manifest import AcxReport
from models.extras import Lazy

# PyAV is the audiobook extra's: imported on first use.
if TYPE_CHECKING:
    import av
    from av.audio.stream import AudioStream
    from av.container import InputContainer
else:
    av = Lazy("av", "audiobook", "reading an MP3 back (--acx)")

Samples = npt.NDArray[np.float32]  # (channels, n)

WINDOW_S = 0.05
FLOOR_WINDOWS = 10  # 0.5 s
SPEECH_DB = -50.0
SILENCE_DB = -120.0  # what digital zero reads as: the logarithm of zero has no value
_ZERO_AT_16_BITS = 0.5 / 32768

ACX_RATE = 44100
ACX_MIN_KBPS = 192
ACX_MAX_S = 120 * 60.0
ACX_RMS_DB = (-23.0, -18.0)
ACX_PEAK_DB = -3.0
ACX_NOISE_FLOOR_DB = -60.0
ACX_HEAD_S = (0.5, 1.0)
ACX_TAIL_S = (1.0, 5.0)

# Layer III bit rates (kbit/s) by the header's index: MPEG-1 (32-48 kHz), MPEG-2 and 2.5.
_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


@dataclass(frozen=True)
class StreamFacts:
    """What the container says of the audio stream, before any sample is decoded."""

    codec: str
    sample_rate: int
    channels: int
    bit_rates: frozenset[int]  # bit/s: each MP3 frame's, or the stream's nominal rate


@dataclass(frozen=True)
class Levels:
    """What the samples measure (`LevelMeter.result`)."""

    duration_s: float
    rms_db: float
    peak_db: float
    noise_floor_db: float
    head_s: float
    tail_s: float
    digital_silence_s: float


def check_acx(path: Path, channels: int = 1) -> AcxReport:
    """Measure an audio file and judge it by ACX's rules.

    channels: what the title's files use (ACX wants them all alike; narrate makes mono).
    """
    facts = stream_facts(path)
    return judge(facts, measure_levels(path, facts.sample_rate), channels)


def stream_facts(path: Path) -> StreamFacts:
    """Codec, rate, channels and bit rates of the file's first audio stream."""
    with _open(path) as container:
        stream = container.streams.audio[0]
        codec = stream.codec_context.codec.canonical_name
        if codec == "mp3":
            rates = _mp3_bit_rates(container, stream)
        else:
            rates = frozenset({stream.bit_rate or container.bit_rate or 0})
        return StreamFacts(codec, stream.sample_rate, stream.channels, rates)


def measure_levels(path: Path, rate: int) -> Levels:
    """Decode the file's first audio stream and measure it in windows; FormatError where
    FFmpeg cannot decode it to its end (damaged data)."""
    meter = LevelMeter(rate)
    with _open(path) as container:
        try:
            for block in _decoded(container, container.streams.audio[0]):
                meter.feed(block)
        except av.FFmpegError as error:
            raise _damaged(path, error) from None
    return meter.result()


def decoded_seconds(path: Path) -> float:
    """How long the file's first audio stream lasts, counted in decoded samples as
    `measure_levels` counts them (a header's duration says how long the file was made, not
    how much of it is there); FormatError where FFmpeg cannot decode it to its end."""
    with _open(path) as container:
        stream = container.streams.audio[0]
        try:
            samples = sum(frame.samples for frame in container.decode(stream))
        except av.FFmpegError as error:
            raise _damaged(path, error) from None
    return samples / stream.sample_rate


def _open(path: Path) -> InputContainer:
    try:
        container = av.open(path)
    except av.FFmpegError as error:
        raise FormatError(f"{path.name}: not an audio file FFmpeg reads ({error})") from None
    if not container.streams.audio:
        container.close()
        raise FormatError(f"{path.name}: no audio stream")
    return container


def _damaged(path: Path, error: Exception) -> FormatError:
    return FormatError(f"{path.name}: damaged, FFmpeg cannot decode it ({error})")


def _mp3_bit_rates(container: InputContainer, stream: AudioStream) -> frozenset[int]:
    """The bit rates of the MP3's frames, read from their headers."""
    return frozenset(mp3_frame_bit_rate(bytes(p)) for p in container.demux(stream) if p.size)


def mp3_frame_bit_rate(frame: bytes) -> int:
    """Bit rate (bit/s) an MPEG audio Layer III frame header gives; 0 if it is none."""
    if len(frame) < 3 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return 0
    table = _MPEG1_KBPS if frame[1] & 0x18 == 0x18 else _MPEG2_KBPS
    index = frame[2] >> 4
    return table[index] * 1000 if index < len(table) else 0


def _decoded(container: InputContainer, stream: AudioStream) -> Iterator[Samples]:
    """The stream's samples as float (channels, n) arrays of about a second each."""
    resampler = av.AudioResampler(format="fltp")
    pending: list[Samples] = []
    for frame in container.decode(stream):
        pending += [_floats(planar) for planar in resampler.resample(frame)]
        if len(pending) * frame.samples >= stream.sample_rate:
            yield np.concatenate(pending, axis=1)
            pending = []
    pending += [_floats(planar) for planar in resampler.resample(None)]
    if pending:
        yield np.concatenate(pending, axis=1)


def _floats(frame: av.AudioFrame) -> Samples:
    return np.asarray(frame.to_ndarray(), dtype=np.float32)


def _db(power: float) -> float:
    """A mean square (or a squared peak) in dB, digital zero as SILENCE_DB."""
    return round(max(SILENCE_DB, 10 * math.log10(power)) if power > 0 else SILENCE_DB, 2)


@dataclass
class LevelMeter:
    """Levels of a stream fed in blocks, kept per 50 ms window; memory stays constant."""

    rate: int
    window: int = 0
    samples: int = 0  # per channel
    values: int = 0  # samples of all channels
    sum_squares: float = 0.0
    peak: float = 0.0
    windows: int = 0
    first_speech: int | None = None
    last_speech: int = -1
    silent_windows: int = 0
    floor: float = math.inf  # mean square of the quietest FLOOR_WINDOWS in a row
    _recent: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _rest: Samples | None = None  # samples short of a whole window

    def __post_init__(self) -> None:
        self.window = max(1, round(self.rate * WINDOW_S))

    def feed(self, block: Samples) -> None:
        """Add a (channels, n) block that follows the last one."""
        self.samples += block.shape[1]
        self.values += block.size
        self.sum_squares += float(np.sum(np.square(block, dtype=np.float64)))
        self.peak = max(self.peak, float(np.max(np.abs(block), initial=0.0)))
        joined = block if self._rest is None else np.concatenate((self._rest, block), axis=1)
        whole = joined.shape[1] // self.window * self.window
        self._rest = joined[:, whole:]
        self._add_windows(joined[:, :whole].reshape(len(joined), -1, self.window))

    def _add_windows(self, windows: Samples) -> None:
        power = np.mean(np.square(windows, dtype=np.float64), axis=(0, 2))
        speech = np.flatnonzero(power > 10 ** (SPEECH_DB / 10))
        if len(speech):
            if self.first_speech is None:
                self.first_speech = self.windows + int(speech[0])
            self.last_speech = self.windows + int(speech[-1])
        self.silent_windows += int(np.sum(np.max(np.abs(windows), axis=(0, 2)) < _ZERO_AT_16_BITS))
        self._add_to_floor(power)
        self.windows += len(power)

    def _add_to_floor(self, power: npt.NDArray[np.float64]) -> None:
        # Each 0.5 s span may straddle two blocks: the last windows are carried over.
        run = np.concatenate((self._recent, power))
        if len(run) >= FLOOR_WINDOWS:
            spans = np.convolve(run, np.full(FLOOR_WINDOWS, 1 / FLOOR_WINDOWS), mode="valid")
            self.floor = min(self.floor, float(spans.min()))
        self._recent = run[-(FLOOR_WINDOWS - 1) :]

    def result(self) -> Levels:
        """The levels of everything fed so far."""
        mean_square = self.sum_squares / max(self.values, 1)
        floor = mean_square if math.isinf(self.floor) else self.floor
        duration = self.samples / self.rate
        head, tail = self._room_tone(duration)
        silence = self.silent_windows * self.window / self.rate
        peak = _db(self.peak**2)
        return Levels(duration, _db(mean_square), peak, _db(floor), head, tail, silence)

    def _room_tone(self, duration: float) -> tuple[float, float]:
        if self.first_speech is None:
            return duration, duration
        window_s = self.window / self.rate
        return self.first_speech * window_s, duration - (self.last_speech + 1) * window_s


def judge(facts: StreamFacts, levels: Levels, channels: int = 1) -> AcxReport:
    """The report: each rule's verdict, and a line for each that failed."""
    rules = _rules(facts, levels, channels)
    problems = [f"{name}: {why}" for name, (ok, why) in rules.items() if not ok]
    return AcxReport(
        codec=facts.codec,
        sample_rate=facts.sample_rate,
        channels=facts.channels,
        bit_rate=min(facts.bit_rates, default=0),
        constant_bit_rate=rules["constant_bit_rate"][0],
        duration_s=round(levels.duration_s, 3),
        rms_db=levels.rms_db,
        peak_db=levels.peak_db,
        noise_floor_db=levels.noise_floor_db,
        head_s=round(levels.head_s, 3),
        tail_s=round(levels.tail_s, 3),
        digital_silence_s=round(levels.digital_silence_s, 3),
        checks={name: ok for name, (ok, _) in rules.items()},
        problems=problems,
        passed=not problems,
    )


def _rules(facts: StreamFacts, levels: Levels, channels: int) -> dict[str, tuple[bool, str]]:
    kbps = min(facts.bit_rates, default=0) // 1000
    low, high = ACX_RMS_DB
    return {
        "codec": (facts.codec == "mp3", f"{facts.codec}, where ACX takes MP3"),
        "sample_rate": (facts.sample_rate == ACX_RATE, f"{facts.sample_rate} Hz, not 44100 Hz"),
        "channels": (facts.channels == channels, f"{facts.channels}, where {channels} is wanted"),
        "bit_rate": (kbps >= ACX_MIN_KBPS, f"{kbps} kbps, under {ACX_MIN_KBPS} kbps"),
        "constant_bit_rate": _constant(facts),
        "duration": (levels.duration_s <= ACX_MAX_S, f"{levels.duration_s / 60:.1f} min, over 120"),
        "rms": (low <= levels.rms_db <= high, f"{levels.rms_db} dB, outside {low} to {high} dB"),
        "peak": (levels.peak_db <= ACX_PEAK_DB, f"{levels.peak_db} dB, over {ACX_PEAK_DB} dB"),
        "noise_floor": (
            levels.noise_floor_db <= ACX_NOISE_FLOOR_DB,
            f"{levels.noise_floor_db} dB, over {ACX_NOISE_FLOOR_DB} dB",
        ),
        "head": _within("room tone at the head", levels.head_s, ACX_HEAD_S),
        "tail": _within("room tone at the tail", levels.tail_s, ACX_TAIL_S),
        "digital_silence": (
            levels.digital_silence_s == 0,
            f"{levels.digital_silence_s:.2f} s of digital silence (ACX wants room tone)",
        ),
    }


def _constant(facts: StreamFacts) -> tuple[bool, str]:
    if facts.codec != "mp3":
        return False, "not an MP3: no frame bit rates"
    count = len(facts.bit_rates)
    return count == 1, f"{count} bit rates among the frames, where ACX wants one"


def _within(what: str, seconds: float, bounds: tuple[float, float]) -> tuple[bool, str]:
    low, high = bounds
    return low <= seconds <= high, f"{what} {seconds:.2f} s, outside {low} to {high} s"


def in_words(report: AcxReport, channels: int = 1) -> list[str]:
    """A line for each rule the report failed, as a publisher reads it: the measure, its value
    and ACX's bound ("peak -2.1 dB, ACX wants at most -3 dB"). The report's `problems` stay
    as they are: they name the rules first, for scripts and the manifest's readers."""
    said = _said(report, channels)
    return [said[name] for name, ok in report.checks.items() if not ok]


def _said(report: AcxReport, channels: int) -> dict[str, str]:
    # The values as the report keeps them (the rules judged those): a peak of -2.99 dB
    # rounded to -3.0 would read as within the bound it failed.
    low, high = ACX_RMS_DB
    return {
        "codec": f"format {report.codec}, ACX wants MP3",
        "sample_rate": f"sample rate {report.sample_rate} Hz, ACX wants {ACX_RATE} Hz",
        "channels": f"channels {_layout(report.channels)}, ACX wants {_layout(channels)} "
        "like the book's other files",
        "bit_rate": f"bit rate {report.bit_rate // 1000} kbps, ACX wants at least "
        f"{ACX_MIN_KBPS} kbps",
        "constant_bit_rate": _constant_said(report.codec),
        "duration": f"length {round(report.duration_s / 60, 2):g} min, ACX wants at most "
        f"{ACX_MAX_S / 60:g} min",
        "rms": f"loudness (RMS) {report.rms_db:g} dB, ACX wants {low:g} to {high:g} dB",
        "peak": f"peak {report.peak_db:g} dB, ACX wants at most {ACX_PEAK_DB:g} dB",
        "noise_floor": f"noise floor {report.noise_floor_db:g} dB, ACX wants at most "
        f"{ACX_NOISE_FLOOR_DB:g} dB",
        "head": _room_tone("start", report.head_s, ACX_HEAD_S),
        "tail": _room_tone("end", report.tail_s, ACX_TAIL_S),
        "digital_silence": f"digital silence {report.digital_silence_s:g} s, ACX wants none "
        "(room tone in its place)",
    }


def _constant_said(codec: str) -> str:
    if codec != "mp3":  # no frames to read a bit rate from
        return "constant bit rate unknown (not an MP3), ACX wants a constant bit rate (CBR)"
    return "bit rate varies from frame to frame, ACX wants it constant (CBR)"


def _layout(channels: int) -> str:
    names = {1: "1 (mono)", 2: "2 (stereo)"}
    return names.get(channels, str(channels))


def _room_tone(where: str, seconds: float, bounds: tuple[float, float]) -> str:
    low, high = bounds
    return f"room tone at the {where} {seconds:g} s, ACX wants {low:g} to {high:g} s"
