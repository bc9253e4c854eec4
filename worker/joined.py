"""Audio encoded in stretches at once and joined at frame boundaries: a chapter's MP3, and
its AAC for the book's M4B.

One encoder runs on one core: a book's longest chapter set the wall time of
`--format mp3,m4b` on a GPU host, its files encoded long after every other was done
(docs/performance.md, "Deliverables on one H200"). Here a chapter is cut into stretches of
about five minutes, each encoded by its own encoder in a thread (PyAV lets go of the GIL
while LAME or FFmpeg's AAC encoder works), and their packets are muxed into one file.

Why the joins do not show: both codecs put their packets on a grid of frames (1152 samples
for MP3, 1024 for AAC), and an encoder's frame k covers the same samples whatever it was
given before, as long as it was fed from a multiple of the frame. Each stretch is encoded
from `WARM_FRAMES` frames before its first and `WARM_FRAMES` after its last, so that the
encoder's delay, look-ahead and psychoacoustic state have settled on the frames kept; those
frames are cut away. A packet holds its own bits: AAC's always do, and LAME's bit reservoir
(which lets a frame keep bits in the frames before it, at a join another encoder's) is off
(`worker.encode.LAME_OPTIONS`). The decoder's overlap from one frame to the next then joins
two encodings of the same samples, so a joined chapter decodes as one stream does
(tests/worker/test_joined.py measures both against the PCM).

The stretches depend on the length only, never on the threads: the same chapter makes the
same bytes on 1 core or 16.
"""

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from config.errors import FormatError
from models.extras import Lazy
from worker.encode import LAME_OPTIONS, Block, written
from worker.ordered import in_order

# PyAV is the audiobook extra's, as in worker/encode.py.
if TYPE_CHECKING:
    import av
    from av.audio.stream import AudioStream
    from av.container import OutputContainer
    from av.packet import Packet
else:
    av = Lazy("av", "audiobook", "MP3, M4B, Opus and FLAC")

log = logging.getLogger(__name__)

WARM_FRAMES = 16  # encoded on each side of a stretch and cut away: ~0.4 s at 44.1 kHz
STRETCH_SAMPLES = 300 * 44100  # a stretch: about five minutes

Packets = list["Packet[Any]"]  # encoded frames, one per packet
# The samples start..stop (None: to the end) of the PCM to encode, in blocks.
Source = Callable[[int, int | None], Iterable[Block]]


@dataclass(frozen=True)
class Pcm:
    """Mono float PCM to encode: its samples through `read`, `samples` long (None: not known
    ahead, so encoded as one stretch), at `rate`."""

    read: Source
    samples: int | None
    rate: int


@dataclass(frozen=True)
class Coder:
    """An FFmpeg encoder whose packets each hold one frame of `frame` samples."""

    codec: str
    frame: int
    bit_rate: int
    options: dict[str, str] = field(default_factory=dict)


def lame(bit_rate: int = 192_000) -> Coder:
    """LAME at constant bit rate, its reservoir off (`worker.encode.LAME_OPTIONS`)."""
    return Coder("libmp3lame", 1152, bit_rate, LAME_OPTIONS)


# In a delivery process: the semaphore its pool shares (`share_slots`); None elsewhere.
_slots: Any = None
_gave_up = False  # whether this process has encoded a stretch without a slot yet


def share_slots(slots: Any) -> None:
    """In each process of a delivery pool: every stretch encoded takes one of the slots
    (a semaphore, one per delivery process: the pool's own, or where several processes
    narrate a book, the host's, shared by all their pools), so the encoders at once never
    outnumber them, and a file may take the slots that idle processes leave."""
    global _slots
    _slots = slots


# A process killed while it held slots (a SIGKILL, the OOM killer) never gives them back,
# and the slots may be shared by every narrating process's pool: a stretch that waited
# this long is encoded without one rather than wait for ever. A busy host can make a
# stretch wait that long too (the semaphore is not first come, first served), so this
# costs one encoder more than the slots at worst.
SLOT_WAIT_S = 120.0


@contextmanager
def _slot() -> Iterator[None]:
    """One of the shared slots, held while a stretch is encoded (none outside a pool)."""
    global _gave_up
    slots = _slots
    if slots is None:
        yield
        return
    if not slots.acquire(timeout=SLOT_WAIT_S):
        level = logging.DEBUG if _gave_up else logging.WARNING
        _gave_up = True
        log.log(level, "no encoding slot came free in %g s: encoding without one", SLOT_WAIT_S)
        yield
        return
    try:
        yield
    finally:
        slots.release()


def encoder_threads(processes: int) -> int:
    """How many encoders a chapter's file may run at once: in a delivery pool with slots,
    as many as this process may use cores, at most eight (each holds up to a stretch's
    packets, ~15 MB for an MP3's, until they are muxed); elsewhere its share of those cores
    when `processes` encode files side by side."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    share = 1 if _slots is not None else max(1, processes)
    return max(1, min(8, (cores or 1) // share))


@dataclass(frozen=True)
class Stretch:
    """The frames start..stop that one encoder makes; stop None: to the end."""

    start: int
    stop: int | None


def stretches(samples: int | None, frame: int) -> list[Stretch]:
    """How a stream of `samples` is cut (one stretch when its length is not known ahead)."""
    if samples is None:
        return [Stretch(0, None)]
    # No stretch shorter than half of one: the last takes what is left.
    size = STRETCH_SAMPLES // frame
    cuts = range(size, samples // frame - size // 2, size)
    starts = [0, *cuts]
    return [Stretch(a, b) for a, b in zip(starts, [*cuts, None], strict=True)]


def write_joined(box: "OutputContainer", pcm: Pcm, coder: Coder, threads: int = 1) -> None:
    """The PCM as one audio stream of the container, its stretches encoded by up to
    `threads` encoders at once."""
    stream = box.add_stream(coder.codec, rate=pcm.rate, layout="mono", options=coder.options)
    if not isinstance(stream, av.audio.stream.AudioStream):
        raise FormatError(f"{coder.codec} is not an audio codec")
    stream.format = "fltp"
    stream.bit_rate = coder.bit_rate
    layout = stretches(pcm.samples, coder.frame)
    if len(layout) == 1:  # muxed as they come: memory stays flat whatever the length
        _mux(box, stream, [packets(pcm, layout[0], coder)])
        return
    encode = partial(encode_stretch, pcm, coder=coder)
    with (
        ThreadPoolExecutor(max(1, threads), thread_name_prefix=coder.codec) as pool,
        closing(in_order(pool, encode, layout, threads)) as parts,
    ):
        _mux(box, stream, parts)


def _mux(
    box: "OutputContainer", stream: "AudioStream", parts: Iterable[Iterable["Packet[Any]"]]
) -> None:
    for part in parts:
        for packet in part:
            packet.stream = stream
            box.mux(packet)


def write_joined_file(
    out: Path, muxer: str, tags: dict[str, str], pcm: Pcm, coder: Coder, threads: int = 1
) -> None:
    """`write_joined` into a file of its own at out (replaced when complete), with FFmpeg's
    bitexact flag (the same audio gives the same bytes), ID3v2.3 where the muxer writes ID3,
    and the tags given."""
    container = {"fflags": "+bitexact"} | ({"id3v2_version": "3"} if muxer == "mp3" else {})
    with written(out) as part, av.open(part, "w", muxer, container_options=container) as box:
        box.metadata.update(tags)
        write_joined(box, pcm, coder, threads)


def encode_stretch(pcm: Pcm, stretch: Stretch, coder: Coder) -> Packets:
    """The packets of one stretch of the PCM, all of them (see `packets`)."""
    kept = list(packets(pcm, stretch, coder))
    if stretch.stop is not None and len(kept) != stretch.stop - stretch.start:
        raise RuntimeError(f"{coder.codec} made {len(kept)} of the frames {stretch}")
    return kept


def packets(pcm: Pcm, stretch: Stretch, coder: Coder) -> Iterator["Packet[Any]"]:
    """The packets of one stretch of the PCM as the encoder makes them, the encoder fed
    from WARM_FRAMES frames before the stretch to WARM_FRAMES after it."""
    first = max(0, stretch.start - WARM_FRAMES)
    begin = first * coder.frame
    end = None if stretch.stop is None else (stretch.stop + WARM_FRAMES) * coder.frame
    if end is not None and pcm.samples is not None:
        end = min(end, pcm.samples)
    with _slot():
        yield from _encoded(pcm, coder, first, begin, end, stretch)


def _encoded(
    pcm: Pcm, coder: Coder, first: int, begin: int, end: int | None, stretch: Stretch
) -> Iterator["Packet[Any]"]:
    """The stretch's packets: samples begin..end encoded from frame `first`, the frames
    before the stretch and after it cut away."""
    codec = av.CodecContext.create(coder.codec, "w")
    if not isinstance(codec, av.audio.codeccontext.AudioCodecContext):
        raise FormatError(f"{coder.codec} is not an audio codec")
    codec.sample_rate, codec.layout, codec.format = pcm.rate, "mono", "fltp"
    codec.bit_rate = coder.bit_rate
    codec.options = dict(coder.options)
    codec.open()
    skip = stretch.start - first  # the frames before the stretch, made to be cut away
    wanted = None if stretch.stop is None else stretch.stop - stretch.start
    made, at = 0, begin
    for block in chain(pcm.read(begin, end), [None]):  # None: the encoder's flush
        frame = None
        if block is not None:
            if not len(block):
                continue
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1),
                format="fltp",
                layout="mono",
            )
            frame.sample_rate, frame.pts = pcm.rate, at
            at += len(block)
        for packet in codec.encode(frame):
            made += 1
            if made > skip and (wanted is None or made - skip <= wanted):
                yield packet
