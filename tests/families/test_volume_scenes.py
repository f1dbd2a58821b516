"""The volume scenes, headless: every block has the trace's shape and numbers, the filter blocks reach
their groups' channels, and the output block ends equal to torch's convolution."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from manim_support import run  # noqa: I001  (imports manimlib first)
from manim_support import lightness, load_module

volumes = load_module("volumes")


class Recorded:
    def setup(self):
        super().setup()
        self.positions = []

    def after_position(self, f, oy, ox):
        self.positions.append((f, oy, ox, self.window_box.cells, [g.shown_values() for g in self.filter_block]))


@pytest.mark.parametrize("name, groups, kernel", [("ConvVolume", 1, 3), ("GroupedConv", 2, 3),
                                                  ("DepthwiseConv", 3, 3), ("PointwiseConv", 1, 1)])
def test_blocks_have_the_traces_shapes_and_numbers(name, groups, kernel):
    scene = run(type("Recorded" + name, (Recorded, getattr(volumes, name)), {}))
    t = scene.trace
    x, w, b = t.input, t.weight, t.bias
    assert t.groups == groups and w.shape[2:] == (kernel, kernel)
    # The input block: one plane per channel, in depth order, each with the input's numbers.
    assert len(scene.input_block) == x.shape[0]
    depths = [plane.get_center()[2] for plane in scene.input_block]
    assert all(a > b for a, b in zip(depths, depths[1:]))
    for c, plane in enumerate(scene.input_block):
        np.testing.assert_array_equal(plane.shown_values(), x[c])
    # Every position, filter by filter, row by row; each filter block is that filter's kernels, reaching
    # exactly its group's channels (by hand: C/groups consecutive channels), at their planes' depths.
    oh, ow = t.output.shape[1:]
    assert [p[:3] for p in scene.positions] == [(f, oy, ox) for f in range(w.shape[0]) for oy in range(oh)
                                                for ox in range(ow)]
    per_group = x.shape[0] // groups
    for f, oy, ox, cells, kernels in scene.positions:
        group = f // (w.shape[0] // groups)
        assert cells == (f, oy, ox, tuple(range(group * per_group, (group + 1) * per_group)))
        np.testing.assert_array_equal(np.array(kernels), w[f])
    # The output block ends equal to torch, every number shown.
    want = F.conv2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(w, dtype=torch.float64),
                    torch.tensor(b, dtype=torch.float64), groups=groups)[0].numpy()
    assert len(scene.output_block) == w.shape[0]
    for f, plane in enumerate(scene.output_block):
        np.testing.assert_array_equal(plane.shown_values(), want[f])
        assert plane.visible().all()


def test_the_flagship_volume_shows_conv3x3s_numbers():
    from screen_check import recording

    conv3x3 = load_module("conv3x3")
    volume, flat = run(recording(volumes.ConvVolume)), run(conv3x3.Conv3x3)
    # The opening counts, by hand: 3 filters of 3·3·3 weights + 3 biases = 84; 81 products at each of 2×2 places.
    said = [" ".join(t.text.split()) for t in volume.screen.texts()]
    assert "3 filters 3×3×3 make 3 output channels; 84 parameters, 324 multiply-adds" in said
    np.testing.assert_array_equal(volume.trace.output, flat.trace.output)
    np.testing.assert_array_equal(volume.trace.weight, flat.trace.weight)


def test_depthwise_separable_runs_both_layers_and_counts_them_by_hand():
    scene = run(type("RecordedSeparable", (Recorded, volumes.DepthwiseSeparable), {"show_code": False}))
    depthwise, pointwise = scene.layers
    x = depthwise.input
    # Depthwise: one 1×3×3 filter per channel (groups = 3); pointwise: 3×1×1 filters on its output.
    want_mid = F.conv2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(depthwise.weight, dtype=torch.float64),
                        torch.tensor(depthwise.bias, dtype=torch.float64), groups=3)
    want = F.conv2d(want_mid, torch.tensor(pointwise.weight, dtype=torch.float64),
                    torch.tensor(pointwise.bias, dtype=torch.float64))[0].numpy()
    assert depthwise.weight.shape == (3, 1, 3, 3) and pointwise.weight.shape == (3, 3, 1, 1)
    np.testing.assert_array_equal(pointwise.input, want_mid[0].numpy())
    for f, plane in enumerate(scene.output_block):
        np.testing.assert_array_equal(plane.shown_values(), want[f])
    for c, plane in enumerate(scene.input_block):  # the pointwise layer's input block is the depthwise output
        np.testing.assert_array_equal(plane.shown_values(), want_mid[0, c].numpy())
    assert len(scene.positions) == 3 * 4 + 3 * 4  # 3 filters × 2×2 positions in each layer
    # By hand: depthwise 3·1·3·3 + 3 = 30 parameters and 3·9·4 = 108 multiply-adds; pointwise 3·3 + 3 = 12 and
    # 3·3·4 = 36; the standard conv 3·3·3·3 + 3 = 84 and 3·27·4 = 324.
    said = " ".join(scene.caption.text.split())  # the caption wraps
    assert "30 + 12 = 42 parameters, 108 + 36 = 144 multiply-adds" in said
    assert "3×3×3: 84 parameters, 324 multiply-adds" in said


def test_pixel_shuffle_moves_every_value_where_torch_puts_it():
    class Checked(volumes.PixelShuffle):
        def setup(self):
            super().setup()
            self.landed = {}

        def after_plane(self, k):
            self.landed[k] = [grid.visible().copy() for grid in self.output_block]
            self.said = getattr(self, "said", {})
            self.said[k] = " ".join(self.caption.text.split())

    scene = run(Checked)
    x = scene.values
    want = F.pixel_shuffle(torch.tensor(x[None]), 2)[0].numpy()
    assert x.shape == (4, 2, 2) and len(scene.input_block) == 4 and len(scene.output_block) == 1
    np.testing.assert_array_equal(scene.output_block[0].shown_values(), want[0])
    # By hand: input channel k = i·2 + j sends its value at (h, w) to output row 2h + i, column 2w + j.
    for (k, h, w), (c, oy, ox) in scene.moved:
        assert (c, oy, ox) == (0, 2 * h + k // 2, 2 * w + k % 2)
        assert want[c, oy, ox] == x[k, h, w]
    assert len(scene.moved) == x.size
    # Each plane's caption, by hand: channel k = 0·4 + i·2 + j goes to rows h·2 + i, columns w·2 + j.
    for k in range(4):
        i, j = k // 2, k % 2
        assert scene.said[k] == (f"channel {k} = 0·4 + {i}·2 + {j}: to rows h·2 + {i}, columns w·2 + {j} of "
                                 f"output channel 0")
    # After each plane, exactly the cells it filled (and the earlier planes') show their numbers.
    for k, (visible,) in scene.landed.items():
        assert visible.sum() == 4 * (k + 1)
        assert visible[k // 2::2, k % 2::2].all()


def plane_boxes(scene, block):
    """Each plane's box where the camera draws it (frame units)."""
    from screen_check import screen_box
    return [screen_box(scene, plane) for plane in block]


def overlapping(boxes):
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
            if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])]


@pytest.mark.parametrize("name", ["ConvVolume", "GroupedConv", "DepthwiseSeparable", "PixelShuffle"])
def test_no_plane_covers_another_on_screen_and_the_back_is_drawn_as_large_as_the_front(name):
    scene = run(getattr(volumes, name))
    for block in (scene.input_block, scene.output_block):
        boxes = plane_boxes(scene, block)
        assert overlapping(boxes) == []
        heights = [y1 - y0 for _, y0, _, y1 in boxes]
        assert max(heights) / min(heights) < 1.03  # a narrow field of view: depth barely shrinks a plane


def test_the_overlap_reading_finds_planes_set_too_close():
    """plane_gap set by hand to 0.5 puts the planes over each other, and the reading above says so."""
    scene = run(type("Close", (volumes.ConvVolume,), {"plane_gap": 0.5}))
    assert overlapping(plane_boxes(scene, scene.input_block))


def test_a_block_too_tall_for_readable_digits_is_shaded_by_value_and_its_names_stay_readable():
    """Six channels of 7×7 padded cells stack too tall for 8 px digits: the planes are shaded by value (brighter
    for larger, each plane by its own range), the outputs light up in value order, the block names grow to
    the readable size, and the statements still hold the numbers."""
    from screen_check import recording, size_problems, overlap_problems

    class Six(volumes.ConvVolumeScene):
        in_channels, out_channels, input_size, padding, detailed_positions = 6, 2, (5, 5), 1, 1

    scene = run(recording(Six))
    assert not scene.numbered
    t = scene.trace
    for c, plane in enumerate(scene.input_block):
        assert not plane.show_numbers
        light = lightness(plane)
        order = np.argsort(t.padded[c], axis=None, kind="stable")
        assert np.all(np.diff(light[order]) >= -3)
    lit = np.concatenate([lightness(grid) for grid in scene.output_block])
    order = np.argsort(t.output, axis=None, kind="stable")
    assert np.all(np.diff(lit[order]) >= -3) and lit[order[-1]] > lit[order[0]]
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []
    assert any("y[0,0,0]" in text for text in scene.screen.statements())
