"""conv_transpose2d and its direct-convolution form against PyTorch."""
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from convanim import conv2d, conv_transpose2d, transpose_output_size, transposed_as_direct


@st.composite
def transpose_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    assume(all(transpose_output_size(i, k, s, p, o, d) >= 1 for i, k, s, p, o, d in
               zip((h, w), kernel, stride, padding, output_padding, dilation)))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    x = rng.integers(-5, 6, (draw(st.integers(1, 2)), cg * groups, h, w)).astype(np.float64)
    weight = rng.integers(-3, 4, (cg * groups, og, *kernel)).astype(np.float64)
    bias = rng.integers(-9, 10, og * groups).astype(np.float64)
    return x, weight, bias, dict(stride=stride, padding=padding, output_padding=output_padding,
                                 groups=groups, dilation=dilation)


@given(transpose_cases())
def test_conv_transpose2d_equals_torch(case):
    x, weight, bias, options = case
    ours = conv_transpose2d(x, weight, bias, **options)
    ref = F.conv_transpose2d(torch.tensor(x), torch.tensor(weight), torch.tensor(bias), **options).numpy()
    np.testing.assert_array_equal(ours, ref)


@given(transpose_cases())
def test_direct_form_is_an_ordinary_convolution_with_the_same_result(case):
    x, weight, bias, options = case
    direct = transposed_as_direct(x, weight, bias, **options)
    ours = conv2d(direct.input, direct.weight, direct.bias, dilation=direct.dilation, groups=direct.groups)
    ref = F.conv_transpose2d(torch.tensor(x), torch.tensor(weight), torch.tensor(bias), **options).numpy()
    np.testing.assert_array_equal(ours, ref)
    # Where source_rows/cols lie inside the (possibly cropped) grid, the input values sit there.
    rows_ok = (direct.source_rows >= 0) & (direct.source_rows < direct.input.shape[2])
    cols_ok = (direct.source_cols >= 0) & (direct.source_cols < direct.input.shape[3])
    placed = direct.input[:, :, direct.source_rows[rows_ok][:, None], direct.source_cols[cols_ok][None, :]]
    np.testing.assert_array_equal(placed, x[:, :, rows_ok][:, :, :, cols_ok])
    assert not direct.input[..., direct.inserted].any()

def test_direct_form_of_a_hand_worked_case():
    # 2x2 input, 3x3 kernel, stride 2, padding 1, output_padding 1:
    # one zero between units, border d(k-1)-p = 1, plus one at the bottom/right.
    x = np.array([[[1, 2], [3, 4]]])
    w = np.arange(9).reshape(1, 1, 3, 3)
    direct = transposed_as_direct(x, w, stride=2, padding=1, output_padding=1)
    expected_input = np.array([[0, 0, 0, 0, 0],
                               [0, 1, 0, 2, 0],
                               [0, 0, 0, 0, 0],
                               [0, 3, 0, 4, 0],
                               [0, 0, 0, 0, 0]])
    # (i-1)s - 2p + d(k-1) + op + 1 = 2 - 2 + 2 + 1 + 1 = 4, and the direct input is 4 + 3 - 1 = 6.
    assert direct.input.shape == (1, 6, 6)
    np.testing.assert_array_equal(direct.input[0, :5, :5], expected_input)
    np.testing.assert_array_equal(direct.input[0, 5], 0)
    np.testing.assert_array_equal(direct.weight[0, 0], w[0, 0, ::-1, ::-1])
    assert direct.inserted[2, 2] and direct.inserted[1, 2] and not direct.inserted[1, 1]
    assert direct.padding[0].all() and direct.padding[5].all() and not direct.padding[1, 1]
    np.testing.assert_array_equal(direct.source_rows, [1, 3])
    assert conv_transpose2d(x, w, stride=2, padding=1, output_padding=1).shape == (1, 4, 4)


@given(transpose_cases())
def test_scatter_trace_ends_on_torch_and_each_step_adds_value_times_kernel(case):
    from convanim import trace_conv_transpose2d
    x, weight, bias, options = case
    t = trace_conv_transpose2d(x[0], weight, bias, **options)
    ref = F.conv_transpose2d(torch.tensor(x[:1]), torch.tensor(weight), torch.tensor(bias), **options).numpy()[0]
    steps = list(t.steps())
    assert len(steps) == x[0].size
    np.testing.assert_array_equal(steps[0].output_before, np.broadcast_to(bias[:, None, None], ref.shape))
    np.testing.assert_array_equal(steps[-1].output_after, ref)
    np.testing.assert_array_equal(t.output, ref)
    for s in steps[:5]:
        np.testing.assert_array_equal(s.products, x[0, s.channel, s.iy, s.ix] * weight[s.channel])
        # what changed is exactly the taps inside the output, by the products
        delta = s.output_after - s.output_before
        assert np.isclose(delta.sum(), s.products[:, s.inside].sum())


def test_scatter_by_hand():
    from convanim import trace_conv_transpose2d
    # 2x2 input, 2x2 kernel of ones, stride 2: each value fills its own 2x2 block.
    t = trace_conv_transpose2d(np.array([[[1, 2], [3, 4]]]), np.ones((1, 1, 2, 2), dtype=int), stride=2)
    np.testing.assert_array_equal(t.output[0], [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    second = list(t.steps())[1]
    np.testing.assert_array_equal(second.rows, [0, 1])
    np.testing.assert_array_equal(second.cols, [2, 3])
