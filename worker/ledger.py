"""The job ledger: a job's state in Redis, with atomic transitions.

Celery over Redis delivers at least once, so nothing here trusts a task to run once. Every
transition that decides what happens next (a chunk done, a chapter assembled, a job
finished) is one atomic script that reports whether *this* call made it; only that call
enqueues the follow-up work. Progress counters move only on such first transitions.

Keys, all under ``narrate:``:
  jobs                       sorted set of job ids by creation time
  job:{id}                   hash: state, destination, options, counters, error, times;
                             a service job's tenant and webhook URL, and once it is final
                             webhook_state, webhook_attempts, webhook_last_error
  webhooks                   sorted set: final jobs whose webhook is pending -> when its
                             next attempt is due
  job:{id}:chunks            hash: "c:k" -> "queued" | "done"
  job:{id}:chunk_args        hash: "c:k" -> json [chapter, first passage, last passage]
  job:{id}:deliveries        hash: "c:k" -> deliveries so far
  job:{id}:chapter_chunks    hash: chapter -> chunks in it
  job:{id}:chapter_done      hash: chapter -> chunks done
  job:{id}:chapters          set of chapters assembled
  job:{id}:segments          set of segments stored (progress counts each once)
  job:{id}:enqueued          hash: what -> when it was last enqueued (for the reconciler)
  job:{id}:qa                hash: "c:s" -> a segment still failing its checks (json)
  lock:{id}:chunk:{c}:{k}    held while a chunk runs (a heartbeat renews it; it expires
  lock:{id}:chapter:{c}      soon after its worker dies, which tells the reconciler)
  lock:{id}:plan             held while a job is planned
  lock:{id}:final            held while a job is finalized
  lock:{id}:purge            held while a cancelled job's files are removed; a restart
                             is refused meanwhile

A cancelled job's hash gets purged_at once its files are removed from its destination
(`worker.jobs.purge_job`), or purge_error if they cannot be (a permanent storage error); its
figures are those reached when it was cancelled.
"""

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis
from kombu.transport.redis import PRIORITY_STEPS, Channel

from config.errors import BrokerError, JobPurgingError, UnknownJobError
from config.jobs import FINAL, JobState, WebhookState
from config.manifest import QAFinding

PREFIX = "narrate:"
WEBHOOKS = f"{PREFIX}webhooks"


def _unless_ended(job_key: int, script: str) -> str:
    """The script, run only while the job (its hash at KEYS[job_key]) has not ended, else
    returning 0: an ended job counts no more progress, so its figures stay those of its end
    (a cancel's, though a worker goes on with what it had begun)."""
    return f"""
local state = redis.call('HGET', KEYS[{job_key}], 'state')
if state == 'done' or state == 'failed' or state == 'cancelled' then return 0 end
{script}"""


# Returns 1 when this call moved the chunk to done (and counts it for its chapter), 2 when
# with it the chapter's last chunk; a chunk done after its job ended counts nothing.
_CHUNK_DONE = _unless_ended(
    4,
    """
if redis.call('HGET', KEYS[1], ARGV[1]) == 'done' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'done')
local done = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
local total = tonumber(redis.call('HGET', KEYS[3], ARGV[2]))
if done == total then return 2 end
return 1
""",
)

# Returns the number of chapters assembled when this call added the chapter, else 0.
_CHAPTER_DONE = _unless_ended(
    2,
    """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
return redis.call('SCARD', KEYS[1])
""",
)

# Counts a segment's progress the first time it is stored, however many deliveries store it.
_SEGMENT_STORED = _unless_ended(
    2,
    """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'segments_done', 1)
redis.call('HINCRBYFLOAT', KEYS[2], 'audio_s', ARGV[2])
return 1
""",
)

# Marks a job running with its totals, unless it has ended meanwhile (a plan task that read
# it queued must not bring a cancelled job back); returns 1 if it did.
_SET_RUNNING = _unless_ended(
    1,
    """
redis.call('HSET', KEYS[1], 'state', 'running', 'chapters_total', ARGV[1],
           'segments_total', ARGV[2])
return 1
""",
)

# The book's length, pauses included, set before the job is marked done (not after a cancel).
_SET_AUDIO = _unless_ended(
    1,
    """
redis.call('HSET', KEYS[1], 'audio_s', ARGV[1])
return 1
""",
)

# Records segments still failing their checks (ARGV: "c:s", json, ...), as the figures,
# only until the job has ended: a cancelled job's status keeps those of its cancel.
_ADD_FINDINGS = _unless_ended(
    2,
    """
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
""",
)

# What a job's run leaves in the ledger besides its record (KEYS[2..]): a cancelled job
# enqueued again forgets it and starts over, its files being removed (`_RESTART`).
_RUN_KEYS = (
    "chunks", "chunk_args", "deliveries", "chapter_chunks", "chapter_done", "chapters",
    "segments", "enqueued", "qa",
)  # fmt: skip

# Writes a job's record (ARGV[3..]: field, value, ...) and indexes it (ARGV[1]: when,
# ARGV[2]: its id) only if it has none; returns 1 if it did. A job that exists is left as
# it is: one done stays done (a cancel and purge would otherwise remove a finished book).
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[2])
return 1
"""

# Returns 1 if the job was cancelled and now is queued afresh, its run forgotten; 0 if it
# was not cancelled; -1 while its purge holds its lock (KEYS[2]): the purge would remove
# the new run's files with the old ones. The cancel's webhook goes too (from KEYS[3], the
# webhooks due; ARGV[1]: the job's id): the new run's end is announced afresh. ARGV[2..]:
# fields of the new submission (field, value, ...), its webhook or priority.
_RESTART = """
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('DEL', unpack(KEYS, 4))
redis.call('ZREM', KEYS[3], ARGV[1])
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('HSET', KEYS[1], 'state', 'queued', 'segments_done', 0, 'audio_s', 0, 'error', '')
redis.call('HDEL', KEYS[1], 'purged_at', 'purge_error', 'finished_at', 'webhook_state',
           'webhook_attempts', 'webhook_last_error')
return 1
"""

# Returns 1 if the job had failed and is queued again, 0 otherwise. Its run stays: the
# chunks done before the failure are not narrated twice (a resume), and the others are
# delivered afresh (KEYS[3], their deliveries: a chunk that failed its job as poison gets
# its retries again). Its webhook goes as in `_RESTART` (KEYS[2], ARGV[1]); ARGV[2..]: the
# new submission's fields.
_RETRY = """
if redis.call('HGET', KEYS[1], 'state') ~= 'failed' then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('HSET', KEYS[1], 'state', 'queued', 'error', '')
redis.call('HDEL', KEYS[1], 'finished_at', 'webhook_state', 'webhook_attempts',
           'webhook_last_error')
return 1
"""

# Marks a cancelled job's files removed; returns 1 if it did (a job enqueued again since is
# not cancelled any more, and its new run's files are not the ones removed).
_MARK_PURGED = """
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'purged_at', ARGV[1])
return 1
"""

# Moves a job to a final state unless it is in one already or has no record (a late task of
# a job whose record is gone makes no stray one); returns 1 if it did. A job's
# webhook becomes pending in the same step: a process dying before it sends the
# notification leaves it where the reconciler finds it.
_FINISH = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'done' or state == 'failed' or state == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'finished_at', ARGV[2], 'error', ARGV[3])
local hook = redis.call('HGET', KEYS[1], 'webhook')
if not hook or hook == '' then return 1 end
redis.call('HSET', KEYS[1], 'webhook_state', 'pending', 'webhook_attempts', 0)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return 1
"""

# Counts the states of the ARGV[1] most recent jobs in Redis: a read a job from Python took
# ten times longer (1.8 s for 100,000 jobs, where this took 0.16 s). ARGV[2]: job keys' prefix.
_COUNT_STATES = """
local counts = {}
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do
  local state = redis.call('HGET', ARGV[2] .. id, 'state')
  if state then counts[state] = (counts[state] or 0) + 1 end
end
local flat = {}
for state, n in pairs(counts) do
  table.insert(flat, state)
  table.insert(flat, n)
end
return flat
"""


@dataclass(frozen=True)
class ChunkRef:
    job_id: str
    chapter: int
    chunk: int

    @property
    def field(self) -> str:
        return f"{self.chapter}:{self.chunk}"


class Ledger:
    """Job state in Redis."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Typed loosely: redis-py's stubs make every reply bytes | str | ... ; ours are str.
        self.redis: Any = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=10,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        self._chunk_done = self.redis.register_script(_CHUNK_DONE)
        self._chapter_done = self.redis.register_script(_CHAPTER_DONE)
        self._finish = self.redis.register_script(_FINISH)
        self._segment_stored = self.redis.register_script(_SEGMENT_STORED)
        self._count_states = self.redis.register_script(_COUNT_STATES)
        self._set_running = self.redis.register_script(_SET_RUNNING)
        self._restart = self.redis.register_script(_RESTART)
        self._retry = self.redis.register_script(_RETRY)
        self._set_audio = self.redis.register_script(_SET_AUDIO)
        self._mark_purged = self.redis.register_script(_MARK_PURGED)
        self._create = self.redis.register_script(_CREATE)
        self._add_findings = self.redis.register_script(_ADD_FINDINGS)

    def __reduce__(self) -> tuple[type["Ledger"], tuple[str]]:
        # Pickled as its URL, connected afresh where unpickled: a plan's phonemizer process
        # asks whether the job has ended (`worker.plans.chapter_plans`).
        return Ledger, (self.url,)

    def key(self, job_id: str, suffix: str = "") -> str:
        return f"{PREFIX}job:{job_id}{':' + suffix if suffix else ''}"

    def ping(self) -> None:
        try:
            self.redis.ping()
        except redis.RedisError as error:
            raise BrokerError(f"cannot reach Redis ({_safe(error)})") from error

    # -- jobs ---------------------------------------------------------------------------

    def create_job(self, job_id: str, fields: dict[str, Any]) -> bool:
        """Register a job, queued; False (and nothing changed) if it exists already: the
        same manuscript and options, whatever its state (a cancelled one starts over through
        `restart`)."""
        created = time.time()
        record = {k: json.dumps(v) if not isinstance(v, str) else v for k, v in fields.items()}
        record.update(job_id=job_id, state=JobState.QUEUED, created_at=str(created), error="")
        flat = [item for pair in record.items() for item in pair]
        keys = [self.key(job_id), f"{PREFIX}jobs"]
        return bool(self._create(keys=keys, args=[str(created), job_id, *flat]))

    def job(self, job_id: str) -> dict[str, str]:
        record: dict[str, str] = self.redis.hgetall(self.key(job_id))
        if not record:
            raise UnknownJobError(f"unknown job {job_id!r}")
        return record

    def jobs(self, limit: int = 100) -> list[str]:
        ids: list[str] = self.redis.zrevrange(f"{PREFIX}jobs", 0, limit - 1)
        return ids

    def state(self, job_id: str) -> JobState:
        return JobState(self.job(job_id)["state"])

    def ended(self, job_id: str) -> bool:
        """Whether the job is done, failed or cancelled: its state alone, read often while
        a chunk runs."""
        state = self.redis.hget(self.key(job_id), "state")
        if state is None:
            raise UnknownJobError(f"unknown job {job_id!r}")
        return JobState(state) in FINAL

    def count_states(self, limit: int) -> dict[JobState, int]:
        """How many of the `limit` most recent jobs are in each state."""
        flat = self._count_states(keys=[f"{PREFIX}jobs"], args=[limit, self.key("")])
        return {JobState(state): int(n) for state, n in zip(flat[::2], flat[1::2], strict=True)}

    def set_running(self, job_id: str, chapters: int, segments: int) -> bool:
        """Mark a job running with its totals; False (and nothing changed) if it has ended."""
        return bool(self._set_running(keys=[self.key(job_id)], args=[chapters, segments]))

    def restart(self, job_id: str, fields: dict[str, str] | None = None) -> bool:
        """Queue a cancelled job afresh with the fields given, forgetting its run and its
        webhook's delivery; False unless it was cancelled.
        Raises JobPurgingError while its files are being removed (`purge_lock`)."""
        keys = [
            self.key(job_id),
            f"{PREFIX}lock:{purge_lock(job_id)}",
            WEBHOOKS,
            *(self.key(job_id, suffix) for suffix in _RUN_KEYS),
        ]
        flat = [item for pair in (fields or {}).items() for item in pair]
        restarted = int(self._restart(keys=keys, args=[job_id, *flat]))
        if restarted < 0:
            raise JobPurgingError(
                f"{job_id}: cancelled, and its files are being removed; enqueue it again in a "
                "moment"
            )
        return bool(restarted)

    def retry(self, job_id: str, fields: dict[str, str] | None = None) -> bool:
        """Queue a failed job again with the fields given, keeping what its run finished;
        False unless it had failed."""
        flat = [item for pair in (fields or {}).items() for item in pair]
        keys = [self.key(job_id), WEBHOOKS, self.key(job_id, "deliveries")]
        return bool(int(self._retry(keys=keys, args=[job_id, *flat])))

    def mark_purged(self, job_id: str) -> bool:
        """Record that a cancelled job's files are removed; False (nothing recorded) if the
        job is no longer cancelled."""
        return bool(self._mark_purged(keys=[self.key(job_id)], args=[str(time.time())]))

    def purge_failed(self, job_id: str, error: str) -> None:
        """Record why a cancelled job's files cannot be removed (a permanent error)."""
        self.redis.hset(self.key(job_id), "purge_error", error)

    def finish(self, job_id: str, state: JobState, error: str = "") -> bool:
        """Move a job to a final state once; True for the call that did it. A job with a
        webhook has it pending from then on (`worker.webhooks.finish` sends it)."""
        keys = [self.key(job_id), WEBHOOKS]
        args = [state.value, str(time.time()), error, job_id]
        return bool(self._finish(keys=keys, args=args))

    def segment_stored(self, job_id: str, chapter: int, segment: int, audio_s: float) -> bool:
        """Count a stored segment once; True the first time."""
        keys = [self.key(job_id, "segments"), self.key(job_id)]
        return bool(self._segment_stored(keys=keys, args=[f"{chapter}:{segment}", audio_s]))

    def segment_counted(self, job_id: str, chapter: int, segment: int) -> bool:
        return bool(self.redis.sismember(self.key(job_id, "segments"), f"{chapter}:{segment}"))

    def set_audio(self, job_id: str, audio_s: float) -> None:
        """The book's length once it is assembled: segments alone leave out the pauses."""
        self._set_audio(keys=[self.key(job_id)], args=[repr(audio_s)])

    def add_findings(self, job_id: str, findings: Sequence[QAFinding]) -> bool:
        """Segments still failing their checks after re-renders, for `narrate status`; a
        redelivered chunk records its segments once. False (nothing recorded) once the job
        has ended, or with nothing to record."""
        flat = [
            item for f in findings for item in (f"{f.chapter}:{f.segment}", f.model_dump_json())
        ]
        if not flat:
            return False
        keys = [self.key(job_id, "qa"), self.key(job_id)]
        return bool(self._add_findings(keys=keys, args=flat))

    def snapshot(self, job_id: str) -> tuple[dict[str, str], int, list[QAFinding]]:
        """A job's record, chapters assembled and findings, read in one round trip (what a
        status poll needs: the API answers many)."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.key(job_id))
            pipe.scard(self.key(job_id, "chapters"))
            pipe.hgetall(self.key(job_id, "qa"))
            record, chapters, raw = pipe.execute()
        if not record:
            raise UnknownJobError(f"unknown job {job_id!r}")
        found = [QAFinding.model_validate_json(value) for value in raw.values()]
        return record, int(chapters), sorted(found, key=lambda f: (f.chapter, f.segment))

    def findings(self, job_id: str) -> list[QAFinding]:
        raw: dict[str, str] = self.redis.hgetall(self.key(job_id, "qa"))
        found = [QAFinding.model_validate_json(value) for value in raw.values()]
        return sorted(found, key=lambda f: (f.chapter, f.segment))

    # -- webhooks: pending from the job's end until delivered or given up ----------------

    def webhook_due(self, job_id: str) -> float | None:
        """When the job's webhook is next due; None unless it is pending."""
        due = self.redis.zscore(WEBHOOKS, job_id)
        return None if due is None else float(due)

    def webhooks_due(self, before: float, limit: int = 1000) -> list[str]:
        """Jobs whose webhook was due before `before`, longest waiting first."""
        ids: list[str] = self.redis.zrangebyscore(WEBHOOKS, "-inf", before, start=0, num=limit)
        return ids

    def webhook_attempted(self, job_id: str) -> int:
        """Count an attempt to deliver the job's webhook (before it is made); returns the
        count."""
        return int(self.redis.hincrby(self.key(job_id), "webhook_attempts", 1))

    def webhook_outcome(
        self, job_id: str, state: WebhookState, error: str = "", next_at: float | None = None
    ) -> None:
        """Record an attempt's outcome: pending again (due at next_at), delivered or given
        up (no longer due)."""
        with self.redis.pipeline() as pipe:
            pipe.hset(
                self.key(job_id),
                mapping={"webhook_state": state.value, "webhook_last_error": error},
            )
            if next_at is None:
                pipe.zrem(WEBHOOKS, job_id)
            else:
                pipe.zadd(WEBHOOKS, {job_id: next_at}, xx=True)
            pipe.execute()

    # -- chunks -------------------------------------------------------------------------

    def plan_chunks(self, job_id: str, chunks: dict[int, list[tuple[int, int]]]) -> list[ChunkRef]:
        """Record every chunk of every chapter as queued (once); returns those not done."""
        with self.redis.pipeline() as pipe:
            for chapter, ranges in chunks.items():
                pipe.hsetnx(self.key(job_id, "chapter_chunks"), str(chapter), len(ranges))
                for k, (first, last) in enumerate(ranges):
                    field = f"{chapter}:{k}"
                    pipe.hsetnx(self.key(job_id, "chunks"), field, "queued")
                    pipe.hset(
                        self.key(job_id, "chunk_args"), field, json.dumps([chapter, first, last])
                    )
            pipe.execute()
        return self.pending_chunks(job_id)

    def planned_chapters(self, job_id: str) -> int:
        """Chapters whose chunks are recorded (`plan_chunks`)."""
        return int(self.redis.hlen(self.key(job_id, "chapter_chunks")))

    def pending_chunks(self, job_id: str) -> list[ChunkRef]:
        states = cast(dict[str, str], self.redis.hgetall(self.key(job_id, "chunks")))
        refs = []
        for field, state in sorted(states.items()):
            if state != "done":
                chapter, chunk = map(int, field.split(":"))
                refs.append(ChunkRef(job_id, chapter, chunk))
        return refs

    def chunk_args(self, ref: ChunkRef) -> tuple[int, int, int]:
        raw = self.redis.hget(self.key(ref.job_id, "chunk_args"), ref.field)
        if raw is None:
            raise UnknownJobError(f"job {ref.job_id} has no chunk {ref.field}")
        chapter, first, last = json.loads(cast(str, raw))
        return int(chapter), int(first), int(last)

    def deliveries(self, ref: ChunkRef) -> int:
        """How often the chunk was delivered so far (without counting one more)."""
        return int(self.redis.hget(self.key(ref.job_id, "deliveries"), ref.field) or 0)

    def delivered(self, ref: ChunkRef) -> int:
        """Count one more delivery of a chunk; returns the count."""
        return int(self.redis.hincrby(self.key(ref.job_id, "deliveries"), ref.field, 1))

    def chunk_done(self, ref: ChunkRef) -> tuple[bool, bool]:
        """(this call finished the chunk, ... and with it the chapter's last chunk); neither
        once the job has ended."""
        keys = [
            self.key(ref.job_id, "chunks"),
            self.key(ref.job_id, "chapter_done"),
            self.key(ref.job_id, "chapter_chunks"),
            self.key(ref.job_id),
        ]
        result = int(self._chunk_done(keys=keys, args=[ref.field, str(ref.chapter)]))
        return result > 0, result == 2

    def is_chunk_queued(self, ref: ChunkRef) -> bool:
        """Planned and not done: not a chunk of a run its job has forgotten (`restart`)."""
        return bool(self.redis.hget(self.key(ref.job_id, "chunks"), ref.field) == "queued")

    def chunk_fields(self, job_id: str) -> list[str]:
        fields: list[str] = self.redis.hkeys(self.key(job_id, "chunks"))
        return fields

    def chapter_complete(self, job_id: str, chapter: int) -> bool:
        done = self.redis.hget(self.key(job_id, "chapter_done"), str(chapter))
        total = self.redis.hget(self.key(job_id, "chapter_chunks"), str(chapter))
        return done is not None and done == total

    def chapter_done(self, job_id: str, chapter: int) -> int:
        """Chapters assembled so far if this call recorded this one, else 0."""
        keys = [self.key(job_id, "chapters"), self.key(job_id)]
        return int(self._chapter_done(keys=keys, args=[str(chapter)]))

    def chapters_assembled(self, job_id: str) -> set[int]:
        return {int(c) for c in self.redis.smembers(self.key(job_id, "chapters"))}

    # -- the broker's queues, in the same Redis -------------------------------------------

    def queue_depths(self, queues: Iterable[str]) -> dict[tuple[str, int], int]:
        """Messages waiting in each queue, by priority step. With `queue_order_strategy:
        priority` kombu keeps a queue in one Redis list per step: the queue's name for step
        0, then the name, kombu's separator and the step."""
        keys = {
            (queue, step): priority_list(queue, step) for queue in queues for step in PRIORITY_STEPS
        }
        with self.redis.pipeline(transaction=False) as pipe:
            for key in keys.values():
                pipe.llen(key)
            return dict(zip(keys, map(int, pipe.execute()), strict=True))

    # -- locks: held while work runs, expiring soon after a dead worker stops renewing ----

    def try_lock(self, name: str, ttl_s: int) -> bool:
        """Take an exclusive lock (it expires if its holder dies); False if taken."""
        return bool(self.redis.set(f"{PREFIX}lock:{name}", "1", nx=True, ex=ttl_s))

    def renew(self, name: str, ttl_s: int) -> None:
        self.redis.set(f"{PREFIX}lock:{name}", "1", ex=ttl_s)

    def unlock(self, name: str) -> None:
        self.redis.delete(f"{PREFIX}lock:{name}")

    def locked(self, name: str) -> bool:
        return bool(self.redis.exists(f"{PREFIX}lock:{name}"))

    def any_locked(self, names: Sequence[str]) -> bool:
        keys = [f"{PREFIX}lock:{name}" for name in names]
        return bool(keys) and bool(self.redis.exists(*keys))

    def mark_enqueued(self, job_id: str, what: str) -> None:
        """Record that `what` (a plan, a chunk, an assembly) was enqueued just now."""
        self.redis.hset(self.key(job_id, "enqueued"), what, str(time.time()))

    def claim_overdue(self, job_id: str, what: str, after_s: float) -> bool:
        """True if `what` was last enqueued over after_s ago (or never); the call that gets
        True records a new enqueue time, so one reconciler round re-enqueues it once."""
        key, now = self.key(job_id, "enqueued"), time.time()
        last = self.redis.hget(key, what)
        if last is not None and now - float(last) < after_s:
            return False
        self.redis.hset(key, what, str(now))
        return True


def purge_lock(job_id: str) -> str:
    """Held while a cancelled job's files are removed (`worker.jobs.purge_job`): a restart
    waits for it."""
    return f"{job_id}:purge"


def priority_list(queue: str, step: int) -> str:
    """The Redis list of a queue's messages of one priority step (kombu's `_q_for_pri`)."""
    return f"{queue}{Channel.sep}{step}" if step else queue


def _safe(error: Exception) -> str:
    """An error's message without a password that a URL in it may carry."""
    import re

    return re.sub(r"//[^@/\s]*@", "//***@", str(error))
