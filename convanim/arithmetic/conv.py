"""conv2d with PyTorch's semantics (cross-correlation, NCHW, groups, dilation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .. import config
from ..arguments import as_image_batch, as_numeric_array, as_weight, positive_int, result_dtype
from .geometry import WindowGeometry, sliding_geometry
from .padding import check_padding_mode, pad_input
from .windows import window_view

#: Kernels with at least this many taps use the FFT path (float, stride 1).
FFT_MIN_TAPS = 49


@dataclass(frozen=True)
class ConvLayer:
    """Checked arguments of one conv2d call.

    ``x`` (N, C_in, H, W); ``weight`` (C_out, C_in/groups, KH, KW); ``bias``
    (C_out,) or None; ``squeeze`` tells that the caller passed a 3-d input.
    """

    x: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None
    geometry: WindowGeometry
    groups: int
    padding_mode: str
    squeeze: bool

    @property
    def dtype(self) -> np.dtype:
        return result_dtype(self.x, self.weight, self.bias)

    def padded_input(self) -> np.ndarray:
        """The input after padding, (N, C_in, Hp, Wp), in the result dtype."""
        return pad_input(self.x.astype(self.dtype, copy=False), self.geometry.pads, self.padding_mode)


def check_conv(x: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
               dilation: object = 1, groups: object = 1, padding_mode: str = "zeros") -> ConvLayer:
    """Validate conv2d arguments; every error names the argument, shapes and rule."""
    x4, squeeze = as_image_batch("input", x)
    w = as_weight("weight", weight, "(C_out, C_in/groups, KH, KW)")
    groups, b = check_channels(x4, w, bias, groups)
    geometry = sliding_geometry(x4.shape[2:], w.shape[2:], stride, padding, dilation)
    check_padding_mode(padding_mode, geometry.pads, x4.shape[2:])
    config.check_allocation("conv2d output", (x4.shape[0], w.shape[0], *geometry.out), result_dtype(x4, w, b).itemsize)
    return ConvLayer(x4, w, b, geometry, groups, padding_mode, squeeze)


def check_channels(x: np.ndarray, w: np.ndarray, bias: object, groups: object) -> tuple[int, np.ndarray | None]:
    """``groups`` and the bias checked against an input (N, C_in, ...) and a weight (C_out, C_in/groups, ...) of
    any number of spatial axes; returns ``(groups, bias array or None)``."""
    groups = positive_int("groups", groups)
    c_in, c_out = x.shape[1], w.shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide both the input channels ({c_in}, input shape "
                         f"{x.shape}) and the output channels ({c_out}, weight shape {w.shape})")
    if w.shape[1] * groups != c_in:
        raise ValueError(f"input has {c_in} channels (shape {x.shape}) but weight {w.shape} with "
                         f"groups={groups} expects weight.shape[1] * groups = {w.shape[1] * groups}")
    b = None
    if bias is not None:
        b = as_numeric_array("bias", bias)
        if b.shape != (c_out,):
            raise ValueError(f"bias must have shape (C_out,) = ({c_out},) for weight {w.shape}; got {b.shape}")
    return groups, b


def conv2d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
           dilation: object = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """2-D cross-correlation as ``torch.nn.functional.conv2d`` (plus ``padding_mode``).

    Shapes: ``input`` (N, C_in, H, W) or (C_in, H, W); ``weight`` (C_out,
    C_in/groups, KH, KW); ``bias`` (C_out,); result (N, C_out, OH, OW) or
    (C_out, OH, OW) with ``OH = floor((H + 2p - d(KH-1) - 1)/s) + 1``.
    ``padding`` is an int, a pair, ``'valid'`` or ``'same'`` (stride 1 only;
    an even kernel pads one more cell at the bottom/right), or four whole
    numbers ``(top, bottom, left, right)`` for uneven pads (as ONNX models
    carry them; torch would need ``F.pad`` first).
    ``padding_mode`` ``'zeros' | 'reflect' | 'replicate' | 'circular'`` pads
    first and then convolves, as ``torch.nn.Conv2d`` does.
    Integer inputs give exact integer results; NaN and inf propagate as in
    IEEE arithmetic (a NaN anywhere in a window makes that output NaN).
    """
    layer = check_conv(input, weight, bias, stride, padding, dilation, groups, padding_mode)
    out = convolve(layer)
    return out[0] if layer.squeeze else out


def convolve(layer: ConvLayer) -> np.ndarray:
    """Compute a checked conv layer; (N, C_out, OH, OW)."""
    g = layer.geometry
    dtype = layer.dtype
    xp = layer.padded_input()
    w = layer.weight.astype(dtype, copy=False)
    n, c_out = xp.shape[0], w.shape[0]
    og, cg = c_out // layer.groups, w.shape[1]
    use_fft = (np.issubdtype(dtype, np.floating) and g.stride == (1, 1)
               and g.kernel[0] * g.kernel[1] >= FFT_MIN_TAPS)
    correlate = _correlate_fft if use_fft else _correlate_flat if g.stride == (1, 1) else _correlate_strided
    if layer.groups == 1:  # the result as computed: copying 13 MB into a fresh array cost more than the conv
        out = correlate(xp, w, g)
    else:
        out = np.empty((n, c_out, *g.out), dtype=dtype)
        for k in range(layer.groups):
            out[:, k * og:(k + 1) * og] = correlate(xp[:, k * cg:(k + 1) * cg], w[k * og:(k + 1) * og], g)
    if layer.bias is not None:
        out += layer.bias.astype(dtype, copy=False)[None, :, None, None]
    return out


def _chunk_length(rows: int, itemsize: int) -> int:
    """Columns of an im2col chunk with ``rows`` rows.

    Short columns (few channels x taps) make the product memory-bound: keep
    the chunk small enough to stay in a core's cache.  Long columns make it
    compute-bound: give BLAS wide blocks, within ``config.CHUNK_BYTES``.
    """
    if rows < 128:
        return 4096
    return int(min(max(config.CHUNK_BYTES // (rows * itemsize), 4096), 16384))


def strided_columns(xp: np.ndarray, g: WindowGeometry) -> Iterator[tuple[int, slice, np.ndarray]]:
    """Im2col of any stride in chunks of output rows.

    Yields ``(i, rows, cols)``: sample ``i``, output rows ``rows`` (a slice)
    and ``cols`` (C*KH*KW, len(rows)*OW), one column per output cell of
    those rows, its entries in (c, ky, kx) order, as ``weight.reshape(F, -1)``.
    """
    n, c = xp.shape[:2]
    (kh, kw), (oh, ow) = g.kernel, g.out
    windows = window_view(xp, g.kernel, g.stride, g.dilation, g.out)  # (N, C, OH, OW, KH, KW)
    rows_per_chunk = max(_chunk_length(c * kh * kw, xp.dtype.itemsize) // ow, 1)
    for i in range(n):
        for r0 in range(0, oh, rows_per_chunk):
            r1 = min(r0 + rows_per_chunk, oh)
            yield i, slice(r0, r1), windows[i, :, r0:r1].transpose(0, 3, 4, 1, 2).reshape(c * kh * kw, -1)


def flat_columns(xp: np.ndarray, g: WindowGeometry) -> Iterator[tuple[int, slice, np.ndarray]]:
    """Stride-1 im2col in chunks, where each kernel tap is a shifted contiguous slice.

    On the flattened padded plane, tap (ky, kx) of position j reads element
    ``j + ky*dy*Wp + kx*dx``.  Positions run over the full padded width
    (OH*Wp of them): the last ``Wp - OW`` of each row are not outputs, and
    callers drop them (forward) or give them zero weight (backward).  Yields
    ``(i, positions, cols)`` with ``cols`` (C*KH*KW, len(positions)); the
    buffer is reused between chunks.
    """
    n, c, hp, wp = xp.shape
    (kh, kw), oh = g.kernel, g.out[0]
    taps, span = kh * kw, oh * wp
    flat = np.zeros((n, c, hp * wp + (kw - 1) * g.dilation[1]), dtype=xp.dtype)
    flat[:, :, :hp * wp] = xp.reshape(n, c, -1)
    starts = [ky * g.dilation[0] * wp + kx * g.dilation[1] for ky in range(kh) for kx in range(kw)]
    chunk = _chunk_length(c * taps, xp.dtype.itemsize)
    buffer = np.empty((c, taps, min(chunk, span)), dtype=xp.dtype)
    for i in range(n):
        for j0 in range(0, span, chunk):
            j1 = min(j0 + chunk, span)
            cols = buffer[:, :, :j1 - j0]
            for t, start in enumerate(starts):
                cols[:, t] = flat[i, :, start + j0:start + j1]
            yield i, slice(j0, j1), cols.reshape(c * taps, -1)


def _correlate_strided(xp: np.ndarray, w: np.ndarray, g: WindowGeometry) -> np.ndarray:
    """Any stride: copy rows of windows into an im2col chunk, one matmul per chunk."""
    (oh, ow), f = g.out, w.shape[0]
    w2 = w.reshape(f, -1)
    out = np.empty((xp.shape[0], f, oh, ow), dtype=xp.dtype)
    for i, rows, cols in strided_columns(xp, g):
        out[i, :, rows] = np.matmul(w2, cols).reshape(f, -1, ow)
    return out


def _correlate_flat(xp: np.ndarray, w: np.ndarray, g: WindowGeometry) -> np.ndarray:
    """Stride 1: one matmul per chunk of :func:`flat_columns`; the columns past OW of each row are dropped."""
    (oh, ow), f, wp = g.out, w.shape[0], xp.shape[3]
    w2 = w.reshape(f, -1)
    out = np.empty((xp.shape[0], f, oh * wp), dtype=xp.dtype)
    for i, positions, cols in flat_columns(xp, g):
        np.matmul(w2, cols, out=out[i, :, positions])
    return out.reshape(xp.shape[0], f, oh, wp)[:, :, :, :ow]


def _correlate_fft(xp: np.ndarray, w: np.ndarray, g: WindowGeometry) -> np.ndarray:
    """Stride-1 correlation through numpy.fft, for large kernels (floats only)."""
    n, c, hp, wp = xp.shape
    (kh, kw), (dy, dx) = g.kernel, g.dilation
    eh, ew = dy * (kh - 1) + 1, dx * (kw - 1) + 1
    size = (_fast_length(hp), _fast_length(wp))
    flipped = np.zeros((w.shape[0], c, eh, ew), dtype=w.dtype)
    flipped[:, :, ::dy, ::dx] = w
    flipped = flipped[:, :, ::-1, ::-1]
    # rfft2 in two passes: the row pass only touches the kernel's few rows; the column pass is a matrix
    # product with the DFT's first eh columns (the rest meet zeros), which BLAS does faster than an FFT of
    # every column (the kernel's transform was half the time of a 10×10 photo filter).
    rows_f = np.fft.rfft(flipped, n=size[1], axis=-1)  # (F, C, eh, W/2 + 1)
    kernel_f = np.matmul(_dft_columns(size[0], eh, rows_f.dtype), rows_f)
    out = np.empty((n, w.shape[0], *g.out), dtype=xp.dtype)
    for i in range(n):  # one sample at a time bounds the complex temporaries
        x_f = np.fft.rfft2(xp[i], s=size)
        y_f = np.einsum("chw,ochw->ohw", x_f, kernel_f)
        full = np.fft.irfft2(y_f, s=size)
        out[i] = full[:, eh - 1:eh - 1 + g.out[0], ew - 1:ew - 1 + g.out[1]]
    return out


def _dft_columns(n: int, rows: int, dtype: np.dtype) -> np.ndarray:
    """The first ``rows`` columns of the n-point DFT matrix, exp(−2πi·f·r/n), (n, rows); the angle is
    reduced modulo n in integers first, so that large f·r lose no precision."""
    f, r = np.arange(n)[:, None], np.arange(rows)[None, :]
    return np.exp(-2j * np.pi * ((f * r) % n) / n).astype(dtype, copy=False)


def _fast_length(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n (sizes pocketfft handles fastest)."""
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35
            while m < n:
                m *= 2
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best
