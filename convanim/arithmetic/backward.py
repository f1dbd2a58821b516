"""The backward pass of conv2d and of pooling, with PyTorch's semantics.

For ``y = conv2d(x, w, b)`` and an upstream gradient ``g = dL/dy``
(Goodfellow, Bengio & Courville, *Deep Learning*, 9.5; Saito, *Deep
Learning from Scratch*, ch. 7)::

    dL/db[f]             = Σ_{n,oy,ox} g[n, f, oy, ox]
    dL/dw[f, c, ky, kx]  = Σ_{n,oy,ox} xp[n, G*Cg + c, oy*sy + ky*dy, ox*sx + kx*dx] · g[n, f, oy, ox]
    dL/dxp[n, G*Cg + c, oy*sy + ky*dy, ox*sx + kx*dx]  +=  g[n, f, oy, ox] · w[f, c, ky, kx]

where ``xp`` is the padded input and G the group of filter f.  The last line
(each g scattering the kernel back) is a transposed convolution of g with
the same weight; the padded gradient then folds back into the input: zero
padding's share is dropped, reflect / replicate / circular padding's goes to
the cell it copied.
"""
from __future__ import annotations

import numpy as np

from ..arguments import as_numeric_array, result_dtype
from .conv import ConvLayer, check_conv, convolve, flat_columns, strided_columns
from .padding import fold_padding
from .pool import PoolLayer, check_pool, max_pool2d, pool_divisors
from .transpose import transposed_as_direct
from .windows import kernel_slice


def check_grad_output(grad_output: object, expected: tuple[int, ...], squeeze: bool, forward: str) -> np.ndarray:
    """``grad_output`` as a 4-d array of the forward output's shape, or a ValueError naming both shapes."""
    g = as_numeric_array("grad_output", grad_output)
    want = expected[1:] if squeeze else expected
    if g.shape != want:
        layout = "(C_out, OH, OW)" if squeeze else "(N, C_out, OH, OW)"
        raise ValueError(f"grad_output must have the shape of the {forward} output, {layout} = {want}; "
                         f"got shape {g.shape}")
    return g[None] if squeeze else g


def conv2d_backward(input: object, weight: object, grad_output: object, stride: object = 1, padding: object = 0,
                    dilation: object = 1, groups: int = 1, padding_mode: str = "zeros"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv2d(input, weight, bias, ...)`` given ``grad_output`` = dL/d(output).

    Shapes: ``input`` (N, C_in, H, W) or (C_in, H, W); ``weight`` (C_out,
    C_in/groups, KH, KW); ``grad_output`` the forward output's shape, (N,
    C_out, OH, OW) or (C_out, OH, OW).  Returns ``(grad_input, grad_weight,
    grad_bias)`` shaped as ``input``, ``weight`` and (C_out,), as
    ``torch.autograd`` gives them.  Options as :func:`conv2d`.  Integer
    arguments give exact integer gradients.
    """
    layer = check_conv(input, weight, None, stride, padding, dilation, groups, padding_mode)
    g = check_grad_output(grad_output, (layer.x.shape[0], layer.weight.shape[0], *layer.geometry.out),
                          layer.squeeze, "conv2d")
    dtype = result_dtype(layer.x, layer.weight, g)
    g = g.astype(dtype, copy=False)
    grad_input = conv_input_gradient(layer, g)
    grad_weight = conv_weight_gradient(layer, g)
    grad_bias = g.sum(axis=(0, 2, 3))
    return (grad_input[0] if layer.squeeze else grad_input), grad_weight, grad_bias


def conv_padded_input_gradient(layer: ConvLayer, g: np.ndarray) -> np.ndarray:
    """dL/d(padded input), (N, C_in, Hp, Wp): each g times its kernel, added back where the window read.

    Computed as the transposed convolution of ``g`` with the layer's weight
    (stride and dilation kept, no padding); cells no window reads stay 0.
    """
    geo = layer.geometry
    dtype = result_dtype(layer.x, layer.weight, g)
    direct = transposed_as_direct(g, layer.weight.astype(dtype, copy=False), None, geo.stride, 0, 0,
                                  layer.groups, geo.dilation)
    reached = convolve(check_conv(direct.input, direct.weight, None, 1, 0, direct.dilation, direct.groups))
    out = np.zeros((*g.shape[:1], layer.x.shape[1], *geo.padded), dtype=dtype)
    out[:, :, :reached.shape[2], :reached.shape[3]] = reached
    return out


def conv_input_gradient(layer: ConvLayer, g: np.ndarray) -> np.ndarray:
    """dL/d(input), (N, C_in, H, W): the padded gradient folded back through the padding."""
    return fold_padding(conv_padded_input_gradient(layer, g), layer.geometry.pads, layer.padding_mode)


def conv_weight_gradient(layer: ConvLayer, g: np.ndarray) -> np.ndarray:
    """dL/d(weight), (C_out, C_in/groups, KH, KW): the im2col columns times the gradient, summed over positions.

    The book's ``dW = col.T @ dout``, chunk by chunk, group by group.
    """
    geo = layer.geometry
    dtype = result_dtype(layer.x, layer.weight, g)
    xp = layer.padded_input().astype(dtype, copy=False)
    f, cg = layer.weight.shape[:2]
    og = f // layer.groups
    out = np.zeros((f, cg * geo.kernel[0] * geo.kernel[1]), dtype=dtype)
    if geo.stride == (1, 1):
        # flat_columns runs over the padded width: give the positions past OW zero gradient.
        wide = np.zeros((*g.shape[:3], xp.shape[3]), dtype=dtype)
        wide[..., :geo.out[1]] = g
        wide = wide.reshape(*g.shape[:2], -1)
    for k in range(layer.groups):
        filters = slice(k * og, (k + 1) * og)
        xs = xp[:, k * cg:(k + 1) * cg]
        if geo.stride == (1, 1):
            for i, positions, cols in flat_columns(xs, geo):
                out[filters] += wide[i, filters, positions] @ cols.T
        else:
            for i, rows, cols in strided_columns(xs, geo):
                out[filters] += g[i, filters, rows].reshape(og, -1) @ cols.T
    return out.reshape(layer.weight.shape)


def max_pool2d_backward(input: object, grad_output: object, kernel_size: object, stride: object = None,
                        padding: object = 0, dilation: object = 1, ceil_mode: bool = False) -> np.ndarray:
    """dL/d(input) of ``max_pool2d``: each window's gradient goes to its winner, the rest get 0.

    ``input`` (N, C, H, W) or (C, H, W); ``grad_output`` the forward
    output's shape.  The winner is the forward pass's (ties: the first
    maximum; NaN: as :func:`max_pool2d`), so this equals torch.autograd;
    a cell that wins several overlapping windows gets the sum of their gradients.
    """
    layer = check_pool(input, kernel_size, stride, padding, dilation, ceil_mode)
    g = check_grad_output(grad_output, (*layer.x.shape[:2], *layer.geometry.out), layer.squeeze, "max_pool2d")
    return _max_pool_input_gradient(layer, g)


def _max_pool_input_gradient(layer: PoolLayer, g: np.ndarray) -> np.ndarray:
    geo = layer.geometry
    _, indices = max_pool2d(layer.x, geo.kernel, geo.stride, (geo.pads[0], geo.pads[2]), geo.dilation,
                            layer.ceil_mode, True)
    n, c, h, w = layer.x.shape
    out = np.zeros((n * c, h * w), dtype=result_dtype(layer.x, g))
    planes = np.repeat(np.arange(n * c), geo.out[0] * geo.out[1])
    np.add.at(out, (planes, indices.reshape(-1)), g.reshape(-1))
    out = out.reshape(layer.x.shape)
    return out[0] if layer.squeeze else out


def avg_pool2d_backward(input: object, grad_output: object, kernel_size: object, stride: object = None,
                        padding: object = 0, ceil_mode: bool = False, count_include_pad: bool = True,
                        divisor_override: float | None = None) -> np.ndarray:
    """dL/d(input) of ``avg_pool2d``: each window's gradient, divided by its divisor, spread over its cells.

    Shapes as :func:`max_pool2d_backward`; divisors as the forward pass
    (``count_include_pad``, ``divisor_override``); padding cells' shares are
    dropped and overlapping windows add up.  The result is float (float64
    for integer arguments), as the forward pass.
    """
    layer = check_pool(input, kernel_size, stride, padding, 1, ceil_mode)
    g = check_grad_output(grad_output, (*layer.x.shape[:2], *layer.geometry.out), layer.squeeze, "avg_pool2d")
    geo = layer.geometry
    dtype = np.result_type(layer.x.dtype, g.dtype, np.float32)
    if not np.issubdtype(layer.x.dtype, np.floating) and not np.issubdtype(g.dtype, np.floating):
        dtype = np.dtype(np.float64)
    share = g.astype(dtype, copy=False) / pool_divisors(geo, count_include_pad, divisor_override).astype(dtype)
    t, b, l, r = layer.room_pads
    out = np.zeros((*g.shape[:2], geo.input[0] + t + b, geo.input[1] + l + r), dtype=dtype)
    for ky in range(geo.kernel[0]):
        for kx in range(geo.kernel[1]):
            out[(..., *kernel_slice(ky, kx, geo.stride, geo.dilation, geo.out))] += share
    out = out[..., t:t + geo.input[0], l:l + geo.input[1]]
    return np.ascontiguousarray(out[0] if layer.squeeze else out)

