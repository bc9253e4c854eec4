"""The polyphase rewrite of the decoder's upsampling: same audio, no transposed convolution."""

import numpy as np
import onnx
import onnxruntime as ort

from models.backends import MASK_INPUT, Z_INPUT
from models.graph import cut_voice_graph
from models.registry import find_voice
from models.upsampling import polyphase_upsampling


def run(graph: bytes, z_p: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    mask = np.ones((z_p.shape[0], 1, z_p.shape[2]), np.float32)
    (audio,) = session.run(None, {Z_INPUT: z_p, MASK_INPUT: mask})
    return np.asarray(audio)


def test_rewritten_upsampling_gives_the_same_audio() -> None:
    back = cut_voice_graph(find_voice("joe").model).back
    model = onnx.load_from_string(back)
    assert polyphase_upsampling(model) == 3  # the joe voice upsamples 8x, 8x, 4x
    assert not [node for node in model.graph.node if node.op_type == "ConvTranspose"]
    z_p = np.random.default_rng(3).standard_normal((2, 192, 37)).astype(np.float32)
    reference = run(back, z_p)
    rewritten = run(model.SerializeToString(), z_p)
    assert rewritten.shape == reference.shape  # 256 samples per frame, as before
    assert np.max(np.abs(rewritten - reference)) < 1e-5
