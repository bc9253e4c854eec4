"""A chapter WAV written in a delivery format named in FORMATS (worker/encode.py).

The one place that maps a per-chapter format's name to its writer: MP3 is the ACX master
(worker/mastering.py), the others plain encodings. The M4B holds the whole book and is
written once per job by worker/m4b.py.
"""

import shutil
from collections.abc import Callable
from pathlib import Path

from config.errors import FormatError
from config.manifest import AcxReport
from worker.encode import FORMATS, Tags, write_flac, write_opus
from worker.mastering import write_acx_mp3


def _copy(wav: Path, out: Path, tags: Tags) -> None:
    shutil.copyfile(wav, out)  # the WAV is the deliverable; it carries no tags


_WRITERS: dict[str, Callable[[Path, Path, Tags], AcxReport | None]] = {
    "wav": _copy,
    "mp3": write_acx_mp3,
    "opus": write_opus,
    "flac": write_flac,
}


def write_chapter(wav: Path, out: Path, fmt: str, tags: Tags) -> AcxReport | None:
    """Write the chapter WAV as fmt at out; for MP3, returns the file's ACX report."""
    if fmt not in FORMATS:
        raise FormatError(f"unknown audio format {fmt!r}; known formats: {', '.join(FORMATS)}")
    if FORMATS[fmt].per_book:
        raise FormatError(f"{fmt} holds the whole book: it is written once, not per chapter")
    return _WRITERS[fmt](wav, out, tags)
