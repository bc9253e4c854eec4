"""Where a job's files go under its destination. Keys are built only from the job id and
indexes, never from titles or file names (docs/architecture.md, "Output layout")."""

MANIFEST_KEY = "manifest.json"
SOURCE_KEY = "source/manuscript.json"


def chapter_key(index: int) -> str:
    return f"chapters/{index:03d}.wav"


def marks_key(index: int) -> str:
    return f"marks/{index:03d}.json"


def cover_key(extension: str) -> str:
    return f"source/cover.{extension}"
