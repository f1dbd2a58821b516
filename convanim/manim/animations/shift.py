"""A mobject sliding by a vector, as ``mobject.animate.shift(vector)`` does, without manimgl's Transform.

``mob.animate.shift(v)`` is a MoveToTarget, a Transform: when it begins it
copies the mobject (start, target, and the copy aligned with them), and
every frame it interpolates every data field of every family member, after
which manimgl recomputes each member's joint angles for its strokes.  For a
translation only the points move, each by the same share of ``v``, and the
joint angles (angles between tangents) stay as they are.  :class:`Shift`
stores the points when it begins and writes ``points + rate · v`` each frame:
the values manimgl's straight-path interpolation gives between the mobject
and its shifted copy (up to float32 rounding), with no copies and no joint
angles recomputed.  The kernel sliding over the input (every step of a conv
sweep) and the ring moving to the next output cell are where this counts.

:func:`shift_animation` gives manimgl's own MoveToTarget instead when the
speed switch ``shifts=manimgl`` is set (:mod:`convanim.manim.speed.settings`).
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Animation, Mobject


class Shift(Animation):
    """Slides ``mobject`` (its whole family) by ``vector`` over the animation."""

    def __init__(self, mobject: Mobject, vector: np.ndarray, **kwargs) -> None:
        self.vector = np.asarray(vector, dtype=float)
        super().__init__(mobject, **kwargs)

    def begin(self) -> None:
        # every pointlike array and the bounding box of each member, as Mobject.shift moves them
        self.originals = [(member, [(key, member.data[key].copy()) for key in member.pointlike_data_keys]
                           if member.has_points() else [], member.get_bounding_box().copy())
                          for member in self.mobject.get_family()]
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # nothing is read from a start: the points are stored in begin()

    def get_all_mobjects(self) -> tuple[Mobject]:
        return (self.mobject,)

    offset = np.zeros(3)  # how far the points are from where they were when the shift began

    #: True while a sprite shows the shift (convanim.manim.speed.sprites): the points are left where they were and
    #: moved by :meth:`hold` (False) or when the shift finishes.
    holding = False

    def interpolate_mobject(self, alpha: float) -> None:
        offset = self.rate_func(self.time_spanned_alpha(alpha)) * self.vector
        if self.holding:
            self.offset = offset
        else:
            self.move_to_offset(offset)

    def hold(self, holding: bool) -> None:
        """Leave the points alone while a sprite is drawn in their place (``True``); ``False`` moves them where the
        shift is now."""
        self.holding = holding
        if not holding:
            self.move_to_offset(self.offset)

    def finish(self) -> None:
        self.holding = False
        super().finish()

    def move_to_offset(self, offset: np.ndarray) -> None:
        self.offset = offset
        for member, arrays, box in self.originals:
            for key, original in arrays:
                member.data[key][:] = original + offset
            member.bounding_box[:] = box + offset
            member._needs_new_bounding_box = False  # as Mobject.shift leaves it: the box moved with the points
            member.note_changed_data(recurse_up=False)
        self.mobject.note_changed_data()
        for parent in self.mobject.parents:
            parent.refresh_bounding_box()

    # As a sprite (convanim.manim.speed.sprites): drawn once where the shift began, then composited each
    # frame moved by the offset.
    @contextmanager
    def as_sprite(self):
        """The mobject where the shift began, for the time of the ``with`` block (to draw it once)."""
        now = self.offset
        self.move_to_offset(np.zeros(3))
        try:
            yield self.mobject
        finally:
            self.move_to_offset(now)

    def sprite_share(self) -> float:
        return 1.0

    sprite_layered = False  # never faded: one picture of the whole mobject

    def sprite_offset(self) -> np.ndarray:
        return self.offset


def shift_animation(scene, mobject: Mobject, vector: np.ndarray, **kwargs) -> Animation:
    """:class:`Shift`, or ``mobject.animate.shift(vector)`` under the speed switch ``shifts=manimgl``."""
    speed = getattr(scene, "speed", None)
    if speed is not None and speed.shifts == "manimgl":
        return mobject.animate.shift(vector).build(**kwargs) if kwargs else mobject.animate.shift(vector)
    return Shift(mobject, vector, **kwargs)


__all__ = ["Shift", "shift_animation"]
