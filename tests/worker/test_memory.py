import threading
from pathlib import Path

import numpy as np

from worker.memory import heap, limit_malloc_arenas, release_free_memory


def test_malloc_arenas_are_capped_and_threads_still_allocate() -> None:
    assert limit_malloc_arenas(2)  # glibc took the setting (Linux, as CI and workers are)
    sums: list[float] = []

    def work() -> None:
        sums.append(float(np.ones(1_000_000, dtype=np.float32).sum()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sums == [1_000_000.0] * 8


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
