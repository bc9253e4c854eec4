"""The Piper voice adapter: espeak-ng phonemes, our own onnxruntime sessions, carried context.

`PiperVoice.synthesize` in piper-tts runs one sentence per session call and hides the
alignment; here the voice graph is cut in two (see `models.graph`) so that:

- context phonemes (the previous segment's tail, the next one's head) pass through the cheap
  front only, and the durations it predicts tell which frames belong to the segment;
- the costly back runs on those frames plus a margin, and the margin's audio is cut away;
- segments are batched: padded items give the same audio as alone (masks in the flow; zeros
  past the end for the decoder, the same zeros its own padding would see).
"""

import itertools
import json
import logging
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from piper.config import PiperConfig
from piper.const import BOS, EOS, PAD
from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

from config.errors import UnknownVoiceError
from models.graph import cut_voice_graph
from models.registry import VoiceFiles, find_voice
from models.voice import Audio, Phonemes, SynthesisParams, Voice, VoiceInput, VoiceOutput

log = logging.getLogger(__name__)

# Unicode categories espeak would read out as names ("grinning face", "symbol 2605"):
# other symbols, modifiers, private use, unassigned, surrogates, format and control chars.
_UNSPEAKABLE = {"So", "Sk", "Co", "Cn", "Cs", "Cf", "Cc"}
_SPACE = " "

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Layout:
    """Phoneme ids of one item and where its own audio lies among them."""

    ids: list[int]
    bounds: list[int]  # id offsets: start of own span, start of each later part, end of own


class PiperVoice(Voice):
    """A Piper VITS voice, run through a front/back cut of its graph."""

    def __init__(
        self,
        files: VoiceFiles,
        threads: int = 0,
        providers: Sequence[str] = ("CPUExecutionProvider",),
        context_phonemes: int = 80,
        margin_frames: int = 24,
        back_frame_budget: int = 0,
    ) -> None:
        self.name = files.name
        self.config = _load_config(files)
        self.sample_rate = self.config.sample_rate
        self.hop = self.config.hop_length
        self.context_phonemes = context_phonemes
        self.margin_frames = margin_frames
        self.back_frame_budget = back_frame_budget
        self._ids = self.config.phoneme_id_map
        graph = cut_voice_graph(files.model)
        options = _session_options(threads)
        self.front = ort.InferenceSession(graph.front, options, providers=list(providers))
        self.back = ort.InferenceSession(graph.back, options, providers=list(providers))
        self._espeak = EspeakPhonemizer(ESPEAK_DATA_DIR)
        self._warned: set[str] = set()

    @classmethod
    def load(cls, name_or_path: str, **kwargs: int) -> "PiperVoice":
        return cls(find_voice(name_or_path), **kwargs)  # type: ignore[arg-type]

    # -- text ---------------------------------------------------------------------------

    def phonemize(self, text: str) -> Phonemes:
        sentences = self._espeak.phonemize(self.config.espeak_voice, self._speakable(text))
        phonemes: list[str] = []
        for sentence in sentences:
            if phonemes and phonemes[-1] != _SPACE:
                phonemes.append(_SPACE)
            phonemes.extend(p for p in sentence if self._known(p))
        return tuple(phonemes)

    def _speakable(self, text: str) -> str:
        kept = []
        for ch in text:
            if unicodedata.category(ch) in _UNSPEAKABLE and ch not in "\n\t":
                self._warn_once(ch, "skipping a character the voice cannot speak: %r (U+%04X)")
                kept.append(" ")
            else:
                kept.append(ch)
        return "".join(kept)

    def _known(self, phoneme: str) -> bool:
        if phoneme in self._ids:
            return True
        self._warn_once(phoneme, "skipping a phoneme the voice does not know: %r (U+%04X)")
        return False

    def _warn_once(self, ch: str, message: str) -> None:
        if ch not in self._warned:
            self._warned.add(ch)
            log.warning(message, ch, ord(ch[0]))

    # -- state and cost -----------------------------------------------------------------

    def default_params(self) -> SynthesisParams:
        return SynthesisParams(
            length_scale=self.config.length_scale,
            noise_scale=self.config.noise_scale,
            noise_w=self.config.noise_w_scale,
        )

    def state_after(self, item: VoiceInput) -> Phonemes:
        """The tail of this segment's phonemes, from a word start."""
        own = _join(item.parts)
        return _word_tail(own, self.context_phonemes)

    def head(self, item: VoiceInput) -> Phonemes:
        """The head of a segment's phonemes, to a word end: look-ahead for the previous one."""
        own = _join(item.parts)
        return tuple(reversed(_word_tail(tuple(reversed(own)), self.context_phonemes)))

    def cost(self, item: VoiceInput) -> int:
        # About 6 frames per phoneme id pair at length scale 1 for this family of voices.
        return 6 * item.size + 2 * self.margin_frames

    # -- synthesis ----------------------------------------------------------------------

    def synthesize(
        self, items: Sequence[VoiceInput], params: SynthesisParams, context: bool = True
    ) -> list[VoiceOutput]:
        if not items:
            return []
        layouts = [self.layout(item, context) for item in items]
        m_p, logs_p, durations = self.run_front(layouts, params)
        windows = [
            self._window(layout, m_p[i], logs_p[i], durations[i], params, item.seed)
            for i, (item, layout) in enumerate(zip(items, layouts, strict=True))
        ]
        audios = self.run_back([w.z_p for w in windows])
        outputs = []
        for item, window, audio in zip(items, windows, audios, strict=True):
            state = self.state_after(item) if context else None
            outputs.append(window.cut(audio, self.hop, state))
        return outputs

    def layout(self, item: VoiceInput, context: bool) -> Layout:
        """Ids of [before-context] own parts [after-context], and the own span's bounds.

        Each segment owns the space after it, so a chapter's segments tile the ids of the
        whole chapter read in one pass (what the seam metric compares against).
        """
        before = item.before if context and item.before else ()
        after = item.after if context and item.after else ()
        ids = list(self._ids[BOS]) + list(self._ids[PAD])
        if before:
            ids += self._to_ids((*before, _SPACE))
        bounds = [0 if not before else len(ids)]
        for k, part in enumerate(item.parts):
            if k:
                bounds.append(len(ids))
            tail = (_SPACE,) if (k < len(item.parts) - 1 or after) else ()
            ids += self._to_ids((*part, *tail))
        if after:
            bounds.append(len(ids))
            ids += self._to_ids(after)
        ids += list(self._ids[EOS])
        if not after:
            bounds.append(len(ids))
        return Layout(ids, bounds)

    def _to_ids(self, phonemes: Sequence[str]) -> list[int]:
        ids: list[int] = []
        pad = self._ids[PAD]
        for p in phonemes:
            ids.extend(self._ids[p])
            ids.extend(pad)
        return ids

    def run_front(
        self, layouts: Sequence[Layout], params: SynthesisParams
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], list[IntArray]]:
        """Prior mean, log-scale and frames per id for every item, in one batch."""
        lengths = np.array([len(layout.ids) for layout in layouts], dtype=np.int64)
        ids = np.zeros((len(layouts), int(lengths.max())), dtype=np.int64)
        for i, layout in enumerate(layouts):
            ids[i, : len(layout.ids)] = layout.ids
        scales = np.array([params.noise_scale, params.length_scale, params.noise_w], np.float32)
        if params.noise_w > 0:
            ort.set_seed(params.seed)  # the duration predictor samples inside the graph
        m_p, logs_p, w_ceil = self.front.run(
            None, {"input": ids, "input_lengths": lengths, "scales": scales}
        )
        durations = [w_ceil[i, 0, : lengths[i]].astype(np.int64) for i in range(len(layouts))]
        return m_p, logs_p, durations

    def _window(
        self,
        layout: Layout,
        m_p: npt.NDArray[np.float32],
        logs_p: npt.NDArray[np.float32],
        durations: IntArray,
        params: SynthesisParams,
        seed: int,
    ) -> "Window":
        """The latent frames of the own span plus margins, sampled from the prior."""
        ends = np.cumsum(durations)
        starts = ends - durations
        first = int(starts[layout.bounds[0]]) if layout.bounds[0] < len(durations) else 0
        last = int(ends[layout.bounds[-1] - 1])
        lo = max(0, first - self.margin_frames)
        hi = min(int(ends[-1]), last + self.margin_frames)
        phoneme_of_frame = np.repeat(np.arange(len(durations)), durations)[lo:hi]
        z_p = m_p[:, phoneme_of_frame]
        if params.noise_scale > 0:
            rng = np.random.default_rng((params.seed, seed))
            noise = rng.standard_normal(z_p.shape, dtype=np.float32)
            z_p = z_p + noise * np.exp(logs_p[:, phoneme_of_frame]) * params.noise_scale
        marks = [first] + [int(starts[b]) for b in layout.bounds[1:-1]] + [last]
        return Window(z_p.astype(np.float32), lo, marks)

    def run_back(self, latents: Sequence[npt.NDArray[np.float32]]) -> list[Audio]:
        """Audio for each latent; batched within the back frame budget (0: one at a time)."""
        order = sorted(range(len(latents)), key=lambda i: latents[i].shape[1])
        audios: list[Audio | None] = [None] * len(latents)
        for group in _groups(order, [latents[i].shape[1] for i in order], self.back_frame_budget):
            for i, audio in zip(group, self._back_batch([latents[i] for i in group]), strict=True):
                audios[i] = audio
        return [a for a in audios if a is not None]

    def _back_batch(self, latents: Sequence[npt.NDArray[np.float32]]) -> list[Audio]:
        longest = max(z.shape[1] for z in latents)
        z_p = np.zeros((len(latents), latents[0].shape[0], longest), dtype=np.float32)
        mask = np.zeros((len(latents), 1, longest), dtype=np.float32)
        for i, z in enumerate(latents):
            z_p[i, :, : z.shape[1]] = z
            mask[i, 0, : z.shape[1]] = 1.0
        (audio,) = self.back.run(None, {"/Add_output_0": z_p, "/Cast_2_output_0": mask})
        audio = audio.reshape(len(latents), -1)
        return [audio[i, : z.shape[1] * self.hop] for i, z in enumerate(latents)]


@dataclass(frozen=True)
class Window:
    """The frames sent through the back for one item, and where its own span lies."""

    z_p: npt.NDArray[np.float32]
    first_frame: int  # of the window, in the item's frame numbering
    marks: list[int]  # frame of own start, each later part start, own end

    def cut(self, audio: Audio, hop: int, state: Phonemes | None) -> VoiceOutput:
        edges = [(m - self.first_frame) * hop for m in self.marks]
        own = np.ascontiguousarray(audio[edges[0] : edges[-1]], dtype=np.float32)
        parts = [b - a for a, b in itertools.pairwise(edges)]
        return VoiceOutput(own, parts, state, frames=self.z_p.shape[1])


def _groups(order: list[int], sizes: list[int], budget: int) -> list[list[int]]:
    """Consecutive runs of `order` whose padded size (count x longest) fits the budget."""
    groups: list[list[int]] = []
    for index, size in zip(order, sizes, strict=True):
        if groups and (len(groups[-1]) + 1) * size <= budget:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _join(parts: Sequence[Phonemes]) -> Phonemes:
    joined: list[str] = []
    for part in parts:
        if joined:
            joined.append(_SPACE)
        joined.extend(part)
    return tuple(joined)


def _word_tail(phonemes: Phonemes, limit: int) -> Phonemes:
    """At most `limit` phonemes from the end, starting at a word boundary when possible."""
    if limit <= 0:
        return ()
    if len(phonemes) <= limit:
        return phonemes
    tail = phonemes[-limit:]
    if _SPACE in tail:
        tail = tail[tail.index(_SPACE) + 1 :]
    return tail


def _load_config(files: VoiceFiles) -> PiperConfig:
    try:
        with open(files.config, encoding="utf-8") as handle:
            return PiperConfig.from_dict(json.load(handle))
    except (OSError, ValueError, KeyError) as error:
        raise UnknownVoiceError(
            f"{files.config}: not a usable Piper voice config ({error})"
        ) from error


def _session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Shapes change with every segment, so planned memory patterns never get reused; the
    # arena stays (without it, inference is ~25% slower from fresh page faults).
    options.enable_mem_pattern = False
    return options
