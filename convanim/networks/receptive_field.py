"""Receptive fields of a stack of conv and pooling layers: the closed forms, and the cells really reached.

Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill (2019), give for layer l with kernel k_l, stride s_l,
dilation d_l and padding p_l (before the first cell), with the dilated
kernel's extent k'_l = d_l(k_l − 1) + 1 and r_0 = 1, j_0 = 1, u_0 = 0:

    size   r_l = r_{l−1} + (k'_l − 1)·j_{l−1}
    jump   j_l = j_{l−1}·s_l                 (input cells between neighbouring units)
    start  u_l = u_{l−1} − p_l·j_{l−1}       (input index of the first unit's first cell)

so unit o of layer l sees input cells u_l + o·j_l up to u_l + o·j_l + r_l − 1.
:func:`receptive_field` gives these numbers for each stage.  They count
padding cells as if they were input; :func:`receptive_box` follows the
windows back instead and bounds the input cells a unit really reads:
zero padding is no input, so near the border the box is smaller and can
start later than ``u``, and with dilation the cells reached have holes
(the box bounds them).  Reflect, replicate and circular padding copy input
cells, so the cells they copy count.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..arguments import Pair, pair
from ..arithmetic.padding import conv_pads, padding_sources
from ..arithmetic.shapes import effective_kernel, output_size, padded_output_size
from .pipeline import AvgPool, Conv, Layer, MaxPool, ReLU


@dataclass(frozen=True)
class ReceptiveField:
    """One stage's receptive field, (rows, cols) each: ``size`` r, ``jump`` j and ``start`` u (see the
    module), the stage's output ``shape`` (H, W), its ``name`` ('input', 'conv 1', ...) and ``layer``."""

    name: str
    layer: Layer | None
    size: Pair
    jump: Pair
    start: Pair
    shape: Pair

    def cells(self, unit: Pair) -> tuple[range, range]:
        """The closed form's input rows and columns of ``unit`` (oy, ox), padding included (may reach
        below 0 or past the input)."""
        return tuple(range(u + o * j, u + o * j + r) for u, o, j, r in zip(self.start, unit, self.jump, self.size))


@dataclass(frozen=True)
class _Window:
    """A layer's window along both axes: kernel, stride, dilation, padding before/after, padding mode."""

    kernel: Pair
    stride: Pair
    dilation: Pair
    before: Pair
    after: Pair
    mode: str
    ceil_mode: bool

    def out(self, size: Pair) -> Pair:
        if self.ceil_mode:
            return tuple(output_size(i, k, s, b, d, True) for i, k, s, b, d in
                         zip(size, self.kernel, self.stride, self.before, self.dilation))
        return tuple(padded_output_size(i, k, s, b, a, d) for i, k, s, b, a, d in
                     zip(size, self.kernel, self.stride, self.before, self.after, self.dilation))


def _window(layer: Layer) -> _Window | None:
    """The window of a conv or pooling layer; None for ReLU (each value its own cell)."""
    if isinstance(layer, ReLU):
        return None
    if isinstance(layer, Conv):
        kernel = tuple(int(k) for k in np.shape(layer.weight)[2:])
        stride, dilation = pair("stride", layer.stride, 1), pair("dilation", layer.dilation, 1)
        top, bottom, left, right = conv_pads(layer.padding, kernel, stride, dilation)
        return _Window(kernel, stride, dilation, (top, left), (bottom, right), layer.padding_mode, False)
    if isinstance(layer, (MaxPool, AvgPool)):
        kernel = pair("kernel_size", layer.kernel_size, 1)
        stride = kernel if layer.stride is None else pair("stride", layer.stride, 1)
        dilation = pair("dilation", layer.dilation, 1) if isinstance(layer, MaxPool) else (1, 1)
        padding = pair("padding", layer.padding, 0)
        return _Window(kernel, stride, dilation, padding, padding, "zeros", layer.ceil_mode)
    raise ValueError(f"receptive fields are for maps: {type(layer).__name__} is not a conv, pooling or ReLU layer "
                     f"(every unit after Flatten sees the whole input)")


_KIND = {Conv: "conv", ReLU: "ReLU", MaxPool: "max pool", AvgPool: "avg pool"}


def _stages(layers: Sequence[Layer], input_size: object) -> list[tuple[str, Layer | None, _Window | None, Pair]]:
    """(name, layer, window, output size) of the input and each layer, checking that every window fits."""
    size = pair("input_size", input_size, 1)
    stages = [("input", None, None, size)]
    counts: dict[str, int] = {}
    for n, layer in enumerate(layers, 1):
        try:
            window = _window(layer)
        except ValueError as err:
            raise ValueError(f"layer {n} ({type(layer).__name__}): {err}") from None
        kind = _KIND[type(layer)]
        counts[kind] = counts.get(kind, 0) + 1
        if window is not None:
            out = window.out(size)
            if min(out) < 1:
                raise ValueError(f"layer {n} ({type(layer).__name__}) on maps of {size[0]}×{size[1]}: its window "
                                 f"(kernel {window.kernel}, dilation {window.dilation}) does not fit; output "
                                 f"{out[0]}×{out[1]}")
            size = out
        stages.append((f"{kind} {counts[kind]}", layer, window, size))
    return stages


def receptive_field(layers: Sequence[Layer], input_size: object) -> list[ReceptiveField]:
    """The closed-form receptive field of every stage of ``layers`` on an input of ``input_size`` (H, W)
    (an int for a square): the input first (size 1, jump 1, start 0), then one entry per layer.

    ``layers`` are :func:`convanim.run_pipeline` layers (Conv, ReLU, MaxPool,
    AvgPool); Flatten and Linear raise ValueError, as does a window that
    does not fit the maps reaching it.
    """
    fields = []
    size, jump, start = (1, 1), (1, 1), (0, 0)
    for name, layer, window, shape in _stages(layers, input_size):
        if window is not None:
            size = tuple(r + (effective_kernel(k, d) - 1) * j
                         for r, k, d, j in zip(size, window.kernel, window.dilation, jump))
            start = tuple(u - b * j for u, b, j in zip(start, window.before, jump))
            jump = tuple(j * s for j, s in zip(jump, window.stride))
        fields.append(ReceptiveField(name, layer, size, jump, start, shape))
    return fields


def receptive_field_formula(previous: ReceptiveField, current: ReceptiveField) -> str:
    """The closed forms for ``current`` from the stage before it, rows axis, with the numbers put in:
    ``'r = 6 + (5 − 1)·2 = 14;  j = 2·1 = 2;  u = 0 − 0·2 = 0'`` (kernel 5, stride 1, padding 0, and
    r = 6, j = 2, u = 0 before).  A ReLU's stage keeps the numbers: ``'r = 6;  j = 2;  u = 0'``."""
    r0, j0, u0 = previous.size[0], previous.jump[0], previous.start[0]
    r, j, u = current.size[0], current.jump[0], current.start[0]
    window = None if current.layer is None else _window(current.layer)
    if window is None:
        return f"r = {r};  j = {j};  u = {u}".replace("-", "−")
    k, d, s, p = window.kernel[0], window.dilation[0], window.stride[0], window.before[0]
    extent = f"({k} − 1)" if d == 1 else f"{d}·({k} − 1)"
    text = f"r = {r0} + {extent}·{j0} = {r};  j = {j0}·{s} = {j};  u = {u0} − {p}·{j0} = {u}"
    return text.replace("-", "−")


def receptive_box(layers: Sequence[Layer], input_size: object, unit: object) -> tuple[range, range]:
    """Half-open ``(rows, cols)`` bounding the input cells that ``unit`` = (oy, ox) of the last stage reads.

    Follows each window back stage by stage: a window's padding cells are
    no input (zero padding) or copies of input cells (reflect, replicate,
    circular), so the box can be smaller than the closed form near a border;
    with dilation it bounds cells that have holes between them.  A unit whose
    windows read only zero padding reads no input: empty ranges.
    """
    stages = _stages(layers, input_size)
    out = stages[-1][3]
    oy, ox = pair("unit", unit, 0)
    if oy >= out[0] or ox >= out[1]:
        raise ValueError(f"unit ({oy}, {ox}) is outside the last stage's {out[0]}×{out[1]} maps")
    reached = [np.array([oy]), np.array([ox])]
    for (_, _, window, _), (_, _, _, size) in zip(reversed(stages[1:]), reversed(stages[:-1])):
        if window is None:
            continue
        for axis in range(2):
            taps = np.arange(window.kernel[axis]) * window.dilation[axis]
            padded = (reached[axis][:, None] * window.stride[axis] + taps[None, :]).ravel()
            sources = padding_sources(size[axis], window.before[axis], window.after[axis], window.mode)
            padded = padded[padded < len(sources)]  # a ceil_mode window may run past the padding
            cells = sources[padded]
            reached[axis] = np.unique(cells[cells >= 0])
    if not (reached[0].size and reached[1].size):
        return range(0, 0), range(0, 0)
    return tuple(range(int(r.min()), int(r.max()) + 1) for r in reached)
