"""Convolutions as volumes: C×k×k filter blocks moving through a C×H×W input block (manimgl's 3D camera).

The blocks are drawn exploded: one numbered plane per channel, the planes
spaced out in depth so that every number stays readable.

    manimgl scenes/volumes.py ConvVolume       # the flagship layer: 3×4×4 input, three 3×3×3 filters
    manimgl scenes/volumes.py GroupedConv      # groups=2: each filter reads its group's channels
    manimgl scenes/volumes.py DepthwiseConv    # groups = channels: one plane per filter
    manimgl scenes/volumes.py PointwiseConv    # 1×1: a weighted sum across channels at each pixel
    manimgl scenes/volumes.py DepthwiseSeparable   # depthwise then pointwise, counted against a standard conv
    manimgl scenes/volumes.py PixelShuffle     # channels become space: 4×2×2 → 1×4×4
"""
from convanim.manim import ConvVolumeScene, DepthwiseSeparableScene, PixelShuffleScene


class ConvVolume(ConvVolumeScene):
    """Conv3x3's layer (same numbers) as volumes: each 3×3×3 filter block makes one output channel."""


class GroupedConv(ConvVolumeScene):
    """groups=2: 4 input channels, 2 filters of 2×3×3, each reading only its group's 2 channels."""

    in_channels, out_channels, groups = 4, 2, 2
    detailed_positions = 1


class DepthwiseConv(ConvVolumeScene):
    """groups = channels = 3: each 1×3×3 filter reads one channel and makes one output channel."""

    in_channels, out_channels, groups = 3, 3, 3
    detailed_positions = 1


class PointwiseConv(ConvVolumeScene):
    """1×1 convolution: 2 filters of 3×1×1, a weighted sum across the channels at each pixel."""

    in_channels, input_size, out_channels, kernel_size = 3, (3, 3), 2, (1, 1)
    detailed_positions = 2


class DepthwiseSeparable(DepthwiseSeparableScene):
    """Depthwise 3×3 then pointwise 1×1 on the 3×4×4 input: 42 parameters and 144 multiply-adds, not 84 and 324."""

    detailed_positions = 1


class PixelShuffle(PixelShuffleScene):
    """r = 2: the 4 channels of a 4×2×2 block become the 2×2 blocks of one 4×4 channel."""


SCENES_IN_ORDER = [ConvVolume, GroupedConv, DepthwiseConv, PointwiseConv, DepthwiseSeparable, PixelShuffle]
