"""The spoken story of BatchNormFoldingScene: a conv, a batch norm, and the one conv they fold into.

Numbers come from the fold's trace (:class:`convanim.FoldTrace`), written as the captions write them.
"""
from __future__ import annotations

from convanim.statements import format_number

from .story import Narrator, StepText


class BatchNormFoldingNarrator(Narrator):
    """Narrates a BatchNormFoldingScene from its ``fold`` trace, the input's (C, H, W) ``input_shape``, the
    conv's (F, OH, OW) ``output_shape`` and the scene's ``decimals``."""

    def __init__(self, fold, input_shape: tuple[int, int, int], output_shape: tuple[int, int, int],
                 decimals: int, language: str = "en"):
        super().__init__(language)
        self.fold, self.input_shape, self.output_shape, self.decimals = fold, input_shape, output_shape, decimals

    def say_begin(self) -> StepText:
        c, h, w = self.input_shape
        return StepText("intro", self.tr("Batch norm folding"), self.trn(
            "A conv, then a batch norm, on an input of {n} channel of {h} by {w}. At inference the two are one conv.",
            "A conv, then a batch norm, on an input of {n} channels of {h} by {w}. At inference the two are one "
            "conv.", c, h=h, w=w))

    def say_apply_conv(self) -> StepText:
        return StepText("conv", self.tr("The conv"), self.trn(
            "The conv's {n} filter, with its bias, gives the map z.",
            "The conv's {n} filters, each with its bias, give the maps z.", self.output_shape[0]))

    def say_apply_batch_norm(self) -> StepText:
        return StepText("batch-norm", self.tr("The batch norm"), self.tr(
            "Channel by channel, the batch norm subtracts the mean, divides by the square root of the variance "
            "plus epsilon, multiplies by gamma and adds beta: the maps y."))

    def say_fold_filter(self, f: int) -> StepText:
        d = self.decimals
        return StepText(f"fold-{f}", self.tr("Filter {f} folded", f=f), self.tr(
            "Filter {f} takes its batch norm in. Its factor s, gamma over the square root of the variance plus "
            "epsilon, is {scale}. Its weights are multiplied by s, and its new bias, b minus the mean, times s, "
            "plus beta, is {bias}.", f=f, scale=format_number(self.fold.scale[f], d),
            bias=format_number(self.fold.folded.bias[f], d)))

    def say_apply_folded_conv(self) -> StepText:
        return StepText("folded-conv", self.tr("The folded conv"), self.tr(
            "The folded conv alone, with no batch norm, gives the maps y prime."))

    def say_compare_outputs(self) -> StepText:
        return StepText("same-numbers", self.tr("The same numbers"), self.tr(
            "Every cell of y prime equals y. Inference runtimes fold each batch norm into its conv like this, so at "
            "inference it costs nothing."))


__all__ = ["BatchNormFoldingNarrator"]
