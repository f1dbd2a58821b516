"""im2col/col2im: both loop orders agree, torch.unfold/fold are the oracle, adjointness."""
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given

from convanim import col2im, conv2d, im2col
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
