"""The scatter view's spoken story (TransposedScatter), from a TransposeTrace.

- the start: what a transposed convolution does, its options and sizes;
- ``scatter_in_detail``: the input value, and the output rows and columns
  its products land on (taps cropped by the padding counted);
- ``scatter_quickly`` (a run): the remaining values go quickly, and the
  output they end on.
"""
from __future__ import annotations

import numpy as np

from convanim.statements import format_number

from .story import Narrator, StepText, joined

LISTED_OUTPUTS = 9


class ScatterNarrator(Narrator):
    """Narrates a TransposedScatter in ``language``; ``decimals`` as the scene writes the input."""

    run_methods = ("scatter_quickly",)

    def __init__(self, trace, decimals: int, language: str = "en"):
        super().__init__(language)
        self.trace, self.decimals = trace, decimals

    def say_begin(self) -> StepText:
        t = self.trace
        (h, w), (kh, kw) = t.input.shape[1:], t.weight.shape[2:]
        oh, ow = t.output.shape[1:]
        what = self.tr("A transposed convolution: each input value multiplies the whole {kh} by {kw} kernel, and "
                       "the products add into the output, overlaps summing.", kh=kh, kw=kw)
        options = self.tr("Stride {stride}, padding {padding}, output padding {output_padding}: the {h} by {w} "
                          "input becomes {oh} by {ow}.", stride=t.stride[0], padding=t.padding[0],
                          output_padding=t.output_padding[0], h=h, w=w, oh=oh, ow=ow)
        return StepText("intro", self.tr("The transposed convolution"), joined(what, options))

    def say_scatter_in_detail(self, step) -> StepText:
        inside = np.argwhere(step.inside)
        rows = sorted({int(step.rows[ky]) for ky, _ in inside})
        cols = sorted({int(step.cols[kx]) for _, kx in inside})
        value = format_number(step.value, self.decimals)
        if not rows:  # every tap cropped by the padding
            return StepText(f"x-{step.iy}-{step.ix}", self.tr("x[{row},{column}]", row=step.iy, column=step.ix),
                            self.trn("{n} product falls outside the output and is dropped.",
                                     "{n} products fall outside the output and are dropped.", int(step.inside.size)))
        said = self.tr("Input row {row}, column {column} holds {value}: times the kernel, its products go into "
                       "output rows {rows}, columns {columns}.", row=step.iy, column=step.ix, value=value,
                       rows=self.span(rows), columns=self.span(cols))
        outside = int(step.inside.size - step.inside.sum())
        cropped = self.trn("{n} product falls outside the output and is dropped.",
                           "{n} products fall outside the output and are dropped.", outside) if outside else ""
        return StepText(f"x-{step.iy}-{step.ix}", self.tr("x[{row},{column}]", row=step.iy, column=step.ix),
                        joined(said, cropped))

    def span(self, indices: list[int]) -> str:
        """``3`` or ``0 to 2``: the first and last of ``indices``, as spoken."""
        return str(indices[0]) if len(indices) == 1 else self.tr("{first} to {last}", first=indices[0],
                                                                 last=indices[-1])

    def say_scatter_quickly(self, step) -> StepText:
        """The run of quick scatters: said once, with where the output ends."""
        out = self.trace.output[0]
        values = [format_number(v, 0) if float(v).is_integer() else format_number(v, self.decimals)
                  for v in out.ravel()]
        ends = (self.tr("The output is {values}.", values=", ".join(values)) if len(values) <= LISTED_OUTPUTS else
                self.tr("The outputs lie between {low} and {high}.", low=format_number(np.min(out), self.decimals),
                        high=format_number(np.max(out), self.decimals)))
        return StepText("sweep", self.tr("The other input values"),
                        joined(self.tr("The remaining input values scatter quickly."), ends))


__all__ = ["ScatterNarrator"]
