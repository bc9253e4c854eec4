"""Settings and contracts shared by the producer and the worker."""

from config.errors import (
    ManuscriptError,
    NarrateError,
    OutputError,
    PermanentError,
    RetryableError,
    UnknownVoiceError,
)
from config.settings import AssemblySettings, Settings, SynthesisOptions, get_settings

__all__ = [
    "AssemblySettings",
    "ManuscriptError",
    "NarrateError",
    "OutputError",
    "PermanentError",
    "RetryableError",
    "Settings",
    "SynthesisOptions",
    "UnknownVoiceError",
    "get_settings",
]
