"""Issue 37, the core: conv1d, conv3d, conv_transpose1d, the 1-D and 3-D pools and the conv backward passes
against PyTorch, correlate2d / convolve2d against scipy.signal, each on 150 random configurations (every option:
stride, padding kinds and modes, dilation, groups, ceil_mode, count_include_pad, divisor_override, return_indices);
small cases worked by hand; bad arguments answered with one line naming the argument, the value and the rule."""
import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import convanim as ca

MANY = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
MODES = ["zeros", "reflect", "replicate", "circular"]


def torch_conv(spatial, x, w, b, stride, padding, dilation, groups, mode):
    """torch's nn.Conv1d / nn.Conv3d with these weights (padding_mode is a module option)."""
    cls = {1: torch.nn.Conv1d, 3: torch.nn.Conv3d}[spatial]
    m = cls(x.shape[1], w.shape[0], tuple(w.shape[2:]), stride=stride, padding=padding, dilation=dilation,
            groups=groups, bias=b is not None, padding_mode=mode).double()
    with torch.no_grad():
        m.weight.copy_(torch.from_numpy(w))
        if b is not None:
            m.bias.copy_(torch.from_numpy(b))
    return m


@st.composite
def conv_cases(draw, spatial):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(spatial))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(spatial))
    sizes = tuple(draw(st.integers(2, 7 if spatial == 1 else 5)) for _ in range(spatial))
    mode = draw(st.sampled_from(MODES))
    if draw(st.booleans()) and all(s == 1 for s in stride):
        padding = draw(st.sampled_from(["same", "valid"]))
    else:
        padding = tuple(draw(st.integers(0, 2)) for _ in range(spatial))
    if mode == "reflect" and not isinstance(padding, str):
        assume(all(p < i for p, i in zip(padding, sizes)))
    if mode == "circular" and not isinstance(padding, str):
        assume(all(p <= i for p, i in zip(padding, sizes)))
    pads = (0,) * spatial if padding == "valid" else \
        tuple(d * (k - 1) for d, k in zip(dilation, kernel)) if padding == "same" else tuple(2 * p for p in padding)
    assume(all(i + p - d * (k - 1) - 1 >= 0 for i, p, d, k in zip(sizes, pads, dilation, kernel)))
    if mode == "reflect" and padding == "same":
        assume(all(d * (k - 1) - d * (k - 1) // 2 < i for d, k, i in zip(dilation, kernel, sizes)))
    x = rng.normal(size=(draw(st.integers(1, 2)), c_in, *sizes))
    w = rng.normal(size=(c_out, c_in // groups, *kernel))
    b = rng.normal(size=c_out) if draw(st.booleans()) else None
    flat = (lambda t: t[0]) if spatial == 1 else (lambda t: t)
    padding = padding if isinstance(padding, str) else flat(padding)
    return x, w, b, flat(stride), padding, flat(dilation), groups, mode


@MANY
@given(conv_cases(1))
def test_conv1d_is_torchs(case):
    x, w, b, stride, padding, dilation, groups, mode = case
    module = torch_conv(1, x, w, b, stride, padding, dilation, groups, mode)
    ours = ca.conv1d(x, w, b, stride, padding, dilation, groups, mode)
    np.testing.assert_allclose(ours, module(torch.from_numpy(x)).detach().numpy(), rtol=1e-10, atol=1e-10)


@MANY
@given(conv_cases(3))
def test_conv3d_is_torchs(case):
    x, w, b, stride, padding, dilation, groups, mode = case
    module = torch_conv(3, x, w, b, stride, padding, dilation, groups, mode)
    ours = ca.conv3d(x, w, b, stride, padding, dilation, groups, mode)
    np.testing.assert_allclose(ours, module(torch.from_numpy(x)).detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ca.conv3d(x[0], w, b, stride, padding, dilation, groups, mode), ours[0])


def check_backward(spatial, case, seed):
    x, w, _, stride, padding, dilation, groups, mode = case
    module = torch_conv(spatial, x, w, None, stride, padding, dilation, groups, mode)
    xt = torch.tensor(x, requires_grad=True)
    y = module(xt)
    g = torch.from_numpy(np.random.default_rng(seed).normal(size=tuple(y.shape)))
    y.backward(g)
    backward = {1: ca.conv1d_backward, 3: ca.conv3d_backward}[spatial]
    gi, gw, gb = backward(x, w, g.numpy(), stride, padding, dilation, groups, mode)
    np.testing.assert_allclose(gi, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, module.weight.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gb, g.numpy().sum(axis=tuple(k for k in range(g.ndim) if k != 1)), rtol=1e-12,
                               atol=1e-12)


@MANY
@given(conv_cases(1), st.integers(0, 2**32 - 1))
def test_conv1d_backward_is_torch_autograds(case, seed):
    check_backward(1, case, seed)


@MANY
@given(conv_cases(3), st.integers(0, 2**32 - 1))
def test_conv3d_backward_is_torch_autograds(case, seed):
    check_backward(3, case, seed)


@MANY
@given(seed=st.integers(0, 2**32 - 1), groups=st.sampled_from([1, 2]), k=st.integers(1, 4), stride=st.integers(1, 3),
       padding=st.integers(0, 3), dilation=st.integers(1, 2), length=st.integers(1, 6), bias=st.booleans(),
       output_padding=st.integers(0, 2))
def test_conv_transpose1d_is_torchs(seed, groups, k, stride, padding, dilation, length, bias, output_padding):
    assume(output_padding < stride or output_padding < dilation)
    assume((length - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1 >= 1)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 2 * groups, length))
    w = rng.normal(size=(2 * groups, 3, k))
    b = rng.normal(size=3 * groups) if bias else None
    theirs = F.conv_transpose1d(torch.from_numpy(x), torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                                stride, padding, output_padding, groups, dilation).numpy()
    ours = ca.conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


@st.composite
def pool_cases(draw, spatial):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(spatial))
    sizes = tuple(draw(st.integers(1, 7 if spatial == 1 else 5)) for _ in range(spatial))
    x = rng.normal(size=(draw(st.integers(1, 2)), 2, *sizes))
    if draw(st.booleans()):  # ties and NaN: which cell wins
        x = np.round(x)
        x.flat[draw(st.integers(0, x.size - 1))] = np.nan
    flat = (lambda t: t[0]) if spatial == 1 else (lambda t: t)
    return (x, flat(kernel), flat(stride), flat(padding), flat(dilation), draw(st.booleans()), draw(st.booleans()),
            draw(st.sampled_from([None, 3, -2])))


def torch_or_none(function, *args, **kwargs):
    """torch's result, or None where torch refuses the options (a window outside the padded input)."""
    try:
        return function(*args, **kwargs)
    except RuntimeError:
        return None


@MANY
@given(pool_cases(1))
def test_1d_pooling_is_torchs(case):
    x, k, s, p, d, ceil_mode, count_include_pad, _ = case
    t = torch.from_numpy(x)
    theirs = torch_or_none(F.max_pool1d, t, k, s, p, d, ceil_mode=ceil_mode, return_indices=True)
    assume(theirs is not None)
    best, index = ca.max_pool1d(x, k, s, p, d, ceil_mode, return_indices=True)
    np.testing.assert_array_equal(best, theirs[0].numpy())
    np.testing.assert_array_equal(index, theirs[1].numpy())
    np.testing.assert_allclose(ca.avg_pool1d(x, k, s, p, ceil_mode, count_include_pad),
                               F.avg_pool1d(t, k, s, p, ceil_mode, count_include_pad).numpy(), rtol=1e-12, atol=1e-12)


@MANY
@given(pool_cases(3))
def test_3d_pooling_is_torchs(case):
    x, k, s, p, d, ceil_mode, count_include_pad, divisor = case
    t = torch.from_numpy(x)
    theirs = torch_or_none(F.max_pool3d, t, k, s, p, d, ceil_mode=ceil_mode, return_indices=True)
    assume(theirs is not None)
    best, index = ca.max_pool3d(x, k, s, p, d, ceil_mode, return_indices=True)
    np.testing.assert_array_equal(best, theirs[0].numpy())
    np.testing.assert_array_equal(index, theirs[1].numpy())
    avg = torch_or_none(F.avg_pool3d, t, k, s, p, ceil_mode, count_include_pad, divisor)
    if avg is not None:
        np.testing.assert_allclose(ca.avg_pool3d(x, k, s, p, ceil_mode, count_include_pad, divisor), avg.numpy(),
                                   rtol=1e-12, atol=1e-12)


@MANY
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 5),
       kw=st.integers(1, 5), mode=st.sampled_from(["full", "same", "valid"]))
def test_correlation_and_true_convolution_are_scipys(seed, h, w, kh, kw, mode):
    assume(mode != "valid" or (kh <= h and kw <= w))
    rng = np.random.default_rng(seed)
    x, k = rng.integers(-9, 10, (h, w)), rng.integers(-4, 5, (kh, kw))
    np.testing.assert_array_equal(ca.correlate2d(x, k, mode), scipy.signal.correlate2d(x, k, mode))
    np.testing.assert_array_equal(ca.convolve2d(x, k, mode), scipy.signal.convolve2d(x, k, mode))
    xf, kf = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    np.testing.assert_allclose(ca.convolve2d(xf, kf, mode), scipy.signal.convolve2d(xf, kf, mode), atol=1e-12)


# -- worked by hand ------------------------------------------------------------------------------------------------

def test_small_cases_worked_by_hand():
    # conv1d: x = 1 2 3 4, w = 1 0 −1, bias 10: windows (1,2,3) → 1 − 3 + 10 = 8, (2,3,4) → 2 − 4 + 10 = 8
    assert ca.conv1d([[1, 2, 3, 4]], [[[1, 0, -1]]], [10]).tolist() == [[8, 8]]
    # stride 2, padding 1: padded 0 1 2 3 4 0; windows at 0, 2: (0,1,2) → 0 − 2 = −2, (2,3,4) → 2 − 4 = −2
    assert ca.conv1d([[1, 2, 3, 4]], [[[1, 0, -1]]], stride=2, padding=1).tolist() == [[-2, -2]]
    # conv3d: a 2×2×2 volume of 1..8 with a 2×2×2 kernel of ones: one output, 36
    assert ca.conv3d(np.arange(1, 9).reshape(1, 2, 2, 2), np.ones((1, 1, 2, 2, 2), dtype=int)).tolist() == [[[[36]]]]
    # a kernel deep 2, 1×1 in plane, weights (1, −1): each output plane is plane d minus plane d+1
    x = np.arange(12).reshape(1, 3, 2, 2)
    assert ca.conv3d(x, np.array([1, -1]).reshape(1, 1, 2, 1, 1)).tolist() == [[[[-4, -4], [-4, -4]]] * 2]
    # conv_transpose1d: x = 1 2 with kernel 1 1 1, stride 2: 1 1 1 at 0, 2 2 2 at 2 → 1 1 3 2 2
    assert ca.conv_transpose1d([[1, 2]], [[[1, 1, 1]]], stride=2).tolist() == [[1, 1, 3, 2, 2]]
    # pooling: max over 2 of 3 1 4 1 5 → 3 4; mean over 2 with padding 1, count_include_pad: (0+3)/2, (1+4)/2, (1+5)/2
    assert ca.max_pool1d([[3, 1, 4, 1, 5]], 2).tolist() == [[3, 4]]
    assert ca.avg_pool1d([[3.0, 1, 4, 1, 5]], 2, padding=1).tolist() == [[1.5, 2.5, 3.0]]
    assert ca.max_pool3d(np.arange(8).reshape(1, 2, 2, 2), 2, return_indices=True)[1].tolist() == [[[[7]]]]
    # true convolution turns the kernel: x = 1 2 3 with k = 1 0 −1: correlation 1 − 3 = −2, convolution 3 − 1 = 2
    assert ca.correlate2d([[1, 2, 3]], [[1, 0, -1]], "valid").tolist() == [[-2]]
    assert ca.convolve2d([[1, 2, 3]], [[1, 0, -1]], "valid").tolist() == [[2]]
    assert ca.convolve2d([[1]], [[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]  # the full output of a single 1
    assert ca.flip_kernel([[1, 2], [3, 4]]).tolist() == [[4, 3], [2, 1]]
    # backward of conv1d: y = x·w over windows; dL/dw[k] = Σ_o x[o + k]·g[o] with g = 1 1: (1+2, 2+3, 3+4)
    gi, gw, gb = ca.conv1d_backward([[1, 2, 3, 4]], [[[1, 0, -1]]], [[1, 1]])
    assert gw.tolist() == [[[3, 5, 7]]] and gi.tolist() == [[1, 1, -1, -1]] and gb.tolist() == [2]


# -- bad arguments ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: ca.conv1d(np.ones((2, 2, 2, 4)), np.ones((1, 2, 3))), ValueError,
     r"input must be 2-d \(C, L\) or 3-d \(N, C, L\); got shape \(2, 2, 2, 4\)"),
    (lambda: ca.conv1d(np.ones((2, 4)), np.ones((1, 2, 3, 3))), ValueError, r"weight must be 3-d \(C_out, C_in/groups, K\)"),
    (lambda: ca.conv1d(np.ones((2, 4)), np.ones((1, 2, 5))), ValueError,
     r"kernel_size 5 with dilation 1 spans 5, larger than the padded input 4 \(input 4, padding 0\)"),
    (lambda: ca.conv1d(np.ones((3, 4)), np.ones((1, 2, 3))), ValueError, r"input has 3 channels"),
    (lambda: ca.conv1d(np.ones((2, 4)), np.ones((1, 2, 3)), stride=(1, 2)), TypeError, r"stride must be an int; got \(1, 2\)"),
    (lambda: ca.conv1d(np.ones((2, 4)), np.ones((1, 2, 3)), padding="same", stride=2), ValueError,
     r"'same' needs stride 1 on its axis; got stride=2"),
    (lambda: ca.conv1d(np.ones((2, 4)), np.ones((1, 2, 3)), padding=4, padding_mode="reflect"), ValueError,
     r"reflect' needs padding smaller than the input on each axis; got padding 4 on an axis of length 4"),
    (lambda: ca.conv3d(np.ones((2, 3, 3, 3)), np.ones((1, 2, 2, 4, 2))), ValueError,
     r"kernel_size 2×4×2 with dilation 1×1×1 spans 2×4×2, larger than the padded input 3×3×3"),
    (lambda: ca.conv3d(np.ones((2, 3, 3, 3)), np.ones((1, 2, 2, 2, 2)), dilation=(1, 0, 1)), ValueError,
     r"dilation must be >= 1 on every axis; got \(1, 0, 1\)"),
    (lambda: ca.conv3d(np.ones((2, 3, 3)), np.ones((1, 2, 2, 2, 2))), ValueError,
     r"input must be 4-d \(C, D, H, W\) or 5-d \(N, C, D, H, W\)"),
    (lambda: ca.max_pool3d(np.ones((1, 3, 3, 3)), 2, padding=(0, 2, 0)), ValueError,
     r"padding 0×2×0 must be at most half of kernel_size 2×2×2"),
    (lambda: ca.avg_pool1d(np.ones((1, 2)), 3), ValueError, r"kernel_size 3 with dilation 1 does not fit the input 2"),
    (lambda: ca.avg_pool3d(np.ones((1, 3, 3, 3)), 2, divisor_override=0), ValueError, r"divisor_override must not be zero"),
    (lambda: ca.conv_transpose1d(np.ones((2, 3)), np.ones((2, 1, 3)), stride=1, output_padding=1), ValueError,
     r"output_padding 1 must be smaller than stride 1 or dilation 1"),
    (lambda: ca.conv3d_backward(np.ones((1, 3, 3, 3)), np.ones((1, 1, 2, 2, 2)), np.ones((1, 3, 2, 2))), ValueError,
     r"grad_output must have the shape of the conv3d output, \(1, 2, 2, 2\); got shape \(1, 3, 2, 2\)"),
    (lambda: ca.convolve2d(np.ones((2, 2)), np.ones((3, 1)), "valid"), ValueError,
     r"mode='valid' needs the kernel in2 \(3, 1\) to fit inside in1 \(2, 2\)"),
    (lambda: ca.correlate2d(np.ones((2, 2)), np.ones((1, 1)), "circular"), ValueError, r"mode must be one of"),
    (lambda: ca.correlate2d(np.ones(3), np.ones((1, 1))), ValueError, r"in1 must be 2-d \(H, W\)"),
])
def test_bad_arguments_get_one_line_naming_them(call, error, message):
    with pytest.raises(error, match=message) as caught:
        call()
    assert "\n" not in str(caught.value)
