"""A lecture's own variants of the flagship scene: subclasses that change class attributes only.

    manimgl examples/lecture_subclass.py StridedPaddedConv      # opens a window
    python -m convanim.manim.render examples/lecture_subclass.py StridedPaddedConv --quality 720p --out strided.mp4
"""
import numpy as np

from convanim.manim import ConvLayerScene, Palette


class StridedPaddedConv(ConvLayerScene):
    """2 channels of 5x5, 2 filters of 2x3x3, stride 2, padding 1 -> output 2x3x3."""

    in_channels, input_size, out_channels = 2, (5, 5), 2
    stride, padding = 2, 1
    seed = 3
    detailed_steps = 3


class EdgeDetector(ConvLayerScene):
    """One channel, a hand-written vertical-edge kernel, no bias, orange kernel colour."""

    in_channels, input_size, out_channels = 1, (6, 6), 1
    input_values = np.array([[[0, 0, 0, 9, 9, 9]] * 6])
    weight_values = np.array([[[[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]]])
    use_bias = False
    palette = Palette(kernel="#FB8C00")
    detailed_steps = 2


# --- the photo lesson with your own picture and filters -------------------------------------------------
from convanim.manim import FeatureMapScene  # noqa: E402


class MyPhotoEdges(FeatureMapScene):
    """Your own photo (any PNG/JPEG up to 1024 px a side; here the generated picture), two edge filters.

    For a file of yours: photo_source = "photos/street.jpg" (relative to the folder you render from).
    """

    photo_source = "generated"
    filters = (("edge", 3), ("edge", 7))
    zoom_pixel = (200, 100)
