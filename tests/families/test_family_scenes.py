"""The convolution-arithmetic and pooling scenes: screen against the core and PyTorch."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from manim_support import load_module, run, shown_value  # noqa: I001  (imports manimlib first)
from convanim import output_size
from test_conv_scene import checking

arithmetic = load_module("arithmetic")
pooling = load_module("pooling")
GUIDE_CASES = {  # name: (i, k, p, s, d, o) from the guide
    "NoPaddingUnitStrides": (4, 3, 0, 1, 1, 2), "ArbitraryPadding": (5, 4, 2, 1, 1, 6),
    "HalfPadding": (5, 3, 1, 1, 1, 5), "FullPadding": (5, 3, 2, 1, 1, 7), "NoPaddingStrides": (5, 3, 0, 2, 1, 2),
    "PaddingStrides": (5, 3, 1, 2, 1, 3), "PaddingStridesOdd": (6, 3, 1, 2, 1, 3), "Dilation": (7, 3, 0, 1, 2, 3),
}


@pytest.mark.parametrize("name", list(GUIDE_CASES))
def test_guide_case_numbers_and_formula(name):
    i, k, p, s, d, o = GUIDE_CASES[name]
    scene = run(checking(getattr(arithmetic, name)))
    t = scene.trace
    assert t.output.shape == (1, o, o)
    ref = F.conv2d(torch.tensor(t.input[None], dtype=torch.float64), torch.tensor(t.weight, dtype=torch.float64),
                   stride=s, padding=p, dilation=d).numpy()[0]
    np.testing.assert_array_equal(scene.output_grids[0].shown_values(), ref[0])
    formula = scene.formula[0].text
    numbers = f"⌊({i} + 2·{p} − {d}·({k}−1) − 1)/{s}⌋ + 1 = {o}"
    assert formula.endswith(numbers), formula
    assert int(re.findall(r"= (\d+)$", formula)[0]) == output_size(i, k, s, p, d)


def test_odd_case_marks_the_row_and_column_never_visited():
    scene = run(arithmetic.PaddingStridesOdd)
    grid = scene.input_stack.front_grid()
    marked = {tuple(int(v) for v in np.argwhere(np.isclose(
        [np.linalg.norm(grid.cell(r, c).get_center() - m.get_center()) for r in range(8) for c in range(8)], 0))[0])
        for m in scene.unvisited_marks}
    marked = {(idx // 8, idx % 8) for (idx,) in marked}
    # by hand: windows start at rows/cols 0, 2, 4 and span 3 cells, so row 7 and column 7 are never read
    assert marked == {(7, j) for j in range(8)} | {(r, 7) for r in range(8)}
    assert "row 7 and column 7" in scene.unvisited_label.text


def test_cases_without_unvisited_cells_mark_nothing():
    scene = run(arithmetic.PaddingStrides)
    assert not hasattr(scene, "unvisited_marks")


def test_padding_modes_show_torch_padding():
    scene = run(arithmetic.PaddingModesCompared)
    x = torch.tensor(np.asarray(scene.input_values)[None, None], dtype=torch.float64)
    for mode, torch_mode in (("zeros", "constant"), ("reflect", "reflect"), ("replicate", "replicate"),
                             ("circular", "circular")):
        ref = F.pad(x, (2, 2, 2, 2), mode=torch_mode).numpy()[0, 0]
        np.testing.assert_array_equal(scene.grids[mode].shown_values(), ref)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_a_convolution_runs_under_each_padding_mode(mode):
    """The padding cells show the mode's values and the outputs equal torch's Conv2d with that padding_mode."""
    class Padded(arithmetic.ConvArithmetic):
        input_size, kernel_size, padding = (4, 4), (3, 3), 1
        padding_mode = mode

    scene = run(checking(Padded))  # every stage's numbers against the trace
    t = scene.trace
    conv = torch.nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(t.weight, dtype=torch.float64))
        ref = conv(torch.tensor(t.input[None], dtype=torch.float64)).numpy()[0, 0]
    np.testing.assert_array_equal(scene.output_grids[0].shown_values(), ref)
    padded = F.pad(torch.tensor(t.input[None], dtype=torch.float64), (1, 1, 1, 1), mode=mode).numpy()[0, 0]
    np.testing.assert_array_equal(scene.input_stack.front_grid().shown_values(), padded)


def test_three_line_subclass_works():
    class Lecture(arithmetic.ConvArithmetic):
        input_size, kernel_size, padding, stride = (7, 7), (5, 5), 2, 3
    scene = run(checking(Lecture))
    assert scene.trace.output.shape == (1, 3, 3)
    assert scene.formula[0].text.endswith("= 3")


def checked_pooling(scene_class):
    class Checked(scene_class):
        windows = 0

        def after_window(self, step):
            type(self).windows += 1
            t = self.trace
            x = torch.tensor(t.input[None], dtype=torch.float64)
            if self.mode == "max":
                ref, idx = F.max_pool2d(x, t.geometry.kernel, t.geometry.stride, t.geometry.pads[::2],
                                        t.geometry.dilation, self.ceil_mode, return_indices=True)
                assert step.index == idx[0, 0, step.oy, step.ox].item()
                h, w = divmod(step.index, t.geometry.input[1])
                cell = self.input_grid.cell(h + t.geometry.pads[0], w + t.geometry.pads[2])
                assert np.allclose(self.winner_mark.get_center(), cell.get_center())
            else:
                ref = F.avg_pool2d(x, t.geometry.kernel, t.geometry.stride, t.geometry.pads[::2], self.ceil_mode,
                                   self.count_include_pad, self.divisor_override)
            ref = ref.numpy()[0, 0]
            shown = self.output_grid.numbers[step.oy * t.geometry.out[1] + step.ox]
            assert shown.family_members_with_points()[0].get_fill_opacity() > 0.99  # revealed
            value = shown_value(shown)
            want = np.round(ref[step.oy, step.ox], self.num_decimals)
            assert (np.isnan(value) and np.isnan(want)) or abs(value - want) < 1e-9
            assert self.caption.text.startswith(f"y[{step.oy},{step.ox}] = ")
    return Checked


@pytest.mark.parametrize("name", [c.__name__ for c in pooling.SCENES_IN_ORDER])
def test_pooling_scenes_match_torch(name):
    scene_class = checked_pooling(getattr(pooling, name))
    scene = run(scene_class)
    assert scene_class.windows == scene.trace.output[0].size
    assert scene.revealed.all()
    pad = scene.input_grid.mask
    shown = scene.input_grid.shown_values()
    np.testing.assert_array_equal(shown[~pad].reshape(scene.trace.input.shape[1:]), scene.trace.input[0])
    if scene.mode == "max":
        assert all(np.isneginf(v) for v in shown[pad])
    if scene.winner_mark is not None:  # the last winner's ring leaves with the window frames
        assert not any(scene.winner_mark in top.get_family() for top in scene.mobjects)


def test_ties_go_to_the_first_maximum_and_nan_wins():
    ties = run(pooling.MaxPoolTies)
    assert ties.trace.indices[0, 0, 0] == 0   # the 5 at (0,0) beats the 5s at (0,1) and (1,0)
    assert ties.trace.indices[0, 1, 0] == 9   # window [[0,7],[7,7]]: the 7 at (2,1) = 2*4+1 comes first
    nan = run(pooling.MaxPoolNaN)
    assert np.isnan(nan.output_grid.shown_values()[0, 0])


def test_padding_above_half_the_kernel_fails_at_setup():
    bad = type("Bad", (pooling.PoolingScene,), {"kernel_size": 2, "padding": 2})
    with pytest.raises(ValueError, match="at most half of kernel_size"):
        run(bad)


def test_pooling_padding_is_drawn_on_all_four_sides():
    # 4x4 input, padding 1: a 6x6 grid whose border (and only the border) is padding, −∞ for max.
    scene = run(type("Padded", (pooling.PoolingScene,), {"kernel_size": 3, "stride": 2, "padding": 1}))
    shown = scene.input_grid.shown_values()
    assert shown.shape == (6, 6)
    border = np.ones((6, 6), dtype=bool)
    border[1:5, 1:5] = False
    np.testing.assert_array_equal(scene.input_grid.mask, border)
    assert all(np.isneginf(v) for v in shown[border])


def test_pooling_marks_the_cells_no_window_visits():
    # i=5, k=2, s=2, p=1: windows start at 0, 2, 4 of the 7 padded cells and cover 0..5; row 6 and column 6
    # (the bottom and right padding) are never read, as in the arithmetic scenes.
    scene = run(type("Odd", (pooling.PoolingScene,), {"input_size": (5, 5), "kernel_size": 2, "padding": 1}))
    marked = {tuple(np.round(m.get_center()[:2], 6)) for m in scene.unvisited_marks}
    expected = {(i, j) for i in range(7) for j in range(7) if i == 6 or j == 6}
    assert marked == {tuple(np.round(scene.input_grid.cell(i, j).get_center()[:2], 6)) for i, j in expected}
    assert "row 6 and column 6" in scene.unvisited_label.text
    assert not hasattr(run(pooling.MaxPool2x2), "unvisited_marks")


def test_average_pooling_sets_apart_padding_that_does_not_count():
    captions = {}

    class Exclude(pooling.PoolingScene):
        mode, input_values, kernel_size, stride, padding = "avg", np.arange(16).reshape(4, 4), 2, 2, 1
        count_include_pad = False

        def after_window(self, step):
            captions[step.oy, step.ox] = self.caption.text
            opacity = [m.get_fill_opacity() for m in self.window_frames]
            faint[step.oy, step.ox] = [o < 1 for o in opacity] == list(step.is_padding.flat)

    faint = {}
    run(Exclude)
    # Worked by hand: window (0,0) holds 3 padding cells and x[0,0] = 0; window (0,1) holds x[0,1], x[0,2].
    assert captions[0, 0] == "y[0,0] = 0 ÷ 1 = 0.00; 3 padding cells not counted"
    assert captions[0, 1] == "y[0,1] = (1 + 2) ÷ 2 = 1.50; 2 padding cells not counted"
    assert captions[1, 1] == "y[1,1] = (5 + 6 + 9 + 10) ÷ 4 = 7.50"
    assert all(faint.values())  # the window's taps on padding are drawn faint, the others in full


transposed = load_module("transposed")
TRANSPOSED_CASES = ["NoPaddingUnitStrides", "ArbitraryPadding", "HalfPadding", "FullPadding", "Strides",
                    "PaddingStrides", "PaddingStridesOdd"]


def checked_scatter(scene_class):
    class Checked(scene_class):
        steps = 0

        def after_products(self, step):
            shown = [shown_value(m) for m in self.products]
            expected = [step.value * self.trace.weight[0, 0, ky, kx] for ky, kx, _, _ in self.target_cells(step)]
            assert shown == expected

        def after_step(self, step):
            type(self).steps += 1
            np.testing.assert_array_equal(self.output_grid.shown_values(), step.output_after[0])
    return Checked


@pytest.mark.parametrize("case", TRANSPOSED_CASES)
def test_both_transposed_views_end_on_torch_conv_transpose2d(case):
    scatter_class = checked_scatter(getattr(transposed, f"{case}Scatter"))
    scatter = run(scatter_class)
    direct = run(checking(getattr(transposed, f"{case}AsConv")))
    x, w = scatter.transposed_arrays()
    ref = F.conv_transpose2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(w, dtype=torch.float64),
                             stride=scatter.stride, padding=scatter.padding,
                             output_padding=scatter.output_padding).numpy()[0, 0]
    assert scatter_class.steps == x.size
    np.testing.assert_array_equal(scatter.input_grid.shown_values(), x[0])
    np.testing.assert_array_equal(scatter.kernel_grid.shown_values(), w[0, 0])
    np.testing.assert_array_equal(scatter.output_grid.shown_values(), ref)
    np.testing.assert_array_equal(direct.output_grids[0].shown_values(), ref)
    assert scatter.formula.text.endswith(f"= {ref.shape[0]}")
    # the direct view's input shows the input values at the places the core put them, zeros elsewhere
    grid = direct.input_stack.front_grid()
    d = direct.direct
    np.testing.assert_array_equal(grid.shown_values()[np.ix_(d.source_rows, d.source_cols)], x[0])
    assert (grid.shown_values()[grid.mask] == 0).all()


def test_output_padding_not_below_stride_fails_at_setup():
    bad = type("Bad", (transposed.TransposedScatter,), {"stride": 2, "output_padding": 2})
    with pytest.raises(ValueError, match="output_padding"):
        run(bad)


def test_scatter_caption_names_the_input_cell_and_the_output_cells_it_reaches():
    captions = []

    class Lecture(transposed.TransposedScatter):
        input_values = np.array([[[1, 2], [3, 4]]])
        weight_values = np.ones((1, 1, 3, 3), dtype=np.int64)
        input_size, stride, padding, output_padding = (2, 2), 1, 1, 0

        def after_step(self, step):
            captions.append(self.caption.text)

    run(Lecture)
    # Worked by hand: stride 1, padding 1, 3x3 kernel: the output is 2x2 and x[i,j]'s kernel lands on
    # rows i-1..i+1, columns j-1..j+1; the taps outside the 2x2 output are cropped (5 of 9 at each corner).
    assert captions == [f"x[{i},{j}] = {v}; it adds {v} × kernel into output rows 0…1, columns 0…1 "
                        f"(5 taps fall outside the output)" for (i, j), v in zip([(0, 0), (0, 1), (1, 0), (1, 1)],
                                                                                [1, 2, 3, 4])]
