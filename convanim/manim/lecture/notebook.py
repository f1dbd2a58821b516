"""Videos and stills of scenes under a notebook cell: ``show`` and ``show_still``.

    from convanim.manim.lecture.notebook import show, show_still
    show("scenes/conv3x3.py", "Conv3x3", in_channels=2, stride=2)      # plays under the cell
    show_still("scenes/pooling.py", "MaxPool2x2", kernel_size=3)       # the last frame

The render runs in a subprocess (the ``convanim`` command): manimlib reads
``sys.argv`` and opens an OpenGL context when it is imported, so the kernel
never imports it.  Keyword arguments change the scene's class attributes
exactly as ``--set NAME=VALUE`` does, checked the same way; a refused option
raises ``ValueError`` with the command's one-line message, before anything
renders.
"""
from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np

#: Where renders go unless ``out`` is given (relative to the notebook's folder).
MEDIA_FOLDER = Path("convanim_media")


class RenderFailed(RuntimeError):
    """The render itself failed (a missing tool, manimgl's error); the message is the command's."""


def option_text(value: object) -> str:
    """A keyword argument as ``--set`` text: ``(5, 5)`` -> ``5,5``, arrays and lists as nested lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    if isinstance(value, tuple):
        return ",".join(option_text(v) for v in value)
    return repr(value) if isinstance(value, list) else str(value)


def scene_location(scene: str | type, name: str | None) -> tuple[str, str]:
    """(scene file, scene name) from a path and a name, or from a scene class defined in a file."""
    if isinstance(scene, type):
        source = inspect.getsourcefile(scene)
        if source is None:
            raise ValueError(f"{scene.__name__} is not defined in a file; pass the scene file's path and the name")
        return source, name or scene.__name__
    if not name:
        raise ValueError(f"show({scene!r}) needs the scene's name: show({scene!r}, 'SceneName')")
    return str(scene), name


def render_in_subprocess(command: str, scene: str | type, name: str | None, quality: str, out: str | Path | None,
                         attributes: dict) -> Path:
    """Run ``convanim render|still`` for the scene (``convanim model`` for an ONNX model); returns the file
    written."""
    suffix = ".png" if command == "still" else ".mp4"
    if isinstance(scene, (str, Path)) and str(scene).endswith(".onnx"):  # your own network: convanim model
        target = Path(out) if out is not None else MEDIA_FOLDER / f"{Path(scene).stem}{suffix}"
        args = [sys.executable, "-m", "convanim.manim.cli", "model", str(scene), "--quality", quality,
                "--out", str(target), *(["--still"] if command == "still" else [])]
        command = "model"
    else:
        scene_file, scene_name = scene_location(scene, name)
        target = Path(out) if out is not None else MEDIA_FOLDER / f"{scene_name}{suffix}"
        args = [sys.executable, "-m", "convanim.manim.cli", command, scene_file, scene_name, "--quality", quality,
                "--out", str(target)]
    for key, value in attributes.items():
        args += ["--set", f"{key}={option_text(value)}"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"convanim {command}:")]
        message = lines[-1] if lines else result.stderr.strip()[-2000:]
        raise (ValueError if result.returncode == 2 else RenderFailed)(message)
    return target


def show(scene: str | type, name: str | None = None, quality: str = "480p", out: str | Path | None = None,
         **attributes):
    """Render ``name`` from scene file ``scene`` (or a scene class) and return an
    ``IPython.display.Video`` that plays under the cell (embedded, so the notebook keeps it).  ``scene`` may
    also be an ONNX model (``show("net.onnx", image="cat.jpg")``): its network, stage by stage, on the picture
    (``convanim model``; keywords are OnnxModelScene's options)."""
    from IPython.display import Video

    path = render_in_subprocess("render", scene, name, quality, out, attributes)
    return Video(str(path), embed=True, html_attributes="controls loop")


def show_still(scene: str | type, name: str | None = None, quality: str = "480p", out: str | Path | None = None,
               **attributes):
    """The scene's last frame as an ``IPython.display.Image``."""
    from IPython.display import Image

    path = render_in_subprocess("still", scene, name, quality, out, attributes)
    return Image(filename=str(path))


__all__ = ["show", "show_still", "RenderFailed", "option_text", "MEDIA_FOLDER"]
