"""A still layer drawn again only where it changed: byte for byte the layer drawn whole, frame by frame, through
moves, colour changes, a mobject brought to the front, passes split, mobjects removed and added; the changed
boxes worked by hand; the regions covering them; the pass wrappers leaving the leaves' data alone."""
import moderngl
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import (BLUE, DOWN, GREEN, LEFT, ORANGE, PURPLE, RED, RIGHT, UP, WHITE, YELLOW, Circle, DotCloud, Square,
                      manim_config)

from convanim.manim.mobjects.cells import caption_text
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.speed import layer_changes, still_layer
from convanim.manim.speed.layer_changes import LayerLeaves, changed_boxes, changed_regions
from convanim.manim.speed.still_layer import PixelMapping, reach_box
from render_support import load_short
from test_still_layer import RESOLUTION, byte_equal_either_way


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


@pytest.fixture
def regions_drawn(monkeypatch) -> list[int]:
    """A count of the regions drawn into a layer in parts (layer_changes.draw_region), for byte_equal_either_way."""
    count = [0]
    draw_region = layer_changes.draw_region

    def counting(*args, **kwargs):
        count[0] += 1
        return draw_region(*args, **kwargs)

    monkeypatch.setattr(layer_changes, "draw_region", counting)
    return count


class Overlaps(BatchedScene):
    """Overlapping squares whose layer changes in every way a layer can between animations."""

    def construct(self):
        a = Square(1.2).set_fill(RED, 1).set_stroke(WHITE, 3).shift(LEFT)
        b = Square(1.2).set_fill(BLUE, 0.8).set_stroke(width=0).shift(0.5 * LEFT + 0.3 * UP)
        c = Square(0.8).set_fill(GREEN, 0.8).shift(2 * RIGHT)
        d = Circle(radius=0.5).set_fill(YELLOW, 1).shift(2 * DOWN)
        label = caption_text("moved", 26).to_edge(UP)
        self.add(a, b, c, d, label)
        self.play(c.animate.shift(UP))  # the layer: a, b, d, the label
        self.play(d.animate.shift(RIGHT))  # c joins the layer at its new place, d leaves it
        self.bring_to_front(a)  # a now over b where they overlap
        self.play(d.animate.shift(LEFT))
        b.set_fill(PURPLE)  # changed between animations
        self.play(c.animate.set_fill(ORANGE))
        shaded = Square(0.6).set_fill(WHITE, 0.6).move_to(a).set_shading(0.5, 0.5, 0)  # another shader id
        self.remove(b)
        self.add(shaded, b)  # between a and b in drawing order: a and b no longer share a pass
        self.play(d.animate.scale(0.5))
        self.remove(a)
        self.play(c.animate.shift(DOWN))
        self.play(label.animate.shift(DOWN))


class Regrouped(BatchedScene):
    """Two translucent shapes drawn in one pass, then in two (a mobject of another shader id drawn between them,
    far away): only where they overlap can the layer change."""

    def construct(self):
        a = Square(2).set_fill(RED, 0.6).set_stroke(width=0)
        b = Circle(radius=1).set_fill(BLUE, 0.6).set_stroke(width=0).shift(0.7 * RIGHT + 0.4 * UP)
        mover = Square(0.5).set_fill(GREEN, 1).shift(3 * LEFT + 2 * DOWN)
        apart = Square(0.5).set_fill(WHITE, 1).shift(4 * RIGHT + 2 * UP).set_shading(0.5, 0.5, 0)
        self.add(a, b, mover)
        self.play(mover.animate.shift(RIGHT))  # the layer: a and b, one pass
        self.remove(b)
        self.add(apart, b)  # a, (mover), apart, b: a and b in passes of their own, still in that order
        self.play(mover.animate.shift(RIGHT))
        self.play(mover.animate.shift(UP))


@pytest.mark.parametrize("scene_class", [Overlaps, Regrouped])
def test_a_layer_drawn_where_it_changed_gives_the_frames_of_the_layer_drawn_whole(scene_class, regions_drawn):
    partial, whole = byte_equal_either_way(scene_class, "redraw_layer_changes", regions_drawn, animations=(0, 7))
    assert partial >= 1 and whole == 0


def test_a_conv_scenes_layer_drawn_where_it_changed_gives_its_frames_drawn_whole(regions_drawn):
    partial, whole = byte_equal_either_way(load_short("ShortConv"), "redraw_layer_changes", regions_drawn,
                                           animations=(2, 10))
    assert partial >= 2 and whole == 0


def layer(*leaves) -> LayerLeaves:
    """Leaves given as (name, [x0, y0, x1, y1], pass number), in drawing order."""
    keys = [name for name, _, _ in leaves]
    return LayerLeaves(keys, [np.array(box, dtype=float) for _, box, _ in leaves], [p for _, _, p in leaves],
                       {key: i for i, key in enumerate(keys)})


def as_set(boxes) -> set:
    return {tuple(box) for box in boxes.tolist()}


def test_changed_boxes_worked_by_hand():
    a, b, c = ("a", [0, 0, 10, 10], 1), ("b", [5, 5, 15, 15], 1), ("c", [30, 30, 40, 40], 2)
    assert as_set(changed_boxes(layer(a, b, c), layer(a, b, c))) == set()
    # c changed (another key): its old and its new box
    assert as_set(changed_boxes(layer(a, b, c), layer(a, b, ("c2", [32, 30, 42, 40], 2)))) == {
        (30, 30, 40, 40), (32, 30, 42, 40)}
    # b drawn before a now: only their overlap can differ
    assert as_set(changed_boxes(layer(a, b, c), layer(b, a, c))) == {(5, 5, 10, 10)}
    # a and c swap, but they do not overlap: nothing differs
    assert as_set(changed_boxes(layer(a, b, c), layer(("c", [30, 30, 40, 40], 1), ("a", [0, 0, 10, 10], 2),
                                                      ("b", [5, 5, 15, 15], 2)))) == set()
    # a and b drawn in passes of their own now: their overlap
    assert as_set(changed_boxes(layer(a, b, c), layer(a, ("b", [5, 5, 15, 15], 2), ("c", [30, 30, 40, 40], 3)))) == {
        (5, 5, 10, 10)}
    # a removed, d added
    assert as_set(changed_boxes(layer(a, b), layer(b, ("d", [50, 0, 60, 5], 1)))) == {(0, 0, 10, 10), (50, 0, 60, 5)}
    # a leaf drawn twice, or one whose box cannot be told: the layer is drawn whole
    assert changed_boxes(layer(a, b), layer(a, a)) is None
    unknown = LayerLeaves(["a", "b"], [np.array(a[1], dtype=float), None], [1, 1], {"a": 0, "b": 1})
    assert changed_boxes(layer(a), unknown) is None


def test_the_leaves_that_may_have_changed_order_or_pass_worked_by_hand():
    same = layer_changes.reordered_or_regrouped
    assert same([0, 1, 2, 3], [1, 1, 2, 2], [1, 1, 2, 2]) == []
    assert same([0, 2, 1, 3], [1, 1, 1, 1], [1, 1, 1, 1]) == [1, 2]  # the middle two swapped
    assert same([3, 0, 1, 2], [1, 1, 1, 1], [1, 1, 1, 1]) == [0, 1, 2, 3]  # the last one first: before all three
    assert same([0, 1, 2, 3], [1, 1, 2, 2], [1, 1, 2, 3]) == [2, 3]  # old pass 2 split in two
    assert same([0, 1, 2], [1, 2, 3], [1, 1, 1]) == [0, 1, 2]  # three passes joined into one
    assert same([5], [1], [1]) == []


def test_a_layer_with_too_many_leaves_to_pair_is_drawn_whole(monkeypatch):
    a, b = ("a", [0, 0, 10, 10], 1), ("b", [5, 5, 15, 15], 1)
    assert as_set(changed_boxes(layer(a, b), layer(b, a))) == {(5, 5, 10, 10)}
    monkeypatch.setattr(layer_changes, "MOST_PAIRED_LEAVES", 1)
    assert changed_boxes(layer(a, b), layer(b, a)) is None
    assert as_set(changed_boxes(layer(a, b), layer(a, b))) == set()  # nothing to pair: still told


def test_changed_regions_cover_every_box_in_at_most_four_rectangles():
    rng = np.random.default_rng(3)
    for _ in range(50):
        low = rng.uniform(0, 800, (int(rng.integers(1, 300)), 2))  # above 16 apart: joined by grid cells first
        boxes = np.concatenate([low, low + rng.uniform(0.5, 12, low.shape)], axis=1)
        regions = changed_regions(boxes.copy(), (854, 480))
        if regions is None:
            continue
        assert len(regions) <= layer_changes.MOST_REGIONS
        inside = np.clip(boxes, 0, [854, 480, 854, 480])
        for box in inside[(inside[:, 0] < inside[:, 2]) & (inside[:, 1] < inside[:, 3])]:
            assert any(x <= box[0] and y <= box[1] and box[2] <= x + w and box[3] <= y + h
                       for x, y, w, h in regions), (box, regions)
        areas = [w * h for _, _, w, h in regions]
        assert all(area > 0 for area in areas)
    assert changed_regions(np.array([[0.0, 0.0, 854.0, 300.0]]), (854, 480)) is None  # more than half: whole


def test_leaf_boxes_measured_together_are_each_leafs_own_box():
    mobs = [Square(1.5).set_fill(BLUE, 0.7).set_stroke(WHITE, 4),
            Circle(radius=0.5).set_fill(RED, 1).set_stroke(width=0),
            *caption_text("w × x = 12.5", 26).family_members_with_points()]
    mobs[1].shift(2 * RIGHT)
    mapping = PixelMapping(np.array([60.0, 60.0], dtype=np.float32), np.array([427.0, 240.0]), np.float32(0.01),
                           RESOLUTION, np.array([0.14, 0.25, 0.1]), None)
    together = layer_changes.leaf_boxes(mapping, mobs)
    for mob, box in zip(mobs, together):
        assert box.tobytes() == reach_box(mapping, [mob.data]).tobytes()


def test_a_pass_wrapper_gathers_into_an_array_of_its_own():
    # manimgl's wrapper starts out holding its mobject's own data and gathers into it when the lengths agree: a
    # pass of another leaf of the same length (dots: their shader data is their data) would overwrite the first
    # leaf's points.
    ctx = moderngl.create_standalone_context()
    try:
        first, other = DotCloud([[0.0, 0, 0], [1, 0, 0]]), DotCloud([[2.0, 0, 0], [3, 1, 0]])
        before = first.data.copy()
        first.get_shader_wrapper(ctx)
        wrapper = layer_changes.pass_wrapper(first, ctx)
        wrapper.read_in([other.get_shader_data()])
        assert np.array_equal(first.data, before) and np.array_equal(wrapper.vert_data, other.data)
        assert wrapper.mobject_uniforms is first.uniforms and first.shader_wrapper is not wrapper
        wrapper.release()
    finally:
        ctx.release()


def test_a_layer_changed_in_parts_counts_its_partial_draws(regions_drawn):
    """The layer's own count, which the benchmarks read, follows the regions drawn."""
    from test_still_layer import drawn_frames

    _, _, layer_held = drawn_frames(Overlaps, animations=(0, 7))
    assert layer_held.partial_redraws >= 3 and regions_drawn[0] >= layer_held.partial_redraws
    assert layer_held.redraws > layer_held.partial_redraws
    assert still_layer.StillLayer is type(layer_held)


def test_a_group_left_ungathered_by_a_drawing_in_parts_is_gathered_when_drawn_whole():
    from manimlib import VGroup

    left, drawn = VGroup(Square(1)), VGroup(Square(2))
    left._data_has_changed, left._vertices_not_gathered = False, True  # as draw_changes leaves a group it skipped
    drawn._data_has_changed = False
    still_layer.to_be_gathered([left, drawn])
    assert left._data_has_changed and not left._vertices_not_gathered
    assert not drawn._data_has_changed
