"""ShadeSweep (animations/shade_sweep.py) drawn by BatchedScene: its rings as sprites, its parts apart, against the
same sweep drawn as vectors every frame, in process at 480p.

A kernel (rings and weights) slides over an input grid window by window while a marker slides over the output
grid, whose cells turn red one by one; a frame surrounds the output grid.
"""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import LEFT, RIGHT, VGroup, manim_config
from manimlib.utils.color import color_to_rgb

from convanim.manim.animations import shade_sweep
from convanim.manim.animations.shade_sweep import ShadeSweep, SweepStep
from convanim.manim.mobjects.cells import KernelOverlay, NumberGrid, frame_around
from convanim.manim.rendering.batched_scene import BatchedScene
from render_support import frames_and_sprites

RESOLUTION = (854, 480)
CELL = 0.45
WINDOWS = 5
RED = "#E53935"


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


class SweepARow(BatchedScene):
    updated = False  # rings with an updater are not drawn as sprites (sprite_ready)

    def construct(self):
        self.input = NumberGrid(np.arange(49).reshape(7, 7) % 5, CELL, "#2E7D32", show_numbers=False).shift(
            3 * LEFT)
        self.output = NumberGrid(np.zeros((5, 5)), CELL, "#8E24AA", show_numbers=False).shift(3 * RIGHT)
        self.frame = frame_around(self.output, "#FFFFFF", buff=0.15, thickness=0.04).set_z_index(1)  # on top
        self.overlay = KernelOverlay(np.arange(9).reshape(3, 3) - 4, CELL, (CELL, CELL), "#FDD835")
        self.overlay.move_to(self.input.cell(1, 1))
        self.marker = frame_around(VGroup(self.output.cell(0, 0)), "#FDD835", buff=0.0, thickness=0.04)
        if self.updated:
            for ring in (self.overlay, self.marker):
                ring.add_updater(lambda ring: None)
        self.add(self.input, self.output, self.frame, self.overlay, self.marker)
        self.places = [(self.input.cell(1, 1 + k).get_center(), self.output.cell(0, k).get_center())
                       for k in range(WINDOWS)]
        steps = [SweepStep([(self.output.cell(0, k), RED)], list(places)) for k, places in enumerate(self.places)]
        self.wait(0.1)
        self.play(ShadeSweep(steps, VGroup(self.overlay, self.marker), slide_rings=True), run_time=WINDOWS * 0.2)
        self.wait(0.1)


def sweep_frames(updated: bool = False, **switches):
    """Every frame of SweepARow (its rings with an updater when ``updated``) with these speed switches, the sprite
    textures drawn, the scene, and for each frame of the sweep whether the output grid's frame was drawn live."""
    frame_live = []

    class Watching(SweepARow):
        def play(self, *animations, **kwargs):
            self.sweeping = True
            super().play(*animations, **kwargs)
            self.sweeping = False

        def capture(self, *groups):
            super().capture(*groups)
            if getattr(self, "sweeping", False):
                live = self.render_groups[self.render_state.still_count:]
                frame_live.append(any(m is self.frame for g in live for m in g.get_family()))

    Watching.updated = updated
    frames, drawn, scene = frames_and_sprites(Watching, RESOLUTION, **switches)
    return frames, drawn, scene, frame_live


def test_the_rings_slide_as_sprites_and_look_as_drawn_in_vectors():
    sprites, drawn, scene, _ = sweep_frames()
    vectors, none, _, _ = sweep_frames(draw_shifts_once=False)
    assert len(sprites) == len(vectors) == 3 + 6 * WINDOWS + 3
    assert drawn == [0, 2, 2] and none == [0, 0, 0]  # each ring drawn once for the whole sweep
    for k, (a, b) in enumerate(zip(sprites, vectors)):
        d = np.abs(a - b)
        # Only where the rings' thin edges move by a fraction of a pixel: a sprite is sampled between pixels,
        # vectors jump by whole ones.
        assert d.mean() < 0.5 and (d.max(axis=2) > 32).mean() < 0.01, (k, d.mean(), d.max())
    assert sum(not np.array_equal(a, sprites[0]) for a in sprites) > 25  # the sweep is on screen
    # The rings end exactly where the last window puts them, and every window's cell has its colour.
    np.testing.assert_allclose(scene.overlay.get_center(), scene.places[-1][0], atol=1e-9)
    np.testing.assert_allclose(scene.marker.get_center(), scene.places[-1][1], atol=1e-9)
    for k in range(WINDOWS):
        np.testing.assert_allclose(color_to_rgb(scene.output.cell(0, k).get_fill_color()), color_to_rgb(RED))


def test_the_sweeps_parts_are_drawn_apart_so_the_frame_around_the_output_stays_still(monkeypatch):
    # Rings with an updater are not sprites: they are drawn as vectors, each apart from the cells.
    _, drawn, _, frame_live = sweep_frames(updated=True)
    assert drawn == [0, 0, 0]
    assert len(frame_live) > 25 and not any(frame_live)
    # As one unit, the cells, the kernel and the marker have one box from the input to the output grid, which
    # meets the frame: the frame is drawn every frame too.
    original = ShadeSweep.__init__

    def as_one_unit(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.drawn_apart = ()

    monkeypatch.setattr(shade_sweep.ShadeSweep, "__init__", as_one_unit)
    _, _, _, frame_live = sweep_frames(updated=True)
    assert all(frame_live)
