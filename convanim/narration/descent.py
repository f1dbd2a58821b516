"""Gradient descent, spoken (GradientDescentScene), from its TrainingRun.

Each detailed step says the loss, the gradient of weight (0, 0) and the
update it makes (w − lr · dL/dw); the quick run says where the loss ends;
the comparison says how close the learned filter came to the kernel that
made the targets.
"""
from __future__ import annotations

import numpy as np

from convanim.statements import format_number

from .story import Narrator, StepText


class DescentNarrator(Narrator):
    """Narrates a GradientDescentScene: ``run`` (TrainingRun), ``examples``, ``distance`` (the final filter's
    largest distance from the answer), ``decimals`` and ``loss_decimals`` as the scene writes them."""

    run_methods = ("take_step_quickly",)

    def __init__(self, run, examples: int, distance: float, decimals: int, loss_decimals: int,
                 language: str = "en"):
        super().__init__(language)
        self.run, self.examples, self.distance = run, examples, distance
        self.decimals, self.loss_decimals = decimals, loss_decimals

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The same training in PyTorch: torch.optim.SGD takes the same steps from the same start and ends on "
            "the weights shown."))

    def say_begin(self) -> StepText:
        lr = np.format_float_positional(self.run.lr, trim="-")  # as the scene's rule writes it
        return StepText("intro", self.tr("Gradient descent"), self.tr(
            "One 3 by 3 filter starts at zero and learns from {n} examples. Each step computes the outputs, the "
            "loss, the gradient of every weight, and moves each weight by {lr} times its gradient, downhill.",
            n=self.examples, lr=lr))

    def say_take_step_in_detail(self, step) -> StepText:
        d = self.decimals
        return StepText(f"step-{step.step}", self.tr("Step {n}", n=step.step), self.tr(
            "Step {n}: the loss is {loss}. The gradient of weight 0, 0 is {gradient}, so the weight goes from "
            "{before} to {after}.", n=step.step, loss=format_number(step.loss, self.loss_decimals),
            gradient=format_number(step.grad_weight[0, 0, 0, 0], d),
            before=format_number(step.weight[0, 0, 0, 0], d),
            after=format_number(step.new_weight[0, 0, 0, 0], d)))

    def say_take_step_quickly(self, step) -> StepText:
        """The run of quick steps: said once, with where the loss ends."""
        last = self.run.steps[-1]
        return StepText("quick-steps", self.tr("The other steps"), self.tr(
            "The other steps go quickly: at step {n} the loss is {loss}.", n=last.step,
            loss=format_number(last.loss, self.loss_decimals)))

    def say_compare_with_the_answer(self) -> StepText:
        return StepText("answer", self.tr("The answer"), self.tr(
            "After {n} steps every weight is within {distance} of the kernel that made the targets.",
            n=len(self.run.steps), distance=format_number(self.distance, self.decimals)))


__all__ = ["DescentNarrator"]
