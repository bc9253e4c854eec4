"""Shared fixtures: the real voice, loaded once per test session."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config.settings import get_settings
from models.piper import PiperVoice

DATA = Path(__file__).parent / "data"
# The suite is the CPU's: on a GPU host NARRATE_DEVICE's default (auto) would take the GPU,
# here and in every process a test starts. Tests of auto set it themselves.
os.environ.setdefault("NARRATE_DEVICE", "cpu")


@pytest.fixture(scope="session")
def voice() -> PiperVoice:
    return PiperVoice.load("joe", threads=2)


@pytest.fixture
def data() -> Path:
    return DATA


Setting = Callable[[str, str], None]


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Setting]:
    """setting(NAME, value): a NARRATE_ setting for this test alone (read again now, and
    again after it)."""

    def put(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield put
    get_settings.cache_clear()
