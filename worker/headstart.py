"""A head start for a book's narrating processes: their imports begun as `narrate synth`
starts, before the command's own.

On a GPU a book is narrated in several processes (`worker.narrators`), each loading the
voice as it starts; until they have, nothing is narrated. Spawned once the command has
read its settings and the GPU's free memory, each first spent most of a second importing
what narrating needs. multiprocessing's fork server, started here from the environment
alone (the settings' own import is a good part of what it overlaps), imports that at once,
and the processes forked from it later start with it done (docs/performance.md, "The
narrating processes forked ready"). Where the guess is wrong the server forks nothing, and
ends with the command.
"""

import logging
import os

from config.devices import cuda_build, gpu_present, wsl_gpu
from worker.spawn import start_fork_server

# What a narrating process imports before its voice begins to load (`worker.narrators`'
# `_begin`); the rest of the narration (`worker.chapters`) it imports while the voice
# loads, as a spawned one does: imported ahead, it held the loading back on a slow host.
NARRATING = ("worker.narrators", "models.pool")

log = logging.getLogger(__name__)


def start() -> None:
    """Start the fork server where a book is likely to be narrated in several processes."""
    if not several_processes_likely():
        return
    try:
        start_fork_server(NARRATING)
    except OSError:  # the processes are spawned then, as without a server
        log.debug("no fork server", exc_info=True)


def several_processes_likely() -> bool:
    """Whether `Narrators.ahead` is likely to start processes here, read from the
    environment as the settings would read it: on a GPU unless one process is asked for
    (the free memory decides the rest), on the CPU where several are asked for."""
    asked = os.environ.get("NARRATE_DEVICE_PROCESSES", "0").strip()
    device = os.environ.get("NARRATE_DEVICE", "auto").strip().lower()
    if device == "auto":
        device = "cuda" if (gpu_present() or wsl_gpu()) and cuda_build() else "cpu"
    if device == "cpu":
        return asked.isdigit() and int(asked) > 1
    return asked != "1"
