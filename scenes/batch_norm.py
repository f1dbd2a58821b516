"""Batch norm folding: a conv then a batch norm is one conv, with the same numbers.

    manimgl scenes/batch_norm.py BatchNormFolding
    manimgl scenes/batch_norm.py BatchNormFoldingTwoChannels   # two input channels, 2×2 kernels, stride 2, padding 1
"""
from convanim.manim import BatchNormFoldingScene


class BatchNormFolding(BatchNormFoldingScene):
    """Two 3×3 filters on a 5×5 input, each followed by its batch norm channel, folded into one conv: y′ = y."""


class BatchNormFoldingTwoChannels(BatchNormFoldingScene):
    """The same folding with two input channels, 2×2 kernels, stride 2 and padding 1: the fold keeps every conv
    option."""

    in_channels, kernel_size, stride, padding, seed = 2, 2, 2, 1, 11


SCENES_IN_ORDER = [BatchNormFolding, BatchNormFoldingTwoChannels]
