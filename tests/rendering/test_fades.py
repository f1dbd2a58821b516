"""Fades that change opacity only, and fading mobjects drawn once and composited (fades.py, sprites.py).

The fades are checked against manimgl's own FadeIn / FadeOut, value for value; the sprites by drawing the same
cross-fade three ways in process at 480p: with manimgl's fades and every mobject drawn every frame, with our
fades drawn as vectors, and with our fades drawn once and composited.
"""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import DOWN, RIGHT, UP, AnimationGroup, Square, UpdateFromFunc, VGroup, manim_config
from manimlib.animation import fading

from convanim.manim.rendering.batched_scene import BatchedScene, sprite_animations
from convanim.manim.mobjects.cells import NumberGrid, caption_text
from convanim.manim.speed.sprites import sprite_ready
from convanim.manim.speed.settings import SpeedSettings
from convanim.manim.animations.fades import FadeIn, FadeOut, opacity_alphas
from convanim.manim.animations.shift import Shift
from convanim.manim.speed.still_layer import live_after_cut, pixel_box

RESOLUTION = (854, 480)


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


def fading_things():
    """A caption (fills only), a grid of cells and numbers, and a square with a stroke."""
    grid = NumberGrid(np.arange(6).reshape(2, 3) - 2, 0.8, "#1E88E5")
    stroked = Square(side_length=1).set_fill("#E53935", 0.7).set_stroke("#FFFFFF", 4, opacity=0.8)
    return [caption_text("a caption: 3 × 2 + 1 = 7", 28), grid, stroked]


def family_data(mob) -> list[np.ndarray]:
    return [member.data.copy() for member in mob.family_members_with_points()]


@pytest.mark.parametrize("shift", [None, np.array([0.3, -0.7, 0.0])])
@pytest.mark.parametrize("ours, manimgls", [(FadeIn, fading.FadeIn), (FadeOut, fading.FadeOut)])
def test_opacity_fades_give_manimgls_values_at_every_point_of_the_fade(ours, manimgls, shift):
    for mob in fading_things():
        original = family_data(mob)
        theirs_mob = mob.copy()
        kwargs = {} if shift is None else {"shift": shift}
        animation, reference = ours(mob, **kwargs), manimgls(theirs_mob, **kwargs)
        animation.begin()
        reference.begin()
        for alpha in (0.0, 0.1, 0.37, 0.5, 0.9, 1.0):
            animation.interpolate(alpha)
            reference.interpolate(alpha)
            for a, b in zip(family_data(mob), family_data(theirs_mob)):
                for field in a.dtype.names:  # a joint's angle (radians), derived from shifted float32 points: 1e-4
                    tolerance = 1e-4 if field == "joint_angle" and shift is not None else 1e-6
                    np.testing.assert_allclose(a[field], b[field], atol=tolerance, err_msg=f"{field} at {alpha}")
            if shift is not None and 0 < alpha < 1:  # the points did move (manimgl's and ours alike)
                moved = mob.family_members_with_points()[0].get_points()[0] - original[0]["point"][0]
                assert np.linalg.norm(moved) > 1e-3
        animation.finish()
        reference.finish()
        for a, b in zip(family_data(mob), family_data(theirs_mob)):  # both end on the mobject as it was
            np.testing.assert_allclose(a["fill_rgba"], b["fill_rgba"], atol=1e-6)
        removed = []
        scene = type("Scene", (), {"remove": lambda self, *mobs: removed.extend(mobs)})()
        animation.clean_up_from_scene(scene)
        assert removed == ([mob] if ours is FadeOut else [])
        # The mobject is as it was (a FadeOut removes it from the scene as it was, as manimgl's does).
        for a, b in zip(family_data(mob), original):
            for field in set(a.dtype.names) - {"joint_angle", "base_normal"}:  # derived: manimgl computes them
                np.testing.assert_array_equal(a[field], b[field])


def test_a_fade_halfway_scales_every_alpha_by_the_rate_functions_share():
    caption = fading_things()[0]
    full = opacity_alphas(caption).copy()
    fade = FadeIn(caption, rate_func=lambda t: t)
    fade.begin()
    fade.interpolate(0.25)
    assert fade.share == 0.25 and full.max() == 1
    np.testing.assert_allclose(opacity_alphas(caption), 0.25 * full)


def test_fades_without_a_stroke_and_shifts_that_nothing_else_moves_become_sprites():
    caption, grid, stroked = fading_things()
    # A fade of a stroked mobject stays vectors (a stroke is blended over its own fill); a grid of cells and
    # numbers of two colours fades as layers; sliding, a stroked square is one picture.
    assert sprite_ready(caption) and sprite_ready(grid) and not sprite_ready(stroked)
    assert sprite_ready(stroked, fading=False)
    fade_caption, fade_numbers, fade_stroked = FadeIn(caption), FadeOut(grid.numbers), FadeIn(stroked)
    moved = grid.numbers[0]  # a number of the grid is also moved by another animation
    sprites = sprite_animations([AnimationGroup(fade_caption, fade_numbers), fade_stroked, moved.animate.shift(UP)],
                                set())
    assert sprites == {id(caption): fade_caption}
    assert sprite_animations([fade_numbers, FadeIn(grid.squares)], set()).keys() == {id(grid.numbers),
                                                                                           id(grid.squares)}
    assert sprite_animations([fade_caption], {id(caption.submobjects[0])}) == {}  # a glyph has an updater
    assert sprite_animations([fading.FadeIn(caption)], set()) == {}  # manimgl's fades stay vectors
    shifted, slide = FadeIn(caption, shift=UP), Shift(stroked, RIGHT)
    assert sprite_animations([shifted, slide], set()) == {id(caption): shifted, id(stroked): slide}


def test_a_still_unit_joins_the_layer_unless_it_is_drawn_over_something_live():
    boxes = np.array([[0, 0, 10, 10],    # 0 still, drawn before the live 1 that it meets: joins the layer
                      [5, 5, 15, 15],    # 1 live
                      [12, 12, 20, 20],  # 2 still, drawn over 1: live
                      [18, 0, 30, 5],    # 3 still, meets nothing before it
                      [25, 2, 40, 30]],  # 4 still, drawn over 3 only (still): joins
                     dtype=float)
    moves = np.array([False, True, False, False, False])
    assert live_after_cut(boxes, moves).tolist() == [False, True, True, False, False]
    moves_3 = np.array([False, True, False, True, False])  # now 3 moves: 4 over it is live, and 2 over 1
    assert live_after_cut(boxes, moves_3).tolist() == [False, True, True, True, True]


class CrossFade(BatchedScene):
    """A grid stays; a caption fades out while the next fades in over the same place, twice; a stroked square
    fades in beside them (it stays vectors)."""
    manimgl_fades = False

    def construct(self):
        fade_in, fade_out = (fading.FadeIn, fading.FadeOut) if self.manimgl_fades else (FadeIn, FadeOut)
        grid = NumberGrid(np.arange(12).reshape(3, 4) - 5, 0.7, "#1E88E5").shift(UP)
        old = caption_text("the window sum: 1 + 2 + 3 = 6", 28).to_edge(DOWN, buff=0.4)
        self.add(grid, old)
        self.wait(0.1)
        for text in ("add the bias: 6 + 1 = 7", "the output cell holds 7"):
            new = caption_text(text, 28).to_edge(DOWN, buff=0.4)
            self.play(fade_out(old), fade_in(new), run_time=0.6)
            old = new
        square = Square(side_length=1).set_fill("#E53935", 0.7).set_stroke("#FFFFFF", 4).shift(3 * UP + 4 * DOWN)
        self.play(fade_in(square), fade_out(VGroup(grid.numbers[0], grid.numbers[1])), run_time=0.4)


def cross_fade_frames(manimgl_fades: bool = False, **switches):
    """Every frame of CrossFade (with manimgl's own fades when ``manimgl_fades``) and its Sprites;
    ``switches``: speed switches (SpeedSettings fields)."""
    frames = []

    class Capturing(CrossFade):
        def speed_settings(self):
            return SpeedSettings(**switches)

        def emit_frame(self):
            super().emit_frame()
            frames.append(np.asarray(self.camera.get_image())[..., :3].copy())

    Capturing.manimgl_fades = manimgl_fades
    scene = Capturing(camera_config={"resolution": RESOLUTION})
    scene.run()
    sprites = scene.render_state.sprite_textures
    scene.camera.ctx.release()
    return frames, sprites


def test_fading_mobjects_drawn_once_give_the_frames_of_manimgls_fades_drawn_whole():
    whole, _ = cross_fade_frames(manimgl_fades=True, draw_still_parts_once=False)
    vectors, _ = cross_fade_frames(draw_fades_once=False)
    composited, _ = cross_fade_frames()
    assert len(whole) == len(vectors) == len(composited) == 3 + 18 + 18 + 12
    changed = 0
    for a, b, c in zip(whole, vectors, composited):
        # A sprite against the same fade drawn as vectors: rounding only (measured: at most 3 levels).
        assert np.abs(c.astype(int) - b).max() <= 4
        # Against manimgl's fades drawn whole: each fading mobject is drawn in a fill pass of its own, so
        # where the edges of two captions (or of a number and its cell) cross, they are composited one over
        # the other instead of taking the larger alpha in one pass (measured: mean ≤ 0.018 levels, at most
        # 0.00015 of the pixels more than 32 levels off, all on glyph edges).
        d = np.abs(c.astype(int) - a)
        assert d.mean() < 0.05 and (d.max(axis=2) > 32).mean() < 0.0005, (d.mean(), d.max())
        changed += not np.array_equal(a, whole[0])
    assert changed > 30  # the fades are on screen


def test_sprites_are_drawn_once_per_animation_not_every_frame():
    drawn = []

    class Counting(CrossFade):
        def post_play(self):
            sprites = self.render_state.sprite_textures
            drawn.append(sprites.sprites_drawn if sprites else 0)
            super().post_play()

    scene = Counting(camera_config={"resolution": RESOLUTION})
    scene.run()
    scene.camera.ctx.release()
    # Two captions per cross-fade (18 frames each), then the group of two numbers (the square has a stroke):
    # counted at the end of each play, the first being the opening wait.
    assert drawn == [0, 2, 4, 5]  # the first wait has nothing fading


def test_a_fill_only_box_is_tight_and_every_box_covers_the_drawn_pixels():
    """A fill with neither stroke nor fill border (a grid's cell) reaches half a pixel beyond its points; a
    caption's glyphs have a fill border (antialiased edges) and keep the wider margin."""
    scene = CrossFade(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()
    camera = scene.camera
    try:
        camera.background_rgba = [0, 0, 0, 1]
        cell = Square(side_length=1.3).set_fill("#FFFFFF", 1).set_stroke(width=0).shift(0.37 * UP)
        caption = caption_text("fills only: 0.5 + 0.25", 28).shift(1.1 * DOWN)
        for mob, slack in ((cell, 2), (caption, 12)):
            camera.clear()
            camera.refresh_uniforms()
            camera.fbo.use()
            mob.render(camera.ctx, camera.uniforms)
            image = np.frombuffer(camera.fbo.read(components=3), dtype=np.uint8).reshape(
                RESOLUTION[1], RESOLUTION[0], 3)
            ys, xs = np.nonzero(image.max(axis=2) > 0)
            x, y, w, h = pixel_box(camera, mob.get_shader_wrapper_list(camera.ctx))
            assert x <= xs.min() and y <= ys.min() and x + w >= xs.max() + 1 and y + h >= ys.max() + 1
            assert w <= xs.max() + 1 - xs.min() + slack and h <= ys.max() + 1 - ys.min() + slack, (w, h)
    finally:
        camera.ctx.release()


class NewValues(BatchedScene):
    """A grid's numbers fade to new values (as LearnedFilters' filters do between snapshots)."""
    old_values = np.array([[0.3, -1.2], [2.0, 0.0]])
    new_values = np.array([[-0.1, 1.5], [2.0, -3.4]])

    def construct(self):
        self.grid = NumberGrid(self.old_values, 0.9, "#1E88E5", decimals=1, mask=np.eye(2, dtype=bool))
        self.add(self.grid)
        self.seen = []  # (time, old numbers' largest alpha, new numbers' largest alpha)
        fades, finish = self.grid.fade_to_values(self.new_values)
        old, new = fades[0].mobject, fades[1].mobject
        self.old_numbers = list(old)
        watch = UpdateFromFunc(VGroup(), lambda _: self.seen.append(
            (self.time, opacity_alphas(old).max(), opacity_alphas(new).max())))
        self.play(*fades, watch, run_time=1.0)
        finish()


def test_a_grid_fades_to_new_values_one_after_the_other_and_then_holds_them():
    scene = NewValues(skip_animations=False, camera_config={"resolution": RESOLUTION})
    scene.run()
    scene.camera.ctx.release()
    grid = scene.grid
    np.testing.assert_allclose(grid.shown_values(), NewValues.new_values)
    assert grid.visible().all() and len(grid.numbers) == 4 and grid.numbers in grid.submobjects
    drawn = {id(m) for m in scene.get_mobject_family_members()}
    assert all(id(n) in drawn for n in grid.numbers) and sum(id(n) in drawn for n in scene.old_numbers) == 0
    for number, cell in zip(grid.numbers, grid.squares):
        np.testing.assert_allclose(number.get_center(), cell.get_center(), atol=1e-9)
    # Padded cells (the mask's diagonal) keep their dimmer numbers.
    assert grid.number(0, 0).get_fill_color().lower() == "#bdbdbd" != grid.number(0, 1).get_fill_color().lower()
    # Never both at once: the old numbers are gone before the new ones appear.  (The last call comes after
    # the play, when the old numbers have left the scene with their alphas restored.)
    during = [(a, b) for t, a, b in scene.seen if t < 1.0]
    assert all(a == 0 or b == 0 for a, b in during) and len(during) > 20
    assert any(0 < a < 1 for a, _ in during) and any(0 < b < 1 for _, b in during)
    with pytest.raises(ValueError, match=r"2×2 grid takes 2×2 values; got shape \(3, 2\)"):
        grid.fade_to_values(np.zeros((3, 2)))
