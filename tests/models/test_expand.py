"""The back graph that expands latents itself (models/expand.py) against the host's own."""

import numpy as np

from models.noise import NOISE_TABLE_SIZE, latent_noise, noise_rows
from models.piper import PiperVoice
from models.voice import SynthesisParams, chain

NOISY = SynthesisParams(length_scale=1.0, noise_scale=0.667, noise_w=0.8, seed=3)


def test_the_graph_expands_the_latents_the_host_would() -> None:
    """Fixed shapes as on CUDA: chunks of long segments, padding rows and frames, noise on;
    the same audio whether the host or the graph expands the prior."""
    options = {"threads": 2, "shape_step": 64, "max_back_frames": 150}
    host = PiperVoice.load("joe", expand_in_graph=False, **options)
    graph = PiperVoice.load("joe", expand_in_graph=True, **options)
    assert graph.back.expands and not host.back.expands  # type: ignore[attr-defined]
    for voice in (host, graph):
        voice.back_frame_budget = 1100  # a few windows a batch: several batches, padded rows
    texts = ["The keeper climbed the stairs.", "It rained.", "Then the wind rose. " * 6]
    items = chain(host, [(host.phonemize(t),) for t in texts])
    passages = [(item,) for item in items]
    by_host = [out for (out,) in host.synthesize(passages, NOISY)]
    by_graph = [out for (out,) in graph.synthesize(passages, NOISY)]
    for a, b in zip(by_host, by_graph, strict=True):
        assert a.part_samples == b.part_samples
        assert np.array_equal(a.audio, b.audio)  # the same float32 sums, in the same order
        assert np.max(np.abs(a.audio)) > 0.05  # speech, not the silence of a broken graph


def test_the_warm_up_runs_the_expanding_graph_at_its_widest() -> None:
    voice = PiperVoice.load(
        "joe", threads=2, shape_step=64, max_back_frames=150, expand_in_graph=True
    )
    voice.batch_budget, voice.back_frame_budget = 1000, 1100
    voice.warm_up(longest_ids=200)  # raises if the inputs do not fit the graph


def test_noise_rows_are_the_segments_noise_read_channel_by_channel() -> None:
    shape = (192, 300)
    whole = latent_noise(shape, (0, 7))
    offset = int(np.random.default_rng((0, 7)).integers(0, NOISE_TABLE_SIZE - 192 * 300 + 1))
    assert np.array_equal(noise_rows(offset + 40, 300, 192, 100), whole[:, 40:140])
    # a segment longer than the table reads it again from the start
    frames = NOISE_TABLE_SIZE // 100
    long = latent_noise((192, frames), (0, 7))
    assert np.array_equal(noise_rows(5, frames, 192, 50), long[:, 5:55])
