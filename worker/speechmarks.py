"""Speech marks as Amazon Polly writes them: one JSON object a line, sorted by time.

`{"time": 1250, "type": "word", "start": 12, "end": 16, "value": "keep"}`: the time in
milliseconds from the start of the chapter file, the type ("sentence" or "word"), and the
characters of the chapter text (source/manuscript.json) the mark says. Polly counts bytes
of its input; these count characters, the offsets every other mark of a job uses. A sentence
comes before its first word, which may start at the same millisecond.

The whole book's (on the M4B's timeline, `worker.timelines`) add a last key, "chapter": the
index of the chapter whose text the characters count in.
"""

import json
from collections.abc import Sequence

from config.manifest import Mark, WordMark

_ORDER = {"sentence": 0, "word": 1}
# One encoder for every line: json.dumps with an option builds one per call, which took
# most of a long chapter's marks' time.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def speech_marks(
    sentences: Sequence[Mark], words: Sequence[WordMark], chapter: int | None = None
) -> str:
    """The JSON lines of a chapter's sentence and word marks; with chapter, each says it."""
    events = [_event("sentence", m) for m in sentences] + [_event("word", w) for w in words]
    events.sort(key=lambda event: (event["time"], _ORDER[str(event["type"])]))
    if chapter is not None:
        events = [event | {"chapter": chapter} for event in events]
    return "".join(_ENCODE(event) + "\n" for event in events)


def _event(kind: str, mark: Mark | WordMark) -> dict[str, int | str]:
    return {
        "time": round(mark.start_s * 1000),
        "type": kind,
        "start": mark.char_start,
        "end": mark.char_end,
        "value": mark.text,
    }
