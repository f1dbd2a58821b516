"""A pooling layer's options, as ``torch.nn.functional``'s arguments (the forward and backward pooling scenes)."""
from __future__ import annotations

from convanim.manim.options.option_kinds import Choice, Flag, Maybe, Pair, Whole
from convanim.manim.options.options import Option
from convanim.torch_code import TorchCode, pool_code


class PoolLayerOptions:
    """A pooling layer as class attributes, as ``torch.nn.functional``'s arguments (shared by the forward and
    backward pooling scenes)."""

    mode: str = Option("max", Choice("max", "avg"), "max or average pooling")
    input_size: tuple[int, int] = Option((4, 4), Pair(1, 64), "the input's height and width (H, W)")
    kernel_size: object = Option(2, Pair(1, 11), "the window's height and width")
    stride: object = Option(None, Maybe(Pair(1, 8), "the kernel size"), "the step between windows")
    padding: object = Option(0, Pair(0, 8), "cells added on each side (max: -inf, avg: 0)")
    dilation: object = Option(1, Pair(1, 8), "the spacing of the window's cells (max pooling only)")
    ceil_mode: bool = Option(False, Flag(), "round the output size up: the last window may run past the edge")
    count_include_pad: bool = Option(True, Flag(), "avg: padding cells count in the divisor")
    divisor_override: float | None = Option(None, Maybe(Whole(1, 10_000), "the window's count"),
                                            "avg: the divisor of every window")

    def layer_code(self, plane) -> TorchCode:
        """``nn.MaxPool2d`` or ``nn.AvgPool2d`` with these options on ``plane`` (H, W), passed as (1, H, W)."""
        return pool_code(plane.reshape(1, *plane.shape), self.mode, self.kernel_size, self.stride, self.padding,
                         self.dilation, self.ceil_mode, self.count_include_pad, self.divisor_override)
