"""The record of what narrate wrote into an output folder: what makes a file narrate's.

A key is appended before its file is written, by whichever process writes it (the run's
own, a narrating process, an encoder), so a file narrate wrote is in the record however the
run ended: a crash, SIGKILL, a full disk. A file in the way that the record does not name is
someone else's, and is never written over. The record lives while a book is unfinished; a
finished book's manifest names its files, and the record goes (`worker.folder`).
"""

import contextlib
from collections.abc import Collection, Iterable
from pathlib import Path

from config.errors import OutputError


class Written:
    """Keys recorded in a file, a key a line; picklable, for the processes that write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: set[str] = set()  # in the record: checked without reading it again

    def keys(self) -> set[str]:
        """Every key recorded, by this process or another."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except OSError as error:
            raise OutputError(f"{self.path}: cannot read ({error.strerror})") from error
        self._known.update(line for line in text.splitlines() if line)
        return set(self._known)

    def add(self, keys: Iterable[str]) -> None:
        new = sorted(set(keys) - self._known)
        if new:
            self._append(new)

    def claim(self, key: str, target: Path) -> None:
        """Record key, about to be written at target; refused where a file narrate did not
        write is there (a directory in the way is left for the write to fail on)."""
        if key in self._known:
            return
        taken = target.is_file() or target.is_symlink()
        if taken and key not in self.keys():
            raise OutputError(f"{target}: not written by narrate; move it or choose another folder")
        self._append([key])

    def keep_only(self, keys: Collection[str]) -> None:
        """The record cut down to keys; none: it goes."""
        self._known = set(keys)
        try:
            if not keys:
                self.path.unlink(missing_ok=True)
                return
            part = self.path.with_name(self.path.name + ".part")
            part.write_text("".join(f"{key}\n" for key in sorted(keys)), encoding="utf-8")
            part.replace(self.path)
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write ({error.strerror})") from error

    def _append(self, keys: list[str]) -> None:
        # One write with O_APPEND: lines from several processes do not interleave. The
        # newline first ends a line a full disk cut short, which would swallow this one.
        try:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write("".join(f"\n{key}" for key in keys) + "\n")
        except OSError as error:
            with contextlib.suppress(OSError):  # an empty record, made by this failure
                if self.path.stat().st_size == 0:
                    self.path.unlink()
            raise OutputError(f"{self.path}: cannot write ({error.strerror})") from error
        self._known.update(keys)
