"""The im2col scenes, headless: every matrix read back from the screen equals torch's unfold and conv2d."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from manim_support import run  # noqa: I001  (imports manimlib first)
from manim_support import load_module

im2col_scenes = load_module("im2col")


def torch_unfold(x, kernel, stride=1, padding=0):
    """(C, H, W) -> (OH·OW, C·KH·KW), the matrix im2col should build."""
    cols = F.unfold(torch.tensor(x, dtype=torch.float64)[None], kernel, stride=stride, padding=padding)[0]
    return cols.T.numpy()


def luminance(square) -> float:
    from manimlib.utils.color import color_to_rgb
    return float(np.dot(color_to_rgb(square.get_fill_color()), [0.2126, 0.7152, 0.0722]))


def assert_shaded_by_value(values, squares):
    """Cells of one colour shaded by value: a smaller value is never brighter, and the ends differ."""
    values = np.asarray(values, dtype=float).ravel()
    lum = np.array([luminance(sq) for sq in squares])
    order = np.argsort(values, kind="stable")
    assert (np.diff(lum[order]) >= -1e-9).all(), (values[order], lum[order])
    if values.max() > values.min():
        assert lum[order][-1] > lum[order][0]


def assert_draws(grid, expected):
    """``grid`` draws ``expected``: its numbers read back, or, in a grid whose cells are shaded by value
    instead, shades ordered as the values are."""
    if grid.show_numbers:
        np.testing.assert_array_equal(grid.shown_values(), expected)
    else:
        assert_shaded_by_value(expected, grid.squares)


def checked_im2col(scene_class):
    class Checked(scene_class):
        fills = 0

        def after_fill(self, step):
            x, w, _ = self.get_layer_arrays()
            expected = torch_unfold(x, w.shape[2:], self.stride, self.padding)
            shown = self.cols_matrix.shown_matrix()
            done = np.zeros(expected.shape[0], dtype=bool)
            done[:type(self).fills + 1] = True  # rows are filled window by window, in order
            np.testing.assert_array_equal(shown[done], expected[done])
            assert np.isnan(shown[~done]).all()
            if not self.cols_matrix.show_numbers:  # shaded: by value, within each channel's colour
                k = expected.shape[1] // x.shape[0]
                for c in range(x.shape[0]):
                    cells = [(i, j) for i in np.nonzero(done)[0] for j in range(c * k, (c + 1) * k)]
                    assert_shaded_by_value([expected[i, j] for i, j in cells],
                                           [self.cols_matrix.cell(i, j) for i, j in cells])
            type(self).fills += 1

        def after_products(self):
            x, w, _ = self.get_layer_arrays()
            product = torch_unfold(x, w.shape[2:], self.stride, self.padding) @ w.reshape(w.shape[0], -1).T
            assert_draws(self.output_matrix, product)
            assert_draws(self.weight_matrix, w.reshape(w.shape[0], -1).T)

        def after_fold(self):
            x, w, b = self.get_layer_arrays()
            ref = F.conv2d(torch.tensor(x)[None].double(), torch.tensor(w).double(), torch.tensor(b).double(),
                           stride=self.stride, padding=self.padding)[0].numpy()
            for f, grid in enumerate(self.output_maps):
                assert_draws(grid, ref[f])
            assert_draws(self.bias_row, b[None])
            assert_draws(self.output_matrix, ref.reshape(len(b), -1).T)

    return Checked


@pytest.mark.parametrize("options", [{}, {"in_channels": 3, "input_size": (5, 4), "out_channels": 1,
                                          "kernel_size": (3, 2), "stride": 2, "padding": 1}])
def test_im2col_scene_matrices_product_and_maps(options):
    scene_class = checked_im2col(type("Variant", (im2col_scenes.Im2Col,), dict(options)))
    scene = run(scene_class)
    x, w, _ = scene.get_layer_arrays()
    assert scene_class.fills == torch_unfold(x, w.shape[2:], scene.stride, scene.padding).shape[0]
    # Entries keep the colour of the channel they came from (shaded: that colour darkened, its hue kept).
    from manimlib.utils.color import color_to_rgb
    k = w[0].size // x.shape[0]
    for j in range(w[0].size):
        drawn, channel = (color_to_rgb(c) for c in (scene.cols_matrix.cell(0, j).get_fill_color(),
                                                    scene.palette.channel(j // k)))
        if scene.cols_matrix.show_numbers:
            np.testing.assert_allclose(drawn, channel, atol=1e-6)
        else:
            np.testing.assert_allclose(drawn / drawn.max(), channel / channel.max(), atol=0.03)
    # The second layer (18 values a window) is too wide for numbers: its matrices are shaded
    assert scene.cols_matrix.show_numbers == (k * x.shape[0] <= 8)


def test_loop_orders_fill_the_same_matrix_at_their_own_pace():
    class Checked(im2col_scenes.Im2ColLoopOrders):
        passes = 0

        def after_pass(self, index):
            x = self.get_input()
            expected = torch_unfold(x[None], self.kernel_size)
            rows, cols = expected.shape
            for method, per_pass, total in (("kernel", rows, cols), ("window", cols, rows)):
                shown = self.shown_matrices()[method]
                filled = ~np.isnan(shown)
                assert filled.sum() == per_pass * min(index + 1, total)
                np.testing.assert_array_equal(shown[filled], expected[filled])
                if method == "kernel":  # pass (ky, kx) fills whole columns
                    assert filled[:, :min(index + 1, total)].all()
                else:                   # pass (oy, ox) fills whole rows
                    assert filled[:min(index + 1, total)].all()
            type(self).passes += 1

        def compare_matrices(self):
            super().compare_matrices()
            type(self).compared = self.caption.text  # the last caption before the code card

    scene = run(Checked)
    assert Checked.passes == 16  # the window loop: 4×4 windows of 2×2 on 5×5
    expected = torch_unfold(scene.get_input()[None], 2)
    for shown in scene.shown_matrices().values():
        np.testing.assert_array_equal(shown, expected)
    assert "4 passes against 16" in Checked.compared and "25 against 576" in Checked.compared


def test_impossible_im2col_options_fail_at_setup():
    class TooBig(im2col_scenes.Im2Col):
        kernel_size = (4, 4)

    with pytest.raises(ValueError, match=r"kernel_size \(4, 4\) .* larger than the padded input 3×3"):
        run(TooBig)

    with pytest.raises(ValueError, match=r"groups=1 with zero padding; got groups=1, padding_mode='reflect'"):
        run(type("Reflect", (im2col_scenes.Im2Col,), {"padding": 1, "padding_mode": "reflect"}))

    class BadLoops(im2col_scenes.Im2ColLoopOrders):
        stride = 0

    with pytest.raises(ValueError, match=r"^BadLoops\.stride = 0: expected a whole number or a pair"):
        run(BadLoops)


def minus(v):
    return f"(−{-int(v)})" if v < 0 else str(int(v))


def test_im2col_captions_write_out_the_first_dot_products():
    captions = []

    class Recorded(im2col_scenes.Im2Col):
        def caption_to(self, text, font_size=None):
            animation = super().caption_to(text, font_size)
            captions.append(self.caption.text)  # read back from the new caption mobject
            return animation

    scene = run(Recorded)
    x, w, _ = scene.get_layer_arrays()
    cols = torch_unfold(x, w.shape[2:])
    weight_columns = w.reshape(w.shape[0], -1).T
    products = [c for c in captions if c.startswith("row ")]
    assert len(products) == cols.shape[0] * w.shape[0]
    for n, text in enumerate(products):
        i, j = divmod(n, w.shape[0])
        value = int(cols[i] @ weight_columns[:, j])
        if n < scene.detailed_products:  # every term written out, from torch's unfold and the weights
            terms = " + ".join(f"{minus(a)}·{minus(b)}" for a, b in zip(cols[i], weight_columns[:, j]))
            assert text == f"row {i} · column {j} = {terms} = {str(value).replace('-', '−')}"
        else:
            assert text == f"row {i} · column {j} = {str(value).replace('-', '−')}"


def test_loop_counters_name_the_pass():
    counters = []

    class Recorded(im2col_scenes.Im2ColLoopOrders):
        def after_pass(self, index):
            counters.append({m: p["counter"].text for m, p in self.panels.items()})

    run(Recorded)
    assert counters[0] == {"kernel": "ky = 0, kx = 0    pass 1 of 4", "window": "oy = 0, ox = 0    pass 1 of 16"}
    assert counters[3]["kernel"] == "ky = 1, kx = 1    pass 4 of 4"
    assert counters[15] == {"kernel": "ky = 1, kx = 1    pass 4 of 4", "window": "oy = 3, ox = 3    pass 16 of 16"}
