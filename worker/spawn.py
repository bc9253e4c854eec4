"""Helper processes (a phonemizer, encoders, a GPU's narrating processes).

Spawned, not forked: their parent runs threads, and a fork would copy those threads' locks
mid-use. Deaf to the terminal's Ctrl-C, which reaches the whole process group: the parent
decides what stops and what finishes (chapters begun are finished and stored, none is
begun) and shuts its helpers down itself; interrupted where they stood, they printed a
traceback each and lost the work in hand. SIGINT is blocked from their start (a Ctrl-C
while they import would interrupt that too) and ignored once they run. And they end when
their parent does: killed (SIGKILL, the OOM killer), it cannot shut them down, and a
narrating process left behind holds a GPU's memory. A parent abandoning their work
(`end_helpers`: a second Ctrl-C) ends them with SIGTERM, and each ends its own helpers first.
"""

import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import FrameType
from typing import Any

from worker.memory import tune_malloc

log = logging.getLogger(__name__)

PARENT_CHECK_S = 1.0
HELPERS_END_S = 2.0  # for helpers told to end to do so, before they are killed
MIN_SLOTS = 2  # on 2 cores one process encodes, and its last file may take both cores


class HelperPool(ProcessPoolExecutor):
    """Processes start on submit (as many as needed, up to the pool's size): SIGINT is
    blocked while they are started, so that they inherit it blocked."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "Future[Any]":
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def helper_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    start: bool = False,
) -> ProcessPoolExecutor:
    """A pool of `workers` spawned helper processes, each first running
    initializer(*initargs) if given; all started now with `start`, else as work comes."""
    context = multiprocessing.get_context("spawn")
    setup = (os.getpid(), initializer, initargs)
    pool = HelperPool(max(1, workers), context, initializer=_start, initargs=setup)
    if start:  # a submit finding no idle process starts one; none is idle yet
        for _ in range(max(1, workers)):
            pool.submit(os.getpid)
    return pool


def encoding_slots(workers: int) -> Any:
    """A semaphore of slots for the encoders of `workers` delivery processes, one each and
    `MIN_SLOTS` at least, to be shared by them (`worker.joined.share_slots`)."""
    return multiprocessing.get_context("spawn").BoundedSemaphore(max(MIN_SLOTS, workers))


def load_voice_ahead(voice: str) -> threading.Thread:
    """The pooled voice loading in a thread of its own, in a process that has just started
    (a narrating process, a prefork worker's), so that its first part or task does not wait
    for all of it: that one's own `get_voice` then waits for the load or finds the voice. A
    failure is left for that call to raise, where the work's errors are handled. Not a
    daemon: a process told to stop as it starts exits once the load has ended, not while a
    thread is inside onnxruntime."""

    def load() -> None:
        from models.pool import get_voice  # here: the process's start imports little

        try:
            get_voice(voice)
        except Exception:
            log.debug(
                "loading %s ahead failed; it is loaded again where used", voice, exc_info=True
            )

    thread = threading.Thread(target=load, name="voice-ahead")
    thread.start()
    return thread


def end_helpers(within_s: float = HELPERS_END_S) -> None:
    """End this process's helpers now, whatever they were doing: each is told to (SIGTERM:
    `_terminated`), and one still running `within_s` later is killed."""
    helpers = multiprocessing.active_children()
    for helper in helpers:
        helper.terminate()
    deadline = time.monotonic() + within_s
    for helper in helpers:
        helper.join(max(0.0, deadline - time.monotonic()))
        if helper.exitcode is None:
            helper.kill()
    for helper in helpers:
        helper.join(within_s)


def forget_semaphores() -> None:
    """Unlink the semaphores this process made, as its exit does, for a process that ends
    with os._exit: the resource tracker would else print a warning of each as leaked."""
    run = getattr(multiprocessing.util, "_run_finalizers", None)  # not in the stubs
    if run is not None:  # else the warnings are all that is lost
        run(0)


def _terminated(signum: int, frame: FrameType | None) -> None:
    # Told again (its pool, broken by another helper's end, terminates the rest), it would
    # begin this over, and exit from there with its semaphores half forgotten.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    forget_semaphores()  # first: killed once its parent's patience ends, it has done that
    # Its own helpers end before it, or each would write on for up to PARENT_CHECK_S
    # (`_end_with`) after its parent has gone and the one above has tidied the output away.
    end_helpers(HELPERS_END_S / 2)
    os._exit(1)


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one pending is dropped
    tune_malloc()  # a spawned process starts with glibc's defaults, not its parent's
    threading.Thread(target=_end_with, args=(parent,), daemon=True, name="parent").start()
    if initializer is not None:
        initializer(*initargs)


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
