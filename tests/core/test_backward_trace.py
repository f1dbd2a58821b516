"""ConvGradTrace, PoolGradTrace and the training run against torch.autograd."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim as ca
from strategies import conv_cases, pool_cases
from test_backward import autograd_conv


def one_sample(case):
    x, weight, bias, options, mode = case
    return x[:1], weight, bias, options, mode


@settings(max_examples=40)
@given(conv_cases(), st.integers(0, 2**31))
def test_trace_gradients_and_every_running_sum_agree_with_autograd(case, seed):
    x, weight, bias, options, mode = one_sample(case)
    gi, gw, gb, g = autograd_conv(x, weight, bias, options, mode, seed=seed)
    t = ca.trace_conv2d_backward(x[0], weight, g[0], padding_mode=mode, **options)
    np.testing.assert_array_equal(t.grad_input, gi[0])
    np.testing.assert_array_equal(t.grad_weight, gw)
    np.testing.assert_array_equal(t.grad_bias, gb)
    np.testing.assert_array_equal(t.weight_running[..., -1], gw)
    np.testing.assert_array_equal(t.weight_terms.sum(axis=(-2, -1)), gw)
    np.testing.assert_array_equal(t.bias_running[:, -1], gb)
    # The scatter view: every padded cell's terms, in order, end on its gradient.
    c_in, hp, wp = t.padded.shape
    for c in range(c_in):
        for y in range(hp):
            for xx in range(wp):
                terms = t.contributions(c, y, xx)
                assert (terms[-1].running if terms else 0) == t.grad_padded[c, y, xx]
                for term in terms:
                    assert term.term == term.grad * term.weight == t.input_terms[term.filter, term.oy, term.ox,
                                                                                  term.channel, term.ky, term.kx]


@settings(max_examples=30)
@given(conv_cases(allow_modes=False), st.integers(0, 2**31))
def test_the_backward_pass_is_a_convolution(case, seed):
    x, weight, bias, options, _ = one_sample(case)
    gi, gw, _, g = autograd_conv(x, weight, bias, options, "zeros", seed=seed)
    t = ca.trace_conv2d_backward(x[0], weight, g[0], **options)
    direct = t.direct_trace()
    np.testing.assert_array_equal(direct.output, t.grad_padded)
    # rows and columns past the last window's reach get no gradient: (OH−1)·s + d·(K−1) + 1 are reached
    geo = t.geometry
    oh, ow = ((o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(geo.out, geo.stride, geo.dilation, geo.kernel))
    assert not t.grad_padded[:, oh:].any() and not t.grad_padded[:, :, ow:].any()
    d = t.direct()
    assert not d.input[:, d.inserted].any()  # the zeros put between gradient cells (stride) are zeros
    kh, kw = weight.shape[2:]
    for c in range(x.shape[1]):
        filters = t.filters_of_channel(c)
        np.testing.assert_array_equal(t.weight_correlation(c).output[:, :kh, :kw],
                                      gw[filters.start:filters.stop, c % weight.shape[1]])


def test_a_lazy_trace_gives_the_eager_numbers():
    rng = np.random.default_rng(2)
    x, w = rng.integers(-5, 6, (4, 9, 9)), rng.integers(-3, 4, (4, 2, 3, 3))
    g = rng.integers(-3, 4, ca.conv2d(x, w, None, 2, 1, 1, 2).shape)
    eager = ca.trace_conv2d_backward(x, w, g, 2, 1, 1, 2)
    lazy = ca.trace_conv2d_backward(x, w, g, 2, 1, 1, 2, memory_budget=2000)
    assert lazy.lazy and not eager.lazy
    np.testing.assert_array_equal(lazy.grad_weight, eager.grad_weight)
    np.testing.assert_array_equal(lazy.weight_terms[3, 1, 2], eager.weight_terms[3, 1, 2])
    np.testing.assert_array_equal(lazy.weight_running[1, :, 0], eager.weight_running[1, :, 0])
    np.testing.assert_array_equal(lazy.input_terms[2, 1:3], eager.input_terms[2, 1:3])
    with pytest.raises(MemoryError, match="trace_conv2d_backward"):
        np.asarray(lazy.weight_terms)


def test_trace_refuses_a_batch_and_a_misshapen_gradient():
    with pytest.raises(ValueError, match="one sample"):
        ca.trace_conv2d_backward(np.ones((2, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"grad_output.*\(1, 2, 2\).*\(1, 3, 3\)"):
        ca.trace_conv2d_backward(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), np.ones((1, 3, 3)))


@settings(max_examples=30)
@given(conv_cases(), st.integers(0, 2**31))
def test_padding_gradients_fold_into_the_cells_they_copy_rows_then_columns(case, seed):
    x, weight, bias, options, mode = one_sample(case)
    gi, _, _, g = autograd_conv(x, weight, bias, options, mode, seed=seed)
    t = ca.trace_conv2d_backward(x[0], weight, g[0], padding_mode=mode, **options)
    rows, cols = t.padding_copies()
    top, bottom, left, right = t.geometry.pads
    h, w = t.geometry.input
    assert list(rows[top:top + h]) == list(range(h)) and list(cols[left:left + w]) == list(range(w))
    if mode == "zeros":  # zero padding copies nothing
        assert set(rows[:top]) | set(rows[top + h:]) | set(cols[:left]) | set(cols[left + w:]) <= {-1}
    # each padded cell's gradient added, by hand, into the cell it copies: rows first, then columns
    by_rows = np.zeros((t.input.shape[0], h, t.grad_padded.shape[2]))
    for i, r in enumerate(rows):
        if r >= 0:
            by_rows[:, r] += t.grad_padded[:, i]
    np.testing.assert_array_equal(t.grad_rows_folded(), by_rows)
    folded = np.zeros((t.input.shape[0], h, w))
    for j, q in enumerate(cols):
        if q >= 0:
            folded[:, :, q] += by_rows[:, :, j]
    np.testing.assert_array_equal(folded, gi[0])


@settings(max_examples=40)
@given(pool_cases(), st.integers(0, 2**31), st.sampled_from(["max", "avg"]))
def test_pool_trace_routes_every_gradient_as_autograd(case, seed, mode):
    x, options, dil = case
    x = x[:1, :, :, :]
    if mode == "avg":
        x, dil = np.nan_to_num(x, neginf=-7.0), (1, 1)
    tx = torch.tensor(x, requires_grad=True)
    y = (F.max_pool2d(tx, dilation=dil, **options) if mode == "max" else F.avg_pool2d(tx, **options))
    g = np.random.default_rng(seed).integers(-4, 5, tuple(y.shape)).astype(np.float64)
    y.backward(torch.tensor(g))
    extra = dict(dilation=dil) if mode == "max" else {}
    t = ca.trace_pool2d_backward(x[0], g[0], mode=mode, **options, **extra)
    np.testing.assert_allclose(t.grad_input, tx.grad.numpy()[0], rtol=1e-12, atol=1e-12)
    c, h, w = x[0].shape
    for cc in range(c):
        for yy in range(h):
            for xx in range(w):
                terms = t.contributions(cc, yy, xx)
                total = terms[-1].running if terms else 0.0
                assert total == pytest.approx(tx.grad.numpy()[0, cc, yy, xx], abs=1e-12)


def test_mse_loss_and_its_gradient_equal_torch():
    rng = np.random.default_rng(0)
    prediction, target = rng.standard_normal((2, 3, 4, 4)), rng.standard_normal((2, 3, 4, 4))
    tp = torch.tensor(prediction, requires_grad=True)
    loss = F.mse_loss(tp, torch.tensor(target))
    loss.backward()
    value, grad = ca.mse_loss(prediction, target)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, tp.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match=r"input \(2, 3\) and target \(3, 2\)"):
        ca.mse_loss(np.ones((2, 3)), np.ones((3, 2)))


def test_train_conv_steps_equal_torch_sgd():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 2, 6, 6))
    w0, b0 = rng.standard_normal((2, 2, 3, 3)), rng.standard_normal(2)
    targets = rng.standard_normal((3, 2, 4, 4))
    run = ca.train_conv(x, targets, w0, b0, lr=0.05, steps=4, stride=1, padding=0, dilation=1)
    tw, tb = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    optimizer = torch.optim.SGD([tw, tb], lr=0.05)
    for step in run.steps:
        optimizer.zero_grad()
        loss = F.mse_loss(F.conv2d(torch.tensor(x), tw, tb), torch.tensor(targets))
        loss.backward()
        assert step.loss == pytest.approx(loss.item(), rel=1e-12)
        np.testing.assert_allclose(step.grad_weight, tw.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(step.grad_bias, tb.grad.numpy(), rtol=1e-10, atol=1e-12)
        optimizer.step()
        np.testing.assert_allclose(step.new_weight, tw.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(step.new_bias, tb.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_the_edge_problem_learns_the_vertical_edge_kernel():
    problem = ca.edge_learning_problem()
    # The targets are the images through the vertical-edge kernel (−1 left column, +1 right).
    manual = problem.images[:, 0, :, 2:] - problem.images[:, 0, :, :-2]
    np.testing.assert_array_equal(problem.targets[:, 0], manual[:, :-2] + manual[:, 1:-1] + manual[:, 2:])
    run = problem.train()
    assert np.all(np.diff(run.losses) < 0), run.losses      # the loss falls at every step
    assert np.abs(run.final_weight - problem.kernel).max() < 0.03
    again = problem.train()
    np.testing.assert_array_equal(again.final_weight, run.final_weight)  # deterministic
