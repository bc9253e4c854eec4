"""Work run ahead in a pool, its results taken in order: a chapter's stretches encoded
(`worker.joined`), its segments fetched from storage (`worker.jobs`)."""

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Executor, Future
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_order(
    pool: Executor, work: Callable[[Item], Result], items: Iterable[Item], depth: int
) -> Generator[Result, None, None]:
    """work(item) of each item in turn, at most `depth` run ahead in the pool. Closed early
    (a failure downstream), or when one fails, those not begun are cancelled."""
    queued: deque[Future[Result]] = deque()
    try:
        for item in items:
            queued.append(pool.submit(work, item))
            if len(queued) > max(1, depth):
                yield queued.popleft().result()
        while queued:
            yield queued.popleft().result()
    finally:
        for future in queued:
            future.cancel()
