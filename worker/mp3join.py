"""An MP3 encoded in stretches at once and joined at frame boundaries.

One LAME stream runs on one core: a book's longest chapter set the wall time of
`--format mp3` on a GPU host, its MP3 encoded long after every other file was done
(docs/performance.md, "Deliverables on one H200"). Here a chapter is cut into stretches of
about five minutes, each encoded by its own LAME in a thread (PyAV lets go of the GIL while
LAME works), and their frames are muxed into one file.

Why the joins do not show: an MPEG-1 Layer III frame holds 1152 samples, and LAME puts its
frame k over the same samples whatever it was given before, as long as it was fed from a
multiple of 1152. Each stretch is encoded from `WARM_FRAMES` frames before its first and
`WARM_FRAMES` after its last, so that LAME's delay, its look-ahead and its psychoacoustic
state have settled on the frames kept; those frames are cut away. LAME's bit reservoir is
off (`worker.encode.LAME_OPTIONS`): with it, a frame may keep its bits in the frames
before it, which at a join belong to another encoder. The decoder's overlap from one
frame to the next then joins two encodings of the same samples, so a joined chapter
decodes as one stream does (tests/worker/test_mp3join.py measures both against the PCM).

The stretches depend on the length only, never on the threads: the same chapter makes the
same bytes on 1 core or 16.
"""

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.extras import Lazy
from worker.encode import LAME_OPTIONS, Block, Tags, written

# PyAV is the audiobook extra's, as in worker/encode.py.
if TYPE_CHECKING:
    import av
    from av.packet import Packet
else:
    av = Lazy("av", "audiobook", "MP3, M4B, Opus and FLAC")

FRAME = 1152  # samples in an MPEG-1 Layer III frame
WARM_FRAMES = 8  # encoded on each side of a stretch and cut away: 0.2 s at 44.1 kHz
STRETCH_FRAMES = 11_484  # a stretch's frames: about five minutes at 44.1 kHz

Frames = list["Packet[Any]"]  # encoded MP3 frames, one per packet
# The samples start..stop (None: to the end) of the PCM to encode, in blocks.
Source = Callable[[int, int | None], Iterable[Block]]


def encoder_threads() -> int:
    """How many LAME encoders one chapter's MP3 runs at once: the cores this process may
    use, at most eight (each holds up to a stretch's frames, ~7 MB, until they are muxed)."""
    return max(1, min(8, len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class Stretch:
    """The frames start..stop of the MP3 that one encoder makes; stop None: to the end."""

    start: int
    stop: int | None


def stretches(samples: int | None) -> list[Stretch]:
    """How a stream of `samples` is cut (one stretch when its length is not known ahead)."""
    if samples is None:
        return [Stretch(0, None)]
    # No stretch shorter than half of one: the last takes what is left.
    size = STRETCH_FRAMES
    cuts = range(size, samples // FRAME - size // 2, size)
    starts = [0, *cuts]
    return [Stretch(a, b) for a, b in zip(starts, [*cuts, None], strict=True)]


def write_joined(
    source: Source,
    samples: int | None,
    rate: int,
    out: Path,
    tags: Tags,
    bit_rate: int = 192_000,
    threads: int = 1,
) -> None:
    """Mono float PCM (`samples` long, read through source) as a constant bit rate MP3 with
    ID3v2.3 tags, its stretches encoded by up to `threads` encoders at once."""
    layout = stretches(samples)
    options = {"fflags": "+bitexact", "id3v2_version": "3"}
    with (
        written(out) as part,
        av.open(part, "w", "mp3", container_options=options) as box,
        ThreadPoolExecutor(max(1, threads), thread_name_prefix="lame") as pool,
    ):
        box.metadata.update(tags.as_dict())
        stream = box.add_stream("libmp3lame", rate=rate, layout="mono", options=LAME_OPTIONS)
        stream.format = "fltp"
        stream.bit_rate = bit_rate
        encode = _encoder(source, samples, rate, bit_rate)
        for packets in _in_order(pool, encode, layout, max(1, threads)):
            for packet in packets:
                packet.stream = stream
                box.mux(packet)


def _encoder(
    source: Source, total: int | None, rate: int, bit_rate: int
) -> Callable[[Stretch], Frames]:
    def encode(stretch: Stretch) -> Frames:
        return encode_stretch(source, total, stretch, rate, bit_rate)

    return encode


def encode_stretch(
    source: Source, total: int | None, stretch: Stretch, rate: int, bit_rate: int
) -> Frames:
    """The frames of one stretch of a PCM `total` samples long (None: not known, one
    stretch), LAME fed from WARM_FRAMES frames before it to WARM_FRAMES after it."""
    first = max(0, stretch.start - WARM_FRAMES)
    begin = first * FRAME
    end = None if stretch.stop is None else (stretch.stop + WARM_FRAMES) * FRAME
    if end is not None and total is not None:
        end = min(end, total)
    codec = av.CodecContext.create("libmp3lame", "w")
    codec.sample_rate, codec.layout, codec.format = rate, "mono", "fltp"
    codec.bit_rate = bit_rate
    codec.options = dict(LAME_OPTIONS)
    codec.open()
    packets: Frames = []
    at = begin
    for block in source(begin, end):
        if len(block):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1),
                format="fltp",
                layout="mono",
            )
            frame.sample_rate, frame.pts = rate, at
            packets += codec.encode(frame)
            at += len(block)
    packets += codec.encode(None)
    keep = slice(stretch.start - first, None if stretch.stop is None else stretch.stop - first)
    kept = packets[keep]
    if stretch.stop is not None and len(kept) != stretch.stop - stretch.start:
        raise RuntimeError(f"LAME made {len(packets)} frames from frame {first}, not enough")
    return kept


def _in_order(
    pool: ThreadPoolExecutor,
    encode: Callable[[Stretch], Frames],
    layout: list[Stretch],
    depth: int,
) -> Iterator[Frames]:
    """Each stretch's frames in order, at most `depth` stretches encoded ahead (a stretch's
    frames are ~7 MB at 192 kbit/s)."""
    queued: deque[Future[Frames]] = deque()
    try:
        for stretch in layout:
            queued.append(pool.submit(encode, stretch))
            if len(queued) > depth:
                yield queued.popleft().result()
        while queued:
            yield queued.popleft().result()
    finally:
        for future in queued:
            future.cancel()
