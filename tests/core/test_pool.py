"""max_pool2d, avg_pool2d, relu and PoolTrace against PyTorch."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convanim import avg_pool2d, max_pool2d, output_size, relu, trace_pool2d
from strategies import pool_cases


@given(pool_cases())
def test_max_pool2d_values_and_indices_equal_torch(case):
    x, options, dil = case
    ours, idx = max_pool2d(x, dilation=dil, return_indices=True, **options)
    ref, ref_idx = F.max_pool2d(torch.tensor(x), dilation=dil, return_indices=True, **options)
    np.testing.assert_array_equal(ours, ref.numpy())  # NaN == NaN here
    np.testing.assert_array_equal(idx, ref_idx.numpy())
    np.testing.assert_array_equal(max_pool2d(x, dilation=dil, **options), ref.numpy())


@given(pool_cases(dilation=False), st.booleans(), st.sampled_from([None, 2, 5]))
def test_avg_pool2d_equals_torch(case, count_include_pad, divisor_override):
    x, options, _ = case
    x = np.nan_to_num(x, neginf=-7.0)
    ours = avg_pool2d(x, count_include_pad=count_include_pad, divisor_override=divisor_override, **options)
    ref = F.avg_pool2d(torch.tensor(x), count_include_pad=count_include_pad,
                       divisor_override=divisor_override, **options).numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def test_integer_max_pool_keeps_dtype():
    x = np.arange(16).reshape(1, 4, 4)
    out = max_pool2d(x, 2)
    assert out.dtype == x.dtype
    np.testing.assert_array_equal(out, [[[5, 7], [13, 15]]])  # by hand: bottom-right of each 2x2 block


def test_relu_matches_torch_including_nan():
    x = np.array([-2.0, -0.0, 0.5, np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(relu(x), torch.relu(torch.tensor(x)).numpy())
    assert relu(np.array([-3, 4], dtype=np.int16)).dtype == np.int16


@given(pool_cases())
def test_pool_trace_winner_is_the_value_torch_returns(case):
    x, options, dil = case
    t = trace_pool2d(x[0], mode="max", dilation=dil, **options)
    ref, ref_idx = F.max_pool2d(torch.tensor(x[0]), dilation=dil, return_indices=True, **options)
    np.testing.assert_array_equal(t.indices, ref_idx.numpy())
    for step in t.steps():
        ky, kx = step.winner
        assert not step.is_padding[ky, kx]
        # The winning tap sits on the input cell return_indices names.
        y, x_ = step.rows[ky] - t.geometry.pads[0], step.cols[kx] - t.geometry.pads[2]
        assert y * t.geometry.input[1] + x_ == step.index
        np.testing.assert_array_equal(step.values[ky, kx], ref.numpy()[step.channel, step.oy, step.ox])


def test_pool_trace_avg_hand_worked():
    # 3x3 input, 2x2 windows, stride 2, padding 1, count_include_pad=False.
    x = np.array([[[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]]])
    t = trace_pool2d(x, 2, mode="avg", stride=2, padding=1, count_include_pad=False)
    # windows: {1} | {2,3} / {4,7} | {5,6,8,9}
    np.testing.assert_array_equal(t.sums[0], [[1, 5], [11, 28]])
    np.testing.assert_array_equal(t.divisors, [[1, 2], [2, 4]])
    np.testing.assert_array_equal(t.output[0], [[1, 2.5], [5.5, 7]])
    t_incl = trace_pool2d(x, 2, mode="avg", stride=2, padding=1)
    np.testing.assert_array_equal(t_incl.divisors, [[4, 4], [4, 4]])


def test_max_pool_pads_with_minus_infinity_not_zero():
    # All negative input: zero padding would make every padded window's max 0.
    x = -np.arange(1, 10, dtype=float).reshape(1, 3, 3)
    out = max_pool2d(x, 2, stride=2, padding=1)
    np.testing.assert_array_equal(out[0], [[-1, -2], [-4, -5]])


def test_ceil_mode_drops_a_window_starting_in_the_padding():
    # i=5, k=2, s=2, p=1: ceil((5+2-2)/2)+1 = 4 windows would start at -1,1,3,5; 5 >= i+p-... so 3 remain.
    assert max_pool2d(np.zeros((1, 5, 5)), 2, 2, 1, ceil_mode=True).shape == (1, 3, 3)
    assert output_size(5, 2, 2, 1, ceil_mode=True) == 3
    assert output_size(6, 3, 2, 0, ceil_mode=True) == 3  # last window covers cols 4..6 (one past the edge)


@pytest.mark.parametrize("kernel,padding", [(3, 2), (2, 2), ((4, 3), (1, 2))])
def test_pool_padding_above_half_kernel_is_rejected(kernel, padding):
    with pytest.raises(ValueError, match="at most half of kernel_size"):
        max_pool2d(np.zeros((1, 8, 8)), kernel, padding=padding)
