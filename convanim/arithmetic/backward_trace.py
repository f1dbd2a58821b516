"""ConvGradTrace: every number of a conv layer's backward pass on one sample.

With ``xp`` the padded input, ``g`` = dL/dy (F, OH, OW), G(f) the group of
filter f and Cg = C_in / groups::

    bias_running[f, j]               = g[f].flat[0] + … + g[f].flat[j]         (→ grad_bias[f])
    weight_terms[f, c, ky, kx, oy, ox] = xp[G(f)*Cg + c, oy*sy + ky*dy, ox*sx + kx*dx] · g[f, oy, ox]
    weight_running[f, c, ky, kx, j]  = running sum of weight_terms[f, c, ky, kx] in row-major (oy, ox) order
    grad_weight[f, c, ky, kx]        = weight_running[f, c, ky, kx, -1]
    input_terms[f, oy, ox, c, ky, kx] = g[f, oy, ox] · w[f, c, ky, kx]     (window (oy, ox) scattering its kernel)
    grad_padded[G(f)*Cg + c, oy*sy + ky*dy, ox*sx + kx*dx]  = Σ of the input_terms landing there
    grad_input                       = grad_padded folded back through the padding

The same grad_padded is a stride-1 convolution of the zero-inserted, padded
gradient with the flipped kernel (:meth:`ConvGradTrace.direct_trace`), and
grad_weight a correlation of the input with the gradient map
(:meth:`ConvGradTrace.weight_correlation`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..arguments import result_dtype
from .backward import (avg_pool2d_backward, check_grad_output, conv_padded_input_gradient, conv_weight_gradient,
                       max_pool2d_backward)
from .conv import ConvLayer, check_conv
from .geometry import WindowGeometry
from .lazy import WindowArray
from .padding import fold_padding, padding_sources
from .pool_trace import PoolTrace, trace_pool2d
from .trace import ConvTrace, FilterGroups, trace_conv2d
from .transpose import TransposedAsDirect, transposed_as_direct
from .windows import window_view

REMEDY = "trace_conv2d_backward(..., memory_budget=...)"


@dataclass(frozen=True)
class InputContribution:
    """One term of an input cell's gradient: window (oy, ox) of filter ``filter`` read the cell
    through tap (``ky``, ``kx``) of kernel channel ``channel``; ``term`` = ``grad`` · ``weight``;
    ``running`` is the cell's gradient after this term (terms in (filter, oy, ox) order)."""

    filter: int
    oy: int
    ox: int
    channel: int
    ky: int
    kx: int
    grad: object
    weight: object
    term: object
    running: object


class ConvGradTrace(FilterGroups):
    """The backward pass of one conv2d on one sample (see the module docstring for each array).

    Attributes: ``input`` (C_in, H, W); ``padded`` (C_in, Hp, Wp); ``weight``
    (F, Cg, KH, KW); ``grad_output`` (F, OH, OW); ``geometry``; ``groups``;
    ``padding_mode``; ``grad_bias`` (F,); ``bias_running`` (F, OH·OW);
    ``weight_terms`` (F, Cg, KH, KW, OH, OW); ``weight_running`` (F, Cg, KH,
    KW, OH·OW); ``grad_weight`` (F, Cg, KH, KW); ``input_terms`` (F, OH, OW,
    Cg, KH, KW); ``grad_padded`` (C_in, Hp, Wp); ``grad_input`` (C_in, H, W).

    Past the memory budget ``weight_terms``, ``weight_running`` and
    ``input_terms`` become :class:`WindowArray` objects computing what you
    index, and ``grad_weight`` comes from :func:`conv2d_backward`'s arithmetic.
    """

    def __init__(self, layer: ConvLayer, grad_output: np.ndarray, budget: int):
        self.layer = layer
        self.geometry: WindowGeometry = layer.geometry
        self.groups = layer.groups
        self.padding_mode = layer.padding_mode
        self.dtype = result_dtype(layer.x, layer.weight, grad_output)
        self.input = layer.x[0].astype(self.dtype, copy=False)
        self.padded = layer.padded_input()[0].astype(self.dtype, copy=False)
        self.weight = layer.weight.astype(self.dtype, copy=False)
        self.grad_output = grad_output[0].astype(self.dtype, copy=False)
        self._windows = window_view(self.padded, self.geometry.kernel, self.geometry.stride,
                                    self.geometry.dilation, self.geometry.out)  # (C, OH, OW, KH, KW)
        f, cg, kh, kw = self.weight.shape
        oh, ow = self.geometry.out
        self.grad_bias = self.grad_output.sum(axis=(1, 2))
        self.bias_running = np.cumsum(self.grad_output.reshape(f, -1), axis=1)
        terms_shape = (f, cg, kh, kw, oh, ow)
        self.lazy = int(np.prod(terms_shape)) * self.dtype.itemsize > budget
        if self.lazy:
            self.weight_terms = WindowArray(terms_shape, self.dtype, self._weight_term_block, budget,
                                            "weight_terms", REMEDY)
            self.weight_running = WindowArray((f, cg, kh, kw, oh * ow), self.dtype, self._weight_running_block,
                                              budget, "weight_running", REMEDY)
            self.input_terms = WindowArray((f, oh, ow, cg, kh, kw), self.dtype, self._input_term_block, budget,
                                           "input_terms", REMEDY)
            self.grad_weight = conv_weight_gradient(layer, grad_output.astype(self.dtype, copy=False))
        else:
            every = np.arange(f), np.arange(cg), np.arange(kh)
            self.weight_terms = self._weight_term_block(*every)
            self.weight_running = self._weight_running_block(*every)
            self.input_terms = self._input_term_block(np.arange(f), np.arange(oh), np.arange(ow))
            self.grad_weight = self.weight_running[..., -1]
        self.grad_padded = conv_padded_input_gradient(layer, grad_output.astype(self.dtype, copy=False))[0]
        self.grad_input = fold_padding(self.grad_padded, self.geometry.pads, self.padding_mode)

    # -- shape facts ---------------------------------------------------------
    def filters_of_channel(self, c: int) -> range:
        """The filters that read input channel ``c`` (its group's)."""
        og = self.num_filters // self.groups
        group = c // self.channels_per_filter
        return range(group * og, (group + 1) * og)

    def weight_factors(self, f: int, c: int, ky: int, kx: int) -> tuple[np.ndarray, np.ndarray]:
        """The two factors of each term of dL/dw[f, c, ky, kx]: the input value tap (ky, kx) read at each
        output position, and dL/dy[f] there; both (OH, OW), padding values included."""
        channel = self.group_of(f) * self.channels_per_filter + c
        return self._windows[channel, :, :, ky, kx], self.grad_output[f]

    def weight_sources(self, ky: int, kx: int) -> tuple[np.ndarray, np.ndarray]:
        """Padded rows (OH,) and columns (OW,) that tap (ky, kx) reads at each output row and column."""
        geo = self.geometry
        rows = np.arange(geo.out[0]) * geo.stride[0] + ky * geo.dilation[0]
        cols = np.arange(geo.out[1]) * geo.stride[1] + kx * geo.dilation[1]
        return rows, cols

    def window_cells(self, oy: int, ox: int) -> tuple[np.ndarray, np.ndarray]:
        """Padded rows (KH,) and columns (KW,) of window (oy, ox): where its g × kernel lands."""
        geo = self.geometry
        rows = oy * geo.stride[0] + np.arange(geo.kernel[0]) * geo.dilation[0]
        cols = ox * geo.stride[1] + np.arange(geo.kernel[1]) * geo.dilation[1]
        return rows, cols

    def running_after(self, c: int, y: int, x: int, f: int, oy: int, ox: int):
        """grad_padded[c, y, x] after window (oy, ox) of filter f has added its term, and whether a later
        window adds more (None if that window does not reach the cell)."""
        terms = self.contributions(c, y, x)
        for k, term in enumerate(terms):
            if (term.filter, term.oy, term.ox) == (f, oy, ox):
                return term.running, k < len(terms) - 1
        return None

    # -- the padding's gradients: dropped (zeros) or folded back (the other modes) ---------------
    def padding_copies(self) -> tuple[np.ndarray, np.ndarray]:
        """Which input row each padded row copies (Hp,) and which input column each padded column copies
        (Wp,); ``-1`` for zero padding (its gradient is dropped)."""
        top, bottom, left, right = self.geometry.pads
        h, w = self.geometry.input
        return (padding_sources(h, top, bottom, self.padding_mode),
                padding_sources(w, left, right, self.padding_mode))

    def grad_rows_folded(self) -> np.ndarray:
        """``grad_padded`` with only the padding rows folded back: (C_in, H, Wp), the first half of
        ``fold_padding`` (rows, then columns, as ``grad_input`` is made)."""
        top, bottom = self.geometry.pads[:2]
        return fold_padding(self.grad_padded, (top, bottom, 0, 0), self.padding_mode)

    # -- the scatter view of one input cell ---------------------------------------
    def contributions(self, c: int, y: int, x: int) -> list[InputContribution]:
        """Every term of ``grad_padded[c, y, x]`` (padded coordinates), in (filter, oy, ox) order.

        Empty for a cell no window reads; the last ``running`` equals
        ``grad_padded[c, y, x]``.
        """
        geo = self.geometry
        (sy, sx), (dy, dx) = geo.stride, geo.dilation
        local = c % self.channels_per_filter
        found = []
        for f in self.filters_of_channel(c):
            for ky in range(geo.kernel[0]):
                oy, ry = divmod(y - ky * dy, sy)
                if ry or not 0 <= oy < geo.out[0]:
                    continue
                for kx in range(geo.kernel[1]):
                    ox, rx = divmod(x - kx * dx, sx)
                    if rx or not 0 <= ox < geo.out[1]:
                        continue
                    found.append((f, oy, ox, ky, kx))
        found.sort()
        running = self.dtype.type(0)
        out = []
        for f, oy, ox, ky, kx in found:
            grad, weight = self.grad_output[f, oy, ox], self.weight[f, local, ky, kx]
            term = grad * weight
            running = running + term
            out.append(InputContribution(f, oy, ox, local, ky, kx, grad, weight, term, running))
        return out

    # -- the same numbers as convolutions -------------------------------------------
    def direct(self) -> TransposedAsDirect:
        """The zero-inserted (stride), padded gradient and the flipped kernel whose stride-1 convolution
        is ``grad_padded``.  The gradient is padded by d·(k−1) on each side, and by (Hp − d·(k−1) − 1) mod s
        more at the bottom (right): the rows (columns) no window reached, whose gradient is 0."""
        geo = self.geometry
        extra = tuple(size - reached for size, reached in zip(self.grad_padded.shape[1:], self.reached()))
        return transposed_as_direct(self.grad_output, self.weight, None, geo.stride, 0, extra, self.groups,
                                    geo.dilation)

    def reached(self) -> tuple[int, int]:
        """Padded rows and columns some window reads: (OH−1)·s + d·(K−1) + 1 on each axis."""
        geo = self.geometry
        return tuple((o - 1) * s + d * (k - 1) + 1
                     for o, s, d, k in zip(geo.out, geo.stride, geo.dilation, geo.kernel))

    def direct_trace(self, memory_budget: int | None = None) -> ConvTrace:
        """:func:`trace_conv2d` of :meth:`direct`: its output is ``grad_padded``, (C_in, Hp, Wp)."""
        d = self.direct()
        return trace_conv2d(d.input, d.weight, None, 1, 0, d.dilation, d.groups, memory_budget=memory_budget)

    def weight_correlation(self, c: int, memory_budget: int | None = None) -> ConvTrace:
        """Input channel ``c`` (padded) correlated with the gradient maps of the filters that read it.

        A :class:`ConvTrace` with one input channel and one "filter" per
        gradient map, stride = the layer's dilation, dilation = its stride:
        ``output[j, :KH, :KW]`` is ``grad_weight[filters_of_channel(c)[j], c']``
        (c' = c's index inside its group); a kernel that leaves rows or columns
        unread makes the output larger, the extra cells belong to no weight.
        """
        filters = self.filters_of_channel(c)
        maps = self.grad_output[filters.start:filters.stop, None]
        geo = self.geometry
        return trace_conv2d(self.padded[c][None], maps, None, geo.dilation, 0, geo.stride,
                            memory_budget=memory_budget)

    # -- block computation (eager and lazy share it) --------------------------
    def _weight_term_block(self, fs: np.ndarray, cs: np.ndarray, kys: np.ndarray) -> np.ndarray:
        cg = self.channels_per_filter
        kw = self.geometry.kernel[1]
        oh, ow = self.geometry.out
        out = np.empty((len(fs), len(cs), len(kys), kw, oh, ow), dtype=self.dtype)
        for i, f in enumerate(fs):
            channels = self.group_of(int(f)) * cg + cs
            values = self._windows[channels][:, :, :, kys]  # (c, OH, OW, ky, KW)
            np.multiply(values.transpose(0, 3, 4, 1, 2), self.grad_output[f], out=out[i])
        return out

    def _weight_running_block(self, fs: np.ndarray, cs: np.ndarray, kys: np.ndarray) -> np.ndarray:
        terms = self._weight_term_block(fs, cs, kys)
        return np.cumsum(terms.reshape(*terms.shape[:4], -1), axis=-1)

    def _input_term_block(self, fs: np.ndarray, oys: np.ndarray, oxs: np.ndarray) -> np.ndarray:
        g = self.grad_output[fs][:, oys][:, :, oxs]  # (f, a, b)
        return g[:, :, :, None, None, None] * self.weight[fs][:, None, None]


def trace_conv2d_backward(input: object, weight: object, grad_output: object, stride: object = 1,
                          padding: object = 0, dilation: object = 1, groups: int = 1, padding_mode: str = "zeros",
                          memory_budget: int | None = None) -> ConvGradTrace:
    """Trace the backward pass of a conv2d on one sample.

    ``input`` (C_in, H, W) or (1, C_in, H, W); ``weight`` (F, C_in/groups,
    KH, KW); ``grad_output`` the forward output's shape, (F, OH, OW) or
    (1, F, OH, OW).  Options as :func:`conv2d`; ``memory_budget`` as
    :func:`trace_conv2d`.  Integer arguments keep integer terms and sums.
    """
    layer = check_conv(input, weight, None, stride, padding, dilation, groups, padding_mode)
    if layer.x.shape[0] != 1:
        raise ValueError(f"trace_conv2d_backward traces one sample; input has batch size {layer.x.shape[0]} "
                         f"(shape {layer.x.shape}); pass input[i] and grad_output[i]")
    g = check_grad_output(grad_output, (1, layer.weight.shape[0], *layer.geometry.out), layer.squeeze, "conv2d")
    return ConvGradTrace(layer, g, config.TRACE_BUDGET if memory_budget is None else memory_budget)


@dataclass(frozen=True)
class PoolContribution:
    """One term of an input cell's pooling gradient: output (``oy``, ``ox``) passed ``term`` to the cell
    (its whole gradient ``grad`` for a max winner, ``grad`` ÷ ``divisor`` for avg); ``running`` after it."""

    oy: int
    ox: int
    grad: object
    divisor: float | None
    term: object
    running: object


class PoolGradTrace:
    """The backward pass of max or avg pooling on one sample.

    ``forward`` the :class:`PoolTrace`; ``grad_output`` (C, OH, OW);
    ``shares`` (C, OH, OW), what each output cell passes to each input cell
    it routes to (its gradient for max, gradient ÷ divisor for avg);
    ``grad_input`` (C, H, W).
    """

    def __init__(self, forward: PoolTrace, grad_output: np.ndarray, options: dict):
        self.forward = forward
        self.mode = forward.mode
        self.geometry = forward.geometry
        self.grad_output = grad_output
        if self.mode == "max":
            self.shares = grad_output
            self.grad_input = max_pool2d_backward(forward.input, grad_output, **options)
        else:
            dtype = np.result_type(grad_output.dtype, np.float64)
            self.shares = grad_output.astype(dtype) / forward.divisors
            self.grad_input = avg_pool2d_backward(forward.input, grad_output, **options)

    def contributions(self, c: int, h: int, w: int) -> list[PoolContribution]:
        """The output cells whose gradient reaches input cell (c, h, w), in row-major order, with the
        running sum (the last equals ``grad_input[c, h, w]``)."""
        geo = self.geometry
        t, _, l, _ = geo.pads
        out, running = [], 0
        for oy in range(geo.out[0]):
            for ox in range(geo.out[1]):
                if self.mode == "max":
                    reaches = self.forward.indices[c, oy, ox] == h * geo.input[1] + w
                    divisor = None
                else:
                    y0, x0 = geo.window_origin(oy, ox)
                    reaches = (y0 <= h + t < y0 + geo.kernel[0]) and (x0 <= w + l < x0 + geo.kernel[1])
                    divisor = float(self.forward.divisors[oy, ox])
                if reaches:
                    term = self.shares[c, oy, ox]
                    running = running + term
                    out.append(PoolContribution(oy, ox, self.grad_output[c, oy, ox], divisor, term, running))
        return out


def trace_pool2d_backward(input: object, grad_output: object, kernel_size: object, mode: str = "max",
                          stride: object = None, padding: object = 0, dilation: object = 1, ceil_mode: bool = False,
                          count_include_pad: bool = True, divisor_override: float | None = None) -> PoolGradTrace:
    """Trace the backward pass of max or avg pooling on one sample.

    ``input`` (C, H, W) or (1, C, H, W); ``grad_output`` the forward
    output's shape; options as :func:`trace_pool2d`.
    """
    forward = trace_pool2d(input, kernel_size, mode, stride, padding, dilation, ceil_mode, count_include_pad,
                           divisor_override)
    squeeze = np.ndim(input) == 3
    g = check_grad_output(grad_output, (1, *forward.output.shape), squeeze, f"{mode}_pool2d")[0]
    geo = forward.geometry
    options = dict(kernel_size=geo.kernel, stride=geo.stride, padding=(geo.pads[0], geo.pads[2]),
                   ceil_mode=ceil_mode)
    if mode == "max":
        options["dilation"] = geo.dilation
    else:
        options.update(count_include_pad=count_include_pad, divisor_override=divisor_override)
    return PoolGradTrace(forward, g, options)
