"""Shared fixtures: the real voice, loaded once per test session."""

from pathlib import Path

import pytest

from models.piper import PiperVoice

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def voice() -> PiperVoice:
    return PiperVoice.load("joe", threads=2)


@pytest.fixture
def data() -> Path:
    return DATA
