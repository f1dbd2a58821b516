"""ConvTrace: every intermediate value of one conv layer on one sample.

The trace is the single source of the numbers the scenes show::

    products[f, oy, ox, c, ky, kx] = padded[g*Cg + c, oy*sy + ky*dy, ox*sx + kx*dx] * weight[f, c, ky, kx]
    channel_sums[f, oy, ox, c]     = products[f, oy, ox, c].sum()
    running[f, oy, ox, 0]          = bias[f]
    running[f, oy, ox, c + 1]      = running[f, oy, ox, c] + channel_sums[f, oy, ox, c]
    output[f, oy, ox]              = running[f, oy, ox, -1]

where g is the group of filter f and Cg = C_in / groups.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .. import config
from ..arguments import choice
from .conv import ConvLayer, check_conv, convolve
from .geometry import WindowGeometry
from .lazy import WindowArray
from .windows import window_view


@dataclass(frozen=True)
class WindowSources:
    """Where the values of one window came from.

    ``channels`` (Cg,) input channel indices; ``rows`` (KH,) and ``cols``
    (KW,) coordinates in the padded input; ``input_rows``/``input_cols`` the
    same in the unpadded input (outside 0..H-1 / 0..W-1 on padding);
    ``is_padding`` (KH, KW) True where the kernel tap lies on padding.
    """

    channels: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    input_rows: np.ndarray
    input_cols: np.ndarray
    is_padding: np.ndarray


@dataclass(frozen=True)
class ConvStep:
    """One step of the reference video: filter ``filter``, input channel ``channel``
    (index inside the filter, ``input_channel`` in the input), output cell (``oy``, ``ox``).

    ``window``, ``weights``, ``products`` (KH, KW); ``channel_sum`` = sum of
    products; ``running_before`` + ``channel_sum`` = ``running_after``;
    ``bias`` of the filter; ``sources`` where the window came from;
    ``num_channels`` = Cg, the channels each filter sums over.
    """

    filter: int
    channel: int
    input_channel: int
    oy: int
    ox: int
    window: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    channel_sum: object
    running_before: object
    running_after: object
    bias: object
    sources: WindowSources
    num_channels: int

    @property
    def is_first_channel(self) -> bool:
        return self.channel == 0

    @property
    def is_last_channel(self) -> bool:
        return self.channel == self.num_channels - 1


class FilterGroups:
    """Shape facts of a layer with ``weight`` (F, Cg, KH, KW) and ``groups`` (forward and backward traces)."""

    weight: np.ndarray
    groups: int

    @property
    def num_filters(self) -> int:
        return self.weight.shape[0]

    @property
    def channels_per_filter(self) -> int:
        return self.weight.shape[1]

    def group_of(self, f: int) -> int:
        """Group index of filter ``f``."""
        return f // (self.num_filters // self.groups)


class ConvTrace(FilterGroups):
    """All intermediate values of a conv2d on one sample (see the module docstring).

    Attributes: ``input`` (C_in, H, W); ``padded`` (C_in, Hp, Wp);
    ``weight`` (F, Cg, KH, KW); ``bias`` (F,) (zeros when the layer has none,
    ``has_bias`` tells); ``geometry``; ``groups``; ``padding_mode``;
    ``products`` (F, OH, OW, Cg, KH, KW); ``channel_sums`` (F, OH, OW, Cg);
    ``running`` (F, OH, OW, Cg + 1); ``output`` (F, OH, OW).

    When ``products`` would pass the memory budget the trace is *lazy*:
    ``products``, ``channel_sums`` and ``running`` become :class:`WindowArray`
    objects that compute the windows you index, and ``output`` comes from
    :func:`conv2d` (equal to ``running[..., -1]`` up to float rounding, exactly
    for integers).
    """

    #: True for a 1-D layer's trace (one row, from ``trace_conv1d``), whose labels write ``y[f,ox]``.
    one_row: bool = False
    #: The output plane of a 3-D layer this trace is (one of ``Conv3dTrace.planes``), whose labels write
    #: ``y[f,od,oy,ox]``; None for a 2-D layer.
    depth: int | None = None

    def __init__(self, layer: ConvLayer, budget: int):
        self.layer = layer
        self.geometry: WindowGeometry = layer.geometry
        self.groups = layer.groups
        self.padding_mode = layer.padding_mode
        self.dtype = layer.dtype
        self.input = layer.x[0]
        self.padded = layer.padded_input()[0]
        self.weight = layer.weight.astype(self.dtype, copy=False)
        self.has_bias = layer.bias is not None
        self.bias = (layer.bias.astype(self.dtype, copy=False) if self.has_bias
                     else np.zeros(self.weight.shape[0], dtype=self.dtype))
        self._windows = window_view(self.padded, self.geometry.kernel, self.geometry.stride,
                                    self.geometry.dilation, self.geometry.out)
        f, cg, kh, kw = self.weight.shape
        oh, ow = self.geometry.out
        shape = (f, oh, ow, cg, kh, kw)
        self.lazy = int(np.prod(shape)) * self.dtype.itemsize > budget
        if self.lazy:
            self.products = WindowArray(shape, self.dtype, self._product_block, budget, "products")
            self.channel_sums = WindowArray(shape[:4], self.dtype, self._sum_block, budget, "channel_sums")
            self.running = WindowArray((f, oh, ow, cg + 1), self.dtype, self._running_block, budget, "running")
            self.output = convolve(layer)[0]
        else:
            every = np.arange(f), np.arange(oh), np.arange(ow)
            self.products = self._product_block(*every)
            self.channel_sums = _sum_products(self.products)
            self.running = _running_sums(self.bias, self.channel_sums)
            self.output = self.running[..., -1]

    def output_index(self, f: int, oy: int, ox: int) -> tuple[int, ...]:
        """The indices of output (f, oy, ox) as the labels write them: ``(f, ox)`` for a 1-D trace,
        ``(f, od, oy, ox)`` for plane ``od`` of a 3-D one."""
        if self.one_row:
            return (f, ox)
        return (f, oy, ox) if self.depth is None else (f, self.depth, oy, ox)

    # -- per-window access ---------------------------------------------------
    def window(self, f: int, oy: int, ox: int) -> np.ndarray:
        """Input values filter ``f`` sees at output (oy, ox): (Cg, KH, KW), padding included."""
        cg = self.channels_per_filter
        g = self.group_of(f)
        return self._windows[g * cg:(g + 1) * cg, oy, ox]

    def sources(self, f: int, oy: int, ox: int) -> WindowSources:
        """Coordinates of the window of filter ``f`` at output (oy, ox)."""
        geo = self.geometry
        cg = self.channels_per_filter
        y0, x0 = geo.window_origin(oy, ox)
        rows = y0 + geo.dilation[0] * np.arange(geo.kernel[0])
        cols = x0 + geo.dilation[1] * np.arange(geo.kernel[1])
        t, _, l, _ = geo.pads
        in_rows, in_cols = rows - t, cols - l
        inside_r = (in_rows >= 0) & (in_rows < geo.input[0])
        inside_c = (in_cols >= 0) & (in_cols < geo.input[1])
        is_padding = ~(inside_r[:, None] & inside_c[None, :])
        channels = self.group_of(f) * cg + np.arange(cg)
        return WindowSources(channels, rows, cols, in_rows, in_cols, is_padding)

    def step(self, f: int, c: int, oy: int, ox: int) -> ConvStep:
        """Everything a scene needs to draw filter f, channel c, output (oy, ox)."""
        running = self.running[f, oy, ox]
        sources = self.sources(f, oy, ox)
        return ConvStep(f, c, int(sources.channels[c]), oy, ox, self.window(f, oy, ox)[c],
                        self.weight[f, c], self.products[f, oy, ox, c], self.channel_sums[f, oy, ox, c],
                        running[c], running[c + 1], self.bias[f], sources, self.channels_per_filter)

    def steps(self, order: str = "channel") -> Iterator[ConvStep]:
        """Every (filter, channel, output cell) step once, filter by filter.

        ``order="channel"`` (the reference video's): each input channel, then
        each output cell.  ``order="cell"``: the first output cell's whole
        story first (every channel, from the bias to the output), then each
        channel over the remaining cells.
        """
        order = choice("order", order, ("channel", "cell"))
        oh, ow = self.geometry.out
        cells = [(oy, ox) for oy in range(oh) for ox in range(ow)]
        for f in range(self.num_filters):
            if order == "cell":
                for c in range(self.channels_per_filter):
                    yield self.step(f, c, *cells[0])
            for c in range(self.channels_per_filter):
                for oy, ox in cells[1:] if order == "cell" else cells:
                    yield self.step(f, c, oy, ox)

    # -- block computation (eager and lazy share it) --------------------------
    def _product_block(self, fs: np.ndarray, oys: np.ndarray, oxs: np.ndarray) -> np.ndarray:
        cg = self.channels_per_filter
        out = np.empty((len(fs), len(oys), len(oxs), cg, *self.geometry.kernel), dtype=self.dtype)
        for i, f in enumerate(fs):
            g = self.group_of(int(f))
            windows = self._windows[g * cg:(g + 1) * cg][:, oys][:, :, oxs]  # (Cg, a, b, KH, KW)
            np.multiply(windows.transpose(1, 2, 0, 3, 4), self.weight[f], out=out[i])
        return out

    def _sum_block(self, fs: np.ndarray, oys: np.ndarray, oxs: np.ndarray) -> np.ndarray:
        return _sum_products(self._product_block(fs, oys, oxs))

    def _running_block(self, fs: np.ndarray, oys: np.ndarray, oxs: np.ndarray) -> np.ndarray:
        return _running_sums(self.bias[fs], self._sum_block(fs, oys, oxs))


def _sum_products(products: np.ndarray) -> np.ndarray:
    return products.sum(axis=(-2, -1))


def _running_sums(bias: np.ndarray, channel_sums: np.ndarray) -> np.ndarray:
    start = np.broadcast_to(bias[:, None, None, None], (*channel_sums.shape[:3], 1))
    return np.cumsum(np.concatenate([start, channel_sums], axis=-1), axis=-1)


def trace_conv2d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
                 dilation: object = 1, groups: int = 1, padding_mode: str = "zeros",
                 memory_budget: int | None = None) -> ConvTrace:
    """Trace a conv2d on one sample: ``input`` (C_in, H, W) or (1, C_in, H, W).

    Arguments as :func:`conv2d`; ``memory_budget`` (bytes, default
    ``convanim.config.TRACE_BUDGET`` = 64 MiB) bounds what the trace holds.
    Integer inputs keep integer products and sums.
    """
    layer = check_conv(input, weight, bias, stride, padding, dilation, groups, padding_mode)
    if layer.x.shape[0] != 1:
        raise ValueError(f"trace_conv2d traces one sample; input has batch size {layer.x.shape[0]} "
                         f"(shape {layer.x.shape}); pass input[i]")
    return ConvTrace(layer, config.TRACE_BUDGET if memory_budget is None else memory_budget)
