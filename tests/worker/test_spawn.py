"""Helper processes (worker.spawn) and SIGTERM: another process's, sent to the whole group
(systemd's stop, `kill -- -PGID`), is left to the parent; the parent's ends a helper at
once, even where the two come together."""

import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from pathlib import Path

from worker.spawn import HELPERS_END_S, helper_pool, wait_awake

ROOT = Path(__file__).resolve().parents[2]


def _sigterm_from_another(pid: int) -> None:
    """SIGTERM as `kill -- -PGID` sends it: from a process that is not the helper's parent."""
    subprocess.run(["kill", "-TERM", str(pid)], check=True)


def _script(tmp_path: Path, text: str, path: str = "") -> "subprocess.CompletedProcess[str]":
    """`text` run as a script of its own (its `__main__`, the helpers' `__mp_main__`) with
    the project on its path, and `path` too; it must succeed."""
    script = tmp_path / "script.py"
    script.write_text(text)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), path]))}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def _helper(pool: ProcessPoolExecutor) -> BaseProcess:
    (process,) = pool._processes.values()  # type: ignore[attr-defined]
    return process  # type: ignore[no-any-return]


def test_a_helper_leaves_another_process_s_sigterm_to_its_parent() -> None:
    """It finishes the work in hand and takes more: its parent decides when it stops."""
    pool = helper_pool(1)
    try:
        pid = pool.submit(os.getpid).result(timeout=60)
        busy = pool.submit(time.sleep, 1.0)
        _sigterm_from_another(pid)
        assert busy.result(timeout=60) is None
        assert pool.submit(os.getpid).result(timeout=60) == pid
    finally:
        pool.shutdown()


def test_a_helper_told_to_end_by_its_parent_ends_at_once() -> None:
    """Mid-call, with its semaphores forgotten (status 1, not killed by the signal)."""
    pool = helper_pool(1)
    try:
        pool.submit(os.getpid).result(timeout=60)
        process = _helper(pool)
        pool.submit(time.sleep, 60)
        time.sleep(0.2)  # the call begun
        began = time.monotonic()
        process.terminate()
        # Far sooner than the call's 60 s; the bound is loose because a loaded machine (the
        # suite on 2 cores) has taken over 2 s to schedule the helper's signal thread.
        process.join(5 * HELPERS_END_S)
        assert process.exitcode == 1
        assert time.monotonic() - began < 5 * HELPERS_END_S
    finally:
        pool.shutdown(cancel_futures=True)


# Run as a script: a helper slow to start (its imports, on a loaded machine) has both
# SIGTERMs pending at once, another process's first; the parent's own is then lost in it.
_TOGETHER = """
import multiprocessing, os, subprocess, sys, time
from worker.spawn import end_helpers, helper_pool

if __name__ == "__mp_main__":  # in the helper, as it starts: SIGTERM blocked
    time.sleep(0.5)

if __name__ == "__main__":
    pool = helper_pool(1)
    pool.submit(os.getpid)
    (helper,) = multiprocessing.active_children()
    subprocess.run(["kill", "-TERM", str(helper.pid)], check=True)
    end_helpers(within_s=10.0)
    print(helper.exitcode)
"""


def test_a_helper_ends_when_its_parent_s_sigterm_comes_with_another_s(tmp_path: Path) -> None:
    """As a second SIGTERM to the group abandons the run: its helpers get that one and
    their parent's (`end_helpers`) together. Ended by itself (status 1), not killed."""
    done = _script(tmp_path, _TOGETHER)
    assert done.stdout.split() == ["1"], done.stderr


# Run as a script: a helper's warning goes to the same stderr as the command's own.
_WARNS = """
import logging
from worker.spawn import helper_pool

def warn():
    logging.getLogger("models.phonemizer").warning("skipping a character: %r", "x")

if __name__ == "__main__":
    with helper_pool(1) as pool:
        pool.submit(warn).result(timeout=60)
"""


def test_a_helper_s_warning_is_written_as_the_command_s_are(tmp_path: Path) -> None:
    """Level and logger before the message, as `narrate` writes its own: Python's last
    resort handler, where none is set, writes the message alone."""
    result = _script(tmp_path, _WARNS)
    assert result.stderr.splitlines() == ["WARNING models.phonemizer: skipping a character: 'x'"]


# A signal the kernel gives a thread other than the main one (any thread not blocking it
# may take it): its handler, which runs in the main thread alone, must not wait for the
# work the main thread waits on.
_SIGNALLED_ASIDE = """
import signal, sys, threading, time
from concurrent.futures import ThreadPoolExecutor, wait
from worker.spawn import result_awake

handled = []
signal.signal(signal.SIGINT, lambda *_: handled.append(time.monotonic()))
aside = threading.Thread(target=time.sleep, args=(2.0,))
aside.start()
sent = []

def send() -> None:  # once the main thread waits
    time.sleep(1.0)
    sent.append(time.monotonic())
    signal.pthread_kill(aside.ident, signal.SIGINT)

with ThreadPoolExecutor(2) as pool:
    work = pool.submit(time.sleep, 5.0)  # a chapter's narration
    pool.submit(send)
    if sys.argv[1] == "awake":
        result_awake(work)
    else:
        wait([work])
print(handled[0] - sent[0])
"""


def test_a_signal_another_thread_takes_is_handled_while_the_main_thread_waits() -> None:
    """Awake (`wait_awake`), the handler runs within a wake; asleep on the lock (a plain
    wait, as narrate_chapters waited), only once the work is done."""
    delays = {}
    for how in ("awake", "asleep"):
        run = subprocess.run(
            [sys.executable, "-c", _SIGNALLED_ASIDE, how],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        delays[how] = float(run.stdout)
    assert delays["awake"] < 2.0, delays
    assert delays["asleep"] > 3.0, delays


def test_waiting_awake_counts_a_future_a_shutdown_cancelled_as_done() -> None:
    """`concurrent.futures.wait` never does: the chapters not begun, cancelled as the pool
    shuts down after Ctrl-C, would hold the wait for those begun forever."""
    pool = ThreadPoolExecutor(1)
    begun = pool.submit(time.sleep, 0.5)
    queued = pool.submit(time.sleep, 0.5)
    pool.shutdown(wait=False, cancel_futures=True)
    assert queued.cancelled()
    waiter = ThreadPoolExecutor(1)
    try:
        done, pending = waiter.submit(wait_awake, [begun, queued]).result(timeout=30)
    finally:
        waiter.shutdown()
    assert done == {begun} and not pending


# Run as a script: a pool forked from the fork server, and one spawned, compared.
_FORKED = """
import os, sys
from worker.spawn import helper_pool, start_fork_server

def look():
    parent = os.getppid() == int(os.environ["SCRIPT"])
    return parent, os.environ["SET_AFTER"], "json.tool" in sys.modules

if __name__ == "__main__":
    start_fork_server(["json.tool"])  # imported by neither this script nor a helper itself
    os.environ.update(SCRIPT=str(os.getpid()), SET_AFTER="yes")
    for forked in (True, False):
        with helper_pool(1, forked=forked) as pool:
            print(*pool.submit(look).result(timeout=60))
"""


def test_a_pool_forked_from_the_fork_server_has_its_imports_and_the_parent_s_environment(
    tmp_path: Path,
) -> None:
    """Forked: the server's imports done, its parent the server, and the environment the
    parent has as the helper starts (set after the server started); spawned: none of the
    server's imports, the script its parent."""
    done = _script(tmp_path, _FORKED)
    assert done.stdout.splitlines() == ["False yes True", "True yes False"], done.stderr


# Run as a script: a fork server slow to import (a module that sleeps as it is imported).
_SLOW_SERVER = """
import os, time
from worker.spawn import helper_pool, start_fork_server

if __name__ == "__main__":
    start_fork_server(["slow"])
    began = time.monotonic()
    pool = helper_pool(2, start=True, forked=True)
    returned = time.monotonic() - began
    pids = {pool.submit(os.getpid).result(timeout=60) for _ in range(8)}
    print(round(returned, 2), round(time.monotonic() - began, 2), len(pids))
    pool.shutdown()
"""


def test_a_pool_forked_from_the_fork_server_is_started_without_holding_its_caller(
    tmp_path: Path,
) -> None:
    """The caller goes on (`narrate synth` reads the book) while the server imports; the
    pool's processes come once it has, and only as many as asked for."""
    (tmp_path / "slow.py").write_text("import time\ntime.sleep(2.0)\n")
    # on the server's own path: Python 3.11's takes its parent's sys.path only from here
    done = _script(tmp_path, _SLOW_SERVER, path=str(tmp_path))
    returned, served, processes = done.stdout.split()
    assert float(returned) < 1.0 and float(served) >= 2.0, done.stdout
    assert int(processes) <= 2
