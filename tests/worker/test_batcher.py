"""The dynamic batcher over the real voice: batched equals alone, budgets hold, OOM halves."""

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from models.piper import PiperVoice
from models.voice import Passage, SynthesisParams, VoiceInput, VoiceOutput
from worker.batcher import Batcher

SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)
TEXTS = [
    "A short one.",
    "A rather longer sentence that forces the others to be padded in the batch.",
    "Medium length, with a comma.",
    "Another, of a length between the others.",
    "The last of them all.",
    "Six.",
]


class Recording:
    """The real voice, noting each batch it is given; optionally failing big batches the way
    a GPU out of memory does (no GPU here)."""

    def __init__(self, voice: PiperVoice, fail_above: int = 0) -> None:
        self.voice = voice
        self.fail_above = fail_above
        self.batches: list[list[int]] = []
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.voice, name)

    def synthesize(
        self, passages: Sequence[Passage], params: SynthesisParams, context: bool = True
    ) -> list[list[VoiceOutput]]:
        with self.lock:
            self.batches.append([self.voice.cost(p) for p in passages])
        if self.fail_above and len(passages) > self.fail_above:
            raise RuntimeError(
                "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Failed to allocate memory "
                "for requested buffer of size 123456789"
            )
        return self.voice.synthesize(passages, params, context)


def items(voice: PiperVoice) -> list[Passage]:
    return [(VoiceInput((voice.phonemize(t),)),) for t in TEXTS]


def submit_from_threads(batcher: Batcher, passages: list[Passage]) -> list[VoiceOutput]:
    """Each passage from its own thread at once, as concurrent tasks would."""
    results: list[VoiceOutput | None] = [None] * len(passages)
    start = threading.Barrier(len(passages))

    def one(i: int) -> None:
        start.wait()
        (results[i],) = batcher.submit(passages[i], SILENT, True).result(timeout=120)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(passages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def test_batched_from_concurrent_callers_equals_alone(voice: PiperVoice) -> None:
    passages = items(voice)
    alone = [voice.synthesize([p], SILENT)[0][0] for p in passages]
    recording = Recording(voice)
    batcher = Batcher(recording, budget=10**6, workers=1, max_wait_s=0.2)  # type: ignore[arg-type]
    batched = submit_from_threads(batcher, passages)
    assert max(len(b) for b in recording.batches) > 1  # they did share batches
    assert sum(len(b) for b in recording.batches) == len(passages)
    for a, b in zip(alone, batched, strict=True):
        assert a.part_samples == b.part_samples
        assert np.max(np.abs(a.audio - b.audio)) < 1e-3


def test_every_batch_stays_within_the_budget(voice: PiperVoice) -> None:
    passages = items(voice)
    costs = sorted(voice.cost(p) for p in passages)
    budget = 2 * costs[-2]  # room for two of the larger ones, not for all six
    recording = Recording(voice)
    batcher = Batcher(recording, budget=budget, workers=2, max_wait_s=0.2)  # type: ignore[arg-type]
    submit_from_threads(batcher, passages)
    assert sum(len(b) for b in recording.batches) == len(passages)
    assert len(recording.batches) > 1
    for batch in recording.batches:
        assert len(batch) == 1 or len(batch) * max(batch) <= budget


def test_a_passage_over_the_budget_runs_alone(voice: PiperVoice) -> None:
    passages = items(voice)
    recording = Recording(voice)
    batcher = Batcher(recording, budget=1, workers=1, max_wait_s=0.05)  # type: ignore[arg-type]
    outputs = submit_from_threads(batcher, passages)
    assert len(outputs) == len(passages)
    assert all(len(b) == 1 for b in recording.batches)


def test_out_of_memory_halves_the_batch_and_is_logged(
    voice: PiperVoice, caplog: pytest.LogCaptureFixture
) -> None:
    passages = items(voice)
    alone = [voice.synthesize([p], SILENT)[0][0] for p in passages]
    recording = Recording(voice, fail_above=2)
    batcher = Batcher(recording, budget=10**6, workers=1, max_wait_s=0.2)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        batched = submit_from_threads(batcher, passages)
    assert "out of memory on a batch of" in caplog.text
    assert any(len(b) > 2 for b in recording.batches)  # tried big, then smaller
    for a, b in zip(alone, batched, strict=True):
        assert a.part_samples == b.part_samples
        assert np.max(np.abs(a.audio - b.audio)) < 1e-3


def test_other_errors_reach_the_caller(voice: PiperVoice) -> None:
    recording = Recording(voice, fail_above=-1)  # every batch "fails", but one cannot halve
    batcher = Batcher(recording, budget=0, workers=1)  # type: ignore[arg-type]
    future = batcher.submit(items(voice)[0], SILENT, True)
    with pytest.raises(RuntimeError, match="Failed to allocate"):
        future.result(timeout=60)


def test_an_urgent_passage_runs_before_those_queued_ahead_of_it(voice: PiperVoice) -> None:
    """A retake, which the QA thread waits for, goes before the narration's passages queued
    ahead of need; urgent ones keep their own order."""
    running, held = threading.Event(), threading.Event()
    recording = Recording(voice)
    synthesize = recording.synthesize

    def after_release(
        passages: Sequence[Passage], params: SynthesisParams, context: bool = True
    ) -> list[list[VoiceOutput]]:
        running.set()
        held.wait(timeout=60)
        return synthesize(passages, params, context)

    recording.synthesize = after_release  # type: ignore[method-assign]
    batcher = Batcher(recording, budget=0, workers=1)  # type: ignore[arg-type]
    passages = items(voice)
    futures = [batcher.submit(passages[0], SILENT, True)]
    running.wait(timeout=60)  # the first is taken; the rest queue behind it
    futures += [batcher.submit(p, SILENT, True) for p in passages[1:4]]
    futures += [batcher.submit(p, SILENT, True, urgent=True) for p in passages[4:]]
    held.set()
    for future in futures:
        future.result(timeout=120)
    costs = [voice.cost(p) for p in passages]
    assert [b[0] for b in recording.batches] == [costs[i] for i in (0, 4, 5, 1, 2, 3)]


def test_passages_in_flight_are_dealt_out_by_what_each_caller_has_left(voice: PiperVoice) -> None:
    """A chapter four times as long keeps four times as many passages in flight, so the
    chapters in flight end together; each keeps at least one per inference thread, and a
    caller alone gets all of them."""
    batcher = Batcher(voice, budget=0, workers=2)
    with batcher.caller(400) as long, batcher.caller(100) as short:
        # 2 callers x 8 = 16 passages or 40 shared, the larger: dealt 4 to 1.
        assert (long.room(least=8, shared=40), short.room(least=8, shared=40)) == (32, 8)
        assert (long.room(least=30, shared=40), short.room(least=30, shared=40)) == (48, 12)
        long.submitted(400)  # all submitted: the short one has the rest to itself
        assert long.room(least=8, shared=40) == 2
        assert short.room(least=8, shared=40) == 40
    with batcher.caller(3) as alone:
        assert alone.room(least=8, shared=4) == 8
