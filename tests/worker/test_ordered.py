"""Work run ahead in a pool, its results taken in order (`worker.ordered`)."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from worker.ordered import in_order


def test_results_come_in_the_items_order_whatever_order_they_finish_in() -> None:
    rng = random.Random(0)
    delays = [rng.uniform(0, 0.02) for _ in range(40)]

    def work(i: int) -> int:
        time.sleep(delays[i])  # later items often finish first
        return i * i

    with ThreadPoolExecutor(8) as pool:
        assert list(in_order(pool, work, range(40), depth=8)) == [i * i for i in range(40)]


def test_at_most_depth_items_are_run_ahead_of_the_one_taken() -> None:
    """Memory stays bounded: a chapter's segments are fetched 16 at a time, not all."""
    started: list[int] = []
    lock = threading.Lock()

    def work(i: int) -> int:
        with lock:
            started.append(i)
        return i

    ahead = []
    with ThreadPoolExecutor(8) as pool:
        for taken in in_order(pool, work, range(50), depth=4):
            time.sleep(0.002)  # the pool catches up with what it was given
            with lock:
                ahead.append(max(started) - taken)
    assert max(ahead) <= 4
    assert max(ahead) >= 3  # it does run ahead: not one item at a time


def test_closed_early_the_items_not_begun_are_not_run() -> None:
    ran: list[int] = []
    gate = threading.Event()

    def work(i: int) -> int:
        gate.wait(5)
        ran.append(i)
        return i

    with ThreadPoolExecutor(1) as pool:
        results = in_order(pool, work, range(100), depth=10)
        gate.set()
        assert next(results) == 0
        results.close()
    assert len(ran) <= 12  # the first, the one running when closed, none of those queued


def test_a_failure_is_raised_in_its_place_and_stops_the_rest() -> None:
    def work(i: int) -> int:
        if i == 3:
            raise ValueError("segment 3 is missing")
        return i

    taken = []
    with ThreadPoolExecutor(4) as pool, pytest.raises(ValueError, match="segment 3"):
        for result in in_order(pool, work, range(20), depth=4):
            taken.append(result)
    assert taken == [0, 1, 2]
