"""convanim.from_torch: a small PyTorch model as convanim layers, every option carried over, checked against
the module's own output."""
import numpy as np
import pytest
import torch
from torch import nn

import convanim
from convanim import from_torch, run_pipeline


def torch_output(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(x)[None]).numpy()[0]


def convanim_output(module, x):
    return run_pipeline(x, from_torch(module))[-1].output


def random_input(seed, shape=(3, 11, 12)):
    return np.random.default_rng(seed).normal(size=shape)


torch.manual_seed(0)
MODULES = {
    "conv": nn.Conv2d(3, 4, 3),
    "conv strided padded dilated": nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    "conv groups no bias": nn.Conv2d(3, 6, 3, groups=3, bias=False),
    "conv same reflect": nn.Conv2d(3, 2, 3, padding="same", padding_mode="reflect"),
    "conv valid circular": nn.Conv2d(3, 2, 4, padding=1, padding_mode="circular"),
    "relu": nn.ReLU(),
    "max pool": nn.MaxPool2d(3, stride=2, padding=1, dilation=1, ceil_mode=True),
    "max pool dilated": nn.MaxPool2d(2, stride=1, dilation=2),
    "avg pool": nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    "avg pool divisor": nn.AvgPool2d(2, divisor_override=3),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_each_module_computes_what_torch_computes(name):
    module = MODULES[name].double()
    for seed in range(3):
        x = random_input(seed)
        np.testing.assert_allclose(convanim_output(module, x), torch_output(module, x), rtol=1e-10, atol=1e-10)


def test_a_sequential_classifier_computes_what_torch_computes():
    torch.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, stride=2),
                        nn.ReLU(), nn.AvgPool2d(2, ceil_mode=True), nn.Flatten(), nn.Linear(6, 10),
                        nn.Softmax(dim=1)).double()
    layers = from_torch(net)
    assert [type(layer).__name__ for layer in layers] == ["Conv", "ReLU", "MaxPool", "Conv", "ReLU", "AvgPool",
                                                          "Flatten", "Linear", "Softmax"]
    for seed in range(3):
        x = random_input(seed, (1, 12, 12))
        stages = run_pipeline(x, layers)
        np.testing.assert_allclose(stages[-1].output, torch_output(net, x), rtol=1e-10, atol=1e-10)
        assert stages[-1].shape == (10,) and stages[-3].shape == (6,)
    assert stages[1].params == 4 * 1 * 3 * 3 + 4 and stages[-2].params == 6 * 10 + 10


def test_the_layers_hold_numpy_copies_and_torch_stays_optional():
    layers = from_torch(nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU()))
    assert isinstance(layers[0].weight, np.ndarray) and layers[0].weight.shape == (3, 2, 3, 3)
    import subprocess
    import sys
    code = "import sys, convanim; assert 'torch' not in sys.modules; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"


@pytest.mark.parametrize("module, message", [
    (nn.GELU(), "GELU is not supported; supported: Conv2d, BatchNorm2d, ReLU, LeakyReLU, Sigmoid, Tanh, MaxPool2d"),
    (nn.Sequential(nn.Conv2d(1, 1, 3), nn.InstanceNorm2d(1)), "InstanceNorm2d is not supported"),
    (nn.MaxPool2d(2, return_indices=True), "return_indices=True"),
    (nn.Flatten(0), r"Flatten\(start_dim=0, end_dim=-1\) is not supported"),
    (nn.Softmax(dim=0), r"Softmax\(dim=0\) is not supported"),
])
def test_an_unsupported_module_is_named(module, message):
    with pytest.raises(TypeError, match=message):
        from_torch(module)


class Payload:
    """An arbitrary object in a weights file: torch.load(weights_only=True) refuses to unpickle it."""


def test_a_state_dict_loads_safely_and_a_malformed_one_is_refused(tmp_path):
    torch.manual_seed(2)
    trained = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    path = tmp_path / "weights.pt"
    torch.save(trained.state_dict(), path)
    fresh = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    layers = from_torch(fresh, state_dict=path)
    np.testing.assert_array_equal(layers[0].weight, trained[0].weight.detach().numpy())
    np.testing.assert_array_equal(layers[-1].bias, trained[3].bias.detach().numpy())

    wrong = dict(trained.state_dict())
    wrong["3.weight"] = torch.zeros(3, 5)
    with pytest.raises(ValueError, match=r"state_dict does not fit Sequential: .*3\.weight"):
        from_torch(fresh, state_dict=wrong)
    with pytest.raises(ValueError, match="Missing key"):
        from_torch(fresh, state_dict={"0.weight": trained[0].weight})
    (tmp_path / "junk.pt").write_bytes(b"not a state dict")
    with pytest.raises(ValueError, match="not a state dict torch.load can read with weights_only=True"):
        from_torch(fresh, state_dict=tmp_path / "junk.pt")

    torch.save({"0.weight": Payload()}, tmp_path / "object.pt")
    with pytest.raises(ValueError, match="weights_only=True"):
        from_torch(fresh, state_dict=tmp_path / "object.pt")


def test_stages_are_named_and_a_linear_on_maps_says_to_flatten():
    layers = [convanim.Conv(np.ones((2, 1, 3, 3))), convanim.AvgPool(2), convanim.Flatten(),
              convanim.Linear(np.ones((3, 2 * 2 * 2)))]
    stages = run_pipeline(np.ones((1, 6, 6)), layers)
    assert [s.name for s in stages] == ["input", "conv 1", "avg pool 1", "flatten 1", "linear 1"]
    with pytest.raises(ValueError, match=r"layer 2 \(Softmax\) on maps of shape \(2, 4, 4\): .*vector of class scores"):
        run_pipeline(np.ones((1, 6, 6)), [convanim.Conv(np.ones((2, 1, 3, 3))), convanim.Softmax()])
    with pytest.raises(ValueError, match=r"layer 2 \(Linear\) on maps of shape \(2, 4, 4\): .*Flatten the maps"):
        run_pipeline(np.ones((1, 6, 6)), [convanim.Conv(np.ones((2, 1, 3, 3))), convanim.Linear(np.ones((3, 8)))])


def test_a_classifiers_stages_plot_with_the_vectors_as_rows():
    import convanim.plot as plot
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 3 * 3, 10))
    stages = run_pipeline(random_input(4, (1, 8, 8)), from_torch(net))
    fig = plot.plot_pipeline(stages)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[-2:] == ["flatten 1\n18", "linear 1\n10"]
    np.testing.assert_array_equal(fig.axes[len(stages) - 1].images[0].get_array()[0], stages[-1].output)
