"""Memory stays flat: narrate N segments in one process and watch RSS (and GPU memory).

    python -m producer.soak --segments 10000 [--device cuda]

Chapters of ~100 segments are cut from the shipped gate chapter, numbered so that no two
are the same, and narrated by `worker.pipeline.narrate` into a scratch folder. Memory is
sampled as segments finish, each sample with the seconds since the start. After warm-up,
the highest sample of the run's last quarter must stay within 5% of the highest of its
first quarter: memory that keeps growing, or steps up late, raises the last quarter's (a
steady leak by three quarters of its growth over the run). Warm-up is the first fifth of
the run, and at least until the first chapters in flight have been assembled (twice their
segments: on a GPU, 16 chapters of ~100 segments are in flight, and RSS steps up once
while the first of them are assembled, ~2,000-3,000 segments in).

Highest against highest, over equal spans, because memory swings by design: the work in
flight (segments' audio waiting for their chapter, chapters being assembled) comes and
goes with the chapters, by up to ~15% of RSS on a GPU. Against one sample taken at the end
of warm-up (the rule before), the verdict said whether that sample fell in a trough or on
a crest (docs/performance.md, "The soak's rule"); that figure is printed too.

Each sample's RSS and GPU memory are the highest since the sample before, not what they
were at the moment it was taken: the kernel's high-water mark of RSS, cleared after each
reading (`/proc/self/clear_refs`), and on a GPU nvidia-smi read every quarter second or so
(a run of nvidia-smi takes time of its own). The crests of the work in flight come between
the segments that finish, and a sample taken as one finished caught a crest or missed it
by chance (docs/performance.md, "The soak's peaks").

RSS comes with its anonymous part beside it: a rise there is memory held (heaps,
onnxruntime's arenas), a rise in the rest is code and files mapped (CUDA loads its kernels
as they are first used). Within the anonymous part, glibc's account of its heap and the
count of Python's small objects: what the anonymous part holds beyond glibc's heap is
Python's own arenas, onnxruntime's and CUDA's. Exit 0 when flat, 1 when not. Not part of
`make test` (it runs for minutes on a CPU): `make soak`.
"""

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from config.jobs import Progress
from config.manuscript import Chapter, Manuscript, Metadata
from config.settings import SynthesisOptions, get_settings
from models.pool import get_voice
from models.runtime import resolve_device
from producer.bench import nvidia_smi
from producer.optimize import GATE_TEXT
from worker.chapters import chapters_in_flight
from worker.memory import Heap, heap, tune_malloc
from worker.pipeline import narrate
from worker.segment import segment_chapter

PER_CHAPTER = 100
TOLERANCE = 0.05


GPU_EVERY_S = 0.25


class Sample(NamedTuple):
    segments: int
    rss: float  # MB, the highest since the sample before
    anonymous: float  # MB of RSS not backed by a file (now): heaps and arenas, not library code
    gpu: float | None  # MB, the highest since the sample before
    heap: Heap | None  # glibc's part of the anonymous memory
    python_blocks: int  # objects Python's own allocator holds (`sys.getallocatedblocks`)


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory in MB: all of it, or one part (`RssAnon`, `RssFile`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """The highest RSS since the last call (the first: since the process began), or the
    RSS now where the kernel's high-water mark cannot be cleared."""
    peak = rss_mb("VmHWM")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # clears VmHWM to the RSS now
    except OSError:
        return rss_mb()
    return peak


class GpuPeak:
    """This process's GPU memory, read every GPU_EVERY_S in a thread; `take` gives the
    highest reading since the last take. A CUDA arena gives regions back between runs, so
    what a run held comes and goes within a second."""

    def __init__(self, watch: bool) -> None:
        """`watch`: read in a thread (on a GPU); otherwise `take` reads nothing."""
        self._highest: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="gpu-peak")
        self.watching = watch

    def __enter__(self) -> "GpuPeak":
        if self.watching:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.watching:
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(GPU_EVERY_S):
            reading = gpu_mb()
            if reading is not None:
                with self._lock:
                    self._highest = max(self._highest or 0.0, reading)

    def take(self) -> float | None:
        if not self.watching:
            return None
        reading = gpu_mb()  # the sample's own moment counts too
        with self._lock:
            highest, self._highest = self._highest, None
        if highest is None or reading is None:
            return reading if highest is None else highest
        return max(highest, reading)


def gpu_mb() -> float | None:
    """This process's GPU memory in MB; None without a GPU, or where nvidia-smi cannot say
    ("[N/A]")."""
    for line in nvidia_smi("--query-compute-apps=pid,used_memory"):
        pid, _, used = (field.strip() for field in line.partition(","))
        if pid == str(os.getpid()):
            try:
                return float(used)
            except ValueError:
                return None
    return None


def _described(sample: Sample) -> str:
    """RSS, its anonymous part and glibc's heap within that (in use, held free, mapped)."""
    held = sample.heap
    return (
        f"RSS {sample.rss:7.0f} MB (highest; anonymous {sample.anonymous:7.0f}"
        + (
            f"; heap {held.in_use:6.0f} in use, {held.free:6.0f} free, {held.mapped:6.0f} mapped"
            if held
            else ""
        )
        + f"; Python {sample.python_blocks / 1e6:.2f}M blocks)"
        + (f"  GPU {sample.gpu:7.0f} MB" if sample.gpu else "")
    )


def book(segments: int) -> Manuscript:
    """Chapters of the gate text's sentences, numbered, until there are enough segments."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(GATE_TEXT.read_text().split()[4:]))
    settings = get_settings().segmenting
    chapters: list[Chapter] = []
    total, n = 0, 0
    while total < segments:
        lines = []
        for _ in range(PER_CHAPTER):
            lines.append(f"Number {n + 1}. {sentences[n % len(sentences)]}")
            n += 1
        chapter = Chapter(index=len(chapters), title="", text="\n\n".join(lines))
        total += len(segment_chapter(chapter.text, settings))
        chapters.append(chapter)
    return Manuscript(chapters=chapters, metadata=Metadata(title="soak"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--device", default=None, help="sets NARRATE_DEVICE")
    args = parser.parse_args()
    tune_malloc()  # as `narrate` itself does
    if args.device:
        os.environ["NARRATE_DEVICE"] = args.device
    # One process, the one sampled: each of several on a GPU narrates the same way.
    os.environ["NARRATE_DEVICE_PROCESSES"] = "1"
    manuscript = book(args.segments)
    samples: list[Sample] = []
    began = time.perf_counter()

    def sample(progress: Progress) -> None:
        if progress.segments_done // 100 > len(samples):
            last = Sample(
                progress.segments_done,
                peak_rss_mb(),
                rss_mb("RssAnon"),
                gpu_peak.take(),
                heap(),
                sys.getallocatedblocks(),
            )
            samples.append(last)
            seconds = time.perf_counter() - began
            print(f"{last.segments:6d} segments {seconds:6.0f} s  {_described(last)}", flush=True)

    on_gpu = resolve_device(get_settings().device) != "cpu"
    with tempfile.TemporaryDirectory(prefix="narrate-soak-") as out, GpuPeak(on_gpu) as gpu_peak:
        manifest = narrate(manuscript, SynthesisOptions(), Path(out), get_settings(), sample)
    wall = time.perf_counter() - began
    audio = sum(chapter.duration_s for chapter in manifest.chapters)
    done = sum(len(chapter.segments) for chapter in manifest.chapters)
    settings = get_settings()
    in_flight = chapters_in_flight(settings, get_voice(settings.voice))
    warm_up = min(len(samples) // 2, max(len(samples) // 5, 2 * in_flight * PER_CHAPTER // 100))
    warm = samples[max(0, warm_up - 1)]
    after = samples[warm_up:]
    peak = max(after, key=lambda sample: sample.rss)
    print(f"{done} segments, {audio:.0f} s of audio in {wall:.0f} s ({audio / wall:.1f}x)")
    print(f"warm-up: {warm.segments} segments ({in_flight} chapters in flight)")
    print(
        f"RSS after warm-up {warm.rss:.0f} MB, highest after {peak.rss:.0f} MB "
        f"({100 * (peak.rss / warm.rss - 1):+.1f}%), last {samples[-1].rss:.0f} MB; "
        f"anonymous {warm.anonymous:.0f} MB and {peak.anonymous:.0f} MB"
    )
    if warm.heap and peak.heap:
        print(
            f"glibc's heap: in use {warm.heap.in_use:.0f} MB and {peak.heap.in_use:.0f} MB, "
            f"held free {warm.heap.free:.0f} MB and {peak.heap.free:.0f} MB"
        )
    rss = growth([sample.rss for sample in after])
    print(f"RSS: {rss}")
    flat = rss.flat
    if warm.gpu is not None:
        gpu = growth([sample.gpu or 0.0 for sample in after])
        peak_gpu = max(sample.gpu or 0.0 for sample in after)
        print(
            f"GPU after warm-up {warm.gpu:.0f} MB, highest after {peak_gpu:.0f} MB "
            f"({100 * (peak_gpu / warm.gpu - 1):+.1f}%)"
        )
        print(f"GPU: {gpu}")
        flat = flat and gpu.flat
    print("flat" if flat else "NOT flat: memory grew over the run by more than 5%")
    return 0 if flat else 1


class Growth(NamedTuple):
    first: float  # the highest sample of the first quarter, MB
    last: float  # of the last quarter

    @property
    def change(self) -> float:
        return self.last / self.first - 1

    @property
    def flat(self) -> bool:
        return self.change <= TOLERANCE

    def __str__(self) -> str:
        return (
            f"highest {self.first:.0f} MB in the first quarter after warm-up, "
            f"{self.last:.0f} MB in the last ({100 * self.change:+.1f}%)"
        )


def growth(readings: list[float]) -> Growth:
    """The highest reading of the first and of the last quarter of a run (after its
    warm-up)."""
    if len(readings) < 4:
        raise ValueError("a soak needs four samples after warm-up at least: more segments")
    quarter = len(readings) // 4
    return Growth(max(readings[:quarter]), max(readings[-quarter:]))


if __name__ == "__main__":
    sys.exit(main())
