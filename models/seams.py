"""The seam metric: how much segment-by-segment synthesis differs from one pass.

With sampling noise off, a paragraph is synthesized in one pass (the reference) and segment
by segment; each segment's audio is compared with the reference's audio for the same phonemes
(found through the alignment) as the mean absolute difference of log-mel spectrograms, after
stretching the segment to the reference's length. Duration error is reported beside it.
Lower is better; 0 means the segments are the paragraph.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from models.voice import (
    Audio,
    Phonemes,
    SynthesisParams,
    Voice,
    VoiceInput,
    chain,
    join_parts,
    passages,
)

_N_FFT, _HOP, _MELS = 1024, 256, 80


@dataclass(frozen=True)
class SeamScore:
    log_mel_l1: float
    duration_error: float  # mean |segment - reference| / reference
    segments: int


def paragraph_seams(
    voice: Voice, segments: Sequence[tuple[Phonemes, ...]], context: bool, passage_phonemes: int
) -> tuple[list[float], list[float]]:
    """Per-segment log-mel L1 and duration error of one paragraph, run as the pipeline runs
    it: with context, consecutive segments in passages; without, each segment alone."""
    params = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
    whole = VoiceInput(tuple(join_parts(parts) for parts in segments))
    reference = voice.synthesize([(whole,)], params, context=False)[0][0]
    spans = np.cumsum([0, *reference.part_samples])
    grouped = passages(chain(voice, segments), passage_phonemes if context else 0)
    outputs = [out for group in grouped for out in voice.synthesize([group], params, context)[0]]
    l1, dur = [], []
    for k, out in enumerate(outputs):
        ref = reference.audio[spans[k] : spans[k + 1]]
        l1.append(log_mel_l1(out.audio, ref, voice.sample_rate))
        dur.append(abs(len(out.audio) - len(ref)) / max(1, len(ref)))
    return l1, dur


def seam_score(
    voice: Voice,
    paragraphs: Sequence[Sequence[tuple[Phonemes, ...]]],
    context: bool,
    passage_phonemes: int = 0,
) -> SeamScore:
    """The seam metric over paragraphs of two segments or more."""
    l1: list[float] = []
    dur: list[float] = []
    for segments in paragraphs:
        if len(segments) < 2:
            continue
        a, b = paragraph_seams(voice, segments, context, passage_phonemes)
        l1 += a
        dur += b
    return SeamScore(float(np.mean(l1)), float(np.mean(dur)), len(l1))


def log_mel_l1(audio: Audio, reference: Audio, sample_rate: int) -> float:
    mel_a, mel_r = log_mel(audio, sample_rate), log_mel(reference, sample_rate)
    if mel_a.shape[1] != mel_r.shape[1]:
        mel_a = _stretch(mel_a, mel_r.shape[1])
    return float(np.mean(np.abs(mel_a - mel_r)))


def log_mel(audio: Audio, sample_rate: int) -> npt.NDArray[np.float64]:
    padded = np.pad(audio.astype(np.float64), (_N_FFT // 2, _N_FFT // 2))
    frames = 1 + max(0, len(padded) - _N_FFT) // _HOP
    index = np.arange(_N_FFT)[None, :] + _HOP * np.arange(frames)[:, None]
    spectrum = np.abs(np.fft.rfft(padded[index] * np.hanning(_N_FFT), axis=1)) ** 2
    mel = spectrum @ _mel_filters(sample_rate).T
    return np.log(mel.T + 1e-5)


def _mel_filters(sample_rate: int) -> npt.NDArray[np.float64]:
    def to_mel(f: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    edges_mel = np.linspace(0.0, to_mel(np.array(sample_rate / 2.0)), _MELS + 2)
    edges = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    freqs = np.linspace(0.0, sample_rate / 2.0, _N_FFT // 2 + 1)
    filters = np.zeros((_MELS, len(freqs)))
    for m in range(_MELS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        rising = (freqs - lo) / max(mid - lo, 1e-9)
        falling = (hi - freqs) / max(hi - mid, 1e-9)
        filters[m] = np.maximum(0.0, np.minimum(rising, falling))
    return filters


def _stretch(mel: npt.NDArray[np.float64], frames: int) -> npt.NDArray[np.float64]:
    src = np.linspace(0.0, 1.0, mel.shape[1])
    dst = np.linspace(0.0, 1.0, frames)
    return np.stack([np.interp(dst, src, row) for row in mel])
