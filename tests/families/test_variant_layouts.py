"""Readable for every variant a lecturer sets (issue 32): layouts adapt to the shapes the options allow.

Each check runs the scene with its animations skipped and reads, after every play, every text and number on
screen (screen_check): none under 8 px at 480p, none off the frame."""
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from screen_check import fuzz_settings, overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from statement_check import arithmetic_problems
from convanim.manim import ConvLayerScene

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scenes"))
import conv3x3  # noqa: E402


def test_a_depthwise_layer_of_six_maps_stays_readable():
    """in_channels=3, out_channels=6, groups=3 squeezed six 2×2 maps into one column, their numbers 5 px tall
    at 480p; the maps now wrap into columns."""

    class Depthwise(conv3x3.Conv3x3):
        in_channels, out_channels, groups = 3, 6, 3

    scene = run(recording(Depthwise))
    assert size_problems(scene.screen) == []
    columns = {round(float(g.get_center()[0]), 3) for g in scene.output_grids}
    assert len(columns) == 2


@st.composite
def conv_layers(draw):
    """A conv layer within the documented ranges (kept small: each example runs the whole story)."""
    groups = draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = draw(st.integers(1, 2))
    size = (draw(st.integers(max(3, dilation * (kernel[0] - 1) + 1), 7)),
            draw(st.integers(max(3, dilation * (kernel[1] - 1) + 1), 7)))
    low = draw(st.integers(-20, 5))
    options = {"in_channels": groups * draw(st.integers(1, 2)), "out_channels": groups * draw(st.integers(1, 3)),
               "groups": groups, "input_size": size, "kernel_size": kernel, "dilation": dilation,
               "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)), "seed": draw(st.integers(0, 99)),
               "input_range": (low, low + draw(st.integers(0, 30))), "weight_range": (-3, draw(st.integers(-2, 9))),
               "detailed_steps": 1, "language": draw(st.sampled_from(["en", "th", "ja", "de"]))}
    if draw(st.booleans()):  # floats, written with `decimals` places
        rng_seed = draw(st.integers(0, 99))
        import numpy as np
        rng = np.random.default_rng(rng_seed)
        options["input_values"] = np.round(rng.uniform(-5, 5, (options["in_channels"], *size)), 3)
        options["decimals"] = draw(st.integers(0, 3))
    return options


@fuzz_settings(4)
@given(conv_layers())
def test_conv_layers_of_any_shape_stay_readable_and_true(options):
    # the layout of the layer; the closing code card's readability is tested in test_code_cards.py
    scene = run(recording(type("Drawn", (ConvLayerScene,), {**options, "show_code": False})))
    assert size_problems(scene.screen) == []
    assert overlap_problems(scene.screen) == []
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []


def test_the_smallest_caption_keeps_every_scripts_letters_8_px_tall_at_480p():
    """Thai's consonants are a third shorter than digits of the same size: at the old minimum (19) they were
    about 5 px tall at 480p against 8-9 px digits.  Captions and labels now have a smallest size per language."""
    from convanim.languages import LANGUAGES
    from convanim.manim.mobjects.cells import caption_text, label_above, use_language
    from manimlib import Square

    samples = {"en": "0123456789 xkH", "de": "0123 Gewichte", "th": "กขคงจนมรลวอ", "ja": "あいう日本",
               "zh-Hans": "中文卷积", "zh-Hant": "中文卷積"}
    for code, sample in samples.items():
        use_language(LANGUAGES[code])
        try:
            for mob in (caption_text(sample, 10), label_above(Square(), sample, 12)):
                letters = [g for g in mob.submobjects if g.get_height() > 0.05]  # leave out dots and dashes
                heights = sorted(float(g.get_height()) * 480 / 8 for g in letters)
                # the median glyph: an ordinary letter of the script (x-height letters of Latin excepted: its
                # rule is the digits')
                assert heights[len(heights) // 2] >= 8 - 1e-6, (code, heights)
        finally:
            use_language(LANGUAGES["en"])


def test_a_stacked_filter_panels_front_kernel_shows_no_plate_through_its_cells():
    """The plates behind a stacked kernel showed through the front kernel's cells (lighter patches on its digits,
    issue 32): every cell of the front kernel is now drawn in one colour, read from the frame near each cell's
    corner (away from its digit)."""
    import numpy as np

    class SixChannels(conv3x3.Conv3x3):
        in_channels, out_channels = 6, 2

    scene = SixChannels(skip_animations=True, end_at_animation_number=14, camera_config={"resolution": (1708, 960)})
    scene.run()
    assert scene.panel_stacked
    scene.update_frame(force_draw=True)
    image = np.asarray(scene.camera.get_image())[..., :3].astype(int)
    front = scene.kernels.front_grid()
    colours = []
    for square in front.squares:
        x, y = square.get_corner(np.array([-1, -1, 0]))[:2] + 0.15 * square.get_width()
        column = int(round((x + 7.111) / 14.222 * 1708))
        row = int(round((4 - y) / 8 * 960))
        colours.append(image[row, column])
    colours = np.array(colours)
    assert np.abs(colours - colours[0]).max() <= 2, colours
    scene.camera.ctx.release()


def test_products_too_wide_for_a_28x28_inputs_cells_are_written_in_a_lens_beside_the_window():
    """MnistSizedConv wrote its products over input cells narrower than they are ('−7' over '−4', issue 32).
    They now go to a lens: the window drawn again beside it.  Worked out here from the scene's own input and
    weights: the lens shows x[oy+ky, ox+kx] in the cell of tap (ky, kx) (rows down, columns right), the
    product x·w is written in that cell, and the lens covers no cell of the window."""
    import numpy as np
    from convanim.manim.mobjects.free_space import box_of

    seen = []

    class Lensed(conv3x3.MnistSizedConv):
        detailed_steps = 2

        def after_stage(self, stage, step):
            super().after_stage(stage, step)
            if stage == "products":
                front = self.input_stack.front_grid()
                window = [front.cell(step.oy + ky, step.ox + kx) for ky in range(5) for kx in range(5)]
                products = [(n.num_string, n.get_center().copy()) for n in self.products]  # they move on
                lens = [(n.num_string, self.lens.grid.cell(*divmod(i, 5)).get_center().copy())
                        for i, n in enumerate(self.lens.grid.numbers)]
                seen.append((step.oy, step.ox, lens, products, [box_of(c) for c in window], box_of(self.lens)))

    scene = run(recording(Lensed))
    x, w, _ = scene.get_layer_arrays()
    assert len(seen) == 2
    for oy, ox, lens, products, window, (lx0, ly0, lx1, ly1) in seen:
        for (ky, kx), (product, at), (value, centre) in zip(np.ndindex(5, 5), products, lens):
            assert float(product.replace("–", "-")) == x[0, oy + ky, ox + kx] * w[0, 0, ky, kx]
            assert np.allclose(at, centre, atol=1e-6)
            assert float(value.replace("–", "-")) == x[0, oy + ky, ox + kx]
        xs, ys = (np.array([c[i] for _, c in lens]).reshape(5, 5) for i in (0, 1))
        assert (np.diff(xs, axis=1) > 0).all() and (np.diff(ys, axis=0) < 0).all()
        for cx0, cy0, cx1, cy1 in window:
            assert cx1 <= lx0 or lx1 <= cx0 or cy1 <= ly0 or ly1 <= cy0
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []


@st.composite
def large_conv_layers(draw):
    """Layers whose input cells are too small for their numbers (shaded inputs, products in a lens)."""
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    low = draw(st.integers(-99, 0))
    return {"in_channels": draw(st.integers(1, 2)), "out_channels": draw(st.integers(1, 2)),
            "input_size": (draw(st.integers(max(kernel[0], 9), 30)), draw(st.integers(max(kernel[1], 9), 30))),
            "kernel_size": kernel, "stride": draw(st.integers(1, 3)), "padding": draw(st.integers(0, 2)),
            "input_range": (low, low + draw(st.integers(0, 199))), "weight_range": (-9, draw(st.integers(-5, 9))),
            "seed": draw(st.integers(0, 99)), "detailed_steps": 1, "sweep_time": 1 / 15,
            "language": draw(st.sampled_from(["en", "th", "ja"]))}


@fuzz_settings(3)
@given(large_conv_layers())
def test_large_conv_layers_stay_readable_and_true(options):
    # the layout of the layer; the closing code card's readability is tested in test_code_cards.py
    scene = run(recording(type("Drawn", (ConvLayerScene,), {**options, "show_code": False})))
    assert size_problems(scene.screen) == []
    assert overlap_problems(scene.screen) == []
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []


def opacity(number) -> float:
    """How opaque a number's glyphs are drawn (the most opaque of them)."""
    return max(float(m.get_fill_opacity()) for m in number.family_members_with_points())


def test_a_lens_over_numbered_input_cells_hides_the_numbers_under_it():
    """make fuzz found it: a 9×9 input of three-digit numbers has its numbers drawn, but its products (−620) are
    too wide for its cells; the lens beside the window lay over other input numbers.  Those fade while it is
    open and come back after."""
    hidden = []

    class Lensed(ConvLayerScene):
        in_channels, out_channels, input_size, kernel_size = 1, 1, (9, 9), (1, 5)
        input_range, weight_range, seed, detailed_steps = (0, 182), (-9, 0), 0, 1

        def after_stage(self, stage, step):
            super().after_stage(stage, step)
            if stage == "products" and self.lens is not None:
                hidden.append([opacity(n) for n in self.lens_covers])

    scene = run(recording(Lensed))
    assert hidden and hidden[0] and max(hidden[0]) == 0.0  # the lens lay over some numbers, hidden meanwhile
    assert all(opacity(n) == 1.0 for n in scene.input_stack.front_grid().numbers)
    assert overlap_problems(scene.screen) == [] and size_problems(scene.screen) == []
