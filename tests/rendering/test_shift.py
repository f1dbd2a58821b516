"""Shift (animations/shift.py) against manimgl's ``mobject.animate.shift``, value for value, and the scene's switch."""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import RIGHT, Square, VGroup
from manimlib.animation.transform import MoveToTarget

from convanim.manim.animations.shift import Shift, shift_animation
from convanim.manim.mobjects.cells import KernelOverlay, NumberGrid, caption_text
from convanim.manim.speed.settings import SpeedSettings


def things():
    """A kernel overlay (outlines and small weights), a grid of cells and numbers, and a stroked square in a group."""
    overlay = KernelOverlay(np.array([[1, -2], [3, 4]]), 0.8, (0.8, 0.8), "#1E88E5")
    grid = NumberGrid(np.arange(6).reshape(2, 3) - 2, 0.8, "#1E88E5")
    square = Square(side_length=1).set_fill("#E53935", 0.7).set_stroke("#FFFFFF", 4)
    return [overlay, grid, VGroup(square, caption_text("3 × 2 + 1 = 7", 28))]


@pytest.mark.parametrize("vector", [np.array([0.8, 0.0, 0.0]), np.array([-1.3, 2.1, 0.0])])
def test_a_shift_gives_manimgls_points_and_boxes_at_every_point_and_ends_moved(vector):
    for mob in things():
        theirs = mob.copy()
        start = mob.get_center().copy()
        ours_animation, reference = Shift(mob, vector), theirs.animate.shift(vector).build()
        assert isinstance(reference, MoveToTarget)
        ours_animation.begin()
        reference.begin()
        for alpha in (0.0, 0.2, 0.5, 0.77, 1.0):
            ours_animation.interpolate(alpha)
            reference.interpolate(alpha)
            for a, b in zip(mob.get_family(), theirs.get_family()):
                np.testing.assert_allclose(a.get_points(), b.get_points(), atol=1e-5, err_msg=f"at {alpha}")
                # the box moved with the points (manimgl interpolates its copies' boxes, which may be stale)
                np.testing.assert_allclose(a.get_bounding_box(), a.compute_bounding_box(), atol=1e-5)
                for field in ("fill_rgba", "stroke_rgba", "stroke_width"):
                    if a.has_points() and field in a.data.dtype.names:
                        np.testing.assert_array_equal(a.data[field], b.data[field])
            assert np.linalg.norm(mob.get_center() - start) > 0 or alpha == 0.0
        ours_animation.finish()
        reference.finish()
        np.testing.assert_allclose(mob.get_center(), start + vector, atol=1e-5)  # where Mobject.shift puts it
        np.testing.assert_allclose(mob.get_center(), theirs.get_center(), atol=1e-5)


def test_the_speed_switch_gives_manimgls_own_animation():
    mob = Square()
    fast = type("Scene", (), {"speed": SpeedSettings()})()
    manimgl = type("Scene", (), {"speed": SpeedSettings.parse(["shifts=manimgl"])})()
    assert isinstance(shift_animation(fast, mob, RIGHT), Shift)
    assert isinstance(shift_animation(manimgl, mob, RIGHT).build(), MoveToTarget)
