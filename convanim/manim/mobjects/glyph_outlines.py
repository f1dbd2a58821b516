"""Glyph outlines that match the font: cubic curves turned into quadratic ones within a tolerance.

Pango (through cairo) writes every glyph outline with cubic Bézier curves;
manimgl 1.7.2 draws quadratic ones.  Its ``add_cubic_bezier_curve_to``
replaces each cubic by two quadratic pieces whose control points are where
the end tangents meet the tangent at an inflection or the midpoint.  For a
nearly straight cubic those tangents are nearly parallel and meet far away
(the denominator only has to clear an absolute 1e-5), so a glyph grows a
spike.  Measured in Noto Sans Mono CJK JP at font size 48: ん's outline
came out 0.36 wide per unit of height and べ's 0.88, where FreeType's
rendering of the same glyphs is 1.07 and 1.26 (plain manimgl ``Text``
does the same; あ and 日 were right).

Here each cubic goes through fontTools' ``cu2qu`` instead (the converter
font tools use to turn CFF outlines into TrueType ones): as many quadratic
pieces as it takes to stay within ``TOLERANCE_EM`` of the cubic.  One
narrow override: the paths of convanim's captions and titles
(:class:`convanim.manim.speed.glyph_text.GlyphText`), nothing else of
manimgl's.  ``use_manimgl_outlines()`` switches it off (for comparison);
``use_exact_outlines()`` back on.
"""
from __future__ import annotations

import numpy as np
from fontTools.cu2qu import curve_to_quadratic

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.mobject.svg.svg_mobject import VMobjectFromSVGPath

#: How far a quadratic piece may stray from the font's cubic, as a share of the em (1/500: 0.07 px for a
#: 24-point caption at 1080p).
TOLERANCE_EM = 1 / 500
#: SVG units per point of font size: Pango's SVG is in pixels at 96 per inch, the font size in points.
SVG_UNITS_PER_POINT = 96 / 72

_exact = True
#: Converted paths, by (SVG path string, tolerance): manimgl's own cache (PATH_TO_POINTS) holds its conversion.
_POINTS: dict[tuple[str, float], np.ndarray] = {}


def use_exact_outlines() -> None:
    global _exact
    _exact = True
#: Converted paths, by (SVG path string, tolerance): manimgl's own cache (PATH_TO_POINTS) holds its conversion.
_POINTS: dict[tuple[str, float], np.ndarray] = {}


def use_manimgl_outlines() -> None:
    global _exact
    _exact = False


def exact_outlines() -> bool:
    """True while glyph paths are converted with cu2qu (the default)."""
    return _exact


def quadratic_points(start: np.ndarray, handle1: np.ndarray, handle2: np.ndarray, end: np.ndarray,
                     tolerance: float) -> np.ndarray:
    """The cubic (start, handle1, handle2, end) as a chain of quadratic curves within ``tolerance``:
    points (2n+1, 3) in manimgl's layout (anchor, control, anchor, …), ``start`` first.  Points are (x, y, z)
    with z = 0 (SVG paths are flat)."""
    spline = curve_to_quadratic([tuple(map(float, p[:2])) for p in (start, handle1, handle2, end)], tolerance)
    # cu2qu gives start, off-curve points, end; between two off-curve points the on-curve point is implied
    # at their middle (TrueType's rule).
    controls = [np.array(p) for p in spline[1:-1]]
    points = [np.array(spline[0])]
    for k, control in enumerate(controls):
        points.append(control)
        points.append((control + controls[k + 1]) / 2 if k + 1 < len(controls) else np.array(spline[-1]))
    flat = np.array(points)
    return np.column_stack([flat, np.zeros(len(flat))])


class ExactOutlinePath(VMobjectFromSVGPath):
    """A glyph's SVG path whose cubic curves become quadratic ones within ``tolerance`` SVG units."""

    def __init__(self, path_obj, tolerance: float, **kwargs) -> None:
        self.tolerance = tolerance
        super().__init__(path_obj, **kwargs)

    def init_points(self) -> None:
        key = (self.path_obj.d(), self.tolerance)
        if key not in _POINTS:
            self.handle_commands()
            _POINTS[key] = self.get_points().copy()
        else:
            self.set_points(_POINTS[key])

    def add_cubic_bezier_curve_to(self, handle1, handle2, anchor):
        self.throw_error_if_no_points()
        start = self.get_last_point()
        points = quadratic_points(start, np.asarray(handle1), np.asarray(handle2), np.asarray(anchor),
                                  self.tolerance)
        if self.consider_points_equal(points[1], start):
            # as manimgl does: a control on the start point would mark the subpath closed
            points[1] = (points[1] + points[2]) / 2
        self.append_points(points[1:])
        return self


__all__ = ["TOLERANCE_EM", "ExactOutlinePath", "quadratic_points", "use_exact_outlines", "use_manimgl_outlines",
           "exact_outlines"]
