"""Three-dimensional convolution (``nn.Conv3d``): a kernel cube sliding through the frames of a clip or the slices
of a scan.

    manimgl scenes/conv3d.py Conv3dLayer      # four frames of 4×4, a 2×3×3 cube
    manimgl scenes/conv3d.py Conv3dMotion     # a cube of two 1×1 slices: each pixel minus the frame before
    manimgl scenes/conv3d.py Conv3dStride     # stride 2 and padding 1 on every axis
"""
import numpy as np

from convanim.manim import Conv3dLayerScene


class Conv3dLayer(Conv3dLayerScene):
    """Four frames of 4×4 and a kernel cube of two 3×3 slices with a bias: three output planes of 2×2."""


class Conv3dMotion(Conv3dLayerScene):
    """A clip of three 3×3 frames in which a bright pixel moves right, and a cube of two 1×1 slices, −1 and 1:
    each output pixel is the change from one frame to the next (the motion), no bias."""

    input_size, kernel_size, use_bias = (3, 3, 3), (2, 1, 1), False
    input_values = np.array([[[9, 0, 0], [0, 0, 0], [0, 0, 0]],
                             [[0, 9, 0], [0, 0, 0], [0, 0, 0]],
                             [[0, 0, 9], [0, 0, 0], [0, 0, 0]]])
    weight_values = np.array([[[-1]], [[1]]])


class Conv3dStride(Conv3dLayerScene):
    """Two frames of 3×3, a 2×3×3 cube, stride 2 and padding 1 on every axis: the padding frames shaded, output
    2×2×2."""

    input_size, kernel_size, stride, padding, seed = (2, 3, 3), (2, 3, 3), 2, 1, 3
    input_range, weight_range, detailed_positions = (0, 4), (-1, 1), 1


SCENES_IN_ORDER = [Conv3dLayer, Conv3dMotion, Conv3dStride]
