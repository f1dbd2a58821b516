"""The pooling scene's spoken story (PoolingScene and its variants), from a PoolTrace.

- the start: the kind of pooling, window, stride, padding (and dilation,
  ceil_mode, what the divisor counts), the input's and the output's sizes;
- ``explain_window``: max pooling names the winner, where it sits in the
  input and its ``return_indices`` index; average pooling the window's sum,
  the divisor and the quotient;
- ``sweep_window`` (a run): the remaining windows go quickly, and the
  output they end on;
- ``mark_unvisited_cells``: how many input cells no window reads.
"""
from __future__ import annotations

import numpy as np

from convanim.statements import format_number

from .story import Narrator, StepText, joined

#: At most this many outputs are read out one by one; more are given as their smallest and largest.
LISTED_OUTPUTS = 9


class PoolNarrator(Narrator):
    """Narrates a PoolingScene in ``language``; ``decimals`` the places the scene writes its output with,
    ``counts_padding`` False when average pooling leaves padding out of its divisor, ``unvisited`` the number
    of padded-input cells no window reads."""

    run_methods = ("sweep_window",)

    def __init__(self, trace, decimals: int, counts_padding: bool, unvisited: int, language: str = "en"):
        super().__init__(language)
        self.trace, self.decimals, self.counts_padding, self.unvisited = trace, decimals, counts_padding, unvisited

    def number(self, value) -> str:
        """An output or window value as the scene writes it."""
        return format_number(value, self.decimals)

    def count(self, value) -> str:
        """A sum or a divisor: whole when it is a whole number, as the caption writes the divisor."""
        return format_number(value, 0 if float(value).is_integer() else self.decimals)

    def say_mark_unvisited_cells(self) -> StepText:
        """Called (and cut) even when there is nothing to mark: then it is silent."""
        return StepText("unvisited", self.tr("Cells no window reads"), self.trn(
            "{n} input cell is in no window: the windows never reach it.",
            "{n} input cells are in no window: the windows never reach them.", self.unvisited)
            if self.unvisited else "")

    def say_begin(self) -> StepText:
        t = self.trace
        g = t.geometry
        (kh, kw), (h, w), (oh, ow) = g.kernel, g.input, g.out
        kind = (self.tr("Max pooling with {kh} by {kw} windows.", kh=kh, kw=kw) if t.mode == "max" else
                self.tr("Average pooling with {kh} by {kw} windows.", kh=kh, kw=kw))
        top, bottom, left, right = g.pads
        moves = self.tr("They move with stride {stride} over the input, padded by {padding}.",
                        stride=g.stride[0] if g.stride[0] == g.stride[1] else f"{g.stride[0]},{g.stride[1]}",
                        padding=top if len({top, left}) == 1 else f"{top},{left}")
        extra = []
        if g.dilation != (1, 1):
            extra.append(self.tr("Their taps are {dilation} cells apart.", dilation=g.dilation[0]))
        if t.mode == "max" and any(g.pads):
            extra.append(self.tr("The padding is minus infinity, so it never wins."))
        if t.mode == "avg":
            extra.append(self.tr("Each sum is divided by the number of cells in the window, padding included.")
                         if self.counts_padding else
                         self.tr("Each sum is divided by the number of input cells in the window, padding left out."))
        sizes = self.tr("The input is {h} by {w}; the output is {oh} by {ow}.", h=h, w=w, oh=oh, ow=ow)
        return StepText("intro", self.tr("The pooling layer"), joined(kind, moves, *extra, sizes))

    def say_explain_window(self, step) -> StepText:
        where = self.tr("Output row {row}, column {column}:", row=step.oy, column=step.ox)
        if self.trace.mode == "max":
            h, w = step.source
            said = self.tr("the largest value in its window is {value}, at input row {h}, column {w}; its index is "
                           "{index}.", value=self.number(step.value), h=h, w=w, index=step.index)
        else:
            said = self.tr("its window adds up to {total}; divided by {divisor}, that is {value}.",
                           total=self.count(step.total), divisor=self.count(step.divisor),
                           value=self.number(step.value))
        return StepText(f"y-{step.oy}-{step.ox}", self.tr("y[{row},{column}]", row=step.oy, column=step.ox),
                        joined(where, said))

    def say_sweep_window(self, step) -> StepText:
        """The run of quick windows: said once, with where the output ends."""
        out = self.trace.output[0]
        values = [self.number(v) for v in out.ravel()]
        ends = (self.tr("The output is {values}.", values=", ".join(values)) if len(values) <= LISTED_OUTPUTS else
                self.tr("The outputs lie between {low} and {high}.", low=self.number(np.min(out)),
                        high=self.number(np.max(out))))
        return StepText("sweep", self.tr("The other windows"),
                        joined(self.tr("The remaining windows go quickly."), ends))


__all__ = ["PoolNarrator", "LISTED_OUTPUTS"]
