"""Whole-book runs of several copies of narrate, alternating: the GPU figures' A/B runner.

    python3 infra/gpu-ab.py ROUNDS NAME=dir:PATH[,ENV:VALUE ...] [NAME=...]

Each copy is a tree holding config/ models/ producer/ worker/ samples/ (for instance
`git archive HEAD config models producer worker samples | tar -x -C /tmp/main`), run with
its own environment on top of this one's. Each round runs every copy once, in the order
given: `python3 -m producer.cli synth BOOK -o OUT --no-progress` (BOOK: $BOOK), timed by
the process's wall clock, with the GPU's memory in use sampled every 0.2 s (nvidia-smi).
Machines vary from one start to the next (docs/performance.md, "What the GPU figures rest
on"): only runs of one call compare. A failed run is reported and left out of the medians.
"""

import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

BOOK = os.path.abspath(os.environ.get("BOOK", "book.txt"))
USAGE = "usage: python3 infra/gpu-ab.py ROUNDS NAME=dir:PATH[,ENV:VALUE ...] [NAME=...]"


def gpu_used_mb() -> int:
    """Memory in use over the GPUs this process sees (0 where nvidia-smi cannot say)."""
    try:
        result = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
        )
        return sum(int(line) for line in result.stdout.split()) if result.returncode == 0 else 0
    except (FileNotFoundError, ValueError):  # no GPU here, or a message instead of figures
        return 0


def run(name: str, spec: dict[str, str], k: int) -> float | None:
    """One whole-book run of a copy: its wall clock, None when it failed."""
    env = dict(os.environ)
    tree = os.path.abspath(spec.pop("dir"))
    env.update(spec)
    env["PYTHONPATH"] = tree + ":" + env.get("PYTHONPATH", "")
    out = f"/tmp/gpu-ab/{name}-{k}"
    shutil.rmtree(out, ignore_errors=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], gpu_used_mb())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    command = [sys.executable, "-m", "producer.cli", "synth", BOOK, "-o", out, "--no-progress"]
    try:
        result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    finally:
        wall = time.perf_counter() - began
        done.set()
        shutil.rmtree(out, ignore_errors=True)  # whole books pile up over the rounds
    lines = (result.stdout + result.stderr).strip().splitlines()
    said = lines[-12:] if result.returncode else [x for x in lines if "narrated" in x]
    print(f"{name} run {k}: rc {result.returncode} wall {wall:.2f} s peak GPU {peak[0]} MB")
    for line in said:
        print(f"    {line}", flush=True)
    return None if result.returncode else wall


def main() -> None:
    try:
        rounds = int(sys.argv[1])
        copies = {}
        for arg in sys.argv[2:]:
            name, rest = arg.split("=", 1)
            copies[name] = dict(part.split(":", 1) for part in rest.split(","))
            assert os.path.isdir(copies[name].get("dir", ""))
    except (IndexError, ValueError, AssertionError):
        sys.exit(USAGE)
    walls: dict[str, list[float]] = {name: [] for name in copies}
    for k in range(rounds):
        for name, spec in copies.items():
            wall = run(name, dict(spec), k)
            if wall is not None:
                walls[name].append(wall)
    for name, runs in walls.items():
        listed = " ".join(f"{w:.2f}" for w in runs)
        median = f"median {statistics.median(runs):.2f} s" if runs else "no run succeeded"
        print(f"{name}: {listed}; {median}")


if __name__ == "__main__":
    main()
