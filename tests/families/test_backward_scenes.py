"""The backward scenes: every gradient read back from the mobjects, against torch.autograd."""
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import manim_support  # noqa: F401  (imports manimlib first)
from manim_support import run, sampled_frames

from convanim.manim.speed.settings import SpeedSettings

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("backward_scenes", ROOT / "scenes" / "backward.py")
backward = importlib.util.module_from_spec(spec)
spec.loader.exec_module(backward)


def autograd_pool(scene):
    """dL/dx of the scene's forward layer by torch.autograd, with the dL/dy the scene shows."""
    x = torch.tensor(np.asarray(scene.trace.forward.input, dtype=np.float64)[None], requires_grad=True)
    g = torch.tensor(scene.grad_out_grid.shown_values()[None, None])
    if scene.mode == "max":
        y = F.max_pool2d(x, scene.kernel_size, scene.stride, scene.padding, scene.dilation, scene.ceil_mode)
    else:
        y = F.avg_pool2d(x, scene.kernel_size, scene.stride, scene.padding, scene.ceil_mode, scene.count_include_pad,
                         scene.divisor_override)
    y.backward(g)
    return x.grad.numpy()[0, 0]


class Recording:
    """Mixin: after each window, note the dL/dx grid as drawn and the winner ring's cell."""

    def after_window(self, step):
        self.drawn = getattr(self, "drawn", [])
        self.drawn.append((step.oy, step.ox, self.grad_in_grid.shown_values().copy(), self.caption.text))


@pytest.mark.parametrize("name", ["MaxPoolBackward", "AvgPoolBackward", "AvgPoolBackwardPadded"])
def test_the_drawn_input_gradient_ends_equal_to_autograd(name):
    scene = run(type(name, (Recording, getattr(backward, name)), {}))
    # the input and dL/dy as drawn are the trace's (max pooling's padding drawn as −∞)
    padded = scene.trace.forward.padded[0].astype(float)
    mask = scene.input_grid.mask
    padded[mask] = -np.inf if scene.mode == "max" else 0
    np.testing.assert_array_equal(scene.input_grid.shown_values(), padded)
    np.testing.assert_array_equal(scene.grad_out_grid.shown_values(), scene.trace.grad_output[0])
    reference = autograd_pool(scene)
    np.testing.assert_allclose(scene.grad_in_grid.shown_values(), reference,
                               atol=0.5 * 10 ** -scene.grad_in_grid.decimals)
    # window by window, the drawn grid only ever changes in the cells that window reaches
    previous = np.zeros_like(reference)
    for oy, ox, drawn, _ in scene.drawn:
        changed = np.argwhere(~np.isclose(drawn, previous))
        reached = scene.targets(next(s for s in scene.trace.forward.steps() if (s.oy, s.ox) == (oy, ox)))
        assert all(tuple(c) in reached for c in changed)
        previous = drawn


def test_max_pool_sends_each_gradient_to_torchs_argmax():
    scene = run(type("Rec", (Recording, backward.MaxPoolBackward), {}))
    x = torch.tensor(np.asarray(scene.trace.forward.input, dtype=np.float64)[None])
    _, index = F.max_pool2d(x, 3, 2, return_indices=True)
    width = x.shape[-1]
    for oy, ox, _, caption in scene.drawn:
        h, w = divmod(int(index[0, 0, oy, ox]), width)
        assert f"x[{h},{w}] won the window" in caption
        assert f"dL/dx[{h},{w}]" in caption
    # the lesson of this example: x[2,3] wins two windows and collects both gradients, −1 + 4
    assert scene.grad_in_grid.shown_values()[2, 3] == 3


def test_a_gradient_of_the_wrong_shape_is_refused_before_any_frame():
    class Wrong(backward.MaxPoolBackward):
        grad_values = np.ones((3, 3))

    with pytest.raises(ValueError, match=r"grad_output .*\(1, 2, 2\).*\(1, 3, 3\)"):
        run(Wrong)


class StepRecording:
    """Mixin: after each training step, note the kernel, the shown map and the loss as drawn."""

    def after_step(self, step):
        self.drawn = getattr(self, "drawn", [])
        self.drawn.append((self.weight_grid.shown_values().copy(), self.output_grid.shown_values().copy(),
                           float(self.loss_number.num_string.replace("–", "-"))))


def test_gradient_descent_draws_torch_sgd_step_by_step():
    scene = run(type("Rec", (StepRecording, backward.GradientDescent), {}))
    images = torch.tensor(scene.problem.images)
    targets = torch.tensor(scene.problem.targets)
    w = torch.zeros((1, 1, 3, 3), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=scene.lr)
    losses = []
    for weights, shown_map, loss in scene.drawn:
        y = F.conv2d(images, w)
        reference = F.mse_loss(y, targets)
        # the drawn loss and map are the forward pass of the weights before this step's update
        assert loss == pytest.approx(reference.item(), abs=0.5e-4)
        np.testing.assert_allclose(shown_map, y.detach().numpy()[scene.shown_image, 0], atol=0.005)
        optimizer.zero_grad()
        reference.backward()
        optimizer.step()
        np.testing.assert_allclose(weights, w.detach().numpy()[0, 0], atol=0.005)  # the update, as drawn
        losses.append(loss)
    assert len(losses) == scene.steps and all(b <= a for a, b in zip(losses, losses[1:]))
    # the example and its target as drawn: the ±1 image and its map through the vertical-edge kernel, by hand
    image = scene.image_grid.shown_values()
    np.testing.assert_array_equal(image, scene.problem.images[scene.shown_image, 0])
    edges = image[:, 2:] - image[:, :-2]
    np.testing.assert_array_equal(scene.target_grid.shown_values(), edges[:-2] + edges[1:-1] + edges[2:])
    # it ends beside the kernel that made the targets
    np.testing.assert_array_equal(scene.answer_grid.shown_values(), [[-1, 0, 1]] * 3)


class PlayRecording:
    """Mixin: every play's leaf animations, and the grids' number mobjects just before it."""

    def play(self, *animations, **kwargs):
        from convanim.manim.rendering.batched_scene import leaf_animations
        grids = (self.output_grid, self.grad_grid, self.weight_grid)
        self.played = getattr(self, "played", [])
        self.played.append((leaf_animations(animations), [{id(n) for n in g.numbers} for g in grids]))
        super().play(*animations, **kwargs)


def test_gradient_descent_fades_each_grids_numbers_out_before_the_new_ones_in():
    from manimlib import Transform
    from convanim.manim.animations.fades import OpacityFade
    scene = run(type("Rec", (PlayRecording, backward.GradientDescent), {"show_code": False}))  # the grids' story
    changed = 0
    for leaves, before in scene.played:
        assert not any(isinstance(a, Transform) for a in leaves)  # no glyph ever morphs between two numbers
        fades = [a for a in leaves if isinstance(a, OpacityFade)]
        for ids in before:
            going = [a for a in fades if {id(m) for m in a.mobject} == ids]
            if going:
                # the old numbers are gone by half time, and their successors only start then
                changed += 1
                [out] = going
                assert out.rate_func(0.5) == pytest.approx(1.0) and out.rate_func(0.25) < 1.0
                comers = [a for a in fades if a is not out and len(a.mobject) == len(ids)
                          and a.rate_func(0.5) == pytest.approx(0.0) and a.rate_func(0.75) > 0.0]
                assert comers
    # forward, gradient and update each change a grid: three per step
    assert changed == 3 * scene.steps


class FilterRecording:
    """Mixin: when a filter's gradients are complete, note the drawn dL/dw grids and dL/db; keep every caption."""

    def caption_to(self, text, font_size=None):
        self.said = getattr(self, "said", [])
        self.said.append(str(text))
        return super().caption_to(text, font_size)

    def after_filter(self, f):
        self.drawn = getattr(self, "drawn", [])
        assert all(min(float(g.get_fill_opacity()) for g in n.family_members_with_points()) > 0.95
                   for grid in self.weight_grids for n in grid.numbers)  # every glyph drawn
        self.drawn.append((np.stack([g.shown_values() for g in self.weight_grids]),
                           float(self.bias_number.num_string.replace("–", "-"))))

    def after_scatter(self, c):
        top, _, left, _ = self.trace.geometry.pads
        h, w = self.trace.geometry.input
        grid = self.grad_input_grid
        self.scattered = (c, grid.shown_values()[top:top + h, left:left + w].copy())
        shown = grid.visible() & np.array([float(sq.get_fill_opacity()) > 0 for sq in grid.squares]).reshape(grid.shape)
        self.cells_left = (shown, self.trace.geometry.pads)

    def settle(self):
        self.regions = getattr(self, "regions", [])
        changed = [(r, q) for r, q, _ in self._pending]
        self.regions.append((self.caption.text, changed))
        super().settle()


def test_conv_backward_draws_autograds_weight_and_bias_gradients():
    scene = run(type("Rec", (FilterRecording, backward.ConvBackward), {}))
    x = torch.tensor(scene.trace.input[None].astype(np.float64))
    w = torch.tensor(scene.trace.weight.astype(np.float64), requires_grad=True)
    b = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    g = np.stack([m.shown_values() for m in scene.grad_maps])  # dL/dy as drawn
    np.testing.assert_array_equal(g, scene.trace.grad_output)
    x.requires_grad_(True)
    F.conv2d(x, w, b).backward(torch.tensor(g[None]))
    assert len(scene.drawn) == 3
    for f, (weights, bias) in enumerate(scene.drawn):
        np.testing.assert_array_equal(weights, w.grad.numpy()[f])
        assert bias == b.grad.numpy()[f]
    # the first weights are written out term by term: the input value tap (ky, kx) read at each window,
    # times dL/dy[0] there, in row-major window order, then the total
    for ky, kx in [(0, 0), (0, 1), (0, 2)]:
        caption = next(c for c in scene.said if c.startswith(f"dL/dw[0,0,{ky},{kx}] = "))
        _, expression, total = caption.split(" = ")
        pairs = [term.strip("() ").split("·") for term in re.split(r" [+−] ", expression)]
        signs = [1] + [1 if sign == "+" else -1 for sign in re.findall(r" ([+−]) ", expression)]
        written = [(int(a), sign * int(b.strip("()").replace("−", "-"))) for (a, b), sign in zip(pairs, signs)]
        assert written == [(int(x[0, 0, oy + ky, ox + kx]), int(g[0, oy, ox])) for oy in range(2) for ox in range(2)]
        assert int(total.replace("−", "-")) == int(w.grad[0, 0, ky, kx])
    # dL/dx of channel 0, as the scatter left it, is autograd's; each window only touched its own 3×3 region
    c, drawn = scene.scattered
    np.testing.assert_array_equal(drawn, x.grad.numpy()[0, c])
    # beside it, the input channel and the last kernel it scattered, as the trace has them
    np.testing.assert_array_equal(scene.input_grid.shown_values(), scene.trace.padded[c])
    last = scene.trace.filters_of_channel(c)[-1]
    np.testing.assert_array_equal(scene.kernel_grid.shown_values(), scene.trace.weight[last, c])
    for caption, changed in scene.regions:
        found = re.search(r"rows (\d+)–(\d+), columns (\d+)–(\d+)", caption.replace("\n", " "))
        r0, r1, q0, q1 = (int(v) for v in found.groups())
        assert all(r0 <= r <= r1 and q0 <= q <= q1 for r, q in changed)
    assert len(scene.regions) == 3 * 4  # every window of every filter


@pytest.mark.parametrize("name", ["ConvBackwardStrided", "ConvBackwardReflect"])
def test_padding_gradients_are_dropped_or_folded_as_autograd_does(name):
    scene = run(type("Rec", (FilterRecording, getattr(backward, name)), {}))
    t = scene.trace
    x = torch.tensor(t.input[None].astype(np.float64), requires_grad=True)
    w = torch.tensor(t.weight.astype(np.float64), requires_grad=True)
    b = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    g = np.stack([m.shown_values() for m in scene.grad_maps])
    y = F.conv2d(F.pad(x, (1, 1, 1, 1), mode=scene.padding_mode) if scene.padding_mode != "zeros" else x, w, b,
                 stride=scene.stride, padding=scene.padding if scene.padding_mode == "zeros" else 0)
    y.backward(torch.tensor(g[None]))
    for f, (weights, bias) in enumerate(scene.drawn):
        np.testing.assert_array_equal(weights, w.grad.numpy()[f])
        assert bias == b.grad.numpy()[f]
    c, drawn = scene.scattered
    np.testing.assert_array_equal(drawn, x.grad.numpy()[0, c])
    # only the input's cells are left on screen: the padding ring is gone
    shown, (top, bottom, left, right) = scene.cells_left
    expected = np.zeros(shown.shape, dtype=bool)
    expected[top:shown.shape[0] - bottom, left:shown.shape[1] - right] = True
    np.testing.assert_array_equal(shown, expected)
    said = " ".join(scene.said)
    assert ("dropped" in said) == (scene.padding_mode == "zeros")
    assert ("copied" in said) == (scene.padding_mode != "zeros")


class ConvolutionRecording:
    """Mixin: the dL/dx grid after each gradient map, at the end, and the dL/dw grid after each filter."""

    def after_cell(self, f, y, x):
        self.partial = getattr(self, "partial", {})
        self.partial[f] = self.grad_input_grid.shown_values().copy()
        self.turned = getattr(self, "turned", {})
        self.turned[f] = (self.padded_grad.shown_values().copy(), self.flipped_grid.shown_values().copy(),
                          self.kernel_grid.shown_values().copy())

    def after_input_gradient(self):
        self.grad_input_drawn = self.grad_input_grid.shown_values().copy()
        self.grad_input_label = self.labels[3].text
        self.input_rule = self.rule.text.replace("\n", " ")

    def after_weight_gradient(self, f):
        self.weights_drawn = getattr(self, "weights_drawn", {})
        self.weights_drawn[f] = (self.weight_grid.shown_values().copy(), self.map_grid.shown_values().copy(),
                                 self.x_grid.shown_values().copy())


@pytest.mark.parametrize("name", ["ConvBackwardAsConvolution", "ConvBackwardAsConvolutionStrided"])
def test_the_backward_convolutions_end_on_autograds_numbers(name):
    scene = run(type("Rec", (ConvolutionRecording, getattr(backward, name)), {}))
    t, c = scene.trace, scene.channel
    s = scene.stride
    x = torch.tensor(t.input[None].astype(np.float64), requires_grad=True)
    w = torch.tensor(t.weight.astype(np.float64), requires_grad=True)
    g = torch.tensor(t.grad_output[None].astype(np.float64))
    F.conv2d(x, w, stride=s).backward(g)
    np.testing.assert_array_equal(scene.grad_input_drawn, x.grad.numpy()[0, c])
    assert scene.grad_input_label == f"dL/dx, channel {c}"
    kh, kw = t.weight.shape[2:]
    # the rule states the zeros it draws: s−1 between the gradient's cells, k−1 around (dilation 1)
    zeros = f"{s - 1} zero{'s' if s > 2 else ''} between its cells, " if s > 1 else ""
    assert f"(dL/dy[f] with {zeros}{kh - 1} zeros around)" in scene.input_rule
    for f in range(t.weight.shape[0]):
        padded, turned, kernel = scene.turned[f]
        # by hand: dL/dy[f] with s−1 zeros between its cells and k−1 zeros around
        oh, ow = t.grad_output.shape[1:]
        hand = np.zeros(((oh - 1) * s + 1 + 2 * (kh - 1), (ow - 1) * s + 1 + 2 * (kw - 1)))
        hand[kh - 1:kh - 1 + (oh - 1) * s + 1:s, kw - 1:kw - 1 + (ow - 1) * s + 1:s] = t.grad_output[f]
        extra = padded.shape[0] - hand.shape[0]  # rows no window reaches (at most s − 1) pad the bottom
        assert 0 <= extra < s
        np.testing.assert_array_equal(padded, np.pad(hand, ((0, extra), (0, extra))))
        np.testing.assert_array_equal(kernel, t.weight[f, c])
        np.testing.assert_array_equal(turned, t.weight[f, c][::-1, ::-1])
        # after gradient map f, each cell holds the input gradient of filters 0..f alone
        partial = F.conv_transpose2d(g[:, :f + 1], w[:f + 1].detach(), stride=s,
                                     output_padding=t.input.shape[1] - ((oh - 1) * s + kh))
        np.testing.assert_array_equal(scene.partial[f], partial.numpy()[0, c])
        weights, shown_map, shown_x = scene.weights_drawn[f]
        np.testing.assert_array_equal(weights, w.grad.numpy()[f, c])
        np.testing.assert_array_equal(shown_map, t.grad_output[f])
        np.testing.assert_array_equal(shown_x, t.input[c])


class Col2ImRecording:
    """Mixin: dout and dcols when complete, dL/dx after each row."""

    def after_stage(self, stage):
        grid = self.dout if stage == "dout" else self.dcols
        setattr(self, f"drawn_{stage}", grid.shown_matrix().copy())

    def after_row(self, i):
        self.rows_drawn = getattr(self, "rows_drawn", [])
        self.rows_drawn.append(np.stack([g.shown_values() for g in self.grad_input_grids]))
        self.fold_captions = getattr(self, "fold_captions", [])
        self.fold_captions.append(self.caption.text.replace("\n", " "))


def test_col2im_draws_the_books_matrices_and_autograds_input_gradient():
    scene = run(type("Rec", (Col2ImRecording, backward.Col2Im), {}))
    t = scene.trace
    g = np.stack([m.shown_values() for m in scene.grad_maps])
    np.testing.assert_array_equal(g, t.grad_output)
    f, oh, ow = g.shape
    # dout: one row per window (oy, ox) in row-major order, one column per filter
    np.testing.assert_array_equal(scene.drawn_dout, [[g[k, oy, ox] for k in range(f)]
                                                     for oy in range(oh) for ox in range(ow)])
    # W_colᵀ: row k is filter k flattened (channel, row, column)
    np.testing.assert_array_equal(scene.weights_t.shown_values(), t.weight.reshape(f, -1))
    np.testing.assert_array_equal(scene.drawn_dcols, scene.drawn_dout @ scene.weights_t.shown_values())
    x = torch.tensor(t.input[None].astype(np.float64), requires_grad=True)
    F.conv2d(x, torch.tensor(t.weight.astype(np.float64))).backward(torch.tensor(g[None]))
    np.testing.assert_array_equal(scene.rows_drawn[-1], x.grad.numpy()[0])
    # each row's caption names its window and the rows and columns that window read (by hand: stride 1, 2x2)
    kh, kw = t.weight.shape[2:]
    for i, caption in enumerate(scene.fold_captions):
        oy, ox = divmod(i, ow)
        assert caption == (f"row {i} = window ({oy},{ox}): its {t.weight[0].size} entries are added into dL/dx "
                           f"rows {oy}–{oy + kh - 1}, columns {ox}–{ox + kw - 1}")
    # row by row: dL/dx after row i is what windows 0..i alone send back (by torch, on a masked dL/dy)
    for i, drawn in enumerate(scene.rows_drawn):
        masked = g.copy()
        masked.reshape(f, -1)[:, i + 1:] = 0
        x.grad = None
        F.conv2d(x, torch.tensor(t.weight.astype(np.float64))).backward(torch.tensor(masked[None]))
        np.testing.assert_array_equal(drawn, x.grad.numpy()[0])


class ShadeRecording(FilterRecording):
    def after_scatter(self, c):
        grid = self.grad_input_grid
        self.scattered = (c, np.array([sq.get_fill_color() for sq in grid.squares]).reshape(grid.shape))


def test_the_mnist_sized_backward_shades_autograds_input_gradient():
    scene = run(type("Rec", (ShadeRecording, backward.MnistSizedConvBackward), {}))
    t = scene.trace
    assert not scene.input_grid.show_numbers and not scene.grad_input_grid.show_numbers  # 784 cells: a picture
    x = torch.tensor(t.input[None].astype(np.float64), requires_grad=True)
    w = torch.tensor(t.weight.astype(np.float64), requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    F.conv2d(x, w, b).backward(torch.tensor(t.grad_output[None].astype(np.float64)))
    (weights, bias), = scene.drawn
    np.testing.assert_array_equal(weights, w.grad.numpy()[0])
    assert bias == b.grad.item()
    # the bias gradient's 576 terms are not written out; the caption says what is summed, and the total
    assert f"dL/db[0] = Σ of the 576 values of dL/dy[0] = {int(b.grad.item())}".replace("-", "−") in scene.said
    _, colours = scene.scattered
    reference = x.grad.numpy()[0, 0]
    # The rule, worked here from autograd's values (not with the scene's shade_of): the kernel colour's light at
    # 20 % for the lowest value (or 0), in full for the highest (or 0), linear between (manimgl mixes colours by
    # their squared components, so a level a of light has components full·√a).
    low, high = min(reference.min(), 0), max(reference.max(), 0)
    full = np.array([int(scene.palette.kernel[k:k + 2], 16) for k in (1, 3, 5)])
    want = full[None, None, :] * np.sqrt(0.2 + 0.8 * (reference[..., None] - low) / (high - low))
    drawn = np.array([[[int(c[k:k + 2], 16) for k in (1, 3, 5)] for c in row] for row in colours.astype(str)])
    assert np.abs(drawn - want).max() <= 1.01  # rounding to whole levels
    order = np.argsort(reference, axis=None, kind="stable")
    assert np.all(np.diff(drawn.sum(axis=2).ravel()[order]) >= 0)  # a larger gradient is never darker


class SmallShadedScatter(backward.ConvBackwardScene):
    """A 6×6 input, one 3×3 filter, grids shaded (no numbers): its 16 windows' scatter is a quick sweep."""
    in_channels, input_size, out_channels, kernel_size, seed = 1, (6, 6), 1, (3, 3), 3
    max_numbered_cells, sweep_captions, detailed_weights, detailed_scatters = 8, 4, 0, 0
    stage_time = pause_time = 0.1


def scatter_frames(sweep: bool, sweep_time: float):
    """For each frame of the scatter: the dL/dx cells' colours (rgba) and the rings' centres."""
    class Switched(SmallShadedScatter):
        def sweeps_quickly(self, *args):
            return sweep and super().sweeps_quickly(*args)

        def speed_settings(self):
            # The rings' points are read after every frame: they follow every frame (a ring drawn as a sprite
            # otherwise leaves its points where they were until the sweep ends; test_shade_sweep compares the
            # sprites' frames with vectors).
            return SpeedSettings(sprite_data_waits=False)

    def sample(scene):
        grid = getattr(scene, "grad_input_grid", None)
        if grid is not None:
            return (np.array([sq.data["fill_rgba"][0] for sq in grid.squares]),
                    np.array([m.get_center() for m in scene.marks]))
    return sampled_frames(Switched, sample, sweep_time=sweep_time)


@pytest.mark.parametrize("sweep_time", [0.6, 1 / 15])  # 18 frames a window; 2, as MnistSizedConvBackward's
def test_a_quick_sweep_in_one_animation_shows_each_frame_of_the_window_by_window_sweep(sweep_time):
    by_window, one_by_one = scatter_frames(False, sweep_time)
    plays_by_window = one_by_one.plays
    swept, scene = scatter_frames(True, sweep_time)
    assert len(swept) == len(by_window) > 2 * 16  # no frame lost or added
    for (colours, rings), (want_colours, want_rings) in zip(swept, by_window):
        np.testing.assert_allclose(colours, want_colours, atol=1.5 / 255)  # the same shade in every frame
        np.testing.assert_allclose(rings, want_rings, atol=1e-9)  # the rings around the same window
    assert scene.plays < plays_by_window - 10  # the sweep took fewer plays
    np.testing.assert_allclose(swept[-1][0], by_window[-1][0], atol=1e-9)


def test_the_input_grid_never_shows_another_channel_than_its_label():
    """Issue 32: just before the next channel, the input grid showed that channel's numbers while the label
    still named the last one.  Every frame: the channel of the numbers drawn (opacity over one half) over the
    input grid is the channel every label drawn (opacity over one half) names."""
    from convanim.manim.families.backward.conv_backward_scene import ConvBackwardScene
    from convanim.manim.mobjects.numbers import shown_value

    class TwoChannels(ConvBackwardScene):
        in_channels, input_size, out_channels, kernel_size = 2, (3, 3), 1, (2, 2)
        input_values = np.array([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[11, 12, 13], [14, 15, 16], [17, 18, 19]]])
        detailed_weights, input_gradient = 0, False

    def opacity(mob):
        return max((sm.get_fill_opacity() for sm in mob.family_members_with_points()), default=0)

    def state(scene):
        grid = scene.input_grid
        centres = {(i, j): grid.cell(i, j).get_center()[:2] for i in range(grid.shape[0]) for j in range(grid.shape[1])}
        drawn = {}
        for mob in scene.get_mobject_family_members():
            if hasattr(mob, "num_string") and opacity(mob) > 0.5:
                for cell, centre in centres.items():
                    if np.abs(mob.get_center()[:2] - centre).max() < grid.cell_size / 2:
                        drawn[cell] = shown_value(mob)
        labels = {int(m.text.rsplit(" ", 1)[1]) for m in scene.mobjects
                  if getattr(m, "text", "").startswith("x, channel") and opacity(m) > 0.5}
        if len(drawn) < len(centres):
            return labels, None
        values = np.array([[drawn[(i, j)] for j in range(grid.shape[1])] for i in range(grid.shape[0])])
        channels = [c for c in range(2) if np.array_equal(values, scene.trace.padded[c])]
        return labels, channels[0] if channels else None

    samples, _ = sampled_frames(TwoChannels, state)
    shown = [(labels, channel) for labels, channel in samples if labels and channel is not None]
    assert {channel for _, channel in shown} == {0, 1}  # both channels were shown, with labels
    wrong = [(labels, channel) for labels, channel in shown if labels != {channel}]
    assert not wrong, f"{len(wrong)} frames show a channel's numbers under another channel's label: {wrong[:3]}"
