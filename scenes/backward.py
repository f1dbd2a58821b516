"""How a layer learns: the backward pass, number by number.

    manimgl scenes/backward.py ConvBackward

Every number comes from the core: convanim.trace_conv2d_backward, trace_pool2d_backward, train_conv.
"""
import numpy as np

from convanim import digit_image

from convanim.manim import (Col2ImScene, ConvBackwardAsConvolutionScene, ConvBackwardScene, GradientDescentScene,
                            PoolBackwardScene)


class ConvBackward(ConvBackwardScene):
    """The flagship layer (3 channels of 4x4, 3 filters 3x3x3): dL/db as a sum, dL/dw window by window."""


class ConvBackwardStrided(ConvBackwardScene):
    """One channel of 5x5, two filters 3x3, stride 2, padding 1: windows overlap less, and the padding's
    gradients are dropped."""
    in_channels, input_size, out_channels, stride, padding, seed = 1, (5, 5), 2, 2, 1, 7


class ConvBackwardReflect(ConvBackwardScene):
    """One channel of 4x4, one filter, reflect padding 1: the padding's gradients fold back into the cells
    they copied."""
    in_channels, out_channels, padding, padding_mode, seed = 1, 1, 1, "reflect", 3
    detailed_scatters = 1


class MnistSizedConvBackward(ConvBackwardScene):
    """A 28x28 digit (MNIST-sized, pixels 0-9), one 5x5 filter: dL/dy is 24x24, each weight sums 576 terms;
    the scatter sweeps 576 windows, the grids shaded by value."""
    input_values = (digit_image(7) // 26).astype(np.int64)[None]
    in_channels, input_size, out_channels, kernel_size = 1, (28, 28), 1, (5, 5)
    weight_range, grad_range = (-1, 1), (-2, 2)
    detailed_scatters, sweep_time = 2, 1 / 15


class ConvBackwardAsConvolution(ConvBackwardAsConvolutionScene):
    """The flagship layer's dL/dx (channel 0) as the padded dL/dy read by the turned kernels, and dL/dw as
    dL/dy sliding over the input: the backward pass of a convolution is a convolution."""


class ConvBackwardAsConvolutionStrided(ConvBackwardAsConvolutionScene):
    """Stride 2 over 5x5, one channel, one filter: a zero goes between the gradient's cells."""
    in_channels, input_size, out_channels, stride, seed = 1, (5, 5), 1, 2, 5


class Col2Im(Col2ImScene):
    """Im2Col's layer (2 channels of 3x3, 2 filters 2x2) backwards, as the book codes it: dx = col2im(dout @ W_colᵀ)."""


class MaxPoolBackward(PoolBackwardScene):
    """3x3 windows, stride 2, over 5x5: each dL/dy goes to its window's winner; x[2,3] wins two windows."""
    input_size, kernel_size, stride = (5, 5), 3, 2
    input_values = np.array([[1, 4, 0, 2, 1],
                             [3, 0, 2, 5, 0],
                             [2, 7, 1, 9, 3],
                             [0, 1, 3, 0, 2],
                             [8, 2, 4, 1, 5]])
    grad_values = np.array([[2, -1], [3, 4]])


class AvgPoolBackward(PoolBackwardScene):
    """2x2 windows, stride 1, over 4x4: each dL/dy is shared as dL/dy ÷ 4; overlapping windows add up."""
    mode = "avg"
    kernel_size, stride = 2, 1
    grad_values = np.array([[4, -2, 1], [0, 3, 2], [-1, 5, 2]])
    detailed_windows = 2


class AvgPoolBackwardPadded(PoolBackwardScene):
    """3x3 windows, stride 2, padding 1 over 5x5, count_include_pad: padding's shares are dropped."""
    mode = "avg"
    input_size, kernel_size, stride, padding = (5, 5), 3, 2, 1
    grad_values = np.array([[9, 3, -6], [0, 4, 2], [1, -3, 6]])


class GradientDescent(GradientDescentScene):
    """One 3x3 filter starts at zero and learns the vertical-edge kernel from four ±1 images: the loss falls every step."""


SCENES_IN_ORDER = [ConvBackward, ConvBackwardStrided, ConvBackwardReflect, MnistSizedConvBackward, ConvBackwardAsConvolution, ConvBackwardAsConvolutionStrided, Col2Im, MaxPoolBackward, AvgPoolBackward, AvgPoolBackwardPadded, GradientDescent]
