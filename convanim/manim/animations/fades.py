"""Fades that change opacity only: manimgl's FadeIn / FadeOut without a shift or a scale, made cheap.

The scenes import ``FadeIn`` and ``FadeOut`` from here instead of manimlib (a fade with a shift still
uses manimgl's).

manimgl's ``FadeIn(m)`` is a Transform: when it begins it copies ``m``
three times (the start, the target and the copy aligned with it), and every
frame it interpolates every data field of every family member between the
start and the target.  Without a shift or a scale only the colours' alpha
moves, from 0 to each member's own alpha.  :class:`FadeIn` and
:class:`FadeOut` store those alphas when they begin and scale them
each frame: the same values (``(1 - a)·0 + a·alpha`` is ``a·alpha``), no
copies.  A caption cross-fade (two captions of about 40 glyphs each, every
step of a sweep) is where this counts; and while it plays, BatchedScene
draws each fading mobject once and composites it with its share
(:mod:`convanim.manim.speed.fade_sprites`).
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Animation, Mobject
from manimlib.utils.rate_functions import smooth, squish_rate_func

#: The data fields whose alphas a fade scales, and the column holding the alpha: a VMobject's fill and stroke
#: colours, a Surface's or a DotCloud's ``rgba``, an ImageMobject's ``opacity`` (what each one's set_opacity sets).
ALPHA_FIELDS = {"fill_rgba": 3, "stroke_rgba": 3, "rgba": 3, "opacity": 0}


def alpha_columns(member: Mobject) -> list[tuple[str, int]]:
    """The ``(field, column)`` of each alpha in ``member``'s data."""
    return [(field, column) for field, column in ALPHA_FIELDS.items() if field in member.data.dtype.names]


class OpacityFade(Animation):
    """Scales every family member's colour alphas by the rate from ``start`` to ``end`` (0: invisible, 1: as it
    is), then leaves the mobject as it was (a fade-out is a remover: the mobject leaves the scene as it was; manimgl's
    FadeOut, whose final alpha is 0, also ends on the mobject as it was)."""

    start: float = 0.0
    end: float = 1.0
    share: float = 1.0  # the share of each alpha drawn now (set every frame)

    def begin(self) -> None:
        self.alphas = [(member, [(field, column, member.data[field][:, column].copy())
                                 for field, column in alpha_columns(member)])
                       for member in self.mobject.family_members_with_points()]
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # nothing is read from a start: the alphas are stored in begin()

    def get_all_mobjects(self) -> tuple[Mobject]:
        return (self.mobject,)

    def interpolate_mobject(self, alpha: float) -> None:
        self.share = self.start + (self.end - self.start) * self.rate_func(self.time_spanned_alpha(alpha))
        self.set_alphas(self.share)

    def set_alphas(self, share: float) -> None:
        for member, fields in self.alphas:
            for field, column, original in fields:
                member.data[field][:, column] = original * share
            member.note_changed_data()

    @contextmanager
    def at_full_opacity(self):
        """The mobject as it is when not fading, for the time of the ``with`` block (to draw it once)."""
        self.set_alphas(1.0)
        try:
            yield self.mobject
        finally:
            self.set_alphas(self.share)

    def finish(self) -> None:
        super().finish()
        self.restore()

    def restore(self) -> None:
        """Put every member's alphas back as they were when the fade began."""
        self.set_alphas(1.0)


class FadeIn(OpacityFade):
    """``FadeIn(mobject)`` (no shift, no scale): from invisible to the mobject's own opacities."""
    start, end = 0.0, 1.0


class FadeOut(OpacityFade):
    """``FadeOut(mobject)`` (no shift, no scale): from the mobject's own opacities to invisible; removes it."""
    start, end = 1.0, 0.0

    def __init__(self, mobject: Mobject, **kwargs) -> None:
        kwargs.setdefault("remover", True)
        super().__init__(mobject, **kwargs)


def fade_out_then_in(old: Mobject, new: Mobject) -> list[OpacityFade]:
    """``old`` fades out over the first half of the animation, then ``new`` fades in over the second half, in
    the same place: no frame shows the two over each other (two captions, or two numbers in one cell, half
    faded over each other are hard to read)."""
    return [FadeOut(old, rate_func=squish_rate_func(smooth, 0.0, 0.5)),
            FadeIn(new, rate_func=squish_rate_func(smooth, 0.5, 1.0))]


def opacity_alphas(mobject: Mobject) -> np.ndarray:
    """Every alpha of ``mobject``'s family, in one array (for tests)."""
    return np.concatenate([member.data[field][:, column] for member in mobject.family_members_with_points()
                           for field, column in alpha_columns(member)] or [np.zeros(0)])
