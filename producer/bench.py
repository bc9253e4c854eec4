"""`narrate bench`: narrate and the baseline on the same text, side by side, in one run.

Both run as child processes so that each one's peak RSS is its own (``os.wait4``). The
baseline is ``python -m piper`` with the same voice, one sentence at a time; with
``--device cuda`` it is ``python -m piper --cuda`` (one sentence at a time through
onnxruntime's CUDA provider) against narrate on the GPU. Throughput is audio seconds per
wall second ("x real time"), start-up included for both. narrate's stage columns are busy
seconds summed over its threads (stages overlap); peak GPU memory is sampled from
nvidia-smi while each child runs.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import soundfile

from config.errors import BenchmarkError
from config.layout import MANIFEST_KEY
from config.settings import get_settings
from models.registry import find_voice
from models.runtime import device_processes, resolve_device
from producer.readers import read_manuscript
from producer.readers.book import only_chapters
from worker.storage import open_storage
from worker.timing import STAGES


@dataclass(frozen=True)
class Run:
    name: str
    wall_s: float
    audio_s: float
    peak_rss_mb: float
    peak_gpu_mb: float | None = None
    stages: dict[str, float] | None = None
    sha256s: tuple[str, ...] = ()  # of its chapters' WAV files
    ready_s: float | None = None  # a queue's worker: from its start to "ready"

    @property
    def speed(self) -> float:
        return self.audio_s / self.wall_s


def measure(
    name: str, command: list[str], env: dict[str, str] | None = None, gpu: bool = False
) -> tuple[float, float, float | None]:
    """(wall seconds, peak RSS MB, peak GPU MB or None) of a child process; raises if it fails."""
    sampler = GpuSampler() if gpu else None
    began = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    peak_gpu = sampler.stop() if sampler else None
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if status != 0:
        raise BenchmarkError(f"{name} failed: {stderr.strip()[-500:]}")
    return wall, usage.ru_maxrss / 1024, peak_gpu


class GpuSampler:
    """Peak GPU memory in use (MB, above what was in use before), from nvidia-smi."""

    def __init__(self, every_s: float = 0.1) -> None:
        self.every_s = every_s
        self.base = self._used()
        self.peak = self.base
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(self.every_s):
            self.peak = max(self.peak, self._used())

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak - self.base

    @staticmethod
    def _used() -> float:
        rows = nvidia_smi("--query-gpu=memory.used")
        return float(rows[0]) if rows else 0.0


NVIDIA_SMI_TIMEOUT_S = 10


def nvidia_smi(query: str) -> list[str]:
    """nvidia-smi's rows for a query (csv, no header or units); none without a driver."""
    try:
        out = subprocess.run(
            ["nvidia-smi", query, "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            check=False,
            timeout=NVIDIA_SMI_TIMEOUT_S,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):  # no NVIDIA driver, or a hung one
        return []
    return out.stdout.splitlines() if out.returncode == 0 else []


def bench(
    path: Path,
    chapter: int | None,
    voice: str,
    baseline: bool,
    queue: str | None = None,
    device: str = "cpu",
    deliverables: bool = False,
    rounds: int = 1,
) -> int:
    """Each round runs the baseline and narrate one after the other; over several rounds a
    ratio is read as the median of the rounds' (one run is at the mercy of a noisy host:
    docs/performance.md, "The queue bench in rounds")."""
    if rounds < 1:
        raise BenchmarkError("--rounds must be 1 or more")
    manuscript = read_manuscript(path)
    if chapter is not None:  # one out of range is said in a line, as synth's --chapter is
        manuscript = only_chapters(manuscript, [chapter], str(path))
    chapters = manuscript.chapters
    pairs: list[list[Run]] = []
    with tempfile.TemporaryDirectory(prefix="narrate-bench-") as scratch:
        work = Path(scratch)
        text = work / "text.txt"
        text.write_text("\n\n".join(ch.text for ch in chapters), encoding="utf-8")
        for n in range(rounds):
            fresh = work / f"round-{n + 1}"  # synth resumes a book it finds done in its output
            fresh.mkdir()
            runs = bench_round(text, voice, fresh, baseline, queue, device, deliverables)
            if rounds > 1:
                print(f"round {n + 1} of {rounds}")
            print_table(runs, sum(len(ch.text) for ch in chapters))
            pairs.append(runs)
    if rounds > 1 and all(len(runs) == 2 for runs in pairs):
        print_medians(pairs)
    return 0


def bench_round(
    text: Path,
    voice: str,
    work: Path,
    baseline: bool,
    queue: str | None,
    device: str,
    deliverables: bool,
) -> list[Run]:
    runs = []
    if baseline and not queue:
        runs.append(run_piper(text, voice, work, device))
    runs.append(run_narrate(text, voice, work, device))
    if deliverables:  # what MP3 + M4B and Whisper's check of every sentence cost
        for extra in (["--format", "mp3,m4b"], ["--qa", "asr"]):
            runs.append(run_narrate(text, voice, work, device, extra))
    if queue:
        runs.insert(0, runs.pop())  # synth is the baseline of the queue
        runs.append(run_queue(text, voice, work, queue, device))
    return runs


def print_medians(pairs: list[list[Run]]) -> None:
    """The second run of each round against the first, every round and the median."""
    speed = [second.speed / first.speed for first, second in pairs]
    time_ = [second.wall_s / first.wall_s for first, second in pairs]
    base, other = (run.name.split(" (")[0] for run in pairs[0])
    print(
        f"over {len(pairs)} rounds, {other} / {base}: throughput ratio median "
        f"{statistics.median(speed):.2f}x ({_listed(speed)}), time ratio median "
        f"{statistics.median(time_):.2f}x ({_listed(time_)})"
    )


def _listed(ratios: list[float]) -> str:
    return ", ".join(f"{ratio:.2f}x" for ratio in ratios)


def run_queue(text: Path, voice: str, work: Path, dest: str, device: str = "cpu") -> Run:
    """The same text as a job: one `narrate worker` (started first, as a service is; on a GPU
    several processes), enqueue, wait.

    Time runs from `narrate enqueue` to the end of `narrate wait`. The worker (threads, the
    default pool on the CPU and on a GPU) loads its voice before it is ready, as a service
    does, so the time to ready is printed beside; under `NARRATE_WORKER_POOL=prefork` each
    process loads it as it starts, after the worker says it is ready, so the load may
    overlap the clock's first second or two. The job has synth's options (seed included, so the
    same audio is expected); a destination of its own per run makes it a new job rather
    than the finished one of a run before. The worker runs on synth's device.
    """
    dest = f"{dest.rstrip('/')}/bench-{time.time_ns()}"
    workers = _workers(device)  # counted from the free memory before the worker holds any
    log = open(work / "worker.log", "wb")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "producer.cli", "worker", "--device", device],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        started = time.perf_counter()
        _wait_ready(work / "worker.log", workers)
        began = time.perf_counter()
        enqueued = subprocess.run(
            [
                sys.executable,
                "-m",
                "producer.cli",
                "enqueue",
                str(text),
                "--dest",
                dest,
                "--voice",
                voice,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if enqueued.returncode != 0:
            raise BenchmarkError(f"narrate enqueue failed: {enqueued.stderr.strip()}")
        job_id = enqueued.stdout.split()[0]
        waited = subprocess.run(
            [sys.executable, "-m", "producer.cli", "wait", job_id],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - began
        if waited.returncode != 0:
            raise BenchmarkError(f"job {job_id} did not finish: {waited.stdout.strip()}")
        stored = open_storage(dest)
        manifest = stored.child(job_id).get_json(MANIFEST_KEY)
        audio = sum(chapter["duration_s"] for chapter in manifest["chapters"])
        sha256s = tuple(chapter["sha256"] for chapter in manifest["chapters"])
        # A bench leaves nothing in the bucket: an S3 server on loopback (moto's) slows as
        # it holds more, and the next round would pay for this one's chapters.
        stored.delete_prefix(job_id)
    finally:
        worker.terminate()
        usage = os.wait4(worker.pid, 0)[2]
        log.close()
    rss = usage.ru_maxrss / 1024
    return Run(
        "narrate job (Redis + S3)", wall, audio, rss, sha256s=sha256s, ready_s=began - started
    )


def _workers(device: str) -> int:
    """Worker processes `narrate worker --device DEVICE` starts (one GPU: several)."""
    resolved = resolve_device(device)
    return 1 if resolved == "cpu" else device_processes(get_settings(), resolved)[0]


def _wait_ready(log: Path, workers: int = 1, timeout: float = 60.0) -> None:
    """Until every one of the worker's processes has said it is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_bytes().count(b" ready.") >= workers:
            return
        time.sleep(0.2)
    raise BenchmarkError(f"the worker did not start: {log.read_text(errors='replace')[-500:]}")


def run_piper(text: Path, voice: str, work: Path, device: str = "cpu") -> Run:
    files = find_voice(voice)
    wav = work / "piper.wav"
    command = [
        sys.executable,
        "-m",
        "piper",
        "-m",
        str(files.model),
        "-c",
        str(files.config),
        "-i",
        str(text),
        "-f",
        str(wav),
    ]
    gpu = device != "cpu"
    if gpu:
        command.append("--cuda")
    name = "python -m piper" + (" --cuda" if gpu else "")
    wall, rss, gpu_mb = measure(name, command, gpu=gpu)
    return Run(f"{name} (baseline)", wall, soundfile.info(str(wav)).duration, rss, gpu_mb)


def run_narrate(
    text: Path, voice: str, work: Path, device: str = "cpu", extra: Sequence[str] = ()
) -> Run:
    label = " ".join(extra)
    out, stats = work / f"narrate{label}".replace(" ", ""), work / "stats.json"
    command = [
        sys.executable,
        "-m",
        "producer.cli",
        "synth",
        str(text),
        "-o",
        str(out),
        "--voice",
        voice,
        "--no-progress",
        "--stats",
        str(stats),
        *extra,
    ]
    gpu = device != "cpu"
    wall, rss, gpu_mb = measure("narrate synth", command, {"NARRATE_DEVICE": device}, gpu)
    manifest = json.loads((out / "manifest.json").read_text())
    audio = sum(ch["duration_s"] for ch in manifest["chapters"])
    stages = json.loads(stats.read_text())["stages"]
    name = f"narrate synth {label} ({manifest['model_variant']})".replace("  ", " ")
    sha256s = tuple(ch["sha256"] for ch in manifest["chapters"])
    return Run(name, wall, audio, rss, gpu_mb, stages, sha256s)


def print_table(runs: list[Run], chars: int) -> None:
    print(f"bench: {chars} characters, {os.cpu_count()} CPU cores")
    print(
        f"{'':42}{'wall s':>8}{'audio s':>9}{'x real time':>12}"
        f"{'phonemize':>10}{'infer':>8}{'qa':>6}{'assemble':>9}{'deliver':>8}"
        f"{'RSS MB':>8}{'GPU MB':>8}"
    )
    for run in runs:
        stages = run.stages or {}
        cells = [f"{stages[s]:.1f}" if s in stages else "-" for s in STAGES]
        gpu = "-" if run.peak_gpu_mb is None else f"{run.peak_gpu_mb:.0f}"
        print(
            f"{run.name:42}{run.wall_s:8.1f}{run.audio_s:9.1f}{run.speed:12.1f}"
            f"{cells[0]:>10}{cells[1]:>8}{cells[2]:>6}{cells[3]:>9}{cells[4]:>8}"
            f"{run.peak_rss_mb:8.0f}{gpu:>8}"
        )
    if any(run.stages for run in runs):
        print("(stage columns: busy seconds summed over threads; stages overlap)")
    wav_only = next((r for r in runs if r.name.startswith("narrate synth (")), None)
    for run in runs:
        if wav_only and run.name.startswith("narrate synth -"):
            print(
                f"{run.name.split(' (')[0]}: {run.wall_s / wav_only.wall_s:.2f}x the WAV-only time"
            )
    if len(runs) == 2:
        print(
            f"throughput ratio {runs[1].name.split(' (')[0]} / {runs[0].name.split(' (')[0]}:"
            f" {runs[1].speed / runs[0].speed:.2f}x (time ratio "
            f"{runs[1].wall_s / runs[0].wall_s:.2f}x)"
        )
    job = next((r for r in runs if r.name.startswith("narrate job")), None)
    if job and job.ready_s is not None:
        print(f"its worker was ready {job.ready_s:.1f} s after it started (before the clock)")
    if job and runs[0].sha256s:
        same = "yes" if job.sha256s == runs[0].sha256s else "NO"
        print(f"the job's chapters equal synth's, sample for sample: {same}")
