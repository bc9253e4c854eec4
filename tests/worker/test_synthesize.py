"""synthesize_items: a caller alone draws on the process's allowance of passages in flight."""

from typing import Any

from config.settings import Settings
from models.piper import PiperVoice
from models.runtime import PASSAGE_FRAMES, PASSAGE_IDS
from models.voice import SynthesisParams, VoiceInput
from tests.worker.test_batcher import Recording
from worker.synthesize import lookahead, process_lookahead, synthesize_items

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


def test_passages_in_flight_are_the_decoders_batches_when_the_front_takes_more(
    voice: PiperVoice,
) -> None:
    """A front batch of 20 passages and decoder batches of 3: what waits in memory is sized
    by the decoder's batches, two for each inference thread, not by the front's."""
    settings = Settings(inference_workers=1)
    recording: Any = Recording(voice)
    recording.batch_budget = 20 * PASSAGE_IDS
    recording.back_frame_budget = 3 * PASSAGE_FRAMES
    assert process_lookahead(recording, settings) == 6
    recording.back_frame_budget = 0  # one chunk at a time: the front's batches count
    assert process_lookahead(recording, settings) == 40
    recording.back_frame_budget = 3 * PASSAGE_FRAMES
    texts = [f"Sentence number {n} of the bounded chapter." for n in range(16)]
    passages = [(VoiceInput((voice.phonemize(t),)),) for t in texts]
    outputs = list(synthesize_items(recording, passages, SILENT, False, settings))
    assert [index for index, _ in outputs] == list(range(16))
    assert max(len(batch) for batch in recording.batches) <= 6


def test_a_chapter_worded_once_has_the_phonemes_and_links_of_worded_twice() -> None:
    """phonemize_here words each span once, traced, for its phonemes and its word links:
    the same as the phonemes from its text and the links from its source, each worded on
    its own (the queue's plan and a redone sentence take those ways)."""
    import functools

    from config.manuscript import LexiconEntry
    from models.wording import Wording
    from worker.segment import segment_chapter
    from worker.synthesize import phonemize_here, phonemize_segments, phonemize_word, phonemizer_for
    from worker.words import chapter_links

    text = (
        "On the 3rd of March, 1887, Dr. Smith paid $3.50 for 2 kg of   apples at 9-10.30am.\n\n"
        "The short man said “bonjour” — then left (c. 90–1100); see p. 42, §7."
    )
    wording = Wording((LexiconEntry(grapheme="short", alias="brief"),), "en-GB")
    segments = segment_chapter(text, Settings().segmenting)
    phonemizer = phonemizer_for("joe")
    said = functools.partial(phonemize_word, "joe")
    phonemes, links = phonemize_here(phonemizer, "joe", segments, wording, text)
    assert phonemes == phonemize_segments(phonemizer, segments, wording)
    assert links == chapter_links(text, segments, phonemes, wording, said)
    assert any(link.links for segment in links for link in segment)  # words were linked
