"""Small frames rasterised in the rendering thread: Mesa's llvmpipe without its rasteriser threads at 480p.

Without a GPU, manimgl's frames are drawn by Mesa's llvmpipe, which by
default hands every draw to one rasteriser thread per core and waits for
them.  A convanim frame is many small draws (each live group within its
box, each through manimgl's fill canvas), and at 480p each draw's pixels
are few: the hand-off costs more than the threads save, and on a 2-core
machine they also take the core ffmpeg encodes on.  Measured on Conv3x3
(2 cores, ``--jobs 1``, same frames byte for byte): 480p 31-34 s with
``LP_NUM_THREADS=0`` against 35-41 s with the driver's threads; 1080p
73 s against 67 s, so larger frames keep the threads.

:func:`raster_threads` sets ``LP_NUM_THREADS=0`` for a render of at most
854 × 480 pixels (unless the environment already sets it), for the render's
process and the processes it starts (segments).  Mesa reads it when a
process makes its first OpenGL context, so it counts for a render that
starts a process (``convanim render``, segments), not for a later render in
a process that has drawn already.  The switch
``raster_in_render_thread=off`` (:mod:`convanim.manim.speed.settings`)
leaves the driver's default.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

#: The largest frame (pixels) rasterised in the rendering thread: 480p's 854 × 480.
SMALL_FRAME = 854 * 480
VARIABLE = "LP_NUM_THREADS"


@contextmanager
def raster_threads(width: int, height: int, in_render_thread: bool):
    """While the block runs, ``LP_NUM_THREADS=0`` when ``in_render_thread`` and the frame is at most
    :data:`SMALL_FRAME` pixels and the variable is not set already; then the environment as it was."""
    if not in_render_thread or width * height > SMALL_FRAME or VARIABLE in os.environ:
        yield
        return
    os.environ[VARIABLE] = "0"
    try:
        yield
    finally:
        os.environ.pop(VARIABLE, None)


__all__ = ["SMALL_FRAME", "raster_threads"]
