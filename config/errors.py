"""The exceptions narrate raises on purpose.

Two families: a `PermanentError` means the input or the request is wrong and trying again
cannot help (a queue should fail the job with the message); a `RetryableError` means a service
we depend on misbehaved and the same work may succeed later. Messages are written for the
person who ran the command: one line, what is wrong and with which file or name.
"""


class NarrateError(Exception):
    """Base of every error narrate raises on purpose."""


class PermanentError(NarrateError):
    """Raised when retrying cannot help: bad input, unknown names, unusable paths."""


class RetryableError(NarrateError):
    """Raised when a dependency failed in a way that may pass (storage, broker)."""


class ManuscriptError(PermanentError):
    """Raised when a manuscript cannot be read: missing, empty, binary or undecodable."""


class LexiconError(PermanentError):
    """Raised when a pronunciation lexicon cannot be read: missing, malformed, or written in a
    phonetic alphabet narrate does not speak."""


class UnknownVoiceError(PermanentError):
    """Raised when a voice name or path does not lead to a usable voice model."""


class DeviceError(PermanentError):
    """Raised when a device is unknown, or asked for where this install cannot run on it."""


class PrecisionError(PermanentError):
    """Raised when a precision variant is unknown, does not run on the device, or has no
    passing quality report."""


class FormatError(PermanentError):
    """Raised when an audio format is unknown, or an input cannot be encoded into one
    (not a mono WAV, a cover that is neither PNG nor JPEG, a chapter with no break to cut at)."""


class OutputError(PermanentError):
    """Raised when the output destination cannot be created or written."""


class DiskFullError(OutputError):
    """Raised when the output's disk (or the user's quota on it) is full. Permanent: the
    same run again fails the same way until space is made; finished chapters are kept, and a
    run once space is made resumes."""


class UnknownJobError(PermanentError):
    """Raised when a job id is not in the ledger."""


class MissingExtraError(PermanentError):
    """Raised when a feature needs an optional dependency that is not installed."""


class BenchmarkError(PermanentError):
    """Raised when a process a benchmark runs (the baseline, a worker, a job) fails."""


class StorageError(RetryableError):
    """Raised when object storage fails in a way that may pass (network, 5xx, throttling)."""


class BrokerError(RetryableError):
    """Raised when Redis cannot be reached or answers with an error."""


class JobBusyError(RetryableError):
    """Raised when a cancelled job's files cannot be removed yet: a worker still runs some
    of its work, and would write after them."""


class JobPurgingError(RetryableError):
    """Raised when a cancelled job is enqueued again while its files are being removed: the
    removal would take the new run's files too, so the enqueue is to be tried again."""
