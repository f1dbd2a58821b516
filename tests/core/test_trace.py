"""ConvTrace: invariants, PyTorch as the oracle for every recorded value, hand-worked cases."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

from convanim import conv2d, trace_conv2d
from strategies import conv_cases


def torch_channel_sums(x, weight, bias, options):
    """channel_sums[f, oy, ox, c] by torch: conv of input channel c alone with weight[:, c]."""
    groups = options["groups"]
    cg = weight.shape[1]
    sums = []
    for c in range(cg):
        # channel c of every group, each filter seeing only its own group's channel c
        xc = torch.tensor(x[:, [g * cg + c for g in range(groups)]])
        wc = torch.tensor(weight[:, c:c + 1])
        sums.append(F.conv2d(xc, wc, None, **options).numpy()[0])
    return np.stack(sums, axis=-1)


@given(conv_cases(allow_modes=False))
def test_trace_values_equal_torch(case):
    x, weight, bias, options, _ = case
    x = x[:1]
    t = trace_conv2d(x, weight, bias, **options)
    ref = F.conv2d(torch.tensor(x), torch.tensor(weight), None if bias is None else torch.tensor(bias),
                   **options).numpy()[0]
    np.testing.assert_array_equal(t.output, ref)
    np.testing.assert_array_equal(t.channel_sums, torch_channel_sums(x, weight, bias, options))
    # products: torch's unfold (its im2col) times the weights
    pads = t.geometry.pads
    xp = F.pad(torch.tensor(x), (pads[2], pads[3], pads[0], pads[1]))
    cols = F.unfold(xp, weight.shape[2:], dilation=options["dilation"], stride=t.geometry.stride).numpy()[0]
    oh, ow = t.geometry.out
    c, kh, kw = x.shape[1], *weight.shape[2:]
    cols = cols.reshape(c, kh, kw, oh, ow)
    cg, og = weight.shape[1], weight.shape[0] // options["groups"]
    for f in range(weight.shape[0]):
        g = f // og
        expected = cols[g * cg:(g + 1) * cg].transpose(3, 4, 0, 1, 2) * weight[f]
        np.testing.assert_array_equal(t.products[f], expected)


@given(conv_cases())
def test_trace_invariants(case):
    x, weight, bias, options, mode = case
    t = trace_conv2d(x[0], weight, bias, padding_mode=mode, **options)
    np.testing.assert_array_equal(t.products.sum(axis=(-2, -1)), t.channel_sums)
    expected_bias = np.zeros(weight.shape[0]) if bias is None else bias
    np.testing.assert_array_equal(t.running[..., 0], np.broadcast_to(expected_bias[:, None, None], t.output.shape))
    np.testing.assert_array_equal(np.diff(t.running, axis=-1), t.channel_sums)
    np.testing.assert_array_equal(t.running[..., -1], t.output)
    np.testing.assert_array_equal(t.output, conv2d(x[0], weight, bias, padding_mode=mode, **options))


def reference_layer():
    """Hand-made 3->3 layer of the reference video's shape: channel c of the input is all c+1,
    filter f is all f+1, biases 10, 20, 30."""
    x = np.stack([np.full((4, 4), c + 1) for c in range(3)])
    w = np.stack([np.full((3, 3, 3), f + 1) for f in range(3)])
    return x, w, np.array([10, 20, 30])


def test_reference_layer_by_hand():
    x, w, b = reference_layer()
    t = trace_conv2d(x, w, b)
    assert t.output.shape == (3, 2, 2)
    # channel sum = 9 taps * (c+1) * (f+1); output = bias + 9 (f+1) (1+2+3) = bias + 54 (f+1)
    np.testing.assert_array_equal(t.output[:, 0, 0], [64, 128, 192])
    np.testing.assert_array_equal(t.running[0, 1, 1], [10, 19, 37, 64])
    np.testing.assert_array_equal(t.channel_sums[2, 0, 1], [27, 54, 81])
    assert t.products[1, 0, 0, 2, 1, 1] == 3 * 2
    assert t.output.dtype.kind == "i"


def test_stride_two_on_five_by_five_by_hand():
    x = np.arange(25).reshape(1, 5, 5)
    t = trace_conv2d(x, np.ones((1, 1, 3, 3), dtype=int), stride=2)
    # windows start at rows/cols 0 and 2: (0+1+2)+(5+6+7)+(10+11+12) = 54, etc.
    np.testing.assert_array_equal(t.output[0], [[54, 72], [144, 162]])
    np.testing.assert_array_equal(t.sources(0, 1, 0).rows, [2, 3, 4])


def test_sources_mark_padding_and_steps_follow_the_video_order():
    x, w, b = reference_layer()
    t = trace_conv2d(x, w, b, padding=1, stride=2)
    src = t.sources(0, 0, 0)
    np.testing.assert_array_equal(src.is_padding, [[1, 1, 1], [1, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(src.input_rows, [-1, 0, 1])
    steps = list(t.steps())
    assert len(steps) == 3 * 3 * 2 * 2
    order = [(s.filter, s.channel, s.oy, s.ox) for s in steps[:6]]
    assert order == [(0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 0), (0, 0, 1, 1), (0, 1, 0, 0), (0, 1, 0, 1)]
    s = t.step(2, 1, 1, 1)
    assert s.running_before + s.channel_sum == s.running_after
    assert s.products.sum() == s.channel_sum
    np.testing.assert_array_equal(s.window[s.sources.is_padding], 0)  # a padded window shows zeros where padded


def test_lazy_trace_matches_eager_and_respects_the_budget():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 10, (3, 12, 12))
    w = rng.integers(0, 10, (4, 3, 3, 3))
    b = rng.integers(10, 100, 4)
    eager = trace_conv2d(x, w, b, padding=1)
    lazy = trace_conv2d(x, w, b, padding=1, memory_budget=4096)
    assert not eager.lazy and lazy.lazy
    np.testing.assert_array_equal(lazy.products[2, 3, 4], eager.products[2, 3, 4])
    np.testing.assert_array_equal(lazy.products[1, :3, 5, 2, 0], eager.products[1, :3, 5, 2, 0])
    np.testing.assert_array_equal(lazy.channel_sums[3, 2], eager.channel_sums[3, 2])
    np.testing.assert_array_equal(lazy.running[0, 1:3, [0, 4]], eager.running[0, 1:3, [0, 4]])
    np.testing.assert_array_equal(lazy.output, eager.output)
    assert lazy.step(1, 2, 3, 4).running_after == eager.step(1, 2, 3, 4).running_after
    with pytest.raises(MemoryError, match="memory_budget"):
        np.asarray(lazy.products)
    with pytest.raises(MemoryError, match="memory_budget"):
        lazy.products[:, :, :]


def test_a_photo_sized_trace_stays_lazy():
    x = np.zeros((3, 1080, 1440), dtype=np.float32)
    t = trace_conv2d(x, np.ones((3, 3, 20, 20), dtype=np.float32))
    assert t.lazy and t.products.shape == (3, 1061, 1421, 3, 20, 20)
    assert t.products[0, 5, 7].shape == (3, 20, 20)


def test_trace_needs_a_single_sample():
    with pytest.raises(ValueError, match="one sample"):
        trace_conv2d(np.zeros((2, 1, 4, 4)), np.zeros((1, 1, 3, 3)))
