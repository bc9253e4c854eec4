"""Sessions from optimized graphs kept in the cache: read back, they say the same samples."""

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

import models.backends
import models.piper
import models.sessions
from models.piper import PiperVoice
from models.sessions import SHRINK_EVERY_RUNS, SUFFIX, optimized_path, session
from models.voice import VoiceInput

TEXT = "The keeper climbed the stairs at 7 P.M., and lit the great lamp."


def said(voice: PiperVoice) -> np.ndarray:
    params = voice.default_params()  # with noise: the seeded draws must match too
    (out,) = voice.synthesize([(VoiceInput((voice.phonemize(TEXT),), seed=3),)], params)[0]
    return out.audio


DISABLED = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
ENABLED = ort.GraphOptimizationLevel.ORT_ENABLE_ALL


def sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each session is built from: "graph" (bytes, optimized now) or "saved" (read
    with onnxruntime's optimizations off, as they were made already). The options are back
    as they were once each session is built: the front's and the back's share them."""
    built: list[str] = []
    real = ort.InferenceSession

    def recorded(model: Any, options: ort.SessionOptions, **kwargs: Any) -> Any:
        saved = isinstance(model, str) and model.endswith(SUFFIX)
        assert options.graph_optimization_level == (DISABLED if saved else ENABLED)
        built.append("saved" if saved else "graph")
        made = real(model, options, **kwargs)
        return made

    def restored(*args: Any, **kwargs: Any) -> Any:
        made = session(*args, **kwargs)
        options = args[1]
        assert options.graph_optimization_level == ENABLED
        assert options.optimized_model_filepath == ""
        assert options.log_severity_level == models.piper.onnxruntime_log_severity()
        return made

    monkeypatch.setattr(models.sessions.ort, "InferenceSession", recorded)
    monkeypatch.setattr(models.piper, "session", restored)
    monkeypatch.setattr(models.backends, "session", restored)
    return built


def test_a_later_session_reads_the_optimized_graph_and_says_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=None))
    built = sources(monkeypatch)
    first = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    kept = sorted(tmp_path.glob(f"*{SUFFIX}"))
    assert built == ["graph"] * 3 and len(kept) == 3  # the front's, the flow's, the decoder's
    again = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    assert built == ["graph"] * 3 + ["saved"] * 3
    assert sorted(tmp_path.glob(f"*{SUFFIX}")) == kept
    assert np.array_equal(first, plain) and np.array_equal(again, plain)
    assert not list(tmp_path.glob("*.part"))


def test_a_damaged_optimized_graph_is_made_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    for path in tmp_path.glob(f"*{SUFFIX}"):
        path.write_bytes(b"not a model")
    built = sources(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="models.sessions"):
        again = said(PiperVoice.load("joe", threads=2, cache_dir=tmp_path))
    assert built == ["saved", "graph"] * 3
    assert caplog.text.count("unreadable") == 3
    assert all(path.stat().st_size > 1000 for path in tmp_path.glob(f"*{SUFFIX}"))
    assert np.array_equal(again, plain)


def test_a_cache_it_cannot_write_to_costs_only_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain = said(PiperVoice.load("joe", threads=2, cache_dir=None))
    PiperVoice.load("joe", threads=2, cache_dir=tmp_path)  # the cut graphs cached
    for path in tmp_path.glob(f"*{SUFFIX}"):
        path.unlink()

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(models.sessions.tempfile, "mkstemp", read_only)
    built = sources(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="models.sessions"):
        voice = PiperVoice.load("joe", threads=2, cache_dir=tmp_path)
    assert built == ["graph"] * 3  # each built once, as without a cache
    assert caplog.text.count("cannot keep the optimized graph") == 3
    assert not list(tmp_path.glob(f"*{SUFFIX}")) and not list(tmp_path.glob("*.part"))
    assert np.array_equal(said(voice), plain)


def test_a_saved_graph_is_named_for_where_it_holds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cpu = ["CPUExecutionProvider"]
    options = ort.SessionOptions()
    here = optimized_path(b"graph", options, cpu, tmp_path)
    assert here.parent == tmp_path and here.name.endswith(SUFFIX)
    assert optimized_path(b"graph", ort.SessionOptions(), cpu, tmp_path) == here
    assert optimized_path(b"other graph", options, cpu, tmp_path) != here
    cuda = [("CUDAExecutionProvider", {}), *cpu]
    assert optimized_path(b"graph", options, cuda, tmp_path) != here
    basic = ort.SessionOptions()
    basic.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    assert optimized_path(b"graph", basic, cpu, tmp_path) != here
    monkeypatch.setattr(models.sessions, "_cpu_key", lambda: "x86_64 avx2 fma sse4_2")
    assert optimized_path(b"graph", options, cpu, tmp_path) != here  # another vector width
    monkeypatch.undo()
    monkeypatch.setattr(models.sessions.ort, "__version__", "0.0.1")
    assert optimized_path(b"graph", options, cpu, tmp_path) != here
    monkeypatch.undo()
    monkeypatch.setattr(models.sessions, "SESSIONS_RECIPE", "0")
    assert optimized_path(b"graph", options, cpu, tmp_path) != here


CUDA = [("CUDAExecutionProvider", {"device_id": "1"}), "CPUExecutionProvider"]


def identity_graph() -> bytes:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def test_a_cuda_sessions_arena_is_shrunk_every_so_many_of_its_runs() -> None:
    shrink = models.sessions.ArenaShrink(CUDA)

    given = [shrink.options() for _ in range(3 * SHRINK_EVERY_RUNS)]

    runs = [k + 1 for k, options in enumerate(given) if options is not None]
    assert runs == [SHRINK_EVERY_RUNS, 2 * SHRINK_EVERY_RUNS, 3 * SHRINK_EVERY_RUNS]
    entry = given[SHRINK_EVERY_RUNS - 1]
    assert entry is not None
    key = "memory.enable_memory_arena_shrinkage"
    assert entry.get_run_config_entry(key) == "gpu:1"  # the session's own GPU


def test_onnxruntime_reads_the_shrink_it_is_given() -> None:
    # onnxruntime ignores a run option it does not know; the one it knows names an arena,
    # and a CPU session has none on a GPU: its refusal shows the option is read
    cpu = ort.InferenceSession(identity_graph(), providers=["CPUExecutionProvider"])
    shrink = models.sessions.ArenaShrink(CUDA)
    options = [shrink.options() for _ in range(SHRINK_EVERY_RUNS)][-1]

    with pytest.raises(Exception, match="arena shrink list: gpu:1"):
        cpu.run(None, {"x": np.ones(1, np.float32)}, options)


def test_a_cpu_session_runs_without_options() -> None:
    shrink = models.sessions.ArenaShrink(["CPUExecutionProvider"])
    assert all(shrink.options() is None for _ in range(2 * SHRINK_EVERY_RUNS))


class RecordingSession:
    """A CUDA session's stand-in (no GPU here): it records the options of each run."""

    def __init__(self) -> None:
        self.options: list[ort.RunOptions | None] = []

    def disable_fallback(self) -> None:
        pass

    def get_providers(self) -> list[str]:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]

    def run(self, names: Any, feeds: Any, options: ort.RunOptions | None = None) -> list[Any]:
        self.options.append(options)
        return [np.zeros((1, 1, 1, 4), np.float32)]


def test_the_back_on_a_gpu_passes_its_shrink(monkeypatch: pytest.MonkeyPatch) -> None:
    recording = RecordingSession()
    monkeypatch.setattr(models.backends, "session", lambda *args: recording)
    back = models.backends.OrtBack(b"", ort.SessionOptions(), CUDA)

    for _ in range(SHRINK_EVERY_RUNS):
        back.run(np.zeros((1, 192, 4), np.float32), np.ones((1, 1, 4), np.float32))

    shrinking = [k for k, options in enumerate(recording.options) if options is not None]
    assert shrinking == [SHRINK_EVERY_RUNS - 1]


BUILD_WITH_AN_UNUSED_WEIGHT = """
import logging, sys
import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from models.piper import _session_options
logging.basicConfig(level=logging.DEBUG if sys.argv[1] == "-v" else logging.WARNING)
value = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [2])
unused = numpy_helper.from_array(np.ones(2, np.float32), "unused")
graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"])], "g", [value("x")], [value("y")], [unused]
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
ort.InferenceSession(model.SerializeToString(), _session_options(1), ["CPUExecutionProvider"])
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_onnxruntime_warns_only_with_v(verbose: bool) -> None:
    """onnxruntime warns as it builds a session (on CUDA some forty times a session, none
    of it the user's to act on): its warnings reach stderr with -v only, its errors always.
    Here the warning is one about a weight no node uses."""
    argv = [sys.executable, "-c", BUILD_WITH_AN_UNUSED_WEIGHT, "-v" if verbose else "-q"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    assert ("Removing initializer 'unused'" in result.stderr) == verbose
