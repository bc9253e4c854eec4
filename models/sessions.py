"""onnxruntime sessions whose graph optimizations are made once and kept in the cache.

onnxruntime optimizes a graph every time a session is built (fusions, constant folding,
and on the CPU its blocked layout): on 2 cores that is ~0.25 s of the front's ~0.33 s and
~0.06 s of the back's ~0.10 s (docs/performance.md, "Sessions from optimized graphs"). The
first session saves the optimized graph beside the others in the cache; later ones read it
with the optimizations off, which gives the same graph, so the same samples.

A saved graph holds only where it was made: it may use the providers' own operators and
the CPU's vector width, so its name carries the graph's digest, the onnxruntime version,
the providers and this CPU's instruction flags.

Only CPU sessions are kept so far: a CUDA session's saved graph (its copies between host
and GPU, its CUDA-only fusions) read back has not been measured on a GPU, for its samples
or its start-up.
"""

import hashlib
import itertools
import logging
import os
import platform
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import onnxruntime as ort

from models.verdicts import cpu_flags

log = logging.getLogger(__name__)

# As `models.backends` takes them: any sequence of onnxruntime's provider entries.
Providers = Sequence[str | tuple[str, dict[str, str]]]
SUFFIX = ".optimized.onnx"
# In every saved graph's name: a change to how sessions are optimized or saved must not
# read the graphs saved before it.
SESSIONS_RECIPE = "1"

SHRINK_EVERY_RUNS = 64


def cuda_device(providers: Providers) -> str | None:
    """The CUDA device id a session of these providers runs on; None on the CPU."""
    for entry in providers:
        if isinstance(entry, tuple) and entry[0] == "CUDAExecutionProvider":
            return entry[1].get("device_id", "0")
    return None


class ArenaShrink:
    """The run options of one session: every SHRINK_EVERY_RUNS-th run on a GPU gives the
    regions of the session's arena that no run holds back to the GPU as it ends.

    A CUDA arena grows by what each run asks and keeps every region it took, so over a long
    run the regions of rare large batches pile up; taking them again costs nothing that
    shows (docs/performance.md, "The arena shrunk and large blocks mapped"). onnxruntime
    fails a run whose shrink names a device without an arena: every CUDA session narrate
    makes has one (`models.runtime.providers_for`).
    """

    def __init__(self, providers: Providers) -> None:
        self.device = cuda_device(providers)
        self._runs = itertools.count(1)

    def options(self) -> ort.RunOptions | None:
        """None, except on the GPU for every SHRINK_EVERY_RUNS-th run."""
        if self.device is None or next(self._runs) % SHRINK_EVERY_RUNS:
            return None
        options = ort.RunOptions()
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", f"gpu:{self.device}")
        return options


def session(
    graph: bytes,
    options: ort.SessionOptions,
    providers: Providers,
    cache_dir: Path | None,
) -> ort.InferenceSession:
    """A session of the graph: from its optimized form in the cache when it is there (a
    damaged one is made again), else optimized now and the result kept."""
    cpu_only = all(name == "CPUExecutionProvider" for name in provider_names(providers))
    if cache_dir is None or not cpu_only:
        return ort.InferenceSession(graph, options, providers=list(providers))
    path = optimized_path(graph, options, providers, cache_dir)
    if path.is_file():
        try:
            return _read_saved(path, options, providers)
        except Exception as error:  # onnxruntime raises its own types for an unreadable model
            log.warning("%s: unreadable (%s): optimizing the graph again", path, error)
    return _build_and_keep(graph, options, providers, path)


def _read_saved(path: Path, options: ort.SessionOptions, providers: Providers) -> Any:
    # The graph is optimized already: onnxruntime's passes would only repeat themselves.
    with _set(options, graph_optimization_level=ort.GraphOptimizationLevel.ORT_DISABLE_ALL):
        return ort.InferenceSession(str(path), options, providers=list(providers))


def _build_and_keep(
    graph: bytes, options: ort.SessionOptions, providers: Providers, path: Path
) -> Any:
    try:  # a name no other process (in this container or another) is writing
        handle, name = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
        os.close(handle)
    except OSError as error:  # a cache it cannot write to costs start-up time, nothing else
        log.warning("cannot keep the optimized graph in %s: %s", path.parent, error)
        return ort.InferenceSession(graph, options, providers=list(providers))
    part = Path(name)
    try:
        # log_severity_level: onnxruntime warns that the graph holds only on this machine,
        # which its name says.
        with _set(options, optimized_model_filepath=name, log_severity_level=3):
            made = ort.InferenceSession(graph, options, providers=list(providers))
    except Exception as error:  # onnxruntime's own types: a disk full as it saves, say
        part.unlink(missing_ok=True)
        log.warning("cannot keep the optimized graph in %s: %s", path.parent, error)
        return ort.InferenceSession(graph, options, providers=list(providers))
    try:
        part.replace(path)
    except OSError as error:
        log.warning("cannot keep the optimized graph in %s: %s", path.parent, error)
    finally:
        part.unlink(missing_ok=True)
    return made


def optimized_path(
    graph: bytes, options: ort.SessionOptions, providers: Providers, cache_dir: Path
) -> Path:
    """Where the graph's optimized form is kept: named for the graph, how it is optimized,
    the onnxruntime build and providers that run it, and this CPU."""
    where = hashlib.sha256()
    for part in (
        SESSIONS_RECIPE,
        str(options.graph_optimization_level),
        ort.__version__,
        ",".join(provider_names(providers)),
        _cpu_key(),
    ):
        where.update(part.encode() + b"\0")
    digest = hashlib.sha256(graph).hexdigest()[:16]  # sha256: the fastest hash here
    return cache_dir / f"{digest}-{where.hexdigest()[:12]}{SUFFIX}"


def provider_names(providers: Providers) -> list[str]:
    """The providers' names, without their options."""
    return [p[0] if isinstance(p, tuple) else p for p in providers]


@cache
def _cpu_key() -> str:
    """What the CPU provider's kernels and layouts follow: the instruction set."""
    return f"{platform.machine()} {' '.join(sorted(cpu_flags() or ()))}"


@contextmanager
def _set(options: ort.SessionOptions, **changes: Any) -> Iterator[None]:
    """The options changed for one session's build (a session copies them as it starts;
    the front's and the back's share one object)."""
    before = {name: getattr(options, name) for name in changes}
    try:
        for name, value in changes.items():
            setattr(options, name, value)
        yield
    finally:
        for name, value in before.items():
            setattr(options, name, value)
