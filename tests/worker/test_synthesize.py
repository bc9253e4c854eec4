"""synthesize_items: a caller alone draws on the process's allowance of passages in flight."""

from typing import Any

from config.settings import Settings
from models.piper import PiperVoice
from models.runtime import PASSAGE_IDS
from models.voice import SynthesisParams, VoiceInput
from tests.worker.test_batcher import Recording
from worker.synthesize import lookahead, synthesize_items

SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)


def test_a_lone_caller_fills_batches_beyond_its_own_lookahead(voice: PiperVoice) -> None:
    settings = Settings(inference_workers=1)
    recording: Any = Recording(voice)
    recording.batch_budget = 20 * PASSAGE_IDS  # 40 passages in flight for the process
    texts = [f"Sentence number {n} of the lone chapter." for n in range(12)]
    passages = [(VoiceInput((voice.phonemize(t),)),) for t in texts]
    outputs = list(synthesize_items(recording, passages, SILENT, False, settings))
    assert [index for index, _ in outputs] == list(range(12))
    assert all(len(output.audio) > 0 for _, output in outputs)
    # Its own lookahead is 4: more than that in one batch came from the shared allowance.
    assert max(len(batch) for batch in recording.batches) > lookahead(settings)
