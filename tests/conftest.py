"""Shared fixtures: the real voice, loaded once per test session."""

import os
from pathlib import Path

import pytest

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
