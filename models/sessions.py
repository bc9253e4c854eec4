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
import logging
import os
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


def session(
    graph: bytes,
    options: ort.SessionOptions,
    providers: Providers,
    cache_dir: Path | None,
) -> ort.InferenceSession:
    """A session of the graph: from its optimized form in the cache when it is there (a
    damaged one is made again), else optimized now and the result kept."""
    cpu = all(name == "CPUExecutionProvider" for name in names(providers))
    path = optimized_path(graph, providers, cache_dir) if cache_dir and cpu else None
    if path is not None and path.is_file():
        try:
            with _set(options, graph_optimization_level=ort.GraphOptimizationLevel.ORT_DISABLE_ALL):
                return ort.InferenceSession(str(path), options, providers=list(providers))
        except Exception as error:  # onnxruntime raises its own types for an unreadable model
            log.warning("%s: unreadable (%s): optimizing the graph again", path, error)
    if path is None:
        return ort.InferenceSession(graph, options, providers=list(providers))
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        # log_severity_level: onnxruntime warns that the graph holds only on this machine,
        # which its name says.
        with _set(options, optimized_model_filepath=str(part), log_severity_level=3):
            made = ort.InferenceSession(graph, options, providers=list(providers))
        part.replace(path)
    except Exception as error:  # a cache it cannot write to costs start-up time, nothing else
        log.warning("cannot keep the optimized graph in %s: %s", path.parent, error)
        return ort.InferenceSession(graph, options, providers=list(providers))
    return made


def optimized_path(graph: bytes, providers: Providers, cache_dir: Path) -> Path:
    """Where the graph's optimized form for these providers, on this machine, is kept."""
    where = hashlib.blake2b(digest_size=6)
    where.update(ort.__version__.encode())
    where.update(",".join(names(providers)).encode())
    where.update(_machine().encode())
    digest = hashlib.blake2b(graph, digest_size=8).hexdigest()
    return cache_dir / f"{digest}-{where.hexdigest()}{SUFFIX}"


def names(providers: Providers) -> list[str]:
    return [p[0] if isinstance(p, tuple) else p for p in providers]


@cache
def _machine() -> str:
    return " ".join(sorted(cpu_flags() or ()))


@contextmanager
def _set(options: ort.SessionOptions, **changes: Any) -> Iterator[None]:
    """The options changed for one session's build (a session copies them as it starts)."""
    before = {name: getattr(options, name) for name in changes}
    for name, value in changes.items():
        setattr(options, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(options, name, value)
