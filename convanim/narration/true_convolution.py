"""The spoken story of TrueConvolutionScene: correlation, the kernel turned, and convolution, cell by cell.

Numbers come from the two outputs (:func:`convanim.correlate2d`, :func:`convanim.convolve2d`), written as the
captions write them.
"""
from __future__ import annotations

import numpy as np

from convanim.statements import format_number

from .story import Narrator, StepText


class TrueConvolutionNarrator(Narrator):
    """Narrates a TrueConvolutionScene from its ``correlation`` and ``convolution`` outputs, (OH, OW) each."""

    run_methods = ("sweep_cell",)

    def __init__(self, correlation: np.ndarray, convolution: np.ndarray, language: str = "en"):
        super().__init__(language)
        self.correlation, self.convolution = correlation, convolution

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("Correlation and convolution"), self.tr(
            "Deep learning's convolution is a correlation: the kernel slides over the input as it is. Signal "
            "processing's convolution turns the kernel by 180 degrees first."))

    def say_turn_kernel(self) -> StepText:
        return StepText("flip", self.tr("The kernel turned"), self.tr(
            "Turned by 180 degrees, the kernel's first row becomes its last, and its first column its last."))

    def say_compute_in_detail(self, step) -> StepText:
        oy, ox = step.oy, step.ox
        return StepText(f"cell-{oy}-{ox}", self.tr("Output {row}, {column}", row=oy, column=ox), self.tr(
            "At row {row}, column {column}, the window's products with the kernel add up to {correlation}; with "
            "the turned kernel, to {convolution}.", row=oy, column=ox,
            correlation=format_number(self.correlation[oy, ox]), convolution=format_number(self.convolution[oy, ox])))

    def say_sweep_cell(self, step) -> StepText:
        return StepText("sweep", self.tr("The other cells"), self.tr("The other cells follow the same way."))

    def say_conclude(self) -> StepText:
        return StepText("rule", self.tr("The rule"), self.tr(
            "Convolution is correlation with the flipped kernel: the same windows, the kernel turned."))


__all__ = ["TrueConvolutionNarrator"]
