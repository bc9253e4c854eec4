import itertools
import logging
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

from config.errors import PermanentError, UnknownVoiceError
from models.backends import Back, OrtBack, SplitBack
from models.graph import ATTENTION_SPAN, _cut, cut_voice_graph, model_digest
from models.noise import latent_noise, noise_table
from models.piper import CHUNK_MARGIN, DECODER_MARGIN, PiperVoice, _session_options
from models.registry import find_voice
from models.runtime import CPU_PROVIDERS as CPU
from models.voice import SynthesisParams, VoiceInput, chain, spoken_words

SILENT = SynthesisParams(length_scale=1.0, noise_scale=0.0, noise_w=0.0)


def whole_model_audio(ids: list[int]) -> np.ndarray:
    session = ort.InferenceSession(str(find_voice("joe").model), providers=["CPUExecutionProvider"])
    (audio,) = session.run(
        None,
        {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
        },
    )
    return audio.reshape(-1)


def test_cut_graph_gives_exactly_the_whole_models_audio(voice: PiperVoice) -> None:
    """Exactly with the front's attention masked and the back as cut; within 1e-4 with the
    front scoring only its windows (models.attention.window_attention) and within 2e-4 with
    the 2-D back the CPU runs (models.conv2d): the same sums in another order."""
    item = VoiceInput(
        (voice.phonemize("The keeper climbed the stairs."), voice.phonemize("The lamp was lit."))
    )
    reference = whole_model_audio(voice.layout((item,), context=False).ids)
    model = find_voice("joe").model
    cpu_front, cpu_back = voice.front, voice.back
    masked = _cut(model, model_digest(model), ATTENTION_SPAN, windowed=False).front
    voice.back = OrtBack(cut_voice_graph(model).back, ort.SessionOptions(), CPU)
    try:
        (windowed,) = voice.synthesize([(item,)], SILENT, context=False)[0]
        voice.front = ort.InferenceSession(masked, providers=CPU)
        (out,) = voice.synthesize([(item,)], SILENT, context=False)[0]
    finally:
        voice.front, voice.back = cpu_front, cpu_back
    assert out.audio.shape == reference.shape
    assert np.array_equal(out.audio, reference)
    assert sum(out.part_samples) == len(out.audio)
    assert all(samples > 0 for samples in out.part_samples)
    assert windowed.part_samples == out.part_samples
    assert np.max(np.abs(windowed.audio - reference)) < 1e-4
    (out,) = voice.synthesize([(item,)], SILENT, context=False)[0]
    assert np.max(np.abs(out.audio - reference)) < 2e-4


def test_sampled_durations_follow_the_seed_not_what_ran_before(voice: PiperVoice) -> None:
    """Duration noise used to come from a generator inside the graph that onnxruntime seeds
    once per session: the same passage changed length from one run to the next."""
    sampled = voice.default_params()
    assert sampled.noise_w > 0
    one = VoiceInput((voice.phonemize("The keeper climbed the stairs at dusk."),), seed=5)
    other = VoiceInput((voice.phonemize("Another passage, run in between."),), seed=9)
    first = voice.synthesize([(one,)], sampled)[0][0]
    voice.synthesize([(other,)], sampled)
    again = voice.synthesize([(one,)], sampled)[0][0]
    batched = voice.synthesize([(other,), (one,)], sampled)[1][0]
    assert again.part_samples == first.part_samples == batched.part_samples
    assert np.array_equal(again.audio, first.audio)
    assert np.max(np.abs(batched.audio - first.audio)) < 1e-3
    reseeded = VoiceInput(one.parts, seed=6)
    assert voice.synthesize([(reseeded,)], sampled)[0][0].part_samples != first.part_samples


def test_padded_batch_gives_the_same_audio_as_alone(voice: PiperVoice) -> None:
    texts = [
        "A short one.",
        "A rather longer sentence that forces the others to be padded.",
        "Medium length, with a comma.",
    ]
    items = [VoiceInput((voice.phonemize(t),)) for t in texts]
    alone = [voice.synthesize([(item,)], SILENT)[0][0] for item in items]
    budget = voice.back_frame_budget
    voice.back_frame_budget = 10**6  # the back too runs all three in one padded batch
    try:
        batched = voice.synthesize([(item,) for item in items], SILENT)
    finally:
        voice.back_frame_budget = budget
    for a, (b,) in zip(alone, batched, strict=True):
        assert a.audio.shape == b.audio.shape
        assert a.part_samples == b.part_samples
        # float32 kernels differ with shape: equal to well under one 16-bit step
        assert np.max(np.abs(a.audio - b.audio)) < 1e-3
        assert np.corrcoef(a.audio, b.audio)[0, 1] > 0.9999


def test_context_is_cut_away_and_parts_tile_the_segment(voice: PiperVoice) -> None:
    phonemes = [
        (voice.phonemize("It was late."),),
        (voice.phonemize("The ships saw the light,"), voice.phonemize("and turned.")),
        (voice.phonemize("Nobody knew why."),),
    ]
    items = chain(voice, phonemes)
    assert items[1].before == voice.state_after(VoiceInput(phonemes[0]))
    assert items[1].after == voice.head(VoiceInput(phonemes[2]))
    with_context = [voice.synthesize([(item,)], SILENT, context=True)[0][0] for item in items]
    alone = [voice.synthesize([(item,)], SILENT, context=False)[0][0] for item in items]
    middle = with_context[1]
    assert len(middle.part_samples) == 2
    assert sum(middle.part_samples) == len(middle.audio)
    # The neighbours' audio is gone: the middle is about as long as itself alone, minus
    # the start and end silences the alone version has.
    assert 0.6 * len(alone[1].audio) < len(middle.audio) < 1.1 * len(alone[1].audio)
    assert middle.state == voice.state_after(items[1])


def test_a_passage_shares_one_front_pass_and_tiles_its_segments(voice: PiperVoice) -> None:
    texts = ["It was late,", "and the ships saw the light.", "Nobody knew why."]
    items = chain(voice, [(voice.phonemize(t),) for t in texts])
    (outputs,) = voice.synthesize([tuple(items)], SILENT, context=False)
    whole = VoiceInput(tuple(voice.phonemize(t) for t in texts))
    ((reference,),) = voice.synthesize([(whole,)], SILENT, context=False)
    # Three segments in one passage are the three parts of one reading, sample for sample
    # (up to the decoder margins at the cuts).
    assert [len(o.audio) for o in outputs] == reference.part_samples
    joined = np.concatenate([o.audio for o in outputs])
    assert np.corrcoef(joined, reference.audio)[0, 1] > 0.999


def test_a_segment_ends_before_the_space_where_the_next_one_begins(voice: PiperVoice) -> None:
    """Reading on, the voice starts the next segment's first sound in the space between
    them; a pause follows every segment, so that space belongs to the segment after it:
    the one before ends quiet instead of with a cut-off onset (heard as a word)."""
    texts = ["There was the click of the latch.", "A volume of sound rushed up the stairs."]
    items = tuple(chain(voice, [(voice.phonemize(t),) for t in texts]))
    layout = voice.layout(items, context=True)
    space = voice.phonemizer.config.phoneme_id_map[" "]
    assert layout.ids[layout.items[1][0]] == space[0]
    first, _ = voice.synthesize([items], SILENT)[0]
    tail = first.audio[-2 * voice.hop :]
    assert np.abs(tail).max() < 0.01 < np.abs(first.audio).max()
    assert sum(first.part_samples) == len(first.audio)


def test_long_segments_run_through_the_decoder_in_chunks(voice: PiperVoice) -> None:
    item = VoiceInput((voice.phonemize("The river ran past the mill and under the bridge " * 4),))
    whole_voice = PiperVoice.load("joe", threads=2, max_back_frames=10**6)
    ((whole,),) = whole_voice.synthesize([(item,)], SILENT, context=False)
    chunked_voice = PiperVoice.load("joe", threads=2, max_back_frames=150)
    ((chunked,),) = chunked_voice.synthesize([(item,)], SILENT, context=False)
    assert len(whole.audio) > 3 * 150 * voice.hop  # it did need several chunks
    assert chunked.audio.shape == whole.audio.shape
    assert np.max(np.abs(chunked.audio - whole.audio)) < 1e-4  # joins are seamless


class Runs:
    """A session (or OpenVINO back), noting the frames of every run."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.frames: list[int] = []

    def run(self, z_p: np.ndarray, mask: np.ndarray) -> np.ndarray:
        self.frames.append(z_p.shape[2])
        return np.asarray(self.inner.run(z_p, mask))

    def run_inputs(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        self.frames.append(next(iter(feeds.values())).shape[2])
        return np.asarray(self.inner.run_inputs(feeds))


def test_the_cpu_runs_the_flow_once_a_segment_and_the_decoder_in_windows() -> None:
    """The CPU's back runs apart (`SplitBack`): the flow over each segment's frames at once,
    the decoder over windows with its own receptive field as margin; the audio is the one
    back's, noise and chunk joins included."""
    text = "The river ran past the mill and under the bridge, and on to the sea. " * 3
    split = PiperVoice.load("joe", threads=2, max_back_frames=150)
    assert isinstance(split.back, SplitBack) and split.join_margin == DECODER_MARGIN
    whole = PiperVoice.load("joe", threads=2, max_back_frames=150)
    whole.back = OrtBack(cut_voice_graph(find_voice("joe").model).back, ort.SessionOptions(), CPU)
    assert whole.join_margin == CHUNK_MARGIN
    flow = split.back.flow = Runs(split.back.flow)  # type: ignore[assignment]
    decoder = split.back.decoder = Runs(split.back.decoder)  # type: ignore[assignment]
    sampled = replace(split.default_params(), seed=4)
    phonemes = [(split.phonemize(text),), (split.phonemize("Yes."),)]
    got = split.synthesize([tuple(chain(split, phonemes, seed=2))], sampled)[0]
    want = whole.synthesize([tuple(chain(whole, phonemes, seed=2))], sampled)[0]
    for a, b in zip(got, want, strict=True):
        assert a.part_samples == b.part_samples
        assert np.max(np.abs(a.audio - b.audio)) < 1e-4
    assert len(flow.frames) == 2  # once a segment
    assert len(decoder.frames) > 4 and max(decoder.frames) <= 150 + 2 * DECODER_MARGIN + 1
    joins = len(decoder.frames) - len(flow.frames)  # each adds the decoder's margins only
    assert sum(decoder.frames) <= sum(flow.frames) + joins * 2 * DECODER_MARGIN


def test_state_is_a_word_aligned_tail(voice: PiperVoice) -> None:
    long = voice.phonemize(" ".join(["remarkable"] * 40))
    tail = voice.state_after(VoiceInput((long,)))
    assert 0 < len(tail) <= voice.context_phonemes
    assert tail == long[-len(tail) :]
    assert long[-len(tail) - 1] == " "  # starts at a word boundary


def test_unspeakable_characters_are_skipped_with_a_warning(
    voice: PiperVoice, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        phonemes = voice.phonemize("Hello 😀 world ★ again")
    assert phonemes == voice.phonemize("Hello world again")
    assert "U+1F600" in caplog.text and "U+2605" in caplog.text


def test_a_segment_of_symbols_only_synthesizes_without_error(voice: PiperVoice) -> None:
    item = VoiceInput((voice.phonemize("😀 ★ ♥"),))
    ((out,),) = voice.synthesize([(item,)], SILENT)
    assert sum(out.part_samples) == len(out.audio)


def test_unknown_voice_names_and_paths(tmp_path: Path) -> None:
    with pytest.raises(UnknownVoiceError, match="unknown voice 'nobody'"):
        find_voice("nobody")
    with pytest.raises(UnknownVoiceError, match="does not exist"):
        find_voice(str(tmp_path / "x.onnx"))
    (tmp_path / "x.onnx").write_bytes(b"not a model")
    with pytest.raises(UnknownVoiceError, match="no config"):
        find_voice(str(tmp_path / "x.onnx"))
    (tmp_path / "x.onnx.json").write_text("{}")
    with pytest.raises(UnknownVoiceError):
        PiperVoice.load(str(tmp_path / "x.onnx"))


def test_a_voice_given_by_path_works(tmp_path: Path) -> None:
    files = find_voice("joe")
    shutil.copy(files.model, tmp_path / "mine.onnx")
    shutil.copy(files.config, tmp_path / "mine.onnx.json")
    voice = PiperVoice.load(str(tmp_path / "mine.onnx"))
    assert voice.name == "mine"
    assert voice.sample_rate == 22050


class ShapeLog:
    """The voice's back, noting the shape of every run."""

    def __init__(self, back: Back) -> None:
        self.back = back
        self.frame_step = back.frame_step
        self.shapes: list[tuple[int, ...]] = []

    def run(self, z_p: np.ndarray, mask: np.ndarray) -> np.ndarray:
        self.shapes.append(z_p.shape)
        return self.back.run(z_p, mask)


class FrontLog:
    """The voice's front session, noting the shape of the ids of every run."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.shapes: list[tuple[int, ...]] = []

    def run(self, outputs: Any, feeds: dict[str, np.ndarray]) -> Any:
        self.shapes.append(feeds["input"].shape)
        return self.session.run(outputs, feeds)

    def get_outputs(self) -> Any:
        return self.session.get_outputs()


def test_fixed_shapes_change_nothing_but_speed(voice: PiperVoice) -> None:
    """On CUDA ids are padded to a step, batches to power-of-two rows and decoder chunks to
    one window, so that shapes repeat; the audio stays what each passage gives alone."""
    budget = 1100  # four windows: more chunks than that take several runs
    fixed = PiperVoice.load("joe", threads=2, shape_step=64, max_back_frames=150)
    fixed.back_frame_budget = budget
    log = ShapeLog(fixed.back)
    fixed.back = log
    texts = ["The keeper climbed the stairs.", "It rained.", "Then the wind rose. " * 6]
    items = chain(voice, [(voice.phonemize(t),) for t in texts])
    passages = [(item,) for item in items]
    alone = [voice.synthesize([p], SILENT)[0][0] for p in passages]
    together = [out for (out,) in fixed.synthesize(passages, SILENT)]
    for a, b in zip(alone, together, strict=True):
        assert a.part_samples == b.part_samples
        assert np.max(np.abs(a.audio - b.audio)) < 1e-3
    window = fixed.back.frame_step
    assert len(log.shapes) > 1 and {shape[2] for shape in log.shapes} == {window}
    for rows, _, frames in log.shapes:
        assert rows & (rows - 1) == 0  # a power of two
        assert rows * frames <= budget


def test_warm_up_runs_the_largest_batches_the_budgets_allow(voice: PiperVoice) -> None:
    """The arenas take their working set at load: with fixed shapes (CUDA) the front's and
    the decoder's; without them (the CPU), the decoder's."""
    fixed = PiperVoice.load(
        "joe", threads=2, shape_step=64, max_back_frames=150, inference_workers=1
    )
    fixed.batch_budget, fixed.back_frame_budget = 1000, 1100
    back = fixed.back = ShapeLog(fixed.back)
    front = fixed.front = FrontLog(fixed.front)
    made = fixed.warm_up(longest_ids=200)
    assert front.shapes == [(2, 256)]  # 200 ids padded to 256: 3 rows fit, a power of two: 2
    window = back.frame_step
    assert back.shapes == [(4, 192, window)]  # 1100 frames hold four windows of 256
    assert made == 4 * window * fixed.hop / fixed.sample_rate  # the audio its runs made
    plain = PiperVoice.load("joe", threads=2, max_back_frames=150, inference_workers=1)
    plain.back_frame_budget = 500
    back = plain.back = ShapeLog(plain.back)
    front = plain.front = FrontLog(plain.front)
    plain.warm_up(longest_ids=200)
    assert front.shapes == []
    assert back.shapes == [(2, 192, 150 + 2 * CHUNK_MARGIN)]  # the longest chunk, twice in 500


def test_a_short_run_on_the_cpu_skips_the_warm_up_a_gpu_never_does() -> None:
    plain = PiperVoice.load("joe", threads=2, max_back_frames=150, inference_workers=1)
    back = plain.back = ShapeLog(plain.back)
    assert plain.warm_up(longest_ids=200, long_run=False) == 0.0
    assert back.shapes == []
    fixed = PiperVoice.load("joe", threads=2, shape_step=64, max_back_frames=150)
    fixed.batch_budget, fixed.back_frame_budget = 1000, 1100
    back = fixed.back = ShapeLog(fixed.back)
    fixed.warm_up(longest_ids=200, long_run=False)  # the budget is checked at load all the same
    assert back.shapes


def test_no_decoder_run_is_longer_than_the_warm_up_window() -> None:
    """A decoder run longer than any before grows the CPU arena mid-book (RSS in steps)."""
    plain = PiperVoice.load("joe", threads=2, max_back_frames=40, inference_workers=1)
    back = plain.back = ShapeLog(plain.back)
    plain.warm_up(longest_ids=200)
    text = "The keeper climbed the long stairs of the lighthouse at dusk, and lit the lamp."
    plain.synthesize([tuple(chain(plain, [(plain.phonemize(text),)]))], SILENT)
    warm, *runs = back.shapes
    assert len(runs) >= 3 and max(frames for _, _, frames in runs) <= warm[2]


def test_warm_up_runs_from_every_inference_worker_at_once() -> None:
    fixed = PiperVoice.load(
        "joe", threads=1, shape_step=64, max_back_frames=150, inference_workers=3
    )
    fixed.batch_budget, fixed.back_frame_budget = 1000, 1100
    back = fixed.back = ShapeLog(fixed.back)
    front = fixed.front = FrontLog(fixed.front)
    fixed.warm_up(longest_ids=200)
    assert front.shapes == [(2, 256)] * 3
    assert back.shapes == [(4, 192, back.frame_step)] * 3


class OutOfMemory:
    """A front session whose every run fails as onnxruntime does when the GPU is full."""

    def run(self, outputs: Any, feeds: dict[str, np.ndarray]) -> Any:
        raise RuntimeError("BFCArena::AllocateRawInternal Failed to allocate memory")


def test_a_budget_the_device_cannot_hold_fails_at_load_with_advice() -> None:
    fixed = PiperVoice.load("joe", threads=2, shape_step=64)
    fixed.batch_budget, fixed.back_frame_budget = 1000, 1100
    fixed.front = OutOfMemory()
    with pytest.raises(PermanentError, match="lower NARRATE_GPU_MEMORY_GB"):
        fixed.warm_up(longest_ids=200)


def test_each_spoken_word_has_its_samples_in_its_span(voice: PiperVoice) -> None:
    phonemes = [
        (voice.phonemize("It was late."),),
        (voice.phonemize("The ships saw the light, and turned."), voice.phonemize("Why?")),
    ]
    items = chain(voice, phonemes)
    outputs = voice.synthesize([tuple(items)], SILENT)[0]
    for item, out in zip(items, outputs, strict=True):
        assert len(out.word_samples) == len(item.parts)
        for part, words, samples in zip(
            item.parts, out.word_samples, out.part_samples, strict=True
        ):
            assert len(words) == len(spoken_words(part))
            edges = [edge for word in words for edge in word]
            assert edges == sorted(edges) and edges[0] >= 0 and edges[-1] <= samples
            assert all(start < end for start, end in words)
    # The comma's pause lies between two words: the longest gap of the sentence.
    words = outputs[1].word_samples[0]
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(words)]
    assert gaps.index(max(gaps)) == 4  # after "light,"


def test_word_samples_follow_the_durations_batched_or_alone(voice: PiperVoice) -> None:
    items = [VoiceInput((voice.phonemize(t),)) for t in ("A short one.", "Then a longer one.")]
    alone = [voice.synthesize([(item,)], SILENT)[0][0] for item in items]
    batched = voice.synthesize([(item,) for item in items], SILENT)
    assert [out.word_samples for out in alone] == [out.word_samples for (out,) in batched]


def test_latent_noise_is_a_seeded_slice_of_one_normal_table() -> None:
    table = noise_table()
    first = latent_noise((192, 300), (0, 7))
    assert first.shape == (192, 300) and first.dtype == np.float32
    assert np.array_equal(first, latent_noise((192, 300), (0, 7)))
    assert not np.array_equal(first, latent_noise((192, 300), (0, 8)))
    assert not np.array_equal(first, latent_noise((192, 300), (1, 7)))
    assert abs(float(table.mean())) < 0.01 and abs(float(table.std()) - 1) < 0.01
    with pytest.raises(ValueError):
        first[0, 0] = 1.0  # a view of the shared table: never written
    longer = latent_noise((192, len(table) // 192 + 5), (0, 7))  # past the table: repeated
    assert longer.shape[1] == len(table) // 192 + 5


def test_sampled_latents_follow_the_seed_batched_or_alone(voice: PiperVoice) -> None:
    noisy = SynthesisParams(length_scale=1.0, noise_scale=0.667, noise_w=0.0, seed=3)
    one = VoiceInput((voice.phonemize("The lamp was lit at dusk."),), seed=5)
    other = VoiceInput((voice.phonemize("Another passage, run in between."),), seed=9)
    alone = voice.synthesize([(one,)], noisy)[0][0]
    batched = voice.synthesize([(other,), (one,)], noisy)[1][0]
    silent = voice.synthesize([(one,)], replace(noisy, noise_scale=0.0))[0][0]
    reseeded = voice.synthesize([(one,)], replace(noisy, seed=4))[0][0]
    assert np.max(np.abs(batched.audio - alone.audio)) < 1e-3
    assert np.max(np.abs(alone.audio - silent.audio)) > 1e-2  # the noise is there
    assert np.max(np.abs(alone.audio - reseeded.audio)) > 1e-2  # and follows the seed


def test_cuda_sessions_are_built_without_planned_memory_reuse() -> None:
    """It cost ~1 s of each CUDA front's build for nothing measurable (docs/performance.md,
    "The front's session without planned reuse"); the CPU keeps it: its RSS was measured
    flat with it."""
    assert _session_options(1, cpu=True).enable_mem_reuse
    assert not _session_options(1, cpu=False).enable_mem_reuse
    assert not _session_options(1, cpu=False).enable_mem_pattern
