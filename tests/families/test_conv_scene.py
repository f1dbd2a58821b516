"""The flagship scene, headless: after every stage, the numbers on screen equal the trace."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from manim_support import format_value, glyphs_match, run, sampled_frames, shown_value  # noqa: I001  (imports manimlib first)
from convanim import conv2d
from convanim.manim import ConvLayerScene
from convanim.manim.mobjects.cells import NumberGrid
from manimlib import VMobject

SCENES = Path(__file__).resolve().parents[2] / "scenes"


def load_scene(file_name: str, class_name: str):
    spec = importlib.util.spec_from_file_location(f"scene_{Path(file_name).stem}", SCENES / file_name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return getattr(module, class_name)


Conv3x3 = load_scene("conv3x3.py", "Conv3x3")


def signed(v, decimals):
    """A number as the screen writes it: a minus sign (U+2212), integers whole."""
    text = format_value(v, decimals)
    return "−" + text[1:] if text.startswith("-") else text


def expected_running_caption(trace, step, decimals):
    """The running-sum statement, built here from the trace: final outputs are labelled y[...],
    partial sums say "after channel c ... so far"."""
    if trace.channels_per_filter == 1 and not trace.has_bias:  # one term: the products written out
        return expected_products_caption(trace, step, decimals)
    terms = [trace.bias[step.filter]] if trace.has_bias else []
    terms += list(trace.channel_sums[step.filter, step.oy, step.ox, :step.channel + 1])
    text = " + ".join(signed(v, decimals) for v in terms).replace("+ −", "− ")
    cell = f"y[{step.filter},{step.oy},{step.ox}]"
    label = cell if step.channel == trace.channels_per_filter - 1 else f"after channel {step.input_channel}: {cell} so far"
    return f"{label} = {text} = {signed(step.running_after, decimals)}"


def expected_products_caption(trace, step, decimals):
    """``Σ channel c = x·w + ... = s`` from the trace (negative factors bracketed)."""
    def factor(v):
        text = signed(v, decimals)
        return f"({text})" if text.startswith("−") else text
    terms = " + ".join(f"{factor(x)}·{factor(w)}" for x, w in zip(step.window.ravel(), step.weights.ravel()))
    terms = terms.replace("+ (−", "+ (−")
    label = (f"y[{step.filter},{step.oy},{step.ox}]" if trace.channels_per_filter == 1 and not trace.has_bias
             else f"Σ channel {step.input_channel}")
    return f"{label} = {terms} = {signed(step.channel_sum, decimals)}"


def frames_around(scene, mob) -> int:
    """How many mobjects on screen (outside ``mob``'s family) frame ``mob``: the same centre, a little wider."""
    own = {id(m) for m in mob.get_family()}
    return sum(1 for top in scene.mobjects for m in top.get_family()
               if id(m) not in own and isinstance(m, VMobject) and len(m.get_points()) and m.get_fill_opacity() > 0
               and np.abs(m.get_center() - mob.get_center()).max() < 0.02
               and mob.get_width() < m.get_width() < mob.get_width() + 0.3)


def checking(scene_class):
    """A subclass that checks the screen against the trace after every stage and counts the checks.

    It keeps its own picture of what each output cell should show: hidden until its filter's bias
    arrives, then the bias, then each step's running sum from the trace."""

    class Checked(scene_class):
        checks: dict = {}
        captions: list = []

        def after_bias(self, f):
            super().after_bias(f)
            t = self.trace
            if not hasattr(self, "expected"):
                self.expected = np.full(t.output.shape, np.nan)
            for k in range(t.num_filters):  # filters not yet introduced show nothing
                if k > f:
                    assert not self.output_grids[k].visible().any()
            self.expected[f] = t.running[f, :, :, 0]
            assert self.output_grids[f].visible().all()
            np.testing.assert_array_equal(self.output_grids[f].shown_values(), t.bias[f] if t.has_bias else 0)

        def after_stage(self, stage, step):
            t = self.trace
            counts = type(self).checks
            counts[stage] = counts.get(stage, 0) + 1
            caption = self.caption.text.replace("\n", " ")
            type(self).captions.append((stage, caption))
            front = self.input_stack.front_grid()
            assert self.input_stack.front == step.input_channel
            np.testing.assert_array_equal(front.shown_values(), t.padded[step.input_channel])
            cell = f"y[{step.filter},{step.oy},{step.ox}]"
            if stage == "kernel":
                # the caption names the window the kernel has just arrived on
                assert caption.startswith(f"{cell}: channel {step.input_channel}")
                np.testing.assert_array_equal(self.overlay.shown_values(), t.weight[step.filter, step.channel])
                for c, kernel in enumerate(self.kernel_grids):  # the filter panel
                    np.testing.assert_array_equal(kernel.shown_values(), t.weight[step.filter, c])
                if t.has_bias:
                    assert self.bias_chip.shown_value() == t.bias[step.filter]
                corner = front.cell(step.sources.rows[0], step.sources.cols[0]).get_center()
                np.testing.assert_allclose(self.overlay.tap(0, 0).get_center(), corner, atol=1e-6)
            if stage == "products":
                kh, kw = step.products.shape
                shown = np.array([shown_value(m) for m in self.products]).reshape(kh, kw)
                np.testing.assert_array_equal(shown, t.products[step.filter, step.oy, step.ox, step.channel])
                for ky in range(kh):
                    for kx in range(kw):
                        cell_mob = front.cell(step.sources.rows[ky], step.sources.cols[kx])
                        np.testing.assert_allclose(self.products[ky * kw + kx].get_center(), cell_mob.get_center(),
                                                   atol=1e-6)
            if stage == "sum":
                assert shown_value(self.sum_number) == t.channel_sums[step.filter, step.oy, step.ox, step.channel]
                if counts["sum"] == 1:  # the first detailed step writes the products out as a sum
                    assert caption == expected_products_caption(t, step, self.num_decimals)
            if stage == "output":
                assert caption == expected_running_caption(t, step, self.num_decimals)
                self.expected[step.filter, step.oy, step.ox] = t.running[step.filter, step.oy, step.ox,
                                                                         step.channel + 1]
            if stage in ("kernel", "output"):  # the panel highlights the kernel in use, and only that one
                assert [c for c, kernel in enumerate(self.kernel_grids)
                        for _ in range(frames_around(self, kernel))] == [step.channel]
            if stage in ("output", "done"):
                for f in range(t.num_filters):
                    shown = np.where(self.output_grids[f].visible(), self.output_grids[f].shown_values(), np.nan)
                    np.testing.assert_array_equal(shown, self.expected[f])

    Checked.__name__ = scene_class.__name__
    return Checked


def test_conv3x3_numbers_on_screen_equal_the_trace_at_every_step():
    scene_class = checking(Conv3x3)
    scene = run(scene_class)
    t = scene.trace
    assert t.input.shape == (3, 4, 4) and t.weight.shape == (3, 3, 3, 3) and t.output.shape == (3, 2, 2)
    assert t.input.min() >= 0 and t.input.max() <= 9 and 10 <= t.bias.min() and t.bias.max() <= 99
    steps = 3 * 3 * 2 * 2
    assert scene_class.checks["done"] == steps
    assert scene_class.checks["products"] == scene.detailed_steps
    assert scene_class.checks["output"] == steps
    final = np.stack([g.shown_values() for g in scene.output_grids])
    np.testing.assert_array_equal(final, conv2d(t.input, t.weight, t.bias))
    ref = F.conv2d(torch.tensor(t.input[None], dtype=torch.float64), torch.tensor(t.weight, dtype=torch.float64),
                   torch.tensor(t.bias, dtype=torch.float64)).numpy()[0]
    np.testing.assert_array_equal(final, ref)
    # The parameter count on screen: 3·3·3·3 + 3 = 84
    assert scene.params.text.replace(" ", "") == "parameters:3·3·3·3+3=84"


def test_drawn_glyphs_agree_with_number_state():
    scene = run(Conv3x3)
    numbers = [n for g in scene.output_grids for n in g.numbers] + list(scene.input_stack.front_grid().numbers)
    assert all(glyphs_match(n) for n in numbers)
    # The check can fail: glyphs of one value under the state of another.
    a, b = scene.output_grids[0].number(0, 0), scene.output_grids[0].number(0, 1)
    assert a.num_string != b.num_string
    broken = b.copy().move_to(a)
    broken.num_string = a.num_string
    assert not glyphs_match(broken)


class StridedPadded(ConvLayerScene):
    """2 channels of 5x5, 2 filters, stride 2, padding 1: output 2x3x3."""
    in_channels, input_size, out_channels = 2, (5, 5), 2
    stride, padding = 2, 1
    seed = 7
    detailed_steps = 3


def test_subclass_with_stride_and_padding_passes_the_same_checks():
    scene_class = checking(StridedPadded)
    scene = run(scene_class)
    t = scene.trace
    assert t.output.shape == (2, 3, 3)
    assert scene_class.checks["done"] == 2 * 2 * 3 * 3
    front = scene.input_stack.front_grid()
    assert front.shape == (7, 7)
    assert front.mask[0].all() and front.mask[:, 0].all() and not front.mask[1:6, 1:6].any()
    np.testing.assert_array_equal(front.shown_values()[front.mask], 0)
    final = np.stack([g.shown_values() for g in scene.output_grids])
    np.testing.assert_array_equal(final, conv2d(t.input, t.weight, t.bias, stride=2, padding=1))


class FloatLayer(ConvLayerScene):
    """Float values are shown with ``decimals`` places."""
    in_channels, out_channels = 2, 1
    input_values = np.round(np.random.default_rng(1).standard_normal((2, 4, 4)), 2)
    weight_values = np.round(np.random.default_rng(2).standard_normal((1, 2, 3, 3)), 2)
    bias_values = np.array([0.5])
    detailed_steps = 2


def test_float_values_shown_rounded_to_the_decimals():
    scene = run(FloatLayer)
    shown = scene.output_grids[0].shown_values()
    np.testing.assert_allclose(shown, np.round(scene.trace.output[0], 2), atol=5e-3 + 1e-9)
    assert all(n.num_string.replace("–", "-") == format_value(v, 2)
               for n, v in zip(scene.output_grids[0].numbers, scene.trace.output[0].ravel()))


@pytest.mark.parametrize("options,pattern", [
    (dict(input_size=(2, 2)), r"kernel_size \(3, 3\).*larger than the padded input 2×2"),
    (dict(stride=2, padding="same"), r"'same' needs stride 1"),
    (dict(groups=2), r"groups=2 must divide both"),
])
def test_impossible_options_fail_at_setup_with_the_core_message(options, pattern):
    bad = type("Bad", (Conv3x3,), options)
    with pytest.raises(ValueError, match=pattern):
        run(bad)


def test_negative_numbers_in_captions_get_a_minus_sign():
    class Negative(ConvLayerScene):
        in_channels, input_size, out_channels, kernel_size = 2, (3, 3), 1, (2, 2)
        input_range, weight_range, bias_range = (1, 9), (-9, -1), (-50, -10)

    captions = []

    class Recorded(checking(Negative)):  # checking(): every caption equals the text with U+2212 minus signs
        def after_stage(self, stage, step):
            super().after_stage(stage, step)
            captions.append(self.caption.text)

    scene = run(Recorded)
    assert scene.trace.bias[0] < 0 and (scene.trace.output < 0).all()
    equations = [c for c in captions if " = " in c]
    assert equations and all("-" not in c and c.split(" = ")[-1].startswith("−") for c in equations)


class SmallShadedSweep(ConvLayerScene):
    """A 6×6 input, one 3×3 filter, grids shaded (no numbers): its 16 windows are a long, quick sweep."""
    in_channels, input_size, out_channels, kernel_size, seed = 1, (6, 6), 1, (3, 3), 3
    max_numbered_cells, sweep_captions, detailed_steps = 8, 4, 1
    stage_time = pause_time = 0.1


def sweep_frames(in_rows: bool, sweep_time: float):
    """For each frame of the sweep: the output cells' colours (rgba), the kernel's and the marker's centres."""
    def sample(scene):
        if scene.steps_shown >= scene.detailed_steps and scene.overlay is not None:
            return (np.array([sq.data["fill_rgba"][0] for sq in scene.output_grids[0].squares]),
                    scene.overlay.get_center(), scene.cell_marker.get_center())
    return sampled_frames(SmallShadedSweep, sample, sweep_in_rows=in_rows, sweep_time=sweep_time)


@pytest.mark.parametrize("sweep_time", [0.6, 1 / 15])  # 18 frames a window; 2, as MnistSizedConv's
def test_a_sweep_in_rows_shows_each_frame_of_the_step_by_step_sweep(sweep_time):
    by_step, one_by_one = sweep_frames(False, sweep_time)
    in_rows, scene = sweep_frames(True, sweep_time)
    assert not scene.output_grids[0].show_numbers and scene.long_sweep
    assert [len(run) for run in scene.runs_of_steps()] == [1, 3, 4, 4, 4]  # the detailed step, then the rows
    assert len(in_rows) == len(by_step) > 2 * 15  # no frame lost or added
    for (colours, kernel, marker), (want_colours, want_kernel, want_marker) in zip(in_rows, by_step):
        np.testing.assert_allclose(colours, want_colours, atol=1.5 / 255)  # the same shade in every frame
        np.testing.assert_allclose(kernel, want_kernel, atol=1e-9)  # the kernel slides as it did
        np.testing.assert_allclose(marker, want_marker, atol=1e-9)
    assert scene.plays < one_by_one.plays - 10  # the sweep took fewer plays
    # at the end the kernel's tap (0, 0) is on the last window's corner, and every cell has its last colour
    last = scene.steps[-1]
    corner = scene.input_stack.front_grid().cell(last.sources.rows[0], last.sources.cols[0]).get_center()
    np.testing.assert_allclose(scene.overlay.tap(0, 0).get_center(), corner, atol=1e-6)


def test_a_long_sweep_has_one_caption_and_a_short_one_a_statement_per_step():
    said = []

    def recording(scene_class):
        class Recorded(scene_class):
            def after_stage(self, stage, step):
                if stage == "output" and self.steps_shown >= self.detailed_steps:
                    said.append(self.caption.text.replace("\n", " "))
        return Recorded

    long = run(recording(SmallShadedSweep))
    assert said == ["the other windows, quickly: each adds Σ window × kernel into its output cell"] * 15
    red = long.palette.ramp(1, 1)
    assert all(sq.get_fill_color().lower() == red.lower() for sq in long.output_grids[0].squares)  # every cell done
    said.clear()
    short = run(recording(type("Short", (SmallShadedSweep,), {"sweep_captions": 64})))
    t = short.trace
    assert said == [expected_running_caption(t, step, short.num_decimals) for step in short.steps[1:]]


class TwoChannelsByCell(ConvLayerScene):
    """Two channels taken cell by cell: the stack swaps at every step, with the kernel on the front grid."""
    in_channels, out_channels, input_size, order, detailed_steps = 2, 1, (3, 4), "cell", 0
    show_code = False


def test_the_kernel_fades_out_over_the_swapping_grids_not_under_them():
    """While a channel stack swaps, the kernel leaving is drawn after (over) the two grids that swap, as it was
    over the front grid: the drawing order of the scene's mobjects when each swap's first frame is drawn."""
    orders = []

    class Watched(TwoChannelsByCell):
        def begin_animations(self, animations):
            super().begin_animations(animations)
            leaving = [a.mobject for a in animations if a.mobject is getattr(self, "overlay", None)]
            grids = [self.mobjects.index(a.mobject) for a in animations if isinstance(a.mobject, NumberGrid)]
            if leaving and len(grids) == 2:  # the swap: two grids, and the kernel leaving
                orders.append((max(grids), self.mobjects.index(leaving[0])))

    run(Watched)
    assert len(orders) >= 2 and all(kernel > grids for grids, kernel in orders), orders
