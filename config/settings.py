"""Every setting of narrate, documented in one place.

Process-wide settings come from the environment (prefix ``NARRATE_``, e.g.
``NARRATE_CPU_THREADS=2``). Per-job options (`SynthesisOptions`) come from the CLI or the
job spec; a field left as None falls back to the voice's own default, as piper does with
its ``SynthesisConfig`` over ``PiperConfig``.

The images' entrypoint (``infra/entrypoint.sh``, docs/deployment.md) reads three more of
its own, which narrate itself never reads: ``NARRATE_API_HOST`` and ``NARRATE_API_PORT``
(where ``api`` listens: ``narrate serve --host --port``, default 0.0.0.0:8080) and
``NARRATE_CONCURRENCY`` (``worker``'s ``--concurrency``; unset, the pool's default).

Every number is bounded where it is read: a value out of range (a negative size, NaN, a
level above 0 dBFS, 10,000 threads) is refused when the settings load, naming its variable
(``narrate: error: NARRATE_CPU_THREADS: Input should be less than or equal to 256``), not
found out mid-book. Each field's bounds are its ``ge``/``le``/``gt`` below; the shared ones:

- thread and process counts at most ``MAX_THREADS`` (256);
- levels in dBFS finite, RMS targets ``RMS_DB_RANGE`` (-60 to -6), peak ceilings
  ``CEILING_DB_RANGE`` (-20 to 0);
- silences (pauses, lead-in, room tone's head and tail) finite, 0 to ``MAX_SILENCE_S`` (60 s).
"""

import math
import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.devices import detect_device

# Most threads (or processes) any one count may ask for: the hardware threads of the largest
# common host (a 128-core, 256-thread EPYC). A fixed bound, not a multiple of this host's
# cores: one environment is read by the API, the workers and their narrating processes,
# maybe on other hosts, and a container's os.cpu_count() is often its host's. 10,000 ONNX
# Runtime threads hung `narrate synth` past Ctrl-C, 100,000 held 17 GB.
MAX_THREADS = 256
# Levels in dBFS. An RMS target from -60 (the noise floor ACX asks for: quieter is no
# narration) to -6 (above it the limiter takes more than its 6 dB; ACX asks -23 to -18); a
# peak ceiling from -20 to 0 (full scale: above it every sample clips; ACX asks -3).
RMS_DB_RANGE = (-60.0, -6.0)
CEILING_DB_RANGE = (-20.0, 0.0)
# Longest silence one pause, lead-in or room tone's head or tail may ask for, in seconds:
# ACX's tail is at most 5 s; a minute is already no pause a listener waits through.
MAX_SILENCE_S = 60.0
# Output sample rates, in Hz: NARRATE_SAMPLE_RATE and --sample-rate alike.
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8000, 192000

# A level or a silence: finite (NaN passed every comparison and made all-silent audio).
RmsDb = Annotated[float, Field(ge=RMS_DB_RANGE[0], le=RMS_DB_RANGE[1], allow_inf_nan=False)]
CeilingDb = Annotated[
    float, Field(ge=CEILING_DB_RANGE[0], le=CEILING_DB_RANGE[1], allow_inf_nan=False)
]
Silence = Annotated[float, Field(ge=0.0, le=MAX_SILENCE_S, allow_inf_nan=False)]

# How onnxruntime's GPU arena grows (`cuda_arena_extend_strategy`).
ArenaExtend = Literal["kSameAsRequested", "kNextPowerOfTwo"]


class BreakClass(StrEnum):
    """How strongly a segment ends; decides the pause inserted after it."""

    CLAUSE = "clause"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    SCENE = "scene"  # a paragraph of marks only ("* * *", "⁂", an <hr>): a pause, unread
    CHAPTER = "chapter"


PAUSES_S = {
    BreakClass.CLAUSE: 0.15,
    BreakClass.SENTENCE: 0.45,
    BreakClass.PARAGRAPH: 0.9,
    BreakClass.SCENE: 2.0,
    BreakClass.CHAPTER: 1.5,
}


class AssemblySettings(BaseModel):
    """How segment audio becomes a chapter file."""

    pause_s: dict[BreakClass, Silence] = Field(
        default_factory=lambda: dict(PAUSES_S),
        description="Silence after a segment, by how it ends, in seconds (0 to 60).",
    )
    lead_in_s: Silence = Field(
        0.5, description="Silence at the start of each chapter file, in seconds (0 to 60)."
    )
    target_rms_db: RmsDb = Field(
        -20.0,
        description="RMS of the whole chapter WAV in dBFS, pauses included, as ACX measures "
        "it (ACX asks -23 to -18); -60 to -6. The gain is raised by the loudness the peak "
        "limiter takes, at most 6 dB: a target the peaks leave no room for within that is "
        "missed.",
    )
    peak_ceiling_db: CeilingDb = Field(
        -3.0, description="No sample above this, in dBFS; -20 to 0 (full scale)."
    )
    threads: int = Field(
        default_factory=lambda: max(1, min(8, os.cpu_count() or 1)),
        ge=1,
        le=MAX_THREADS,
        description="Pieces of one chapter (16 segments each) resampled and limited at once. "
        "The file is the same for any number. Default: one per core, at most 8.",
    )

    @field_validator("pause_s")
    @classmethod
    def _every_break(cls, given: dict[BreakClass, float]) -> dict[BreakClass, float]:
        # One pause set alone (NARRATE_ASSEMBLY__PAUSE_S__SENTENCE=0.3) replaces the whole
        # dict: the other breaks keep their defaults instead of failing mid-assembly.
        return {**PAUSES_S, **given}


class AcxSettings(BaseModel):
    """How a chapter is mastered for ACX (Audible) before MP3 encoding: levels, room tone."""

    target_rms_db: RmsDb = Field(
        -20.0,
        description="RMS of the whole file in dBFS, room tone included, after the limiter "
        "(ACX: -23 to -18).",
    )
    ceiling_db: CeilingDb = Field(
        -3.5,
        description="Sample peak limit of the PCM, in dBFS. ACX's -3 dB is measured on the "
        "MP3, whose decoded peaks overshoot the PCM's: this leaves the margin.",
    )
    head_s: Silence = Field(0.75, description="Room tone before the first word (ACX: 0.5 to 1 s).")
    tail_s: Silence = Field(2.5, description="Room tone after the last word (ACX: 1 to 5 s).")
    room_tone_db: float = Field(
        -72.0,
        le=0.0,
        allow_inf_nan=False,
        description="RMS of the noise bed laid under the whole chapter, in dBFS: ACX wants a "
        "noise floor at or below -60 dB and rejects digital silence.",
    )
    seed: int = Field(0, description="Seed of the noise bed: same chapter, same bytes.")


class Segmenting(BaseModel):
    """Budgets of the segmenter, counted in phoneme-sized units (letters as a proxy)."""

    max_chars: int = Field(
        300,
        ge=20,
        le=1000,
        description="A longer sentence is split at its weakest break below this size; 20 to "
        "1000. Below 20 words are cut mid-word; above 1000 (a minute of speech) one segment "
        "outgrows what the voice was trained on, the CUDA shapes and a QA retry's cost.",
    )
    min_chars: int = Field(
        60,
        ge=0,
        description="A shorter sentence is merged with the next one of its paragraph; 0 "
        "(never merged) to max_chars (left unset, it follows a max_chars set below it).",
    )

    @field_validator("min_chars")
    @classmethod
    def _min_below_max(cls, min_chars: int, info: ValidationInfo) -> int:
        # A field validator (max_chars is checked first), so that the refusal names the
        # variable: NARRATE_SEGMENTING__MIN_CHARS, not NARRATE_SEGMENTING.
        max_chars = info.data.get("max_chars")
        if max_chars is not None and min_chars > max_chars:
            raise ValueError(f"{min_chars} is above max_chars ({max_chars})")
        return min_chars

    @model_validator(mode="after")
    def _default_min_follows_max(self) -> "Segmenting":
        # Only the default (60) can be above max_chars here: MAX_CHARS=40 alone is no error.
        self.min_chars = min(self.min_chars, self.max_chars)
        return self


class ApiSettings(BaseModel):
    """The HTTP service (`narrate serve`): what every tenant may do unless its own record
    (`narrate keys create --tenant NAME --max-active-jobs N ...`) says otherwise."""

    requests_per_minute: int = Field(
        600, ge=1, description="Requests a tenant may make per minute; more get 429."
    )
    max_active_jobs: int = Field(
        20, ge=1, description="A tenant's jobs queued or running at once; more get 429."
    )
    max_manuscript_mb: float = Field(
        50.0, gt=0, description="Largest manuscript a tenant may upload, in MB (413 above)."
    )
    link_ttl_s: int = Field(
        900, ge=10, description="Life of a signed download link (the dashboard's player)."
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser "
        "page of theirs; none by default (the dashboard is served by the API itself).",
    )
    webhook_private: bool = Field(
        False,
        description="Allow webhooks to loopback and private addresses (tests, one host); "
        "off, a tenant cannot make the service call into its own network. The API checks "
        "a webhook when it is submitted, the worker every address it connects to: set it "
        "alike for both.",
    )
    inbox: str = Field(
        "",
        description="Where manuscripts named by JSON (not uploaded) are read from: "
        "INBOX/TENANT/KEY, e.g. s3://narrate/inbox. Empty: uploads only.",
    )


# The voice a job gets when it names none (a name in `models.registry`).
DEFAULT_VOICE = "joe"
# Each inference worker's batches get 1/workers of gpu_memory_gb, so one per core makes
# batches too small to fill a GPU (docs/performance.md, "Inference workers").
CUDA_INFERENCE_WORKERS = 4


class Settings(BaseSettings):
    """Process-wide settings, read from ``NARRATE_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="NARRATE_", env_nested_delimiter="__")

    voice: str = Field(DEFAULT_VOICE, description="Voice used when a job names none.")
    narrator: str = Field(
        "a synthetic voice",
        min_length=1,
        description="Who the opening credits (--credits) say read the book: 'This is TITLE, "
        "written by AUTHOR, narrated by NARRATOR.', and the M4B's narrator (composer) tag. A "
        "voice's own name (joe) is said only if set here. The credits are read where the "
        "manuscript is read (narrate synth, narrate enqueue, the API service), the tag where "
        "the book is assembled (narrate synth, the workers).",
    )
    sample_rate: int = Field(
        44100,
        ge=MIN_SAMPLE_RATE,
        le=MAX_SAMPLE_RATE,
        description="Output sample rate of chapter files (Hz), 8000 to 192000 as --sample-rate.",
    )
    cache_dir: Path | None = Field(
        default_factory=lambda: Path.home() / ".cache" / "narrate",
        description="Where cut voice graphs are kept between runs (saves start-up time); "
        "empty to always cut anew.",
    )
    device: str = Field(
        "auto",
        description="Where inference runs: cpu, cuda / cuda:N (needs onnxruntime-gpu), or "
        "auto: the GPU where the host shows an NVIDIA GPU and onnxruntime is a CUDA build, "
        "else the CPU (with a warning where the GPU is there and onnxruntime cannot use it); "
        "resolved when the settings load (`config.devices`).",
    )
    precision: str = Field(
        "auto",
        description="Precision of the voice's decoder: fp32, fp16 (CUDA), bf16 or int8 "
        "(CPU), or auto: the fastest variant whose quality report passed on this device "
        "(`narrate models optimize`), else fp32. A named variant without a passing report "
        "is refused.",
    )
    gpu_memory_gb: float = Field(
        0.0,
        ge=0.0,
        le=1024.0,
        allow_inf_nan=False,
        description="GPU memory inference may use (onnxruntime's arena is capped at it), 0 to "
        "1024 (no GPU holds a TB). On "
        "CUDA it sizes the front and decoder batches when batch_budget and "
        "back_frame_budget are 0: every inference worker's largest batches at once fit in "
        "it (models/runtime.py). 0: automatic, 90% of what the GPU has free (nvidia-smi) "
        "and at most 72 GB, where batches stop growing (16 passages and 32 decoder windows "
        "per batch with 4 workers; a larger arena ran slower); 16 GB if nvidia-smi cannot "
        "tell. With device_processes above 1 each process gets its share: a budget set is "
        "divided among them, the automatic one read once and each given 90% of the free "
        "memory over their number, at most 72 GB.",
    )
    back_frame_budget: int = Field(
        0,
        ge=0,
        description="Largest padded decoder batch in frames (chunks x window); 0: one chunk "
        "at a time on the CPU (best there), on CUDA what gpu_memory_gb holds.",
    )
    cpu_threads: int = Field(
        1,
        ge=0,
        le=MAX_THREADS,
        description="ONNX Runtime intra-op threads per inference run on the CPU; 0 means one "
        "per core; at most 256. With several inference workers, 1 each is fastest.",
    )
    inference_workers: int = Field(
        default_factory=lambda: min(MAX_THREADS, os.cpu_count() or 1),
        ge=1,
        le=MAX_THREADS,
        description="Passages synthesized at once in one process (threads sharing one "
        "session), 1 to 256. Default: one per core on the CPU; on CUDA 4 (each takes its share of "
        "gpu_memory_gb for its batches; more threads mostly contend for the host).",
    )
    device_processes: int = Field(
        0,
        ge=0,
        le=64,
        description="Processes narrating on one device, each with its own sessions, batcher "
        "and share of gpu_memory_gb: `narrate synth` deals a book's chapters among them, "
        "`narrate worker` starts that many workers per device. One process drives a GPU's "
        "inference threads, its chapters and their assembly, and they take turns at Python's "
        "GIL; a second process on the GPU lifts that bound (docs/performance.md, 'Several "
        "processes per GPU'). 0: 1 on the CPU (the cores are the bound there); on CUDA as "
        "many as get 32 GB each of gpu_memory_gb (or of the automatic budget), at most 3 "
        "(an idle H200: 3, an 80 GB GPU: 2; models/runtime.py). At most 64, each process "
        "holding a voice's sessions.",
    )
    cuda_shape_step: int = Field(
        2048,
        ge=1,
        description="On CUDA, phoneme-id counts are padded up to a multiple of this (and "
        "batches to power-of-two rows, decoder chunks to one window) so that shapes repeat: "
        "cuDNN plans each new shape, at the cost of several runs. 2048 holds a passage with "
        "its context (600 + 2 x 64 phonemes, ~1,460 ids; the longest segments, alone, too): "
        "one front width, which keeps the GPU arena flat over a book.",
    )
    cuda_expand: bool = Field(
        True,
        description="On CUDA, the decoder graph expands the prior to latents itself (the "
        "noise table on the GPU, models/expand.py): the host sends a few values per phoneme "
        "instead of 192 per frame. false: expanded on the host, as on the CPU.",
    )
    cudnn_conv_algo_search: Literal["HEURISTIC", "DEFAULT", "EXHAUSTIVE"] = Field(
        "HEURISTIC",
        description="onnxruntime's cuDNN convolution algorithm choice per new shape: "
        "HEURISTIC, DEFAULT or EXHAUSTIVE.",
    )
    cuda_arena_extend_strategy: ArenaExtend = Field(
        "kSameAsRequested",
        description="How onnxruntime's GPU memory arena grows once the warm-up has filled "
        "it: kSameAsRequested (by what a run asks for: a late step is at most one "
        "decoder intermediate, 512 MB) or kNextPowerOfTwo (by regions doubling up to 1 GB).",
    )
    chapters_in_flight: int = Field(
        0,
        ge=0,
        le=MAX_THREADS,
        description="Chapters `narrate synth` works on at once (their passages share "
        "batches; one's assembly overlaps another's inference). 0: 2 when batch_budget "
        "is 0 (the CPU), else 16. At most 256.",
    )
    delivery_workers: int = Field(
        default_factory=lambda: max(1, min(16, (os.cpu_count() or 2) - 2)),
        ge=1,
        le=MAX_THREADS,
        description="Processes `narrate synth` encodes chapters in (MP3 mastered for ACX, "
        "Opus, FLAC, the M4B's AAC), beside the inference of the chapters after them. One "
        "core masters and encodes an MP3 and its AAC at about 45x real time, where a GPU "
        "narrates at over 1,000x: on a GPU host as many as the cores allow, two left to the "
        "narration (its phonemizer process and its threads). Default: cores less two, at "
        "least 1, at most 16; 1 to 256 when set.",
    )
    batch_budget: int = Field(
        0,
        ge=0,
        description="Largest padded front batch (passages x longest, in phoneme ids); a "
        "passage above it runs alone. 0: one passage at a time on the CPU (best there), "
        "on CUDA what gpu_memory_gb holds.",
    )
    context_phonemes: int = Field(
        64,
        ge=0,
        le=1024,
        description="Phonemes of each neighbouring segment given as context (their tail "
        "before, their head after), 0 (none) to 1024; more is smoother and costs encoder "
        "time. The front's attention reaches 64 phonemes each way, so more context than "
        "that changes little (docs/performance.md, 'Context').",
    )
    context_margin_frames: int = Field(
        12,
        ge=0,
        description="Frames kept on each side of a segment through the decoder so that its "
        "edges see real neighbours (the receptive field of flow + HiFi-GAN).",
    )
    max_back_frames: int = Field(
        0,
        ge=0,
        description="Longest run of frames through the decoder at once; longer segments go "
        "in chunks (with margins), which bounds memory whatever the segment length (on the "
        "CPU the flow runs each segment whole, and a segment is at most "
        "NARRATE_SEGMENTING__MAX_CHARS long). 0: 320 for the OpenVINO decoder (bf16: its "
        "memory grows with the longest run), 960 for onnxruntime on the CPU (fewer joins, "
        "each 24 frames of overlap there), 448 on CUDA (every chunk is padded to one window, "
        "this plus 64 frames of margins: 512 frames).",
    )
    attention_span: int = Field(
        64,
        ge=0,
        description="How far (in phoneme ids, two per phoneme) each id's attention reaches "
        "on either side in the voice's text encoder (a window that slides inward at the "
        "input's ends): a short sentence, what the voice was trained on; 0: global, as "
        "exported. The cut graph is cached per span (docs/performance.md, "
        "'Attention span').",
    )
    passage_phonemes: int = Field(
        600,
        ge=0,
        description="Consecutive segments share one text-encoder pass up to this many "
        "phonemes; context is then paid once per passage instead of once per segment.",
    )
    max_manuscript_mb: float = Field(
        50.0,
        gt=0,
        allow_inf_nan=False,
        description="Largest manuscript file accepted, in MB (a larger one is refused).",
    )
    max_book_chars: int = Field(
        8_000_000,
        ge=1,
        description="Most characters of text one book may hold (about 1.3 million words, "
        "150 hours of audio; the Bible has 4.3 million): a longer one is refused, to be "
        "split into volumes. A hostile file (an EPUB of 50 MB of text in 5 MB) is refused "
        "before its text is parsed.",
    )
    default_dest: str = Field(
        "",
        description="Where a job submitted over HTTP writes its files when it names no "
        "`dest` (s3://bucket/prefix or file:///dir). A job may name a dest only under this.",
    )
    api_url: str = Field(
        "", description="The CLI submits and follows jobs through this API when set."
    )
    api_key: str = Field("", description="The API key the CLI sends to api_url.")
    broker_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="Redis for the Celery broker and the job ledger (redis:// or rediss://).",
    )
    visibility_timeout_s: int = Field(
        3600,
        description="Seconds before Redis hands an unacknowledged task to another worker.",
    )
    chunk_time_limit_s: int = Field(
        900,
        description="Time limit of one chunk task (and of a chapter's assembly); kept well "
        "under the visibility timeout. Under the prefork pool Celery kills a task past it; "
        "the threads pool cannot stop a thread, so there a task's lease stops being renewed "
        "past it: the lease expires and the reconciler hands the work to another worker.",
    )
    worker_pool: Literal["auto", "threads", "prefork"] = Field(
        "auto",
        description="How `narrate worker` runs its tasks. threads: several chunk tasks at "
        "once in the one process that owns the voice's sessions, so its batcher sees several "
        "chunks' passages at once (a GPU's batches need many; on the CPU the next chunk takes "
        "the core a chunk's last passage leaves idle); --concurrency is then the number of "
        "tasks at once (default NARRATE_GPU_TASKS on a GPU, 2 on the CPU). prefork: a process "
        "per --concurrency, one task each; Celery kills a task past its time limit and a "
        "crash takes one process. auto: threads. `narrate worker` records the pool it runs "
        "here for its tasks (a plan task starts a phonemizer process only under threads).",
    )
    gpu_tasks: int = Field(
        16,
        ge=1,
        description="Tasks a threads-pool worker (a GPU worker) runs at once when "
        "--concurrency is not given. 16 chunks give 4 inference workers' batches of 16 "
        "passages more than they take, as `narrate synth`'s 16 chapters in flight do; on one "
        "H200, 8 ran as fast and 32 slower (docs/performance.md).",
    )
    chunk_segments: int = Field(
        40, description="Segments per chunk task at most (whole passages): minutes, not hours."
    )
    lease_s: int = Field(
        30,
        description="A running chunk renews its lease this often (x3); a lease that expires "
        "means its worker died, and the reconciler may hand the chunk to another.",
    )
    reconcile_every_s: float = Field(
        10.0, description="How often a worker looks for work whose message was lost."
    )
    qa_retries: int = Field(
        2, ge=0, description="Times a segment failing a quality check is rendered again."
    )
    max_deliveries: int = Field(
        3, description="A chunk delivered this many times without finishing fails its job."
    )
    webhook_timeout_s: float = Field(
        10.0,
        gt=0,
        description="A webhook's receiver must answer within this (to connect, and between "
        "bytes of its answer); slower counts as a failed attempt, tried again.",
    )
    webhook_first_retry_s: float = Field(
        30.0,
        gt=0,
        description="Wait after a webhook's first failed attempt; each later wait doubles, "
        "up to an hour (and below half of visibility_timeout_s, so that Redis does not hand "
        "a waiting retry to a second worker).",
    )
    webhook_retry_for_s: float = Field(
        86400.0,
        ge=0,
        description="A webhook is tried until this long after its job ended, then given up "
        "(`webhook_state` failed in the ledger). An answer of 4xx other than 408 and 429 "
        "gives up at once: the receiver refuses it.",
    )
    metrics_port: int = Field(
        9464,
        ge=0,
        le=65535,
        description="Port on which `narrate worker` serves its processes' Prometheus metrics "
        "(http://HOST:PORT/metrics, worker/metrics.py says what they count); 0: not served. "
        "Two workers on one host need two ports. Not 9100, which node_exporter holds on many "
        "hosts.",
    )
    metrics_dir: Path | None = Field(
        None,
        description="Where `narrate worker`'s pool processes keep their metric files "
        "(prometheus_client's multiprocess mode), emptied when the worker starts: one per "
        "worker. Unset: a new temporary directory, removed when the worker exits. A "
        "PROMETHEUS_MULTIPROC_DIR already set is used as it is and never emptied (a `--device "
        "cuda:all` worker sets it for its per-GPU workers and serves their metrics itself).",
    )
    assembly: AssemblySettings = Field(default_factory=AssemblySettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    segmenting: Segmenting = Field(default_factory=Segmenting)

    @model_validator(mode="after")
    def _cuda_workers(self) -> "Settings":
        if self.device == "auto":  # resolved once, so that all that follows sees the device
            self.device = detect_device()
        if self.device.startswith("cuda") and "inference_workers" not in self.model_fields_set:
            self.inference_workers = min(CUDA_INFERENCE_WORKERS, self.inference_workers)
        return self


# Delivery formats (worker/encode.py says what each is). The WAV is always kept as well:
# the master the others, the M4B and `narrate verify` are made from.
AUDIO_FORMATS = ("wav", "mp3", "m4b", "opus", "flac")
# Seeds seed numpy's generators (non-negative only) and onnxruntime's (an int64): a seed
# outside both is refused here, where the CLI, the queue and the API all check options.
MAX_SEED = 2**63 - 1
QA_LEVELS = ("basic", "asr")


class SynthesisOptions(BaseModel):
    """Per-job options; None means "the voice's default"."""

    voice: str = DEFAULT_VOICE
    sample_rate: int = Field(44100, ge=MIN_SAMPLE_RATE, le=MAX_SAMPLE_RATE)
    speed: float = Field(1.0, gt=0.2, le=5.0, description="1.0 is the voice's own pace.")
    noise_scale: float | None = Field(None, ge=0.0, le=2.0)
    noise_w: float | None = Field(None, ge=0.0, le=2.0)
    context: bool = Field(True, description="Condition each segment on its neighbours.")
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="Seed of the sampling noise: same seed, same audio."
    )
    formats: list[str] = Field(
        default_factory=lambda: ["wav"], description="Audio formats to deliver (AUDIO_FORMATS)."
    )
    qa: str = Field(
        "basic",
        description="Quality checks of every segment: basic (pace, clipping, silence; "
        "always on) or asr (and Whisper must hear its words).",
    )
    sample_minutes: float = Field(
        0.0, ge=0.0, le=5.0, description="A retail sample of this many minutes (ACX: 1 to 5)."
    )

    @field_validator("speed", "noise_scale", "noise_w", "sample_minutes", mode="before")
    @classmethod
    def _finite(cls, value: object) -> object:
        # NaN fails every bound and pydantic would name the first (--speed nan: "less than or
        # equal to 5"); infinity is refused as its bound, which says nothing of the cause.
        number = _as_float(value)
        if number is not None and math.isnan(number):
            raise ValueError("not a number")
        if number is not None and math.isinf(number):
            raise ValueError("not a finite number")
        return value

    @field_validator("qa", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # Choices are names, not spellings: ASR is asr, as MP3 is mp3 (and --qa ASR).
        return value.lower() if isinstance(value, str) else value

    @field_validator("qa")
    @classmethod
    def _known_qa(cls, qa: str) -> str:
        if qa not in QA_LEVELS:
            raise ValueError(f"unknown QA {qa!r}; known: {', '.join(QA_LEVELS)}")
        return qa

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        formats = [f.lower() for f in formats]
        unknown = [f for f in formats if f not in AUDIO_FORMATS]
        if unknown or not formats:
            known = ", ".join(AUDIO_FORMATS)
            raise ValueError(
                f"unknown audio format {unknown[0] if unknown else ''!r}; known: {known}"
            )
        # In one order, whatever order they came in: "m4b,mp3" is the job "mp3,m4b" is
        return [name for name in AUDIO_FORMATS if name in formats]


def _as_float(value: object) -> float | None:
    """The float a value given as a float or its text stands for; None for anything else."""
    if not isinstance(value, float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
