"""Issue 36: `convanim model MODEL.onnx --image PICTURE` renders your own network stage by stage: a still and a
short 480p video of a model built here; the numbers the scene draws equal onnxruntime's intermediate outputs (read
back from the grids and images); every refusal is one line, exit 2, nothing written."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

from screen_check import overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from render_support import probe
from convanim.manim.mobjects.cells import NumberGrid

ROOT = Path(__file__).resolve().parents[2]
COMMAND = shutil.which("convanim", path=str(Path(sys.executable).parent))
SCENE_FILE = ROOT / "convanim" / "manim" / "lecture" / "model_scene_file.py"


def small_model(dynamic=False, extra_op=None):
    """conv 3×3 (2 filters) → batch norm → LeakyRelu → max pool 2 → conv 2×2 (3 filters) → GlobalAveragePool →
    Flatten → Gemm (4 classes) → Softmax, on a (1, 1, 10, 10) image; every tensor also a graph output, so that
    onnxruntime gives each stage."""
    rng = np.random.default_rng(11)
    weights = {"w1": rng.normal(size=(2, 1, 3, 3)), "b1": rng.normal(size=2), "scale": rng.uniform(0.5, 2, 2),
               "shift": rng.normal(size=2), "mean": rng.normal(size=2) * 0.3, "var": rng.uniform(0.3, 2, 2),
               "w2": 0.2 * rng.normal(size=(3, 2, 2, 2)), "wl": rng.normal(size=(4, 3)), "bl": rng.normal(size=4)}
    inits = [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["conv1"], kernel_shape=[3, 3], name="conv1"),
             helper.make_node("BatchNormalization", ["conv1", "scale", "shift", "mean", "var"], ["bn"], name="bn"),
             helper.make_node("LeakyRelu", ["bn"], ["leaky"], alpha=0.2, name="leaky"),
             helper.make_node("MaxPool", ["leaky"], ["pool"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
             helper.make_node("Conv", ["pool", "w2"], ["conv2"], kernel_shape=[2, 2], name="conv2"),
             helper.make_node("GlobalAveragePool", ["conv2"], ["gap"], name="gap"),
             helper.make_node("Flatten", ["gap"], ["flat"], name="flat"),
             helper.make_node("Gemm", ["flat", "wl", "bl"], ["scores"], transB=1, name="linear"),
             helper.make_node("Softmax", ["scores"], ["probabilities"], axis=-1, name="softmax")]
    if extra_op:
        nodes.insert(3, helper.make_node(extra_op, ["leaky"], ["odd"], name="odd"))
        nodes[4] = helper.make_node("MaxPool", ["odd"], ["pool"], kernel_shape=[2, 2], strides=[2, 2], name="pool")
    names = ["conv1", "bn", "leaky", "pool", "conv2", "gap", "flat", "scores", "probabilities"]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, "H", "W"] if dynamic else [1, 1, 10, 10])
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in names]
    graph = helper.make_graph(nodes, "small", [x], outputs[::-1], inits)  # the last stage first: the model's output
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), names


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    model, _ = small_model()
    onnx.save(model, folder / "small.onnx")
    picture = (np.add.outer(np.arange(24), np.arange(30)) * 5 % 256).astype(np.uint8)  # a grey ramp, 24×30
    Image.fromarray(picture).save(folder / "ramp.png")
    return folder


def convanim(*args, cwd):
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_the_command_renders_a_still_and_a_short_video(files, tmp_path):
    result = convanim("model", files / "small.onnx", "--image", files / "ramp.png", "--still", "--quality", "480p",
                      "--out", tmp_path / "net.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = convanim("model", files / "small.onnx", "--image", files / "ramp.png", "--quality", "480p",
                      "--out", tmp_path / "net.mp4", "--set", "stage_time=0.2", "--set", "pause_time=0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    info = probe(tmp_path / "net.mp4")
    assert (info["width"], info["height"]) == (854, 480) and int(info["nb_read_frames"]) > 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.mp4", "net.png"]


def test_the_drawn_numbers_are_onnxruntimes_intermediate_outputs(files):
    from convanim.manim.rendering.scene_files import load_scene_module

    module = load_scene_module(str(SCENE_FILE), "model_scene_file")
    scene = run(recording(type("Read", (module.YourModel,), {"model": str(files / "small.onnx"),
                                                            "image": str(files / "ramp.png"), "numbered_cells": 100})))
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []  # readable, nothing covered
    model, names = small_model()
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = scene.stages[0].output.astype(np.float32)[None]
    # the picture as the model reads it: the ramp resized to 10×10, levels 0..255 onto 0..1
    resized = np.asarray(Image.open(files / "ramp.png").resize((10, 10), Image.Resampling.LANCZOS)) / 255
    np.testing.assert_allclose(x[0, 0], resized, atol=1e-6)
    expected = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"x": x})))
    assert [s.name for s in scene.stages] == ["input", "conv 1", "batch norm 1", "leaky ReLU 1", "max pool 1",
                                              "conv 2", "global avg pool 1", "flatten 1", "linear 1", "softmax 1"]
    kinds = set()
    for column, name in zip(scene.columns[1:7], names[:6]):  # the maps: numbered grids where they fit, else images
        for drawn, r in zip(column, expected[name][0]):
            if isinstance(drawn, NumberGrid):
                kinds.add("numbers")
                np.testing.assert_allclose(drawn.shown_values(), np.round(r, scene.decimals), atol=1e-6)
            else:
                kinds.add("image")
                np.testing.assert_allclose(drawn.values, r, rtol=1e-5, atol=1e-6)
    assert kinds == {"numbers", "image"}  # both kinds of map were read back
    np.testing.assert_allclose(scene.score_grid.shown_values()[:, 0], np.round(expected["scores"][0], 1), atol=1e-6)
    percents = [row[-1].text for row in scene.bars]
    assert percents == [f"{100 * p:.1f}%" for p in expected["probabilities"][0]]


@pytest.mark.parametrize("case, message", [
    ("dynamic", r"m\.onnx: the model's input size is open .*; give a picture \(--image\)"),
    ("unsupported", r"node 'odd' has op type Erf, which is not supported; supported: Conv"),
    ("not onnx", r"is not an ONNX model"),
    ("scale", r"--scale '1\.\.0': expected LOW\.\.HIGH with LOW below HIGH"),
    ("picture", r"--image '.*nope\.png': picture file not found"),
    ("model", r"model file not found: .*none\.onnx"),
])
def test_every_refusal_is_one_line_and_writes_nothing(files, tmp_path, case, message):
    model = tmp_path / "m.onnx"
    args = ["--quality", "480p", "--out", tmp_path / "out" / "net.png", "--still"]
    if case == "dynamic":
        onnx.save(small_model(dynamic=True)[0], model)
    elif case == "unsupported":
        onnx.save(small_model(extra_op="Erf")[0], model)
    elif case == "not onnx":
        model.write_bytes(b"not a model")
    else:
        onnx.save(small_model()[0], model)
    if case == "scale":
        args += ["--scale", "1..0"]
    if case == "picture":
        args += ["--image", tmp_path / "nope.png"]
    if case == "model":
        model = tmp_path / "none.onnx"
    result = convanim("model", model, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("ManimGL")]
    assert len(lines) == 1 and lines[0].startswith("convanim model: "), result.stderr[-2000:]
    assert re.search(message, lines[0]), lines[0]
    assert not (tmp_path / "out").exists()


def test_a_notebook_shows_a_model(files, tmp_path):
    """convanim.manim.show and show_still take an ONNX model too; keywords are the model scene's options."""
    from convanim.manim import show, show_still

    still = show_still(str(files / "small.onnx"), image=str(files / "ramp.png"), out=tmp_path / "nb.png")
    assert (tmp_path / "nb.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and still.data[:8] == b"\x89PNG\r\n\x1a\n"
    video = show(str(files / "small.onnx"), out=tmp_path / "nb.mp4", image=str(files / "ramp.png"), stage_time=0.2,
                 pause_time=0.2)
    assert "<video" in video._repr_html_() and int(probe(tmp_path / "nb.mp4")["nb_read_frames"]) > 0
    with pytest.raises(ValueError, match=r"YourModel\.image = '.*nope\.png': picture file not found"):
        show_still(str(files / "small.onnx"), image=str(tmp_path / "nope.png"), out=tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()


def rgb_model():
    """A conv of 2 filters 3×3 over 3 channels, then global max pooling, Flatten and a Gemm: (1, 3, 9, 9) in."""
    rng = np.random.default_rng(12)
    inits = [numpy_helper.from_array(v.astype(np.float32), k) for k, v in
             {"w": rng.normal(size=(2, 3, 3, 3)), "lw": rng.normal(size=(2, 3)), "lb": rng.normal(size=3)}.items()]
    nodes = [helper.make_node("Conv", ["x", "w"], ["conv"], kernel_shape=[3, 3], name="conv"),
             helper.make_node("GlobalMaxPool", ["conv"], ["gmp"], name="gmp"),
             helper.make_node("Flatten", ["gmp"], ["flat"], name="flat"),
             helper.make_node("Gemm", ["flat", "lw", "lb"], ["scores"], name="linear")]
    graph = helper.make_graph(nodes, "rgb", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 9, 9])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_an_rgb_picture_is_mapped_and_normalised_as_the_options_say(tmp_path):
    """--scale, --mean and --std on a colour picture: the command renders, and the same options in the scene give
    the input worked out here from Pillow's resize and the scores onnxruntime gives for that input."""
    onnx.save(rgb_model(), tmp_path / "rgb.onnx")
    colours = np.random.default_rng(13).integers(0, 256, (15, 18, 3)).astype(np.uint8)
    Image.fromarray(colours).save(tmp_path / "colours.png")
    result = convanim("model", tmp_path / "rgb.onnx", "--image", tmp_path / "colours.png", "--scale", "-1..1",
                      "--mean", "0.1,0.2,0.3", "--std", "0.5,0.25,2", "--still", "--quality", "480p",
                      "--out", tmp_path / "rgb.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    from convanim.manim.rendering.scene_files import load_scene_module

    module = load_scene_module(str(SCENE_FILE), "model_scene_file_rgb")
    scene = run(type("Colours", (module.YourModel,), {
        "model": str(tmp_path / "rgb.onnx"), "image": str(tmp_path / "colours.png"), "value_range": (-1.0, 1.0),
        "input_mean": np.array([0.1, 0.2, 0.3]), "input_std": np.array([0.5, 0.25, 2.0])}))
    resized = np.asarray(Image.fromarray(colours).resize((9, 9), Image.Resampling.LANCZOS)) / 255 * 2 - 1
    expected_input = ((resized - [0.1, 0.2, 0.3]) / [0.5, 0.25, 2.0]).transpose(2, 0, 1)
    np.testing.assert_allclose(scene.stages[0].output, expected_input, atol=1e-12)
    session = onnxruntime.InferenceSession(rgb_model().SerializeToString(), providers=["CPUExecutionProvider"])
    scores = session.run(None, {"x": expected_input[None].astype(np.float32)})[0][0]
    np.testing.assert_allclose(scene.score_grid.shown_values()[:, 0], np.round(scores, 1), atol=1e-6)
    assert [s.name for s in scene.stages] == ["input", "conv 1", "global max pool 1", "flatten 1", "linear 1"]
