"""Readable and true for the variants a lecturer sets, family by family (issue 32): hypothesis draws option
sets within the documented ranges, each scene runs with its animations skipped, and after every play every text
and number is checked (screen_check): none under 8 px at 480p, none off the frame, every statement's arithmetic
true as written (statement_check, independent of convanim.statements).  Kept small: each example runs a whole
story."""
import numpy as np
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from screen_check import fuzz_settings, overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from statement_check import arithmetic_problems
from manim_support import lightness
import convanim as ca
from convanim.manim import (BatchNormFoldingScene, Col2ImScene, ConvArithmetic, ConvBackwardAsConvolutionScene, ConvBackwardScene,
                            ConvVolumeScene, FeatureMapScene, GradientDescentScene, Im2ColLoopOrdersScene, Im2ColScene, PaddingModes,
                            PipelineScene, PoolBackwardScene, PoolingScene, ReceptiveFieldScene, TransposedScatter,
                            TrueConvolutionScene)


LANGUAGES = st.sampled_from(["en", "th", "ja", "zh-Hant", "de"])
FUZZ = fuzz_settings(4)


def check(scene_class, options):
    scene = run(recording(type("Drawn", (scene_class,), dict(options))))
    assert size_problems(scene.screen) == []
    assert overlap_problems(scene.screen) == []
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []
    return scene


def floats(draw, shape):
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    return np.round(rng.uniform(-9, 9, shape), 2)


@st.composite
def pooling_layers(draw):
    mode = draw(st.sampled_from(["max", "avg"]))
    kernel = draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2)) if mode == "max" else 1
    size = (draw(st.integers(dilation * (kernel - 1) + 1, 6)), draw(st.integers(dilation * (kernel - 1) + 1, 6)))
    options = {"mode": mode, "kernel_size": kernel, "stride": draw(st.integers(1, 3)),
               "padding": draw(st.integers(0, kernel // 2)), "dilation": dilation, "input_size": size,
               "ceil_mode": draw(st.booleans()), "count_include_pad": draw(st.booleans()),
               "detailed_windows": 2, "language": draw(LANGUAGES)}
    if draw(st.booleans()):
        options["input_values"] = floats(draw, size)
        options["decimals"] = draw(st.integers(0, 3))
    return options


@FUZZ
@given(pooling_layers())
def test_pooling_variants(options):
    check(PoolingScene, options)


@st.composite
def transposed_layers(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.integers(1, 3))
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.integers(0, min(kernel) - 1))
    output_padding = draw(st.integers(0, stride - 1))
    # PyTorch's size rule: o = (i − 1)s − 2p + (k − 1) + output_padding + 1 must be at least 1 on both axes
    assume(all((i - 1) * stride - 2 * padding + k - 1 + output_padding + 1 >= 1 for i, k in zip(size, kernel)))
    return {"input_size": size, "kernel_size": kernel, "stride": stride, "padding": padding,
            "output_padding": output_padding, "input_range": (-9, 9), "weight_range": (-3, 3),
            "detailed_steps": 2, "language": draw(LANGUAGES)}


@FUZZ
@given(transposed_layers())
def test_transposed_scatter_variants(options):
    check(TransposedScatter, options)


@st.composite
def backward_layers(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return {"in_channels": draw(st.integers(1, 2)), "out_channels": draw(st.integers(1, 2)),
            "input_size": (draw(st.integers(3, 5)), draw(st.integers(3, 5))), "kernel_size": kernel,
            "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)), "seed": draw(st.integers(0, 99)),
            "detailed_weights": 2, "detailed_scatters": 1, "language": draw(LANGUAGES)}


@FUZZ
@given(backward_layers())
def test_conv_backward_variants(options):
    check(ConvBackwardScene, options)


@st.composite
def pool_backward_layers(draw):
    mode = draw(st.sampled_from(["max", "avg"]))
    kernel = draw(st.integers(1, 3))
    size = (draw(st.integers(kernel, 5)), draw(st.integers(kernel, 5)))
    return {"mode": mode, "kernel_size": kernel, "stride": draw(st.integers(1, 2)),
            "padding": draw(st.integers(0, kernel // 2)), "input_size": size,
            "count_include_pad": draw(st.booleans()), "grad_seed": draw(st.integers(0, 99)),
            "detailed_windows": 2, "language": draw(LANGUAGES)}


@FUZZ
@given(pool_backward_layers())
def test_pool_backward_variants(options):
    check(PoolBackwardScene, options)


@st.composite
def im2col_layers(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (draw(st.integers(kernel[0], 7)), draw(st.integers(kernel[1], 7)))
    return {"in_channels": draw(st.integers(1, 3)), "out_channels": draw(st.integers(1, 3)), "input_size": size,
            "kernel_size": kernel, "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)),
            "input_range": (draw(st.integers(-99, 0)), draw(st.integers(0, 99))), "seed": draw(st.integers(0, 99)),
            "detailed_rows": 1, "detailed_products": 1, "sweep_time": 1 / 15, "language": draw(LANGUAGES)}


@FUZZ
@given(im2col_layers())
def test_im2col_variants(options):
    """The matrices shade their cells by value where their numbers would be too small (a 5×5 input with a
    3×3 kernel and 2 channels makes a 9×18 cols matrix); the captions still write the numbers."""
    scene = check(Im2ColScene, options)
    x, w, b = scene.get_layer_arrays()
    want = torch.nn.functional.conv2d(torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64),
                                      torch.tensor(b, dtype=torch.float64), stride=options["stride"],
                                      padding=options["padding"]).numpy()
    for j, grid in enumerate(scene.output_maps):  # the folded maps stand for conv2d's output, drawn or shaded
        np.testing.assert_allclose(grid.shown_matrix(), want[j])


@st.composite
def loop_order_layers(draw):
    kernel = draw(st.integers(1, 3))
    size = (draw(st.integers(kernel, 8)), draw(st.integers(kernel, 8)))
    return {"input_size": size, "kernel_size": kernel, "stride": draw(st.integers(1, 2)),
            "padding": draw(st.integers(0, 1)), "seed": draw(st.integers(0, 99)), "step_time": 1 / 15,
            "language": draw(LANGUAGES)}


@FUZZ
@given(loop_order_layers())
def test_im2col_loop_order_variants(options):
    scene = check(Im2ColLoopOrdersScene, options)
    shown = scene.shown_matrices()
    np.testing.assert_array_equal(shown["kernel"], shown["window"])


@st.composite
def col2im_layers(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (draw(st.integers(kernel[0], 5)), draw(st.integers(kernel[1], 5)))
    return {"in_channels": draw(st.integers(1, 2)), "out_channels": draw(st.integers(1, 2)), "input_size": size,
            "kernel_size": kernel, "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)),
            "seed": draw(st.integers(0, 99)), "grad_seed": draw(st.integers(0, 99)), "detailed_rows": 1,
            "detailed_products": 1, "sweep_time": 1 / 15, "language": draw(LANGUAGES)}


@FUZZ
@given(col2im_layers())
def test_col2im_variants(options):
    check(Col2ImScene, options)


@st.composite
def backward_as_conv_layers(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (draw(st.integers(kernel[0], 5)), draw(st.integers(kernel[1], 5)))
    return {"in_channels": draw(st.integers(1, 2)), "out_channels": draw(st.integers(1, 2)), "input_size": size,
            "kernel_size": kernel, "stride": draw(st.integers(1, 2)),
            "seed": draw(st.integers(0, 99)), "grad_seed": draw(st.integers(0, 99)), "language": draw(LANGUAGES)}  # padding 0: the scene draws no padding


@FUZZ
@given(backward_as_conv_layers())
def test_backward_as_convolution_variants(options):
    check(ConvBackwardAsConvolutionScene, options)


@st.composite
def arithmetic_layers(draw):
    """Dumoulin and Visin's cases and their neighbours: i, k, p, s, d on one channel."""
    kernel = draw(st.integers(1, 4))
    dilation = draw(st.integers(1, 2))
    size = draw(st.integers(max(1, dilation * (kernel - 1) + 1 - 2 * 2), 7))
    padding = draw(st.integers(0, 2))
    assume(size + 2 * padding >= dilation * (kernel - 1) + 1)
    return {"input_size": (size, size), "kernel_size": kernel, "padding": padding, "dilation": dilation,
            "stride": draw(st.integers(1, 3)), "seed": draw(st.integers(0, 99)), "detailed_steps": 1,
            "sweep_time": 1 / 15, "language": draw(LANGUAGES), "flip_kernel": draw(st.booleans())}


@FUZZ
@given(arithmetic_layers())
def test_conv_arithmetic_variants(options):
    check(ConvArithmetic, options)


@FUZZ
@given(st.fixed_dictionaries({"pad": st.integers(0, 3), "language": LANGUAGES,
                              "input_values": st.integers(0, 99).map(
                                  lambda seed: np.random.default_rng(seed).integers(-20, 99, (4, 4)))}))
def test_padding_mode_variants(options):
    check(PaddingModes, options)


@st.composite
def pipelines(draw):
    kernel = draw(st.sampled_from([3, 5]))
    pool = draw(st.integers(1, 3))
    size = draw(st.integers(8, 32))
    after_first = (size - kernel + 1) // pool  # the second conv needs a map at least as large as its kernel
    assume(after_first >= kernel and (after_first - kernel + 1) // pool >= 1)
    return {"digit": draw(st.integers(0, 9)), "input_size": size, "kernel_size": kernel, "pool_size": pool,
            "conv_channels": (draw(st.integers(1, 6)), draw(st.integers(1, 8))), "seed": draw(st.integers(0, 99)),
            "language": draw(LANGUAGES)}


@FUZZ
@given(pipelines())
def test_pipeline_variants(options):
    check(PipelineScene, options)


@FUZZ
@given(pipelines())
def test_receptive_field_variants(options):
    check(ReceptiveFieldScene, {**options, "unit": (0, 0)})


@FUZZ
@given(st.fixed_dictionaries({"num_images": st.integers(1, 8), "image_size": st.integers(3, 6),
                              "seed": st.integers(0, 99), "lr": st.sampled_from([0.05, 0.2, 0.5]),
                              "steps": st.integers(1, 6), "detailed_steps": st.integers(0, 2),
                              "decimals": st.integers(1, 3), "loss_decimals": st.integers(2, 5),
                              "language": LANGUAGES}))
def test_gradient_descent_variants(options):
    check(GradientDescentScene, options)


@st.composite
def volume_layers(draw):
    groups = draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return {"in_channels": groups * draw(st.integers(1, 2)), "out_channels": groups * draw(st.integers(1, 2)),
            "groups": groups, "input_size": (draw(st.integers(kernel[0], 5)), draw(st.integers(kernel[1], 5))),
            "kernel_size": kernel, "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)),
            "seed": draw(st.integers(0, 99)), "detailed_positions": 1, "sweep_time": 1 / 15,
            "language": draw(LANGUAGES)}


@FUZZ
@given(volume_layers())
def test_volume_variants(options):
    """Readable, inside the frame, no numbers over numbers, every statement true: the view is fitted to the
    blocks, and where that would draw a block of many planes' digits under 8 px the planes are shaded by value
    instead (the captions carry the numbers)."""
    check(ConvVolumeScene, options)


@st.composite
def feature_map_variants(draw):
    """The generated picture (no download, no scikit-image) through one to three filters of any kind and size."""
    kinds = [draw(st.sampled_from(["edge", "blur", "random"])) for _ in range(draw(st.integers(1, 3)))]
    filters = tuple((kind, draw(st.sampled_from([3, 5, 7, 9, 11]) if kind == "edge" else st.integers(2, 12)))
                    for kind in kinds)  # an edge filter has a centre: odd sizes
    return {"photo_source": "generated", "filters": filters, "pool_size": draw(st.integers(1, 4)),
            "zoom_filter": draw(st.integers(0, len(filters) - 1)), "seed": draw(st.integers(0, 99)),
            "decimals": draw(st.integers(0, 3)), "stage_time": 0.1, "pause_time": 0.1, "language": draw(LANGUAGES)}


@fuzz_settings(4)
@given(feature_map_variants())
def test_feature_map_variants(options):
    check(FeatureMapScene, options)


def test_descent_grids_fit_the_widest_number_of_any_step():
    """make fuzz found it: with lr 0.5 the weights grow from 0.0 to ±14.0 in one step, and grids sized for the
    first step's numbers drew '−14.0' over its neighbour."""
    scene = check(GradientDescentScene, {"num_images": 1, "image_size": 3, "seed": 1, "lr": 0.5, "steps": 2,
                                         "decimals": 1, "detailed_steps": 0})
    assert np.abs(scene.weight_grid.shown_values()).max() >= 10  # the numbers that grew


def test_descent_grids_too_wide_for_their_column_are_shaded():
    """make fuzz found it: lr 0.5 with three decimals diverges to weights like −910.000; grids sized for them
    overlapped their neighbours.  Such a grid is shaded by value, its shades following each step's values."""
    scene = check(GradientDescentScene, {"num_images": 1, "image_size": 3, "seed": 1, "lr": 0.5, "steps": 4,
                                         "decimals": 3, "detailed_steps": 0})
    assert not scene.weight_grid.show_numbers
    w = scene.run.steps[-1].new_weight[0, 0]
    light = lightness(scene.weight_grid)
    order = np.argsort(w, axis=None, kind="stable")
    assert np.all(np.diff(light[order]) >= -3) and light[order[-1]] > light[order[0]]


@FUZZ
@given(st.fixed_dictionaries({"in_channels": st.integers(1, 2), "input_size": st.integers(3, 6),
                              "out_channels": st.integers(1, 3), "kernel_size": st.integers(1, 3),
                              "stride": st.integers(1, 2), "padding": st.integers(0, 1),
                              "eps": st.sampled_from([1e-5, 1e-3, 0.1, 1.0]), "seed": st.integers(0, 999),
                              "decimals": st.integers(1, 3), "language": LANGUAGES}))
def test_batch_norm_folding_variants(options):
    """Every option within its declared range: readable (grids too large for their numbers are shaded), inside
    the frame, nothing over anything, every statement true; y′ equal to y as drawn where numbers are drawn."""
    scene = check(BatchNormFoldingScene, options)
    for y, y_folded in zip(scene.y_grids, scene.y_folded_grids):
        if y.show_numbers:
            np.testing.assert_array_equal(y.shown_values(), y_folded.shown_values())


@st.composite
def stacks_of_new_layers(draw):
    """A random stack of the layers issue 36 added (batch norm, leaky ReLU, sigmoid, tanh, global pooling) with
    convs and max pooling, ending on a vector (flatten, linear, maybe softmax) or on maps."""
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    channels, size, layers = 1, 14, []  # the scene's 14×14 digit
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["conv", "batch norm", "leaky", "sigmoid", "tanh", "pool"]))
        if kind == "conv" and size >= 3:
            out = draw(st.integers(1, 4))
            layers.append(ca.Conv(rng.normal(size=(out, channels, 3, 3)), rng.normal(size=out) * 0.1))
            channels, size = out, size - 2
        elif kind == "batch norm":
            layers.append(ca.BatchNorm(rng.normal(size=channels), rng.uniform(0.2, 2, channels),
                                       rng.uniform(0.5, 2, channels), rng.normal(size=channels) * 0.3))
        elif kind == "pool" and size >= 2:
            layers.append(ca.MaxPool(2))
            size //= 2
        else:
            layers.append({"leaky": ca.LeakyReLU(0.1), "sigmoid": ca.Sigmoid(), "tanh": ca.Tanh()}.get(kind, ca.ReLU()))
    ending = draw(st.sampled_from(["maps", "global avg", "global max"]))
    if ending != "maps":
        layers += [ca.GlobalAvgPool() if ending == "global avg" else ca.GlobalMaxPool(), ca.Flatten()]
        classes = draw(st.integers(2, 10))
        layers.append(ca.Linear(rng.normal(size=(classes, channels)), rng.normal(size=classes)))
        if draw(st.booleans()):
            layers.append(ca.Softmax())
    return {"layers": layers, "language": draw(LANGUAGES)}


@FUZZ
@given(stacks_of_new_layers())
def test_pipeline_variants_with_the_new_layers(options):
    """The pipeline scene on random stacks of the new layers: readable, inside the frame, nothing over anything,
    every statement (a batch norm's first cell, written out) true."""
    layers = options.pop("layers")
    check(PipelineScene, {**options, "input_size": 14, "get_layers": lambda self: layers})


@FUZZ
@given(st.fixed_dictionaries({"input_size": st.tuples(st.integers(2, 7), st.integers(2, 7)),
                              "kernel_size": st.tuples(st.integers(1, 4), st.integers(1, 4)),
                              "mode": st.sampled_from(["valid", "full"]), "seed": st.integers(0, 999),
                              "detailed_steps": st.integers(0, 3), "language": LANGUAGES}))
def test_true_convolution_variants(options):
    """Readable, inside the frame, nothing over anything, both written-out sums true; the two outputs drawn are
    SciPy's (where they are drawn with numbers)."""
    import scipy.signal

    assume(options["mode"] == "full" or all(k <= i for k, i in zip(options["kernel_size"], options["input_size"])))
    scene = check(TrueConvolutionScene, options)
    for grid, function in ((scene.correlation_grid, scipy.signal.correlate2d),
                           (scene.convolution_grid, scipy.signal.convolve2d)):
        if grid.show_numbers:
            np.testing.assert_array_equal(grid.shown_values(), function(scene.x, scene.kernel, scene.mode))
