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


def bench(path: Path, chapter: int | None, voice: str, baseline: bool) -> int:
    manuscript = read_manuscript(path)
    chapters = manuscript.chapters if chapter is None else [manuscript.chapters[chapter]]
    with tempfile.TemporaryDirectory(prefix="narrate-bench-") as scratch:
        work = Path(scratch)
        text = work / "text.txt"
        text.write_text("\n\n".join(ch.text for ch in chapters), encoding="utf-8")
        runs = []
        if baseline:
            runs.append(run_piper(text, voice, work))
        runs.append(run_narrate(text, voice, work))
    print_table(runs, sum(len(ch.text) for ch in chapters))
    return 0


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
        print(f"throughput ratio narrate / baseline: {runs[1].speed / runs[0].speed:.2f}x")
