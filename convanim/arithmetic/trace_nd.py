"""trace_conv1d and trace_conv3d: every intermediate value of a conv1d or conv3d on one sample, as 2-D traces.

A signal (C_in, L) is traced as the input (C_in, 1, L) and a kernel (F, C_in/groups, K) as (F, C_in/groups, 1, K),
exactly as :func:`~convanim.conv1d` computes it, so the products, channel sums and running sums are those of
:class:`~convanim.ConvTrace` with one row (``oy`` is always 0).  The trace writes its cells ``y[f,i]``.

A 3-D conv's output plane ``od`` is a 2-D conv of the input planes it reads (``od·s + kd·d`` of the input padded
along the depth, one per kernel depth ``kd``), each taken as a channel: the plane's trace is a
:class:`~convanim.ConvTrace` whose channels are the pairs (input channel c, kernel depth kd), c first, so
``channel_sums[f, oy, ox, c·KD + kd]`` is the window sum of input channel c's plane read at depth kd, and
``running`` adds them up from the bias in that order.  It writes its cells ``y[f,od,oy,ox]``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..arguments import result_dtype
from .conv_nd import check_conv_nd
from .conv import check_conv
from .padding import pad_axes
from .trace import ConvTrace


def trace_conv1d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
                 dilation: object = 1, groups: int = 1, padding_mode: str = "zeros",
                 memory_budget: int | None = None) -> ConvTrace:
    """Trace a conv1d on one sample: ``input`` (C_in, L) or (1, C_in, L), ``weight`` (F, C_in/groups, K).

    Arguments as :func:`~convanim.conv1d` (the same checks and messages).  Returns a :class:`ConvTrace` of the
    one-row form: ``input`` (C_in, 1, L), ``padded`` (C_in, 1, Lp), ``weight`` (F, Cg, 1, K), ``products``
    (F, 1, OL, Cg, 1, K), ``channel_sums`` (F, 1, OL, Cg), ``running`` (F, 1, OL, Cg + 1), ``output``
    (F, 1, OL); ``one_row`` is True.
    """
    x, w, b, (s,), ((before, after),), (d,), groups, _, _ = check_conv_nd(
        input, weight, bias, stride, padding, dilation, groups, padding_mode, 1)
    if x.shape[0] != 1:
        raise ValueError(f"trace_conv1d traces one sample; input has batch size {x.shape[0]} (shape {x.shape}); "
                         "pass input[i]")
    layer = check_conv(x[:, :, None, :], w[:, :, None, :], b, (1, s), (0, 0, before, after), (1, d), groups,
                       padding_mode)
    trace = ConvTrace(layer, config.TRACE_BUDGET if memory_budget is None else memory_budget)
    trace.one_row = True
    return trace


@dataclass(frozen=True)
class Conv3dTrace:
    """Every intermediate value of a conv3d on one sample (see the module docstring).

    Attributes: ``input`` (C_in, D, H, W); ``padded`` (C_in, Dp, Hp, Wp), every axis padded; ``weight``
    (F, Cg, KD, KH, KW); ``bias`` (F,) (zeros when the layer has none, ``has_bias`` tells); ``stride``,
    ``dilation`` and ``pads`` (one number, or one (before, after) pair, per axis D, H, W); ``groups``;
    ``planes``: one :class:`ConvTrace` per output plane, ``planes[od].output`` being ``output[:, od]``;
    ``output`` (F, OD, OH, OW).
    """

    input: np.ndarray
    padded: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    has_bias: bool
    stride: tuple[int, int, int]
    dilation: tuple[int, int, int]
    pads: tuple[tuple[int, int], ...]
    groups: int
    planes: tuple[ConvTrace, ...]
    output: np.ndarray

    def frames_read(self, od: int) -> list[int]:
        """The planes of ``padded`` (depth indices) output plane ``od`` reads, one per kernel depth."""
        return [od * self.stride[0] + kd * self.dilation[0] for kd in range(self.weight.shape[2])]

    def frame_of(self, od: int, kd: int) -> int:
        """The input's depth index that output plane ``od`` reads at kernel depth ``kd`` (below 0 or past the
        last plane: a padding plane)."""
        return self.frames_read(od)[kd] - self.pads[0][0]


def trace_conv3d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
                 dilation: object = 1, groups: int = 1, padding_mode: str = "zeros",
                 memory_budget: int | None = None) -> Conv3dTrace:
    """Trace a conv3d on one sample: ``input`` (C_in, D, H, W) or (1, C_in, D, H, W), ``weight``
    (F, C_in/groups, KD, KH, KW).

    Arguments as :func:`~convanim.conv3d` (the same checks and messages).  Each output plane is traced as the
    2-D conv of the planes it reads (see the module docstring); ``memory_budget`` bounds each plane's trace.
    """
    x, w, b, strides, pads, dilations, groups, out, _ = check_conv_nd(
        input, weight, bias, stride, padding, dilation, groups, padding_mode, 3)
    if x.shape[0] != 1:
        raise ValueError(f"trace_conv3d traces one sample; input has batch size {x.shape[0]} (shape {x.shape}); "
                         "pass input[i]")
    dtype = result_dtype(x, w, b)
    x, w = x[0].astype(dtype, copy=False), w.astype(dtype, copy=False)
    c, kd = x.shape[0], w.shape[2]
    deep = pad_axes(x, pads[:1] + ((0, 0), (0, 0)), padding_mode)  # the depth; each plane's conv pads its own
    planar = w.reshape(w.shape[0], w.shape[1] * kd, *w.shape[3:])  # (F, Cg·KD, KH, KW): channel c·KD + kd
    budget = config.TRACE_BUDGET if memory_budget is None else memory_budget
    planes = []
    for od in range(out[0]):
        read = [od * strides[0] + k * dilations[0] for k in range(kd)]
        stacked = deep[:, read].reshape(c * kd, *x.shape[2:])  # (C·KD, H, W), channel c first
        layer = check_conv(stacked[None], planar, b, strides[1:], (*pads[1], *pads[2]), dilations[1:], groups,
                           padding_mode)
        plane = ConvTrace(layer, budget)
        plane.depth = od
        planes.append(plane)
    output = np.stack([plane.output for plane in planes], axis=1)
    has_bias = b is not None
    return Conv3dTrace(x, pad_axes(x, pads, padding_mode), w, planes[0].bias, has_bias, strides, dilations, pads,
                       groups, tuple(planes), output)
