"""Import manimlib the way every module of convanim.manim needs it.

Each module that uses manimlib imports this first: it sets up headless
rendering when there is no display, silences manimlib's pkg_resources
deprecation warning, then imports manimlib and makes standalone OpenGL
contexts use EGL.  It also gives the process its own folder for manimgl's
text SVGs (see :func:`private_text_folder`).
"""
import atexit
import shutil
import tempfile
import types
import warnings

from convanim.manim.headless import prepare_environment, use_egl_without_display

prepare_environment()
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import manimlib  # noqa: F401

use_egl_without_display()


def private_text_folder() -> None:
    """manimgl 1.7.2 writes each text's SVG to ``<temp>/<hash of the text>.svg``, reads it back and deletes
    it.  Two processes drawing the same text at the same moment (the test workers, parallel renders) delete
    each other's file: FileNotFoundError.  This process's text SVGs go to a folder of its own, removed at
    exit; nothing else of manimgl's temp use changes (its disk cache of finished SVGs stays shared)."""
    import manimlib.mobject.svg.text_mobject as text_mobject

    folder = tempfile.mkdtemp(prefix="convanim-text-")
    atexit.register(shutil.rmtree, folder, True)
    text_mobject.tempfile = types.SimpleNamespace(gettempdir=lambda: folder)


private_text_folder()
