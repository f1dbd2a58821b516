"""A frame-sized fill canvas for manimgl's vector fills (one of convanim's narrow overrides of manimgl).

manimgl 1.7.2 draws the fills of vector mobjects into an offscreen
floating-point texture (its winding-number trick needs signed alphas) and
then composites that texture over the frame with a full-frame quad.  The
texture is twice the frame's width and height (``get_fill_canvas``), so every
frame clears, rasterises into and samples four times the frame's pixels.  On
a CPU renderer (Mesa llvmpipe) that pass was almost the whole cost of a
frame: Conv3x3 mid-scene at 1080p spent 41 of its 48 ms per frame there
(clear 4.7, fills 17.5, fill borders 6.3, composite 12.8; measured with
``glFinish`` around each step).

:func:`use_frame_sized_fill_canvas` makes the canvas the frame's own size,
sampled texel for texel (nearest filtering: each pixel reads exactly its own
texel).  Edges stay antialiased by manimgl's fill border, which is drawn in
the same pass; what is lost is the 2×2 supersampling of fill edges, a
difference at edge pixels only (the test compares a still drawn both ways).
The same frame then spent 14 ms in the pass.  Nothing else of manimgl
changes: the canvas is made by manimgl's own function, whose full-frame quad
and shaders are kept, and only its texture is swapped.
"""
from __future__ import annotations

from functools import lru_cache

import moderngl

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.shader_wrapper import VShaderWrapper

_manimgl_fill_canvas = VShaderWrapper.get_fill_canvas


@lru_cache
def frame_sized_fill_canvas(ctx: moderngl.Context):
    """manimgl's fill canvas ``(fill framebuffer, composite quad, depth framebuffer)`` for ``ctx``, with the fill
    texture at the frame's size (the size manimgl gives its depth texture) instead of twice it."""
    _, composite, depth = _manimgl_fill_canvas(ctx)
    texture = ctx.texture(depth.size, components=4, dtype="f2")  # half floats: alphas may be negative
    texture.filter = (moderngl.NEAREST, moderngl.NEAREST)
    return ctx.framebuffer(texture), composite, depth


def use_frame_sized_fill_canvas() -> None:
    """Make every vector mobject created from now on draw its fills through a frame-sized canvas."""
    VShaderWrapper.get_fill_canvas = staticmethod(frame_sized_fill_canvas)


def use_manimgl_fill_canvas() -> None:
    """Go back to manimgl's double-size canvas (for comparing the two)."""
    VShaderWrapper.get_fill_canvas = staticmethod(_manimgl_fill_canvas)
