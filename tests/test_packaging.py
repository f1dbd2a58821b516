"""The package as a user gets it (issue 35): `python -m build` makes an sdist and a wheel without a warning, both
pass `twine check`, the wheel holds every module and data file and the gallery, and the wheel installed into a
fresh environment outside the repository lists the gallery and renders a still of it from an empty folder.

The fresh environment reuses this environment's installed dependencies (a .pth line), so nothing is downloaded;
the editable install of this checkout is not seen there (a .pth line adds a folder, not the .pth files in it).
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "videos", "_build", "__pycache__", "*.egg-info",
                                 ".pytest_cache", ".hypothesis", "media", "convanim_media")


def quiet_environment() -> dict:
    """The environment of a build: bytecode allowed (distutils says "warning: byte-compiling is disabled" when
    PYTHONDONTWRITEBYTECODE is set, which is the environment's doing, not the package's)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The sdist and the wheel, built from a copy of this checkout (the build writes into its source folder)."""
    source = tmp_path_factory.mktemp("source") / "convanim"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                            capture_output=True, text=True, env=quiet_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if "warn" in line.lower()]
    assert not warnings, "\n".join(warnings)
    return out


def test_the_sdist_and_the_wheel_pass_twine_check(dist):
    files = sorted(dist.iterdir())
    assert [f.name for f in files] == ["convanim-0.1.0-py3-none-any.whl", "convanim-0.1.0.tar.gz"]
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count("PASSED") == 2, result.stdout + result.stderr


def test_the_wheel_holds_every_module_data_file_and_the_gallery(dist):
    wheel = zipfile.ZipFile(next(dist.glob("*.whl")))
    names = set(wheel.namelist())
    wanted = {str(p.relative_to(ROOT)) for p in (ROOT / "convanim").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    wanted |= {f"convanim/scenes/{p.name}" for p in (ROOT / "scenes").glob("*.py")}
    assert wanted <= names, sorted(wanted - names)
    assert "convanim/scenes/conv3x3.py" in names and "convanim/languages/th/LC_MESSAGES/convanim.po" in names
    entry_points = wheel.read("convanim-0.1.0.dist-info/entry_points.txt").decode()
    assert "convanim = convanim.manim.cli:main" in entry_points


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """A fresh virtual environment outside the repository with the wheel installed (no dependencies downloaded:
    this environment's site-packages are reachable through a .pth line)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "test_environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    result = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
                             str(next(dist.glob("*.whl")))], capture_output=True, text=True, env=quiet_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warn" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    return venv


def test_the_installed_wheel_is_what_the_fresh_environment_imports(installed, tmp_path):
    result = subprocess.run([str(installed / "bin" / "python"), "-c",
                             "import convanim, convanim.scenes; print(convanim.__file__); print(convanim.scenes.__file__)"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.split():
        assert Path(line).is_relative_to(installed) and not Path(line).is_relative_to(ROOT), line


def test_the_installed_command_lists_the_gallery_and_renders_a_still_from_an_empty_folder(installed, tmp_path):
    command = str(installed / "bin" / "convanim")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    listed = subprocess.run([command, "list"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    scenes = [line.split()[:2] for line in listed.stdout.splitlines()]
    assert ["conv3x3", "Conv3x3"] in scenes and ["pooling", "MaxPool2x2"] in scenes and len(scenes) >= 60
    result = subprocess.run([command, "still", "pooling", "MaxPool2x2", "--out", "pool.png"],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "pool.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pool.png"]
