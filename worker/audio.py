"""Assemble a chapter: pauses by break class, loudness to target, resampling, 16-bit WAV.

Segment audio is spooled to a scratch file as it is made, so memory does not grow with the
chapter. Loudness is one gain for the whole chapter (RMS over the file, pauses included, as
ACX measures it), with a limiter holding peaks under the ceiling; the result is resampled
by soxr in pieces of about two minutes (each a stream of its own, cut in a pause, made on
threads) and written block by block.
"""

import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt
import soundfile
import soxr

from config.settings import AssemblySettings, BreakClass
from models.voice import Audio, WordSpans
from worker.storage import file_sha256

_BLOCK_S = 0.01  # limiter resolution
# Resampled, limited and written in pieces of ~10 s: per segment, the calls (each taking
# the GIL back from the inference threads) would cost more than the work on a GPU host.
_EMIT_S = 10.0
# A chapter is assembled in pieces of this many segments (see `assemble`): two minutes or so,
# so the pieces made ahead stay small beside a worker's memory.
PIECE_SEGMENTS = 16
SILENCE = -1  # in a piece, silence where a segment index would be
Piece = list[tuple[int, int]]  # (segment index or SILENCE, samples)


@dataclass
class SpooledSegment:
    offset: int  # in samples, in the spool file
    length: int
    part_samples: list[int]
    brk: BreakClass
    word_samples: Sequence[WordSpans] = ()  # per span, as the voice gave them


@dataclass
class ChapterSpool:
    """Segment audio of one chapter on disk, in reading order, with running statistics."""

    sample_rate: int
    directory: Path | None = None
    segments: dict[int, SpooledSegment] = field(default_factory=dict)
    sum_squares: float = 0.0
    peak: float = 0.0

    def __post_init__(self) -> None:
        handle, name = tempfile.mkstemp(suffix=".f32", dir=self.directory)
        self._file = os.fdopen(handle, "w+b")
        self.path = Path(name)
        self._end = 0

    def add(
        self,
        index: int,
        audio: Audio,
        part_samples: list[int],
        brk: BreakClass,
        word_samples: Sequence[WordSpans] = (),
    ) -> None:
        data = np.ascontiguousarray(audio, dtype=np.float32)
        self._file.seek(self._end * 4)
        self._file.write(data.data)
        self.segments[index] = SpooledSegment(self._end, len(data), part_samples, brk, word_samples)
        self._end += len(data)
        if len(data):  # float32 sums per segment are exact enough for a gain in dB
            self.sum_squares += float(np.dot(data, data))
            self.peak = max(self.peak, float(data.max()), -float(data.min()))

    def read(self, index: int) -> Audio:
        """A segment's samples; threads may read at once (positioned reads, no seek)."""
        seg = self.segments[index]
        self._file.flush()
        data = os.pread(self._file.fileno(), seg.length * 4, seg.offset * 4)
        return np.frombuffer(data, dtype=np.float32)

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "ChapterSpool":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Timing:
    """Where a segment's spans lie in the chapter file, in seconds."""

    index: int
    start_s: float
    end_s: float
    parts: list[tuple[float, float]]
    words: list[list[tuple[float, float]]] = field(default_factory=list)  # per span, each word


@dataclass(frozen=True)
class ChapterAudio:
    path: Path
    sample_rate: int
    frames: int
    sha256: str
    timings: list[Timing]
    gain: float = 1.0  # the chapter's one gain, recorded so a redone sentence gets it too

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def pause_samples(brk: BreakClass, settings: AssemblySettings, rate: int) -> int:
    return round(settings.pause_s[brk] * rate)


def chapter_gain(spool: ChapterSpool, settings: AssemblySettings) -> float:
    """The gain that brings the chapter to the target RMS (pauses included)."""
    total = round(settings.lead_in_s * spool.sample_rate)
    for seg in spool.segments.values():
        total += seg.length + pause_samples(seg.brk, settings, spool.sample_rate)
    rms = np.sqrt(spool.sum_squares / max(total, 1))
    if rms < 1e-6:
        return 1.0  # silence stays silence
    return float(10 ** (settings.target_rms_db / 20) / rms)


def limit(audio: npt.NDArray[np.float32], ceiling: float, rate: int) -> npt.NDArray[np.float32]:
    """Hold peaks under the ceiling with a smooth gain per 10 ms block; then a hard stop."""
    # 16-bit rounding may add half a step; stay that much under the ceiling.
    ceiling -= 1.0 / 32768
    block = max(1, int(rate * _BLOCK_S))
    n_blocks = -(-len(audio) // block)
    if n_blocks == 0 or max(float(audio.max()), -float(audio.min())) <= ceiling:
        return audio
    padded = np.zeros(n_blocks * block, dtype=np.float32)
    padded[: len(audio)] = np.abs(audio)
    peaks = padded.reshape(n_blocks, block).max(axis=1)
    gains = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    gains = np.minimum(gains, np.minimum(np.roll(gains, 1), np.roll(gains, -1)))  # attack/release
    centers = (np.arange(n_blocks) + 0.5) * block
    # The envelope is 1 except around blocks that need less: interpolate only there (a
    # sample lies between its block's centre and a neighbour's).
    near = gains < 1
    near[1:] |= gains[:-1] < 1
    near[:-1] |= gains[1:] < 1
    samples = np.flatnonzero(np.repeat(near, block)[: len(audio)])
    envelope = np.ones(len(audio), dtype=np.float32)
    envelope[samples] = np.interp(samples, centers, gains)
    limited: npt.NDArray[np.float32] = np.clip(audio * envelope, -ceiling, ceiling)
    return limited


def to_pcm16(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    """16-bit samples, the same as libsndfile makes from floats (floor of x * 32768).

    Converted here because libsndfile's own loop took a fifth of a GPU run's host time.
    """
    scaled = np.floor(audio * np.float32(32768))
    np.clip(scaled, -32768, 32767, out=scaled)
    samples: npt.NDArray[np.int16] = scaled.astype(np.int16)
    return samples


def assemble(
    spool: ChapterSpool,
    order: list[int],
    settings: AssemblySettings,
    out_rate: int,
    path: Path,
    threads: int = 1,
) -> ChapterAudio:
    """Write the chapter WAV at out_rate; returns its timings and checksum.

    The chapter is made in pieces of PIECE_SEGMENTS segments, each cut in the middle of a
    pause (silence, wider than the resampler's filter) and resampled and limited on its
    own, up to `threads` at once: the last chapter of a GPU run was assembled alone, on one
    core, after the narration had ended. The pieces depend on the segments only, never on
    `threads`, so the file is the same however many made it.
    """
    gain = np.float32(chapter_gain(spool, settings))
    ceiling = 10 ** (settings.peak_ceiling_db / 20)
    rate = spool.sample_rate
    pieces, timings = _pieces(spool, order, settings)
    written = 0
    tmp = path.with_name(path.name + ".part")
    with (
        soundfile.SoundFile(tmp, "w", out_rate, 1, "PCM_16", format="WAV") as wav,
        ThreadPoolExecutor(max(1, threads), thread_name_prefix="assemble") as pool,
    ):
        made = partial(_piece, spool, gain=gain, rate=rate, out_rate=out_rate, ceiling=ceiling)
        for blocks in _ahead(pool, made, pieces, max(1, threads)):
            for block in blocks:
                wav.write(block)
                written += len(block)
    tmp.replace(path)
    return ChapterAudio(path, out_rate, written, file_sha256(path), timings, float(gain))


def _pieces(
    spool: ChapterSpool, order: list[int], settings: AssemblySettings
) -> tuple[list[Piece], list[Timing]]:
    """The chapter as pieces of segments and silences, and every segment's timing."""
    rate = spool.sample_rate
    position = round(settings.lead_in_s * rate)
    pieces: list[Piece] = [[(SILENCE, position)]]
    timings: list[Timing] = []
    for n, index in enumerate(order):
        seg = spool.segments[index]
        timings.append(segment_timing(index, position, seg, rate))
        pause = pause_samples(seg.brk, settings, rate)
        pieces[-1].append((index, seg.length))
        if (n + 1) % PIECE_SEGMENTS or n + 1 == len(order):
            pieces[-1].append((SILENCE, pause))
        else:  # a cut in the middle of the pause
            pieces[-1].append((SILENCE, pause // 2))
            pieces.append([(SILENCE, pause - pause // 2)])
        position += seg.length + pause
    return pieces, timings


def _piece(
    spool: ChapterSpool,
    piece: Piece,
    *,
    gain: np.float32,
    rate: int,
    out_rate: int,
    ceiling: float,
) -> list[npt.NDArray[np.int16]]:
    """One piece resampled as a stream of its own, limited, in 16-bit blocks of ~10 s."""
    resampler = soxr.ResampleStream(rate, out_rate, 1, dtype="float32", quality="HQ")
    blocks: list[npt.NDArray[np.int16]] = []

    def emit(chunk: npt.NDArray[np.float32], last: bool = False) -> None:
        # Limit after resampling: interpolation makes peaks between the input samples.
        blocks.append(
            to_pcm16(limit(resampler.resample_chunk(chunk, last=last), ceiling, out_rate))
        )

    pending: list[npt.NDArray[np.float32]] = []
    size = 0
    for index, samples in piece:
        if index == SILENCE:
            pending.append(np.zeros(samples, dtype=np.float32))
        else:
            pending.append(spool.read(index) * gain)
        size += samples
        if size >= _EMIT_S * rate:
            emit(np.concatenate(pending))
            pending, size = [], 0
    emit(np.concatenate(pending) if pending else np.zeros(0, dtype=np.float32), last=True)
    return blocks


def _ahead(
    pool: ThreadPoolExecutor,
    work: Callable[[Piece], list[npt.NDArray[np.int16]]],
    pieces: list[Piece],
    depth: int,
) -> Iterator[list[npt.NDArray[np.int16]]]:
    """Each piece's blocks in order, at most `depth` pieces made ahead (memory stays
    bounded by them, whatever the chapter's length)."""
    queued: deque[Future[list[npt.NDArray[np.int16]]]] = deque()
    for piece in pieces:
        queued.append(pool.submit(work, piece))
        if len(queued) > depth:
            yield queued.popleft().result()
    while queued:
        yield queued.popleft().result()


def segment_timing(index: int, position: int, seg: SpooledSegment, rate: int) -> Timing:
    """Where a segment placed at `position` (voice samples) puts its spans and words."""
    parts, starts, start = [], [], position
    for samples in seg.part_samples:
        parts.append((start / rate, (start + samples) / rate))
        starts.append(start)
        start += samples
    spoken = seg.word_samples or [[] for _ in starts]  # a voice that gave no word times
    words = [
        [((at + a) / rate, (at + b) / rate) for a, b in spans]
        for at, spans in zip(starts, spoken, strict=True)
    ]
    return Timing(index, position / rate, (position + seg.length) / rate, parts, words)
