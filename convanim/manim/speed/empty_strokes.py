"""The stroke pass skipped for shader wrappers with nothing to stroke (one of convanim's narrow overrides).

manimgl 1.7.2 draws every vector render group in two passes: its fills
(through the fill canvas) and then its strokes, a draw of every vertex
through the stroke program's geometry shader.  That shader emits nothing for
a curve whose three stroke widths are all zero, or whose three stroke alphas
are (``quadratic_bezier/stroke/geom.glsl``).  Our cells, rings and glyphs
have no strokes: outlines are drawn as fills (see :func:`convanim.manim.mobjects.cells.ring`).
So almost every stroke pass draws no pixel, yet on a CPU renderer (Mesa
llvmpipe) it still runs the vertex and geometry shaders over every vertex.

:func:`use_skipped_empty_strokes` makes ``VShaderWrapper.render_stroke``
return at once when no vertex of the wrapper has a stroke width above zero,
or none has a stroke alpha above zero: then every curve meets the shader's
condition, and skipping the draw changes no pixel (a test compares frames
byte for byte).  Any wrapper with one stroked vertex draws as manimgl draws
it.  ArbitraryPadding at 720p, one process: 1,224 of 1,248 stroke passes
skipped; 24.8-26.0 s against 27.2-28.7 s (three interleaved pairs).
:func:`use_manimgl_strokes` puts manimgl's method back, for comparison.
"""
from __future__ import annotations

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.shader_wrapper import VShaderWrapper

_MANIMGL_RENDER_STROKE = VShaderWrapper.render_stroke


def strokes_nothing(wrapper: VShaderWrapper) -> bool:
    """True when no curve of ``wrapper``'s vertex data has a stroke the stroke shader would draw: every
    stroke width is zero, or every stroke alpha is."""
    data = wrapper.vert_data
    return len(data) == 0 or not data["stroke_width"].any() or not data["stroke_rgba"][:, 3].any()


def render_stroke_unless_empty(self: VShaderWrapper) -> None:
    """VShaderWrapper.render_stroke, skipped when :func:`strokes_nothing`."""
    if not strokes_nothing(self):
        _MANIMGL_RENDER_STROKE(self)


def use_skipped_empty_strokes() -> None:
    """Skip the stroke pass of every wrapper with nothing to stroke (see the module docstring)."""
    VShaderWrapper.render_stroke = render_stroke_unless_empty


def use_manimgl_strokes() -> None:
    """Draw every stroke pass, as manimgl does."""
    VShaderWrapper.render_stroke = _MANIMGL_RENDER_STROKE
