"""Still parts drawn once, and the frame-sized fill canvas: frames against all-vector frames, drawn in process.

The frames come from the camera's framebuffer (no movie, no encoder), at 480p, for a few animations of
ShortConv; they are compared with the same scene drawn with every mobject re-drawn every frame
(the speed switch ``draw_still_parts_once`` off) and with manimgl's own double-size fill canvas.
"""
import moderngl
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import BLUE, DEGREES, FRAME_WIDTH, RED, WHITE, Square, UpdateFromAlphaFunc, VGroup, manim_config
from manimlib.shader_wrapper import VShaderWrapper
from manimlib.utils.color import color_to_rgb

from convanim.manim.rendering import batched_scene
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.mobjects.cells import GAP, NumberGrid, ring
from convanim.manim.speed.settings import SpeedSettings
from convanim.manim.speed import still_layer
from convanim.manim.speed.still_layer import (FILL_EDGE_PIXELS, PixelMapping, covered_pixels, hole_box, live_after_cut,
                                                live_clusters, meeting, mobject_box, pixel_box, pixel_mapping)
from manim_support import load_module
from render_support import load_short

RESOLUTION = (854, 480)
ANIMATIONS = (2, 7)  # the first detailed step: kernel placed, products over the input, sums written


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    """The fill canvas takes manimgl's configured resolution: set it with the camera's."""
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


def drawn_frames(scene_class, still_parts_once: bool = True, animations: tuple[int, int] = ANIMATIONS, **switches):
    """Every second frame drawn while ``animations`` play (H, W, 3 uint8), the scene and its still layer;
    ``switches``: speed switches (SpeedSettings fields) besides ``draw_still_parts_once``."""
    frames = []

    class Capturing(scene_class):
        def speed_settings(self):
            return SpeedSettings(draw_still_parts_once=still_parts_once, **switches)

        def emit_frame(self):
            super().emit_frame()
            if self.skip_animations:  # the animations before ANIMATIONS[0] emit once each, without drawing
                return
            self.frame_number = getattr(self, "frame_number", -1) + 1
            if self.frame_number % 2 == 0:
                frames.append(np.asarray(self.camera.get_image())[..., :3].copy())

    scene = Capturing(camera_config={"resolution": RESOLUTION}, start_at_animation_number=animations[0],
                      end_at_animation_number=animations[1])
    scene.run()
    layer = scene.render_state.still_layer
    scene.camera.ctx.release()
    return frames, scene, layer


def byte_equal_either_way(scene_class, switch: str, counter: list[int] | None = None,
                          animations: tuple[int, int] = ANIMATIONS) -> tuple[int, int]:
    """Draw ``scene_class``'s frames with the speed switch ``switch`` on, then off, and assert them equal byte for
    byte (more than five); return how far ``counter[0]`` (a count the caller's patch keeps) grew in each run."""
    counter = counter if counter is not None else [0]
    start = counter[0]
    on, _, _ = drawn_frames(scene_class, animations=animations, **{switch: True})
    middle = counter[0]
    off, _, _ = drawn_frames(scene_class, animations=animations, **{switch: False})
    assert len(on) == len(off) > 5
    assert all(np.array_equal(a, b) for a, b in zip(on, off))
    return middle - start, counter[0] - middle


def differences(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean absolute difference in levels, and the share of pixels off by more than 32 levels in a channel."""
    d = np.abs(a.astype(int) - b.astype(int))
    return float(d.mean()), float((d.max(axis=2) > 32).mean())


def test_frames_with_a_still_layer_match_frames_drawn_whole():
    short = load_short("ShortConv")
    layered, scene, layer = drawn_frames(short)
    whole, _, no_layer = drawn_frames(short, still_parts_once=False)
    assert len(layered) == len(whole) > 20 and no_layer is None
    assert layer is not None and layer.redraws >= 1
    for a, b in zip(layered, whole):
        mean, share = differences(a, b)
        # Only the fill pass split at the cut differs: edges shared by a still cell and a moving glyph
        # (measured: mean ≤ 0.14, share ≤ 0.00094).  Leaving the last frame's live boxes uncopied (the
        # kernel's trail stays on screen) gave a share of 0.0027.
        assert mean < 0.5 and share < 0.0015, (mean, share)
    assert any(np.array_equal(a, b) for a, b in zip(layered, whole))  # frames with nothing moving: identical


def test_the_layers_groups_drawn_within_their_boxes_give_the_frames_of_the_layer_drawn_whole(monkeypatch):
    """Each still group is drawn into the layer within its pixel box (its fill canvas cleared and composited over
    that box only): byte for byte the frames of a layer whose groups are drawn over the whole frame."""
    short = load_short("ShortConv")
    within = [0]
    render = still_layer.render_within_box

    def counting(camera, group, canvas, mapping, target=None):
        within[0] += target is not None and target is not camera.fbo
        return render(camera, group, canvas, mapping, target)

    monkeypatch.setattr(still_layer, "render_within_box", counting)
    boxed, _, boxed_layer = drawn_frames(short)
    assert within[0] >= boxed_layer.redraws - boxed_layer.partial_redraws > 0  # drawn whole, group by group
    draw_into = still_layer.StillLayer.draw_into

    def drawn_whole(self, camera, groups, arrangement, view, dirty=None, mapping=None, canvas=None,
                    redraw_changes=None):
        return draw_into(self, camera, groups, arrangement, view, dirty)

    monkeypatch.setattr(still_layer.StillLayer, "draw_into", drawn_whole)
    within[0] = 0
    whole, _, _ = drawn_frames(short)
    assert within[0] == 0
    assert len(boxed) == len(whole) > 20
    assert all(np.array_equal(a, b) for a, b in zip(boxed, whole))


def test_a_camera_sized_apart_from_manimgls_configured_resolution_draws_every_group(monkeypatch):
    """manimgl sizes its fill canvas by the configured resolution; a camera given another size composites that
    canvas by texture coordinates, where pixel boxes do not apply: groups are then drawn whole, in the layer
    and live alike, and nothing is clipped."""
    monkeypatch.setitem(manim_config.camera, "resolution", (1920, 1080))
    short = load_short("ShortConv")
    layered, _, layer = drawn_frames(short)
    whole, _, _ = drawn_frames(short, still_parts_once=False)
    assert len(layered) == len(whole) > 20 and layer.redraws >= 1
    for a, b in zip(layered, whole):
        mean, share = differences(a, b)
        assert mean < 0.5 and share < 0.0015, (mean, share)


def test_a_turned_camera_draws_the_same_frames_within_projected_boxes():
    """ConvVolume looks at its blocks from a turned camera, its caption fixed in the frame: the live part is
    drawn within boxes projected with the camera's perspective."""
    volume = load_module("volumes").ConvVolume
    boxes = []

    class Watching(volume):
        def capture(self, *groups):
            super().capture(*groups)
            boxes.append(self.render_state.drawn_over_layer)

    layered, _, layer = drawn_frames(Watching, animations=(3, 7))
    whole, _, _ = drawn_frames(volume, still_parts_once=False, animations=(3, 7))
    assert len(layered) == len(whole) > 20 and layer.redraws >= 1
    for a, b in zip(layered, whole):
        mean, share = differences(a, b)
        assert mean < 0.5 and share < 0.0015, (mean, share)  # measured: identical
    drawn = [box for frame_boxes in boxes if frame_boxes for box in frame_boxes]
    assert drawn and all(w * h < 0.9 * RESOLUTION[0] * RESOLUTION[1] for _, _, w, h in drawn)  # boxes, not frames



@pytest.mark.parametrize("scene, animations", [("ConvVolume", (3, 7)), ("DepthwiseSeparable", (2, 9))])
def test_depth_tested_groups_drawn_within_boxes_give_the_frames_drawn_over_the_whole_frame(monkeypatch, scene,
                                                                                            animations):
    """The volume scenes' blocks are depth-tested: drawn within their pixel boxes (the switch box_depth_tested),
    their frames are byte for byte those of the blocks drawn over the whole frame, and no live group is."""
    over_whole_frame = [0]
    render = batched_scene.render_within_box

    def counting(*args, **kwargs):
        box = render(*args, **kwargs)
        over_whole_frame[0] += box is None
        return box
    monkeypatch.setattr(batched_scene, "render_within_box", counting)
    boxed, unboxed = byte_equal_either_way(getattr(load_module("volumes"), scene), "box_depth_tested",
                                           over_whole_frame, animations=animations)
    assert boxed == 0 < unboxed

class MovesTheCamera(BatchedScene):
    """A still grid and a moving square while the camera's frame pans and zooms, then turns; then a wait."""

    def construct(self):
        grid = VGroup(*(Square(side_length=0.8).set_fill(BLUE, 1).set_stroke(width=0).shift(k * RIGHT_)
                        for k in range(-3, 4)))
        mover = Square(side_length=0.6).set_fill(RED, 1).set_stroke(width=0).shift(2 * UP_)
        self.add(grid, mover)
        self.play(self.frame.animate.shift(RIGHT_).set_height(6), mover.animate.shift(RIGHT_), run_time=0.5)
        self.play(self.frame.animate.set_euler_angles(theta=-15 * DEGREES, phi=30 * DEGREES), run_time=0.5)
        self.wait(0.2)


def test_a_moving_camera_is_followed_in_every_frame():
    """The camera's uniforms are refreshed only when its frame changes (camera_inputs): a pan, a zoom and a
    turn are each followed frame by frame."""
    layered, scene, _ = drawn_frames(MovesTheCamera, animations=(0, 3))
    whole, _, _ = drawn_frames(MovesTheCamera, still_parts_once=False, animations=(0, 3))
    assert len(layered) == len(whole) > 12
    for a, b in zip(layered, whole):
        mean, share = differences(a, b)
        assert mean < 0.5 and share < 0.0015, (mean, share)
    moved = [differences(a, b)[0] for a, b in zip(layered, layered[1:])]
    assert sum(m > 0.5 for m in moved) >= 8  # the camera did move from frame to frame
    assert np.array_equal(layered[-1], layered[-2])  # and the wait holds still


def test_the_layer_holds_only_still_mobjects_and_is_drawn_about_once_per_animation():
    seen = []

    class Watching(load_short("ShortConv")):
        def capture(self, *groups):
            groups = self.render_groups_now()  # as the frame draws them (made lazily, after adds and removes)
            moving = self.moving_ids()
            still = self.render_groups[:self.render_state.still_count]
            seen.append((len(still), any(id(sm) in moving for g in still for sm in g.get_family()[1:])))
            return super().capture(*groups)

    frames, scene, layer = drawn_frames(Watching)
    assert seen and not any(bad for _, bad in seen)  # nothing the animation moves is in the layer
    assert sum(count > 0 for count, _ in seen) > len(seen) // 2  # and the layer is in use
    assert layer.redraws <= 3 * (ANIMATIONS[1] - ANIMATIONS[0])  # not redrawn every frame


class ChangesAStillSquare(BatchedScene):
    """An animation whose update also recolours a mobject outside its family (the layer must notice)."""

    def construct(self):
        self.still_square = Square(side_length=2).set_fill(BLUE, 1).set_stroke(width=0).shift(3 * LEFT_)
        self.mover = Square(side_length=1).set_fill(RED, 1).set_stroke(width=0).shift(2 * RIGHT_)
        self.add(self.still_square, self.mover)
        self.wait(0.2)
        recolour = UpdateFromAlphaFunc(VGroup(), lambda _, a: self.still_square.set_fill(
            RED if a > 0.5 else BLUE, 1))
        self.play(self.mover.animate.shift(UP_), recolour, run_time=1)
        self.wait(0.2)


LEFT_, RIGHT_, UP_ = np.array([1.0, 0, 0]) * -1, np.array([1.0, 0, 0]), np.array([0, 1.0, 0])


def test_a_still_mobject_changed_outside_the_animation_is_redrawn():
    frames = []

    class Capturing(ChangesAStillSquare):
        def emit_frame(self):
            super().emit_frame()
            frames.append(np.asarray(self.camera.get_image())[..., :3].copy())

    scene = Capturing(camera_config={"resolution": RESOLUTION})
    scene.run()
    scene.camera.ctx.release()
    x = int((0.5 - 3 / scene.camera.get_frame_width()) * RESOLUTION[0])  # the still square's centre
    y = RESOLUTION[1] // 2
    colours = [tuple(f[y, x]) for f in frames]
    red, blue = [(np.array(color_to_rgb(c)) * 255).round() for c in (RED, BLUE)]
    assert np.allclose(colours[0], blue, atol=2) and np.allclose(colours[-1], red, atol=2)
    # Mid-animation (0.2 s of waiting is 6 frames; then 30 frames of play): red once the update passed a = 0.5.
    assert np.allclose(colours[6 + 27], red, atol=2) and np.allclose(colours[6 + 5], blue, atol=2)
    assert scene.render_state.still_layer.redraws >= 2  # drawn blue, then drawn again when it turned red


def drawn_image(camera, mob) -> np.ndarray:
    """``mob`` alone drawn on the camera's cleared frame: (H, W, 3) uint8, rows from the bottom (OpenGL's
    order, as pixel boxes count)."""
    camera.clear()
    camera.refresh_uniforms()
    camera.fbo.use()
    mob.render(camera.ctx, camera.uniforms)
    return np.frombuffer(camera.fbo.read(components=3), dtype=np.uint8).reshape(RESOLUTION[1], RESOLUTION[0], 3)


def drawn_box(camera, mob) -> tuple[int, int, int, int]:
    """The pixels ``mob`` alone colours, drawn on a black frame: ``(x, y, width, height)``, y from the bottom
    (as the scissor box counts)."""
    ys, xs = np.nonzero(drawn_image(camera, mob).max(axis=2) > 0)  # rows counted from the bottom (OpenGL's order)
    return xs.min(), ys.min(), xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min()


def covers(box, drawn, slack: int) -> bool:
    """``box`` holds every drawn pixel and is at most ``slack`` pixels wider and taller."""
    x, y, w, h = box
    dx, dy, dw, dh = drawn
    return (x <= dx and y <= dy and x + w >= dx + dw and y + h >= dy + dh
            and w <= dw + slack and h <= dh + slack)


@pytest.fixture
def square_on_black():
    """A run scene's camera over a black frame and its still square, stroked white; the context released after."""
    scene = ChangesAStillSquare(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()
    scene.camera.background_rgba = [0, 0, 0, 1]
    yield scene.camera, scene.still_square.set_stroke(WHITE, 6)
    scene.camera.ctx.release()


def test_pixel_box_covers_the_drawn_pixels_with_the_camera_turned_and_fixed_in_frame(square_on_black):
    camera, square = square_on_black
    wrappers = square.get_shader_wrapper_list(camera.ctx)
    assert covers(pixel_box(camera, wrappers), drawn_box(camera, square), slack=14)
    camera.frame.set_euler_angles(theta=-20 * DEGREES, phi=55 * DEGREES)  # the volume scenes' view
    camera.refresh_uniforms()
    turned = pixel_box(camera, wrappers)
    drawn = drawn_box(camera, square)
    assert covers(turned, drawn, slack=24), (turned, drawn)
    label = Square(side_length=1).set_fill(RED, 1).set_stroke(WHITE, 4).shift(2 * UP_ + 4 * LEFT_)
    label.fix_in_frame()  # drawn where the unturned frame would put it
    box = pixel_box(camera, label.get_shader_wrapper_list(camera.ctx))
    assert covers(box, drawn_box(camera, label), slack=14), box
    camera.frame.set_euler_angles(theta=0, phi=0)
    camera.frame.move_to(4 * LEFT_)
    camera.refresh_uniforms()
    assert covers(pixel_box(camera, label.get_shader_wrapper_list(camera.ctx)), drawn_box(camera, label),
                  slack=14)


def test_a_depth_tested_mobject_gets_a_pixel_box_to_draw_in_but_none_for_the_layers_cut(square_on_black):
    camera, square = square_on_black
    camera.frame.set_euler_angles(theta=-20 * DEGREES, phi=55 * DEGREES)  # the volume scenes' view
    camera.refresh_uniforms()
    try:
        square.apply_depth_test()
        wrappers = square.get_shader_wrapper_list(camera.ctx)
        assert any(w.depth_test for w in wrappers)
        drawn = drawn_box(camera, square)
        assert covers(pixel_box(camera, wrappers), drawn, slack=24), (pixel_box(camera, wrappers), drawn)
        mapping = pixel_mapping(camera)
        assert mobject_box(mapping, square) is None  # the cut keeps depth-tested mobjects where they are
        still_layer.box_depth_tested(False)
        assert pixel_box(camera, wrappers) is None  # the switch off: drawn over the whole frame, as before
    finally:
        still_layer.box_depth_tested(True)


def test_the_frame_sized_fill_canvas_draws_what_manimgls_canvas_draws():
    short = load_short("ShortConv")
    manimgl, _, _ = drawn_frames(short, still_parts_once=False, fill_canvas="manimgl")
    ours, _, _ = drawn_frames(short, still_parts_once=False)
    assert VShaderWrapper.get_fill_canvas(ours_context := moderngl.create_standalone_context())[0].size == tuple(
        RESOLUTION)  # the canvas is the frame's size (manimgl's: twice it each way)
    ours_context.release()
    for a, b in zip(ours, manimgl):
        mean, _ = differences(a, b)
        psnr = 10 * np.log10(255 ** 2 / max(((a.astype(float) - b) ** 2).mean(), 1e-12))
        # Edge pixels only: one sample per pixel instead of 2×2 (measured: mean ≤ 1.2 levels, PSNR ≥ 29.6 dB).
        assert mean < 1.5 and psnr >= 28, (mean, psnr)


def test_frames_are_read_straight_from_the_framebuffer_with_manimgls_bytes():
    scene = load_short("ShortConv")(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()  # ends on the last frame's mobjects
    try:
        scene.update_frame(force_draw=True)
        manimgls = type(scene.camera).get_raw_fbo_data(scene.camera)  # blit into a second framebuffer, read
        ours = scene.raw_frame()
        assert ours == manimgls and len(ours) == RESOLUTION[0] * RESOLUTION[1] * 4
        assert len(set(ours[::4])) > 2  # not an empty frame
    finally:
        scene.camera.ctx.release()


def test_live_clusters_join_boxes_that_meet_directly_or_through_others():
    boxes = np.array([
        [0, 0, 10, 10],     # 0 meets 2
        [50, 50, 60, 60],   # 1 alone
        [8, 8, 20, 20],     # 2 meets 0 and 3
        [19, 0, 30, 9],     # 3 meets 2 only: joins 0 through 2
        [30, 0, 40, 9],     # 4 touches 3's edge (x = 30) without overlapping: alone
        [np.inf, np.inf, -np.inf, -np.inf],  # 5 empty: meets nothing
    ], dtype=float)
    assert live_clusters(boxes) == [[0, 2, 3], [1], [4], [5]]
    assert live_clusters(boxes[:0]) == []
    # A chain met from its far end still ends up as one cluster, in drawing order.
    chain = np.array([[i * 10, 0, i * 10 + 11, 5] for i in range(6)][::-1], dtype=float)
    assert live_clusters(chain) == [list(range(6))]
    # Joined when the box around two clusters is less than join_below larger than their boxes: {0, 2, 3}
    # (600 px² around) and {4} (90) need a 800 px² box, 110 more; the empty box joins anything for free.
    assert live_clusters(boxes, join_below=110) == [[0, 2, 3, 5], [1], [4]]
    assert live_clusters(boxes, join_below=111) == [[0, 2, 3, 4, 5], [1]]
    assert live_clusters(boxes, join_below=1e9) == [[0, 1, 2, 3, 4, 5]]


def test_a_ring_has_the_hole_its_inner_rectangle_leaves_less_the_rasterisers_half_pixel():
    mapping = PixelMapping(np.array([100.0, 100.0]), np.array([640.0, 360.0]), 0.01, (1280, 720),
                           np.array([2 / 14.2, 2 / 8.0, 0.1]), None)
    frame = ring(4, 2, 0.5, "#FFFFFF")  # inner rectangle 3 × 1 about the origin: pixels 490..790, 310..410
    e = FILL_EDGE_PIXELS
    assert np.allclose(hole_box(mapping, frame), [490 + e, 310 + e, 790 - e, 410 - e])
    assert np.allclose(hole_box(mapping, frame.copy().shift(RIGHT_)), [590 + e, 310 + e, 890 - e, 410 - e])
    stroked = frame.copy().set_stroke(WHITE, 4)  # its stroke reaches 0.04 units (4 px) and antialiasing 3 more
    assert np.allclose(hole_box(mapping, stroked), [497, 317, 783, 403])
    assert hole_box(mapping, Square(side_length=2)) is None  # one path: no hole
    assert hole_box(mapping, frame.copy().rotate(10 * DEGREES)) is None  # not axis-aligned
    filled = ring(4, 2, 0.5, "#FFFFFF")
    inner = filled.get_subpaths()[1]
    filled.set_points(filled.get_subpaths()[0])
    filled.add_subpath(inner[::-1])  # the inner path the same way round as the outer: filled, not a hole
    assert hole_box(mapping, filled) is None
    assert hole_box(mapping, VGroup(frame.copy())) is None  # a family: not told
    assert hole_box(mapping._replace(view=np.eye(4)), frame) is None  # a turned camera: not told


def quadratic_path(*corners) -> np.ndarray:
    """The closed path through ``corners`` (x, y), each side one quadratic curve with its middle as handle."""
    anchors = [np.array([x, y, 0.0]) for x, y in (*corners, corners[0])]
    points = [anchors[0]]
    for a, b in zip(anchors, anchors[1:]):
        points += [(a + b) / 2, b]
    return np.array(points)


def test_rectangle_path_tells_the_rectangle_and_its_way_round():
    box, area = still_layer.rectangle_path(quadratic_path((0, 0), (3, 0), (3, 1), (0, 1)))
    assert np.allclose(box, [0, 0, 3, 1]) and area == pytest.approx(3.0)  # anticlockwise: positive
    box, area = still_layer.rectangle_path(quadratic_path((0, 1), (3, 1), (3, 0), (0, 0)))
    assert np.allclose(box, [0, 0, 3, 1]) and area == pytest.approx(-3.0)  # clockwise: negative
    assert still_layer.rectangle_path(quadratic_path((0, 0), (3, 0), (3, 1))) is None  # a triangle
    assert still_layer.rectangle_path(quadratic_path((0, 0), (3, 0), (3, 1), (0, 1))[:-2]) is None  # open
    twice = quadratic_path((0, 0), (3, 0), (3, 1), (0, 1), (0, 0), (3, 0), (3, 1), (0, 1))
    assert still_layer.rectangle_path(twice) is None  # round it twice
    bent = quadratic_path((0, 0), (3, 0), (3, 1), (0, 1))
    bent[3] += [0.1, 0.0, 0.0]  # the right side's handle off the side
    assert still_layer.rectangle_path(bent) is None
    near = quadratic_path((0, 0), (3, 0), (3, 1), (0, 1))
    near[3] += [1e-7, 0.0, 0.0]  # within the tolerance
    assert still_layer.rectangle_path(near) is not None


def test_a_ring_draws_only_a_residue_inside_its_hole_box_and_reaches_it_from_every_side():
    scene = ChangesAStillSquare(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()
    camera = scene.camera
    try:
        camera.background_rgba = [0, 0, 0, 1]
        # A plain ring's hole is tight to 2 pixels; a stroked one's keeps the stroke's whole width and the
        # antialiasing slack (reach_box's margin) from its edges, 5 pixels here.
        for frame, slack in ((ring(4.3, 2.1, 0.05, "#FFFFFF").shift(0.37 * RIGHT_ + 0.21 * UP_), 2),
                             (ring(1.0, 1.0, 0.04, "#FFFFFF").set_stroke(WHITE, 3).shift(2.1 * LEFT_), 5)):
            image = drawn_image(camera, frame)
            drawn = image.max(axis=2) > 2
            x0, y0, x1, y1 = hole_box(pixel_mapping(camera), frame)
            xs, ys = np.arange(RESOLUTION[0]) + 0.5, np.arange(RESOLUTION[1]) + 0.5  # pixel centres
            inside = ((x0 <= xs) & (xs <= x1))[None, :] & ((y0 <= ys) & (ys <= y1))[:, None]
            # manimgl's winding fill cancels the inner path's triangles in half floats, which leaves 2 levels
            # of a white ring's colour in its hole (measured); nothing more.
            assert inside.sum() > 1000 and image[inside].max() <= 2
            # The hole is tight: the ring draws within ``slack`` pixels of each of its sides.
            row, col = int((y0 + y1) / 2), int((x0 + x1) / 2)
            near = slack + 1
            assert drawn[row, int(x0) - slack:int(x0) + 1].any() and drawn[row, int(x1):int(x1) + near].any()
            assert drawn[int(y0) - slack:int(y0) + 1, col].any() and drawn[int(y1):int(y1) + near, col].any()
    finally:
        camera.ctx.release()


def test_a_box_inside_a_rings_hole_does_not_meet_the_ring_nor_pull_it_live():
    nan = np.full(4, np.nan)
    boxes = np.array([[10, 10, 20, 20],     # 0: a changing cell, inside 1's hole
                      [0, 0, 100, 100],     # 1: a ring drawn after it, hole 5..95
                      [90, 40, 110, 60],    # 2: across the ring's right side
                      [30, 30, 40, 40]], dtype=float)  # 3: a still square, inside the hole too
    holes = np.array([nan, [5, 5, 95, 95], nan, nan])
    assert meeting(boxes)[0, 1] and not meeting(boxes, holes)[0, 1] and not meeting(boxes, holes)[1, 0]
    assert meeting(boxes, holes)[1, 2] and meeting(boxes, holes)[2, 1]  # it crosses the ring's side
    moves = np.array([True, False, False, False])
    assert live_after_cut(boxes, moves).tolist() == [True, True, True, True]  # without holes: a chain
    assert live_after_cut(boxes, moves, holes).tolist() == [True, False, False, False]
    moves_2 = np.array([False, False, True, False])
    assert live_after_cut(boxes, moves_2, holes).tolist() == [False, False, True, False]  # 1 is drawn before 2


def test_the_output_grids_frame_stays_in_the_still_layer_while_its_cells_change(monkeypatch):
    """The frame around the output grid is drawn after its cells; its box covers them all, but a changing
    cell lies in its hole, so the frame stays in the layer and the live part is drawn within the cell's
    box.  Against the all-vector frames, this differs no more than the layer without holes does."""
    seen = []

    class Watching(load_short("ShortConv")):
        def capture(self, *groups):
            super().capture(*groups)
            if getattr(self, "output_frame", None) is None or not self.output_grids:
                return
            moving = self.moving_ids()
            if any(id(cell) in moving for cell in self.output_grids[0].squares):
                live = self.render_groups[self.render_state.still_count:]
                seen.append(any(sm is self.output_frame for g in live for sm in g.get_family()))

    animations = (10, 16)  # the detailed step's sum into the output, then sweeps
    layered, _, layer = drawn_frames(Watching, animations=animations)
    whole, _, _ = drawn_frames(load_short("ShortConv"), still_parts_once=False, animations=animations)
    assert len(seen) > 10 and not any(seen)  # an output cell changed in each, the frame never live
    monkeypatch.setattr(batched_scene, "hole_box", lambda mapping, mob: None)
    seen.clear()
    without_holes, _, _ = drawn_frames(Watching, animations=animations)
    assert all(seen)  # without holes the frame is pulled live with the cells (this test's check can fail)
    assert len(layered) == len(whole) == len(without_holes) > 20 and layer.redraws >= 1
    for a, b, c in zip(layered, without_holes, whole):
        (mean, share), (mean_before, share_before) = differences(a, c), differences(b, c)
        # The ring's residue in its hole (a few levels) no longer lies over the cells: the means are measured
        # equal to 0.04 levels, the shares off by more than 32 levels equal.
        assert mean < 0.5 and mean <= mean_before + 0.1 and share <= share_before + 1e-4, (mean, share)


def clusters_by_hand(boxes: np.ndarray, join_below: float) -> list[list[int]]:
    """live_clusters' rule, pair by pair in plain Python: join boxes that meet (through others too), then
    join the two clusters whose joined box adds least area (first pair in order on ties) while under the bar."""
    def meets(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    def area(b):
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    def around(indices):
        return [min(boxes[k][0] for k in indices), min(boxes[k][1] for k in indices),
                max(boxes[k][2] for k in indices), max(boxes[k][3] for k in indices)]

    clusters = [[k] for k in range(len(boxes))]
    merged = True
    while merged:
        merged = False
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                if any(meets(boxes[p], boxes[q]) for p in clusters[a] for q in clusters[b]):
                    clusters[a] = sorted(clusters[a] + clusters.pop(b))
                    merged = True
                    break
            if merged:
                break
    clusters.sort()
    while len(clusters) > 1:
        best = None
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                extra = area(around(clusters[a] + clusters[b])) - area(around(clusters[a])) - area(around(clusters[b]))
                if best is None or extra < best[0]:
                    best = (extra, a, b)
        if best[0] >= join_below:
            break
        _, a, b = best
        clusters[a] = sorted(clusters[a] + clusters.pop(b))
    return sorted(clusters)


def test_live_clusters_follow_the_rule_worked_pair_by_pair_on_random_boxes():
    rng = np.random.default_rng(16)
    for _ in range(200):
        n = int(rng.integers(0, 14))
        corners = rng.uniform(0, 400, size=(n, 2))
        boxes = np.concatenate([corners, corners + rng.uniform(1, 60, size=(n, 2))], axis=1)
        if n and rng.random() < 0.3:
            boxes[rng.integers(n)] = [np.inf, np.inf, -np.inf, -np.inf]  # an empty box
        for join_below in (0.0, 500.0, 5000.0):
            assert live_clusters(boxes, join_below) == clusters_by_hand(boxes, join_below), (boxes, join_below)


def test_render_groups_are_made_when_a_frame_is_drawn_not_at_every_add_and_remove():
    counts = {"made": 0, "changes": 0, "frames": 0}

    class Counting(load_short("ShortConv")):
        def make_render_groups(self):
            counts["made"] += 1
            super().make_render_groups()

        def add(self, *mobjects):
            counts["changes"] += 1
            return super().add(*mobjects)

        def remove(self, *mobjects):
            counts["changes"] += 1
            return super().remove(*mobjects)

        def capture(self, *groups):
            counts["frames"] += 1
            return super().capture(*groups)

    frames, scene, _ = drawn_frames(Counting)
    assert frames and counts["frames"] > 0
    assert counts["made"] <= counts["frames"]  # at most once per frame drawn
    assert counts["made"] < counts["changes"]  # not once per add or remove (manimgl's way)


def test_a_fill_box_holds_the_pixels_whose_centres_lie_in_the_hull():
    # Worked by hand: pixel k's centre is k + 1/2.  x from 0.2 to 9.3 holds the centres of pixels 0..8; y from
    # 3.6 to 5.4 only pixel 4's (4.5); 3.6 to 4.4 holds no centre at all: an empty box.
    assert covered_pixels(np.array([0.2, 3.6]), np.array([9.3, 5.4])).tolist() == [0, 4, 9, 5]
    box = covered_pixels(np.array([3.6, 3.6]), np.array([4.4, 4.4]))
    assert box[2] <= box[0] and box[3] <= box[1]
    # Drawn: squares without stroke at random sub-pixel places and sizes set exactly the pixels of their box
    # (a centre within 1/64 of an edge may be counted in: one pixel of slack).
    scene = ChangesAStillSquare(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()
    camera = scene.camera
    rng = np.random.default_rng(7)
    exact = 0
    try:
        camera.background_rgba = [0, 0, 0, 1]
        for _ in range(40):
            square = Square(side_length=rng.uniform(0.05, 1.0)).set_fill(WHITE, 1).set_stroke(width=0)
            square.stretch(rng.uniform(0.5, 2.0), 0).shift([rng.uniform(-5, 5), rng.uniform(-3, 3), 0])
            box = pixel_box(camera, square.get_shader_wrapper_list(camera.ctx))
            drawn = drawn_box(camera, square)
            assert covers(box, drawn, slack=1), (box, drawn)
            exact += tuple(map(int, box)) == tuple(map(int, drawn))
    finally:
        camera.ctx.release()
    assert exact >= 36


class RecolourOneCellOfALargeGrid(BatchedScene):
    """A 24 x 24 grid whose cells are half a pixel apart at 480p (the gaps of MNIST-sized grids); one cell
    changes colour."""

    def construct(self):
        self.grid = NumberGrid(np.arange(576).reshape(24, 24) % 7, 0.13, "#1E88E5", show_numbers=False)
        self.add(self.grid)
        self.play(self.grid.cell(11, 12).animate.set_fill(RED), run_time=0.5)


def test_cells_a_fraction_of_a_pixel_apart_stay_in_the_layer_beside_a_changing_cell(monkeypatch):
    assert 0.13 * GAP * RESOLUTION[0] / FRAME_WIDTH < 1.03  # so the old half-pixel padding made neighbours meet
    live_counts = []

    class Watching(RecolourOneCellOfALargeGrid):
        def capture(self, *groups):
            super().capture(*groups)
            live = self.render_groups[self.render_state.still_count:]
            live_counts.append(sum(len(g.family_members_with_points()) for g in live))

    layered, _, layer = drawn_frames(Watching, animations=(0, 1))
    whole, _, _ = drawn_frames(RecolourOneCellOfALargeGrid, still_parts_once=False, animations=(0, 1))
    assert len(layered) == len(whole) > 5 and layer is not None
    assert live_counts and max(live_counts) == 1  # the changing cell alone is drawn every frame
    for a, b in zip(layered, whole):
        mean, share = differences(a, b)
        assert mean < 0.05 and share < 1e-4, (mean, share)
    # With boxes padded by half a pixel (the old rule) each cell met its neighbours, and every cell drawn after
    # the changing one went live through them.
    monkeypatch.setattr(still_layer, "covered_pixels", lambda low, high: np.concatenate(
        [low - FILL_EDGE_PIXELS, high + FILL_EDGE_PIXELS]))
    live_counts.clear()
    drawn_frames(Watching, animations=(0, 1))
    assert max(live_counts) > 200


def test_the_flat_box_of_unturned_unfixed_data_is_the_placed_box_bit_for_bit():
    # flat_reach_box places only the extreme points and reduces each axis apart; placed_reach_box places every
    # point. Rounding keeps order, so the two must agree exactly, in manimgl's precision (a float32 frame shape
    # gives float32 pixels per unit, the middle stays float64), with and without strokes.
    rng = np.random.default_rng(7)
    vector = Square().data.dtype
    plain = np.dtype([("point", "<f4", (3,)), ("rgba", "<f4", (4,))])
    for trial in range(300):
        per_unit = rng.uniform(20, 200, 2).astype(np.float32 if trial % 2 else np.float64)
        mapping = PixelMapping(per_unit, rng.uniform(-50, 900, 2), np.float32(0.01 * rng.uniform(0.5, 2)),
                               (854, 480), np.array([0.14, 0.25, 0.1]), None)
        datas = []
        for _ in range(rng.integers(1, 6)):
            data = np.zeros(int(rng.integers(0, 40)), dtype=vector if rng.random() < 0.8 else plain)
            data["point"] = rng.normal(0, 3, (len(data), 3))
            if "stroke_width" in data.dtype.names:
                data["stroke_width"] = rng.uniform(0, 6, (len(data), 1)) * (rng.random() < 0.5)
                data["fill_border_width"] = rng.uniform(0, 2, (len(data), 1)) * (rng.random() < 0.3)
            datas.append(data)
        flat, placed = still_layer.flat_reach_box(mapping, datas), still_layer.placed_reach_box(mapping, datas)
        assert flat.dtype == placed.dtype and flat.tobytes() == placed.tobytes(), (trial, flat, placed)
        assert still_layer.reach_box(mapping, datas).tobytes() == flat.tobytes()
