"""Where a job's objects go. Keys are built only from the job id and indexes (DESIGN.md §4).

`LocalStorage` maps keys to files under a root directory; writes are atomic (temporary file,
then rename), so a crash never leaves a half-written object under its final name.
"""

import json
import os
import re
from pathlib import Path

from pydantic import BaseModel

from config.errors import OutputError

_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def chapter_key(index: int) -> str:
    return f"chapters/{index:03d}.wav"


def marks_key(index: int) -> str:
    return f"marks/{index:03d}.json"


MANIFEST_KEY = "manifest.json"
SOURCE_KEY = "source/manuscript.json"


class LocalStorage:
    """Objects as files under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
            probe = root / f".narrate-write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise OutputError(f"{root}: cannot write here ({error.strerror})") from error

    def path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key.split("/"):
            raise OutputError(f"refusing an object key outside the output: {key!r}")
        return self.root / key

    def new_file(self, key: str) -> Path:
        """The path to write an object to, its folder created."""
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{target.parent}: cannot create ({error.strerror})") from error
        return target

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self.new_file(key)
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        except OSError as error:
            raise OutputError(f"{target}: cannot write ({error.strerror})") from error

    def put_model(self, key: str, model: BaseModel) -> None:
        self.put_bytes(key, model.model_dump_json(indent=2).encode())

    def get_json(self, key: str) -> object:
        return json.loads(self.path(key).read_text(encoding="utf-8"))
