"""Time spent per pipeline stage in this process, summed over the threads that did it.

Stages overlap (a chapter assembles while others infer), so these are busy seconds per
stage, not slices of the wall clock; `narrate bench` prints them beside the wall time.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("phonemize", "infer", "qa", "assemble", "deliver")
_totals: defaultdict[str, float] = defaultdict(float)
_lock = threading.Lock()


@contextmanager
def timed(stage: str) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    finally:
        with _lock:
            _totals[stage] += time.perf_counter() - began


def totals() -> dict[str, float]:
    with _lock:
        return {stage: round(_totals[stage], 2) for stage in STAGES}


def add_busy(stage: str, seconds: float) -> None:
    """Busy seconds spent elsewhere (another process) on behalf of this one."""
    with _lock:
        _totals[stage] += seconds
