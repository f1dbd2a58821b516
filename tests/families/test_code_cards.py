"""Issue 37: the closing code card.  For each family that has one, with random options within the declared
ranges, the code the card shows (read from its text mobject) runs under torch on the scene's input, weights and
biases and gives the output the scene draws (read back from its grids).  ``convanim code`` prints the same lines
as a script that runs on its own; its refusals are one line with exit 2."""
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from screen_check import Screen, fuzz_settings, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from convanim import output_size
from convanim.manim import ConvArithmetic, ConvLayerScene, Im2ColScene, PipelineScene, PoolingScene, TransposedScatter
from convanim.manim.mobjects.cells import NumberGrid
from manim_support import load_module

SOME = fuzz_settings(4)


def shown_code(scene) -> str:
    """The lines the scene's code card draws, as drawn (its text mobject's code)."""
    card = scene.code_card
    assert card.lines in card.get_family() and scene.code_card in scene.mobjects
    return card.lines.code


def run_card(code: str, **arrays) -> np.ndarray:
    """Run the card's lines under torch with the arrays it names, as float64 tensors; its y."""
    space = {"torch": torch, "nn": torch.nn}
    space.update({name: torch.tensor(np.asarray(value, dtype=np.float64)) for name, value in arrays.items()})
    with torch.no_grad():
        exec(compile(code, "<card>", "exec"), space)  # noqa: S102  (the test runs what the scene shows)
    return space["y"].numpy()


def drawn(grid: NumberGrid, fallback: np.ndarray) -> np.ndarray:
    """What a grid draws: its numbers, or (a grid too large for numbers, shaded) the values it was made from."""
    return grid.shown_values() if grid.show_numbers else fallback


def decimals_of(grid: NumberGrid) -> float:
    return 0.5 * 10.0 ** -grid.decimals + 1e-9


@st.composite
def conv_layers(draw):
    groups = draw(st.sampled_from([1, 2]))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (draw(st.integers(k[0], 5)), draw(st.integers(k[1], 5)))
    padding = draw(st.sampled_from([0, 1, "same", "valid"]))
    stride = 1 if padding == "same" else draw(st.integers(1, 2))
    dilation = draw(st.integers(1, 2))
    pads = 1 if padding == 1 else 0
    assume(all(output_size(i, kk, stride, pads, dilation) >= 1 for i, kk in zip(size, k)) or padding == "same")
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    if padding == "same":
        assume(all(dilation * (kk - 1) - dilation * (kk - 1) // 2 < i for kk, i in zip(k, size)))
    return {"in_channels": groups * draw(st.integers(1, 2)), "out_channels": groups * draw(st.integers(1, 2)),
            "groups": groups, "input_size": size, "kernel_size": k, "stride": stride, "padding": padding,
            "dilation": dilation, "padding_mode": mode, "use_bias": draw(st.booleans()),
            "seed": draw(st.integers(0, 999)), "detailed_steps": 1, "language": draw(st.sampled_from(["en", "th"]))}


@SOME
@given(conv_layers())
def test_the_conv_card_computes_the_drawn_output(options):
    scene = run(recording(type("Drawn", (ConvLayerScene,), options)))
    t = scene.trace
    arrays = {"x": t.input, "w": t.weight} | ({"b": t.bias} if t.has_bias else {})
    y = run_card(shown_code(scene), **arrays)
    for f, grid in enumerate(scene.output_grids):
        np.testing.assert_allclose(y[f], drawn(grid, t.output[f]), atol=decimals_of(grid))
    assert size_problems(scene.screen) == []


@SOME
@given(st.fixed_dictionaries({"input_size": st.integers(3, 6).map(lambda n: (n, n)), "kernel_size": st.just((3, 3)),
                              "padding": st.integers(0, 2), "stride": st.integers(1, 2), "dilation": st.integers(1, 2),
                              "seed": st.integers(0, 99)}))
def test_the_arithmetic_card_computes_the_drawn_output(options):
    assume(output_size(options["input_size"][0], 3, options["stride"], options["padding"], options["dilation"]) >= 1)
    scene = run(type("Drawn", (ConvArithmetic,), options))
    t = scene.trace
    y = run_card(shown_code(scene), x=t.input, w=t.weight)
    np.testing.assert_allclose(y[0], drawn(scene.output_grids[0], t.output[0]), atol=decimals_of(scene.output_grids[0]))
    assert "bias=False" in shown_code(scene) and "conv.bias.data" not in shown_code(scene)  # ConvArithmetic: no bias


@SOME
@given(st.fixed_dictionaries({"mode": st.sampled_from(["max", "avg"]), "kernel_size": st.integers(1, 3),
                              "stride": st.sampled_from([None, 1, 2]), "dilation": st.integers(1, 2),
                              "ceil_mode": st.booleans(), "count_include_pad": st.booleans(),
                              "divisor_override": st.sampled_from([None, 3]), "input_size": st.just((5, 5)),
                              "seed": st.integers(0, 99), "detailed_windows": st.just(1)}))
def test_the_pooling_card_computes_the_drawn_output(options):
    options["padding"] = options["kernel_size"] // 2
    if options["mode"] == "avg":
        options["dilation"] = 1
    scene = run(type("Drawn", (PoolingScene,), options))
    t = scene.trace
    y = run_card(shown_code(scene), x=t.input.reshape(1, *t.geometry.input))
    np.testing.assert_allclose(y[0], drawn(scene.output_grid, t.output[0]), atol=decimals_of(scene.output_grid))


@SOME
@given(st.fixed_dictionaries({"input_size": st.just((2, 3)), "kernel_size": st.just((3, 2)), "stride": st.integers(1, 3),
                              "padding": st.integers(0, 1), "output_padding": st.integers(0, 1),
                              "seed": st.integers(0, 99), "detailed_steps": st.just(1)}))
def test_the_transposed_card_computes_the_drawn_output(options):
    assume(options["output_padding"] < options["stride"])
    scene = run(type("Drawn", (TransposedScatter,), options))
    t = scene.trace
    y = run_card(shown_code(scene), x=t.input, w=t.weight)
    np.testing.assert_allclose(y[0], scene.output_grid.shown_values())


@SOME
@given(st.fixed_dictionaries({"in_channels": st.integers(1, 2), "out_channels": st.integers(1, 2),
                              "input_size": st.just((4, 4)), "kernel_size": st.sampled_from([(2, 2), (3, 2)]),
                              "stride": st.integers(1, 2), "padding": st.sampled_from([0, 1]),
                              "use_bias": st.booleans(), "seed": st.integers(0, 99)}))
def test_the_im2col_card_computes_the_drawn_maps(options):
    scene = run(type("Drawn", (Im2ColScene,), options))
    x, w, b = scene.layer_arrays
    arrays = {"x": x, "w": w} | ({"b": b} if b is not None else {})
    y = run_card(shown_code(scene), **arrays)
    assert "unfold" in shown_code(scene)
    for f, grid in enumerate(scene.output_maps):
        np.testing.assert_allclose(y[f], grid.shown_matrix(), atol=0.5 * 10.0 ** -scene.num_decimals + 1e-9)


@fuzz_settings(3)
@given(st.fixed_dictionaries({"digit": st.integers(0, 9), "input_size": st.integers(12, 16),
                              "kernel_size": st.just(3), "conv_channels": st.tuples(st.integers(1, 3), st.integers(1, 3)),
                              "pool_size": st.integers(1, 2), "seed": st.integers(0, 99)}))
def test_the_network_card_computes_the_last_stage_drawn(options):
    check_network_card(options)


def test_the_network_card_faces_the_viewer_after_the_stacked_view():
    check_network_card({"input_size": 12, "kernel_size": 3, "conv_channels": (2, 2), "stacked_view": True})


def check_network_card(options):
    scene = run(recording(type("Drawn", (PipelineScene,), options)))
    arrays = {"x": scene.stages[0].output}
    for k, layer in enumerate(scene.layers):  # the names the card reads: w0, b0, ... by the layer's place
        if hasattr(layer, "weight") and not hasattr(layer, "mean"):
            arrays[f"w{k}"], arrays[f"b{k}"] = layer.weight, layer.bias
    y = run_card(shown_code(scene), **{name: v for name, v in arrays.items() if v is not None})
    last = [m for m in scene.columns[-1] if isinstance(m, NumberGrid)]
    expected = np.stack([g.shown_values() for g in last]) if last else scene.stages[-1].output
    atol = 0.5 * 10.0 ** -scene.decimals + 1e-9 if last else 1e-9
    np.testing.assert_allclose(y, expected, atol=atol)
    card = Screen([seen for seen in scene.screen.seen if seen.play == scene.plays_seen])  # the card's own shot
    assert any(seen.kind == "code" for seen in card.seen) and size_problems(card) == []


def test_the_padding_card_gives_each_padded_plane_drawn():
    scene = run(load_module("arithmetic").PaddingModesCompared)
    y = run_card(shown_code(scene), x=np.asarray(scene.input_values)[None])
    assert len(y) == len(scene.grids) == 4
    for plane, (mode, grid) in zip(y, scene.grids.items()):
        np.testing.assert_array_equal(plane, grid.shown_values(), err_msg=mode)


VOLUMES = load_module("volumes")
BACKWARD = load_module("backward")


@pytest.mark.parametrize("name", ["ConvVolume", "GroupedConv", "DepthwiseSeparable", "PixelShuffle"])
def test_the_volume_cards_compute_the_drawn_output_block(name):
    scene = run(getattr(VOLUMES, name))
    arrays = {"x": scene.values} if name == "PixelShuffle" else scene.torch_code().arrays
    assert set(arrays) == set(scene.torch_code().arrays)
    y = run_card(shown_code(scene), **arrays)
    np.testing.assert_array_equal(y, np.stack([grid.shown_values() for grid in scene.output_block]))


def run_backward_card(code: str, **arrays) -> dict[str, np.ndarray]:
    """Run a backward card's lines (autograd on) with the arrays it names; its gradients."""
    space = {"torch": torch, "nn": torch.nn}
    space.update({name: torch.tensor(np.asarray(value, dtype=np.float64)) for name, value in arrays.items()})
    with torch.enable_grad():
        exec(compile(code, "<card>", "exec"), space)  # noqa: S102  (the test runs what the scene shows)
    return {name: space[name].numpy() for name in ("dx", "dw", "db") if name in space}


@pytest.mark.parametrize("name", ["ConvBackwardStrided", "ConvBackwardReflect", "ConvBackwardAsConvolution", "Col2Im"])
def test_the_conv_backward_cards_compute_the_gradients_shown(name):
    scene = run(getattr(BACKWARD, name))
    t = scene.trace
    grads = run_backward_card(shown_code(scene), x=t.input, w=t.weight, g=t.grad_output)
    np.testing.assert_allclose(grads["dx"], t.grad_input)
    np.testing.assert_allclose(grads["dw"], t.grad_weight)
    if scene.use_bias:
        np.testing.assert_allclose(grads["db"], t.grad_bias)
    assert "y.backward(g)" in shown_code(scene) and "conv.bias.data" not in shown_code(scene)


@pytest.mark.parametrize("name", ["MaxPoolBackward", "AvgPoolBackwardPadded"])
def test_the_pool_backward_cards_give_the_drawn_input_gradient(name):
    class Watched(getattr(BACKWARD, name)):
        def conclude(self):
            super().conclude()
            self.drawn_gradient = self.grad_in_grid.shown_values()
    scene = run(Watched)
    t = scene.trace
    grads = run_backward_card(shown_code(scene), x=t.forward.input.reshape(1, *t.geometry.input), g=t.grad_output)
    np.testing.assert_allclose(grads["dx"][0], scene.drawn_gradient, atol=0.5 * 10.0 ** -scene.decimals)


@SOME
@given(st.fixed_dictionaries({"input_size": st.tuples(st.integers(3, 6), st.integers(3, 6)),
                              "kernel_size": st.tuples(st.integers(1, 3), st.integers(1, 3)),
                              "stride": st.integers(1, 2), "padding": st.integers(0, 1), "dilation": st.integers(1, 2),
                              "seed": st.integers(0, 99)}))
def test_the_loop_orders_card_gives_the_matrix_both_loops_filled(options):
    size, k, d = options["input_size"], options["kernel_size"], options["dilation"]
    assume(all(output_size(i, kk, options["stride"], options["padding"], d) >= 1 for i, kk in zip(size, k)))
    scene = run(type("Drawn", (load_module("im2col").Im2ColLoopOrders,), options))
    plane = scene.get_input()
    drawn_plane = scene.panels["kernel"]["grid"].shown_values()  # the padded plane as drawn
    p = options["padding"]
    np.testing.assert_allclose(drawn_plane[p:p + size[0], p:p + size[1]], plane, atol=decimals_of_places(scene))
    y = run_card(shown_code(scene), x=plane)
    assert "nn.functional.unfold" in shown_code(scene)
    for method, matrix in scene.shown_matrices().items():
        np.testing.assert_allclose(y, matrix, atol=decimals_of_places(scene), err_msg=method)


def decimals_of_places(scene) -> float:
    return 0.5 * 10.0 ** -scene.num_decimals + 1e-9


@fuzz_settings(2)
@given(st.fixed_dictionaries({
    "filters": st.lists(st.sampled_from([("edge", 3), ("blur", 4), ("random", 2), ("random", 5)]), min_size=1,
                        max_size=2).map(tuple),
    "zoom_pixel": st.tuples(st.integers(0, 120), st.integers(0, 120)), "seed": st.integers(0, 99)}))
def test_the_feature_map_card_gives_the_zoomed_pixel(options):
    class Watched(load_module("feature_maps").FeatureMapsGenerated):
        def after_window_numbers(self):
            self.drawn = [(window.shown_values(), kernel.shown_values()) for window, kernel in
                          zip(self.window_grids, self.kernel_grids) if window.show_numbers]
    scene = run(type("Drawn", (Watched,), options | {"zoom_filter": len(options["filters"]) - 1}))
    code = scene.torch_code()
    for k, (window, kernel) in enumerate(scene.drawn):  # the card's arrays are the numbers drawn
        np.testing.assert_allclose(code.arrays["x"][k], window, atol=0.5 * 10.0 ** -2 + 1e-9)
        np.testing.assert_allclose(code.arrays["w"][0, k], kernel, atol=0.5 * 10.0 ** -2 + 1e-9)
    y = run_card(shown_code(scene), **code.arrays)
    oy, ox = scene.zoom_pixel
    photo = torch.tensor(scene.input[None], dtype=torch.float64)  # the whole photo through torch's conv: the map the pixel is in
    weight, bias = (torch.tensor(np.asarray(a, dtype=np.float64)) for a in scene.weights[-1])
    expected = torch.nn.functional.conv2d(photo, weight, bias)[0, 0, oy, ox].item()
    assert y.shape == (1, 1, 1) and y[0, 0, 0] == pytest.approx(expected, abs=1e-9)


@SOME
@given(st.fixed_dictionaries({"num_images": st.integers(1, 4), "image_size": st.integers(3, 5),
                              "lr": st.sampled_from([0.05, 0.1, 0.2]), "steps": st.integers(1, 6),
                              "seed": st.integers(0, 99), "detailed_steps": st.just(1)}))
def test_the_descent_card_trains_to_the_weights_drawn(options):
    options["shown_image"] = options["num_images"] - 1
    scene = run(type("Drawn", (BACKWARD.GradientDescent,), options))
    code = scene.torch_code()
    k = options["shown_image"]
    np.testing.assert_array_equal(code.arrays["x"][k, 0], scene.image_grid.shown_values())
    np.testing.assert_array_equal(code.arrays["w"], 0)  # the scene starts every weight at 0
    space = {"torch": torch, "nn": torch.nn}
    space.update({name: torch.tensor(np.asarray(v, dtype=np.float64)) for name, v in code.arrays.items()})
    exec(compile(shown_code(scene), "<card>", "exec"), space)  # noqa: S102  (autograd on, as the script runs it)
    y = space["y"].numpy()
    assert "torch.optim.SGD" in shown_code(scene) and f"range({options['steps']})" in shown_code(scene)
    grid = scene.weight_grid
    np.testing.assert_allclose(y[0, 0], drawn(grid, scene.run.final_weight[0, 0]), atol=decimals_of(grid))


def test_the_learned_filters_card_gives_the_held_out_accuracy_shown():
    class Watched(load_module("trained").LearnedFilters):
        def conclude(self):
            super().conclude()
            self.final_caption = self.caption.text
            self.final_filters = np.stack([grid.shown_values() for grid in self.grids()])
    scene = run(Watched)
    code = scene.torch_code()
    np.testing.assert_array_equal(code.arrays["w0"][:, 0], scene.final_filters)  # the filters shown last
    from convanim import handwritten_digits
    digits = handwritten_digits()
    assert code.arrays["x"].shape == (360, 1, 8, 8)
    np.testing.assert_array_equal(code.arrays["x"][:, 0], digits.held_out_images)
    np.testing.assert_array_equal(code.arrays["labels"], digits.held_out_labels)
    y = run_card(shown_code(scene), **code.arrays)
    assert f"{100 * float(y):.1f}%" in scene.final_caption


def test_show_code_off_ends_on_the_layer():
    scene = run(type("Plain", (ConvLayerScene,), {"show_code": False, "detailed_steps": 0}))
    assert not hasattr(scene, "code_card") and all(g in scene.mobjects for g in scene.output_grids)


def convanim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convanim.manim.cli", *args], capture_output=True, text=True)


def test_the_code_command_prints_a_script_that_runs_on_its_own(tmp_path):
    printed = convanim("code", "conv3x3", "Conv3x3", "--set", "stride=2", "--set", "padding=1")
    assert printed.returncode == 0, printed.stderr
    script = tmp_path / "conv.py"
    script.write_text(printed.stdout + "np_y = y.numpy()\nimport numpy\nnumpy.save('y.npy', np_y)\n")
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    y = np.load(tmp_path / "y.npy")
    scene = run(type("Same", (ConvLayerScene,), {"stride": 2, "padding": 1, "detailed_steps": 0}))
    np.testing.assert_array_equal(y, np.stack([g.shown_values() for g in scene.output_grids]))
    assert "nn.Conv2d(3, 3, kernel_size=3, stride=2, padding=1)" in printed.stdout
    written = convanim("code", "pooling", "MaxPool2x2", "--out", str(tmp_path / "pool.py"))
    assert written.returncode == 0 and (tmp_path / "pool.py").read_text().rstrip().endswith("print(y)")


@pytest.mark.parametrize("args, message", [
    (("conv3x3", "Nope"), "has no scene 'Nope'"),
    (("conv3x3", "Conv3x3", "--set", "stride=0"), "Conv3x3.stride = 0"),
    (("nowhere.py", "X"), "scene file not found: nowhere.py"),
])
def test_the_code_command_refuses_in_one_line(args, message, tmp_path):
    result = convanim("code", *args, "--out", str(tmp_path / "x.py"))
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.py").exists()


def test_the_code_command_refuses_a_network_torch_cannot_write(tmp_path):
    scene_file = tmp_path / "uneven.py"
    scene_file.write_text("import numpy as np\nfrom convanim import Conv\nfrom convanim.manim import PipelineScene\n\n\n"
                          "class Uneven(PipelineScene):\n    input_size = 8\n\n    def get_layers(self):\n"
                          "        return [Conv(np.ones((1, 1, 2, 2)), padding=(0, 1, 0, 1))]\n")
    result = convanim("code", str(scene_file), "Uneven", "--out", str(tmp_path / "x.py"))
    assert result.returncode == 2 and "Uneven: no PyTorch code" in result.stderr
    assert "uneven padding" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.py").exists()
