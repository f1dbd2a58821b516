"""The backward pass against torch.autograd, hand-worked cases, and the identities a lecture states."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convanim as ca
from strategies import conv_cases, pool_cases


def autograd_conv(x, weight, bias, options, mode, grad_output=None, seed=0):
    """torch.autograd's (grad_input, grad_weight, grad_bias, grad_output) of nn.Conv2d on float64."""
    conv = torch.nn.Conv2d(x.shape[1], weight.shape[0], weight.shape[2:], bias=True, padding_mode=mode,
                           dtype=torch.float64, **options)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(weight))
        conv.bias.copy_(torch.tensor(np.zeros(weight.shape[0]) if bias is None else bias))
    tx = torch.tensor(x, requires_grad=True)
    y = conv(tx)
    if grad_output is None:
        grad_output = np.random.default_rng(seed).integers(-4, 5, tuple(y.shape)).astype(np.float64)
    y.backward(torch.tensor(grad_output))
    return tx.grad.numpy(), conv.weight.grad.numpy(), conv.bias.grad.numpy(), grad_output


@settings(max_examples=150)
@given(conv_cases(), st.integers(0, 2**31))
def test_conv2d_backward_equals_autograd_on_150_configurations(case, seed):
    x, weight, bias, options, mode = case
    gi, gw, gb, g = autograd_conv(x, weight, bias, options, mode, seed=seed)
    ours = ca.conv2d_backward(x, weight, g, padding_mode=mode, **options)
    # Integer values in float64: both sides are exact, so equal to the last bit.
    for mine, theirs in zip(ours, (gi, gw, gb)):
        np.testing.assert_array_equal(mine, theirs)


@settings(max_examples=40)
@given(conv_cases(allow_modes=False), st.integers(0, 2**31))
def test_integer_arguments_give_exact_integer_gradients(case, seed):
    x, weight, bias, options, _ = case
    gi, gw, gb, g = autograd_conv(x, weight, bias, options, "zeros", seed=seed)
    ours = ca.conv2d_backward(x.astype(np.int64), weight.astype(np.int32), g.astype(np.int64), **options)
    for mine, theirs in zip(ours, (gi, gw, gb)):
        assert np.issubdtype(mine.dtype, np.integer)
        np.testing.assert_array_equal(mine, theirs.astype(np.int64))


@pytest.mark.parametrize("shape,kernel,options", [
    ((1, 3, 40, 37), (8, 3, 3, 3), dict(padding=1)),                       # a photo-like 3x3 layer
    ((2, 8, 20, 20), (8, 8, 3, 3), dict(padding=1, stride=2)),
    ((1, 3, 33, 35), (3, 3, 10, 10), dict(padding="same")),                # grad_input through the FFT path
    ((2, 6, 16, 16), (6, 1, 3, 3), dict(groups=6, padding=1, dilation=2)),  # depthwise, dilated
])
def test_float32_gradients_match_autograd(shape, kernel, options):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape, dtype=np.float32)
    w = rng.standard_normal(kernel, dtype=np.float32)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y = F.conv2d(tx, tw, **options)
    g = rng.standard_normal(tuple(y.shape), dtype=np.float32)
    y.backward(torch.tensor(g))
    gi, gw, gb = ca.conv2d_backward(x, w, g, **options)
    assert gi.dtype == gw.dtype == np.float32
    for mine, theirs in ((gi, tx.grad.numpy()), (gw, tw.grad.numpy()), (gb, g.sum(axis=(0, 2, 3)))):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4 * np.abs(theirs).max())


def test_hand_worked_sobel_case():
    """x = 0..15 in a 4×4 grid, a Sobel kernel, g = [[1, 2], [0, −1]]; worked out on paper.

    dL/db = 1 + 2 + 0 − 1 = 2.
    dL/dw[ky,kx] = x[ky,kx]·1 + x[ky,kx+1]·2 + x[ky+1,kx+1]·(−1) = 8ky + 2kx − 3 (x[r,c] = 4r + c).
    dL/dx: w placed at (0,0) times 1, at (0,1) times 2, at (1,1) times −1, added.
    """
    x = np.arange(16).reshape(1, 4, 4)
    w = np.array([[[[1, 0, -1], [2, 0, -2], [1, 0, -1]]]])
    g = np.array([[[1, 2], [0, -1]]])
    gi, gw, gb = ca.conv2d_backward(x, w, g)
    np.testing.assert_array_equal(gb, [2])
    np.testing.assert_array_equal(gw[0, 0], [[-3, -1, 1], [5, 7, 9], [13, 15, 17]])
    np.testing.assert_array_equal(gi[0], [[1, 2, -1, -2],
                                          [2, 3, -2, -3],
                                          [1, 0, -1, 0],
                                          [0, -1, 0, 1]])


def test_hand_worked_reflect_padding_folds_back():
    """A 1×3 input [a, b, c] reflect-padded by 1 is [b, a, b, c, b]; a 1×1 kernel of 1 with
    g = [1, 10, 100, 1000, 10000] gives b the gradients of all three copies of it."""
    x = np.array([[[1.0, 2.0, 3.0]]])
    g = np.array([[[1.0, 10.0, 100.0, 1000.0, 10000.0]]])
    gi, _, _ = ca.conv2d_backward(x, np.ones((1, 1, 1, 1)), g, padding=(0, 1), padding_mode="reflect")
    np.testing.assert_array_equal(gi[0, 0], [10.0, 1 + 100 + 10000, 1000.0])


def test_grad_input_is_the_transposed_convolution_of_grad_output():
    rng = np.random.default_rng(5)
    for stride, padding, dilation, groups, h in [(1, 0, 1, 1, 6), (2, 1, 1, 1, 7), (3, 2, 2, 2, 11), (2, 0, 1, 2, 8)]:
        x = rng.integers(-4, 5, (2, 4, h, h + 1))
        w = rng.integers(-3, 4, (6, 4 // groups, 3, 3))
        y = ca.conv2d(x, w, None, stride, padding, dilation, groups)
        g = rng.integers(-3, 4, y.shape)
        gi, _, _ = ca.conv2d_backward(x, w, g, stride, padding, dilation, groups)
        # output_padding: the rows/columns of x no window reached (PyTorch's rule for sizing it back).
        output_padding = tuple((n + 2 * padding - dilation * 2 - 1) % stride for n in x.shape[2:])
        transposed = ca.conv_transpose2d(g, w, None, stride, padding, output_padding, groups, dilation)
        np.testing.assert_array_equal(gi, transposed)


def test_col2im_of_dout_times_weight_columns_is_grad_input():
    """Deep Learning from Scratch, ch. 7: dx = col2im(dout @ W_colᵀ), dW = colᵀ @ dout, db = Σ dout."""
    rng = np.random.default_rng(6)
    x = rng.integers(-4, 5, (2, 3, 7, 6))
    w = rng.integers(-3, 4, (4, 3, 3, 2))
    options = dict(stride=2, padding=1, dilation=1)
    y = ca.conv2d(x, w, None, **options)
    dout = rng.integers(-3, 4, y.shape)
    dout_matrix = dout.transpose(0, 2, 3, 1).reshape(-1, 4)            # (N·OH·OW, F)
    w_col = w.reshape(4, -1).T                                          # (C·KH·KW, F)
    dx = ca.col2im(dout_matrix @ w_col.T, x.shape, (3, 2), **options)
    dw = (ca.im2col(x, (3, 2), **options).T @ dout_matrix).T.reshape(w.shape)
    gi, gw, gb = ca.conv2d_backward(x, w, dout, **options)
    np.testing.assert_array_equal(dx, gi)
    np.testing.assert_array_equal(dw, gw)
    np.testing.assert_array_equal(dout_matrix.sum(axis=0), gb)


@settings(max_examples=80)
@given(pool_cases(), st.integers(0, 2**31))
def test_max_pool2d_backward_equals_autograd_on_80_configurations(case, seed):
    x, options, dil = case
    tx = torch.tensor(x, requires_grad=True)
    y = F.max_pool2d(tx, dilation=dil, **options)
    g = np.random.default_rng(seed).integers(-4, 5, tuple(y.shape)).astype(np.float64)
    y.backward(torch.tensor(g))
    np.testing.assert_array_equal(ca.max_pool2d_backward(x, g, dilation=dil, **options), tx.grad.numpy())


@settings(max_examples=80)
@given(pool_cases(dilation=False), st.booleans(), st.sampled_from([None, 2, 5]), st.integers(0, 2**31))
def test_avg_pool2d_backward_equals_autograd_on_80_configurations(case, count_include_pad, divisor_override, seed):
    x, options, _ = case
    x = np.nan_to_num(x, neginf=-7.0)
    tx = torch.tensor(x, requires_grad=True)
    y = F.avg_pool2d(tx, count_include_pad=count_include_pad, divisor_override=divisor_override, **options)
    g = np.random.default_rng(seed).integers(-4, 5, tuple(y.shape)).astype(np.float64)
    y.backward(torch.tensor(g))
    ours = ca.avg_pool2d_backward(x, g, count_include_pad=count_include_pad, divisor_override=divisor_override,
                                  **options)
    np.testing.assert_allclose(ours, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_hand_worked_max_pool_routes_to_the_first_winner_and_overlaps_add():
    # 2×2 windows, stride 1, over a 3×3 input whose 9 is in every window: it collects every gradient.
    x = np.array([[[0.0, 1.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]])
    g = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    np.testing.assert_array_equal(ca.max_pool2d_backward(x, g, 2, 1)[0],
                                  [[0, 0, 0], [0, 10, 0], [0, 0, 0]])
    # A tie: 3 at (0,1) and (1,0) of the first 2×2 window; the first in row-major order wins.
    x = np.array([[[1.0, 3.0], [3.0, 0.0]]])
    np.testing.assert_array_equal(ca.max_pool2d_backward(x, np.array([[[5.0]]]), 2)[0], [[0, 5], [0, 0]])


def test_hand_worked_avg_pool_spreads_over_the_divisor():
    # 2×2 windows, stride 1, padding 1 over a 2×2 input, count_include_pad=False: the divisor of a
    # window is the number of input cells in it.
    x = np.ones((1, 2, 2))
    g = np.array([[[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]]])
    ours = ca.avg_pool2d_backward(x, g, 2, 1, 1, count_include_pad=False)
    # Windows at stride 1 overlap: cell (0,0) is in windows (0,0),(0,1),(1,0),(1,1) of the 3×3 output,
    # each of which holds 1, 2, 2 and 4 input cells.
    np.testing.assert_allclose(ours[0, 0, 0], 1 / 1 + 2 / 2 + 3 / 2 + 4 / 4)


@pytest.mark.parametrize("function,args", [
    (ca.conv2d_backward, (np.ones((1, 3, 4, 4)), np.ones((2, 3, 3, 3)))),
    (ca.max_pool2d_backward, (np.ones((1, 3, 4, 4)),)),
    (ca.avg_pool2d_backward, (np.ones((1, 3, 4, 4)),)),
])
def test_a_grad_output_of_the_wrong_shape_names_both_shapes(function, args):
    extra = () if function is ca.conv2d_backward else (2,)
    with pytest.raises(ValueError) as err:
        function(*args, np.ones((1, 2, 3, 3)), *extra)
    message = str(err.value)
    assert "grad_output" in message and "(1, 2, 3, 3)" in message
    assert ("(1, 2, 2, 2)" in message) if function is ca.conv2d_backward else ("(1, 3, 2, 2)" in message)


def test_other_arguments_are_checked_as_the_forward_pass():
    with pytest.raises(ValueError, match="groups=2 must divide"):
        ca.conv2d_backward(np.ones((1, 3, 4, 4)), np.ones((2, 1, 3, 3)), np.ones((1, 2, 2, 2)), groups=2)
    with pytest.raises(ValueError, match="padding_mode"):
        ca.conv2d_backward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 4, 4)), padding=1,
                           padding_mode="mirror")


@settings(max_examples=40)
@given(conv_cases(allow_same=False, allow_modes=False), st.integers(0, 2**31))
def test_the_books_col2im_backward_equals_autograd(case, seed):
    x, weight, bias, options, _ = case
    assume(options["groups"] == 1)
    gi, gw, gb, g = autograd_conv(x, weight, bias, options, "zeros", seed=seed)
    book = ca.im2col_conv2d_backward(x, weight, g, options["stride"], options["padding"], options["dilation"])
    np.testing.assert_array_equal(book.grad_input, gi)
    np.testing.assert_array_equal(book.grad_weight, gw)
    np.testing.assert_array_equal(book.grad_bias, gb)
    # dcols = dout @ W_colᵀ, with dout one row per window (n, oy, ox) and W_col one column per filter
    f = weight.shape[0]
    np.testing.assert_array_equal(book.grad_matrix, g.transpose(0, 2, 3, 1).reshape(-1, f))
    np.testing.assert_array_equal(book.weight_matrix, weight.reshape(f, -1).T)
    np.testing.assert_array_equal(book.grad_cols, book.grad_matrix @ book.weight_matrix.T)
    # sample 0, window row by window row: each row lands only on the cells its window read
    rows = np.prod(book.geometry.out)
    (top, _, left, _), (h, w) = book.geometry.pads, x.shape[2:]
    before = book.padded_after(0)
    assert not before.any()
    for r in range(rows):
        after = book.padded_after(r + 1)
        changed = {tuple(p) for p in np.argwhere(after != before)}
        assert changed <= {tuple(t) for t in book.targets[r]}
        before = after
    np.testing.assert_array_equal(before[:, top:top + h, left:left + w], gi[0])


def test_the_books_backward_checks_grad_output():
    with pytest.raises(ValueError, match=r"grad_output.*\(2, 2, 2\).*\(2, 3, 3\)"):
        ca.im2col_conv2d_backward(np.ones((1, 4, 4)), np.ones((2, 1, 3, 3)), np.ones((2, 3, 3)))
