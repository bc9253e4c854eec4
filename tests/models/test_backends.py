"""OpenVINO's back from several inference threads at once."""

import threading
import time
from typing import Any

import numpy as np
import pytest

from models.backends import OpenVinoBack
from models.graph import DECODER_Z, cut_voice_graph, split_back
from models.registry import find_voice


def test_a_requests_first_run_of_a_shape_takes_its_turn_later_runs_go_at_once() -> None:
    """Two requests specializing a shape at once hung OpenVINO's CPU plugin on 2 cores."""
    pytest.importorskip("openvino")
    decoder = split_back(cut_voice_graph(find_voice("joe").model).back)[1]
    back = OpenVinoBack(decoder, "f32", 2, inputs=[(DECODER_Z, 192)])
    firsts_running, runs_running = [0], [0]
    most_firsts, most_runs = [0], [0]
    lock = threading.Lock()
    seen = threading.local()
    infer = back._infer

    def watched(request: Any, feeds: dict[str, np.ndarray]) -> np.ndarray:
        shapes = seen.__dict__.setdefault("shapes", set())
        first = feeds[DECODER_Z].shape not in shapes
        shapes.add(feeds[DECODER_Z].shape)
        with lock:
            firsts_running[0] += first
            runs_running[0] += 1
            most_firsts[0] = max(most_firsts[0], firsts_running[0])
            most_runs[0] = max(most_runs[0], runs_running[0])
        time.sleep(0.05)  # long enough for the other thread to arrive
        try:
            return infer(request, feeds)
        finally:
            with lock:
                firsts_running[0] -= first
                runs_running[0] -= 1

    back._infer = watched  # type: ignore[method-assign]
    zs = [np.zeros((1, 192, frames), np.float32) for frames in [64, 128] * 4]

    def work() -> None:
        for z in zs:
            assert back.run_inputs({DECODER_Z: z}).shape[-1] == z.shape[2] * 256

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most_firsts[0] == 1  # no two first runs of a shape at once
    assert most_runs[0] == 2  # the others ran at once
