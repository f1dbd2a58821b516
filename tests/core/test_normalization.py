"""Issue 36, the core's new layers: inference batch norm (and each term of its trace), folding it into the conv
before it, global average and max pooling, LeakyReLU, sigmoid and tanh, against torch; from_torch's new modules;
hand-worked small cases and the refusals."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import convanim as ca


def batch_norm_case(draw_seed: int, channels: int, batch: int, size: tuple[int, int], dtype):
    rng = np.random.default_rng(draw_seed)
    x = rng.normal(size=(batch, channels, *size)).astype(dtype)
    mean = rng.normal(size=channels).astype(dtype)
    var = rng.uniform(0.0, 3.0, size=channels).astype(dtype)  # a variance may be 0: eps keeps the root real
    weight = rng.normal(size=channels).astype(dtype)
    bias = rng.normal(size=channels).astype(dtype)
    return x, mean, var, weight, bias


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), channels=st.integers(1, 6), batch=st.integers(1, 3),
       size=st.tuples(st.integers(1, 7), st.integers(1, 7)), eps=st.sampled_from([1e-5, 1e-3, 0.1]),
       float32=st.booleans(), affine=st.booleans())
def test_batch_norm_is_torchs_in_eval_mode(seed, channels, batch, size, eps, float32, affine):
    dtype = np.float32 if float32 else np.float64
    x, mean, var, weight, bias = batch_norm_case(seed, channels, batch, size, dtype)
    if not affine:
        weight = bias = None
    ours = ca.batch_norm(x, mean, var, weight, bias, eps)
    t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
    theirs = F.batch_norm(t(x), t(mean), t(var), t(weight), t(bias), training=False, eps=eps).numpy()
    tolerance = 1e-5 if float32 else 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)
    assert ours.dtype == dtype and ours.shape == x.shape
    three_d = ca.batch_norm(x[0], mean, var, weight, bias, eps)  # (C, H, W) in, (C, H, W) out
    np.testing.assert_array_equal(three_d, ours[0])


def test_batch_norm_trace_keeps_each_term_as_worked_by_hand():
    # channel 0: mean 2, var 3, eps 1 -> std 2; γ 3, β 1.  x = 6: centred 4, normalised 2, scaled 6, output 7.
    # channel 1: mean -1, var 8, eps 1 -> std 3; γ -1, β 0.5. x = 5: centred 6, normalised 2, scaled -2, out -1.5.
    x = np.array([[[6.0]], [[5.0]]])
    trace = ca.trace_batch_norm(x, [2, -1], [3, 8], [3, -1], [1, 0.5], eps=1)
    assert trace.std.tolist() == [2, 3]
    assert trace.centred.ravel().tolist() == [4, 6]
    assert trace.normalized.ravel().tolist() == [2, 2]
    assert trace.scaled.ravel().tolist() == [6, -2]
    assert trace.output.ravel().tolist() == [7, -1.5]
    assert trace.scale().tolist() == [1.5, -1 / 3]
    np.testing.assert_allclose(trace.shift(), [1 - 2 * 1.5, 0.5 - 1 / 3])  # β − mean · γ / std


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), c_in=st.integers(1, 4), c_out=st.integers(1, 4), k=st.integers(1, 3),
       stride=st.integers(1, 2), padding=st.integers(0, 2), bias=st.booleans())
def test_folding_batch_norm_into_the_conv_gives_the_same_output(seed, c_in, c_out, k, stride, padding, bias):
    rng = np.random.default_rng(seed)
    conv = ca.Conv(rng.normal(size=(c_out, c_in, k, k)), rng.normal(size=c_out) if bias else None, stride=stride,
                   padding=padding)
    bn = ca.BatchNorm(rng.normal(size=c_out), rng.uniform(0.1, 3, size=c_out), rng.normal(size=c_out),
                      rng.normal(size=c_out), eps=1e-3)
    x = rng.normal(size=(c_in, 6, 7))
    folded = ca.fold_batchnorm(conv, bn)
    two = ca.run_pipeline(x, [conv, bn])[-1].output
    one = ca.run_pipeline(x, [folded])[-1].output
    np.testing.assert_allclose(one, two, rtol=1e-12, atol=1e-12)
    # and torch agrees: its conv with the folded weights equals its conv then batch norm
    with torch.no_grad():
        theirs = F.batch_norm(F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(conv.weight),
                                       None if conv.bias is None else torch.from_numpy(conv.bias), stride, padding),
                              torch.from_numpy(bn.mean), torch.from_numpy(bn.var), torch.from_numpy(bn.weight),
                              torch.from_numpy(bn.bias), training=False, eps=1e-3).numpy()[0]
    np.testing.assert_allclose(one, theirs, rtol=1e-10, atol=1e-10)
    assert (folded.stride, folded.padding) == (stride, padding) and folded.bias.shape == (c_out,)


def test_folding_by_hand():
    # one 1x1 filter of weight 2, bias 1; batch norm mean 3, var 4 - eps, γ 6, β 5: s = 6/2 = 3.
    # folded weight 2·3 = 6, folded bias (1 − 3)·3 + 5 = −1; x = 4: conv 9, bn (9 − 3)·3 + 5 = 23 = 6·4 − 1.
    folded = ca.fold_batchnorm(ca.Conv(np.array([[[[2.0]]]]), np.array([1.0])),
                               ca.BatchNorm(np.array([3.0]), np.array([4.0 - 1e-5]), np.array([6.0]), np.array([5.0])))
    np.testing.assert_allclose(folded.weight.ravel(), [6.0])
    np.testing.assert_allclose(folded.bias, [-1.0])
    np.testing.assert_allclose(ca.run_pipeline(np.array([[[4.0]]]), [folded])[-1].output.ravel(), [23.0])



def test_the_folding_terms_by_hand_and_their_statements():
    # two filters: weight 2, bias 1 and weight −1, no bias; μ (0.5, 2), σ² (0.25, 4), ε 0, γ (1.5, −1), β (−0.3, 1)
    # std (0.5, 2); s (3, −0.5); W′ (6, 0.5); b′ ((1 − 0.5)·3 − 0.3, (0 − 2)·(−0.5) + 1) = (1.2, 2)
    trace = ca.trace_fold_batchnorm(ca.Conv(np.array([[[[2.0]]], [[[-1.0]]]]), np.array([1.0, 0.0])),
                                    ca.BatchNorm([0.5, 2], [0.25, 4], [1.5, -1], [-0.3, 1], eps=0))
    np.testing.assert_allclose(trace.std, [0.5, 2])
    np.testing.assert_allclose(trace.scale, [3, -0.5])
    np.testing.assert_allclose(trace.folded.weight.ravel(), [6, 0.5])
    np.testing.assert_allclose(trace.folded.bias, [1.2, 2])
    statements = ca.statements
    assert str(statements.fold_scale_statement(trace, 0, 2)) == "s[0] = γ / √(σ² + ε) = 1.50 / √(0.25 + 0) = 3.00"
    assert str(statements.fold_scale_statement(trace, 1, 1)) == "s[1] = γ / √(σ² + ε) = (−1.0) / √(4.0 + 0) = −0.5"
    assert str(statements.fold_bias_statement(trace, 0, 2)) == \
        "b′[0] = (b − μ) · s + β = (1.00 − 0.50) · 3.00 − 0.30 = 1.20"
    assert str(statements.fold_bias_statement(trace, 1, 1)) == \
        "b′[1] = (b − μ) · s + β = (0.0 − 2.0) · (−0.5) + 1.0 = 2.0"
    # ε written out in full (whole numbers stay whole), and a rounded s that misses the bias says so: s = 1 / √(3 + 0.00001) = 0.57735…
    rough = ca.trace_fold_batchnorm(ca.Conv(np.ones((1, 1, 1, 1)), np.array([10.0])), ca.BatchNorm([0], [3], [1], [0]))
    assert str(statements.fold_scale_statement(rough, 0, 2)) == "s[0] = γ / √(σ² + ε) = 1 / √(3 + 0.00001) = 0.58"
    assert str(statements.fold_bias_statement(rough, 0, 2)) == "b′[0] = (b − μ) · s + β = (10.00 − 0) · 0.58 + 0 ≈ 5.77"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 6),
                                                      st.integers(1, 6)))
def test_global_pooling_is_torchs_adaptive_pooling_to_one(seed, shape):
    x = np.random.default_rng(seed).normal(size=shape)
    t = torch.from_numpy(x)
    np.testing.assert_allclose(ca.global_avg_pool2d(x), F.adaptive_avg_pool2d(t, 1).numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(ca.global_max_pool2d(x), F.adaptive_max_pool2d(t, 1).numpy())
    assert ca.global_avg_pool2d(x[0]).shape == (shape[1], 1, 1)


def test_global_pooling_by_hand():
    x = np.array([[[1, 2], [3, 6]], [[-1, -5], [0, -2]]])
    assert ca.global_avg_pool2d(x).ravel().tolist() == [3.0, -2.0]
    assert ca.global_max_pool2d(x).ravel().tolist() == [6, 0]
    assert np.isnan(ca.global_max_pool2d(np.array([[[1.0, np.nan]]]))).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), slope=st.floats(-2, 2), scale=st.sampled_from([1.0, 30.0, 800.0]))
def test_the_activations_are_torchs(seed, slope, scale):
    x = np.random.default_rng(seed).normal(size=(2, 3, 4)) * scale
    t = torch.from_numpy(x)
    np.testing.assert_allclose(ca.leaky_relu(x, slope), F.leaky_relu(t, slope).numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(ca.sigmoid(x), torch.sigmoid(t).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ca.tanh(x), torch.tanh(t).numpy(), rtol=1e-12, atol=1e-300)


def test_the_activations_by_hand():
    assert ca.leaky_relu(np.array([-10, 0, 3]), 0.1).tolist() == [-1.0, 0.0, 3.0]
    assert ca.sigmoid(np.array([0.0]))[0] == 0.5
    assert ca.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]  # no overflow warning either way
    assert np.isnan(ca.sigmoid(np.array([np.nan]))).all() and np.isnan(ca.leaky_relu(np.array([np.nan]))).all()
    assert ca.tanh(np.array([0]))[0] == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: ca.batch_norm(np.zeros((2, 3, 3)), [0, 0, 0], [1, 1]), r"running_mean must have one value per channel"),
    (lambda: ca.batch_norm(np.zeros((2, 3, 3)), [0, 0], [1, -1]), r"running_var must not be negative"),
    (lambda: ca.batch_norm(np.zeros((2, 3, 3)), [0, 0], [1, 1], eps=-1), r"eps must be 0 or more"),
    (lambda: ca.batch_norm(np.zeros((3, 3)), [0], [1]), r"input must be 3-d \(C, H, W\) or 4-d"),
    (lambda: ca.fold_batchnorm(ca.ReLU(), ca.BatchNorm(np.zeros(1), np.ones(1))), r"fold_batchnorm takes a Conv"),
    (lambda: ca.run_pipeline(np.zeros((1, 2, 2)), [ca.Flatten(), ca.BatchNorm(np.zeros(1), np.ones(1))]),
     r"layer 2 \(BatchNorm\) on maps of shape \(4,\): BatchNorm needs maps"),
])
def test_bad_arguments_are_one_clear_line(call, message):
    with pytest.raises(ValueError if "fold" not in message else TypeError, match=message):
        call()


def test_a_small_cnn_with_batch_norm_and_global_pooling_from_torch_computes_what_torch_computes():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.1), nn.Dropout(0.5),
                        nn.Conv2d(4, 3, 3), nn.BatchNorm2d(3, affine=False), nn.Tanh(), nn.AdaptiveMaxPool2d(1),
                        nn.Flatten(), nn.Identity(), nn.Linear(3, 5), nn.Sigmoid()).double()
    with torch.no_grad():  # trained-looking statistics, not the initial 0 and 1
        for bn in (net[1], net[5]):
            bn.running_mean.uniform_(-1, 1)
            bn.running_var.uniform_(0.2, 3)
        net[1].weight.uniform_(-2, 2)
        net[1].bias.uniform_(-1, 1)
    net.eval()
    layers = ca.from_torch(net)
    assert [type(layer).__name__ for layer in layers] == ["Conv", "BatchNorm", "LeakyReLU", "Conv", "BatchNorm",
                                                          "Tanh", "GlobalMaxPool", "Flatten", "Linear", "Sigmoid"]
    for seed in range(3):
        x = np.random.default_rng(seed).normal(size=(2, 9, 8))
        stages = ca.run_pipeline(x, layers)
        with torch.no_grad():
            expected = net(torch.from_numpy(x)[None]).numpy()[0]
        np.testing.assert_allclose(stages[-1].output, expected, rtol=1e-10, atol=1e-12)
        assert stages[7].shape == (3, 1, 1) and stages[2].params == 8  # γ and β of 4 channels
    avg = ca.from_torch(nn.AdaptiveAvgPool2d((1, 1)))
    assert avg == [ca.GlobalAvgPool()]


@pytest.mark.parametrize("module, message", [
    (nn.AdaptiveAvgPool2d(2), r"AdaptiveAvgPool2d\(output_size=2\) is not supported; only output_size=1"),
    (nn.AdaptiveMaxPool2d(1, return_indices=True), r"AdaptiveMaxPool2d\(output_size=1\) is not supported"),
    (nn.BatchNorm2d(3, track_running_stats=False), r"track_running_stats=False\) is not supported"),
    (nn.GELU(), r"GELU is not supported; supported: Conv2d, BatchNorm2d, .*AdaptiveAvgPool2d\(1\)"),
])
def test_modules_convanim_cannot_compute_are_named(module, message):
    with pytest.raises(TypeError, match=message):
        ca.from_torch(module)


def test_a_batch_norm_cell_written_out_by_hand():
    trace = ca.trace_batch_norm(np.array([[[6.0]], [[5.0]]]), [2, -1], [3, 8], [3, -1], [1, 0.5], eps=1)
    assert str(ca.statements.batch_norm_statement(trace, 0, 0, 0, 0)) == "y = (6 − 2) / 2 · 3 + 1 = 7"
    # channel 1: (5 + 1) / 3 · (−1) + 0.5 = −1.5, written with one place
    assert str(ca.statements.batch_norm_statement(trace, 1, 0, 0, 1)) == "y = (5.0 − (−1)) / 3.0 · (−1) + 0.5 = −1.5"  # ints stay whole
    # rounded numbers that do not give the rounded total say so: std √1.5 = 1.2247… is written 1.2, and
    # 10 / 1.2 = 8.33 while the output 10 / 1.2247 = 8.165 is written 8.2
    rough = ca.trace_batch_norm(np.array([[[10.0]]]), [0], [1.5], [1], [0], eps=0)
    assert str(ca.statements.batch_norm_statement(rough, 0, 0, 0, 1)) == "y = (10.0 − 0) / 1.2 · 1 + 0 ≈ 8.2"


def test_a_picture_made_ready_for_a_model_by_hand(tmp_path):
    """picture_for_model: resized with Pillow's Lanczos filter, grey or RGB by the model's channels, levels mapped
    onto the range, then (x − mean) / std per channel; worked here from Pillow's own conversions."""
    from PIL import Image

    from convanim.inputs.model_input import picture_for_model

    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (20, 30, 3)).astype(np.uint8)
    Image.fromarray(rgb).save(tmp_path / "rgb.png")
    x = picture_for_model(tmp_path / "rgb.png", (3, 8, 12), value_range=(-1, 1), mean=(0.1, 0.2, 0.3),
                          std=(0.5, 0.25, 2.0))
    resized = np.asarray(Image.fromarray(rgb).resize((12, 8), Image.Resampling.LANCZOS)).astype(float)
    expected = (resized / 255 * 2 - 1 - np.array([0.1, 0.2, 0.3])) / np.array([0.5, 0.25, 2.0])
    np.testing.assert_allclose(x, expected.transpose(2, 0, 1), atol=1e-12)
    grey = picture_for_model(tmp_path / "rgb.png", (1, 8, 12))  # one channel: the picture's luma, 0..1
    luma = np.asarray(Image.fromarray(rgb).convert("L").resize((12, 8), Image.Resampling.LANCZOS)) / 255
    np.testing.assert_allclose(grey[0], luma, atol=2 / 255)  # Pillow rounds its luma once more
    with pytest.raises(ValueError, match=r"the model takes 2 input channels; a picture gives 1 \(grey\) or 3"):
        picture_for_model(tmp_path / "rgb.png", (2, 8, 8))
    with pytest.raises(ValueError, match=r"mean and std take one value or 3"):
        picture_for_model(tmp_path / "rgb.png", (3, 8, 8), mean=(0.1, 0.2))
    with pytest.raises(ValueError, match=r"std must be above 0"):
        picture_for_model(None, (1, 8, 8), std=(0,))
