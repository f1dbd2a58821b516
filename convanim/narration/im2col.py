"""The im2col scenes, spoken (Im2ColScene, Im2ColLoopOrdersScene), from their records.

Im2ColScene: the windows become rows, the filters columns, one product, the
bias row, the fold back into maps; the first entry of the product and the
biases said with their values.  Im2ColLoopOrdersScene: the two loops that
fill the same matrix, and how many passes each takes, here and in the
book's case.
"""
from __future__ import annotations

from convanim.statements import format_number

from .story import BEGIN, Call, Narrator, StepText


class Im2ColNarrator(Narrator):
    """Narrates an Im2ColScene from its Im2ColProduct ``record`` and input shape (C, H, W)."""

    def __init__(self, record, input_shape: tuple[int, int, int], decimals: int, language: str = "en"):
        super().__init__(language)
        self.record, self.input_shape, self.decimals = record, input_shape, decimals

    def say(self, call: Call, k: int) -> StepText:
        r = self.record
        rows, size = r.cols.shape
        f = r.weight_matrix.shape[1]
        c = self.input_shape[0]
        kh, kw = r.geometry.kernel
        oh, ow = r.geometry.out
        if call.name == BEGIN:
            return StepText("intro", self.tr("im2col"), self.tr(
                "im2col turns the convolution into one matrix product: each of the {rows} windows becomes a row of "
                "{size} values, {c} channels of {kh} by {kw}.", rows=rows, size=size, c=c, kh=kh, kw=kw))
        if call.name == "unroll_windows":
            return StepText("rows", self.tr("Windows into rows"), self.tr(
                "Window by window, the values under the kernel, channel after channel, are copied into the next row."))
        if call.name == "flatten_filters":
            return StepText("columns", self.tr("Filters into columns"), self.trn(
                "The filter's {size} weights become a column of W, in the same order.",
                "Each filter's {size} weights become a column of W, in the same order.", f, size=size))
        if call.name == "multiply_rows_by_columns":
            return StepText("product", self.tr("Rows times columns"), self.tr(
                "Each output entry is a row times a column: row 0 times column 0 gives {value}.",
                value=format_number(r.product[0, 0], self.decimals)))
        if call.name == "add_bias":
            return StepText("bias", self.tr("The bias row"), self.tr(
                "The bias row, {values}, is added to every row.",
                values=", ".join(format_number(b, self.decimals) for b in r.bias)) if r.has_bias else
                self.tr("There is no bias: the product is the output."))
        if call.name == "fold_into_maps":
            return StepText("fold", self.tr("Back into maps"), self.tr(
                "Each column's {rows} values fold back into an output map of {oh} by {ow}.", rows=rows, oh=oh, ow=ow))
        if call.name == "conclude":
            return StepText("end", self.tr("Summary"), self.tr(
                "One product, {rows} by {size} times {size} by {f}, computes every window of every filter: the "
                "convolution.", rows=rows, size=size, f=f))
        return StepText(call.name.replace("_", "-"), "", "")


class LoopOrdersNarrator(Narrator):
    """Narrates an Im2ColLoopOrdersScene: ``taps`` and ``windows`` passes here, ``book`` (input side, kernel side,
    taps, windows) for the book's case."""

    def __init__(self, taps: int, windows: int, book: tuple[int, int, int, int], language: str = "en"):
        super().__init__(language)
        self.taps, self.windows, self.book = taps, windows, book

    def say(self, call: Call, k: int) -> StepText:
        if call.name == BEGIN:
            return StepText("intro", self.tr("Two loops"), self.tr(
                "Two ways to fill the same im2col matrix: by kernel tap, one strided slice of the input per pass, or "
                "by window, one copy per pass."))
        if call.name == "run_both_loops":
            return StepText("loops", self.tr("Both loops"), self.tr(
                "Both loops run at the same pace: {taps} passes by kernel tap, {windows} by window.", taps=self.taps,
                windows=self.windows))
        if call.name == "compare_matrices":
            side, kernel, taps, windows = self.book
            return StepText("end", self.tr("The same matrix"), self.tr(
                "The matrices are the same. For a {side} by {side} input and a {kernel} by {kernel} kernel, that is "
                "{taps} passes against {windows}.", side=side, kernel=kernel, taps=taps, windows=windows))
        return StepText(call.name.replace("_", "-"), "", "")


__all__ = ["Im2ColNarrator", "LoopOrdersNarrator"]
