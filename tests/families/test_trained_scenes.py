"""The trained network's scenes, headless: every number on screen read back against torch and the data."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from manim_support import run  # noqa: I001  (imports manimlib first)
from convanim import handwritten_digits, trained_digit_cnn
from convanim.manim.mobjects.cells import NumberGrid
from oracles import torch_network
from screen_check import recording
from manim_support import load_module

trained = load_module("trained")


def held_out(index):
    d = handwritten_digits()
    return d.held_out_images[index], int(d.held_out_labels[index])


def torch_probabilities(image):
    with torch.no_grad():
        scores = torch_network(trained_digit_cnn())(torch.tensor(image, dtype=torch.float64)[None, None])[0]
    return scores.numpy(), torch.softmax(scores, 0).numpy()


class CheckedFilters(trained.LearnedFilters):
    def setup(self):
        super().setup()
        self.seen = []

    def after_snapshot(self, k):
        self.seen.append((k, [g.shown_values() for g in self.grids()], [i.values.copy() for i in self.images()],
                          self.caption.text))


def test_learned_filters_show_each_snapshot_and_its_accuracy():
    scene = run(CheckedFilters)
    net = trained_digit_cnn()
    assert [k for k, *_ in scene.seen] == list(range(len(net.snapshots)))
    for k, grids, images, caption in scene.seen:
        snap = net.snapshots[k]
        for f, (shown, drawn) in enumerate(zip(grids, images)):
            np.testing.assert_allclose(shown, np.round(snap.weight[f, 0], 1), atol=1e-9)
            np.testing.assert_array_equal(drawn, snap.weight[f, 0])
        assert f"{100 * snap.accuracy:.1f}%" in caption
        assert (f"after {snap.step} updates" in caption) == (k > 0)
    # The last snapshot is the shipped first layer, and its accuracy what a torch model of it scores.
    d = handwritten_digits()
    with torch.no_grad():
        predicted = torch_network(net)(torch.tensor(d.held_out_images[:, None], dtype=torch.float64)).argmax(1)
    accuracy = float(np.mean(predicted.numpy() == d.held_out_labels))
    assert f"{100 * accuracy:.1f}%" in scene.seen[-1][3]
    np.testing.assert_array_equal(scene.seen[-1][1][0], net.conv_weight[0, 0])


def test_the_first_layer_scene_shows_the_digit_the_learned_filter_and_the_torch_output():
    scene = run(recording(trained.TrainedFirstLayer))
    image, label = held_out(trained.TrainedFirstLayer.held_out_index)
    net = trained_digit_cnn()
    np.testing.assert_array_equal(scene.input_stack.front_grid().shown_values(), image)
    np.testing.assert_allclose(scene.kernel_grids[0].shown_values(), net.conv_weight[0, 0], atol=1e-12)
    assert scene.bias_chip.shown_value() == pytest.approx(net.conv_bias[0])
    expected = F.conv2d(torch.tensor(image, dtype=torch.float64)[None, None],
                        torch.tensor(net.conv_weight[:1]), torch.tensor(net.conv_bias[:1]))[0, 0].numpy()
    # One-decimal weights on whole grey levels: every output has one decimal place, exactly.
    np.testing.assert_allclose(scene.output_grids[0].shown_values(), np.round(expected, 1), atol=1e-9)
    np.testing.assert_allclose(np.round(expected, 1), expected, atol=1e-9)
    assert len(scene.output_grids) == 1 and any(f"handwritten {label} " in s.text for s in scene.screen.texts())


@pytest.mark.parametrize("name", ["TrainedDigitPipeline", "MisreadDigitPipeline"])
def test_the_pipeline_ends_on_torchs_scores_and_probabilities(name):
    cls = type(name, (getattr(trained, name),), {"show_code": False})  # the verdict, before the closing card
    scene = run(recording(cls))
    image, label = held_out(cls.held_out_index)
    scores, probabilities = torch_probabilities(image)
    assert isinstance(scene.score_grid, NumberGrid)
    np.testing.assert_allclose(scene.score_grid.shown_values()[:, 0], np.round(scores, 1), atol=1e-9)
    percents = [row[-1].text for row in scene.bars]
    assert percents == [f"{100 * p:.1f}%" for p in probabilities]
    lengths = np.array([row[-2].get_width() for row in scene.bars])
    big = probabilities > 0.05  # tiny bars have a minimum width to stay visible
    np.testing.assert_allclose(lengths[big] / lengths[big].max(), probabilities[big] / probabilities.max(), rtol=1e-6)
    winner = int(np.argmax(probabilities))
    np.testing.assert_allclose(scene.prediction_frame.get_center(), scene.bars[winner][-2].get_center(), atol=1e-6)
    # Each bar on its class's score row.
    for k, row in enumerate(scene.bars):
        assert row[-2].get_y() == pytest.approx(scene.score_grid.cell(k, 0).get_y())
    verdict = scene.caption.text
    right = winner == label
    assert verdict.endswith(": right" if right else ": wrong")
    assert f"answers {winner} ({100 * probabilities[winner]:.1f}%)" in verdict and f"the digit is {label}" in verdict
    assert right == (name == "TrainedDigitPipeline")
    assert [s.shape for s in scene.stages] == [(1, 8, 8), (6, 6, 6), (6, 6, 6), (6, 3, 3), (54,), (10,), (10,)]
    assert [lab[1].text for lab in scene.labels] == ["1×8×8", "6×6×6", "6×6×6", "6×3×3", "54", "10", "10"]
    said = [" ".join(t.text.split()) for t in scene.screen.texts()]
    # By hand: 6 maps of 3×3 = 54 numbers; each of 10 scores sums 54 products + a bias: 54·10 + 10 = 550.
    assert "flatten 1: the 6×3×3 maps in one row of 54 numbers" in said
    assert "linear 1: 10 scores, each the sum of 54 numbers × weights + a bias; 550 parameters" in said
    assert any(t.startswith("softmax 1: ") and t.endswith(f"most probable: {winner} ({100 * probabilities[winner]:.1f}%)")
               for t in said)
    assert ("conv 1: 6 filters 1×3×3, 60 parameters; o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1 = ⌊(8 + 2·0 − 1·(3−1) − 1)/1⌋ "
            "+ 1 = 6") in said


def test_a_held_out_index_out_of_range_is_named():
    class Far(trained.TrainedDigitPipeline):
        held_out_index = 360

    with pytest.raises(ValueError, match=r"^Far\.held_out_index = 360: expected a whole number from 0 to 359$"):
        run(Far)
