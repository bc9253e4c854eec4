import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

from worker.memory import heap, release_free_memory, tune_malloc


def test_malloc_arenas_are_capped_and_threads_still_allocate() -> None:
    assert tune_malloc(arenas=2)  # glibc took the setting (Linux, as CI and workers are)
    sums: list[float] = []

    def work() -> None:
        sums.append(float(np.ones(1_000_000, dtype=np.float32).sum()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sums == [1_000_000.0] * 8


# Run in a fresh interpreter: a heap that already holds free memory (after other tests)
# serves even large blocks from it, whatever the threshold.
MAPPED_ON_THEIR_OWN = """
import numpy as np
from worker.memory import heap, tune_malloc

assert tune_malloc()
larger = np.ones(2**22 // 8)  # freed: by glibc's default the threshold rises to 4 MiB
del larger
before = heap()
block = np.ones(2**21 // 8)
during = heap()
del block
after = heap()
print(during.mapped - before.mapped, after.mapped - before.mapped)
"""


def test_large_blocks_stay_mapped_on_their_own_after_larger_ones_are_freed() -> None:
    # When a fresh process tunes glibc, frees a 4 MiB block, then takes and frees 2 MiB
    done = subprocess.run(
        [sys.executable, "-c", MAPPED_ON_THEIR_OWN],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    during, after = (float(mb) for mb in done.stdout.split())

    # Then the 2 MiB were mapped on their own, and given back to the system when freed
    assert during >= 2
    assert after <= 0.1


def anonymous_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def test_memory_freed_between_live_blocks_goes_back_to_the_system() -> None:
    # Given ~300 MB of blocks small enough for the heap, all freed but the last one, which
    # pins the heap's top so that glibc cannot shrink it by itself
    before = heap()
    assert before is not None
    blocks = [np.ones(100_000 // 8) for _ in range(3_000)]
    held = heap()
    assert held is not None and held.in_use > before.in_use + 250
    last = blocks[-1]
    del blocks
    resident = anonymous_mb()
    after_free = heap()
    assert after_free is not None and after_free.free > 250  # freed, still held

    # When the free memory is released, the pages go back and the live block stays
    assert release_free_memory()
    assert anonymous_mb() < resident - 200
    assert float(last.sum()) == 100_000 // 8
