"""Fading and sliding mobjects drawn once and composited (speed/sprites.py), against the same animations drawn as
vectors every frame, in process at 480p.

A channel stack's swap: two grids of cells and numbers (two colours, a number over its cell) sliding while they
fade, and a kernel overlay (rings and weights) fading out over the front grid; then the kernel sliding over the
grid (a Shift) with a ring marking an output cell sliding beside it.
"""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import DOWN, LEFT, RIGHT, UP, Circle, Square, VGroup, manim_config
from manimlib.camera.camera_frame import CameraFrame

from convanim.manim.animations.fades import FadeIn, FadeOut, fade_out_together
from convanim.manim.animations.shift import Shift
from convanim.manim.mobjects.cells import KernelOverlay, NumberGrid, caption_text, frame_around
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.speed.settings import SpeedSettings
from convanim.manim.speed.sprites import fill_colours, sprite_layers
from convanim.manim.speed.still_layer import pixel_mapping
from render_support import frames_and_sprites

RESOLUTION = (854, 480)
BACKGROUND = 51  # the frame's background level (a quarter of it: what manimgl's one fill pass differs by)


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


class SwapAndSlide(BatchedScene):
    def construct(self):
        back = NumberGrid(np.arange(16).reshape(4, 4) % 10, 0.6, "#2E7D32")
        front = NumberGrid((np.arange(16).reshape(4, 4) * 7) % 10, 0.6, "#2E7D32")
        offset = 0.23 * (UP + RIGHT)
        back.shift(offset + 2 * LEFT)
        front.shift(2 * LEFT)
        overlay = KernelOverlay(np.arange(9).reshape(3, 3) - 4, 0.6, (0.6, 0.6), "#FDD835")
        overlay.move_to(front.cell(0, 0)).shift(0.6 * (RIGHT + DOWN))
        marker = frame_around(NumberGrid(np.zeros((1, 1)), 0.7, "#8E24AA").shift(3 * RIGHT), "#FDD835", buff=0.0,
                              thickness=0.05)
        self.overlay = overlay
        self.add(back, front, overlay, marker)
        self.wait(0.1)
        # the swap: the front grid goes back, the back one comes forward, the kernel leaves
        self.play(FadeOut(front, shift=offset), FadeIn(back, shift=-offset), FadeOut(overlay), run_time=0.5)
        self.add(overlay)
        # the kernel slides one cell right and one down, and the marker one cell down, by turns
        for vector in (0.6 * RIGHT, 0.6 * DOWN, 0.37 * LEFT):
            self.play(Shift(overlay, vector), Shift(marker, 0.7 * DOWN), run_time=0.4)


def frames_of(**switches):
    """Every frame of SwapAndSlide drawn with these speed switches, and the number of sprite textures drawn."""
    frames, drawn, _ = frames_and_sprites(SwapAndSlide, RESOLUTION, **switches)
    return frames, drawn


@pytest.fixture(scope="module")
def renders():
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(manim_config.camera, "resolution", RESOLUTION)
        return frames_of(), frames_of(draw_fades_once=False, draw_shifts_once=False)


def test_the_swap_and_the_slides_look_as_drawn_in_vectors(renders):
    (sprites, drawn), (vectors, none) = renders
    assert len(sprites) == len(vectors) == 3 + 15 + 3 * 12
    assert none == [0] * 5  # the switches off: no sprite
    # The swap: each grid as two layers (cells, then numbers) and the kernel as two (rings, then the weights over
    # their corners), drawn once; then per slide the kernel and the marker, once each.
    assert drawn == [0, 6, 8, 10, 12]
    changed = 0
    for k, (a, b) in enumerate(zip(sprites, vectors)):
        d = np.abs(a - b)
        # Measured: at most 0.24 levels on average and 0.6 % of the pixels more than 32 levels off, all at the
        # edges of moving shapes (a fill without a border moves by whole pixels as vectors, by a blend of two
        # pixels as a sprite).
        assert d.mean() < 0.5 and (d.max(axis=2) > 32).mean() < 0.01, (k, d.mean(), d.max())
        changed += not np.array_equal(b, vectors[0])
    assert changed > 45  # the swap and the slides are on screen
    assert all(np.array_equal(a, b) for a, b in zip(sprites[:3], vectors[:3]))  # the opening wait: no sprite


def test_a_grid_fades_as_two_layers_and_a_caption_as_one():
    from convanim.manim.mobjects.cells import caption_text

    grid = NumberGrid(np.arange(6).reshape(2, 3), 0.8, "#1E88E5")
    camera_scene = BatchedScene(camera_config={"resolution": RESOLUTION})
    mapping = pixel_mapping(camera_scene.camera)
    cells, numbers = sprite_layers(mapping, grid)
    assert {id(m) for m in cells} == {id(m) for m in grid.squares}
    assert {id(m) for m in numbers} == {id(m) for n in grid.numbers for m in n.family_members_with_points()}
    assert len(sprite_layers(mapping, caption_text("one colour: 1 + 2 = 3", 28))) == 1
    camera_scene.camera.ctx.release()


def test_fill_colours_are_the_distinct_rgba_rows_sorted():
    one = Square().set_fill("#1E88E5", 0.8)
    shaded = Square().set_fill(["#FF0000", "#0000FF"], 0.5)  # a gradient: several rows
    blue, red = np.array([0, 0, 1, 0.5], np.float32), np.array([1, 0, 0, 0.5], np.float32)
    assert fill_colours(one) == one.data["fill_rgba"][0].tobytes()
    assert fill_colours(shaded) == np.unique(shaded.data["fill_rgba"], axis=0).tobytes()
    rows = shaded.data["fill_rgba"]
    assert len(np.unique(rows, axis=0)) > 1
    assert rows[0].tobytes() == red.tobytes() and rows[-1].tobytes() == blue.tobytes()
    assert fill_colours(VGroup()) == b""


class Watched(SwapAndSlide):
    """SwapAndSlide, noting where the kernel's first point is after each frame."""

    def emit_frame(self):
        super().emit_frame()
        self.seen.append(self.overlay.family_members_with_points()[0].get_points()[0].copy())


def test_a_sliding_kernels_points_wait_while_its_sprite_moves_and_end_where_the_shift_puts_them():
    scene = Watched(camera_config={"resolution": RESOLUTION})
    scene.seen = []
    scene.run()
    scene.camera.ctx.release()
    before = scene.seen[17]  # the swap's last frame: the kernel as it was (a fade-out restores it)
    first_slide = scene.seen[18:30]
    # The first frame of the slide moved the points and drew the sprite; then they wait for the slide's end.
    assert not np.allclose(first_slide[0], before)
    assert all(np.array_equal(first_slide[0], p) for p in first_slide[1:])
    moved = 0.6 * RIGHT + 0.6 * DOWN + 0.37 * LEFT  # the three slides
    np.testing.assert_allclose(scene.overlay.family_members_with_points()[0].get_points()[0], before + moved, atol=1e-6)


def test_with_sprite_data_waits_off_the_points_follow_every_frame():
    class Live(Watched):
        def speed_settings(self):
            return SpeedSettings(sprite_data_waits=False)

    scene = Live(camera_config={"resolution": RESOLUTION})
    scene.seen = []
    scene.run()
    scene.camera.ctx.release()
    first_slide = scene.seen[18:30]
    assert all(not np.array_equal(a, b) for a, b in zip(first_slide, first_slide[1:]))


class ClosingFade(BatchedScene):
    """A code card's opening: every mobject of the scene leaves at once (here 48 cells of two colours and 24
    numbers, each a mobject of its own as a sweep leaves them, and a caption)."""
    together = True

    def construct(self):
        grid = NumberGrid(np.arange(24).reshape(4, 6) % 10, 0.5, "#2E7D32").shift(2 * LEFT)
        other = NumberGrid(np.zeros((4, 6)), 0.5, "#8E24AA", show_numbers=False).shift(2.5 * RIGHT)
        caption = caption_text("every output = bias + the sum of its window's products", 26).shift(3 * DOWN)
        self.add(*grid.squares, *grid.numbers, *other.squares, caption)
        self.wait(0.1)
        leaving = [m for m in self.mobjects if m is not self.frame]
        self.play(*(fade_out_together(leaving) if self.together else (FadeOut(m) for m in leaving)), run_time=0.4)


def closing_frames(scene_class, **switches):
    frames, drawn, _ = frames_and_sprites(scene_class, RESOLUTION, **switches)
    return frames, drawn


def test_everything_leaving_together_fades_as_one_sprite_in_layers():
    together, drawn = closing_frames(ClosingFade)
    vectors, _ = closing_frames(ClosingFade, draw_fades_once=False)
    assert len(together) == len(vectors) == 3 + 12
    # The cells of both grids (no cell meets a number of the other colour, nor another cell), then the numbers
    # and the caption (white, one colour): two layers, drawn once.  A FadeOut each drew one sprite each.
    assert drawn == [0, 2]

    class OneByOne(ClosingFade):
        together = False

    assert closing_frames(OneByOne)[1] == [0, 24 + 24 + 24 + 1]
    for k, (a, b) in enumerate(zip(together, vectors)):
        d = np.abs(a - b)
        assert d.mean() < 0.5 and (d.max(axis=2) > 32).mean() < 0.01, (k, d.mean(), d.max())
    assert not np.array_equal(vectors[3], vectors[-1])  # the fade is on screen
    square, circle, frame = Square(), Circle(), CameraFrame()
    fades = fade_out_together([square, frame, circle])  # vectors as one group, in order; the camera's frame alone
    assert [type(f.mobject) for f in fades] == [VGroup, CameraFrame]
    assert fades[0].mobject.submobjects == [square, circle] and fades[1].mobject is frame


class BigThenSmall(BatchedScene):
    """A large square fades out (its sprite fills most of a texture), then a small one slides twice: its sprites
    are drawn on the textures the large one left."""

    def construct(self):
        big = Square(4).set_fill("#1E88E5", 1).set_stroke(width=0)
        small = Square(0.5).set_fill("#E53935", 1).set_stroke(width=0).shift(3 * RIGHT + 2 * UP)
        self.add(big, small)
        self.play(FadeOut(big), run_time=0.2)
        self.play(Shift(small, LEFT), run_time=0.2)
        self.play(Shift(small, DOWN), run_time=0.2)


def test_a_texture_taken_again_holds_nothing_but_its_new_sprite(monkeypatch):
    """A texture is cleared, when taken again, only where its last sprite drew: the rest must still be clear, so
    after each sprite is drawn, every pixel outside the box it was drawn within is transparent black."""
    from convanim.manim.speed import sprites

    render = sprites.render_within_box
    checked = []

    def checking(camera, group, canvas, mapping, target=None, clip=None):
        box = render(camera, group, canvas, mapping, target=target, clip=clip)
        pixels = np.frombuffer(target.read(components=4), dtype=np.uint8).reshape(*RESOLUTION[::-1], 4).copy()
        if box is not None:
            x, y, w, h = box
            pixels[y:y + h, x:x + w] = 0
        checked.append(int(pixels.max()))
        return box

    monkeypatch.setattr(sprites, "render_within_box", checking)
    _, drawn, _ = frames_and_sprites(BigThenSmall, RESOLUTION)
    assert drawn[-1] == len(checked) >= 3  # the fade's sprite and the two slides'
    assert checked == [0] * len(checked)
