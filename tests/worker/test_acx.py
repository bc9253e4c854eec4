from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from config.errors import FormatError
from config.manifest import AcxReport
from tests.worker.speechlike import speechlike, write_wav
from worker.acx import LevelMeter, Levels, StreamFacts, check_acx, judge, mp3_frame_bit_rate
from worker.encode import Tags, write_flac

RATE = 22050
ACX = 44100
Audio = npt.NDArray[np.float32]


def failed(report: AcxReport) -> set[str]:
    return {name for name, ok in report.checks.items() if not ok}


def noise(seconds: float, db: float, rate: int = ACX, seed: int = 0) -> Audio:
    white = np.random.default_rng(seed).standard_normal(round(seconds * rate))
    return (white * 10 ** (db / 20)).astype(np.float32)


def tone(seconds: float, rms_db: float, rate: int = ACX) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sqrt(2) * 10 ** (rms_db / 20) * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def measure(audio: Audio, block: int | None = None, rate: int = ACX) -> Levels:
    meter = LevelMeter(rate)
    step = block or len(audio)
    for start in range(0, len(audio), step):
        meter.feed(audio[start : start + step].reshape(1, -1))
    return meter.result()


# The meter and the rules, on numbers.


def test_the_meter_measures_room_tone_levels_and_floor_at_any_block_size() -> None:
    audio = np.concatenate([noise(0.8, -70), tone(2.0, -20), noise(1.7, -70, seed=1)])
    whole, pieces = measure(audio), measure(audio, block=1000)
    assert whole == pieces
    assert whole.head_s == pytest.approx(0.8, abs=0.05)
    assert whole.tail_s == pytest.approx(1.7, abs=0.05)
    assert whole.noise_floor_db == pytest.approx(-70, abs=0.3)
    assert whole.peak_db == pytest.approx(-20 + 3.01, abs=0.05)  # a sine's crest
    assert whole.rms_db == pytest.approx(-20 + 10 * np.log10(2.0 / 4.5), abs=0.05)
    assert whole.duration_s == pytest.approx(4.5)
    assert whole.digital_silence_s == 0


def test_the_noise_floor_is_the_quietest_half_second() -> None:
    quiet = np.concatenate([noise(1.0, -55), noise(0.5, -75, seed=1), noise(1.0, -55, seed=2)])
    assert measure(quiet).noise_floor_db == pytest.approx(-75, abs=0.5)
    shorter = np.concatenate([noise(1.0, -55), noise(0.4, -75, seed=1), noise(1.0, -55, seed=2)])
    assert measure(shorter).noise_floor_db > -70  # 0.4 s is not half a second


def test_digital_silence_is_what_rounds_to_zero_at_16_bits() -> None:
    near_zero = np.full(round(0.3 * ACX), 0.4 / 32768, dtype=np.float32)
    audio = np.concatenate([noise(1.0, -70), near_zero, noise(1.0, -70, seed=1)])
    levels = measure(audio)
    assert levels.digital_silence_s == pytest.approx(0.3, abs=0.05)
    assert measure(noise(1.0, -90)).digital_silence_s == 0  # quiet, yet not zero


def test_mp3_frame_headers_give_their_bit_rate() -> None:
    assert mp3_frame_bit_rate(bytes([0xFF, 0xFB, 0xB0, 0x44])) == 192_000  # MPEG-1
    assert mp3_frame_bit_rate(bytes([0xFF, 0xFB, 0x90, 0x44])) == 128_000
    assert mp3_frame_bit_rate(bytes([0xFF, 0xF3, 0xB0, 0x44])) == 112_000  # MPEG-2
    assert mp3_frame_bit_rate(b"ID3\x03") == 0


GOOD_FACTS = StreamFacts("mp3", 44100, 1, frozenset({192_000}))
GOOD_LEVELS = Levels(600.0, -20.0, -3.5, -72.0, 0.75, 2.5, 0.0)


@pytest.mark.parametrize(
    ("facts", "levels", "rules"),
    [
        (GOOD_FACTS, replace(GOOD_LEVELS, duration_s=120 * 60 + 1), {"duration"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, rms_db=-17.9), {"rms"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, peak_db=-2.99), {"peak"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, noise_floor_db=-59.9), {"noise_floor"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, head_s=0.45), {"head"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, tail_s=5.5), {"tail"}),
        (GOOD_FACTS, replace(GOOD_LEVELS, digital_silence_s=0.05), {"digital_silence"}),
        (
            replace(GOOD_FACTS, bit_rates=frozenset({192_000, 224_000})),
            GOOD_LEVELS,
            {"constant_bit_rate"},
        ),
        (replace(GOOD_FACTS, bit_rates=frozenset({128_000})), GOOD_LEVELS, {"bit_rate"}),
        (replace(GOOD_FACTS, channels=2), GOOD_LEVELS, {"channels"}),
        (replace(GOOD_FACTS, sample_rate=48000), GOOD_LEVELS, {"sample_rate"}),
        (replace(GOOD_FACTS, codec="aac"), GOOD_LEVELS, {"codec", "constant_bit_rate"}),
    ],
)
def test_each_rule_is_judged(facts: StreamFacts, levels: Levels, rules: set[str]) -> None:
    assert judge(GOOD_FACTS, GOOD_LEVELS).passed
    report = judge(facts, levels)
    assert failed(report) == rules and not report.passed
    assert {line.split(":")[0] for line in report.problems} == rules


# Files.


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "chapter.wav", speechlike(6.0, RATE), RATE)


def test_a_flac_is_not_an_mp3(wav: Path, tmp_path: Path) -> None:
    write_flac(wav, tmp_path / "c.flac", Tags())
    assert {"codec", "constant_bit_rate"} <= failed(check_acx(tmp_path / "c.flac"))
    (tmp_path / "c.txt").write_text("words")
    with pytest.raises(FormatError, match="not an audio file"):
        check_acx(tmp_path / "c.txt")
