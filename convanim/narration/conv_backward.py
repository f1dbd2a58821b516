"""The conv layer's backward pass, spoken (ConvBackwardScene and its variants), from a ConvGradTrace.

- the start: what the backward pass computes from dL/dy;
- ``sum_bias_gradient``: a bias touches every output of its map, so its
  gradient is the sum of that map's dL/dy;
- ``sum_weight_gradients``: each weight's gradient sums input · dL/dy over
  every window, with the first weight's value;
- ``conclude``; ``scatter_input_gradient``: each dL/dy goes back through
  its window times the kernel, overlaps adding up, with the first input
  cell's gradient; ``release_padding``: what happens to the padding's
  gradients.
``show_filter`` and ``show_channel`` only change what is on screen: silent.
"""
from __future__ import annotations

from convanim.statements import decimals_for, format_number

from .story import Narrator, StepText, joined


class ConvBackwardNarrator(Narrator):
    """Narrates a ConvBackwardScene in ``language``; ``decimals`` as the scene writes floats."""

    tells_gradients = True

    def __init__(self, trace, decimals: int, input_gradient: bool, language: str = "en"):
        super().__init__(language)
        self.trace, self.decimals, self.input_gradient = trace, decimals, input_gradient
        self.channel = 0  # the channel whose input gradient is being scattered

    def number(self, value, array) -> str:
        return format_number(value, decimals_for(array, self.decimals))

    def say_begin(self) -> StepText:
        what = (self.tr("The backward pass: from dL/dy, how the loss changes with each output, we find how it "
                        "changes with every bias, every weight and every input value.") if self.input_gradient else
                self.tr("The backward pass: from dL/dy, how the loss changes with each output, we find how it "
                        "changes with every bias and every weight."))
        return StepText("intro", self.tr("The backward pass"), what)

    def say_show_filter(self, f) -> StepText:
        return StepText(f"filter-{f}", self.tr("Filter {f}", f=f), "")

    def say_sum_bias_gradient(self, f) -> StepText:
        t = self.trace
        return StepText(f"bias-{f}", self.tr("dL/db[{f}]", f=f), self.tr(
            "The bias of filter {f} is added into every output of map {f}, so its gradient is the sum of that "
            "map's dL/dy: {value}.", f=f, value=self.number(t.grad_bias[f], t.grad_output)))

    def say_show_channel(self, f, c) -> StepText:
        t = self.trace
        channel = t.group_of(f) * t.channels_per_filter + c
        return StepText(f"filter-{f}-channel-{channel}", self.tr("x, channel {channel}", channel=channel), "")

    def say_sum_weight_gradients(self, f, c) -> StepText:
        t = self.trace
        n = t.geometry.out[0] * t.geometry.out[1]
        return StepText(f"weights-{f}-{c}", self.tr("dL/dw[{f},{c}]", f=f, c=c), joined(
            self.trn("Each weight of filter {f}, kernel channel {c}, multiplied one input value in the {n} "
                     "window; its gradient is that input times dL/dy.",
                     "Each weight of filter {f}, kernel channel {c}, multiplied one input value in each of the {n} "
                     "windows; its gradient sums input times dL/dy over them.", n, f=f, c=c),
            self.tr("For the weight at row 0, column 0 that is {value}.",
                    value=self.number(t.grad_weight[f, c, 0, 0], t.grad_weight))))

    def say_conclude(self) -> StepText:
        return StepText("weights-done", self.tr("Every weight"), self.tr(
            "Every weight learns from every window it took part in."))

    def say_scatter_input_gradient(self, c) -> StepText:
        t = self.trace
        self.channel = c
        top, left = t.geometry.pads[0], t.geometry.pads[2]  # the input's first cell in the padded grid
        return StepText(f"input-{c}", self.tr("dL/dx, channel {c}", c=c), joined(self.tr(
            "Now the input's gradient, channel {c}: each dL/dy goes back through its window times the kernel, and "
            "where windows overlap the shares add up.", c=c), self.tr(
            "Input row 0, column 0 gets {value}.", value=self.number(t.grad_padded[c, top, left], t.grad_padded))))

    def say_release_padding(self, c: int) -> StepText:
        t = self.trace
        return StepText("padding", self.tr("The padding's gradients"), self.tr(
            "The padding is not part of the input: its gradients are dropped.") if t.padding_mode == "zeros" else
            joined(self.tr("The padding copied input cells, so each padding cell's gradient goes back into the "
                           "cell it copied."),
                   self.tr("Input row 0, column 0 ends at {value}.",
                           value=self.number(t.grad_input[self.channel, 0, 0], t.grad_input))))


__all__ = ["ConvBackwardNarrator"]
