"""glibc malloc settings for long runs: many threads passing large arrays between them.

glibc gives threads their own malloc arenas (up to 8 per core). When a dozen threads
allocate and free audio and latents, freed memory scatters over those arenas and RSS creeps
up over a book; two arenas keep it flat (docs/performance.md, "Memory"). Large blocks (a
passage's audio, a batch's latents) that the heaps cannot serve from memory they hold free
are mapped on their own and unmapped when freed, at a fixed threshold: glibc's own rises
each time such a block is freed, after which they are cut from the heaps too and leave
holes there. Call before starting threads. What the arenas free in the middle of their
heaps stays resident until it is trimmed: `release_free_memory` hands it back once a
chapter is stored.
"""

import ctypes
import functools
import sys
from typing import NamedTuple

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
M_ARENA_MAX = -8
ARENAS = 2
# Bytes: above the small buffers of every segment, about the size of a passage's audio
# (docs/performance.md, "The arena shrunk and large blocks mapped").
MMAP_THRESHOLD = 2**20


class Heap(NamedTuple):
    """glibc's heap in MB (`mallinfo2`, over all arenas)."""

    in_use: float  # allocated and not freed: the program's own memory
    free: float  # freed but still held by the arenas
    mapped: float  # large blocks mapped on their own (in use)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def tune_malloc(arenas: int = ARENAS, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Cap glibc's malloc arenas and fix the size from which blocks are mapped on their own;
    False where there is no glibc (nothing changes)."""
    libc = _libc()
    if libc is None:
        return False
    capped = bool(libc.mallopt(M_ARENA_MAX, arenas))
    fixed = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))
    return capped and fixed


def release_free_memory() -> bool:
    """Give the pages the arenas hold free back to the system (`malloc_trim`); False where
    there is no glibc. Freed arrays leave holes between live ones that no later request
    fits exactly, and without a trim those pages stay resident for the rest of the run."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap() -> Heap | None:
    """glibc's account of the heap, or None without glibc 2.33's `mallinfo2`."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    mb = 1 / 2**20
    return Heap(info.uordblks * mb, info.fordblks * mb, info.hblkhd * mb)
