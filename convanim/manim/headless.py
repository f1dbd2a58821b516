"""Rendering without a display: pyglet headless, an EGL OpenGL context, clear messages.

manimgl opens a pyglet shadow window when manimlib is imported and, with no
window, asks moderngl for a standalone context, which defaults to X11/GLX.
On a machine with no display both fail.  :func:`prepare_environment` (before
manimlib is imported) sets ``PYGLET_HEADLESS=1``; :func:`use_egl_without_display`
makes standalone contexts use EGL (Mesa renders on the CPU through llvmpipe).
Both do nothing when a display is present, so ``manimgl`` still opens its
window on a desktop.
"""
from __future__ import annotations

import ctypes.util
import functools
import os
import shutil

APT_HINT = "sudo apt-get install -y {packages}   (or run `make demo`, which installs them)"


class RenderSetupError(RuntimeError):
    """A tool or library needed to render is missing; the message says what to install."""


def has_display() -> bool:
    """True when an X11 or Wayland display is available."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def prepare_environment() -> None:
    """Call before importing manimlib: without a display, run pyglet headless."""
    if not has_display():
        os.environ.setdefault("PYGLET_HEADLESS", "1")


def use_egl_without_display() -> None:
    """Without a display, make ``moderngl.create_standalone_context`` default to EGL."""
    import moderngl

    if has_display() or getattr(moderngl.create_standalone_context, "_convanim_egl", False):
        return
    original = moderngl.create_standalone_context

    @functools.wraps(original)
    def create_standalone_context(*args, **kwargs):
        kwargs.setdefault("backend", "egl")
        try:
            return original(*args, **kwargs)
        except Exception as err:  # moderngl raises plain Exception when EGL is missing
            raise RenderSetupError(
                f"could not create an OpenGL context through EGL without a display ({err}); "
                + APT_HINT.format(packages="libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri")
                + ", or run under `xvfb-run -a`") from err

    create_standalone_context._convanim_egl = True  # type: ignore[attr-defined]
    moderngl.create_standalone_context = create_standalone_context


def check_render_tools(need_ffmpeg: bool = True) -> None:
    """Raise :class:`RenderSetupError` naming what to install if ffmpeg or GL libraries are missing."""
    missing = []
    if need_ffmpeg and shutil.which("ffmpeg") is None:
        missing.append(("ffmpeg", "ffmpeg (writes the video)"))
    if not has_display() and ctypes.util.find_library("EGL") is None:
        missing.append(("libegl1 libegl-mesa0 libgl1-mesa-dri", "EGL (OpenGL without a display)"))
    if ctypes.util.find_library("GL") is None:
        missing.append(("libgl1", "OpenGL (libGL)"))
    if missing:
        what = ", ".join(m[1] for m in missing)
        packages = " ".join(m[0] for m in missing)
        raise RenderSetupError(f"cannot render: missing {what}. Install with: " + APT_HINT.format(packages=packages))
