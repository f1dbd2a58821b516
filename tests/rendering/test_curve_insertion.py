"""Curves split for a Transform's alignment with numpy arrays: manimgl's points bit for bit, and the frames of
morphing numbers byte for byte."""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import Circle, Square, Transform, VMobject, manim_config

from convanim.manim.mobjects.numbers import make_number, set_number
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.speed import curve_insertion
from render_support import assert_switch_swaps
from test_still_layer import RESOLUTION, byte_equal_either_way


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


def random_path(rng, curves: int, collapsed: float) -> np.ndarray:
    """(2 curves + 1, 3) float32 points of joined quadratic curves; about ``collapsed`` of them have their
    handle on their start (manimgl counts those as of length 0), and some collapse to a single point."""
    points = rng.normal(size=(2 * curves + 1, 3)).astype(np.float32)
    points[:, 2] = 0
    for c in range(curves):
        if rng.random() < collapsed:
            points[2 * c + 1] = points[2 * c]
            if rng.random() < 0.3:
                points[2 * c + 2] = points[2 * c]
    return points


def test_pieces_are_manimgls_bit_for_bit_on_random_paths():
    rng = np.random.default_rng(7)
    mob = VMobject()
    cases = 0
    for curves in [1, 2, 3, 5, 8, 13, 30]:
        for collapsed in [0.0, 0.3]:
            for n in [0, 1, 2, 5, 17, 40]:
                points = random_path(rng, curves, collapsed)
                ours = curve_insertion.insert_n_curves_vectorised(mob, n, points)
                manimgls = curve_insertion._MANIMGL_INSERT(mob, n, points)
                assert ours.dtype == manimgls.dtype and ours.shape == manimgls.shape == (2 * (curves + n) + 1, 3)
                assert ours.tobytes() == manimgls.tobytes(), (curves, collapsed, n)
                cases += 1
    assert cases == 84


def test_ties_and_equal_curves_split_as_manimgl_splits_them():
    """A square's four equal sides: which side takes the next piece is decided by ties and by the lengths
    scaled in turn."""
    mob = VMobject()
    square = Square(side_length=2.0).get_points()
    for n in range(12):
        ours = curve_insertion.insert_n_curves_vectorised(mob, n, square)
        assert ours.tobytes() == curve_insertion._MANIMGL_INSERT(mob, n, square).tobytes(), n


def test_shapes_manimgl_treats_apart_go_through_its_method():
    mob = VMobject()
    one = np.array([[1.0, 2.0, 0.0]], dtype=np.float32)
    assert np.array_equal(curve_insertion.insert_n_curves_vectorised(mob, 3, one), np.repeat(one, 7, axis=0))


def test_aligned_glyphs_and_shapes_are_manimgls():
    """What a Transform's begin does to a number's digits and to a circle becoming a square."""
    pairs = [(make_number(1.25, 2, 24, "#ffffff"), make_number(-30.5, 2, 24, "#ffffff")),
             (Circle(radius=1.0), Square(side_length=1.0))]
    aligned = {}
    for name, switch in [("ours", curve_insertion.use_vectorised_curve_insertion),
                         ("manimgl", curve_insertion.use_manimgl_curve_insertion)]:
        try:
            switch()
            points = []
            for start, target in pairs:
                a, b = start.copy(), target.copy()
                a.align_data_and_family(b)
                points += [m.get_points().tobytes() for m in (*a.get_family(), *b.get_family())]
            aligned[name] = points
        finally:
            curve_insertion.use_manimgl_curve_insertion()
    assert aligned["ours"] == aligned["manimgl"] and len(aligned["ours"]) > 6


class MorphingNumbers(BatchedScene):
    """Numbers morphing into others, as a quick sweep's running sum does."""

    def construct(self):
        numbers = [make_number(v, 2, 30, "#ffffff").shift(np.array([2.0 * k - 3, 0, 0]))
                   for k, v in enumerate([1.25, -0.5, 12.0, 7.75])]
        self.add(*numbers)
        for values in ([-30.5, 4.0, 0.25, 100.0], [2.0, -8.75, 19.5, 0.0]):
            self.play(*(Transform(n, set_number(n.copy(), v)) for n, v in zip(numbers, values)), run_time=0.4)


def test_frames_of_morphing_numbers_equal_manimgls_byte_for_byte(monkeypatch):
    calls = [0]
    vectorised = curve_insertion.insert_n_curves_vectorised

    def counting(self, n, points):
        calls[0] += 1
        return vectorised(self, n, points)

    monkeypatch.setattr(curve_insertion, "insert_n_curves_vectorised", counting)
    vectorised_calls, manimgl_calls = byte_equal_either_way(MorphingNumbers, "vectorise_curve_insertion", calls,
                                                            animations=(0, 2))
    assert vectorised_calls > 0 and manimgl_calls == 0


def test_the_switch_puts_manimgls_method_back():
    assert_switch_swaps(VMobject, "insert_n_curves_to_point_list", curve_insertion.use_vectorised_curve_insertion,
                        curve_insertion.use_manimgl_curve_insertion, curve_insertion.insert_n_curves_vectorised,
                        curve_insertion._MANIMGL_INSERT)
