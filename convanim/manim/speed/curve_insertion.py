"""Curves split for a Transform's alignment with numpy arrays, not one curve at a time (one of convanim's
narrow overrides).

When a Transform begins, manimgl 1.7.2 aligns the two shapes' points
(``VMobject.align_points``): the one with fewer curves has curves split
until both have as many, in ``VMobject.insert_n_curves_to_point_list``.
That method splits each quadratic curve into its share of pieces with a
``np.linspace`` and one ``partial_quadratic_bezier_points`` call per piece,
all in Python, then stacks the pieces row by row.  A number's digits morphing
into other digits (each step of a quick sweep) split about a hundred curves
this way; on Conv3x3 at 480p the method took about 0.6 s of a 31 s render
(py-spy).

:func:`insert_n_curves_vectorised` keeps manimgl's choice of how many pieces
each curve gets (its own code, unchanged) and computes every piece's points
with the same arithmetic, operation for operation and in the same precision,
on arrays of all the pieces at once.  The points are manimgl's bit for bit
(tested on random shapes against manimgl's method, with curves that
collapse to a point, and on the frames of morphing numbers).

:func:`use_vectorised_curve_insertion` puts it in place,
:func:`use_manimgl_curve_insertion` puts manimgl's method back
(``--speed vectorise_curve_insertion=off``).
"""
from __future__ import annotations

import functools

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.mobject.types.vectorized_mobject import VMobject
from manimlib.utils.space_ops import get_norm

_MANIMGL_INSERT = VMobject.insert_n_curves_to_point_list


def pieces_per_curve(mob: VMobject, n: int, points: np.ndarray) -> np.ndarray:
    """How many pieces beyond the first each curve of ``points`` gets when ``n`` are added, by manimgl's rule:
    each added piece goes to the curve whose pieces are longest (its anchor-to-anchor length, measured with
    manimgl's ``get_norm``, or 0 when its first handle sits on its start), whose length is then scaled by
    k / (k + 1) at its k-th piece (scaled in turn, in manimgl's precision, so that ties fall as they do
    there)."""
    tolerance = mob.tolerance_for_point_equality
    lengths = []
    for start in range(0, 2 * ((len(points) - 1) // 2), 2):
        start_anchor, handle, end_anchor = points[start], points[start + 1], points[start + 2]
        lengths.append(0 if get_norm(handle - start_anchor) < tolerance else get_norm(end_anchor - start_anchor))
    added = np.zeros(len(lengths), dtype=int)
    for _ in range(n):
        longest = np.argmax(lengths)
        added[longest] += 1
        lengths[longest] *= added[longest] / (added[longest] + 1)
    return added


@functools.lru_cache(maxsize=256)
def piece_ends(pieces: int) -> np.ndarray:
    """The parameters where a curve cut into ``pieces`` pieces is cut: ``np.linspace(0, 1, pieces + 1)``, as
    manimgl computes them (read-only, shared)."""
    alphas = np.linspace(0, 1, pieces + 1)
    alphas.flags.writeable = False
    return alphas


def on_curves(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Points of the quadratic curves (p0, p1, p2) at ``t``: manimgl's ``curve(t)`` in
    ``partial_quadratic_bezier_points``, each operation in its order, for a column of curves at once."""
    s = (1 - t)[:, None]
    t = t[:, None]
    return p0 * s * s + 2 * p1 * t * s + p2 * t * t


def insert_n_curves_vectorised(self: VMobject, n: int, points: np.ndarray) -> np.ndarray:
    """``VMobject.insert_n_curves_to_point_list``: ``points`` with ``n`` curves inserted, each curve cut into
    the pieces manimgl gives it, every piece's points computed with manimgl's arithmetic on arrays.
    Shapes manimgl treats apart (a single point, no whole curve) go through manimgl's method."""
    if points.ndim != 2 or len(points) < 3:
        return _MANIMGL_INSERT(self, n, points)
    counts = pieces_per_curve(self, n, points) + 1  # pieces per curve
    n_curves = len(counts)
    curve = np.repeat(np.arange(n_curves), counts)  # the curve of each piece
    a = np.concatenate([piece_ends(int(k))[:-1] for k in counts])
    b = np.concatenate([piece_ends(int(k))[1:] for k in counts])
    p0, p1, p2 = points[2 * curve], points[2 * curve + 1], points[2 * curve + 2]
    # partial_quadratic_bezier_points(tup, a, b)[1:]: h1 and h2 (a is never 1: it is a piece's start).
    starts_inside, ends_inside = a > 0, b < 1
    h0 = np.where(starts_inside[:, None], on_curves(p0, p1, p2, a), p0)
    h2 = np.where(ends_inside[:, None], on_curves(p0, p1, p2, b), p2)
    h1_prime = (1 - a)[:, None] * p1 + a[:, None] * p2
    end_prop = (b - a) / (1. - a)
    h1 = (1 - end_prop)[:, None] * h0 + end_prop[:, None] * h1_prime
    result = np.empty((1 + 2 * len(a), points.shape[1]), dtype=np.result_type(h1, h2, points))
    result[0] = points[0]
    result[1::2] = h1
    result[2::2] = h2
    return result


def use_vectorised_curve_insertion() -> None:
    """Split curves for alignment with numpy arrays."""
    VMobject.insert_n_curves_to_point_list = insert_n_curves_vectorised


def use_manimgl_curve_insertion() -> None:
    """Split them one piece at a time, as manimgl does."""
    VMobject.insert_n_curves_to_point_list = _MANIMGL_INSERT


__all__ = ["insert_n_curves_vectorised", "pieces_per_curve", "use_manimgl_curve_insertion",
           "use_vectorised_curve_insertion"]
