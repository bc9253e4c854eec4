"""A book narrated by several processes on one device (`NARRATE_DEVICE_PROCESSES`).

One Python process drives a GPU through its inference threads, its chapters' threads and
their assembly, and they take turns at the GIL; a second process, with its own sessions,
batcher and share of the memory budget, lifts that bound (docs/performance.md, "Several
processes per GPU"). The chapters are dealt longest first to the process with the least
text so far, so that the processes end together. Each process stores its chapters as one
process would (marks last), so an interrupted book resumes the same way; the caller
delivers the book and writes the manifest once every chapter is stored.

The processes are started before the book is read (`Narrators.ahead`, from `narrate
synth`): their imports, a second or so each, then overlap the caller's. So this module
imports little itself; what narrating needs is imported in the processes. On a GPU each
also loads the voice as it starts (sessions and warm-up, ~3 s), while the caller reads,
segments and deals the book.
"""

import atexit
import logging
import multiprocessing
import multiprocessing.util
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Executor, Future
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any

from config.settings import CUDA_INFERENCE_WORKERS, Settings, get_settings
from models.runtime import device_processes, process_budget_gb, resolve_device
from worker.spawn import encoding_slots, helper_pool, load_voice_ahead, wait_awake
from worker.timing import add_busy, totals

if TYPE_CHECKING:
    from config.manifest import ChapterEntry
    from worker.chapters import Book, Narrated
    from worker.stages import Narrator

log = logging.getLogger(__name__)

Counted = Callable[..., None]  # (segments, audio seconds, chapters=0, begun=0)
Step = tuple[int, float, int, int]  # progress: segments, audio seconds, chapters, begun
Part = tuple[dict[int, "ChapterEntry"], "Narrator", dict[str, float]]  # what a part returns


def deal(todo: list[int], sizes: list[int], processes: int) -> list[list[int]]:
    """`todo` (longest first) dealt to at most `processes` parts, each chapter to the part
    with the least text so far; empty parts left out."""
    parts: list[list[int]] = [[] for _ in range(max(1, processes))]
    loads = [0] * len(parts)
    for i in todo:
        lightest = loads.index(min(loads))
        parts[lightest].append(i)
        loads[lightest] += sizes[i]
    return [part for part in parts if part]


def share(settings: Settings, processes: int, free_gb: float | None = None) -> Settings:
    """One process's settings: its share of the GPU memory budget (the automatic one from
    the free memory read once, before any of them holds memory), of the encoding
    processes and, on the CPU, of the cores."""
    device = resolve_device(settings.device)
    update: dict[str, Any] = {
        "device_processes": 1,
        "delivery_workers": max(1, settings.delivery_workers // processes),
    }
    if device == "cpu":
        update["inference_workers"] = max(1, settings.inference_workers // processes)
        return settings.model_copy(update=update)
    if "inference_workers" not in settings.model_fields_set:  # `auto`: not capped yet
        update["inference_workers"] = min(CUDA_INFERENCE_WORKERS, settings.inference_workers)
    update["gpu_memory_gb"] = process_budget_gb(free_gb, processes, device, settings.gpu_memory_gb)
    return settings.model_copy(update=update)


class Narrators:
    """The processes one book is narrated in, started before it is at hand."""

    def __init__(
        self,
        settings: Settings,
        processes: int,
        free_gb: float | None = None,
        voice: str | None = None,
    ) -> None:
        """`voice`: loaded in each process as it starts, before its part of the book comes."""
        context = multiprocessing.get_context("spawn")
        self.processes = processes
        self.progress: Queue[Step | None] = context.Queue()
        self.stop = context.Event()
        self.settings = share(settings, processes, free_gb)
        # The host's encoding slots, one semaphore for every process's delivery pool: the
        # book's last files may take the slots the other processes' pools leave idle.
        self.slots = encoding_slots(settings.delivery_workers)
        level = logging.getLogger().getEffectiveLevel()
        setup = (_environment(self.settings), self.progress, self.stop, level, voice, self.slots)
        self.pool = helper_pool(processes, _begin, setup, start=True, forked=True)

    @classmethod
    def ahead(
        cls, settings: Settings, chapters: int | None = None, voice: str | None = None
    ) -> "Narrators | None":
        """The processes a book is narrated in on this device (at most one a chapter when
        `chapters` is known), started now; None where one process narrates it all. On a
        GPU they load `voice` as they start; on the CPU its cores read the book meanwhile,
        and whether the voice warms up depends on how much of it a process narrates."""
        device = resolve_device(settings.device)
        processes, free_gb = device_processes(settings, device)
        processes = min(processes, chapters) if chapters is not None else processes
        if processes <= 1:
            return None
        return cls(settings, processes, free_gb, voice if device != "cpu" else None)

    def narrate(self, book: "Book", parts: list[list[int]], counted: Counted) -> "Narrated":
        """Narrate each part's chapters in a process of its own; every chapter's entry. When
        a part fails, the others begin no new chapter (those running finish and are stored)
        and the first failure is raised."""
        ended = threading.Event()
        relay = threading.Thread(
            target=_relay,
            args=(self.progress, counted, ended),
            name="narrators-progress",
            daemon=True,
        )
        relay.start()
        futures: list[Future[Part]] = []
        try:
            futures.extend(self.pool.submit(_narrate_part, book, self.settings, p) for p in parts)
            done, _ = wait_awake(futures, FIRST_EXCEPTION)
            if any(future.exception() for future in done):
                self.stop.set()
            results = [future.result() for future in _failed_first(futures)]
        finally:
            self.close(futures)
            log.debug("the narrating processes have exited")
            # The parts have exited, their progress flushed into the queue ahead of this end
            # mark, so the relay stops once it has counted theirs, not at its next poll.
            self.progress.put(None)
            ended.set()
            relay.join()
        from worker.chapters import Narrated

        entries = {}
        for part_entries, _, busy in results:
            entries.update(part_entries)
            for stage, seconds in busy.items():
                add_busy(stage, seconds)
        return Narrated(entries, results[0][1])

    def close(self, parts: list["Future[Part]"] | None = None) -> None:
        """Stop the processes once they have finished what they began (none, if no book came:
        a failure while it was read); `parts`, those submitted."""
        self.stop.set()
        _shut_down(self.pool, parts or [])


def _shut_down(pool: Executor, parts: list["Future[Part]"]) -> None:
    """Wait for the parts to finish what they began. A second Ctrl-C raised here would leave
    the pool half shut, its processes waiting for work that never comes and the interpreter
    waiting for them at exit: it is ignored until they are done, unless the caller handles
    it (`narrate synth` abandons the parts then: `producer.stopping`, which this waiting
    must let in at once: `wait_awake`)."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        wait_awake(parts)
        pool.shutdown(wait=True, cancel_futures=True)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def _failed_first(futures: list["Future[Part]"]) -> list["Future[Part]"]:
    """The futures once all are done, a failed one first: its error is the one raised, not
    another part's that stopped because of it."""
    from worker.chapters import ChaptersStopped as Stopped

    wait_awake(futures)
    failed = [f for f in futures if f.exception() and not isinstance(f.exception(), Stopped)]
    return failed + [f for f in futures if f not in failed]


def _environment(settings: Settings) -> dict[str, str]:
    """What a narrating process reads from its environment: the voice's pool loads with
    `get_settings()`, so the share goes there too."""
    return {
        "NARRATE_GPU_MEMORY_GB": repr(settings.gpu_memory_gb),
        "NARRATE_DEVICE_PROCESSES": "1",
        "NARRATE_DELIVERY_WORKERS": str(settings.delivery_workers),
        "NARRATE_INFERENCE_WORKERS": str(settings.inference_workers),
    }


def _relay(progress: "Queue[Step | None]", counted: Counted, ended: threading.Event) -> None:
    """Count the parts' progress here until the end mark (None) comes after it, or, should
    a killed part have left the queue unreadable, until they have ended and nothing more
    comes. A report that fails is logged, not let stop the relay: the parts would block on
    a full queue."""
    while True:
        try:
            step = progress.get(timeout=0.2)
        except queue.Empty:
            if ended.is_set():
                return
            continue
        if step is None:
            return
        try:
            counted(*step)
        except Exception:
            log.exception("progress report failed")


_progress: "Queue[Step | None] | None" = None
_stop: Event | None = None
loading: threading.Thread | None = None  # the voice loading ahead in a narrating process
# In a narrating process on a GPU: the phonemizer process started as it started, for the
# voice named, which its first part takes.
phonemizer: tuple[str, Executor] | None = None
delivery_slots: Any = None  # in a narrating process: the host's encoding slots


def _begin(
    environment: dict[str, str],
    progress: "Queue[Step | None]",
    stop: Event,
    level: int,
    voice: str | None,
    slots: Any,
) -> None:
    """A narrating process's start: its settings, its way back to the parent, the host's
    encoding slots, its logs, and the voice, loading while the parent reads the book."""
    global _progress, _stop, loading, delivery_slots, phonemizer
    os.environ.update(environment)
    get_settings.cache_clear()
    _progress, _stop, delivery_slots = progress, stop, slots
    clock = "%(asctime)s.%(msecs)03d " if level <= logging.DEBUG else ""  # as `narrate -v`
    logging.basicConfig(
        level=level,
        format=f"{clock}[narrator {os.getpid()}] %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
    )
    if voice is not None:
        loading = load_voice_ahead(voice)
    atexit.register(_leave)  # before the narration's imports: their exit handlers run first
    if voice is not None:  # its phonemes ready by the time the voice is
        from worker.chapters import phonemizer_ahead

        phonemizer = (voice, phonemizer_ahead(voice))
        # Shut down as the process ends if no part took it, before multiprocessing joins
        # the process's children, which would else wait on it for ever; and before the
        # queues' feeders are closed (their finalizers' priority is 10), or the word to
        # stop never reaches it.
        multiprocessing.util.Finalize(None, _drop_phonemizer, exitpriority=100)


def _phonemizer_for(voice: str) -> Executor | None:
    """The phonemizer process started ahead, once, where it is the book's voice's."""
    global phonemizer
    ahead, phonemizer = phonemizer, None
    if ahead is None:
        return None
    if ahead[0] != voice:
        ahead[1].shutdown(wait=False)
        return None
    return ahead[1]


def _drop_phonemizer() -> None:
    global phonemizer
    ahead, phonemizer = phonemizer, None
    if ahead is not None:
        ahead[1].shutdown(wait=True)


def _leave() -> None:
    """A narrating process's exit once its pool has let it go: its work is returned and
    stored, its helpers ended and its streams flushed (`multiprocessing`'s own exit does
    those before the exit handlers). What is left is freeing its sessions' GPU memory block
    by block and the interpreter's teardown, which its parent would wait for; the driver
    takes the process's memory back as it ends. Registered as it starts, so the handlers of
    what it imports later run first. Its status is 0: the pool reads none. (One forked from
    the fork server, `worker.headstart`, leaves so by itself, its exit handlers not run.)"""
    log.debug("exiting")
    logging.shutdown()
    os._exit(0)


def _narrate_part(book: "Book", settings: Settings, part: list[int]) -> Part:
    """In a narrating process: its chapters' entries, its narrator, and the busy seconds
    this part took (a pool process may run two parts)."""
    assert _progress is not None and _stop is not None
    progress, stop = _progress, _stop

    def counted(segments: int, audio_s: float, chapters: int = 0, begun: int = 0) -> None:
        progress.put((segments, audio_s, chapters, begun))

    from worker.chapters import narrate_chapters

    before = totals()
    narrated = narrate_chapters(
        book,
        settings,
        part,
        counted,
        stop=stop.is_set,
        slots=delivery_slots,
        phonemizer=_phonemizer_for(book.options.voice),
    )
    busy = {stage: seconds - before[stage] for stage, seconds in totals().items()}
    return narrated.entries, narrated.narrator, busy
