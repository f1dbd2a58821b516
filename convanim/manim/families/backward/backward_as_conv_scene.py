"""ConvBackwardAsConvolutionScene: the backward pass of a convolution is a convolution.

dL/dx of input channel c is a stride-1 convolution: each gradient map
dL/dy[f], with s−1 zeros put between its cells (stride s) and d·(k−1) zeros
around it, is read by the kernel w[f, c] turned 180°, and the F results add
up.  dL/dw[f, c] is a correlation: the gradient map dL/dy[f] slides over
input channel c (its taps s apart, one cell per step), each position one
weight.  Both end on the numbers of the scatter view (ConvBackwardScene).
Every number comes from the core (ConvGradTrace.direct_trace and
weight_correlation); none is computed here.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import detailed_option
from convanim.manim.options.option_kinds import Whole
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, VGroup

from convanim.statements import products_statement, sum_statement

from convanim.manim.mobjects.cells import (KernelOverlay, NumberGrid, caption_text, fit_font_size, label_above,
                                           readable_cell)
from convanim.manim.families.backward.conv_backward_scene import ConvGradientScene
from convanim.manim.mobjects.cells import readable_grid
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.mobjects.numbers import widest_text


class ConvBackwardAsConvolutionScene(ConvGradientScene):
    """dL/dx and dL/dw of one input channel as convolutions.  Options (class attributes): the layer and
    dL/dy as :class:`~convanim.manim.families.backward.conv_backward_scene.ConvBackwardScene` (the layer without padding:
    its padding cells' gradients are ConvBackward's story); ``channel`` (the input channel shown);
    ``detailed_cells`` (output cells of the first gradient map written out product by product) and
    ``detailed_weights`` (weights written out term by term); ``palette``, ``stage_time``, ``sweep_time``,
    ``pause_time``."""

    channel: int = Option(0, Whole(0, 15), "the input channel shown")
    detailed_cells: int = detailed_option(2, "cells of the first gradient map")
    detailed_weights: int = detailed_option(2, "weights")
    sweep_time: float = 0.25

    # -- building --------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("show_gradient_map", "turn_kernel", "correlate_gradient",
                                   "show_weight_gradient_as_correlation", "conclude", "show_code_card")

    def setup(self) -> None:
        t = self.build_trace()
        if any(t.geometry.pads):
            raise ValueError(f"{type(self).__name__} draws a layer without padding (padding={self.padding!r} was "
                             "given); ConvBackward shows what happens to the padding cells' gradients")
        if not 0 <= self.channel < t.input.shape[0]:
            raise ValueError(f"{type(self).__name__}.channel must be in 0..{t.input.shape[0] - 1}; got {self.channel}")
        self.direct = t.direct()
        self.dtrace = t.direct_trace()
        self.filters = t.filters_of_channel(self.channel)
        self.local = self.channel % t.channels_per_filter
        pal = self.palette
        d = self.direct
        hd, wd = d.input.shape[1:]
        self.padded_grad = readable_grid(d.input[self.filters[0]], min(0.55, 3.4 / max(hd, wd)), pal.output,
                                         self.g_decimals, d.padding | d.inserted, pal.padding)
        self.padded_grad.move_to(np.array([-4.3, -0.3, 0]))
        kh, kw = t.weight.shape[2:]
        self.kernel_grid = readable_grid(t.weight[self.filters[0], self.local], 0.5, pal.kernel, self.k_decimals)
        self.kernel_grid.move_to(np.array([-0.5, 1.0, 0]))
        self.flipped_grid = readable_grid(self.dtrace.weight[self.channel, 0], 0.5, pal.kernel, self.k_decimals)
        self.flipped_grid.move_to(np.array([-0.5, -1.5, 0]))
        values = self.dtrace.running[self.channel]  # every value the dL/dx cells pass through
        cell = readable_cell(min(0.7, 3.2 / max(t.grad_padded.shape[1:])), values, self.w_decimals)
        self.grad_input_grid = NumberGrid(np.zeros_like(t.grad_padded[self.channel]), cell, pal.kernel,
                                          self.w_decimals, font_size=fit_font_size(cell, widest_text(values,
                                                                                                     self.w_decimals)))
        self.grad_input_grid.move_to(np.array([4.2, -0.3, 0]))
        for number in self.grad_input_grid.numbers:
            number.set_opacity(0)
        self.labels = VGroup(self.padded_label(self.filters[0]), self.kernel_label(self.filters[0]),
                             self.flipped_label(self.filters[0]),
                             self.grad_input_label(0))
        self.title = caption_text(self.tr("the backward pass of a convolution is a convolution"), 28)
        self.title.to_edge(UP, buff=0.25)
        s, dl = t.geometry.stride, t.geometry.dilation
        between = s[0] - 1
        around = dl[0] * (kh - 1)
        rule = (self.trn("dL/dx = Σ over f of (dL/dy[f] with {n} zero between its cells, {around} zeros around) "
                         "read by w[f,c] turned 180°", "dL/dx = Σ over f of (dL/dy[f] with {n} zeros between its "
                         "cells, {around} zeros around) read by w[f,c] turned 180°", between, around=around)
                if max(s) > 1 else
                self.tr("dL/dx = Σ over f of (dL/dy[f] with {around} zeros around) read by w[f,c] turned 180°",
                        around=around))
        self.rule = caption_text(rule, 22, "#E0E0E0").next_to(self.title, DOWN, buff=0.12)
        super().setup()  # the background and an empty caption
        self.overlay = VGroup()

    def grad_input_label(self, j: int):
        """What the dL/dx grid holds after the first j + 1 gradient maps: a partial sum says so."""
        text = self.tr("dL/dx, channel {channel}", channel=self.channel)
        if j < len(self.filters) - 1:
            done = (f"dL/dy[{self.filters[0]}]" if j == 0 else
                    f"dL/dy[{self.filters[0]}]…dL/dy[{self.filters[j]}]")
            text += "\n" + self.tr("so far: from {maps}", maps=done)
        return label_above(self.grad_input_grid, text, 22)

    def padded_label(self, f: int):
        return label_above(self.padded_grad, self.tr("{map}, zeros inserted and around", map=f"dL/dy[{f}]"), 22)

    def kernel_label(self, f: int):
        return label_above(self.kernel_grid, f"w[{f},{self.local}]", 22)

    def flipped_label(self, f: int):
        return label_above(self.flipped_grid, self.tr("{kernel} turned 180°", kernel=f"w[{f},{self.local}]"), 22)

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.introduce()
        for j, f in enumerate(self.filters):
            if j > 0:
                self.show_gradient_map(f, j)
            self.turn_kernel(f)
            self.correlate_gradient(f, j)
        self.after_input_gradient()
        self.show_weight_gradient_as_correlation()
        self.conclude()
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def introduce(self) -> None:
        self.play(*(FadeIn(m) for m in (self.title, self.rule, self.padded_grad, self.kernel_grid,
                                        self.grad_input_grid, self.labels[0], self.labels[1], self.labels[3])),
                  self.caption_to(self.tr("{map} with zeros inserted and around it: every window of the "
                                                 "backward convolution fits inside", map=f"dL/dy[{self.filters[0]}]")),
                  run_time=self.stage_time)

    def show_gradient_map(self, f: int, j: int) -> None:
        """The next filter's gradient map and kernel take the grids' places."""
        for (i, k), value in np.ndenumerate(self.direct.input[f]):
            self.padded_grad.set_number(i, k, value)
        for (i, k), value in np.ndenumerate(self.trace.weight[f, self.local]):
            self.kernel_grid.set_number(i, k, value)
        labels = VGroup(self.padded_label(f), self.kernel_label(f), self.flipped_label(f), self.labels[3])
        self.play(FadeOut(self.labels[:3]), FadeIn(labels[:3]), FadeOut(self.flipped_grid), FadeOut(self.overlay),
                  self.caption_to(self.tr("{map} adds its part to every cell of dL/dx", map=f"dL/dy[{f}]")),
                  run_time=self.stage_time)
        self.labels, self.overlay = labels, VGroup()

    def turn_kernel(self, f: int) -> None:
        """Each weight of w[f, c] flies to its place in the kernel turned 180°."""
        kh, kw = self.trace.weight.shape[2:]
        j = f - self.filters.start
        for (i, k), value in np.ndenumerate(self.dtrace.weight[self.channel, j]):
            self.flipped_grid.set_number(i, k, value)
        flying = [self.kernel_grid.number(ky, kx).copy() for ky in range(kh) for kx in range(kw)]
        self.add(*flying)
        self.play(FadeIn(self.flipped_grid.squares), FadeIn(self.labels[2]),
                  *(n.animate.move_to(self.flipped_grid.cell(kh - 1 - ky, kw - 1 - kx))
                    for n, (ky, kx) in zip(flying, [(a, b) for a in range(kh) for b in range(kw)])),
                  run_time=self.stage_time)
        self.remove(*flying)
        self.add(self.flipped_grid)

    def correlate_gradient(self, f: int, j: int) -> None:
        t, d = self.dtrace, self.direct
        c = self.channel
        oh, ow = t.geometry.out
        cell = self.padded_grad.cell_size
        pitch = (cell * d.dilation[0], cell * d.dilation[1])
        overlay = KernelOverlay(t.weight[c, j], cell, pitch, self.palette.kernel, self.k_decimals,
                                self.padded_grad.clearance(self.direct.input))
        if j == 0:
            caption = self.tr("the turned kernel slides over {map}: each window's products sum to its part of dL/dx",
                              map=f"dL/dy[{f}]")
        else:
            caption = self.tr("{map}'s windows add their sums to what dL/dx holds so far", map=f"dL/dy[{f}]")
        self.play(FadeIn(overlay.shift(overlay.shift_onto(self.padded_grad, 0, 0))),
                  self.caption_to(caption), run_time=self.stage_time / 2)
        self.overlay = overlay
        for n, (y, x) in enumerate((y, x) for y in range(oh) for x in range(ow)):
            step = t.step(c, j, y, x)
            rows, cols = step.sources.rows, step.sources.cols
            target = self.grad_input_grid.number(y, x)
            self.grad_input_grid.set_number(y, x, step.running_after)
            target.set_opacity(0)  # the old value goes, the new one fades in
            shift = overlay.shift_onto(self.padded_grad, int(rows[0]), int(cols[0]))
            statement = self.cell_statement(j, f, n, step) if n < self.detailed_cells else None
            if statement is not None:
                self.play(overlay.animate.shift(shift), self.caption_to(statement), run_time=self.stage_time)
                self.play(target.animate.set_opacity(1), run_time=self.stage_time / 2)
                self.wait(self.stage_time if j == 0 else self.stage_time / 2)
            else:
                sweep = []
                if n == self.detailed_cells or (n == 0 and j > 0 and j < len(self.filters) - 1) or (
                        n == 0 and self.detailed_cells == 0):
                    sweep = [self.caption_to(self.tr("the other windows over {map}, each adding its sum to its "
                                                            "dL/dx cell", map=f"dL/dy[{f}]"))]
                self.play(overlay.animate.shift(shift), target.animate.set_opacity(1), *sweep,
                          run_time=self.sweep_time)
            self.after_cell(f, y, x)
        label = self.grad_input_label(j)
        self.play(FadeOut(self.labels[3]), FadeIn(label), run_time=self.sweep_time)
        self.labels = VGroup(*self.labels[:3], label)

    def cell_statement(self, j: int, f: int, n: int, step):
        """What a detailed cell's caption says: the first map's products written out, or, at the last map,
        the parts of every map summed; None for the maps in between (they sweep)."""
        c, y, x = self.channel, step.oy, step.ox
        if j == 0:
            return products_statement(self.tr("{cell} from {map}", cell=f"dL/dx[{c},{y},{x}]", map=f"dL/dy[{f}]"),
                                      step.window.ravel(),
                                      step.weights.ravel(), step.channel_sum, self.g_decimals, self.k_decimals,
                                      self.w_decimals)
        if j == len(self.filters) - 1:
            terms = [self.dtrace.channel_sums[c, y, x, k] for k in range(j + 1)]
            return sum_statement(f"dL/dx[{c},{y},{x}]", terms, step.running_after, self.w_decimals)
        return None

    # -- dL/dw as a correlation of the input with the gradient map ---------------------------------------
    def show_weight_gradient_as_correlation(self) -> None:
        t, c = self.trace, self.channel
        pal = self.palette
        corr = t.weight_correlation(c)
        kh, kw = t.weight.shape[2:]
        x_grid = readable_grid(t.padded[c], min(0.62, 3.4 / max(t.padded.shape[1:])), pal.input, self.x_decimals)
        x_grid.move_to(self.padded_grad)
        x_label = label_above(x_grid, self.tr("x, channel {channel}", channel=c), 22)
        mine = t.grad_weight[self.filters.start:self.filters.stop, self.local]
        cell = readable_cell(0.6, mine, self.w_decimals)
        w_grid = NumberGrid(mine[0], cell, pal.kernel, self.w_decimals,
                            font_size=fit_font_size(cell, widest_text(mine, self.w_decimals)))
        w_grid.move_to(self.grad_input_grid)
        for number in w_grid.numbers:
            number.set_opacity(0)
        maps = t.grad_output[self.filters.start:self.filters.stop]
        g_cell = readable_cell(min(0.6, 2.4 / max(maps.shape[1:])), maps, self.g_decimals)
        g_grid = NumberGrid(maps[0], g_cell, pal.output, self.g_decimals,
                            font_size=fit_font_size(g_cell, widest_text(maps, self.g_decimals)))
        g_grid.move_to(self.kernel_grid)
        rule = caption_text(self.tr("dL/dw[f,c] = x, channel c, read by dL/dy[f] with its cells s apart (s = the "
                                    "stride)"),
                            22, "#E0E0E0").move_to(self.rule)
        self.play(FadeOut(self.padded_grad), FadeOut(self.flipped_grid), FadeOut(self.overlay),
                  FadeOut(self.kernel_grid), FadeOut(self.grad_input_grid), FadeOut(self.labels), FadeOut(self.rule),
                  FadeIn(rule), FadeIn(x_grid), FadeIn(x_label), FadeIn(w_grid), FadeIn(g_grid),
                  run_time=self.stage_time)
        self.rule, self.map_grid = rule, g_grid
        self.x_grid, self.weight_grid, self.overlay = x_grid, w_grid, VGroup()
        labels = VGroup(x_label)
        cell = x_grid.cell_size
        s, dl = corr.geometry.stride, corr.geometry.dilation
        for j, f in enumerate(self.filters):
            for (i, k), value in np.ndenumerate(t.grad_weight[f, self.local]):
                w_grid.set_number(i, k, value)
                w_grid.number(i, k).set_opacity(0)
            for (i, k), value in np.ndenumerate(t.grad_output[f]):
                g_grid.set_number(i, k, value)
            w_label = label_above(w_grid, f"dL/dw[{f},{self.local}]", 22)
            g_label = label_above(g_grid, f"dL/dy[{f}]", 22)
            overlay = KernelOverlay(corr.weight[j, 0], cell, (cell * dl[0], cell * dl[1]), pal.output,
                                    self.g_decimals, x_grid.clearance())
            overlay.shift(overlay.shift_onto(x_grid, 0, 0))
            self.play(FadeOut(self.overlay), FadeIn(overlay), FadeOut(labels[1:]), FadeIn(w_label), FadeIn(g_label),
                      self.caption_to(self.tr("{target}: {map} slides over x, channel {channel}, its cells "
                                                     "{s} apart: each position gives one weight's gradient",
                                                     target=f"dL/dw[{f},{self.local}]", map=f"dL/dy[{f}]", channel=c,
                                                     s=s[0])),
                      run_time=self.stage_time)
            labels = VGroup(x_label, w_label, g_label)
            self.overlay = overlay
            for n, (ky, kx) in enumerate((a, b) for a in range(kh) for b in range(kw)):
                step = corr.step(j, 0, ky, kx)
                shift = overlay.shift_onto(x_grid, int(step.sources.rows[0]), int(step.sources.cols[0]))
                target = w_grid.number(ky, kx)
                if j == 0 and n < self.detailed_weights:
                    statement = products_statement(f"dL/dw[{f},{self.local},{ky},{kx}]", step.window.ravel(),
                                                   step.weights.ravel(), step.channel_sum, self.x_decimals,
                                                   self.g_decimals, self.w_decimals)
                    self.play(overlay.animate.shift(shift), self.caption_to(statement),
                              run_time=self.stage_time)
                    self.play(target.animate.set_opacity(1), run_time=self.stage_time / 2)
                    self.wait(self.stage_time)
                else:
                    sweep = []
                    if j == 0 and n == self.detailed_weights and n > 0:
                        sweep = [self.caption_to(self.tr("the other positions of {map}: one weight's gradient "
                                                                "each", map=f"dL/dy[{f}]"))]
                    self.play(overlay.animate.shift(shift), target.animate.set_opacity(1), *sweep,
                              run_time=self.sweep_time)
            self.after_weight_gradient(f)
        self.weight_labels = labels

    def conclude(self) -> None:
        self.play(FadeOut(self.overlay), self.caption_to(
            self.tr("both are convolutions, and they end on the scatter's numbers: dL/dx by the turned kernels, "
                    "dL/dw by the gradient maps")), run_time=self.stage_time)

    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.more_backward`)."""
        from convanim.narration.more_backward import BackwardAsConvNarrator

        return BackwardAsConvNarrator(self.trace, self.dtrace, self.channel, self.filters, self.decimals, language)

    # -- hooks ---------------------------------------------------------------------
    def after_cell(self, f: int, y: int, x: int) -> None:
        """Called when dL/dx[channel, y, x] holds filter f's part; tests read it here."""

    def after_input_gradient(self) -> None:
        """Called when dL/dx of the channel is complete on screen; tests read it here."""

    def after_weight_gradient(self, f: int) -> None:
        """Called when dL/dw[f, c] is complete on screen; tests read it here."""


__all__ = ["ConvBackwardAsConvolutionScene"]
