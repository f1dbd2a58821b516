"""ConvBackwardScene: how each weight and bias of a conv layer gets its gradient.

Given dL/dy (one map per filter), dL/db[f] is the sum of map f, and
dL/dw[f, c, ky, kx] is the sum, over every output position, of the input
value that tap read there times dL/dy at that position: the gradient map
laid over the input, window by window.  Then dL/dx, as the scatter: each
window sends dL/dy times its kernel back to the cells it read; the padding
cells' gradients are dropped (zero padding) or folded back into the cells
they copied.  Every number comes from the core's ConvGradTrace; none is
computed here.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import (sweep_time_option, detailed_option, max_numbered_cells_option,
                                                   show_code_option, sweep_captions_option)
from convanim.manim.options.option_kinds import Whole, Flag
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, AnimationGroup, Transform, VGroup

from convanim import trace_conv2d_backward
from convanim.arithmetic.backward_trace import ConvGradTrace
from convanim.arithmetic.conv import check_conv
from convanim.arithmetic.padding import padding_mask
from convanim.statements import decimals_for, format_number, products_statement, sum_statement
from convanim.torch_code import TorchCode, backward_code, conv_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (NumberGrid, caption_text, fit_font_size, label_above, readable_cell,
                                           readable_grid, ring, shade_of)
from convanim.manim.animations.fades import FadeIn, FadeOut, fade_out_then_in
from convanim.manim.options.layer_options import LayerOptions, UpstreamGradient
from convanim.manim.mobjects.numbers import make_number, set_number, widest_text
from convanim.manim.animations.shade_sweep import ShadeSweep, SweepStep


#: Sums of at most this many terms are written out term by term; longer ones say what they sum.
WRITTEN_TERMS = 16


class ConvGradientScene(UpstreamGradient, LayerOptions, FamilyScene):
    """What the conv backward scenes share: the layer's options and dL/dy as class attributes, the traced
    backward pass (``self.trace``), the decimals each array is written with, and rings that mark cells."""

    max_numbered_cells: int = max_numbered_cells_option(256)
    stage_time = 0.9
    LONG_CAPTION_SIZE = 20
    sweep_time: float = sweep_time_option(0.6)
    pause_time = 1.5
    show_code: bool = show_code_option()

    def grid(self, values: np.ndarray, preferred: float, color: str, decimals: int, mask=None) -> NumberGrid:
        """A grid of ``values``: numbered and readable, or, past ``max_numbered_cells``, shaded by value
        with cells of the ``preferred`` side (an MNIST-sized input is a picture, not 784 numbers)."""
        if values.size > self.max_numbered_cells:
            return NumberGrid(values, preferred, color, decimals, mask, self.palette.padding, show_numbers=False)
        return readable_grid(values, preferred, color, decimals, mask, self.palette.padding)

    def build_trace(self) -> ConvGradTrace:
        x, w, _ = self.get_layer_arrays()
        grad = self.get_grad(self.output_shape(x, w))
        self.trace = trace_conv2d_backward(x, w, grad, self.stride, self.padding, self.dilation, self.groups,
                                           self.padding_mode)
        t = self.trace
        self.x_decimals = decimals_for(t.padded, self.decimals)
        self.g_decimals = decimals_for(t.grad_output, self.decimals)
        self.w_decimals = decimals_for(t.grad_weight, self.decimals)
        self.k_decimals = decimals_for(t.weight, self.decimals)
        self.marks = VGroup()
        return t

    def torch_code(self) -> TorchCode:
        """The layer's ``nn.Conv2d`` with the input and weights shown, run forward and back from the dL/dy shown:
        ``dx``, ``dw`` (and ``db``) are the gradients the family's scenes show."""
        t = self.trace
        forward = conv_code(t.input, t.weight, np.zeros(t.weight.shape[0]) if self.use_bias else None, self.stride,
                            self.padding, self.dilation, self.groups, self.padding_mode)
        return backward_code(forward, t.grad_output)

    def output_shape(self, x: np.ndarray, w: np.ndarray) -> tuple[int, int, int]:
        """(F, OH, OW) of the forward convolution (the one size rule, through the core's checks)."""
        layer = check_conv(x, w, None, self.stride, self.padding, self.dilation, self.groups, self.padding_mode)
        return (w.shape[0], *layer.geometry.out)

    def rings_around(self, mobjects: list) -> VGroup:
        """A ring around each of these cells and grids."""
        return VGroup(*(ring(m.get_width() + 0.08, m.get_height() + 0.08, 0.05, self.palette.winner).move_to(m)
                        for m in mobjects))

    def mark(self, mobjects: list):
        """Ring these cells and grids (the previous rings go)."""
        old, self.marks = self.marks, self.rings_around(mobjects)
        return AnimationGroup(FadeOut(old), FadeIn(self.marks))


class ConvBackwardScene(ConvGradientScene):
    """The weight and bias gradients of a conv layer.  Options (class attributes): the layer as
    :class:`~convanim.manim.ConvLayerScene` (``in_channels``, ``input_size``, ``out_channels``,
    ``kernel_size``, ``stride``, ``padding``, ``dilation``, ``groups``, values or ``seed``); the upstream
    gradient ``grad_values`` (F, OH, OW) or integers from ``grad_seed`` in ``grad_range``;
    ``detailed_weights`` (weights of filter 0, channel 0 written out term by term); ``input_gradient``
    (then dL/dx of input channel ``scatter_channel`` as the scatter, ``detailed_scatters`` windows slowly, each
    window captioned while there are at most ``sweep_captions``); ``max_numbered_cells`` (larger grids are
    shaded by value); ``palette``;
    ``stage_time``, ``sweep_time``, ``pause_time``.
    """

    detailed_weights: int = detailed_option(3, "weights of filter 0, channel 0")
    input_gradient: bool = Option(True, Flag(), "also show dL/dx, as the scatter of each window")
    scatter_channel: int = Option(0, Whole(0, 15), "the input channel whose dL/dx is shown")
    detailed_scatters: int = detailed_option(2, "scatter windows")
    sweep_captions: int = sweep_captions_option(64)

    # -- building --------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("show_filter", "sum_bias_gradient", "show_channel", "sum_weight_gradients",
                                   "conclude", "scatter_input_gradient", "release_padding", "show_code_card")

    def setup(self) -> None:
        t, pal = self.build_trace(), self.palette
        geo = t.geometry
        self.mask = padding_mask(geo.input, geo.pads)
        self.input_grid = self.grid(t.padded[0], min(0.62, 3.0 / max(geo.padded)), pal.input, self.x_decimals,
                                    self.mask)
        self.input_grid.move_to(np.array([-5.0, -0.2, 0]))
        self.input_label = label_above(self.input_grid, self.tr("x, channel {channel}", channel=0))
        f, cg = t.weight.shape[:2]
        self.grad_maps = VGroup()
        for k in range(f):
            # three maps share 4.6 units of height; one large map gets at most 2.8
            room = max(1.3, min(2.8, 4.6 / f - 0.6))
            grid = self.grid(t.grad_output[k], min(0.6, room / max(geo.out)), pal.output, self.g_decimals)
            self.grad_maps.add(grid)
        self.grad_maps.arrange(DOWN, buff=0.55).move_to(np.array([-1.9, -0.25, 0]))
        self.grad_labels = VGroup(*(label_above(g, f"dL/dy[{k}]", 20, buff=0.1) for k, g in enumerate(self.grad_maps)))
        self.weight_grids = VGroup()
        for c in range(cg):
            grid = readable_grid(t.grad_weight[0, c], 0.55, pal.kernel, self.w_decimals)
            self.weight_grids.add(grid)
        self.weight_grids.arrange(np.array([1.0, 0, 0]), buff=0.45).move_to(np.array([3.5, 0.9, 0]))
        self.bias_label = caption_text("dL/db[0]", 22, "#BDBDBD").move_to(np.array([3.5, -1.0, 0]))
        self.bias_number = make_number(t.grad_bias[0], self.g_decimals, 36, pal.bias)
        self.bias_number.next_to(self.bias_label, DOWN, buff=0.15).set_opacity(0)
        self.weight_labels = self.make_weight_labels(0)
        self.hide_weight_numbers()
        self.title = caption_text(self.tr("conv2d backward: the gradient of every weight, bias and input")
                                  if self.input_gradient else
                                  self.tr("conv2d backward: the gradient of every weight and bias"), 28)
        self.title.to_edge(UP, buff=0.25)
        rule = self.tr("dL/db[f] = Σ dL/dy[f];  dL/dw[f,c,ky,kx] = Σ over windows of x · dL/dy[f]")
        self.rule = caption_text(rule, 22, "#E0E0E0").next_to(self.title, DOWN, buff=0.12)
        super().setup()  # the background and an empty caption
        self._pending = []

    def make_weight_labels(self, f: int) -> VGroup:
        return VGroup(*(label_above(g, f"dL/dw[{f},{c}]", 20, buff=0.1) for c, g in enumerate(self.weight_grids)))

    def hide_weight_numbers(self) -> None:
        for grid in self.weight_grids:
            for number in grid.numbers:
                number.set_opacity(0)

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.introduce()
        for f in range(self.trace.num_filters):
            if f > 0:
                self.show_filter(f)
            self.sum_bias_gradient(f)
            for c in range(self.trace.channels_per_filter):
                self.show_channel(f, c)
                self.sum_weight_gradients(f, c)
            self.after_filter(f)
        self.conclude()
        if self.input_gradient:
            self.scatter_input_gradient(self.scatter_channel)
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def introduce(self) -> None:
        self.play(*(FadeIn(m) for m in (self.title, self.rule, self.input_grid, self.input_label, self.grad_maps,
                                        self.grad_labels, self.weight_grids, self.weight_labels, self.bias_label)),
                  run_time=self.stage_time)

    def show_filter(self, f: int) -> None:
        """Filter f's gradients start empty: the grids take its values, hidden until summed."""
        labels = self.make_weight_labels(f)
        for c, grid in enumerate(self.weight_grids):
            for (ky, kx), value in np.ndenumerate(self.trace.grad_weight[f, c]):
                grid.set_number(ky, kx, value)
        self.hide_weight_numbers()
        bias_label = caption_text(f"dL/db[{f}]", 22, "#BDBDBD").move_to(self.bias_label)
        self.play(FadeOut(self.weight_labels), FadeIn(labels), FadeOut(self.bias_label), FadeIn(bias_label),
                  self.bias_number.animate.set_opacity(0), run_time=self.stage_time / 2)
        self.weight_labels, self.bias_label = labels, bias_label

    def sum_bias_gradient(self, f: int) -> None:
        t = self.trace
        if t.grad_output[f].size <= WRITTEN_TERMS:
            statement = sum_statement(f"dL/db[{f}]", t.grad_output[f].ravel(), t.grad_bias[f], self.g_decimals)
        else:  # too many terms to write out: say what is summed
            statement = self.tr("{target} = Σ of the {n} values of {source} = {total}", target=f"dL/db[{f}]",
                                n=t.grad_output[f].size, source=f"dL/dy[{f}]",
                                total=format_number(t.grad_bias[f], self.g_decimals))
        target = make_number(t.grad_bias[f], self.g_decimals, 36, self.palette.bias).move_to(self.bias_number)
        self.remove(self.bias_number)
        self.bias_number = target
        self.play(self.mark([self.grad_maps[f]]), FadeIn(target), self.caption_to(statement),
                  run_time=self.stage_time)

    def show_channel(self, f: int, c: int) -> None:
        """The input grid shows the channel filter f's kernel channel c reads."""
        channel = self.trace.group_of(f) * self.trace.channels_per_filter + c
        label = label_above(self.input_grid, self.tr("x, channel {channel}", channel=channel))
        if label.text == self.input_label.text:
            return
        # The old numbers go out with the old label, the new ones come in with the new label: no frame shows a
        # channel's numbers under another channel's name.
        if self.input_grid.show_numbers:
            fades, finish = self.input_grid.fade_to_values(self.trace.padded[channel])
            self.play(*fades, *fade_out_then_in(self.input_label, label), run_time=self.sweep_time / 2)
            finish()
        else:  # shades: they change between the label going out and the new one coming in
            self.play(FadeOut(self.input_label), run_time=self.sweep_time / 4)
            self.input_grid.show_values(self.trace.padded[channel])
            self.play(FadeIn(label), run_time=self.sweep_time / 4)
        self.input_label = label

    def sum_weight_gradients(self, f: int, c: int) -> None:
        t = self.trace
        kh, kw = t.weight.shape[2:]
        taps = [(ky, kx) for ky in range(kh) for kx in range(kw)]
        # a weight's terms are written out only where they fit a caption (one per window)
        detailed = self.detailed_weights if (f, c) == (0, 0) and t.grad_output[f].size <= WRITTEN_TERMS else 0
        for ky, kx in taps[:detailed]:
            xs, gs = t.weight_factors(f, c, ky, kx)
            statement = products_statement(f"dL/dw[{f},{c},{ky},{kx}]", xs.ravel(), gs.ravel(),
                                           t.grad_weight[f, c, ky, kx], self.x_decimals, self.g_decimals,
                                           self.w_decimals)
            rows, cols = t.weight_sources(ky, kx)
            cells = [self.input_grid.cell(r, q) for r in rows for q in cols]
            self.play(self.mark(cells + [self.grad_maps[f], self.weight_grids[c].cell(ky, kx)]),
                      self.caption_to(statement), run_time=self.stage_time)
            self.play(self.weight_grids[c].number(ky, kx).animate.set_opacity(1), run_time=self.stage_time / 2)
            self.wait(self.stage_time / 2)
        rest = taps[detailed:]
        if rest:
            caption = self.tr("{target}: each weight sums (input it read) · {source} over the {n} windows",
                              target=f"dL/dw[{f},{c}]", source=f"dL/dy[{f}]", n=t.geometry.out[0] * t.geometry.out[1])
            self.play(self.mark([self.grad_maps[f], self.weight_grids[c]]),
                      *(self.weight_grids[c].number(ky, kx).animate.set_opacity(1) for ky, kx in rest),
                      self.caption_to(caption), run_time=self.sweep_time)
        self.after_channel(f, c)

    def conclude(self) -> None:
        animation = self.caption_to(self.tr("every weight learns from every window it took part in: x · dL/dy, summed"),
                                    font_size=self.CLOSING_SIZE)
        self.play(FadeOut(self.marks), animation, run_time=self.stage_time)
        self.marks = VGroup()
        self.wait(self.pause_time / 2)

    # -- the input's gradient: each window scatters g × its kernel back --------------------------------
    def scatter_input_gradient(self, c: int) -> None:
        t, pal = self.trace, self.palette
        if not 0 <= c < t.input.shape[0]:
            raise ValueError(f"{type(self).__name__}.scatter_channel must be in 0..{t.input.shape[0] - 1}; got {c}")
        local = c % t.channels_per_filter
        filters = t.filters_of_channel(c)
        if self.input_grid.show_numbers:
            # Sized for the sums it will hold, not for the zeros it starts with.
            cell = readable_cell(self.input_grid.cell_size, t.grad_padded[c], self.w_decimals)
            font = fit_font_size(cell, widest_text(t.grad_padded[c], self.w_decimals))
            self.grad_input_grid = NumberGrid(np.zeros_like(t.grad_padded[c]), cell, pal.kernel, self.w_decimals,
                                              self.mask, pal.padding, font_size=font)
        else:  # shaded from the smallest to the largest gradient the cells will hold
            every = t.grad_padded[c]
            self._shade_range = (min(float(every.min()), 0.0), max(float(every.max()), 0.0))
            self.grad_input_grid = NumberGrid(np.zeros_like(t.grad_padded[c]), self.input_grid.cell_size,
                                              pal.kernel, self.w_decimals, self.mask, pal.padding, show_numbers=False)
            for (i, j), zero in np.ndenumerate(t.grad_padded[c] * 0):
                if not self.mask[i, j]:
                    self.grad_input_grid.cell(i, j).set_fill(self.gradient_shade(zero))
        self.grad_input_grid.move_to(np.array([4.9, 0.3, 0]))
        grad_label = label_above(self.grad_input_grid, self.tr("dL/dx, channel {channel}", channel=c))
        self.kernel_grid = readable_grid(t.weight[filters[0], local], 0.55, pal.kernel, self.k_decimals)
        self.kernel_grid.move_to(np.array([1.7, 0.3, 0]))
        self.kernel_label = label_above(self.kernel_grid, f"w[{filters[0]},{local}]")
        channel_label = label_above(self.input_grid, self.tr("x, channel {channel}", channel=c))
        self.input_grid.show_values(t.padded[c])
        self.play(FadeOut(self.weight_grids), FadeOut(self.weight_labels), FadeOut(self.bias_label),
                  FadeOut(self.bias_number), FadeOut(self.input_label), FadeIn(channel_label),
                  FadeIn(self.grad_input_grid), FadeIn(grad_label), FadeIn(self.kernel_grid), FadeIn(self.kernel_label),
                  self.caption_to(self.tr("dL/dx: each window sends dL/dy × its kernel back to the cells it "
                                                 "read")),
                  run_time=self.stage_time)
        self.input_label = channel_label
        n = 0
        for f in filters:
            self.show_kernel(f, local)
            for oy in range(t.geometry.out[0]):
                quick = []  # this row's windows swept quickly, in one animation
                for ox in range(t.geometry.out[1]):
                    detailed = n < self.detailed_scatters
                    if self.sweeps_quickly(c, oy, ox, detailed):
                        quick.append((oy, ox))
                    else:
                        self.scatter_window(c, f, oy, ox, detailed)
                    n += 1
                if quick:
                    self.sweep_windows(c, f, quick)
        animation = self.caption_to(
            self.tr("dL/dx: each input cell gathers dL/dy × weight from every window that read it"), font_size=self.CLOSING_SIZE)
        self.play(FadeOut(self.marks), animation, run_time=self.stage_time)
        self.marks = VGroup()
        if any(t.geometry.pads):
            self.release_padding(c)
        self.after_scatter(c)

    def release_padding(self, c: int) -> None:
        """The padding cells are not the input: zero padding's gradients are dropped; reflect, replicate
        and circular padding copied input cells, so each padding cell's gradient is added into the cell
        it copied, the padding rows first, then the padding columns."""
        t, grid = self.trace, self.grad_input_grid
        rows, cols = t.padding_copies()
        hp, wp = t.grad_padded.shape[1:]
        outside_rows = [i for i in range(hp) if grid.mask[i].all()]
        outside_cols = [j for j in range(wp) if grid.mask[:, j].all()]
        if t.padding_mode == "zeros":
            self.play(self.fade_cells([(i, j) for i in range(hp) for j in range(wp) if grid.mask[i, j]]),
                      self.caption_to(self.tr("the padding cells are not part of the input: their gradients "
                                                     "are dropped, and dL/dx is what is left")),
                      run_time=self.stage_time)
            return
        top, left = t.geometry.pads[0], t.geometry.pads[2]
        by_rows = t.grad_rows_folded()[c]
        moves = [((i, j), (top + int(rows[i]), j), by_rows[rows[i], j]) for i in outside_rows for j in range(wp)]
        self.fold(moves, self.tr("{mode} padding copied input rows: each padding row's gradients are added into "
                                 "the row it copied", mode=t.padding_mode))
        moves = [((i, j), (i, left + int(cols[j])), t.grad_input[c, i - top, cols[j]])
                 for i in range(top, top + t.geometry.input[0]) for j in outside_cols]
        self.fold(moves, self.tr("then each padding column's gradients are added into the column it copied: "
                                 "dL/dx is what is left"))

    def fold(self, moves: list, caption: str) -> None:
        """Each ((from), (to), value): a copy of cell ``from``'s number flies to cell ``to``, which then
        shows ``value`` (its total once every move has landed); the ``from`` cells fade."""
        grid = self.grad_input_grid
        flying = [(grid.number(*a) if grid.show_numbers else grid.cell(*a)).copy() for a, _, _ in moves]
        self.play(self.caption_to(caption), self.mark([grid.cell(*a) for a, _, _ in moves]),
                  run_time=self.stage_time)
        landing, finish = grid.receive(flying, [b for _, b, _ in moves], {b: value for _, b, value in moves})
        self.play(*landing, self.fade_cells([a for a, _, _ in moves]), FadeOut(self.marks), run_time=self.stage_time)
        finish()
        self.marks = VGroup()

    def fade_cells(self, cells: list):
        grid = self.grad_input_grid
        parts = [grid.cell(i, j) for i, j in cells]
        if grid.show_numbers:
            parts += [grid.number(i, j) for i, j in cells]
        return AnimationGroup(*(m.animate.set_opacity(0) for m in parts))

    def show_kernel(self, f: int, local: int) -> None:
        label = label_above(self.kernel_grid, f"w[{f},{local}]")
        if label.text == self.kernel_label.text:
            return
        self.kernel_grid.show_values(self.trace.weight[f, local])
        self.play(FadeOut(self.kernel_label), FadeIn(label), run_time=self.sweep_time / 2)
        self.kernel_label = label

    def scatter_window(self, c: int, f: int, oy: int, ox: int, detailed: bool) -> None:
        t = self.trace
        rows, cols = t.window_cells(oy, ox)
        g = t.grad_output[f, oy, ox]
        caption = self.tr("{source} at ({y},{x}) = {value}: it adds {value} × {kernel} into dL/dx rows {rows}, "
                          "columns {columns}", source=f"dL/dy[{f}]", y=oy, x=ox,
                          value=format_number(g, self.g_decimals), kernel=f"w[{f},{c % t.channels_per_filter}]",
                          rows=f"{rows[0]}–{rows[-1]}", columns=f"{cols[0]}–{cols[-1]}")
        region = [self.grad_input_grid.cell(r, q) for r in rows for q in cols]
        changes = []
        for r in rows:
            for q in cols:
                after = t.running_after(c, int(r), int(q), f, oy, ox)
                if after is None:
                    continue
                if self.grad_input_grid.show_numbers:
                    number = self.grad_input_grid.number(r, q)
                    changes.append(Transform(number, set_number(number.copy(), after[0])))
                else:
                    changes.append(self.grad_input_grid.cell(r, q).animate.set_fill(self.gradient_shade(after[0])))
                self._pending.append((int(r), int(q), after[0]))
        marks = self.mark([self.grad_maps[f].cell(oy, ox), self.kernel_grid, VGroup(*region)])
        if detailed:
            self.play(marks, self.caption_to(caption), run_time=self.stage_time)
            self.play(*changes, run_time=self.stage_time)
        elif (oy, ox) == (0, 0) or self._numbered_windows(c) <= self.sweep_captions:
            self.play(marks, *changes, self.caption_to(caption), run_time=self.sweep_time)
        else:  # a long sweep: one caption for all of it (a new one each 1/15 s could not be read)
            sweep = []
            quickly = self.tr("the other windows, quickly: each adds its dL/dy × the kernel into the cells it read")
            if self.caption.text.replace("\n", " ") != quickly:  # caption_text may have wrapped it
                sweep = [self.caption_to(quickly)]
            self.play(marks, *changes, *sweep, run_time=self.sweep_time)
        self.settle()

    def sweeps_quickly(self, c: int, oy: int, ox: int, detailed: bool) -> bool:
        """Whether window (oy, ox) is one of a long sweep's quick windows over a shaded grid (no caption of its
        own, cells reshaded): those of a row are played as one :class:`ShadeSweep`."""
        return (not detailed and (oy, ox) != (0, 0) and not self.grad_input_grid.show_numbers
                and self._numbered_windows(c) > self.sweep_captions)

    def sweep_windows(self, c: int, f: int, windows: list[tuple[int, int]]) -> None:
        """Windows of one row swept quickly (``sweep_time`` each): what :meth:`scatter_window` shows for each,
        in one animation (see :mod:`convanim.manim.animations.shade_sweep`)."""
        t, grid = self.trace, self.grad_input_grid
        steps, regions = [], []
        for oy, ox in windows:
            rows, cols = t.window_cells(oy, ox)
            cells = []
            for r in rows:
                for q in cols:
                    after = t.running_after(c, int(r), int(q), f, oy, ox)
                    if after is not None:
                        cells.append((grid.cell(r, q), self.gradient_shade(after[0])))
            region = VGroup(*(grid.cell(r, q) for r in rows for q in cols))
            regions.append(region)
            steps.append(SweepStep(cells, [self.grad_maps[f].cell(oy, ox).get_center(), self.kernel_grid.get_center(),
                                           region.get_center()]))
        oy, ox = windows[0]
        self.remove(self.marks)  # the first window's rings, which the sweep moves on
        self.marks = self.rings_around([self.grad_maps[f].cell(oy, ox), self.kernel_grid, regions[0]])
        self.add(self.marks)
        quickly = self.tr("the other windows, quickly: each adds its dL/dy × the kernel into the cells it read")
        caption = [self.caption_to(quickly)] if self.caption.text.replace("\n", " ") != quickly else []
        self.play(ShadeSweep(steps, self.marks), *caption, run_time=self.sweep_time * len(windows))

    def _numbered_windows(self, c: int) -> int:
        return len(self.trace.filters_of_channel(c)) * self.trace.geometry.out[0] * self.trace.geometry.out[1]

    def gradient_shade(self, value: object) -> str:
        """The colour of a dL/dx cell holding ``value`` in a grid too large for numbers (the scale runs from
        the channel's smallest gradient, or 0, to its largest, or 0)."""
        return shade_of(value, *self._shade_range, self.palette.kernel)

    def settle(self) -> None:
        """Numbers that morphed take their exact values (glyphs and state agree)."""
        for r, q, value in self._pending:
            self.grad_input_grid.set_number(r, q, value)
        self._pending = []

    # -- hooks ---------------------------------------------------------------------
    def narrator(self, language: str):
        """The spoken story of this backward pass in ``language`` (see :mod:`convanim.narration.conv_backward`)."""
        from convanim.narration.conv_backward import ConvBackwardNarrator

        return ConvBackwardNarrator(self.trace, self.decimals, self.input_gradient, language)

    def after_channel(self, f: int, c: int) -> None:
        """Called when dL/dw[f, c] is complete on screen; tests read it here."""

    def after_filter(self, f: int) -> None:
        """Called when filter f's gradients are complete on screen; tests read them here."""

    def after_scatter(self, c: int) -> None:
        """Called when dL/dx of input channel c is complete on screen; tests read it here."""


__all__ = ["ConvBackwardScene", "ConvGradientScene"]
