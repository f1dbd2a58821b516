"""Pooling's backward pass, spoken (PoolBackwardScene and its variants), from a PoolGradTrace.

- the start: where max pooling and average pooling send each dL/dy;
- ``send_back_in_detail``: for max, the window's dL/dy, the cell that won it
  and that cell's gradient so far; for average, the share each input cell
  of the window gets (dL/dy ÷ divisor) and how many cells share it;
- ``send_back_quickly`` (a run): the remaining windows go quickly;
- ``conclude``: what each input cell ends with, and the range of dL/dx.
"""
from __future__ import annotations

import numpy as np

from convanim.statements import decimals_for, format_number

from .story import Narrator, StepText, joined


class PoolBackwardNarrator(Narrator):
    """Narrates a PoolBackwardScene in ``language``; ``decimals`` as the scene writes floats."""

    tells_gradients = True

    run_methods = ("send_back_quickly",)

    def __init__(self, trace, decimals: int, language: str = "en"):
        super().__init__(language)
        self.trace, self.decimals = trace, decimals

    def number(self, value, array) -> str:
        return format_number(value, decimals_for(array, self.decimals))

    def say_begin(self) -> StepText:
        t = self.trace
        text = (self.tr("Max pooling's backward pass: each dL/dy goes back to the cell that won its window; "
                        "the other cells get 0.") if t.mode == "max" else
                self.tr("Average pooling's backward pass: each dL/dy is shared by its window's input cells, "
                        "divided by the window's divisor."))
        return StepText("intro", self.tr("The backward pass"), text)

    def say_send_back_quickly(self, step) -> StepText:
        return StepText("sweep", self.tr("The other windows"), self.tr("The remaining windows go quickly."))

    def say_conclude(self) -> StepText:
        t = self.trace
        grad = t.grad_input[0]
        ends = (self.tr("Each input cell ends with the sum of the dL/dy of the windows it won, 0 if it won none.")
                if t.mode == "max" else
                self.tr("Each input cell ends with the sum of the shares of every window it lies in."))
        return StepText("end", self.tr("dL/dx"), joined(ends, self.tr(
            "dL/dx lies between {low} and {high}.", low=self.number(np.min(grad), t.grad_input),
            high=self.number(np.max(grad), t.grad_input))))

    def say_send_back_in_detail(self, step) -> StepText:
        t = self.trace
        g = self.number(t.grad_output[0, step.oy, step.ox], t.grad_output)
        where = self.tr("Output row {row}, column {column}:", row=step.oy, column=step.ox)
        if t.mode == "max":
            h, w = step.source
            terms = t.contributions(0, h, w)
            running = next(term.running for term in terms if (term.oy, term.ox) == (step.oy, step.ox))
            said = self.tr("its dL/dy, {g}, goes to input row {h}, column {w}, which won the window; that cell's "
                           "gradient is now {value}.", g=g, h=h, w=w, value=self.number(running, t.grad_input))
        else:
            cells = int((~step.is_padding).sum())
            divisor = t.forward.divisors[step.oy, step.ox]
            said = self.trn("its dL/dy, {g}, divided by {divisor}, gives its {n} input cell {share}.",
                            "its dL/dy, {g}, divided by {divisor}, gives each of its {n} input cells {share}.", cells,
                            g=g, divisor=format_number(divisor, 0 if float(divisor).is_integer() else self.decimals),
                            share=self.number(t.shares[0, step.oy, step.ox], t.grad_input))
        return StepText(f"y-{step.oy}-{step.ox}", self.tr("dL/dy[{row},{column}]", row=step.oy, column=step.ox),
                        joined(where, said))


__all__ = ["PoolBackwardNarrator"]
