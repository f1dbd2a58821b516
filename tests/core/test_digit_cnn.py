"""The trained digit CNN: real digits, its loss and backward pass against torch, the shipped weights."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from oracles import torch_network
import convanim
from convanim import cross_entropy_loss, handwritten_digits, softmax, trained_digit_cnn
from convanim.inputs import digits as digits_module
from convanim.inputs.digits import bundled_digits
from convanim.networks import digit_cnn

ROOT = Path(__file__).resolve().parents[2]


def test_the_digits_are_scikit_learns_split_in_two_disjoint_parts():
    from sklearn.datasets import load_digits
    data = load_digits()
    d = handwritten_digits()
    assert d.train_images.shape == (1437, 8, 8) and d.held_out_images.shape == (360, 8, 8)
    both = np.concatenate([d.train_images, d.held_out_images]).reshape(len(data.target), -1)
    labels = np.concatenate([d.train_labels, d.held_out_labels])
    # The same images and labels as scikit-learn's, each once: sort both by (pixels, label) and compare.
    ours = np.column_stack([both, labels])
    theirs = np.column_stack([data.images.reshape(len(data.target), -1), data.target]).astype(np.int64)
    np.testing.assert_array_equal(ours[np.lexsort(ours.T[::-1])], theirs[np.lexsort(theirs.T[::-1])])
    assert both.min() == 0 and both.max() == 16 and set(np.unique(d.held_out_labels)) == set(range(10))


def test_the_digits_read_from_scikit_learns_file_equal_load_digits_in_order():
    from sklearn.datasets import load_digits
    data = load_digits()
    images, labels = bundled_digits()
    assert images.dtype == labels.dtype == np.int64
    np.testing.assert_array_equal(images, data.images)
    np.testing.assert_array_equal(labels, data.target)


def test_where_scikit_learns_file_is_not_found_load_digits_gives_the_same(monkeypatch, tmp_path):
    from importlib.machinery import ModuleSpec
    spec = ModuleSpec("sklearn", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]  # a scikit-learn that keeps its data elsewhere
    monkeypatch.setattr(digits_module.importlib.util, "find_spec", lambda name: spec)
    images, labels = bundled_digits()
    monkeypatch.undo()
    ours = bundled_digits()
    np.testing.assert_array_equal(images, ours[0])
    np.testing.assert_array_equal(labels, ours[1])


@pytest.mark.parametrize("missing", ["sklearn", "sklearn.datasets"])
def test_without_scikit_learn_the_data_extra_is_named(monkeypatch, tmp_path, missing):
    monkeypatch.setitem(sys.modules, missing, None)
    if missing == "sklearn.datasets":  # scikit-learn found, its file not: the import of load_digits fails
        from importlib.machinery import ModuleSpec
        spec = ModuleSpec("sklearn", None, is_package=True)
        spec.submodule_search_locations = [str(tmp_path)]
        monkeypatch.setattr(digits_module.importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(ImportError, match=r'pip install "convanim\[data\]"'):
        handwritten_digits.__wrapped__()


def test_softmax_and_cross_entropy_equal_torch():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=5, size=(7, 10))
    labels = rng.integers(0, 10, 7)
    np.testing.assert_allclose(softmax(logits), torch.softmax(torch.from_numpy(logits), -1).numpy(), rtol=1e-12)
    z = torch.from_numpy(logits).requires_grad_()
    loss = nn.functional.cross_entropy(z, torch.from_numpy(labels))
    loss.backward()
    ours, grad = cross_entropy_loss(logits, labels)
    assert ours == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, z.grad.numpy(), rtol=1e-10, atol=1e-15)
    # Huge scores: no overflow (the maximum is taken out first).
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])


@pytest.mark.parametrize("logits, labels, message", [
    (np.zeros((3, 4)), np.array([0, 1, 4]), r"labels must lie in 0\.\.3"),
    (np.zeros((3, 4)), np.array([0.0, 1.0, 2.0]), r"integer labels of shape \(3,\)"),
    (np.zeros(4), np.array([1]), r"logits \(N, K\)"),
])
def test_cross_entropy_names_what_is_wrong(logits, labels, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy_loss(logits, labels)


@pytest.mark.parametrize("weights", ["shipped", "random"])
def test_the_trainers_gradients_equal_autograd(weights):
    net = trained_digit_cnn()
    d = handwritten_digits()
    x, y = d.train_images[:16], d.train_labels[:16]
    params = [net.conv_weight, net.conv_bias, net.linear_weight, net.linear_bias]
    if weights == "random":
        rng = np.random.default_rng(5)
        params = [rng.normal(scale=0.3, size=p.shape) for p in params]
    model = torch_network(convanim.DigitCNN(*params, (), 0.0))
    loss = nn.functional.cross_entropy(model(torch.from_numpy(x[:, None].astype(np.float64))), torch.from_numpy(y))
    loss.backward()
    expected = [model[0].weight.grad, model[0].bias.grad, model[4].weight.grad, model[4].bias.grad]
    ours = digit_cnn._gradients(x[:, None].astype(np.float64), y, tuple(params))
    for got, want in zip(ours, expected):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-12)


def stated_accuracy() -> tuple[int, int, float]:
    """(right, total, percent) from the docs' sentence on the held-out accuracy (the trained network's page)."""
    text = (ROOT / "docs" / "gallery" / "trained.md").read_text()
    found = re.search(r"held-out accuracy: \*\*(\d+) of (\d+) digits \((\d+\.\d)%\)\*\*", text)
    assert found, "docs/gallery/trained.md states the held-out accuracy as '**R of N digits (P%)**'"
    return int(found[1]), int(found[2]), float(found[3])


def test_the_shipped_weights_have_the_held_out_accuracy_the_docs_state():
    right, total, percent = stated_accuracy()
    net, d = trained_digit_cnn(), handwritten_digits()
    with torch.no_grad():
        predicted = torch_network(net)(torch.from_numpy(d.held_out_images[:, None].astype(np.float64))).argmax(1)
    assert int((predicted.numpy() == d.held_out_labels).sum()) == right and len(d.held_out_labels) == total
    assert round(100 * right / total, 1) == percent and percent >= 95.0
    assert net.held_out_accuracy == right / total
    np.testing.assert_array_equal(net.predict(d.held_out_images), predicted.numpy())


def test_the_shipped_file_is_plain_arrays_and_the_first_layer_has_its_stated_places():
    with np.load(digit_cnn.WEIGHTS_FILE, allow_pickle=False) as f:
        assert all(f[name].dtype != object for name in f.files)
    net = trained_digit_cnn()
    assert net.conv_weight.shape == (digit_cnn.FILTERS, 1, 3, 3) and net.linear_weight.shape == (10, 54)
    for values in (net.conv_weight, net.conv_bias):
        np.testing.assert_array_equal(np.round(values, digit_cnn.DECIMALS), values)
        assert not np.any(np.signbit(values) & (values == 0))  # no −0.00 on screen
    first, last = net.snapshots[0], net.snapshots[-1]
    assert first.step == 0 and first.accuracy < 0.2  # untrained: about chance
    np.testing.assert_allclose(first.weight.sum(axis=(1, 2, 3)), 0, atol=1e-12)  # each filter starts at mean 0
    np.testing.assert_array_equal(last.weight, net.conv_weight)
    assert last.accuracy == net.held_out_accuracy


def test_the_training_script_reproduces_the_shipped_weights():
    result = subprocess.run([sys.executable, "examples/train_digit_cnn.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reproduces the shipped weights" in result.stdout


def test_a_changed_weight_is_caught_by_the_check(tmp_path):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import train_digit_cnn as script
    finally:
        sys.path.pop(0)
    net = trained_digit_cnn()
    nudged = convanim.DigitCNN(net.conv_weight, net.conv_bias, net.linear_weight + 1e-5, net.linear_bias,
                               net.snapshots, net.held_out_accuracy)
    assert script.differences(net, net) == []
    assert any("linear_weight differs" in p for p in script.differences(nudged, net))
