"""glibc malloc settings for long runs: many threads passing large arrays between them.

glibc gives threads their own malloc arenas (up to 8 per core). When a dozen threads
allocate and free audio and latents, freed memory scatters over those arenas and RSS creeps
up over a book; two arenas keep it flat (docs/performance.md, "Memory"). Call before
starting threads.
"""

import ctypes
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(count: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; False where there is no glibc (nothing changes)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, count))
