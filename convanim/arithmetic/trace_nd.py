"""trace_conv1d: every intermediate value of a conv1d on one sample, as the 2-D trace of a signal one row high.

A signal (C_in, L) is traced as the input (C_in, 1, L) and a kernel (F, C_in/groups, K) as (F, C_in/groups, 1, K),
exactly as :func:`~convanim.conv1d` computes it, so the products, channel sums and running sums are those of
:class:`~convanim.ConvTrace` with one row (``oy`` is always 0).  The trace writes its cells ``y[f,i]``.
"""
from __future__ import annotations

from .. import config
from .conv_nd import check_conv_nd
from .conv import check_conv
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
