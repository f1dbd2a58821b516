"""The receptive-field scenes, headless: each stage's frames read back as cells, against autograd."""
import numpy as np
import pytest
import torch

from manim_support import run  # noqa: I001  (imports manimlib first)
from manim_support import load_module
from oracles import torch_forward

scenes = load_module("receptive_field")


def autograd_box(layers, shape, unit):
    """Rows and columns of the input cells whose gradient for ``unit`` of the last stage is not zero, with
    every weight made positive (no cancelling) on a positive input."""
    positive = []
    for layer in layers:
        if hasattr(layer, "weight"):
            layer = type(layer)(np.abs(layer.weight) + 0.1, None, layer.stride, layer.padding, layer.dilation,
                                layer.groups, layer.padding_mode)
        positive.append(layer)
    x = torch.ones((1, *shape), dtype=torch.float64, requires_grad=True)  # shape (C, H, W)
    out = torch_forward(positive, x)
    out[0, 0, unit[0], unit[1]].backward()
    reached = np.argwhere(x.grad[0].abs().sum(0).numpy() != 0)
    return range(reached[:, 0].min(), reached[:, 0].max() + 1), range(reached[:, 1].min(), reached[:, 1].max() + 1)


class Checked:
    def setup(self):
        super().setup()
        self.read = {}

    def after_box(self, j):
        self.read[j] = [frame.cells for frame in self.frames[0]]
        self.said = getattr(self, "said", {})
        self.said[j] = " ".join(self.caption.text.split())


@pytest.mark.parametrize("name", ["ReceptiveField", "ReceptiveFieldDilated"])
def test_every_stage_frames_the_cells_autograd_reaches(name):
    base = getattr(scenes, name)
    scene = run(type("Checked" + name, (Checked, base), {}))
    layers = scene.get_layers()
    assert sorted(scene.read) == list(range(len(scene.stages)))
    for j, frames in scene.read.items():
        want = autograd_box(layers[j:], scene.stages[j].shape, base.unit) if j < len(scene.stages) - 1 else \
            (range(base.unit[0], base.unit[0] + 1), range(base.unit[1], base.unit[1] + 1))
        assert frames and all(cells == want for cells in frames), (j, frames[0], want)
        rows, cols = want
        assert scene.said[j].endswith(f"reads rows {rows.start}–{rows.stop - 1}, columns {cols.start}–{cols.stop - 1}: "
                                      f"{len(rows)}×{len(cols)} cells")
        assert len(frames) == scene.stages[j].shape[0]  # one frame on every map of the stage


def test_the_frames_sit_on_the_cells_they_name():
    scene = run(type("CheckedField", (Checked, scenes.ReceptiveField), {}))
    image = scene.stage_maps(0)[0]
    frame = scene.frames[0][0]
    rows, cols = frame.cells
    top_left, bottom_right = image.pixel_center(rows.start, cols.start), image.pixel_center(rows.stop - 1, cols.stop - 1)
    half = image.pixel_size() / 2
    np.testing.assert_allclose(frame.get_corner(np.array([-1, 1, 0]))[:2], (top_left + np.array([-half, half, 0]))[:2],
                               atol=1e-6)
    np.testing.assert_allclose(frame.get_corner(np.array([1, -1, 0]))[:2],
                               (bottom_right + np.array([half, -half, 0]))[:2], atol=1e-6)
    # The Pipeline network by hand: unit (1, 2) of the 4×4 last stage reads input rows 4..19, columns 8..23.
    assert (rows, cols) == (range(4, 20), range(8, 24))
    assert scene.fields[-1].size == (16, 16) and scene.fields[-1].jump == (4, 4)


def test_the_closed_forms_are_written_as_worked_by_hand():
    from screen_check import recording

    scene = run(recording(scenes.ReceptiveField))
    said = [t.text for t in scene.screen.texts()]
    # The Pipeline network (conv 5×5 → ReLU → pool 2 → conv 5×5 → ReLU → pool 2), rows, by hand:
    for line in ["conv 1:  r = 1 + (5 − 1)·1 = 5;  j = 1·1 = 1;  u = 0 − 0·1 = 0",
                 "ReLU 1:  r = 5;  j = 1;  u = 0",
                 "max pool 1:  r = 5 + (2 − 1)·1 = 6;  j = 1·2 = 2;  u = 0 − 0·1 = 0",
                 "conv 2:  r = 6 + (5 − 1)·2 = 14;  j = 2·1 = 2;  u = 0 − 0·2 = 0",
                 "max pool 2:  r = 14 + (2 − 1)·2 = 16;  j = 2·2 = 4;  u = 0 − 0·2 = 0",
                 "closed form: rows u + oy·j = 0 + 1·4 = 4 to 19; read: rows 4 to 19",
                 "input: unit (1, 2) reads rows 4–19, columns 8–23: 16×16 cells"]:
        assert line in said, line
