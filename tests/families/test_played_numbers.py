"""Numbers as the viewer sees them at the end of each play, not only between stages (issue 32: a count-up that
animated to the previous running sum passed, because the scene sets the exact value after the play and the tests
read the grids only then).

At the end of every play that changes an output cell, that cell's number is read from its mobject and compared
with the running sum worked out here from torch: the bias plus the window sums of the channels so far."""
import numpy as np
import torch
import torch.nn.functional as F

from manim_support import draws, run  # noqa: I001  (imports manimlib first)
from render_support import load_short


def running_sums(scene) -> np.ndarray:
    """(F, C/groups, OH, OW): output cell (f, oy, ox) after channel c of its filter, from torch."""
    t = scene.trace
    x = torch.tensor(t.input[None], dtype=torch.float64)
    w = torch.tensor(t.layer.weight, dtype=torch.float64)
    f_count, per_group = w.shape[:2]
    out = []
    for c in range(per_group):
        keep = torch.zeros_like(w)
        keep[:, :c + 1] = w[:, :c + 1]
        out.append(F.conv2d(x, keep, torch.tensor(t.bias, dtype=torch.float64) if t.has_bias else None,
                            stride=scene.stride, padding=scene.padding, dilation=scene.dilation, groups=scene.groups)[0])
    return torch.stack(out, dim=1).numpy()


def test_every_output_number_is_right_when_its_play_ends():
    """Read after each play that changes an output cell, before the scene's own exact ``set_number`` that
    follows: the glyphs the next frame draws (a play's last emitted frame is just before its end, alpha < 1)."""
    base = load_short("ShortConv")
    seen = {}

    class Watched(base):
        detailed_steps = 2
        changing = None

        def add_into_output(self, step):
            self.changing = step
            super().add_into_output(step)
            self.changing = None

        def sweep_step(self, step):
            self.changing = step
            super().sweep_step(step)
            self.changing = None

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            step = self.changing
            if step is not None:
                number = self.output_grids[step.filter].number(step.oy, step.ox)
                seen[(step.filter, step.channel, step.oy, step.ox)] = number.copy()  # as drawn now

    scene = run(Watched)
    expected = running_sums(scene)
    assert len(seen) == len(list(scene.trace.steps(scene.order))) == expected.size
    for (f, c, oy, ox), number in seen.items():  # the glyphs drawn, not the number's state
        assert draws(number, int(expected[f, c, oy, ox])), (f, c, oy, ox, expected[f, c, oy, ox])


def test_reading_digits_from_their_outlines_tells_every_two_digits_apart():
    """``draws`` reads a number from the area its glyphs fill: every two different digits (in every place of a
    three-digit number) differ by more than its tolerance."""
    from convanim.manim.mobjects.numbers import make_number

    for a in range(10):
        for b in range(10):
            number = make_number(int(f"{a}{a}{a}"), 0, 30, "#FFFFFF")
            assert draws(number, int(f"{b}{b}{b}")) == (a == b), (a, b)
    number = make_number(248, 0, 30, "#FFFFFF")
    assert draws(number, 248) and not draws(number, 246) and not draws(number, 288)
