"""The latent noise: one fixed table of standard normals, sliced by seeds.

A segment's latent noise is `channels x frames` values of `noise_table`, read from an
offset its seeds choose, channel after channel. Drawing a segment's own (16k normals per
second of audio) took a quarter of a GPU run's inference threads' host time; a slice costs
nothing, and the same seeds still give the same audio on every machine. On a GPU the
decoder graph reads the same table itself (`models.expand`).
"""

import functools

import numpy as np
import numpy.typing as npt

# 4M floats, 16 MB, drawn in ~40 ms.
NOISE_TABLE_SIZE = 1 << 22
NOISE_TABLE_SEED = 0x6E617272  # "narr"


@functools.cache
def noise_table() -> npt.NDArray[np.float32]:
    """Standard normal draws, fixed, shared by every segment of the process."""
    table = np.random.default_rng(NOISE_TABLE_SEED).standard_normal(NOISE_TABLE_SIZE, np.float32)
    table.flags.writeable = False
    return table


def noise_offset(size: int, seeds: tuple[int, int]) -> int:
    """Where a segment's `size` values begin in the table (0 when it needs the table
    repeated: a segment of minutes)."""
    if size > NOISE_TABLE_SIZE:
        return 0
    return int(np.random.default_rng(seeds).integers(0, NOISE_TABLE_SIZE - size + 1))


def latent_noise(shape: tuple[int, ...], seeds: tuple[int, int]) -> npt.NDArray[np.float32]:
    """Noise of this shape for these seeds (a read-only view of `noise_table`)."""
    table = noise_table()
    size = int(np.prod(shape))
    if size > len(table):
        return np.resize(table, size).reshape(shape)
    offset = noise_offset(size, seeds)
    return table[offset : offset + size].reshape(shape)


def noise_rows(at: int, stride: int, channels: int, frames: int) -> npt.NDArray[np.float32]:
    """[channels, frames] of the table: row c from `at + c * stride`, wrapping at its end."""
    table = noise_table()
    if at + (channels - 1) * stride + frames <= len(table):
        view = np.lib.stride_tricks.as_strided(
            table[at:], shape=(channels, frames), strides=(stride * 4, 4), writeable=False
        )
        return view
    index = (at + np.arange(channels)[:, None] * stride + np.arange(frames)) % len(table)
    rows: npt.NDArray[np.float32] = table[index]
    return rows
