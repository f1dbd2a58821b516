"""PoolTrace: every window of a pooling layer on one sample, with its winner or average."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..arguments import choice
from .pool import avg_pool2d, check_pool, max_pool2d, pool_divisors, window_sums
from .windows import window_view


@dataclass(frozen=True)
class PoolStep:
    """One output cell (``channel``, ``oy``, ``ox``) of a pooling layer.

    ``values`` (KH, KW) window values (padding shows as -inf for max, 0 for
    avg); ``is_padding`` (KH, KW); ``rows``/``cols`` padded coordinates;
    ``winner`` (ky, kx), ``source`` (h, w) in the unpadded input and
    ``index`` (h*W + w, as return_indices) for max;
    ``total`` and ``divisor`` for avg; ``value`` the output.
    """

    channel: int
    oy: int
    ox: int
    values: np.ndarray
    is_padding: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    value: object
    winner: tuple[int, int] | None = None
    source: tuple[int, int] | None = None
    index: int | None = None
    total: object = None
    divisor: float | None = None


class PoolTrace:
    """Pooling on one sample, window by window.

    Attributes: ``mode`` ('max' or 'avg'); ``input`` (C, H, W); ``padded``
    (C, Hp, Wp) (-inf padding for max, 0 for avg); ``geometry``;
    ``windows`` (C, OH, OW, KH, KW) view; ``is_padding`` (OH, OW, KH, KW);
    ``output`` (C, OH, OW).  Max: ``indices`` (C, OH, OW) as return_indices
    and ``winners`` (C, OH, OW, 2) the (ky, kx) of each winner.  Avg:
    ``sums`` (C, OH, OW) and ``divisors`` (OH, OW).
    """

    def __init__(self, x: np.ndarray, mode: str, kernel_size: object, stride: object, padding: object,
                 dilation: object, ceil_mode: bool, count_include_pad: bool, divisor_override: float | None):
        self.mode = choice("mode", mode, ("max", "avg"))
        if mode == "avg" and dilation != 1:
            raise ValueError(f"avg pooling has no dilation (as torch's avg_pool2d); got dilation={dilation!r}")
        layer = check_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
        if layer.x.shape[0] != 1:
            raise ValueError(f"trace_pool2d traces one sample; input has batch size {layer.x.shape[0]} "
                             f"(shape {layer.x.shape}); pass input[i]")
        g = self.geometry = layer.geometry
        self.input = layer.x[0]
        if mode == "max":
            fill = -np.inf if np.issubdtype(self.input.dtype, np.floating) else np.iinfo(self.input.dtype).min
        else:
            fill = 0
        self.padded = layer.padded_input(fill)[0]
        self.windows = window_view(self.padded, g.kernel, g.stride, g.dilation, g.out)
        mask = np.ones(self.padded.shape[1:], dtype=bool)
        t, _, l, _ = g.pads
        mask[t:t + g.input[0], l:l + g.input[1]] = False
        self.is_padding = window_view(mask, g.kernel, g.stride, g.dilation, g.out)
        if mode == "max":
            out, self.indices = max_pool2d(self.input, g.kernel, g.stride, (t, l), g.dilation, ceil_mode, True)
            self.output = out
            rows, cols = np.divmod(self.indices, g.input[1])
            oy = np.arange(g.out[0])[:, None]
            ox = np.arange(g.out[1])[None, :]
            ky = (rows + t - oy * g.stride[0]) // g.dilation[0]
            kx = (cols + l - ox * g.stride[1]) // g.dilation[1]
            self.winners = np.stack([ky, kx], axis=-1)
        else:
            self.sums = window_sums(layer)[0]
            self.divisors = pool_divisors(g, count_include_pad, divisor_override)
            self.output = avg_pool2d(self.input, g.kernel, g.stride, (t, l), ceil_mode, count_include_pad,
                                     divisor_override)

    def coverage(self) -> np.ndarray:
        """How many windows read each cell of ``padded``: (Hp, Wp) ints; zero marks a cell no window visits."""
        return self.geometry.coverage(self.padded.shape[1:])

    def step(self, c: int, oy: int, ox: int) -> PoolStep:
        """Everything a scene needs to draw output cell (c, oy, ox)."""
        g = self.geometry
        y0, x0 = g.window_origin(oy, ox)
        rows = y0 + g.dilation[0] * np.arange(g.kernel[0])
        cols = x0 + g.dilation[1] * np.arange(g.kernel[1])
        common = (c, oy, ox, self.windows[c, oy, ox], self.is_padding[oy, ox], rows, cols, self.output[c, oy, ox])
        if self.mode == "max":
            ky, kx = self.winners[c, oy, ox]
            h, w = divmod(int(self.indices[c, oy, ox]), g.input[1])
            return PoolStep(*common, winner=(int(ky), int(kx)), source=(h, w), index=int(self.indices[c, oy, ox]))
        return PoolStep(*common, total=self.sums[c, oy, ox], divisor=float(self.divisors[oy, ox]))

    def steps(self) -> Iterator[PoolStep]:
        """Each channel, each output row, each output column."""
        for c in range(self.input.shape[0]):
            for oy in range(self.geometry.out[0]):
                for ox in range(self.geometry.out[1]):
                    yield self.step(c, oy, ox)


def trace_pool2d(input: object, kernel_size: object, mode: str = "max", stride: object = None,
                 padding: object = 0, dilation: object = 1, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: float | None = None) -> PoolTrace:
    """Trace max or avg pooling on one sample: ``input`` (C, H, W) or (1, C, H, W).

    Options as :func:`max_pool2d` / :func:`avg_pool2d`.
    """
    return PoolTrace(input, mode, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                     divisor_override)
