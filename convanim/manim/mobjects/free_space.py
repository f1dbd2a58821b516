"""Where a new mobject can go without covering what is on screen.

A scene that must put something somewhere its layout did not plan for (a
window drawn again at a readable size, a sum beside an output that grew)
asks :func:`free_spot` for the place nearest to where it would like it,
among the places where it covers none of the boxes it must leave alone
and stays inside the frame.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Mobject
from manimlib.camera.camera_frame import CameraFrame
from manimlib.constants import FRAME_X_RADIUS, FRAME_Y_RADIUS

from convanim.manim.animations.fades import alpha_columns

#: A box on screen: (x0, y0, x1, y1) in frame units, x0 <= x1 and y0 <= y1.
Box = tuple[float, float, float, float]

#: The step of the positions tried (frame units; 1/60 of the frame's height).
STEP = 8 / 60


def box_of(mob: Mobject) -> Box:
    """The box ``mob``'s points span."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(np.array([-1, -1, 0])), mob.get_corner(np.array([1, 1, 0]))
    return float(x0), float(y0), float(x1), float(y1)


def drawn(mob: Mobject) -> bool:
    """True when some of ``mob``'s own colours are not (nearly) transparent."""
    return any(float(np.max(mob.data[field][:, column], initial=0)) > 0.05 for field, column in alpha_columns(mob))


def drawn_boxes(mobjects: Iterable[Mobject], leave_out: Sequence[Mobject] = ()) -> list[Box]:
    """The boxes of the visible ones of ``mobjects`` (each top-level mobject whole), except ``leave_out`` and
    their families, and the camera's frame."""
    skip = {id(m) for out in leave_out for m in out.get_family()}
    boxes = []
    for mob in mobjects:
        if id(mob) in skip or isinstance(mob, CameraFrame):
            continue
        members = [m for m in mob.family_members_with_points() if id(m) not in skip and drawn(m)]
        if members:
            parts = np.array([box_of(m) for m in members])
            boxes.append((*parts[:, :2].min(axis=0), *parts[:, 2:].max(axis=0)))
    return boxes


def free_spot(size: tuple[float, float], near: np.ndarray, avoid: Sequence[Box], margin: float = 0.1,
              bounds: Box = (-FRAME_X_RADIUS, -FRAME_Y_RADIUS, FRAME_X_RADIUS, FRAME_Y_RADIUS)) -> np.ndarray | None:
    """The centre nearest to ``near`` of a (width, height) box that keeps ``margin`` from every box of ``avoid``
    and lies inside ``bounds`` (less the margin); ``near`` itself when it is free; None when no place is."""
    w, h = size
    near = np.asarray(near, dtype=float)[:2]
    avoid = np.array(avoid, dtype=float).reshape(-1, 4)

    def free(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
        x0, x1 = cx - w / 2 - margin, cx + w / 2 + margin
        y0, y1 = cy - h / 2 - margin, cy + h / 2 + margin
        inside = (x0 >= bounds[0]) & (x1 <= bounds[2]) & (y0 >= bounds[1]) & (y1 <= bounds[3])
        if not len(avoid):
            return inside
        hits = ((x0[:, None] < avoid[None, :, 2]) & (avoid[None, :, 0] < x1[:, None])
                & (y0[:, None] < avoid[None, :, 3]) & (avoid[None, :, 1] < y1[:, None]))
        return inside & ~hits.any(axis=1)

    if free(near[:1], near[1:])[0]:
        return np.array([near[0], near[1], 0.0])
    xs = np.arange(bounds[0] + w / 2 + margin, bounds[2] - w / 2 - margin + 1e-9, STEP)
    ys = np.arange(bounds[1] + h / 2 + margin, bounds[3] - h / 2 - margin + 1e-9, STEP)
    if not len(xs) or not len(ys):
        return None
    cx, cy = (a.ravel() for a in np.meshgrid(xs, ys))
    ok = free(cx, cy)
    if not ok.any():
        return None
    distance = np.hypot(cx - near[0], cy - near[1])
    best = np.argmin(np.where(ok, distance, np.inf))
    return np.array([cx[best], cy[best], 0.0])
