"""The flagship scene: 3 input channels of 4x4, 3 filters of 3x3x3 with a bias each.

    manimgl scenes/conv3x3.py Conv3x3             # opens a window
    make demo                                     # 1080p30 MP4 without a display
"""
from convanim.manim import ConvLayerScene


class Conv3x3(ConvLayerScene):
    """Output 3x2x2 from integers 0-9 (input, weights) and 10-99 (biases), as in the reference post.

    The first output cell's whole story in detail (each channel's products and sum joining the running
    sum that starts at the bias), then the rest swept.
    """

    order, detailed_steps = "cell", 3


class MnistSizedConv(ConvLayerScene):
    """One channel of 28x28 (MNIST-sized), one 5x5 filter: the first windows in detail, then a fast sweep."""

    in_channels, input_size, out_channels, kernel_size = 1, (28, 28), 1, (5, 5)
    input_range, weight_range, bias_range = (0, 9), (-1, 1), (0, 9)
    detailed_steps = 2
    sweep_time = 1 / 15


SCENES_IN_ORDER = [Conv3x3, MnistSizedConv]
