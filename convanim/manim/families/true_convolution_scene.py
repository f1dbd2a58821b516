"""TrueConvolutionScene: correlation and true convolution of one channel, side by side, with the same numbers.

What deep learning calls convolution is cross-correlation: the kernel slides over the input as it is.  The
convolution of signal processing and mathematics turns the kernel by 180° first.  The story: the input x and
the kernel k; k turned into k′ (each number moves to its mirrored place); then, cell by cell, the same window
of x times k gives the correlation and times k′ the convolution; last, the rule: convolution is correlation with
the flipped kernel.

Every number comes from the core (:func:`convanim.correlate2d`, :func:`convanim.convolve2d`,
:func:`convanim.flip_kernel`, and :func:`convanim.trace_conv2d` for each window's products); the scene computes
nothing.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import detailed_option, seed_option, show_code_option, sweep_time_option
from convanim.manim.options.option_kinds import Choice, Maybe, Pair, Values, WholeRange
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import UP, VGroup

from convanim import convolve2d, correlate2d, flip_kernel, trace_conv2d
from convanim.arithmetic.padding import padding_mask
from convanim.statements import products_statement
from convanim.torch_code import TorchCode, true_convolution_code

from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, frame_around,
                                           label_above)
from convanim.manim.mobjects.numbers import widest_text

#: Where the grids go: the input's centre x; the kernels' centre x; the outputs' centre x; the two rows' y.
INPUT_X, KERNEL_X, OUTPUT_X, TOP_Y, BOTTOM_Y = -4.3, -0.5, 3.9, 1.4, -1.75


class TrueConvolutionScene(FamilyScene):
    """Correlation (deep learning's "convolution") and true convolution of one channel, side by side.

    Options: ``input_size``, ``kernel_size``, ``mode`` (``'valid'`` or ``'full'``, as SciPy's),
    ``input_values`` (H, W) and ``weight_values`` (KH, KW) or ``seed`` with ``input_range`` and
    ``weight_range``; ``detailed_steps`` (output cells written out before the rest sweep), ``stage_time``,
    ``sweep_time``, ``pause_time``, ``palette``, ``show_code``.
    """

    input_size: tuple[int, int] = Option((4, 5), Pair(2, 7, single=False), "the input's height and width (H, W)")
    kernel_size: tuple[int, int] = Option((2, 3), Pair(1, 4, single=False), "the kernel's height and width (KH, KW)")
    mode: str = Option("valid", Choice("valid", "full"), "'valid': only windows inside the input; 'full': every "
                                                          "window that overlaps it (the input padded by k − 1)")
    seed: int = seed_option(5, "the input and the kernel")
    input_range: tuple[int, int] = Option((0, 4), WholeRange(-99, 99), "the range input values are drawn from")
    weight_range: tuple[int, int] = Option((-2, 3), WholeRange(-99, 99), "the range kernel values are drawn from")
    input_values: np.ndarray | None = Option(None, Maybe(Values(2, "shaped (H, W)"), "drawn from seed"),
                                             "the input, given by hand")
    weight_values: np.ndarray | None = Option(None, Maybe(Values(2, "shaped (KH, KW)"), "drawn from seed"),
                                              "the kernel, given by hand")
    detailed_steps: int = detailed_option(2, "output cells")
    sweep_time: float = sweep_time_option(1 / 3)
    show_code: bool = show_code_option()
    slide_cuts: tuple[str, ...] = ("turn_kernel", "compute_in_detail", "conclude", "show_code_card")
    slide_runs: tuple[str, ...] = ("sweep_cell",)
    LONG_CAPTION_SIZE = 22

    # -- values ------------------------------------------------------------------
    def get_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The input (H, W) and the kernel (KH, KW): given by hand, or whole numbers drawn from ``seed``."""
        rng = np.random.default_rng(self.seed)
        x = self.input_values if self.input_values is not None else rng.integers(
            self.input_range[0], self.input_range[1] + 1, self.input_size)
        k = self.weight_values if self.weight_values is not None else rng.integers(
            self.weight_range[0], self.weight_range[1] + 1, self.kernel_size)
        return np.asarray(x), np.asarray(k)

    def setup(self) -> None:
        super().setup()
        x, k = self.get_arrays()
        name = type(self).__name__
        if self.mode == "valid" and (k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]):
            raise ValueError(f"{name}.kernel_size = {k.shape}: larger than the input {x.shape}; mode='valid' needs "
                             f"the kernel inside the input (or set mode='full')")
        self.x, self.kernel, self.flipped = x, k, flip_kernel(k)
        self.correlation, self.convolution = correlate2d(x, k, self.mode), convolve2d(x, k, self.mode)
        pad = (k.shape[0] - 1, k.shape[1] - 1) if self.mode == "full" else 0
        # each output cell's window and products: the same windows, with k and with k′
        self.correlation_trace = trace_conv2d(x[None], k[None, None], padding=pad)
        self.convolution_trace = trace_conv2d(x[None], self.flipped[None, None], padding=pad)
        self.steps = list(self.correlation_trace.steps())
        self.build()

    # -- building ----------------------------------------------------------------
    def grid(self, values: np.ndarray, cell: float, colour: str, mask: np.ndarray | None = None) -> NumberGrid:
        font = fit_font_size(cell, widest_text(np.ravel(values), 0))
        return NumberGrid(values, cell, colour, 0, mask, self.palette.padding, font, show_numbers=font >= MIN_FONT_SIZE)

    def build(self) -> None:
        pal, t = self.palette, self.correlation_trace
        padded = t.padded[0]
        hp, wp = padded.shape
        mask = padding_mask(self.x.shape, t.geometry.pads)
        self.input_grid = self.grid(padded, min(0.62, 5.2 / hp, 4.4 / wp), pal.input, mask)
        self.input_grid.move_to(np.array([INPUT_X, -0.15, 0]))
        kh, kw = self.kernel.shape
        kernel_cell = min(0.55, 2.2 / kh, 2.6 / kw)
        self.kernel_grid = self.grid(self.kernel, kernel_cell, pal.kernel).move_to(np.array([KERNEL_X, TOP_Y, 0]))
        self.flipped_grid = self.grid(self.flipped, kernel_cell, pal.kernel).move_to(np.array([KERNEL_X, BOTTOM_Y, 0]))
        oh, ow = self.correlation.shape
        out_cell = min(0.62, 2.0 / oh, 3.6 / ow)
        self.correlation_grid = self.grid(self.correlation, out_cell, pal.output).move_to(np.array([OUTPUT_X, TOP_Y, 0]))
        self.convolution_grid = self.grid(self.convolution, out_cell, pal.output).move_to(
            np.array([OUTPUT_X, BOTTOM_Y, 0]))
        for grid in (self.correlation_grid, self.convolution_grid):
            for number in grid.numbers:  # revealed cell by cell
                number.set_opacity(0)
        h, w = self.x.shape
        self.input_label = label_above(self.input_grid, self.tr("input {shape}", shape=f"{h}×{w}"))
        self.kernel_label = label_above(self.kernel_grid, self.tr("kernel k"), 22)
        self.flipped_label = label_above(self.flipped_grid, self.tr("k′: k turned 180°"), 22)
        self.correlation_label = label_above(self.correlation_grid, self.tr("x ⋆ k: correlation"), 22)
        self.convolution_label = label_above(self.convolution_grid, self.tr("x ∗ k: convolution"), 22)
        self.title = caption_text(self.tr("correlation and true convolution, one channel") + f"  (mode='{self.mode}')",
                                  28).to_edge(UP, buff=0.25)
        self.window_frame = None

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_layer()
        self.turn_kernel()
        for n, step in enumerate(self.steps):
            if n < self.detailed_steps:
                self.compute_in_detail(step)
            else:
                self.sweep_cell(step)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def show_layer(self) -> None:
        """The input, the kernel and the two empty outputs."""
        self.play(FadeIn(self.title), FadeIn(self.input_grid), FadeIn(self.input_label), FadeIn(self.kernel_grid),
                  FadeIn(self.kernel_label), FadeIn(self.correlation_grid), FadeIn(self.correlation_label),
                  FadeIn(self.convolution_grid), FadeIn(self.convolution_label),
                  self.caption_to(self.tr("deep learning's convolution is correlation: the kernel slides as it is")),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def turn_kernel(self) -> None:
        """k turned by 180°: each number moves to its mirrored place, k′[i, j] = k[KH−1−i, KW−1−j]."""
        kh, kw = self.kernel.shape
        moving = VGroup(*(self.kernel_grid.cell(i, j).copy() for i in range(kh) for j in range(kw)))
        numbers = (VGroup(*(self.kernel_grid.number(i, j).copy() for i in range(kh) for j in range(kw)))
                   if self.kernel_grid.show_numbers else VGroup())
        targets = [(kh - 1 - i, kw - 1 - j) for i in range(kh) for j in range(kw)]
        self.add(moving, numbers)
        animations = [m.animate.move_to(self.flipped_grid.cell(*t)) for m, t in zip(moving, targets)]
        if self.kernel_grid.show_numbers:
            animations += [n.animate.move_to(self.flipped_grid.number(*t)) for n, t in zip(numbers, targets)]
        self.play(*animations, FadeIn(self.flipped_label), self.caption_to(self.tr(
            "true convolution turns the kernel by 180° first: k′[i,j] = k[{kh}−i, {kw}−j]", kh=kh - 1, kw=kw - 1)),
            run_time=2 * self.stage_time)
        self.remove(moving, numbers)
        self.add(self.flipped_grid)
        self.wait(self.pause_time / 2)

    def window_cells(self, step) -> VGroup:
        kh, kw = self.kernel.shape
        return VGroup(*(self.input_grid.cell(step.oy + i, step.ox + j) for i in range(kh) for j in range(kw)))

    def move_window(self, step) -> list:
        frame = frame_around(self.window_cells(step), self.palette.winner, buff=0.02)
        if self.window_frame is None:
            self.window_frame = frame
            return [FadeIn(frame)]
        return [self.window_frame.animate.become(frame)]

    def reveal(self, step) -> list:
        """Both output cells of ``step`` shown."""
        cells = [grid.number(step.oy, step.ox) for grid in (self.correlation_grid, self.convolution_grid)
                 if grid.show_numbers]
        return [FadeIn(n.set_opacity(1)) for n in cells]  # from invisible to its full opacity

    def statements(self, step) -> tuple:
        """The window's products with k and with k′, written out (from the two traces)."""
        oy, ox = step.oy, step.ox
        out = []
        for trace, symbol in ((self.correlation_trace, "⋆"), (self.convolution_trace, "∗")):
            s = trace.step(0, 0, oy, ox)
            out.append(products_statement(f"(x {symbol} k)[{oy},{ox}]", s.window.ravel(), s.weights.ravel(),
                                          trace.output[0, oy, ox], 0, 0, 0))
        return tuple(out)

    def compute_in_detail(self, step) -> None:
        """One output cell: its window framed, both sums written out, both cells shown."""
        correlation, convolution = self.statements(step)
        self.play(*self.move_window(step), *self.reveal(step), self.caption_to(f"{correlation};  {convolution}"),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def sweep_cell(self, step) -> None:
        """One of the other cells, quickly."""
        first = step is self.steps[self.detailed_steps]
        caption = [self.caption_to(self.tr("every other cell: the same window, times k and times k′"))] if first else []
        self.play(*self.move_window(step), *self.reveal(step), *caption, run_time=self.sweep_time)

    def conclude(self) -> None:
        frames = VGroup(*(frame_around(g, self.palette.winner) for g in (self.correlation_grid, self.convolution_grid)))
        self.play(FadeOut(self.window_frame), FadeIn(frames), self.caption_to(self.tr(
            "convolution = correlation with the flipped kernel")), run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """``nn.Conv2d`` with the kernel turned by 180° (``w.flip(-2, -1)``): the convolution shown."""
        return true_convolution_code(self.x, self.kernel, self.mode)

    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.true_convolution`)."""
        from convanim.narration.true_convolution import TrueConvolutionNarrator

        return TrueConvolutionNarrator(self.correlation, self.convolution, language)


__all__ = ["TrueConvolutionScene"]
