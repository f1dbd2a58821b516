"""TransposeTrace: a transposed convolution as each input value scattering value × kernel.

The scatter view (each input cell adds ``value * weight`` into the output
window it maps to, overlaps summing) and the direct view (an ordinary
convolution over the zero-inserted, padded input with the flipped kernel,
:func:`convanim.transposed_as_direct`) end on the same numbers; the trace
holds both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .. import config
from ..arguments import as_image_batch, pair, result_dtype
from .transpose import TransposedAsDirect, conv_transpose2d, transposed_as_direct


@dataclass(frozen=True)
class ScatterStep:
    """Input cell (``channel``, ``iy``, ``ix``) scattering into the output.

    ``products`` (C_out/groups, KH, KW) = value × weight; ``rows`` (KH,) and
    ``cols`` (KW,) the output coordinates each tap lands on; ``inside``
    (KH, KW) False where a tap falls outside the output (cropped by
    padding); ``filters`` the output channels it feeds; ``output_before`` /
    ``output_after`` (C_out, OH, OW) the output grid around this step.
    """

    channel: int
    iy: int
    ix: int
    value: object
    products: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    inside: np.ndarray
    filters: np.ndarray
    output_before: np.ndarray
    output_after: np.ndarray


class TransposeTrace:
    """A conv_transpose2d on one sample, in scatter order and as a direct convolution.

    Attributes: ``input`` (C_in, H, W); ``weight`` (C_in, C_out/groups, KH,
    KW); ``bias`` (C_out,) (zeros when absent); ``stride``, ``padding``,
    ``output_padding``, ``dilation`` pairs; ``groups``; ``output``
    (C_out, OH, OW), equal to :func:`conv_transpose2d`; ``direct`` the
    :class:`TransposedAsDirect` of the same layer.
    """

    def __init__(self, x, weight, bias, stride, padding, output_padding, groups, dilation):
        self.direct: TransposedAsDirect = transposed_as_direct(x, weight, bias, stride, padding, output_padding,
                                                               groups, dilation)
        x4, _ = as_image_batch("input", x)
        if x4.shape[0] != 1:
            raise ValueError(f"trace_conv_transpose2d traces one sample; input has batch size {x4.shape[0]}")
        self.input = x4[0]
        self.weight = np.asarray(weight)
        self.groups = groups
        self.stride, self.padding = pair("stride", stride, 1), pair("padding", padding, 0)
        self.output_padding, self.dilation = pair("output_padding", output_padding, 0), pair("dilation", dilation, 1)
        self.dtype = result_dtype(self.input, self.weight, None if bias is None else np.asarray(bias))
        c_out = self.weight.shape[1] * groups
        self.bias = np.zeros(c_out, dtype=self.dtype) if bias is None else np.asarray(bias).astype(self.dtype)
        self.has_bias = bias is not None
        self.output = conv_transpose2d(self.input, self.weight, bias, stride, padding, output_padding, groups,
                                       dilation)
        config.check_allocation("TransposeTrace products", (*self.input.shape, *self.weight.shape[1:]),
                                self.dtype.itemsize, config.TRACE_BUDGET)

    def targets(self, iy: int, ix: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Output rows (KH,), cols (KW,) that input cell (iy, ix) reaches, and the inside mask (KH, KW)."""
        kh, kw = self.weight.shape[2:]
        rows = iy * self.stride[0] - self.padding[0] + self.dilation[0] * np.arange(kh)
        cols = ix * self.stride[1] - self.padding[1] + self.dilation[1] * np.arange(kw)
        oh, ow = self.output.shape[1:]
        inside = ((rows >= 0) & (rows < oh))[:, None] & ((cols >= 0) & (cols < ow))[None, :]
        return rows, cols, inside

    def steps(self) -> Iterator[ScatterStep]:
        """Each input channel, each input row, each input column, in order; the output accumulates from the bias."""
        c_in, h, w = self.input.shape
        og = self.weight.shape[1]
        cg = c_in // self.groups
        out = np.broadcast_to(self.bias[:, None, None], self.output.shape).astype(self.dtype)
        for c in range(c_in):
            filters = (c // cg) * og + np.arange(og)
            for iy in range(h):
                for ix in range(w):
                    value = self.input[c, iy, ix]
                    products = value * self.weight[c]
                    rows, cols, inside = self.targets(iy, ix)
                    after = out.copy()
                    ry, rx = np.nonzero(inside)
                    for o, f in enumerate(filters):
                        np.add.at(after[f], (rows[ry], cols[rx]), products[o][ry, rx])
                    yield ScatterStep(c, iy, ix, value, products, rows, cols, inside, filters, out, after)
                    out = after


def trace_conv_transpose2d(input: object, weight: object, bias: object = None, stride: object = 1,
                           padding: object = 0, output_padding: object = 0, groups: int = 1,
                           dilation: object = 1) -> TransposeTrace:
    """Trace a conv_transpose2d on one sample: ``input`` (C_in, H, W) or (1, C_in, H, W).

    Arguments and shapes as :func:`conv_transpose2d`.
    """
    return TransposeTrace(input, weight, bias, stride, padding, output_padding, groups, dilation)
