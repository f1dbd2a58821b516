"""The feature-map and pipeline scenes, headless: maps, window numbers and shapes against torch."""
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from manim_support import run  # noqa: I001  (imports manimlib first)
from convanim.manim.mobjects.cells import MIN_FONT_SIZE, NumberGrid
from convanim import generated_picture, output_size
from manim_support import lightness, load_module
from render_support import SHORT, render

feature_maps = load_module("feature_maps")
pipeline = load_module("pipeline")


def torch_stages(x, weight, bias, pool):
    conv = F.conv2d(torch.tensor(x, dtype=torch.float64)[None], torch.tensor(weight, dtype=torch.float64),
                    torch.tensor(bias, dtype=torch.float64))
    relu = torch.relu(conv)
    return [t[0].numpy() for t in (conv, relu, F.max_pool2d(relu, pool))]


def assert_drawn_like(image, values, signed):
    """The drawn pixels rise with the value (grey) or with |value|, red above 0 and blue below (signed)."""
    drawn = image.drawn_pixels().astype(int)
    assert drawn.shape[:2] == values.shape
    v = values.ravel()
    level = drawn.reshape(-1, 3).sum(axis=1)
    # Brighter for larger values (for |value| within each sign when signed); rounding aside.
    for part in ([v >= 0, v <= 0] if signed else [np.ones_like(v, dtype=bool)]):
        order = np.argsort(np.abs(v[part]) if signed else v[part], kind="stable")
        assert np.all(np.diff(level[part][order]) >= -3)
    if signed:
        red, blue = drawn.reshape(-1, 3)[:, 0], drawn.reshape(-1, 3)[:, 2]
        strong = np.abs(v) > 0.05 * np.abs(v).max()
        assert np.all(red[strong & (v > 0)] > blue[strong & (v > 0)])
        assert np.all(blue[strong & (v < 0)] > red[strong & (v < 0)])


class CheckedCat(feature_maps.FeatureMaps):
    checked = False

    def after_window_numbers(self):
        from skimage import data

        cat = data.chelsea().astype(np.int64)
        oy, ox = self.zoom_pixel
        edge = np.array([[-1, 0, 1]] * 3)  # hand-written: the 3×3 vertical-edge kernel
        total = 0
        for c in range(3):
            window = cat[oy:oy + 3, ox:ox + 3, c]  # no padding: output (oy, ox) reads rows oy.., cols ox..
            np.testing.assert_array_equal(self.window_grids[c].shown_values(), window)
            np.testing.assert_array_equal(self.kernel_grids[c].shown_values(), edge)
            np.testing.assert_array_equal(self.product_grids[c].shown_values(), window * edge)
            assert self.sum_numbers[c].text == f"Σ = {np.sum(window * edge)}"
            total += np.sum(window * edge)
        type(self).checked = total

    def conclude(self):
        super().conclude()
        type(self).concluded = self.caption.text  # the last caption before the code card


def test_feature_maps_of_the_cat_equal_torch():
    from skimage import data

    scene = run(CheckedCat)
    cat = data.chelsea().transpose(2, 0, 1)
    assert scene.photo.name.startswith("chelsea") and scene.input.shape == (3, 300, 451)
    np.testing.assert_array_equal(scene.photo_image.drawn_pixels(), data.chelsea())
    for row, (weight, bias) in zip(scene.rows, scene.weights):
        expected = torch_stages(cat, weight, bias, 2)
        for image, label, ref, signed in zip(row["maps"], row["labels"], expected, (True, False, False)):
            np.testing.assert_allclose(image.values, ref[0], rtol=1e-9, atol=1e-9)
            assert_drawn_like(image, ref[0], signed)
            assert label.text.endswith("×".join(map(str, ref.shape)))  # the shape label, from torch's shape
    # Parameter counts, worked by hand: C·k·k·1 + 1.
    assert [r["params"].text for r in scene.rows] == ["28 params", "301 params", "1201 params"]
    oy, ox = scene.zoom_pixel
    conv = torch_stages(cat, *scene.weights[0], 2)[0][0]
    assert CheckedCat.checked == conv[oy, ox]
    assert CheckedCat.concluded.startswith(f"pixel ({oy}, {ox}) = {int(conv[oy, ox])};")


def test_without_scikit_image_a_generated_picture_and_a_note(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage", None)

    class Recorded(feature_maps.FeatureMaps):
        captions = []

        def caption_to(self, text, font_size=None):
            type(self).captions.append(text)
            return super().caption_to(text, font_size)

    with pytest.warns(UserWarning, match="scikit-image is not installed"):
        scene = run(Recorded)
    assert scene.photo.name == "generated picture"
    assert 'pip install "convanim[photo]"' in Recorded.captions[0]
    x = scene.input
    expected = torch_stages(x, *scene.weights[1], 2)
    np.testing.assert_allclose(scene.rows[1]["maps"][2].values, expected[2][0], rtol=1e-9)


def test_bad_photos_fail_at_setup(tmp_path):
    big = tmp_path / "big.png"
    Image.fromarray(np.zeros((20, 1100, 3), dtype=np.uint8)).save(big)
    grey = tmp_path / "grey.png"
    Image.fromarray((np.arange(40 * 60).reshape(40, 60) % 251).astype(np.uint8)).save(grey)
    cases = [({"photo_source": str(big)}, r"photo is 20×1100 pixels; .* photo_max_side=1024"),
             ({"photo_source": str(tmp_path / "none.png")}, r"Bad\.photo_source = '.*none\.png': photo file not found"),
             ({"photo_source": "generated", "zoom_pixel": (400, 3)}, r"zoom_pixel \(400, 3\) is outside the 298×449"),
             ({"photo_source": str(grey), "filters": (("edge", 3), ("blur", 50))}, r"layer 1 \(Conv\) .*\(50, 50\)"),
             ({"photo_source": "generated", "filters": (("edge", 4),)},
              r"Bad.filters\[0\] = \('edge', 4\): edge filter size must be odd")]
    for options, message in cases:
        with pytest.raises((ValueError, FileNotFoundError), match=message):
            run(type("Bad", (feature_maps.FeatureMapScene,), options))
    # A greyscale photo works: one channel.
    scene = run(type("Grey", (feature_maps.FeatureMapScene,), {"photo_source": str(grey), "zoom_pixel": (5, 7)}))
    assert scene.input.shape == (1, 40, 60) and len(scene.window_grids) == 1


def test_a_non_image_photo_writes_no_video(tmp_path):
    out = tmp_path / "bad.mp4"
    result = render(SHORT, "NotAPhoto", out)
    assert result.returncode != 0
    assert "is not an image Pillow can read" in result.stderr
    assert not out.exists()


def torch_pipeline(scene):
    ref = torch.tensor(scene.get_input())
    outputs = [ref.numpy()]
    for layer in scene.get_layers():
        name = type(layer).__name__
        if name == "Conv":
            ref = F.conv2d(ref[None], torch.tensor(layer.weight), torch.tensor(layer.bias))[0]
        elif name == "ReLU":
            ref = torch.relu(ref)
        else:
            ref = F.max_pool2d(ref[None], layer.kernel_size)[0]
        outputs.append(ref.numpy())
    return outputs


@pytest.mark.parametrize("name", ["Pipeline", "PipelineStacked"])
def test_pipeline_maps_and_shapes(name):
    seen = []

    class Checked(getattr(pipeline, name)):
        show_code = False  # the network's story, before its closing card

        def after_stage(self, j):
            seen.append(j)
            assert self.labels[j] in self.mobjects or any(self.labels[j] in m.get_family() for m in self.mobjects)

    scene = run(Checked)
    expected = torch_pipeline(scene)
    h = [28]
    for k, layer in zip((5, 2, 5, 2), ("conv", "pool", "conv", "pool")):
        h.append(output_size(h[-1], k) if layer == "conv" else output_size(h[-1], k, k))
    heights = [h[0], h[1], h[1], h[2], h[3], h[3], h[4]]  # ReLU keeps the size
    assert heights == [28, 24, 24, 12, 8, 8, 4]
    assert seen == list(range(1, 7))
    for j, (column, ref) in enumerate(zip(scene.columns, expected)):
        assert ref.shape[1] == heights[j]
        assert scene.labels[j][1].text == "×".join(map(str, ref.shape))
        if isinstance(column[0], NumberGrid):
            assert ref.shape[1] * ref.shape[2] <= scene.numbered_cells
            for grid, r in zip(column, ref):
                np.testing.assert_allclose(grid.shown_values(), np.round(r, 1), atol=1e-9)
        else:
            for image, r in zip(column, ref):
                np.testing.assert_allclose(image.values, r, rtol=1e-9, atol=1e-12)
    assert scene.caption.text.endswith("28 → 24 → 24 → 12 → 8 → 8 → 4")
    if name == "PipelineStacked":
        assert not np.allclose(scene.frame.get_euler_angles(), 0)
        depths = [mob.get_center()[2] for mob in scene.columns[1]]
        assert len(set(np.round(depths, 6))) == len(depths)  # one behind the other


def test_small_maps_are_drawn_with_readable_numbers_and_large_ones_as_images():
    class Small(pipeline.Pipeline):
        input_size, kernel_size, conv_channels = 12, 3, (3, 2)   # 12 → 10 → 10 → 5 → 3 → 3 → 1

    scene = run(Small)
    expected = torch_pipeline(scene)
    kinds = [isinstance(column[0], NumberGrid) for column in scene.columns]
    assert kinds == [False, False, False, False, True, True, True]
    for column, ref in zip(scene.columns[4:], expected[4:]):
        for grid, r in zip(column, ref):
            np.testing.assert_allclose(grid.shown_values(), np.round(r, 1), atol=1e-9)
            assert grid.font_size >= MIN_FONT_SIZE


def test_a_layer_that_does_not_fit_fails_at_setup():
    class TooBig(pipeline.Pipeline):  # 8 -> conv 5 -> 4 -> pool -> 2: no room for the second 5x5 kernel
        input_size = 8

    with pytest.raises(ValueError, match=r"layer 4 \(Conv\) on maps of shape \(4, 2, 2\): kernel_size \(5, 5\)"):
        run(TooBig)


def test_images_do_not_split_the_vector_batch():
    """With the rows of maps on screen, all vector mobjects share one draw batch (one fill pass a frame)."""
    from convanim.manim.rendering.batched_scene import has_vectors

    counts = {}

    class Counting(feature_maps.FeatureMaps):
        def zoom_to_window(self):
            groups = [g for g in self.render_groups_now() if has_vectors(g)]
            counts["vector batches"] = len(groups)
            counts["images"] = sum(not has_vectors(m) for m in self.mobjects)
            super().zoom_to_window()

    run(Counting)
    assert counts["images"] >= 10  # the photo and three rows of kernel, conv, ReLU and pool images
    assert counts["vector batches"] == 1


def test_a_lecturers_own_small_photo_zooms_into_the_centre_of_its_map(tmp_path):
    """Issue 32: the default zoom_pixel was a pixel of the cat, so a 64×64 photo of the lecturer's own failed;
    it now follows the input: the centre of the zoomed filter's map (a 3×3 edge on 64×64 gives 62×62, centre
    (31, 31), by hand)."""
    from PIL import Image
    own = tmp_path / "own.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(own)
    scene = run(type("Own", (feature_maps.FeatureMapScene,), {"photo_source": str(own)}))
    assert scene.zoom_pixel == (31, 31)
    oy, ox = scene.zoom_pixel
    assert scene.trace.output.shape[1:] == (62, 62) and 0 <= oy < 62 and 0 <= ox < 62


def test_a_window_too_large_for_numbers_is_shaded_by_value_and_its_sums_written():
    """A 7×7 edge filter's window arithmetic has no room for its numbers at the minimum size: the window, kernel
    and products are shaded by value (brighter for larger, in value order), and each channel's sum is written."""
    class Large(feature_maps.FeatureMapScene):
        photo_source, filters, decimals = "generated", (("edge", 7),), 0

    scene = run(Large)
    x = np.moveaxis(generated_picture(), -1, 0).astype(np.int64)  # (3, H, W) pixels
    oy, ox = scene.zoom_pixel
    kernel = np.zeros((7, 7), dtype=np.int64)  # by hand: the vertical-edge kernel, −1 on the left, +1 on the right
    kernel[:, 0], kernel[:, -1] = -1, 1
    for c in range(3):
        window = x[c, oy:oy + 7, ox:ox + 7]  # no padding: output (oy, ox) reads rows oy.., columns ox..
        for grid, values in ((scene.window_grids[c], window), (scene.kernel_grids[c], kernel),
                             (scene.product_grids[c], window * kernel)):
            assert not grid.show_numbers
            light = lightness(grid)
            order = np.argsort(values, axis=None, kind="stable")
            assert np.all(np.diff(light.flat[order]) >= -3)  # brighter for larger (hex rounding: a few steps)
            assert light.flat[order[-1]] > light.flat[order[0]] or values.min() == values.max()
        assert scene.sum_numbers[c].text == f"Σ = {int(np.sum(window * kernel))}"
