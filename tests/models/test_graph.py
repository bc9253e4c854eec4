from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from config.errors import DeviceError, UnknownVoiceError
from models.graph import ATTENTION_SPAN, DECODER_Z, _cut, cut_voice_graph, split_back
from models.piper import PiperVoice
from models.registry import find_voice
from models.runtime import Providers, back_providers, providers_for
from models.voice import VoiceInput


def test_the_cut_is_cached_and_read_back(tmp_path: Path) -> None:
    model = find_voice("joe").model
    first = cut_voice_graph(model, tmp_path)
    cached = sorted(p.name for p in tmp_path.iterdir())
    assert len(cached) == 2 and cached[0].endswith("-back.onnx")
    again = cut_voice_graph(model, tmp_path)
    assert again == first
    assert cut_voice_graph(model, None) == first  # the cut is deterministic


def test_another_attention_span_is_cached_apart(tmp_path: Path) -> None:
    """NARRATE_ATTENTION_SPAN=32: a front of its own in the cache, beside the default's."""
    model = find_voice("joe").model
    default = cut_voice_graph(model, tmp_path)
    narrow = cut_voice_graph(model, tmp_path, span=32)
    assert narrow.front != default.front and narrow.back == default.back
    fronts = sorted(path.name for path in tmp_path.glob("*-front-*.onnx"))
    assert len(fronts) == 2 and any(name.endswith("-span32.onnx") for name in fronts)
    assert cut_voice_graph(model, tmp_path, span=32).front == narrow.front  # read back
    assert cut_voice_graph(model, tmp_path).front == default.front


def test_devices() -> None:
    assert providers_for("cpu") == ["CPUExecutionProvider"]
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        providers_for("tpu")


def test_the_back_runs_channels_last_on_cuda_only() -> None:
    cuda: Providers = [("CUDAExecutionProvider", {"device_id": "0"}), "CPUExecutionProvider"]
    assert back_providers(cuda) == [
        ("CUDAExecutionProvider", {"device_id": "0", "prefer_nhwc": "1"}),
        "CPUExecutionProvider",
    ]
    assert cuda[0] == ("CUDAExecutionProvider", {"device_id": "0"})  # the front's unchanged
    assert back_providers(["CPUExecutionProvider"]) == ["CPUExecutionProvider"]


def test_cuda_without_a_cuda_provider_is_a_clear_error() -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has CUDA")
    with pytest.raises(DeviceError, match="no CUDA provider"):
        providers_for("cuda:0")


def test_attention_reaches_a_sentence_not_the_whole_passage(voice: PiperVoice) -> None:
    """Ids far from a change keep their prior with the span, and do not without it."""
    text = " ".join(
        f"The {word} keeper climbed the winding stairs of the lighthouse at dusk."
        for word in (
            "old",
            "young",
            "tired",
            "cheerful",
            "silent",
            "careful",
            "weary",
            "patient",
            "hungry",
        )
    )
    ids = voice.layout((VoiceInput((voice.phonemize(text),)),), context=False).ids
    changed = list(ids)
    changed[1:60] = reversed(ids[1:60])  # the passage's first words, other phonemes
    far = 60 + 6 * (ATTENTION_SPAN + 8)  # six layers, each reaching the span (+ convolutions)
    assert len(ids) > far + 100

    def prior(graph: bytes, tokens: list[int]) -> np.ndarray:
        session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
        feeds = {
            "input": np.array([tokens], np.int64),
            "input_lengths": np.array([len(tokens)], np.int64),
            "scales": np.array([0.0, 1.0, 0.0], np.float32),
            "duration_noise": np.zeros((1, 2, len(tokens)), np.float32),
        }
        m_p = session.run(None, feeds)[0]
        return np.asarray(m_p[0])

    model = find_voice("joe").model
    for span, far_changes in ((ATTENTION_SPAN, False), (0, True)):
        front = _cut(model, "test", span).front
        before, after = prior(front, ids), prior(front, changed)
        assert not np.allclose(before[:, 60:80], after[:, 60:80])  # near the change: it shows
        assert (not np.allclose(before[:, far:], after[:, far:], atol=1e-6)) is far_changes


def test_the_attention_window_slides_inward_at_the_ends() -> None:
    """Each real id sees 2 * span + 1 real ids, centred on it where the input allows, and
    padding sees nothing: read from the mask the masked front feeds its attention layers
    (the windowed front computes the same, next test)."""
    span = 8
    front = onnx.load_from_string(_cut(find_voice("joe").model, "test", span, False).front)
    del front.graph.output[:]
    front.graph.output.append(onnx.helper.make_tensor_value_info("/span/mask", 1, None))
    session = ort.InferenceSession(front.SerializeToString(), providers=["CPUExecutionProvider"])
    lengths = [40, 17, 12]  # longer than a window, just one window, shorter (l = 40)
    feeds = {
        "input": np.ones((3, 40), np.int64),
        "input_lengths": np.array(lengths, np.int64),
        "scales": np.array([0.0, 1.0, 0.0], np.float32),
        "duration_noise": np.zeros((3, 2, 40), np.float32),
    }
    (seen,) = session.run(None, feeds)
    assert seen.shape == (3, 1, 40, 40)
    for item, n in enumerate(lengths):
        for i in range(40):
            row = seen[item, 0, i]
            if i >= n:
                assert not row.any()
                continue
            centre = min(max(i, span), n - 1 - span) if n > 2 * span else None
            expected = np.zeros(40, np.float32)
            if centre is None:
                expected[:n] = 1  # the whole input fits in one window
            else:
                expected[centre - span : centre + span + 1] = 1
            assert np.array_equal(row, expected), (n, i)
    assert seen[0, 0, 0, : 2 * span + 1].all() and not seen[0, 0, 0, 2 * span + 1 :].any()


@pytest.mark.parametrize(
    ("span", "batches"),
    [
        (8, [([40, 17, 12], 40), ([200, 150, 81, 80, 79], 200)]),  # windows, blocks, their ends
        (ATTENTION_SPAN, [([1456, 700, 300, 64], 1456), ([2048, 1999], 2048), ([129], 129)]),
    ],
)
def test_the_windowed_front_computes_what_the_masked_one_does(
    span: int, batches: list[tuple[list[int], int]]
) -> None:
    """Scores on each id's window only (`models.attention.window_attention`), against the
    export's [l, l] scores masked to the same window: the same priors up to the order of
    the softmax's sums, the same durations."""
    model = find_voice("joe").model
    fronts = [_cut(model, "test", span, windowed).front for windowed in (False, True)]
    masked, windowed = (ort.InferenceSession(f, providers=["CPUExecutionProvider"]) for f in fronts)
    rng = np.random.default_rng(span)
    for lengths, width in batches:
        ids = np.zeros((len(lengths), width), np.int64)
        for item, n in enumerate(lengths):
            ids[item, :n] = rng.integers(1, 150, n)
        feeds = {
            "input": ids,
            "input_lengths": np.array(lengths, np.int64),
            "scales": np.array([0.667, 1.0, 0.8], np.float32),
            "duration_noise": rng.standard_normal((len(lengths), 2, width)).astype(np.float32),
        }
        expected, got = masked.run(None, feeds), windowed.run(None, feeds)
        for item, n in enumerate(lengths):
            (m_p, logs_p, durations), (m_p2, logs_p2, durations2) = (
                [np.asarray(out)[item, ..., :n] for out in outs] for outs in (expected, got)
            )
            assert np.abs(m_p - m_p2).max() < 1e-4, (lengths, item)
            assert np.abs(logs_p - logs_p2).max() < 1e-5, (lengths, item)
            assert np.array_equal(durations, durations2), (lengths, item)


def test_the_back_splits_at_the_decoder_or_says_it_cannot() -> None:
    """The CPU's back runs apart (`split_back`): the flow's output is the decoder's input,
    named `z`; a back with no decoder input (another export) is a clear error, not a crash
    mid-book."""
    back = cut_voice_graph(find_voice("joe").model).back
    flow, decoder = (onnx.load_from_string(part) for part in split_back(back))
    assert [o.name for o in flow.graph.output] == [DECODER_Z]
    assert [i.name for i in decoder.graph.input] == [DECODER_Z]
    assert not any(node.name.startswith("/dec/") for node in flow.graph.node)
    assert not any(node.name.startswith("/flow/") for node in decoder.graph.node)
    model = onnx.load_from_string(back)
    for node in model.graph.node:  # the decoder's first layer, renamed away
        node.name = node.name.replace("/dec/conv_pre/", "/dec/other/")
    with pytest.raises(UnknownVoiceError, match="no single decoder input"):
        split_back(model.SerializeToString())
