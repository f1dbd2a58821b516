"""The stroke pass skipped for render groups with nothing to stroke: frames byte for byte as manimgl draws them."""
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import BLUE, RED, WHITE, YELLOW, Circle, Square, VGroup, manim_config

from convanim.manim.speed import empty_strokes
from convanim.manim.rendering.batched_scene import BatchedScene
from render_support import load_short
from test_still_layer import RESOLUTION, drawn_frames


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


class StrokedAndNot(BatchedScene):
    """A filled square with no stroke, a stroked circle, a stroke of zero opacity, and a group mixing them,
    moving so that each frame draws them again."""

    def construct(self):
        plain = Square(side_length=1.5).set_fill(BLUE, 1).set_stroke(width=0).shift(4 * LEFT)
        stroked = Circle(radius=0.8).set_fill(RED, 0.5).set_stroke(WHITE, 6).shift(1.5 * LEFT)
        invisible = Square(side_length=1.2).set_fill(YELLOW, 1).set_stroke(WHITE, 8, opacity=0).shift(1.5 * RIGHT)
        mixed = VGroup(Square(side_length=0.6).set_fill(BLUE, 1).set_stroke(width=0),
                       Square(side_length=0.6).set_fill(RED, 1).set_stroke(YELLOW, 4).shift(0.8 * RIGHT)
                       ).shift(4 * RIGHT)
        self.add(plain, stroked, invisible, mixed)
        self.play(*(m.animate.shift(0.5 * UP) for m in (plain, stroked, invisible, mixed)), run_time=0.5)


LEFT, RIGHT, UP = np.array([-1.0, 0, 0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0])


def counted_strokes(monkeypatch) -> list[bool]:
    """Record, for each stroke pass asked for, whether it had nothing to stroke."""
    seen = []
    check = empty_strokes.strokes_nothing

    def recording(wrapper):
        seen.append(check(wrapper))
        return seen[-1]

    monkeypatch.setattr(empty_strokes, "strokes_nothing", recording)
    return seen


@pytest.mark.parametrize("scene_class, animations", [(StrokedAndNot, (0, 1)), (load_short("ShortConv"), (2, 7))])
def test_frames_with_empty_stroke_passes_skipped_equal_manimgls_byte_for_byte(monkeypatch, scene_class, animations):
    seen = counted_strokes(monkeypatch)
    skipped, _, _ = drawn_frames(scene_class, animations=animations, skip_empty_strokes=True)
    asked = list(seen)
    every, _, _ = drawn_frames(scene_class, animations=animations, skip_empty_strokes=False)
    assert len(skipped) == len(every) > 5
    assert all(np.array_equal(a, b) for a, b in zip(skipped, every))
    if scene_class is StrokedAndNot:
        assert not all(asked)  # its groups hold strokes: drawn
    else:
        assert any(asked)  # ShortConv's cells and glyphs have none: skipped
    assert len(seen) == len(asked)  # with the switch off, nothing is asked: manimgl's method draws


def test_the_stroked_circle_is_drawn_with_its_stroke():
    """The frames above could all lack strokes; here the stroke is seen: white pixels on the circle's rim."""
    frames, _, _ = drawn_frames(StrokedAndNot, animations=(0, 1))
    last = frames[-1]
    white = (last.min(axis=2) > 230)
    assert white.sum() > 200  # the rim: neither the red fill nor the blue and yellow squares are white


def test_strokes_nothing_reads_widths_and_alphas():
    scene = StrokedAndNot(skip_animations=True, camera_config={"resolution": RESOLUTION})
    scene.run()
    ctx = scene.camera.ctx
    try:
        def wrapper(mob):
            return mob.get_shader_wrapper_list(ctx)[0]

        assert empty_strokes.strokes_nothing(wrapper(Square().set_stroke(width=0)))
        assert empty_strokes.strokes_nothing(wrapper(Square().set_stroke(WHITE, 4, opacity=0)))
        assert not empty_strokes.strokes_nothing(wrapper(Square().set_stroke(WHITE, 4)))
        one = VGroup(Square().set_stroke(width=0), Square().set_stroke(WHITE, 2).shift(RIGHT))
        assert not empty_strokes.strokes_nothing(wrapper(one))  # one stroked member: the group's pass draws
    finally:
        ctx.release()
