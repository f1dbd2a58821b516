"""ShadeSweep: many quick windows of a sweep in one animation, cells reshaded and rings moved window by window.

A long sweep over a grid too large for numbers (the MNIST-sized scatter:
576 windows, 1/15 s each) was one ``play`` per window, and every ``play``
begins anew: the scene sorts out again which mobjects move and draws its
still layer again, every two frames.  Here a run of windows is one
animation of ``len(steps)`` equal parts: part k moves the rings to window
k's places and turns window k's cells from the colour they had to the one
the step gives them (smoothly, as ``cell.animate.set_fill`` did), after
every earlier window's cells took their colours.  Each frame shows what
the window-per-play sweep showed at the same time, but the rings jump to
the next window instead of cross-fading in its first frame; with
``slide_rings`` they slide there as that sweep slid them (the forward
sweep's kernel and output marker: :meth:`ConvLayerScene.sweep_row`).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import NamedTuple, Sequence

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Animation, Mobject, VGroup
from manimlib.utils.color import color_to_rgb, rgb_to_color
from manimlib.utils.rate_functions import smooth


class SweepStep(NamedTuple):
    """One window: ``cells`` each with the colour it turns to (a hex string), and where each ring goes."""
    cells: Sequence[tuple[Mobject, str]]
    ring_places: Sequence[np.ndarray]


class ShadeSweep(Animation):
    """The steps one after the other, each ``run_time / len(steps)`` long.  ``rings``: moved to each step's
    ``ring_places`` (one place per ring, in order): at once, or with ``slide_rings`` smoothly from the last
    step's places over the step, as ``ring.animate.move_to(place)`` in a play per window does (a kernel
    sliding from window to window)."""

    def __init__(self, steps: Sequence[SweepStep], rings: VGroup, slide_rings: bool = False, **kwargs) -> None:
        if not steps:
            raise ValueError("steps: a sweep needs at least one step; got none")
        if any(len(step.ring_places) != len(rings) for step in steps):
            raise ValueError(f"steps: each step places the {len(rings)} rings; got "
                             f"{sorted({len(step.ring_places) for step in steps})} places")
        self.steps = list(steps)
        cells = list({id(cell): cell for step in steps for cell, _ in step.cells}.values())
        kwargs.setdefault("rate_func", lambda t: t)  # each step has its own smooth turn
        #: Drawn each as a unit of its own (BatchedScene): the cells (in the output grid), then each ring (the
        #: kernel over the input, the marker).  One unit's box would span both grids and meet the frames
        #: around them, which would then be drawn every frame too.
        self.drawn_apart = (VGroup(*cells), *rings)
        super().__init__(VGroup(*self.drawn_apart), **kwargs)
        self.rings = rings
        self.slide_rings = slide_rings
        # The colour each cell has before each step: the colour the last step before it gave it.
        colour = {id(cell): cell.get_fill_color() for cell in cells}
        self.before = []
        for step in self.steps:
            self.before.append([colour[id(cell)] for cell, _ in step.cells])
            colour.update({id(cell): after for cell, after in step.cells})

    def begin(self) -> None:
        self.done = 0  # steps whose cells have their final colours
        self.start_places = [ring.get_center() for ring in self.rings]  # where each ring was before step 0
        self.ring_parts = [SlidingRing(ring) for ring in self.rings]
        super().begin()

    def sprite_parts(self) -> list["SlidingRing"]:
        """The rings, each as a sprite a BatchedScene may draw once and composite where the sweep has moved it
        (:mod:`convanim.manim.speed.sprites`)."""
        return self.ring_parts

    def finish(self) -> None:
        for part in self.ring_parts:
            part.hold(False)
        super().finish()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # nothing is read from a copy

    def interpolate_mobject(self, alpha: float) -> None:
        position = alpha * len(self.steps)
        # Step k runs over (k, k + 1]: a frame at a whole number shows the step before it ended, as the last
        # frame of a play per window did (manimgl's frames fall at dt, 2 dt, ..., the run time).  A frame
        # time is a sum of 1/fps steps, so a whole number can come out as 0.9999999999.
        k = min(max(int(np.ceil(position - 1e-6)) - 1, 0), len(self.steps) - 1)
        for step in self.steps[self.done:k]:  # the steps passed since the last frame, in order
            for cell, after in step.cells:
                cell.set_fill(after)
        self.done = max(self.done, k)
        share = smooth(min(max(position - k, 0.0), 1.0))
        step = self.steps[k]
        for (cell, after), before in zip(step.cells, self.before[k]):
            # linear in RGB, as a Transform of the fill data (cell.animate.set_fill) moves it; manimgl's
            # interpolate_color goes through squared RGB and strays by up to 3 levels from that
            cell.set_fill(after if share >= 1 else rgb_to_color(
                (1 - share) * color_to_rgb(before) + share * color_to_rgb(after)))
        if not self.slide_rings:
            for part, place in zip(self.ring_parts, step.ring_places):
                part.move_to(place)
            return
        last = self.steps[k - 1].ring_places if k else self.start_places
        for part, start, place in zip(self.ring_parts, last, step.ring_places):
            part.move_to(start + share * (np.asarray(place) - start))


class SlidingRing:
    """A ring of a ShadeSweep with the sprite protocol of :mod:`convanim.manim.speed.sprites` (as a Shift has it):
    drawn once where it stood when the sweep began, then composited where the sweep has moved it.  While a sprite
    shows it (``holding``), the ring's points wait; :meth:`hold` (False) moves them where the sweep is."""

    sprite_layered = False  # never faded: one picture of the whole ring
    holding = False

    def __init__(self, ring: Mobject) -> None:
        self.mobject = ring
        self.origin = ring.get_center().copy()  # where it is drawn as a sprite
        self.place = self.origin

    def move_to(self, place: np.ndarray) -> None:
        """The ring's centre goes to ``place`` (at once, or when the sprite stops holding it)."""
        self.place = np.asarray(place, dtype=float)
        if not self.holding:
            self.mobject.move_to(self.place)

    def hold(self, holding: bool) -> None:
        self.holding = holding
        if not holding:
            self.mobject.move_to(self.place)

    @contextmanager
    def as_sprite(self):
        """The ring where the sweep began, for the time of the ``with`` block (to draw it once)."""
        now, self.place = self.place, self.origin  # drawn at no offset
        self.mobject.move_to(self.origin)
        try:
            yield self.mobject
        finally:
            self.place = now
            if not self.holding:
                self.mobject.move_to(now)

    def sprite_share(self) -> float:
        return 1.0

    def sprite_offset(self) -> np.ndarray:
        return self.place - self.origin
