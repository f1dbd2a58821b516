"""Fades that change opacity (and may shift): manimgl's FadeIn / FadeOut without a scale, made cheap.

The scenes import ``FadeIn`` and ``FadeOut`` from here instead of manimlib (a fade with a scale still
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

With a ``shift`` every point also moves by a share of it, as manimgl's
interpolation between the shifted start (or target) and the mobject moves
it: ``FadeIn(m, shift=v)`` comes from ``-v`` away, ``FadeOut(m, shift=v)``
goes ``v`` away.  A channel stack's swap (two numbered grids, every step
that brings a channel forward) is where this counts: manimgl's copies and
per-field interpolation of every glyph cost about a third of the frame at
480p (``benchmarks/bench_render.py``).  The switch ``shifts=manimgl``
(:mod:`convanim.manim.speed.settings`) gives manimgl's fades back.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Animation, Mobject, VGroup, VMobject
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

    def __init__(self, mobject: Mobject, shift: np.ndarray | None = None, **kwargs) -> None:
        self.shift = None if shift is None or not np.any(shift) else np.asarray(shift, dtype=float)
        super().__init__(mobject, **kwargs)

    @property
    def moves_points(self) -> bool:
        """True when the fade also shifts its mobject."""
        return self.shift is not None

    def begin(self) -> None:
        members = self.mobject.family_members_with_points()
        self.alphas = [(member, [(field, column, member.data[field][:, column].copy())
                                 for field, column in alpha_columns(member)]) for member in members]
        self.points = [(member, member.get_points().copy()) for member in members] if self.moves_points else []
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # nothing is read from a start: the alphas are stored in begin()

    def get_all_mobjects(self) -> tuple[Mobject]:
        return (self.mobject,)

    #: True while a sprite shows the fade (convanim.manim.speed.sprites): the members' data is left as it was and
    #: written again by :meth:`hold` (False) or when the fade finishes.
    holding = False

    def interpolate_mobject(self, alpha: float) -> None:
        self.share = self.start + (self.end - self.start) * self.rate_func(self.time_spanned_alpha(alpha))
        if self.holding:
            self.offset = self.offset_at(self.share)
        else:
            self.set_alphas(self.share)

    def hold(self, holding: bool) -> None:
        """Leave the members' data alone while a sprite is drawn in its place (``True``); ``False`` writes it
        where the fade is now."""
        self.holding = holding
        if not holding:
            self.set_alphas(self.share)

    def set_alphas(self, share: float) -> None:
        for member, fields in self.alphas:
            for field, column, original in fields:
                member.data[field][:, column] = original * share
            member.note_changed_data()
        if self.points:
            self.set_offset(share)

    def set_offset(self, share: float) -> None:
        """Points shifted by the share of ``shift`` this far into the fade: ``-(1 - share)·shift`` fading in
        (``share`` rises from 0 to 1), ``(1 - share)·shift`` fading out (it falls from 1 to 0)."""
        offset = self.offset = self.offset_at(share)
        for member, original in self.points:
            member.data["point"][:] = original + offset
            member.note_changed_data()

    def offset_at(self, share: float) -> np.ndarray:
        """The points' offset at ``share`` (see :meth:`set_offset`); none without a shift."""
        if self.shift is None:
            return np.zeros(3)
        return (1.0 - share) * (self.shift if self.end < self.start else -self.shift)

    @contextmanager
    def at_full_opacity(self):
        """The mobject as it is when not fading, for the time of the ``with`` block (to draw it once)."""
        self.set_alphas(1.0)
        try:
            yield self.mobject
        finally:
            self.set_alphas(self.share)

    # As a sprite (convanim.manim.speed.sprites): drawn once as it is when not fading, then each frame
    # composited at the fade's share, moved by the fade's offset.
    as_sprite = at_full_opacity
    sprite_layered = True  # faded: drawn as layers that each fade whole

    def sprite_share(self) -> float:
        return self.share

    offset = np.zeros(3)  # how far the points are now from where they are when not fading (set_offset)

    def sprite_offset(self) -> np.ndarray:
        """How far the points are now from where :meth:`as_sprite` draws them (scene units)."""
        return self.offset

    def finish(self) -> None:
        self.holding = False
        super().finish()
        self.restore()

    def restore(self) -> None:
        """Put every member's alphas back as they were when the fade began."""
        self.set_alphas(1.0)


class FadeIn(OpacityFade):
    """``FadeIn(mobject, shift=v)`` (``v`` optional; no scale): from invisible to the mobject's own opacities,
    arriving from ``-v`` away."""
    start, end = 0.0, 1.0


class FadeOut(OpacityFade):
    """``FadeOut(mobject, shift=v)`` (``v`` optional; no scale): from the mobject's own opacities to invisible,
    leaving ``v`` away; removes it."""
    start, end = 1.0, 0.0

    def __init__(self, mobject: Mobject, shift: np.ndarray | None = None, **kwargs) -> None:
        kwargs.setdefault("remover", True)
        super().__init__(mobject, shift, **kwargs)


def fade_out_then_in(old: Mobject, new: Mobject) -> list[OpacityFade]:
    """``old`` fades out over the first half of the animation, then ``new`` fades in over the second half, in
    the same place: no frame shows the two over each other (two captions, or two numbers in one cell, half
    faded over each other are hard to read)."""
    return [FadeOut(old, rate_func=squish_rate_func(smooth, 0.0, 0.5)),
            FadeIn(new, rate_func=squish_rate_func(smooth, 0.5, 1.0))]


def fade_out_together(mobjects: list[Mobject]) -> list[OpacityFade]:
    """FadeOuts for ``mobjects`` (a scene's, in drawing order): the vector ones as one group, which keeps their
    order and is drawn once, as one sprite (its colours in layers: :mod:`convanim.manim.speed.sprites`), where
    a FadeOut each was a sprite each, composited every frame; the others (images, the camera's frame) one by
    one.  Measured: MnistSizedConv's closing fade at 480p (589 mobjects, 12 frames) took 3.8 s one by one."""
    vectors = [m for m in mobjects if isinstance(m, VMobject)]
    others = [m for m in mobjects if not isinstance(m, VMobject)]
    return ([FadeOut(VGroup(*vectors))] if vectors else []) + [FadeOut(m) for m in others]


def opacity_alphas(mobject: Mobject) -> np.ndarray:
    """Every alpha of ``mobject``'s family, in one array (for tests)."""
    return np.concatenate([member.data[field][:, column] for member in mobject.family_members_with_points()
                           for field, column in alpha_columns(member)] or [np.zeros(0)])
