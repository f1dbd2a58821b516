"""Padding: how much (``'same'``, ``'valid'``, ints) and with what (zeros, reflect, ...)."""
from __future__ import annotations

import numpy as np

from ..arguments import Pair, choice, pair, whole_numbers

# (top, bottom, left, right), the order a picture is read in.
Pads = tuple[int, int, int, int]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def conv_pads(padding: object, kernel: Pair, stride: Pair, dilation: Pair) -> Pads:
    """Normalise a conv ``padding`` argument to ``(top, bottom, left, right)``.

    ``'valid'`` is no padding.  ``'same'`` needs stride 1 and pads ``d(k-1)`` in
    all per axis, ``total // 2`` on the top/left and the rest on the
    bottom/right (PyTorch's rule, so even kernels pad one more at the end).
    An int or a pair pads both sides of an axis alike, as PyTorch does; four
    whole numbers are ``(top, bottom, left, right)`` as they are, for the
    uneven pads an ONNX model may carry.
    """
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        if not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) and p >= 0 for p in padding):
            raise ValueError(f"padding (top, bottom, left, right) must be four whole numbers of 0 or more; "
                             f"got {tuple(padding)!r}")
        return tuple(int(p) for p in padding)  # type: ignore[return-value]
    if isinstance(padding, str):
        (top, bottom), (left, right) = axis_pads(padding, kernel, stride, dilation)
        return (top, bottom, left, right)
    ph, pw = pair("padding", padding, 0)
    return (ph, ph, pw, pw)


def axis_pads(padding: object, kernel: tuple[int, ...], stride: tuple[int, ...],
              dilation: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` for each spatial axis of a conv with ``len(kernel)`` of them (1, 2 or 3).

    ``'valid'`` is no padding; ``'same'`` needs stride 1 and pads ``d(k−1)`` in all per axis, ``total // 2``
    before and the rest after (PyTorch's rule); an int or one int per axis pads both sides alike.
    """
    n = len(kernel)
    if isinstance(padding, str):
        choice("padding", padding, ("valid", "same"))
        if padding == "valid":
            return ((0, 0),) * n
        if any(s != 1 for s in stride):
            raise ValueError(f"padding='same' needs stride 1 on {'every axis' if n > 2 else 'both axes' if n == 2 else 'its axis'}; "
                             f"got stride={stride if n > 1 else stride[0]}")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in whole_numbers("padding", padding, 0, n))


def pad_axes(x: np.ndarray, pads: tuple[tuple[int, int], ...], mode: str = "zeros", value: float = 0) -> np.ndarray:
    """Pad the last ``len(pads)`` axes of ``x`` by ``(before, after)`` each, as :func:`pad_input` does the last two
    (``mode`` and PyTorch's limits alike, checked by :func:`check_axis_padding`)."""
    widths = [(0, 0)] * (x.ndim - len(pads)) + list(pads)
    if not any(b or a for b, a in pads):
        return x
    if mode == "zeros":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=_NUMPY_MODE[mode])


def check_axis_padding(mode: str, pads: tuple[tuple[int, int], ...], sizes: tuple[int, ...]) -> None:
    """:func:`check_padding_mode` for any number of axes: reflect pads < the axis, circular pads <= it."""
    choice("padding_mode", mode, PADDING_MODES)
    for axis, ((before, after), size) in enumerate(zip(pads, sizes)):
        if mode == "reflect" and max(before, after) >= size:
            raise ValueError(f"padding_mode='reflect' needs padding smaller than the input on each axis; got "
                             f"padding {max(before, after)} on an axis of length {size} (input sizes {tuple(sizes)})")
        if mode == "circular" and max(before, after) > size:
            raise ValueError(f"padding_mode='circular' needs padding at most the input size on each axis; got "
                             f"padding {max(before, after)} on an axis of length {size} (input sizes {tuple(sizes)})")


def pad_input(x: np.ndarray, pads: Pads, mode: str = "zeros", value: float = 0) -> np.ndarray:
    """Pad the last two axes of ``x`` (…, H, W) by ``pads`` = (top, bottom, left, right).

    ``mode`` is one of ``'zeros'`` (``value`` in the new cells), ``'reflect'``
    (mirror without repeating the edge), ``'replicate'`` (repeat the edge) or
    ``'circular'`` (wrap around), with PyTorch's limits: reflect padding must
    be smaller than the input size, circular padding at most the input size.
    """
    check_padding_mode(mode, pads, x.shape[-2:])
    top, bottom, left, right = pads
    if pads == (0, 0, 0, 0):
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    if mode == "zeros":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=_NUMPY_MODE[mode])


def check_padding_mode(mode: str, pads: Pads, hw: tuple[int, ...]) -> None:
    """Check ``mode`` and PyTorch's limits: reflect pads < input size, circular pads <= it."""
    choice("padding_mode", mode, PADDING_MODES)
    top, bottom, left, right = pads
    h, w = hw
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(
            f"padding_mode='reflect' needs padding smaller than the input on each axis; "
            f"got pads (top, bottom, left, right)={pads} for input H×W={h}×{w}")
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ValueError(
            f"padding_mode='circular' needs padding at most the input size on each axis; "
            f"got pads (top, bottom, left, right)={pads} for input H×W={h}×{w}")


def padding_mask(shape: Pair, pads: Pads) -> np.ndarray:
    """Boolean (H + top + bottom, W + left + right) array, True on padding cells."""
    top, bottom, left, right = pads
    mask = np.ones((shape[0] + top + bottom, shape[1] + left + right), dtype=bool)
    mask[top:top + shape[0], left:left + shape[1]] = False
    return mask


def padding_sources(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input index each padded index copies, along one axis: (before + size + after,) ints.

    ``-1`` marks a zero-padding cell (it copies nothing).  Reflect, replicate
    and circular padding copy input cells, so their gradients belong to those cells.
    """
    index = np.arange(size)
    if mode == "zeros":
        return np.pad(index, (before, after), mode="constant", constant_values=-1)
    return np.pad(index, (before, after), mode=_NUMPY_MODE[mode])


def fold_padding(grad_padded: np.ndarray, pads: Pads, mode: str) -> np.ndarray:
    """The gradient of the unpadded input from that of the padded one: (…, Hp, Wp) -> (…, H, W).

    Each padded cell's gradient goes to the input cell it copies (summed
    where several copy one cell, as autograd does); zero padding's is dropped.
    """
    top, bottom, left, right = pads
    h = grad_padded.shape[-2] - top - bottom
    w = grad_padded.shape[-1] - left - right
    rows = _fold_axis(grad_padded, padding_sources(h, top, bottom, mode), -2, top, h)
    return _fold_axis(rows, padding_sources(w, left, right, mode), -1, left, w)


def _fold_axis(a: np.ndarray, sources: np.ndarray, axis: int, before: int, size: int) -> np.ndarray:
    """The inner ``size`` cells of ``axis``, plus what the padding cells before and after copied."""
    moved = np.moveaxis(a, axis, 0)
    out = moved[before:before + size].copy()
    outside = np.r_[0:before, before + size:len(sources)]
    copied = sources[outside] >= 0
    if copied.any():
        np.add.at(out, sources[outside][copied], moved[outside[copied]])
    return np.moveaxis(out, 0, axis)
