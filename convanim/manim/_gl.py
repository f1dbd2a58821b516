"""Import manimlib the way every module of convanim.manim needs it.

Each module that uses manimlib imports this first: it sets up headless
rendering when there is no display, silences manimlib's pkg_resources
deprecation warning, then imports manimlib and makes standalone OpenGL
contexts use EGL.
"""
import warnings

from .headless import prepare_environment, use_egl_without_display

prepare_environment()
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import manimlib  # noqa: F401

use_egl_without_display()
