"""im2col scenes: a convolution as one matrix product, and the two loops that build the matrix.

``Im2ColScene`` -- each window of a small multi-channel input is unrolled
into a row of the im2col matrix (each entry keeps its channel's colour),
the filters are flattened into the columns of a weight matrix, the matrix
product fills the output matrix row by row, the bias row is added, and the
columns fold back into the output maps, which equal conv2d.

``Im2ColLoopOrdersScene`` -- the same matrix filled twice, side by side:
by kernel tap (KH·KW strided slices of the input, Saito's way) and by
window (OH·OW copies), with the loop counters running at the same pace.

Every number comes from the core: :func:`convanim.im2col_conv2d` for the
matrices and the product, :func:`convanim.im2col_steps` for the loops.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import (sweep_time_option, detailed_option, show_code_option)
from convanim.torch_code import TorchCode, im2col_code, unfold_code
from convanim.manim.options.option_kinds import Number, Pair, Numbers
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, LEFT, RIGHT, UP, VGroup, Write

from convanim import im2col_conv2d, im2col_steps
from convanim.arithmetic.geometry import sliding_geometry
from convanim.arithmetic.im2col import FillStep, Im2ColProduct
from convanim.arithmetic.padding import pad_input, padding_mask

from convanim.statements import decimals_for, format_number, products_statement

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, frame_around,
                                           label_above)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.options.layer_options import LayerOptions, PlaneInput
from convanim.manim.mobjects.matrix_grid import MatrixGrid
from convanim.manim.mobjects.numbers import widest_text


class Im2ColScene(LayerOptions, FamilyScene):
    """A conv layer computed as im2col + one matrix product.  Options (class attributes):

    Layer and values: see :class:`LayerOptions` (groups=1 and zero padding
    only).  ``palette`` (``palette.channel(c)`` colours the entries from
    input channel c); pacing: ``detailed_rows`` (windows unrolled slowly),
    ``detailed_products`` (matrix entries computed with their sum written
    out), ``stage_time``, ``sweep_time``, ``pause_time``.
    """

    in_channels = 2
    input_size = (3, 3)
    out_channels = 2
    kernel_size = (2, 2)
    seed = 6
    weight_range = (-3, 3)
    bias_range = (-9, 9)

    detailed_rows: int = detailed_option(2, "rows of the im2col matrix")
    detailed_products: int = detailed_option(2, "products")
    sweep_time: float = sweep_time_option(1 / 3)

    # -- building ----------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("unroll_windows", "flatten_filters", "multiply_rows_by_columns", "add_bias",
                                   "fold_into_maps", "conclude", "show_code_card")
    show_code: bool = show_code_option()
    CAPTION_SIZE = LONG_CAPTION_SIZE = 26

    def setup(self) -> None:
        super().setup()
        if self.groups != 1 or self.padding_mode != "zeros":
            raise ValueError(f"{type(self).__name__}: the im2col scene shows groups=1 with zero padding; got "
                             f"groups={self.groups!r}, padding_mode={self.padding_mode!r}")
        x, w, b = self.layer_arrays = self.get_layer_arrays()
        # The core checks every option here, before any frame is written.
        self.record: Im2ColProduct = im2col_conv2d(x, w, b, self.stride, self.padding, self.dilation)
        self.steps: list[FillStep] = im2col_steps(x, w.shape[2:], self.stride, self.padding, self.dilation,
                                                  method="window")
        r = self.record
        self.num_decimals = decimals_for(r.output, self.decimals)
        self.input_shape = x.shape
        self.weight = r.weight_matrix.T.reshape(w.shape)
        self.build_inputs(pad_input(x.astype(r.cols.dtype), r.geometry.pads))
        self.build_filters()
        self.build_matrices()
        self.build_output_maps()

    def build_inputs(self, padded: np.ndarray) -> None:
        pal, g = self.palette, self.record.geometry
        c, hp, wp = padded.shape
        cell = min(0.55, 4.2 / (c * wp + (c - 1) * 0.8), 2.2 / hp)
        mask = padding_mask(g.input, g.pads)
        font = fit_font_size(cell, widest_text(padded, self.num_decimals))
        self.input_grids = [NumberGrid(padded[k], cell, pal.channel(k), self.num_decimals, mask, pal.padding, font,
                                       show_numbers=font >= MIN_FONT_SIZE) for k in range(c)]
        self.inputs = VGroup(*self.input_grids).arrange(RIGHT, buff=0.8 * cell).move_to(np.array([-4.2, 1.75, 0]))
        self.input_labels = VGroup(*(caption_text(f"x[{k}]", 20, "#BDBDBD").next_to(grid, UP, buff=0.12)
                                     for k, grid in enumerate(self.input_grids)))

    def build_filters(self) -> None:
        pal = self.palette
        f, c, kh, kw = self.weight.shape
        cell = min(0.42, 2.3 / (f * kh + (f - 1)), 3.2 / (c * kw + c))
        font = fit_font_size(cell, widest_text(self.weight, self.num_decimals))
        self.kernel_grids = [[NumberGrid(self.weight[i, k], cell, pal.kernel, self.num_decimals, font_size=font,
                                         show_numbers=font >= MIN_FONT_SIZE) for k in range(c)] for i in range(f)]
        rows = VGroup(*(VGroup(*row).arrange(RIGHT, buff=0.5 * cell) for row in self.kernel_grids))
        self.filters = rows.arrange(DOWN, buff=cell).move_to(np.array([3.9, 1.75, 0]))
        self.filter_labels = VGroup(*(caption_text(f"w[{i}]", 20, "#BDBDBD").next_to(row, LEFT, buff=0.2)
                                      for i, row in enumerate(rows)))

    def build_matrices(self) -> None:
        pal, r = self.palette, self.record
        rows, k = r.cols.shape
        f = r.weight_matrix.shape[1]
        cell = min(0.45, 3.4 / k, 2.9 / rows)
        self.matrix_cell = cell
        every = np.concatenate([r.cols.ravel(), r.weight_matrix.ravel(), r.output_matrix.ravel(), r.product.ravel()])
        font = fit_font_size(cell, widest_text(every, self.num_decimals))
        self.cols_matrix = MatrixGrid((rows, k), cell, pal.input, self.num_decimals, font, r.cols)
        self.weight_matrix = MatrixGrid((k, f), cell, pal.kernel, self.num_decimals, font, r.weight_matrix)
        self.bias_row = MatrixGrid((1, f), cell, pal.bias, self.num_decimals, font, r.bias)
        self.output_matrix = MatrixGrid((rows, f), cell, pal.output, self.num_decimals, font,
                                        np.concatenate([r.product.ravel(), r.output_matrix.ravel()]))
        self.times, self.plus, self.equals = (caption_text(s, 34) for s in ("×", "+", "="))
        row = VGroup(self.cols_matrix, self.times, self.weight_matrix, self.plus, self.bias_row, self.equals,
                     self.output_matrix).arrange(RIGHT, buff=0.3)
        row.move_to(np.array([-0.9, -1.45, 0]))
        w_label = caption_text(f"W {k}×{f}", 20, "#BDBDBD").next_to(self.weight_matrix, LEFT, buff=0.1).align_to(
            self.weight_matrix, UP)
        if w_label.get_left()[0] < self.cols_matrix.get_right()[0] + 0.05:  # no room beside W: above it
            w_label = label_above(self.weight_matrix, f"W {k}×{f}", 20)
        self.matrix_labels = VGroup(
            label_above(self.cols_matrix, self.tr("cols {shape}", shape=f"{rows}×{k}"), 20),
            w_label,
            label_above(self.bias_row, "b", 20),
            label_above(self.output_matrix, self.tr("out {shape}", shape=f"{rows}×{f}"), 20))

    def build_output_maps(self) -> None:
        pal, r = self.palette, self.record
        f = r.weight_matrix.shape[1]
        oh, ow = r.geometry.out
        # one above the other, or side by side where that gives larger cells (maps one column wide); never
        # smaller than the widest number needs at MIN_FONT_SIZE
        down = min(0.5, 2.6 / (f * oh + f - 1), 2.0 / ow)
        across = min(0.5, 2.6 / oh, 2.0 / (f * ow + f - 1))
        cell = max(down, across)
        font = fit_font_size(cell, widest_text(r.output_matrix, self.num_decimals))
        self.output_maps = [MatrixGrid((oh, ow), cell, pal.output, self.num_decimals, font, r.output_matrix)
                            for _ in range(f)]
        VGroup(*self.output_maps).arrange(DOWN if down >= across else RIGHT, buff=cell).move_to(
            np.array([5.6, -1.45, 0]))
        self.map_labels = VGroup(*(caption_text(f"y[{i}]", 20, "#BDBDBD").next_to(m, LEFT, buff=0.15)
                                   for i, m in enumerate(self.output_maps)))

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.introduce_layer()
        self.unroll_windows()
        self.flatten_filters()
        self.multiply_rows_by_columns()
        self.add_bias()
        self.fold_into_maps()
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def torch_code(self) -> TorchCode:
        """The same im2col in PyTorch: ``unfold`` for the windows' rows, one matrix product, the bias, the maps."""
        x, w, b = self.layer_arrays
        return im2col_code(x, w, b, self.stride, self.padding, self.dilation)

    def introduce_layer(self) -> None:
        c, h, w = self.input_shape
        f, _, kh, kw = self.weight.shape
        self.title = caption_text(self.trn("im2col: input {input}, {n} filter {shape} as one matrix product",
                                           "im2col: input {input}, {n} filters {shape} as one matrix product", f,
                                           input=f"{c}×{h}×{w}", shape=f"{c}×{kh}×{kw}"), 28).to_edge(UP, buff=0.25)
        self.play(Write(self.title), FadeIn(self.inputs), FadeIn(self.input_labels), FadeIn(self.filters),
                  FadeIn(self.filter_labels), run_time=self.stage_time)
        rows, k = self.record.cols.shape
        self.play(FadeIn(self.cols_matrix), FadeIn(self.matrix_labels[0]),
                  self.caption_to(self.tr("each of the {rows} windows becomes a row of {count} values", rows=rows,
                                           count=f"{c}·{kh}·{kw} = {k}")),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def unroll_windows(self) -> None:
        """Window by window: frame it on every channel, copy its values into the next row."""
        marks = []
        for index, step in enumerate(self.steps):
            detailed = index < self.detailed_rows
            run_time = self.stage_time if detailed else self.sweep_time
            frames = [frame_around(self.window_cells(step, k), self.palette.product, buff=0.04, thickness=0.05)
                      for k in range(self.input_shape[0])]
            new_marks = frames + [self.cols_matrix.row_frame(int(step.rows[0]), self.palette.product)]
            caption = self.caption_to(self.tr("window ({y}, {x}) → row {row}", y=step.counter[0], x=step.counter[1],
                                               row=step.rows[0]))
            self.play(*(FadeOut(m) for m in marks), *(FadeIn(m) for m in new_marks), caption, run_time=run_time)
            copies = []
            for i, j, value, (_, c, y, x) in zip(step.rows, step.cols, step.values, zip(*step.source)):
                copies += self.cols_matrix.fill_entry(i, j, value, self.input_grids[c].piece(y, x),
                                                      self.palette.channel(c))
            self.play(*copies, run_time=run_time)
            marks = new_marks
            self.after_fill(step)
        self.play(*(FadeOut(m) for m in marks), run_time=self.stage_time / 2)

    def window_cells(self, step: FillStep, channel: int) -> VGroup:
        grid = self.input_grids[channel]
        _, c, y, x = step.source
        return VGroup(*(grid.cell(yy, xx) for cc, yy, xx in zip(c, y, x) if cc == channel))

    def flatten_filters(self) -> None:
        """Each filter's kernels, read channel by channel and row by row, become one column of W."""
        f, c, kh, kw = self.weight.shape
        self.play(FadeIn(self.weight_matrix), FadeIn(self.matrix_labels[1]),
                  self.caption_to(self.tr("each filter's {count} weights become a column of W, in the same order",
                                           count=f"{c}·{kh}·{kw}")),
                  run_time=self.stage_time)
        for i in range(f):
            copies = []
            for j in range(c * kh * kw):
                k, ky, kx = np.unravel_index(j, (c, kh, kw))  # the order of W's rows (and of cols' columns)
                copies += self.weight_matrix.fill_entry(j, i, self.record.weight_matrix[j, i],
                                                        self.kernel_grids[i][k].piece(ky, kx), self.palette.kernel)
            self.play(*copies, run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def multiply_rows_by_columns(self) -> None:
        """Output entry (row, filter) = row of cols · column of W; the first ones with the sum written out."""
        r = self.record
        rows, f = r.product.shape
        self.play(FadeIn(self.times), FadeIn(self.equals), FadeIn(self.output_matrix),
                  FadeIn(self.matrix_labels[3]), run_time=self.stage_time / 2)
        marks = []
        shown = 0
        for i in range(rows):
            for j in range(f):
                detailed = shown < self.detailed_products
                new_marks = [self.cols_matrix.row_frame(i, self.palette.product),
                             self.weight_matrix.column_frame(j, self.palette.product)]
                self.play(*(FadeOut(m) for m in marks), *(FadeIn(m) for m in new_marks),
                          *self.output_matrix.show_entry(i, j, r.product[i, j], self.palette.product),
                          self.caption_to(self.dot_product(i, j, detailed)),
                          run_time=self.stage_time if detailed else self.sweep_time)
                marks = new_marks
                shown += 1
        self.play(*(FadeOut(m) for m in marks), run_time=self.stage_time / 2)
        self.after_products()

    def dot_product(self, i: int, j: int, written_out: bool) -> str:
        """``row i · column j = a·w + ... = value`` with the record's numbers (the statement rule)."""
        r, d = self.record, self.num_decimals
        label = self.tr("row {i} · column {j}", i=i, j=j)
        if not written_out:
            return f"{label} = {format_number(r.product[i, j], d)}"
        return str(products_statement(label, r.cols[i], r.weight_matrix[:, j], r.product[i, j], d, d, d))

    def add_bias(self) -> None:
        """The bias row is added to every row of the product."""
        r = self.record
        rows, f = r.product.shape
        appear = [a for j in range(f) for a in self.bias_row.show_entry(0, j, r.bias[j], self.palette.bias)]
        self.play(FadeIn(self.plus), FadeIn(self.bias_row), *appear, FadeIn(self.matrix_labels[2]),
                  self.caption_to(self.tr("add the bias row to every row; {values}", values="; ".join(
                      f"b[{j}] = {format_number(r.bias[j], self.num_decimals)}" for j in range(f)))),
                  run_time=self.stage_time)
        animations = []
        for i in range(rows):
            for j in range(f):
                if self.output_matrix.show_numbers:
                    animations.append(FadeOut(self.output_matrix.number(i, j).copy()))
                animations += self.output_matrix.fill_entry(i, j, r.output_matrix[i, j], self.bias_row.piece(0, j),
                                                            self.palette.output)
        self.play(*animations, run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def fold_into_maps(self) -> None:
        """Column j of the output matrix, read row by row, is output map j (OH×OW)."""
        r = self.record
        rows, f = r.output_matrix.shape
        oh, ow = r.geometry.out
        self.play(*(FadeIn(m) for m in self.output_maps), FadeIn(self.map_labels),
                  self.caption_to(self.tr("fold: each column's {rows} values become an output map {shape}", rows=rows,
                                           shape=f"{oh}×{ow}")),
                  run_time=self.stage_time)
        for j in range(f):
            copies = []
            for i in range(rows):
                oy, ox = divmod(i, ow)  # row i of the matrix is window (oy, ox)
                copies += self.output_maps[j].fill_entry(oy, ox, r.output[..., j, oy, ox].item(),
                                                         self.output_matrix.piece(i, j), self.palette.output)
            self.play(*copies, run_time=self.stage_time)
        self.after_fold()

    def conclude(self) -> None:
        rows, k = self.record.cols.shape
        f = self.record.weight_matrix.shape[1]
        self.play(self.caption_to(self.tr("{product}: every window of every filter in one product, equal to conv2d",
                                           product=f"({rows}×{k}) · ({k}×{f}) + b = {rows}×{f}")),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def narrator(self, language: str):
        """The spoken story of im2col in ``language`` (see :mod:`convanim.narration.im2col`)."""
        from convanim.narration.im2col import Im2ColNarrator

        return Im2ColNarrator(self.record, self.input_shape, self.num_decimals, language)

    # -- hooks (tests read the screen here) ------------------------------------------
    def after_fill(self, step: FillStep) -> None:
        """Called after each window's row is filled."""

    def after_products(self) -> None:
        """Called when every product is shown (before the bias)."""

    def after_fold(self) -> None:
        """Called when the output maps are complete."""


class Im2ColLoopOrdersScene(PlaneInput, FamilyScene):
    """The im2col matrix filled by kernel tap and by window, side by side.  Options (class attributes):

    ``input_size`` (H, W), ``kernel_size``, ``stride``, ``padding``,
    ``dilation``; ``input_values`` (H, W) or ``seed`` with ``input_range``;
    ``book_case`` (input side, kernel side) whose loop counts are quoted at
    the end (Saito's 28×28 with a 5×5 kernel); ``show_code`` (end on ``nn.functional.unfold``);
    ``palette``; ``stage_time`` (the title and the closing comparison), ``step_time`` (one pass of
    either loop: both run at the same pace), ``pause_time``.
    """

    input_size = (5, 5)
    seed = 11
    kernel_size: object = Option(2, Pair(1, 11), "the kernel's height and width (KH, KW)")
    stride: object = Option(1, Pair(1, 8), "the step between windows (SH, SW)")
    padding: object = Option(0, Pair(0, 8), "cells added on each side (PH, PW)")
    dilation: object = Option(1, Pair(1, 8), "the spacing of the kernel's taps (DH, DW)")
    book_case: tuple[int, int] = Option(
        (28, 5), Numbers(2, "a pair such as 28,5 of whole numbers of 1 or more", whole=True, low=1),
        "the input side and kernel side whose loop counts are quoted at the end")
    step_time: float = Option(0.4, Number(0.01, 30), "seconds of one pass of either loop")
    show_code: bool = show_code_option()

    METHODS = ("kernel", "window")

    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("run_both_loops", "compare_matrices", "show_code_card")
    CAPTION_SIZE = LONG_CAPTION_SIZE = 26

    def setup(self) -> None:
        super().setup()
        x = self.get_input()[None]
        # The core checks every option here, before any frame is written.
        self.loops = {m: im2col_steps(x, self.kernel_size, self.stride, self.padding, self.dilation, method=m)
                      for m in self.METHODS}
        kernel_steps = self.loops["kernel"]
        self.num_decimals = decimals_for(x, 2)
        self.matrix_shape = (len(self.loops["window"]), len(kernel_steps))  # one channel: OH·OW × KH·KW
        pads = sliding_geometry(x.shape[1:], self.kernel_size, self.stride, self.padding, self.dilation).pads
        mask = padding_mask(x.shape[1:], pads)
        padded = pad_input(x, pads)[0]
        self.panels = {}
        for side, method in zip((-1, 1), self.METHODS):
            cell = min(0.45, 2.6 / padded.shape[1], 3.0 / padded.shape[0])
            font = fit_font_size(cell, widest_text(padded, self.num_decimals))
            grid = NumberGrid(padded, cell, self.palette.input, self.num_decimals, mask, self.palette.padding, font,
                              show_numbers=font >= MIN_FONT_SIZE)
            rows, cols = self.matrix_shape
            m_cell = min(0.4, 5.4 / rows, 2.4 / cols)
            matrix = MatrixGrid(self.matrix_shape, m_cell, self.palette.input, self.num_decimals,
                                fit_font_size(m_cell, widest_text(padded, self.num_decimals)), padded)
            panel = VGroup(grid, matrix).arrange(RIGHT, buff=0.6).move_to(np.array([side * 3.55, -0.45, 0]))
            counter = caption_text(" ", 22).next_to(panel, UP, buff=0.25)
            self.panels[method] = {"grid": grid, "matrix": matrix, "panel": panel, "counter": counter}

    def construct(self) -> None:
        self.introduce_loops()
        self.run_both_loops()
        self.compare_matrices()
        if self.shows_code():
            self.show_code_card()

    def torch_code(self) -> TorchCode:
        """The same matrix in PyTorch: ``unfold`` of the plane, one row per window."""
        return unfold_code(self.get_input(), self.kernel_size, self.stride, self.padding, self.dilation)

    def code_card_title(self) -> str:
        return self.tr("the same matrix in PyTorch")

    def introduce_loops(self) -> None:
        rows, cols = self.matrix_shape
        self.title = caption_text(self.tr("two ways to fill the same {shape} im2col matrix", shape=f"{rows}×{cols}"),
                                  28).to_edge(UP, buff=0.25)
        names = {"kernel": self.tr("by kernel tap: {n} strided slices", n=cols),
                 "window": self.tr("by window: {n} copies", n=rows)}
        self.headers = VGroup()
        for method in self.METHODS:
            p = self.panels[method]
            header = caption_text(names[method], 24, "#E0E0E0").next_to(p["counter"], UP, buff=0.12)
            self.headers.add(header)
        self.play(Write(self.title), *(FadeIn(p["panel"]) for p in self.panels.values()), FadeIn(self.headers),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def counter_text(self, method: str, index: int) -> str:
        step = self.loops[method][index]
        names = ("ky", "kx") if method == "kernel" else ("oy", "ox")
        return (f"{names[0]} = {step.counter[0]}, {names[1]} = {step.counter[1]}    "
                + self.tr("pass {n} of {total}", n=index + 1, total=len(self.loops[method])))

    def run_both_loops(self) -> None:
        """One pass of each loop per beat; the kernel-tap loop finishes long before the window loop."""
        marks: dict[str, object] = {}
        for index in range(max(len(steps) for steps in self.loops.values())):
            animations = []
            for method in self.METHODS:
                if index >= len(self.loops[method]):
                    continue
                p, step = self.panels[method], self.loops[method][index]
                counter = caption_text(self.counter_text(method, index), 22).move_to(p["counter"])
                animations += [FadeOut(p["counter"]), FadeIn(counter)]
                p["counter"] = counter
                cells = VGroup(*(p["grid"].cell(y, x) for y, x in zip(step.source[2], step.source[3])))
                mark = VGroup(*(frame_around(c, self.palette.product, buff=0.0, thickness=0.05) for c in cells))
                animations.append(FadeIn(mark))
                if method in marks:
                    animations.append(FadeOut(marks[method]))
                marks[method] = mark
                for i, j, value, y, x in zip(step.rows, step.cols, step.values, step.source[2], step.source[3]):
                    animations += p["matrix"].fill_entry(i, j, value, p["grid"].piece(y, x), self.palette.channel(0))
                if index == len(self.loops[method]) - 1:
                    animations.append(FadeOut(mark))
            self.play(*animations, run_time=self.step_time)
            self.after_pass(index)

    def compare_matrices(self) -> None:
        cols = len(self.loops["kernel"])
        rows = len(self.loops["window"])
        side, k = self.book_case
        book = self.book_passes()
        frames = [frame_around(self.panels[m]["matrix"], self.palette.winner, buff=0.06) for m in self.METHODS]
        fade = self.caption_to(self.tr("the same matrix: {few} passes against {many}; for a {input} input and a {kernel} "
                                  "kernel: {book_few} against {book_many}", few=cols, many=rows, input=f"{side}×{side}",
                                  kernel=f"{k}×{k}", book_few=book["kernel"], book_many=book["window"]))
        self.play(*(FadeIn(f) for f in frames), fade, run_time=self.stage_time)
        self.wait(self.pause_time)

    def book_passes(self) -> dict[str, int]:
        """The passes of each loop for the book's case (``book_case``)."""
        side, k = self.book_case
        return {m: len(im2col_steps(np.zeros((1, side, side)), k, method=m)) for m in self.METHODS}

    def narrator(self, language: str):
        """The spoken story of the two loops in ``language`` (see :mod:`convanim.narration.im2col`)."""
        from convanim.narration.im2col import LoopOrdersNarrator

        book = self.book_passes()
        return LoopOrdersNarrator(len(self.loops["kernel"]), len(self.loops["window"]),
                                  (*self.book_case, book["kernel"], book["window"]), language)

    def shown_matrices(self) -> dict[str, np.ndarray]:
        """Both matrices as drawn (NaN where not filled yet)."""
        return {m: self.panels[m]["matrix"].shown_matrix() for m in self.METHODS}

    def after_pass(self, index: int) -> None:
        """Called after each beat (pass ``index`` of each loop still running); tests read the screen here."""
