"""Correlation and true convolution: what deep learning calls convolution, and the convolution that turns the
kernel first.

    manimgl scenes/true_convolution.py TrueConvolution
    manimgl scenes/true_convolution.py TrueConvolutionFull   # every overlap: the input padded by k − 1
"""
from convanim.manim import TrueConvolutionScene


class TrueConvolution(TrueConvolutionScene):
    """A 4×5 input and a 2×3 kernel: correlation with k and convolution (k turned 180°) side by side, the same
    windows, different numbers."""


class TrueConvolutionFull(TrueConvolutionScene):
    """mode='full': every window that overlaps the 3×3 input, as scipy.signal.convolve2d's default."""

    input_size, kernel_size, mode, seed = (3, 3), (2, 2), "full", 8


SCENES_IN_ORDER = [TrueConvolution, TrueConvolutionFull]
