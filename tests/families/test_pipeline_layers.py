"""Issue 36: the pipeline scene draws batch norm, global pooling and the other activations: every map equal to
torch's (read back from the drawn grids and images), their captions and spoken words in every language, nothing
too small, nothing over anything else, no English left in Thai."""
import re

import numpy as np
import pytest
import torch
from torch import nn

from screen_check import overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from statement_check import LANGUAGES, arithmetic_problems
import convanim as ca
from convanim.manim import PipelineScene
from convanim.manim.mobjects.cells import NumberGrid


def torch_network(seed=7):
    """conv → batch norm → leaky ReLU → max pool → conv → tanh → global average pool → flatten → linear →
    sigmoid, with trained-looking batch-norm statistics."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
                        nn.Conv2d(3, 2, 3), nn.Tanh(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 4),
                        nn.Sigmoid()).double()
    with torch.no_grad():
        net[1].running_mean.uniform_(-0.5, 0.5)
        net[1].running_var.uniform_(0.2, 2)
        net[1].weight.uniform_(0.5, 2)
        net[1].bias.uniform_(-0.5, 0.5)
    return net.eval()


class NewLayers(PipelineScene):
    input_size = 12

    def get_layers(self):
        return ca.from_torch(torch_network())


def torch_stages(scene):
    x = torch.from_numpy(scene.stages[0].output)[None]
    outputs = []
    with torch.no_grad():
        for module in torch_network():
            if isinstance(module, nn.Dropout):
                continue
            x = module(x)
            outputs.append(x[0].numpy())
    return outputs


def test_every_new_stage_is_drawn_with_torchs_numbers():
    scene = run(NewLayers)
    expected = torch_stages(scene)
    names = [s.name for s in scene.stages]
    assert names == ["input", "conv 1", "batch norm 1", "leaky ReLU 1", "max pool 1", "conv 2", "tanh 1",
                     "global avg pool 1", "flatten 1", "linear 1", "sigmoid 1"]
    for column, stage, ref in zip(scene.columns[1:], scene.stages[1:], expected):
        assert stage.shape == ref.shape
        if len(ref.shape) == 1:
            continue
        if isinstance(column[0], NumberGrid):
            for grid, r in zip(column, ref):
                np.testing.assert_allclose(grid.shown_values(), np.round(r, scene.decimals), atol=1e-9)
        else:
            for image, r in zip(column, ref):
                np.testing.assert_allclose(image.values, r, rtol=1e-9, atol=1e-12)
    # the global pooling's maps are one number each: the mean of the tanh maps before it
    pooled = scene.columns[7]
    assert all(isinstance(grid, NumberGrid) and grid.shown_values().shape == (1, 1) for grid in pooled)
    np.testing.assert_allclose([g.shown_values()[0, 0] for g in pooled], np.round(expected[5].mean(axis=(1, 2)), 1),
                               atol=1e-9)
    assert scene.stages[2].params == 6  # γ and β of 3 channels; the running statistics are not parameters


WANTED = {  # stage index: what its caption says in English (the batch norm's cell: test_the_batch_norm_...)
    2: "batch norm 1: per channel c, (x − mean[c]) / √(var[c] + ε) · γ[c] + β[c]; 6 parameters; [0,0,0]: y =",
    3: "leaky ReLU 1: every negative value is multiplied by 0.1",
    6: "tanh 1: every value x becomes tanh(x), between −1 and 1",
    7: "global avg pool 1: each 3×3 map becomes one number, its mean",
    10: "sigmoid 1: every value x becomes 1 / (1 + e^−x), between 0 and 1",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_stages_are_captioned_and_told_in_every_language(language):
    scene = run(recording(type("Told", (NewLayers,), {"language": language})))
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []
    said = [" ".join(t.text.split()) for t in scene.screen.texts()]
    narrator = scene.narrator(language)
    for j, english in WANTED.items():
        caption = scene.stage_caption(scene.stages[j])
        assert " ".join(caption.split()) in said
        spoken = narrator.say_apply_stage(j).text
        assert spoken and "{" not in spoken and "{" not in caption
        if language == "en":
            assert " ".join(caption.split()).startswith(english)
        else:
            assert not caption.startswith(english) and spoken != narrator.__class__(scene.stages, "en").say_apply_stage(j).text
        if language == "th":  # only names and formula symbols stay Latin
            assert not [w for w in re.findall(r"[A-Za-z]{3,}", caption) if w not in ("ReLU", "Leaky", "mean", "var",
                                                                                   "tanh")], caption
    assert "0.1" in narrator.say_apply_stage(3).text  # the slope is said, in every language


@pytest.mark.parametrize("language", ["en", "th", "ja", "zh-Hans", "zh-Hant"])
def test_the_stage_names_of_a_long_network_stay_within_their_columns(language):
    """Eleven stages: long names (global avg pool 1) shrink, then wrap, within their column; side by side, no two
    stage labels meet (screen_check's overlap rule covers numbers only).  German is left out: a compound word
    such as Batch-Normalisierung is wider than such a column at the smallest size (a known limit)."""
    scene = run(type("Long", (NewLayers,), {"language": language}))
    edges = [(label.get_left()[0], label.get_right()[0]) for label in scene.labels]
    assert all(right < next_left for (_, right), (next_left, _) in zip(edges, edges[1:])), edges


def test_the_batch_norm_caption_writes_its_first_cell_out_with_torchs_numbers():
    """The first cell of the batch norm, by hand from torch's module: (x − running_mean) / sqrt(running_var + eps)
    · weight + bias, each number as the caption writes it, and the total torch's output."""
    scene = run(recording(NewLayers))
    caption = " ".join(scene.stage_caption(scene.stages[2]).split())
    assert [p for p in arithmetic_problems(caption)] == []  # the chain holds as written (or says ≈)
    bn = torch_network()[1]
    x = torch_stages(scene)[0][0, 0, 0]  # conv 1's first cell, what the batch norm reads
    numbers = [float(v.replace("−", "-")) for v in re.findall(r"−?\d+\.\d+", caption.split("[0,0,0]: y = ")[1])]
    mean, var = bn.running_mean[0].item(), bn.running_var[0].item()
    expected = [x, mean, (var + bn.eps) ** 0.5, bn.weight[0].item(), bn.bias[0].item(), torch_stages(scene)[1][0, 0, 0]]
    np.testing.assert_allclose(numbers, expected, atol=0.005 + 1e-12)  # two places, as written


def test_global_pooling_shrinks_each_map_onto_its_one_number():
    """Global pooling's stage: a copy of each map of the stage before, at the end of the first play, lies on the
    number it becomes (same centre, same size); then only the numbers stay."""
    ends = []

    class Watched(NewLayers):
        def collapse_maps(self, previous, column, arrow, j):
            play = self.play

            def watching(*animations, **kwargs):
                play(*animations, **kwargs)
                ends.append([(m.get_center().copy(), m.get_width()) for m in self.mobjects if m not in before])
            before = list(self.mobjects)
            self.play = watching
            try:
                super().collapse_maps(previous, column, arrow, j)
            finally:
                self.play = play
            self.targets = [(t.get_center(), t.get_width()) for t in column]
            self.leftover = [m for m in self.mobjects if m not in before and m is not column]

    scene = run(Watched)
    shrunk = ends[0]
    targets = scene.targets
    assert len(targets) == 2
    for centre, width in targets:  # each target number has a copy of a map lying on it
        assert any(np.allclose(c, centre, atol=1e-6) and abs(w - width) < 1e-6 for c, w in shrunk)
    assert all(not isinstance(m, type(scene.columns[6][0])) or m in scene.columns[6] for m in scene.leftover)
