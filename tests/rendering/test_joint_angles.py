"""Joint angles recomputed at an animation's start and end only where a member's data changed: the angles
are manimgl's, and the frames byte for byte manimgl's."""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import BLUE, RED, WHITE, YELLOW, Circle, FadeIn, FadeOut, Square, Transform, VGroup, manim_config
from manimlib.mobject.types.vectorized_mobject import VMobject

from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.speed import joint_angles
from render_support import assert_switch_swaps, load_short
from test_still_layer import RESOLUTION, byte_equal_either_way

LEFT, RIGHT, UP = np.array([-1.0, 0, 0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0])


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


class StrokesThatBend(BatchedScene):
    """Stroked shapes whose joints change (a square becoming a circle), a group where one member changes and
    the others do not, and strokes that fade in and out again."""

    def construct(self):
        bending = Square(side_length=1.5).set_stroke(WHITE, 8).set_fill(BLUE, 0.5).shift(4 * LEFT)
        group = VGroup(*(Square(side_length=0.7).set_stroke(YELLOW, 5).shift(0.9 * k * RIGHT) for k in range(4)))
        fading = Circle(radius=0.6).set_stroke(RED, 6).shift(3 * RIGHT + UP)
        self.add(bending, group)
        self.play(Transform(bending, Circle(radius=1.0).set_stroke(WHITE, 8).shift(4 * LEFT)),
                  Transform(group[1], Circle(radius=0.35).set_stroke(YELLOW, 5).move_to(group[1])), run_time=0.5)
        self.play(FadeIn(fading), group.animate.shift(0.5 * UP), run_time=0.5)
        self.play(FadeOut(fading), Transform(bending, Square(side_length=1.2).set_stroke(WHITE, 8).shift(LEFT)),
                  run_time=0.5)


def counted_refreshes(monkeypatch) -> list[int]:
    """Count manimgl's joint-angle computations asked with refresh=True."""
    count = [0]
    original = VMobject.get_joint_angles

    def counting(self, refresh=False):
        count[0] += bool(refresh)
        return original(self, refresh)

    monkeypatch.setattr(VMobject, "get_joint_angles", counting)
    return count


@pytest.mark.parametrize("scene_class, animations", [(StrokesThatBend, (0, 3)), (load_short("ShortConv"), (2, 7))])
def test_frames_with_unchanged_joint_angles_kept_equal_manimgls_byte_for_byte(monkeypatch, scene_class, animations):
    count = counted_refreshes(monkeypatch)
    computed_when_kept, computed_every_time = byte_equal_either_way(scene_class, "skip_unchanged_joint_angles", count,
                                                                    animations=animations)
    assert 0 < computed_when_kept < computed_every_time  # some were kept, and some computed again


def stroked_square() -> VMobject:
    return Square(side_length=2.0).set_stroke(WHITE, 6)


def angles_as_manimgl_computes(mob: VMobject) -> np.ndarray:
    fresh = mob.copy()
    return fresh.get_joint_angles(refresh=True).copy()


def test_points_changed_in_place_are_seen(monkeypatch):
    """Interpolation writes points into the data without marking anything: the bytes tell."""
    circle = Circle(radius=1.0)
    square = stroked_square()
    square.insert_n_curves(circle.get_num_curves() - square.get_num_curves())
    joint_angles.refresh_joint_angles_if_changed(square)
    before = square.data["joint_angle"][:, 0].copy()
    square.data["point"][:] = circle.get_points()  # as Mobject.interpolate writes, no flag set
    joint_angles.refresh_joint_angles_if_changed(square)
    assert np.allclose(square.data["joint_angle"][:, 0], angles_as_manimgl_computes(square))
    assert not np.allclose(square.data["joint_angle"][:, 0], before)  # the corners' angles are gone


def test_an_unchanged_member_is_not_computed_again_but_marked_as_manimgl_marks_it(monkeypatch):
    square = stroked_square()
    joint_angles.refresh_joint_angles_if_changed(square)
    count = counted_refreshes(monkeypatch)
    square._data_has_changed = False
    square.needs_new_joint_angles = True
    joint_angles.refresh_joint_angles_if_changed(square)
    assert count[0] == 0
    assert square._data_has_changed and not square.needs_new_joint_angles
    assert np.array_equal(square.data["joint_angle"][:, 0], angles_as_manimgl_computes(square))


def test_a_colour_change_computes_nothing(monkeypatch):
    """A fade writes colours and widths into the data in place: the angles do not depend on them."""
    square = stroked_square().set_fill(BLUE, 0.5)
    joint_angles.refresh_joint_angles_if_changed(square)
    count = counted_refreshes(monkeypatch)
    square.data["fill_rgba"][:, 3] = 0.2  # as OpacityFade writes the alphas
    square.data["stroke_rgba"][:, 3] = 0.1
    square.data["stroke_width"][:] = 2.0
    joint_angles.refresh_joint_angles_if_changed(square)
    assert count[0] == 0
    assert np.array_equal(square.data["joint_angle"][:, 0], angles_as_manimgl_computes(square))


@pytest.mark.parametrize("field", ["joint_angle", "base_normal"])
def test_angles_or_normal_overwritten_in_place_are_computed_again(monkeypatch, field):
    """A Transform's interpolation writes every field, the angles and the stored normal included: angles that
    are no longer those computed are computed again."""
    square = stroked_square()
    joint_angles.refresh_joint_angles_if_changed(square)
    right = square.data["joint_angle"][:, 0].copy()
    count = counted_refreshes(monkeypatch)
    if field == "joint_angle":
        square.data["joint_angle"][:] = 0.5
    else:  # a normal pointing the other way: the angles change sign
        square.data["base_normal"][1::2] = -square.data["base_normal"][1::2]
    joint_angles.refresh_joint_angles_if_changed(square)
    assert count[0] == 1
    if field == "joint_angle":
        assert np.array_equal(square.data["joint_angle"][:, 0], right)


def test_a_normal_marked_for_a_refresh_is_computed_again(monkeypatch):
    square = stroked_square()
    joint_angles.refresh_joint_angles_if_changed(square)
    square.refresh_unit_normal()  # what rotate() does: the stored normal no longer counts
    count = counted_refreshes(monkeypatch)
    joint_angles.refresh_joint_angles_if_changed(square)
    assert count[0] == 1


def test_the_switch_puts_manimgls_method_back():
    assert_switch_swaps(VMobject, "set_animating_status", joint_angles.use_skipped_unchanged_joint_angles,
                        joint_angles.use_manimgl_joint_angles, joint_angles.set_animating_status_skipping_unchanged,
                        joint_angles._MANIMGL_SET_ANIMATING_STATUS)
