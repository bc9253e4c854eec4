"""A book narrated by several processes on one device (worker.narrators), over the real
voice in real spawned processes: the same book as one process makes, the progress counted
once, a failed part failing the book without losing what the other part stored."""

import contextlib
import copy
import json
import multiprocessing
import os
import queue
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import pytest

from config.errors import OutputError
from config.jobs import Progress
from config.layout import chapter_key, marks_key
from config.manifest import Manifest
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.runtime import CUDA_DEVICE_PROCESSES, FALLBACK_GB, FREE_SHARE, gpu_processes
from producer.verify import verify
from worker.chapters import Book, ChaptersStopped
from worker.narrators import Narrators, _failed_first, _narrate_part, deal, share
from worker.pipeline import narrate
from worker.segment import segment_chapter
from worker.spawn import encoding_slots
from worker.storage import LocalStorage
from worker.timing import totals

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "A short one.",
    "The longest chapter of the three, which a book run should begin with. It goes on.",
    "One of middle length, here.",
    "Another chapter, a little longer than the short one.",
]
BOOK = Manuscript(chapters=[Chapter(index=i + 1, text=t) for i, t in enumerate(TEXTS)])
# One segment (`Settings().segmenting.max_chars` is 300) of about 15 seconds of audio.
LONG_SENTENCE = (
    "The longest chapter of the three, which a book run should begin with, goes on and on "
    "through the long afternoon, past the river and the mill, while the narrator keeps "
    "reading in an even voice and nobody in the room thinks of stopping him at all."
)


def test_chapters_are_dealt_longest_first_to_the_lightest_part() -> None:
    sizes = [10, 80, 30, 50, 20]
    longest_first = [1, 3, 2, 4, 0]
    assert deal(longest_first, sizes, 2) == [[1, 4], [3, 2, 0]]  # 100 against 90
    assert deal(longest_first, sizes, 1) == [longest_first]
    assert deal([1, 3], sizes, 4) == [[1], [3]]  # no part without a chapter
    assert deal([], sizes, 2) == []


def test_a_gpu_gets_as_many_processes_as_its_budget_holds_up_to_three() -> None:
    assert gpu_processes(143771 / 1024) == CUDA_DEVICE_PROCESSES == 3  # an idle H200
    assert gpu_processes(80) == 2  # 72 GB of budget: two of 32 GB
    assert gpu_processes(24) == 1
    assert gpu_processes(None) == 1  # nvidia-smi cannot tell
    assert gpu_processes(24, asked=4) == 4
    # a budget set counts, not the free memory: 20 GB of an idle H200 is one process's
    assert gpu_processes(140, budget_gb=20) == 1
    assert gpu_processes(None, budget_gb=70) == 2


def test_each_process_gets_its_share_of_the_budget_and_the_cores() -> None:
    cpu = share(Settings(inference_workers=4, delivery_workers=5), 2)
    assert (cpu.inference_workers, cpu.delivery_workers, cpu.device_processes) == (2, 2, 1)
    assert share(Settings(device="cuda", gpu_memory_gb=48), 2, 80).gpu_memory_gb == 24
    gpu = share(Settings(device="cuda"), 2, free_gb=80)
    assert gpu.gpu_memory_gb == pytest.approx(FREE_SHARE * 80 / 2)
    assert gpu.inference_workers == Settings(device="cuda").inference_workers  # its own 4
    assert share(Settings(device="cuda"), 3, free_gb=None).gpu_memory_gb == FALLBACK_GB / 3
    assert share(Settings(device="cuda:0"), 2, free_gb=80).device_processes == 1


def _stopped(error: BaseException) -> Future[None]:
    future: Future[None] = Future()
    future.set_exception(error)
    return future


def test_the_error_raised_is_the_failed_part_not_the_one_it_stopped() -> None:
    fine: Future[None] = Future()
    fine.set_result(None)
    stopped, failed = _stopped(ChaptersStopped("not begun")), _stopped(OSError("disk"))
    assert _failed_first([stopped, fine, failed]) == [failed, stopped, fine]


def test_two_processes_narrate_the_book_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[int, list[Progress]] = {1: [], 2: []}

    def book(processes: int) -> Manifest:
        out, settings = tmp_path / str(processes), Settings(device_processes=processes)
        report = seen[processes].append
        return narrate(BOOK, SynthesisOptions(), out, settings, lambda p: report(copy.copy(p)))

    one = book(1)
    infer_before = totals()["infer"]
    parts: list[list[list[int]]] = []
    apart = Narrators.narrate

    def spied(self: Narrators, book: Any, dealt: list[list[int]], *rest: Any) -> Any:
        parts.append(dealt)
        return apart(self, book, dealt, *rest)

    monkeypatch.setattr(Narrators, "narrate", spied)
    two = book(2)
    assert [sorted(part) for part in parts[0]] == [[1], [0, 2, 3]]  # two processes narrated
    assert [ch.sha256 for ch in two.chapters] == [ch.sha256 for ch in one.chapters]
    assert [ch.index for ch in two.chapters] == [1, 2, 3, 4]
    assert (two.voice, two.model_variant) == (one.voice, one.model_variant)
    last = seen[2][-1]
    assert (last.segments_done, last.chapters_done) == (last.segments_total, 4)
    assert last.audio_s == pytest.approx(seen[1][-1].audio_s)
    assert totals()["infer"] > infer_before  # the processes' busy seconds, counted here


def test_the_processes_start_before_the_book_is_segmented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that their imports overlap the segmenting (`worker.narrators.Narrators.ahead`)."""
    before = len(multiprocessing.active_children())
    running: list[int] = []

    def counting(*args: Any) -> Any:
        running.append(len(multiprocessing.active_children()) - before)
        return segment_chapter(*args)

    monkeypatch.setattr("worker.pipeline.segment_chapter", counting)
    narrate(BOOK, SynthesisOptions(), tmp_path, Settings(device_processes=2))
    assert running[0] == 2
    narrate(BOOK, SynthesisOptions(), tmp_path, Settings(device_processes=2))  # all kept
    assert running[len(TEXTS)] == 0  # none started for a book already narrated


def test_a_failed_part_fails_the_book_and_what_the_other_stored_is_kept(
    tmp_path: Path,
) -> None:
    out = tmp_path / "book"
    # The longest chapter (the first part's) cannot be written: a folder is in its way.
    # The other part begins its three at once (all in flight): begun, they are finished.
    (out / chapter_key(2)).mkdir(parents=True)
    settings = Settings(device_processes=2, chapters_in_flight=4)
    with pytest.raises(OutputError, match=r"002\.wav: cannot write") as failed:
        narrate(BOOK, SynthesisOptions(), out, settings)
    assert not isinstance(failed.value, ChaptersStopped)
    assert not (out / marks_key(2)).exists()
    stored = {i: (out / marks_key(i)).stat().st_mtime_ns for i in (1, 3, 4) if _done(out, i)}
    assert set(stored) == {1, 3, 4}
    (out / chapter_key(2)).rmdir()
    manifest = narrate(BOOK, SynthesisOptions(), out, settings)
    assert [ch.index for ch in manifest.chapters] == [1, 2, 3, 4]
    for i, mtime in stored.items():  # kept, not narrated again
        assert (out / marks_key(i)).stat().st_mtime_ns == mtime
    assert json.loads((out / "manifest.json").read_text())["job_id"] == manifest.job_id
    assert os.path.getsize(out / chapter_key(2)) > 44


def _done(out: Path, index: int) -> bool:
    return (out / marks_key(index)).is_file()


def start_synth(
    tmp_path: Path, sigint: Any = signal.SIG_DFL
) -> tuple[subprocess.Popen[str], list[str], Path]:
    """`narrate synth` of eight chapters in two processes, in a process group of its own (as
    a terminal's job is), once its first chapter is stored."""
    chapters = [f"# Chapter {i}\n\n{TEXTS[1]} {TEXTS[3]} {TEXTS[2]}" for i in range(1, 9)]
    book, out = tmp_path / "book.md", tmp_path / "out"
    book.write_text("\n\n".join(chapters))
    argv = [sys.executable, "-m", "producer.cli", "synth", str(book), "-o", str(out)]
    child = synth_job(argv, sigint=sigint)
    deadline = time.monotonic() + 120
    while not list(out.glob("marks/*.json")):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()[0]
        time.sleep(0.1)
    return child, argv, out


def synth_job(
    argv: list[str], env: dict[str, str] | None = None, sigint: Any = signal.SIG_DFL
) -> subprocess.Popen[str]:
    """`narrate synth` with two processes (or as `env` says), in a process group of its own
    (as a terminal's job is), Ctrl-C as a terminal delivers it (or as `sigint` says)."""
    return subprocess.Popen(
        [*argv, "--no-progress"],
        env=env or ENV,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )


ENV = {**os.environ, "NARRATE_DEVICE_PROCESSES": "2", "PYTHONPATH": str(ROOT)}
# Bounds for a loaded 2-core machine: the stopping line comes from the first signal's handler
# and the exit from the second's; finishing what was begun takes far longer on the long book.
SAID_S = 20.0
ABANDONED_S = 15.0


@pytest.mark.parametrize("how", ["Ctrl-C as it exits", "SIGTERM", "SIGKILL"])
def test_a_stopped_or_killed_synth_leaves_no_process_behind(tmp_path: Path, how: str) -> None:
    """Two Ctrl-C: `test_a_second_ctrl_c_abandons_the_chapters_begun_and_keeps_the_stored`."""
    child, _, out = start_synth(tmp_path)
    said = ""
    if how == "Ctrl-C as it exits":  # the second once it has said it stops
        os.killpg(child.pid, signal.SIGINT)
        assert child.stdout is not None
        while "interrupted" not in said:
            said += child.stdout.readline() or pytest.fail(f"no message: {said}")
        os.killpg(child.pid, signal.SIGINT)
    else:  # the parent alone, as `kill`, `timeout` or the OOM killer do
        child.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
    rest, _ = child.communicate(timeout=120)
    said += rest
    assert child.returncode == (-9 if how == "SIGKILL" else 130), said
    if how != "SIGKILL":
        assert said.strip().splitlines()[-1] == _kept_line(len(list(out.glob("marks/*.json"))))
        assert "Traceback" not in said
    assert _group_gone(child.pid), f"a process is left after {how}"


def test_ctrl_c_stops_every_process_quietly_and_a_rerun_keeps_what_was_stored(
    tmp_path: Path,
) -> None:
    child, argv, out = start_synth(tmp_path)
    env = ENV
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
    said = _said_within(child, "(Ctrl-C again to stop now)", SAID_S)
    assert re.search(r"narrate: stopping: finishing the (\d+ )?chapters? begun \(", said), said
    rest, _ = child.communicate(timeout=120)
    said += rest
    assert child.returncode == 130, said
    assert "Traceback" not in said
    assert _group_gone(child.pid), "a process of the interrupted run is still running"
    stored = {path.name: path.stat().st_mtime_ns for path in out.glob("marks/*.json")}
    assert 0 < len(stored) < 8  # chapters begun were finished, the others not begun
    assert said.strip().splitlines()[-1] == _kept_line(len(stored))
    rerun = subprocess.run([*argv, "--no-progress"], env=env, cwd=ROOT, capture_output=True)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(out.glob("marks/*.json"))) == 8
    for name, mtime in stored.items():
        assert (out / "marks" / name).stat().st_mtime_ns == mtime


def test_a_synth_started_with_ctrl_c_ignored_leaves_it_ignored_and_finishes(
    tmp_path: Path,
) -> None:
    """A script's `narrate synth ... &` starts it with SIGINT ignored: the terminal's
    Ctrl-C, meant for the script, must not stop the book midway."""
    child, _, out = start_synth(tmp_path, sigint=signal.SIG_IGN)
    try:
        os.killpg(child.pid, signal.SIGINT)
        marked = len(list(out.glob("marks/*.json")))
        said = child.communicate(timeout=120)[0]
    finally:
        _kill(child)
    assert marked < 8, "the book was done before Ctrl-C came: nothing was tested"
    assert child.returncode == 0, said
    assert "stopping" not in said and "interrupted" not in said, said
    assert len(list(out.glob("marks/*.json"))) == 8
    assert verify(out) == []


@pytest.mark.parametrize("processes", ["1", "2"], ids=["one process", "two processes"])
def test_sigterm_to_the_group_finishes_the_chapters_begun_and_a_rerun_keeps_them(
    tmp_path: Path, processes: str
) -> None:
    """SIGTERM to every process of the run, as systemd's stop (`KillMode=control-group`) or
    `kill -- -PGID` send it, as to the parent alone: the narrating and encoding processes
    leave it to the parent, which finishes the chapters begun (their MP3s too). Sent once
    a chapter is stored: the encoding processes, started as the first MP3 is, are running."""
    chapters = [f"# Chapter {i}\n\n{TEXTS[1]} {TEXTS[3]} {TEXTS[2]}" for i in range(1, 9)]
    book, out = tmp_path / "book.md", tmp_path / "out"
    book.write_text("\n\n".join(chapters))
    argv = [sys.executable, "-m", "producer.cli", "-v", "synth", str(book), "-o", str(out)]
    argv += ["--format", "mp3"]
    child = synth_job(argv, {**ENV, "NARRATE_DEVICE_PROCESSES": processes})
    try:
        _wait_for(child, lambda: list(out.glob("marks/*.json")))
        os.killpg(child.pid, signal.SIGTERM)
        said = child.communicate(timeout=120)[0]
    finally:
        _kill(child)
    assert child.returncode == 130, said
    assert "Traceback" not in said
    assert _group_gone(child.pid), "a process of the stopped run is still running"
    # `worker.chapters`' line with -v: each chapter begun must be finished and stored
    begun = {int(n) for n in re.findall(r": chapter (\d+) begun$", said, re.MULTILINE)}
    stored = _stored(out)
    assert begun and {f"{i:03d}.json" for i in begun} <= stored.keys(), said
    assert {f"{i:03d}.mp3" for i in begun} <= {path.name for path in out.glob("chapters/*")}
    assert said.strip().splitlines()[-1] == _kept_line(len(list(out.glob("marks/*.json"))))
    assert not list(out.glob(".work/*.wav"))  # no chapter's master left behind, unstored
    run = [*argv, "--no-progress"]
    rerun = subprocess.run(run, env=ENV, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    kept = "every chapter" if len(begun) == len(chapters) else str(len(begun))
    assert f"{kept} kept from an earlier run" in rerun.stdout, rerun.stdout
    assert _stored(out).items() >= stored.items()  # kept, not narrated again
    assert verify(out) == []


def test_a_second_ctrl_c_abandons_the_chapters_begun_and_keeps_the_stored(
    tmp_path: Path,
) -> None:
    child, argv, out = start_synth(tmp_path)
    try:
        os.killpg(child.pid, signal.SIGINT)
        said = _said_within(child, "(Ctrl-C again to stop now)", SAID_S)
        stored = _stored(out)
        os.killpg(child.pid, signal.SIGINT)
        said += child.communicate(timeout=ABANDONED_S)[0]
    finally:
        _kill(child)
    assert child.returncode == 130, said
    assert "Traceback" not in said
    assert _group_gone(child.pid), "a process of the abandoned run is still running"
    kept = _stored(out)
    assert kept.items() >= stored.items()  # those stored before stay as they were
    assert said.strip().splitlines()[-1] == _kept_line(len(list(out.glob("marks/*.json"))))
    assert not (out / ".work").exists() and not list(out.rglob("*.part"))
    rerun = subprocess.run([*argv, "--no-progress"], env=ENV, cwd=ROOT, capture_output=True)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(out.glob("marks/*.json"))) == 8
    assert _stored(out).items() >= kept.items()  # kept, not narrated again
    assert verify(out) == []  # the chapters abandoned, narrated whole by the rerun


@pytest.mark.parametrize(
    "processes,signum,send",
    [
        ("1", signal.SIGINT, os.killpg),
        ("2", signal.SIGTERM, os.kill),
        ("2", signal.SIGTERM, os.killpg),
    ],
    ids=["one process, Ctrl-C", "two processes, SIGTERM", "two processes, SIGTERM to the group"],
)
def test_a_second_signal_ends_a_long_book_at_once_with_no_chapter_finished(
    tmp_path: Path, processes: str, signum: int, send: Callable[[int, int], None]
) -> None:
    """Ctrl-C (to the process group) as one process narrates, the CPU's default; SIGTERM
    to the parent alone as two do, and to the group (systemd's stop, then its second
    SIGTERM or a Ctrl-C): their chapters, begun, would take minutes to finish."""
    # An hour of audio or more each (minutes to narrate even on a fast CPU), in fewer
    # segments in all than make a voice warm up for a long run (`LONG_RUN_SEGMENTS`)
    chapter = " ".join([LONG_SENTENCE] * 380)
    book, out = tmp_path / "book.md", tmp_path / "out"
    book.write_text(f"# One\n\n{chapter}\n\n# Two\n\n{chapter}")
    argv = [sys.executable, "-m", "producer.cli", "synth", str(book), "-o", str(out)]
    child = synth_job(argv, {**ENV, "NARRATE_DEVICE_PROCESSES": processes})
    try:
        _wait_for(child, lambda: list(out.glob(".work/*.f32")))  # a chapter's spool: begun
        send(child.pid, signum)
        said = _said_within(child, "(Ctrl-C again to stop now)", SAID_S)
        # a narrating process's report of the chapters it began may still be on its way
        begun = "chapter|2 chapters" if processes == "1" else "chapters?|2 chapters"
        assert re.search(rf"narrate: stopping: finishing the ({begun}) begun \(", said), said
        send(child.pid, signum)
        said += child.communicate(timeout=ABANDONED_S)[0]
    finally:
        _kill(child)
    assert child.returncode == 130, said
    assert said.strip().splitlines()[-1] == "narrate: interrupted; no chapter was finished", said
    assert "Traceback" not in said
    assert _group_gone(child.pid), "a process of the abandoned run is still running"
    assert not list(out.glob("marks/*")) and not list(out.glob("chapters/*"))
    assert not (out / ".work").exists()  # the abandoned chapters' spools: gone


def _kept_line(kept: int) -> str:
    if not kept:
        return "narrate: interrupted; no chapter was finished"
    are = "chapter is" if kept == 1 else "chapters are"
    return f"narrate: interrupted; {kept} finished {are} kept, rerun the same command to resume"


def _stored(out: Path) -> dict[str, int]:
    """The chapters stored, each its WAV and marks, by name: their mtimes."""
    done = [path.stem for path in out.glob("marks/*.json")]
    files = [out / key for stem in done for key in (f"chapters/{stem}.wav", f"marks/{stem}.json")]
    return {path.name: path.stat().st_mtime_ns for path in files}


def _wait_for(child: subprocess.Popen[str], ready: Callable[[], object]) -> None:
    deadline = time.monotonic() + 120
    while not ready():
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()[0]
        time.sleep(0.1)


def _said_within(child: subprocess.Popen[str], text: str, within_s: float) -> str:
    """What the child printed up to `text`, which it must print within `within_s`."""
    assert child.stdout is not None
    said, deadline = b"", time.monotonic() + within_s
    while text.encode() not in said:
        ready, _, _ = select.select([child.stdout], [], [], deadline - time.monotonic())
        chunk = os.read(child.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            pytest.fail(f"{text!r} not said within {within_s} s: {said.decode()!r}")
        said += chunk
    return said.decode()


def _kill(child: subprocess.Popen[str]) -> None:
    """A run the test gave up on, gone with all its processes."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _group_gone(group: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_narrators_closed_before_any_book_came_end_their_processes() -> None:
    before = set(multiprocessing.active_children())
    narrators = Narrators.ahead(Settings(device_processes=2))
    assert narrators is not None and narrators.processes == 2
    started = set(multiprocessing.active_children()) - before
    assert len(started) == 2
    narrators.close()
    assert not any(process.is_alive() for process in started)
    assert Narrators.ahead(Settings(device_processes=2), chapters=1) is None  # one suffices


def _voice_loaded() -> tuple[bool, bool]:
    """In a narrating process: whether a voice was loading ahead, and whether joe is loaded
    once it is done."""
    from models.pool import is_loaded
    from worker import narrators

    ahead = narrators.loading is not None
    if narrators.loading is not None:
        narrators.loading.join()
    return ahead, is_loaded("joe")


def test_a_voice_given_is_loaded_as_each_process_starts_before_its_part_comes() -> None:
    """On a GPU the sessions and the warm-up (~3 s) overlap the reading of the book."""
    narrators = Narrators(Settings(device_processes=2), 2, voice="joe")
    try:
        assert narrators.pool.submit(_voice_loaded).result(timeout=120) == (True, True)
    finally:
        narrators.close()
    narrators = Narrators(Settings(device_processes=2), 2)
    try:
        assert narrators.pool.submit(_voice_loaded).result(timeout=120) == (False, False)
    finally:
        narrators.close()
    # on the CPU the cores read the book meanwhile, and a short part needs no warm-up
    cpu = Narrators.ahead(Settings(device="cpu", device_processes=2), voice="joe")
    assert cpu is not None
    try:
        assert cpu.pool.submit(_voice_loaded).result(timeout=120) == (False, False)
    finally:
        cpu.close()


class _Freed:
    """Writes `freed` into its file when the interpreter's teardown frees it."""

    def __init__(self, path: str) -> None:
        # What it writes with is its own: a module's names may be gone by its teardown.
        self.write, self.file = os.write, os.open(path, os.O_WRONLY | os.O_CREAT)

    def __del__(self) -> None:
        self.write(self.file, b"freed")


def _held_and_handled(folder: str) -> int:
    """In a narrating process: an object held to the interpreter's teardown (as its sessions
    are) and an exit handler registered as work imports one (as the batcher's is)."""
    import atexit

    from worker import narrators

    narrators._held = _Freed(f"{folder}/freed")  # type: ignore[attr-defined]
    atexit.register(Path(f"{folder}/handled").write_text, "handled")
    return os.getpid()


def test_a_narrating_process_runs_its_exit_handlers_and_skips_the_teardown(
    tmp_path: Path,
) -> None:
    """Its parent waits for it to end: it ends once its exit handlers have run, without
    freeing what it holds one object at a time (a GPU's sessions took ~0.7 s with the
    manifest), and with status 0."""
    narrators = Narrators(Settings(device="cpu", device_processes=1), 1)
    try:
        narrators.pool.submit(_held_and_handled, str(tmp_path)).result(timeout=120)
        processes = list(narrators.pool._processes.values())  # type: ignore[attr-defined]
    finally:
        narrators.close()
    assert (tmp_path / "handled").read_text() == "handled"
    assert (tmp_path / "freed").read_text() == ""
    assert [process.exitcode for process in processes] == [0]


def _delivery_slot_free() -> bool:
    """In a narrating process: whether a file of a delivery pool made with the slots it was
    given could take a slot now."""
    from config.settings import get_settings
    from worker import narrators
    from worker.chapters import _encoders

    with _encoders(get_settings(), narrators.delivery_slots) as pool:
        return bool(pool.submit(_take_a_slot).result(timeout=60))


def _take_a_slot() -> bool:
    """In a delivery process: take one of the pool's slots if one is free, and give it back."""
    from worker import joined

    taken = joined._slots.acquire(block=False)
    if taken:
        joined._slots.release()
    return bool(taken)


def test_the_narrating_processes_are_given_the_host_s_slots() -> None:
    """Each narrating process's pool has a share of the processes (1 each here) but the
    host's slots (2): a book's last files may take what the other pools leave idle. With
    the host's slots all taken, as by the other processes' files, none is free in a pool."""
    narrators = Narrators(Settings(device="cpu", device_processes=2, delivery_workers=2), 2)
    taken = 0
    try:
        assert narrators.settings.delivery_workers == 1
        assert narrators.pool.submit(_delivery_slot_free).result(timeout=120)
        while narrators.slots.acquire(block=False):
            taken += 1
        assert taken == 2
        assert not narrators.pool.submit(_delivery_slot_free).result(timeout=120)
    finally:
        for _ in range(taken):
            narrators.slots.release()
        narrators.close()


def test_a_part_encodes_with_the_slots_its_process_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other half: a narrating process's part makes its delivery pool with them."""
    from worker import chapters, narrators

    host, pools = encoding_slots(2), []
    made = chapters._encoders

    def spied(settings: Settings, slots: Any = None) -> Any:
        pools.append(slots)
        return made(settings, slots)

    monkeypatch.setattr(chapters, "_encoders", spied)
    monkeypatch.setattr(narrators, "delivery_slots", host)
    monkeypatch.setattr(narrators, "_progress", queue.Queue())
    monkeypatch.setattr(narrators, "_stop", threading.Event())
    book = Manuscript(chapters=[Chapter(index=1, text=TEXTS[0])])
    segmented = [segment_chapter(TEXTS[0], Settings().segmenting)]
    options = SynthesisOptions(formats=["wav", "mp3"])
    _narrate_part(Book(book, options, LocalStorage(tmp_path), segmented), Settings(), [0])
    assert pools == [host]
    assert (tmp_path / "chapters" / "001.mp3").stat().st_size > 0


def test_a_book_that_cannot_be_read_is_one_error_and_leaves_no_process(tmp_path: Path) -> None:
    """The processes start before the book is read (`Narrators.ahead`)."""
    missing, out = str(tmp_path / "missing.txt"), str(tmp_path / "out")
    child = synth_job([sys.executable, "-m", "producer.cli", "synth", missing, "-o", out])
    said, _ = child.communicate(timeout=120)
    assert child.returncode != 0
    assert [line for line in said.splitlines() if line.startswith("narrate: ")] == [
        line for line in said.splitlines() if line.strip()
    ]
    assert said.strip().startswith("narrate: error: ") and "missing.txt" in said
    assert _group_gone(child.pid), "a narrating process outlived the failed run"


def test_the_progress_relay_stops_at_the_end_mark_having_counted_all_before_it() -> None:
    """The parts' progress comes ahead of the end mark the caller puts once they have exited:
    the relay counts all of it and stops there, without waiting to see the queue idle."""
    from worker.narrators import _relay

    progress: Queue[Any] = multiprocessing.get_context("spawn").Queue()
    counted: list[tuple[Any, ...]] = []
    for step in [(1, 2.0, 0, 1), (2, 3.5, 1, 1), None]:
        progress.put(step)
    relay = threading.Thread(
        target=_relay, args=(progress, lambda *s: counted.append(s), threading.Event())
    )
    relay.start()
    relay.join(timeout=30)
    assert not relay.is_alive()  # the parts' end was never signalled otherwise
    assert counted == [(1, 2.0, 0, 1), (2, 3.5, 1, 1)]


def test_the_phonemizer_started_ahead_goes_to_the_first_part_of_its_voice_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A narrating process's first part takes it; a later part starts its own; a book of
    another voice does not use it, and it is shut down."""
    import worker.narrators

    ahead = ThreadPoolExecutor(1)
    monkeypatch.setattr(worker.narrators, "phonemizer", ("joe", ahead))
    assert worker.narrators._phonemizer_for("joe") is ahead
    assert worker.narrators._phonemizer_for("joe") is None
    other = ThreadPoolExecutor(1)
    monkeypatch.setattr(worker.narrators, "phonemizer", ("joe", other))
    assert worker.narrators._phonemizer_for("amy") is None
    with pytest.raises(RuntimeError, match="after shutdown"):
        other.submit(print)
