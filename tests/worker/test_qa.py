"""Every sentence checked: a bad segment is caught, rendered again, and what stays bad is
reported; the checks themselves on planted faults."""

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import models.asr
import worker.chapters
import worker.qa
import worker.stages
from config.manuscript import Chapter, Manuscript
from config.settings import Settings, SynthesisOptions
from models.piper import PiperVoice
from models.voice import SynthesisParams, VoiceInput, VoiceOutput
from models.wording import Wording
from producer.verify import verify
from worker.pipeline import narrate
from worker.qa import (
    RETAKE_BELOW,
    Checker,
    Listener,
    Problem,
    align,
    attribute,
    cheap_problems,
)
from worker.segment import segment_chapter

RATE = 22050
SETTINGS = Settings(inference_workers=1)
BOOK = Manuscript(
    chapters=[
        Chapter(
            index=0,
            text="The keeper climbed the long and winding stairs of the lighthouse at dusk. "
            "He lit the great lamp and watched the ships turn away from the rocks below.",
        )
    ]
)


def speech(seconds: float) -> np.ndarray:
    """A voiced tone with syllable-like bursts, at a speaking level."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 140 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))).astype(
        np.float32
    )


PHONEMES = (tuple("ðə kiːpɚ klaɪmd ðə lɔŋ stɛɹz"),)  # 23 phonemes


def test_a_normal_segment_passes_the_cheap_checks() -> None:
    audio = speech(1.6)
    assert cheap_problems(VoiceOutput(audio, [len(audio)]), PHONEMES, RATE) == []


def test_cheap_checks_catch_a_rushed_a_clipped_and_a_gapped_segment() -> None:
    rushed = speech(0.3)
    clipped = speech(1.6)
    clipped[1000:1010] = 1.0
    gapped = np.concatenate([speech(0.8), np.zeros(int(1.5 * RATE), np.float32), speech(0.8)])
    checks = [
        [p.check for p in cheap_problems(VoiceOutput(a, [len(a)]), PHONEMES, RATE)]
        for a in (rushed, clipped, gapped)
    ]
    assert checks == [["pace"], ["clipping"], ["silence"]]


def test_the_pace_and_silence_bounds_follow_the_speed() -> None:
    """--speed scales every sound and pause the voice makes: 11.5 s for 23 phonemes with
    1.5 s pauses is a dragged segment at the voice's pace and a fine one at 0.21; 1.6 s
    is fine at its own pace and rushed at 0.21."""
    slow = np.concatenate([speech(5.0), np.zeros(int(1.5 * RATE), np.float32), speech(5.0)])
    normal = speech(1.6)

    def checks(audio: np.ndarray, speed: float) -> list[str]:
        output = VoiceOutput(audio, [len(audio)])
        return [p.check for p in cheap_problems(output, PHONEMES, RATE, speed)]

    assert checks(slow, 1.0) == ["pace", "silence"]
    assert checks(slow, 0.21) == []
    assert checks(normal, 1.0) == []
    assert checks(normal, 0.21) == ["pace"]


@pytest.mark.parametrize("speed", [0.21, 5.0])
def test_a_book_at_either_end_of_the_speeds_passes_the_checks(
    voice: PiperVoice, tmp_path: Path, speed: float
) -> None:
    """The real voice at the slowest and fastest --speed: nothing found, nothing rendered
    again (at 0.21 every span was "dragged" and every comma "a silence" before)."""
    text = (
        "He paused, looked out at the grey sea, and then, after a long while, went down the "
        "stairs. The lamp, behind him, burned on; the ships, far out, turned away from the "
        "rocks. Morning came slowly, with rain, with wind, and with the cries of the gulls."
    )
    book = Manuscript(chapters=[Chapter(index=0, text=text)])
    manifest = narrate(book, SynthesisOptions(speed=speed), tmp_path, SETTINGS, voice=voice)
    assert manifest.chapters[0].qa == []
    assert verify(tmp_path) == []


def test_the_transcript_is_shared_out_by_alignment() -> None:
    references = [(0, ["the", "keeper", "climbed"]), (1, ["he", "lit", "the", "lamp"])]
    heard = ["the", "keeper", "climbed", "he", "bit", "lamp"]
    assert attribute(references, heard) == {
        0: (1.0, "the keeper climbed"),
        1: (0.5, "he bit lamp"),
    }
    assert align(["a", "b"], ["a", "x", "b"]) == [(0, 0), (None, 1), (1, 2)]


def take(audio: np.ndarray) -> VoiceOutput:
    return VoiceOutput(audio, [len(audio)])


def clipped(seconds: float) -> np.ndarray:
    audio = speech(seconds)
    audio[1000:1010] = 1.0
    return audio


@pytest.mark.parametrize(
    ("retries", "fixed"),
    [
        # the first retry is worse (clipped and rushed): the second, clean, is kept
        ([clipped(0.3), speech(1.6)], True),
        # both retries are worse: the first take stays, reported unfixed
        ([clipped(0.3), clipped(0.3)], False),
    ],
)
def test_a_retry_is_kept_only_if_it_is_better(retries: list[np.ndarray], fixed: bool) -> None:
    segments = segment_chapter("The keeper climbed the long stairs.")
    checker = Checker(0, segments, [PHONEMES], RATE, Wording(), asr=False, retries=2)
    first = take(clipped(1.6))
    outputs = {0: first}
    (finding,) = checker.run(outputs, lambda index, attempt: take(retries[attempt - 1]))
    assert finding.fixed is fixed and finding.checks == ["clipping"]
    expected = retries[1] if fixed else first.audio
    assert np.array_equal(outputs[0].audio, expected)


def test_a_segment_still_failing_is_logged_readably(caplog: pytest.LogCaptureFixture) -> None:
    """The log says what was measured, not the Problem objects' repr."""
    segments = segment_chapter("The keeper climbed the long stairs.")
    checker = Checker(0, segments, [PHONEMES], RATE, Wording(), asr=False, retries=1)
    with caplog.at_level("WARNING", logger="worker.qa"):
        checker.run({0: take(clipped(1.6))}, lambda index, attempt: take(clipped(1.6)))
    (record,) = caplog.records
    said = record.getMessage()
    assert said.startswith("chapter 0 segment 0 still fails QA: clipping: ")
    assert said.endswith(" samples in a row at full scale") and "Problem(" not in said


def planted(fault: Any) -> Any:
    """synthesize_passages whose output for segment 1 is damaged by fault (re-renders go
    through stages.rerender, not through this)."""
    original = worker.chapters.synthesize_passages

    def damaged(*args: Any, **kwargs: Any) -> Iterator[tuple[int, VoiceOutput]]:
        for index, output in original(*args, **kwargs):
            yield index, (fault(output) if index == 1 else output)

    return damaged


def cut_short(output: VoiceOutput) -> VoiceOutput:
    keep = len(output.audio) // 10
    return VoiceOutput(output.audio[:keep], [keep], output.state)


def test_a_segment_cut_short_is_caught_and_rendered_again(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker.chapters, "synthesize_passages", planted(cut_short))
    manifest = narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    (finding,) = manifest.chapters[0].qa
    assert (finding.segment, finding.checks, finding.fixed) == (1, ["pace"], True)
    assert finding.text.startswith("He lit the great lamp")
    second = manifest.chapters[0].segments[1]
    assert second.end_s - second.start_s > 3.0  # the whole sentence, not a tenth of it
    assert verify(tmp_path) == []


def test_a_segment_that_stays_bad_is_reported_by_verify(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker.chapters, "synthesize_passages", planted(cut_short))
    rerender = worker.stages.rerender
    monkeypatch.setattr(worker.stages, "rerender", lambda *a, **k: cut_short(rerender(*a, **k)))
    manifest = narrate(BOOK, SynthesisOptions(), tmp_path, SETTINGS, voice=voice)
    (finding,) = manifest.chapters[0].qa
    assert not finding.fixed
    (problem,) = verify(tmp_path)
    assert problem.startswith("QA: chapter 0 segment 1: span 0:") and "per phoneme" in problem


@pytest.mark.slow
def test_whisper_catches_a_garbled_segment_and_a_new_seed_fixes_it(
    voice: PiperVoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reversed speech passes the cheap checks (same pace, level and pauses) but says
    nothing: only --qa asr can tell."""

    def garbled(output: VoiceOutput) -> VoiceOutput:
        return dataclasses.replace(output, audio=output.audio[::-1].copy())

    monkeypatch.setattr(worker.chapters, "synthesize_passages", planted(garbled))
    manifest = narrate(BOOK, SynthesisOptions(qa="asr"), tmp_path, SETTINGS, voice=voice)
    (finding,) = manifest.chapters[0].qa
    assert (finding.segment, finding.checks, finding.fixed) == (1, ["asr"], True)
    assert "of words heard" in finding.detail
    # the same, each segment a group of its own: heard on the QA thread, beside the next
    monkeypatch.setattr(worker.stages, "QA_GROUP_S", 0.1)
    again = narrate(BOOK, SynthesisOptions(qa="asr"), tmp_path / "grouped", SETTINGS, voice=voice)
    (alone,) = again.chapters[0].qa  # heard alone, its transcript is its own
    assert (alone.segment, alone.checks, alone.fixed) == (1, ["asr"], True)
    assert [c.sha256 for c in again.chapters] == [c.sha256 for c in manifest.chapters]


def test_a_doubtful_hearing_is_retaken_but_only_a_failed_one_reported() -> None:
    """Heard 70%: rendered again, the better take kept, nothing reported; heard 40% and
    never better: reported, unfixed."""
    segments = segment_chapter("The keeper climbed the long stairs.")
    checker = Checker(0, segments, [PHONEMES], RATE, Wording(), asr=False, retries=1)
    heard: dict[int, float] = {}  # the share Whisper would hear, by take

    def failing(outputs: dict[int, VoiceOutput]) -> dict[int, list[Problem]]:
        return {
            i: [Problem("asr", "", "", heard[id(o.audio)])]
            for i, o in outputs.items()
            if heard[id(o.audio)] < RETAKE_BELOW
        }

    checker._failing = failing  # type: ignore[method-assign]
    for first_share, retake_share, findings in [(0.7, 0.9, []), (0.4, 0.45, [False])]:
        first, retake = take(speech(1.6)), take(speech(1.6))
        heard.update({id(first.audio): first_share, id(retake.audio): retake_share})
        outputs = {0: first}
        found = checker.run(outputs, lambda index, attempt, again=retake: again)
        assert [f.fixed for f in found] == findings
        assert outputs[0] is (retake if retake_share > first_share else first)


def test_a_doubt_gets_one_more_take_and_a_failure_stops_when_heard_alike() -> None:
    segments = segment_chapter("The keeper climbed the long stairs.")
    checker = Checker(0, segments, [PHONEMES], RATE, Wording(), asr=False, retries=3)
    heard: dict[int, tuple[float, str]] = {}  # by take: the share heard and the transcript

    def failing(outputs: dict[int, VoiceOutput]) -> dict[int, list[Problem]]:
        found = {i: heard[id(o.audio)] for i, o in outputs.items()}
        return {i: [Problem("asr", "", said, share)] for i, (share, said) in found.items()}

    checker._failing = failing  # type: ignore[method-assign]
    for first, retakes, expected_takes in [
        ((0.7, "a"), [(0.7, "b"), (0.7, "c"), (0.7, "d")], 1),  # a doubt: one more take
        ((0.4, "a"), [(0.3, "b"), (0.3, "b"), (0.3, "c")], 2),  # "b" twice: Whisper's
        ((0.4, "a"), [(0.3, "b"), (0.3, "c"), (0.3, "d")], 3),  # different each time
    ]:
        takes = [take(speech(1.6)) for _ in range(4)]
        for output, hearing in zip(takes, [first, *retakes], strict=True):
            heard[id(output.audio)] = hearing
        made: list[int] = []

        def again(
            index: int, attempt: int, takes: list[VoiceOutput] = takes, made: list[int] = made
        ) -> VoiceOutput:
            made.append(attempt)
            return takes[attempt]

        checker.run({0: takes[0]}, again)
        assert len(made) == expected_takes


SENTENCES = [
    "The keeper climbed the long and winding stairs of the lighthouse at dusk.",
    "He lit the great lamp and watched the ships turn away from the rocks below.",
    "In the morning the fishermen came back with their nets full of silver fish.",
    "Nobody in the village remembered a calmer summer than that one.",
]


@pytest.fixture
def sentences(voice: PiperVoice) -> list[np.ndarray]:
    """The voice's audio of each of SENTENCES, at its own rate."""
    params = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
    passages = [(VoiceInput((voice.phonemize(s),)),) for s in SENTENCES]
    return [out.audio for (out,) in voice.synthesize(passages, params)]


def heard_alone(
    voice: PiperVoice, audio: list[np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[int, Problem | None], list[int]]:
    """Each segment in a window of its own, heard by a Listener: the verdicts, and how many
    windows each free decoding took."""
    decoded: list[int] = []
    decode = models.asr.decode

    def counted(encoded: models.asr.Encoded, which: Any, max_tokens: int = 0) -> list[str]:
        rows = list(which)
        decoded.append(len(rows))
        return decode(encoded, rows, max_tokens)

    monkeypatch.setattr(models.asr, "decode", counted)
    monkeypatch.setattr(worker.qa, "ASR_WINDOW_S", 6.0)
    listener = Listener(voice.sample_rate, Wording())
    for index, (said, text) in enumerate(zip(audio, SENTENCES, strict=True)):
        listener.add(index, said, text)
    listener.flush()
    return listener.verdicts, decoded


@pytest.mark.slow
def test_sentences_heard_as_written_need_no_free_decoding(
    voice: PiperVoice, sentences: list[np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teacher-forced, Whisper finds every word of a clear sentence likely: no window is
    decoded word by word."""
    verdicts, decoded = heard_alone(voice, sentences, monkeypatch)
    assert verdicts == dict.fromkeys(range(len(SENTENCES)))
    assert sum(decoded) == 0


@pytest.mark.slow
def test_a_garbled_or_wrong_sentence_is_decoded_and_fails(
    voice: PiperVoice, sentences: list[np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reversed speech, and another sentence's audio in a sentence's place: Whisper finds
    their words unlikely, so their windows (only theirs) are decoded freely, and they fail
    with what Whisper heard as the evidence."""
    reversed_, swapped = sentences[1][::-1].copy(), sentences[2]
    audio = [sentences[0], reversed_, sentences[2], swapped]
    verdicts, decoded = heard_alone(voice, audio, monkeypatch)
    assert verdicts[0] is None and verdicts[2] is None
    assert sum(decoded) == 2
    for bad in (verdicts[1], verdicts[3]):
        assert bad is not None and bad.fails and bad.check == "asr"
    assert verdicts[3] is not None and "fishermen" in verdicts[3].transcript
