"""Speech-like chapter audio for the encoding tests, made with numpy (no voice loaded).

Voiced bursts (harmonics of a gliding pitch under a syllable envelope) with two plosive
clicks each, separated by pauses of digital zero, after a lead-in and before a tail of zero,
at -20 dB RMS and clipped at -3.1 dB, as an assembled chapter comes out of worker/audio.py.
"""

from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

Audio = npt.NDArray[np.float32]


def burst(rng: np.random.Generator, rate: int) -> Audio:
    """One voiced burst of 0.4 to 1.6 s, with clicks four times its typical level."""
    t = np.arange(int(rng.uniform(0.4, 1.6) * rate)) / rate
    pitch = rng.uniform(100, 180) * (1 + 0.1 * np.sin(2 * np.pi * 2 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase + rng.uniform(0, 2 * np.pi)) / k for k in range(1, 12))
    audio = voiced * np.abs(np.sin(np.pi * t * rng.integers(2, 6) / t[-1])) ** 0.7
    for at in rng.integers(0, len(t) - rate // 100, size=2):
        audio[at : at + rate // 200] += rng.choice([-4.0, 4.0])
    return audio.astype(np.float32)


def speechlike(
    seconds: float, rate: int, seed: int = 0, lead_in_s: float = 0.5, tail_s: float = 1.5
) -> Audio:
    """About `seconds` of bursts and pauses, between a lead-in and a tail of digital zero."""
    rng = np.random.default_rng(seed)
    parts = [np.zeros(int(lead_in_s * rate), dtype=np.float32)]
    while sum(map(len, parts)) < (lead_in_s + seconds) * rate:
        pause = np.zeros(int(rng.uniform(0.2, 0.9) * rate), dtype=np.float32)
        parts += [burst(rng, rate), pause]
    parts[-1] = np.zeros(int(tail_s * rate), dtype=np.float32)
    audio = np.concatenate(parts)
    audio *= np.float32(10 ** (-20 / 20) / np.sqrt(np.mean(np.square(audio))))
    clipped: Audio = np.clip(audio, -0.7, 0.7)
    return clipped


def write_wav(path: Path, audio: Audio, rate: int) -> Path:
    """A 16-bit mono WAV, as the assembly writes chapters."""
    soundfile.write(str(path), audio, rate, subtype="PCM_16")
    return path


def with_lengths(book: list[tuple[Path, str]], pieces: list[Path]) -> list[tuple[Path, str, float]]:
    """(piece, title, duration_s) as a book's entries give them: the WAV's length."""
    lengths = [soundfile.info(str(wav)).duration for wav, _ in book]
    return [(p, title, d) for p, (_, title), d in zip(pieces, book, lengths, strict=True)]
