"""A segment's take as a chunk stores it for its chapter's assembly (`worker.jobs`).

One object per segment: a line naming the format, a JSON header (the spans' lengths in
samples, each span's words, what the segment's checks found), then the audio as
little-endian float32. Writing and reading it is a copy of the samples and a small JSON:
the NumPy archive (zip) it replaces cost a GPU worker ~1.5 ms of host time per segment,
most of it holding the GIL its inference threads wait for. Archives stored by earlier
versions (a job in flight over an upgrade) still read.
"""

import io
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from config.manifest import QAFinding
from models.voice import VoiceOutput, WordSpans

MAGIC = b"narrate-take 1\n"
_LENGTH = 4  # bytes of the header's length, little-endian


@dataclass(frozen=True)
class Take:
    audio: npt.NDArray[np.float32]
    part_samples: list[int]
    word_samples: list[WordSpans]
    findings: list[QAFinding]


def encode(output: VoiceOutput, findings: list[QAFinding]) -> bytes:
    header = json.dumps(
        {
            "parts": [int(n) for n in output.part_samples],
            "words": [[(int(a), int(b)) for a, b in span] for span in output.word_samples],
            "qa": [finding.model_dump() for finding in findings],
        }
    ).encode()
    audio = np.ascontiguousarray(output.audio, dtype="<f4")
    return b"".join([MAGIC, len(header).to_bytes(_LENGTH, "little"), header, audio.data])


def decode(data: bytes) -> Take:
    if not data.startswith(MAGIC):
        return _from_archive(np.load(io.BytesIO(data)))
    start = len(MAGIC) + _LENGTH
    end = start + int.from_bytes(data[len(MAGIC) : start], "little")
    header = json.loads(data[start:end])
    return Take(
        np.frombuffer(data, dtype="<f4", offset=end),
        header["parts"],
        [[(a, b) for a, b in span] for span in header["words"]],
        [QAFinding.model_validate(finding) for finding in header["qa"]],
    )


def _from_archive(stored: Mapping[str, npt.NDArray[Any]]) -> Take:
    """A take stored as a NumPy archive (`np.savez`), before this format."""
    qa = str(stored["qa"]) if "qa" in stored else "[]"
    return Take(
        stored["audio"],
        [int(n) for n in stored["parts"]],
        word_samples(stored),
        [QAFinding.model_validate(finding) for finding in json.loads(qa)],
    )


def word_samples(stored: Mapping[str, npt.NDArray[Any]]) -> list[WordSpans]:
    """An archive's word samples: "word_counts" (words in each span) and "words" (each
    word's start and end); none from one stored before word samples were kept."""
    if "words" not in stored:
        return []
    pairs = [(int(a), int(b)) for a, b in stored["words"]]
    edges = np.cumsum([0, *stored["word_counts"]])
    return [pairs[a:b] for a, b in itertools.pairwise(edges)]
