"""Convolution arithmetic, after Dumoulin & Visin's guide: one channel, numbers in every cell.

Each scene slides a kernel over a single-channel input, fills every output
cell from its products, and works out the output size on screen:
o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1.  A lecture case is a three-line subclass:

    class MyCase(ConvArithmetic):
        input_size, kernel_size, padding, stride = (7, 7), (5, 5), 2, 3
"""
import numpy as np

from convanim.manim import ConvArithmetic, PaddingModes  # noqa: F401


class NoPaddingUnitStrides(ConvArithmetic):
    """i=4, k=3 -> o=2."""
    input_size, kernel_size = (4, 4), (3, 3)


class ArbitraryPadding(ConvArithmetic):
    """i=5, k=4, p=2 -> o=6."""
    input_size, kernel_size, padding = (5, 5), (4, 4), 2


class HalfPadding(ConvArithmetic):
    """i=5, k=3, p=1 -> o=5 ('same')."""
    input_size, kernel_size, padding = (5, 5), (3, 3), 1


class FullPadding(ConvArithmetic):
    """i=5, k=3, p=2 -> o=7."""
    input_size, kernel_size, padding = (5, 5), (3, 3), 2


class NoPaddingStrides(ConvArithmetic):
    """i=5, k=3, s=2 -> o=2."""
    input_size, kernel_size, stride = (5, 5), (3, 3), 2


class PaddingStrides(ConvArithmetic):
    """i=5, k=3, p=1, s=2 -> o=3."""
    input_size, kernel_size, padding, stride = (5, 5), (3, 3), 1, 2


class PaddingStridesOdd(ConvArithmetic):
    """i=6, k=3, p=1, s=2 -> o=3: the last padded row and column are never visited."""
    input_size, kernel_size, padding, stride = (6, 6), (3, 3), 1, 2


class Dilation(ConvArithmetic):
    """i=7, k=3, d=2 -> o=3: the kernel's taps skip a cell."""
    input_size, kernel_size, dilation = (7, 7), (3, 3), 2


class PaddingModesCompared(PaddingModes):
    """The same 4x4 input padded by 2 with zeros, reflect, replicate and circular."""
    input_values = np.arange(1, 17).reshape(4, 4)


SCENES_IN_ORDER = [NoPaddingUnitStrides, ArbitraryPadding, HalfPadding, FullPadding, NoPaddingStrides,
                   PaddingStrides, PaddingStridesOdd, Dilation, PaddingModesCompared]
