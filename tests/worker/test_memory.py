import threading

import numpy as np

from worker.memory import limit_malloc_arenas


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
