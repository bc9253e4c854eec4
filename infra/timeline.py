"""A book's `narrate -v synth` log summed up: when each step came, in seconds from the
command's start, for the GPU leases' timelines (docs/performance.md).

    date +%H:%M:%S.%N > start; narrate -v synth BOOK -o OUT 2> log; date +%H:%M:%S.%N > end
    python3 infra/timeline.py start end log

Each line of the log carries the wall clock to the millisecond, the narrating processes'
too ("[narrator PID]"); a step seen several times (a chapter begun, a process's voice
loaded) is given by its first, median and last time.
"""

import re
import statistics
import sys
from pathlib import Path

LINE = re.compile(r"(\d\d:\d\d:\d\d\.\d{3}) (?:\[narrator \d+\] )?\w+ (.*)")
STEPS = [
    ("imports done", r"narrate synth$"),
    ("GPU budget read", r"budget"),
    ("book read", r" read: \d+ chapter"),
    ("voice loading", r"loading voice"),
    ("voice loaded", r"voice \S+ loaded"),
    ("chapter begun", r"chapter \d+ begun"),
    ("chapter narrated", r"segments narrated"),
    ("chapter assembled", r"chapter \d+ assembled"),
    ("narrating process exits", r"^exiting$"),
    ("narrating processes gone", r"narrating processes have exited"),
    ("book stored", r"the book stored"),
]


def seconds(clock: str) -> float:
    hours, minutes, rest = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def main() -> None:
    start_file, end_file, log_file = sys.argv[1:4]
    start = seconds(Path(start_file).read_text().strip()[:15])
    end = seconds(Path(end_file).read_text().strip()[:15])
    seen: dict[str, list[float]] = {}
    for line in Path(log_file).read_text(errors="replace").splitlines():
        found = LINE.match(line)
        if not found:
            continue
        for step, pattern in STEPS:
            if re.search(pattern, found[2]):
                seen.setdefault(step, []).append(seconds(found[1]) - start)
        if "loaded: sessions" in found[2]:
            print("   ", found[2])
    for step, _ in STEPS:
        times = sorted(seen.get(step, []))
        if times:
            print(
                f"{step:28} x{len(times):<3} first {times[0]:6.2f}  "
                f"median {statistics.median(times):6.2f}  last {times[-1]:6.2f}"
            )
    print(f"{'the command ended':28}      {end - start:6.2f}")


if __name__ == "__main__":
    main()
