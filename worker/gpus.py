"""`narrate worker` on GPUs: worker processes per GPU (`--device cuda:all`: on every visible
one; `NARRATE_DEVICE_PROCESSES` on each), supervised.

Each child sees exactly one GPU, as cuda:0 (`CUDA_VISIBLE_DEVICES` set to that GPU's entry),
and runs its own Celery pool under its own node name. Alone on its GPU it sizes its own
memory budget; several on one GPU get their shares of a budget read once, here, before any
of them holds memory.

The parent only supervises: SIGTERM, SIGINT and SIGQUIT go to every child (a warm
shutdown each, as Celery's; a second SIGINT is then a cold one), and when one child exits on
its own the others are stopped and the parent exits non-zero. It does not restart a child: a
worker that dies on a GPU usually dies again (driver, memory, a bad setting), and a service
manager (systemd, Kubernetes) restarts the whole unit with its backoff and its logs; the
ledger makes the restart lose nothing. Each line a child writes is prefixed `[gpu LABEL]`:
the GPU's entry, and `/K` for the K-th of several processes on it.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import IO

from config.errors import DeviceError
from models.runtime import free_memory_of, gpu_processes, process_budget_gb

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    """One worker process: the GPU it sees (as cuda:0), its place among that GPU's workers,
    and its share of the GPU's memory (0: alone, it reads its own)."""

    gpu: str
    process: int = 1
    processes: int = 1
    budget_gb: float = 0.0

    @property
    def label(self) -> str:
        return self.gpu if self.processes == 1 else f"{self.gpu}/{self.process}"


ChildArgv = Callable[[Slot], list[str]]
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
SMI_QUERY = ["nvidia-smi", "--query-gpu=index,uuid", "--format=csv,noheader"]


def visible_gpus(asked: str = "cuda:all") -> list[str]:
    """The GPUs this process may use: CUDA_VISIBLE_DEVICES's entries (indices, UUIDs or their
    prefixes, up to the first invalid one, as CUDA reads it) checked against nvidia-smi where
    it runs, a UUID prefix completed (nvidia-smi -i, which sizes a budget, wants it whole);
    without CUDA_VISIBLE_DEVICES, nvidia-smi's indices."""
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    entries = None if listed is None else _entries(listed)
    if entries == []:
        raise DeviceError(f"--device {asked}: CUDA_VISIBLE_DEVICES={listed!r} names no GPU")
    known = _smi_gpus(asked)
    if entries is None:
        if known is None:
            raise DeviceError(
                f"--device {asked}: nvidia-smi is not on PATH to list the GPUs; "
                "name them with CUDA_VISIBLE_DEVICES=0,1,..."
            )
        return [index for index, _ in known]
    return entries if known is None else [_checked(entry, known, asked) for entry in entries]


def _entries(listed: str) -> list[str]:
    entries = []
    for entry in (e.strip() for e in listed.split(",")):
        if not entry or entry.startswith("-"):
            break  # CUDA ignores the rest of the list
        entries.append(entry)
    return entries


def _checked(entry: str, known: list[tuple[str, str]], asked: str) -> str:
    if (entry.isdigit() and int(entry) < len(known)) or entry.startswith("MIG-"):
        return entry
    uuids = [uuid for _, uuid in known if uuid.startswith(entry)]
    if entry.startswith("GPU-") and len(uuids) == 1:
        return uuids[0]
    listing = ", ".join(f"{index} {uuid}" for index, uuid in known)
    raise DeviceError(
        f"--device {asked}: CUDA_VISIBLE_DEVICES names GPU {entry!r}, "
        f"which is not one of nvidia-smi's: {listing}"
    )


def _smi_gpus(asked: str) -> list[tuple[str, str]] | None:
    """(index, UUID) of every GPU nvidia-smi lists; None without nvidia-smi."""
    try:
        done = subprocess.run(SMI_QUERY, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DeviceError(f"--device {asked}: nvidia-smi failed: {error}") from None
    said = (done.stderr or done.stdout).strip().splitlines()
    if done.returncode != 0:
        reason = said[0] if said else f"exit {done.returncode}"
        raise DeviceError(f"--device {asked}: nvidia-smi lists no GPU: {reason}")
    rows = [line.split(",") for line in done.stdout.splitlines() if line.strip()]
    if not rows:
        raise DeviceError(f"--device {asked}: nvidia-smi lists no GPU")
    return [(row[0].strip(), row[-1].strip()) for row in rows]


def worker_slots(device: str, asked: int = 0, budget_gb: float = 0.0) -> list[Slot]:
    """The worker processes for `--device DEVICE` (cuda:all, cuda or cuda:N, as CUDA numbers
    the visible GPUs): on each GPU as many as `gpu_processes` gives for its free memory
    (or `asked`), each with its share of budget_gb (0: of the automatic budget), the free
    memory read once per GPU."""
    gpus = visible_gpus(device)
    first = 0
    if device != "cuda:all":
        number = device.partition(":")[2] or "0"
        if not number.isdigit():
            raise DeviceError(f"unknown device {device!r}: use cpu, cuda, cuda:N or auto")
        first = int(number)
        if first >= len(gpus):
            raise DeviceError(f"--device {device}: {len(gpus)} GPU(s) visible here")
        gpus = [gpus[first]]
    places = []
    for gpu in gpus:
        free_gb = free_memory_of(gpu)  # the entry as listed: a UUID prefix completed
        processes = gpu_processes(free_gb, asked, budget_gb)
        if processes == 1:  # alone on its GPU: it sizes its own budget, as ever
            places.append(Slot(gpu, budget_gb=budget_gb))
            continue
        each = process_budget_gb(free_gb, processes, set_gb=budget_gb)
        places += [Slot(gpu, i, processes, each) for i in range(1, processes + 1)]
    return places


def child_environment(slot: Slot) -> dict[str, str]:
    # The parent serves the workers' metrics, from the PROMETHEUS_MULTIPROC_DIR they inherit.
    env = {
        "PYTHONUNBUFFERED": "1",
        **os.environ,
        "CUDA_VISIBLE_DEVICES": slot.gpu,
        "NARRATE_METRICS_PORT": "0",
        "NARRATE_DEVICE_PROCESSES": "1",  # the child is one of them: it starts no more
    }
    if slot.budget_gb:
        env["NARRATE_GPU_MEMORY_GB"] = repr(slot.budget_gb)
    if "CUDA_VISIBLE_DEVICES" not in os.environ:  # nvidia-smi's indices: count them as it does
        env.setdefault("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
    return env


def supervise(slots: list[Slot], child_argv: ChildArgv, poll_s: float = 0.2) -> int:
    """Run child_argv(slot) for every slot until they exit; the exit code (0 when all
    stopped cleanly on a signal given to this process)."""
    children: dict[str, subprocess.Popen[bytes]] = {}
    received: list[int] = []

    def forward(signum: int, _: FrameType | None) -> None:
        received.append(signum)
        _signal_all(children, signum)

    previous = {s: signal.signal(s, forward) for s in FORWARDED}
    pumps = []
    try:
        for slot in slots:
            children[slot.label] = child = _start(slot, child_argv(slot))
            pumps.append(_pump(slot.label, child.stdout))
            if received:  # a signal came while the children were starting
                child.send_signal(received[-1])
        code = _wait(children, received, poll_s)
    except BaseException:  # one could not start: leave none running behind us
        _signal_all(children, signal.SIGTERM)
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    for pump in pumps:
        pump.join(timeout=5)
    return code


def _start(slot: Slot, argv: list[str]) -> subprocess.Popen[bytes]:
    # A process group of its own: a terminal's Ctrl-C reaches the parent only, which passes
    # it on once (twice would be Celery's cold shutdown).
    return subprocess.Popen(
        argv,
        env=child_environment(slot),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        process_group=0,
    )


def _pump(label: str, stream: IO[bytes] | None) -> threading.Thread:
    prefix = f"[gpu {label}] ".encode()

    def copy() -> None:
        assert stream is not None
        for line in stream:  # read to the end even when stderr fails: a full pipe blocks
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.buffer.write(prefix + line)
                sys.stderr.buffer.flush()

    thread = threading.Thread(target=copy, daemon=True, name=f"narrate-gpu-{label}-log")
    thread.start()
    return thread


def _signal_all(children: dict[str, subprocess.Popen[bytes]], signum: int) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signum)


def _wait(children: dict[str, subprocess.Popen[bytes]], received: list[int], poll_s: float) -> int:
    failure = 0
    while True:
        codes = {entry: child.poll() for entry, child in children.items()}
        exited = [(entry, code) for entry, code in codes.items() if code is not None]
        if exited and not received and not failure:  # exited though nobody asked it to
            entry, code = exited[0]
            how = f"code {code}" if code >= 0 else f"signal {-code}: {signal.strsignal(-code)}"
            log.error("the worker on GPU %s exited (%s): stopping the others", entry, how)
            _signal_all(children, signal.SIGTERM)
            failure = code if code and code > 0 else 1
        if None not in codes.values():
            break
        time.sleep(poll_s)
    if failure:
        return failure
    return 0 if all(child.returncode == 0 for child in children.values()) else 1
