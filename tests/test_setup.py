"""Rendering's set-up does not depend on the test extra (issue: a lean set-up).

`make demo` and `make media` install the package with its photo extra only;
the test extra, with PyTorch, the oracle, comes with `make test` alone.  These
tests read what make would run, what the package declares, and render a still
in a Python that cannot import torch or any other test-only package.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = ("torch", "pytest", "hypothesis", "nbclient", "nbformat", "ipykernel", "onnxruntime", "sphinx", "twine")


def make_commands(target: str, tmp_path: Path) -> str:
    """The commands `make TARGET` runs from nothing (-B: as if no stamp existed; -n: printed, not run)."""
    if shutil.which("make") is None:
        pytest.fail("make is not installed; the README's commands need it")
    out = subprocess.run(["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("target", ["demo", "media"])
def test_rendering_targets_install_no_test_extra(target, tmp_path):
    commands = make_commands(target, tmp_path)
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert any('".[photo,data,voice,onnx,course]"' in line for line in installs), commands  # model, build too
    assert not any("[test]" in line or "torch" in line or "docs" in line or "sphinx" in line for line in installs), \
        installs  # neither the oracle nor the documentation tools


def test_test_target_installs_the_cpu_oracle_first(tmp_path):
    commands = make_commands("test", tmp_path)
    cpu = commands.find("--index-url https://download.pytorch.org/whl/cpu")
    extra = commands.find('".[test]"')
    assert cpu != -1 and extra != -1 and cpu < extra, commands
    assert "--retries 0" in commands  # an unreachable index fails fast, then the fallback runs
    assert 'torch==2.13.0' in commands


def test_the_render_dependencies_hold_no_test_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    render = project["dependencies"] + project["optional-dependencies"]["photo"] + project["optional-dependencies"]["onnx"]
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in render}
    assert names.isdisjoint(TEST_ONLY), names
    # The oracle pin in the test extra is the version make test installs from the CPU index.
    make_version = re.search(r"^TORCH_VERSION\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert f"torch=={make_version}" in project["optional-dependencies"]["test"]


def test_license_is_an_spdx_expression():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"


RENDER_WITHOUT_TEST_PACKAGES = textwrap.dedent("""
    import importlib.abc, importlib.util, sys

    BLOCKED = {blocked!r}

    class Absent(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (absent for this test)")
            return None

    sys.meta_path.insert(0, Absent())
    for name in BLOCKED:
        try:
            __import__(name)
        except ModuleNotFoundError:
            pass
        else:
            raise SystemExit(f"the blocker let {{name}} in")

    sys.argv = ["manimgl"]
    import convanim.manim._gl  # noqa: F401
    spec = importlib.util.spec_from_file_location("conv3x3", {scene_file!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scene = type("Conv3x3", (module.Conv3x3,), {{"show_code": False}})(skip_animations=True)  # the layer, not its card
    scene.run()
    scene.update_frame(force_draw=True)
    scene.get_image().save({out!r})
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    print("loaded test-only modules:", loaded)
    raise SystemExit(1 if loaded else 0)
""")


def test_conv3x3_renders_a_still_with_no_test_package_importable(tmp_path):
    out = tmp_path / "still.png"
    script = RENDER_WITHOUT_TEST_PACKAGES.format(blocked=set(TEST_ONLY), scene_file=str(ROOT / "scenes/conv3x3.py"),
                                                 out=str(out))
    env = dict(os.environ, PYGLET_HEADLESS="1")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    from PIL import Image

    image = np.asarray(Image.open(out).convert("RGB"))
    # The finished layer: the twelve red output cells of the palette are on the still.
    from convanim.manim.mobjects.palette import DEFAULT_PALETTE  # noqa: E402

    red = np.array([int(DEFAULT_PALETTE.output[i:i + 2], 16) for i in (1, 3, 5)])
    close = np.abs(image.astype(int) - red).sum(axis=2) < 30
    assert close.mean() > 0.01, "no output cell drawn"
