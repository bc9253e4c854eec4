from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from config.errors import FormatError
from config.manifest import AcxReport
from config.settings import AcxSettings, BreakClass
from tests.worker.speechlike import speechlike, write_wav
from worker.acx import (
    LevelMeter,
    Levels,
    StreamFacts,
    check_acx,
    decoded_seconds,
    in_words,
    judge,
    mp3_frame_bit_rate,
)
from worker.encode import Tags, read_blocks, resampled, write_flac, write_mp3
from worker.mastering import acx_master, split_points, write_acx_mp3

RATE = 22050  # the chapters' rate: mastering resamples to 44.1 kHz
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


def mp3(path: Path, audio: Audio, rate: int = ACX, channels: int = 1, **options: str) -> Path:
    """An MP3 written by PyAV alone, for what write_mp3 never makes (stereo, ABR)."""
    layout = "mono" if channels == 1 else "stereo"
    with av.open(path, "w", "mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout=layout, options=options)
        stream.bit_rate = 192_000
        frame = av.AudioFrame.from_ndarray(
            np.repeat(audio.reshape(1, -1), channels, axis=0), format="fltp", layout=layout
        )
        frame.sample_rate, frame.pts = rate, 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


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


def test_each_failed_rule_is_said_as_a_publisher_reads_it() -> None:
    """`narrate check --acx` prints these: the measure in words, its value and ACX's bound,
    never the rule's name (`noise_floor`), which the report's problems keep for scripts."""
    facts = StreamFacts("aac", 48000, 2, frozenset({128_000, 160_000}))
    levels = Levels(121 * 60.0, -13.16, -2.99, -43.93, 0.2, 0.021, 0.15)
    report = judge(facts, levels)
    assert not any(report.checks.values())  # every rule failed: each has its words
    assert in_words(report) == [
        "format aac, ACX wants MP3",
        "sample rate 48000 Hz, ACX wants 44100 Hz",
        "channels 2 (stereo), ACX wants 1 (mono) like the book's other files",
        "bit rate 128 kbps, ACX wants at least 192 kbps",
        "constant bit rate unknown (not an MP3), ACX wants a constant bit rate (CBR)",
        "length 121 min, ACX wants at most 120 min",
        "loudness (RMS) -13.16 dB, ACX wants -23 to -18 dB",
        "peak -2.99 dB, ACX wants at most -3 dB",  # not rounded onto the bound it failed
        "noise floor -43.93 dB, ACX wants at most -60 dB",
        "room tone at the start 0.2 s, ACX wants 0.5 to 1 s",
        "room tone at the end 0.021 s, ACX wants 1 to 5 s",
        "digital silence 0.15 s, ACX wants none (room tone in its place)",
    ]
    assert report.problems[7] == "peak: -2.99 dB, over -3.0 dB"  # the manifest's, unchanged
    varying = judge(replace(GOOD_FACTS, bit_rates=frozenset({192_000, 224_000})), GOOD_LEVELS)
    assert in_words(varying) == ["bit rate varies from frame to frame, ACX wants it constant (CBR)"]
    assert in_words(judge(GOOD_FACTS, GOOD_LEVELS)) == []


# Files: mastered for ACX, and each way of missing a rule.


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "chapter.wav", speechlike(6.0, RATE), RATE)


def test_a_mastered_chapter_passes_acx_as_mp3(wav: Path, tmp_path: Path) -> None:
    report = write_acx_mp3(wav, tmp_path / "c.mp3", Tags(title="Chapter I"))
    assert report.passed, report.problems
    assert (report.codec, report.sample_rate, report.channels) == ("mp3", 44100, 1)
    assert (report.bit_rate, report.constant_bit_rate) == (192_000, True)
    assert report.head_s == pytest.approx(0.75, abs=0.05)
    assert report.tail_s == pytest.approx(2.5, abs=0.1)
    assert report.noise_floor_db == pytest.approx(-72, abs=1.5)
    assert report.peak_db <= -3.0 and report.digital_silence_s == 0
    assert report == check_acx(tmp_path / "c.mp3")


def test_the_wav_as_assembled_fails_for_its_digital_silence(wav: Path, tmp_path: Path) -> None:
    write_mp3(resampled(read_blocks(wav), RATE, ACX), ACX, tmp_path / "c.mp3", Tags())
    report = check_acx(tmp_path / "c.mp3")
    assert "digital_silence" in failed(report)
    assert report.noise_floor_db == -120.0


@pytest.mark.parametrize("target_db", [-23.0, -20.0, -18.0])
def test_the_mastered_pcm_meets_the_rms_target_whatever_the_limiter_takes(
    wav: Path, target_db: float
) -> None:
    """The limiter under -3.5 dB took 0.5 dB of -20, 0.85 of -18; the gain makes up for it,
    peaks measured at 44.1 kHz (the WAV is resampled: its peaks between samples count)."""
    audio = np.concatenate(list(acx_master(wav, AcxSettings(target_rms_db=target_db))))
    levels = measure(audio)
    assert levels.rms_db == pytest.approx(target_db, abs=0.05)
    assert levels.peak_db <= -3.5


@pytest.mark.parametrize(
    ("settings", "rule"),
    [
        (AcxSettings(target_rms_db=-16), "rms"),  # too loud
        (AcxSettings(target_rms_db=-26), "rms"),  # too quiet
        (AcxSettings(ceiling_db=-1), "peak"),
        (AcxSettings(head_s=1.5), "head"),
        (AcxSettings(tail_s=0.3), "tail"),  # no room tone at the tail
        (AcxSettings(room_tone_db=-55), "noise_floor"),
    ],
)
def test_pcm_mastered_wrong_fails_its_rule(
    wav: Path, tmp_path: Path, settings: AcxSettings, rule: str
) -> None:
    write_mp3(acx_master(wav, settings), ACX, tmp_path / "c.mp3", Tags())
    report = check_acx(tmp_path / "c.mp3")
    assert failed(report) == {rule}
    assert report.problems == [line for line in report.problems if line.startswith(rule)]


def test_a_digital_zero_head_fails(wav: Path, tmp_path: Path) -> None:
    audio = np.concatenate(list(acx_master(wav)))
    audio[: round(0.7 * ACX)] = 0
    write_mp3([audio], ACX, tmp_path / "c.mp3", Tags())
    assert failed(check_acx(tmp_path / "c.mp3")) == {"digital_silence"}


def test_mp3s_encoded_wrong_fail_their_rule(wav: Path, tmp_path: Path) -> None:
    audio = np.concatenate(list(acx_master(wav)))
    write_mp3([audio], ACX, tmp_path / "128.mp3", Tags(), bit_rate=128_000)
    assert failed(check_acx(tmp_path / "128.mp3")) == {"bit_rate"}
    write_mp3(resampled([audio], ACX, 48000), 48000, tmp_path / "48k.mp3", Tags())
    assert failed(check_acx(tmp_path / "48k.mp3")) == {"sample_rate"}
    assert failed(check_acx(mp3(tmp_path / "stereo.mp3", audio, channels=2))) == {"channels"}
    assert "constant_bit_rate" in failed(check_acx(mp3(tmp_path / "abr.mp3", audio, abr="1")))


def test_a_flac_is_not_an_mp3(wav: Path, tmp_path: Path) -> None:
    write_flac(wav, tmp_path / "c.flac", Tags())
    assert {"codec", "constant_bit_rate"} <= failed(check_acx(tmp_path / "c.flac"))
    (tmp_path / "c.txt").write_text("words")
    with pytest.raises(FormatError, match="not an audio file"):
        check_acx(tmp_path / "c.txt")


def test_an_mp3_cut_short_decodes_short_and_one_damaged_inside_is_a_format_error(
    wav: Path, tmp_path: Path
) -> None:
    made = write_acx_mp3(wav, tmp_path / "c.mp3", Tags())
    assert decoded_seconds(tmp_path / "c.mp3") == pytest.approx(made.duration_s, abs=1e-3)
    data = (tmp_path / "c.mp3").read_bytes()
    (tmp_path / "short.mp3").write_bytes(data[: len(data) // 2])  # its header says it all
    assert decoded_seconds(tmp_path / "short.mp3") < made.duration_s * 0.6
    (tmp_path / "damaged.mp3").write_bytes(data[:2000] + bytes(3000) + data[5000:])
    with pytest.raises(FormatError, match="damaged, FFmpeg cannot decode it"):
        check_acx(tmp_path / "damaged.mp3")  # not av's own error, which `narrate check` let out
    with pytest.raises(FormatError, match="damaged, FFmpeg cannot decode it"):
        decoded_seconds(tmp_path / "damaged.mp3")


# Mastering.


def test_an_mp3_peak_over_the_limit_is_encoded_again_lower(wav: Path, tmp_path: Path) -> None:
    settings = AcxSettings(ceiling_db=-1)  # fails alone: see test_pcm_mastered_wrong_...
    report = write_acx_mp3(wav, tmp_path / "c.mp3", Tags(), settings)
    assert report.passed and report.peak_db <= -3.0


def test_an_rms_the_limiter_lowered_too_far_is_encoded_again(wav: Path, tmp_path: Path) -> None:
    settings = AcxSettings(target_rms_db=-22.9)  # the encoder takes a quarter of a dB
    write_mp3(acx_master(wav, settings), ACX, tmp_path / "first.mp3", Tags())
    assert failed(check_acx(tmp_path / "first.mp3")) == {"rms"}
    report = write_acx_mp3(wav, tmp_path / "c.mp3", Tags(), settings)
    assert report.passed


@pytest.mark.parametrize(("lead_in_s", "tail_s"), [(3.0, 6.0), (0.1, 0.2)])
def test_room_tone_is_set_whatever_the_wav_had(
    tmp_path: Path, lead_in_s: float, tail_s: float
) -> None:
    audio = speechlike(3.0, RATE, lead_in_s=lead_in_s, tail_s=tail_s)
    wav = write_wav(tmp_path / "c.wav", audio, RATE)
    levels = measure(np.concatenate(list(acx_master(wav))))
    assert levels.head_s == pytest.approx(0.75, abs=0.05)
    assert levels.tail_s == pytest.approx(2.5, abs=0.1)
    assert levels.rms_db == pytest.approx(-20, abs=1.0)
    assert levels.digital_silence_s == 0


def test_each_part_of_a_split_chapter_gets_its_room_tone(tmp_path: Path) -> None:
    audio = speechlike(8.0, RATE)
    wav = write_wav(tmp_path / "c.wav", audio, RATE)
    pause = np.flatnonzero(audio[4 * RATE : 6 * RATE] == 0)
    cut_s = 4 + pause[len(pause) // 2] / RATE  # inside a pause, as split_points cuts
    whole = measure(np.concatenate(list(acx_master(wav))))
    for span in [(0.0, cut_s), (cut_s, len(audio) / RATE)]:
        part = measure(np.concatenate(list(acx_master(wav, span=span))))
        assert part.head_s == pytest.approx(0.75, abs=0.05)
        assert part.tail_s == pytest.approx(2.5, abs=0.1)
        assert part.rms_db == pytest.approx(-20, abs=1.0)
        assert 2.0 < part.duration_s < whole.duration_s - 2.0


def test_mastering_streams_in_blocks_of_seconds(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", speechlike(45.0, RATE), RATE)
    sizes = [len(block) for block in acx_master(wav)]
    assert len(sizes) > 3 and max(sizes) <= 10.1 * ACX


def test_a_silent_chapter_becomes_room_tone(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "c.wav", np.zeros(RATE, dtype=np.float32), RATE)
    levels = measure(np.concatenate(list(acx_master(wav))))
    assert levels.duration_s == pytest.approx(0.75 + 2.5, abs=0.01)
    assert levels.rms_db == pytest.approx(-72, abs=0.5)


def test_the_same_chapter_makes_the_same_mp3(wav: Path, tmp_path: Path) -> None:
    write_acx_mp3(wav, tmp_path / "a.mp3", Tags(title="I"))
    write_acx_mp3(wav, tmp_path / "b.mp3", Tags(title="I"))
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()


# Where a long chapter is cut.

P, S, C = BreakClass.PARAGRAPH, BreakClass.SENTENCE, BreakClass.CLAUSE


def test_a_chapter_within_the_limit_is_not_cut() -> None:
    assert split_points([10.0, 20.0], [S, P], max_s=20.0) == []


def test_cuts_fall_at_paragraphs_near_equal_parts() -> None:
    ends = [float(t) for t in range(1, 131)]  # a segment a minute, 130 of them
    breaks = [P if t % 10 == 3 else S for t in range(1, 131)]
    assert split_points(ends, breaks, max_s=119.0) == [62]  # at 63, the paragraph nearest 65


@pytest.mark.parametrize(("every", "parts"), [(5, [100.0] * 3), (7, [98.0, 70.0, 63.0, 69.0])])
def test_parts_stay_within_the_limit_over_many_cuts(every: int, parts: list[float]) -> None:
    ends = [float(t) for t in range(1, 301)]
    breaks = [P if t % every == 0 else S for t in range(1, 301)]
    cuts = split_points(ends, breaks, max_s=100.0)
    assert all(breaks[cut] == P for cut in cuts)
    assert np.diff([0.0] + [ends[cut] for cut in cuts] + [ends[-1]]).tolist() == parts


def test_without_a_paragraph_in_reach_a_sentence_will_do() -> None:
    ends = [float(t) for t in range(1, 31)]
    breaks = [S if t == 12 else C for t in range(1, 31)]
    assert split_points(ends, breaks, max_s=20.0) == [11]


def test_a_segment_longer_than_a_part_cannot_be_cut() -> None:
    with pytest.raises(FormatError, match="segment 0"):
        split_points([30.0, 31.0], [P, P], max_s=20.0)
    with pytest.raises(ValueError, match="2 segment ends for 1"):
        split_points([1.0, 2.0], [P])
