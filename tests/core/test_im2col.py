"""im2col/col2im: both loop orders agree, torch.unfold/fold are the oracle, adjointness."""
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given

from convanim import col2im, conv2d, im2col, im2col_conv2d, im2col_steps
from strategies import conv_cases


def geometry_args(options, weight):
    return dict(kernel_size=weight.shape[2:], stride=options["stride"], padding=options["padding"],
                dilation=options["dilation"])


@given(conv_cases(allow_same=False, allow_modes=False))
def test_both_methods_equal_torch_unfold(case):
    x, weight, _, options, _ = case
    args = geometry_args(options, weight)
    by_kernel = im2col(x, method="kernel", **args)
    by_window = im2col(x, method="window", **args)
    np.testing.assert_array_equal(by_kernel, by_window)
    ref = F.unfold(torch.tensor(x), **args).numpy()  # (N, C*KH*KW, L)
    np.testing.assert_array_equal(by_kernel, ref.transpose(0, 2, 1).reshape(-1, ref.shape[1]))


@given(conv_cases(allow_same=False, allow_modes=False))
def test_one_matrix_product_is_the_convolution(case):
    x, weight, bias, options, _ = case
    if options["groups"] != 1:
        return
    args = geometry_args(options, weight)
    cols = im2col(x, **args)
    out = conv2d(x, weight, bias, **options)
    n, f, oh, ow = out.shape
    product = cols @ weight.reshape(f, -1).T + (0 if bias is None else bias)
    np.testing.assert_array_equal(product.reshape(n, oh, ow, f).transpose(0, 3, 1, 2), out)


@given(conv_cases(allow_same=False, allow_modes=False))
def test_col2im_is_the_adjoint_and_equals_torch_fold(case):
    x, weight, _, options, _ = case
    args = geometry_args(options, weight)
    cols = im2col(x, **args)
    rng = np.random.default_rng(0)
    m = rng.integers(-4, 5, cols.shape).astype(np.float64)
    folded = col2im(m, x.shape, **args)
    assert np.sum(cols * m) == np.sum(x * folded)  # <im2col(x), m> = <x, col2im(m)>
    n = x.shape[0]
    tm = torch.tensor(m.reshape(n, -1, m.shape[1]).transpose(0, 2, 1).copy())
    ref = F.fold(tm, x.shape[2:], **args).numpy()
    np.testing.assert_array_equal(folded, ref)


def test_book_example_shapes():
    # Deep Learning from Scratch, ch. 7: (1, 3, 7, 7) with a 5x5 filter -> (9, 75); batch 10 -> (90, 75).
    assert im2col(np.zeros((1, 3, 7, 7)), 5).shape == (9, 75)
    assert im2col(np.zeros((10, 3, 7, 7)), 5, method="window").shape == (90, 75)


def test_small_case_by_hand():
    x = np.arange(9).reshape(1, 3, 3)
    cols = im2col(x, 2)
    np.testing.assert_array_equal(cols, [[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]])
    # every interior cell lies in 4 windows, corners in 1, edges in 2
    np.testing.assert_array_equal(col2im(np.ones_like(cols), x.shape, 2), [[[1, 2, 1], [2, 4, 2], [1, 2, 1]]])


@given(conv_cases(allow_same=False, allow_modes=False))
def test_fill_steps_of_both_loop_orders_build_torch_unfold(case):
    x, weight, _, options, _ = case
    args = geometry_args(options, weight)
    ref = F.unfold(torch.tensor(x), **args).numpy()
    expected = ref.transpose(0, 2, 1).reshape(-1, ref.shape[1])
    kh, kw = weight.shape[2:]
    n_windows = expected.shape[0] // x.shape[0]
    for method, count in (("kernel", kh * kw), ("window", n_windows)):
        steps = im2col_steps(x, method=method, **args)
        assert len(steps) == count
        matrix = np.full(expected.shape, np.nan)
        for step in steps:
            assert np.all(np.isnan(matrix[step.rows, step.cols]))  # each entry written exactly once
            matrix[step.rows, step.cols] = step.values
            padded = np.pad(x, [(0, 0), (0, 0), (args["padding"][0],) * 2, (args["padding"][1],) * 2])
            np.testing.assert_array_equal(padded[step.source], step.values)  # the sources hold the values
        np.testing.assert_array_equal(matrix, expected)


def test_fill_step_counters_follow_the_loops():
    x = np.arange(25).reshape(1, 5, 5)
    kernel_steps = im2col_steps(x, 2, method="kernel")
    window_steps = im2col_steps(x, 2, method="window")
    assert [s.counter for s in kernel_steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [s.counter for s in window_steps] == [(oy, ox) for oy in range(4) for ox in range(4)]
    # Hand-worked: tap (1, 0) of every window is the input from row 1, columns 0..3, rows 1..4.
    np.testing.assert_array_equal(kernel_steps[2].values, x[0, 1:5, 0:4].ravel())
    assert set(kernel_steps[2].cols) == {2}
    # Window (2, 3) is rows 2-3, columns 3-4 of the input, in matrix row 2*4 + 3 = 11.
    np.testing.assert_array_equal(window_steps[11].values, [13, 14, 18, 19])
    assert set(window_steps[11].rows) == {11}


@given(conv_cases(allow_same=False, allow_modes=False))
def test_im2col_conv2d_equals_torch(case):
    x, weight, bias, options, _ = case
    if options["groups"] != 1:
        return
    opts = {k: options[k] for k in ("stride", "padding", "dilation")}
    result = im2col_conv2d(x, weight, bias, **opts)
    ref = F.conv2d(torch.tensor(x), torch.tensor(weight), None if bias is None else torch.tensor(bias), **opts)
    np.testing.assert_array_equal(result.output, ref.numpy())
    n, f = x.shape[0], weight.shape[0]
    assert result.weight_matrix.shape == (weight[0].size, f)
    np.testing.assert_array_equal(result.weight_matrix[:, -1], weight[-1].ravel())
    np.testing.assert_allclose(result.output_matrix - result.bias, result.product)
    assert result.product.shape == (n * result.geometry.out[0] * result.geometry.out[1], f)
