"""The im2col scenes, spoken (Im2ColScene, Im2ColLoopOrdersScene), from their records.

Im2ColScene: the windows become rows, the filters columns, one product, the
bias row, the fold back into maps; the first entry of the product and the
biases said with their values.  Im2ColLoopOrdersScene: the two loops that
fill the same matrix, and how many passes each takes, here and in the
book's case.
"""
from __future__ import annotations

from convanim.statements import format_number

from .story import Narrator, StepText


class Im2ColNarrator(Narrator):
    """Narrates an Im2ColScene from its Im2ColProduct ``record`` and input shape (C, H, W)."""

    def __init__(self, record, input_shape: tuple[int, int, int], decimals: int, language: str = "en"):
        super().__init__(language)
        self.record, self.input_shape, self.decimals = record, input_shape, decimals
        self.rows, self.size = record.cols.shape  # windows; values in a window (C·KH·KW)
        self.filters = record.weight_matrix.shape[1]

    def say_begin(self) -> StepText:
        kh, kw = self.record.geometry.kernel
        return StepText("intro", self.tr("im2col"), self.tr(
            "im2col turns the convolution into one matrix product: each of the {rows} windows becomes a row of "
            "{size} values, {c} channels of {kh} by {kw}.", rows=self.rows, size=self.size, c=self.input_shape[0],
            kh=kh, kw=kw))

    def say_unroll_windows(self) -> StepText:
        return StepText("rows", self.tr("Windows into rows"), self.tr(
            "Window by window, the values under the kernel, channel after channel, are copied into the next row."))

    def say_flatten_filters(self) -> StepText:
        return StepText("columns", self.tr("Filters into columns"), self.trn(
            "The filter's {size} weights become a column of W, in the same order.",
            "Each filter's {size} weights become a column of W, in the same order.", self.filters, size=self.size))

    def say_multiply_rows_by_columns(self) -> StepText:
        return StepText("product", self.tr("Rows times columns"), self.tr(
            "Each output entry is a row times a column: row 0 times column 0 gives {value}.",
            value=format_number(self.record.product[0, 0], self.decimals)))

    def say_add_bias(self) -> StepText:
        r = self.record
        return StepText("bias", self.tr("The bias row"), self.tr(
            "The bias row, {values}, is added to every row.",
            values=", ".join(format_number(b, self.decimals) for b in r.bias)) if r.has_bias else
            self.tr("There is no bias: the product is the output."))

    def say_fold_into_maps(self) -> StepText:
        oh, ow = self.record.geometry.out
        return StepText("fold", self.tr("Back into maps"), self.tr(
            "Each column's {rows} values fold back into an output map of {oh} by {ow}.", rows=self.rows, oh=oh,
            ow=ow))

    def say_conclude(self) -> StepText:
        return StepText("end", self.tr("Summary"), self.tr(
            "One product, {rows} by {size} times {size} by {f}, computes every window of every filter: the "
            "convolution.", rows=self.rows, size=self.size, f=self.filters))


class LoopOrdersNarrator(Narrator):
    """Narrates an Im2ColLoopOrdersScene: ``taps`` and ``windows`` passes here, ``book`` (input side, kernel side,
    taps, windows) for the book's case."""

    def __init__(self, taps: int, windows: int, book: tuple[int, int, int, int], language: str = "en"):
        super().__init__(language)
        self.taps, self.windows, self.book = taps, windows, book

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The same matrix in PyTorch: nn.functional.unfold gives it in one call, one row per window."))

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("Two loops"), self.tr(
            "Two ways to fill the same im2col matrix: by kernel tap, one strided slice of the input per pass, or "
            "by window, one copy per pass."))

    def say_run_both_loops(self) -> StepText:
        return StepText("loops", self.tr("Both loops"), self.tr(
            "Both loops run at the same pace: {taps} passes by kernel tap, {windows} by window.", taps=self.taps,
            windows=self.windows))

    def say_compare_matrices(self) -> StepText:
        side, kernel, taps, windows = self.book
        return StepText("end", self.tr("The same matrix"), self.tr(
            "The matrices are the same. For a {side} by {side} input and a {kernel} by {kernel} kernel, that is "
            "{taps} passes against {windows}.", side=side, kernel=kernel, taps=taps, windows=windows))


__all__ = ["Im2ColNarrator", "LoopOrdersNarrator"]
