"""Decoding delivered audio and finding where a stretch of the WAV is heard in it, for the
tests of the marks on the MP3's and the M4B's timelines."""

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]
RATE = 44100
_HEARD_S = 0.4  # the stretch of the WAV looked for
_SEARCH_S = 0.1  # how far either side of where it should be


def decoded(path: Path) -> Audio:
    """The file's audio at 44.1 kHz mono, as FFmpeg decodes it (the encoder's delay removed:
    the MP3's LAME header, the M4B's edit list)."""
    with av.open(str(path)) as box:
        stream = box.streams.audio[0]
        to = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        frames = [f for frame in box.decode(stream) for f in to.resample(frame)]
        frames += to.resample(None)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


def lag_s(wav: Audio, wav_s: float, heard: Audio, heard_s: float) -> float:
    """How much later than heard_s the WAV's stretch from wav_s is heard in `heard` (both at
    44.1 kHz): the best match of the two, by cross-correlation."""
    a = round(wav_s * RATE)
    stretch = wav[a : a + round(_HEARD_S * RATE)]
    lo = max(0, round((heard_s - _SEARCH_S) * RATE))
    window = heard[lo : lo + len(stretch) + round(2 * _SEARCH_S * RATE)]
    size = 1 << (len(window) + len(stretch)).bit_length()
    match = np.fft.irfft(np.fft.rfft(window, size) * np.conj(np.fft.rfft(stretch, size)), size)
    best = int(np.argmax(match[: len(window) - len(stretch) + 1]))
    return (lo + best) / RATE - heard_s
