"""im2col and col2im (Saito, *Deep Learning from Scratch*, chapter 7).

``im2col`` lays every window out as one row, so that a convolution becomes
one matrix product: ``im2col(x) @ weight.reshape(C_out, -1).T``.  The
matrix can be filled two ways with identical results: ``method='kernel'``
copies KH·KW strided slices of the whole output grid (the book's way, few
Python steps), ``method='window'`` copies OH·OW windows one by one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..arguments import as_image_batch, as_numeric_array, choice
from .conv import check_conv
from .geometry import WindowGeometry, sliding_geometry
from .padding import pad_input
from .windows import kernel_slice


def _padded_for_im2col(input: object, kernel_size: object, stride: object, padding: object, dilation: object,
                       method: str, what: str, itemsize: int | None):
    """Check im2col's arguments and the matrix size; return the 4-d input, the geometry and the padded input."""
    choice("method", method, ("kernel", "window"))
    x4, _ = as_image_batch("input", input)
    g = sliding_geometry(x4.shape[2:], kernel_size, stride, padding, dilation)
    rows = x4.shape[0] * g.out[0] * g.out[1]
    cols = x4.shape[1] * g.kernel[0] * g.kernel[1]
    config.check_allocation(what, (rows, cols), x4.dtype.itemsize if itemsize is None else itemsize)
    return x4, g, pad_input(x4, g.pads)


def im2col(input: object, kernel_size: object, stride: object = 1, padding: object = 0,
           dilation: object = 1, method: str = "kernel") -> np.ndarray:
    """Unroll windows into rows: (N, C, H, W) -> (N·OH·OW, C·KH·KW).

    Row ``(n*OH + oy)*OW + ox`` holds window (oy, ox) of sample n, ordered
    channel-major then kernel row then kernel column (``weight.reshape(C_out,
    -1)`` uses the same order).  ``padding`` as conv2d (int, pair, 'valid',
    'same'); zeros are padded.  ``method`` ``'kernel'`` or ``'window'``.
    """
    x4, g, xp = _padded_for_im2col(input, kernel_size, stride, padding, dilation, method, "im2col",
                                   itemsize=None)
    n, c = x4.shape[:2]
    kh, kw = g.kernel
    oh, ow = g.out
    if method == "kernel":
        cols = np.empty((n, c, kh, kw, oh, ow), dtype=x4.dtype)
        for ky in range(kh):
            for kx in range(kw):
                cols[:, :, ky, kx] = xp[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))]
        return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, c * kh * kw)
    cols = np.empty((n, oh, ow, c, kh, kw), dtype=x4.dtype)
    for oy in range(oh):
        for ox in range(ow):
            y, x = g.window_origin(oy, ox)
            cols[:, oy, ox] = xp[:, :, y:y + g.dilation[0] * (kh - 1) + 1:g.dilation[0],
                                 x:x + g.dilation[1] * (kw - 1) + 1:g.dilation[1]]
    return cols.reshape(n * oh * ow, c * kh * kw)


def col2im(cols: object, input_shape: tuple[int, ...], kernel_size: object, stride: object = 1,
           padding: object = 0, dilation: object = 1) -> np.ndarray:
    """Fold rows back into an image, summing where windows overlap (the adjoint of im2col).

    ``cols`` (N·OH·OW, C·KH·KW) -> array of ``input_shape`` (N, C, H, W) or
    (C, H, W); padding cells are dropped.
    """
    shape = tuple(input_shape)
    if len(shape) not in (3, 4) or not all(isinstance(v, (int, np.integer)) and v > 0 for v in shape):
        raise ValueError(f"input_shape must be (N, C, H, W) or (C, H, W) of positive ints; got {input_shape!r}")
    n, c, h, w = shape if len(shape) == 4 else (1, *shape)
    g = sliding_geometry((h, w), kernel_size, stride, padding, dilation)
    kh, kw = g.kernel
    oh, ow = g.out
    m = as_numeric_array("cols", cols)
    if m.shape != (n * oh * ow, c * kh * kw):
        raise ValueError(f"cols must have shape (N·OH·OW, C·KH·KW) = ({n * oh * ow}, {c * kh * kw}) for "
                         f"input_shape {shape} and kernel {g.kernel}; got {m.shape}")
    blocks = m.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    hp, wp = g.padded
    image = np.zeros((n, c, hp, wp), dtype=m.dtype)
    for ky in range(kh):
        for kx in range(kw):
            image[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))] += blocks[:, :, ky, kx]
    t, _, l, _ = g.pads
    image = image[:, :, t:t + h, l:l + w]
    return image if len(shape) == 4 else image[0]



@dataclass(frozen=True)
class FillStep:
    """One pass of an im2col loop and the matrix entries it writes.

    ``method`` ``'kernel'``: ``counter`` is (ky, kx) and the step copies one
    strided slice of the padded input (every window's tap (ky, kx), all
    channels) into the matrix columns ``c·KH·KW + ky·KW + kx``.
    ``method`` ``'window'``: ``counter`` is (oy, ox) and the step copies one
    window into the rows ``(n·OH + oy)·OW + ox``.  ``rows``, ``cols`` and
    ``values`` are flat arrays of equal length: ``matrix[rows, cols] = values``;
    ``source`` (sample, channel, y, x) says where each value sits in the
    *padded* input (a tuple of four flat int arrays of the same length).
    """

    method: str
    counter: tuple[int, int]
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    source: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def im2col_steps(input: object, kernel_size: object, stride: object = 1, padding: object = 0,
                 dilation: object = 1, method: str = "kernel") -> list[FillStep]:
    """The loop of :func:`im2col` one pass at a time (for scenes and teaching).

    ``'kernel'`` gives KH·KW steps, ``'window'`` OH·OW steps; applying all of
    either list to an empty (N·OH·OW, C·KH·KW) matrix gives ``im2col(...)``.
    Each step reads the padded input directly (strided slice or window), so
    the two lists are two independent computations of the same matrix.
    """
    # Each entry keeps its value and four source coordinates: about 5 numbers per matrix entry.
    x4, g, xp = _padded_for_im2col(input, kernel_size, stride, padding, dilation, method, "im2col_steps",
                                   itemsize=5 * 8)
    n, c = x4.shape[:2]
    kh, kw = g.kernel
    oh, ow = g.out
    # Where each padded value sits: sliced exactly like the values themselves.
    where = np.indices(xp.shape)
    # Matrix row of (n, oy, ox) and column of (c, ky, kx), as in im2col's docstring.
    row_of = np.arange(n * oh * ow).reshape(n, oh, ow)
    col_of = np.arange(c * kh * kw).reshape(c, kh, kw)
    steps = []
    if method == "kernel":
        for ky in range(kh):
            for kx in range(kw):
                taps = (..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))
                block = xp[taps]  # (N, C, OH, OW)
                rows = np.broadcast_to(row_of[:, None], block.shape)
                cols = np.broadcast_to(col_of[None, :, ky, kx, None, None], block.shape)
                source = tuple(axis[taps].ravel() for axis in where)
                steps.append(FillStep(method, (ky, kx), rows.ravel(), cols.ravel(), block.ravel(), source))
        return steps
    dy, dx = g.dilation
    for oy in range(oh):
        for ox in range(ow):
            y, x = g.window_origin(oy, ox)
            taps = (slice(None), slice(None), slice(y, y + dy * (kh - 1) + 1, dy), slice(x, x + dx * (kw - 1) + 1, dx))
            window = xp[taps]  # (N, C, KH, KW)
            rows = np.broadcast_to(row_of[:, oy, ox, None, None, None], window.shape)
            cols = np.broadcast_to(col_of[None], window.shape)
            source = tuple(axis[taps].ravel() for axis in where)
            steps.append(FillStep(method, (oy, ox), rows.ravel(), cols.ravel(), window.ravel(), source))
    return steps


@dataclass(frozen=True)
class Im2ColProduct:
    """A convolution as one matrix product, every matrix kept.

    ``cols`` (N·OH·OW, C·KH·KW) from :func:`im2col`; ``weight_matrix``
    (C·KH·KW, F), each filter flattened into a column; ``product`` =
    ``cols @ weight_matrix`` (N·OH·OW, F); ``bias`` (F,) (zeros without
    one); ``output_matrix`` = product + bias; ``output`` (N, F, OH, OW), the
    output matrix folded back into maps (equal to conv2d).
    """

    cols: np.ndarray
    weight_matrix: np.ndarray
    product: np.ndarray
    bias: np.ndarray
    output_matrix: np.ndarray
    output: np.ndarray
    geometry: WindowGeometry
    has_bias: bool


def im2col_conv2d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
                  dilation: object = 1) -> Im2ColProduct:
    """conv2d computed as im2col, one matrix product and a fold; returns every matrix.

    Shapes as :func:`convanim.conv2d` (groups=1, zero padding).  A 3-d input
    (C, H, W) counts as N = 1; ``output`` is then (F, OH, OW).
    """
    layer = check_conv(input, weight, bias, stride, padding, dilation)
    g = layer.geometry
    dtype = layer.dtype
    f = layer.weight.shape[0]
    n = layer.x.shape[0]
    cols = im2col(layer.x.astype(dtype, copy=False), g.kernel, g.stride, padding, g.dilation)
    weight_matrix = layer.weight.astype(dtype, copy=False).reshape(f, -1).T
    product = cols @ weight_matrix
    b = np.zeros(f, dtype=dtype) if layer.bias is None else layer.bias.astype(dtype, copy=False)
    output_matrix = product + b
    output = output_matrix.reshape(n, *g.out, f).transpose(0, 3, 1, 2)
    if layer.squeeze:
        output = output[0]
    return Im2ColProduct(cols, weight_matrix, product, b, output_matrix, np.ascontiguousarray(output), g,
                         layer.bias is not None)


@dataclass(frozen=True)
class Col2ImGradient:
    """A convolution's backward pass the book's way (Saito, ch. 7), every matrix kept.

    ``cols`` (N·OH·OW, K) and ``weight_matrix`` (K, F) as :class:`Im2ColProduct`,
    K = C·KH·KW; ``grad_matrix`` (N·OH·OW, F): dL/dy with one row per window
    (``dout``); ``grad_cols`` = ``grad_matrix @ weight_matrix.T`` (N·OH·OW, K):
    what each window's entries are worth to the loss; ``grad_input`` =
    ``col2im(grad_cols)`` (the input's shape): the entries added back where
    they were read, overlaps summing, padding dropped; ``grad_weight`` =
    ``cols.T @ grad_matrix`` reshaped to (F, C, KH, KW); ``grad_bias`` (F,),
    the column sums of ``grad_matrix``.  ``targets`` (OH·OW, K, 3): the padded
    (channel, row, column) entry k of window row r came from (sample 0).
    """

    cols: np.ndarray
    weight_matrix: np.ndarray
    grad_matrix: np.ndarray
    grad_cols: np.ndarray
    grad_input: np.ndarray
    grad_weight: np.ndarray
    grad_bias: np.ndarray
    targets: np.ndarray
    geometry: WindowGeometry

    def padded_after(self, rows: int) -> np.ndarray:
        """The padded input gradient of sample 0 once window rows 0..rows−1 of ``grad_cols`` are added back:
        (C, Hp, Wp); ``padded_after(OH·OW)`` cropped by the padding is ``grad_input``."""
        c = self.targets[..., 0].max() + 1
        image = np.zeros((c, *self.geometry.padded), dtype=self.grad_cols.dtype)
        t = self.targets[:rows].reshape(-1, 3)
        np.add.at(image, (t[:, 0], t[:, 1], t[:, 2]), self.grad_cols[:rows].ravel())
        return image


def im2col_conv2d_backward(input: object, weight: object, grad_output: object, stride: object = 1,
                           padding: object = 0, dilation: object = 1) -> Col2ImGradient:
    """The gradients of :func:`im2col_conv2d` the book's way: ``dcols = dout @ W_colᵀ``, ``dx =
    col2im(dcols)``, ``dW = colsᵀ @ dout``, ``db = Σ dout``.

    Shapes as :func:`conv2d_backward` (groups=1, zero padding); equal to it
    (and to torch.autograd).
    """
    from .backward import check_grad_output  # (backward imports the forward modules; keep the import one-way)

    layer = check_conv(input, weight, None, stride, padding, dilation)
    g4 = check_grad_output(grad_output, (layer.x.shape[0], layer.weight.shape[0], *layer.geometry.out),
                           layer.squeeze, "conv2d")
    forward = im2col_conv2d(input, weight, None, stride, padding, dilation)
    geo = forward.geometry
    dtype = np.result_type(forward.cols.dtype, g4.dtype)
    f = layer.weight.shape[0]
    grad_matrix = g4.astype(dtype, copy=False).transpose(0, 2, 3, 1).reshape(-1, f)
    weight_matrix = forward.weight_matrix.astype(dtype, copy=False)
    cols = forward.cols.astype(dtype, copy=False)
    grad_cols = grad_matrix @ weight_matrix.T
    grad_input = col2im(grad_cols, layer.x.shape if not layer.squeeze else layer.x.shape[1:], geo.kernel,
                        geo.stride, padding, geo.dilation)
    grad_weight = (cols.T @ grad_matrix).T.reshape(layer.weight.shape)
    oh, ow = geo.out
    kh, kw = geo.kernel
    c = layer.x.shape[1]
    oy, ox, ch, ky, kx = np.meshgrid(np.arange(oh), np.arange(ow), np.arange(c), np.arange(kh), np.arange(kw),
                                     indexing="ij")
    targets = np.stack([ch, oy * geo.stride[0] + ky * geo.dilation[0], ox * geo.stride[1] + kx * geo.dilation[1]],
                       axis=-1).reshape(oh * ow, c * kh * kw, 3)
    return Col2ImGradient(cols, weight_matrix, grad_matrix, grad_cols, grad_input, grad_weight,
                          grad_matrix.sum(axis=0), targets, geo)
