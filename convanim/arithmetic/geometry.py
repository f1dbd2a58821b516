"""Checked geometry of a convolution or pooling layer (sizes, pads, strides)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arguments import Pair, pair
from .padding import Pads, conv_pads
from .shapes import effective_kernel, output_size, padded_output_size
from .windows import kernel_slice


@dataclass(frozen=True)
class WindowGeometry:
    """Where the windows of a sliding kernel lie.

    Attributes: ``input`` (H, W) unpadded size; ``kernel`` (KH, KW);
    ``stride``, ``dilation``; ``pads`` (top, bottom, left, right);
    ``out`` (OH, OW).
    """

    input: Pair
    kernel: Pair
    stride: Pair
    dilation: Pair
    pads: Pads
    out: Pair

    @property
    def padded(self) -> Pair:
        """Size of the padded input (Hp, Wp)."""
        t, b, l, r = self.pads
        return (self.input[0] + t + b, self.input[1] + l + r)

    def coverage(self, shape: Pair | None = None) -> np.ndarray:
        """How many windows read each cell of the padded input: (Hp, Wp) ints.

        ``shape`` overrides (Hp, Wp) when the padded array is larger
        (pooling's ceil_mode room).

        Zero marks a cell no window visits (the right/bottom strip of an
        "odd" strided case, or the holes between dilated taps at the edge).
        """
        count = np.zeros(self.padded if shape is None else tuple(shape), dtype=np.int64)
        for ky in range(self.kernel[0]):
            for kx in range(self.kernel[1]):
                count[kernel_slice(ky, kx, self.stride, self.dilation, self.out)] += 1
        return count

    def window_origin(self, oy: int, ox: int) -> Pair:
        """Top-left corner of window (oy, ox) in padded coordinates."""
        return (oy * self.stride[0], ox * self.stride[1])


def sliding_geometry(input_hw: Pair, kernel_size: object, stride: object, padding: object,
                     dilation: object, ceil_mode: bool = False, *, kernel_name: str = "kernel_size",
                     stride_default: Pair | None = None) -> WindowGeometry:
    """Check sliding-window options against an input of size ``input_hw`` and size the output.

    Raises ``ValueError`` naming the options when the (dilated) kernel does
    not fit inside the padded input.
    """
    kernel = pair(kernel_name, kernel_size, 1)
    stride_pair = stride_default if stride is None and stride_default is not None else pair("stride", stride, 1)
    dilation_pair = pair("dilation", dilation, 1)
    pads = conv_pads(padding, kernel, stride_pair, dilation_pair)
    t, b, l, r = pads
    if ceil_mode:
        out = tuple(output_size(i, k, s, p, d, ceil_mode=True) for i, k, s, p, d in
                    zip(input_hw, kernel, stride_pair, (t, l), dilation_pair))
    else:
        out = (padded_output_size(input_hw[0], kernel[0], stride_pair[0], t, b, dilation_pair[0]),
               padded_output_size(input_hw[1], kernel[1], stride_pair[1], l, r, dilation_pair[1]))
    if min(out) < 1:
        spans = tuple(effective_kernel(k, d) for k, d in zip(kernel, dilation_pair))
        raise ValueError(
            f"{kernel_name} {kernel} with dilation {dilation_pair} spans {spans[0]}×{spans[1]}, larger "
            f"than the padded input {input_hw[0] + t + b}×{input_hw[1] + l + r} (input "
            f"{input_hw[0]}×{input_hw[1]}, pads (top, bottom, left, right)={pads}); "
            f"the output would be {out[0]}×{out[1]}")
    return WindowGeometry(tuple(input_hw), kernel, stride_pair, dilation_pair, pads, out)  # type: ignore[arg-type]
