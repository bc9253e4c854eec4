"""Helper processes (a phonemizer, encoders, a GPU's narrating processes).

Spawned, not forked: their parent runs threads, and a fork would copy those threads' locks
mid-use. Deaf to the signals that reach every process of a job: the terminal's Ctrl-C (to
its process group), and SIGTERM from systemd's stop (to every process of the service, its
default `KillMode=control-group`) or `kill -- -PGID`. The parent gets those too and decides
what stops and what finishes (chapters begun are finished and stored, none is begun), and
shuts its helpers down itself; interrupted where they stood, they lost the work in hand.
SIGINT and SIGTERM are blocked from their start (a signal while they import would interrupt
that too); then SIGINT is ignored, and SIGTERM is taken by a thread of its own, which acts
on the parent's only (`_ended_by`). And they end when their parent does: killed (SIGKILL,
the OOM killer), it cannot shut them down, and a narrating process left behind holds a
GPU's memory. A parent abandoning their work (`end_helpers`: a second Ctrl-C or SIGTERM)
ends them with SIGTERM, and each ends its own helpers first.

A book's narrating processes may instead be forked from multiprocessing's fork server, a
process of its own started as `narrate synth` starts (`start_fork_server`), before the
command's own imports: it imports what narrating needs meanwhile, and what it forks starts
with that done (docs/performance.md, "The narrating processes forked ready"). A fork from
it is safe where a fork from the parent is not: it runs no thread of Python's. Such a
process takes its parent's environment as it was when its pool was made, not the server's.
"""

import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from typing import Any, NoReturn, TypeVar

from worker.memory import tune_malloc

log = logging.getLogger(__name__)

PARENT_CHECK_S = 1.0
HELPERS_END_S = 2.0  # for helpers told to end to do so, before they are killed
TELL_AGAIN_S = 0.1  # between the SIGTERMs a helper is sent until it ends (`end_helpers`)
HELPER_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # `narrate`'s, without -v
MIN_SLOTS = 2  # on 2 cores one process encodes, and its last file may take both cores
# How often a main thread waiting on work wakes (`wait_awake`).
WAKE_S = 0.25

T = TypeVar("T")


# Blocked in a helper from its start; SIGTERM stays blocked in every thread it runs, for
# `_ended_by` to take.
_BLOCKED = {signal.SIGINT, signal.SIGTERM}
_server_started = False  # `start_fork_server` called in this process


class HelperPool(ProcessPoolExecutor):
    """Processes start on submit (as many as needed, up to the pool's size): SIGINT and
    SIGTERM are blocked while they are started, so that they inherit them blocked."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "Future[Any]":
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def helper_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    start: bool = False,
    forked: bool = False,
) -> ProcessPoolExecutor:
    """A pool of `workers` spawned helper processes, each first running
    initializer(*initargs) if given; all started now with `start`, else as work comes.
    `forked`: forked from the fork server instead, where `start_fork_server` started one."""
    from_server = forked and _server_started
    context = multiprocessing.get_context("forkserver" if from_server else "spawn")
    environment = dict(os.environ) if from_server else None
    setup = (os.getpid(), environment, initializer, initargs)
    pool = HelperPool(max(1, workers), context, initializer=_start, initargs=setup)
    if start and from_server:  # each waits for the server's imports: the caller goes on
        threading.Thread(target=_start_all, args=(pool, workers), name="helpers-start").start()
    elif start:
        _start_all(pool, workers)
    return pool


def _start_all(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the pool's processes: a submit finding no idle process starts one, and none is
    idle yet. A pool shut down meanwhile (its caller failed early) starts no more; one
    whose processes cannot start now tries again as work is submitted, where it fails."""
    try:
        for _ in range(max(1, workers)):
            pool.submit(os.getpid)
    except (RuntimeError, OSError, EOFError):  # shut down; the server gone
        log.debug("helpers not started ahead", exc_info=True)


def start_fork_server(modules: Sequence[str]) -> None:
    """Start multiprocessing's fork server now, importing `modules` as it starts, for the
    pools asked to be `forked` from it; from the main thread. The server ignores SIGINT and
    SIGTERM from its start (a signal's disposition outlives exec, a blocked mask does not):
    the terminal's Ctrl-C would end it mid-import with a traceback, and SIGTERM to the whole
    group would end it under the processes it forked, which their pool takes for all of
    them dead. It ends when this process does. The few milliseconds it takes to start, this
    process ignores them too."""
    global _server_started
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(modules))
    handlers = {number: signal.signal(number, signal.SIG_IGN) for number in _BLOCKED}
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    _server_started = True


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
    `_ended_by`), and one still running `within_s` later is killed.

    Told again until it ends: another's SIGTERM to the whole group (systemd's second,
    `kill -- -PGID` again) may still be pending in a helper as this one comes, and two
    pending are kept as one, the first sender's, which the helper ignores."""
    helpers = multiprocessing.active_children()
    deadline = time.monotonic() + within_s
    while (running := [h for h in helpers if h.exitcode is None]) and (
        left := deadline - time.monotonic()
    ) > 0:
        for helper in running:
            helper.terminate()
        multiprocessing.connection.wait([h.sentinel for h in running], min(left, TELL_AGAIN_S))
    for helper in helpers:
        if helper.exitcode is None:
            helper.kill()
    for helper in helpers:
        helper.join(within_s)


def wait_awake(
    futures: Iterable["Future[Any]"], return_when: str = ALL_COMPLETED
) -> tuple[set["Future[Any]"], set["Future[Any]"]]:
    """concurrent.futures.wait (ALL_COMPLETED or FIRST_EXCEPTION), waking every WAKE_S.

    For the main thread, whose waits Ctrl-C and SIGTERM must cut short: Python runs a
    signal's handler in the main thread alone, and a signal the kernel gives another
    thread (any that does not block it may take it) leaves a main thread asleep on a lock
    until the lock is let go, a chapter's narration later. Woken, it runs the handler.

    A future cancelled counts as done: one a pool's shutdown cancelled is never counted so
    by `wait`, no worker thread ever taking it up."""
    futures = list(futures)
    while True:
        done, pending = wait([f for f in futures if not f.cancelled()], WAKE_S, return_when)
        failed = return_when == FIRST_EXCEPTION and any(
            not f.cancelled() and f.exception() is not None for f in done
        )
        if not pending or failed:
            return done, pending


def result_awake(future: "Future[T]") -> T:
    """The future's result, waited for as `wait_awake` waits."""
    wait_awake([future])
    return future.result()


def forget_semaphores() -> None:
    """Unlink the semaphores this process made, as its exit does, for a process that ends
    with os._exit: the resource tracker would else print a warning of each as leaked."""
    run = getattr(multiprocessing.util, "_run_finalizers", None)  # not in the stubs
    if run is not None:  # else the warnings are all that is lost
        run(0)


def _ended_by(parent: int) -> None:
    """A helper's SIGTERM, taken in a thread of its own. The parent's (`end_helpers`, or its
    pool ending the rest once one has died) ends the helper, at once: no thread need come
    back from onnxruntime or an encoder first. Anyone else's reached the whole process group
    or cgroup, the parent too, which decides (`producer.stopping`): it would cut short the
    chapters the parent is finishing."""
    while True:
        sender = signal.sigwaitinfo({signal.SIGTERM}).si_pid
        if sender == parent:
            _terminated()
        log.debug("SIGTERM from process %d ignored: the parent %d decides", sender, parent)


def _terminated() -> NoReturn:
    # Told again meanwhile (its pool, broken by another helper's end, terminates the rest),
    # it is not told twice: the signal stays blocked, and the one thread taking it is here.
    forget_semaphores()  # first: killed once its parent's patience ends, it has done that
    # Its own helpers end before it, or each would write on for up to PARENT_CHECK_S
    # (`_end_with`) after its parent has gone and the one above has tidied the output away.
    end_helpers(HELPERS_END_S / 2)
    os._exit(1)


def _start(
    parent: int,
    environment: dict[str, str] | None,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> None:
    # Blocked already where HelperPool started it; blocked here before any thread starts, so
    # that every thread, onnxruntime's and the encoders' too, leaves SIGTERM to `_ended_by`.
    signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    if environment is not None:  # forked from the fork server: its parent's, not the server's
        os.environ.clear()
        os.environ.update(environment)
        # The server ignores SIGTERM; `_ended_by` takes it, and an ignored one never comes.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one pending is dropped
    threading.Thread(target=_ended_by, args=(parent,), daemon=True, name="sigterm").start()
    tune_malloc()  # a spawned process starts with glibc's defaults, not its parent's
    threading.Thread(target=_end_with, args=(parent,), daemon=True, name="parent").start()
    if initializer is not None:
        initializer(*initargs)
    if not logging.getLogger().handlers:  # a narrating process sets its own
        # as the command's, not Python's last resort (the message alone)
        logging.basicConfig(level=logging.WARNING, format=HELPER_LOG_FORMAT)
    if environment is not None:
        log.debug("forked from the fork server")


def _end_with(parent: int) -> None:
    """Exit once the parent has. One forked from the fork server has the server for its
    parent by pid: it watches the pipe it was started through, which the parent's end
    closes."""
    if os.getppid() != parent:
        parent_process = multiprocessing.parent_process()
        if parent_process is not None:
            multiprocessing.connection.wait([parent_process.sentinel])
        os._exit(1)
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
