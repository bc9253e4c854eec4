"""Work run ahead in a pool, its results taken in order (`worker.ordered`)."""

import gc
import random
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from worker.ordered import Ahead, in_order


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


def test_ahead_submits_at_most_depth_keys_beyond_those_taken_in_the_order_given() -> None:
    """A book's chapters are phonemized ahead of their narration, not all at once."""
    submitted: list[int] = []

    def submit(key: int) -> "Future[int]":
        submitted.append(key)
        future: Future[int] = Future()
        future.set_result(key * 10)
        return future

    order = [5, 2, 9, 1, 7, 3]
    ahead = Ahead(submit, order, depth=2)
    assert submitted == [5, 2]
    assert ahead.take(5).result() == 50
    assert submitted == [5, 2, 9]
    assert ahead.take(2).result() == 20
    assert ahead.take(9).result() == 90
    assert submitted == [5, 2, 9, 1, 7]


def test_a_key_taken_before_its_turn_submits_those_before_it() -> None:
    """Chapter threads take their chapters in about the order given, not exactly."""
    submitted: list[int] = []

    def submit(key: int) -> "Future[int]":
        submitted.append(key)
        future: Future[int] = Future()
        future.set_result(key)
        return future

    ahead = Ahead(submit, range(10), depth=1)
    assert ahead.take(3).result() == 3
    assert submitted == [0, 1, 2, 3, 4]
    assert [ahead.take(key).result() for key in (1, 0, 2, 4)] == [1, 0, 2, 4]
    assert submitted == list(range(9))  # one more for each key taken
    with pytest.raises(KeyError, match="taken already"):
        ahead.take(3)
    assert submitted == list(range(9))  # nothing more for a key taken twice
    with pytest.raises(KeyError, match="not in the order"):
        ahead.take(42)


def test_a_submit_that_fails_fails_its_own_key_and_no_other() -> None:
    """A phonemizer process that died: the chapter whose work could not be submitted
    raises why, and the chapter already phonemized is still handed over."""

    def submit(key: int) -> "Future[int]":
        if key == 2:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: Future[int] = Future()
        future.set_result(key)
        return future

    ahead = Ahead(submit, range(5), depth=2)
    assert ahead.take(0).result() == 0
    assert ahead.take(1).result() == 1  # its take submitted key 2, which failed
    with pytest.raises(RuntimeError, match="after shutdown"):
        ahead.take(2).result()
    assert ahead.take(3).result() == 3


def test_a_taken_result_is_not_held_by_ahead() -> None:
    """What a chapter's phonemes hold is freed once its narration lets go of them."""

    class Phonemes:
        pass

    made: list[weakref.ref[Phonemes]] = []

    def submit(key: int) -> "Future[Phonemes]":
        result = Phonemes()
        made.append(weakref.ref(result))
        future: Future[Phonemes] = Future()
        future.set_result(result)
        return future

    ahead = Ahead(submit, range(20), depth=3)
    for key in range(20):
        ahead.take(key).result()
    gc.collect()
    assert len(made) == 20
    assert all(ref() is None for ref in made)


def test_cancelled_nothing_more_is_submitted_and_what_was_queued_is_cancelled() -> None:
    gate = threading.Event()
    ran: list[int] = []

    def work(key: int) -> int:
        gate.wait(5)
        ran.append(key)
        return key

    with ThreadPoolExecutor(1) as pool:
        ahead = Ahead(lambda key: pool.submit(work, key), range(100), depth=4)
        first = ahead.take(0)
        ahead.cancel()
        gate.set()
        assert first.result() == 0
        assert ahead.take(2).cancelled()  # queued, not begun
        assert ahead.take(50).cancelled()  # never submitted
    assert ran == [0]  # the one running when cancelled finishes, none of those queued


def test_many_threads_take_their_keys_each_once_submitted_in_the_order_given() -> None:
    """Chapter threads take their chapters at once, each its own, in about the order given."""
    submitted: list[int] = []
    lock = threading.Lock()

    def submit(key: int) -> "Future[int]":
        with lock:
            submitted.append(key)
        future: Future[int] = Future()
        future.set_result(key * key)
        return future

    ahead = Ahead(submit, range(200), depth=4)
    taken: dict[int, int] = {}

    def take_every_eighth(first: int) -> None:
        for key in range(first, 200, 8):
            result = ahead.take(key).result()
            with lock:
                taken[key] = result

    threads = [threading.Thread(target=take_every_eighth, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert taken == {key: key * key for key in range(200)}
    assert submitted == list(range(200))
