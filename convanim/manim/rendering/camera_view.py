"""Where a turned camera draws things, and a view fitted to them.

manimgl's camera frame projects a point through its view matrix (shift,
rotation, scale) and a perspective divide by ``1 − z·scale/focal_distance``
(its shader's ``emit_gl_Position``).  The 3D scenes use these functions to
space planes so that none covers another on screen, to fit the frame to
what it shows, and to turn labels to face the viewer.  Screen coordinates
are frame units of the unscaled frame: x within ±FRAME_X_RADIUS, y within
±FRAME_Y_RADIUS when on screen.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Mobject
from manimlib.camera.camera_frame import CameraFrame
from manimlib.constants import FRAME_X_RADIUS, FRAME_Y_RADIUS

#: (x0, y0, x1, y1) on screen, in frame units.
ScreenBox = tuple[float, float, float, float]


def project(frame: CameraFrame, points: np.ndarray) -> np.ndarray:
    """(N, 3) points in the scene -> (N, 2) where ``frame`` draws them."""
    view = frame.get_view_matrix(refresh=True)
    v = np.asarray(points, dtype=float) @ view[:3, :3].T + view[:3, 3]
    w = 1.0 - v[:, 2] * frame.get_scale() / frame.get_focal_distance()
    return v[:, :2] / w[:, None]


def screen_box(frame: CameraFrame, mobjects: Iterable[Mobject]) -> ScreenBox:
    """The box on screen of every point of ``mobjects`` (fixed-in-frame ones as they are)."""
    parts = []
    for mob in mobjects:
        for member in mob.family_members_with_points():
            points = member.get_points()
            parts.append(points[:, :2] if member.is_fixed_in_frame() else project(frame, points))
    drawn = np.concatenate(parts)
    (x0, y0), (x1, y1) = drawn.min(axis=0), drawn.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def fit_view(frame: CameraFrame, mobjects: list[Mobject], room: ScreenBox, largest_zoom: float = 1.0) -> None:
    """Scale and move ``frame`` (not its orientation) so that ``mobjects`` fill ``room`` (a box on screen) as
    far as its width or height allows, centred in it; never magnified more than ``largest_zoom`` times the
    unscaled frame."""
    x0, y0, x1, y1 = screen_box(frame, mobjects)
    rx0, ry0, rx1, ry1 = room
    factor = max((x1 - x0) / (rx1 - rx0), (y1 - y0) / (ry1 - ry0))
    frame.set_height(max(frame.get_height() * factor, 2 * FRAME_Y_RADIUS / largest_zoom))
    for _ in range(2):  # the perspective divide moves the centre a little with the frame: twice is enough
        x0, y0, x1, y1 = screen_box(frame, mobjects)
        offset = np.array([(x0 + x1 - rx0 - rx1) / 2, (y0 + y1 - ry0 - ry1) / 2, 0.0]) * frame.get_scale()
        frame.shift(frame.get_orientation().apply(offset))  # screen right and up, in the scene


def face_camera(frame: CameraFrame, mob: Mobject) -> Mobject:
    """Turn ``mob`` (drawn in the scene's x-y plane) about its centre to face ``frame``'s camera, as a label
    held up to the viewer; returns it."""
    centre = mob.get_center()
    mob.apply_matrix(frame.get_orientation().as_matrix(), about_point=centre)
    return mob


#: The screen's room under nothing fixed in the frame but the caption band at the bottom.
ROOM_ABOVE_CAPTION: ScreenBox = (-FRAME_X_RADIUS + 0.3, -FRAME_Y_RADIUS + 1.05, FRAME_X_RADIUS - 0.3,
                                 FRAME_Y_RADIUS - 0.15)


__all__ = ["ScreenBox", "project", "screen_box", "fit_view", "face_camera", "ROOM_ABOVE_CAPTION"]
