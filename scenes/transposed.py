"""Transposed convolution for the non-dilated cases of Dumoulin & Visin's guide, in two views.

    manimgl scenes/transposed.py StridesScatter
    manimgl scenes/transposed.py StridesAsConv

Each case transposes the convolution of the same name in scenes/arithmetic.py
(its output size is that convolution's input size).
"""
from convanim.manim import TransposedAsConv, TransposedScatter


class NoPaddingUnitStrides:
    """i=2, k=3 -> o=4: transposes the 4x4 -> 2x2 convolution."""
    input_size, kernel_size = (2, 2), (3, 3)                      # o = 4


class ArbitraryPadding:
    """i=6, k=4, p=2 -> o=5: transposes the 5x5 -> 6x6 convolution."""
    input_size, kernel_size, padding = (6, 6), (4, 4), 2          # o = 5


class HalfPadding:
    """i=5, k=3, p=1 -> o=5: transposes 'same' padding."""
    input_size, kernel_size, padding = (5, 5), (3, 3), 1          # o = 5


class FullPadding:
    """i=7, k=3, p=2 -> o=5: transposes full padding."""
    input_size, kernel_size, padding = (7, 7), (3, 3), 2          # o = 5


class NoPaddingStrides:
    """i=2, k=3, s=2 -> o=5: a zero between input cells."""
    input_size, kernel_size, stride = (2, 2), (3, 3), 2           # o = 5


class PaddingStrides:
    """i=3, k=3, s=2, p=1 -> o=5."""
    input_size, kernel_size, stride, padding = (3, 3), (3, 3), 2, 1   # o = 5


class PaddingStridesOdd:
    """i=3, k=3, s=2, p=1, output_padding=1 -> o=6: the size the stride lost, restored."""
    input_size, kernel_size, stride, padding, output_padding = (3, 3), (3, 3), 2, 1, 1   # o = 6


class NoPaddingUnitStridesScatter(NoPaddingUnitStrides, TransposedScatter): pass
class NoPaddingUnitStridesAsConv(NoPaddingUnitStrides, TransposedAsConv): pass
class ArbitraryPaddingScatter(ArbitraryPadding, TransposedScatter): pass
class ArbitraryPaddingAsConv(ArbitraryPadding, TransposedAsConv): pass
class HalfPaddingScatter(HalfPadding, TransposedScatter): pass
class HalfPaddingAsConv(HalfPadding, TransposedAsConv): pass
class FullPaddingScatter(FullPadding, TransposedScatter): pass
class FullPaddingAsConv(FullPadding, TransposedAsConv): pass
class StridesScatter(NoPaddingStrides, TransposedScatter): pass
class StridesAsConv(NoPaddingStrides, TransposedAsConv): pass
class PaddingStridesScatter(PaddingStrides, TransposedScatter): pass
class PaddingStridesAsConv(PaddingStrides, TransposedAsConv): pass
class PaddingStridesOddScatter(PaddingStridesOdd, TransposedScatter): pass
class PaddingStridesOddAsConv(PaddingStridesOdd, TransposedAsConv): pass


SCENES_IN_ORDER = [NoPaddingUnitStridesScatter, NoPaddingUnitStridesAsConv, ArbitraryPaddingScatter,
                   ArbitraryPaddingAsConv, HalfPaddingScatter, HalfPaddingAsConv, FullPaddingScatter,
                   FullPaddingAsConv, StridesScatter, StridesAsConv, PaddingStridesScatter, PaddingStridesAsConv,
                   PaddingStridesOddScatter, PaddingStridesOddAsConv]
