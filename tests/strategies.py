"""Hypothesis strategies for layer shapes and options shared by the core tests."""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from convanim import output_size

small = st.integers(1, 3)


@st.composite
def conv_cases(draw, allow_same=True, allow_modes=True):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cg = draw(small)
    og = draw(small)
    depthwise = draw(st.booleans()) and groups > 1
    if depthwise:
        cg = 1
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dilation = (draw(small), draw(st.integers(1, 2)))
    same = allow_same and draw(st.integers(0, 4)) == 0
    stride = (1, 1) if same else (draw(small), draw(small))
    padding = "same" if same else (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"])) if allow_modes else "zeros"
    if not same:
        assume(all(output_size(i, k, s, p, d) >= 1
                   for i, k, s, p, d in zip((h, w), (kh, kw), stride, padding, dilation)))
        if mode == "reflect":
            assume(padding[0] < h and padding[1] < w)
        if mode == "circular":
            assume(padding[0] <= h and padding[1] <= w)
    else:
        th, tw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
        if mode == "reflect":
            assume(th - th // 2 < h and tw - tw // 2 < w)
        if mode == "circular":
            assume(th - th // 2 <= h and tw - tw // 2 <= w)
    n = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, (n, cg * groups, h, w)).astype(np.float64)
    weight = rng.integers(-3, 4, (og * groups, cg, kh, kw)).astype(np.float64)
    bias = rng.integers(-9, 10, og * groups).astype(np.float64) if draw(st.booleans()) else None
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return x, weight, bias, options, mode


@st.composite
def pool_cases(draw, dilation=True):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    ceil_mode = draw(st.booleans())
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    s = stride or kernel
    assume(all(output_size(i, k, si, p, d, ceil_mode) >= 1 for i, k, si, p, d in zip((h, w), kernel, s, padding, dil)))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    # Few distinct values so that ties are common; sometimes NaN and -inf.
    x = rng.integers(-2, 3, (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)).astype(np.float64)
    if draw(st.booleans()):
        x[rng.random(x.shape) < 0.1] = np.nan
    if draw(st.booleans()):
        x[rng.random(x.shape) < 0.2] = -np.inf
    return x, dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode), dil
