"""`narrate bench`: narrate and the baseline on the same text, side by side, in one run.

Both run as child processes so that each one's peak RSS is its own (``os.wait4``). The
baseline on the CPU is ``python -m piper`` with the same voice, one sentence at a time.
Throughput is audio seconds per wall second ("x real time"), start-up included for both.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import soundfile

from config.errors import ManuscriptError
from models.registry import find_voice
from producer.manuscript import read_manuscript
from worker.storage import MANIFEST_KEY, open_storage


@dataclass(frozen=True)
class Run:
    name: str
    wall_s: float
    audio_s: float
    peak_rss_mb: float

    @property
    def speed(self) -> float:
        return self.audio_s / self.wall_s


def measure(name: str, command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of a child process; raises if it fails."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if status != 0:
        raise ManuscriptError(f"{name} failed: {stderr.strip()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def bench(
    path: Path, chapter: int | None, voice: str, baseline: bool, queue: str | None = None
) -> int:
    manuscript = read_manuscript(path)
    chapters = manuscript.chapters if chapter is None else [manuscript.chapters[chapter]]
    with tempfile.TemporaryDirectory(prefix="narrate-bench-") as scratch:
        work = Path(scratch)
        text = work / "text.txt"
        text.write_text("\n\n".join(ch.text for ch in chapters), encoding="utf-8")
        runs = []
        if baseline and not queue:
            runs.append(run_piper(text, voice, work))
        runs.append(run_narrate(text, voice, work))
        if queue:
            runs.insert(0, runs.pop())  # synth is the baseline of the queue
            runs.append(run_queue(text, voice, work, queue))
    print_table(runs, sum(len(ch.text) for ch in chapters))
    return 0


def run_queue(text: Path, voice: str, work: Path, dest: str) -> Run:
    """The same text as a job: one worker (started first, as a service is), enqueue, wait.

    Time runs from `narrate enqueue` to the end of `narrate wait`; the worker loads its
    voice on its first task, inside that time, as `narrate synth` does in its own.
    """
    log = open(work / "worker.log", "wb")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "producer.cli", "worker"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_ready(work / "worker.log")
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
                "--seed",
                str(int(time.time())),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if enqueued.returncode != 0:
            raise ManuscriptError(f"narrate enqueue failed: {enqueued.stderr.strip()}")
        job_id = enqueued.stdout.split()[0]
        waited = subprocess.run(
            [sys.executable, "-m", "producer.cli", "wait", job_id],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - began
        if waited.returncode != 0:
            raise ManuscriptError(f"job {job_id} did not finish: {waited.stdout.strip()}")
        manifest = open_storage(dest).child(job_id).get_json(MANIFEST_KEY)
        audio = sum(chapter["duration_s"] for chapter in manifest["chapters"])
    finally:
        worker.terminate()
        usage = os.wait4(worker.pid, 0)[2]
        log.close()
    return Run("narrate job (Redis + S3)", wall, audio, usage.ru_maxrss / 1024)


def _wait_ready(log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b" ready." in log.read_bytes():
            return
        time.sleep(0.2)
    raise ManuscriptError(f"the worker did not start: {log.read_text(errors='replace')[-500:]}")


def run_piper(text: Path, voice: str, work: Path) -> Run:
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
    wall, rss = measure("python -m piper", command)
    return Run("python -m piper (baseline)", wall, soundfile.info(str(wav)).duration, rss)


def run_narrate(text: Path, voice: str, work: Path) -> Run:
    out = work / "narrate"
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
    ]
    wall, rss = measure("narrate synth", command)
    manifest = json.loads((out / "manifest.json").read_text())
    audio = sum(ch["duration_s"] for ch in manifest["chapters"])
    return Run("narrate synth (context on)", wall, audio, rss)


def print_table(runs: list[Run], chars: int) -> None:
    print(f"bench: {chars} characters, {os.cpu_count()} CPU cores")
    print(f"{'':30}{'wall s':>9}{'audio s':>10}{'x real time':>13}{'peak RSS MB':>13}")
    for run in runs:
        print(
            f"{run.name:30}{run.wall_s:9.1f}{run.audio_s:10.1f}{run.speed:13.1f}"
            f"{run.peak_rss_mb:13.0f}"
        )
    if len(runs) == 2:
        print(
            f"throughput ratio {runs[1].name.split(' (')[0]} / {runs[0].name.split(' (')[0]}:"
            f" {runs[1].speed / runs[0].speed:.2f}x (time ratio "
            f"{runs[1].wall_s / runs[0].wall_s:.2f}x)"
        )
