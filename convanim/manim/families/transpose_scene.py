"""Transposed convolution in two views that end on the same numbers.

``TransposedAsConv``: the equal direct convolution, sliding the flipped
kernel over the input with s−1 zeros inserted between its cells and
d(k−1)−p cells of padding (plus output_padding at the bottom/right).
``TransposedScatter``: each input value multiplies the whole kernel and
adds the products into the output window it maps to, overlaps summing.
Both take their numbers from the core (``transposed_as_direct``,
``trace_conv_transpose2d``).
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import (sweep_time_option, detailed_option, seed_option, show_code_option)
from convanim.torch_code import TorchCode, conv_transpose_code
from convanim.manim.options.option_kinds import Whole, Pair, WholeRange, Values, Maybe
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, ReplacementTransform, VGroup

from convanim import trace_conv2d, trace_conv_transpose2d, transpose_output_size_formula, transposed_as_direct
from convanim.statements import format_number
from convanim.arithmetic.transpose_trace import ScatterStep, TransposeTrace

from convanim.manim.families.arithmetic_scene import ConvArithmetic
from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (NumberGrid, caption_text, fit_font_size, frame_around, label_above, ring)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.mobjects.numbers import format_value, make_number


def span(indices: list[int]) -> str:
    """``0…2`` or ``3``: the first and last of ``indices``."""
    return f"{indices[0]}" if len(indices) == 1 else f"{indices[0]}…{indices[-1]}"


class TransposedLayer:
    """Options shared by both views: a single-channel transposed convolution."""

    input_size: tuple[int, int] = Option((2, 2), Pair(1, 16, single=False), "the input's height and width (H, W)")
    kernel_size: tuple[int, int] = Option((3, 3), Pair(1, 7, single=False), "the kernel's height and width (KH, KW)")
    stride: int = Option(1, Whole(1, 8), "the step between the scattered copies")
    padding: int = Option(0, Whole(0, 8), "rows and columns cropped from each side of the output")
    output_padding: int = Option(0, Whole(0, 7), "rows and columns added at the bottom and right of the output")
    seed: int = seed_option(11, "the values")
    input_range: tuple[int, int] = Option((0, 3), WholeRange(-999, 999), "the range input values are drawn from")
    weight_range: tuple[int, int] = Option((0, 2), WholeRange(-999, 999), "the range weights are drawn from")
    input_values: np.ndarray | None = Option(None, Maybe(Values(3, "shaped (1, H, W)"), "drawn from seed"),
                                             "the input, given by hand")
    weight_values: np.ndarray | None = Option(None, Maybe(Values(4, "shaped (1, 1, KH, KW)"), "drawn from seed"),
                                              "the kernel, given by hand")

    def transposed_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Input (1, H, W) and conv_transpose2d weight (1, 1, KH, KW)."""
        rng = np.random.default_rng(self.seed)
        x = self.input_values if self.input_values is not None else rng.integers(
            self.input_range[0], self.input_range[1] + 1, (1, *self.input_size))
        w = self.weight_values if self.weight_values is not None else rng.integers(
            self.weight_range[0], self.weight_range[1] + 1, (1, 1, *self.kernel_size))
        return np.asarray(x), np.asarray(w)

    def transposed_formula(self) -> str:
        return transpose_output_size_formula(self.input_size[0], self.kernel_size[0], self.stride, self.padding,
                                             self.output_padding)


class TransposedAsConv(TransposedLayer, ConvArithmetic):
    """The direct view: an ordinary convolution over the zero-inserted, padded input."""

    def get_trace(self):
        x, w = self.transposed_arrays()
        # The core checks the transposed options here (output_padding < stride, sizes), before any frame.
        self.direct = transposed_as_direct(x, w, None, self.stride, self.padding, self.output_padding)
        return trace_conv2d(self.direct.input, self.direct.weight, dilation=self.direct.dilation)

    def input_mask(self) -> np.ndarray:
        return self.direct.padding | self.direct.inserted

    def size_formulas(self) -> list[str]:
        return [self.transposed_formula()]

    def introduce_layer(self) -> None:
        super().introduce_layer()
        note = caption_text(self.trn("transposed conv = conv over the input with {n} zero inserted, padded, and "
                                     "the kernel flipped", "transposed conv = conv over the input with {n} zeros "
                                     "inserted, padded, and the kernel flipped", self.stride - 1), 22, "#BDBDBD")
        note.next_to(self.formula, DOWN, buff=0.08)
        self.play(FadeIn(note), run_time=self.stage_time)

    def unvisited_cells(self) -> list[tuple[int, int]]:
        return []


class TransposedScatter(TransposedLayer, FamilyScene):
    """The scatter view: each input value times the kernel, added into the output."""

    detailed_steps: int = detailed_option(2, "input cells")
    sweep_time: float = sweep_time_option(2 / 3)

    # convanim slides: a new slide before each of these steps (slide_runs: one per run of them).
    slide_cuts: tuple[str, ...] = ("scatter_in_detail", "show_code_card")
    slide_runs: tuple[str, ...] = ("scatter_quickly",)
    show_code: bool = show_code_option()
    CAPTION_SIZE = LONG_CAPTION_SIZE = 22

    def setup(self) -> None:
        super().setup()
        x, w = self.transposed_arrays()
        self.trace: TransposeTrace = trace_conv_transpose2d(x, w, None, self.stride, self.padding,
                                                            self.output_padding)
        t, pal = self.trace, self.palette
        h, wd = t.input.shape[1:]
        oh, ow = t.output.shape[1:]
        cell_in = min(0.8, 3.0 / max(h, wd))
        self.input_grid = NumberGrid(t.input[0], cell_in, pal.input).move_to(np.array([-4.8, -0.2, 0]))
        self.kernel_grid = NumberGrid(t.weight[0, 0], min(0.5, 2.0 / max(t.weight.shape[2:])), pal.kernel)
        self.kernel_grid.move_to(np.array([-1.9, -0.2, 0]))
        cell_out = min(0.75, 5.2 / max(oh, ow))
        self.out_cell = cell_out
        widest = max(len(format_value(v, 0)) for s in t.steps() for v in s.output_after.flat)
        self.out_font = fit_font_size(cell_out, "8" * widest)
        self.output_grid = NumberGrid(np.zeros((oh, ow), dtype=t.output.dtype) + t.bias[0], cell_out, pal.output,
                                      font_size=self.out_font).move_to(np.array([3.3, -0.2, 0]))
        self.labels = VGroup(label_above(self.input_grid, self.tr("input {shape}", shape=f"{h}×{wd}")),
                             label_above(self.kernel_grid, self.tr("kernel")),
                             label_above(self.output_grid, self.tr("output {shape}", shape=f"{oh}×{ow}")))
        self.title = caption_text(self.tr("transposed conv: stride {stride}, padding {padding}", stride=self.stride,
                                          padding=self.padding)
                                  + (f", output_padding {self.output_padding}" if self.output_padding else ""),
                                  28).to_edge(UP, buff=0.25)
        self.formula = caption_text(self.transposed_formula(), 22, "#E0E0E0").next_to(self.title, DOWN, buff=0.12)
        self.marker = None

    def construct(self) -> None:
        self.play(FadeIn(self.title), FadeIn(self.formula), FadeIn(self.input_grid), FadeIn(self.kernel_grid),
                  FadeIn(self.output_grid), FadeIn(self.labels), run_time=self.stage_time)
        for n, step in enumerate(self.trace.steps()):
            if n < self.detailed_steps:
                self.scatter_in_detail(step)
            else:
                self.scatter_quickly(step)
            self.after_step(step)
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def torch_code(self) -> TorchCode:
        """``nn.ConvTranspose2d`` with the layer's options, the kernel shown (no bias) and the input shown."""
        t = self.trace
        return conv_transpose_code(t.input, t.weight, None, self.stride, self.padding, self.output_padding)

    def mark_input(self, step: ScatterStep):
        mark = frame_around(self.input_grid.cell(step.iy, step.ix), self.palette.product, buff=0.0, thickness=0.06)
        if self.marker is None:
            self.marker = mark
            return FadeIn(mark)
        return self.marker.animate.become(mark)

    def target_cells(self, step: ScatterStep) -> list[tuple[int, int, int, int]]:
        """(ky, kx, row, col) for each kernel tap that lands inside the output."""
        return [(ky, kx, int(step.rows[ky]), int(step.cols[kx])) for ky, kx in np.argwhere(step.inside)]

    #: While a detailed step shows its products, each reached output cell holds two numbers: its sum so far
    #: in the upper half and the product below it, each centred this share of a cell from the middle.
    HALF_OFFSET = 0.22

    def stacked_font(self) -> float:
        """The font size of the two numbers a cell holds during a detailed step: the output's own, or smaller
        where two of them would not fit one above the other (each at most 0.34 of the cell high)."""
        probe = make_number(8, 0, 48, "#FFFFFF").get_height()
        return min(self.out_font, 48 * 0.34 * self.out_cell / probe)

    def scatter_in_detail(self, step: ScatterStep) -> None:
        self.play(self.mark_input(step), self.caption_to(self.scatter_statement(step)), run_time=self.stage_time)
        products, lifts = VGroup(), []
        font, offset = self.stacked_font(), self.HALF_OFFSET * self.out_cell
        for ky, kx, r, c in self.target_cells(step):
            centre = self.output_grid.cell(r, c).get_center()
            products.add(make_number(step.products[0, ky, kx], 0, font, self.palette.product).move_to(
                centre + offset * DOWN))
            number = self.output_grid.number(r, c)  # the sum so far moves up, out of the product's way
            lifts.append(number.animate.scale(font / self.out_font).move_to(centre + offset * UP))
        frames = VGroup(*(ring(self.out_cell, self.out_cell, 0.07 * self.out_cell, self.palette.kernel).move_to(
            self.output_grid.cell(r, c)) for _, _, r, c in self.target_cells(step)))
        self.play(FadeIn(frames), *lifts, *(ReplacementTransform(self.kernel_grid.number(ky, kx).copy(), products[i])
                                            for i, (ky, kx, _, _) in enumerate(self.target_cells(step))),
                  run_time=self.stage_time)
        self.products = products
        self.after_products(step)
        self.play(FadeOut(products), FadeOut(frames), *self.update_output(step), run_time=self.stage_time)

    def scatter_quickly(self, step: ScatterStep) -> None:
        self.play(self.mark_input(step), self.caption_to(self.scatter_statement(step)), *self.update_output(step),
                  run_time=self.sweep_time)

    def update_output(self, step: ScatterStep) -> list:
        """Animations that change the output cells this step reaches to their new sums."""
        anims = []
        for _, _, r, c in self.target_cells(step):
            number = self.output_grid.number(r, c)
            target = make_number(step.output_after[0, r, c], 0, self.out_font, "#FFFFFF").move_to(
                self.output_grid.cell(r, c))
            anims.append(ReplacementTransform(number, target))
            self.output_grid.numbers.submobjects[self.output_grid.index(r, c)] = target
        return anims

    def scatter_statement(self, step: ScatterStep) -> str:
        """``x[i,j] = v; it adds v × kernel into output rows a…b, columns c…d``, cropped taps counted."""
        cells = self.target_cells(step)
        rows = sorted({r for _, _, r, _ in cells})
        cols = sorted({c for _, _, _, c in cells})
        value = format_number(step.value, self.input_grid.decimals)
        where = ", ".join([self.trn("row {rows}", "rows {rows}", len(rows), rows=span(rows)),
                           self.trn("column {columns}", "columns {columns}", len(cols), columns=span(cols))])
        text = self.tr("{x} = {value}; it adds {value} × kernel into output {where}", x=f"x[{step.iy},{step.ix}]",
                       value=value, where=where)
        outside = int(step.inside.size - step.inside.sum())
        if outside:
            text += " " + self.trn("({n} tap falls outside the output)", "({n} taps fall outside the output)",
                                   outside)
        return text

    def narrator(self, language: str):
        """The spoken story of the scatter view in ``language`` (see :mod:`convanim.narration.transposed`)."""
        from convanim.narration.transposed import ScatterNarrator

        return ScatterNarrator(self.trace, self.input_grid.decimals, language)

    def after_products(self, step: ScatterStep) -> None:
        """Called when a detailed step shows its products; tests read the screen here."""

    def after_step(self, step: ScatterStep) -> None:
        """Called after each input cell has scattered; tests read the screen here."""
