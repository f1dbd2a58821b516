"""Issue 36: BatchNormFolding shows a conv then a batch norm, folded into one conv with the same output.  Every
drawn number is read back from the grids and texts and compared with torch (nn.Conv2d, nn.BatchNorm2d in eval
mode, and F.conv2d with the folded weights worked here from the batch norm's definition); the captions' and the
narration's numbers with torch's too."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from screen_check import overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from statement_check import LANGUAGES, arithmetic_problems, numbers
from convanim.manim import BatchNormFoldingScene
from convanim.manim.mobjects.cells import NumberGrid
from convanim.manim.story.steps import with_story_steps
from convanim.manim.story.timeline import RecordedSteps
from manim_support import load_module

SCENES = load_module("batch_norm")


def torch_layers(scene):
    """The scene's conv and batch norm as torch modules (eval), and the input as a batch of one."""
    weight = torch.tensor(np.asarray(scene.conv.weight), dtype=torch.float64)
    conv = nn.Conv2d(weight.shape[1], weight.shape[0], weight.shape[2], stride=scene.stride,
                     padding=scene.padding).double()
    bn = nn.BatchNorm2d(weight.shape[0], eps=scene.eps).double().eval()
    with torch.no_grad():
        conv.weight.copy_(weight)
        conv.bias.copy_(torch.tensor(np.asarray(scene.conv.bias), dtype=torch.float64))
        for name in ("running_mean", "running_var", "weight", "bias"):
            source = {"running_mean": scene.bn.mean, "running_var": scene.bn.var, "weight": scene.bn.weight,
                      "bias": scene.bn.bias}[name]
            getattr(bn, name).copy_(torch.tensor(np.asarray(source), dtype=torch.float64))
    return conv, bn, torch.tensor(scene.x, dtype=torch.float64)[None]


def folded_by_hand(conv, bn):
    """W′ = W · γ / √(σ² + ε) and b′ = (b − μ) · γ / √(σ² + ε) + β, from the batch norm's definition."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return s, conv.weight * s[:, None, None, None], (conv.bias - bn.running_mean) * s + bn.bias


def value_after_equals(text) -> float:
    """The number a drawn text such as ``b′ = −1.60`` shows."""
    return float(text.text.split("= ")[1].replace("−", "-"))


def drawn(grid: NumberGrid) -> np.ndarray:
    assert grid.show_numbers, "the default scenes draw every number"
    return grid.shown_values()


@pytest.mark.parametrize("name", ["BatchNormFolding", "BatchNormFoldingTwoChannels"])
def test_every_drawn_number_is_torchs(name):
    class Watched(getattr(SCENES, name)):
        def compare_outputs(self):
            super().compare_outputs()  # before the closing card: what the story ends on
            self.ended_on = [m for m in self.mobjects]

    scene = run(Watched)
    conv, bn, x = torch_layers(scene)
    with torch.no_grad():
        z = conv(x)[0].numpy()
        y = bn(conv(x))[0].numpy()
        s, w_folded, b_folded = folded_by_hand(conv, bn)
        y_folded = F.conv2d(x, w_folded, b_folded, stride=scene.stride, padding=scene.padding)[0].numpy()
    np.testing.assert_allclose(y_folded, y, atol=1e-12)  # the claim itself, in torch
    p = scene.padding
    for c, grid in enumerate(scene.x_grids):
        padded = np.pad(scene.x[c], p)
        np.testing.assert_array_equal(drawn(grid), padded)
    for f in range(scene.out_channels):
        for c in range(scene.in_channels):
            np.testing.assert_array_equal(drawn(scene.w_grids[f][c]), conv.weight[f, c].detach().numpy())
            np.testing.assert_allclose(drawn(scene.folded_grids[f][c]), w_folded[f, c].detach().numpy(), atol=0.005)
        np.testing.assert_allclose(drawn(scene.z_grids[f]), z[f], atol=1e-9)
        np.testing.assert_allclose(drawn(scene.y_grids[f]), y[f], atol=0.005)
        np.testing.assert_allclose(drawn(scene.y_folded_grids[f]), y_folded[f], atol=0.005)
        # the numbers beside each filter and in each batch norm box
        assert value_after_equals(scene.biases[f][0]) == conv.bias[f].item()
        assert abs(value_after_equals(scene.folded_biases[f][0]) - b_folded[f].item()) <= 0.005
        box = [value_after_equals(line) for line in scene.bn_boxes[f]]
        np.testing.assert_allclose(box, [bn.running_mean[f].item(), bn.running_var[f].item(), bn.weight[f].item(),
                                         bn.bias[f].item()], atol=0.005)
    # after the fold the scene holds W′ and b′, and y′ is on screen beside y
    for f in range(scene.out_channels):
        assert scene.folded_kernels[f] in scene.ended_on and scene.kernels[f] not in scene.ended_on
        assert scene.y_folded_grids[f] in scene.ended_on and scene.z_grids[f] not in scene.ended_on


def caption_totals(scene, label):
    """The last number of every caption whose statement begins with ``label``."""
    out = []
    for text in scene.screen.statements():
        for clause in text.split(";"):
            if clause.strip().startswith(label):
                out.append(float(re.split(r" [=≈] ", clause.strip())[-1].replace("−", "-")))
    return out


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_captions_state_torchs_factors_and_biases_and_hold(language):
    scene = run(recording(type("Folding", (SCENES.BatchNormFolding,), {"language": language})))
    conv, bn, x = torch_layers(scene)
    with torch.no_grad():
        s, _, b_folded = folded_by_hand(conv, bn)
        y = bn(conv(x))[0].numpy()
        z = conv(x)[0].numpy()
    for f in range(scene.out_channels):
        assert caption_totals(scene, f"s[{f}]") == [round(s[f].item(), 2)]
        assert caption_totals(scene, f"b′[{f}]") == pytest.approx([b_folded[f].item()], abs=0.005)
    assert caption_totals(scene, "y[0,0,0]") == pytest.approx([y[0, 0, 0]], abs=0.005)
    assert caption_totals(scene, "z[0,0,0]") == pytest.approx([z[0, 0, 0]])
    assert caption_totals(scene, "y′[0,0,0]") == pytest.approx([y[0, 0, 0]], abs=0.005)
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []


def test_the_narration_says_torchs_factor_and_bias_of_each_filter_in_every_language():
    scene = run(with_story_steps(SCENES.BatchNormFolding, RecordedSteps))
    conv, bn, _ = torch_layers(scene)
    with torch.no_grad():
        s, _, b_folded = folded_by_hand(conv, bn)
    for language in LANGUAGES:
        said = {t.id: t.text for t in scene.narrator(language).narrate(scene.story_calls)}
        for f in range(scene.out_channels):
            spoken = numbers(said[f"fold-{f}"])
            assert f in spoken and round(s[f].item(), 2) in spoken, (language, said[f"fold-{f}"])
            assert any(abs(v - b_folded[f].item()) <= 0.005 for v in spoken), (language, said[f"fold-{f}"])


def test_the_code_card_computes_y_with_torch():
    scene = run(SCENES.BatchNormFolding)
    conv, bn, x = torch_layers(scene)
    space = {"torch": torch, "nn": nn, "x": x[0], "w0": conv.weight.detach(), "b0": conv.bias.detach(),
             "mean1": bn.running_mean, "var1": bn.running_var, "w1": bn.weight.detach(), "b1": bn.bias.detach()}
    with torch.no_grad():
        exec(compile(scene.code_card.lines.code, "<card>", "exec"), space)  # noqa: S102  (what the card shows)
    drawn_y = np.stack([drawn(g) for g in scene.y_grids])
    np.testing.assert_allclose(space["y"].numpy(), drawn_y, atol=0.005)


def test_a_wrong_option_is_named_before_any_frame():
    from convanim.manim.options.options import OptionError

    with pytest.raises(OptionError, match=r"kernel_size"):
        run(type("Wide", (BatchNormFoldingScene,), {"kernel_size": 5}))
