"""Col2ImScene: the backward pass of a convolution the way *Deep Learning from Scratch* (ch. 7) codes it.

dL/dy becomes ``dout``, one row per window and one column per filter;
``dcols = dout @ W_colᵀ`` gives each window's entries their gradient (the
same layout as the im2col matrix); ``col2im`` adds every entry back into
the input cell it was read from, overlapping windows summing, padding
dropped.  Every number comes from :func:`convanim.im2col_conv2d_backward`.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import detailed_option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, LEFT, UP, VGroup, Write

from convanim import im2col_conv2d_backward
from convanim.arithmetic.im2col import Col2ImGradient
from convanim.arithmetic.padding import padding_mask
from convanim.statements import products_statement

from convanim.manim.mobjects.cells import MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, label_above
from convanim.manim.families.backward.conv_backward_scene import ConvGradientScene
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.mobjects.matrix_grid import MatrixGrid
from convanim.manim.mobjects.numbers import widest_text


class Col2ImScene(ConvGradientScene):
    """dx = col2im(dout @ W_colᵀ).  Options (class attributes): the layer and dL/dy as
    :class:`~convanim.manim.families.backward.conv_backward_scene.ConvBackwardScene` (groups=1, zero padding, as im2col);
    ``detailed_products`` (entries of dcols written out), ``detailed_rows`` (rows of dcols folded back
    slowly); ``palette``, ``stage_time``, ``sweep_time``, ``pause_time``."""

    in_channels, input_size, out_channels, kernel_size, seed = 2, (3, 3), 2, (2, 2), 6
    weight_range = (-3, 3)
    detailed_products: int = detailed_option(2, "products")
    detailed_rows: int = detailed_option(1, "rows")
    sweep_time: float = 0.5

    # -- building --------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("flatten_gradient", "multiply_by_weight_columns", "fold_rows_back",
                                   "drop_padding", "conclude", "show_code_card")

    def setup(self) -> None:
        if self.groups != 1 or self.padding_mode != "zeros":
            raise ValueError(f"{type(self).__name__}: col2im is shown for groups=1 with zero padding; got "
                             f"groups={self.groups!r}, padding_mode={self.padding_mode!r}")
        t = self.build_trace()
        x, w, _ = self.get_layer_arrays()
        self.record: Col2ImGradient = im2col_conv2d_backward(x, w, t.grad_output, self.stride, self.padding,
                                                             self.dilation)
        r, pal = self.record, self.palette
        rows, k = r.grad_cols.shape
        f = r.grad_matrix.shape[1]
        every = np.concatenate([r.grad_matrix.ravel(), r.weight_matrix.ravel(), r.grad_cols.ravel()])
        cell = min(0.45, 4.6 / k, 3.0 / (rows + f))
        font = fit_font_size(cell, widest_text(every, self.w_decimals))
        self.dout = MatrixGrid((rows, f), cell, pal.output, self.g_decimals, font, r.grad_matrix)
        self.weights_t = MatrixGrid((f, k), cell, pal.kernel, self.k_decimals, font, r.weight_matrix)
        self.dcols = MatrixGrid((rows, k), cell, pal.kernel, self.w_decimals, font, r.grad_cols)
        for (i, j), value in np.ndenumerate(r.weight_matrix.T):  # drawn complete from the start
            self.weights_t.set_entry(i, j, value, self.entry_color(j))
        self.dcols.move_to(np.array([-0.2, -1.0, 0]))
        self.weights_t.next_to(self.dcols, UP, buff=0.35).align_to(self.dcols, LEFT)
        self.dout.next_to(self.dcols, LEFT, buff=0.35).align_to(self.dcols, UP)
        self.build_gradient_maps()
        self.build_input_gradient()
        self.labels = VGroup(
            caption_text("dout", 20, "#BDBDBD").next_to(self.dout, UP, buff=0.12),
            caption_text(self.tr("W_colᵀ: row f = filter f flattened"), 20, "#BDBDBD").next_to(self.weights_t, UP,
                                                                                     buff=0.12),
            caption_text(f"dcols {rows}×{k}", 20, "#BDBDBD").next_to(self.dcols, DOWN, buff=0.12))
        self.title = caption_text(self.tr("col2im: the backward pass as Deep Learning from Scratch codes it"), 28)
        self.title.to_edge(UP, buff=0.25)
        self.rule = caption_text("dx = col2im(dout @ W_colᵀ)", 24, "#E0E0E0").next_to(self.title, DOWN, buff=0.12)
        super().setup()  # the background and an empty caption

    def entry_color(self, j: int) -> str:
        """Column j of W_colᵀ and dcols belongs to input channel j // (KH·KW): that channel's colour."""
        kh, kw = self.trace.geometry.kernel
        return self.palette.channel(j // (kh * kw))

    def build_gradient_maps(self) -> None:
        g, pal = self.trace.grad_output, self.palette
        cell = min(0.5, 2.4 / (g.shape[0] * g.shape[1] + g.shape[0] - 1), 1.9 / g.shape[2])  # inside the frame
        font = fit_font_size(cell, widest_text(g, self.g_decimals))
        self.grad_maps = VGroup(*(NumberGrid(g[k], cell, pal.output, self.g_decimals, font_size=font,
                                             show_numbers=font >= MIN_FONT_SIZE) for k in range(g.shape[0])))
        self.grad_maps.arrange(DOWN, buff=0.45).move_to(np.array([-6.0, -0.6, 0]))
        self.grad_labels = VGroup(*(label_above(m, f"dL/dy[{k}]", 20, buff=0.08) for k, m in enumerate(self.grad_maps)))

    def build_input_gradient(self) -> None:
        t, pal = self.trace, self.palette
        c = t.input.shape[0]
        hp, wp = t.padded.shape[1:]
        # dL/dx (padded) after each row of dcols is added back: the fold's stages, drawn one by one
        self.fold_stages = np.stack([self.record.padded_after(n) for n in range(self.record.grad_cols.shape[0] + 1)])
        values = self.fold_stages
        cell = min(0.55, 3.0 / (c * hp + c - 1), 2.7 / wp)  # inside the frame
        font = fit_font_size(cell, widest_text(values, self.w_decimals))
        mask = padding_mask(t.geometry.input, t.geometry.pads)
        self.grad_input_grids = VGroup(*(NumberGrid(np.zeros((hp, wp), dtype=values.dtype), cell, pal.channel(k),
                                                    self.w_decimals, mask, pal.padding, font_size=font,
                                                    show_numbers=font >= MIN_FONT_SIZE) for k in range(c)))
        self.grad_input_grids.arrange(DOWN, buff=0.45).move_to(np.array([5.6, -0.6, 0]))
        self.grad_input_labels = VGroup(*(label_above(m, f"dL/dx[{k}]", 20, buff=0.08)
                                          for k, m in enumerate(self.grad_input_grids)))

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.introduce()
        self.flatten_gradient()
        self.multiply_by_weight_columns()
        self.fold_rows_back()
        self.drop_padding()
        self.conclude()
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def introduce(self) -> None:
        self.play(Write(self.title), FadeIn(self.rule), FadeIn(self.grad_maps), FadeIn(self.grad_labels),
                  FadeIn(self.weights_t), FadeIn(self.labels[1]), run_time=self.stage_time)

    def flatten_gradient(self) -> None:
        """Each dL/dy[f] at window (oy, ox) goes to row oy·OW + ox, column f of dout."""
        oh, ow = self.trace.geometry.out
        flights = []
        for (row, f), value in np.ndenumerate(self.record.grad_matrix):
            source = self.grad_maps[f].piece(row // ow, row % ow)
            flights += self.dout.fill_entry(row, f, value, source, self.palette.output)
        self.play(FadeIn(self.dout), FadeIn(self.labels[0]), run_time=self.stage_time / 2)
        self.play(*flights, self.caption_to(self.tr("dout: dL/dy with one row per window ({n}) and one "
                                                           "column per filter", n=oh * ow)),
                  run_time=self.stage_time)
        self.after_stage("dout")

    def multiply_by_weight_columns(self) -> None:
        r = self.record
        rows, k = r.grad_cols.shape
        self.play(FadeIn(self.dcols), FadeIn(self.labels[2]), self.caption_to(self.tr(
            "dcols = dout @ W_colᵀ: each entry is a row of dout times a column of W_colᵀ")), run_time=self.stage_time)
        n = 0
        for i in range(rows):
            animations = []
            for j in range(k):
                if n < self.detailed_products:
                    self.compute_entry(i, j)
                else:
                    animations += self.dcols.show_entry(i, j, r.grad_cols[i, j], self.entry_color(j))
                n += 1
            if animations:
                caption = ([self.caption_to(self.tr("row {i} of dcols: window {i}'s entries, each Σ over the "
                                                           "filters of dout · weight", i=i))]
                           if i == 0 or n - k <= self.detailed_products else [])
                self.play(*animations, *caption, run_time=self.sweep_time)
        self.after_stage("dcols")

    def compute_entry(self, i: int, j: int) -> None:
        r = self.record
        statement = products_statement(f"dcols[{i},{j}]", r.grad_matrix[i], r.weight_matrix[j], r.grad_cols[i, j],
                                       self.g_decimals, self.k_decimals, self.w_decimals)
        marks = self.mark([VGroup(*(self.dout.cell(i, q) for q in range(self.dout.shape[1]))),
                           VGroup(*(self.weights_t.cell(q, j) for q in range(self.weights_t.shape[0])))])
        self.play(marks, self.caption_to(statement), run_time=self.stage_time)
        self.play(*self.dcols.show_entry(i, j, r.grad_cols[i, j], self.entry_color(j)), run_time=self.stage_time / 2)
        self.wait(self.stage_time / 2)

    def fold_rows_back(self) -> None:
        """Row by row, each entry of dcols flies back to the input cell it was read from."""
        r = self.record
        rows, k = r.grad_cols.shape
        oh, ow = r.geometry.out
        self.play(FadeOut(self.marks), FadeIn(self.grad_input_grids), FadeIn(self.grad_input_labels),
                  self.caption_to(self.tr("col2im: each row goes back to its window, each entry to the cell "
                                                 "it was read from; overlapping windows add up")),
                  run_time=self.stage_time)
        self.marks = VGroup()
        for i in range(rows):
            after = self.fold_stages[i + 1]
            flying = [self.dcols.piece(i, j).copy() for j in range(k)]
            landings, finishes = [], []
            for c in sorted({int(v) for v in r.targets[i, :, 0]}):
                going = [j for j in range(k) if int(r.targets[i, j, 0]) == c]
                cells = [(int(r.targets[i, j, 1]), int(r.targets[i, j, 2])) for j in going]
                landing, finish = self.grad_input_grids[c].receive([flying[j] for j in going], cells,
                                                                   {cell: after[(c, *cell)] for cell in cells})
                landings += landing
                finishes.append(finish)
            rows_read = sorted({int(v) for v in r.targets[i, :, 1]})
            cols_read = sorted({int(v) for v in r.targets[i, :, 2]})
            caption = self.tr("row {i} = window ({y},{x}): its {k} entries are added into dL/dx rows {rows}, "
                              "columns {columns}", i=i, y=i // ow, x=i % ow, k=k,
                              rows=f"{rows_read[0]}–{rows_read[-1]}", columns=f"{cols_read[0]}–{cols_read[-1]}")
            marks = self.mark([VGroup(*(self.dcols.cell(i, q) for q in range(k)))])
            run_time = self.stage_time if i < self.detailed_rows else self.sweep_time
            self.add(*flying)
            self.play(marks, *landings, self.caption_to(caption), run_time=run_time)
            for finish in finishes:
                finish()
            self.after_row(i)

    def drop_padding(self) -> None:
        if not any(self.trace.geometry.pads):
            return
        fades = [m.animate.set_opacity(0) for grid in self.grad_input_grids
                 for (i, j), padded in np.ndenumerate(grid.mask) if padded
                 for m in ((grid.cell(i, j), grid.number(i, j)) if grid.show_numbers else (grid.cell(i, j),))]
        self.play(*fades, FadeOut(self.marks), self.caption_to(
            self.tr("col2im drops what lands on the padding: those cells are not part of the input")),
            run_time=self.stage_time)
        self.marks = VGroup()

    def conclude(self) -> None:
        self.play(FadeOut(self.marks), self.caption_to(
            self.tr("dx = col2im(dout @ W_colᵀ): the same dL/dx as the scatter, one matrix product and one fold")),
            run_time=self.stage_time)
        self.marks = VGroup()

    # -- hooks ---------------------------------------------------------------------
    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.more_backward`)."""
        from convanim.narration.more_backward import Col2ImNarrator

        return Col2ImNarrator(self.record, self.trace, self.decimals, language)

    def after_stage(self, stage: str) -> None:
        """Called when ``dout`` or ``dcols`` is complete on screen; tests read it here."""

    def after_row(self, i: int) -> None:
        """Called when row i of dcols has been added back; tests read dL/dx here."""


__all__ = ["Col2ImScene"]
