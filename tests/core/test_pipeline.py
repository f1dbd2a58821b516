"""conv -> ReLU -> pool pipelines: every stage against torch, shapes against output_size()."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convanim import Conv, MaxPool, ReLU, digit_image, output_size, param_count, run_pipeline


def lenet_like(seed=0):
    rng = np.random.default_rng(seed)
    return [Conv(rng.normal(size=(4, 1, 5, 5)), rng.normal(size=4)), ReLU(), MaxPool(2),
            Conv(rng.normal(size=(6, 4, 5, 5)), rng.normal(size=6)), ReLU(), MaxPool(2)]


def test_stages_equal_torch_and_shapes_follow_output_size():
    x = digit_image(3)[None].astype(np.float64) / 255
    layers = lenet_like()
    stages = run_pipeline(x, layers)
    ref = torch.tensor(x)[None]
    h = 28
    assert stages[0].shape == (1, 28, 28)
    for stage, layer in zip(stages[1:], layers):
        if isinstance(layer, Conv):
            ref = F.conv2d(ref, torch.tensor(layer.weight), torch.tensor(layer.bias))
            h = output_size(h, layer.weight.shape[2])
            assert stage.params == param_count(layer.weight.shape[1], layer.weight.shape[0], 5)
            assert stage.formula.endswith(f"= {h}")
        elif isinstance(layer, ReLU):
            ref = torch.relu(ref)
        else:
            ref = F.max_pool2d(ref, layer.kernel_size)
            h = output_size(h, 2, 2)
        assert stage.shape == (ref.shape[1], h, h)
        np.testing.assert_allclose(stage.output, ref[0].numpy(), rtol=1e-12, atol=1e-12)
    # Hand-worked: 28 -5+1-> 24 -/2-> 12 -5+1-> 8 -/2-> 4; 4·1·5·5+4 = 104 and 6·4·5·5+6 = 606 parameters.
    assert [s.shape[1] for s in stages] == [28, 24, 24, 12, 8, 8, 4]
    assert [s.params for s in stages if s.params] == [104, 606]
    assert [s.name for s in stages] == ["input", "conv 1", "ReLU 1", "max pool 1", "conv 2", "ReLU 2", "max pool 2"]


def test_a_layer_that_does_not_fit_names_the_stage():
    layers = lenet_like() + [Conv(np.ones((1, 6, 5, 5)))]
    with pytest.raises(ValueError, match=r"layer 7 \(Conv\) on maps of shape \(6, 4, 4\): kernel_size \(5, 5\)"):
        run_pipeline(np.zeros((1, 28, 28)), layers)
    with pytest.raises(ValueError, match=r"input has 1 channels"):
        run_pipeline(np.zeros((1, 28, 28)), [Conv(np.ones((2, 3, 3, 3)))])
    with pytest.raises(TypeError, match="layers must be Conv, ReLU, MaxPool, AvgPool, BatchNorm, GlobalAvgPool, "
                                        "GlobalMaxPool, LeakyReLU, Sigmoid, Tanh, Flatten, Linear or Softmax"):
        run_pipeline(np.zeros((1, 8, 8)), ["relu"])
    with pytest.raises(ValueError, match=r"input must be 3-d \(C, H, W\); got shape \(8, 8\)"):
        run_pipeline(np.zeros((8, 8)), [ReLU()])
