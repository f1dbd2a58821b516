"""Pooling: max pooling picks a winner (ties and NaN as PyTorch), average pooling divides.

    manimgl scenes/pooling.py MaxPool2x2
"""
import numpy as np

from convanim.manim import PoolingScene


class MaxPool2x2(PoolingScene):
    """4x4 input, 2x2 windows, stride 2: the winner of each window and its return_indices index."""


class MaxPoolTies(PoolingScene):
    """Ties go to the first maximum in row-major order."""
    input_values = np.array([[5, 5, 1, 2], [5, 3, 2, 2], [0, 7, 7, 4], [7, 7, 4, 4]])


class MaxPoolNaN(PoolingScene):
    """A NaN wins its window (NaN propagates, as in PyTorch)."""
    input_values = np.array([[1.0, np.nan, 3.0, 0.5], [2.0, 0.0, 8.0, 1.0], [4.0, 4.5, 1.0, 1.5],
                             [0.0, 6.0, 2.5, 9.0]])
    decimals = 1


class MaxPoolPadded(PoolingScene):
    """i=5, k=3, s=2, p=1: padding is −∞, so it never wins."""
    input_size, kernel_size, stride, padding = (5, 5), 3, 2, 1
    input_range = (-9, -1)  # all negative: zero padding would have won


class MaxPoolCeilMode(PoolingScene):
    """i=5, k=2, s=2, ceil_mode: a partial last window."""
    input_size, kernel_size, ceil_mode = (5, 5), 2, True


class AvgPoolIncludePad(PoolingScene):
    """i=5, k=3, s=2, p=1, count_include_pad=True: padded zeros count in the divisor."""
    mode = "avg"
    input_size, kernel_size, stride, padding = (5, 5), 3, 2, 1


class AvgPoolExcludePad(AvgPoolIncludePad):
    """The same with count_include_pad=False: the divisor counts input cells only."""
    count_include_pad = False


class AvgPoolDivisorOverride(AvgPoolIncludePad):
    """divisor_override=4 replaces every divisor."""
    divisor_override = 4


SCENES_IN_ORDER = [MaxPool2x2, MaxPoolTies, MaxPoolNaN, MaxPoolPadded, MaxPoolCeilMode, AvgPoolIncludePad,
                   AvgPoolExcludePad, AvgPoolDivisorOverride]
