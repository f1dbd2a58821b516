"""Issue 37: the PyTorch code for what is on screen.  The script of every layer kind, with random options, runs
under torch and its ``y`` equals the core's output (itself checked against torch elsewhere); the lines stay
short enough for a card; the options written are exactly those that differ from PyTorch's defaults."""
import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convanim as ca
from convanim.torch_code import (LINE_WIDTH, call_lines, conv_code, conv_transpose_code, im2col_code, pipeline_code,
                                 pool_code, true_convolution_code)

SOME = settings(max_examples=60, deadline=None, derandomize=True)


def run_script(code, width: int = LINE_WIDTH) -> np.ndarray:
    space, grad = {}, torch.is_grad_enabled()
    try:
        exec(compile(code.script(), "<script>", "exec"), space)  # noqa: S102  (the test runs the code it wrote)
    finally:
        torch.set_grad_enabled(grad)  # the script turns gradients off for its process; not for the other tests
    assert all(len(line) <= width for line in code.lines), code.lines
    return space["y"].detach().numpy()


@SOME
@given(seed=st.integers(0, 999), spatial=st.sampled_from([1, 2, 3]), groups=st.sampled_from([1, 2]),
       k=st.integers(1, 3), stride=st.integers(1, 2), dilation=st.integers(1, 2), pad=st.integers(0, 1),
       same=st.booleans(), bias=st.booleans(), mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
def test_the_conv_script_computes_the_cores_output(seed, spatial, groups, k, stride, dilation, pad, same, bias, mode):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (2 * groups, *[4] * spatial))
    w = rng.integers(-2, 3, (2 * groups, 2, *[k] * spatial))
    b = rng.integers(-9, 10, 2 * groups) if bias else None
    padding = "same" if same and stride == 1 else pad
    assume(dilation * (k - 1) < 4 + 2 * (pad if padding != "same" else 0))
    function = {1: ca.conv1d, 2: ca.conv2d, 3: ca.conv3d}[spatial]
    ours = function(x, w, b, stride, padding, dilation, groups, mode)
    np.testing.assert_allclose(run_script(conv_code(x, w, b, stride, padding, dilation, groups, mode)), ours)


@SOME
@given(seed=st.integers(0, 999), spatial=st.sampled_from([1, 2]), groups=st.sampled_from([1, 2]),
       k=st.integers(1, 3), stride=st.integers(1, 3), padding=st.integers(0, 1), output_padding=st.integers(0, 1),
       dilation=st.integers(1, 2), bias=st.booleans())
def test_the_transposed_script_computes_the_cores_output(seed, spatial, groups, k, stride, padding, output_padding,
                                                         dilation, bias):
    assume(output_padding < stride or output_padding < dilation)
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (2 * groups, *[3] * spatial))
    w = rng.integers(-2, 3, (2 * groups, 2, *[k] * spatial))
    b = rng.integers(-9, 10, 2 * groups) if bias else None
    function = ca.conv_transpose1d if spatial == 1 else ca.conv_transpose2d
    ours = function(x, w, b, stride, padding, output_padding, groups, dilation)
    code = conv_transpose_code(x, w, b, stride, padding, output_padding, groups, dilation)
    np.testing.assert_allclose(run_script(code), ours)


@SOME
@given(seed=st.integers(0, 999), spatial=st.sampled_from([1, 2, 3]), mode=st.sampled_from(["max", "avg"]),
       k=st.integers(1, 3), stride=st.sampled_from([None, 1, 2]), dilation=st.integers(1, 2),
       ceil_mode=st.booleans(), count_include_pad=st.booleans(), divisor=st.sampled_from([None, 3]))
def test_the_pooling_script_computes_the_cores_output(seed, spatial, mode, k, stride, dilation, ceil_mode,
                                                      count_include_pad, divisor):
    x = np.random.default_rng(seed).normal(size=(2, *[5] * spatial)).round(2)
    padding = k // 2
    if mode == "max":
        function = {1: ca.max_pool1d, 2: ca.max_pool2d, 3: ca.max_pool3d}[spatial]
        ours = function(x, k, stride, padding, dilation, ceil_mode)
        code = pool_code(x, "max", k, stride, padding, dilation, ceil_mode)
    else:
        assume(spatial != 1 or divisor is None)  # torch's avg_pool1d has no divisor_override
        function = {1: ca.avg_pool1d, 2: ca.avg_pool2d, 3: ca.avg_pool3d}[spatial]
        extra = () if spatial == 1 else (divisor,)
        ours = function(x, k, stride, padding, ceil_mode, count_include_pad, *extra)
        code = pool_code(x, "avg", k, stride, padding, 1, ceil_mode, count_include_pad, divisor)
    np.testing.assert_allclose(run_script(code), ours, rtol=1e-12, atol=1e-15)


@SOME
@given(seed=st.integers(0, 999), h=st.integers(1, 6), w=st.integers(1, 6), kh=st.integers(1, 4), kw=st.integers(1, 4),
       mode=st.sampled_from(["valid", "full"]))
def test_the_true_convolution_script_is_scipys_convolve2d(seed, h, w, kh, kw, mode):
    import scipy.signal

    assume(mode == "full" or (kh <= h and kw <= w))
    rng = np.random.default_rng(seed)
    x, k = rng.integers(-5, 6, (h, w)), rng.integers(-3, 4, (kh, kw))
    y = run_script(true_convolution_code(x, k, mode))
    np.testing.assert_array_equal(y[0], scipy.signal.convolve2d(x, k, mode))


@SOME
@given(seed=st.integers(0, 999), k=st.integers(1, 3), stride=st.integers(1, 2), dilation=st.integers(1, 2),
       padding=st.sampled_from([0, 1, (1, 0), "valid"]), bias=st.booleans())
def test_the_im2col_script_computes_the_cores_conv(seed, k, stride, dilation, padding, bias):
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-3, 4, (2, 5, 5)), rng.integers(-2, 3, (3, 2, k, k))
    b = rng.integers(-9, 10, 3) if bias else None
    code = im2col_code(x, w, b, stride, padding, dilation)
    np.testing.assert_allclose(run_script(code), ca.conv2d(x, w, b, stride, padding, dilation))
    assert isinstance(padding, str) or "unfold" in code.lines[0]


@SOME
@given(seed=st.integers(0, 999), kinds=st.lists(st.sampled_from(["conv", "bn", "relu", "leaky", "sigmoid", "tanh",
                                                                  "max", "avg"]), min_size=1, max_size=4),
       ending=st.sampled_from(["maps", "global avg", "global max", "flatten"]), softmax=st.booleans())
def test_the_pipeline_script_computes_the_cores_stages(seed, kinds, ending, softmax):
    rng = np.random.default_rng(seed)
    channels, size, layers = 2, 9, []
    for kind in kinds:
        if kind == "conv" and size >= 3:
            out = int(rng.integers(1, 4))
            layers.append(ca.Conv(rng.normal(size=(out, channels, 3, 3)), rng.normal(size=out) if rng.random() < 0.7
                                  else None, padding=int(rng.integers(0, 2)), padding_mode=str(rng.choice(
                                      ["zeros", "reflect"]))))
            channels, size = out, size - 2 + 2 * layers[-1].padding
        elif kind == "bn":
            layers.append(ca.BatchNorm(rng.normal(size=channels), rng.uniform(0.2, 2, channels),
                                       rng.uniform(0.5, 2, channels), rng.normal(size=channels), eps=1e-3))
        elif kind in ("max", "avg") and size >= 2:
            layers.append(ca.MaxPool(2, ceil_mode=bool(rng.integers(0, 2))) if kind == "max" else
                          ca.AvgPool(2, padding=1, count_include_pad=False))
            size = ca.output_size(size, 2, 2, 1 if kind == "avg" else 0, 1, kind == "max" and layers[-1].ceil_mode)
        else:
            layers.append({"relu": ca.ReLU(), "leaky": ca.LeakyReLU(0.2), "sigmoid": ca.Sigmoid(),
                           "tanh": ca.Tanh()}.get(kind, ca.ReLU()))
    if ending != "maps":
        layers += [ca.GlobalAvgPool() if ending == "global avg" else ca.GlobalMaxPool()] if ending != "flatten" else []
        features = channels * (1 if ending != "flatten" else size * size)
        layers += [ca.Flatten(), ca.Linear(rng.normal(size=(4, features)), rng.normal(size=4))]
        layers += [ca.Softmax()] if softmax else []
    x = rng.normal(size=(2, 9, 9))
    code = pipeline_code(x, layers)
    np.testing.assert_allclose(run_script(code), ca.run_pipeline(x, layers)[-1].output, rtol=1e-9, atol=1e-12)


def test_uneven_padding_gives_no_code_and_even_four_number_padding_a_pair():
    x = np.arange(32.0).reshape(2, 4, 4)
    w = np.ones((1, 2, 3, 3))
    assert pipeline_code(x, [ca.Conv(w, padding=(0, 1, 0, 1))]) is None  # nn.Conv2d cannot pad unevenly
    even = [ca.Conv(w, padding=(1, 1, 2, 2)), ca.MaxPool(3, padding=(1, 1, 1, 1))]
    code = pipeline_code(x, even)
    assert "padding=(1, 2)" in "".join(code.lines)
    np.testing.assert_allclose(run_script(code), ca.run_pipeline(x, even)[-1].output)


def test_the_lines_by_hand():
    code = conv_code(np.zeros((3, 4, 4)), np.zeros((2, 3, 3, 3)), np.zeros(2), stride=1, padding=1)
    assert code.lines == ("conv = nn.Conv2d(3, 2, kernel_size=3, stride=1, padding=1)",
                          "conv.weight.data = w", "conv.bias.data = b", "y = conv(x)")
    code = conv_code(np.zeros((4, 5, 5)), np.zeros((4, 1, 3, 2)), None, stride=(2, 1), padding="same", dilation=2,
                     groups=4, padding_mode="reflect")
    assert code.lines == ("conv = nn.Conv2d(4, 4, kernel_size=(3, 2), stride=(2, 1),",
                          "                 padding='same', dilation=2, groups=4,",
                          "                 bias=False, padding_mode='reflect')",
                          "conv.weight.data = w", "y = conv(x)")
    assert pool_code(np.zeros((1, 4, 4)), "max", 2).lines == ("pool = nn.MaxPool2d(kernel_size=2, stride=2, padding=0)",
                                                              "y = pool(x)")
    assert call_lines("f", ["a", "b"]) == ["f(a, b)"]
    assert "x = torch.tensor([[1, 2]], dtype=torch.float64)" in pool_code(np.array([[1, 2]]), "max", 1).script()
