"""conv2d against torch.nn.functional.conv2d."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

from convanim import conv2d
from strategies import conv_cases


def torch_conv(x, weight, bias, options, mode):
    tx, tw = torch.tensor(x), torch.tensor(weight)
    tb = None if bias is None else torch.tensor(bias)
    if mode == "zeros":
        return F.conv2d(tx, tw, tb, **options).numpy()
    # nn.Conv2d semantics for other modes: pad with F.pad, then convolve without padding.
    conv = torch.nn.Conv2d(x.shape[1], weight.shape[0], weight.shape[2:], bias=bias is not None,
                           padding_mode=mode, dtype=torch.float64, **options)
    with torch.no_grad():
        conv.weight.copy_(tw)
        if bias is not None:
            conv.bias.copy_(tb)
        return conv(tx).numpy()


@given(conv_cases())
def test_conv2d_equals_torch_exactly_on_integer_values(case):
    x, weight, bias, options, mode = case
    ours = conv2d(x, weight, bias, padding_mode=mode, **options)
    np.testing.assert_array_equal(ours, torch_conv(x, weight, bias, options, mode))


@given(conv_cases(allow_modes=False))
def test_integer_arrays_stay_integer(case):
    x, weight, bias, options, _ = case
    ours = conv2d(x.astype(np.int64), weight.astype(np.int32),
                  None if bias is None else bias.astype(np.int64), **options)
    assert np.issubdtype(ours.dtype, np.integer)
    np.testing.assert_array_equal(ours, torch_conv(x, weight, bias, options, "zeros"))


@pytest.mark.parametrize("shape,kernel,options", [
    ((2, 4, 40, 37), (6, 4, 3, 3), dict(padding=1)),
    ((1, 3, 33, 35), (3, 3, 10, 10), dict(padding="same")),        # FFT path, even kernel
    ((1, 3, 40, 41), (3, 3, 8, 7), dict(dilation=2)),               # FFT path, dilated
    ((2, 6, 30, 30), (6, 1, 3, 3), dict(groups=6, stride=2, padding=1)),  # depthwise
])
def test_float32_matches_torch(shape, kernel, options):
    rng = np.random.default_rng(1)
    x = rng.random(shape, dtype=np.float32)
    w = rng.standard_normal(kernel, dtype=np.float32)
    b = rng.standard_normal(kernel[0], dtype=np.float32)
    ours = conv2d(x, w, b, **options)
    ref = F.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), **options).numpy()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


def test_three_dimensional_input_gives_three_dimensional_output():
    x = np.ones((2, 5, 5))
    assert conv2d(x, np.ones((4, 2, 3, 3))).shape == (4, 3, 3)


def test_nan_and_inf_propagate_like_torch():
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 4, 4] = np.inf
    w = np.ones((1, 1, 3, 3))
    ours = conv2d(x, w)
    ref = F.conv2d(torch.tensor(x), torch.tensor(w)).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_array_equal(ours[~np.isnan(ours)], ref[~np.isnan(ref)])
