"""Helper processes (a phonemizer, encoders, a GPU's narrating processes).

Spawned, not forked: their parent runs threads, and a fork would copy those threads' locks
mid-use. Deaf to the terminal's Ctrl-C, which reaches the whole process group: the parent
decides what stops and what finishes (chapters begun are finished and stored, none is
begun) and shuts its helpers down itself; interrupted where they stood, they printed a
traceback each and lost the work in hand.
"""

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def helper_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes that ignore SIGINT, each first running
    initializer(*initargs) if given."""
    context = multiprocessing.get_context("spawn")
    setup = (initializer, initargs)
    return ProcessPoolExecutor(max(1, workers), context, initializer=_deaf, initargs=setup)


def _deaf(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
