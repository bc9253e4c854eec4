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
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from piper.const import BOS, EOS, PAD

from config.errors import PermanentError
from config.settings import get_settings
from models.backends import (
    Back,
    OpenVinoBack,
    OrtBack,
    SplitBack,
    halving,
    is_out_of_memory,
    padded_frames,
)
from models.expand import MASK, expansion_inputs
from models.graph import DECODER_Z, DURATION_NOISE, cut_voice_graph, front_name
from models.noise import noise_offset, noise_rows, noise_table
from models.phonemizer import SPACE, Phonemizer, load_config
from models.registry import VoiceFiles, find_voice
from models.runtime import CPU_PROVIDERS, Runtime, back_providers, check_providers
from models.sessions import ArenaShrink, session
from models.variants import (
    RECIPES,
    cpu_fp32_graph,
    cpu_split_graphs,
    cuda_front_graph,
    expanded_graph,
    variant_graph,
)
from models.voice import (
    Audio,
    Passage,
    Phonemes,
    SynthesisParams,
    Voice,
    VoiceInput,
    VoiceOutput,
    WordSpans,
    join_parts,
    padded_groups,
    spoken_words,
)

log = logging.getLogger(__name__)

# onnxruntime's log severities (0 verbose to 4 fatal).
WARNING_SEVERITY, ERROR_SEVERITY = 2, 3


IntArray = npt.NDArray[np.int64]
# Frames on each side of a chunk join: the receptive field of flow + decoder, so chunks
# join without a seam (docs/performance.md, "Decoder chunks"); the decoder's alone where
# the flow runs over the whole segment first (`SplitBack`, the CPU's): its chunks came out
# the same as from the whole segment at 12 frames, and 3e-4 apart at 8.
CHUNK_MARGIN = 32
DECODER_MARGIN = 12
# With fixed shapes, decoder windows are padded up to a multiple of this many frames.
BACK_WINDOW_STEP = 64
DURATION_STREAM = 1  # the passage's duration noise: a stream apart from its latent noise


@dataclass(frozen=True)
class Layout:
    """Phoneme ids of one item and where its own audio lies among them."""

    ids: list[int]
    items: list[list[int]]  # per segment, id offsets: its start, each later part's start, end
    seed: int  # the passage's: seeds its duration noise
    words: list[list[WordSpans]]  # per segment, per part: each spoken word's ids [start, end)


class PiperVoice(Voice):
    """A Piper VITS voice, run through a front/back cut of its graph."""

    def __init__(self, files: VoiceFiles, runtime: Runtime) -> None:
        self.name = files.name
        self.config = load_config(files)
        self.sample_rate = self.config.sample_rate
        self.hop = self.config.hop_length
        self.context_phonemes = runtime.context_phonemes
        self.margin_frames = runtime.margin_frames
        self.back_frame_budget = runtime.back_frame_budget
        self.batch_budget = runtime.batch_budget
        self.max_back_frames = runtime.max_back_frames
        self.precision = runtime.precision
        self.inference_workers = max(1, runtime.inference_workers)
        self.shape_step = runtime.shape_step
        self._ids = self.config.phoneme_id_map
        graph = cut_voice_graph(files.model, runtime.cache_dir, runtime.attention_span)
        options = _session_options(runtime.threads, cpu=runtime.providers == CPU_PROVIDERS)
        front = graph.front
        if runtime.providers != CPU_PROVIDERS:
            name = front_name(graph.digest, runtime.attention_span)
            front = cuda_front_graph(front, runtime.cache_dir, name, self.precision)
        self.front = session(front, options, runtime.providers, runtime.cache_dir)
        self.front.disable_fallback()  # no silent retry on the CPU after a CUDA failure
        self.front_shrink = ArenaShrink(runtime.providers)
        check_providers(self.front, runtime.providers)
        self._noise_input = DURATION_NOISE in {i.name for i in self.front.get_inputs()}
        # Fixed shapes (CUDA): every decoder run is a batch of equal windows (the longest a
        # chunk with its margins can be) and batches have power-of-two rows, so a handful of
        # shapes repeat: cuDNN plans each new shape, at the cost of several runs.
        self.fixed_shapes = self.shape_step > 1
        self.back: Back
        one_at_a_time = not self.fixed_shapes and self.back_frame_budget == 0  # the CPU's way
        cpu = runtime.providers == CPU_PROVIDERS
        if cpu and one_at_a_time and self.precision in ("fp32", "bf16"):
            self.back = self._split_back(graph.back, graph.digest, runtime, options)
        else:
            self.back = self._whole_back(graph.back, graph.digest, runtime, options)
        self.phonemizer = Phonemizer(self.config)
        noise_table()  # drawn now, not in the first batch

    def _whole_back(
        self, back: bytes, digest: str, runtime: Runtime, options: ort.SessionOptions
    ) -> Back:
        """The back as one graph: CUDA's (its batches of fixed shapes), the CPU's int8, or
        one batching its decoder runs (`NARRATE_BACK_FRAME_BUDGET`)."""
        back = variant_graph(back, self.precision, runtime.cache_dir, digest)
        if self.precision == "bf16":
            return OpenVinoBack(
                back, "bf16", self.inference_workers, _ir_path(runtime.cache_dir, digest)
            )
        if self.precision == "fp32" and runtime.providers == CPU_PROVIDERS:
            back = cpu_fp32_graph(back, runtime.cache_dir, digest)
        window = padded_frames(self.max_back_frames + 2 * CHUNK_MARGIN, BACK_WINDOW_STEP)
        step = window if self.fixed_shapes else 1
        expands = runtime.expand_in_graph  # CUDA's onnxruntime back (bf16 is OpenVINO's, CPU)
        if expands:
            channels = int(self.front.get_outputs()[0].shape[1])
            back = expanded_graph(back, self.precision, runtime.cache_dir, digest, channels)
        return OrtBack(
            back,
            options,
            back_providers(runtime.providers),
            frame_step=step,
            expands=expands,
            cache_dir=runtime.cache_dir,
        )

    def _split_back(
        self, back: bytes, digest: str, runtime: Runtime, options: ort.SessionOptions
    ) -> SplitBack:
        """The CPU's back: the flow in fp32 (onnxruntime), the decoder in fp32 (onnxruntime)
        or bf16 (OpenVINO)."""
        cache = runtime.cache_dir
        flow_graph, decoder_graph = cpu_split_graphs(back, self.precision, cache, digest)
        flow = OrtBack(flow_graph, options, runtime.providers, cache_dir=cache)
        decoder: OrtBack | OpenVinoBack
        if self.precision == "bf16":
            channels = int(self.front.get_outputs()[0].shape[1])
            ir = cache / f"{digest}-decoder-{RECIPES['bf16']}-openvino.xml" if cache else None
            decoder = OpenVinoBack(
                decoder_graph, "bf16", self.inference_workers, ir, [(DECODER_Z, channels)]
            )
        else:
            decoder = OrtBack(decoder_graph, options, runtime.providers, cache_dir=cache)
        return SplitBack(flow, decoder)

    @property
    def join_margin(self) -> int:
        """Frames of margin on each side of a join between chunks of a segment."""
        return DECODER_MARGIN if isinstance(self.back, SplitBack) else CHUNK_MARGIN

    @classmethod
    def load(
        cls, name_or_path: str, runtime: Runtime | None = None, **overrides: Any
    ) -> "PiperVoice":
        """A voice by name or path; runtime (default: from the settings, on the CPU in fp32)
        with any of its fields overridden."""
        runtime = runtime or Runtime.from_settings(get_settings())
        return cls(find_voice(name_or_path), replace(runtime, **overrides))

    # -- text ---------------------------------------------------------------------------

    def phonemize(self, text: str) -> Phonemes:
        return self.phonemizer.phonemize(text)

    # -- state and cost -----------------------------------------------------------------

    def default_params(self) -> SynthesisParams:
        return SynthesisParams(
            length_scale=self.config.length_scale,
            noise_scale=self.config.noise_scale,
            noise_w=self.config.noise_w_scale,
        )

    def state_after(self, item: VoiceInput) -> Phonemes:
        """The tail of this segment's phonemes, from a word start."""
        own = join_parts(item.parts)
        return _word_tail(own, self.context_phonemes)

    def head(self, item: VoiceInput) -> Phonemes:
        """The head of a segment's phonemes, to a word end: look-ahead for the previous one."""
        own = join_parts(item.parts)
        return tuple(reversed(_word_tail(tuple(reversed(own)), self.context_phonemes)))

    def cost(self, passage: Passage) -> int:
        return sum(2 * item.size for item in passage) + 4 * self.context_phonemes

    def rows(self, count: int) -> int:
        return 1 << (count - 1).bit_length() if self.fixed_shapes else count

    # -- synthesis ----------------------------------------------------------------------

    def warm_up(self, longest_ids: int, long_run: bool = True) -> float:
        """Run the largest decoder batch (and with fixed shapes, on CUDA, the largest front
        batch) once from each inference worker, all at once, as they will run.

        The memory arenas (one per session, shared by the workers) then hold their working
        set from the start: on the CPU a decoder run longer than any before grew RSS in steps
        late in a book. (A GPU's arenas give back what no run holds now and then,
        `ArenaShrink`, and take it again as the batches ask.) The CPU front's arena fills within
        the first passages, so its warm-up (0.6 s on 2 cores) is left out there, and so is
        the decoder's (2.3 s) where the process will not run long (`long_run` false): a
        short book's RSS may step up, and ends with it. A budget the GPU cannot hold fails
        here, not mid-book. Returns the seconds of audio its decoder runs made (0 where
        it was left out): the quality gate times it for a GPU's pace.
        """
        if not long_run and not self.fixed_shapes:
            return 0.0
        try:
            with ThreadPoolExecutor(self.inference_workers) as workers:
                runs = workers.map(self._run_largest, [longest_ids] * self.inference_workers)
                return sum(runs)
        except Exception as error:
            if not self.fixed_shapes or not is_out_of_memory(error):
                raise
            raise PermanentError(
                f"the GPU cannot hold the batches of this memory budget ({error}); "
                "lower NARRATE_GPU_MEMORY_GB"
            ) from error

    def _run_largest(self, longest_ids: int) -> float:
        if self.fixed_shapes:
            ids = padded_frames(longest_ids, self.shape_step)
            rows = self._largest_rows(self.batch_budget, ids)
            scales = np.array([0.0, 1.0, 0.0], np.float32)
            tokens = np.full((rows, ids), self._ids[PAD][0], np.int64)
            lengths = np.full(rows, ids, np.int64)
            feeds = {"input": tokens, "input_lengths": lengths, "scales": scales}
            if self._noise_input:
                feeds[DURATION_NOISE] = np.zeros((rows, 2, ids), np.float32)
            self.front.run(None, feeds)
        # The longest chunk `_segment_frames` can cut: one inside a segment, both margins.
        window = padded_frames(self.max_back_frames + 2 * self.join_margin, self.back.frame_step)
        rows = self._largest_rows(self.back_frame_budget, window)
        channels = int(self.front.get_outputs()[0].shape[1])
        mask = np.ones((rows, 1, window), np.float32)
        if isinstance(self.back, OrtBack) and self.back.expands:
            widest = Chunk(  # the most phoneme columns a window can read: one per frame
                m_p=np.zeros((channels, window), np.float32),
                scale=None,
                phonemes=np.zeros(window, np.int64),
                noise_at=0,
                noise_stride=1,
                keep_from=0,
                keep=0,
            )
            self.back.run_inputs(expansion_inputs([widest], rows, window) | {MASK: mask})
        else:
            self.back.run(np.zeros((rows, channels, window), np.float32), mask)
        return rows * window * self.hop / self.sample_rate

    def _largest_rows(self, budget: int, size: int) -> int:
        """Rows of the largest batch of items this size within budget (see `rows`)."""
        count = max(1, budget // size)
        return _floor_power_of_two(count) if self.fixed_shapes else count

    def synthesize(
        self, passages: Sequence[Passage], params: SynthesisParams, context: bool = True
    ) -> list[list[VoiceOutput]]:
        """One front pass per passage (batched), then the back on each segment's frames."""
        if not passages:
            return []
        layouts = [self.layout(passage, context) for passage in passages]
        m_p, logs_p, durations = self.run_front(layouts, params)
        plans: list[list[SegmentFrames]] = []
        for k, (passage, layout) in enumerate(zip(passages, layouts, strict=True)):
            frames = Frames(m_p[k], logs_p[k], durations[k])
            plans.append(
                [
                    self._segment_frames(frames, bounds, words, params, item.seed)
                    for item, bounds, words in zip(passage, layout.items, layout.words, strict=True)
                ]
            )
        if isinstance(self.back, SplitBack):
            audios = iter(self._run_split(self.back, [s for plan in plans for s in plan]))
        else:
            audios = iter(self.run_back([c for plan in plans for s in plan for c in s.chunks]))
        outputs = []
        for passage, plan in zip(passages, plans, strict=True):
            outputs.append(
                [
                    segment.output(
                        [next(audios) for _ in segment.chunks],
                        self.hop,
                        self.state_after(item) if context else None,
                    )
                    for item, segment in zip(passage, plan, strict=True)
                ]
            )
        return outputs

    def layout(self, passage: Passage, context: bool) -> Layout:
        """Ids of [before-context] segments [after-context], and each segment's bounds.

        Each segment owns the space before it, so a chapter's segments tile the ids of the
        whole chapter read in one pass (what the seam metric compares against). Before, not
        after: reading on, the voice starts a word's first sound in the space before it, and
        a pause goes between segments; owned by the segment before, that onset was heard
        twice, cut off the first time ("the latch. A volume" heard as "the latch the volume").
        """
        first, last = passage[0], passage[-1]
        before = first.before if context and first.before else ()
        after = last.after if context and last.after else ()
        ids = list(self._ids[BOS]) + list(self._ids[PAD])
        if before:
            ids += self._to_ids((*before, SPACE))
        items: list[list[int]] = []
        words: list[list[WordSpans]] = []
        space = len(self._to_ids((SPACE,)))
        for n, item in enumerate(passage):
            bounds = [0 if n == 0 and not before else len(ids) - space]
            words.append([])
            for k, part in enumerate(item.parts):
                if k:
                    bounds.append(len(ids) - space)
                words[-1].append(self._word_ids(part, len(ids)))
                more = k < len(item.parts) - 1 or n < len(passage) - 1 or bool(after)
                ids += self._to_ids((*part, SPACE) if more else part)
            items.append(bounds)
        for bounds, following in itertools.pairwise(items):
            bounds.append(following[0])
        own_end = len(ids) - space if after else len(ids)
        if after:
            ids += self._to_ids(after)
        ids += list(self._ids[EOS])
        items[-1].append(own_end if after else len(ids))
        return Layout(ids, items, first.seed, words)

    def _to_ids(self, phonemes: Sequence[str]) -> list[int]:
        ids: list[int] = []
        pad = self._ids[PAD]
        for p in phonemes:
            ids.extend(self._ids[p])
            ids.extend(pad)
        return ids

    def _word_ids(self, part: Phonemes, offset: int) -> WordSpans:
        """The ids [start, end) of a part's spoken words, its ids starting at offset; a word
        ends after the pad of its last phoneme."""
        starts = [offset]
        for p in part:
            starts.append(starts[-1] + len(self._ids[p]) + len(self._ids[PAD]))
        return [(starts[a], starts[b]) for a, b in spoken_words(part)]

    def run_front(
        self, layouts: Sequence[Layout], params: SynthesisParams
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], list[IntArray]]:
        """Prior mean, log-scale and frames per id for every passage, in one batch."""
        # Padding rows repeat the first passage (its outputs are ignored): a real length
        # keeps every row's attention well defined.
        rows = [
            layouts[k] if k < len(layouts) else layouts[0] for k in range(self.rows(len(layouts)))
        ]
        lengths = np.array([len(layout.ids) for layout in rows], dtype=np.int64)
        ids = np.zeros((len(rows), padded_frames(int(lengths.max()), self.shape_step)), np.int64)
        for i, layout in enumerate(rows):
            ids[i, : len(layout.ids)] = layout.ids
        scales = np.array([params.noise_scale, params.length_scale, params.noise_w], np.float32)
        feeds = {"input": ids, "input_lengths": lengths, "scales": scales}
        if self._noise_input:
            feeds[DURATION_NOISE] = _duration_noise(rows, ids.shape[1], params)
        elif params.noise_w > 0:  # a graph that samples its own: at least seed it
            ort.set_seed(params.seed)
        m_p, logs_p, w_ceil = self.front.run(None, feeds, self.front_shrink.options())
        durations = [w_ceil[i, 0, : lengths[i]].astype(np.int64) for i in range(len(layouts))]
        return m_p, logs_p, durations

    def _segment_frames(
        self,
        frames: "Frames",
        bounds: list[int],
        words: list[WordSpans],
        params: SynthesisParams,
        seed: int,
    ) -> "SegmentFrames":
        """A segment's latent frames in chunks of at most max_back_frames, each with margins.

        Chunks bound the decoder's memory whatever the segment's length; CHUNK_MARGIN frames
        on each side give every join its real neighbours, so chunks join without a seam. The
        segment's own edges get `margin_frames`: they sit at a break, where a pause follows.
        """
        ends = frames.ends
        starts = ends - frames.durations
        first = int(starts[bounds[0]])
        last = int(ends[bounds[-1] - 1])
        marks = [first] + [int(starts[b]) for b in bounds[1:-1]] + [last]
        word_frames = [[(int(starts[a]), int(ends[b - 1])) for a, b in part] for part in words]
        lo = max(0, first - self.margin_frames)
        hi = min(int(ends[-1]), last + self.margin_frames)
        phoneme_of_frame = np.repeat(np.arange(len(frames.durations)), frames.durations)[lo:hi]
        channels = frames.m_p.shape[0]
        noisy = params.noise_scale > 0 and hi > lo
        at = noise_offset(channels * (hi - lo), (params.seed, seed)) if noisy else 0
        count = max(1, -(-(last - first) // self.max_back_frames))
        cuts = [first + (last - first) * c // count for c in range(count + 1)]

        def window(c_lo: int, c_hi: int, a: int, b: int) -> Chunk:
            """The frames [c_lo, c_hi) of the segment, [a, b) of them kept."""
            phonemes = phoneme_of_frame[c_lo - lo : c_hi - lo]
            ids = slice(int(phonemes[0]), int(phonemes[-1]) + 1) if len(phonemes) else slice(0, 0)
            # Scale per phoneme, spread over the frames when expanded: an exp per id, not
            # per frame.
            scale = (
                np.exp(frames.logs_p[:, ids]) * np.float32(params.noise_scale) if noisy else None
            )
            return Chunk(
                m_p=frames.m_p[:, ids],
                scale=scale,
                phonemes=phonemes - ids.start,
                noise_at=at + (c_lo - lo),  # the segment's noise, read from this chunk's start
                noise_stride=hi - lo,
                keep_from=a - c_lo,
                keep=b - a,
                start=c_lo - lo,
            )

        margin = self.join_margin
        chunks = [
            window(max(lo, a - margin), min(hi, b + margin), a, b)
            for a, b in itertools.pairwise(cuts)
        ]
        # For a SplitBack's flow: every frame of the segment at once.
        span = window(lo, hi, first, last) if isinstance(self.back, SplitBack) else None
        return SegmentFrames(chunks, marks, word_frames, span)

    def _run_split(self, back: SplitBack, segments: Sequence["SegmentFrames"]) -> list[Audio]:
        """Audio for each chunk of each segment: the flow over the segment's frames at once,
        then the decoder over each chunk's window of them (one at a time: the CPU's way)."""
        audios = []
        for segment in segments:
            span = segment.span
            assert span is not None  # made for a SplitBack
            latents = span.latents()[None]
            mask = np.ones((1, 1, span.frames), np.float32)
            z = back.flow.run(latents, mask) if span.frames else latents
            for chunk in segment.chunks:
                window = z[:, :, chunk.start : chunk.start + chunk.frames]
                audio = back.decode(window) if chunk.frames else np.zeros(0, np.float32)
                audios.append(audio.reshape(-1)[: chunk.frames * self.hop])
        return audios

    def run_back(self, chunks: Sequence["Chunk"]) -> list[Audio]:
        """Audio for each chunk; batched within the back frame budget (0: one at a time)."""
        audios: list[Audio | None] = [None] * len(chunks)
        sizes = [padded_frames(chunk.frames, self.back.frame_step) for chunk in chunks]
        for group in padded_groups(sizes, self.back_frame_budget, self.rows):
            decoded = halving(self._back_batch, [chunks[i] for i in group], "decoder chunks")
            for i, audio in zip(group, decoded, strict=True):
                audios[i] = audio
        return [a for a in audios if a is not None]

    def _back_batch(self, chunks: Sequence["Chunk"]) -> list[Audio]:
        longest = padded_frames(max(chunk.frames for chunk in chunks), self.back.frame_step)
        rows = self.rows(len(chunks))  # padding rows are all zeros, masked out
        mask = np.zeros((rows, 1, longest), dtype=np.float32)
        for i, chunk in enumerate(chunks):
            mask[i, 0, : chunk.frames] = 1.0
        if isinstance(self.back, OrtBack) and self.back.expands:
            feeds = expansion_inputs(chunks, rows, longest)
            audio = self.back.run_inputs(feeds | {MASK: mask})
        else:
            z_p = np.zeros((rows, chunks[0].m_p.shape[0], longest), dtype=np.float32)
            for i, chunk in enumerate(chunks):
                z_p[i, :, : chunk.frames] = chunk.latents()
            audio = self.back.run(z_p, mask)
        audio = audio.reshape(rows, -1)
        return [audio[i, : chunk.frames * self.hop] for i, chunk in enumerate(chunks)]


@dataclass(frozen=True)
class Frames:
    """What the front predicted for one passage."""

    m_p: npt.NDArray[np.float32]  # [channels, ids]
    logs_p: npt.NDArray[np.float32]
    durations: IntArray  # frames per id

    @property
    def ends(self) -> IntArray:
        return np.cumsum(self.durations)


@dataclass(frozen=True)
class Chunk:
    """Frames sent through the back together, and which of them are kept.

    Held per phoneme: the prior's mean and noise scale of the phonemes the frames read,
    which phoneme each frame reads, and where the frames' noise lies in the noise table.
    `latents` expands them on the host; on a GPU the decoder graph does (`models.expand`).
    """

    m_p: npt.NDArray[np.float32]  # [channels, phonemes]
    scale: npt.NDArray[np.float32] | None  # [channels, phonemes]; None: no noise
    phonemes: IntArray  # per frame, its column in m_p
    noise_at: int  # the table index of channel 0's first frame
    noise_stride: int  # from one channel's noise to the next (the segment's frames)
    keep_from: int  # frames of margin before the kept ones
    keep: int
    start: int = 0  # where its first frame lies among its segment's (with the margins)

    @property
    def frames(self) -> int:
        return len(self.phonemes)

    def latents(self) -> npt.NDArray[np.float32]:
        """[channels, frames]: the prior's mean, plus its noise at each frame's scale."""
        z_p = self.m_p[:, self.phonemes]
        if self.scale is not None:
            noise = noise_rows(self.noise_at, self.noise_stride, len(z_p), self.frames)
            z_p += noise * self.scale[:, self.phonemes]
        return z_p


@dataclass(frozen=True)
class SegmentFrames:
    chunks: list[Chunk]
    marks: list[int]  # frame of the segment's start, each later part's start, its end
    words: list[WordSpans]  # per part, the frames [start, end) of each spoken word
    span: Chunk | None = None  # all its frames, margins included: a SplitBack's flow input

    def output(self, audios: list[Audio], hop: int, state: Phonemes | None) -> VoiceOutput:
        kept = [
            a[c.keep_from * hop : (c.keep_from + c.keep) * hop]
            for a, c in zip(audios, self.chunks, strict=True)
        ]
        audio = np.ascontiguousarray(np.concatenate(kept), dtype=np.float32)
        edges = [(m - self.marks[0]) * hop for m in self.marks]
        parts = [b - a for a, b in itertools.pairwise(edges)]
        words = [
            [((a - mark) * hop, (b - mark) * hop) for a, b in part]
            for mark, part in zip(self.marks[:-1], self.words, strict=True)
        ]
        return VoiceOutput(audio, parts, state, words)


def _duration_noise(
    rows: Sequence[Layout], width: int, params: SynthesisParams
) -> npt.NDArray[np.float32]:
    """The duration predictor's noise, [rows, 2, width]: each passage's from its own seed,
    zeros past its end (masked there) and everywhere at noise_w 0."""
    noise = np.zeros((len(rows), 2, width), np.float32)
    if params.noise_w > 0:
        for i, layout in enumerate(rows):
            rng = np.random.default_rng((params.seed, layout.seed, DURATION_STREAM))
            noise[i, :, : len(layout.ids)] = rng.standard_normal((2, len(layout.ids)), np.float32)
    return noise


def _ir_path(cache_dir: Path | None, digest: str) -> Path | None:
    return cache_dir / f"{digest}-back-{RECIPES['bf16']}-openvino.xml" if cache_dir else None


def _floor_power_of_two(count: int) -> int:
    return 1 << (count.bit_length() - 1)


def _word_tail(phonemes: Phonemes, limit: int) -> Phonemes:
    """At most `limit` phonemes from the end, starting at a word boundary when possible."""
    if limit <= 0:
        return ()
    if len(phonemes) <= limit:
        return phonemes
    tail = phonemes[-limit:]
    if SPACE in tail:
        tail = tail[tail.index(SPACE) + 1 :]
    return tail


def _session_options(threads: int, cpu: bool = True) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.log_severity_level = onnxruntime_log_severity()
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Shapes change with every segment, so planned memory patterns never get reused; the
    # arena stays (without it, fresh page faults slow every run).
    options.enable_mem_pattern = False
    # On CUDA, planning which buffers reuse which over the front's CPU and GPU streams took
    # ~1 s of each session's build, and the arena hands freed buffers out again anyway
    # (docs/performance.md, "The front's session without planned reuse").
    options.enable_mem_reuse = cpu
    return options


def onnxruntime_log_severity() -> int:
    """onnxruntime's warnings with -v (narrate's log at DEBUG), else its errors only; set
    for its default logger too, which every session's build on CUDA also warns through.

    On CUDA each session's build warned some forty times (the copies between host and GPU
    it placed, a kernel's caveat that does not apply to the voice): nothing for a user to
    act on, printed by every narrating process of every book."""
    severity = WARNING_SEVERITY if log.isEnabledFor(logging.DEBUG) else ERROR_SEVERITY
    ort.set_default_logger_severity(severity)
    return severity
