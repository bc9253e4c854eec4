"""Work run ahead in a pool, its results taken in order: a chapter's stretches encoded
(`worker.joined`), its segments fetched from storage (`worker.jobs`), a book's chapters
phonemized (`worker.chapters`, `worker.plans`)."""

import threading
from collections import deque
from collections.abc import Callable, Generator, Hashable, Iterable
from concurrent.futures import Executor, Future
from typing import Generic, TypeVar

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)
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


class Ahead(Generic[Key, Result]):
    """Work submitted for keys in a given order, at most `depth` submitted and not yet
    taken; each result is taken by its key, in about that order, by several threads at
    once (a key asked for before its turn submits those before it).

    A taken future is forgotten here, so its result lives as long as its taker holds it: a
    book's chapters phonemized all at once held every chapter's phonemes and word links
    until the book's end, ~300 Python objects a segment (docs/performance.md, "The soak's
    Python objects").
    """

    def __init__(
        self, submit: Callable[[Key], "Future[Result]"], keys: Iterable[Key], depth: int
    ) -> None:
        self._submit = submit
        self._keys = iter(keys)
        self._queued: dict[Key, Future[Result]] = {}
        self._taken: set[Key] = set()
        self._cancelled = False
        self._lock = threading.Lock()
        with self._lock:
            for _ in range(max(1, depth)):
                self._submit_next()

    def _submit_next(self) -> bool:
        for key in self._keys:
            try:
                self._queued[key] = self._submit(key)
            except Exception as error:  # a pool broken or shut down: its taker gets why
                failed: Future[Result] = Future()
                failed.set_exception(error)
                self._queued[key] = failed
            return True
        return False

    def take(self, key: Key) -> "Future[Result]":
        """The future of key's work (submitted now if its turn has not come), and the next
        key's work submitted. After `cancel`, a cancelled future for a key not queued."""
        with self._lock:
            if key in self._taken:
                raise KeyError(f"{key!r}: taken already")
            while key not in self._queued and self._submit_next():
                pass
            future = self._queued.pop(key, None)
            if future is not None:
                self._taken.add(key)
                self._submit_next()
            elif self._cancelled:
                future = Future()
                future.cancel()
            else:
                raise KeyError(f"{key!r}: not in the order given")
        return future

    def cancel(self) -> None:
        """Nothing more is submitted, and what is queued and not begun is cancelled."""
        with self._lock:
            self._cancelled = True
            self._keys = iter(())
            for future in self._queued.values():
                future.cancel()
