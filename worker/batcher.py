"""The dynamic batcher: passages from every task, chapter and job in a process, batched.

Callers submit passages and get futures. Inference threads take what is pending, wait a
few milliseconds for more while the batch is under budget, group similar sizes (padded size
within the budget, `models.voice.padded_groups`), and run the group holding the oldest
request, so nothing waits behind a stream of newer work. Requests batch together only with
the same sampling parameters and context flag (the front takes one set of scales).

On the GPU this is where throughput comes from: several chapters' passages fill one batch,
and while the GPU runs it, other threads phonemize, assemble and write. On the CPU the
budget is 0: one passage per run, one run per core.
"""

import atexit
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field

from models.backends import halving
from models.voice import Passage, SynthesisParams, Voice, VoiceOutput, padded_groups
from worker.timing import timed


@dataclass
class Request:
    passage: Passage
    params: SynthesisParams
    context: bool
    cost: int
    urgent: bool = False
    future: "Future[list[VoiceOutput]]" = field(default_factory=Future)


class Batcher:
    """Inference threads over one voice, fed from any number of submitting threads."""

    def __init__(self, voice: Voice, budget: int, workers: int, max_wait_s: float = 0.005):
        self.voice = voice
        self.budget = budget
        self.max_wait_s = max_wait_s
        self._pending: list[Request] = []
        self._ready = threading.Condition()
        self._closed = False
        self._callers: dict[int, Caller] = {}
        self._threads = [
            threading.Thread(target=self._serve, name=f"infer-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    @contextmanager
    def caller(self, passages: int) -> Iterator["Caller"]:
        """Counts a caller in with the passages it has to submit, while it submits."""
        caller = Caller(self, passages)
        with self._ready:
            self._callers[id(caller)] = caller
        try:
            yield caller
        finally:
            with self._ready:
                del self._callers[id(caller)]

    def room(self, caller: "Caller", least: int, shared: int) -> int:
        """Passages this caller may keep in flight.

        In flight are `least` passages per caller or `shared` in all, whichever is more,
        dealt out by the passages each caller has still to submit: a chapter twice as long
        gets twice as many, so the chapters in flight end together, and the book's longest
        is not left running alone at the end with the GPU half idle (docs/performance.md,
        "GPU"). Each keeps at least one per inference thread.
        """
        with self._ready:
            callers = list(self._callers.values())
        left = sum(c.left for c in callers)
        total = max(shared, least * len(callers))
        share = caller.left / left if left else 1.0
        return max(len(self._threads), round(total * share))

    def submit(
        self, passage: Passage, params: SynthesisParams, context: bool, urgent: bool = False
    ) -> "Future[list[VoiceOutput]]":
        """An urgent passage goes before every other but the urgent ones before it: taken
        as the oldest, it runs as soon as an inference thread is free."""
        request = Request(passage, params, context, self.voice.cost(passage), urgent)
        with self._ready:
            at = len(self._pending)
            if urgent:
                at = next((k for k, r in enumerate(self._pending) if not r.urgent), at)
            self._pending.insert(at, request)
            self._ready.notify()
        return request.future

    def close(self) -> None:
        """Fail what is pending and wait for running batches: a process exiting while an
        inference thread is inside onnxruntime can abort instead of exiting."""
        with self._ready:
            self._closed = True
            for request in self._pending:
                request.future.set_exception(RuntimeError("the batcher was closed"))
            self._pending.clear()
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()

    def _serve(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._run(batch)

    def _next_batch(self) -> list[Request] | None:
        with self._ready:
            while True:
                while not self._pending:
                    if self._closed:
                        return None
                    self._ready.wait()
                deadline = time.monotonic() + self.max_wait_s
                while self._pending_cost() < self.budget:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._ready.wait(left)
                if self._pending:  # another thread may have taken it all meanwhile
                    batch = self._take()
                    if self._pending:
                        self._ready.notify()  # more is waiting: wake another thread
                    return batch

    def _pending_cost(self) -> int:
        return sum(request.cost for request in self._pending)

    def _take(self) -> list[Request]:
        """The similar-size group, under budget, that holds the oldest pending request."""
        oldest = self._pending[0]
        alike = [
            r for r in self._pending if r.params == oldest.params and r.context == oldest.context
        ]
        groups = padded_groups([r.cost for r in alike], self.budget, self.voice.rows)
        group = next(g for g in groups if any(alike[i] is oldest for i in g))
        batch = [alike[i] for i in group]
        taken = {id(r) for r in batch}
        self._pending = [r for r in self._pending if id(r) not in taken]
        return batch

    def _run(self, batch: Sequence[Request]) -> None:
        try:
            with timed("infer"):
                outputs = self._synthesize(batch)
        except Exception as error:  # handed to every waiting caller, raised there
            for request in batch:
                request.future.set_exception(error)
            return
        for request, output in zip(batch, outputs, strict=True):
            request.future.set_result(output)

    def _synthesize(self, batch: Sequence[Request]) -> list[list[VoiceOutput]]:
        """One run; out of device memory, the batch is halved and each half retried."""
        return halving(self._synthesize_once, batch, "passages")

    def _synthesize_once(self, batch: Sequence[Request]) -> list[list[VoiceOutput]]:
        first = batch[0]
        return self.voice.synthesize([r.passage for r in batch], first.params, first.context)


@dataclass
class Caller:
    """One submitting thread, and how many of its passages are still to be submitted."""

    batcher: Batcher
    left: int

    def submitted(self, count: int) -> None:
        self.left -= count

    def room(self, least: int, shared: int) -> int:
        return self.batcher.room(self, least, shared)


_lock = threading.Lock()
_batchers: dict[int, Batcher] = {}


def batcher_for(voice: Voice, budget: int, workers: int) -> Batcher:
    """The process's batcher for this voice (its threads live as long as the process)."""
    with _lock:
        key = id(voice)
        if key not in _batchers or _batchers[key].voice is not voice:
            _batchers[key] = Batcher(voice, budget, workers)
        return _batchers[key]


@atexit.register
def _close_all() -> None:
    with _lock:
        batchers = list(_batchers.values())
    for batcher in batchers:
        batcher.close()
