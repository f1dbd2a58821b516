"""The other backward-pass scenes, spoken: the input's gradient as a convolution with the turned kernels
(ConvBackwardAsConvolutionScene) and col2im as Deep Learning from Scratch codes it (Col2ImScene).

Both say the structure in words and one number of each result, from the
traces: a cell of dL/dx, an entry of dcols, a weight's gradient.
"""
from __future__ import annotations

from convanim.statements import decimals_for, format_number

from .story import Narrator, StepText, joined


class BackwardAsConvNarrator(Narrator):
    """Narrates a ConvBackwardAsConvolutionScene: ``trace`` (ConvGradTrace), ``direct`` (its direct trace),
    ``channel`` (the input channel whose gradient is shown), ``filters`` (the filters that read it)."""

    tells_gradients = True

    def __init__(self, trace, direct, channel: int, filters, decimals: int, language: str = "en"):
        super().__init__(language)
        self.trace, self.direct, self.channel, self.filters, self.decimals = trace, direct, channel, filters, decimals

    def number(self, value, array) -> str:
        return format_number(value, decimals_for(array, self.decimals))

    def say_begin(self) -> StepText:
        c = self.channel
        return StepText("intro", self.tr("A convolution"), self.tr(
            "The backward pass of a convolution is a convolution: dL/dy, with zeros inserted and around it, read "
            "by the kernels turned 180 degrees, gives dL/dx, channel {c}.", c=c))

    def say_show_gradient_map(self, f: int, j: int) -> StepText:
        return StepText(f"map-{f}", self.tr("dL/dy[{f}]", f=f), self.tr(
            "Next, dL/dy[{f}]: it adds its part to every cell of dL/dx.", f=f))

    def say_turn_kernel(self, f) -> StepText:
        return StepText(f"turn-{f}", self.tr("The turned kernel"), self.tr(
            "The kernel of filter {f} turns 180 degrees: its last weight comes first.", f=f))

    def say_correlate_gradient(self, f, j) -> StepText:
        c = self.channel
        step = self.direct.step(c, j, 0, 0)
        return StepText(f"correlate-{f}", self.tr("dL/dx from dL/dy[{f}]", f=f), self.tr(
            "The turned kernel slides over dL/dy[{f}]; each window's products add into one cell of dL/dx. Row 0, "
            "column 0 now holds {value}.", f=f, value=self.number(step.running_after, self.trace.grad_padded)))

    def say_show_weight_gradient_as_correlation(self) -> StepText:
        c = self.channel
        f = self.filters[0]
        local = c % self.trace.channels_per_filter
        return StepText("weights", self.tr("dL/dw"), self.tr(
            "And dL/dw is the input read by dL/dy, its cells a stride apart: for filter {f}, row 0, column 0 that "
            "is {value}.", f=f, value=self.number(self.trace.grad_weight[f, local, 0, 0], self.trace.grad_weight)))

    def say_conclude(self) -> StepText:
        return StepText("end", self.tr("Summary"), self.tr(
            "Both gradients are convolutions, and they end on the numbers of the scatter."))


class Col2ImNarrator(Narrator):
    """Narrates a Col2ImScene: ``record`` (Col2ImGradient) and ``trace`` (ConvGradTrace)."""

    tells_gradients = True

    def __init__(self, record, trace, decimals: int, language: str = "en"):
        super().__init__(language)
        self.record, self.trace, self.decimals = record, trace, decimals

    def number(self, value, array) -> str:
        return format_number(value, decimals_for(array, self.decimals))

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("col2im"), self.tr(
            "The backward pass as Deep Learning from Scratch codes it: dx is col2im of dout times W_col "
            "transposed."))

    def say_flatten_gradient(self) -> StepText:
        rows, f = self.record.grad_matrix.shape  # one row per window, one column per filter
        return StepText("dout", self.tr("dout"), self.tr(
            "dout is dL/dy with one row per window, {rows} of them, and one column per filter, {f}.", rows=rows,
            f=f))

    def say_multiply_by_weight_columns(self) -> StepText:
        r = self.record
        size = r.grad_cols.shape[1]
        return StepText("dcols", self.tr("dcols"), self.tr(
            "dcols is dout times W_col transposed: each row holds one window's {size} entries. Row 0, column 0 "
            "is {value}.", size=size, value=self.number(r.grad_cols[0, 0], r.grad_cols)))

    def say_fold_rows_back(self) -> StepText:
        return StepText("fold", self.tr("col2im"), self.tr(
            "col2im sends each row back to its window, each entry to the cell it came from; where windows "
            "overlap, the entries add up."))

    def say_drop_padding(self) -> StepText:
        """Called (and cut) even without padding, when it shows nothing: then it is silent."""
        return StepText("padding", self.tr("The padding's gradients"), self.tr(
            "The padding is not part of the input: its gradients are dropped.") if any(self.trace.geometry.pads)
            else "")

    def say_conclude(self) -> StepText:
        t = self.trace
        return StepText("end", self.tr("Summary"), joined(self.tr(
            "The same dL/dx as the scatter: one matrix product and one fold."), self.tr(
            "Input row 0, column 0 ends at {value}.", value=self.number(t.grad_input[0, 0, 0], t.grad_input))))


__all__ = ["BackwardAsConvNarrator", "Col2ImNarrator"]
